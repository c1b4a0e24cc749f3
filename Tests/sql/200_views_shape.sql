-- The staff views exist with their documented columns, run as the person querying (security_invoker), belong to
-- parley_owner and carry the COMMENT ON text that \dv+ and \d+ show.
begin;
select plan(23);

create temporary table staff_views (name) as
select unnest(array[
    'track_overview', 'agenda', 'open_commitments', 'overdue_commitments', 'due_soon', 'compliance',
    'upcoming_meetings', 'positions', 'figures', 'contested_figures', 'timeline', 'follow_ups', 'changes', 'stale',
    'whoami']::name[]);

select is(
    (select array_agg(v.name::text order by v.name) from staff_views v
      where not exists (select 1 from pg_class c
                         where c.relnamespace = 'parley'::regnamespace and c.relkind = 'v' and c.relname = v.name)),
    null, 'schema parley has every staff view');

select columns_are('parley', 'agenda', array['track', 'item', 'title', 'status', 'since', 'days_in_status', 'commitments', 'open_commitments', 'fulfilled_commitments', 'stances', 'note']::name[], 'agenda has its documented columns');
select columns_are('parley', 'changes', array['id', 'changed_at', 'changed_by', 'entity', 'code', 'operation', 'change', 'row_id', 'transaction_id', 'reason', 'classification']::name[], 'changes has its documented columns');
select columns_are('parley', 'compliance', array['party', 'track', 'made', 'fulfilled', 'partially_fulfilled', 'breached', 'open', 'withdrawn', 'superseded', 'assessed', 'score', 'score_pct', 'on_time_pct']::name[], 'compliance has its documented columns');
select columns_are('parley', 'contested_figures', array['indicator', 'item', 'unit', 'claims', 'min_value', 'max_value', 'spread', 'spread_pct', 'claims_by', 'latest_as_of']::name[], 'contested_figures has its documented columns');
select columns_are('parley', 'due_soon', array['kind', 'code', 'track', 'item', 'what', 'party', 'owner', 'due_on', 'due_at', 'days_left', 'status']::name[], 'due_soon has its documented columns');
select columns_are('parley', 'figures', array['indicator', 'item', 'claimant', 'value', 'unit', 'as_of', 'confidence', 'source', 'source_title', 'source_url', 'note', 'classification']::name[], 'figures has its documented columns');
select columns_are('parley', 'follow_ups', array['id', 'code', 'about', 'track', 'note', 'assignee', 'assignee_email', 'due_at', 'due_local', 'overdue', 'days_left', 'created_at']::name[], 'follow_ups has its documented columns');
select columns_are('parley', 'open_commitments', array['id', 'code', 'track', 'item', 'obligor', 'beneficiaries', 'text', 'made_on', 'due_on', 'deadline_at', 'days_left', 'status', 'target', 'unit', 'delivered', 'progress_pct', 'owner', 'last_update_on', 'classification', 'meeting', 'deal']::name[], 'open_commitments has its documented columns');
select columns_are('parley', 'overdue_commitments', array['id', 'code', 'track', 'item', 'obligor', 'beneficiaries', 'text', 'made_on', 'due_on', 'deadline_at', 'days_left', 'status', 'target', 'unit', 'delivered', 'progress_pct', 'owner', 'last_update_on', 'classification', 'meeting', 'deal', 'days_overdue']::name[], 'overdue_commitments has its documented columns');
select columns_are('parley', 'positions', array['party', 'track', 'item', 'stance', 'stated_on', 'statement', 'previous_stance', 'previous_stated_on', 'changed_on', 'source', 'classification']::name[], 'positions has its documented columns');
select columns_are('parley', 'stale', array['kind', 'track', 'item', 'ref', 'what', 'status', 'owner', 'last_activity_on', 'days_quiet', 'threshold_days']::name[], 'stale has its documented columns');
select columns_are('parley', 'timeline', array['occurred_on', 'kind', 'track', 'item', 'party', 'ref', 'description', 'source', 'source_url']::name[], 'timeline has its documented columns');
select columns_are('parley', 'track_overview', array['track', 'name', 'format', 'status', 'venue', 'timezone', 'classification', 'lead', 'parties', 'agenda', 'open_commitments', 'overdue_commitments', 'last_meeting_on', 'next_meeting_at', 'next_meeting_local', 'last_activity_on']::name[], 'track_overview has its documented columns');
select columns_are('parley', 'upcoming_meetings', array['meeting', 'track', 'title', 'starts_at', 'local_start', 'timezone', 'ends_at', 'location', 'days_until', 'open_due_before', 'due_before']::name[], 'upcoming_meetings has its documented columns');
select columns_are('parley', 'whoami', array['role', 'logged_in_as', 'clearance', 'sees', 'may_read', 'may_record']::name[], 'whoami has its documented columns');

select is(
    (select array_agg(c.relname::text order by c.relname) from pg_class c
      where c.relnamespace = 'parley'::regnamespace and c.relkind = 'v'
        and not coalesce(c.reloptions @> array['security_invoker=true'], false)),
    null, 'every view of schema parley runs with the privileges of the person querying (security_invoker)');

select is(
    (select array_agg(c.relname::text order by c.relname) from pg_class c
      where c.relnamespace = 'parley'::regnamespace and c.relname in (select name from staff_views)
        and c.relowner <> 'parley_owner'::regrole),
    null, 'every staff view belongs to parley_owner');

select is(
    (select array_agg(c.relname::text order by c.relname) from pg_class c
      where c.relnamespace = 'parley'::regnamespace and c.relname in (select name from staff_views)
        and coalesce(obj_description(c.oid, 'pg_class'), '') = ''),
    null, 'every staff view has a comment for \dv+');

select is(
    (select array_agg(c.relname::text order by c.relname) from pg_class c
      where c.relnamespace = 'parley'::regnamespace and c.relname in (select name from staff_views)
        and (select count(*) from pg_attribute a
              where a.attrelid = c.oid and a.attnum > 0 and col_description(c.oid, a.attnum) is not null) < 1),
    null, 'every staff view explains its columns for \d+');

select function_returns('parley', 'commitments_as_of', array['timestamp with time zone', 'text', 'text', 'text'], 'setof record',
    'commitments_as_of(at timestamptz, track_code, party_code, item_code) returns a set of commitments');
select isnt(obj_description('parley.commitments_as_of(timestamptz, text, text, text)'::regprocedure, 'pg_proc'), null,
    'commitments_as_of has a comment');
select is(
    (select array_agg(p.parameter_name::text order by p.ordinal_position) from information_schema.parameters p
      where p.specific_schema = 'parley'
        and p.specific_name = (select r.specific_name from information_schema.routines r
                                where r.routine_schema = 'parley' and r.routine_name = 'commitments_as_of')
        and p.parameter_mode = 'OUT'),
    array['id', 'code', 'track', 'item', 'obligor', 'text', 'made_on', 'due_on', 'status', 'target', 'unit',
          'delivered', 'owner', 'classification', 'recorded_at', 'recorded_by'],
    'commitments_as_of returns the commitment columns of open_commitments, as they stood');

select * from finish();
rollback;
