//! The indicator report: one SQL `GROUP BY` over the projection, then [`crate::indicators`].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use sqlx::Row;

use super::{Store, StoreError};
use crate::indicators::{compute, GroupAggregate, Indicators};

/// A report grouping column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    Facility,
    Kind,
    Channel,
    Topic,
    /// Month of receipt in Europe/Paris, `YYYY-MM`.
    Month,
    /// ISO week of receipt in Europe/Paris, `YYYY-Www`.
    Week,
    /// Actor of the first approval (empty when none).
    Agent,
}

impl GroupBy {
    pub const ALL: &'static [GroupBy] = &[
        GroupBy::Facility,
        GroupBy::Kind,
        GroupBy::Channel,
        GroupBy::Topic,
        GroupBy::Month,
        GroupBy::Week,
        GroupBy::Agent,
    ];

    /// The name used on the command line, in CSV headers and as the projection column.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Facility => "facility",
            GroupBy::Kind => "kind",
            GroupBy::Channel => "channel",
            GroupBy::Topic => "topic",
            GroupBy::Month => "month",
            GroupBy::Week => "week",
            GroupBy::Agent => "agent",
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GroupBy {
    type Err = crate::inquiry::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GroupBy::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == s.trim())
            .ok_or_else(|| crate::inquiry::UnknownValue {
                what: "report group",
                value: s.to_string(),
                expected: GroupBy::ALL
                    .iter()
                    .map(|g| g.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    /// First receipt date included (Paris).
    pub from: Option<NaiveDate>,
    /// Last receipt date included (Paris).
    pub to: Option<NaiveDate>,
    pub by: Vec<GroupBy>,
    /// The Paris date against which deadlines are judged for `overdue`.
    pub today: NaiveDate,
}

/// One line of the report: the group values (in `by` order) and the indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub groups: Vec<String>,
    pub indicators: Indicators,
}

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

/// Restricts a report to one facility, kind and/or channel (the dashboard's filters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// A facility id, or `""` for inquiries without a facility.
    pub facility: Option<String>,
    pub kind: Option<String>,
    pub channel: Option<String>,
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
        ("facility", &filter.facility),
        ("kind", &filter.kind),
        ("channel", &filter.channel),
    ] {
        if let Some(value) = value {
            values.push(value.clone());
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
