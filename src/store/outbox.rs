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

mod claim;
mod delivered;
mod payload;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

pub use claim::Step;
pub use payload::{
    DiscordAck, DiscordPost, DiscordReply, MailMessage, Payload, Snowflake, MAX_REFERENCES,
};

use super::{secs, InquiryId, Store, StoreError};

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

impl Store {
    /// Writes a job unless one with the same Message-ID exists; true when written.
    pub async fn enqueue(&self, job: &NewJob, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_job(&mut conn, job, at).await
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
