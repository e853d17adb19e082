//! Where each inquiry stands, and the agents' decisions on it. A decision is a conditional update
//! (`… WHERE status = 'drafted'`): when two agents click at once, the store decides who was
//! first, and the second is told who did it.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::Row;

use super::outbox::{insert_job, NewJob};
use super::{from_secs, secs, Store, StoreError};
use crate::inquiry::{DraftText, EventType, InquiryId, Outcome, Standing, Status};

impl Store {
    /// Where an inquiry stands.
    pub async fn standing(&self, id: InquiryId) -> Result<Standing, StoreError> {
        let row = sqlx::query("SELECT status, decided_by, decided_at FROM inquiries WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(id))?;
        let status: String = row.try_get("status")?;
        Ok(Standing {
            status: status.parse().map_err(|message| StoreError::Corrupt {
                inquiry: id,
                message,
            })?,
            decided_by: row.try_get("decided_by")?,
            decided_at: row
                .try_get::<Option<i64>, _>("decided_at")?
                .map(|t| from_secs("inquiries", id.0, t))
                .transpose()?,
        })
    }

    /// Moves an inquiry between states that need no agent (received → drafted, → automatic).
    pub async fn set_status(
        &self,
        id: InquiryId,
        from: &[Status],
        to: Status,
    ) -> Result<bool, StoreError> {
        let placeholders: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "UPDATE inquiries SET status = $1 WHERE status IN ({}) AND id = ${}",
            placeholders.join(", "),
            from.len() + 2
        );
        let mut query = sqlx::query(&sql).bind(to.as_str());
        for status in from {
            query = query.bind(status.as_str());
        }
        Ok(query.bind(id.0).execute(&self.pool).await?.rows_affected() == 1)
    }

    /// Inquiries in a state, oldest first (e.g. `Received` ones to resume after a crash).
    pub async fn with_status(
        &self,
        status: Status,
        limit: i64,
    ) -> Result<Vec<InquiryId>, StoreError> {
        let rows =
            sqlx::query_scalar("SELECT id FROM inquiries WHERE status = $1 ORDER BY id LIMIT $2")
                .bind(status.as_str())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(InquiryId).collect())
    }

    /// Approves the draft: the final text becomes a new version when the agent edited it, and the
    /// reply job is written in the same transaction, so an approval never loses its reply.
    pub async fn approve(
        &self,
        id: InquiryId,
        agent: &str,
        at: DateTime<Utc>,
        edited: Option<&DraftText>,
        reply: &NewJob,
    ) -> Result<Outcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !claim_decision(&mut tx, id, Status::Approved, agent, at).await? {
            tx.rollback().await?;
            return Ok(Outcome::AlreadyDecided(self.standing(id).await?));
        }
        if let Some(draft) = edited {
            self.add_draft_version(&mut tx, id, draft, agent, at)
                .await?;
        }
        self.append_in(
            &mut tx,
            id,
            EventType::Approved,
            agent,
            at,
            &json!({ "edited": edited.is_some() }),
        )
        .await?;
        insert_job(&mut tx, reply, at).await?;
        tx.commit().await?;
        Ok(Outcome::Done)
    }

    /// Rejects the inquiry (no reply needed) with a reason; `closing`, the courteous message
    /// that tells the citizen, is written with the decision (nothing when another was first).
    pub async fn reject(
        &self,
        id: InquiryId,
        agent: &str,
        at: DateTime<Utc>,
        reason: &str,
        closing: Option<&NewJob>,
    ) -> Result<Outcome, StoreError> {
        self.decide(
            id,
            (Status::Rejected, EventType::Rejected),
            agent,
            at,
            json!({ "reason": reason, "closing": closing.is_some() }),
            closing,
        )
        .await
    }

    /// Records that an agent answered outside guichet (letter, phone, at the desk).
    pub async fn answered_outside(
        &self,
        id: InquiryId,
        agent: &str,
        at: DateTime<Utc>,
        how: &str,
    ) -> Result<Outcome, StoreError> {
        self.decide(
            id,
            (Status::Answered, EventType::Answered),
            agent,
            at,
            json!({ "how": how }),
            None,
        )
        .await
    }

    async fn decide(
        &self,
        id: InquiryId,
        (status, event): (Status, EventType),
        agent: &str,
        at: DateTime<Utc>,
        detail: serde_json::Value,
        job: Option<&NewJob>,
    ) -> Result<Outcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !claim_decision(&mut tx, id, status, agent, at).await? {
            tx.rollback().await?;
            return Ok(Outcome::AlreadyDecided(self.standing(id).await?));
        }
        self.append_in(&mut tx, id, event, agent, at, &detail)
            .await?;
        if let Some(job) = job {
            insert_job(&mut tx, job, at).await?;
        }
        tx.commit().await?;
        Ok(Outcome::Done)
    }

    /// A citizen wrote again in the thread: the inquiry is open again (its first answer stays its
    /// answer for the indicators).
    pub async fn reopen(
        &self,
        id: InquiryId,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE inquiries SET status = 'received', decided_by = NULL, decided_at = NULL WHERE id = $1 AND status <> 'automatic'")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        self.append_in(&mut tx, id, EventType::Reopened, "citizen", at, &detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The conditional update that makes the first decision win.
async fn claim_decision(
    conn: &mut sqlx::AnyConnection,
    id: InquiryId,
    status: Status,
    agent: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE inquiries SET status = $1, decided_by = $2, decided_at = $3, updated_at = $3 \
         WHERE id = $4 AND status IN ('received', 'drafted')",
    )
    .bind(status.as_str())
    .bind(agent)
    .bind(secs(at))
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
