//! "Was this already delivered?": what a Discord job would have created, looked for in the
//! channel's recent messages before a retry. A message of ours matches by its nonce when the API
//! echoes it, otherwise by its exact text (a post starts with the inquiry's reference and draft
//! version; a reply part must also answer the message before it in the chain).

use serenity::all::{ChannelId, GetMessages, Http, Message, MessageId, Nonce};

use super::transport::classify;
use crate::pipeline::DeliveryError;

/// How many recent messages are looked at.
const RECENT: u8 = 100;

/// A message found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub id: u64,
}

/// Bot messages among the channel's latest [`RECENT`].
pub async fn recent_own(http: &Http, channel: ChannelId) -> Result<Vec<Message>, DeliveryError> {
    let page = channel
        .messages(http, GetMessages::new().limit(RECENT))
        .await
        .map_err(classify)?;
    Ok(page.into_iter().filter(|m| m.author.bot).collect())
}

fn nonce_is(m: &Message, nonce: &str) -> bool {
    matches!(&m.nonce, Some(Nonce::String(n)) if n == nonce)
}

fn same_text(m: &Message, text: &str) -> bool {
    m.content.trim() == text.trim()
}

/// The agents' post of a job among recent bot messages.
pub fn find_post(recent: &[Message], content: &str, nonce: &str) -> Option<Found> {
    recent
        .iter()
        .find(|m| nonce_is(m, nonce) || same_text(m, content))
        .map(|m| Found { id: m.id.get() })
}

/// One part of a reply (or acknowledgement) among recent bot messages: same nonce, or same text
/// answering `previous` (the message this part replies to).
pub fn find_part(
    recent: &[Message],
    text: &str,
    previous: Option<MessageId>,
    nonce: &str,
) -> Option<u64> {
    recent
        .iter()
        .find(|m| {
            nonce_is(m, nonce)
                || (same_text(m, text)
                    && match previous {
                        Some(p) => m
                            .message_reference
                            .as_ref()
                            .is_some_and(|r| r.message_id == Some(p)),
                        None => true,
                    })
        })
        .map(|m| m.id.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(id: u64, content: &str, reply_to: Option<u64>) -> Message {
        let mut m = json!({
            "id": id.to_string(), "channel_id": "1", "content": content,
            "author": { "id": "2", "username": "guichet", "discriminator": "0", "avatar": null, "bot": true },
            "timestamp": "2026-11-26T09:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": false, "type": 0,
        });
        if let Some(r) = reply_to {
            m["message_reference"] = json!({ "message_id": r.to_string(), "channel_id": "1" });
            m["type"] = json!(19);
        }
        serde_json::from_value(m).expect("a message")
    }

    #[test]
    fn a_post_is_found_by_its_text_and_a_part_only_in_its_chain() {
        let recent = vec![
            message(10, "**VSGP-2026-000001** · chat · brouillon v1\n…", None),
            message(11, "Bonjour,", Some(5)),
            message(12, "Bonjour,", Some(7)),
        ];
        assert_eq!(
            find_post(
                &recent,
                "**VSGP-2026-000001** · chat · brouillon v1\n…",
                "n"
            ),
            Some(Found { id: 10 })
        );
        assert_eq!(find_post(&recent, "**VSGP-2026-000002** ·", "n"), None);
        assert_eq!(
            find_part(&recent, "Bonjour,", Some(MessageId::new(7)), "n"),
            Some(12)
        );
        assert_eq!(
            find_part(&recent, "Bonjour,", Some(MessageId::new(8)), "n"),
            None
        );
    }
}
