//! The domain's vocabulary, shared by every layer: what an inquiry is, how it is sorted, where it
//! stands, what happens to it and who did it.
//!
//! A mail, a chat message and a web form all become the same [`Message`] and get the same
//! [`Classification`]; identifiers here are the stable names that reports and labels rely on. The
//! store persists these types; adapters translate to and from them; none defines its own.

use std::fmt;

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
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier used in files, reports and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::inquiry::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::inquiry::UnknownValue {
                        what: $what,
                        value: s.to_string(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

mod actor;
mod event;
mod followup;
mod id;
mod message;
mod reject;
mod route;
mod status;
mod verb;

pub use actor::Actor;
pub use event::{
    agent_note, DraftText, DraftVersion, DraftedDetail, Event, EventType, SentDetail,
    UnknownEventType,
};
pub use followup::{FollowUp, FollowUpKind};
pub use id::{parse_reference, reference, InquiryId};
pub use message::{
    Address, AttachmentRef, AutomaticReason, Classification, Message, RequestTopic, SOFT_AUTOMATIC,
};
pub use reject::RejectReason;
pub use route::Route;
pub use status::{Outcome, Standing, Status};
pub use verb::{Action, Verb};

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
