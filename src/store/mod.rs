//! The ledger database: inquiries, classifications, drafts, outbox, the append-only event log and
//! the indicator projection, behind one [`Store`] that speaks SQLite or PostgreSQL.
//!
//! Queries are written once (numbered `$n` placeholders work on both engines); what differs lives
//! in [`dialect`]. Personal data is kept in `inquiry_personal`, draft texts and outbox payloads
//! so that [`Store::purge`] can remove it without touching any indicator.

mod accuracy;
mod backup;
mod batch;
mod dialect;
mod discord;
mod facts;
mod followup;
mod import;
mod lock;
mod mail;
mod outbox;
mod overdue;
mod projection;
mod purge;
mod read;
mod rebuild;
mod record;
mod report;
mod search;
mod sessions;
mod survey;
mod types;
mod workflow;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use crate::calendar::Calendar;
use crate::engagement::Engagements;
// The domain types the store persists, named here once for its submodules (`super::InquiryId`).
use crate::inquiry::{DraftText, DraftVersion, Event, EventType, InquiryId, Status};

pub use batch::{MailBatch, ThreadIds, Unreadable};
pub use dialect::Backend;
pub use discord::ChatCursor;
pub use facts::{FactChange, NewProposal, Proposal};
pub use import::{parse_import_csv, ImportRow, ImportSummary, RowError};
pub use lock::NamedLock;
pub use mail::MailCursor;
pub use outbox::{
    claim_token, DiscordAck, DiscordPost, DiscordReply, Job, JobKind, MailMessage, NewJob, Payload,
    Snowflake, Step, MAX_REFERENCES,
};
pub use purge::{parse_retention, PurgeSummary, Retention, RetentionError};
pub use read::InquirySummary;
pub use search::{Found, SearchQuery};
pub use sessions::SessionRevocations;
pub use survey::{SatisfactionRow, SurveyComment, SurveyOutcome, MAX_COMMENT_CHARS};
pub use types::{NewInquiry, Recorded};

/// A database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot connect to {0}: {1}")]
    Connect(String, sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("no inquiry with id {0}")]
    NotFound(InquiryId),
    #[error("corrupt ledger row of inquiry {inquiry}: {message}")]
    Corrupt { inquiry: InquiryId, message: String },
    #[error("corrupt ledger row {row} ({table}): {message}")]
    CorruptRow {
        table: &'static str,
        row: i64,
        message: String,
    },
}

/// What the store needs to know to compute engagements and references.
pub struct StoreSettings {
    pub engagements: Engagements,
    pub calendar: Calendar,
    /// Prefix of human references (`VSGP`).
    pub reference_prefix: String,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            engagements: Engagements::embedded(),
            calendar: Calendar::new(false),
            reference_prefix: "VSGP".to_string(),
        }
    }
}

/// The ledger; cheap to clone (a pool and shared settings).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    settings: Arc<StoreSettings>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens (creating and migrating when needed) with the embedded engagements.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, StoreSettings::default()).await
    }

    /// Opens (creating and migrating when needed) with the given engagements and calendar.
    pub async fn open_with(url: &str, settings: StoreSettings) -> Result<Store, StoreError> {
        let (pool, backend) = dialect::connect(url).await?;
        let store = Store {
            pool,
            backend,
            settings: Arc::new(settings),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations; returns the versions and descriptions now applied.
    pub async fn migrate(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let migrator = self.backend.migrator();
        migrator.run(&self.pool).await?;
        Ok(migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Size of the database in bytes (SQLite file pages; `pg_database_size`).
    pub async fn database_size(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(self.backend.size_sql())
            .fetch_one(&self.pool)
            .await?)
    }

    /// Number of rows in the indicator projection (one per inquiry); a cheap baseline query.
    pub async fn count_facts(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM indicator_facts")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Closes every connection (tests drop their databases afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The human reference of an inquiry.
    pub fn reference(&self, id: InquiryId, received_at: DateTime<Utc>) -> String {
        crate::inquiry::reference(&self.settings.reference_prefix, id, received_at)
    }
}

/// Seconds since the epoch, the way every timestamp is stored.
fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Back from stored seconds; a value that is no time is a corrupt row of `table` (its id or
/// inquiry `row`), never a silent 1970.
fn from_secs(table: &'static str, row: i64, s: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(s, 0).ok_or_else(|| StoreError::CorruptRow {
        table,
        row,
        message: format!("{s} is not a time"),
    })
}

/// A JSON column of `inquiry_personal`: empty (purged, never set) is the empty value; anything
/// else must decode, or the row is corrupt.
fn json_or_empty<T: serde::de::DeserializeOwned + Default>(
    id: InquiryId,
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        inquiry: id,
        message: format!("{column}: {e}"),
    })
}
