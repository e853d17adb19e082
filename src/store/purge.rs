//! RGPD retention: deletes personal data of old inquiries; indicators stay.
//!
//! Removed: the message (`inquiry_personal`), draft subjects/texts/html, outbox payloads,
//! recipients and errors, follow-ups, survey comments — and the sender hash of earlier versions
//! with its salt (a salt kept in the same database lets anyone match hashes back to addresses,
//! and nothing reads the hash). Kept: the inquiry row, its classification, the event log and
//! the projection, survey ratings.
//!
//! Erased, not only unlinked: on SQLite the purge runs with `secure_delete` (freed space is
//! zeroed), then the WAL is checkpointed and truncated, the file rebuilt (`VACUUM`, which drops
//! stale copies left by earlier updates) and checkpointed again, so neither `guichet.db` nor
//! its `-wal` holds the purged text. PostgreSQL: see the README (VACUUM makes the space reusable
//! but does not overwrite it).

use std::str::FromStr;

use chrono::{DateTime, Duration, Months, Utc};
use sqlx::{Connection, Executor};

use super::{secs, Backend, Store, StoreError};

/// How long personal data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Months(u32),
    Days(u32),
}

/// A retention period that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid retention `{0}`: use e.g. 24months, 2years or 730days")]
pub struct RetentionError(pub String);

/// Parses `24months`, `2years`, `730days` (singular and a space allowed).
pub fn parse_retention(s: &str) -> Result<Retention, RetentionError> {
    let err = || RetentionError(s.to_string());
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let n: u32 = t[..split].parse().map_err(|_| err())?;
    match t[split..].trim() {
        "month" | "months" => Ok(Retention::Months(n)),
        "year" | "years" => n.checked_mul(12).map(Retention::Months).ok_or_else(err),
        "day" | "days" => Ok(Retention::Days(n)),
        _ => Err(err()),
    }
}

impl FromStr for Retention {
    type Err = RetentionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_retention(s)
    }
}

impl Retention {
    /// The instant before which inquiries are purged.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Retention::Months(n) => now.checked_sub_months(Months::new(n)).unwrap_or(now),
            Retention::Days(n) => now - Duration::days(i64::from(n)),
        }
    }
}

/// What a purge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeSummary {
    /// Inquiries received before the cutoff and not purged before.
    pub inquiries: u64,
    pub messages_deleted: u64,
    /// Sender hashes of earlier versions dropped.
    pub sender_hashes_dropped: u64,
    pub drafts_cleared: u64,
    pub outbox_cleared: u64,
    /// SQLite: the file was rebuilt and its WAL truncated (false while another process kept a
    /// read open, see [`Store::compact`]).
    pub file_rewritten: bool,
}

const OLD: &str = "SELECT id FROM inquiries WHERE received_at < $1";

impl Store {
    /// Removes personal data of inquiries received before `cutoff`, in one transaction, then
    /// (SQLite) erases it from the file.
    pub async fn purge(&self, cutoff: DateTime<Utc>) -> Result<PurgeSummary, StoreError> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Sqlite {
            conn.execute("PRAGMA secure_delete = ON").await?;
        }
        let mut tx = conn.begin().await?;
        let cut = secs(cutoff);
        let mut summary = PurgeSummary {
            sender_hashes_dropped: sqlx::query(
                "UPDATE inquiries SET sender_hash = NULL WHERE sender_hash IS NOT NULL",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            ..PurgeSummary::default()
        };
        sqlx::query("DELETE FROM ledger_settings WHERE key = 'pseudonym_salt'")
            .execute(&mut *tx)
            .await?;
        let statements = [
            format!("DELETE FROM inquiry_personal WHERE inquiry_id IN ({OLD})"),
            format!(
                "UPDATE draft_versions SET subject = NULL, text = NULL, html = NULL, note = NULL \
                 WHERE (subject IS NOT NULL OR text IS NOT NULL OR html IS NOT NULL OR note IS NOT NULL) \
                 AND inquiry_id IN ({OLD})"
            ),
            format!(
                "UPDATE outbox SET payload = NULL, last_error = NULL, recipient = NULL \
                 WHERE (payload IS NOT NULL OR last_error IS NOT NULL OR recipient IS NOT NULL) AND inquiry_id IN ({OLD})"
            ),
        ];
        // Follow-up mails attached to old inquiries (mail channel): their text goes too.
        sqlx::query(&format!(
            "UPDATE mail_followups SET from_email = NULL, subject = NULL, body = NULL, message_id = NULL \
             WHERE body IS NOT NULL AND inquiry_id IN ({OLD})"
        ))
        .bind(cut)
        .execute(&mut *tx)
        .await?;
        let mut affected = [0_u64; 3];
        for (sql, n) in statements.iter().zip(affected.iter_mut()) {
            *n = sqlx::query(sql)
                .bind(cut)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        [
            summary.messages_deleted,
            summary.drafts_cleared,
            summary.outbox_cleared,
        ] = affected;
        // What citizens edited or deleted on Discord after writing (personal, like the message).
        sqlx::query(&format!(
            "DELETE FROM chat_followups WHERE inquiry_id IN ({OLD})"
        ))
        .bind(cut)
        .execute(&mut *tx)
        .await?;
        summary.inquiries = sqlx::query(
            "UPDATE inquiries SET purged_at = $2 WHERE received_at < $1 AND purged_at IS NULL",
        )
        .bind(cut)
        .bind(secs(Utc::now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // The survey comment is the only personal data of an answer; the rating stays.
        sqlx::query(&format!(
            "UPDATE survey_answers SET comment = NULL \
             WHERE comment IS NOT NULL AND inquiry_id IN ({OLD})"
        ))
        .bind(cut)
        .execute(&mut *tx)
        .await?;
        super::facts::purge_provenance(&mut tx, cut).await?;
        tx.commit().await?;
        drop(conn);
        summary.file_rewritten = self.compact().await?;
        Ok(summary)
    }

    /// SQLite: truncates the WAL, rebuilds the file without free pages (`VACUUM`, zeroing with
    /// `secure_delete`) and truncates the WAL again. False when a checkpoint could not finish
    /// (another process reading): the purged text may stay in the WAL until the next checkpoint.
    /// PostgreSQL: nothing (its VACUUM runs on its own and does not overwrite).
    pub async fn compact(&self) -> Result<bool, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        let mut conn = self.pool.acquire().await?;
        conn.execute("PRAGMA secure_delete = ON").await?;
        let first = checkpoint(&mut conn).await?;
        conn.execute("VACUUM").await?;
        let second = checkpoint(&mut conn).await?;
        Ok(first && second)
    }
}

/// `wal_checkpoint(TRUNCATE)`; true when it completed (not blocked by a reader).
async fn checkpoint(conn: &mut sqlx::AnyConnection) -> Result<bool, StoreError> {
    let busy: i64 = sqlx::query_scalar("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(conn)
        .await?;
    Ok(busy == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retention_forms() {
        assert_eq!(parse_retention("24months"), Ok(Retention::Months(24)));
        assert_eq!(parse_retention("2years"), Ok(Retention::Months(24)));
        assert_eq!(parse_retention("730days"), Ok(Retention::Days(730)));
        assert_eq!(parse_retention("1 year"), Ok(Retention::Months(12)));
        assert!(parse_retention("months").is_err());
        assert!(parse_retention("24").is_err());
        assert!(parse_retention("24weeks").is_err());
    }

    #[test]
    fn cutoff_counts_calendar_months() {
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap();
        let cut = Retention::Months(1).cutoff(now);
        assert_eq!(cut, Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap());
        let days = Retention::Days(730).cutoff(now);
        assert_eq!(days, Utc.with_ymd_and_hms(2024, 3, 31, 12, 0, 0).unwrap());
    }
}
