//! Delivering outbox jobs: one unit of work (`deliver_due`) inside whatever loop the service runs,
//! through a [`Transport`] named after the outside system (SMTP, Discord, or files for the demo).

use std::future::Future;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::store::{Job, Store, StoreError};

/// A delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (server down, timeout).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Retrying will not help (invalid recipient, payload): the job is given up.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Sends jobs of one transport (`mail`, `discord`).
pub trait Transport: Send + Sync {
    /// The transport name jobs are addressed to.
    fn name(&self) -> &str;
    /// Delivers one job; a job with `attempts > 1` may already have left before a crash, and a
    /// transport that can tell (a copy in the Sent folder with the same Message-ID) must not send
    /// it again.
    fn deliver(
        &self,
        job: &Job,
    ) -> impl Future<Output = Result<serde_json::Value, DeliveryError>> + Send;
}

/// What one pass delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Delivered {
    pub fn is_empty(&self) -> bool {
        self.sent + self.retried + self.failed == 0
    }
}

/// Attempts before a job is given up (about two days with the backoff below).
const MAX_ATTEMPTS: i64 = 12;

/// Exponential backoff with jitter from the job id: 30 s, 1 min, 2 min… capped at 6 h.
fn backoff(job: &Job, now: DateTime<Utc>) -> DateTime<Utc> {
    let exp = job.attempts.clamp(1, 10) - 1;
    let base = 30_i64.saturating_mul(1 << exp).min(6 * 3600);
    let jitter = (job.id * 7919) % (base / 4 + 1);
    now + Duration::seconds(base + jitter)
}

/// Delivers every due job of the transport once; tests and loops call this unit.
pub async fn deliver_due<T: Transport>(
    store: &Store,
    transport: &T,
    now: DateTime<Utc>,
) -> Result<Delivered, StoreError> {
    let jobs = store
        .claim_jobs(transport.name(), now, Duration::minutes(5), 50)
        .await?;
    let mut done = Delivered::default();
    for job in jobs {
        match transport.deliver(&job).await {
            Ok(detail) => {
                store.complete_job(&job, now, detail).await?;
                done.sent += 1;
            }
            Err(DeliveryError::Temporary(e)) if job.attempts < MAX_ATTEMPTS => {
                tracing::warn!(job = job.id, attempts = job.attempts, error = %e, "delivery failed, will retry");
                store.fail_job(&job, &e, Some(backoff(&job, now))).await?;
                done.retried += 1;
            }
            Err(e) => {
                tracing::error!(job = job.id, error = %e, "delivery given up");
                store.fail_job(&job, &e.to_string(), None).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The demo's transport: every message is written as a file in a folder (nothing leaves the
/// machine). A job already written (same Message-ID) is not written twice.
#[derive(Debug, Clone)]
pub struct FileTransport {
    pub name: String,
    pub dir: PathBuf,
}

impl Transport for FileTransport {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, job: &Job) -> Result<serde_json::Value, DeliveryError> {
        let safe: String = job
            .message_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!("{safe}.txt"));
        if path.exists() {
            return Ok(serde_json::json!({ "file": path.display().to_string(), "already": true }));
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| DeliveryError::Temporary(e.to_string()))?;
        let p = &job.payload;
        let field = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let content = format!(
            "Message-ID: {}\nTo: {}\nSubject: {}\n\n{}",
            job.message_id,
            field("to"),
            field("subject"),
            field("text")
        );
        std::fs::write(&path, content).map_err(|e| DeliveryError::Temporary(e.to_string()))?;
        Ok(serde_json::json!({ "file": path.display().to_string() }))
    }
}
