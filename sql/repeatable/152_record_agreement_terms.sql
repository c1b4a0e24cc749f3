-- Recording terms: renewals (each a new term: its end, its length, who agreed, the source) and the parties'
-- claims about a term when they disagree on what was agreed.
set local role parley_owner;

-- The parties named in `codes`, each a party to the agreement; refuses (field) an unknown code or a party that is
-- not one of the agreement's.
create or replace function parley_data.agreement_party_ids(agreement_id bigint, reference text, codes text[],
                                                           field text)
    returns bigint[]
    language plpgsql as $$
declare
    code text;
    this_party bigint;
    result bigint[] := '{}';
begin
    foreach code in array coalesce(codes, '{}') loop
        perform parley_data.require(field, code is not null);
        this_party := parley_data.party_id(code, field);
        if not exists (select 1 from parley_data.agreement_parties p
                        where p.agreement_id = agreement_party_ids.agreement_id and p.party_id = this_party) then
            perform parley_data.refuse('23503', field, 'agreement_party_exists',
                format('party "%s" given as %s is not a party to agreement "%s"', code, field, reference),
                'Record it first with parley.sign_agreement or parley.add_agreement_party.');
        end if;
        if not this_party = any (result) then
            result := result || this_party;
        end if;
    end loop;
    return result;
end
$$;
comment on function parley_data.agreement_party_ids(bigint, text, text[], text) is
    'The ids of parties named by code, each of which must be a party to the agreement; refuses (23503) otherwise.';

create or replace function parley.renew_agreement(
    agreement text, ends_on date default null, term_length interval default null, agreed_by text[] default null,
    agreed_on date default current_date, starts_on date default null, renewal parley.renewal_kind default null,
    objection_notice interval default null, source text default null, note text default null)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(renew_agreement.agreement);
    current_term parley_data.agreement_terms;
    party_ids bigint[];
    this_source bigint;
    first_day date;
    last_day date;
    how parley.renewal_kind;
    notice interval;
begin
    perform parley_data.check_agreement_not_ended(existing, renew_agreement.agreement, 'renewed');
    if existing.status not in ('in_force', 'suspended') then
        perform parley_data.refuse('23514', 'agreement', 'agreement_renewed_in_force',
            format('agreement "%s" is %s: only an agreement that entered into force has a term to renew',
                   renew_agreement.agreement, existing.status),
            'Record its entry into force first (parley.enter_into_force); change the first term''s end with that, not with a renewal.');
    end if;
    select * into current_term from parley_data.agreement_terms t
     where t.agreement_id = existing.id order by t.number desc limit 1;
    if current_term.ends_on is null then
        perform parley_data.refuse('23514', 'agreement', 'agreement_term_has_end',
            format('term %s of agreement "%s" has no end: there is nothing to renew', current_term.number,
                   renew_agreement.agreement),
            'An open-ended agreement runs until it is ended (parley.end_agreement).');
    end if;
    if num_nonnulls(renew_agreement.ends_on, renew_agreement.term_length) = 0 then
        perform parley_data.refuse('23502', 'ends_on', 'renewal_end_given', 'ends_on or term_length is required',
            'Say how far the renewal runs: ends_on => ''2025-05-16'' or term_length => ''30 days''.');
    end if;
    if renew_agreement.term_length <= interval '0' then
        perform parley_data.refuse('23514', 'term_length', 'agreement_terms_length_positive',
            format('term_length %s is not a length of time', renew_agreement.term_length),
            'Give the renewal''s length, e.g. ''30 days''.');
    end if;
    perform parley_data.require('agreed_on', renew_agreement.agreed_on is not null);
    if renew_agreement.agreed_on < existing.in_force_on then
        perform parley_data.refuse('23514', 'agreed_on', 'renewal_agreed_in_force',
            format('agreed_on %s is before agreement "%s" entered into force (%s)', renew_agreement.agreed_on,
                   renew_agreement.agreement, existing.in_force_on),
            'Check the date the renewal was agreed.');
    end if;
    first_day := coalesce(renew_agreement.starts_on, current_term.ends_on + 1);
    if first_day <= current_term.starts_on then
        perform parley_data.refuse('23514', 'starts_on', 'renewal_after_term',
            format('starts_on %s is not after the start of term %s (%s)', first_day, current_term.number,
                   current_term.starts_on),
            'A renewal starts after the term it renews began, normally the day after it ends.');
    end if;
    last_day := coalesce(renew_agreement.ends_on, parley_data.term_last_day(first_day, renew_agreement.term_length));
    if last_day <= current_term.ends_on then
        perform parley_data.refuse('23514', 'ends_on', 'renewal_extends_term',
            format('the renewal would end on %s, not after the current term (term %s ends on %s)', last_day,
                   current_term.number, current_term.ends_on),
            'A renewal runs beyond the term it renews; to record that a party says otherwise use parley.claim_term.');
    end if;
    if last_day < first_day then
        perform parley_data.refuse('23514', 'ends_on', 'agreement_terms_ends_after_start',
            format('ends_on %s is before starts_on %s', last_day, first_day), 'Check the dates.');
    end if;
    how := coalesce(renew_agreement.renewal, current_term.renewal);
    notice := case when renew_agreement.objection_notice is not null then renew_agreement.objection_notice
                   when how = 'automatic' then current_term.objection_notice end;
    if renew_agreement.objection_notice is not null and how <> 'automatic' then
        perform parley_data.refuse('23514', 'objection_notice', 'agreement_terms_notice_when_automatic',
            'objection_notice is given for a term that is not renewed automatically',
            'Pass renewal => ''automatic'' too, or leave objection_notice out.');
    end if;
    if notice <= interval '0' then
        perform parley_data.refuse('23514', 'objection_notice', 'agreement_terms_notice_positive',
            format('objection_notice %s is not a length of time', notice), 'E.g. ''30 days''.');
    end if;
    party_ids := parley_data.agreement_party_ids(existing.id, renew_agreement.agreement, renew_agreement.agreed_by,
                                                 'agreed_by');
    this_source := parley_data.given_source_id(renew_agreement.source);
    perform parley_data.check_free_text('note', renew_agreement.note, 'agreement_terms_note_length');

    insert into parley_data.agreement_terms (agreement_id, number, starts_on, ends_on, length, renewal,
                                             objection_notice, agreed_on, note, source_id, classification)
    values (existing.id, current_term.number + 1, first_day, last_day, renew_agreement.term_length, how, notice,
            renew_agreement.agreed_on, nullif(btrim(renew_agreement.note), ''), this_source, existing.classification);
    insert into parley_data.agreement_term_parties (agreement_id, term_number, party_id, classification)
    select existing.id, current_term.number + 1, p, existing.classification from unnest(party_ids) p;
    return current_term.number + 1;
end
$$;
comment on function parley.renew_agreement is
    'Records a renewal of an agreement in force (or suspended) as its next term: renew_agreement(agreement => ..., ends_on => ''2025-05-16'' or term_length => ''30 days'', agreed_by => array[''UA'', ''RU''], agreed_on => ..., starts_on (default the day after the current term ends), renewal, objection_notice (default as before), source => ..., note => ...). Refused for an agreement that has ended, or one not yet in force. Returns the new term''s number.';

create or replace function parley.claim_term(
    agreement text, claimant text, stated_on date default current_date, term integer default null,
    starts_on date default null, ends_on date default null, term_length interval default null,
    statement text default null, source text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(claim_term.agreement);
    claimant_ids bigint[];
    this_term integer;
    this_source bigint;
    last_day date := claim_term.ends_on;
    result bigint;
begin
    perform parley_data.require('claimant', claim_term.claimant is not null);
    claimant_ids := parley_data.agreement_party_ids(existing.id, claim_term.agreement, array[claim_term.claimant],
                                                    'claimant');
    perform parley_data.require('stated_on', claim_term.stated_on is not null);
    if claim_term.term is null then
        select max(t.number) into this_term from parley_data.agreement_terms t where t.agreement_id = existing.id;
    elsif exists (select 1 from parley_data.agreement_terms t
                   where t.agreement_id = existing.id and t.number = claim_term.term) then
        this_term := claim_term.term;
    else
        perform parley_data.refuse('23503', 'term', 'agreement_term_exists',
            format('agreement "%s" has no term %s', claim_term.agreement, claim_term.term),
            'parley.agreement_terms lists its terms; leave term out for the current one.');
    end if;
    if num_nonnulls(claim_term.starts_on, claim_term.ends_on, claim_term.term_length) = 0 then
        perform parley_data.refuse('23502', 'ends_on', 'agreement_term_claims_says_something',
            'a claim must say something about the term: starts_on, ends_on or term_length',
            'E.g. ends_on => ''2025-04-16'' with the statement and its source.');
    end if;
    if claim_term.term_length <= interval '0' then
        perform parley_data.refuse('23514', 'term_length', 'agreement_term_claims_length_positive',
            format('term_length %s is not a length of time', claim_term.term_length), 'E.g. ''30 days''.');
    end if;
    if last_day is null and claim_term.starts_on is not null and claim_term.term_length is not null then
        last_day := parley_data.term_last_day(claim_term.starts_on, claim_term.term_length);
    end if;
    if last_day < claim_term.starts_on then
        perform parley_data.refuse('23514', 'ends_on', 'agreement_term_claims_ends_after_start',
            format('ends_on %s is before starts_on %s', last_day, claim_term.starts_on), 'Check the dates.');
    end if;
    perform parley_data.check_free_text('statement', claim_term.statement, 'agreement_term_claims_statement_length');
    this_source := parley_data.given_source_id(claim_term.source);
    insert into parley_data.agreement_term_claims (agreement_id, term_number, claimant_id, starts_on, ends_on, length,
                                                   statement, stated_on, source_id, classification)
    values (existing.id, this_term, claimant_ids[1], claim_term.starts_on, last_day, claim_term.term_length,
            nullif(btrim(claim_term.statement), ''), claim_term.stated_on, this_source, existing.classification)
    returning id into result;
    return result;
end
$$;
comment on function parley.claim_term is
    'Records what a party says a term is, when the parties disagree: claim_term(agreement => ..., claimant => ''UA'', stated_on => ..., term => (default the current one), starts_on, ends_on, term_length, statement => ..., source => ...). Claims that differ from each other or from the record make the term contested (parley.agreement_terms). Returns the claim''s number.';
