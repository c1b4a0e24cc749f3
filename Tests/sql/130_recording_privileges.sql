-- The recording functions are for writers only: readers, the daemon and PUBLIC may not call them.
begin;
select plan(53);

\ir 100_recording_fixture.psql

-- Only writers (and the owner) may execute the recording functions: not readers, not the daemon, not PUBLIC.
select is((select string_agg(a.grantee::regrole::text, ',' order by a.grantee::regrole::text)
             from aclexplode(p.proacl) a where a.privilege_type = 'EXECUTE'),
          'parley_owner,parley_writer', p.proname || ' is executable by parley_writer only')
  from pg_proc p
 where p.pronamespace = 'parley'::regnamespace
   and p.proname in ('add_party', 'add_source', 'add_person', 'update_person', 'deactivate_person', 'add_track',
                     'update_track', 'add_member', 'add_agenda_item', 'set_agenda_status', 'add_meeting',
                     'record_meeting_outcome', 'set_meeting_status', 'record_position', 'add_deal', 'add_commitment',
                     'record_update', 'change_due_date', 'update_commitment', 'add_figure', 'add_follow_up',
                     'complete_follow_up', 'add_subscription', 'remove_subscription')
 order by p.proname;

-- And calling them as a reader or as the daemon is refused with 42501, writing nothing.
select is(pg_temp.refusal(t.call, 'parley_reader') || ' / ' || pg_temp.refusal(t.call, 'parley_daemon'),
          '42501 (no hint) / 42501 (no hint)', t.name || ' is refused to parley_reader and parley_daemon')
  from (values
    ('add_party', $$select parley.add_party(code => 'QA', name => 'Qatar')$$),
    ('add_source', $$select parley.add_source(code => 's2', title => 'T')$$),
    ('add_person', $$select parley.add_person(email => 'x@example.org', name => 'X')$$),
    ('update_person', $$select parley.update_person(person => 'desk@example.org', name => 'X')$$),
    ('deactivate_person', $$select parley.deactivate_person('desk@example.org')$$),
    ('add_track', $$select parley.add_track(code => 't2', name => 'X', format => 'bilateral')$$),
    ('update_track', $$select parley.update_track(track => 'istanbul', status => 'paused')$$),
    ('add_member', $$select parley.add_member(track => 'istanbul', party => 'US', role => 'observer')$$),
    ('add_agenda_item', $$select parley.add_agenda_item(code => 'truce', title => 'Truce')$$),
    ('set_agenda_status', $$select parley.set_agenda_status(track => 'istanbul', item => 'ceasefire', status => 'agreed')$$),
    ('add_meeting', $$select parley.add_meeting(code => 'r3', track => 'istanbul', title => 'Round 3', starts_at => now())$$),
    ('record_meeting_outcome', $$select parley.record_meeting_outcome(meeting => 'ist-r2', outcome => 'X')$$),
    ('set_meeting_status', $$select parley.set_meeting_status(meeting => 'ist-r2', status => 'cancelled')$$),
    ('record_position', $$select parley.record_position(party => 'UA', item => 'ceasefire', stance => 'supports')$$),
    ('add_deal', $$select parley.add_deal(code => 'd2', title => 'X')$$),
    ('add_commitment', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X')$$),
    ('record_update', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => 390)$$),
    ('change_due_date', $$select parley.change_due_date(commitment => 'pow-ru', due_on => '2025-06-01')$$),
    ('update_commitment', $$select parley.update_commitment(commitment => 'pow-ru', text => 'X')$$),
    ('add_figure', $$select parley.add_figure(indicator => 'bodies', value => 1, as_of => '2025-06-16')$$),
    ('add_follow_up', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', track => 'istanbul')$$),
    ('complete_follow_up', $$select parley.complete_follow_up(follow_up => 'fu-1')$$),
    ('add_subscription', $$select parley.add_subscription(person => 'desk@example.org')$$),
    ('remove_subscription', $$select parley.remove_subscription(person => 'desk@example.org')$$)
  ) as t(name, call);

-- The same calls succeed for a writer (each one is exercised in detail in 110_recording_functions.sql).
select is(pg_temp.run($$select parley.add_party(code => 'QA', name => 'Qatar')$$), 'QA', 'the same call succeeds as parley_writer');

-- The lookups behind the functions are out of staff's reach: no privilege on schema parley_data at all.
select is(pg_temp.refusal($$select parley_data.track_id('istanbul')$$, t.role), '42501 (no hint)',
          'parley_data.track_id is out of reach of ' || t.role)
  from (values ('parley_reader'), ('parley_writer'), ('parley_daemon')) t(role);
select is((select string_agg(distinct p.proname || ' to ' || a.grantee::regrole::text, ', ')
              from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
             where p.pronamespace = 'parley_data'::regnamespace and a.grantee <> p.proowner
               and p.proname in ('refuse', 'require', 'check_code', 'check_label', 'check_optional_label', 'check_email',
                                 'check_timezone', 'session_clearance', 'check_clearance', 'unknown', 'party_id', 'item_id',
                                 'source_id', 'person_id', 'track_id', 'meeting_id', 'commitment_id', 'follow_up_id',
                                 'check_meeting_times', 'check_due_on', 'record_changes', 'keep_change_log_append_only')),
          null, 'the internal functions of the recording migrations are granted to nobody (not even PUBLIC)');

select * from finish();
rollback;
