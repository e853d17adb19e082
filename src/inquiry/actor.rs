//! Who did something to an inquiry: guichet itself, the citizen, an agent of the web console or
//! a Discord member. Stored as a stable key (`guichet`, `citizen`, `web:alex`, `discord:42`),
//! shown by a display name, never by the key.

use std::fmt;

/// The author of an event or a decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// guichet itself (intake, drafts, sending).
    System,
    /// The citizen (a follow-up that reopens an inquiry).
    Citizen,
    /// An account of the web console.
    Web { account: String },
    /// A Discord member, by user id.
    Discord { user_id: u64 },
    /// Anything else found in the ledger (imports, older versions, scripts): shown as stored.
    Other(String),
}

impl Actor {
    /// A web console account.
    pub fn web(account: &str) -> Actor {
        Actor::Web {
            account: account.to_string(),
        }
    }

    /// A Discord member.
    pub fn discord(user_id: u64) -> Actor {
        Actor::Discord { user_id }
    }

    /// Reads a stored key; an unknown shape is kept as [`Actor::Other`].
    pub fn parse(key: &str) -> Actor {
        if key == "guichet" {
            return Actor::System;
        }
        if key == "citizen" {
            return Actor::Citizen;
        }
        if let Some(account) = key.strip_prefix("web:").filter(|a| !a.is_empty()) {
            return Actor::web(account);
        }
        if let Some(id) = key.strip_prefix("discord:").and_then(|u| u.parse().ok()) {
            return Actor::discord(id);
        }
        Actor::Other(key.to_string())
    }

    /// The stable key written in the ledger.
    pub fn key(&self) -> String {
        match self {
            Actor::System => "guichet".to_string(),
            Actor::Citizen => "citizen".to_string(),
            Actor::Web { account } => format!("web:{account}"),
            Actor::Discord { user_id } => format!("discord:{user_id}"),
            Actor::Other(key) => key.clone(),
        }
    }

    /// The name an agent reads (outside Discord): the account name, never the key's prefix.
    pub fn display_name(&self) -> String {
        match self {
            Actor::System => "guichet".to_string(),
            Actor::Citizen => "l'usager".to_string(),
            Actor::Web { account } => account.clone(),
            Actor::Discord { user_id } => format!("membre Discord {user_id}"),
            Actor::Other(key) => key.clone(),
        }
    }

    /// The name shown in a Discord message: a mention for a Discord member, else the display name.
    pub fn mention(&self) -> String {
        match self {
            Actor::Discord { user_id } => format!("<@{user_id}>"),
            other => other.display_name(),
        }
    }
}

impl From<&str> for Actor {
    fn from(key: &str) -> Actor {
        Actor::parse(key)
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_names_drop_the_prefix() {
        for actor in [
            Actor::System,
            Actor::Citizen,
            Actor::web("alex"),
            Actor::discord(55),
            Actor::Other("import".into()),
        ] {
            assert_eq!(Actor::parse(&actor.key()), actor);
        }
        assert_eq!(Actor::parse("web:alex").display_name(), "alex");
        assert_eq!(Actor::parse("web:alex").mention(), "alex");
        assert_eq!(Actor::parse("discord:55").mention(), "<@55>");
        assert_eq!(Actor::parse("discord:x"), Actor::Other("discord:x".into()));
    }
}
