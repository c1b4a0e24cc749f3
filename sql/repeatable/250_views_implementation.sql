-- How far each provision of an agreement is implemented, on the Peace Accords Matrix scale (0 not initiated,
-- 1 minimal, 2 intermediate, 3 full), from its status and progress as recorded by dated updates — so by event and
-- as of any day, not once a year — unless staff set the score by hand with a source: the rule
-- (parley_data.implementation_score), the score of one provision on a day (parley_data.provision_score), every
-- provision as of a day (parley.implementation_as_of, and parley.implementation for today), and the roll-ups per
-- agreement, party and agenda item (parley.implementation_summary).
set local role parley_owner;

-- The rule, written once. From the commitment's status and how much of its target was delivered:
--   fulfilled                                              3  full
--   a target, something delivered: all of it              3  full
--                                   half or more           2  intermediate
--                                   less than half         1  minimal
--   no target (or nothing delivered yet): partially fulfilled  2, in progress  1
--   pending or breached with nothing delivered              0  not initiated
--   withdrawn or superseded                                  no score (it no longer asks anything)
-- A breach keeps what was delivered before it: 390 of 1,000 delivered, then breached, is 1 (minimal).
create or replace function parley_data.implementation_score(status parley.commitment_status, delivered numeric,
                                                             target numeric)
    returns smallint
    language sql immutable parallel safe
    return case
        when status in ('withdrawn', 'superseded') then null
        when status = 'fulfilled' then 3
        when target > 0 and delivered > 0 then
            case when delivered >= target then 3 when 2 * delivered >= target then 2 else 1 end
        when status = 'partially_fulfilled' then 2
        when status = 'in_progress' then 1
        else 0
    end::smallint;
comment on function parley_data.implementation_score(parley.commitment_status, numeric, numeric) is
    'The implementation score of a provision (0 not initiated, 1 minimal, 2 intermediate, 3 full) from its status and delivery: fulfilled 3; with a target and something delivered, 3 for all of it, 2 for half or more, 1 for less; otherwise partially fulfilled 2, in progress 1, pending or breached 0; withdrawn or superseded none.';

-- The score of one provision on a day: the latest score staff set by then, else the rule's.
create or replace function parley_data.provision_score(commitment_id bigint, status parley.commitment_status,
                                                        delivered numeric, target numeric, day date)
    returns smallint
    language sql stable
begin atomic
    select coalesce((select o.score from parley_data.implementation_overrides o
                      where o.commitment_id = provision_score.commitment_id and o.as_of <= provision_score.day
                      order by o.as_of desc, o.id desc limit 1),
                    parley_data.implementation_score(provision_score.status, provision_score.delivered,
                                                     provision_score.target));
end;
comment on function parley_data.provision_score(bigint, parley.commitment_status, numeric, numeric, date) is
    'The implementation score of a provision on a day: the latest score staff set by that day, else parley_data.implementation_score of its status and delivery.';

create or replace function parley.implementation_as_of(day date)
    returns table (
        agreement        text,
        article          text,
        commitment       text,
        obligor          text,
        track            text,
        item             text,
        text             text,
        status           parley.commitment_status,
        delivered        numeric,
        target           numeric,
        unit             text,
        score            smallint,
        score_pct        numeric,
        scored_by        text,
        evidence_on      date,
        evidence         text,
        evidence_source  text,
        evidence_url     text,
        classification   parley.classification)
    language sql stable
begin atomic
    -- Each provision made by then, as its updates up to then leave it: the last status reported (pending if none)
    -- and the sum delivered.
    with provision as (
        select c.id, c.code, c.agreement_id, c.article, c.obligor_id, c.track_id, c.item_id, c.text,
               c.target_quantity, c.unit, c.effective_classification,
               coalesce((select u.new_status from parley_data.commitment_updates u
                          where u.commitment_id = c.id and u.reported_on <= $1 and u.new_status is not null
                          order by u.reported_on desc, u.id desc limit 1), 'pending') as status_then,
               coalesce((select sum(u.delivered_quantity) from parley_data.commitment_updates u
                          where u.commitment_id = c.id and u.reported_on <= $1), 0) as delivered_then
          from parley_data.commitments c
         where c.agreement_id is not null and c.made_on <= $1
    )
    select a.code, p.article, p.code, ob.name, t.code, i.code, p.text, p.status_then, p.delivered_then,
           p.target_quantity, p.unit, s.score, round(100 * s.score / 3.0, 1),
           case when s.score is null then null when o.score is not null then 'staff' else 'rule' end,
           coalesce(o.as_of, u.reported_on),
           case when o.score is not null then coalesce(o.note, 'score set by staff')
                else concat_ws('; ', u.note,
                               'status ' || replace(u.new_status::text, '_', ' '),
                               'delivered ' || trim_scale(u.delivered_quantity),
                               'reported by ' || rp.name,
                               case when u.id is not null then 'verification: ' || replace(u.verification::text, '_', ' ') end)
           end,
           coalesce(os.title, us.title), coalesce(os.url, us.url),
           parley_data.shown_level(p.effective_classification)
      from provision p
      join parley_data.agreements a on a.id = p.agreement_id
      join parley_data.parties ob on ob.id = p.obligor_id
      join parley_data.tracks t on t.id = p.track_id
      join parley_data.agenda_items i on i.id = p.item_id
      left join lateral (
            select x.score, x.as_of, x.note, x.source_id from parley_data.implementation_overrides x
             where x.commitment_id = p.id and x.as_of <= $1
             order by x.as_of desc, x.id desc limit 1) o on true
      left join lateral (
            select x.* from parley_data.commitment_updates x
             where x.commitment_id = p.id and x.reported_on <= $1
             order by x.reported_on desc, x.id desc limit 1) u on true
      left join parley_data.parties rp on rp.id = u.reported_by_party_id
      left join parley_data.sources us on us.id = u.source_id
      left join parley_data.sources os on os.id = o.source_id
     cross join lateral (select parley_data.provision_score(p.id, p.status_then, p.delivered_then, p.target_quantity, $1)
                                as score) s
     order by a.code, p.article nulls last, ob.name, p.code;
end;
comment on function parley.implementation_as_of(date) is
    'Every provision of every agreement as it stood on a day: its status and delivery from the updates reported by then, its implementation score (0 not initiated … 3 full; parley_data.implementation_score gives the rule, staff may set it by hand with a source), and the evidence for it: select * from parley.implementation_as_of(''2025-06-30''). Result columns, as parley.implementation describes them: agreement (its code), article, commitment (the provision for one obligor), obligor, track, item, text, status and delivered (as the updates reported by that day leave them), target and unit, score (0–3; empty for a withdrawn or superseded commitment), score_pct (of full implementation), scored_by (rule or staff), evidence_on, evidence, evidence_source and evidence_url (what the score rests on), classification (the level the provision is kept at).';

create or replace view parley.implementation with (security_invoker = true) as
select * from parley.implementation_as_of(current_date);
comment on view parley.implementation is
    'How far each provision of each agreement is implemented today (agreement × provision): 0 not initiated, 1 minimal, 2 intermediate, 3 full, as a percentage, and the evidence. parley.implementation_as_of(day) gives any other day; parley.implementation_summary rolls it up.';
select parley_data.comment_columns('parley.implementation', array[
    ['agreement', 'The agreement''s code.'],
    ['article', 'The article or paragraph the provision comes from.'],
    ['commitment', 'The commitment that is this provision for this obligor (one per obligor and article).'],
    ['obligor', 'The party that owes it.'],
    ['track', 'The track the commitment is on.'],
    ['item', 'The agenda item it is about.'],
    ['text', 'What was promised.'],
    ['status', 'Its status as the updates reported by that day leave it (pending if none).'],
    ['delivered', 'How much was delivered by that day (the sum of the updates).'],
    ['target', 'How much was promised, in unit; empty when nothing is counted.'],
    ['unit', 'What the target counts.'],
    ['score', '0 not initiated, 1 minimal, 2 intermediate, 3 full (empty for a withdrawn or superseded commitment).'],
    ['score_pct', 'The score as a percentage of full implementation (3 = 100 %).'],
    ['scored_by', 'rule: worked out from status and delivery; staff: set by hand (parley.override_implementation).'],
    ['evidence_on', 'The day of the evidence: the last update reported by then, or the day staff''s score holds from.'],
    ['evidence', 'What the score rests on: the last update (note, status, delivery, who reported it, who confirms it), or staff''s note.'],
    ['evidence_source', 'The title of the source of that evidence.'],
    ['evidence_url', 'Its address.'],
    ['classification', 'The level the provision is kept at (at least its agreement''s).']]);

-- Rolled up: per agreement, per party (obligor) and per agenda item, on a day.
create or replace function parley.implementation_summary(day date default current_date)
    returns table (
        scope               text,
        agreement           text,
        party               text,
        item                text,
        provisions          bigint,
        scored              bigint,
        mean_score          numeric,
        implementation_pct  numeric)
    language sql stable
begin atomic
    with p as (select * from parley.implementation_as_of($1))
    select 'agreement', p.agreement, null::text, null::text, count(*), count(p.score),
           round(avg(p.score), 2), round(100 * sum(p.score) / nullif(3.0 * count(p.score), 0), 1)
      from p group by p.agreement
    union all
    select 'party', null, p.obligor, null, count(*), count(p.score),
           round(avg(p.score), 2), round(100 * sum(p.score) / nullif(3.0 * count(p.score), 0), 1)
      from p group by p.obligor
    union all
    select 'item', null, null, p.item, count(*), count(p.score),
           round(avg(p.score), 2), round(100 * sum(p.score) / nullif(3.0 * count(p.score), 0), 1)
      from p group by p.item
     order by 1, 2, 3, 4;
end;
comment on function parley.implementation_summary(date) is
    'Implementation rolled up on a day (default today), per agreement, per party (as obligor) and per agenda item: how many provisions, how many have a score, the mean score (0–3) and the implementation percentage (the scores as a share of full implementation of all of them): select * from parley.implementation_summary() where scope = ''party''. Result columns: scope (agreement, party or item), agreement, party or item (the one the row is about; the others empty), provisions, scored (how many have a score), mean_score (0–3), implementation_pct.';
