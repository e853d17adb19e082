//! The long-running service: channel tasks (IMAP intake, the mail outbox worker; Discord and web
//! later) under one shutdown signal. `serve` runs until SIGINT/SIGTERM; `sync_once` runs the same
//! units once (catch up, process, send what is due) and returns.

mod exclusive;

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;
use crate::mail::imap::{self, intake::IntakeOptions, ImapError, ImapSettings, Intake, SyncReport};
use crate::mail::smtp::{SmtpError, SmtpTransport};
use crate::pipeline::{deliver_due, Delivered, Pipeline, PipelineError};
use crate::store::StoreError;

/// The service stopped on an error.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Smtp(#[from] SmtpError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("task failed: {0}")]
    Task(String),
    #[error(
        "another instance is taking mail in from this mailbox (lock `{0}`): \
         `sync --once` does not run beside it; stop it or try again later"
    )]
    IntakeHeld(String),
}

/// How often the outbox worker looks for due jobs.
const OUTBOX_POLL: Duration = Duration::from_millis(500);

/// How long in-flight work may take to finish after the shutdown signal.
const GRACE: Duration = Duration::from_secs(30);

/// The mail channel's halves, built from the config: one intake per mailbox, one SMTP transport.
pub struct MailChannel {
    /// The first mailbox's intake (the only one of a single `imap_url`).
    pub intake: Intake,
    /// The other mailboxes' intakes (`[[mail.mailbox]]`), into the same pipeline.
    pub others: Vec<Intake>,
    pub transport: SmtpTransport,
    pub idle_refresh: Duration,
}

impl MailChannel {
    /// From `[mail]`: each mailbox's IMAP settings and default facility, intake options, SMTP
    /// transport (its Sent folder and token source are the first mailbox's).
    pub async fn from_config(config: &Config, pipeline: Pipeline) -> Result<Self, ServiceError> {
        let mut intakes = Vec::new();
        for m in config.mail.mailboxes() {
            let imap = ImapSettings::from_mailbox(&m)?;
            let facility = m
                .facility
                .as_deref()
                .map(|f| {
                    crate::inquiry::FacilityId::parse(f)
                        .map_err(|e| ImapError::Url(format!("mailbox {}: {e}", m.name)))
                })
                .transpose()?;
            pipeline.mailboxes.register(&imap.key);
            intakes.push(Intake {
                pipeline: pipeline.clone(),
                imap,
                options: IntakeOptions::from_config(&config.mail),
                facility,
            });
        }
        let mut intakes = intakes.into_iter();
        let intake = intakes.next().ok_or_else(|| {
            ImapError::Url("no imap_url (GUICHET_IMAP_URL) and no [[mail.mailbox]]".to_string())
        })?;
        let transport = SmtpTransport::from_config(&config.mail, Some(intake.imap.clone())).await?;
        Ok(MailChannel {
            intake,
            others: intakes.collect(),
            transport,
            idle_refresh: Duration::from_secs(config.mail.idle_refresh_secs.max(10)),
        })
    }

    /// Every mailbox's intake, the first one first.
    pub fn intakes(&self) -> impl Iterator<Item = &Intake> {
        std::iter::once(&self.intake).chain(self.others.iter())
    }
}

pub use exclusive::exclusively;

/// The name of the lock held by a mailbox's intake.
pub fn intake_lock(imap: &ImapSettings) -> String {
    format!(
        "imap:{}@{}:{}/{}",
        imap.user, imap.host, imap.port, imap.mailbox
    )
}

/// SIGINT or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// A channel task: runs until the watched flag turns true, then finishes its current unit.
pub type Task = std::pin::Pin<Box<dyn Future<Output = Result<(), ServiceError>> + Send>>;

/// Builds a task from the shutdown flag (how Discord and web join the service later).
pub type TaskFactory = Box<dyn FnOnce(watch::Receiver<bool>) -> Task + Send>;

/// Runs the mail channel until `shutdown` completes; see [`serve_with`].
pub async fn serve(
    mail: MailChannel,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServiceError> {
    let pipeline = mail.intake.pipeline.clone();
    serve_with(&pipeline, Some(mail), Vec::new(), shutdown).await
}

/// A task factory for a component that runs until a shutdown future completes (the Discord bot,
/// the web server): the shutdown flag becomes that future, and its error is named after `what`.
pub fn until_shutdown<F, Fut, E>(what: &'static str, run: F) -> TaskFactory
where
    F: FnOnce(std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display,
{
    Box::new(move |mut stop: watch::Receiver<bool>| {
        let stopped: std::pin::Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(async move {
            let _ = stop.wait_for(|s| *s).await;
        });
        Box::pin(async move {
            run(stopped)
                .await
                .map_err(|e| ServiceError::Task(format!("{what}: {e}")))
        })
    })
}

/// Runs every channel task until `shutdown` completes (or one task fails), then lets them finish
/// their current unit (a message being taken in, a job being sent) within a grace period; what is
/// still running then is abandoned safely (a claimed job's lease expires and it is retried, a
/// message not yet recorded is fetched again from the cursor). `Pipeline::resume` runs first.
pub async fn serve_with(
    pipeline: &Pipeline,
    mail: Option<MailChannel>,
    extra: Vec<TaskFactory>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServiceError> {
    let resumed = pipeline.resume(Utc::now()).await?;
    if resumed > 0 {
        tracing::info!(resumed, "inquiries left half-done advanced");
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks: JoinSet<Result<(), ServiceError>> = JoinSet::new();
    if let Some(MailChannel {
        intake,
        others,
        transport,
        idle_refresh,
    }) = mail
    {
        // One task per mailbox: a mailbox whose connection fails retries on its own while the
        // others keep taking mail in. One intake per mailbox at a time across instances; the
        // others wait to take over.
        for intake in std::iter::once(intake).chain(others) {
            let rx = stop_rx.clone();
            let store = pipeline.store.clone();
            tasks.spawn(async move {
                let name = intake_lock(&intake.imap);
                exclusively(&store, &name, rx, |stop| async {
                    Ok(imap::run_idle(&intake, idle_refresh, stop).await?)
                })
                .await
            });
        }
        let rx = stop_rx.clone();
        let store = pipeline.store.clone();
        tasks.spawn(async move { outbox_worker(&store, &transport, rx).await });
    }
    for factory in extra {
        tasks.spawn(factory(stop_rx.clone()));
    }

    tokio::pin!(shutdown);
    let mut result = Ok(());
    tokio::select! {
        _ = &mut shutdown => tracing::info!("shutdown requested"),
        Some(done) = tasks.join_next() => {
            result = flatten(done);
        }
    }
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(GRACE, async {
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = flatten(done) {
                tracing::error!(error = %e, "task ended with an error");
            }
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "grace period over: abandoning in-flight work (leases make it safe to retry)"
        );
        tasks.abort_all();
    }
    result
}

fn flatten(
    done: Result<Result<(), ServiceError>, tokio::task::JoinError>,
) -> Result<(), ServiceError> {
    done.map_err(|e| ServiceError::Task(e.to_string()))?
}

/// Delivers due mail jobs until shutdown; each pass is one `deliver_due` unit.
async fn outbox_worker(
    store: &crate::store::Store,
    transport: &SmtpTransport,
    mut stop: watch::Receiver<bool>,
) -> Result<(), ServiceError> {
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        match deliver_due(store, transport, Utc::now()).await {
            Ok(done) if !done.is_empty() => {
                tracing::info!(?done, "outbox pass");
                // Claims are small: take the next one at once while there is work.
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox pass failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(OUTBOX_POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

/// What `sync --once` did.
#[derive(Debug, Clone, Copy, Default)]
pub struct OnceReport {
    pub resumed: usize,
    pub intake: SyncReport,
    pub delivered: Delivered,
}

/// Connect, backfill or catch up, process, send what is due, return: the units `serve` runs.
pub async fn sync_once(mail: &MailChannel) -> Result<OnceReport, ServiceError> {
    let pipeline = &mail.intake.pipeline;
    let resumed = pipeline.resume(Utc::now()).await?;
    let mut intake = SyncReport::default();
    for one in mail.intakes() {
        // The same lock as `serve`'s intake: never two readers of one mailbox at once.
        let name = intake_lock(&one.imap);
        let Some(lock) = pipeline.store.try_lock(&name).await? else {
            return Err(ServiceError::IntakeHeld(name));
        };
        let mut session = imap::connect(&one.imap).await?;
        let r = one.sync(&mut session).await;
        let _ = session.logout().await;
        lock.release().await;
        intake.add(&r?);
    }
    let mut delivered = Delivered::default();
    loop {
        let pass = deliver_due(&pipeline.store, &mail.transport, Utc::now()).await?;
        delivered.sent += pass.sent;
        delivered.failed += pass.failed;
        delivered.retried += pass.retried;
        delivered.copied += pass.copied;
        if pass.sent + pass.failed + pass.copied == 0 {
            break;
        }
    }
    Ok(OnceReport {
        resumed,
        intake,
        delivered,
    })
}
