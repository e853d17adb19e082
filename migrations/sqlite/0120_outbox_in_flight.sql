-- At most once: a job's attempt is recorded as in flight (its own commit) before the transport
-- is spoken to; a claim is a short lease held by a token and renewed by a heartbeat; the copy
-- kept after delivery (the Sent folder) is its own retried step.
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
ALTER TABLE outbox ADD COLUMN in_flight_at INTEGER;
ALTER TABLE outbox ADD COLUMN copy_status TEXT CHECK (copy_status IN ('pending', 'done', 'failed'));
ALTER TABLE outbox ADD COLUMN copy_due_at INTEGER;
ALTER TABLE outbox ADD COLUMN copy_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN copy_error TEXT;
CREATE INDEX outbox_copy_due ON outbox (copy_status, copy_due_at);

-- Payloads become one typed enum, tagged by `type`.
UPDATE outbox SET payload = json_set(payload, '$.type',
    CASE
        WHEN transport = 'mail' THEN 'mail'
        WHEN kind = 'ack' THEN 'discord_ack'
        WHEN kind = 'reply' THEN 'discord_reply'
        ELSE 'discord_post'
    END)
WHERE payload IS NOT NULL AND json_valid(payload);

-- Named leases: one holder at a time for a mailbox's IMAP intake, a Discord gateway…
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
);
