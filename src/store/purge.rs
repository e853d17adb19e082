//! RGPD retention: deletes or pseudonymises personal data of old inquiries; indicators stay.
//!
//! Removed: the message (`inquiry_personal`), draft subjects/texts/html, outbox payloads and
//! errors, survey comments. Kept: the inquiry row, its classification, the event log and the
//! projection, survey ratings, and a salted hash of the sender's address (to count repeat
//! requesters without knowing them).

use std::str::FromStr;

use chrono::{DateTime, Duration, Months, Utc};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::{secs, Store, StoreError};

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
    pub senders_pseudonymised: u64,
    pub drafts_cleared: u64,
    pub outbox_cleared: u64,
}

/// The per-database salt of sender hashes, created on first use.
async fn salt(conn: &mut AnyConnection) -> Result<String, StoreError> {
    let mut seed = Sha256::new();
    seed.update(format!("{:?}", std::time::SystemTime::now()));
    seed.update(std::process::id().to_le_bytes());
    seed.update(format!("{:p}", &seed));
    sqlx::query(
        "INSERT INTO ledger_settings (key, value) VALUES ('pseudonym_salt', $1) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(hex::encode(seed.finalize()))
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM ledger_settings WHERE key = 'pseudonym_salt'")
            .fetch_one(&mut *conn)
            .await?,
    )
}

const OLD: &str = "SELECT id FROM inquiries WHERE received_at < $1";

impl Store {
    /// Removes personal data of inquiries received before `cutoff`, in one transaction.
    pub async fn purge(&self, cutoff: DateTime<Utc>) -> Result<PurgeSummary, StoreError> {
        let mut tx = self.pool.begin().await?;
        let cut = secs(cutoff);
        let mut summary = PurgeSummary::default();
        let salt = salt(&mut tx).await?;
        let senders = sqlx::query(&format!(
            "SELECT inquiry_id, from_email FROM inquiry_personal \
             WHERE from_email IS NOT NULL AND inquiry_id IN ({OLD})"
        ))
        .bind(cut)
        .fetch_all(&mut *tx)
        .await?;
        for row in &senders {
            let id: i64 = row.try_get("inquiry_id")?;
            let email: String = row.try_get("from_email")?;
            let hash = Sha256::digest(format!("{salt}:{}", email.trim().to_lowercase()));
            sqlx::query("UPDATE inquiries SET sender_hash = $1 WHERE id = $2")
                .bind(hex::encode(hash))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            summary.senders_pseudonymised += 1;
        }
        let statements = [
            format!("DELETE FROM inquiry_personal WHERE inquiry_id IN ({OLD})"),
            format!(
                "UPDATE draft_versions SET subject = NULL, text = NULL, html = NULL \
                 WHERE (subject IS NOT NULL OR text IS NOT NULL OR html IS NOT NULL) \
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
        Ok(summary)
    }
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
