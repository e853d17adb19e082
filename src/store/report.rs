//! The indicator report: one SQL `GROUP BY` over the projection, then [`crate::indicators`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::{Store, StoreError};
use crate::indicators::{compute, GroupAggregate, ReportFilter, ReportQuery, ReportRow};

const AGGREGATES: &str = "\
    COUNT(CASE WHEN counted = 1 THEN 1 END) AS received, \
    COUNT(CASE WHEN counted = 1 AND answered_at IS NOT NULL THEN 1 END) AS answered, \
    COUNT(CASE WHEN counted = 1 AND answer_delay <= engagement_days THEN 1 END) AS within_engagement, \
    COUNT(CASE WHEN counted = 1 AND ack_days IS NOT NULL THEN 1 END) AS acknowledgement_due, \
    COUNT(CASE WHEN counted = 1 AND ack_delay <= ack_days THEN 1 END) AS acknowledged_within, \
    COUNT(CASE WHEN counted = 1 AND answered_at IS NULL AND deadline < $1 THEN 1 END) AS overdue, \
    COUNT(CASE WHEN automatic = 1 THEN 1 END) AS automatic, \
    COUNT(CASE WHEN automatic = 0 AND rejected = 1 THEN 1 END) AS rejected";

fn count(row: &sqlx::any::AnyRow, name: &str) -> Result<u64, StoreError> {
    Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
}

/// The `WHERE` clause of a filtered query over `indicator_facts` and its values, numbered from
/// `$first`.
pub(crate) fn where_clause(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    filter: &ReportFilter,
    first: usize,
) -> (String, Vec<String>) {
    let mut values = Vec::new();
    let mut terms = Vec::new();
    for (date, op) in [(from, ">="), (to, "<=")] {
        if let Some(date) = date {
            values.push(date.format("%Y-%m-%d").to_string());
            terms.push(format!("received_date {op} ${}", first + values.len() - 1));
        }
    }
    for (column, value) in [
        ("facility", filter.facility.as_ref().map(|f| f.as_str())),
        ("kind", filter.kind.map(|k| k.as_str())),
        ("channel", filter.channel.map(|c| c.as_str())),
    ] {
        if let Some(value) = value {
            values.push(value.to_string());
            terms.push(format!("{column} = ${}", first + values.len() - 1));
        }
    }
    if terms.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", terms.join(" AND ")), values)
    }
}

impl Store {
    /// Indicators per group, sorted by group values; no `by` gives one total row.
    pub async fn report(&self, query: &ReportQuery) -> Result<Vec<ReportRow>, StoreError> {
        self.report_filtered(query, &ReportFilter::default()).await
    }

    /// [`Store::report`] restricted by a filter.
    pub async fn report_filtered(
        &self,
        query: &ReportQuery,
        filter: &ReportFilter,
    ) -> Result<Vec<ReportRow>, StoreError> {
        let groups: Vec<String> = query
            .by
            .iter()
            .enumerate()
            .map(|(i, g)| format!("{} AS g{i}", g.as_str()))
            .collect();
        let mut group_by: Vec<&str> = query.by.iter().map(|g| g.as_str()).collect();
        group_by.push("answer_delay");
        // Without bounds there is no WHERE at all: a full scan beats the date index.
        let (filter, bounds) = where_clause(query.from, query.to, filter, 2);
        let sql = format!(
            "SELECT {}answer_delay, {AGGREGATES} FROM indicator_facts {filter} GROUP BY {}",
            groups.iter().map(|g| format!("{g}, ")).collect::<String>(),
            group_by.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(query.today.format("%Y-%m-%d").to_string());
        for bound in bounds {
            q = q.bind(bound);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut merged: BTreeMap<Vec<String>, GroupAggregate> = BTreeMap::new();
        if query.by.is_empty() {
            merged.insert(Vec::new(), GroupAggregate::default());
        }
        for row in &rows {
            let key = (0..query.by.len())
                .map(|i| row.try_get::<String, _>(format!("g{i}").as_str()))
                .collect::<Result<Vec<_>, _>>()?;
            let mut part = GroupAggregate {
                received: count(row, "received")?,
                answered: count(row, "answered")?,
                within_engagement: count(row, "within_engagement")?,
                acknowledgement_due: count(row, "acknowledgement_due")?,
                acknowledged_within: count(row, "acknowledged_within")?,
                overdue: count(row, "overdue")?,
                automatic: count(row, "automatic")?,
                rejected: count(row, "rejected")?,
                ..GroupAggregate::default()
            };
            let delay: Option<i64> = row.try_get("answer_delay")?;
            if let Some(delay) = delay.and_then(|d| u32::try_from(d).ok()) {
                if part.answered > 0 {
                    part.delays.insert(delay, part.answered);
                }
            }
            merged.entry(key).or_default().merge(&part);
        }
        Ok(merged
            .into_iter()
            .map(|(groups, a)| ReportRow {
                groups,
                indicators: compute(&a),
            })
            .collect())
    }
}

impl Store {
    /// Answered counted inquiries per answer delay in working days (the delay distribution).
    pub async fn delay_histogram(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        filter: &ReportFilter,
    ) -> Result<BTreeMap<u32, u64>, StoreError> {
        let (clause, values) = where_clause(from, to, filter, 1);
        let extra = if clause.is_empty() { "WHERE" } else { " AND" };
        let sql = format!(
            "SELECT answer_delay, COUNT(*) AS n FROM indicator_facts {clause}{extra} \
             counted = 1 AND answered_at IS NOT NULL AND answer_delay IS NOT NULL \
             GROUP BY answer_delay"
        );
        let mut q = sqlx::query(&sql);
        for v in values {
            q = q.bind(v);
        }
        let mut out = BTreeMap::new();
        for row in q.fetch_all(&self.pool).await? {
            let delay: i64 = row.try_get("answer_delay")?;
            if let Ok(delay) = u32::try_from(delay) {
                *out.entry(delay).or_default() += count(&row, "n")?;
            }
        }
        Ok(out)
    }
}
