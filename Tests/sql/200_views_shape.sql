-- The staff views exist with their documented columns, run as the person querying (security_invoker), belong to
-- parley_owner and carry the COMMENT ON text that \dv+ and \d+ show: every view of schema parley, and every column
-- of every such view, has one. A set-returning function staff may call has a comment that names each of its result
-- columns, which cannot carry comments of their own (\df+ shows it).
begin;
select plan(32);

create temporary table staff_views (name) as
select unnest(array[
    'track_overview', 'agenda', 'open_commitments', 'overdue_commitments', 'due_soon', 'compliance',
    'upcoming_meetings', 'positions', 'figures', 'contested_figures', 'timeline', 'follow_ups', 'changes', 'stale',
    'whoami', 'agreements', 'agreement_parties', 'agreement_terms', 'expiring_agreements', 'agreement_events',
    'implementation']::name[]);

select is(
    (select array_agg(v.name::text order by v.name) from staff_views v
      where not exists (select 1 from pg_class c
                         where c.relnamespace = 'parley'::regnamespace and c.relkind = 'v' and c.relname = v.name)),
    null, 'schema parley has every staff view');

select columns_are('parley', 'agenda', array['track', 'item', 'title', 'status', 'since', 'days_in_status', 'commitments', 'open_commitments', 'fulfilled_commitments', 'stances', 'note', 'agreements_in_force']::name[], 'agenda has its documented columns');
select columns_are('parley', 'changes', array['id', 'changed_at', 'changed_by', 'entity', 'code', 'operation', 'change', 'row_id', 'transaction_id', 'reason', 'classification']::name[], 'changes has its documented columns');
select columns_are('parley', 'compliance', array['party', 'track', 'made', 'fulfilled', 'partially_fulfilled', 'breached', 'open', 'withdrawn', 'superseded', 'assessed', 'score', 'score_pct', 'on_time_pct', 'lapsed']::name[], 'compliance has its documented columns');
select columns_are('parley', 'contested_figures', array['indicator', 'item', 'unit', 'claims', 'min_value', 'max_value', 'spread', 'spread_pct', 'claims_by', 'latest_as_of']::name[], 'contested_figures has its documented columns');
select columns_are('parley', 'due_soon', array['kind', 'code', 'track', 'item', 'what', 'party', 'owner', 'due_on', 'due_at', 'days_left', 'status']::name[], 'due_soon has its documented columns');
select columns_are('parley', 'figures', array['indicator', 'item', 'claimant', 'value', 'unit', 'as_of', 'confidence', 'source', 'source_title', 'source_url', 'note', 'classification']::name[], 'figures has its documented columns');
select columns_are('parley', 'follow_ups', array['id', 'code', 'about', 'track', 'note', 'assignee', 'assignee_email', 'due_at', 'due_local', 'overdue', 'days_left', 'created_at']::name[], 'follow_ups has its documented columns');
select columns_are('parley', 'open_commitments', array['id', 'code', 'track', 'item', 'obligor', 'beneficiaries', 'text', 'made_on', 'due_on', 'deadline_at', 'days_left', 'status', 'target', 'unit', 'delivered', 'progress_pct', 'owner', 'last_update_on', 'classification', 'meeting', 'deal']::name[], 'open_commitments has its documented columns');
select columns_are('parley', 'overdue_commitments', array['id', 'code', 'track', 'item', 'obligor', 'beneficiaries', 'text', 'made_on', 'due_on', 'deadline_at', 'days_left', 'status', 'target', 'unit', 'delivered', 'progress_pct', 'owner', 'last_update_on', 'classification', 'meeting', 'deal', 'days_overdue']::name[], 'overdue_commitments has its documented columns');
select columns_are('parley', 'positions', array['party', 'track', 'item', 'stance', 'stated_on', 'statement', 'previous_stance', 'previous_stated_on', 'changed_on', 'source', 'classification']::name[], 'positions has its documented columns');
select columns_are('parley', 'stale', array['kind', 'track', 'item', 'ref', 'what', 'status', 'owner', 'last_activity_on', 'days_quiet', 'threshold_days']::name[], 'stale has its documented columns');
select columns_are('parley', 'timeline', array['occurred_on', 'kind', 'track', 'item', 'party', 'ref', 'description', 'source', 'source_url']::name[], 'timeline has its documented columns');
select columns_are('parley', 'track_overview', array['track', 'name', 'format', 'status', 'venue', 'timezone', 'classification', 'lead', 'parties', 'agenda', 'open_commitments', 'overdue_commitments', 'last_meeting_on', 'next_meeting_at', 'next_meeting_local', 'last_activity_on', 'agreements_in_force']::name[], 'track_overview has its documented columns');
select columns_are('parley', 'upcoming_meetings', array['meeting', 'track', 'title', 'starts_at', 'local_start', 'timezone', 'ends_at', 'location', 'days_until', 'open_due_before', 'due_before']::name[], 'upcoming_meetings has its documented columns');
select columns_are('parley', 'whoami', array['role', 'logged_in_as', 'clearance', 'sees', 'may_read', 'may_record']::name[], 'whoami has its documented columns');

select columns_are('parley', 'agreements', array['code', 'title', 'kind', 'status', 'status_since', 'tracks', 'parties', 'signed_on', 'signed_at', 'in_force_since', 'ended_on', 'current_term', 'term_ends_on', 'days_left', 'renewal', 'objection_deadline_on', 'renewals', 'term_contested', 'suspended_parties', 'withdrawn_parties', 'related', 'provisions', 'implementation_pct', 'owner', 'source', 'timezone', 'classification', 'open']::name[], 'agreements has its documented columns');
select columns_are('parley', 'agreement_terms', array['agreement', 'term', 'current', 'starts_on', 'ends_on', 'length', 'renewal', 'objection_deadline_on', 'agreed_on', 'agreed_by', 'source', 'source_url', 'note', 'claims', 'contested', 'recorded_by', 'recorded_at', 'classification']::name[], 'agreement_terms has its documented columns');
select columns_are('parley', 'expiring_agreements', array['agreement', 'title', 'status', 'tracks', 'what', 'term', 'on_day', 'deadline_at', 'days_left', 'renewal', 'owner', 'classification']::name[], 'expiring_agreements has its documented columns');
select columns_are('parley', 'implementation', array['agreement', 'article', 'commitment', 'obligor', 'track', 'item', 'text', 'status', 'delivered', 'target', 'unit', 'score', 'score_pct', 'scored_by', 'evidence_on', 'evidence', 'evidence_source', 'evidence_url', 'classification']::name[], 'implementation has its documented columns');
select columns_are('parley', 'agreement_events', array['occurred_on', 'kind', 'track', 'item', 'party', 'ref', 'description', 'source', 'source_url']::name[], 'agreement_events has the columns of the timeline, so that it can join it');
select is(
    (select array_agg(c.relname || '.' || a.attname order by c.relname, a.attnum) from pg_class c
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = 'parley'::regnamespace
        and c.relname in ('agreements', 'agreement_parties', 'agreement_terms', 'expiring_agreements', 'agreement_events', 'implementation')
        and coalesce(col_description(c.oid, a.attnum), '') = ''),
    null, 'every column of the agreement views is explained for \d+');

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
      where c.relnamespace = 'parley'::regnamespace and c.relkind in ('v', 'm')
        and coalesce(btrim(obj_description(c.oid, 'pg_class')), '') = ''),
    null, 'every view of schema parley has a comment for \dv+ (listed: the views without one)');

-- Listed as view.column, so that a failure says which comments to write (next to the view, in its file).
select is(
    (select array_agg(c.relname || '.' || a.attname order by c.relname, a.attnum)
       from pg_class c
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = 'parley'::regnamespace and c.relkind in ('v', 'm')
        and coalesce(btrim(col_description(c.oid, a.attnum)), '') = ''),
    null, 'every column of every view of schema parley has a comment for \d+ (listed: the columns without one)');

-- The helper the views files comment their columns with: a list of pairs, each column by its name.
create temporary view comment_columns_probe as select 1 as one, 'x'::text as "Two words";
select parley_data.comment_columns('comment_columns_probe', array[['one', 'The first.'], ['Two words', 'It''s quoted.']]);
select is(array[col_description('comment_columns_probe'::regclass, 1), col_description('comment_columns_probe'::regclass, 2)],
          array['The first.', 'It''s quoted.'], 'comment_columns gives each named column its comment, as written');
select throws_like($$select parley_data.comment_columns('comment_columns_probe', array['one', 'The first.'])$$,
                   'comments for % are pairs%', 'comment_columns refuses a list that is not of pairs');

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

-- Staff call the set-returning functions they may execute (as readers, writers or administrators) like views, but a
-- function's result columns cannot carry comments: its own comment must say what each one holds. Listed as
-- "function: column" for each result column the comment does not name, "function: (no comment)" for one without.
select is(
    (with staff_function as (
          select p.oid, p.oid::regprocedure::text as name, coalesce(btrim(obj_description(p.oid, 'pg_proc')), '') as comment
            from pg_proc p
           where p.pronamespace = 'parley'::regnamespace and p.proretset
             and (has_function_privilege('parley_reader', p.oid, 'execute')
                  or has_function_privilege('parley_writer', p.oid, 'execute')
                  or has_function_privilege('parley_admin', p.oid, 'execute'))
     ), result_column as (
          -- RETURNS TABLE (…) and OUT parameters
          select f.name, f.comment, r.column_name::text
            from staff_function f
            join pg_proc p on p.oid = f.oid
           cross join lateral unnest(p.proargnames, p.proargmodes) r(column_name, mode)
           where r.mode in ('o', 'b', 't')
          union all
          -- RETURNS SETOF a composite type
          select f.name, f.comment, a.attname::text
            from staff_function f
            join pg_proc p on p.oid = f.oid
            join pg_type t on t.oid = p.prorettype
            join pg_attribute a on a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
           where p.proargmodes is null or not p.proargmodes && array['o', 'b', 't']::"char"[]
     )
     select array_agg(x.problem order by x.problem)
       from (select f.name || ': (no comment)' as problem from staff_function f where f.comment = ''
             union all
             select r.name || ': ' || r.column_name from result_column r
              where r.comment <> '' and r.comment !~ ('\m' || r.column_name || '\M')) x),
    null, 'every set-returning function staff may call has a comment naming each of its result columns (listed: what is missing)');

select * from finish();
rollback;
