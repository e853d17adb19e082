//! State changes within a batch: inquiries moving on (drafted, automatic), follow-ups attached
//! to the inquiry they continue, answered inquiries reopened by a citizen's new message.

use chrono::{DateTime, Utc};

use super::rows::{self, list};
use super::MailBatch;
use crate::inquiry::{EventType, FollowUp, InquiryId, Status};
use crate::store::{secs, StoreError};

impl MailBatch<'_> {
    /// Moves inquiries from one state to another (received → drafted, → automatic).
    pub async fn set_status(
        &mut self,
        ids: &[InquiryId],
        from: Status,
        to: Status,
    ) -> Result<(), StoreError> {
        for chunk in ids.chunks(rows::LIST_MAX) {
            let b = self.backend();
            let sql = format!(
                "UPDATE inquiries SET status = {} WHERE status = {} AND id IN {}",
                rows::param(b, 1),
                rows::param(b, 2),
                list(b, 3, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(to.as_str()).bind(from.as_str());
            for id in chunk {
                q = q.bind(id.0);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Attaches a mail follow-up once per source key; true when newly attached.
    pub async fn attach_followup(
        &mut self,
        id: InquiryId,
        f: &FollowUp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO mail_followups (inquiry_id, source_key, received_at, message_id, from_email, subject, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_key) DO NOTHING",
        )
        .bind(id.0)
        .bind(f.source_key.clone())
        .bind(secs(f.at))
        .bind(f.message_id.clone())
        .bind(f.from_email.clone())
        .bind(f.subject.clone())
        .bind(f.text.clone())
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A citizen wrote again in the thread: the inquiry is open again.
    pub async fn reopen(
        &mut self,
        id: InquiryId,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inquiries SET status = 'received', decided_by = NULL, decided_at = NULL \
             WHERE id = $1 AND status <> 'automatic'",
        )
        .bind(id.0)
        .execute(&mut *self.tx)
        .await?;
        self.push_event(id, EventType::Reopened, "citizen", at, detail)
            .await
    }
}
