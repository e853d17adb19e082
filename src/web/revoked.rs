//! Ended sessions as this instance knows them: the ledger's revocations held in memory so that
//! the (synchronous) session check can see them, reloaded when older than [`REFRESH`] by the
//! first logged-in request that finds them stale, and updated at once by the logout that ends one.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::Session;
use crate::store::{SessionRevocations, Store};

/// How old the copy may get: another instance sees a logout or `end-sessions` within this time.
pub const REFRESH: Duration = Duration::from_secs(15);

#[derive(Default)]
pub(super) struct Revoked {
    known: RwLock<(Option<Instant>, SessionRevocations)>,
    /// One reload at a time.
    loading: tokio::sync::Mutex<()>,
}

impl Revoked {
    /// True unless the session was ended. Until the ledger has been read once, no session is
    /// accepted (fail closed).
    pub fn allows(&self, s: &Session) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        let (loaded, r) = &*known;
        loaded.is_some()
            && !r.nonces.contains(&s.nonce)
            && r.not_before.get(&s.name).is_none_or(|t| s.started() > *t)
    }

    /// Reloads from the ledger when the copy is older than [`REFRESH`]; a failure is logged and
    /// the next request tries again.
    pub async fn refresh_if_stale(&self, store: &Store) {
        let fresh = |k: &(Option<Instant>, SessionRevocations)| {
            k.0.is_some_and(|at| at.elapsed() < REFRESH)
        };
        if fresh(&self.known.read().unwrap_or_else(|e| e.into_inner())) {
            return;
        }
        let _one = self.loading.lock().await;
        if fresh(&self.known.read().unwrap_or_else(|e| e.into_inner())) {
            return;
        }
        match store.session_revocations(Utc::now()).await {
            Ok(r) => {
                *self.known.write().unwrap_or_else(|e| e.into_inner()) = (Some(Instant::now()), r)
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the ended web sessions"),
        }
    }

    /// A logout in this instance: refused here at once.
    pub fn add(&self, nonce: &str) {
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        known.1.nonces.insert(nonce.to_string());
    }
}
