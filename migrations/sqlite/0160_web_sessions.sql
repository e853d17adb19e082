-- Web sessions that can be ended before their expiry. A logout records its session's nonce until
-- the session would have expired anyway; `guichet user end-sessions` records, per account, a
-- time before which every session started is void. No personal data (staff account names).
CREATE TABLE web_session_revocations (
    nonce TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX web_session_revocations_expiry ON web_session_revocations (expires_at);
CREATE TABLE web_account_sessions (
    account TEXT PRIMARY KEY,
    not_before INTEGER NOT NULL
);
