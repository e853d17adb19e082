-- guichet ledger schema (PostgreSQL). Keep in step with migrations/postgres.
-- Personal data lives only in inquiry_personal, draft_versions texts and outbox.payload.

CREATE TABLE inquiries (
    id BIGSERIAL PRIMARY KEY,
    source_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sender_hash TEXT,
    purged_at BIGINT
);
CREATE INDEX inquiries_received ON inquiries (received_at);

CREATE TABLE inquiry_personal (
    inquiry_id BIGINT PRIMARY KEY REFERENCES inquiries (id),
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
    inquiry_id BIGINT PRIMARY KEY REFERENCES inquiries (id),
    kind TEXT NOT NULL,
    facility TEXT,
    topic TEXT NOT NULL,
    automatic BIGINT NOT NULL,
    automatic_reason TEXT,
    lang TEXT NOT NULL,
    rules TEXT NOT NULL,
    template TEXT,
    classified_at BIGINT NOT NULL
);

CREATE TABLE draft_versions (
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id),
    version BIGINT NOT NULL,
    subject TEXT,
    text TEXT,
    html TEXT,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (inquiry_id, version)
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id),
    kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'discord_post')),
    message_id TEXT NOT NULL UNIQUE,
    payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id),
    event_type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX events_inquiry ON events (inquiry_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'events are append-only'; END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Indicator projection: one row per inquiry, no personal data, rebuilt from events.
CREATE TABLE indicator_facts (
    inquiry_id BIGINT PRIMARY KEY REFERENCES inquiries (id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    facility TEXT NOT NULL,
    topic TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    received_date TEXT NOT NULL,
    month TEXT NOT NULL,
    week TEXT NOT NULL,
    counted BIGINT NOT NULL,
    automatic BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    classified_at BIGINT,
    engagement_days BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    ack_days BIGINT,
    acknowledged_at BIGINT,
    ack_delay BIGINT,
    answered_at BIGINT,
    answer_delay BIGINT,
    approved_at BIGINT,
    agent TEXT NOT NULL
);
CREATE INDEX facts_received_date ON indicator_facts (received_date);
CREATE INDEX facts_open ON indicator_facts (deadline) WHERE answered_at IS NULL AND counted = 1;

CREATE TABLE ledger_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
