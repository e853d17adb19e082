//! Waiting for new mail with IMAP IDLE: a sync on every wake-up, IDLE re-issued well before the
//! server's 30-minute limit, dead connections detected (closed socket, or DONE unanswered), and
//! reconnection with exponential backoff and jitter, catching up on what arrived meanwhile.

use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use tokio::sync::watch;

use super::{connect, ImapError, Intake, MailboxState, Session};

/// Longest wait in IDLE before DONE + sync + IDLE again: also bounds how long a silently dead
/// connection can go unnoticed.
const MAX_IDLE_WAIT: Duration = Duration::from_secs(5 * 60);

/// Bound on DONE, and on a sync's first answer, before the connection is declared dead.
const DONE_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs intake until `shutdown` turns true: connect, catch up, IDLE, repeat on failure.
pub async fn run_idle(
    intake: &Intake,
    refresh: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ImapError> {
    let mut failures: u32 = 0;
    let health = &intake.pipeline.mailboxes;
    let name = intake.imap.key.as_str();
    loop {
        if *shutdown.borrow() {
            health.set(name, MailboxState::Stopped, None);
            return Ok(());
        }
        health.set(name, MailboxState::Connecting, None);
        let outcome = match connect(&intake.imap).await {
            Ok(session) => {
                failures = 0;
                idle_session(intake, session, refresh, &mut shutdown).await
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => {
                health.set(name, MailboxState::Stopped, None);
                return Ok(());
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let wait = backoff(failures);
                health.set(name, MailboxState::Lost, Some(e.to_string()));
                tracing::warn!(mailbox = name, error = %e, retry_in_ms = wait.as_millis() as u64, "IMAP connection lost");
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.changed() => return Ok(()),
                }
            }
        }
    }
}

/// One connection's life: catch up, then IDLE / sync until shutdown (Ok) or failure (Err).
async fn idle_session(
    intake: &Intake,
    mut session: Session,
    refresh: Duration,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), ImapError> {
    let health = &intake.pipeline.mailboxes;
    let name = intake.imap.key.as_str();
    health.set(name, MailboxState::Syncing, None);
    let report = intake.sync_until(&mut session, Some(shutdown)).await?;
    health.took_in(name, report.fetched, report.created);
    if *shutdown.borrow() {
        return Ok(());
    }
    tracing::info!(mailbox = name, ?report, "IMAP caught up, waiting with IDLE");
    loop {
        health.set(name, MailboxState::Idle, None);
        let mut handle = session.idle();
        handle.init().await?;
        let stopped = {
            let (wait, stop) = handle.wait_with_timeout(refresh.min(MAX_IDLE_WAIT));
            let stopped = tokio::select! {
                r = wait => match r? {
                    IdleResponse::NewData(_) | IdleResponse::Timeout => false,
                    // The stream ended: the server closed the connection.
                    IdleResponse::ManualInterrupt => return Err(ImapError::Protocol(async_imap::error::Error::ConnectionLost)),
                },
                _ = shutdown.changed() => true,
            };
            drop(stop);
            stopped
        };
        session = tokio::time::timeout(DONE_TIMEOUT, handle.done())
            .await
            .map_err(|_| ImapError::Timeout("IDLE DONE"))??;
        if stopped || *shutdown.borrow() {
            let _ = tokio::time::timeout(Duration::from_secs(5), session.logout()).await;
            return Ok(());
        }
        health.set(name, MailboxState::Syncing, None);
        let report = intake.sync_until(&mut session, Some(shutdown)).await?;
        health.took_in(name, report.fetched, report.created);
        if report.fetched > 0 {
            tracing::info!(mailbox = name, ?report, "new mail taken in");
        }
    }
}

/// 1 s, 2 s, 4 s… capped at 5 min, ± 25 % jitter.
pub fn backoff(failures: u32) -> Duration {
    let base = 1000_u64
        .saturating_mul(1 << failures.saturating_sub(1).min(9))
        .min(300_000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    let jitter = nanos % (base / 2 + 1);
    Duration::from_millis(base - base / 4 + jitter)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        for n in 1..20 {
            let d = backoff(n).as_millis() as u64;
            let base = (1000_u64 << (n - 1).min(9)).min(300_000);
            assert!(d >= base * 3 / 4 && d <= base * 5 / 4, "{n}: {d}");
        }
    }
}
