//! Recording a delivery: the job sent by one statement right after the transport accepted it
//! (the commit that closes the window), then the inquiry's event and status in a transaction of
//! their own, redone after a crash that fell between the two.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::Row;

use super::{timestamp, Job, JobKind, Payload};
use crate::inquiry::{EventType, InquiryId};
use crate::store::{secs, Store, StoreError};

impl Store {
    /// Records the delivery: first the job alone, sent, in one statement (the commit that closes
    /// the window after the server's acceptance, kept as short as it can be), then the inquiry's
    /// `acknowledged` or `sent` event and status in a transaction of their own. A crash between
    /// the two leaves the job sent and unrecorded: [`Store::record_deliveries`] finishes it.
    /// True when this call recorded it (false: recorded already).
    pub async fn mark_sent(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        detail: serde_json::Value,
        copy: bool,
    ) -> Result<bool, StoreError> {
        let first = self.mark_delivered(job, at, copy).await?;
        if first {
            self.record_delivery(job.id, job.inquiry, job.kind, &job.message_id, at, detail)
                .await?;
        }
        Ok(first)
    }

    /// The first half of [`Store::mark_sent`]: the job sent, one statement; false when it was
    /// recorded already. With a copy to keep, the worker keeps its claim (and lease) for the
    /// copy step, which it takes next; without, the claim is released.
    pub async fn mark_delivered(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        copy: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL, \
             claim_token = CASE WHEN $3 IS NULL THEN NULL ELSE claim_token END, \
             lease_until = CASE WHEN $3 IS NULL THEN NULL ELSE lease_until END, \
             copy_status = $3, copy_due_at = $1 WHERE id = $2 AND status = 'pending'",
        )
        .bind(secs(at))
        .bind(job.id)
        .bind(copy.then_some("pending"))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The event and status of a delivered job, once (the second half of [`Store::mark_sent`]).
    pub async fn record_delivery(
        &self,
        id: i64,
        inquiry: InquiryId,
        kind: JobKind,
        message_id: &str,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let first = sqlx::query(
            "UPDATE outbox SET recorded_at = $1 WHERE id = $2 AND status = 'sent' AND recorded_at IS NULL",
        )
        .bind(secs(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if first.rows_affected() == 0 {
            return Ok(());
        }
        // A holding reply (a team must still decide) is sent but is not the answer.
        let holding = if kind == JobKind::Reply {
            let payload: Option<String> =
                sqlx::query_scalar("SELECT payload FROM outbox WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let payload = payload.ok_or_else(|| StoreError::CorruptRow {
                table: "outbox",
                row: id,
                message: "reply without a payload".into(),
            })?;
            Payload::from_json(&payload)
                .map_err(|e| StoreError::CorruptRow {
                    table: "outbox",
                    row: id,
                    message: format!("payload: {e}"),
                })?
                .holding()
        } else {
            false
        };
        let event = match kind {
            JobKind::Ack => Some(EventType::Acknowledged),
            JobKind::Reply => Some(EventType::Sent),
            JobKind::DiscordPost | JobKind::Closing => None,
        };
        if let Some(event) = event {
            let mut detail = detail;
            detail["message_id"] = json!(message_id);
            if holding {
                detail["holding"] = json!(true);
            }
            self.append_in(&mut tx, inquiry, event, "guichet", at, &detail)
                .await?;
        }
        if kind == JobKind::Reply {
            // A holding reply leaves the inquiry open until the real answer.
            sqlx::query(if holding {
                "UPDATE inquiries SET status = 'drafted' WHERE id = $1 AND status = 'approved'"
            } else {
                "UPDATE inquiries SET status = 'sent' WHERE id = $1 AND status = 'approved'"
            })
            .bind(inquiry.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the deliveries a crash left unrecorded (sent, no event yet), at their send time.
    pub async fn record_deliveries(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query(
            "SELECT id, inquiry_id, kind, message_id, sent_at FROM outbox \
             WHERE status = 'sent' AND recorded_at IS NULL ORDER BY id LIMIT 100",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let kind: String = row.try_get("kind")?;
            let kind = JobKind::parse(&kind).ok_or_else(|| StoreError::CorruptRow {
                table: "outbox",
                row: id,
                message: format!("unknown kind {kind}"),
            })?;
            let sent_at: Option<i64> = row.try_get("sent_at")?;
            let at = timestamp(
                id,
                "sent_at",
                sent_at.ok_or_else(|| StoreError::CorruptRow {
                    table: "outbox",
                    row: id,
                    message: "sent without a time".into(),
                })?,
            )?;
            let message_id: String = row.try_get("message_id")?;
            self.record_delivery(
                id,
                InquiryId(row.try_get("inquiry_id")?),
                kind,
                &message_id,
                at,
                json!({ "recorded_after_restart": true }),
            )
            .await?;
        }
        Ok(rows.len())
    }
}
