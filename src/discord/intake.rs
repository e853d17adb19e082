//! Intake: a human message in a public channel (or a DM to the bot) becomes an inquiry through the
//! same pipeline as mail, and is acknowledged in a thread. Edits and deletions by the author are
//! recorded beside the original, which never changes.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, Message as DiscordMessage, MessageId, MessageUpdateEvent};

use super::{jobs, Data, DiscordError};
use crate::inquiry::{Address, Channel, FollowUp, FollowUpKind, Message};
use crate::pipeline::{ChatPlace, Incoming, Intake, Route};

/// What the bot needs of a Discord message (kept small so tests can build one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub message_id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_name: String,
    pub text: String,
    pub received_at: DateTime<Utc>,
}

/// The source key of a Discord message.
pub fn source_key(message_id: u64) -> String {
    format!("discord:{message_id}")
}

/// The pipeline's view of a chat message.
pub fn to_incoming(m: &ChatMessage) -> Incoming {
    let mut message = Message::chat(&m.text);
    message.from = Some(Address {
        name: Some(m.author_name.clone()).filter(|n| !n.trim().is_empty()),
        email: format!("discord:{}", m.author_id),
    });
    Incoming {
        channel: Channel::Chat,
        source_key: source_key(m.message_id),
        received_at: m.received_at,
        message,
        route: Route::Discord {
            channel_id: m.channel_id.to_string(),
            message_id: m.message_id.to_string(),
        },
        history: false,
    }
}

fn timestamp(t: &serenity::model::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

/// True when the bot reads this channel: a configured public channel, or a DM.
pub fn is_watched(data: &Data, channel: ChannelId, in_guild: bool) -> bool {
    !in_guild || data.settings.public_channels.contains(&channel)
}

/// A new message: recorded, acknowledged, drafted and posted to the agents (through the outbox).
pub async fn on_message(data: &Data, msg: &DiscordMessage) -> Result<(), DiscordError> {
    if msg.author.bot || msg.webhook_id.is_some() {
        return Ok(());
    }
    let in_guild = msg.guild_id.is_some();
    if !is_watched(data, msg.channel_id, in_guild) || msg.content.trim().is_empty() {
        return Ok(());
    }
    let chat = ChatMessage {
        message_id: msg.id.get(),
        channel_id: msg.channel_id.get(),
        author_id: msg.author.id.get(),
        author_name: msg
            .author
            .global_name
            .clone()
            .unwrap_or_else(|| msg.author.name.clone()),
        text: msg.content.clone(),
        received_at: timestamp(&msg.timestamp),
    };
    let now = Utc::now();
    let intake = data.pipeline.ingest(&to_incoming(&chat), now).await?;
    if let Intake::Created {
        id,
        reference,
        automatic: false,
        ..
    } = intake
    {
        tracing::info!(inquiry = id.0, %reference, "discord message recorded");
        let place = ChatPlace {
            channel_id: chat.channel_id,
            message_id: chat.message_id,
            dm: !in_guild,
        };
        data.pipeline.acknowledge_chat(id, place, now).await?;
        jobs::enqueue_post(data, id, now).await?;
        data.wake.notify_one();
    }
    Ok(())
}

/// An edit by the author: the new text is kept as a follow-up.
pub async fn on_update(data: &Data, event: &MessageUpdateEvent) -> Result<(), DiscordError> {
    if event.author.as_ref().is_some_and(|a| a.bot) {
        return Ok(());
    }
    let Some(text) = &event.content else {
        return Ok(()); // embeds resolved, pins: not an edit of the text
    };
    let edit = FollowUp::chat(FollowUpKind::Edited, Some(text), Utc::now());
    let source = source_key(event.id.get());
    if let Some(id) = data.pipeline.chat_follow_up(&source, &edit).await? {
        tracing::info!(inquiry = id.0, "citizen edited their discord message");
    }
    Ok(())
}

/// A deletion: recorded; the inquiry and its original text stay.
pub async fn on_delete(data: &Data, message: MessageId) -> Result<(), DiscordError> {
    let deletion = FollowUp::chat(FollowUpKind::Deleted, None, Utc::now());
    let source = source_key(message.get());
    if let Some(id) = data.pipeline.chat_follow_up(&source, &deletion).await? {
        tracing::info!(inquiry = id.0, "citizen deleted their discord message");
    }
    Ok(())
}
