-- Staff views about what the parties say and claim: positions, figures, contested_figures.
set local role parley_owner;

-- positions -----------------------------------------------------------------------------------------------------

create or replace view parley.positions with (security_invoker = true) as
select x.party,
       x.track,
       i.code                                   as item,
       x.stance,
       x.stated_on,
       x.statement,
       -- The stance before, the date it was stated and when the party changed from it: worked out for the rows
       -- returned only (subqueries in the select list run after a page's LIMIT), each an index probe.
       (prev.position).stance                   as previous_stance,
       (prev.position).stated_on                as previous_stated_on,
       (select min(r.stated_on)
          from parley_data.positions r
         where r.party_id = x.party_id and r.item_id = i.id and r.track_id is not distinct from x.track_id
           and r.stated_on > (prev.position).stated_on) as changed_on,
       (select s.code from parley_data.sources s where s.id = x.source_id) as source,
       parley_data.shown_level(x.effective_classification) as classification
  -- Item by item in code order, each item's latest positions worked out and sorted on their own: a page reads the
  -- first items' positions (a few hundred each), `where track = …` reaches into each item's part (a condition on a
  -- column of a subquery is pushed into it) and reads that track's positions. The ORDER BY inside keeps the part
  -- a subquery of its own: merged into one join, the planner (which keeps no statistics of the classified
  -- partitions) took every party's latest position on every item for a few rows and sorted them all (18 s at a
  -- million commitments).
  from parley_data.agenda_items i
 cross join lateral (
        select pa.name as party, t.code as track, cur.party_id, cur.track_id, cur.stance, cur.stated_on,
               cur.statement, cur.source_id, cur.effective_classification
          from parley_data.positions cur
          join parley_data.parties pa on pa.id = cur.party_id
          left join parley_data.tracks t on t.id = cur.track_id
         where cur.item_id = i.id
           -- Its party's latest on the item and track: no position the reader may see is newer (by date, then by
           -- number). Track ids start at 1, so 0 stands for "no track" and the three make one key to hash on.
           and not exists (select 1
                             from parley_data.positions l
                            where l.party_id = cur.party_id and l.item_id = cur.item_id
                              and coalesce(l.track_id, 0) = coalesce(cur.track_id, 0)
                              and (l.stated_on, l.id) > (cur.stated_on, cur.id))
         order by t.code nulls first, pa.name
       ) x
 -- The latest different stance the party held before, on the same item and track, written once: this subquery is
 -- merged into the view, each use of it above becoming its own probe in the select list.
 cross join lateral (
        select (select q
                  from parley_data.positions q
                 where q.party_id = x.party_id and q.item_id = i.id and q.track_id is not distinct from x.track_id
                   and q.stated_on < x.stated_on and q.stance <> x.stance
                 order by q.stated_on desc
                 limit 1) as position
       ) prev
 order by i.code, x.track nulls first, x.party;

comment on view parley.positions is
    'Each party''s latest stance on each agenda item, per track (track empty: stated generally), with the different stance it held before and the date it changed.';
select parley_data.comment_columns('parley.positions', array[
    ['party', 'The name of the party whose stance this is.'],
    ['track', 'The code of the track it was stated on; empty for a stance stated generally (on no particular track).'],
    ['item', 'The code of the agenda item it is about.'],
    ['stance', 'The latest stance: supports, conditional, opposes, refuses or undecided.'],
    ['stated_on', 'The date the party last stated its stance (the latest position recorded for this party, item and track).'],
    ['statement', 'What the party said then, as recorded; empty when nothing was recorded beyond the stance.'],
    ['previous_stance', 'The last different stance the party held before the current one (same item and track); empty if it never changed.'],
    ['previous_stated_on', 'The last date that previous stance was stated; empty if the stance never changed.'],
    ['changed_on', 'The first date the party stated a stance after previous_stated_on: when its position changed to the current one; empty if it never changed.'],
    ['source', 'The code of the source of the latest statement (see parley.sources); empty when none was cited.'],
    ['classification', 'The level the latest statement is kept and shown at: the higher of its own classification and its track''s. You see only positions at or below your clearance, and previous stances from those alone.']]);

-- figures, contested_figures -------------------------------------------------------------------------------------

create or replace view parley.figures with (security_invoker = true) as
select f.indicator,
       i.code                                   as item,
       cl.name                                  as claimant,
       f.value,
       f.unit,
       f.as_of,
       f.confidence,
       s.code                                   as source,
       s.title                                  as source_title,
       s.url                                    as source_url,
       f.note,
       parley_data.shown_level(f.classification) as classification
  from (select distinct on (x.indicator, x.claimant_id, x.source_id) x.*
          from parley_data.figures x
         order by x.indicator, x.claimant_id, x.source_id, x.as_of desc) f
  left join parley_data.agenda_items i on i.id = f.item_id
  left join parley_data.parties cl on cl.id = f.claimant_id
  left join parley_data.sources s on s.id = f.source_id
 order by f.indicator, cl.name nulls last, f.as_of desc;

comment on view parley.figures is
    'The latest value of each indicator as reported by each claimant in each source (e.g. children_deported: Ukraine 19546).';
select parley_data.comment_columns('parley.figures', array[
    ['indicator', 'What is counted, by code, e.g. children_deported.'],
    ['item', 'The code of the agenda item the figure concerns; empty when it concerns none.'],
    ['claimant', 'The name of the party that claims the figure; empty when it comes from an independent report.'],
    ['value', 'The figure: the latest value this claimant gives in this source, in unit.'],
    ['unit', 'The unit of value (e.g. children); empty when none was given.'],
    ['as_of', 'The date the figure refers to (the latest for this indicator, claimant and source).'],
    ['confidence', 'How far the figure can be trusted: confirmed, reported, estimated or disputed.'],
    ['source', 'The code of the source that gives it (see parley.sources); empty when none was cited.'],
    ['source_title', 'That source''s title.'],
    ['source_url', 'That source''s web address; empty when none was recorded.'],
    ['note', 'A note recorded with the figure; empty when none.'],
    ['classification', 'The figure''s own classification, the level it is kept and shown at (figures belong to no track). You see only figures at or below your clearance.']]);

create or replace view parley.contested_figures with (security_invoker = true) as
with latest as (
    -- Each claim holder's latest figure: the claimant's, or for an unattributed figure the source's, so that a
    -- party's own series over time (386, then 1,247 children returned) is not mistaken for a dispute.
    select distinct on (f.indicator, f.unit, f.claimant_id, case when f.claimant_id is null then f.source_id end)
           f.*
      from parley_data.figures f
     order by f.indicator, f.unit, f.claimant_id, case when f.claimant_id is null then f.source_id end,
              f.as_of desc, f.id desc
)
select l.indicator,
       min(i.code)                              as item,
       l.unit,
       count(*)                                 as claims,
       min(l.value)                             as min_value,
       max(l.value)                             as max_value,
       max(l.value) - min(l.value)              as spread,
       round(100 * (max(l.value) - min(l.value)) / nullif(min(l.value), 0), 2) as spread_pct,
       string_agg(coalesce(cl.name, s.title, 'unattributed') || ': ' || trim_scale(l.value)
                  || ' (' || l.as_of || ')', '; ' order by l.value, cl.name) as claims_by,
       max(l.as_of)                             as latest_as_of
  from latest l
  left join parley_data.agenda_items i on i.id = l.item_id
  left join parley_data.parties cl on cl.id = l.claimant_id
  left join parley_data.sources s on s.id = l.source_id
 group by l.indicator, l.unit
having min(l.value) <> max(l.value)
 order by spread_pct desc nulls last, l.indicator;

comment on view parley.contested_figures is
    'Indicators whose claims disagree: the latest figure of each claimant (or, unattributed, of each source) compared; lowest, highest, the spread, and who claims what.';
select parley_data.comment_columns('parley.contested_figures', array[
    ['item', 'The code of the agenda item the claims concern (the first in code order if they name several); empty when none does.'],
    ['unit', 'The unit the claims are given in: claims in different units are not compared, each unit has its own row; empty for claims without a unit.'],
    ['claims', 'How many claims are compared: the latest figure of each claimant, and of each source for figures no party claims.'],
    ['min_value', 'The lowest of those claims, in unit.'],
    ['max_value', 'The highest of those claims, in unit.'],
    ['spread', 'Highest claim minus lowest claim, in unit.'],
    ['spread_pct', 'How much higher the highest claim is than the lowest, in percent of the lowest, to two decimals; empty when the lowest is 0.'],
    ['claims_by', 'Who claims what, lowest first: the claimant''s name (or, unattributed, the source''s title), the value and its date, e.g. "Ukraine: 6057 (2025-06-16); Russia: 6060 (2025-06-16)".'],
    ['latest_as_of', 'The most recent date any of the compared claims refers to.']]);
select parley_data.comment_columns_as('parley.figures', 'parley.contested_figures', 'indicator');
