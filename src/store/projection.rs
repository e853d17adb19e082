//! The indicator projection: one row per inquiry folded from its events, with no personal data.
//!
//! The fold is order-independent where it matters (first answer, first acknowledgement, first
//! approval, latest classification), so appending events one by one and rebuilding from the
//! whole log give the same rows.

use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use sqlx::{AnyConnection, Row};

use super::{from_secs, secs, Backend, EventType, InquiryId, StoreError, StoreSettings};
use crate::calendar::paris_date;
use crate::inquiry::{Channel, Kind, Topic};

/// What the fold keeps per inquiry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fact {
    pub inquiry: InquiryId,
    pub channel: Channel,
    pub kind: Kind,
    pub facility: String,
    pub topic: Topic,
    pub received_at: i64,
    pub classified_at: Option<i64>,
    pub automatic: bool,
    pub rejected: bool,
    pub acknowledged_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub approved_at: Option<i64>,
    pub agent: String,
}

/// Classification values carried by `received`, `imported`, `classified` and `reassigned` details.
#[derive(Debug, Deserialize)]
struct Sorted {
    channel: Option<Channel>,
    kind: Kind,
    facility: Option<String>,
    topic: Topic,
}

/// One event as the fold sees it.
pub(crate) struct Step<'a> {
    pub event: EventType,
    pub actor: &'a str,
    pub at: i64,
    pub detail: &'a serde_json::Value,
}

fn earliest(current: Option<i64>, at: i64) -> Option<i64> {
    Some(current.map_or(at, |c| c.min(at)))
}

/// Applies one event; `None` before the `received`/`imported` event is an error.
pub(crate) fn apply(
    inquiry: InquiryId,
    fact: Option<Fact>,
    step: &Step<'_>,
) -> Result<Fact, StoreError> {
    let corrupt = |message: String| StoreError::Corrupt { inquiry, message };
    let sorted = || {
        Sorted::deserialize(step.detail)
            .map_err(|e| corrupt(format!("{} event detail: {e}", step.event)))
    };
    let mut fact = match (fact, step.event) {
        (None, EventType::Received | EventType::Imported) => {
            let s = sorted()?;
            let channel = s
                .channel
                .ok_or_else(|| corrupt(format!("{} event without channel", step.event)))?;
            return Ok(Fact {
                inquiry,
                channel,
                kind: s.kind,
                facility: s.facility.unwrap_or_default(),
                topic: s.topic,
                received_at: step.at,
                classified_at: Some(step.at),
                automatic: false,
                rejected: false,
                acknowledged_at: None,
                answered_at: None,
                approved_at: None,
                agent: String::new(),
            });
        }
        (None, other) => return Err(corrupt(format!("`{other}` event before `received`"))),
        (Some(fact), _) => fact,
    };
    match step.event {
        EventType::Received | EventType::Imported => {}
        EventType::Classified | EventType::Reassigned => {
            if fact.classified_at.is_none_or(|c| step.at >= c) {
                let s = sorted()?;
                fact.kind = s.kind;
                fact.facility = s.facility.unwrap_or_default();
                fact.topic = s.topic;
                fact.classified_at = Some(step.at);
            }
        }
        EventType::Acknowledged => fact.acknowledged_at = earliest(fact.acknowledged_at, step.at),
        EventType::Sent => {
            let sent = crate::inquiry::SentDetail::deserialize(step.detail)
                .map_err(|e| corrupt(format!("sent event detail: {e}")))?;
            // A holding reply is not the answer: the inquiry stays open for the indicators.
            if !sent.holding {
                fact.answered_at = earliest(fact.answered_at, step.at)
            }
        }
        EventType::Answered => fact.answered_at = earliest(fact.answered_at, step.at),
        EventType::Approved => {
            if fact.approved_at.is_none_or(|a| step.at < a) {
                fact.approved_at = Some(step.at);
                fact.agent = step.actor.to_string();
            }
        }
        EventType::Rejected => fact.rejected = true,
        EventType::Automatic => fact.automatic = true,
        EventType::Restored => fact.automatic = false,
        // A reopened inquiry keeps its first answer for the indicators.
        EventType::Reopened | EventType::Drafted | EventType::Edited => {}
    }
    Ok(fact)
}

/// The stored columns, in the order [`FactRow::bind`] binds them.
pub(crate) const COLUMNS: &[&str] = &[
    "inquiry_id",
    "channel",
    "kind",
    "facility",
    "topic",
    "received_at",
    "received_date",
    "month",
    "week",
    "counted",
    "automatic",
    "rejected",
    "classified_at",
    "engagement_days",
    "deadline",
    "ack_days",
    "acknowledged_at",
    "ack_delay",
    "answered_at",
    "answer_delay",
    "approved_at",
    "agent",
];

/// A fact with everything derived from the calendar and the engagements.
pub(crate) struct FactRow {
    fact: Fact,
    received_date: String,
    month: String,
    week: String,
    engagement_days: i64,
    deadline: String,
    ack_days: Option<i64>,
    ack_delay: Option<i64>,
    answer_delay: Option<i64>,
}

impl Fact {
    /// A time that cannot be decoded is a corrupt row of the inquiry, never 1970.
    pub(crate) fn derive(self, settings: &StoreSettings) -> Result<FactRow, StoreError> {
        let row = self.inquiry.0;
        let received: DateTime<Utc> = from_secs("inquiries", row, self.received_at)?;
        for t in [self.acknowledged_at, self.answered_at]
            .into_iter()
            .flatten()
        {
            from_secs("events", row, t)?;
        }
        let date = paris_date(received);
        let week = date.iso_week();
        let cal = &settings.calendar;
        let days = settings
            .engagements
            .answer_days(self.channel, self.kind, self.topic);
        let delay = |t: Option<i64>| {
            t.and_then(|t| DateTime::from_timestamp(t, 0))
                .map(|t| i64::from(cal.delay(received, t)))
        };
        Ok(FactRow {
            received_date: date.format("%Y-%m-%d").to_string(),
            month: date.format("%Y-%m").to_string(),
            week: format!("{:04}-W{:02}", week.year(), week.week()),
            engagement_days: i64::from(days),
            deadline: cal.deadline(received, days).format("%Y-%m-%d").to_string(),
            ack_days: settings
                .engagements
                .acknowledgement_days(self.channel)
                .map(i64::from),
            ack_delay: delay(self.acknowledged_at),
            answer_delay: delay(self.answered_at),
            fact: self,
        })
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl FactRow {
    pub(crate) fn bind<'q>(&self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        let f = &self.fact;
        q.bind(f.inquiry.0)
            .bind(f.channel.as_str())
            .bind(f.kind.as_str())
            .bind(f.facility.clone())
            .bind(f.topic.as_str())
            .bind(f.received_at)
            .bind(self.received_date.clone())
            .bind(self.month.clone())
            .bind(self.week.clone())
            .bind(i64::from(!f.automatic && !f.rejected))
            .bind(i64::from(f.automatic))
            .bind(i64::from(f.rejected))
            .bind(f.classified_at)
            .bind(self.engagement_days)
            .bind(self.deadline.clone())
            .bind(self.ack_days)
            .bind(f.acknowledged_at)
            .bind(self.ack_delay)
            .bind(f.answered_at)
            .bind(self.answer_delay)
            .bind(f.approved_at)
            .bind(f.agent.clone())
    }
}

/// Inserts or replaces facts (at most [`super::dialect::MAX_PARAMS`] / 22 rows per statement).
pub(crate) async fn upsert(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[FactRow],
) -> Result<(), StoreError> {
    let per = super::dialect::MAX_PARAMS / COLUMNS.len();
    let updates: Vec<String> = COLUMNS[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    for chunk in rows.chunks(per.min(500)) {
        let sql = format!(
            "INSERT INTO indicator_facts ({}) VALUES {} ON CONFLICT (inquiry_id) DO UPDATE SET {}",
            COLUMNS.join(", "),
            backend.values_sql(chunk.len(), COLUMNS.len()),
            updates.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for row in chunk {
            q = row.bind(q);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The current fact of one inquiry, if it has one.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    inquiry: InquiryId,
) -> Result<Option<Fact>, StoreError> {
    let row = sqlx::query(
        "SELECT channel, kind, facility, topic, received_at, classified_at, automatic, rejected, \
         acknowledged_at, answered_at, approved_at, agent FROM indicator_facts WHERE inquiry_id = $1",
    )
    .bind(inquiry.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let corrupt = |message: String| StoreError::Corrupt { inquiry, message };
    let text = |name: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(name)?) };
    Ok(Some(Fact {
        inquiry,
        channel: text("channel")?
            .parse()
            .map_err(|e| corrupt(format!("{e}")))?,
        kind: text("kind")?.parse().map_err(|e| corrupt(format!("{e}")))?,
        facility: text("facility")?,
        topic: text("topic")?
            .parse()
            .map_err(|e| corrupt(format!("{e}")))?,
        received_at: row.try_get("received_at")?,
        classified_at: row.try_get("classified_at")?,
        automatic: row.try_get::<i64, _>("automatic")? != 0,
        rejected: row.try_get::<i64, _>("rejected")? != 0,
        acknowledged_at: row.try_get("acknowledged_at")?,
        answered_at: row.try_get("answered_at")?,
        approved_at: row.try_get("approved_at")?,
        agent: text("agent")?,
    }))
}

/// Seconds of a timestamp (re-exported for the fold's callers).
pub(crate) fn at(t: DateTime<Utc>) -> i64 {
    secs(t)
}
