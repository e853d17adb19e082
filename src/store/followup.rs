//! What a citizen did to a chat message after writing it (edited, deleted): kept beside the
//! original, which never changes, as personal data removed by purge.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_secs, secs, InquiryId, Store, StoreError};

/// One edit or deletion of the message an inquiry came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followup {
    /// `edited` or `deleted`.
    pub kind: String,
    /// The new text of an edit.
    pub text: Option<String>,
    pub at: DateTime<Utc>,
}

impl Store {
    /// The inquiry recorded from a source message (`discord:ID`…), if any.
    pub async fn inquiry_by_source(
        &self,
        source_key: &str,
    ) -> Result<Option<InquiryId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM inquiries WHERE source_key = $1")
            .bind(source_key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.map(InquiryId))
    }

    /// Records an edit (with its new text) or a deletion; the original message is untouched.
    pub async fn record_followup(
        &self,
        id: InquiryId,
        kind: &str,
        text: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO chat_followups (inquiry_id, kind, text, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.0)
        .bind(kind)
        .bind(text.map(str::to_string))
        .bind(secs(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The follow-ups of an inquiry, oldest first.
    pub async fn followups(&self, id: InquiryId) -> Result<Vec<Followup>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, text, at FROM chat_followups WHERE inquiry_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Followup {
                    kind: r.try_get("kind")?,
                    text: r.try_get("text")?,
                    at: from_secs(r.try_get("at")?),
                })
            })
            .collect()
    }
}
