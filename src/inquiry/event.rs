//! What happens to an inquiry: the append-only event log's entries, and the draft texts agents
//! approve.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::InquiryId;

/// A reply draft as an agent or the template engine wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftText {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
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
    /// An automatic inquiry restored by an agent as a citizen's.
    Restored,
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
        EventType::Restored,
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
            EventType::Restored => "restored",
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

    #[test]
    fn event_names_round_trip() {
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>(), Ok(*e));
        }
        assert!("sent ".parse::<EventType>().is_err());
    }
}
