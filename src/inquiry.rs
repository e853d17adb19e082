//! Domain types shared by every channel: what an inquiry is, how it is sorted, what happens to it.
//!
//! A mail, a chat message and a web form all become the same [`Message`] and get the same
//! [`Classification`]; identifiers here are the stable names that reports and labels rely on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An identifier was not one of the known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// Defines a closed set of stable, kebab-case identifiers with parsing and display.
macro_rules! identifiers {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier used in files, reports and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        what: $what,
                        value: s.to_string(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

identifiers!(
    /// How the citizen reached the territory (Qualivilles "mode d'accès").
    Channel, "channel" {
        Mail => "mail",
        Chat => "chat",
        Formulaire => "formulaire",
        Courrier => "courrier",
        Telephone => "telephone",
        Accueil => "accueil",
    }
);

identifiers!(
    /// The family of facility an inquiry is about.
    Kind, "kind" {
        Siege => "siege",
        Piscine => "piscine",
        Conservatoire => "conservatoire",
        Mediatheque => "mediatheque",
        Theatre => "theatre",
        Autre => "autre",
    }
);

identifiers!(
    /// What the citizen asks about.
    Topic, "topic" {
        Horaires => "horaires",
        Tarifs => "tarifs",
        Inscription => "inscription",
        Reservation => "reservation",
        Reclamation => "reclamation",
        ObjetPerdu => "objet-perdu",
        Autre => "autre",
    }
);

identifiers!(
    /// The language a citizen wrote in; French is the fallback.
    Lang, "language" {
        Fr => "fr",
        En => "en",
    }
);

/// A facility identifier from the catalogue (`piscine-pajeaud`, `siege`, …).
///
/// Parsing only checks the shape (lowercase ASCII letters, digits and dashes); whether the id exists
/// is the catalogue's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FacilityId(String);

/// A facility id with characters outside `[a-z0-9-]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid facility id `{0}`: use lowercase letters, digits and dashes")]
pub struct InvalidFacilityId(pub String);

impl FacilityId {
    pub fn parse(s: &str) -> Result<Self, InvalidFacilityId> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(FacilityId(s.to_string()))
        } else {
            Err(InvalidFacilityId(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FacilityId {
    type Error = InvalidFacilityId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        FacilityId::parse(&s)
    }
}

impl From<FacilityId> for String {
    fn from(id: FacilityId) -> String {
        id.0
    }
}

impl fmt::Display for FacilityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_through_text() {
        for topic in Topic::ALL {
            assert_eq!(topic.as_str().parse::<Topic>().unwrap(), *topic);
        }
        assert_eq!("objet-perdu".parse::<Topic>().unwrap(), Topic::ObjetPerdu);
        assert!("piscines".parse::<Kind>().is_err());
    }

    #[test]
    fn facility_ids_are_kebab_case() {
        assert!(FacilityId::parse("piscine-pajeaud").is_ok());
        assert!(FacilityId::parse("Piscine").is_err());
        assert!(FacilityId::parse("-x").is_err());
        assert!(FacilityId::parse("").is_err());
        assert!(FacilityId::parse("a b").is_err());
    }
}
