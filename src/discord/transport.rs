//! The Discord [`Transport`]: delivers the outbox jobs addressed to `discord` — acknowledgements
//! (a thread under the citizen's message), chat replies, and posts to the agents' channels. Every
//! message goes out with empty `allowed_mentions`, so nothing can ping anyone.

use std::sync::Arc;

use serde_json::{json, Value};
use serenity::all::{
    ChannelId, CreateAllowedMentions, CreateMessage, CreateThread, Http, MessageId,
};

use super::post::{buttons, split_message, MAX_CONTENT};
use crate::draft::render::text_to_markdown;
use crate::pipeline::{DeliveryError, Receipt, Transport};
use crate::store::{DiscordAck, DiscordPost, DiscordReply, Job, Payload};

/// Sends `discord` jobs through the bot's HTTP client (rate-limited in production).
#[derive(Clone)]
pub struct DiscordTransport {
    pub http: Arc<Http>,
}

/// A 4xx other than 429 will not get better; anything else is worth retrying.
fn classify(e: serenity::Error) -> DeliveryError {
    if let serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) = &e {
        let code = r.status_code.as_u16();
        if (400..500).contains(&code) && code != 429 {
            return DeliveryError::Permanent(e.to_string());
        }
    }
    DeliveryError::Temporary(e.to_string())
}

/// A message that can mention nobody.
pub fn quiet(content: impl Into<String>) -> CreateMessage {
    CreateMessage::new()
        .content(content)
        .allowed_mentions(CreateAllowedMentions::new())
}

impl DiscordTransport {
    async fn send_text(
        &self,
        channel: ChannelId,
        reply_to: Option<MessageId>,
        text: &str,
    ) -> Result<Vec<String>, DeliveryError> {
        let mut ids = Vec::new();
        // Escaped first, then split: each piece stays within the limit.
        for (i, part) in split_message(&text_to_markdown(text), MAX_CONTENT)
            .iter()
            .enumerate()
        {
            let mut m = quiet(part.as_str());
            if let (0, Some(original)) = (i, reply_to) {
                m = m.reference_message((channel, original));
            }
            let sent = channel
                .send_message(&self.http, m)
                .await
                .map_err(classify)?;
            ids.push(sent.id.to_string());
        }
        Ok(ids)
    }

    async fn acknowledge(&self, job: &Job, ack: &DiscordAck) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(ack.channel_id.0);
        let message = MessageId::new(ack.message_id.0);
        if ack.dm {
            let ids = self.send_text(channel, Some(message), &ack.text).await?;
            return Ok(json!({ "channel_id": channel.to_string(), "messages": ids }));
        }
        let thread = match channel
            .create_thread_from_message(&self.http, message, CreateThread::new(&ack.thread_name))
            .await
        {
            Ok(t) => t.id,
            // A retry after a crash: the thread may exist already (its id is the message's).
            Err(e) if job.may_have_left() => {
                tracing::info!(job = job.id, error = %e, "thread creation failed on retry, using the message's thread");
                ChannelId::new(message.get())
            }
            Err(e) => return Err(classify(e)),
        };
        let ids = self.send_text(thread, None, &ack.text).await?;
        Ok(json!({ "thread_id": thread.to_string(), "messages": ids }))
    }

    async fn reply(&self, reply: &DiscordReply) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(reply.channel_id.0);
        let ids = self
            .send_text(channel, Some(MessageId::new(reply.reply_to.0)), &reply.text)
            .await?;
        Ok(json!({ "channel_id": channel.to_string(), "messages": ids }))
    }

    async fn post(&self, job: &Job, post: &DiscordPost) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(post.channel_id.0);
        let m = quiet(post.content.as_str()).components(buttons(job.inquiry.0));
        let sent = channel
            .send_message(&self.http, m)
            .await
            .map_err(classify)?;
        Ok(json!({ "channel_id": channel.to_string(), "post_id": sent.id.to_string() }))
    }
}

impl Transport for DiscordTransport {
    fn name(&self) -> &str {
        "discord"
    }

    /// The recovery hook for a job whose earlier attempt may have left. The channel lookup
    /// (nonce, existing thread, recent messages) is the Discord side's to write; until then an
    /// interrupted job is sent again (at least once).
    async fn find_delivered(&self, _job: &Job) -> Result<Option<Receipt>, DeliveryError> {
        Ok(None)
    }

    async fn deliver(&self, job: &Job) -> Result<Receipt, DeliveryError> {
        match &job.payload {
            Payload::DiscordAck(ack) => self.acknowledge(job, ack).await,
            Payload::DiscordReply(reply) => self.reply(reply).await,
            Payload::DiscordPost(post) => self.post(job, post).await,
            Payload::Mail(_) => Err(DeliveryError::Permanent(format!(
                "job {}: a mail addressed to Discord",
                job.id
            ))),
        }
    }
}
