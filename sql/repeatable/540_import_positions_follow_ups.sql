-- Import sections: positions, figures, follow-ups, subscriptions.
set local role parley_owner;

-- Positions. The position a record names: the one of that party, item, track and day the caller may see, of the
-- classification it gives, else the most classified; one the caller may not see does not count (the record is a new
-- one, of the caller's own, never an overwrite of the hidden one).
create or replace function parley_data.import_positions(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('positions', items, base, 'parley_data.positions',
        key => 'concat_ws(''/'', x.party, x.item, coalesce(x.track, ''-''), x.stated_on)', key_field => 'stated_on',
        key_what => 'the position %s (party/item/track/stated_on)',
        resolved => 'party_id bigint, item_id bigint, track_id bigint, track_matches integer, track_levels parley.classification[], '
        || 'track_classification parley.classification, source_id bigint, id bigint, existing bigint, '
        || 'existing_level parley.classification',
        resolve => format($q$
        select x.ord, x.sub_ord, p.id, i.id, case when t.matches = 1 then t.id end, t.matches, t.levels,
               coalesce(tl.classification, 'unclassified'), s.id, e.id, e.id, e.classification
          from pg_temp.import_positions x
          left join parley_data.parties p on p.code = x.party
          left join parley_data.agenda_items i on i.code = x.item
          left join parley_data.classified_matches('parley_data.tracks', 'classification',
                        array(select distinct track from pg_temp.import_positions), %1$L) t on t.reference = x.track
          left join parley_data.tracks tl on tl.id = t.id and t.matches = 1
          left join parley_data.sources s on s.code = x.source
          left join lateral (select y.id, y.classification from parley_data.positions y
                              where y.party_id = p.id and y.item_id = i.id and y.track_id is not distinct from tl.id
                                and y.stated_on = x.stated_on and y.effective_classification <= %1$L
                              order by y.classification = x.classification desc, y.effective_classification desc
                              limit 1) e on true$q$, parley_data.session_clearance()),
        checks => format($q$
        select x.ord, x.sub_ord, coalesce(
            parley_data.bad_position(x.party, x.party_id is not null, x.item, x.item_id is not null, x.statement,
                x.stance, x.stated_on, x.track, x.track_matches, x.track_levels, x.source, x.source_id is not null,
                x.classification, %L),
            parley_data.bad_lowering('classification', x.existing_level, x.classification, format('position %%s', x.existing)))
          from pg_temp.import_positions x$q$, parley_data.session_clearance()),
        tidy => array['statement'],
        derived => 'effective_classification parley.classification',
        derive => $q$
        select x.ord, x.sub_ord, greatest(x.classification, x.track_classification) from pg_temp.import_positions x$q$,
        written_key => array['id'], columns => array['stance', 'statement', 'source_id', 'classification'],
        insert_only => array['party_id', 'item_id', 'track_id', 'stated_on', 'track_classification',
                             'effective_classification']);

-- Figures: found again by indicator, claimant, source and date among those the caller may see, as parley.add_figure
-- finds them.
create or replace function parley_data.import_figures(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('figures', items, base, 'parley_data.figures',
        key => 'concat_ws(''/'', x.indicator, coalesce(x.claimant, ''-''), coalesce(x.source, ''-''), x.as_of)',
        key_field => 'as_of', key_what => 'the figure %s (indicator/claimant/source/as_of)',
        resolved => 'item_id bigint, claimant_id bigint, source_id bigint, id bigint, existing bigint, '
                    || 'existing_level parley.classification',
        resolve => format($q$
        select x.ord, x.sub_ord, i.id, p.id, s.id, e.id, e.id, e.classification
          from pg_temp.import_figures x
          left join parley_data.agenda_items i on i.code = x.item
          left join parley_data.parties p on p.code = x.claimant
          left join parley_data.sources s on s.code = x.source
          left join lateral (select y.id, y.classification from parley_data.figures y
                              where y.indicator = x.indicator and y.as_of = x.as_of
                                and y.claimant_id is not distinct from p.id and y.source_id is not distinct from s.id
                                and y.classification <= %L
                              order by y.classification = x.classification desc, y.classification desc
                              limit 1) e on true$q$, parley_data.session_clearance()),
        checks => format($q$
        select x.ord, x.sub_ord, coalesce(
            parley_data.bad_figure(x.indicator, x.value, x.as_of, x.unit, x.item, x.item_id is not null, x.claimant,
                x.claimant_id is not null, x.source, x.source_id is not null, x.confidence, x.note, x.classification, %L),
            parley_data.bad_lowering('classification', x.existing_level, x.classification, format('figure %%s', x.existing)))
          from pg_temp.import_figures x$q$, parley_data.session_clearance()),
        tidy => array['unit', 'note'],
        written_key => array['id'], columns => array['item_id', 'value', 'unit', 'confidence', 'note', 'classification'],
        insert_only => array['indicator', 'as_of', 'claimant_id', 'source_id']);

-- Follow-ups, kept at the level of what they are about. due_in_days (with due_time, 17:00 unless given, on the
-- assignee's clock) is resolved when the follow-up is first recorded, like a commitment's due_in_days. A code such
-- as F12 names a follow-up recorded without a code by its number.
create or replace function parley_data.import_follow_ups(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    follow_ups jsonb;
begin
    perform parley_data.import_read('follow_ups', items, base);
    perform parley_data.import_duplicates('follow_ups', base, 'x.code', 'code', 'follow-up "%s"');
    perform parley_data.import_check('follow_ups', base, 2, $q$
        select x.ord, x.sub_ord, coalesce(
            parley_data.missing('code', x.code is not null),
            case when x.due_at is not null and x.due_in_days is not null
                 then parley_data.refused('22023', 'due_in_days', 'import_one_date', 'give due_at or due_in_days, not both',
                                          'due_in_days counts from the day of the import; due_at is a moment.') end,
            case when x.due_time is not null and (x.due_in_days is null or x.due_time !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
                 then parley_data.refused('22007', 'due_time', 'import_due_time',
                     format('due_time "%s" needs due_in_days and the form HH:MM', x.due_time),
                     'Write due_time as HH:MM on the assignee''s clock, with due_in_days, e.g. due_in_days: 2 and due_time: "09:30".') end)
          from pg_temp.import_follow_ups x$q$);
    perform parley_data.import_resolve('follow_ups',
        'id bigint, existing bigint, assignee_id bigint, assignee_active boolean, '
        || 'commitment_id bigint, meeting_id bigint, track_id bigint, subject_matches integer, '
        || 'subject_levels parley.classification[], effective_classification parley.classification', format($q$
        select x.ord, x.sub_ord, coalesce(f.id, g.id), coalesce(f.id, g.id), p.id, p.active,
               case when x.commitment is not null and s.matches = 1 then s.id end,
               case when x.meeting is not null and s.matches = 1 then s.id end,
               case when x.track is not null and s.matches = 1 then s.id end,
               s.matches, s.levels, s.levels[1]
          from pg_temp.import_follow_ups x
          left join lateral (select y.id from parley_data.follow_ups y
                              where y.code = x.code and y.effective_classification <= %1$L
                              order by y.effective_classification desc limit 1) f on true
          left join parley_data.follow_ups g
                 on f.id is null and g.code is null and g.effective_classification <= %1$L
                and g.id = case when x.code ~ '^F[0-9]{1,18}$' then substr(x.code, 2)::bigint end
          left join parley_data.people p on lower(p.email) = lower(x.assignee)
          left join (select 'commitment' as kind, m.* from parley_data.classified_matches('parley_data.commitments',
                         'effective_classification', array(select commitment from pg_temp.import_follow_ups), %1$L) m
                     union all
                     select 'meeting', m.* from parley_data.classified_matches('parley_data.meetings',
                         'effective_classification', array(select meeting from pg_temp.import_follow_ups), %1$L) m
                     union all
                     select 'track', m.* from parley_data.classified_matches('parley_data.tracks', 'classification',
                         array(select track from pg_temp.import_follow_ups), %1$L) m) s
                 on (s.kind, s.reference) = (case when x.commitment is not null then 'commitment'
                                                  when x.meeting is not null then 'meeting' else 'track' end,
                                             coalesce(x.commitment, x.meeting, x.track))$q$, mine));
    perform parley_data.import_resolve('follow_ups', 'due_at timestamptz', $q$
        select x.ord, x.sub_ord,
               case when x.due_in_days is null then x.due_at
                    else coalesce(f.due_at, ((current_date + x.due_in_days)
                                             + coalesce(substring(x.due_time from '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$'), '17:00')::time)
                                            at time zone coalesce(p.timezone, 'UTC')) end
          from pg_temp.import_follow_ups x
          left join parley_data.people p on p.id = x.assignee_id
          left join parley_data.follow_ups f on f.id = x.existing$q$);
    -- The rules of add_follow_up.
    perform parley_data.import_check('follow_ups', base, 3, $q$
        select x.ord, x.sub_ord, coalesce(
            parley_data.bad_follow_up(x.code, x.assignee, x.assignee_id is not null, x.assignee_active, x.note, x.due_at,
                num_nonnulls(x.commitment, x.meeting, x.track),
                case when num_nonnulls(x.commitment, x.meeting, x.track) = 1
                     then case when x.commitment is not null then 'commitment' when x.meeting is not null then 'meeting'
                               else 'track' end end,
                coalesce(x.commitment, x.meeting, x.track), x.subject_matches, x.subject_levels),
            parley_data.bad_free_text('done_note', x.done_note, 'follow_ups_note_length'))
          from pg_temp.import_follow_ups x$q$);
    perform parley_data.import_refuse_first();

    perform parley_data.import_tidy('follow_ups', array['done_note']);
    perform parley_data.import_new_ids('follow_ups', 'parley_data.follow_ups');
    follow_ups := parley_data.import_write('follow_ups', 'parley_data.follow_ups', array['id'],
        array['commitment_id', 'meeting_id', 'track_id', 'assignee_id', 'due_at', 'note', 'done_at', 'done_note',
              'effective_classification'],
        array['code']);
    perform setval(pg_get_serial_sequence('parley_data.follow_ups', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.follow_ups', 'id')::regclass), 1)))
       from (select max(substr(x.code, 2)::bigint) as n from pg_temp.import_follow_ups x where x.code ~ '^F[0-9]{1,18}$') m
      where m.n is not null;
    return follow_ups;
end
$$;

-- Subscriptions: found again by person, track and item.
create or replace function parley_data.import_subscriptions(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('subscriptions', items, base, 'parley_data.subscriptions',
        key => 'concat_ws(''/'', lower(x.person), coalesce(x.track, ''-''), coalesce(x.item, ''-''))',
        key_field => 'person', key_what => 'the subscription %s (person/track/item)',
        resolved => 'person_id bigint, person_active boolean, person_clearance parley.classification, track_id bigint, '
        || 'track_matches integer, track_levels parley.classification[], effective_classification parley.classification, '
        || 'item_id bigint, id bigint, existing bigint',
        resolve => format($q$
        select x.ord, x.sub_ord, p.id, p.active, p.clearance, case when t.matches = 1 then t.id end, t.matches, t.levels,
               coalesce(tl.classification, 'unclassified'), i.id, s.id, s.id
          from pg_temp.import_subscriptions x
          left join parley_data.people p on lower(p.email) = lower(x.person)
          left join parley_data.classified_matches('parley_data.tracks', 'classification',
                        array(select distinct track from pg_temp.import_subscriptions), %L) t on t.reference = x.track
          left join parley_data.tracks tl on tl.id = t.id and t.matches = 1
          left join parley_data.agenda_items i on i.code = x.item
          left join parley_data.subscriptions s
                 on s.person_id = p.id and s.track_id is not distinct from tl.id and s.item_id is not distinct from i.id$q$,
            parley_data.session_clearance()),
        checks => format($q$
        select x.ord, x.sub_ord, parley_data.bad_subscription(x.person, x.person_id is not null, x.person_active,
            x.person_clearance, %L, x.track, x.track_matches, x.track_levels, x.item, x.item_id is not null,
            x.min_severity)
          from pg_temp.import_subscriptions x$q$, parley_data.session_clearance()),
        written_key => array['id'], columns => array['min_severity'],
        insert_only => array['person_id', 'track_id', 'item_id', 'effective_classification']);
