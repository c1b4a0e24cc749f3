-- The mailer as a queue consumer (issue 17): the grouping of deliveries into digests, and each digest's Message-ID,
-- are fixed when a mailer run claims them, in the claim's commit (parley.claim_round, sql/repeatable/400). A copy
-- sent again after a run died between handing a round over and marking it, or after a failed attempt, carries the
-- same deliveries under the same Message-ID, so that MTAs and mail clients can drop the duplicate. Before this, a
-- retried digest was regrouped with whatever else had fallen due for the recipient, and got another Message-ID.
set local role parley_owner;

alter table parley_data.deliveries add column digest_message_id text;
alter table parley_data.deliveries add constraint deliveries_digest_message_id_format
    check (digest_message_id ~ '^<[^<>@\s]+@[^<>@\s]+>$');
comment on column parley_data.deliveries.digest_message_id is
    'The Message-ID of the digest it was claimed into (fixed by the claim, kept through retries): every later attempt sends the same deliveries under it. message_id is set from it once the mail was accepted.';

-- The claim takes due digests that already have a Message-ID whole, first; few at any time (a round in flight, and
-- digests whose attempt failed or whose run died).
create index deliveries_digest_idx on parley_data.deliveries (digest_message_id)
    where digest_message_id is not null and state in ('pending', 'sending');
