//! What the mail channel remembers: the IMAP cursor per mailbox (UIDVALIDITY, highest UID taken
//! in), fingerprints of mail taken in (exactly once across a resync), follow-ups attached to an
//! inquiry, and quarantined mail.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_secs, secs, Store, StoreError};
use crate::inquiry::{FollowUp, InquiryId};

/// Where intake stands in one mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailCursor {
    pub uidvalidity: u32,
    /// Every UID up to this one has been taken in.
    pub last_uid: u32,
    /// The very first start on this mailbox: mail before it minus the history window is history.
    pub first_started_at: DateTime<Utc>,
}

impl Store {
    /// The cursor of a mailbox, None before the first start.
    pub async fn mail_cursor(&self, mailbox: &str) -> Result<Option<MailCursor>, StoreError> {
        let row = sqlx::query(
            "SELECT uidvalidity, last_uid, first_started_at FROM mail_cursor WHERE mailbox = $1",
        )
        .bind(mailbox)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let to_u32 = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok(Some(MailCursor {
            uidvalidity: to_u32(row.try_get("uidvalidity")?),
            last_uid: to_u32(row.try_get("last_uid")?),
            first_started_at: from_secs(
                "mail_cursor (uidvalidity)",
                row.try_get("uidvalidity")?,
                row.try_get("first_started_at")?,
            )?,
        }))
    }

    /// Writes the cursor (a new UIDVALIDITY resets `last_uid`; the first start is kept).
    pub async fn set_mail_cursor(
        &self,
        mailbox: &str,
        cursor: &MailCursor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        cursor_write(mailbox, cursor, now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Remembers a mail's fingerprint; false when it was already known under another source key
    /// (the same mail seen again after a UIDVALIDITY change).
    pub async fn mark_mail_seen(
        &self,
        fingerprint: &str,
        source_key: &str,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO mail_seen (fingerprint, source_key) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING",
        )
        .bind(fingerprint)
        .bind(source_key)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(true);
        }
        let known: Option<String> =
            sqlx::query_scalar("SELECT source_key FROM mail_seen WHERE fingerprint = $1")
                .bind(fingerprint)
                .fetch_optional(&self.pool)
                .await?;
        Ok(known.as_deref() == Some(source_key))
    }

    /// The inquiry a Message-ID belongs to: the citizen's mail we took in, or one we sent.
    pub async fn inquiry_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<InquiryId>, StoreError> {
        let ours: Option<i64> =
            sqlx::query_scalar("SELECT inquiry_id FROM outbox WHERE message_id = $1")
                .bind(message_id)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(id) = ours {
            return Ok(Some(InquiryId(id)));
        }
        let theirs: Option<i64> = sqlx::query_scalar(
            "SELECT inquiry_id FROM inquiry_personal WHERE message_id = $1 ORDER BY inquiry_id LIMIT 1",
        )
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(theirs.map(InquiryId))
    }

    /// True when an inquiry with this id exists.
    pub async fn inquiry_exists(&self, id: InquiryId) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inquiries WHERE id = $1")
            .bind(id.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Attaches a follow-up once per source key; true when newly attached.
    pub async fn attach_followup(&self, id: InquiryId, f: &FollowUp) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO mail_followups (inquiry_id, source_key, received_at, message_id, from_email, subject, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_key) DO NOTHING",
        )
        .bind(id.0)
        .bind(f.source_key.clone())
        .bind(secs(f.at))
        .bind(f.message_id.clone())
        .bind(f.from_email.clone())
        .bind(f.subject.clone())
        .bind(f.text.clone())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Follow-ups of an inquiry, oldest first: (source key, body; None once purged).
    pub async fn mail_followups(
        &self,
        id: InquiryId,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT source_key, body FROM mail_followups WHERE inquiry_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("source_key")?, r.try_get("body")?)))
            .collect()
    }

    /// Sets aside a mail that cannot be read, with the reason (kept once per source key).
    pub async fn quarantine_mail(
        &self,
        source_key: &str,
        received_at: DateTime<Utc>,
        size: u64,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mail_quarantine (source_key, received_at, size, reason) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (source_key) DO NOTHING",
        )
        .bind(source_key)
        .bind(secs(received_at))
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Quarantined mail: (source key, reason).
    pub async fn quarantined_mail(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows =
            sqlx::query("SELECT source_key, reason FROM mail_quarantine ORDER BY source_key")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("source_key")?, r.try_get("reason")?)))
            .collect()
    }

    /// Inquiries of a channel whose source key starts with `prefix` (tests, health).
    pub async fn count_sources(&self, prefix: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM inquiries WHERE source_key LIKE $1")
                .bind(format!("{prefix}%"))
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// The statement writing a mailbox's cursor, for the pool or a batch's transaction.
pub(super) fn cursor_write<'q>(
    mailbox: &'q str,
    cursor: &MailCursor,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(
        "INSERT INTO mail_cursor (mailbox, uidvalidity, last_uid, first_started_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (mailbox) DO UPDATE SET \
         uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at",
    )
    .bind(mailbox)
    .bind(i64::from(cursor.uidvalidity))
    .bind(i64::from(cursor.last_uid))
    .bind(secs(cursor.first_started_at))
    .bind(secs(now))
}
