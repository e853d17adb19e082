-- A courteous closing message to the citizen after a rejection (out of scope, handled by phone)
-- is an outbox job of its own kind. SQLite cannot change a CHECK constraint: the table is rebuilt
-- with the same columns, rows and indexes (a column added to `outbox` before this migration must
-- be added here too).
CREATE TABLE outbox_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (id),
    kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'discord_post', 'closing')),
    message_id TEXT NOT NULL UNIQUE,
    payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    transport TEXT NOT NULL DEFAULT 'mail',
    recipient TEXT,
    claim_token TEXT,
    lease_until INTEGER,
    in_flight_at INTEGER,
    copy_status TEXT CHECK (copy_status IN ('pending', 'done', 'failed')),
    copy_due_at INTEGER,
    copy_attempts INTEGER NOT NULL DEFAULT 0,
    copy_error TEXT,
    recorded_at INTEGER
);
INSERT INTO outbox_rebuilt (id, inquiry_id, kind, message_id, payload, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, transport, recipient, claim_token,
    lease_until, in_flight_at, copy_status, copy_due_at, copy_attempts, copy_error, recorded_at)
SELECT id, inquiry_id, kind, message_id, payload, status, attempts, next_attempt_at, last_error,
    created_at, sent_at, transport, recipient, claim_token, lease_until, in_flight_at,
    copy_status, copy_due_at, copy_attempts, copy_error, recorded_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (kind, recipient, created_at);
CREATE INDEX outbox_unrecorded ON outbox (status, recorded_at);
CREATE INDEX outbox_copy_due ON outbox (copy_status, copy_due_at);
