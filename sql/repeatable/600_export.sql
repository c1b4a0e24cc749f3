-- Export of the whole world in one document (parley.export_world), the inverse of import.
set local role parley_owner;

-- Export ----------------------------------------------------------------------------------------------------------

-- A moment as a reader of that place writes it: local date and time with the UTC offset, 2025-05-16T12:30:00+03:00.
create or replace function parley_data.local_iso(at timestamptz, zone text) returns text
    language sql stable parallel safe
    return to_char(at at time zone zone, 'YYYY-MM-DD"T"HH24:MI:SS')
        || case when ((at at time zone zone) - (at at time zone 'UTC')) < interval '0' then '-' else '+' end
        || to_char(abs(extract(epoch from (at at time zone zone) - (at at time zone 'UTC')))::integer / 3600, 'FM00')
        || ':'
        || to_char(abs(extract(epoch from (at at time zone zone) - (at at time zone 'UTC')))::integer % 3600 / 60, 'FM00');
comment on function parley_data.local_iso(timestamptz, text) is
    'A moment as local date and time in a time zone with its UTC offset, e.g. 2025-05-16T12:30:00+03:00.';

-- A length of time as people write it and the import reads it: 30 days, 3 months, 1 year 6 months.
create or replace function parley_data.length_words(length interval) returns text
    language sql immutable parallel safe
    return nullif(concat_ws(' ',
        case when extract(year from length) <> 0
             then extract(year from length)::integer || case when abs(extract(year from length)) = 1 then ' year' else ' years' end end,
        case when extract(month from length) <> 0
             then extract(month from length)::integer || case when abs(extract(month from length)) = 1 then ' month' else ' months' end end,
        case when extract(day from length) <> 0
             then extract(day from length)::integer || case when abs(extract(day from length)) = 1 then ' day' else ' days' end end,
        case when length - date_trunc('day', length) <> interval '0'
             then to_char(length - date_trunc('day', length), 'HH24:MI:SS') end), '');
comment on function parley_data.length_words(interval) is
    'A length of time in words, as the document format writes it: 30 days, 3 months, 1 year 6 months.';

-- One agreement as the document writes it (docs/import-format.md, agreements): its own fields, its tracks in order,
-- its parties, its status history, its terms with the parties' claims, the parties' changes of participation and
-- how it relates to other agreements. Everything is at the agreement's level or above what the reader sees of it,
-- so a reader who sees the agreement sees all of it (relations to an agreement they may not see are left out).
create or replace function parley_data.export_agreement(a parley_data.agreements)
    returns json
    language sql stable
begin atomic
    select json_strip_nulls(json_build_object(
        'code', a.code, 'title', a.title, 'kind', a.kind,
        'tracks', (select json_agg(t.code order by l.position)
                     from parley_data.agreement_tracks l join parley_data.tracks t on t.id = l.track_id
                    where l.agreement_id = a.id),
        'timezone', a.timezone, 'signed_at', a.signed_at, 'summary', a.summary,
        'owner', (select p.email from parley_data.people p where p.id = a.owner_id),
        'source', (select s.code from parley_data.sources s where s.id = a.source_id),
        'classification', a.classification,
        'parties', (select json_agg(json_build_object('party', p.code, 'role', ap.role, 'signed_on', ap.signed_on,
                                                      'note', ap.note)
                                    order by p.code collate "C", ap.role)
                      from parley_data.agreement_parties ap join parley_data.parties p on p.id = ap.party_id
                     where ap.agreement_id = a.id),
        'history', (select json_agg(json_build_object('status', e.status, 'happened_on', e.happened_on, 'party', p.code,
                                                      'source', s.code, 'note', e.note)
                                    order by e.happened_on nulls first, e.id)
                      from parley_data.agreement_status_events e
                      left join parley_data.parties p on p.id = e.party_id
                      left join parley_data.sources s on s.id = e.source_id
                     where e.agreement_id = a.id),
        'terms', (select json_agg(json_build_object(
                             'starts_on', t.starts_on, 'ends_on', t.ends_on, 'length', parley_data.length_words(t.length),
                             'renewal', t.renewal, 'objection_notice', parley_data.length_words(t.objection_notice),
                             'agreed_on', t.agreed_on,
                             'agreed_by', (select json_agg(p.code order by p.code collate "C")
                                             from parley_data.agreement_term_parties tp
                                             join parley_data.parties p on p.id = tp.party_id
                                            where tp.agreement_id = a.id and tp.term_number = t.number),
                             'source', s.code, 'note', t.note,
                             'claims', (select json_agg(json_build_object(
                                                   'claimant', p.code, 'stated_on', c.stated_on, 'starts_on', c.starts_on,
                                                   'ends_on', c.ends_on, 'length', parley_data.length_words(c.length),
                                                   'statement', c.statement, 'source', cs.code)
                                                   order by c.stated_on, p.code collate "C", c.id)
                                          from parley_data.agreement_term_claims c
                                          join parley_data.parties p on p.id = c.claimant_id
                                          left join parley_data.sources cs on cs.id = c.source_id
                                         where c.agreement_id = a.id and c.term_number = t.number))
                             order by t.number)
                    from parley_data.agreement_terms t
                    left join parley_data.sources s on s.id = t.source_id
                   where t.agreement_id = a.id),
        'participation', (select json_agg(json_build_object(
                                     'party', p.code, 'change', x.change, 'announced_on', x.announced_on,
                                     'effective_on', x.effective_on, 'provisions_closed_as', x.provisions_closed_as,
                                     'source', s.code, 'note', x.note)
                                     order by x.effective_on, x.id)
                            from parley_data.agreement_participation x
                            join parley_data.parties p on p.id = x.party_id
                            left join parley_data.sources s on s.id = x.source_id
                           where x.agreement_id = a.id),
        'related', (select json_agg(json_build_object('relation', r.relation, 'agreement', o.code, 'note', r.note,
                                                      'source', s.code)
                                    order by r.relation, o.code collate "C")
                      from parley_data.agreement_relations r
                      join parley_data.agreements o on o.id = r.related_id
                      left join parley_data.sources s on s.id = r.source_id
                     where r.agreement_id = a.id)));
end;
comment on function parley_data.export_agreement(parley_data.agreements) is
    'One agreement as parley.export_world writes it: its fields, tracks, parties, status history, terms (with claims), participation and relations.';

-- The document is built as json (not jsonb) so that fields keep the documented order; json_strip_nulls leaves
-- out what is not set. It runs as the caller: what they are not cleared to see is not exported.
create or replace function parley.export_world()
    returns json
    language sql stable
begin atomic
    select json_strip_nulls(json_build_object(
        'parley', 1,
        'people', (select coalesce(json_agg(json_build_object(
                       'email', p.email, 'name', p.name, 'timezone', p.timezone, 'clearance', p.clearance,
                       'active', case when not p.active then false end)
                       order by lower(p.email) collate "C", p.email collate "C"), '[]')
                     from parley_data.people p),
        'parties', (select coalesce(json_agg(json_build_object('code', p.code, 'name', p.name, 'kind', p.kind)
                        order by p.code collate "C"), '[]')
                      from parley_data.parties p),
        'sources', (select coalesce(json_agg(json_build_object(
                        'code', s.code, 'title', s.title, 'publisher', s.publisher, 'url', s.url,
                        'published_on', s.published_on, 'note', s.note)
                        order by s.code collate "C"), '[]')
                      from parley_data.sources s),
        'items', (select coalesce(json_agg(json_build_object('code', i.code, 'title', i.title, 'description', i.description)
                      order by i.code collate "C"), '[]')
                    from parley_data.agenda_items i),
        'tracks', (select coalesce(json_agg(json_build_object(
                       'code', t.code, 'name', t.name, 'format', t.format, 'status', t.status, 'venue', t.venue,
                       'timezone', t.timezone, 'description', t.description, 'classification', t.classification,
                       'lead', lead.email,
                       'members', (select json_agg(json_build_object('party', p.code, 'role', m.role, 'note', m.note)
                                       order by p.code collate "C", m.role)
                                     from parley_data.track_members m join parley_data.parties p on p.id = m.party_id
                                    where m.track_id = t.id),
                       'agenda', (select json_agg(json_build_object('item', i.code, 'status', a.status,
                                                                    'status_since', a.status_since, 'note', a.note)
                                      order by i.code collate "C")
                                    from parley_data.track_agenda a join parley_data.agenda_items i on i.id = a.item_id
                                   where a.track_id = t.id))
                       order by t.code collate "C"), '[]')
                     from parley_data.tracks t
                     left join parley_data.people lead on lead.id = t.lead_id),
        'agreements', (select coalesce(json_agg(parley_data.export_agreement(a) order by a.code collate "C", a.classification), '[]')
                         from parley_data.agreements a),
        'meetings', (select coalesce(json_agg(json_build_object(
                         'code', m.code, 'track', t.code, 'title', m.title,
                         'starts_at', parley_data.local_iso(m.starts_at, t.timezone),
                         'ends_at', parley_data.local_iso(m.ends_at, t.timezone),
                         'location', m.location, 'status', m.status, 'outcome', m.outcome_summary,
                         'classification', m.classification, 'source', s.code)
                         order by m.code collate "C"), '[]')
                       from parley_data.meetings m
                       join parley_data.tracks t on t.id = m.track_id
                       left join parley_data.sources s on s.id = m.source_id),
        -- Deals are not classified themselves; one is exported with the commitments that make it up, when the caller
        -- may see one of them.
        'deals', (select coalesce(json_agg(json_build_object('code', d.code, 'title', d.title) order by d.code collate "C"), '[]')
                    from parley_data.deals d
                   where exists (select 1 from parley_data.commitments c where c.deal_id = d.id)),
        'commitments', (select coalesce(json_agg(json_build_object(
                            'code', c.code, 'track', t.code, 'item', i.code, 'meeting', m.code, 'obligor', ob.code,
                            'beneficiaries', (select json_agg(p.code order by p.code collate "C")
                                                from parley_data.commitment_beneficiaries b
                                                join parley_data.parties p on p.id = b.party_id
                                               where b.commitment_id = c.id),
                            'text', c.text, 'made_on', c.made_on, 'due_on', c.due_on,
                            'target_quantity', c.target_quantity, 'unit', c.unit, 'deal', d.code, 'owner', o.email,
                            'classification', c.classification, 'source', s.code,
                            'agreement', ag.code, 'article', c.article,
                            'updates', (select json_agg(json_build_object(
                                            'reported_on', u.reported_on, 'delivered', u.delivered_quantity,
                                            'new_status', u.new_status, 'reopen', case when u.reopen then true end,
                                            'note', u.note, 'source', us.code, 'reported_by', rp.code,
                                            'verification', u.verification, 'recorded_by', rb.email)
                                            order by u.reported_on, u.id)
                                          from parley_data.commitment_updates u
                                          left join parley_data.sources us on us.id = u.source_id
                                          left join parley_data.parties rp on rp.id = u.reported_by_party_id
                                          left join parley_data.people rb on rb.id = u.recorded_by_id
                                         where u.commitment_id = c.id),
                            'implementation', (select json_agg(json_build_object(
                                                   'score', o.score, 'as_of', o.as_of, 'note', o.note, 'source', os.code)
                                                   order by o.as_of, o.id)
                                                 from parley_data.implementation_overrides o
                                                 join parley_data.sources os on os.id = o.source_id
                                                where o.commitment_id = c.id))
                            order by c.code collate "C"), '[]')
                          from parley_data.commitments c
                          join parley_data.tracks t on t.id = c.track_id
                          join parley_data.agenda_items i on i.id = c.item_id
                          join parley_data.parties ob on ob.id = c.obligor_id
                          left join parley_data.meetings m on m.id = c.meeting_id
                          left join parley_data.deals d on d.id = c.deal_id
                          left join parley_data.people o on o.id = c.owner_id
                          left join parley_data.sources s on s.id = c.source_id
                          left join parley_data.agreements ag on ag.id = c.agreement_id),
        'positions', (select coalesce(json_agg(json_build_object(
                          'party', pa.code, 'item', i.code, 'track', t.code, 'stance', p.stance, 'stated_on', p.stated_on,
                          'statement', p.statement, 'source', s.code, 'classification', p.classification)
                          order by pa.code collate "C", i.code collate "C", t.code collate "C" nulls first, p.stated_on), '[]')
                        from parley_data.positions p
                        join parley_data.parties pa on pa.id = p.party_id
                        join parley_data.agenda_items i on i.id = p.item_id
                        left join parley_data.tracks t on t.id = p.track_id
                        left join parley_data.sources s on s.id = p.source_id),
        'figures', (select coalesce(json_agg(json_build_object(
                        'indicator', f.indicator, 'item', i.code, 'value', f.value, 'unit', f.unit, 'as_of', f.as_of,
                        'claimant', cl.code, 'source', s.code, 'confidence', f.confidence, 'note', f.note,
                        'classification', f.classification)
                        order by f.indicator collate "C", cl.code collate "C" nulls first, s.code collate "C" nulls first, f.as_of), '[]')
                      from parley_data.figures f
                      left join parley_data.agenda_items i on i.id = f.item_id
                      left join parley_data.parties cl on cl.id = f.claimant_id
                      left join parley_data.sources s on s.id = f.source_id),
        'follow_ups', (select coalesce(json_agg(json_build_object(
                           'code', coalesce(f.code, 'F' || f.id), 'assignee', a.email,
                           'due_at', parley_data.local_iso(f.due_at, a.timezone), 'note', f.note,
                           'commitment', c.code, 'meeting', m.code, 'track', t.code,
                           'done_at', parley_data.local_iso(f.done_at, a.timezone), 'done_note', f.done_note)
                           order by coalesce(f.code, 'F' || f.id) collate "C"), '[]')
                         from parley_data.follow_ups f
                         join parley_data.people a on a.id = f.assignee_id
                         left join parley_data.commitments c on c.id = f.commitment_id
                         left join parley_data.meetings m on m.id = f.meeting_id
                         left join parley_data.tracks t on t.id = f.track_id),
        'subscriptions', (select coalesce(json_agg(json_build_object(
                              'person', p.email, 'track', t.code, 'item', i.code, 'min_severity', s.min_severity)
                              order by lower(p.email) collate "C", t.code collate "C" nulls first, i.code collate "C" nulls first), '[]')
                            from parley_data.subscriptions s
                            join parley_data.people p on p.id = s.person_id
                            left join parley_data.tracks t on t.id = s.track_id
                            left join parley_data.agenda_items i on i.id = s.item_id)));
end;
comment on function parley.export_world() is
    'The whole world as one document in the format of parley.import_world (docs/import-format.md), agreements included, sorted by natural keys: exporting, importing into an empty database and exporting again gives the same document. Only what you are cleared to see is exported. Meeting times are given on the track''s clock, follow-up times on the assignee''s.';
