-- Staff views about agreements: agreements, agreement_parties, agreement_terms and expiring_agreements (with its
-- window setting). Implementation is in 250; agreement_events, the agreements' history, is in 230 with the
-- timeline it is part of.
--
-- Days are counted on each agreement's clock (agreements.timezone): a term ends at the end of its last day there.
set local role parley_owner;

create or replace function parley_data.expiring_within_days() returns integer
    language sql stable
    return coalesce(nullif(btrim(current_setting('parley.expiring_within_days', true)), '')::integer, 60);
comment on function parley_data.expiring_within_days() is
    'How far ahead parley.expiring_agreements looks, in days: the session''s parley.expiring_within_days if set, else 60.';

-- agreements ----------------------------------------------------------------------------------------------------------

create or replace view parley.agreements with (security_invoker = true) as
select a.code,
       a.title,
       a.kind,
       a.status,
       a.status_since,
       tr.tracks,
       pa.parties,
       a.signed_on,
       a.signed_at,
       a.in_force_on                            as in_force_since,
       a.ended_on,
       term.number                              as current_term,
       term.ends_on                             as term_ends_on,
       case when a.status in ('in_force', 'suspended')
            then term.ends_on - (now() at time zone a.timezone)::date end as days_left,
       term.renewal,
       parley_data.objection_deadline(term.ends_on, term.objection_notice) as objection_deadline_on,
       term.number - 1                          as renewals,
       coalesce(cl.contested, false)            as term_contested,
       part.suspended_parties,
       part.withdrawn_parties,
       rel.related,
       coalesce(impl.provisions, 0)             as provisions,
       impl.implementation_pct,
       o.name                                   as owner,
       s.code                                   as source,
       a.timezone,
       parley_data.shown_level(a.classification) as classification,
       not parley_data.agreement_has_ended(a.status) as open
  from parley_data.agreements a
  left join parley_data.people o on o.id = a.owner_id
  left join parley_data.sources s on s.id = a.source_id
  left join lateral (
        select string_agg(t.code, ', ' order by l.position) as tracks
          from parley_data.agreement_tracks l
          join parley_data.tracks t on t.id = l.track_id
         where l.agreement_id = a.id
       ) tr on true
  left join lateral (
        select string_agg(x.party || ' (' || x.roles || ')', ', ' order by x.first_role, x.party) as parties
          from (select p.name as party, min(ap.role) as first_role,
                       string_agg(replace(ap.role::text, '_', ' ') || coalesce(', signed ' || ap.signed_on, ''), '; '
                                  order by ap.role) as roles
                  from parley_data.agreement_parties ap
                  join parley_data.parties p on p.id = ap.party_id
                 where ap.agreement_id = a.id
                 group by p.name) x
       ) pa on true
  left join lateral (
        select t.* from parley_data.agreement_terms t
         where t.agreement_id = a.id order by t.number desc limit 1
       ) term on true
  left join lateral (
        select true as contested
          from parley_data.agreement_term_claims c
         where c.agreement_id = a.id and c.term_number = term.number
           and ((c.starts_on is not null and c.starts_on is distinct from term.starts_on)
                or (c.ends_on is not null and c.ends_on is distinct from term.ends_on)
                or (c.length is not null and c.length is distinct from term.length))
         limit 1
       ) cl on true
  left join lateral (
        select string_agg(x.name, ', ' order by x.name) filter (where x.change = 'suspended') as suspended_parties,
               string_agg(x.name, ', ' order by x.name) filter (where x.change = 'withdrawn') as withdrawn_parties
          from (select distinct on (ap.party_id) p.name, ap.change
                  from parley_data.agreement_participation ap
                  join parley_data.parties p on p.id = ap.party_id
                 where ap.agreement_id = a.id
                 order by ap.party_id, ap.effective_on desc, ap.id desc) x
       ) part on true
  left join lateral (
        select string_agg(x.what, '; ' order by x.what) as related
          from (select replace(r.relation::text, '_', ' ') || ' ' || b.code as what
                  from parley_data.agreement_relations r
                  join parley_data.agreements b on b.id = r.related_id
                 where r.agreement_id = a.id
                union all
                select case r.relation when 'mirrors' then 'mirrors' when 'amends' then 'amended by'
                                       when 'supersedes' then 'superseded by' else 'implemented by' end
                       || ' ' || b.code
                  from parley_data.agreement_relations r
                  join parley_data.agreements b on b.id = r.agreement_id
                 where r.related_id = a.id) x
       ) rel on true
  left join lateral (
        select count(*) as provisions,
               round(100 * sum(x.score) / nullif(3.0 * count(x.score), 0), 1) as implementation_pct
          from parley_data.commitments c
         cross join lateral (
                select parley_data.provision_score(c.id, c.status, c.delivered_quantity, c.target_quantity,
                                                   (now() at time zone a.timezone)::date) as score) x
         where c.agreement_id = a.id
       ) impl on true
 order by a.code;

comment on view parley.agreements is
    'One row per agreement: what it is, where it stands (status and since when), its tracks, its parties and their roles, when it was signed and entered into force, its current term and how many days are left, how it renews, who suspended or withdrew, how it relates to other agreements, and how far its provisions are implemented. Only what you are cleared to see.';
select parley_data.comment_columns('parley.agreements', array[
    ['code', 'The agreement''s code; use it with the recording functions and the other agreement views.'],
    ['title', 'Its title.'],
    ['kind', 'agreement, memorandum, joint statement, exchange of letters, ceasefire arrangement, announced understanding (announced by a third party), other.'],
    ['status', 'drafted, signed, in force, suspended, expired, terminated or superseded.'],
    ['status_since', 'The day it reached its status (empty for a draft of no known day).'],
    ['tracks', 'The tracks it belongs to, its first track first (where its alerts are told).'],
    ['parties', 'Each party and its role, with the day it signed, e.g. "Ukraine (signatory, signed 2025-06-02), Türkiye (mediator)".'],
    ['signed_on', 'The day of the first signature.'],
    ['signed_at', 'Where it was signed.'],
    ['in_force_since', 'The day it entered into force.'],
    ['ended_on', 'The day it expired, was terminated or was superseded.'],
    ['current_term', 'The number of its current term: 1 for the term it was made for, one more for each renewal.'],
    ['term_ends_on', 'The last day of the current term (it ends at the end of that day on the agreement''s clock); empty: open-ended, or not yet in force.'],
    ['days_left', 'For an agreement in force or suspended: days until term_ends_on on its clock (0: it ends today; negative: the term ended with no renewal recorded).'],
    ['renewal', 'How the current term renews: by_decision (the parties must agree) or automatic (unless a party objects by objection_deadline_on).'],
    ['objection_deadline_on', 'For an automatic renewal: the last day a party may object.'],
    ['renewals', 'How many times it was renewed.'],
    ['term_contested', 'True when a party claims the current term is other than recorded (parley.agreement_terms shows the claims).'],
    ['suspended_parties', 'Parties whose participation is suspended now.'],
    ['withdrawn_parties', 'Parties that withdrew.'],
    ['related', 'How it relates to other agreements, e.g. "mirrors riyadh-us-ru; implements energy-moratorium".'],
    ['provisions', 'How many commitments are its provisions (that you may see).'],
    ['implementation_pct', 'How far its provisions are implemented today: their scores (0–3) as a share of full implementation (parley.implementation).'],
    ['owner', 'The member of staff who follows it (told of its alerts; else its first track''s lead).'],
    ['source', 'The code of the source of its text.'],
    ['timezone', 'The clock its terms are read on.'],
    ['classification', 'The level it is kept at: never below any of its tracks''.'],
    ['open', 'True until it has ended (expired, terminated or superseded): drafted, signed, in force or suspended.']]);

-- agreement_parties ---------------------------------------------------------------------------------------------------

create or replace view parley.agreement_parties with (security_invoker = true) as
select a.code                                   as agreement,
       p.code                                   as party,
       p.name                                   as party_name,
       ap.role,
       ap.signed_on,
       coalesce(last.change::text, 'takes part') as participation,
       last.effective_on                        as participation_since,
       ap.note,
       parley_data.shown_level(ap.classification) as classification
  from parley_data.agreement_parties ap
  join parley_data.agreements a on a.id = ap.agreement_id
  join parley_data.parties p on p.id = ap.party_id
  left join lateral (
        select x.change, x.effective_on from parley_data.agreement_participation x
         where x.agreement_id = ap.agreement_id and x.party_id = ap.party_id
         order by x.effective_on desc, x.id desc limit 1
       ) last on true
 order by a.code, ap.role, p.name;

comment on view parley.agreement_parties is 'Who is party to each agreement, in what role, when each signed, and whether it takes part, suspended its participation or withdrew.';
select parley_data.comment_columns('parley.agreement_parties', array[
    ['role', 'signatory, guarantor, witness, mediator or observer.'],
    ['signed_on', 'The day it signed in this role (empty: not signed).'],
    ['participation', 'takes part, suspended, resumed or withdrawn: its latest change of participation.'],
    ['participation_since', 'The day that change took effect.'],
    ['note', 'A note on its part in the agreement.'],
    ['classification', 'The agreement''s level.']]);
select parley_data.comment_columns_as('parley.implementation', 'parley.agreement_parties', 'agreement');
select parley_data.comment_columns_as('parley.members', 'parley.agreement_parties', 'party', 'party_name');

-- agreement_terms -----------------------------------------------------------------------------------------------------

create or replace view parley.agreement_terms with (security_invoker = true) as
select a.code                                   as agreement,
       t.number                                 as term,
       t.number = (select max(x.number) from parley_data.agreement_terms x where x.agreement_id = t.agreement_id)
                                                as current,
       t.starts_on,
       t.ends_on,
       t.length,
       t.renewal,
       parley_data.objection_deadline(t.ends_on, t.objection_notice) as objection_deadline_on,
       t.agreed_on,
       (select string_agg(p.name, ', ' order by p.name)
          from parley_data.agreement_term_parties tp
          join parley_data.parties p on p.id = tp.party_id
         where tp.agreement_id = t.agreement_id and tp.term_number = t.number) as agreed_by,
       s.code                                   as source,
       s.url                                    as source_url,
       t.note,
       cl.claims,
       coalesce(cl.contested, false)            as contested,
       t.recorded_by,
       t.created_at                             as recorded_at,
       parley_data.shown_level(t.classification) as classification
  from parley_data.agreement_terms t
  join parley_data.agreements a on a.id = t.agreement_id
  left join parley_data.sources s on s.id = t.source_id
  left join lateral (
        select string_agg(p.name || ': ' || concat_ws(', ', 'from ' || c.starts_on, 'to ' || c.ends_on,
                                                      'for ' || c.length)
                          || ' (stated ' || c.stated_on || coalesce(', ' || cs.title, '') || ')'
                          || coalesce(' — ' || c.statement, ''), '; ' order by c.stated_on, p.name) as claims,
               bool_or((c.starts_on is not null and c.starts_on is distinct from t.starts_on)
                       or (c.ends_on is not null and c.ends_on is distinct from t.ends_on)
                       or (c.length is not null and c.length is distinct from t.length)) as contested
          from parley_data.agreement_term_claims c
          join parley_data.parties p on p.id = c.claimant_id
          left join parley_data.sources cs on cs.id = c.source_id
         where c.agreement_id = t.agreement_id and c.term_number = t.number
       ) cl on true
 order by a.code, t.number;

comment on view parley.agreement_terms is
    'Each term of each agreement in order: the term it was made for, then each renewal, with its first and last day, length, how it renews, who agreed it and when, its source, and what parties claim about it (contested when a claim differs from the record).';
select parley_data.comment_columns('parley.agreement_terms', array[
    ['term', '1 for the term it was made for, then 2, 3, ... for each renewal.'],
    ['current', 'True for its latest term.'],
    ['starts_on', 'The first day of the term (for the first term: the day of entry into force; empty before it).'],
    ['ends_on', 'The last day of the term: it ends at the end of that day on the agreement''s clock (empty: open-ended).'],
    ['length', 'Its length, when it was given as one (e.g. 30 days).'],
    ['renewal', 'by_decision or automatic (unless a party objects by objection_deadline_on).'],
    ['agreed_on', 'For a renewal: the day it was agreed.'],
    ['agreed_by', 'For a renewal: the parties that agreed it.'],
    ['source', 'The code of the source of the term.'],
    ['note', 'A note on the term.'],
    ['claims', 'What parties say the term is, e.g. "Russia: to 2025-10-31 (stated 2025-07-21, TASS) — three months only".'],
    ['contested', 'True when a claim differs from the recorded term (its first day, last day or length), as contested figures differ.'],
    ['recorded_by', 'The login that recorded it.'],
    ['recorded_at', 'When it was recorded.']]);
select parley_data.comment_columns_as('parley.implementation', 'parley.agreement_terms', 'agreement');
select parley_data.comment_columns_as('parley.agreements', 'parley.agreement_terms', 'objection_deadline_on');
select parley_data.comment_columns_as('parley.agreement_events', 'parley.agreement_terms', 'source_url');
select parley_data.comment_columns_as('parley.agreement_parties', 'parley.agreement_terms', 'classification');

-- expiring_agreements -------------------------------------------------------------------------------------------------

create or replace view parley.expiring_agreements with (security_invoker = true) as
select a.code                                   as agreement,
       a.title,
       a.status,
       tr.tracks,
       d.what,
       t.number                                 as term,
       d.on_day,
       ((d.on_day + 1)::timestamp at time zone a.timezone) as deadline_at,
       d.on_day - (now() at time zone a.timezone)::date as days_left,
       t.renewal,
       o.name                                   as owner,
       parley_data.shown_level(a.classification) as classification
  from parley_data.agreements a
  join lateral (select x.* from parley_data.agreement_terms x
                 where x.agreement_id = a.id order by x.number desc limit 1) t on true
  -- The days of its current term that fall due, each a row: the agreement, its term, owner and tracks are looked
  -- up once for both.
  cross join lateral (
        -- A current term ending within the window, or ended already, with no renewal recorded.
        select case when t.ends_on < (now() at time zone a.timezone)::date then 'term ended, no renewal recorded'
                    else 'term ends' end        as what,
               t.ends_on                        as on_day
         where t.ends_on is not null
           and t.ends_on - (now() at time zone a.timezone)::date <= parley_data.expiring_within_days()
        union all
        -- The last day to object to an automatic renewal, ahead within the window.
        select 'last day to object to automatic renewal',
               parley_data.objection_deadline(t.ends_on, t.objection_notice)
         where t.renewal = 'automatic' and t.objection_notice is not null and t.ends_on is not null
           and parley_data.objection_deadline(t.ends_on, t.objection_notice) - (now() at time zone a.timezone)::date
               between 0 and parley_data.expiring_within_days()
       ) d
  left join parley_data.people o on o.id = a.owner_id
  left join lateral (select string_agg(k.code, ', ' order by l.position) as tracks
                       from parley_data.agreement_tracks l join parley_data.tracks k on k.id = l.track_id
                      where l.agreement_id = a.id) tr on true
 where a.status in ('in_force', 'suspended')
 order by days_left, agreement, what;

comment on view parley.expiring_agreements is
    'Agreements in force (or suspended) whose current term ends within the window (60 days; `set parley.expiring_within_days = 30` for your session) or has ended with no renewal recorded, and the last days to object to automatic renewals, soonest first.';
select parley_data.comment_columns('parley.expiring_agreements', array[
    ['status', 'in force or suspended.'],
    ['tracks', 'Its tracks, its first track first.'],
    ['what', 'term ends; term ended, no renewal recorded; or last day to object to automatic renewal.'],
    ['term', 'The number of the term concerned (the current one).'],
    ['on_day', 'The term''s last day, or the last day to object.'],
    ['deadline_at', 'The moment it passes: the end of on_day on the agreement''s clock.'],
    ['days_left', 'Days until on_day on the agreement''s clock (0: today; negative: passed).'],
    ['renewal', 'by_decision or automatic.'],
    ['owner', 'The member of staff who follows the agreement.']]);
select parley_data.comment_columns_as('parley.implementation', 'parley.expiring_agreements', 'agreement');
select parley_data.comment_columns_as('parley.agreements', 'parley.expiring_agreements', 'title');
select parley_data.comment_columns_as('parley.agreement_parties', 'parley.expiring_agreements', 'classification');
