//! The durable outbox: every message guichet sends (acknowledgement, reply, post to the agents'
//! channel) is a job written in the same transaction as the decision that caused it, then
//! delivered by a worker. A job's Message-ID is unique, so enqueueing twice is a no-op.
//!
//! At most once: a worker claims a few due jobs under a short lease (a token, renewed by a
//! heartbeat), records each attempt as *in flight* in its own commit before speaking to the
//! transport, and records the delivery in one commit as soon as the transport accepted it. A job
//! claimed again after an attempt that never came back is looked up by the transport first
//! (see `pipeline::Transport::find_delivered`). The copy a transport keeps afterwards (the Sent
//! folder) is a step of its own, retried on its own.

mod payload;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

pub use payload::{
    DiscordAck, DiscordPost, DiscordReply, MailMessage, Payload, Snowflake, MAX_REFERENCES,
};

use super::{secs, Backend, EventType, InquiryId, Store, StoreError};

/// What a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Acknowledgement of receipt.
    Ack,
    /// The approved reply.
    Reply,
    /// A draft posted to the agents' channel.
    DiscordPost,
    /// A courteous closing message to the citizen after a rejection (out of scope, handled by
    /// phone): delivered like a reply, but the inquiry was not answered (no `sent` event).
    Closing,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ack => "ack",
            JobKind::Reply => "reply",
            JobKind::DiscordPost => "discord_post",
            JobKind::Closing => "closing",
        }
    }

    fn parse(s: &str) -> Option<JobKind> {
        Some(match s {
            "ack" => JobKind::Ack,
            "reply" => JobKind::Reply,
            "discord_post" => JobKind::DiscordPost,
            "closing" => JobKind::Closing,
            _ => return None,
        })
    }
}

/// A job to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub inquiry: InquiryId,
    pub kind: JobKind,
    /// Stable and unique: the same job is never written twice, a retry reuses it.
    pub message_id: String,
    /// The citizen's address (personal data, used for the per-sender cap).
    pub recipient: Option<String>,
    /// The message; its variant names the transport that delivers it.
    pub payload: Payload,
}

/// A job claimed by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub inquiry: InquiryId,
    pub kind: JobKind,
    pub message_id: String,
    pub recipient: Option<String>,
    pub payload: Payload,
    /// Attempts begun before this claim (recorded in flight before the transport was spoken
    /// to): when above 0, an earlier attempt may have delivered the message.
    pub attempts: i64,
    /// When the latest attempt began.
    pub in_flight_at: Option<DateTime<Utc>>,
    /// The claim this worker holds the job under.
    pub claim: String,
    /// Attempts of the copy step (Sent folder) so far.
    pub copy_attempts: i64,
    pub created_at: DateTime<Utc>,
}

impl Job {
    /// An earlier attempt began and never reported back: the message may be out already.
    pub fn may_have_left(&self) -> bool {
        self.attempts > 0
    }

    /// The transport this job is addressed to.
    pub fn transport(&self) -> &'static str {
        self.payload.transport()
    }
}

/// A new random claim token (a worker's pass).
pub fn claim_token() -> String {
    crate::secret::random_bytes(12)
        .map(hex::encode)
        .unwrap_or_else(|_| format!("{}-{}", std::process::id(), Utc::now().timestamp_micros()))
}

const JOB_COLUMNS: &str = "id, inquiry_id, kind, message_id, recipient, payload, attempts, \
                           in_flight_at, created_at, copy_attempts, claim_token";

/// A stored timestamp, or the row is corrupt.
fn timestamp(row: i64, column: &str, s: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(s, 0).ok_or_else(|| StoreError::CorruptRow {
        table: "outbox",
        row,
        message: format!("{column} {s} is not a time"),
    })
}

fn decode_job(row: &AnyRow) -> Result<Job, StoreError> {
    let id: i64 = row.try_get("id")?;
    let corrupt = |message: String| StoreError::CorruptRow {
        table: "outbox",
        row: id,
        message,
    };
    let kind: String = row.try_get("kind")?;
    let payload: Option<String> = row.try_get("payload")?;
    let payload = payload.ok_or_else(|| corrupt("no payload (purged?)".into()))?;
    Ok(Job {
        id,
        inquiry: InquiryId(row.try_get("inquiry_id")?),
        kind: JobKind::parse(&kind).ok_or_else(|| corrupt(format!("unknown kind {kind}")))?,
        message_id: row.try_get("message_id")?,
        recipient: row.try_get("recipient")?,
        payload: Payload::from_json(&payload).map_err(|e| corrupt(format!("payload: {e}")))?,
        attempts: row.try_get("attempts")?,
        in_flight_at: row
            .try_get::<Option<i64>, _>("in_flight_at")?
            .map(|s| timestamp(id, "in_flight_at", s))
            .transpose()?,
        claim: row
            .try_get::<Option<String>, _>("claim_token")?
            .unwrap_or_default(),
        copy_attempts: row.try_get("copy_attempts")?,
        created_at: timestamp(id, "created_at", row.try_get("created_at")?)?,
    })
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
    .bind(job.payload.transport())
    .bind(job.message_id.as_str())
    .bind(job.recipient.clone())
    .bind(job.payload.to_json())
    .bind(secs(at))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which step of a job a claim is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Delivering the message.
    Send,
    /// Keeping the transport's copy (Sent folder) after delivery.
    Copy,
}

impl Store {
    /// Writes a job unless one with the same Message-ID exists; true when written.
    pub async fn enqueue(&self, job: &NewJob, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_job(&mut conn, job, at).await
    }

    /// Claims up to `limit` jobs of a transport due for `step`, under `token` until `now +
    /// lease`. One statement, so SQLite takes its write lock before reading (no `database is
    /// locked` upgrade) and PostgreSQL skips rows another worker is claiming. A row that cannot be
    /// decoded is set aside as failed with the reason, and the others are claimed.
    pub async fn claim(
        &self,
        step: Step,
        transport: &str,
        token: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let due = match step {
            Step::Send => "status = 'pending' AND next_attempt_at <= $4",
            Step::Copy => "status = 'sent' AND copy_status = 'pending' AND copy_due_at <= $4",
        };
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let free = "(lease_until IS NULL OR lease_until < $4)";
        let sql = format!(
            "UPDATE outbox SET claim_token = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE transport = $3 AND {due} AND {free} ORDER BY id LIMIT $5 {lock}) \
             AND {due} AND {free} RETURNING {JOB_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(token)
            .bind(secs(now + lease))
            .bind(transport)
            .bind(secs(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            match decode_job(row) {
                Ok(job) => jobs.push(job),
                Err(e) => {
                    let id: i64 = row.try_get("id")?;
                    tracing::error!(job = id, error = %e, "outbox row set aside");
                    self.set_aside(id, &e.to_string()).await?;
                }
            }
        }
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Claims due sends (the worker's first half).
    pub async fn claim_jobs(
        &self,
        transport: &str,
        token: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        self.claim(Step::Send, transport, token, now, lease, limit)
            .await
    }

    async fn set_aside(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $1, claim_token = NULL, lease_until = NULL, \
             copy_status = CASE WHEN copy_status = 'pending' THEN 'failed' ELSE copy_status END WHERE id = $2",
        )
        .bind(error.chars().take(500).collect::<String>())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Extends the lease of every job still claimed under `token` (the worker's heartbeat).
    pub async fn renew_claim(&self, token: &str, until: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("UPDATE outbox SET lease_until = $1 WHERE claim_token = $2")
                .bind(secs(until))
                .bind(token)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Records an attempt as in flight, in its own commit, before the transport is spoken to.
    /// False when the claim was lost (the lease ran out and another worker took the job).
    pub async fn begin_attempt(
        &self,
        job: &mut Job,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, in_flight_at = $1 \
             WHERE id = $2 AND claim_token = $3 AND status = 'pending'",
        )
        .bind(secs(at))
        .bind(job.id)
        .bind(job.claim.as_str())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            job.attempts += 1;
            job.in_flight_at = Some(at);
        }
        Ok(done.rows_affected() == 1)
    }

    /// Records the delivery: first the job alone, sent, in one statement (the commit that closes
    /// the window after the server's acceptance, kept as short as it can be), then the inquiry's
    /// `acknowledged` or `sent` event and status in a transaction of their own. A crash between
    /// the two leaves the job sent and unrecorded: [`Store::record_deliveries`] finishes it.
    pub async fn mark_sent(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        detail: serde_json::Value,
        copy: bool,
    ) -> Result<(), StoreError> {
        if self.mark_delivered(job, at, copy).await? {
            self.record_delivery(job.id, job.inquiry, job.kind, &job.message_id, at, detail)
                .await?;
        }
        Ok(())
    }

    /// The first half of [`Store::mark_sent`]: the job sent, one statement; false when it was
    /// recorded already.
    pub async fn mark_delivered(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        copy: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL, claim_token = NULL, \
             lease_until = NULL, copy_status = $3, copy_due_at = $1 WHERE id = $2 AND status = 'pending'",
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
        let event = match kind {
            JobKind::Ack => Some(EventType::Acknowledged),
            JobKind::Reply => Some(EventType::Sent),
            JobKind::DiscordPost | JobKind::Closing => None,
        };
        if let Some(event) = event {
            let mut detail = detail;
            detail["message_id"] = json!(message_id);
            self.append_in(&mut tx, inquiry, event, "guichet", at, &detail)
                .await?;
        }
        if kind == JobKind::Reply {
            sqlx::query(
                "UPDATE inquiries SET status = 'sent' WHERE id = $1 AND status = 'approved'",
            )
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

    /// Marks a job delivered (kept for callers that have no copy step).
    pub async fn complete_job(
        &self,
        job: &Job,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.mark_sent(job, at, detail, false).await
    }

    /// Records a failed attempt and releases the claim; retried at `next_at`, or given up when
    /// `next_at` is None. Nothing is changed when the claim was lost meanwhile.
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
            "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3, claim_token = NULL, \
             lease_until = NULL WHERE id = $4 AND claim_token = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(job.id)
        .bind(job.claim.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The copy step's outcome: done (`Ok`), retried at `next_at`, or given up.
    pub async fn copy_outcome(
        &self,
        job: &Job,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError> {
        let (status, due, error) = match outcome {
            Ok(()) => ("done", None, None),
            Err((e, Some(t))) => ("pending", Some(secs(t)), Some(e)),
            Err((e, None)) => ("failed", None, Some(e)),
        };
        sqlx::query(
            "UPDATE outbox SET copy_status = $1, copy_due_at = COALESCE($2, copy_due_at), \
             copy_attempts = copy_attempts + 1, copy_error = $3, claim_token = NULL, lease_until = NULL \
             WHERE id = $4 AND claim_token = $5 AND copy_status = 'pending'",
        )
        .bind(status)
        .bind(due)
        .bind(error.map(|e| e.chars().take(500).collect::<String>()))
        .bind(job.id)
        .bind(job.claim.as_str())
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
            row.try_get::<Option<i64>, _>("oldest")?
                .map(|s| timestamp(0, "created_at", s))
                .transpose()?,
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

    /// The payloads of an inquiry's jobs, oldest first (what it was sent, for the console and
    /// tests); a payload that does not decode is an error.
    pub async fn payloads_of(&self, id: InquiryId) -> Result<Vec<(JobKind, Payload)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM outbox WHERE inquiry_id = $1 AND payload IS NOT NULL ORDER BY id"
        ))
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| decode_job(r).map(|j| (j.kind, j.payload)))
            .collect()
    }

    /// The stored route (how to answer) of an inquiry; None once purged. A route that does not
    /// decode into `R` is a corrupt row, never a silent default.
    pub async fn route<R: serde::de::DeserializeOwned>(
        &self,
        id: InquiryId,
    ) -> Result<Option<R>, StoreError> {
        let route: Option<Option<String>> =
            sqlx::query_scalar("SELECT route FROM inquiry_personal WHERE inquiry_id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        route
            .flatten()
            .map(|r| {
                serde_json::from_str(&r).map_err(|e| StoreError::CorruptRow {
                    table: "inquiry_personal",
                    row: id.0,
                    message: format!("route: {e}"),
                })
            })
            .transpose()
    }
}
