-- Two predicates of 000002 that the CHECKs and the rules ask about every row were called as functions instead of
-- being inlined: PostgreSQL inlines a STRICT SQL function only when its body is strict too, and both bodies join
-- comparisons with AND, which is not. An import of 10,000 commitments with 20,000 updates at M called them 70,200
-- times (about 0.1 s in all); inlined, they cost what their expressions cost. Their answers are unchanged.

set local role parley_owner;

-- A quantity that is a number: one strict comparison says what the two did. abs() of NaN is NaN and of either
-- infinity is Infinity, and neither is below Infinity (numeric sorts NaN above every number); null stays null.
-- (60,000 calls in that import: the CHECKs of commitments and updates, and bad_number.)
create or replace function parley_data.is_finite(quantity numeric) returns boolean
    language sql immutable strict parallel safe
    return abs(quantity) < 'Infinity';

-- A label (a name, a title, a unit): its body gives null for null as STRICT did (each of its three comparisons is
-- null, and so is their AND), so it need not be declared STRICT, and then it is inlined. (10,200 calls in that
-- import: bad_optional_label for each commitment's unit, the tracks' names.)
alter function parley_data.is_label(text) called on null input;
