//! Why an agent rejects an inquiry (no reply needed): one list, offered by Discord and the web
//! console alike, stored by its French label.

use std::fmt;
use std::str::FromStr;

use super::UnknownValue;

/// A reason for rejecting an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    Spam,
    Doublon,
    TraiteParTelephone,
    HorsPerimetre,
}

impl RejectReason {
    /// Every reason, in the order the menus offer them.
    pub const ALL: &'static [RejectReason] = &[
        RejectReason::Spam,
        RejectReason::Doublon,
        RejectReason::TraiteParTelephone,
        RejectReason::HorsPerimetre,
    ];

    /// The label agents read, also the value stored in the ledger.
    pub fn label(self) -> &'static str {
        match self {
            RejectReason::Spam => "spam",
            RejectReason::Doublon => "doublon",
            RejectReason::TraiteParTelephone => "traité par téléphone",
            RejectReason::HorsPerimetre => "hors périmètre",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for RejectReason {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RejectReason::ALL
            .iter()
            .copied()
            .find(|r| r.label() == s)
            .ok_or_else(|| UnknownValue {
                what: "reject reason",
                value: s.to_string(),
                expected: RejectReason::ALL
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_parse_from_their_labels_only() {
        for r in RejectReason::ALL {
            assert_eq!(r.label().parse::<RejectReason>(), Ok(*r));
        }
        assert!("Spam".parse::<RejectReason>().is_err());
    }
}
