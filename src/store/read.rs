//! Reading one inquiry back: its header facts and its current classification.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_secs, InquiryId, Status, Store, StoreError};
use crate::inquiry::{Channel, Classification, FacilityId, Lang};

/// The non-personal facts of an inquiry.
#[derive(Debug, Clone, PartialEq)]
pub struct InquirySummary {
    pub id: InquiryId,
    pub reference: String,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub status: Status,
    pub classification: Classification,
}

impl Store {
    /// The summary of an inquiry, or `NotFound`.
    pub async fn summary(&self, id: InquiryId) -> Result<InquirySummary, StoreError> {
        let row = sqlx::query(
            "SELECT i.channel, i.received_at, i.status, c.kind, c.facility, c.topic, c.automatic, \
             c.automatic_reason, c.lang, c.rules, c.template \
             FROM inquiries i JOIN classifications c ON c.inquiry_id = i.id WHERE i.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(id))?;
        let corrupt = |message: String| StoreError::Corrupt {
            inquiry: id,
            message,
        };
        let text =
            |name: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(name)?) };
        let received_at = from_secs("inquiries", id.0, row.try_get("received_at")?)?;
        let facility: Option<String> = row.try_get("facility")?;
        let lang: String = text("lang")?;
        let rules: String = text("rules")?;
        let automatic: i64 = row
            .try_get::<i64, _>("automatic")
            .or_else(|_| row.try_get::<bool, _>("automatic").map(i64::from))?;
        let classification = Classification {
            kind: text("kind")?.parse().map_err(|e| corrupt(format!("{e}")))?,
            facility: facility
                .filter(|f| !f.is_empty())
                .map(|f| FacilityId::parse(&f).map_err(|e| corrupt(e.to_string())))
                .transpose()?,
            topic: text("topic")?
                .parse()
                .map_err(|e| corrupt(format!("{e}")))?,
            automatic: automatic != 0,
            automatic_reason: row.try_get("automatic_reason")?,
            lang: lang
                .parse::<Lang>()
                .map_err(|e| corrupt(format!("lang: {e}")))?,
            rules: serde_json::from_str(&rules).map_err(|e| corrupt(format!("rules: {e}")))?,
            template: row.try_get("template")?,
            requests: Vec::new(),
        };
        Ok(InquirySummary {
            id,
            reference: self.reference(id, received_at),
            channel: text("channel")?
                .parse()
                .map_err(|e| corrupt(format!("{e}")))?,
            received_at,
            status: text("status")?.parse().map_err(corrupt)?,
            classification,
        })
    }
}
