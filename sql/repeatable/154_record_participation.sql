-- Recording suspensions, resumptions and withdrawals: of one party's participation in an agreement, or (no party
-- named) of the agreement as a whole. A withdrawal by an obligor closes its open provisions of that agreement
-- (as breached unless staff say otherwise), with the withdrawal as their evidence.
set local role parley_owner;

-- Where a party stands in an agreement: its latest change of participation (none: it takes part), and from when
-- it takes part at all (its signature, else the agreement's, else its entry into force).
create or replace function parley_data.party_participation(agreement parley_data.agreements, party_id bigint,
                                                           out change parley.participation_change,
                                                           out effective_on date, out takes_part_from date)
    language plpgsql stable as $$
begin
    select p.change, p.effective_on into change, effective_on
      from parley_data.agreement_participation p
     where p.agreement_id = agreement.id and p.party_id = party_participation.party_id
     order by p.effective_on desc, p.id desc
     limit 1;
    takes_part_from := coalesce((select min(s.signed_on) from parley_data.agreement_parties s
                                  where s.agreement_id = agreement.id and s.party_id = party_participation.party_id),
                                agreement.signed_on, agreement.in_force_on);
end
$$;
comment on function parley_data.party_participation(parley_data.agreements, bigint) is
    'A party''s latest change of participation in an agreement and its day, and the day from which it takes part (its signature, else the agreement''s, else entry into force).';

-- Checks a change of one party's participation and records it; returns its id.
create or replace function parley_data.record_participation(
    agreement parley_data.agreements, reference text, party text, change parley.participation_change,
    announced_on date, effective_on date, source text, note text, provisions_closed_as parley.commitment_status)
    returns bigint
    language plpgsql as $$
declare
    this_party bigint;
    this_source bigint;
    standing record;
    result bigint;
begin
    perform parley_data.require('party', party is not null);
    this_party := (parley_data.agreement_party_ids(agreement.id, reference, array[party], 'party'))[1];
    perform parley_data.require('announced_on', announced_on is not null);
    perform parley_data.require('effective_on', effective_on is not null);
    perform parley_data.check_free_text('note', note, 'agreement_participation_note_length');
    this_source := parley_data.given_source_id(source);
    perform parley_data.check_agreement_not_ended(agreement, reference,
        case change when 'suspended' then 'suspended by a party' when 'resumed' then 'resumed by a party'
                    else 'withdrawn from' end);
    if agreement.status in ('drafted') and agreement.signed_on is null then
        perform parley_data.refuse('23514', 'agreement', 'participation_after_signature',
            format('agreement "%s" has not been signed or entered into force: nobody takes part in it yet, so nobody can be %s',
                   reference, case change when 'withdrawn' then 'withdrawn from it' else change::text end),
            'Record its signature (parley.sign_agreement) or entry into force first; a party that walks away from a draft is a position (parley.record_position), not a withdrawal.');
    end if;
    standing := parley_data.party_participation(agreement, this_party);
    if effective_on < standing.takes_part_from then
        perform parley_data.refuse('23514', 'effective_on', 'participation_after_signature',
            format('effective_on %s is before party "%s" took part in agreement "%s" (from %s)', effective_on, party,
                   reference, standing.takes_part_from),
            'A party suspends, resumes or withdraws only after it signed (or the agreement entered into force).');
    end if;
    if effective_on < standing.effective_on then
        perform parley_data.refuse('23514', 'effective_on', 'participation_in_order',
            format('effective_on %s is before party "%s"''s last change in agreement "%s" (%s on %s)', effective_on,
                   party, reference, standing.change, standing.effective_on),
            'A party''s participation runs forward: each change is dated on or after the one before it.');
    end if;
    if standing.change = 'withdrawn' then
        perform parley_data.refuse('23514', 'party', 'participation_withdrawn',
            format('party "%s" withdrew from agreement "%s" on %s', party, reference, standing.effective_on),
            'A withdrawal is final for that party.');
    elsif change = 'suspended' and standing.change = 'suspended' then
        perform parley_data.refuse('23514', 'party', 'participation_not_suspended',
            format('party "%s" suspended its participation in agreement "%s" on %s already', party, reference,
                   standing.effective_on),
            'Record its resumption first (parley.resume_agreement).');
    elsif change = 'resumed' and standing.change is distinct from 'suspended' then
        perform parley_data.refuse('23514', 'party', 'participation_suspended',
            format('party "%s" has not suspended its participation in agreement "%s": there is nothing to resume',
                   party, reference),
            'Only a party that suspended its participation resumes it.');
    end if;
    insert into parley_data.agreement_participation (agreement_id, party_id, change, announced_on, effective_on,
                                                     provisions_closed_as, note, source_id, classification)
    values (agreement.id, this_party, change, announced_on, effective_on, provisions_closed_as, nullif(btrim(note), ''),
            this_source, agreement.classification)
    returning id into result;
    return result;
end
$$;
comment on function parley_data.record_participation is
    'Checks and records a change of one party''s participation in an agreement (suspended, resumed, withdrawn); returns its id.';

-- A suspension or a resumption (`change`): of one party's participation when a party is named, else of the whole
-- agreement (suspended, or back in force). The two differ only in what they ask of the agreement first: a party
-- suspends its participation in an agreement in force; an agreement resumes when it is suspended.
create or replace function parley_data.suspend_or_resume(
    reference text, party text, change parley.participation_change, announced_on date, effective_on date,
    source text, note text)
    returns text
    language plpgsql as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(reference);
    this_source bigint;
begin
    if party is not null then
        if change = 'suspended' and existing.status not in ('in_force', 'suspended') then
            perform parley_data.check_agreement_not_ended(existing, reference, 'suspended by a party');
            perform parley_data.refuse('23514', 'agreement', 'participation_after_signature',
                format('agreement "%s" is %s: a party suspends its participation in an agreement in force',
                       reference, existing.status),
                'Record its entry into force first (parley.enter_into_force).');
        end if;
        perform parley_data.record_participation(existing, reference, party, change, announced_on,
                                                 coalesce(effective_on, announced_on), source, note, null);
    else
        this_source := parley_data.given_source_id(source);
        perform parley_data.require('announced_on', announced_on is not null);
        if change = 'resumed' and existing.status <> 'suspended' then
            perform parley_data.check_agreement_not_ended(existing, reference, 'resumed');
            perform parley_data.refuse('23514', 'agreement', 'agreement_status_transition',
                format('agreement "%s" is %s, not suspended: there is nothing to resume', reference,
                       replace(existing.status::text, '_', ' ')),
                'To resume one party''s participation, name the party.');
        end if;
        perform parley_data.record_agreement_status(existing, reference,
            case change when 'suspended' then 'suspended' else 'in_force' end::parley.agreement_status,
            coalesce(effective_on, announced_on), 'agreement', 'effective_on', null, this_source, note);
    end if;
    return reference;
end
$$;
comment on function parley_data.suspend_or_resume(text, text, parley.participation_change, date, date, text, text) is
    'Records a suspension or resumption of one party''s participation in an agreement (party given) or of the whole agreement; returns the agreement''s code.';

create or replace function parley.suspend_agreement(
    agreement text, party text default null, announced_on date default current_date, effective_on date default null,
    source text default null, note text default null)
    returns text
    language sql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return parley_data.suspend_or_resume(agreement, party, 'suspended', announced_on, effective_on, source, note);
comment on function parley.suspend_agreement is
    'Records a suspension: of one party''s participation (party => ''RU'') or, with no party, of the whole agreement (in force → suspended): suspend_agreement(agreement => ..., party => ..., announced_on => ..., effective_on => (default the day announced), source => ..., note => ...). The track''s subscribers are told at once. Returns the agreement''s code.';

create or replace function parley.resume_agreement(
    agreement text, party text default null, announced_on date default current_date, effective_on date default null,
    source text default null, note text default null)
    returns text
    language sql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return parley_data.suspend_or_resume(agreement, party, 'resumed', announced_on, effective_on, source, note);
comment on function parley.resume_agreement is
    'Records a resumption: of one party''s suspended participation (party => ''RU''), or with no party of a suspended agreement (back in force): resume_agreement(agreement => ..., party => ..., announced_on => ..., effective_on => ..., source => ..., note => ...). Returns the agreement''s code.';

create or replace function parley.withdraw_from_agreement(
    agreement text, party text, announced_on date default current_date, effective_on date default null,
    provisions parley.commitment_status default 'breached', source text default null, note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(withdraw_from_agreement.agreement);
    withdrawal_id bigint;
    withdrawal parley_data.agreement_participation;
begin
    if parley_data.commitment_is_live(withdraw_from_agreement.provisions) then
        perform parley_data.refuse('23514', 'provisions', 'agreement_participation_closed_status',
            format('provisions %s is not a status that closes a commitment', withdraw_from_agreement.provisions),
            'Give breached (the default), withdrawn or superseded, or null to leave the party''s provisions open.');
    end if;
    withdrawal_id := parley_data.record_participation(existing, withdraw_from_agreement.agreement,
        withdraw_from_agreement.party, 'withdrawn', withdraw_from_agreement.announced_on,
        coalesce(withdraw_from_agreement.effective_on, withdraw_from_agreement.announced_on),
        withdraw_from_agreement.source, withdraw_from_agreement.note, withdraw_from_agreement.provisions);
    select * into withdrawal from parley_data.agreement_participation p where p.id = withdrawal_id;
    -- The withdrawing party's open provisions of this agreement are closed, the withdrawal their evidence.
    insert into parley_data.commitment_updates (commitment_id, reported_on, new_status, note, source_id,
                                                reported_by_party_id, verification, effective_classification)
    select c.id, greatest(withdrawal.effective_on, c.made_on), withdrawal.provisions_closed_as,
           format('%s withdrew from agreement %s (announced %s, effective %s)%s', pa.name, existing.code,
                  withdrawal.announced_on, withdrawal.effective_on, coalesce(': ' || withdrawal.note, '')),
           withdrawal.source_id, withdrawal.party_id, 'one_party', c.effective_classification
      from parley_data.commitments c
      join parley_data.parties pa on pa.id = c.obligor_id
     where withdrawal.provisions_closed_as is not null
       and c.agreement_id = existing.id and c.obligor_id = withdrawal.party_id
       and parley_data.commitment_is_live(c.status) and c.frozen_on is null;
    return withdraw_from_agreement.agreement;
end
$$;
comment on function parley.withdraw_from_agreement is
    'Records that a party withdrew from an agreement: withdraw_from_agreement(agreement => ..., party => ''RU'', announced_on => ..., effective_on => (default the day announced), provisions => ''breached'', source => ..., note => ...). The party''s open provisions of the agreement are closed as `provisions` (breached unless you say withdrawn or superseded; null leaves them open), each with an update that cites the withdrawal. Refused before the party took part (its signature, or the agreement''s). Returns the agreement''s code.';
