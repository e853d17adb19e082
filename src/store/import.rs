//! Importing history from before guichet: a CSV file validated whole, then written in one
//! transaction with batched multi-row inserts (nothing is written when any row is bad).
//!
//! Columns: `id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at`
//! (RFC 3339 timestamps; empty = not yet; facility may be empty). Idempotent by `id`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::projection::{self, Step};
use super::{secs, Backend, EventType, InquiryId, Store, StoreError};
use crate::inquiry::{Channel, FacilityId, Kind, Topic};

mod csv;

/// One valid row of an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Line of the file the row starts on (the header is line 1).
    pub line: usize,
    pub id: String,
    pub channel: Channel,
    pub kind: Kind,
    pub facility: Option<FacilityId>,
    pub topic: Topic,
    pub received_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// A rejected row: its line number and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct RowError {
    pub line: usize,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub imported: u64,
    /// Rows whose id had already been imported.
    pub already_present: u64,
}

pub use csv::parse_import_csv;

/// Rows per `INSERT` statement; full batches reuse one prepared statement.
const BATCH: usize = 1000;

impl Store {
    /// Writes validated rows in one transaction; ids already imported are skipped.
    pub async fn import(&self, rows: &[ImportRow]) -> Result<ImportSummary, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut summary = ImportSummary::default();
        let mut events = EventBuffer {
            backend: self.backend,
            rows: Vec::new(),
        };
        let now = secs(Utc::now());
        for chunk in rows.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO inquiries (source_key, channel, received_at, created_at, updated_at) \
                 VALUES {} ON CONFLICT (source_key) DO NOTHING RETURNING id, source_key",
                self.backend.values_sql(chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for row in chunk {
                q = q
                    .bind(format!("import:{}", row.id))
                    .bind(row.channel.as_str())
                    .bind(secs(row.received_at))
                    .bind(now)
                    .bind(now);
            }
            let mut ids = HashMap::new();
            for r in q.fetch_all(&mut *tx).await? {
                ids.insert(
                    r.try_get::<String, _>("source_key")?,
                    r.try_get::<i64, _>("id")?,
                );
            }
            let fresh: Vec<(InquiryId, &ImportRow)> = chunk
                .iter()
                .filter_map(|row| {
                    ids.get(&format!("import:{}", row.id))
                        .map(|id| (InquiryId(*id), row))
                })
                .collect();
            summary.imported += fresh.len() as u64;
            summary.already_present += (chunk.len() - fresh.len()) as u64;
            if fresh.is_empty() {
                continue;
            }
            insert_classifications(&mut tx, self.backend, &fresh).await?;
            let mut facts = Vec::with_capacity(fresh.len());
            for (id, row) in &fresh {
                let mut fact = None;
                for (event, at, detail) in steps(row) {
                    let step = Step {
                        event,
                        actor: "import",
                        at: secs(at),
                        detail: &detail,
                    };
                    fact = Some(projection::apply(*id, fact, &step)?);
                    events.push(*id, event, secs(at), detail.to_string());
                }
                if let Some(fact) = fact {
                    facts.push(fact.derive(&self.settings)?);
                }
            }
            events.flush(&mut tx, false).await?;
            projection::upsert(&mut tx, self.backend, &facts).await?;
        }
        events.flush(&mut tx, true).await?;
        tx.commit().await?;
        if summary.imported > 10_000 {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(summary)
    }
}

/// The events an imported row stands for: `imported`, then its timestamps.
fn steps(row: &ImportRow) -> Vec<(EventType, DateTime<Utc>, serde_json::Value)> {
    let mut out = vec![(
        EventType::Imported,
        row.received_at,
        json!({
            "channel": row.channel.as_str(),
            "kind": row.kind.as_str(),
            "facility": row.facility.as_ref().map(|f| f.as_str()),
            "topic": row.topic.as_str(),
        }),
    )];
    if let Some(at) = row.acknowledged_at {
        out.push((EventType::Acknowledged, at, json!({})));
    }
    if let Some(at) = row.answered_at {
        out.push((EventType::Answered, at, json!({})));
    }
    out
}

async fn insert_classifications(
    conn: &mut AnyConnection,
    backend: Backend,
    fresh: &[(InquiryId, &ImportRow)],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO classifications (inquiry_id, kind, facility, topic, automatic, lang, rules, \
         classified_at) VALUES {}",
        backend.values_sql(fresh.len(), 8)
    );
    let mut q = sqlx::query(&sql);
    for (id, row) in fresh {
        q = q
            .bind(id.0)
            .bind(row.kind.as_str())
            .bind(row.facility.as_ref().map(|f| f.as_str().to_string()))
            .bind(row.topic.as_str())
            .bind(0_i64)
            .bind("fr")
            .bind("[]")
            .bind(secs(row.received_at));
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Events waiting to be inserted, written in full batches of [`BATCH`].
struct EventBuffer {
    backend: Backend,
    rows: Vec<(InquiryId, EventType, i64, String)>,
}

impl EventBuffer {
    fn push(&mut self, id: InquiryId, event: EventType, at: i64, detail: String) {
        self.rows.push((id, event, at, detail));
    }

    async fn flush(&mut self, conn: &mut AnyConnection, all: bool) -> Result<(), StoreError> {
        while self.rows.len() >= BATCH || (all && !self.rows.is_empty()) {
            let n = self.rows.len().min(BATCH);
            let sql = format!(
                "INSERT INTO events (inquiry_id, event_type, actor, at, detail) VALUES {}",
                self.backend.values_sql(n, 5)
            );
            let mut q = sqlx::query(&sql);
            for (id, event, at, detail) in self.rows.drain(..n) {
                q = q
                    .bind(id.0)
                    .bind(event.as_str())
                    .bind("import")
                    .bind(at)
                    .bind(detail);
            }
            q.execute(&mut *conn).await?;
        }
        Ok(())
    }
}
