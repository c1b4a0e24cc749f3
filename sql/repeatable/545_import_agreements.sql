-- Import section: agreements (with their parties, status history, terms and claims, participation and relations),
-- and the provisions and implementation scores the commitments of a document give.
--
-- Agreements are few, and their rules are about order (a renewal only while the agreement is in force, a withdrawal
-- only after the party signed, a history that runs forward), so they are not checked set-based like the other
-- lists: each agreement of the document is recorded by calling the recording functions themselves
-- (parley.add_agreement, parley.sign_agreement, parley.enter_into_force, parley.renew_agreement, parley.claim_term,
-- parley.suspend_agreement, parley.resume_agreement, parley.withdraw_from_agreement, parley.end_agreement,
-- parley.relate_agreements; parley.add_provision and parley.override_implementation for commitments), replaying its
-- history in date order. The rules are thus the recording functions' own, and a refusal is theirs, with the path of
-- the record (and of the field) in the document in front: `agreements[2].terms[1]: agreement "x" expired on ...`.
--
-- An agreement already recorded (among those the importer may see) whose record in the document is what the export
-- writes of it is left alone: nothing is written, no alert is queued. One that differs has its own fields brought
-- to the document's (parley.update_agreement) and what its history adds replayed after the history recorded; a
-- document that rewrites recorded history is refused. After each agreement is recorded, what the export writes of
-- it must be what the document says, or the import is refused naming the first field that differs (an import
-- writes exactly what the document says, or nothing).
set local role parley_owner;

-- Reading ----------------------------------------------------------------------------------------------------------

-- Raises a refusal of the document at `path` (agreements[2].terms[1].), as parley_data.import_refuse_first does.
create or replace function parley_data.import_raise(path text, problem parley_data.refusal)
    returns void
    language plpgsql as $$
declare
    full_path constant text := rtrim(path || coalesce(problem.field, ''), '.');
    field_name constant text := regexp_replace(coalesce(problem.field, ''), '^.*\.', '');
begin
    if problem.state is null then
        return;
    end if;
    perform parley_data.refuse(problem.state, full_path, problem.rule,
        full_path || ': ' || case when field_name <> '' and starts_with(problem.message, field_name || ' ')
                                  then substr(problem.message, length(field_name) + 2) else problem.message end,
        problem.hint);
end
$$;
comment on function parley_data.import_raise(text, parley_data.refusal) is
    'Import: raises a refusal with the path of its record in the document in front of its field and message.';

-- Checks one record of list `list` (agreements, agreements.terms.claims, ...) against parley_data.import_layout: a
-- mapping of known fields, each of its kind.
create or replace function parley_data.import_read_one(r jsonb, list text, path text)
    returns void
    language plpgsql as $$
declare
    fields constant text[] := array(select l.field from parley_data.import_layout l
                                     where l.list = import_read_one.list order by l.position);
    problem parley_data.refusal;
begin
    problem := parley_data.unshaped(r, fields);
    if problem.state is null then
        select (u).* into problem
          from parley_data.import_layout l
         cross join lateral parley_data.unreadable(r -> l.field, l.field, l.kind,
                                (select array_agg(e.enumlabel::text order by e.enumsortorder) from pg_enum e
                                  where e.enumtypid = l.choices)) u
         where l.list = import_read_one.list and u.state is not null
         order by l.position limit 1;
    end if;
    perform parley_data.import_raise(path, problem);
end
$$;
comment on function parley_data.import_read_one(jsonb, text, text) is
    'Import: refuses a record that is not a mapping of the known fields of its list, each readable as its kind.';

-- A length of time as the document writes it ('30 days', '1 year'), or a refusal naming the field.
create or replace function parley_data.import_interval(v text, path text, field text)
    returns interval
    language plpgsql as $$
begin
    return v::interval;
exception when invalid_datetime_format or datetime_field_overflow or interval_field_overflow then
    perform parley_data.import_raise(path, parley_data.refused('22007', field, 'import_interval',
        format('%s "%s" is not a length of time', field, v), format('Write %s as e.g. 30 days, 6 months or 1 year.', field)));
    return null;
end
$$;
comment on function parley_data.import_interval(text, text, text) is
    'Import: a length of time written as text (30 days), or a refusal (22007) naming the field.';

-- The elements of a list field of a record, numbered from 0 (none when it is left out).
create or replace function parley_data.import_elements(r jsonb, field text)
    returns table (k integer, e jsonb)
    language sql immutable
begin atomic
    select (x.ord - 1)::integer, x.e
      from jsonb_array_elements(case jsonb_typeof(r -> field) when 'array' then r -> field else '[]' end)
           with ordinality x(e, ord);
end;
comment on function parley_data.import_elements(jsonb, text) is
    'Import: the records of a list field of a record, with their index from 0.';

-- The records of a list of a document, in order: their index in the list (from 0), the record, and where it is in
-- the document (`agreements[3].`; `base` is the index of the list's first record in the whole document).
create or replace function parley_data.import_records(items jsonb, list text, base integer)
    returns table (k integer, r jsonb, path text)
    language sql stable
begin atomic
    select (x.ord - 1)::integer, x.r, format('%s[%s].', list, base + x.ord - 1)
      from jsonb_array_elements(items) with ordinality x(r, ord);
end;
comment on function parley_data.import_records(jsonb, text, integer) is
    'Import: the records of a list of a document, with their index from 0 and their path (agreements[3].).';

-- An agreement record as a comparable value: what is left out stands for its default, lengths are written as the
-- database writes them, one code stands for a list of one, empty lists and nulls are nothing. `zone`: the time zone
-- to assume when the record gives none (the one recorded).
create or replace function parley_data.import_agreement_normal(r jsonb, zone text)
    returns jsonb
    language plpgsql stable as $$
declare
    result jsonb := jsonb_strip_nulls(r);
    terms jsonb;
    history jsonb;
begin
    result := jsonb_build_object('kind', 'agreement', 'classification', 'unclassified', 'timezone', zone) || result;
    if jsonb_typeof(result -> 'tracks') = 'string' then
        result := jsonb_set(result, '{tracks}', jsonb_build_array(result -> 'tracks'));
    end if;
    history := coalesce(result -> 'history', '[]');
    if coalesce(history -> 0 ->> 'status', '') <> 'drafted' then
        history := jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('status', 'drafted', 'source', result -> 'source')))
                   || history;
    end if;
    result := jsonb_set(result, '{history}', history);
    select jsonb_agg(jsonb_strip_nulls(jsonb_build_object('renewal', 'by_decision') || t.e
                     || jsonb_build_object(
                            'length', (nullif(t.e ->> 'length', ''))::interval::text,
                            'objection_notice', (nullif(t.e ->> 'objection_notice', ''))::interval::text,
                            'agreed_by', case jsonb_typeof(t.e -> 'agreed_by') when 'string' then jsonb_build_array(t.e -> 'agreed_by')
                                              when 'array' then (select jsonb_agg(c order by c #>> '{}' collate "C")
                                                                   from jsonb_array_elements(t.e -> 'agreed_by') c) end,
                            'claims', (select jsonb_agg(c.e || jsonb_build_object('length', (nullif(c.e ->> 'length', ''))::interval::text))
                                         from parley_data.import_elements(t.e, 'claims') c)))
                     order by t.k)
      into terms
      from parley_data.import_elements(result, 'terms') t;
    result := jsonb_set(result, '{terms}', coalesce(terms, jsonb_build_array(jsonb_build_object('renewal', 'by_decision'))));
    return jsonb_strip_nulls(result - (select coalesce(array_agg(key), '{}') from jsonb_each(result)
                                        where value = '[]'::jsonb));
end
$$;
comment on function parley_data.import_agreement_normal(jsonb, text) is
    'Import: an agreement record with its defaults filled in and its values written as the export writes them, to compare a document with what is recorded.';

-- Calling a recording function ---------------------------------------------------------------------------------------

-- Runs `call` (a statement calling a recording function with $1..$n bound to `args`, all text) and, when it is
-- refused, raises the refusal again with the record's path in front: `path` is the path of the record the call
-- records (agreements[2].terms[1].), `fields` maps a field the function names to the path of the document's field
-- relative to the agreement (`agreements[2].`: `base`), e.g. {"in_force_on": "history[3].happened_on"}.
create or replace function parley_data.import_call(call text, args text[], path text, base text, fields jsonb)
    returns text
    language plpgsql as $$
declare
    result text;
    state text;
    col text;
    rule text;
    message text;
    hint text;
    full_path text;
    field_name text;
begin
    execute call into result using args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
                                    args[9], args[10], args[11], args[12], args[13], args[14], args[15];
    return result;
exception when others then
    get stacked diagnostics state = returned_sqlstate, col = column_name, rule = constraint_name,
                            message = message_text, hint = pg_exception_hint;
    col := nullif(col, '');
    full_path := rtrim(case when col is null then path
                            when fields ? col then base || (fields ->> col)
                            else path || col end, '.');
    field_name := case when col is not null then regexp_replace(full_path, '^.*\.', '') else '' end;
    raise exception using errcode = state, column = full_path, constraint = coalesce(rule, ''), hint = coalesce(hint, ''),
        message = full_path || ': ' || case when field_name <> '' and starts_with(message, field_name || ' ')
                                            then substr(message, length(field_name) + 2) else message end;
end
$$;
comment on function parley_data.import_call(text, text[], text, text, jsonb) is
    'Import: calls a recording function for one record of a document, raising its refusal again with the record''s path (agreements[2].terms[1].ends_on: ...).';

-- Agreements ---------------------------------------------------------------------------------------------------------

-- Records one agreement of a document (its index `k` in the list, its path `base`): creates it when the importer
-- sees none with its code, else brings it to the document; then replays, in date order, what of its history is not
-- recorded yet. Returns 'new', 'changed' or 'unchanged'.
create or replace function parley_data.import_agreement(r jsonb, base text)
    returns text
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    this_code constant text := r ->> 'code';
    level parley.classification := coalesce(r ->> 'classification', 'unclassified')::parley.classification;
    tracks constant text[] := parley_data.import_code_list(r -> 'tracks');
    first_term constant jsonb := coalesce(r -> 'terms' -> 0, '{}');
    drafted jsonb := case when r -> 'history' -> 0 ->> 'status' = 'drafted' then r -> 'history' -> 0 end;
    signed_event jsonb := (select h.e from parley_data.import_elements(r, 'history') h
                            where h.e ->> 'status' = 'signed' order by h.k limit 1);
    existing parley_data.agreements;
    now_recorded parley_data.agreements;
    ref text;
    outcome text;
    recorded_events integer := 0;
    recorded_terms integer := 0;
    recorded_participation integer := 0;
    act record;
    track text;
    e jsonb;
    p text;
begin
    perform parley_data.require('code', this_code is not null);
    select * into existing from parley_data.agreements a
     where a.code = this_code and a.classification <= mine
     order by a.classification = level desc, a.classification desc limit 1;
    if existing.id is not null then
        if parley_data.import_agreement_normal(parley_data.export_agreement(existing)::jsonb, existing.timezone)
           = parley_data.import_agreement_normal(r, existing.timezone) then
            return 'unchanged';
        end if;
        outcome := 'changed';
    else
        outcome := 'new';
    end if;
    ref := case when (select count(*) from parley_data.agreements a
                       where a.code = this_code and a.classification <= mine) > 1
                then this_code || '@' || coalesce(existing.classification, level) else this_code end;

    if existing.id is null then
        perform parley_data.import_call(
            'select parley.add_agreement(code => $1, title => $2, tracks => $3::text[], kind => $4::parley.agreement_kind,
                 classification => $5::parley.classification, summary => $6, timezone => $7, owner => $8, source => $9,
                 drafted_on => $10::date, ends_on => $11::date, term_length => $12::interval,
                 renewal => $13::parley.renewal_kind, objection_notice => $14::interval)',
            array[this_code, r ->> 'title', tracks::text, coalesce(r ->> 'kind', 'agreement'), level::text, r ->> 'summary',
                  r ->> 'timezone', r ->> 'owner', r ->> 'source', drafted ->> 'happened_on', first_term ->> 'ends_on',
                  parley_data.import_interval(first_term ->> 'length', base || 'terms[0].', 'length')::text,
                  coalesce(first_term ->> 'renewal', 'by_decision'),
                  parley_data.import_interval(first_term ->> 'objection_notice', base || 'terms[0].', 'objection_notice')::text],
            base, base, '{"drafted_on": "history[0].happened_on", "ends_on": "terms[0].ends_on",
                          "term_length": "terms[0].length", "renewal": "terms[0].renewal",
                          "objection_notice": "terms[0].objection_notice"}');
        select * into existing from parley_data.agreements a
         where a.code = this_code and a.classification <= mine order by a.id desc limit 1;
        -- The drafted event as the document gives it (add_agreement dates it and cites the agreement's source).
        if drafted is not null then
            perform parley_data.check_free_text('note', drafted ->> 'note', 'agreement_status_events_note_length');
            update parley_data.agreement_status_events s
               set source_id = case when drafted ->> 'source' is not null
                                    then parley_data.source_id(drafted ->> 'source') end,
                   party_id = case when drafted ->> 'party' is not null then parley_data.party_id(drafted ->> 'party') end,
                   note = nullif(btrim(drafted ->> 'note'), '')
             where s.agreement_id = existing.id and s.status = 'drafted'
               and (s.source_id, s.party_id, s.note) is distinct from
                   (parley_data.source_named(drafted ->> 'source'), parley_data.party_named(drafted ->> 'party'),
                    nullif(btrim(drafted ->> 'note'), ''));
        end if;
    else
        -- Its own fields, where the document says otherwise.
        perform parley_data.import_call(
            'select parley.update_agreement(agreement => $1, title => $2, kind => $3::parley.agreement_kind, summary => $4,
                 timezone => $5, owner => $6, source => $7, classification => $8::parley.classification)',
            array[ref, r ->> 'title', coalesce(r ->> 'kind', 'agreement'), coalesce(r ->> 'summary', ''),
                  r ->> 'timezone', coalesce(r ->> 'owner', ''), coalesce(r ->> 'source', ''), level::text],
            base, base, '{}');
        foreach track in array coalesce(tracks, '{}') loop
            if not exists (select 1 from parley_data.agreement_tracks l join parley_data.tracks t on t.id = l.track_id
                            where l.agreement_id = existing.id and t.code = track) then
                perform parley_data.import_call('select parley.add_agreement_track(agreement => $1, track => $2)',
                    array[ref, track], base, base, '{"track": "tracks"}');
            end if;
        end loop;
        select count(*) into recorded_events from parley_data.agreement_status_events s where s.agreement_id = existing.id;
        select count(*) into recorded_terms from parley_data.agreement_terms t where t.agreement_id = existing.id;
        select count(*) into recorded_participation from parley_data.agreement_participation x
         where x.agreement_id = existing.id;
    end if;

    -- Its parties and their roles, as the document lists them; their signatures are dated, below.
    for act in select * from parley_data.import_elements(r, 'parties') loop
        continue when exists (
            select 1 from parley_data.agreement_parties ap join parley_data.parties pa on pa.id = ap.party_id
             where ap.agreement_id = existing.id and pa.code = act.e ->> 'party' and ap.role::text = act.e ->> 'role');
        perform parley_data.import_call(
            'select parley.add_agreement_party(agreement => $1, party => $2, role => $3::parley.agreement_role, note => $4)',
            array[ref, act.e ->> 'party', act.e ->> 'role', act.e ->> 'note'], format('%sparties[%s].', base, act.k), base,
            format('{"agreement": "parties[%s]"}', act.k)::jsonb);
    end loop;

    -- Its history, in date order: signatures, changes of status, renewals, changes of participation; claims last.
    -- A signed event is the first signatory's signature (parley.sign_agreement records it), so the signature it names
    -- goes first on its day, citing its source.
    for act in
        select x.* from (
            select 'party' as what, h.k, h.e, (h.e ->> 'signed_on')::date as day, 1 as rank,
                   case when h.e ->> 'party' = signed_event ->> 'party' and h.e ->> 'signed_on' = signed_event ->> 'happened_on'
                             and coalesce(h.e ->> 'role', '') = 'signatory' then 0 else 1 end as sub
              from parley_data.import_elements(r, 'parties') h where h.e ->> 'signed_on' is not null
            union all
            select 'event', h.k, h.e, (h.e ->> 'happened_on')::date,
                   case when parley_data.agreement_has_ended((h.e ->> 'status')::parley.agreement_status) then 6 else 2 end, 0
              from parley_data.import_elements(r, 'history') h
             where h.k >= recorded_events and not (h.k = 0 and h.e ->> 'status' = 'drafted')
               and h.e ->> 'status' is distinct from 'signed'
            union all
            select 'term', h.k, h.e, (h.e ->> 'agreed_on')::date, 3, 0
              from parley_data.import_elements(r, 'terms') h where h.k >= greatest(recorded_terms, 1)
            union all
            select 'participation', h.k, h.e, (h.e ->> 'effective_on')::date, 4, 0
              from parley_data.import_elements(r, 'participation') h where h.k >= recorded_participation
        ) x
        order by x.day nulls first, x.rank, x.sub, x.k
    loop
        e := act.e;
        if act.what = 'party' then
            p := format('%sparties[%s].', base, act.k);
            -- A signature recorded already (on another day: the check after the history says so) is left as it is.
            if exists (select 1 from parley_data.agreement_parties ap join parley_data.parties pa on pa.id = ap.party_id
                        where ap.agreement_id = existing.id and pa.code = e ->> 'party' and ap.role::text = e ->> 'role'
                          and ap.signed_on is not null) then
                continue;
            end if;
            begin
                perform parley_data.import_call(
                    'select parley.sign_agreement(agreement => $1, party => $2, signed_on => $3::date,
                         role => $4::parley.agreement_role, signed_at => $5, source => $6, note => $7)',
                    array[ref, e ->> 'party', e ->> 'signed_on', coalesce(e ->> 'role', 'signatory'), r ->> 'signed_at',
                          case when act.sub = 0 then signed_event ->> 'source' end, e ->> 'note'],
                    p, base, '{"signed_at": "signed_at"}');
            end;
        elsif act.what = 'event' then
            p := format('%shistory[%s].', base, act.k);
            select * into now_recorded from parley_data.agreements a where a.id = existing.id;
            if parley_data.agreement_has_ended((e ->> 'status')::parley.agreement_status) then
                perform parley_data.import_call(
                    'select parley.end_agreement(agreement => $1, status => $2::parley.agreement_status, ended_on => $3::date,
                         party => $4, source => $5, note => $6)',
                    array[ref, e ->> 'status', e ->> 'happened_on', e ->> 'party', e ->> 'source', e ->> 'note'],
                    p, base, format('{"ended_on": "history[%1$s].happened_on", "agreement": "history[%1$s].status"}', act.k)::jsonb);
            elsif e ->> 'status' = 'in_force' and now_recorded.status = 'suspended' then
                perform parley_data.import_call(
                    'select parley.resume_agreement(agreement => $1, announced_on => $2::date, source => $3, note => $4)',
                    array[ref, e ->> 'happened_on', e ->> 'source', e ->> 'note'],
                    p, base, format('{"announced_on": "history[%1$s].happened_on", "effective_on": "history[%1$s].happened_on", "agreement": "history[%1$s].status"}', act.k)::jsonb);
            elsif e ->> 'status' = 'in_force' then
                perform parley_data.import_call(
                    'select parley.enter_into_force(agreement => $1, in_force_on => $2::date, source => $3, note => $4)',
                    array[ref, e ->> 'happened_on', e ->> 'source', e ->> 'note'],
                    p, base, format('{"in_force_on": "history[%1$s].happened_on", "agreement": "history[%1$s].status"}', act.k)::jsonb);
            elsif e ->> 'status' = 'suspended' then
                perform parley_data.import_call(
                    'select parley.suspend_agreement(agreement => $1, announced_on => $2::date, source => $3, note => $4)',
                    array[ref, e ->> 'happened_on', e ->> 'source', e ->> 'note'],
                    p, base, format('{"announced_on": "history[%1$s].happened_on", "effective_on": "history[%1$s].happened_on", "agreement": "history[%1$s].status"}', act.k)::jsonb);
            else
                -- drafted again: no function records that; the agreement's history runs forward.
                perform parley_data.import_raise(p, parley_data.refused('23514', 'status', 'agreement_status_transition',
                    format('agreement "%s" cannot become %s again', this_code, e ->> 'status'),
                    'An agreement is drafted once, when it is first recorded; its history starts with it.'));
            end if;
        elsif act.what = 'term' then
            p := format('%sterms[%s].', base, act.k);
            perform parley_data.import_call(
                'select parley.renew_agreement(agreement => $1, ends_on => $2::date, term_length => $3::interval,
                     agreed_by => $4::text[], agreed_on => $5::date, starts_on => $6::date,
                     renewal => $7::parley.renewal_kind, objection_notice => $8::interval, source => $9, note => $10)::text',
                array[ref, e ->> 'ends_on', parley_data.import_interval(e ->> 'length', p, 'length')::text,
                      parley_data.import_code_list(e -> 'agreed_by')::text, e ->> 'agreed_on', e ->> 'starts_on',
                      e ->> 'renewal', parley_data.import_interval(e ->> 'objection_notice', p, 'objection_notice')::text,
                      e ->> 'source', e ->> 'note'],
                p, base, format('{"term_length": "terms[%1$s].length", "agreement": "terms[%1$s]"}', act.k)::jsonb);
        else
            p := format('%sparticipation[%s].', base, act.k);
            perform parley_data.import_call(
                case e ->> 'change'
                    when 'suspended' then 'select parley.suspend_agreement(agreement => $1, party => $2, announced_on => $3::date,
                                              effective_on => $4::date, source => $5, note => $6)'
                    when 'resumed' then 'select parley.resume_agreement(agreement => $1, party => $2, announced_on => $3::date,
                                            effective_on => $4::date, source => $5, note => $6)'
                    else 'select parley.withdraw_from_agreement(agreement => $1, party => $2, announced_on => $3::date,
                              effective_on => $4::date, source => $5, note => $6, provisions => $7::parley.commitment_status)' end,
                array[ref, e ->> 'party', e ->> 'announced_on', coalesce(e ->> 'effective_on', e ->> 'announced_on'),
                      e ->> 'source', e ->> 'note', e ->> 'provisions_closed_as'],
                p, base, format('{"provisions": "participation[%1$s].provisions_closed_as", "agreement": "participation[%1$s]"}', act.k)::jsonb);
        end if;
    end loop;

    -- Claims about its terms, each once.
    for act in
        select t.k as term, c.k, c.e
          from parley_data.import_elements(r, 'terms') t cross join parley_data.import_elements(t.e, 'claims') c
         order by t.k, c.k
    loop
        e := act.e;
        p := format('%sterms[%s].claims[%s].', base, act.term, act.k);
        continue when exists (
            select 1 from parley_data.agreement_term_claims c
              join parley_data.parties pa on pa.id = c.claimant_id
             where c.agreement_id = existing.id and c.term_number = act.term + 1 and pa.code = e ->> 'claimant'
               and c.stated_on = (e ->> 'stated_on')::date
               and (c.starts_on, c.ends_on, c.length, c.statement, c.source_id)
                   is not distinct from ((e ->> 'starts_on')::date, (e ->> 'ends_on')::date,
                                         parley_data.import_interval(e ->> 'length', p, 'length'),
                                         nullif(btrim(e ->> 'statement'), ''), parley_data.source_named(e ->> 'source')));
        perform parley_data.import_call(
            'select parley.claim_term(agreement => $1, claimant => $2, stated_on => $3::date, term => $4::integer,
                 starts_on => $5::date, ends_on => $6::date, term_length => $7::interval, statement => $8, source => $9)::text',
            array[ref, e ->> 'claimant', e ->> 'stated_on', (act.term + 1)::text, e ->> 'starts_on', e ->> 'ends_on',
                  parley_data.import_interval(e ->> 'length', p, 'length')::text, e ->> 'statement', e ->> 'source'],
            p, base, format('{"term_length": "terms[%1$s].claims[%2$s].length"}', act.term, act.k)::jsonb);
    end loop;

    -- What no recording function sets apart: where it was signed when nobody's signature says so, and the first
    -- term's source and note.
    perform parley_data.check_optional_label('signed_at', r ->> 'signed_at', 'agreements_signed_at_format');
    update parley_data.agreements a set signed_at = nullif(btrim(r ->> 'signed_at'), '')
     where a.id = existing.id and a.signed_at is distinct from nullif(btrim(r ->> 'signed_at'), '');
    if r ? 'terms' then
        perform parley_data.check_free_text('note', first_term ->> 'note', 'agreement_terms_note_length');
        update parley_data.agreement_terms t
           set source_id = case when first_term ->> 'source' is not null then parley_data.source_id(first_term ->> 'source') end,
               note = nullif(btrim(first_term ->> 'note'), '')
         where t.agreement_id = existing.id and t.number = 1
           and (t.source_id, t.note) is distinct from (parley_data.source_named(first_term ->> 'source'),
                                                      nullif(btrim(first_term ->> 'note'), ''));
    end if;
    return outcome;
end
$$;
comment on function parley_data.import_agreement(jsonb, text) is
    'Import: records one agreement of a document through the recording functions, replaying its history in date order; returns new, changed or unchanged.';

-- After its relations are recorded: what the export writes of an agreement must be what the document says. Refuses
-- (23514) naming the first field (and record) that differs.
create or replace function parley_data.import_agreement_verify(r jsonb, base text)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    recorded parley_data.agreements;
    have jsonb;
    want jsonb;
    field text;
    k integer;
begin
    select * into recorded from parley_data.agreements a
     where a.code = r ->> 'code' and a.classification <= parley_data.session_clearance()
     order by a.classification = coalesce(r ->> 'classification', 'unclassified')::parley.classification desc,
              a.classification desc limit 1;
    have := parley_data.import_agreement_normal(parley_data.export_agreement(recorded)::jsonb, recorded.timezone);
    want := parley_data.import_agreement_normal(r, recorded.timezone);
    if have = want then
        return;
    end if;
    select l.field into field from parley_data.import_layout l
     where l.list = 'agreements' and (have -> l.field) is distinct from (want -> l.field)
     order by l.position limit 1;
    if jsonb_typeof(want -> field) = 'array' and jsonb_typeof(have -> field) = 'array' then
        select min(i) into k from generate_series(0, greatest(jsonb_array_length(want -> field), jsonb_array_length(have -> field)) - 1) i
         where (want -> field -> i) is distinct from (have -> field -> i);
        field := format('%s[%s]', field, k);
    end if;
    perform parley_data.import_raise(base, parley_data.refused('23514', field, 'import_agreement_as_given',
        format('agreement "%s" would be recorded with %s %s, not as the document gives it (%s)', r ->> 'code', field,
               coalesce(jsonb_path_query_first(have, ('$.' || field)::jsonpath)::text, 'nothing'),
               coalesce(jsonb_path_query_first(want, ('$.' || field)::jsonpath)::text, 'nothing')),
        'An import records an agreement as the document gives it and adds to a recorded agreement''s history, but does not rewrite it: check the dates and their order (a signed event is the first signatory''s signature; the first term starts on entry into force), or record the change with parley agreements.'));
end
$$;
comment on function parley_data.import_agreement_verify(jsonb, text) is
    'Import: refuses (23514) an agreement that, once recorded, is not what the document says, naming the first field that differs.';

-- The agreements of a document.
create or replace function parley_data.import_agreements(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    item record;
    sub record;
    claim record;
    outcome text;
    touched integer[] := '{}';
    added integer := 0;
    changed integer := 0;
    first_seen integer;
begin
    -- Every record reads, before anything is written.
    for item in select * from parley_data.import_records(items, 'agreements', base) x loop
        perform parley_data.import_read_one(item.r, 'agreements', item.path);
        perform parley_data.import_raise(item.path, parley_data.missing('code', item.r ->> 'code' is not null));
        select min(y.k) into first_seen from parley_data.import_records(items, 'agreements', base) y
         where y.k < item.k and y.r ->> 'code' = item.r ->> 'code';
        if first_seen is not null then
            perform parley_data.import_raise(item.path, parley_data.refused('23505', 'code', 'agreements_unique_in_document',
                format('agreement "%s" is given twice; it was given first at agreements[%s]', item.r ->> 'code', base + first_seen),
                'Each record appears once in a document; merge the two.'));
        end if;
        for sub in select l.field from parley_data.import_layout l where l.list = 'agreements' and l.kind = 'records' loop
            for claim in select * from parley_data.import_elements(item.r, sub.field) loop
                perform parley_data.import_read_one(claim.e, 'agreements.' || sub.field, format('%s%s[%s].', item.path, sub.field, claim.k));
            end loop;
        end loop;
        for sub in select * from parley_data.import_elements(item.r, 'terms') loop
            for claim in select * from parley_data.import_elements(sub.e, 'claims') loop
                perform parley_data.import_read_one(claim.e, 'agreements.terms.claims',
                                                    format('%sterms[%s].claims[%s].', item.path, sub.k, claim.k));
            end loop;
        end loop;
    end loop;
    for item in select * from parley_data.import_records(items, 'agreements', base) x loop
        outcome := parley_data.import_agreement(item.r, item.path);
        if outcome <> 'unchanged' then
            touched := touched || item.k;
            added := added + (outcome = 'new')::integer;
            changed := changed + (outcome = 'changed')::integer;
        end if;
    end loop;
    -- How they relate, once all of them are there.
    for item in select * from parley_data.import_records(items, 'agreements', base) x
                 where x.k = any (touched) loop
        for sub in select * from parley_data.import_elements(item.r, 'related') loop
            continue when exists (
                select 1 from parley_data.agreement_relations ar
                  join parley_data.agreements a on a.id = ar.agreement_id
                  join parley_data.agreements o on o.id = ar.related_id
                 where a.code = item.r ->> 'code' and o.code = sub.e ->> 'agreement'
                   and ar.relation::text = sub.e ->> 'relation');
            perform parley_data.import_call(
                'select parley.relate_agreements(agreement => $1, relation => $2::parley.agreement_relation, related => $3,
                     note => $4, source => $5)',
                array[item.r ->> 'code', sub.e ->> 'relation', sub.e ->> 'agreement', sub.e ->> 'note', sub.e ->> 'source'],
                format('%srelated[%s].', item.path, sub.k), item.path, format('{"related": "related[%s].agreement"}', sub.k)::jsonb);
        end loop;
    end loop;
    for item in select * from parley_data.import_records(items, 'agreements', base) x
                 where x.k = any (touched) loop
        perform parley_data.import_agreement_verify(item.r, item.path);
    end loop;
    return jsonb_build_object('agreements', parley_data.import_counts(jsonb_array_length(items), added, changed));
end
$$;
comment on function parley_data.import_agreements(jsonb, integer) is
    'Import: the agreements of a document, each recorded through the recording functions (parley.add_agreement, sign_agreement, enter_into_force, renew_agreement, claim_term, suspend_agreement, resume_agreement, withdraw_from_agreement, end_agreement, relate_agreements) in date order; an agreement recorded as the document gives it is left alone. Returns {new, changed, unchanged}.';

-- Provisions and implementation scores ---------------------------------------------------------------------------------

-- The commitments of a document that name an agreement become its provisions (parley.add_provision), and their
-- implementation scores are recorded (parley.override_implementation), each once. A commitment that names no
-- agreement is left as it is. Runs after the commitments are written. Returns {new, changed, unchanged} of
-- provisions.
create or replace function parley_data.import_provisions(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    item record;
    score record;
    current_agreement text;
    current_article text;
    ref text;
    total integer := 0;
    added integer := 0;
    changed integer := 0;
begin
    for item in select * from parley_data.import_records(items, 'commitments', base) x
                 where x.r ->> 'agreement' is not null or x.r ->> 'article' is not null
                    or jsonb_typeof(x.r -> 'implementation') = 'array' loop
        ref := case when position('@' in coalesce(item.r ->> 'classification', '')) = 0
                         and (select count(*) from parley_data.commitments c
                               where c.code = item.r ->> 'code'
                                 and c.effective_classification <= parley_data.session_clearance()) > 1
                    then (item.r ->> 'code') || '@' || coalesce(item.r ->> 'classification', 'unclassified')
                    else item.r ->> 'code' end;
        if item.r ->> 'article' is not null and item.r ->> 'agreement' is null then
            perform parley_data.import_raise(item.path, parley_data.refused('23514', 'article', 'commitments_article_with_agreement',
                'article is given for a commitment that names no agreement', 'Give the agreement it is a provision of too.'));
        end if;
        if item.r ->> 'agreement' is not null then
            total := total + 1;
            select a.code, c.article into current_agreement, current_article
              from parley_data.commitments c left join parley_data.agreements a on a.id = c.agreement_id
             where c.id = parley_data.commitment_id(ref);
            if current_agreement is distinct from item.r ->> 'agreement'
               or current_article is distinct from nullif(btrim(item.r ->> 'article'), '') then
                if current_agreement is not null then
                    perform parley_data.import_call('select parley.remove_provision(commitment => $1)', array[ref],
                                                    item.path, item.path, '{"commitment": "code"}');
                    changed := changed + 1;
                else
                    added := added + 1;
                end if;
                perform parley_data.import_call(
                    'select parley.add_provision(agreement => $1, commitment => $2, article => $3)',
                    array[item.r ->> 'agreement', ref, item.r ->> 'article'], item.path, item.path, '{"commitment": "code"}');
            end if;
        end if;
        for score in select * from parley_data.import_elements(item.r, 'implementation') loop
            perform parley_data.import_read_one(score.e, 'commitments.implementation',
                                                format('%simplementation[%s].', item.path, score.k));
            continue when exists (
                select 1 from parley_data.implementation_overrides o
                 where o.commitment_id = parley_data.commitment_id(ref)
                   and o.score::numeric = (score.e ->> 'score')::numeric and o.as_of = (score.e ->> 'as_of')::date
                   and o.note is not distinct from nullif(btrim(score.e ->> 'note'), '')
                   and o.source_id is not distinct from parley_data.source_named(score.e ->> 'source'));
            perform parley_data.import_call(
                'select parley.override_implementation(commitment => $1, score => $2::numeric::integer, source => $3,
                     as_of => $4::date, note => $5)::text',
                array[ref, score.e ->> 'score', score.e ->> 'source', score.e ->> 'as_of', score.e ->> 'note'],
                format('%simplementation[%s].', item.path, score.k), item.path,
                format('{"commitment": "implementation[%s]"}', score.k)::jsonb);
        end loop;
    end loop;
    return jsonb_build_object('provisions', parley_data.import_counts(total, added, changed));
end
$$;
comment on function parley_data.import_provisions(jsonb, integer) is
    'Import: makes the commitments of a document that name an agreement its provisions (parley.add_provision) and records their implementation scores (parley.override_implementation), each once; returns {new, changed, unchanged} of provisions.';
