//! Rebuilding the indicator projection from the event log alone.

use sqlx::Row;

use super::projection::{self, Fact, Step};
use super::{EventType, InquiryId, Store, StoreError};

/// Inquiry ids folded per round trip.
const SPAN: i64 = 20_000;

impl Store {
    /// Deletes the projection and folds every event again, in one transaction; returns the
    /// number of projection rows written.
    pub async fn rebuild_indicators(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM indicator_facts")
            .execute(&mut *tx)
            .await?;
        let bounds = sqlx::query("SELECT MIN(inquiry_id) AS lo, MAX(inquiry_id) AS hi FROM events")
            .fetch_one(&mut *tx)
            .await?;
        let (lo, hi): (Option<i64>, Option<i64>) = (bounds.try_get("lo")?, bounds.try_get("hi")?);
        let (Some(lo), Some(hi)) = (lo, hi) else {
            tx.commit().await?;
            return Ok(0);
        };
        let mut written = 0;
        let mut start = lo;
        while start <= hi {
            let rows = sqlx::query(
                "SELECT inquiry_id, event_type, actor, at, detail FROM events \
                 WHERE inquiry_id >= $1 AND inquiry_id < $2 ORDER BY inquiry_id, id",
            )
            .bind(start)
            .bind(start + SPAN)
            .fetch_all(&mut *tx)
            .await?;
            let mut facts = Vec::new();
            let mut current: Option<Fact> = None;
            for row in &rows {
                let id = InquiryId(row.try_get("inquiry_id")?);
                let corrupt = |message: String| StoreError::Corrupt {
                    inquiry: id,
                    message,
                };
                if current.as_ref().is_some_and(|f| f.inquiry != id) {
                    facts.extend(current.take());
                }
                let name: String = row.try_get("event_type")?;
                let event: EventType = name.parse().map_err(|e| corrupt(format!("{e}")))?;
                let detail: String = row.try_get("detail")?;
                let detail = serde_json::from_str(&detail).map_err(|e| corrupt(e.to_string()))?;
                let actor: String = row.try_get("actor")?;
                let step = Step {
                    event,
                    actor: &actor,
                    at: row.try_get("at")?,
                    detail: &detail,
                };
                current = Some(projection::apply(id, current.take(), &step)?);
            }
            facts.extend(current.take());
            written += facts.len() as u64;
            let derived: Vec<_> = facts
                .into_iter()
                .map(|f| f.derive(&self.settings))
                .collect::<Result<_, _>>()?;
            projection::upsert(&mut tx, self.backend, &derived).await?;
            start += SPAN;
        }
        tx.commit().await?;
        Ok(written)
    }
}
