-- Discord: per public channel and per DM channel, the newest message id taken in, so that a
-- restart or a lost gateway session reads the channel history after it (catch-up).
CREATE TABLE discord_cursor (
    channel_id INTEGER PRIMARY KEY,
    dm INTEGER NOT NULL,
    last_message_id INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
