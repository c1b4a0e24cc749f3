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
          from (select (select t.code from parley_data.tracks t
                         where t.id = m.track_id and t.classification = m.effective_classification) as track,
                       string_agg(m.role::text, ', ' order by m.role) as roles
                  from parley_data.track_members m
                 where m.party_id = p.id
                 group by 1) r) as tracks
  -- Each membership's track by an index probe (a membership is at its track's level): joined, the planner (which
  -- keeps no statistics of the classified partitions) read all 10,000 tracks for each party of a page.
  from parley_data.parties p
 order by p.code;
comment on view parley.parties is 'The parties (states and organisations), with the tracks they take part in and as what.';
select parley_data.comment_columns('parley.parties', array[
    ['code', 'The party''s code, as the recording functions take it (e.g. UA).'],
    ['name', 'The party''s name, as the other views show it (e.g. Ukraine).'],
    ['kind', 'state, organisation or other.'],
    ['tracks', 'Each track (by code, in code order) the party takes part in, with its roles there, e.g. "istanbul (principal)"; only tracks you are cleared to see; empty when none.']]);

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
select parley_data.comment_columns('parley.people', array[
    ['email', 'Their e-mail address: where their alerts go, and how the recording functions name them (owner, assignee, lead); unique regardless of case.'],
    ['name', 'Their name, as the other views show it.'],
    ['timezone', 'Their IANA time zone (e.g. Europe/Kyiv): their follow-ups'' due dates and the times in their digests are on this clock.'],
    ['clearance', 'The clearance recorded for them in Parley (unclassified, restricted, confidential or secret): they receive alerts classified up to this level only. What their own login may see comes from the parley_clearance_* roles (whoami), not from this.'],
    ['active', 'False for someone who left the desk: they receive no alerts and can no longer be made owner, lead or assignee.'],
    ['leads', 'The codes of the tracks they lead (that you may see), comma-separated; empty when none.'],
    ['open_commitments', 'How many open commitments (pending, in progress, partially fulfilled) they own; counts only those you may see.'],
    ['open_follow_ups', 'How many follow-ups assigned to them are not done; counts only those you may see.']]);

create or replace view parley.members with (security_invoker = true) as
select t.code as track, p.code as party, p.name as party_name, m.role, m.note
  from parley_data.track_members m
  join parley_data.tracks t on t.id = m.track_id
  join parley_data.parties p on p.id = m.party_id
 order by t.code, m.role, p.code;
comment on view parley.members is 'Who takes part in each track, and as what (principal, mediator, host, guarantor, observer, briefer).';
select parley_data.comment_columns('parley.members', array[
    ['party', 'The party''s code.'],
    ['party_name', 'The party''s name.'],
    ['role', 'What the party is on the track: principal, mediator, host, guarantor, observer or briefer; a party with several roles has a row for each.'],
    ['note', 'A note recorded with the membership; empty when none.']]);
select parley_data.comment_columns_as('parley.upcoming_meetings', 'parley.members', 'track');

create or replace view parley.sources with (security_invoker = true) as
select s.code, s.title, s.publisher, s.url, s.published_on, s.note
  from parley_data.sources s
 order by s.code;
comment on view parley.sources is 'Where facts come from: articles, statements, readouts. Positions, updates, figures and meetings cite them by code.';
select parley_data.comment_columns('parley.sources', array[
    ['code', 'The source''s code, as positions, updates, figures and meetings cite it (source => ...).'],
    ['title', 'The title of the article, statement or readout.'],
    ['publisher', 'Who published it (e.g. Interfax); empty when not recorded.'],
    ['url', 'Its web address (http or https); empty when not recorded.'],
    ['published_on', 'The date it was published; empty when not recorded.'],
    ['note', 'A note on the source; empty when none.']]);

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
-- What meetings shows as upcoming_meetings does has its comment from there.
select parley_data.comment_columns_as('parley.upcoming_meetings', 'parley.meetings',
    'meeting', 'track', 'title', 'local_start');
select parley_data.comment_columns('parley.meetings', array[
    ['starts_at', 'When it starts (or started), shown in your session''s time zone.'],
    ['ends_at', 'When it ends (or ended), shown in your session''s time zone; empty when no end was recorded.'],
    ['timezone', 'The track''s IANA time zone, in which local_start is given.'],
    ['location', 'Where it takes place, as recorded; empty when not recorded.'],
    ['status', 'scheduled, held, postponed or cancelled.'],
    ['outcome', 'The summary of what came of it, recorded once it was held; empty until then (a held meeting without one raises a meeting_outcome_missing alert).'],
    ['outcome_recorded_at', 'When the outcome summary was last recorded, shown in your session''s time zone; empty without one.'],
    ['source', 'The code of the source it is recorded from (see parley.sources); empty when none was cited.'],
    ['classification', 'The level it is kept and shown at: the higher of its own classification and its track''s. You see only meetings at or below your clearance (whoami).']]);

create or replace view parley.commitments with (security_invoker = true) as
select r.code, r.track, r.item, r.obligor_code as obligor, r.beneficiary_codes as beneficiaries, r.text, r.made_on,
       r.due_on, r.days_left,
       parley_data.commitment_is_live(r.status) and r.frozen_on is null
           and r.due_on < (now() at time zone r.timezone)::date as overdue,
       r.status, r.target, r.unit, r.delivered, r.progress_pct, r.owner, r.owner_email, r.deal, r.meeting,
       r.last_update_on, r.classification,
       parley_data.commitment_is_live(r.status) and r.frozen_on is null as open,
       r.agreement, r.article
  from parley_data.commitment_rows r
 order by r.due_on nulls last, r.code;
comment on view parley.commitments is 'Every commitment, open or not (fulfilled, breached, withdrawn, superseded), soonest deadline first; open_commitments and overdue_commitments show the open ones.';
select parley_data.comment_columns_as('parley.open_commitments', 'parley.commitments',
    'track', 'item', 'text', 'made_on', 'due_on', 'target', 'unit', 'progress_pct', 'last_update_on', 'meeting', 'deal');
select parley_data.comment_columns('parley.commitments', array[
    ['code', 'The commitment''s code (C followed by its id unless one was given), as the recording functions take it; unique per classification level (when two rows show one code, classification tells them apart: code@level).'],
    ['obligor', 'The code of the party that promised (open_commitments shows names).'],
    ['beneficiaries', 'The codes of the parties it was promised to, in code order, comma-separated.'],
    ['days_left', 'Days from today to due_on, today being the date in the track''s time zone: 0 = due today, negative when past (whatever the status); empty without a deadline.'],
    ['overdue', 'True for an open commitment whose deadline (end of due_on, track''s clock) has passed; false when it has not or the commitment is not open; empty for an open one without a deadline.'],
    ['status', 'pending, in_progress, partially_fulfilled (open: still owed and chased), fulfilled, breached (verdicts), withdrawn or superseded (closed).'],
    ['delivered', 'The sum of the quantities reported delivered by its updates (0 before any), in unit.'],
    ['owner', 'The name of the member of staff who follows it up (and receives its alerts); empty when nobody does.'],
    ['owner_email', 'The e-mail of that member of staff (filter with it); empty when nobody follows it up.'],
    ['classification', 'The level it is kept and shown at: the highest of its own classification, its track''s and its meeting''s. You see only commitments at or below your clearance (whoami).'],
    ['open', 'True while it is still owed and chased: pending, in progress or partially fulfilled (not fulfilled, breached, withdrawn or superseded).'],
    ['agreement', 'The agreement it is a provision of.'],
    ['article', 'The article or paragraph of that agreement it comes from.']]);

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
       u.created_at as recorded_at,
       parley_data.shown_level(u.effective_classification) as classification
  from parley_data.commitment_updates u
  join parley_data.commitments c on c.id = u.commitment_id
  left join parley_data.sources s on s.id = u.source_id
  left join parley_data.parties rp on rp.id = u.reported_by_party_id
  left join parley_data.people rb on rb.id = u.recorded_by_id
 order by c.code, u.reported_on, u.id;
comment on view parley.commitment_updates is 'The reports of delivery against each commitment, in date order: how much, which status, the evidence and who confirms it.';
select parley_data.comment_columns('parley.commitment_updates', array[
    ['commitment', 'The code of the commitment it reports on.'],
    ['reported_on', 'The date of the report (what the commitment''s last_update_on, and the date of a status it sets, come from).'],
    ['delivered', 'Delivered in this stage, in the commitment''s unit (not a running total: the commitment''s delivered is the sum); empty when the report gives no quantity.'],
    ['new_status', 'The status the report set (pending, in_progress, partially_fulfilled, fulfilled, breached, withdrawn, superseded); empty when it left the status as it was.'],
    ['reopen', 'True when this report reopened the commitment (left fulfilled, breached, withdrawn or superseded, or went back to pending): it is chased again.'],
    ['note', 'What the report says, as recorded; empty when nothing beyond the quantity or status.'],
    ['source', 'The code of the source of the report (see parley.sources); empty when none was cited.'],
    ['reported_by', 'The code of the party that reported it; empty when not recorded.'],
    ['verification', 'Who confirms it: both_parties, one_party, mediator, media or unverified.'],
    ['recorded_by', 'The e-mail of the member of staff who recorded it: as given, or the person whose e-mail is the login''s name; empty otherwise (parley.changes names the login).'],
    ['recorded_at', 'When it was entered into Parley, shown in your session''s time zone.'],
    ['classification', 'The level the update is kept at: its commitment''s (parley.commitments.classification). Tells apart the updates of two commitments with one code at different levels.']]);

create or replace view parley.subscriptions with (security_invoker = true) as
select p.email as person, p.name, t.code as track, i.code as item, s.min_severity, s.created_at
  from parley_data.subscriptions s
  join parley_data.people p on p.id = s.person_id
  left join parley_data.tracks t on t.id = s.track_id
  left join parley_data.agenda_items i on i.id = s.item_id
 order by lower(p.email), t.code nulls first, i.code nulls first;
comment on view parley.subscriptions is 'Who receives alerts beyond their own commitments: about a track, an item, or (both empty) everything, from a minimum severity.';
select parley_data.comment_columns('parley.subscriptions', array[
    ['person', 'The subscriber''s e-mail.'],
    ['name', 'The subscriber''s name.'],
    ['track', 'The code of the track whose alerts they receive; empty for any track.'],
    ['item', 'The code of the agenda item whose alerts they receive; empty for any item. Both empty: every alert.'],
    ['min_severity', 'The lowest severity they receive: info (everything), warning or critical. Resolved and breached alerts go to those told of the overdue ones, not to subscribers.'],
    ['created_at', 'When the subscription was recorded, shown in your session''s time zone.']]);
