-- guichet ledger schema (SQLite). Keep in step with migrations/postgres.
-- Personal data lives only in inquiry_personal, draft_versions texts and outbox.payload.

CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sender_hash TEXT,
    purged_at INTEGER
);
CREATE INDEX inquiries_received ON inquiries (received_at);

CREATE TABLE inquiry_personal (
    inquiry_id INTEGER PRIMARY KEY REFERENCES inquiries (id),
    from_name TEXT,
    from_email TEXT,
    subject TEXT,
    body TEXT,
    quoted TEXT,
    signature TEXT,
    headers TEXT,
    html TEXT,
    message_id TEXT,
    attachments TEXT
);

CREATE TABLE classifications (
    inquiry_id INTEGER PRIMARY KEY REFERENCES inquiries (id),
    kind TEXT NOT NULL,
    facility TEXT,
    topic TEXT NOT NULL,
    automatic INTEGER NOT NULL,
    automatic_reason TEXT,
    lang TEXT NOT NULL,
    rules TEXT NOT NULL,
    template TEXT,
    classified_at INTEGER NOT NULL
);

CREATE TABLE draft_versions (
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (id),
    version INTEGER NOT NULL,
    subject TEXT,
    text TEXT,
    html TEXT,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (inquiry_id, version)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (id),
    kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'discord_post')),
    message_id TEXT NOT NULL UNIQUE,
    payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (id),
    event_type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX events_inquiry ON events (inquiry_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Indicator projection: one row per inquiry, no personal data, rebuilt from events.
CREATE TABLE indicator_facts (
    inquiry_id INTEGER PRIMARY KEY REFERENCES inquiries (id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    facility TEXT NOT NULL,
    topic TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    received_date TEXT NOT NULL,
    month TEXT NOT NULL,
    week TEXT NOT NULL,
    counted INTEGER NOT NULL,
    automatic INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    classified_at INTEGER,
    engagement_days INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    ack_days INTEGER,
    acknowledged_at INTEGER,
    ack_delay INTEGER,
    answered_at INTEGER,
    answer_delay INTEGER,
    approved_at INTEGER,
    agent TEXT NOT NULL
);
CREATE INDEX facts_received_date ON indicator_facts (received_date);
CREATE INDEX facts_open ON indicator_facts (deadline) WHERE answered_at IS NULL AND counted = 1;

CREATE TABLE ledger_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
