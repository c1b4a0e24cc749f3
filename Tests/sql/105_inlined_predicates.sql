-- The predicates of 000002 that every CHECK of a quantity or a label and the rules ask (written again in 000017):
-- parley_data.is_finite (a quantity is a number, not NaN or ±Infinity) and parley_data.is_label (a name, a title, a
-- unit: not blank, one line, at most 300 characters) give the answers they always gave, null for null (the CHECKs
-- pass it, the rules leave it to missing()); and they are inlined into the statements that ask them. Called as
-- functions they cost 1-2 µs a row: 70,200 calls for an import of 10,000 commitments with 20,000 updates.
begin;
select plan(18);

select is(parley_data.is_finite(x.q), x.expected, format('is_finite(%s)', coalesce(x.q::text, 'null')))
  from (values ('0'::numeric, true), ('-5.5', true), ('1e100', true), ('-1e100', true), ('NaN', false),
               ('Infinity', false), ('-Infinity', false), (null, null)) x(q, expected);

select is(parley_data.is_label(x.l), x.expected, x.description)
  from (values ('Detainee exchange', true, 'is_label: a title'), ('  padded  ', true, 'is_label: blanks around a word'),
               ('', false, 'is_label: empty'), ('   ', false, 'is_label: only blanks'),
               (E'two\nlines', false, 'is_label: a line break'), (E'a\ttab', false, 'is_label: a control character'),
               (repeat('x', 300), true, 'is_label: 300 characters'), (repeat('x', 301), false, 'is_label: 301 characters'),
               (null, null, 'is_label: null is null')) x(l, expected, description);

-- Inlined: the plans compute the expressions themselves, with no call of either function left in them.
create temp table plan_lines (line text);
do $$
declare
    l text;
begin
    for l in explain (verbose, costs off)
             select parley_data.is_finite(g::numeric), parley_data.is_label(g::text) from generate_series(1, 3) g loop
        insert into plan_lines values (l);
    end loop;
end
$$;
select is((select count(*)::integer from plan_lines where line ~ 'is_finite|is_label'), 0,
          'is_finite and is_label are inlined (the plan calls neither)');

select * from finish();
rollback;
