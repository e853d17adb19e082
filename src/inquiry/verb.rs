//! What an agent's button or menu asks for, written in the `custom_id` of Discord components as
//! `g:{verb}:{inquiry}[:{post}]`: a closed set, parsed once.

use super::InquiryId;

identifiers!(
    /// The action behind a Discord button, menu or form.
    Verb, "button verb" {
        /// Approuver: send the draft as it is.
        Approve => "ok",
        /// Modifier: open the edit form.
        Edit => "edit",
        /// The edit form was submitted.
        Modal => "modal",
        /// Envoyer under the preview of an edited text: approve that draft version.
        Send => "send",
        /// Réaffecter: offer the kind and facility menus.
        Move => "move",
        /// A kind was chosen in the reassign menu.
        MoveKind => "movek",
        /// A facility was chosen in the reassign menu.
        MoveFacility => "movef",
        /// Rejeter: offer the reasons menu.
        No => "no",
        /// A reason was chosen in the reject menu.
        Reject => "reject",
        /// Restaurer: a mail taken for automatic on soft evidence becomes an inquiry.
        Restore => "restore",
    }
);

impl Verb {
    /// The `custom_id` of a component acting on an inquiry (and on the agents' post it edits).
    pub fn custom_id(self, inquiry: InquiryId, post: Option<u64>) -> String {
        match post {
            Some(post) => format!("g:{self}:{}:{post}", inquiry.0),
            None => format!("g:{self}:{}", inquiry.0),
        }
    }
}

/// A parsed `custom_id` written by guichet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    pub verb: Verb,
    pub inquiry: InquiryId,
    /// The agents' post the choice came from (menus opened from a post).
    pub post: Option<u64>,
    /// The draft version a confirmation approves (`g:send:{inquiry}:{post}:{version}`).
    pub version: Option<u32>,
}

impl Action {
    /// Reads `g:{verb}:{inquiry}[:{post}[:{version}]]`; anything else (another bot's id, a zero post) is None.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let mut parts = custom_id.split(':');
        if parts.next()? != "g" {
            return None;
        }
        let verb = parts.next()?.parse::<Verb>().ok()?;
        let inquiry = InquiryId(parts.next()?.parse().ok()?);
        let post = match parts.next() {
            Some(p) => Some(p.parse().ok().filter(|n| *n > 0)?),
            None => None,
        };
        let version = match parts.next() {
            Some(v) => Some(v.parse().ok()?),
            None => None,
        };
        Some(Action {
            verb,
            inquiry,
            post,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip() {
        let id = Verb::Reject.custom_id(InquiryId(42), Some(7));
        assert_eq!(id, "g:reject:42:7");
        let a = Action::parse(&id).unwrap();
        assert_eq!(
            (a.verb, a.inquiry, a.post),
            (Verb::Reject, InquiryId(42), Some(7))
        );
        assert!(Action::parse("g:dance:1").is_none());
    }
}
