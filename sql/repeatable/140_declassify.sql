-- Declassifying: lowering a record's classification is an act of its own, never a side effect of correcting the
-- record. Only someone who may see the record (cleared at its level) may do it, with a reason, which the change
-- history keeps with the change (parley.changes shows it). What was recorded while the record was classified
-- stays at that level in the history: readers cleared lower see the record from now on, not its past.
set local role parley_owner;

-- Checks a declassification and runs `statement` (an UPDATE of the record) with the reason in the history.
create or replace function parley_data.declassify_record(what text, reference text, current_level parley.classification,
                                                         wanted parley.classification, reason text, statement text,
                                                         id bigint)
    returns void
    language plpgsql as $$
declare
    clash text;
begin
    perform parley_data.require('classification', wanted is not null);
    perform parley_data.require('reason', nullif(btrim(reason), '') is not null);
    perform parley_data.check_free_text('reason', reason, 'declassification_reason_length');
    if wanted >= current_level then
        perform parley_data.refuse('23514', 'classification', 'declassify_lowers',
            format('%s "%s" is %s: declassifying it to %s would not lower it', what, reference, current_level, wanted),
            'Give a lower classification; to raise one, change the record (raising needs no reason).');
    end if;
    perform set_config('parley.change_reason', btrim(reason), true);
    begin
        execute statement using wanted, id;
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform set_config('parley.change_reason', '', true);
        perform parley_data.refuse_level_clash('classification', clash);
    end;
    perform set_config('parley.change_reason', '', true);
end
$$;
comment on function parley_data.declassify_record(text, text, parley.classification, parley.classification, text, text, bigint) is
    'Declassification: checks the new level is lower and a reason is given, then runs the update with the reason kept in the change history.';

create or replace function parley.declassify(what text, reference text, classification parley.classification, reason text)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_id bigint;
    current_level parley.classification;
    cover record;
begin
    this_id := parley_data.classified_record_id(declassify.what, reference,
        array['track', 'meeting', 'commitment', 'deal', 'agreement'], 'declassify_what',
        'For a position or a figure use parley.declassify_position or parley.declassify_figure.');
    -- A record is never less classified than what it holds: a deal its commitments, an agreement the tracks it
    -- names.
    select h.highest, h.holds, h.rule, h.hint into cover
      from (values ('deal', (select max(c.effective_classification) from parley_data.commitments c where c.deal_id = this_id),
                    'has a commitment', 'deals_cover_commitments', 'Declassify its commitments first.'),
                   ('agreement', (select max(l.track_classification) from parley_data.agreement_tracks l
                                   where l.agreement_id = this_id),
                    'belongs to a track', 'agreements_cover_tracks', 'Declassify the track first.')
           ) h(what, highest, holds, rule, hint)
     where h.what = declassify.what;
    if declassify.classification < cover.highest then
        perform parley_data.refuse('23514', 'classification', cover.rule,
            format('%s "%s" %s kept at %s: it cannot be less classified than that', declassify.what, reference,
                   cover.holds, cover.highest),
            cover.hint);
    end if;
    -- Each kind is kept in the table of its name (tracks, meetings, ...), with its own classification.
    execute format('select classification from parley_data.%I where id = $1', what || 's') into current_level using this_id;
    perform parley_data.declassify_record(what, reference, current_level, declassify.classification, reason,
        format('update parley_data.%I set classification = $1 where id = $2', what || 's'), this_id);
    return reference;
end
$$;
comment on function parley.declassify(text, text, parley.classification, text) is
    'Lowers the classification of a track, meeting, commitment, deal or agreement (not below its tracks; its provisions come down with it unless classified higher themselves), with a reason the change history keeps: declassify(what => ''commitment'', reference => ''ist-r3-swap'', classification => ''unclassified'', reason => ''Released by the MFA, 3 June''). Its past stays at the level it had. Returns the reference.';

create or replace function parley.declassify_position(
    party text, item text, stated_on date, classification parley.classification, reason text, track text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_party constant bigint := parley_data.party_id(declassify_position.party);
    this_item constant bigint := parley_data.item_id(declassify_position.item);
    this_track bigint;
    existing parley_data.positions;
begin
    if declassify_position.track is not null then
        this_track := parley_data.track_id(declassify_position.track);
    end if;
    perform parley_data.require('stated_on', declassify_position.stated_on is not null);
    existing := parley_data.position_for_change(this_party, this_item, this_track, declassify_position.stated_on, null);
    if existing.id is null then
        perform parley_data.refuse('23503', 'stated_on', 'position_exists',
            format('no position of %s on %s stated on %s', declassify_position.party, declassify_position.item,
                   declassify_position.stated_on),
            'Check the party, item, track and date (parley.positions lists them).');
    end if;
    perform parley_data.declassify_record('position', format('%s/%s/%s', declassify_position.party,
                                                             declassify_position.item, declassify_position.stated_on),
        existing.classification, declassify_position.classification, reason,
        'update parley_data.positions set classification = $1 where id = $2', existing.id);
    return existing.id;
end
$$;
comment on function parley.declassify_position(text, text, date, parley.classification, text, text) is
    'Lowers the classification of the position a party stated on an item on a day (on a track, if given), with a reason the change history keeps. Returns its id.';

create or replace function parley.declassify_figure(
    indicator text, as_of date, classification parley.classification, reason text, claimant text default null,
    source text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_claimant bigint;
    this_source bigint;
    existing parley_data.figures;
begin
    if declassify_figure.claimant is not null then
        this_claimant := parley_data.party_id(declassify_figure.claimant, 'claimant');
    end if;
    this_source := parley_data.given_source_id(declassify_figure.source);
    existing := parley_data.figure_for_change(declassify_figure.indicator, declassify_figure.as_of, this_claimant,
                                              this_source, null);
    if existing.id is null then
        perform parley_data.refuse('23503', 'indicator', 'figure_exists',
            format('no figure for %s as of %s by this claimant and source', declassify_figure.indicator,
                   declassify_figure.as_of),
            'Check the indicator, date, claimant and source (parley.figures lists them).');
    end if;
    perform parley_data.declassify_record('figure', format('%s/%s', declassify_figure.indicator, declassify_figure.as_of),
        existing.classification, declassify_figure.classification, reason,
        'update parley_data.figures set classification = $1 where id = $2', existing.id);
    return existing.id;
end
$$;
comment on function parley.declassify_figure(text, date, parley.classification, text, text, text) is
    'Lowers the classification of a figure (indicator, date, claimant and source as recorded), with a reason the change history keeps. Returns its id.';
