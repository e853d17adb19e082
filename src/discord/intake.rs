//! Intake: a human message in a public channel (or a DM to the bot) becomes an inquiry through the
//! same pipeline as mail, and is acknowledged in a thread. Edits and deletions by the author are
//! recorded beside the original, which never changes.

use chrono::{DateTime, Utc};
use serenity::all::{
    ChannelId, Message as DiscordMessage, MessageId, MessageType, MessageUpdateEvent,
};

use super::{catchup, jobs, Data, DiscordError};
use crate::inquiry::{Address, Channel, FollowUp, FollowUpKind, Message, Status};
use crate::pipeline::{ChatPlace, Incoming, Intake, Route};
use crate::store::ChatCursor;

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

/// A new message from the gateway: taken in (DMs have no guild).
pub async fn on_message(data: &Data, msg: &DiscordMessage) -> Result<(), DiscordError> {
    let dm = msg.guild_id.is_none();
    if !is_watched(data, msg.channel_id, !dm) {
        return Ok(());
    }
    take_in(data, msg, dm, Utc::now()).await
}

/// True for what a citizen writes: a human's plain message or reply with text (not a bot, a
/// webhook, a system message such as "thread created").
fn is_citizen_message(msg: &DiscordMessage) -> bool {
    !msg.author.bot
        && msg.webhook_id.is_none()
        && matches!(msg.kind, MessageType::Regular | MessageType::InlineReply)
        && !msg.content.trim().is_empty()
}

/// A message of a watched channel, from the gateway or read back by the catch-up: recorded,
/// acknowledged, drafted and posted to the agents (through the outbox), then the channel's cursor
/// moves past it. Idempotent by message id: taking the same message in twice does nothing more,
/// except writing a missing acknowledgement job (a crash between recording and the job).
/// Messages older than the catch-up window are history: recorded, never acknowledged.
pub async fn take_in(
    data: &Data,
    msg: &DiscordMessage,
    dm: bool,
    now: DateTime<Utc>,
) -> Result<(), DiscordError> {
    let _one_at_a_time = data.intake.lock().await;
    if is_citizen_message(msg) {
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
        let history = chat.received_at < now - catchup::window();
        let mut incoming = to_incoming(&chat);
        incoming.history = history;
        let acknowledge = match data.pipeline.ingest(&incoming, now).await? {
            Intake::Created {
                id,
                reference,
                automatic: false,
                ..
            } => {
                tracing::info!(inquiry = id.0, %reference, history, "discord message recorded");
                Some(id)
            }
            Intake::Duplicate { id } => {
                let s = data.pipeline.store.summary(id).await?;
                (s.status != Status::Automatic).then_some(id)
            }
            Intake::Created { .. } => None,
        };
        if let Some(id) = acknowledge.filter(|_| !history) {
            let place = ChatPlace {
                channel_id: chat.channel_id,
                message_id: chat.message_id,
                dm,
            };
            data.pipeline.acknowledge_chat(id, place, now).await?;
            jobs::enqueue_post(data, id, now).await?;
            data.wake.notify_one();
        }
    }
    let cursor = ChatCursor {
        channel_id: msg.channel_id.get(),
        dm,
        last_message_id: msg.id.get(),
    };
    data.pipeline
        .store
        .advance_chat_cursor(&cursor, now)
        .await?;
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
