-- Discord: what a citizen did to a message after writing it (edited, deleted). The original stays
-- in inquiry_personal; each follow-up is personal data, removed by purge with the message.
CREATE TABLE chat_followups (
    id BIGSERIAL PRIMARY KEY,
    inquiry_id BIGINT NOT NULL REFERENCES inquiries (id),
    kind TEXT NOT NULL CHECK (kind IN ('edited', 'deleted')),
    text TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX chat_followups_inquiry ON chat_followups (inquiry_id, id);
