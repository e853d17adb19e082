//! Reads the event log as labels for the sorting-accuracy fold ([`crate::learn::accuracy`]):
//! events and the projection only, no personal data, so the figures survive the purge.

use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::Row;

use super::{from_secs, EventType, InquiryId, Store, StoreError};
use crate::calendar::paris_date;
use crate::inquiry::{Kind, Topic};
use crate::learn::{judge, Judged, LabelStep, Labels};

/// Labels and reason as `received`, `classified`, `reassigned` and `rejected` details carry them.
#[derive(Debug, Deserialize)]
struct Detail {
    kind: Option<Kind>,
    facility: Option<String>,
    topic: Option<Topic>,
    #[serde(default)]
    rules: Vec<String>,
    reason: Option<String>,
}

impl Store {
    /// Every decided inquiry received between `from` and `to` (Paris dates, inclusive) judged
    /// from its events, in inquiry order.
    pub async fn judged_sortings(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<Judged>, StoreError> {
        let from = from.map_or_else(|| "0000-01-01".to_string(), |d| d.to_string());
        let to = to.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        let rows = sqlx::query(
            "SELECT e.inquiry_id, e.event_type, e.actor, e.at, e.detail FROM events e \
             JOIN indicator_facts f ON f.inquiry_id = e.inquiry_id \
             WHERE f.received_date >= $1 AND f.received_date <= $2 AND e.event_type IN \
             ('received', 'imported', 'classified', 'reassigned', 'approved', 'rejected', 'answered') \
             ORDER BY e.inquiry_id, e.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut judged = Vec::new();
        let mut steps: Vec<LabelStep> = Vec::new();
        let mut current: Option<i64> = None;
        for row in &rows {
            let id: i64 = row.try_get("inquiry_id")?;
            if current != Some(id) {
                if let Some(previous) = current {
                    judged.extend(judge(InquiryId(previous), &steps));
                }
                steps.clear();
                current = Some(id);
            }
            let corrupt = |message: String| StoreError::Corrupt {
                inquiry: InquiryId(id),
                message,
            };
            let name: String = row.try_get("event_type")?;
            let event: EventType = name.parse().map_err(|e| corrupt(format!("{e}")))?;
            let detail: String = row.try_get("detail")?;
            let d: Detail = serde_json::from_str(&detail)
                .map_err(|e| corrupt(format!("{event} event detail: {e}")))?;
            let labels = match (d.kind, d.topic) {
                (Some(kind), Some(topic)) => Some(Labels {
                    kind,
                    facility: d.facility.filter(|f| !f.is_empty()),
                    topic,
                }),
                _ => None,
            };
            steps.push(LabelStep {
                event,
                actor: row.try_get("actor")?,
                date: paris_date(from_secs("events", id, row.try_get("at")?)?),
                labels,
                rules: d.rules,
                reason: d.reason,
            });
        }
        if let Some(last) = current {
            judged.extend(judge(InquiryId(last), &steps));
        }
        Ok(judged)
    }
}

impl Store {
    /// The overall sorting accuracy of a period, optionally for one intake facility.
    pub async fn sorting_accuracy(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        facility: Option<&str>,
    ) -> Result<crate::learn::Tally, StoreError> {
        let judged = self.judged_sortings(from, to).await?;
        let kept = judged
            .iter()
            .filter(|j| facility.is_none_or(|f| j.intake.facility.as_deref() == Some(f)));
        Ok(crate::learn::AccuracyReport::of(kept, from, to).total)
    }
}
