-- Writes and classification (issues "classified means classified" 2 and "what a desk officer hit" 2):
--   * a record above the caller's clearance is, for every write by code or natural key, exactly a record that does
--     not exist: same SQLSTATE, same field and rule, same message and hint (but for the reference itself), and
--     nothing written — for every recording function × every clearance × a record one level above;
--   * a code taken only above the caller's clearance is free for them (codes are unique at each level), so no
--     refusal tells "this code belongs to a record I may not see" from "this code is free";
--   * a position or figure recorded by someone not cleared for the one already there is a new record of their own,
--     never an overwrite of the hidden one;
--   * nothing lowers a classification but parley.declassify, by someone who may see the record, with a reason
--     that the history keeps; what was recorded before stays at the level it had;
--   * a code that names records at two levels a cleared user may see is named with its level: code@level.
begin;
select plan(207);

\ir 100_recording_fixture.psql

-- One writer per clearance below secret, and a reader; as logins (the functions judge session_user).
create role cw_unclassified in role parley_writer;
create role cw_restricted in role parley_writer, parley_clearance_restricted;
create role cw_confidential in role parley_writer, parley_clearance_confidential;
create role cw_secret in role parley_writer, parley_clearance_secret;
create role cr_unclassified in role parley_reader;
create temporary table callers (level parley.classification primary key, login name, hidden parley.classification);
insert into callers values ('unclassified', 'cw_unclassified', 'restricted'),
                           ('restricted', 'cw_restricted', 'confidential'),
                           ('confidential', 'cw_confidential', 'secret');

-- At each level above unclassified, a record of every kind that is named by a code.
do $$
declare
    l parley.classification;
begin
    foreach l in array array['restricted', 'confidential', 'secret']::parley.classification[] loop
        perform parley.add_track(code => 'hid-track-' || l, name => 'Hidden ' || l, format => 'bilateral',
                                 classification => l);
        perform parley.add_meeting(code => 'hid-meeting-' || l, track => 'istanbul', title => 'Hidden ' || l,
                                   starts_at => '2025-07-01 10:00+00', classification => l);
        perform parley.add_deal(code => 'hid-deal-' || l, title => 'Hidden deal ' || l, classification => l);
        perform parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU',
            beneficiaries => array['UA'], text => 'Hidden ' || l, made_on => '2025-07-01', code => 'hid-commit-' || l,
            classification => l);
        perform parley.add_follow_up(assignee => 'desk@example.org', due_at => '2025-07-02 10:00+00',
                                     note => 'Hidden ' || l, commitment => 'hid-commit-' || l, code => 'hid-fu-' || l);
        -- An agreement in force with two signatories and a term, so that every write about it could succeed.
        perform parley.add_agreement(code => 'hid-agreement-' || l, title => 'Hidden ' || l, tracks => array['istanbul'],
                                     classification => l, term_length => '30 days');
        perform parley.sign_agreement('hid-agreement-' || l, 'UA', '2025-07-01');
        perform parley.sign_agreement('hid-agreement-' || l, 'RU', '2025-07-01');
        perform parley.enter_into_force('hid-agreement-' || l, '2025-07-01');
    end loop;
    perform parley.add_agreement(code => 'open-agreement', title => 'Open', tracks => array['istanbul']);
end
$$;

-- Every write that names a record by code, with <ref> where the reference goes.
create temporary table writes (kind text, template text);
insert into writes values
    ('track', $$select parley.update_track(track => <ref>, name => 'Renamed')$$),
    ('track', $$select parley.add_member(track => <ref>, party => 'TR', role => 'observer')$$),
    ('track', $$select parley.set_agenda_status(track => <ref>, item => 'children', status => 'proposed')$$),
    ('track', $$select parley.add_meeting(code => 'new-mtg', track => <ref>, title => 'T', starts_at => '2030-01-01 10:00Z')$$),
    ('track', $$select parley.add_commitment(track => <ref>, item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 't')$$),
    ('track', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2030-01-01 10:00Z', note => 'n', track => <ref>)$$),
    ('track', $$select parley.add_subscription(person => 'desk@example.org', track => <ref>)$$),
    ('track', $$select parley.remove_subscription(person => 'desk@example.org', track => <ref>)::text$$),
    ('track', $$select parley.silence(track => <ref>, until => '2030-01-01', reason => 'quiet')$$),
    ('track', $$select parley.record_position(party => 'RU', item => 'ceasefire', stance => 'supports', track => <ref>)$$),
    ('track', $$select parley.update_track(track => <ref>, classification => 'secret')$$),
    ('track', $$select parley.declassify('track', <ref>, 'unclassified', 'released')$$),
    ('meeting', $$select parley.record_meeting_outcome(meeting => <ref>, outcome => 'o')$$),
    ('meeting', $$select parley.set_meeting_status(meeting => <ref>, status => 'postponed')$$),
    ('meeting', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 't', meeting => <ref>)$$),
    ('meeting', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2030-01-01 10:00Z', note => 'n', meeting => <ref>)$$),
    ('meeting', $$select parley.declassify('meeting', <ref>, 'unclassified', 'released')$$),
    ('commit', $$select parley.record_update(commitment => <ref>, note => 'news')$$),
    ('commit', $$select parley.change_due_date(commitment => <ref>, due_on => '2030-01-01')$$),
    ('commit', $$select parley.update_commitment(commitment => <ref>, text => 'Rewritten')$$),
    ('commit', $$select parley.update_commitment(commitment => <ref>, classification => 'secret')$$),
    ('commit', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2030-01-01 10:00Z', note => 'n', commitment => <ref>)$$),
    ('commit', $$select parley.silence(commitment => <ref>, until => '2030-01-01', reason => 'quiet')$$),
    ('commit', $$select parley.declassify('commitment', <ref>, 'unclassified', 'released')$$),
    ('deal', $$select parley.declassify('deal', <ref>, 'unclassified', 'released')$$),
    ('fu', $$select parley.complete_follow_up(follow_up => <ref>)$$),
    ('track', $$select parley.rename('track', <ref>, 'renamed-x')$$),
    ('meeting', $$select parley.rename('meeting', <ref>, 'renamed-x')$$),
    ('commit', $$select parley.rename('commitment', <ref>, 'renamed-x')$$),
    ('deal', $$select parley.rename('deal', <ref>, 'renamed-x')$$),
    ('fu', $$select parley.rename('follow_up', <ref>, 'renamed-x')$$),
    ('agreement', $$select parley.update_agreement(agreement => <ref>, title => 'Renamed')$$),
    ('agreement', $$select parley.update_agreement(agreement => <ref>, classification => 'secret')$$),
    ('agreement', $$select parley.add_agreement_track(agreement => <ref>, track => 'trilateral')$$),
    ('agreement', $$select parley.add_agreement_party(agreement => <ref>, party => 'TR', role => 'mediator')$$),
    ('agreement', $$select parley.sign_agreement(agreement => <ref>, party => 'US', signed_on => '2025-07-02', role => 'guarantor')$$),
    ('agreement', $$select parley.relate_agreements(agreement => 'open-agreement', relation => 'amends', related => <ref>)$$),
    ('agreement', $$select parley.enter_into_force(agreement => <ref>, in_force_on => '2025-07-02')$$),
    ('agreement', $$select parley.renew_agreement(agreement => <ref>, term_length => '30 days', agreed_on => '2025-07-20')$$),
    ('agreement', $$select parley.claim_term(agreement => <ref>, claimant => 'RU', ends_on => '2025-08-20')::text$$),
    ('agreement', $$select parley.suspend_agreement(agreement => <ref>, party => 'RU', announced_on => '2025-07-10')$$),
    ('agreement', $$select parley.resume_agreement(agreement => <ref>, party => 'RU', announced_on => '2025-07-10')$$),
    ('agreement', $$select parley.withdraw_from_agreement(agreement => <ref>, party => 'RU', announced_on => '2025-07-10')$$),
    ('agreement', $$select parley.end_agreement(agreement => <ref>, status => 'terminated', ended_on => '2025-07-10')$$),
    ('agreement', $$select parley.add_provision(agreement => <ref>, commitment => 'pow-ru', article => '1')$$),
    ('agreement', $$select parley.declassify('agreement', <ref>, 'unclassified', 'released')$$);

-- What a write did, as the caller at `lvl`, with `ref` in place: everything a caller can observe of a refusal, the
-- reference replaced by <ref>, and whether anything was written.
create function pg_temp.observed(template text, ref text, login name) returns text
    language sql as $$
    select concat_ws(' | ', coalesce(a.state, 'accepted'), a.field, a.rule,
                     replace(a.message, ref, '<ref>'), replace(a.hint, ref, '<ref>'),
                     case when a.wrote then 'wrote' end)
      from pg_temp.attempt(replace(template, '<ref>', quote_literal(ref)), null, login) a
$$;

-- 1. A record one level above the caller is a record that does not exist (46 writes × 3 levels).
select is(pg_temp.observed(w.template, format('hid-%s-%s', w.kind, c.hidden), c.login),
          pg_temp.observed(w.template, format('nox-%s-%s', w.kind, c.hidden), c.login),
          format('%s as %s: a %s one level above is refused exactly as one that does not exist',
                 split_part(w.template, '(', 1), c.level, w.kind))
  from writes w cross join callers c
 order by c.level, w.template;

-- ... and it is refused (a control: equal because both were refused, not because both were accepted).
select ok(bool_and(pg_temp.observed(w.template, format('hid-%s-%s', w.kind, c.hidden), c.login) ~ '^2350[0-9] \| '),
          format('as %s every write naming a hidden record is refused as naming nothing (23503)', c.level))
  from writes w cross join callers c
 group by c.level;

-- 2. A code taken only above the caller's clearance is free for them: adding it succeeds, at their level, exactly
-- as adding a code nobody has taken.
select is(pg_temp.run($$select parley.add_track(code => 'hid-track-secret', name => 'Mine', format => 'bilateral')$$,
                      null, 'cw_confidential'),
          'hid-track-secret', 'a track code taken at secret is free for a writer cleared for confidential');
select is((select array_agg(classification::text order by classification) from parley_data.tracks where code = 'hid-track-secret'),
          '{unclassified,secret}', 'two tracks share the code, one at each level');
select is(pg_temp.run($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU',
                          beneficiaries => array['UA'], text => 'Mine', code => 'hid-commit-restricted')$$, null, 'cw_unclassified'),
          'hid-commit-restricted', 'a commitment code taken at restricted is free for a writer without clearance');
select is(pg_temp.run($$select parley.add_meeting(code => 'hid-meeting-secret', track => 'istanbul', title => 'Mine',
                          starts_at => '2030-01-01 10:00Z')$$, null, 'cw_restricted'),
          'hid-meeting-secret', 'so is a meeting code');
select is(pg_temp.run($$select parley.add_deal(code => 'hid-deal-confidential', title => 'Mine')$$, null, 'cw_restricted'),
          'hid-deal-confidential', 'and a deal code');
select is(pg_temp.run($$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2030-01-01 10:00Z',
                          note => 'Mine', track => 'istanbul', code => 'hid-fu-secret')$$, null, 'cw_unclassified'),
          'hid-fu-secret', 'and a follow-up code');
select is(pg_temp.run($$select parley.add_agreement(code => 'hid-agreement-restricted', title => 'Mine',
                          tracks => array['istanbul'])$$, null, 'cw_unclassified'),
          'hid-agreement-restricted', 'and an agreement code');
-- A code the caller may see is taken, as ever.
select is(pg_temp.refusal($$select parley.add_track(code => 'hid-track-restricted', name => 'Again', format => 'bilateral')$$,
                          null, 'cw_restricted'),
          '23505 code tracks_code_key', 'a code taken at a level the caller may see is taken');
select is(pg_temp.refusal($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU',
                              beneficiaries => array['UA'], text => 'Again', code => 'hid-commit-restricted')$$,
                          null, 'cw_confidential'),
          '23505 code commitments_code_key',
          'a cleared writer may not add a code they can already see at another level (no needless twins)');

-- 3. Two records with one code at levels a cleared user may see: the reference says which.
select is(pg_temp.refusal($$select parley.record_update(commitment => 'hid-commit-restricted', note => 'n')$$, null, 'cw_secret'),
          '23503 commitment commitment_unambiguous', 'a code naming two commitments the caller may see is refused as ambiguous');
select matches((pg_temp.attempt($$select parley.record_update(commitment => 'hid-commit-restricted', note => 'n')$$, null, 'cw_secret')).hint,
               'hid-commit-restricted@unclassified', 'the hint shows how to say which');
select ok(pg_temp.run($$select parley.record_update(commitment => 'hid-commit-restricted@restricted', note => 'checked')$$,
                      null, 'cw_secret') ~ '^\d+$', 'code@level names one of them');
select is((select count(*)::int from parley_data.commitment_updates u join parley_data.commitments c on c.id = u.commitment_id
            where c.code = 'hid-commit-restricted' and u.note = 'checked' and c.effective_classification = 'restricted'), 1,
          'the update went to the restricted one');
select ok(pg_temp.run($$select parley.record_update(commitment => 'hid-commit-restricted', note => 'mine')$$,
                      null, 'cw_unclassified') ~ '^\d+$',
          'for a writer who sees only one of them, the plain code names it');
select is(pg_temp.refusal($$select parley.record_update(commitment => 'hid-commit-restricted@topsecret', note => 'n')$$, null, 'cw_secret'),
          '23514 commitment reference_level', 'a level after @ must be a classification');
select is(pg_temp.refusal($$select parley.record_update(commitment => 'hid-commit-secret@secret', note => 'n')$$, null, 'cw_restricted'),
          '23503 commitment commitment_exists', 'naming the level of a hidden record does not reach it');

-- 4. Positions and figures by natural key: a hidden one is never overwritten.
select parley.record_position(party => 'RU', item => 'ceasefire', track => 'istanbul', stance => 'refuses',
                              statement => 'the secret line', stated_on => '2025-08-01', classification => 'secret');
select ok(pg_temp.run($$select parley.record_position(party => 'RU', item => 'ceasefire', track => 'istanbul',
                          stance => 'supports', statement => 'the public line', stated_on => '2025-08-01')$$,
                      null, 'cw_confidential') ~ '^\d+$', 'a writer not cleared for secret records the same day''s position');
select is((select array_agg(stance || '/' || classification || '/' || statement order by classification)
             from parley_data.positions p join parley_data.parties pa on pa.id = p.party_id
            where pa.code = 'RU' and p.stated_on = '2025-08-01'),
          array['supports/unclassified/the public line', 'refuses/secret/the secret line'],
          'as a position of their own: the secret one is as it was, in content and level');
select parley.add_figure(indicator => 'talks_held', value => 7, as_of => '2025-08-01', claimant => 'RU', classification => 'secret');
select ok(pg_temp.run($$select parley.add_figure(indicator => 'talks_held', value => 3, as_of => '2025-08-01',
                          claimant => 'RU', correction => true)$$, null, 'cw_restricted') ~ '^\d+$',
          'a correction by a writer not cleared for the figure there is a figure of their own');
select is((select array_agg(trim_scale(value) || '/' || classification order by classification) from parley_data.figures
            where indicator = 'talks_held'), '{3/unclassified,7/secret}', 'the secret figure is unchanged');

-- 5. Lowering is declassifying, and only that.
select is(pg_temp.refusal($$select parley.record_position(party => 'RU', item => 'ceasefire', track => 'istanbul',
                              stance => 'refuses', stated_on => '2025-08-01', classification => 'confidential')$$,
                          null, 'cw_secret'),
          '42501 classification declassify_explicitly', 'correcting a secret position as confidential is refused');
select is(pg_temp.refusal($$select parley.update_commitment(commitment => 'hid-commit-secret', classification => 'restricted')$$,
                          null, 'cw_secret'),
          '42501 classification declassify_explicitly', 'so is lowering a commitment by changing it');
select is(pg_temp.refusal($$select parley.update_track(track => 'hid-track-secret@secret', classification => 'unclassified')$$,
                          null, 'cw_secret'),
          '42501 classification declassify_explicitly', 'and lowering a track');
select ok(pg_temp.run($$select parley.record_position(party => 'RU', item => 'ceasefire', track => 'istanbul',
                          stance => 'conditional', stated_on => '2025-08-01', classification => 'secret')$$,
                      null, 'cw_secret') ~ '^\d+$', 'a cleared writer corrects the secret position at its level');
select is(pg_temp.refusal($$select parley.declassify('commitment', 'hid-commit-secret', 'unclassified', '  ')$$,
                          null, 'cw_secret'), '23502 reason reason_required', 'declassifying needs a reason');
select is(pg_temp.refusal($$select parley.declassify('commitment', 'hid-commit-restricted@restricted', 'confidential', 'why')$$,
                          null, 'cw_secret'), '23514 classification declassify_lowers', 'declassifying lowers');

-- Raising a commitment moves it, its follow-ups and their history with it; declassifying brings it down with a
-- reason, its past kept at the level it had.
select ok(pg_temp.run($$select parley.update_commitment(commitment => 'hid-commit-confidential', text => 'Seen at confidential')$$,
                      null, 'cw_confidential') is not null, 'a confidential writer changes a confidential commitment');
select is(pg_temp.run($$select parley.declassify('commitment', 'hid-commit-confidential', 'unclassified', 'Released by the ministry, 3 June')$$,
                      null, 'cw_secret'), 'hid-commit-confidential', 'a secret writer declassifies it');
select is((select effective_classification::text from parley_data.commitments where code = 'hid-commit-confidential'),
          'unclassified', 'it is kept at unclassified now');
select is((select effective_classification::text from parley_data.follow_ups where code = 'hid-fu-confidential'),
          'unclassified', 'and so is its follow-up');
set local role cr_unclassified;
select is((select count(*)::int from parley.open_commitments where code = 'hid-commit-confidential'), 1,
          'a reader without clearance sees it from now on');
select is((select array_agg(operation order by id) from parley.changes where entity = 'commitments' and code = 'hid-commit-confidential'),
          '{declassify}', 'of its history, only the declassification: what was written while it was confidential stays hidden');
select is((select reason from parley.changes where entity = 'commitments' and code = 'hid-commit-confidential'),
          'Released by the ministry, 3 June', 'with its reason');
select is((select count(*)::int from parley.commitments_as_of(now() - interval '1 hour') where code = 'hid-commit-confidential'), 0,
          'what was known an hour ago (as this reader may know it): not that commitment');
select is((select count(*)::int from parley.commitments_as_of(now()) where code = 'hid-commit-confidential'), 1,
          'what is known now: it');
reset role;
set local role cw_confidential;
select is((select count(*)::int from parley.changes where entity = 'commitments' and code = 'hid-commit-confidential'
             and operation in ('insert', 'update')), 3,
          'a reader cleared for confidential sees its past: made, changed, declassified');
reset role;

-- Raising a track moves everything on it, and hides its whole past.
select parley.add_track(code => 'to-raise', name => 'Open, then secret', format => 'bilateral');
select parley.set_agenda_status(track => 'to-raise', item => 'ceasefire', status => 'proposed');
select parley.add_commitment(track => 'to-raise', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Open promise', code => 'raise-c1');
select parley.record_update(commitment => 'raise-c1', note => 'first news');
set local role cr_unclassified;
select ok((select count(*) from parley.changes where code in ('to-raise', 'raise-c1')) >= 3, 'while open, its history is seen');
reset role;
select is(pg_temp.run($$select parley.update_track(track => 'to-raise', classification => 'confidential')$$, null, 'cw_confidential'),
          'to-raise', 'a confidential writer raises the track');
select is((select array_agg(distinct effective_classification::text) from (
             select effective_classification from parley_data.commitments c where c.code = 'raise-c1'
             union all select u.effective_classification from parley_data.commitment_updates u
                        join parley_data.commitments c on c.id = u.commitment_id where c.code = 'raise-c1'
             union all select a.effective_classification from parley_data.track_agenda a
                        join parley_data.tracks t on t.id = a.track_id where t.code = 'to-raise') x),
          '{confidential}', 'its agenda, commitments and their updates moved with it');
set local role cr_unclassified;
select is((select count(*)::int from parley.changes where code in ('to-raise', 'raise-c1', 'to-raise/ceasefire')), 0,
          'and its whole past is hidden from a reader without clearance');
reset role;
select is(pg_temp.refusal($$select parley.update_track(track => 'to-raise', classification => 'secret')$$, null, 'cw_confidential'),
          '42501 classification within_clearance', 'nobody raises above their own clearance');

-- A raise that would put two records with one code at one level is refused, naming the key, to the caller cleared
-- for that level.
-- (Twins arise only this way round: a secret writer may not add a code they can see at another level.)
select ok(pg_temp.run($$select parley.add_track(code => 'twin', name => 'Twin, secret', format => 'bilateral', classification => 'secret')$$,
                      null, 'cw_secret') = 'twin', 'a secret track "twin"');
select ok(pg_temp.run($$select parley.add_track(code => 'twin', name => 'Twin, open', format => 'bilateral')$$,
                      null, 'cw_unclassified') = 'twin', 'and an open one, by a writer who cannot see the other');
select is(pg_temp.refusal($$select parley.update_track(track => 'twin@unclassified', classification => 'secret')$$, null, 'cw_secret'),
          '23505 classification code_unique_per_level', 'raising the open one to secret is refused: the code is taken there');

-- 6. Deals are as classified as their most classified commitment.
select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'Open side', code => 'deal-open', deal => 'mixed-deal');
select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Secret side', code => 'deal-secret', deal => 'mixed-deal', classification => 'secret');
select is((select classification::text from parley_data.deals where code = 'mixed-deal'), 'secret',
          'a deal is raised when a secret commitment joins it');
set local role cr_unclassified;
select is((select deal from parley.open_commitments where code = 'deal-open'), null::text,
          'a reader without clearance sees the open commitment, not the deal');
select is((select count(*)::int from parley.changes where entity = 'deals' and code = 'mixed-deal'), 0,
          'nor the deal''s title in the history');
reset role;
-- An import by a writer without clearance that puts Russia's side into "mixed-deal" meets no hidden side: the secret
-- deal is absent for it, so the import records a deal of its own, and nothing it says names the secret side.
select is((select coalesce(a.state, 'accepted') || ': ' || concat_ws(' | ', a.result, a.message, a.hint) !~ 'deal-secret|^[^a]'
             from pg_temp.attempt($$select parley.import_world('{"commitments": [{"code": "deal-import-ru", "track": "istanbul",
          "item": "ceasefire", "obligor": "RU", "beneficiaries": ["UA"], "text": "Imported side", "made_on": "2025-06-01",
          "deal": "mixed-deal"}]}')::text$$, null, 'cw_unclassified') a), true,
          'importing a side into a deal whose secret side is hidden is accepted, and nothing it says names the secret side');
select is((select count(*)::int from parley_data.deals where code = 'mixed-deal'), 2,
          'the import recorded a deal of its own at its level (the secret one is as it was)');
select is((select d.classification::text from parley_data.commitments c join parley_data.deals d on d.id = c.deal_id
            where c.code = 'deal-import-ru'), 'unclassified', 'and the imported side joined it, not the secret one');

-- 7. Subscriptions of a person cleared above the caller are the business of those cleared as high.
select parley.add_person(email => 'cleared@example.org', name => 'Cleared Colleague', clearance => 'secret');
select is(pg_temp.refusal($$select parley.add_subscription(person => 'cleared@example.org', track => 'istanbul')$$, null, 'cw_confidential'),
          '42501 person within_clearance', 'a writer cannot subscribe a colleague cleared above them');
select ok(pg_temp.run($$select parley.add_subscription(person => 'cleared@example.org', track => 'istanbul')$$, null, 'cw_secret') ~ '^\d+$',
          'one cleared as high can');
select is(pg_temp.refusal($$select parley.remove_subscription(person => 'cleared@example.org', track => 'istanbul')$$, null, 'cw_unclassified'),
          '42501 person within_clearance', 'nor unsubscribe them');

-- ... and so is a track's lead, who receives the escalations of everything on the track, hidden commitments
-- included: replacing or removing the lead decides who stops receiving them.
select parley.add_person(email => 'plain@example.org', name => 'Plain Colleague');
select parley.add_track(code => 'led', name => 'Led', format => 'bilateral', lead => 'cleared@example.org');
select is(pg_temp.refusal($$select parley.update_track(track => 'led', lead => 'plain@example.org')$$, null, 'cw_confidential'),
          '42501 lead within_clearance', 'a writer cannot replace a track''s lead cleared above them');
select is(pg_temp.refusal($$select parley.update_track(track => 'led', lead => '')$$, null, 'cw_unclassified'),
          '42501 lead within_clearance', 'nor remove them');
select is(pg_temp.run($$select parley.update_track(track => 'led', venue => 'Geneva')$$, null, 'cw_unclassified'),
          'led', 'the rest of the track stays theirs to change');
select is(pg_temp.run($$select parley.update_track(track => 'led', lead => 'plain@example.org')$$, null, 'cw_secret'),
          'led', 'one cleared as high as the lead replaces them');
select is(pg_temp.run($$select parley.update_track(track => 'led', lead => 'cleared@example.org')$$, null, 'cw_unclassified'),
          'led', 'a lead cleared within the writer''s clearance is theirs to replace');

-- 8. Renaming ends a clash: the code@level of one of the twins gets a code of its own, the history keeps the old one,
-- and the plain code names one track again. A code taken above the renamer's clearance is as free as when adding.
select is(pg_temp.run($$select parley.rename('track', 'twin@unclassified', 'twin-open')$$, null, 'cw_secret'),
          'twin-open', 'a writer cleared for both renames the open twin');
select is(pg_temp.run($$select parley.update_track(track => 'twin', name => 'Twin, secret, renamed')$$, null, 'cw_secret'),
          'twin', 'after which the plain code names one track');
select ok(exists (select from parley.changes where entity = 'tracks' and code = 'twin-open' and change like '%twin → twin-open%'),
          'the history keeps the old code');
select is(pg_temp.refusal($$select parley.rename('track', 'twin-open', 'istanbul')$$, null, 'cw_unclassified'),
          '23505 new_code tracks_code_key', 'a code the renamer may see is taken');
select ok(pg_temp.run($$select parley.add_track(code => 'plain', name => 'Plain', format => 'bilateral')$$, null, 'cw_unclassified') = 'plain'
          and pg_temp.run($$select parley.rename('track', 'plain', 'hid-track-restricted')$$, null, 'cw_unclassified') = 'hid-track-restricted',
          'a code taken only above the renamer''s clearance is free for them');
select is(pg_temp.refusal($$select parley.rename('commitment', 'deal-open', 'C77')$$, null, 'cw_secret'),
          '23514 new_code commitments_code_reserved', 'C<number> stays reserved for commitments recorded without a code');
select is(pg_temp.refusal($$select parley.rename('party', 'RU', 'RUS')$$, null, 'cw_secret'),
          '23514 what rename_what', 'only classified records are renamed');
select matches(pg_temp.refusal($$select parley.rename('track', 'twin-open', 'twin-2')$$, null, 'cr_unclassified'),
               '^42501', 'a reader may not rename');

select * from finish();
rollback;
