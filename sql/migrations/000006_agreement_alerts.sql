-- The alert rules about agreements, as data like every other kind (000004): a term ending, the last day to object
-- to an automatic renewal, a term that expired with no renewal recorded, and a party (or the agreement) suspending
-- or withdrawing. A migration of its own because the kinds were added to parley.alert_kind by 000005, and
-- PostgreSQL lets a transaction use an enum value only once the transaction that added it has committed.
set local role parley_owner;

-- Lead times apply to the two reminders before a moment; the delay of the two "at once" kinds is how old an
-- announcement may be when it is recorded and still be told as news (one recorded long after the fact, when the
-- history of an agreement is entered, is not).
alter table parley_data.alert_rules drop constraint alert_rules_lead_times_where_used;
alter table parley_data.alert_rules add constraint alert_rules_lead_times_where_used check (
    (kind in ('due_soon', 'meeting_upcoming', 'term_ending', 'objection_deadline')) = (lead_times is not null));
alter table parley_data.alert_rules drop constraint alert_rules_delay_where_used;
alter table parley_data.alert_rules add constraint alert_rules_delay_where_used check (
    (kind in ('stale', 'meeting_outcome_missing', 'agreement_suspended', 'agreement_withdrawal')) = (delay is not null));

insert into parley_data.alert_rules (kind, subject_type, severity, lead_times, delay, description) values
    ('term_ending', 'agreement', 'info', '{30 days, 7 days, 1 day}', null,
     'The current term of an agreement in force ends: alerts at each lead time before the end of its last day (the agreement''s clock), unless a renewal is recorded.'),
    ('objection_deadline', 'agreement', 'warning', '{7 days, 1 day}', null,
     'A term that renews automatically unless a party objects: alerts at each lead time before the end of the last day to object.'),
    ('term_expired', 'agreement', 'warning', null, null,
     'The current term of an agreement still recorded as in force (or suspended) ended with no renewal recorded: record the renewal, or end the agreement.'),
    ('agreement_suspended', 'agreement', 'warning', null, '7 days',
     'A party suspended its participation in an agreement, or the agreement was suspended: told at once to its owner (or its first track''s lead) and the subscribers of its tracks, when recorded within delay of its announcement.'),
    ('agreement_withdrawal', 'agreement', 'critical', null, '7 days',
     'A party withdrew from an agreement: told at once to its owner (or its first track''s lead) and the subscribers of its tracks, when recorded within delay of its announcement.');

-- The first plan after this migration plans the agreements there already are.
insert into parley_data.plan_queue (subject_type) values ('all');

comment on type parley.alert_kind is
    'What an alert says: due_soon (a deadline is near), overdue (it passed; repeats), stale (no update for a while), meeting_upcoming, meeting_outcome_missing (held, no outcome recorded), follow_up_due, resolved (an overdue commitment was fulfilled), breached (an overdue commitment was recorded as breached: the chase ends); about agreements: term_ending (the current term ends soon), objection_deadline (the last day to object to an automatic renewal is near), term_expired (the term ended with no renewal recorded), agreement_suspended (a party suspended its participation, or the agreement was suspended), agreement_withdrawal (a party withdrew).';
comment on type parley.alert_subject is 'What an alert is about: a commitment, a meeting, a follow-up or an agreement.';
