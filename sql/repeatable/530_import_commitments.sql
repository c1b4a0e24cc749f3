-- Import section: commitments with their updates, the hot path of a large import.
set local role parley_owner;

-- Commitments with their updates. The commitment a record names: among those the caller may see with its code, the
-- one of the classification it gives, else the most classified (one the caller may not see does not count: the
-- record is a new one, at the caller's level). Updates already recorded are recognised by their content, so that
-- only new ones are added. made_in_days and due_in_days give dates relative to the day of the import, for
-- demonstration data; they are resolved when the commitment is first recorded and leave an existing commitment's
-- dates as they are, so that importing again on another day changes nothing.
create or replace function parley_data.import_commitments(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    commitments jsonb;
    updates_total integer;
    updates_added integer;
begin
    perform parley_data.import_read('commitments', items, base);
    perform parley_data.import_read('commitments.updates', items, base);
    perform parley_data.import_duplicates('commitments', base, 'x.code', 'code', 'commitment "%s"');
    perform parley_data.import_duplicates('commitments', base, 'x.deal || '' by '' || x.obligor', 'deal', 'a commitment of deal %s');

    -- The rules of a document's own (checked before the relative dates are resolved below).
    perform parley_data.import_check('commitments', base, 2, $q$
        select x.ord, x.sub_ord, coalesce(
            parley_data.missing('code', x.code is not null),
            case when x.made_on is not null and x.made_in_days is not null
                 then parley_data.refused('22023', 'made_in_days', 'import_one_date', 'give made_on or made_in_days, not both',
                                          'made_in_days counts from the day of the import; made_on is a date.') end,
            case when x.due_on is not null and x.due_in_days is not null
                 then parley_data.refused('22023', 'due_in_days', 'import_one_date', 'give due_on or due_in_days, not both',
                                          'due_in_days counts from the day of the import; due_on is a date.') end)
          from pg_temp.import_commitments x$q$);
    -- What each record names, and the commitment it is already.
    perform parley_data.import_resolve('commitments',
        'id bigint, existing bigint, existing_track bigint, existing_item bigint, existing_obligor bigint, '
        || 'existing_deal text, existing_made date, existing_status parley.commitment_status, '
        || 'existing_level parley.classification, made_on date, due_on date, '
        || 'track_id bigint, track_matches integer, track_levels parley.classification[], track_classification parley.classification, '
        || 'item_id bigint, on_agenda boolean, obligor_id bigint, beneficiary_ids bigint[], unknown_beneficiary integer, '
        || 'obligor_beneficiary integer, owner_id bigint, owner_active boolean, source_id bigint, meeting_id bigint, '
        || 'meeting_matches integer, meeting_levels parley.classification[], meeting_track bigint, '
        || 'meeting_classification parley.classification, deal_side text, '
        || 'existing_agreement_level parley.classification', format($q$
        select x.ord, x.sub_ord, c.id, c.id, c.track_id, c.item_id, c.obligor_id, c.deal, c.made_on, c.status,
               c.classification,
               case when x.made_in_days is null then x.made_on else coalesce(c.made_on, current_date + x.made_in_days) end,
               case when x.due_in_days is null then x.due_on when c.id is not null then c.due_on
                    else current_date + x.due_in_days end,
               case when t.matches = 1 then t.id end, t.matches, t.levels, tl.classification,
               i.id, ag.track_id is not null,
               o.id, b.ids, b.unknown, b.obligor, p.id, p.active, s.id,
               case when m.matches = 1 then m.id end, m.matches, m.levels, ml.track_id, ml.effective_classification,
               case when x.deal is not null
                    then (select y.code from parley_data.deals d join parley_data.commitments y on y.deal_id = d.id
                           where d.code = x.deal and d.classification <= %1$L and y.effective_classification <= %1$L
                             and y.obligor_id = o.id and y.code <> x.code limit 1) end,
               c.agreement_classification
          from pg_temp.import_commitments x
          left join lateral (select y.*, d.code as deal from parley_data.commitments y
                               left join parley_data.deals d on d.id = y.deal_id
                              where y.code = x.code and y.effective_classification <= %1$L
                              order by y.classification = x.classification desc, y.effective_classification desc
                              limit 1) c on true
          left join parley_data.classified_matches('parley_data.tracks', 'classification',
                        array(select distinct track from pg_temp.import_commitments), %1$L) t on t.reference = x.track
          left join parley_data.tracks tl on tl.id = t.id and t.matches = 1
          left join parley_data.agenda_items i on i.code = x.item
          left join parley_data.track_agenda ag on ag.track_id = tl.id and ag.item_id = i.id
          left join parley_data.parties o on o.code = x.obligor
          left join lateral (select array_agg(distinct q.id) filter (where q.id is not null) as ids,
                                    min(e.ord - 1) filter (where q.id is null) as unknown,
                                    min(e.ord - 1) filter (where e.code = x.obligor) as obligor
                               from unnest(x.beneficiaries) with ordinality e(code, ord)
                               left join parley_data.parties q on q.code = e.code) b on true
          left join parley_data.people p on lower(p.email) = lower(x.owner)
          left join parley_data.sources s on s.code = x.source
          left join parley_data.classified_matches('parley_data.meetings', 'effective_classification',
                        array(select distinct meeting from pg_temp.import_commitments), %1$L) m on m.reference = x.meeting
          left join parley_data.meetings ml on ml.id = m.id and m.matches = 1$q$, mine));
    perform parley_data.import_resolve('commitments.updates',
        'source_id bigint, reported_by_id bigint, recorded_by_id bigint', $q$
        select x.ord, x.sub_ord, s.id, p.id, r.id
          from pg_temp.import_commitments_updates x
          left join parley_data.sources s on s.code = x.source
          left join parley_data.parties p on p.code = x.reported_by
          left join parley_data.people r on lower(r.email) = lower(x.recorded_by)$q$);

    -- A commitment's own values, then what it names, then the rules between them (as parley.add_commitment).
    -- The rules of parley.add_commitment, then what a document may not change.
    perform parley_data.import_check('commitments', base, 3, format($q$
        select x.ord, x.sub_ord, parley_data.bad_commitment(x.code, x.track, x.track_matches, x.track_levels, x.item,
            x.item_id is not null, x.on_agenda, x.obligor, x.obligor_id is not null, x.beneficiaries,
            x.beneficiaries[x.unknown_beneficiary + 1],
            format('beneficiaries[%%s]', coalesce(x.unknown_beneficiary, x.obligor_beneficiary)), x.text, x.made_on,
            x.due_on, x.target_quantity, x.unit, x.deal, x.deal_side, x.owner, x.owner_id is not null, x.owner_active,
            x.classification, %L, x.source, x.source_id is not null, x.meeting, x.meeting_matches, x.meeting_levels,
            x.meeting_track = x.track_id)
          from pg_temp.import_commitments x$q$, mine));
    perform parley_data.import_check('commitments', base, 4, $q$
        select x.ord, x.sub_ord, coalesce(
            -- What an import does not change about a recorded commitment.
            case when x.existing_track <> x.track_id
                 then parley_data.import_keeps('commitment', x.code, 'track',
                          (select format('"%s"', t.code) from parley_data.tracks t where t.id = x.existing_track))
                 when x.existing_item <> x.item_id
                 then parley_data.import_keeps('commitment', x.code, 'item',
                          (select format('"%s"', i.code) from parley_data.agenda_items i where i.id = x.existing_item))
                 when x.existing_obligor <> x.obligor_id
                 then parley_data.import_keeps('commitment', x.code, 'obligor',
                          (select format('"%s"', p.code) from parley_data.parties p where p.id = x.existing_obligor))
                 when x.existing is not null and x.existing_deal is distinct from x.deal
                 then parley_data.import_keeps('commitment', x.code, 'deal', coalesce(format('"%s"', x.existing_deal), '(none)'))
                 when x.existing_made <> x.made_on
                 then parley_data.import_keeps('commitment', x.code, 'made_on', x.existing_made::text) end,
            parley_data.bad_lowering('classification', x.existing_level, x.classification, format('commitment "%s"', x.code)))
          from pg_temp.import_commitments x$q$);
    -- Updates already recorded (same commitment, same content, as many times) are recognised and not added again.
    -- (Only a recorded commitment has any: the updates of new ones are left as they are, new.)
    perform parley_data.import_resolve('commitments.updates', 'existing boolean', $q$
        select x.ord, x.sub_ord, case when x.seen <= coalesce(r.n, 0) then true end
          from (select u.*, row_number() over (partition by u.ord, u.fingerprint order by u.sub_ord) as seen
                  from (select y.*, jsonb_build_array(y.reported_on, trim_scale(y.delivered), y.new_status, y.reopen,
                                                     nullif(btrim(y.note), ''), y.source_id, y.reported_by_id,
                                                     y.recorded_by_id, y.verification)::text as fingerprint
                          from pg_temp.import_commitments_updates y
                         where y.ord in (select k.ord from pg_temp.import_commitments k where k.existing is not null)) u) x
          join pg_temp.import_commitments c on c.ord = x.ord
          left join lateral (select count(*) as n from parley_data.commitment_updates z
                              where z.commitment_id = c.existing
                                and jsonb_build_array(z.reported_on, trim_scale(z.delivered_quantity), z.new_status, z.reopen,
                                                      z.note, z.source_id, z.reported_by_party_id, z.recorded_by_id,
                                                      z.verification)::text = x.fingerprint) r on c.existing is not null$q$);
    -- The new ones take effect in date order: each finds its commitment in the status the ones before it left.
    perform parley_data.import_resolve('commitments.updates', 'status_now parley.commitment_status', $q$
        select x.ord, x.sub_ord, coalesce(x.earlier[cardinality(x.earlier)], c.existing_status, 'pending')
          from (select u.*, array_agg(u.new_status) filter (where u.new_status is not null)
                                over (partition by u.ord order by u.reported_on, u.sub_ord
                                      rows between unbounded preceding and 1 preceding) as earlier
                  from pg_temp.import_commitments_updates u where u.existing is null) x
          join pg_temp.import_commitments c on c.ord = x.ord$q$);
    -- The rules of parley.record_update.
    perform parley_data.import_check('commitments.updates', base, 3, $q$
        select x.ord, x.sub_ord, parley_data.bad_update(c.code, c.made_on, x.status_now, x.reported_on, x.delivered,
            x.new_status, x.reopen, x.note, x.verification, x.source, x.source_id is not null, x.reported_by,
            x.reported_by_id is not null, x.recorded_by, x.recorded_by_id is not null)
          from pg_temp.import_commitments_updates x join pg_temp.import_commitments c on c.ord = x.ord$q$);
    perform parley_data.import_refuse_first();

    -- Deals named and not there (for the caller): created at the level of their most classified commitment here.
    insert into parley_data.deals (code, title, classification)
    select x.deal, x.deal, max(greatest(x.classification, x.track_classification, x.meeting_classification))
      from pg_temp.import_commitments x
     where x.deal is not null
       and not exists (select 1 from parley_data.deals d where d.code = x.deal and d.classification <= mine)
     group by x.deal;
    perform parley_data.import_tidy('commitments', array['unit']);
    perform parley_data.import_tidy('commitments.updates', array['note']);
    -- The deal each names, the level each is kept at, and what a new commitment is written as, with its id: one
    -- rewrite of the list's table. A new commitment is written once, as its updates leave it (what
    -- parley_data.apply_new_commitment_updates does to a commitment recorded pending, with nothing delivered, since
    -- the day it was made): delivered quantities added up, the last report's date, the status of the last update
    -- that sets one (by report date, then document order: the order their ids are given in below) and since when,
    -- reopened now if one reopens. Its history is then one insert of that state; each update's own entry says how
    -- it got there. A recorded commitment's new updates are applied to it by that trigger, as before. The new
    -- ones take the ids their table will keep, in document order (as parley_data.import_new_ids gives them).
    perform parley_data.import_resolve('commitments',
        'deal_id bigint, deal_classification parley.classification, effective_classification parley.classification, '
        || 'status parley.commitment_status, delivered_quantity numeric, last_update_on date, status_changed_on date, '
        || 'reopened_at timestamptz, id bigint', format($q$
        select n.ord, n.sub_ord, n.deal_id, n.deal_classification, n.effective_classification, n.status,
               n.delivered_quantity, n.last_update_on, n.status_changed_on, n.reopened_at,
               case when n.existing is null then nextval(%L) else n.id end
          from (select x.ord, x.sub_ord, x.existing, x.id, d.id as deal_id, d.classification as deal_classification,
                       -- A provision of an agreement is kept at least at the agreement's level (parley.add_provision).
                       greatest(x.classification, x.track_classification, x.meeting_classification,
                                x.existing_agreement_level) as effective_classification,
                       case when x.existing is null then coalesce(s.last_status, 'pending') end as status,
                       case when x.existing is null then coalesce(s.delivered, 0) end as delivered_quantity,
                       case when x.existing is null then s.last_reported_on end as last_update_on,
                       -- In its first status since the day it was made (as parley_data.set_commitment_defaults says).
                       case when x.existing is null
                            then coalesce(case when s.last_status is distinct from 'pending' then s.last_status_on end,
                                          x.made_on) end as status_changed_on,
                       case when x.existing is null and s.reopens then now() end as reopened_at
                  from pg_temp.import_commitments x
                  left join lateral (select y.id, y.classification from parley_data.deals y
                                      where y.code = x.deal and y.classification <= %L
                                      order by y.classification desc limit 1) d on true
                  left join (select u.ord, sum(u.delivered) as delivered, max(u.reported_on) as last_reported_on,
                                    (array_agg(u.new_status order by u.reported_on desc, u.sub_ord desc)
                                         filter (where u.new_status is not null))[1] as last_status,
                                    (array_agg(u.reported_on order by u.reported_on desc, u.sub_ord desc)
                                         filter (where u.new_status is not null))[1] as last_status_on,
                                    bool_or(u.reopen) as reopens
                               from pg_temp.import_commitments_updates u group by u.ord) s on s.ord = x.ord
                 order by x.ord, x.sub_ord offset 0) n$q$,
        pg_get_serial_sequence('parley_data.commitments', 'id'), mine));
    commitments := parley_data.import_write('commitments', 'parley_data.commitments', array['id'],
        array['text', 'due_on', 'target_quantity', 'unit', 'owner_id', 'classification', 'source_id', 'meeting_id',
              'meeting_classification'],
        array['code', 'track_id', 'item_id', 'obligor_id', 'deal_id', 'made_on', 'track_classification',
              'deal_classification', 'effective_classification', 'status', 'delivered_quantity', 'last_update_on',
              'status_changed_on', 'reopened_at']);

    -- Children name their commitment by the id it keeps, at the level it is now kept at.
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
    select x.id, x.obligor_id, b.party_id, x.effective_classification
      from pg_temp.import_commitments x cross join unnest(x.beneficiary_ids) b(party_id)
    on conflict do nothing;
    select count(*)::integer into updates_total from pg_temp.import_commitments_updates;
    -- The new commitments are written as their updates leave them (above): the trigger that applies recorded
    -- updates leaves them as they are, and applies the others to their recorded commitments. It is told so by a
    -- table of this session, made by this function's owner and there for this statement only.
    drop table if exists pg_temp.import_updates_applied;
    create temp table import_updates_applied () on commit drop;
    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id, reported_by_party_id,
            recorded_by_id, verification, effective_classification)
    select x.id, u.reported_on, u.delivered, u.new_status, u.reopen, u.note, u.source_id, u.reported_by_id,
           u.recorded_by_id, u.verification, x.effective_classification
      from pg_temp.import_commitments_updates u
      join pg_temp.import_commitments x on x.ord = u.ord
     where u.existing is null
     order by x.code, u.reported_on, u.sub_ord;
    get diagnostics updates_added = row_count;
    drop table pg_temp.import_updates_applied;

    -- Codes such as C17 name commitments recorded without a code by their number; keep future numbers clear of
    -- the ones this document brought in.
    perform setval(pg_get_serial_sequence('parley_data.commitments', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.commitments', 'id')::regclass), 1)))
       from (select max(substr(x.code, 2)::bigint) as n from pg_temp.import_commitments x where x.code ~ '^C[0-9]{1,18}$') m
      where m.n is not null;

    return jsonb_build_object('commitments', commitments,
                              'updates', parley_data.import_counts(updates_total, updates_added, 0));
end
$$;
