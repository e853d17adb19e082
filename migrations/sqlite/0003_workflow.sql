-- Workflow: where each inquiry stands, decided by a conditional update (the first agent wins),
-- and outbox jobs addressed to a transport (mail or Discord) and a recipient.
ALTER TABLE inquiries ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
ALTER TABLE inquiries ADD COLUMN decided_by TEXT;
ALTER TABLE inquiries ADD COLUMN decided_at INTEGER;
CREATE INDEX inquiries_status ON inquiries (status);

ALTER TABLE outbox ADD COLUMN transport TEXT NOT NULL DEFAULT 'mail';
-- Personal data: cleared by purge like the payload.
ALTER TABLE outbox ADD COLUMN recipient TEXT;
CREATE INDEX outbox_recipient ON outbox (kind, recipient, created_at);

-- How to answer (mail address and thread, or chat channel): personal, removed with the message.
ALTER TABLE inquiry_personal ADD COLUMN route TEXT;
