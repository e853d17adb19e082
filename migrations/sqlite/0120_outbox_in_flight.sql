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
-- Sent is recorded by one statement right after the server's acceptance (the smallest window);
-- the event and the inquiry's status follow in their own transaction, redone after a crash.
ALTER TABLE outbox ADD COLUMN recorded_at INTEGER;
UPDATE outbox SET recorded_at = sent_at WHERE status = 'sent';
CREATE INDEX outbox_unrecorded ON outbox (status, recorded_at);
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

