-- Listings: plain lists of what was recorded, one row per record, for `parley <noun> list` and psql.
set local role parley_owner;

-- Listings of the parley command -----------------------------------------------------------------------------------
-- Plain lists of what was recorded, one row per record, for `parley <noun> list` and for psql. Like the views of
-- 000005 they run as the person querying, so they show only what that person is cleared to see.

create or replace view parley.parties with (security_invoker = true) as
select p.code,
       p.name,
       p.kind,
       (select string_agg(r.track || ' (' || r.roles || ')', ', ' order by r.track)
          from (select t.code as track, string_agg(m.role::text, ', ' order by m.role) as roles
                  from parley_data.track_members m
                  join parley_data.tracks t on t.id = m.track_id
                 where m.party_id = p.id
                 group by t.code) r) as tracks
  from parley_data.parties p
 order by p.code;
comment on view parley.parties is 'The parties (states and organisations), with the tracks they take part in and as what.';
comment on column parley.parties.code is 'The party''s code, as the recording functions take it (e.g. UA).';
comment on column parley.parties.tracks is 'Each track the party takes part in, with its roles there, e.g. "istanbul (principal)".';

create or replace view parley.people with (security_invoker = true) as
select p.email,
       p.name,
       p.timezone,
       p.clearance,
       p.active,
       (select string_agg(t.code, ', ' order by t.code) from parley_data.tracks t where t.lead_id = p.id) as leads,
       -- From the tallies of open commitments per owner and level (000008), summed over the levels the reader
       -- may see.
       coalesce((select sum(x.open_commitments) from parley_data.owner_tallies x where x.owner_id = p.id), 0)::bigint
           as open_commitments,
       (select count(*) from parley_data.follow_ups f where f.assignee_id = p.id and f.done_at is null) as open_follow_ups
  from parley_data.people p
 order by lower(p.email);
comment on view parley.people is 'Staff: who they are, their clock and clearance, the tracks they lead and what they have open.';
comment on column parley.people.clearance is 'The highest classification of the alerts they may receive.';
comment on column parley.people.active is 'False for someone who left the desk: they can no longer be made owner, lead or assignee.';
comment on column parley.people.leads is 'The tracks they lead.';
comment on column parley.people.open_commitments is 'Open commitments they own (that you may see).';
comment on column parley.people.open_follow_ups is 'Follow-ups assigned to them and not done (that you may see).';

create or replace view parley.members with (security_invoker = true) as
select t.code as track, p.code as party, p.name as party_name, m.role, m.note
  from parley_data.track_members m
  join parley_data.tracks t on t.id = m.track_id
  join parley_data.parties p on p.id = m.party_id
 order by t.code, m.role, p.code;
comment on view parley.members is 'Who takes part in each track, and as what (principal, mediator, host, guarantor, observer, briefer).';

create or replace view parley.sources with (security_invoker = true) as
select s.code, s.title, s.publisher, s.url, s.published_on, s.note
  from parley_data.sources s
 order by s.code;
comment on view parley.sources is 'Where facts come from: articles, statements, readouts. Positions, updates, figures and meetings cite them by code.';

create or replace view parley.meetings with (security_invoker = true) as
select m.code as meeting,
       t.code as track,
       m.title,
       m.starts_at,
       (m.starts_at at time zone t.timezone) as local_start,
       m.ends_at,
       t.timezone,
       m.location,
       m.status,
       m.outcome_summary as outcome,
       m.outcome_recorded_at,
       s.code as source,
       parley_data.shown_level(m.effective_classification) as classification
  from parley_data.meetings m
  join parley_data.tracks t on t.id = m.track_id
  left join parley_data.sources s on s.id = m.source_id
 order by m.starts_at, m.code;
comment on view parley.meetings is 'Every meeting, past and future, in date order: when (also on the track''s clock), where, its status and outcome.';
comment on column parley.meetings.local_start is 'The start on the track''s clock (see timezone).';
comment on column parley.meetings.outcome is 'What came of it, once held.';

create or replace view parley.commitments with (security_invoker = true) as
select c.code,
       t.code                                   as track,
       i.code                                   as item,
       ob.code                                  as obligor,
       (select string_agg(p.code, ', ' order by p.code)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiaries,
       c.text,
       c.made_on,
       c.due_on,
       c.due_on - (now() at time zone t.timezone)::date as days_left,
       parley_data.commitment_is_live(c.status)
           and c.due_on < (now() at time zone t.timezone)::date as overdue,
       c.status,
       c.target_quantity                        as target,
       c.unit,
       c.delivered_quantity                     as delivered,
       round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
       o.name                                   as owner,
       o.email                                  as owner_email,
       d.code                                   as deal,
       m.code                                   as meeting,
       c.last_update_on,
       parley_data.shown_level(c.effective_classification) as classification,
       parley_data.commitment_is_live(c.status) as open
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.people o on o.id = c.owner_id
  left join parley_data.deals d on d.id = c.deal_id
  left join parley_data.meetings m on m.id = c.meeting_id
 order by c.due_on nulls last, c.code;
comment on view parley.commitments is 'Every commitment, open or not (fulfilled, breached, withdrawn, superseded), soonest deadline first; open_commitments and overdue_commitments show the open ones.';
comment on column parley.commitments.days_left is 'Days until due_on on the track''s clock; negative when past.';
comment on column parley.commitments.overdue is 'True for an open commitment whose deadline (end of due_on, track''s clock) has passed.';
comment on column parley.commitments.delivered is 'The sum of the quantities reported delivered.';
comment on column parley.commitments.owner_email is 'The e-mail of the member of staff who follows it up (filter with it).';
comment on column parley.commitments.open is 'True while it is still owed and chased: pending, in progress or partially fulfilled (not fulfilled, breached, withdrawn or superseded).';

create or replace view parley.commitment_updates with (security_invoker = true) as
select c.code as commitment,
       u.reported_on,
       u.delivered_quantity as delivered,
       u.new_status,
       u.reopen,
       u.note,
       s.code as source,
       rp.code as reported_by,
       u.verification,
       rb.email as recorded_by,
       u.created_at as recorded_at
  from parley_data.commitment_updates u
  join parley_data.commitments c on c.id = u.commitment_id
  left join parley_data.sources s on s.id = u.source_id
  left join parley_data.parties rp on rp.id = u.reported_by_party_id
  left join parley_data.people rb on rb.id = u.recorded_by_id
 order by c.code, u.reported_on, u.id;
comment on view parley.commitment_updates is 'The reports of delivery against each commitment, in date order: how much, which status, the evidence and who confirms it.';
comment on column parley.commitment_updates.delivered is 'Delivered in this stage (not a running total).';
comment on column parley.commitment_updates.verification is 'Who confirms it: both_parties, one_party, mediator, media or unverified.';

create or replace view parley.subscriptions with (security_invoker = true) as
select p.email as person, p.name, t.code as track, i.code as item, s.min_severity, s.created_at
  from parley_data.subscriptions s
  join parley_data.people p on p.id = s.person_id
  left join parley_data.tracks t on t.id = s.track_id
  left join parley_data.agenda_items i on i.id = s.item_id
 order by lower(p.email), t.code nulls first, i.code nulls first;
comment on view parley.subscriptions is 'Who receives alerts beyond their own commitments: about a track, an item, or (both empty) everything, from a minimum severity.';
