-- The stored timeline (000008) shows, for every reader, the events the timeline used to work out at every read from
-- the tables and the change history, after a random run of recorded changes: meetings held and outcomes recorded,
-- commitments made, updated, corrected, raised, declassified and deleted, statuses changed, positions and figures
-- stated and corrected, agenda and track statuses, parties, items and sources renamed, deadlines moved. The reference
-- is the view as it was before 000008 (with its deadlines moved and agreements' events), but for its order (a page
-- is read from the index; say the order).
begin;
select plan(15);
\ir 100_recording_fixture.psql
set local client_min_messages = warning;

create role tl_unclassified in role parley_reader;
create role tl_restricted in role parley_reader, parley_clearance_restricted;
create role tl_confidential in role parley_reader, parley_clearance_confidential;
create role tl_secret in role parley_reader, parley_clearance_secret;
create temporary table readers (level parley.classification primary key, role name not null);
insert into readers values ('unclassified', 'tl_unclassified'), ('restricted', 'tl_restricted'),
                           ('confidential', 'tl_confidential'), ('secret', 'tl_secret');
grant select on readers to public;

-- The timeline as it was worked out before 000008 (sql/repeatable/230_views_history.sql).
create view pg_temp.computed_timeline with (security_invoker = true) as
select (m.starts_at at time zone t.timezone)::date as occurred_on, 'meeting held'::text as kind, t.code as track,
       null::text as item, null::text as party, m.code as ref,
       m.title || coalesce(': ' || m.outcome_summary, '') as description, s.title as source, s.url as source_url
  from parley_data.meetings m
  join parley_data.tracks t on t.id = m.track_id
  left join parley_data.sources s on s.id = m.source_id
 where m.status = 'held'
union all
select c.made_on, 'commitment made', t.code, i.code, ob.name, c.code,
       ob.name || ' commits: ' || c.text
           || coalesce(' (' || trim_scale(c.target_quantity) || coalesce(' ' || c.unit, '') || ')', '')
           || coalesce(', due ' || c.due_on, ''),
       s.title, s.url
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.sources s on s.id = c.source_id
union all
select u.reported_on, 'update recorded', t.code, i.code, rp.name, c.code,
       c.code || ': ' || concat_ws('; ',
           'delivered ' || trim_scale(u.delivered_quantity) || coalesce(' ' || c.unit, ''),
           'status → ' || u.new_status,
           case when u.reopen then 'reopened' end,
           u.note,
           'verification: ' || u.verification),
       s.title, s.url
  from parley_data.commitment_updates u
  join parley_data.commitments c on c.id = u.commitment_id
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  left join parley_data.parties rp on rp.id = u.reported_by_party_id
  left join parley_data.sources s on s.id = u.source_id
union all
select coalesce((l.new_row ->> 'status_changed_on')::date, l.changed_at::date), 'status changed',
       t.code, i.code, ob.name, c.code,
       c.code || ': ' || (l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
       null, null
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  join parley_data.change_log l on l.table_name = 'commitments' and l.row_id = c.id::text
 where l.operation = 'update'
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
   and not exists (select 1 from parley_data.commitment_updates u
                    where u.commitment_id = c.id and u.created_at = l.changed_at
                      and u.new_status::text = (l.new_row ->> 'status'))
union all
select coalesce((l.new_row ->> 'status_since')::date, l.changed_at::date), 'status changed',
       t.code, i.code, null, i.code,
       i.code || ' on ' || t.code || ': '
           || coalesce((l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
                       'put on the agenda as ' || (l.new_row ->> 'status')),
       null, null
  from parley_data.track_agenda ta
  join parley_data.tracks t on t.id = ta.track_id
  join parley_data.agenda_items i on i.id = ta.item_id
  join parley_data.change_log l on l.table_name = 'track_agenda' and l.row_id = ta.track_id || ',' || ta.item_id
 where l.operation in ('insert', 'update')
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
union all
select (l.changed_at at time zone t.timezone)::date, 'status changed', t.code, null, null, t.code,
       'track ' || t.code || ': ' || (l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
       null, null
  from parley_data.tracks t
  join parley_data.change_log l on l.table_name = 'tracks' and l.row_id = t.id::text
 where l.operation = 'update'
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
union all
select (l.changed_at at time zone t.timezone)::date, 'deadline moved', t.code, i.code, ob.name, c.code,
       c.code || ': due ' || coalesce(l.old_row ->> 'due_on', '(none)') || ' → '
           || coalesce(l.new_row ->> 'due_on', '(none)'),
       null, null
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  join parley_data.change_log l on l.table_name = 'commitments' and l.row_id = c.id::text
 where l.operation = 'update'
   and (l.old_row ->> 'due_on') is distinct from (l.new_row ->> 'due_on')
union all
select x.occurred_on, x.kind, x.track, x.item, x.party, x.ref, x.description, x.source, x.source_url
  from parley.agreement_events x
union all
select p.stated_on, 'position stated', t.code, i.code, pa.name, null,
       pa.name || ' on ' || i.code || ': ' || p.stance || coalesce(' — ' || p.statement, ''),
       s.title, s.url
  from parley_data.positions p
  join parley_data.parties pa on pa.id = p.party_id
  join parley_data.agenda_items i on i.id = p.item_id
  left join parley_data.tracks t on t.id = p.track_id
  left join parley_data.sources s on s.id = p.source_id
union all
select f.as_of, 'figure reported', null, i.code, cl.name, f.indicator,
       coalesce(cl.name || ': ', '') || f.indicator || ' = ' || trim_scale(f.value)
           || coalesce(' ' || f.unit, '') || ' (' || f.confidence || ')',
       s.title, s.url
  from parley_data.figures f
  left join parley_data.agenda_items i on i.id = f.item_id
  left join parley_data.parties cl on cl.id = f.claimant_id
  left join parley_data.sources s on s.id = f.source_id;
grant select on pg_temp.computed_timeline to public;

-- A random run of recorded changes; one the rules refuse is skipped.
select setseed(0.2424);
select parley.set_agenda_status(track => 'trilateral', item => 'children', status => 'proposed', status_since => '2025-01-01');
create temporary table done (step integer, what text);
do $$
declare
    step integer;
    c record;
    what text;
    levels constant parley.classification[] := enum_range(null::parley.classification);
    statuses constant parley.agenda_status[] := enum_range(null::parley.agenda_status);
begin
    for step in 1..250 loop
        select x.code, x.effective_classification, x.classification, x.made_on into c
          from parley_data.commitments x order by random() limit 1;
        what := (array['commitment', 'commitment', 'update', 'update', 'move', 'move', 'status', 'status', 'text',
                       'raise', 'declassify', 'delete', 'meeting', 'meeting', 'outcome', 'outcome', 'cancel',
                       'position', 'position', 'figure', 'agenda', 'track', 'rename', 'source', 'raise track',
                       'lower track', 'drop update', 'drop position'])[1 + floor(random() * 28)::integer];
        begin
            case what
                when 'commitment' then
                    perform parley.add_commitment(
                        track => (array['istanbul', 'trilateral', 'secret-track'])[1 + floor(random() * 3)::integer],
                        item => 'ceasefire', obligor => (array['RU', 'UA'])[1 + floor(random() * 2)::integer],
                        beneficiaries => array['TR'], text => 'Made at step ' || step, made_on => '2025-06-01'::date + step,
                        due_on => '2025-07-01'::date + step, target_quantity => step, unit => 'people',
                        source => case when random() < 0.5 then 'src-1' end,
                        code => 'tl-' || step, classification => levels[1 + floor(random() * 4)::integer]);
                when 'update' then
                    perform parley.record_update(commitment => c.code || '@' || c.effective_classification,
                        reported_on => c.made_on + 3, delivered => step, note => 'Report of step ' || step,
                        reported_by => 'TR', verification => 'media');
                when 'move' then
                    perform parley.change_due_date(c.code || '@' || c.effective_classification, c.made_on + step);
                when 'status' then
                    update parley_data.commitments set status = (array['in_progress', 'withdrawn', 'superseded'])[1 + floor(random() * 3)::integer]::parley.commitment_status
                     where code = c.code and effective_classification = c.effective_classification;
                when 'text' then
                    perform parley.update_commitment(commitment => c.code || '@' || c.effective_classification,
                                                     text => 'Corrected at step ' || step, unit => 'persons');
                when 'raise' then
                    perform parley.update_commitment(commitment => c.code || '@' || c.effective_classification,
                                                     classification => levels[1 + floor(random() * 4)::integer]);
                when 'declassify' then
                    perform parley.declassify('commitment', c.code || '@' || c.effective_classification,
                                              'unclassified', 'released at step ' || step);
                when 'delete' then
                    delete from parley_data.commitments where code = c.code and effective_classification = c.effective_classification;
                when 'meeting' then
                    perform parley.add_meeting(code => 'tl-m' || step,
                        track => (array['istanbul', 'trilateral', 'secret-track'])[1 + floor(random() * 3)::integer],
                        title => 'Meeting of step ' || step, starts_at => '2025-06-01 23:30+00'::timestamptz + step * interval '1 day',
                        classification => levels[1 + floor(random() * 4)::integer]);
                when 'outcome' then
                    perform parley.record_meeting_outcome(meeting => m.code || '@' || m.effective_classification,
                                                          outcome => 'Outcome of step ' || step)
                       from (select x.code, x.effective_classification from parley_data.meetings x
                              order by random() limit 1) m;
                when 'cancel' then
                    perform parley.set_meeting_status(meeting => m.code || '@' || m.effective_classification,
                                                      status => 'cancelled')
                       from (select x.code, x.effective_classification from parley_data.meetings x
                              order by random() limit 1) m;
                when 'position' then
                    perform parley.record_position(party => (array['RU', 'UA', 'TR'])[1 + floor(random() * 3)::integer],
                        item => 'ceasefire', stance => (array['supports', 'opposes', 'conditional'])[1 + floor(random() * 3)::integer]::parley.stance,
                        statement => 'Said at step ' || step, stated_on => '2025-06-01'::date + (step % 7),
                        track => (array['istanbul', null, 'secret-track'])[1 + floor(random() * 3)::integer],
                        classification => levels[1 + floor(random() * 4)::integer]);
                when 'figure' then
                    perform parley.add_figure(indicator => 'exchanged', value => step, as_of => '2025-06-01'::date + (step % 5),
                        claimant => (array['RU', 'UA'])[1 + floor(random() * 2)::integer], item => 'pow-exchange',
                        correction => true, classification => levels[1 + floor(random() * 4)::integer]);
                when 'agenda' then
                    perform parley.set_agenda_status(track => 'trilateral', item => 'children',
                        status => statuses[1 + floor(random() * 9)::integer], status_since => '2025-01-01'::date + step);
                when 'track' then
                    perform parley.update_track(track => 'trilateral',
                        status => (array['active', 'paused', 'concluded'])[1 + floor(random() * 3)::integer]::parley.track_status);
                when 'rename' then
                    update parley_data.parties set name = 'Russia (' || step || ')' where code = 'RU';
                when 'source' then
                    update parley_data.sources set title = 'Readout, as of step ' || step where code = 'src-1';
                when 'raise track' then
                    perform parley.update_track(track => 'trilateral', classification => 'restricted');
                when 'lower track' then
                    perform parley.declassify('track', 'trilateral', 'unclassified', 'released at step ' || step);
                when 'drop update' then
                    -- (One that set a status would leave a status change the computed timeline took for a direct one.)
                    delete from parley_data.commitment_updates
                     where id = (select id from parley_data.commitment_updates where new_status is null
                                  order by random() limit 1);
                when 'drop position' then
                    delete from parley_data.positions
                     where id = (select id from parley_data.positions order by random() limit 1);
            end case;
            insert into done values (step, what);
        exception when others then
            null;
        end;
        -- An hour passes for the versions (so that a commitment's first one stays its first: within one transaction,
        -- a later change of the same moment would take its place). The change history keeps its times, from which
        -- the computed timeline dates a track's status change.
        perform set_config('parley.change_log_maintenance', 'on', true);
        update parley_data.commitment_versions
           set valid_from = valid_from - interval '1000 years', valid_to = valid_to - interval '1000 years';
        update parley_data.commitment_versions
           set valid_from = valid_from + interval '1000 years' - interval '1 hour',
               valid_to = valid_to + interval '1000 years' - interval '1 hour';
        perform set_config('parley.change_log_maintenance', '', true);
    end loop;
end
$$;

select ok((select count(distinct what) from done) >= 19,
          format('the random run did most kinds of change (%s of 21)', (select count(distinct what) from done)));
select ok((select count(*) from parley_data.timeline_events where kind = 'commitment_status_changed') >= 3
          and (select count(*) from parley_data.timeline_events where kind = 'meeting_held') >= 3
          and (select count(*) from parley_data.timeline_events where kind = 'position_stated') >= 3,
          'statuses changed, meetings held, positions stated');

create temporary table seen (level parley.classification, source text, occurred_on date, kind text, track text,
                             item text, party text, ref text, description text, source_title text, source_url text);
grant select, insert on seen to public;
create function pg_temp.look(lvl parley.classification) returns void
    language plpgsql as $$
begin
    execute format('set local role %I', (select role from readers where level = lvl));
    insert into seen
    select lvl, 'stored', t.occurred_on, t.kind, t.track, t.item, t.party, t.ref, t.description, t.source, t.source_url
      from parley.timeline t;
    insert into seen
    select lvl, 'computed', t.* from pg_temp.computed_timeline t;
    reset role;
end
$$;
select pg_temp.look(level) from readers;

select ok((select count(*) from seen where level = 'unclassified' and source = 'computed') >= 8
          and (select count(*) from seen where level = 'secret' and source = 'computed') >= 40,
          'many events to compare, more for a cleared reader');
select is((select count(*) from (
              (select occurred_on, kind, track, item, party, ref, description, source_title, source_url
                 from seen where level = r.level and source = 'stored'
               except all
               select occurred_on, kind, track, item, party, ref, description, source_title, source_url
                 from seen where level = r.level and source = 'computed')
              union all
              (select occurred_on, kind, track, item, party, ref, description, source_title, source_url
                 from seen where level = r.level and source = 'computed'
               except all
               select occurred_on, kind, track, item, party, ref, description, source_title, source_url
                 from seen where level = r.level and source = 'stored')) x),
          0::bigint, format('as %s, the stored timeline shows the events the computed one did', r.level))
  from readers r order by r.level;

-- A moved deadline words the commitment made again, as the timeline always showed it, and is an event of its own
-- (deadline moved, old → new, on the day it was recorded), as the timeline has shown since agreements (220_history).
select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'Hand over the lists', made_on => '2025-06-01', due_on => '2025-06-10',
                             code => 'lists');
select parley.change_due_date('lists', '2025-06-20');
select parley.change_due_date('lists', null);
set local role tl_unclassified;
select is((select array_agg(kind || ': ' || description order by kind, description) from parley.timeline where ref = 'lists'),
          array['commitment made: Ukraine commits: Hand over the lists',
                'deadline moved: lists: due 2025-06-10 → 2025-06-20',
                'deadline moved: lists: due 2025-06-20 → (none)'],
          'a commitment made shows its deadline as it is now (removed), and each move is an event of its own');
reset role;
select parley.change_due_date('lists', '2025-06-25');
set local role tl_unclassified;
select is((select description from parley.timeline where kind = 'commitment made' and ref = 'lists'),
          'Ukraine commits: Hand over the lists, due 2025-06-25', 'a deadline set again is shown again');
reset role;
select parley.update_commitment(commitment => 'lists', classification => 'confidential');
set local role tl_unclassified;
select is((select count(*) from parley.timeline where ref = 'lists'), 0::bigint,
          'a commitment raised takes its events with it');
reset role;
set local role tl_confidential;
select is((select count(*) from parley.timeline where ref = 'lists'), 4::bigint,
          'which a reader cleared for it sees (made, and its deadline moved three times)');
reset role;
select is((select array_agg(distinct classification) from parley_data.timeline_events where ref = 'lists'),
          '{confidential}', 'at its new level');

-- Kinds are rows: another part of Parley adds its own without touching the view.
select is((select count(*) from parley_data.timeline_kinds), 9::bigint, 'nine kinds of event');
select ok(not exists (select 1 from parley_data.timeline_kinds k
                       where to_regprocedure(format('parley_data.%I(bigint[])', 'timeline_' || k.kind)) is null),
          'each kind has its wording function');

-- Written by its triggers only.
select is(pg_temp.refusal($$delete from parley_data.timeline_events$$, 'parley_owner'), '42501 timeline_by_triggers',
          'the owner may not edit the timeline without declaring maintenance');

select * from finish();
rollback;
