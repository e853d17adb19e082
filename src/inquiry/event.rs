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
    /// A holding reply (a team must still decide): once sent, the inquiry stays open and the
    /// indicators do not count it as the answer. Kept in the `drafted`/`edited` event.
    pub holding: bool,
    /// For the agent only (Discord card, console): which FAQ entry answered which sentence,
    /// assumptions, catalogue notes. Never sent to the citizen; empty for an agent's own text.
    /// Kept with the draft version (it quotes the citizen: erased by the purge).
    pub note: Vec<String>,
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

/// The note for the agent of the latest draft that has one (an agent's edit has none: the note of
/// the draft it was made from still explains it), with that draft's version.
pub fn agent_note(versions: &[DraftVersion]) -> Option<(u32, &[String])> {
    versions.iter().rev().find_map(|v| {
        v.draft
            .as_ref()
            .filter(|d| !d.note.is_empty())
            .map(|d| (v.version, d.note.as_slice()))
    })
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
    fn the_agent_note_is_the_latest_one_written() {
        let version = |n: u32, note: &[&str]| DraftVersion {
            version: n,
            draft: Some(DraftText {
                note: note.iter().map(|s| s.to_string()).collect(),
                ..DraftText::default()
            }),
            author: "guichet".into(),
            created_at: DateTime::<Utc>::default(),
        };
        assert_eq!(agent_note(&[]), None);
        let versions = [version(1, &["a"]), version(2, &["b"]), version(3, &[])];
        assert_eq!(agent_note(&versions), Some((2, &["b".to_string()][..])));
    }

    #[test]
    fn event_names_round_trip() {
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>(), Ok(*e));
        }
        assert!("sent ".parse::<EventType>().is_err());
    }
}
