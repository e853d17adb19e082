//! The durable outbox: every message guichet sends (acknowledgement, reply, post to the agents'
//! channel) is a job written in the same transaction as the decision that caused it, then
//! delivered by a worker with retries. A job's Message-ID is unique, so enqueueing twice is a no-op.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::Row;

use super::{from_secs, secs, EventType, InquiryId, Store, StoreError};

/// What a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Acknowledgement of receipt.
    Ack,
    /// The approved reply.
    Reply,
    /// A draft posted to the agents' channel.
    DiscordPost,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ack => "ack",
            JobKind::Reply => "reply",
            JobKind::DiscordPost => "discord_post",
        }
    }

    fn parse(s: &str) -> Option<JobKind> {
        Some(match s {
            "ack" => JobKind::Ack,
            "reply" => JobKind::Reply,
            "discord_post" => JobKind::DiscordPost,
            _ => return None,
        })
    }
}

/// A job to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub inquiry: InquiryId,
    pub kind: JobKind,
    /// `mail` or `discord`: which worker delivers it.
    pub transport: String,
    /// Stable and unique: the same job is never written twice, a retry reuses it.
    pub message_id: String,
    /// The citizen's address (personal data, used for the per-sender cap).
    pub recipient: Option<String>,
    pub payload: serde_json::Value,
}

/// A job claimed by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub inquiry: InquiryId,
    pub kind: JobKind,
    pub transport: String,
    pub message_id: String,
    pub recipient: Option<String>,
    pub payload: serde_json::Value,
    /// Earlier attempts: a job with attempts > 0 may have left before a crash.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

pub(crate) async fn insert_job(
    conn: &mut sqlx::AnyConnection,
    job: &NewJob,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO outbox (inquiry_id, kind, transport, message_id, recipient, payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(job.inquiry.0)
    .bind(job.kind.as_str())
    .bind(job.transport.as_str())
    .bind(job.message_id.as_str())
    .bind(job.recipient.clone())
    .bind(job.payload.to_string())
    .bind(secs(at))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Writes a job unless one with the same Message-ID exists; true when written.
    pub async fn enqueue(&self, job: &NewJob, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_job(&mut conn, job, at).await
    }

    /// Claims up to `limit` due jobs of a transport for `lease`: a worker that dies holding them
    /// releases them when the lease ends, and the next attempt knows it may be a retry.
    pub async fn claim_jobs(
        &self,
        transport: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "SELECT id, inquiry_id, kind, transport, message_id, recipient, payload, attempts, created_at FROM outbox \
             WHERE transport = $1 AND status = 'pending' AND next_attempt_at <= $2 ORDER BY id LIMIT $3",
        )
        .bind(transport)
        .bind(secs(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id")?;
            // Conditional: another worker may have taken it meanwhile.
            let taken = sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
            )
            .bind(secs(now + lease))
            .bind(id)
            .bind(secs(now))
            .execute(&mut *tx)
            .await?;
            if taken.rows_affected() == 0 {
                continue;
            }
            let kind: String = row.try_get("kind")?;
            let inquiry = InquiryId(row.try_get("inquiry_id")?);
            let payload: Option<String> = row.try_get("payload")?;
            jobs.push(Job {
                id,
                inquiry,
                kind: JobKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                    inquiry,
                    message: format!("outbox job {id}: unknown kind {kind}"),
                })?,
                transport: row.try_get("transport")?,
                message_id: row.try_get("message_id")?,
                recipient: row.try_get("recipient")?,
                payload: payload
                    .and_then(|p| serde_json::from_str(&p).ok())
                    .unwrap_or(serde_json::Value::Null),
                attempts: row.try_get("attempts")?,
                created_at: from_secs(row.try_get("created_at")?),
            });
        }
        tx.commit().await?;
        Ok(jobs)
    }

    /// Marks a job delivered and appends `acknowledged` or `sent` in the same transaction.
    pub async fn complete_job(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2 AND status = 'pending'")
            .bind(secs(at))
            .bind(job.id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            let event = match job.kind {
                JobKind::Ack => Some(EventType::Acknowledged),
                JobKind::Reply => Some(EventType::Sent),
                JobKind::DiscordPost => None,
            };
            let holding = job.kind == JobKind::Reply
                && job.payload.get("holding").and_then(|h| h.as_bool()) == Some(true);
            if let Some(event) = event {
                let mut detail = detail;
                detail["message_id"] = json!(job.message_id);
                if holding {
                    detail["holding"] = json!(true);
                }
                self.append_in(&mut tx, job.inquiry, event, "guichet", at, &detail)
                    .await?;
            }
            if job.kind == JobKind::Reply {
                // A holding reply leaves the inquiry open until the real answer.
                sqlx::query(if holding {
                    "UPDATE inquiries SET status = 'drafted' WHERE id = $1 AND status = 'approved'"
                } else {
                    "UPDATE inquiries SET status = 'sent' WHERE id = $1 AND status = 'approved'"
                })
                .bind(job.inquiry.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt; the job is retried at `next_at`, or given up when `next_at` is None.
    pub async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        next_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        let (status, next) = match next_at {
            Some(t) => ("pending", Some(secs(t))),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(job.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Acknowledgements written for a recipient since `since` (the per-sender daily cap).
    pub async fn acks_to_since(
        &self,
        recipient: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'ack' AND recipient = $1 AND created_at >= $2")
            .bind(recipient)
            .bind(secs(since))
            .fetch_one(&self.pool)
            .await?)
    }

    /// Jobs not delivered yet, and the creation time of the oldest (for health and metrics).
    pub async fn outbox_depth(&self) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((
            row.try_get("n")?,
            row.try_get::<Option<i64>, _>("oldest")?.map(from_secs),
        ))
    }

    /// Jobs of an inquiry (any status), oldest first: (kind, status, message_id).
    pub async fn jobs_of(
        &self,
        id: InquiryId,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, status, message_id FROM outbox WHERE inquiry_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("kind")?,
                    r.try_get("status")?,
                    r.try_get("message_id")?,
                ))
            })
            .collect()
    }

    /// The stored route (how to answer) of an inquiry, as JSON; None once purged.
    pub async fn route(&self, id: InquiryId) -> Result<Option<serde_json::Value>, StoreError> {
        let route: Option<Option<String>> =
            sqlx::query_scalar("SELECT route FROM inquiry_personal WHERE inquiry_id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(route.flatten().and_then(|r| serde_json::from_str(&r).ok()))
    }
}
