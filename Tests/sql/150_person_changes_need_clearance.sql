-- Who receives a person's alerts is decided by their e-mail, clearance and activity: a writer cleared lower than a
-- person may not change any of it, neither through update_person nor through an import.
begin;
select plan(5);

create role pc_writer login;
grant parley_writer to pc_writer;
select parley.add_person(email => 'secret.officer@mfa.example', name => 'Secret Officer', clearance => 'secret');
select parley.add_person(email => 'plain@mfa.example', name => 'Plain Officer');

set local session authorization pc_writer;
select throws_ok(
    $$select parley.update_person(person => 'secret.officer@mfa.example', email => 'attacker@evil.example')$$,
    '42501', null, 'an uncleared writer cannot redirect a secret-cleared person''s alerts');
select throws_ok(
    $$select parley.deactivate_person(person => 'secret.officer@mfa.example')$$,
    '42501', null, 'nor deactivate them');
select throws_ok(
    $$select parley.import_world('{"parley": 1, "people": [{"email": "secret.officer@mfa.example", "name": "Secret Officer", "clearance": "unclassified"}]}')$$,
    '42501', null, 'nor lower their clearance by an import');
select lives_ok(
    $$select parley.update_person(person => 'plain@mfa.example', name => 'Plain Officer (desk)')$$,
    'a person cleared no higher than the writer can be changed');
reset session authorization;

select is((select (email, active, clearance)::text from parley_data.people where name = 'Secret Officer'),
          '(secret.officer@mfa.example,t,secret)', 'the secret-cleared person is as recorded');

select * from finish();
rollback;
