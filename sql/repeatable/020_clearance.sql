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

-- Rule: nobody classifies a record, or clears a person, above their own clearance. `mine` is the caller's
-- clearance (session_clearance()), given so that an import works it out once for a whole document.
create or replace function parley_data.bad_level(field text, level parley.classification, mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when level > mine
                then parley_data.refused('42501', field, 'within_clearance',
                    format('%s %s is above your clearance (%s)', field, level, mine),
                    'Choose a classification you are cleared for, or ask someone cleared for it to record this.') end;
comment on function parley_data.bad_level(text, parley.classification, parley.classification) is
    'Rule: a classification or clearance is not above the caller''s own (42501).';

create or replace function parley_data.check_clearance(field text, level parley.classification)
    returns void
    language sql
    return parley_data.refuse_if(parley_data.bad_level(field, level, parley_data.session_clearance()));
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
create or replace function parley_data.cleared_above(field text, person text, clearance parley.classification,
                                                     mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when clearance > mine
                then parley_data.refused('42501', field, 'within_clearance',
                    format('%s is cleared above you; you cannot change them', person),
                    'Ask someone cleared at least as high as this person to make the change.') end;
comment on function parley_data.cleared_above(text, text, parley.classification, parley.classification) is
    'Rule: a person (their details, clearance, subscriptions) is changed only by someone cleared at least as high (42501).';

create or replace function parley_data.check_person_within_clearance(person_id bigint, person text)
    returns void
    language sql
    return parley_data.refuse_if(parley_data.cleared_above('person', person,
        (select p.clearance from parley_data.people p where p.id = person_id), parley_data.session_clearance()));
comment on function parley_data.check_person_within_clearance(bigint, text) is
    'Refuses (42501) a change to a person (their details, clearance, subscriptions) by someone cleared lower than they are.';

-- Lowering a classification is an act of its own (parley.declassify), never a side effect of correcting a record.
create or replace function parley_data.bad_lowering(field text, current_level parley.classification,
                                                    wanted parley.classification, what text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when wanted < current_level
                then parley_data.refused('42501', field, 'declassify_explicitly',
                    format('%s is %s; lowering it to %s is declassifying it', what, current_level, wanted),
                    format('Declassify it on purpose, with a reason: select parley.declassify(%L, ..., classification => %L, reason => ...);',
                           split_part(what, ' ', 1), wanted)) end;
comment on function parley_data.bad_lowering(text, parley.classification, parley.classification, text) is
    'Rule: a change does not lower a classification (42501): that is parley.declassify''s.';

create or replace function parley_data.check_not_lowered(field text, current_level parley.classification,
                                                          wanted parley.classification, what text)
    returns void
    language sql return parley_data.refuse_if(parley_data.bad_lowering(field, current_level, wanted, what));
comment on function parley_data.check_not_lowered(text, parley.classification, parley.classification, text) is
    'Refuses (42501) a change that would lower a classification: that is parley.declassify''s.';

-- A change of a record's classification (`wanted`; null when none is asked for): one the caller is cleared for,
-- and not lower than the record's `current_level` (`what` names the record).
create or replace function parley_data.check_reclassification(current_level parley.classification,
                                                              wanted parley.classification, what text)
    returns void
    language sql
    return parley_data.refuse_if(case when wanted is not null
        then coalesce(parley_data.bad_level('classification', wanted, parley_data.session_clearance()),
                      parley_data.bad_lowering('classification', current_level, wanted, what)) end);
comment on function parley_data.check_reclassification(parley.classification, parley.classification, text) is
    'Refuses a new classification, when one is given, above the caller''s clearance (42501) or lower than the record''s (42501).';
