//! What a citizen did to a chat message after writing it (edited, deleted): kept beside the
//! original, which never changes, as personal data removed by purge.

use sqlx::Row;

use super::{from_secs, secs, Store, StoreError};
use crate::inquiry::{FollowUp, FollowUpKind, InquiryId};

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
    pub async fn record_followup(&self, id: InquiryId, f: &FollowUp) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO chat_followups (inquiry_id, kind, text, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.0)
        .bind(f.kind.as_str())
        .bind(f.text.clone())
        .bind(secs(f.at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The follow-ups of an inquiry, oldest first.
    pub async fn followups(&self, id: InquiryId) -> Result<Vec<FollowUp>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, text, at FROM chat_followups WHERE inquiry_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let kind = kind
                    .parse::<FollowUpKind>()
                    .map_err(|e| StoreError::Corrupt {
                        inquiry: id,
                        message: e.to_string(),
                    })?;
                let text: Option<String> = r.try_get("text")?;
                Ok(FollowUp::chat(
                    kind,
                    text.as_deref(),
                    from_secs("followups", id.0, r.try_get("at")?)?,
                ))
            })
            .collect()
    }
}
