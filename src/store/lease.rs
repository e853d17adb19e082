//! Named leases: one holder at a time for a piece of work that must not run twice (the IMAP
//! intake of a mailbox, a Discord gateway), on SQLite and PostgreSQL alike. A holder renews its
//! lease well before it ends (a heartbeat); when it dies, another instance takes over once the
//! lease has run out. Also the write transaction that cannot fail on a lock upgrade.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Transaction};

use super::{secs, Backend, Store, StoreError};

impl Store {
    /// Takes the lease `name` for `holder` until `now + ttl`, or renews it when `holder` already
    /// has it; true when `holder` holds it afterwards. One statement: two instances asking at
    /// once cannot both get it.
    pub async fn hold_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
             WHERE leases.holder = excluded.holder OR leases.until < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(secs(now + ttl))
        .bind(secs(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease up (a clean stop), so another instance takes over at once.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Who holds the lease now, if anyone.
    pub async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1 AND until >= $2")
                .bind(name)
                .bind(secs(now))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A transaction that writes: `BEGIN IMMEDIATE` on SQLite takes the write lock first, so a
    /// read followed by a write cannot fail with `database is locked` when another connection
    /// wrote in between (it waits its turn under the busy timeout instead).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }
}
