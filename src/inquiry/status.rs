//! Where an inquiry stands in its life, which moves are allowed, and what a decision did.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::Actor;

/// The workflow state of an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Recorded; acknowledgement and draft not done yet (a crash here is resumed on start).
    Received,
    /// A draft waits for an agent.
    Drafted,
    /// An agent approved; the reply is in the outbox.
    Approved,
    /// The reply left.
    Sent,
    /// No reply needed (spam, duplicate, handled by phone, out of scope).
    Rejected,
    /// Automatic mail: never acknowledged, never answered.
    Automatic,
    /// Answered outside guichet (letter, phone) and recorded by an agent.
    Answered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Drafted => "drafted",
            Status::Approved => "approved",
            Status::Sent => "sent",
            Status::Rejected => "rejected",
            Status::Automatic => "automatic",
            Status::Answered => "answered",
        }
    }

    /// The states that wait for an agent's decision (a decision moves out of them).
    pub const OPEN: &'static [Status] = &[Status::Received, Status::Drafted];

    /// Still waiting for an agent's decision.
    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// The moves of an inquiry's life: intake drafts or sets aside, an agent decides, the outbox
    /// sends, a citizen's follow-up reopens (an automatic mail stays automatic).
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        match (self, to) {
            (Received, Drafted | Automatic) => true,
            (Received | Drafted, Approved | Rejected | Answered) => true,
            (Approved, Sent) => true,
            (Automatic, _) => false,
            (_, Received) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "received" => Status::Received,
            "drafted" => Status::Drafted,
            "approved" => Status::Approved,
            "sent" => Status::Sent,
            "rejected" => Status::Rejected,
            "automatic" => Status::Automatic,
            "answered" => Status::Answered,
            other => return Err(format!("unknown status `{other}`")),
        })
    }
}

/// Where an inquiry stands and who decided last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Standing {
    /// Who decided last, typed (its display name is what agents read).
    pub fn decider(&self) -> Option<Actor> {
        self.decided_by.as_deref().map(Actor::parse)
    }
}

/// The result of an agent's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// This decision won.
    Done,
    /// Somebody decided first (or the inquiry is not waiting for a decision).
    AlreadyDecided(Standing),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_leave_open_states_only_and_automatic_mail_stays_automatic() {
        assert!(Status::Drafted.can_become(Status::Approved));
        assert!(!Status::Sent.can_become(Status::Approved));
        assert!(Status::Sent.can_become(Status::Received));
        assert!(!Status::Automatic.can_become(Status::Received));
        for s in [Status::Received, Status::Drafted] {
            assert!(s.is_open());
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
    }
}
