//! Ended web sessions: the nonces of logged-out sessions until their expiry, and per account the
//! time before which every session is void (`guichet user end-sessions`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{secs, Store, StoreError};

/// What the web server must refuse besides expired or forged cookies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRevocations {
    /// Nonces of sessions ended by a logout (and not yet expired).
    pub nonces: HashSet<String>,
    /// Per account: sessions started at or before this time (seconds) are void.
    pub not_before: HashMap<String, i64>,
}

impl Store {
    /// Ends one session (a logout) until `expires_at`, when its cookie expires anyway; expired
    /// records are dropped on the way.
    pub async fn revoke_session(
        &self,
        nonce: &str,
        account: &str,
        expires_at: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_session_revocations WHERE expires_at < $1")
            .bind(secs(now))
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO web_session_revocations (nonce, account, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(nonce)
        .bind(account)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends every session of `account` started at or before `now`.
    pub async fn end_sessions(&self, account: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO web_account_sessions (account, not_before) VALUES ($1, $2) \
             ON CONFLICT (account) DO UPDATE SET not_before = excluded.not_before",
        )
        .bind(account)
        .bind(secs(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The revocations still in force at `now`.
    pub async fn session_revocations(
        &self,
        now: DateTime<Utc>,
    ) -> Result<SessionRevocations, StoreError> {
        let nonces =
            sqlx::query("SELECT nonce FROM web_session_revocations WHERE expires_at >= $1")
                .bind(secs(now))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("nonce"))
                .collect::<Result<_, _>>()?;
        let not_before = sqlx::query("SELECT account, not_before FROM web_account_sessions")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("account")?, r.try_get("not_before")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(SessionRevocations { nonces, not_before })
    }
}
