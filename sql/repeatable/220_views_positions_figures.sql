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
       (select q.stance
          from parley_data.positions q
         where q.party_id = x.party_id and q.item_id = i.id and q.track_id is not distinct from x.track_id
           and q.stated_on < x.stated_on and q.stance <> x.stance
         order by q.stated_on desc
         limit 1)                               as previous_stance,
       (select q.stated_on
          from parley_data.positions q
         where q.party_id = x.party_id and q.item_id = i.id and q.track_id is not distinct from x.track_id
           and q.stated_on < x.stated_on and q.stance <> x.stance
         order by q.stated_on desc
         limit 1)                               as previous_stated_on,
       (select min(r.stated_on)
          from parley_data.positions r
         where r.party_id = x.party_id and r.item_id = i.id and r.track_id is not distinct from x.track_id
           and r.stated_on > (select q.stated_on
                                from parley_data.positions q
                               where q.party_id = x.party_id and q.item_id = i.id
                                 and q.track_id is not distinct from x.track_id
                                 and q.stated_on < x.stated_on and q.stance <> x.stance
                               order by q.stated_on desc
                               limit 1))        as changed_on,
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
 order by i.code, x.track nulls first, x.party;

comment on view parley.positions is
    'Each party''s latest stance on each agenda item, per track (track empty: stated generally), with the different stance it held before and the date it changed.';
comment on column parley.positions.party is 'The name of the party whose stance this is.';
comment on column parley.positions.track is 'The code of the track it was stated on; empty for a stance stated generally (on no particular track).';
comment on column parley.positions.item is 'The code of the agenda item it is about.';
comment on column parley.positions.stance is 'The latest stance: supports, conditional, opposes, refuses or undecided.';
comment on column parley.positions.stated_on is 'The date the party last stated its stance (the latest position recorded for this party, item and track).';
comment on column parley.positions.statement is 'What the party said then, as recorded; empty when nothing was recorded beyond the stance.';
comment on column parley.positions.previous_stance is 'The last different stance the party held before the current one (same item and track); empty if it never changed.';
comment on column parley.positions.previous_stated_on is 'The last date that previous stance was stated; empty if the stance never changed.';
comment on column parley.positions.changed_on is 'The first date the party stated a stance after previous_stated_on: when its position changed to the current one; empty if it never changed.';
comment on column parley.positions.source is 'The code of the source of the latest statement (see parley.sources); empty when none was cited.';
comment on column parley.positions.classification is 'The level the latest statement is kept and shown at: the higher of its own classification and its track''s. You see only positions at or below your clearance, and previous stances from those alone.';

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
comment on column parley.figures.indicator is 'What is counted, by code, e.g. children_deported.';
comment on column parley.figures.item is 'The code of the agenda item the figure concerns; empty when it concerns none.';
comment on column parley.figures.claimant is 'The name of the party that claims the figure; empty when it comes from an independent report.';
comment on column parley.figures.value is 'The figure: the latest value this claimant gives in this source, in unit.';
comment on column parley.figures.unit is 'The unit of value (e.g. children); empty when none was given.';
comment on column parley.figures.as_of is 'The date the figure refers to (the latest for this indicator, claimant and source).';
comment on column parley.figures.confidence is 'How far the figure can be trusted: confirmed, reported, estimated or disputed.';
comment on column parley.figures.source is 'The code of the source that gives it (see parley.sources); empty when none was cited.';
comment on column parley.figures.source_title is 'That source''s title.';
comment on column parley.figures.source_url is 'That source''s web address; empty when none was recorded.';
comment on column parley.figures.note is 'A note recorded with the figure; empty when none.';
comment on column parley.figures.classification is 'The figure''s own classification, the level it is kept and shown at (figures belong to no track). You see only figures at or below your clearance.';

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
comment on column parley.contested_figures.indicator is 'What is counted, by code, e.g. children_deported.';
comment on column parley.contested_figures.item is 'The code of the agenda item the claims concern (the first in code order if they name several); empty when none does.';
comment on column parley.contested_figures.unit is 'The unit the claims are given in: claims in different units are not compared, each unit has its own row; empty for claims without a unit.';
comment on column parley.contested_figures.claims is 'How many claims are compared: the latest figure of each claimant, and of each source for figures no party claims.';
comment on column parley.contested_figures.min_value is 'The lowest of those claims, in unit.';
comment on column parley.contested_figures.max_value is 'The highest of those claims, in unit.';
comment on column parley.contested_figures.spread is 'Highest claim minus lowest claim, in unit.';
comment on column parley.contested_figures.spread_pct is 'How much higher the highest claim is than the lowest, in percent of the lowest, to two decimals; empty when the lowest is 0.';
comment on column parley.contested_figures.claims_by is 'Who claims what, lowest first: the claimant''s name (or, unattributed, the source''s title), the value and its date, e.g. "Ukraine: 6057 (2025-06-16); Russia: 6060 (2025-06-16)".';
comment on column parley.contested_figures.latest_as_of is 'The most recent date any of the compared claims refers to.';
