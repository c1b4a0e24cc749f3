-- The recording functions are for writers only: readers, the daemon and PUBLIC may not call them.
begin;
select plan(53);

-- Helpers (temporary, gone with the transaction) ------------------------------------------------------------

-- A checksum of every data table and the change history: equal before and after means nothing was written.
create function pg_temp.fingerprint() returns text
    language plpgsql as $$
declare
    t text;
    part text;
    whole text := '';
begin
    foreach t in array array['people', 'sources', 'parties', 'tracks', 'track_members', 'meetings', 'agenda_items',
                             'track_agenda', 'positions', 'deals', 'commitments', 'commitment_beneficiaries',
                             'commitment_updates', 'figures', 'follow_ups', 'subscriptions', 'change_log']
    loop
        execute format('select count(*) || '':'' || coalesce(md5(string_agg(r::text, '','' order by r::text)), '''') '
                       'from parley_data.%I r', t) into part;
        whole := whole || t || '=' || part || ' ';
    end loop;
    return md5(whole);
end
$$;

-- Runs one statement as a role (and optionally as a login, which becomes session_user), and reports what happened:
-- its first value, or the error's SQLSTATE, field (COLUMN), rule (CONSTRAINT), message and hint, and whether any
-- table changed. Role and login are restored afterwards, also after an error (the block's rollback undoes them).
create function pg_temp.attempt(sql text, as_role text default 'parley_writer', as_login text default null,
    out result text, out state text, out field text, out rule text, out message text, out hint text,
    out wrote boolean)
    language plpgsql as $$
declare
    before constant text := pg_temp.fingerprint();
begin
    begin
        if as_login is not null then
            execute format('set local session authorization %I', as_login);
        end if;
        if as_role is not null then
            execute format('set local role %I', as_role);
        end if;
        -- Utility statements (DO, TRUNCATE, ...) return no data to take.
        if sql ~* '^\s*(do|truncate|set|reset|create|drop|grant|revoke)\M' then
            execute sql;
        else
            execute sql into result;
        end if;
        reset role;
        if as_login is not null then
            reset session authorization;
        end if;
    exception when others then
        get stacked diagnostics state = returned_sqlstate, field = column_name, rule = constraint_name,
                                message = message_text, hint = pg_exception_hint;
    end;
    wrote := pg_temp.fingerprint() <> before;
end
$$;

-- "SQLSTATE field rule" of a refused statement, flagged when it wrote anything or gave no hint.
create function pg_temp.refusal(sql text, as_role text default 'parley_writer', as_login text default null)
    returns text
    language sql as $$
    select coalesce(concat_ws(' ', a.state, nullif(a.field, ''), nullif(a.rule, '')), 'not refused: ' || coalesce(a.result, 'null'))
           || case when a.wrote then ' (but it wrote)' else '' end
           || case when a.state is not null and coalesce(a.hint, '') = '' then ' (no hint)' else '' end
      from pg_temp.attempt(sql, as_role, as_login) a
$$;

-- "SQLSTATE rule" of a statement refused by a table (table errors carry no hint), flagged when it wrote anything.
create function pg_temp.violation(sql text)
    returns text
    language sql as $$
    select coalesce(concat_ws(' ', a.state, nullif(a.rule, '')), 'not refused')
           || case when a.wrote then ' (but it wrote)' else '' end
      from pg_temp.attempt(sql, null) a
$$;

-- The value a statement returns when run as a role (the error, when there is one).
create function pg_temp.run(sql text, as_role text default 'parley_writer', as_login text default null)
    returns text
    language sql as $$
    select coalesce(a.result, case when a.state is not null then 'ERROR ' || a.state || ': ' || a.message end)
      from pg_temp.attempt(sql, as_role, as_login) a
$$;

-- A small negotiation to work on, recorded as the superuser ----------------------------------------------------
do $$
begin
    perform parley.add_party('UA', 'Ukraine');
    perform parley.add_party('RU', 'Russia');
    perform parley.add_party('TR', 'Türkiye');
    perform parley.add_party('US', 'United States');
    perform parley.add_source(code => 'src-1', title => 'Round 1 readout', url => 'https://example.org/r1',
                              published_on => '2025-05-16');
    perform parley.add_person(email => 'desk@example.org', name => 'Desk Officer', timezone => 'Europe/Kyiv');
    perform parley.add_person(email => 'lead@example.org', name => 'Track Lead');
    perform parley.add_person(email => 'gone@example.org', name => 'Former Officer');
    perform parley.deactivate_person('gone@example.org');
    perform parley.add_track(code => 'istanbul', name => 'Istanbul direct talks', format => 'bilateral',
                             timezone => 'Europe/Istanbul', lead => 'lead@example.org');
    perform parley.add_track(code => 'trilateral', name => 'Trilateral track', format => 'trilateral',
                             timezone => 'Asia/Dubai');
    perform parley.add_track(code => 'secret-track', name => 'Back channel', format => 'bilateral',
                             classification => 'secret');
    perform parley.add_member(track => 'istanbul', party => 'UA', role => 'principal');
    perform parley.add_member(track => 'istanbul', party => 'RU', role => 'principal');
    perform parley.add_member(track => 'istanbul', party => 'TR', role => 'host');
    perform parley.add_agenda_item(code => 'pow-exchange', title => 'All-for-all exchange', track => 'istanbul',
                                   status => 'agreed');
    perform parley.add_agenda_item(code => 'ceasefire', title => 'Ceasefire', track => 'istanbul');
    perform parley.add_agenda_item(code => 'children', title => 'Return of deported children');
    perform parley.set_agenda_status(track => 'secret-track', item => 'ceasefire', status => 'proposed');
    perform parley.add_meeting(code => 'ist-r1', track => 'istanbul', title => 'Round 1',
                               starts_at => '2025-05-16 12:30+03', ends_at => '2025-05-16 14:30+03');
    perform parley.record_meeting_outcome(meeting => 'ist-r1', outcome => 'Agreed a 1,000-for-1,000 exchange.');
    perform parley.add_meeting(code => 'ist-r2', track => 'istanbul', title => 'Round 2',
                               starts_at => '2025-06-02 13:00+03');
    perform parley.add_meeting(code => 'tri-1', track => 'trilateral', title => 'Abu Dhabi 1',
                               starts_at => '2026-01-23 10:00+04');
    perform parley.add_meeting(code => 'sec-1', track => 'secret-track', title => 'Quiet meeting',
                               starts_at => '2025-07-01 10:00+00');
    perform parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU',
        beneficiaries => array['UA'], text => 'Release 1,000 prisoners', made_on => '2025-05-16',
        due_on => '2025-05-25', target_quantity => 1000, unit => 'prisoners', code => 'pow-ru',
        deal => 'ist-1000', owner => 'desk@example.org', source => 'src-1', meeting => 'ist-r1');
    perform parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA',
        beneficiaries => array['RU'], text => 'Release 1,000 prisoners', made_on => '2025-05-16',
        due_on => '2025-05-25', target_quantity => 1000, unit => 'prisoners', code => 'pow-ua', deal => 'ist-1000');
    perform parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-25', delivered => 1000,
                                 new_status => 'fulfilled');
    perform parley.add_commitment(track => 'secret-track', item => 'ceasefire', obligor => 'RU',
        beneficiaries => array['UA'], text => 'A quiet pause', made_on => '2025-07-01', code => 'secret-pause');
    perform parley.add_follow_up(assignee => 'desk@example.org', due_at => '2025-05-20 17:00+03',
                                 note => 'Chase the written conditions', track => 'istanbul', code => 'fu-1');
end
$$;

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
