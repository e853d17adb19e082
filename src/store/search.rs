//! Finding inquiries for the agents' console: the open queue and the search form, plus the
//! counts that health checks and metrics read.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_secs, secs, InquiryId, Store, StoreError};
use crate::inquiry::{Channel, Kind, Status, Topic, UnknownValue};

/// What to look for; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Part of the citizen's mail address or name (case-insensitive).
    pub address: Option<String>,
    pub id: Option<InquiryId>,
    /// Part of the subject or text (case-insensitive for ASCII letters).
    pub text: Option<String>,
    pub kind: Option<Kind>,
    /// A facility id as typed in a form (an unknown one finds nothing).
    pub facility: Option<String>,
    pub statuses: Vec<Status>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive end of the period.
    pub to: Option<DateTime<Utc>>,
    /// Soonest deadline first (the queue) instead of newest first.
    pub by_deadline: bool,
    pub limit: i64,
}

/// One inquiry found, without its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: InquiryId,
    pub reference: String,
    pub channel: Channel,
    pub status: Status,
    pub kind: Kind,
    /// Empty when no facility was identified.
    pub facility: String,
    pub topic: Topic,
    pub received_at: DateTime<Utc>,
    /// Paris date (`AAAA-MM-JJ`) of the engagement's last day, when counted.
    pub deadline: Option<String>,
    pub subject: String,
}

fn like(s: &str) -> String {
    let escaped = s
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Inquiries matching `q`, at most `q.limit` (100 when zero).
    pub async fn search(&self, q: &SearchQuery) -> Result<Vec<Found>, StoreError> {
        let mut sql = String::from(
            "SELECT i.id, i.channel, i.received_at, i.status, c.kind, c.facility, c.topic, \
             f.deadline, p.subject FROM inquiries i \
             JOIN classifications c ON c.inquiry_id = i.id \
             LEFT JOIN indicator_facts f ON f.inquiry_id = i.id \
             LEFT JOIN inquiry_personal p ON p.inquiry_id = i.id WHERE 1 = 1",
        );
        let mut binds: Vec<Bind> = Vec::new();
        let mut n = 0;
        let mut next = |binds: &mut Vec<Bind>, value: Bind| {
            binds.push(value);
            n += 1;
            format!("${n}")
        };
        if let Some(a) = q.address.as_deref().filter(|a| !a.trim().is_empty()) {
            let p1 = next(&mut binds, Bind::Text(like(a)));
            let p2 = next(&mut binds, Bind::Text(like(a)));
            sql += &format!(
                " AND (LOWER(COALESCE(p.from_email, '')) LIKE {p1} ESCAPE '\\' \
                 OR LOWER(COALESCE(p.from_name, '')) LIKE {p2} ESCAPE '\\')"
            );
        }
        if let Some(id) = q.id {
            sql += &format!(" AND i.id = {}", next(&mut binds, Bind::Int(id.0)));
        }
        if let Some(t) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let p1 = next(&mut binds, Bind::Text(like(t)));
            let p2 = next(&mut binds, Bind::Text(like(t)));
            sql += &format!(
                " AND (LOWER(COALESCE(p.subject, '')) LIKE {p1} ESCAPE '\\' \
                 OR LOWER(COALESCE(p.body, '')) LIKE {p2} ESCAPE '\\')"
            );
        }
        if let Some(k) = q.kind {
            let p = next(&mut binds, Bind::Text(k.as_str().to_string()));
            sql += &format!(" AND c.kind = {p}");
        }
        if let Some(f) = q.facility.as_deref().filter(|f| !f.is_empty()) {
            let p = next(&mut binds, Bind::Text(f.to_string()));
            sql += &format!(" AND c.facility = {p}");
        }
        if !q.statuses.is_empty() {
            let list: Vec<String> = q
                .statuses
                .iter()
                .map(|s| next(&mut binds, Bind::Text(s.as_str().to_string())))
                .collect();
            sql += &format!(" AND i.status IN ({})", list.join(", "));
        }
        if let Some(from) = q.from {
            sql += &format!(
                " AND i.received_at >= {}",
                next(&mut binds, Bind::Int(secs(from)))
            );
        }
        if let Some(to) = q.to {
            sql += &format!(
                " AND i.received_at < {}",
                next(&mut binds, Bind::Int(secs(to)))
            );
        }
        sql += if q.by_deadline {
            " ORDER BY CASE WHEN f.deadline IS NULL THEN 1 ELSE 0 END, f.deadline, i.received_at, i.id"
        } else {
            " ORDER BY i.received_at DESC, i.id DESC"
        };
        let limit = if q.limit > 0 { q.limit } else { 100 };
        sql += &format!(" LIMIT {}", next(&mut binds, Bind::Int(limit)));
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                Bind::Text(s) => query.bind(s),
                Bind::Int(i) => query.bind(i),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let id = InquiryId(row.try_get("id")?);
                let received_at = from_secs("inquiries", id.0, row.try_get("received_at")?)?;
                let corrupt = |message: String| StoreError::Corrupt {
                    inquiry: id,
                    message,
                };
                let text = |name: &str| row.try_get::<String, _>(name);
                Ok(Found {
                    id,
                    reference: self.reference(id, received_at),
                    channel: text("channel")?
                        .parse()
                        .map_err(|e: UnknownValue| corrupt(e.to_string()))?,
                    status: text("status")?.parse().map_err(corrupt)?,
                    kind: text("kind")?
                        .parse()
                        .map_err(|e: UnknownValue| corrupt(e.to_string()))?,
                    facility: row
                        .try_get::<Option<String>, _>("facility")?
                        .unwrap_or_default(),
                    topic: text("topic")?
                        .parse()
                        .map_err(|e: UnknownValue| corrupt(e.to_string()))?,
                    received_at,
                    deadline: row.try_get("deadline")?,
                    subject: row
                        .try_get::<Option<String>, _>("subject")?
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// True when the database answers `SELECT 1`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Number of inquiries per (channel, status).
    pub async fn inquiry_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel, status, COUNT(*) AS n FROM inquiries \
             GROUP BY channel, status ORDER BY channel, status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("channel")?, r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}

enum Bind {
    Text(String),
    Int(i64),
}
