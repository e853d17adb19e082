//! Online backup of the ledger: SQLite's `VACUUM INTO` writes a consistent, compacted copy while
//! the service keeps running; PostgreSQL is backed up with its own tool (`pg_dump`).

use std::path::Path;

use super::{Backend, Store, StoreError};

impl Store {
    /// Writes a consistent copy of a SQLite ledger to `target` (which must not exist yet).
    /// Restoring is copying the file back in place while guichet is stopped.
    pub async fn backup_sqlite(&self, target: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl(
                "backup: use pg_dump for PostgreSQL (see README, Operations)".to_string(),
            ));
        }
        let target = target.to_string_lossy().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
