//! Where each mailbox's intake stands, for `/readyz` and `/metrics`: its IDLE task writes its
//! state on every transition, the web reads a snapshot. Names are configuration, never personal
//! data; errors are the connection's, never a mail's content.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// The state of one mailbox's intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxState {
    /// Another instance holds this mailbox's lock; this one waits to take over.
    Standby,
    Connecting,
    /// Catching up or taking in a wake-up's mail.
    Syncing,
    /// Caught up, waiting in IDLE.
    Idle,
    /// The connection failed; retrying with backoff.
    Lost,
    Stopped,
}

impl MailboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            MailboxState::Standby => "standby",
            MailboxState::Connecting => "connecting",
            MailboxState::Syncing => "syncing",
            MailboxState::Idle => "idle",
            MailboxState::Lost => "lost",
            MailboxState::Stopped => "stopped",
        }
    }

    /// Whether the mailbox counts as working for readiness.
    pub fn ok(self) -> bool {
        !matches!(self, MailboxState::Lost)
    }
}

/// One mailbox's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxStatus {
    pub state: MailboxState,
    pub since: DateTime<Utc>,
    pub last_error: Option<String>,
    /// Connections lost since start.
    pub failures: u64,
    /// Mails fetched since start.
    pub fetched: u64,
    /// New inquiries since start.
    pub created: u64,
}

/// The states of every mailbox of this process; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct MailboxHealth(Arc<Mutex<BTreeMap<String, MailboxStatus>>>);

impl MailboxHealth {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<String, MailboxStatus>) -> R) -> R {
        // A poisoned lock only means a panic elsewhere mid-update: the figures are still usable.
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut map)
    }

    fn entry<R>(&self, name: &str, f: impl FnOnce(&mut MailboxStatus) -> R) -> R {
        self.with(|map| {
            let status = map
                .entry(name.to_string())
                .or_insert_with(|| MailboxStatus {
                    state: MailboxState::Standby,
                    since: Utc::now(),
                    last_error: None,
                    failures: 0,
                    fetched: 0,
                    created: 0,
                });
            f(status)
        })
    }

    /// Declares a mailbox (standby until its task connects).
    pub fn register(&self, name: &str) {
        self.entry(name, |_| ());
    }

    /// A new state; `Lost` carries the error and counts a failure.
    pub fn set(&self, name: &str, state: MailboxState, error: Option<String>) {
        self.entry(name, |s| {
            if s.state != state {
                s.since = Utc::now();
            }
            if state == MailboxState::Lost {
                s.failures += 1;
            }
            if error.is_some() || state == MailboxState::Idle {
                s.last_error = error;
            }
            s.state = state;
        });
    }

    /// Counts what a sync took in.
    pub fn took_in(&self, name: &str, fetched: usize, created: usize) {
        self.entry(name, |s| {
            s.fetched += fetched as u64;
            s.created += created as u64;
        });
    }

    /// Every mailbox, by name.
    pub fn snapshot(&self) -> Vec<(String, MailboxStatus)> {
        self.with(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_counted_and_cleared_once_idle_again() {
        let h = MailboxHealth::default();
        h.register("accueil");
        h.set(
            "accueil",
            MailboxState::Lost,
            Some("connection reset".into()),
        );
        let (_, s) = &h.snapshot()[0];
        assert_eq!((s.state, s.failures), (MailboxState::Lost, 1));
        assert!(!s.state.ok());
        h.set("accueil", MailboxState::Idle, None);
        let (_, s) = &h.snapshot()[0];
        assert_eq!(
            (s.state, s.last_error.as_deref()),
            (MailboxState::Idle, None)
        );
    }
}
