//! One incoming message from any channel, reduced to what a careful agent would read, and the
//! result of sorting it.

use serde::{Deserialize, Serialize};

use super::{FacilityId, Kind, Lang, Topic};

/// A mail address with its display name, as the citizen gave it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub name: Option<String>,
    pub email: String,
}

/// An attachment kept by reference: never executed, never rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub filename: Option<String>,
    pub content_type: String,
    pub size: usize,
}

/// One incoming message from any channel, reduced to what a careful agent would read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub from: Option<Address>,
    /// Subject without reply/forward prefixes removed (the raw subject as decoded).
    pub subject: String,
    /// The new text a human wrote: quoted history and signature removed, the forwarded inquiry
    /// when the message only forwards one.
    pub body: String,
    /// Quoted history (previous messages of the thread), kept for context only.
    pub quoted: String,
    /// Signature block (names, addresses, phone numbers of the writer) — never the subject.
    pub signature: String,
    /// Header fields relevant to automatic-mail detection and threading, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The top-level MIME type, e.g. `multipart/report` for a delivery status notification.
    pub content_type: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// HTML part, sanitised (no scripts, no remote content), when the mail had one.
    pub html: Option<String>,
    pub attachments: Vec<AttachmentRef>,
    /// The message was above the size limit: only headers and the first part were read.
    pub too_large: bool,
}

impl Message {
    /// A chat message: the whole text is the body.
    pub fn chat(text: &str) -> Message {
        Message {
            body: text.trim().to_string(),
            content_type: "text/plain".to_string(),
            ..Message::default()
        }
    }

    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a message was recognised as automatic (never acknowledged, never answered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticReason(pub String);

/// The result of sorting one inquiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub kind: Kind,
    pub facility: Option<FacilityId>,
    pub topic: Topic,
    pub automatic: bool,
    /// Set when `automatic`: the header or pattern that gave it away.
    pub automatic_reason: Option<String>,
    pub lang: Lang,
    /// Ids of the rules that fired, in the order they were evaluated.
    pub rules: Vec<String>,
    /// Template chosen by the strongest rule, if any rule chose one.
    pub template: Option<String>,
    /// The citizen's requests, one per sentence, each with its own topic (empty when automatic
    /// or when read back from the store).
    #[serde(default)]
    pub requests: Vec<RequestTopic>,
}

/// Start of `automatic_reason` when only soft evidence (a subject or body phrase, no header) made
/// a mail automatic: agents see it in the "probablement automatique — à vérifier" list.
pub const SOFT_AUTOMATIC: &str = "probablement automatique : ";

impl Classification {
    /// Automatic on soft evidence only: listed for agents to check, restorable as an inquiry.
    pub fn soft_automatic(&self) -> bool {
        self.automatic
            && self
                .automatic_reason
                .as_deref()
                .is_some_and(|r| r.starts_with(SOFT_AUTOMATIC))
    }
}

/// One sentence of the citizen's text with the topic decided for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTopic {
    pub text: String,
    /// A question (direct or indirect), not a statement.
    pub question: bool,
    pub topic: Topic,
    /// Ids of the topic rules that matched in this sentence.
    pub rules: Vec<String>,
}
