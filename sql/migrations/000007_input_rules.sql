-- Input rules (issue 14): the shape of a refusal, so that a rule can say what it refuses without raising it.
--
-- Every input rule (sql/repeatable/010_refusals, 020_clearance, 030_lookups, 035_input_rules) is a function that
-- returns the refusal it makes of a value, or null when the value is fine. A recording function raises the first
-- refusal of its arguments (parley_data.refuse_if); an import evaluates the same functions over every record of a
-- document in one statement per kind of record and rule family, and raises the first refusal in document order
-- with the record's path. So a rule is written once, and both say no with the same SQLSTATE, field and rule.
set local role parley_owner;

create type parley_data.refusal as (
    state    text,  -- the SQLSTATE: 23502 missing, 23503 names nothing, 23505 taken, 23514 breaks a rule, 42501 clearance
    field    text,  -- the field the refusal is about: the error's COLUMN
    rule     text,  -- the rule's name: the error's CONSTRAINT
    message  text,  -- what is wrong, for the person who gave the value
    hint     text   -- what to do about it
);
comment on type parley_data.refusal is
    'A refusal of input, not yet raised: SQLSTATE, field, rule, message and hint. The input rules return one (or null when the value is fine); parley_data.refuse_if raises it.';
