//! Named locks: one holder at a time for work that must not run twice at once (the IMAP intake
//! of a mailbox, a Discord gateway) when several `guichet serve` share a ledger. The others wait
//! and take over as soon as the holder is gone — at once, even after a SIGKILL, because the lock
//! lives as long as the holder's process: a PostgreSQL session advisory lock on a connection of
//! its own, or for SQLite (one machine by nature) an `flock(2)` on a file beside the database.
//! A lease row with a time-out would make a restarted instance wait the time-out out.
//!
//! Also the write transaction that cannot fail on a lock upgrade.

use sha2::Digest;
use sqlx::{Any, AnyConnection, Connection, Transaction};

use super::{Backend, Store, StoreError};

/// A held named lock; dropping it (or the process dying) releases it.
#[derive(Debug)]
pub struct NamedLock {
    name: String,
    held: Held,
}

#[derive(Debug)]
enum Held {
    /// PostgreSQL: the session holding `pg_advisory_lock`.
    Session(AnyConnection),
    /// SQLite: the open file holding `flock`.
    #[cfg(unix)]
    File(#[allow(dead_code)] std::fs::File),
    /// An in-memory SQLite ledger lives in one process only.
    Process,
}

/// A stable 64-bit key for a lock name (PostgreSQL advisory locks take numbers).
fn key(name: &str) -> i64 {
    let digest = sha2::Sha256::digest(format!("guichet-lock:{name}"));
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes of a SHA-256"))
}

impl NamedLock {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// False once the lock may have been lost (its PostgreSQL session died): the holder stops
    /// the work and asks for the lock again.
    pub async fn still_held(&mut self) -> bool {
        match &mut self.held {
            Held::Session(conn) => sqlx::query("SELECT 1").execute(&mut *conn).await.is_ok(),
            #[cfg(unix)]
            Held::File(_) => true,
            Held::Process => true,
        }
    }

    /// Gives the lock up now (a clean stop).
    pub async fn release(self) {
        if let Held::Session(conn) = self.held {
            let _ = conn.close().await;
        }
    }
}

impl Store {
    /// Takes the lock `name` if nobody holds it; None when another instance does.
    pub async fn try_lock(&self, name: &str) -> Result<Option<NamedLock>, StoreError> {
        let held = match self.backend {
            Backend::Postgres => {
                let mut conn = self.pool.acquire().await?.detach();
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(key(name))
                    .fetch_one(&mut conn)
                    .await?;
                if !got {
                    let _ = conn.close().await;
                    return Ok(None);
                }
                Held::Session(conn)
            }
            Backend::Sqlite => {
                let file: Option<String> =
                    sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                        .fetch_optional(&self.pool)
                        .await?;
                match file.filter(|f| !f.is_empty()) {
                    Some(db) => match lock_file(&db, name)? {
                        Some(held) => held,
                        None => return Ok(None),
                    },
                    None => Held::Process,
                }
            }
        };
        Ok(Some(NamedLock {
            name: name.to_string(),
            held,
        }))
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

#[cfg(unix)]
fn lock_file(db: &str, name: &str) -> Result<Option<Held>, StoreError> {
    use rustix::fs::{flock, FlockOperation};
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let path = std::path::PathBuf::from(format!("{db}.{safe}-{:x}.lock", key(name) as u64 >> 40));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Lock {
            path: path.clone(),
            source,
        })?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Some(Held::File(file))),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
        Err(e) => Err(StoreError::Lock {
            path,
            source: e.into(),
        }),
    }
}

#[cfg(not(unix))]
fn lock_file(_db: &str, _name: &str) -> Result<Option<Held>, StoreError> {
    // Without flock the lock is per process: run one instance per SQLite ledger.
    Ok(Some(Held::Process))
}
