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
use crate::pipeline::{DeliveryError, Transport};
use crate::store::{Job, JobKind};

/// Sends `discord` jobs through the bot's HTTP client (rate-limited in production).
#[derive(Clone)]
pub struct DiscordTransport {
    pub http: Arc<Http>,
}

fn field<'a>(job: &'a Job, name: &str) -> Result<&'a str, DeliveryError> {
    job.payload
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| DeliveryError::Permanent(format!("job {}: no `{name}` in payload", job.id)))
}

fn id(job: &Job, name: &str) -> Result<u64, DeliveryError> {
    field(job, name)?
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| DeliveryError::Permanent(format!("job {}: `{name}` is not an id", job.id)))
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

    async fn acknowledge(&self, job: &Job) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(id(job, "channel_id")?);
        let message = MessageId::new(id(job, "message_id")?);
        let text = field(job, "text")?;
        let dm = job
            .payload
            .get("dm")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if dm {
            let ids = self.send_text(channel, Some(message), text).await?;
            return Ok(json!({ "channel_id": channel.to_string(), "messages": ids }));
        }
        let name = field(job, "thread_name").unwrap_or("Votre demande");
        let thread = match channel
            .create_thread_from_message(&self.http, message, CreateThread::new(name))
            .await
        {
            Ok(t) => t.id,
            // A retry after a crash: the thread may exist already (its id is the message's).
            Err(e) if job.attempts > 1 => {
                tracing::info!(job = job.id, error = %e, "thread creation failed on retry, using the message's thread");
                ChannelId::new(message.get())
            }
            Err(e) => return Err(classify(e)),
        };
        let ids = self.send_text(thread, None, text).await?;
        Ok(json!({ "thread_id": thread.to_string(), "messages": ids }))
    }

    async fn reply(&self, job: &Job) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(id(job, "channel_id")?);
        let reply_to = MessageId::new(id(job, "reply_to")?);
        let ids = self
            .send_text(channel, Some(reply_to), field(job, "text")?)
            .await?;
        Ok(json!({ "channel_id": channel.to_string(), "messages": ids }))
    }

    async fn post(&self, job: &Job) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(id(job, "channel_id")?);
        let content = field(job, "content")?;
        let m = quiet(content).components(buttons(job.inquiry.0));
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

    async fn deliver(&self, job: &Job) -> Result<Value, DeliveryError> {
        match job.kind {
            JobKind::Ack => self.acknowledge(job).await,
            JobKind::Reply => self.reply(job).await,
            JobKind::DiscordPost => self.post(job).await,
        }
    }
}
