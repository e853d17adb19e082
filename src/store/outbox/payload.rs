//! What an outbox job carries: one typed [`Payload`] per kind of outgoing message, written as
//! JSON with a `type` tag and read back into the same type (never a JSON value read by keys).
//! A payload that does not decode is a corrupt ledger row, reported as such.

use serde::{Deserialize, Serialize};

use crate::inquiry::Lang;

/// How many Message-IDs of a thread an outgoing mail's `References` keeps (the most recent):
/// a hostile mail may carry thousands, and RFC 5322 threading only needs the latest.
pub const MAX_REFERENCES: usize = 20;

/// The message of an outbox job, one variant per kind of outgoing message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// A mail (acknowledgement or reply) in the citizen's thread.
    Mail(MailMessage),
    /// A chat acknowledgement: in a thread under the citizen's message, or in the DM.
    DiscordAck(DiscordAck),
    /// A chat reply to the citizen's message.
    DiscordReply(DiscordReply),
    /// A draft posted to the agents' channel, with its buttons.
    DiscordPost(DiscordPost),
}

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailMessage {
    pub to: String,
    pub to_name: Option<String>,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The citizen's Message-ID (bare, as parsed), for `In-Reply-To` and the `\Answered` flag.
    pub in_reply_to: Option<String>,
    /// The thread, oldest first, at most [`MAX_REFERENCES`].
    #[serde(default)]
    pub references: Vec<String>,
    /// `auto-replied` on acknowledgements (RFC 3834).
    pub auto_submitted: Option<String>,
    pub lang: Option<Lang>,
}

impl MailMessage {
    /// The `References` of an answer to a mail: its own references then its Message-ID, keeping
    /// only the last [`MAX_REFERENCES`].
    pub fn thread(references: &[String], message_id: Option<&str>) -> Vec<String> {
        let mut refs: Vec<String> = references.to_vec();
        refs.extend(message_id.map(str::to_string));
        let skip = refs.len().saturating_sub(MAX_REFERENCES);
        refs.split_off(skip)
    }
}

/// A Discord snowflake, written as a string (JSON numbers lose precision above 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Snowflake(pub u64);

impl TryFrom<String> for Snowflake {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Snowflake)
            .ok_or_else(|| format!("`{s}` is not a Discord id"))
    }
}

impl From<Snowflake> for String {
    fn from(s: Snowflake) -> String {
        s.0.to_string()
    }
}

/// The acknowledgement of a chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscordAck {
    pub channel_id: Snowflake,
    pub message_id: Snowflake,
    /// A direct message: answered in place, no thread.
    #[serde(default)]
    pub dm: bool,
    pub thread_name: String,
    pub text: String,
}

/// The approved reply to a chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscordReply {
    pub channel_id: Snowflake,
    pub reply_to: Snowflake,
    pub text: String,
}

/// A draft posted to the agents' channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscordPost {
    pub channel_id: Snowflake,
    pub content: String,
}

impl Payload {
    /// The transport that delivers it (`mail`, `discord`).
    pub fn transport(&self) -> &'static str {
        match self {
            Payload::Mail(_) => "mail",
            Payload::DiscordAck(_) | Payload::DiscordReply(_) | Payload::DiscordPost(_) => {
                "discord"
            }
        }
    }

    /// The JSON written in the ledger.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a payload is plain data and always serialises")
    }

    /// Back from the ledger.
    pub fn from_json(s: &str) -> Result<Payload, serde_json::Error> {
        serde_json::from_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_only_its_last_twenty_references() {
        let refs: Vec<String> = (0..10_000).map(|i| format!("r{i}@x")).collect();
        let thread = MailMessage::thread(&refs, Some("m@x"));
        assert_eq!(thread.len(), MAX_REFERENCES);
        assert_eq!(thread.last().map(String::as_str), Some("m@x"));
        assert_eq!(thread[0], "r9981@x");
        assert_eq!(MailMessage::thread(&[], None), Vec::<String>::new());
    }

    #[test]
    fn payloads_round_trip_and_garbage_is_an_error() {
        let p = Payload::DiscordPost(DiscordPost {
            channel_id: Snowflake(123456789012345678),
            content: "brouillon".into(),
        });
        let json = p.to_json();
        assert!(json.contains("\"type\":\"discord_post\""), "{json}");
        assert!(json.contains("\"123456789012345678\""), "{json}");
        assert_eq!(Payload::from_json(&json).unwrap(), p);
        assert!(Payload::from_json("{\"to\": \"a@b\"}").is_err());
        assert!(Payload::from_json(
            "{\"type\":\"discord_post\",\"channel_id\":\"0\",\"content\":\"x\"}"
        )
        .is_err());
    }
}
