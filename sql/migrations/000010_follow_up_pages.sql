-- Pages of open follow-ups at a million commitments (issue 15).
--
-- parley.follow_ups lists the open follow-ups soonest first (`order by due_at, id`) with the track of what each is
-- about. That track was reached through the subject, one part of the view per kind of subject, and at a million
-- commitments the part about commitments joined every commitment to its track before the first page could be
-- cut (6.7 s for 50 rows at `make bench SIZE=L`). Each follow-up now keeps its subject's track itself
-- (subject_track_id: its own track, or the track of its commitment or meeting, which never changes), written by a
-- trigger in the same statement as the follow-up (040_model_rules), so that a page is read from an index in the
-- view's order, fifty entries per level, and one track's open follow-ups from an index on that track.
set local role parley_owner;

alter table parley_data.follow_ups add column subject_track_id bigint;
comment on column parley_data.follow_ups.subject_track_id is
    'The track of what it is about: its own track, or the track of its commitment or meeting. Kept by the trigger follow_ups_subject_track (never written directly).';

-- The follow-ups recorded so far. Derived data, not a change anybody made: the triggers (change history, alert
-- planning, updated_at) are left out of it.
alter table parley_data.follow_ups disable trigger user;
update parley_data.follow_ups f
   set subject_track_id = coalesce(
           f.track_id,
           (select c.track_id from parley_data.commitments c where c.id = f.commitment_id),
           (select m.track_id from parley_data.meetings m where m.id = f.meeting_id));
alter table parley_data.follow_ups enable trigger user;

-- Open follow-ups in the view's order (due time, then number): a page merges the first entries of each level's
-- part. Replaces the index on the due time alone, which also serves what asked by due time (due_soon, alerts).
drop index parley_data.follow_ups_open_due_idx;
create index follow_ups_open_due_idx on parley_data.follow_ups (due_at, id) where done_at is null;
comment on index parley_data.follow_ups_open_due_idx is
    'Open follow-ups by due time, then number: the order parley.follow_ups lists them in.';
-- One track's open follow-ups, whatever they are about.
create index follow_ups_open_track_idx on parley_data.follow_ups (subject_track_id) where done_at is null;
comment on index parley_data.follow_ups_open_track_idx is
    'Open follow-ups by the track of what they are about: parley.follow_ups for one track.';

call parley_data.name_partition_indexes();
