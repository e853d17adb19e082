//! What a report asks for and what it returns: groupings, filters, rows, and the overdue list.
//! Plain values: the store answers them, [`super::render`] presents them.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use super::Indicators;
use crate::inquiry::{Channel, FacilityId, InquiryId, Kind, Topic};

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

/// Restricts a report to one facility, kind and/or channel (the dashboard's filters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub facility: Option<FacilityId>,
    pub kind: Option<Kind>,
    pub channel: Option<Channel>,
}

/// One open inquiry close to or past its deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueItem {
    pub id: InquiryId,
    pub reference: String,
    pub channel: Channel,
    pub kind: Kind,
    /// Empty when no facility was identified.
    pub facility: String,
    pub topic: Topic,
    pub received_at: DateTime<Utc>,
    /// Last Paris date still within the engagement.
    pub deadline: NaiveDate,
    /// Negative once the deadline has passed.
    pub working_days_left: i64,
}
