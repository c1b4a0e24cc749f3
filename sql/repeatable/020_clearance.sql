-- Clearance: who may see and write what. session_clearance() is the login's clearance (what the recording
-- functions, running as parley_owner, apply); current_clearance() is the querying role's (what row-level security
-- applies).
set local role parley_owner;

-- Clearance ---------------------------------------------------------------------------------------------------

-- The highest clearance of the person logged in. The login, not the current role: these functions run as
-- parley_owner, and a login keeps its clearance whatever role it has set.
create or replace function parley_data.session_clearance()
    returns parley.classification
    language sql stable as $$
    select case
        when pg_has_role(session_user, 'parley_clearance_secret', 'member') then 'secret'
        when pg_has_role(session_user, 'parley_clearance_confidential', 'member') then 'confidential'
        when pg_has_role(session_user, 'parley_clearance_restricted', 'member') then 'restricted'
        else 'unclassified'
    end::parley.classification
$$;
comment on function parley_data.session_clearance is
    'The clearance of the login (session_user), from its membership of the parley_clearance_* roles.';

create or replace function parley_data.check_clearance(field text, level parley.classification)
    returns void
    language plpgsql as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
begin
    if level > mine then
        perform parley_data.refuse('42501', field, 'within_clearance',
            format('%s %s is above your clearance (%s)', field, level, mine),
            'Choose a classification you are cleared for, or ask someone cleared for it to record this.');
    end if;
end
$$;
comment on function parley_data.check_clearance is
    'Refuses (42501) a classification or clearance above the clearance of the person logged in.';

-- Who am I, as row-level security sees it.

create or replace function parley_data.current_clearance() returns parley.classification
    language sql stable parallel safe
    return case
        when pg_has_role(current_user, 'parley_clearance_secret', 'member') then 'secret'
        when pg_has_role(current_user, 'parley_clearance_confidential', 'member') then 'confidential'
        when pg_has_role(current_user, 'parley_clearance_restricted', 'member') then 'restricted'
        else 'unclassified'
    end::parley.classification;
comment on function parley_data.current_clearance() is
    'The highest classification the current role may see: from membership in parley_clearance_secret, _confidential or _restricted (each implying the lower ones); no membership means unclassified only. Superusers count as secret.';

-- A level as a view shows it. Classified rows are kept in a partition per level (000002), and a condition on the
-- level column itself would let PostgreSQL choose the partitions to read when it plans the query: with a single
-- partition left it reads that one directly, without the step that skips partitions above the reader's clearance,
-- and counts the hidden rows it then filters out. Through this function (not inlined, hence opaque to planning) a
-- reader's `where classification = 'secret'` is a plain condition on the rows they may see, as it should be.
create or replace function parley_data.shown_level(level parley.classification) returns parley.classification
    language plpgsql immutable parallel safe as $$
begin
    return level;
end
$$;
comment on function parley_data.shown_level(parley.classification) is
    'A row''s level as the staff views show it: the same value, hidden from the planner so that a condition on it never decides which level partitions a query reads.';

-- Whoever edits a person's address, clearance, activity or subscriptions decides who receives that person's
-- alerts: only someone cleared at least as high as the person may.
create or replace function parley_data.check_person_within_clearance(person_id bigint, person text)
    returns void
    language plpgsql as $$
begin
    if (select p.clearance from parley_data.people p where p.id = check_person_within_clearance.person_id)
       > parley_data.session_clearance() then
        perform parley_data.refuse('42501', 'person', 'within_clearance',
            format('%s is cleared above you; you cannot change them', person),
            'Ask someone cleared at least as high as this person to make the change.');
    end if;
end
$$;
comment on function parley_data.check_person_within_clearance(bigint, text) is
    'Refuses (42501) a change to a person (their details, clearance, subscriptions) by someone cleared lower than they are.';
