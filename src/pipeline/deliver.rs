//! Delivering outbox jobs: one unit of work (`deliver_due`) inside whatever loop the service runs,
//! through a [`Transport`] named after the outside system (SMTP, Discord, or files for the demo).
//!
//! Each job goes: claimed (a short lease renewed by a heartbeat while the pass runs) → looked up
//! by the transport when an earlier attempt may have left → recorded in flight (own commit) →
//! sent → recorded sent (one commit, at once) → its copy kept (Sent folder), a step retried on
//! its own. What remains is the instant between the server's acceptance and our commit.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;

use crate::store::{claim_token, Job, Payload, Step, Store, StoreError};

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

/// What a transport says about a delivery, kept in the event's detail.
pub type Receipt = serde_json::Value;

/// Sends jobs of one transport (`mail`, `discord`).
pub trait Transport: Send + Sync {
    /// The transport name jobs are addressed to.
    fn name(&self) -> &str;

    /// The recovery hook, called before sending a job whose earlier attempt began and never
    /// reported back ([`Job::may_have_left`]): `Some(receipt)` when the message is already there
    /// (it is recorded sent, not sent again), `None` when it certainly is not, an error when the
    /// transport cannot tell — the job then waits rather than risk a second copy. Mail looks
    /// for the Message-ID in the Sent folder; Discord in the channel's recent messages.
    fn find_delivered(
        &self,
        job: &Job,
    ) -> impl Future<Output = Result<Option<Receipt>, DeliveryError>> + Send;

    /// How many jobs (of different inquiries) may be in flight at once: more than 1 only when
    /// the transport takes concurrent calls and gains from them (its connection is shared).
    fn window(&self) -> usize {
        1
    }

    /// Delivers one job. Called only after the attempt was recorded in flight.
    fn deliver(&self, job: &Job) -> impl Future<Output = Result<Receipt, DeliveryError>> + Send;

    /// True when the transport keeps a copy of what it delivered (see [`Transport::keep_copy`]).
    fn keeps_copies(&self) -> bool {
        false
    }

    /// The step after a recorded delivery: a copy where [`Transport::find_delivered`] will look
    /// (the Sent folder), a flag on the citizen's message. Retried on its own; must be
    /// idempotent (it may run again after a crash).
    fn keep_copy(&self, _job: &Job) -> impl Future<Output = Result<(), DeliveryError>> + Send {
        async { Ok(()) }
    }
}

/// What one pass delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Copies kept (Sent folder) after an earlier delivery.
    pub copied: usize,
}

impl Delivered {
    pub fn is_empty(&self) -> bool {
        self.sent + self.retried + self.failed + self.copied == 0
    }

    fn add(&mut self, other: Delivered) {
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.copied += other.copied;
    }
}

/// Attempts before a job is given up (about two days with the backoff below).
const MAX_ATTEMPTS: i64 = 12;

/// How long a claim lasts without a heartbeat: a worker that dies releases its jobs this soon.
pub const LEASE: Duration = Duration::seconds(30);

/// How often a running pass renews its claims.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);

/// Jobs claimed at once (at least four windows' worth): few, so a crash holds few jobs back for
/// a lease.
pub const CLAIM_BATCH: i64 = 5;

/// Exponential backoff with jitter from the job id: 30 s, 1 min, 2 min… capped at 6 h.
fn backoff(job: &Job, attempts: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    let exp = attempts.clamp(1, 10) - 1;
    let base = 30_i64.saturating_mul(1 << exp).min(6 * 3600);
    let jitter = (job.id * 7919) % (base / 4 + 1);
    now + Duration::seconds(base + jitter)
}

/// Delivers one claim of due jobs of the transport and keeps the copies due (those left by
/// earlier passes, and those of this pass's deliveries as they are recorded); tests and loops
/// call this unit (a loop calls it again at once while it finds work).
///
/// Up to [`Transport::window`] inquiries have a job in flight at once; the jobs of one inquiry
/// leave one after the other, in order (an acknowledgement before its reply).
/// Each job keeps its own order of commits: in flight → sent → copy.
pub async fn deliver_due<T: Transport>(
    store: &Store,
    transport: &T,
    now: DateTime<Utc>,
) -> Result<Delivered, StoreError> {
    let token = claim_token();
    let started = Instant::now();
    let recorded = store.record_deliveries().await?;
    if recorded > 0 {
        tracing::info!(recorded, "deliveries recorded after a restart");
    }
    let window = transport.window().max(1);
    let batch = CLAIM_BATCH.max(4 * window as i64);
    let jobs = store
        .claim(Step::Send, transport.name(), &token, now, LEASE, batch)
        .await?;
    let copies = if transport.keeps_copies() {
        store
            .claim(Step::Copy, transport.name(), &token, now, LEASE, batch)
            .await?
    } else {
        Vec::new()
    };
    if jobs.is_empty() && copies.is_empty() {
        return Ok(Delivered::default());
    }
    // Deliveries recorded by this pass whose copy it keeps (it still holds their claim).
    let (recorded_tx, mut recorded_rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
    // After a ledger error no job is started; those in flight finish (none is cut mid-send).
    let failed = AtomicBool::new(false);
    let failed = &failed;
    let sends = async move {
        let mut done = Delivered::default();
        let mut first_error = None;
        let mut flights = futures::stream::iter(by_inquiry(jobs))
            .map(|group| {
                let recorded_tx = recorded_tx.clone();
                async move {
                    let mut done = Delivered::default();
                    for job in group {
                        if failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let (outcome, to_copy) = deliver_one(store, transport, job, now)
                            .await
                            .inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
                        done.add(outcome);
                        if let Some(job) = to_copy {
                            // The copy stage may have stopped on an error: the copy then waits
                            // for the lease, like after a crash.
                            let _ = recorded_tx.send(job);
                        }
                    }
                    Ok::<_, StoreError>(done)
                }
            })
            .buffer_unordered(window);
        while let Some(flight) = flights.next().await {
            match flight {
                Ok(d) => done.add(d),
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        drop(flights);
        drop(recorded_tx);
        first_error.map_or(Ok(done), Err)
    };
    let keeps = async {
        let mut done = Delivered::default();
        for job in copies {
            done.add(copy_one(store, transport, job, now).await?);
        }
        while let Some(job) = recorded_rx.recv().await {
            done.add(copy_one(store, transport, job, now).await?);
        }
        Ok::<_, StoreError>(done)
    };
    let pass = async {
        let (sent, copied) = tokio::join!(sends, keeps);
        let mut done = sent?;
        done.add(copied?);
        Ok(done)
    };
    with_heartbeat(store, &token, now, started, pass).await
}

/// Claimed jobs grouped by inquiry, in the order of their first job, each group in id order.
fn by_inquiry(jobs: Vec<Job>) -> Vec<Vec<Job>> {
    let mut groups: Vec<Vec<Job>> = Vec::new();
    for job in jobs {
        match groups.iter_mut().find(|g| g[0].inquiry == job.inquiry) {
            Some(group) => group.push(job),
            None => groups.push(vec![job]),
        }
    }
    groups
}

/// Runs `pass` while renewing the claims of `token` every [`HEARTBEAT`].
async fn with_heartbeat<F>(
    store: &Store,
    token: &str,
    now: DateTime<Utc>,
    started: Instant,
    pass: F,
) -> Result<Delivered, StoreError>
where
    F: Future<Output = Result<Delivered, StoreError>>,
{
    let beat = async {
        loop {
            tokio::time::sleep(HEARTBEAT).await;
            let elapsed = Duration::from_std(started.elapsed()).unwrap_or(LEASE);
            if let Err(e) = store.renew_claim(token, now + elapsed + LEASE).await {
                tracing::warn!(error = %e, "outbox heartbeat failed");
            }
        }
    };
    tokio::select! {
        done = pass => done,
        () = beat => unreachable!("the heartbeat never ends"),
    }
}

/// One job through its steps; with it the job when its copy is now this pass's to keep.
async fn deliver_one<T: Transport>(
    store: &Store,
    transport: &T,
    mut job: Job,
    now: DateTime<Utc>,
) -> Result<(Delivered, Option<Job>), StoreError> {
    let mut done = Delivered::default();
    let copy = transport.keeps_copies();
    if job.may_have_left() {
        match transport.find_delivered(&job).await {
            Ok(Some(receipt)) => {
                tracing::info!(job = job.id, "already delivered: recorded without sending");
                let first = store.mark_sent(&job, now, receipt, copy).await?;
                done.sent += 1;
                return Ok((done, (first && copy).then_some(job)));
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "cannot tell whether it left: waiting");
                let next = backoff(&job, job.attempts, now);
                store.fail_job(&job, &e.to_string(), Some(next)).await?;
                done.retried += 1;
                return Ok((done, None));
            }
        }
    }
    if !store.begin_attempt(&mut job, now).await? {
        tracing::warn!(
            job = job.id,
            "claim lost before sending: left to its new holder"
        );
        return Ok((done, None));
    }
    let mut to_copy = None;
    match transport.deliver(&job).await {
        Ok(receipt) => {
            let accepted = Instant::now();
            let first = store.mark_delivered(&job, now, copy).await?;
            // The one window left: between the server's acceptance and this commit.
            let window = accepted.elapsed();
            if first {
                store
                    .record_delivery(job.id, job.inquiry, job.kind, &job.message_id, now, receipt)
                    .await?;
            }
            tracing::info!(
                job = job.id,
                window_us = window.as_micros() as u64,
                "delivered"
            );
            done.sent += 1;
            to_copy = (first && copy).then_some(job);
        }
        Err(DeliveryError::Temporary(e)) if job.attempts < MAX_ATTEMPTS => {
            tracing::warn!(job = job.id, attempts = job.attempts, error = %e, "delivery failed, will retry");
            store
                .fail_job(&job, &e, Some(backoff(&job, job.attempts, now)))
                .await?;
            done.retried += 1;
        }
        Err(e) => {
            tracing::error!(job = job.id, error = %e, "delivery given up");
            store.fail_job(&job, &e.to_string(), None).await?;
            done.failed += 1;
        }
    }
    Ok((done, to_copy))
}

async fn copy_one<T: Transport>(
    store: &Store,
    transport: &T,
    job: Job,
    now: DateTime<Utc>,
) -> Result<Delivered, StoreError> {
    let mut done = Delivered::default();
    match transport.keep_copy(&job).await {
        Ok(()) => {
            store.copy_outcome(&job, Ok(())).await?;
            done.copied += 1;
        }
        Err(DeliveryError::Temporary(e)) if job.copy_attempts + 1 < MAX_ATTEMPTS => {
            tracing::warn!(job = job.id, error = %e, "copy after delivery failed, will retry");
            let next = backoff(&job, job.copy_attempts + 1, now);
            store.copy_outcome(&job, Err((&e, Some(next)))).await?;
        }
        Err(e) => {
            tracing::error!(job = job.id, error = %e, "copy after delivery given up");
            store
                .copy_outcome(&job, Err((&e.to_string(), None)))
                .await?;
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

impl FileTransport {
    fn path(&self, job: &Job) -> PathBuf {
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
        self.dir.join(format!("{safe}.txt"))
    }
}

impl Transport for FileTransport {
    fn name(&self) -> &str {
        &self.name
    }

    async fn find_delivered(&self, job: &Job) -> Result<Option<Receipt>, DeliveryError> {
        let path = self.path(job);
        Ok(path
            .exists()
            .then(|| serde_json::json!({ "file": path.display().to_string(), "already": true })))
    }

    async fn deliver(&self, job: &Job) -> Result<Receipt, DeliveryError> {
        let path = self.path(job);
        std::fs::create_dir_all(&self.dir).map_err(|e| DeliveryError::Temporary(e.to_string()))?;
        let (to, subject, text) = match &job.payload {
            Payload::Mail(m) => (m.to.as_str(), m.subject.as_str(), m.text.as_str()),
            Payload::DiscordAck(a) => ("", a.thread_name.as_str(), a.text.as_str()),
            Payload::DiscordReply(r) => ("", "", r.text.as_str()),
            Payload::DiscordPost(p) => ("", "", p.content.as_str()),
        };
        let content = format!(
            "Message-ID: {}\nTo: {to}\nSubject: {subject}\n\n{text}",
            job.message_id
        );
        std::fs::write(&path, content).map_err(|e| DeliveryError::Temporary(e.to_string()))?;
        Ok(serde_json::json!({ "file": path.display().to_string() }))
    }
}
