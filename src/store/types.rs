//! Values the store takes and returns: inquiry ids, new inquiries, events, drafts.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::paris_date;
use crate::inquiry::{Channel, Classification, Message};

/// The database id of an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InquiryId(pub i64);

impl fmt::Display for InquiryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The human reference of an inquiry: `VSGP-2026-000042` (prefix, Paris year of receipt, id).
pub fn reference(prefix: &str, id: InquiryId, received_at: DateTime<Utc>) -> String {
    format!("{prefix}-{}-{:06}", paris_date(received_at).year(), id.0)
}

/// The id inside a reference made by [`reference`], whatever the prefix and year.
pub fn parse_reference(reference: &str) -> Option<InquiryId> {
    let digits = reference.rsplit('-').next()?;
    digits.parse::<i64>().ok().filter(|n| *n > 0).map(InquiryId)
}

/// An inquiry as it arrives from a channel.
#[derive(Debug, Clone)]
pub struct NewInquiry<'a> {
    pub channel: Channel,
    /// Stable identity at the source (`imap:INBOX:UIDVALIDITY:UID`, `msgid:<…>`, `discord:…`,
    /// `import:ID`): recording the same key twice yields the same inquiry.
    pub source_key: String,
    pub received_at: DateTime<Utc>,
    pub message: &'a Message,
    pub classification: &'a Classification,
    /// How to answer (JSON, see `crate::pipeline::Route`); personal data.
    pub route: Option<String>,
}

/// What [`crate::store::Store::record_inquiry`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: InquiryId,
    pub reference: String,
    /// False when the source key was already known (nothing was written).
    pub created: bool,
}

/// A reply draft as an agent or the template engine wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftText {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// A holding reply (a team must still decide): once sent, the inquiry stays open and the
    /// indicators do not count it as the answer. Kept in the `drafted`/`edited` event.
    pub holding: bool,
}

/// The detail of a `drafted` or `edited` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftedDetail {
    pub version: u32,
    #[serde(default)]
    pub holding: bool,
}

/// What a `sent` event says besides the message id: a holding reply is not the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct SentDetail {
    #[serde(default)]
    pub holding: bool,
}

/// One stored version of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftVersion {
    pub version: u32,
    /// `None` once purged.
    pub draft: Option<DraftText>,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// What happened to an inquiry; every status change is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    Received,
    Classified,
    Acknowledged,
    Drafted,
    Approved,
    Edited,
    Reassigned,
    Rejected,
    Sent,
    /// Answered outside guichet (by phone, by letter).
    Answered,
    Reopened,
    Automatic,
    Imported,
}

impl EventType {
    pub const ALL: &'static [EventType] = &[
        EventType::Received,
        EventType::Classified,
        EventType::Acknowledged,
        EventType::Drafted,
        EventType::Approved,
        EventType::Edited,
        EventType::Reassigned,
        EventType::Rejected,
        EventType::Sent,
        EventType::Answered,
        EventType::Reopened,
        EventType::Automatic,
        EventType::Imported,
    ];

    /// The stable name stored in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Received => "received",
            EventType::Classified => "classified",
            EventType::Acknowledged => "acknowledged",
            EventType::Drafted => "drafted",
            EventType::Approved => "approved",
            EventType::Edited => "edited",
            EventType::Reassigned => "reassigned",
            EventType::Rejected => "rejected",
            EventType::Sent => "sent",
            EventType::Answered => "answered",
            EventType::Reopened => "reopened",
            EventType::Automatic => "automatic",
            EventType::Imported => "imported",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored event type name that this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type `{0}`")]
pub struct UnknownEventType(pub String);

impl FromStr for EventType {
    type Err = UnknownEventType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .iter()
            .copied()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| UnknownEventType(s.to_string()))
    }
}

/// One entry of the append-only event log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub inquiry: InquiryId,
    pub event: EventType,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// Never personal data: identifiers and classification values only.
    pub detail: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn references_carry_year_and_padded_id() {
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        // 23:30 UTC on 31 December is already 2026 in Paris.
        assert_eq!(reference("VSGP", InquiryId(42), at), "VSGP-2026-000042");
        assert_eq!(parse_reference("VSGP-2026-000042"), Some(InquiryId(42)));
        assert_eq!(parse_reference("VSGP-2026-x"), None);
    }

    #[test]
    fn event_names_round_trip() {
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>(), Ok(*e));
        }
        assert!("sent ".parse::<EventType>().is_err());
    }
}
