//! What the store takes and returns beyond the domain's own types: a new inquiry to record and
//! what recording it did.

use chrono::{DateTime, Utc};

use crate::inquiry::{Channel, Classification, InquiryId, Message};

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
