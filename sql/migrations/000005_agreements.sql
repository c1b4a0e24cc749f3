-- Agreements: the texts the parties sign (agreements, memoranda, joint statements, exchanges of letters, ceasefire
-- arrangements, understandings announced by a third party), with the tracks they belong to, the parties and their
-- roles, the dated and sourced history of their status, their terms and renewals (and the parties' contested claims
-- about them), each party's suspension, resumption or withdrawal, how agreements relate to each other, and which
-- commitments are their provisions, with the implementation scores staff set by hand.
--
-- Classification, as for everything on a track (see 000002): an agreement is kept at one level, `classification`,
-- which is never below the level of any of its tracks (a trigger raises it when a track is raised, as a deal is
-- raised to its commitments' level); everything that belongs to it carries that level in its foreign key, ON UPDATE
-- CASCADE, and is kept in the partition of that level. A relation between two agreements is kept at the higher of
-- the two. A commitment that is a provision of an agreement is raised to the agreement's level (its
-- effective_classification counts agreement_classification too): a provision names its agreement, so a reader who
-- may not see the agreement may not see its provisions either. Codes are unique per level.
--
-- Constraints are the last line of defence; the recording functions (sql/repeatable/150–156) check the same rules
-- first and name the field that broke them.
set local role parley_owner;

-- Vocabulary --------------------------------------------------------------------------------------------------------

create type parley.agreement_kind as enum (
    'agreement', 'memorandum', 'joint_statement', 'exchange_of_letters', 'ceasefire_arrangement',
    'announced_understanding', 'other');
comment on type parley.agreement_kind is
    'What kind of text an agreement is: agreement, memorandum, joint_statement, exchange_of_letters, ceasefire_arrangement, announced_understanding (an understanding announced by a third party, such as a mediator), other.';

create type parley.agreement_status as enum (
    'drafted', 'signed', 'in_force', 'suspended', 'expired', 'terminated', 'superseded');
comment on type parley.agreement_status is
    'drafted → signed → in_force → suspended ⇄ in_force → expired / terminated / superseded. expired, terminated and superseded are final: the agreement has ended.';

create type parley.agreement_role as enum ('signatory', 'guarantor', 'witness', 'mediator', 'observer');
comment on type parley.agreement_role is
    'A party''s role in an agreement: signatory (bound by it), guarantor, witness, mediator, observer.';

create type parley.agreement_relation as enum ('mirrors', 'amends', 'supersedes', 'implements');
comment on type parley.agreement_relation is
    'How one agreement relates to another: mirrors (two texts, each signed by one side with the same mediators, that only work together), amends, supersedes, implements.';

create type parley.renewal_kind as enum ('by_decision', 'automatic');
comment on type parley.renewal_kind is
    'How a term is renewed: by_decision (the parties must agree to renew it) or automatic (it renews unless a party objects by the notice deadline).';

create type parley.participation_change as enum ('suspended', 'resumed', 'withdrawn');
comment on type parley.participation_change is 'A change in one party''s participation in an agreement.';

-- An agreement has ended once it expired, was terminated or was superseded: no renewal, suspension or withdrawal
-- any more, and its provisions are no longer chased.
create function parley_data.agreement_has_ended(status parley.agreement_status) returns boolean
    language sql immutable parallel safe
    return status in ('expired', 'terminated', 'superseded');
comment on function parley_data.agreement_has_ended(parley.agreement_status) is
    'Whether an agreement in this status has ended (expired, terminated, superseded).';

-- The last day of a term of `length` that starts on `starts_on`: a 30-day term from 18 March runs to the end of
-- 16 April (18 March is its first day), and has expired on 17 April.
create function parley_data.term_last_day(starts_on date, length interval) returns date
    language sql immutable parallel safe
    return ((starts_on + length)::date - 1);
comment on function parley_data.term_last_day(date, interval) is
    'The last day of a term of this length starting on starts_on (its first day): starts_on + length - 1 day.';

-- Allowed status changes: drafted → signed → in_force ⇄ suspended; a draft or a signed text may be abandoned
-- (terminated) or replaced (superseded) before it enters into force; only one that was in force can expire.
create table parley_data.agreement_transitions (
    from_status  parley.agreement_status not null,
    to_status    parley.agreement_status not null,
    primary key (from_status, to_status)
);
insert into parley_data.agreement_transitions (from_status, to_status) values
    ('drafted', 'signed'), ('drafted', 'in_force'), ('drafted', 'terminated'), ('drafted', 'superseded'),
    ('signed', 'in_force'), ('signed', 'terminated'), ('signed', 'superseded'),
    ('in_force', 'suspended'), ('in_force', 'expired'), ('in_force', 'terminated'), ('in_force', 'superseded'),
    ('suspended', 'in_force'), ('suspended', 'expired'), ('suspended', 'terminated'), ('suspended', 'superseded');
comment on table parley_data.agreement_transitions is
    'The status changes an agreement may make. An agreement that has ended (expired, terminated, superseded) changes no more.';

-- Roles one party cannot hold together in one agreement: a party bound by it is not a neutral mediator, witness or
-- observer, and an observer takes no part that a guarantor or mediator takes.
create table parley_data.agreement_role_conflicts (
    role              parley.agreement_role not null,
    conflicting_role  parley.agreement_role not null,
    primary key (role, conflicting_role)
);
insert into parley_data.agreement_role_conflicts (role, conflicting_role)
select r, c from (values ('signatory', 'mediator'), ('signatory', 'witness'), ('signatory', 'observer'),
                         ('observer', 'guarantor'), ('observer', 'mediator')) p(a, b)
 cross join lateral (values (a::parley.agreement_role, b::parley.agreement_role),
                            (b::parley.agreement_role, a::parley.agreement_role)) x(r, c);
comment on table parley_data.agreement_role_conflicts is
    'Pairs of roles one party may not hold in the same agreement (both ways): signatory with mediator, witness or observer; observer with guarantor or mediator.';

-- Agreements ------------------------------------------------------------------------------------------------------

create table parley_data.agreements (
    id              bigint generated always as identity,
    code            text not null,
    title           text not null,
    kind            parley.agreement_kind not null default 'agreement',
    -- Kept by the trigger on agreement_status_events (sql/repeatable/045): the latest status and since when (empty
    -- for a draft whose day is not known), and the days it was signed, entered into force and ended.
    status          parley.agreement_status not null default 'drafted',
    status_since    date,
    signed_on       date,
    in_force_on     date,
    ended_on        date,
    -- Where it was signed.
    signed_at       text,
    -- The clock its terms are read on: a term ends at the end of its last day in this time zone.
    timezone        text not null,
    summary         text,
    owner_id        bigint references parley_data.people (id),
    source_id       bigint references parley_data.sources (id),
    -- The level it is kept at: the level given, raised to cover every track it belongs to.
    classification  parley.classification not null default 'unclassified',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint agreements_code_key unique (code, classification),
    constraint agreements_code_format check (parley_data.is_code(code)),
    constraint agreements_title_format check (parley_data.is_label(title)),
    constraint agreements_signed_at_format check (parley_data.is_label(signed_at)),
    constraint agreements_summary_length check (parley_data.is_free_text(summary)),
    constraint agreements_timezone_valid foreign key (timezone) references parley_data.time_zones (name),
    constraint agreements_in_force_after_signature check (in_force_on >= signed_on),
    constraint agreements_ended_after_in_force check (ended_on >= in_force_on),
    constraint agreements_ended_when_final check ((ended_on is not null) = parley_data.agreement_has_ended(status))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreements');
create index agreements_status_idx on parley_data.agreements (status);
create index agreements_owner_idx on parley_data.agreements (owner_id);
comment on table parley_data.agreements is
    'Texts the parties sign or announce: agreements, memoranda, joint statements, exchanges of letters, ceasefire arrangements, understandings announced by a mediator. Their provisions are commitments (commitments.agreement_id).';
comment on column parley_data.agreements.classification is
    'The level the agreement is kept and shown at: never below any of its tracks'' (raised with them).';
comment on column parley_data.agreements.timezone is 'The clock its terms are read on: a term ends at the end of its last day here.';

-- The tracks an agreement belongs to (one or several); position 1 is the track its alerts are told on.
create table parley_data.agreement_tracks (
    agreement_id              bigint not null,
    track_id                  bigint not null,
    position                  smallint not null,
    agreement_classification  parley.classification not null,
    track_classification      parley.classification not null,
    effective_classification  parley.classification not null,
    created_at                timestamptz not null default now(),
    primary key (agreement_id, track_id, effective_classification),
    constraint agreement_tracks_position_key unique (agreement_id, position, effective_classification),
    constraint agreement_tracks_agreement_fkey foreign key (agreement_id, agreement_classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_tracks_track_fkey foreign key (track_id, track_classification)
        references parley_data.tracks (id, classification) on update cascade,
    constraint agreement_tracks_position_positive check (position >= 1),
    constraint agreement_tracks_effective_classification check (
        effective_classification = greatest(agreement_classification, track_classification))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.agreement_tracks');
create index agreement_tracks_track_idx on parley_data.agreement_tracks (track_id);
comment on table parley_data.agreement_tracks is
    'The tracks an agreement belongs to; position 1 is its first track, where its alerts are told. A provision of the agreement must be a commitment on one of them.';

create table parley_data.agreement_parties (
    agreement_id    bigint not null,
    party_id        bigint not null references parley_data.parties (id),
    role            parley.agreement_role not null,
    -- The day this party signed, in this role (empty: it has not signed, or does not sign).
    signed_on       date,
    note            text,
    classification  parley.classification not null,
    created_at      timestamptz not null default now(),
    primary key (agreement_id, party_id, role, classification),
    constraint agreement_parties_agreement_fkey foreign key (agreement_id, classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_parties_note_length check (parley_data.is_free_text(note))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_parties');
create index agreement_parties_party_idx on parley_data.agreement_parties (party_id);
comment on table parley_data.agreement_parties is
    'Who is party to an agreement and as what (signatory, guarantor, witness, mediator, observer), with the day each signed.';

-- The status history: every change of status, dated and sourced.
create table parley_data.agreement_status_events (
    id              bigint generated always as identity,
    agreement_id    bigint not null,
    status          parley.agreement_status not null,
    -- Empty only for a draft whose day is not known.
    happened_on     date,
    -- The party that brought it about (terminated it, announced it), when one did.
    party_id        bigint references parley_data.parties (id),
    note            text,
    source_id       bigint references parley_data.sources (id),
    recorded_by     name not null default session_user,
    classification  parley.classification not null,
    created_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint agreement_status_events_agreement_fkey foreign key (agreement_id, classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_status_events_dated check (happened_on is not null or status = 'drafted'),
    constraint agreement_status_events_note_length check (parley_data.is_free_text(note))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_status_events');
create index agreement_status_events_agreement_idx on parley_data.agreement_status_events (agreement_id, happened_on);
comment on table parley_data.agreement_status_events is
    'The dated, sourced history of an agreement''s status: drafted, signed, in force, suspended, in force again, expired, terminated or superseded.';

create table parley_data.agreement_relations (
    agreement_id              bigint not null,
    relation                  parley.agreement_relation not null,
    related_id                bigint not null,
    note                      text,
    source_id                 bigint references parley_data.sources (id),
    agreement_classification  parley.classification not null,
    related_classification    parley.classification not null,
    -- The higher of the two: a relation names both agreements.
    effective_classification  parley.classification not null,
    created_at                timestamptz not null default now(),
    primary key (agreement_id, related_id, relation, effective_classification),
    constraint agreement_relations_agreement_fkey foreign key (agreement_id, agreement_classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_relations_related_fkey foreign key (related_id, related_classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_relations_not_itself check (agreement_id <> related_id),
    constraint agreement_relations_note_length check (parley_data.is_free_text(note)),
    constraint agreement_relations_effective_classification check (
        effective_classification = greatest(agreement_classification, related_classification))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.agreement_relations');
create index agreement_relations_related_idx on parley_data.agreement_relations (related_id);
comment on table parley_data.agreement_relations is
    'How agreements relate: this agreement mirrors, amends, supersedes or implements the related one. Kept at the higher of the two levels.';

-- Terms: number 1 is the term the agreement was made for; every renewal adds the next.
create table parley_data.agreement_terms (
    agreement_id      bigint not null,
    number            integer not null,
    -- The first day (empty until the agreement enters into force, for the first term).
    starts_on         date,
    -- The last day: the term ends at the end of it, on the agreement's clock (empty: open-ended).
    ends_on           date,
    length            interval,
    renewal           parley.renewal_kind not null default 'by_decision',
    -- For an automatic renewal: how long before the end a party must object.
    objection_notice  interval,
    -- For a renewal: the day the parties agreed it.
    agreed_on         date,
    note              text,
    source_id         bigint references parley_data.sources (id),
    recorded_by       name not null default session_user,
    classification    parley.classification not null,
    created_at        timestamptz not null default now(),
    primary key (agreement_id, number, classification),
    constraint agreement_terms_agreement_fkey foreign key (agreement_id, classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_terms_number_positive check (number >= 1),
    constraint agreement_terms_ends_after_start check (ends_on >= starts_on),
    constraint agreement_terms_length_positive check (length > interval '0'),
    constraint agreement_terms_notice_when_automatic check (objection_notice is null or renewal = 'automatic'),
    constraint agreement_terms_notice_positive check (objection_notice > interval '0'),
    constraint agreement_terms_renewal_agreed check (number = 1 or agreed_on is not null),
    constraint agreement_terms_note_length check (parley_data.is_free_text(note))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_terms');
comment on table parley_data.agreement_terms is
    'Each term of an agreement: the first it was made for, then each renewal, with its first and last day, length, how it renews (by decision, or automatically unless a party objects by the notice deadline), when it was agreed, and the source.';
comment on column parley_data.agreement_terms.ends_on is 'The last day of the term: it ends at the end of this day on the agreement''s clock.';

-- Who agreed a renewal.
create table parley_data.agreement_term_parties (
    agreement_id    bigint not null,
    term_number     integer not null,
    party_id        bigint not null references parley_data.parties (id),
    classification  parley.classification not null,
    primary key (agreement_id, term_number, party_id, classification),
    constraint agreement_term_parties_term_fkey foreign key (agreement_id, term_number, classification)
        references parley_data.agreement_terms (agreement_id, number, classification) on update cascade on delete cascade
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_term_parties');
comment on table parley_data.agreement_term_parties is 'The parties that agreed a term (a renewal).';

-- What a party says was agreed about a term, when it disagrees (or agrees) with the record: contested when the
-- claims differ, as figures are.
create table parley_data.agreement_term_claims (
    id              bigint generated always as identity,
    agreement_id    bigint not null,
    term_number     integer not null,
    claimant_id     bigint not null references parley_data.parties (id),
    starts_on       date,
    ends_on         date,
    length          interval,
    statement       text,
    stated_on       date not null,
    source_id       bigint references parley_data.sources (id),
    classification  parley.classification not null,
    created_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint agreement_term_claims_term_fkey foreign key (agreement_id, term_number, classification)
        references parley_data.agreement_terms (agreement_id, number, classification) on update cascade on delete cascade,
    constraint agreement_term_claims_says_something check (num_nonnulls(starts_on, ends_on, length) > 0),
    constraint agreement_term_claims_ends_after_start check (ends_on >= starts_on),
    constraint agreement_term_claims_length_positive check (length > interval '0'),
    constraint agreement_term_claims_statement_length check (parley_data.is_free_text(statement))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_term_claims');
create index agreement_term_claims_term_idx on parley_data.agreement_term_claims (agreement_id, term_number);
comment on table parley_data.agreement_term_claims is
    'Claims by a party about what a term is (its first day, last day or length), each with its source: where the claims differ, the term is contested.';

create table parley_data.agreement_participation (
    id                    bigint generated always as identity,
    agreement_id          bigint not null,
    party_id              bigint not null references parley_data.parties (id),
    change                parley.participation_change not null,
    announced_on          date not null,
    effective_on          date not null,
    -- For a withdrawal: what the withdrawing party's open provisions became (empty: they were left as they were).
    provisions_closed_as  parley.commitment_status,
    note                  text,
    source_id             bigint references parley_data.sources (id),
    recorded_by           name not null default session_user,
    classification        parley.classification not null,
    created_at            timestamptz not null default now(),
    primary key (id, classification),
    constraint agreement_participation_agreement_fkey foreign key (agreement_id, classification)
        references parley_data.agreements (id, classification) on update cascade on delete cascade,
    constraint agreement_participation_closing_on_withdrawal check (provisions_closed_as is null or change = 'withdrawn'),
    constraint agreement_participation_closed_status check (not parley_data.commitment_is_live(provisions_closed_as)),
    constraint agreement_participation_note_length check (parley_data.is_free_text(note))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_participation');
create index agreement_participation_agreement_idx on parley_data.agreement_participation (agreement_id, party_id);
comment on table parley_data.agreement_participation is
    'A party suspending, resuming or withdrawing from an agreement: when it was announced and when it took effect, with the source.';

-- Provisions: a commitment may be a provision of an agreement, citing its article; one article may hold one
-- commitment per obligor. The agreement's track must be the commitment's (the foreign key names both), and the
-- commitment is kept at least at the agreement's level.
alter table parley_data.commitments
    add column agreement_id bigint,
    add column agreement_classification parley.classification,
    add column article text,
    add column frozen_on date;
comment on column parley_data.commitments.agreement_id is 'The agreement this commitment is a provision of.';
comment on column parley_data.commitments.article is 'The article or paragraph of the agreement it comes from, e.g. "Art. 2" or "§ 3".';
comment on column parley_data.commitments.frozen_on is
    'The day the agreement it is a provision of ended: from then on it is no longer chased and its status stands as it was for compliance (reports dated later are refused).';
alter table parley_data.commitments
    add constraint commitments_provision_on_agreement_track foreign key (agreement_id, track_id, agreement_classification)
        references parley_data.agreement_tracks (agreement_id, track_id, effective_classification) on update cascade,
    add constraint commitments_agreement_level check ((agreement_id is null) = (agreement_classification is null)),
    add constraint commitments_article_with_agreement check (article is null or agreement_id is not null),
    add constraint commitments_article_format check (parley_data.is_label(article)),
    add constraint commitments_frozen_with_agreement check (frozen_on is null or agreement_id is not null),
    add constraint commitments_one_per_obligor_in_provision
        unique (agreement_id, article, obligor_id, effective_classification);
alter table parley_data.commitments drop constraint commitments_effective_classification;
alter table parley_data.commitments add constraint commitments_effective_classification check (
    effective_classification = greatest(classification, track_classification, meeting_classification,
                                        agreement_classification));
comment on column parley_data.commitments.effective_classification is
    'The highest of the commitment''s own classification, its track''s, its meeting''s and its agreement''s: the level it is kept and shown at (its partition).';

-- Implementation scores set by hand (0 not initiated, 1 minimal, 2 intermediate, 3 full), each from a day on,
-- with its source: they override the score the rule gives from status and progress (parley_data.implementation_score).
create table parley_data.implementation_overrides (
    id                        bigint generated always as identity,
    commitment_id             bigint not null,
    score                     smallint not null,
    as_of                     date not null,
    note                      text,
    source_id                 bigint not null references parley_data.sources (id),
    recorded_by               name not null default session_user,
    effective_classification  parley.classification not null,
    created_at                timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint implementation_overrides_commitment_fkey foreign key (commitment_id, effective_classification)
        references parley_data.commitments (id, effective_classification) on update cascade on delete cascade,
    constraint implementation_overrides_score_range check (score between 0 and 3),
    constraint implementation_overrides_note_length check (parley_data.is_free_text(note))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.implementation_overrides');
create index implementation_overrides_commitment_idx on parley_data.implementation_overrides (commitment_id, as_of);
comment on table parley_data.implementation_overrides is
    'Implementation scores (0–3) staff set for a provision from a day on, with the source that justifies them; they take the place of the score worked out from status and progress.';

-- Alerting about agreements -----------------------------------------------------------------------------------------
--
-- The new kinds and the new subject are added here and used from the next migration on: PostgreSQL refuses to use an
-- enum value in the transaction that added it, and the rules of the new kinds (000006) and the planning functions
-- that name them are written after this migration has committed.
alter type parley.alert_kind add value 'term_ending';
alter type parley.alert_kind add value 'objection_deadline';
alter type parley.alert_kind add value 'term_expired';
alter type parley.alert_kind add value 'agreement_suspended';
alter type parley.alert_kind add value 'agreement_withdrawal';
alter type parley.alert_subject add value 'agreement';

alter table parley_data.plan_queue drop constraint plan_queue_subject_type;
alter table parley_data.plan_queue add constraint plan_queue_subject_type check (
    subject_type in ('commitment', 'meeting', 'follow_up', 'agreement', 'all', 'recipients'));

-- What a digest says about an agreement alert.
alter type parley.digest_entry
    add attribute agreement_code text,
    add attribute agreement_title text,
    add attribute agreement_kind text,
    add attribute agreement_status text,
    add attribute agreement_timezone text,
    add attribute agreement_parties text,
    add attribute term_number integer,
    add attribute term_ends_on date,
    add attribute term_end_at timestamptz,
    add attribute term_days_left integer,
    add attribute term_renewal text,
    add attribute objection_deadline_on date,
    add attribute agreement_event text,
    add attribute agreement_event_source text,
    add attribute agreement_event_source_url text;

-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();
