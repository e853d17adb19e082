-- Discord: per public channel and per DM channel, the newest message id taken in, so that a
-- restart or a lost gateway session reads the channel history after it (catch-up).
CREATE TABLE discord_cursor (
    channel_id BIGINT PRIMARY KEY,
    dm INTEGER NOT NULL,
    last_message_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
