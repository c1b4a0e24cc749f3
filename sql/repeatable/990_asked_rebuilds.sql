-- Derived data a migration asked for: what parley_data.rebuilds_asked lists (000008 asked for the timeline and the
-- tallies of commitments after backfilling them, 000013 for the last activity of agenda entries) is built here, in
-- the transaction of the migration, once every function it needs is in place; then the request is cleared. The last
-- activity of agenda entries is worked out from the tallies, so it comes last. Applied after every migration, this
-- does nothing when nothing was asked.
set local role parley_owner;

do $$
declare
    asked record;
begin
    for asked in select r.what from parley_data.rebuilds_asked r order by r.what = 'agenda_activity', r.what loop
        case asked.what
            when 'timeline' then perform parley_data.rebuild_timeline();
            when 'commitment_tallies' then perform parley_data.rebuild_commitment_tallies();
            when 'agenda_activity' then perform parley_data.rebuild_agenda_activity();
            else raise exception 'a migration asked to rebuild "%", which no repeatable file knows how to build', asked.what;
        end case;
        delete from parley_data.rebuilds_asked r where r.what = asked.what;
    end loop;
end
$$;
