-- Parley's foundation: the two schemas and the cluster-wide roles.
--
-- Role names are cluster-wide, so every role is created only when missing: a second database in the same
-- cluster migrates cleanly. This migration runs as the migrating user (it needs CREATEROLE); every later one
-- switches to parley_owner so that parley_owner owns every object.

do $$
declare
    r record;
begin
    for r in
        select * from (values
            ('parley_owner',                  'Owns every Parley object; migrations run as this role.'),
            ('parley_reader',                 'Staff who read: the views of schema parley.'),
            ('parley_writer',                 'Staff who record: parley_reader plus the recording functions.'),
            ('parley_daemon',                 'The parleyd service and the alert mailer.'),
            ('parley_admin',                  'Administers what Parley does for everybody: alert rules, the stale threshold, the mail ceiling.'),
            ('parley_clearance_restricted',   'May see rows classified up to restricted.'),
            ('parley_clearance_confidential', 'May see rows classified up to confidential (implies restricted).'),
            ('parley_clearance_secret',       'May see rows classified up to secret (implies confidential).')
        ) as t(name, purpose)
    loop
        if not exists (select 1 from pg_roles where rolname = r.name) then
            execute format('create role %I nologin', r.name);
        end if;
        execute format('comment on role %I is %L', r.name, r.purpose);
    end loop;

    -- The migrating user must be able to act as parley_owner for the migrations that follow.
    if not (select rolsuper from pg_roles where rolname = current_user)
       and not pg_has_role(current_user, 'parley_owner', 'member') then
        execute format('grant parley_owner to %I', current_user);
    end if;
end
$$;

-- A writer is a reader who may also record; an administrator reads too; higher clearances imply the lower ones.
grant parley_reader to parley_writer;
grant parley_reader to parley_admin;
grant parley_clearance_restricted to parley_clearance_confidential;
grant parley_clearance_confidential to parley_clearance_secret;

create schema if not exists parley_data;
create schema if not exists parley;
alter schema parley_data owner to parley_owner;
alter schema parley owner to parley_owner;
alter table parley_data.schema_migrations owner to parley_owner;
alter table parley_data.schema_repeatables owner to parley_owner;

comment on schema parley_data is 'Parley''s tables and internal functions. Staff roles have no privileges here; use schema parley.';
comment on schema parley is 'What staff use: views that answer everyday questions and functions that record what happens.';

-- Staff reach the interface schema only; nobody reaches the data schema except through it.
revoke all on schema parley_data from public;
grant usage on schema parley to parley_reader, parley_daemon;

-- Functions are executable by PUBLIC unless said otherwise; Parley grants each one to the roles that need it.
alter default privileges for role parley_owner revoke execute on functions from public;

-- The daemon plans alerts for every classification and reads the views as a fully cleared reader would.
grant parley_clearance_secret to parley_daemon;

-- JIT compilation off for the Parley database.
--
-- PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost (100,000). Parley's
-- big statements are estimated far above that because of their per-row subqueries (alert planning, the staff
-- views), so they pay the compilation: 1.7 s of a 10 s first plan at 100,000 commitments, 1–2 s on mid-sized view
-- queries at 200,000. What it buys back is nothing measurable here: the whole-table aggregates (compliance,
-- track_overview) run as fast without it at 1,000,000 commitments (BENCHMARKS.md). So it is off for this database
-- (new sessions), not for the cluster, which may serve other databases that gain from it.
--
-- ALTER DATABASE needs the database's owner or a superuser: the user running the migrations, not parley_owner. A
-- migrating user without that right gets a warning with the command to run instead of a failed migration.
do $$
begin
    execute format('alter database %I set jit = off', current_database());
exception when insufficient_privilege then
    raise warning 'JIT is still on for database %: only its owner may turn it off', current_database()
        using hint = format('Run as the owner of the database or a superuser: ALTER DATABASE %I SET jit = off;',
                            current_database());
end
$$;

-- The daemon, the mailer and `parley status` check the schema version as roles without access to parley_data:
-- they read the record of applied migrations and repeatable files through these functions.
set local role parley_owner;
create function parley.applied_migrations()
    returns table (version integer, name text, checksum text, applied_at timestamptz, applied_by name)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
begin atomic
    select m.version, m.name, m.checksum, m.applied_at, m.applied_by
      from parley_data.schema_migrations m
     order by m.version;
end;
comment on function parley.applied_migrations() is
    'The migrations applied to this database (what parley migrate --status lists), for roles that cannot read parley_data.';
grant execute on function parley.applied_migrations() to parley_reader, parley_daemon;

create function parley.applied_repeatables()
    returns table (name text, checksum text, applied_at timestamptz, applied_by name)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
begin atomic
    select r.name, r.checksum, r.applied_at, r.applied_by
      from parley_data.schema_repeatables r
     order by r.name;
end;
comment on function parley.applied_repeatables() is
    'The repeatable SQL files (sql/repeatable: views, functions, triggers, grants) as last applied to this database, with their checksums, for roles that cannot read parley_data.';
grant execute on function parley.applied_repeatables() to parley_reader, parley_daemon;
