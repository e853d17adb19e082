//! Open inquiries that have missed or are about to miss their engagement.

use chrono::{Duration, NaiveDate};
use sqlx::Row;

use super::{from_secs, InquiryId, Store, StoreError};
use crate::indicators::OverdueItem;

impl Store {
    /// Open counted inquiries whose deadline is at most `within` working days after `today`
    /// (so past deadlines too), soonest deadline first.
    pub async fn overdue(
        &self,
        today: NaiveDate,
        within: u32,
    ) -> Result<Vec<OverdueItem>, StoreError> {
        let cal = &self.settings.calendar;
        let mut horizon = today;
        let mut left = within;
        while left > 0 {
            horizon += Duration::days(1);
            if cal.is_working_day(horizon) {
                left -= 1;
            }
        }
        let rows = sqlx::query(
            "SELECT inquiry_id, channel, kind, facility, topic, received_at, deadline \
             FROM indicator_facts WHERE answered_at IS NULL AND counted = 1 AND deadline <= $1 \
             ORDER BY deadline, received_at, inquiry_id",
        )
        .bind(horizon.format("%Y-%m-%d").to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let id = InquiryId(row.try_get("inquiry_id")?);
                let corrupt = |message: String| StoreError::Corrupt {
                    inquiry: id,
                    message,
                };
                let text = |name: &str| -> Result<String, StoreError> { Ok(row.try_get(name)?) };
                let deadline = NaiveDate::parse_from_str(&text("deadline")?, "%Y-%m-%d")
                    .map_err(|e| corrupt(e.to_string()))?;
                let received_at = from_secs("inquiries", id.0, row.try_get("received_at")?)?;
                Ok(OverdueItem {
                    id,
                    reference: self.reference(id, received_at),
                    channel: text("channel")?
                        .parse()
                        .map_err(|e| corrupt(format!("{e}")))?,
                    kind: text("kind")?.parse().map_err(|e| corrupt(format!("{e}")))?,
                    facility: text("facility")?,
                    topic: text("topic")?
                        .parse()
                        .map_err(|e| corrupt(format!("{e}")))?,
                    received_at,
                    deadline,
                    working_days_left: cal.working_days_left(today, deadline),
                })
            })
            .collect()
    }
}
