-- Scheduled meetings by start and alerts by track (issue 15, item 3: every view within target at L).
--
-- parley.upcoming_meetings lists the scheduled meetings from now on by start and code: without an index in that
-- order a page read every meeting and sorted the scheduled ones to come (about 100 ms at a million commitments,
-- 100,000 meetings). Scheduled meetings in that order, so that a page merges the first entries of each level's
-- partition; the meetings held, cancelled or postponed (most of the past ones) are not in it.
set local role parley_owner;

create index meetings_scheduled_starts_idx on parley_data.meetings (starts_at, code) where status = 'scheduled';
comment on index parley_data.meetings_scheduled_starts_idx is
    'Scheduled meetings by start, then code: the order parley.upcoming_meetings lists them in.';

-- The alert views for one track (alerts, alert_queue, alert_log, delivery_failures: `where track = …`) read every
-- alert to find the track's (100–140 ms at a million commitments, 200,000 alerts): the alerts by track, from which
-- their deliveries are found by the index on alert and recipient.
create index alerts_track_idx on parley_data.alerts (track_id);
comment on index parley_data.alerts_track_idx is 'Alerts by track: the alert views for one track.';

call parley_data.name_partition_indexes();
