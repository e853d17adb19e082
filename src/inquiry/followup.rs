//! What a citizen did after writing: a later mail in the thread, or an edit or deletion of the chat
//! message an inquiry came from. Kept beside the original, which never changes.

use chrono::{DateTime, Utc};

identifiers!(
    /// The kind of follow-up.
    FollowUpKind, "follow-up kind" {
        Mail => "mail",
        Edited => "edited",
        Deleted => "deleted",
    }
);

/// One follow-up of an inquiry (personal data, removed by purge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub kind: FollowUpKind,
    pub at: DateTime<Utc>,
    /// The new text: a mail's body, an edit's text (none for a deletion).
    pub text: Option<String>,
    /// Identity at the source of a mail follow-up (`imap:…`): attached once.
    pub source_key: Option<String>,
    pub message_id: Option<String>,
    pub from_email: Option<String>,
    pub subject: Option<String>,
}

impl FollowUp {
    /// An edit (with its new text) or a deletion of a chat message.
    pub fn chat(kind: FollowUpKind, text: Option<&str>, at: DateTime<Utc>) -> FollowUp {
        FollowUp {
            kind,
            at,
            text: text.map(str::to_string),
            source_key: None,
            message_id: None,
            from_email: None,
            subject: None,
        }
    }
}
