//! The intake's bookkeeping within a batch: the mailbox's cursor, quarantined mail and the
//! fingerprints of mail already seen.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::rows::{self, insert_rows, list};
use super::{MailBatch, Unreadable};
use crate::store::{secs, MailCursor, StoreError};

impl MailBatch<'_> {
    /// Moves the mailbox's cursor. Written first: on SQLite the write lock is taken at once, so
    /// batches of two mailboxes queue on the busy timeout instead of failing a lock upgrade.
    pub async fn set_cursor(
        &mut self,
        mailbox: &str,
        cursor: &MailCursor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        crate::store::mail::cursor_write(mailbox, cursor, now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sets aside unreadable mail (once per source key).
    pub async fn quarantine(&mut self, rows: &[Unreadable]) -> Result<(), StoreError> {
        insert_rows(
            &mut self.tx,
            self.store.backend,
            "INSERT INTO mail_quarantine (source_key, received_at, size, reason) VALUES ",
            " ON CONFLICT (source_key) DO NOTHING",
            4,
            rows,
            |q, r| {
                q.bind(r.source_key.as_str())
                    .bind(secs(r.received_at))
                    .bind(i64::try_from(r.size).unwrap_or(i64::MAX))
                    .bind(r.reason.as_str())
            },
        )
        .await?;
        Ok(())
    }

    /// The source keys already remembered for these fingerprints.
    pub async fn seen(
        &mut self,
        fingerprints: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut known = HashMap::new();
        for chunk in fingerprints.chunks(rows::LIST_MAX) {
            let sql = format!(
                "SELECT fingerprint, source_key FROM mail_seen WHERE fingerprint IN {}",
                list(self.backend(), 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for f in chunk {
                q = q.bind(f.as_str());
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                known.insert(row.try_get("fingerprint")?, row.try_get("source_key")?);
            }
        }
        Ok(known)
    }

    /// Remembers (fingerprint, source key) pairs.
    pub async fn mark_seen(&mut self, rows: &[(String, String)]) -> Result<(), StoreError> {
        insert_rows(
            &mut self.tx,
            self.store.backend,
            "INSERT INTO mail_seen (fingerprint, source_key) VALUES ",
            " ON CONFLICT (fingerprint) DO NOTHING",
            2,
            rows,
            |q, (f, k)| q.bind(f.as_str()).bind(k.as_str()),
        )
        .await?;
        Ok(())
    }
}
