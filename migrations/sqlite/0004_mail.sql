-- Mail channel: where IMAP intake stands per mailbox, what it has seen (exactly once across a
-- UIDVALIDITY change), follow-ups attached to an inquiry, and mail set aside as unreadable.
CREATE TABLE mail_cursor (
    mailbox TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    first_started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Message-ID + content hash of every mail taken in: a resync after a UIDVALIDITY change skips
-- what is already known.
CREATE TABLE mail_seen (
    fingerprint TEXT PRIMARY KEY,
    source_key TEXT NOT NULL,
    inquiry_id INTEGER
);

-- A citizen's later mail in the thread of an inquiry; its text is personal data (purgeable).
CREATE TABLE mail_followups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (id),
    source_key TEXT NOT NULL UNIQUE,
    received_at INTEGER NOT NULL,
    message_id TEXT,
    from_email TEXT,
    subject TEXT,
    body TEXT
);
CREATE INDEX mail_followups_inquiry ON mail_followups (inquiry_id);

-- Mail that could not be read as mail: kept out of the ledger with the reason.
CREATE TABLE mail_quarantine (
    source_key TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL,
    size INTEGER NOT NULL,
    reason TEXT NOT NULL
);

CREATE INDEX inquiry_personal_message_id ON inquiry_personal (message_id);
