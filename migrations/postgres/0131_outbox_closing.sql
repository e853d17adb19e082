-- A courteous closing message to the citizen after a rejection (out of scope, handled by phone)
-- is an outbox job of its own kind.
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('ack', 'reply', 'discord_post', 'closing'));
