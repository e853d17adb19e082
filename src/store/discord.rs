//! What the Discord channel remembers: per watched channel (public or DM), the newest message id
//! taken in. The cursor only moves forward, so a late or replayed message never moves it back.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{secs, Store, StoreError};

/// Where intake stands in one Discord channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatCursor {
    pub channel_id: u64,
    /// A direct-message channel (its id is only known once the citizen wrote).
    pub dm: bool,
    /// Every message up to this id has been taken in.
    pub last_message_id: u64,
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store {
    /// Every Discord channel cursor, by channel id.
    pub async fn chat_cursors(&self) -> Result<Vec<ChatCursor>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel_id, dm, last_message_id FROM discord_cursor ORDER BY channel_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let channel: i64 = r.try_get("channel_id")?;
                let dm: i64 = r.try_get("dm")?;
                let last: i64 = r.try_get("last_message_id")?;
                Ok(ChatCursor {
                    channel_id: u64::try_from(channel).unwrap_or(0),
                    dm: dm != 0,
                    last_message_id: u64::try_from(last).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Moves a channel's cursor forward to `cursor.last_message_id` (never back).
    pub async fn advance_chat_cursor(
        &self,
        cursor: &ChatCursor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO discord_cursor (channel_id, dm, last_message_id, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (channel_id) DO UPDATE SET last_message_id = excluded.last_message_id, \
             updated_at = excluded.updated_at WHERE discord_cursor.last_message_id < excluded.last_message_id",
        )
        .bind(to_i64(cursor.channel_id))
        .bind(i64::from(cursor.dm))
        .bind(to_i64(cursor.last_message_id))
        .bind(secs(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
