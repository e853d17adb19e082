//! The Discord [`Transport`]: delivers the outbox jobs addressed to `discord` — acknowledgements
//! (a thread under the citizen's message, or a reply in a DM), chat replies, and posts to the
//! agents' channels. Every message goes out with empty `allowed_mentions`, so nothing can ping
//! anyone, and with a `nonce` derived from the job and `enforce_nonce`, so Discord itself drops a
//! second copy sent within minutes.
//!
//! A job that may have left before a crash (an earlier attempt began) first looks for what it would have
//! created ([`lookup`]): the post in the channel's recent messages, the parts of a reply already
//! in the chain, the acknowledgement thread (an existing thread is success: the text goes into
//! it). So a kill between a post and its "sent" mark gives one card, one acknowledgement.

use std::sync::Arc;

use serde_json::{json, Value};
use serenity::all::{
    ChannelId, CreateAllowedMentions, CreateMessage, CreateThread, Http, MessageId,
    MessageReference, MessageReferenceKind, Nonce,
};

use super::lookup::{self, Found};
use super::post::{buttons, split_message, MAX_CONTENT};
use crate::draft::render::text_to_markdown;
use crate::pipeline::{DeliveryError, Transport};
use crate::store::{Job, JobKind};

/// Discord's JSON error code: "A thread has already been created for this message".
pub const THREAD_ALREADY_CREATED: isize = 160_004;

/// Sends `discord` jobs through the bot's HTTP client.
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

/// Discord's JSON error code of a failed request, if any.
pub fn error_code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            Some(r.error.code)
        }
        _ => None,
    }
}

/// A 4xx other than 429 will not get better; anything else is worth retrying.
pub fn classify(e: serenity::Error) -> DeliveryError {
    if let serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) = &e {
        let code = r.status_code.as_u16();
        if (400..500).contains(&code) && code != 429 {
            return DeliveryError::Permanent(e.to_string());
        }
    }
    DeliveryError::Temporary(e.to_string())
}

/// True when an earlier attempt of the job began (and may have left before a crash).
fn may_have_left(job: &Job) -> bool {
    job.attempts > 0
}

/// A message that can mention nobody.
pub fn quiet(content: impl Into<String>) -> CreateMessage {
    CreateMessage::new()
        .content(content)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// The nonce of part `part` of a job: stable across retries and processes (FNV-1a of the job's
/// Message-ID), within Discord's 25 characters.
pub fn nonce(job: &Job, part: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.message_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("g{h:016x}.{part}")
}

fn reply_to(channel: ChannelId, message: MessageId) -> MessageReference {
    // A citizen who deleted their message still gets the answer, as a plain message.
    MessageReference::new(MessageReferenceKind::Default, channel)
        .message_id(message)
        .fail_if_not_exists(false)
}

impl DiscordTransport {
    async fn create(&self, channel: ChannelId, m: CreateMessage) -> Result<u64, DeliveryError> {
        let sent = channel
            .send_message(&self.http, m)
            .await
            .map_err(classify)?;
        Ok(sent.id.get())
    }

    /// Sends `text` escaped and split on paragraph or sentence boundaries; every part replies to
    /// the one before (the first to `reply_to`), so the whole answer is one reply chain. On a
    /// retry, parts already in the channel are found and not sent again.
    async fn send_text(
        &self,
        job: &Job,
        channel: ChannelId,
        reply_to_first: Option<MessageId>,
        text: &str,
    ) -> Result<Vec<String>, DeliveryError> {
        let parts = split_message(&text_to_markdown(text), MAX_CONTENT);
        let recent = if may_have_left(job) {
            lookup::recent_own(&self.http, channel).await?
        } else {
            Vec::new()
        };
        let mut ids = Vec::new();
        let mut previous = reply_to_first;
        for (i, part) in parts.iter().enumerate() {
            let found = lookup::find_part(&recent, part, previous, &nonce(job, i));
            let sent = match found {
                Some(id) => {
                    tracing::info!(job = job.id, part = i, "already delivered before a restart");
                    id
                }
                None => {
                    let mut m = quiet(part.as_str())
                        .nonce(Nonce::String(nonce(job, i)))
                        .enforce_nonce(true);
                    if let Some(p) = previous {
                        m = m.reference_message(reply_to(channel, p));
                    }
                    self.create(channel, m).await?
                }
            };
            ids.push(sent.to_string());
            previous = Some(MessageId::new(sent));
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
            let ids = self.send_text(job, channel, Some(message), text).await?;
            return Ok(json!({ "channel_id": channel.to_string(), "messages": ids }));
        }
        let name = field(job, "thread_name").unwrap_or("Votre demande");
        let (thread, existed) = match channel
            .create_thread_from_message(&self.http, message, CreateThread::new(name))
            .await
        {
            Ok(t) => (t.id, false),
            // The thread exists (created before a crash, or by someone else): a thread started
            // from a message has the message's id, and the acknowledgement goes into it.
            Err(e) if error_code(&e) == Some(THREAD_ALREADY_CREATED) => {
                tracing::info!(
                    job = job.id,
                    "acknowledgement thread already there, posting into it"
                );
                (ChannelId::new(message.get()), true)
            }
            Err(e) => return Err(classify(e)),
        };
        let mut retry = job.clone();
        if existed {
            // An existing thread may hold our text already, even on a first attempt.
            retry.attempts = retry.attempts.max(1);
        }
        let ids = self.send_text(&retry, thread, None, text).await?;
        Ok(json!({ "thread_id": thread.to_string(), "messages": ids }))
    }

    async fn reply(&self, job: &Job) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(id(job, "channel_id")?);
        let reply_to = MessageId::new(id(job, "reply_to")?);
        let ids = self
            .send_text(job, channel, Some(reply_to), field(job, "text")?)
            .await?;
        Ok(json!({ "channel_id": channel.to_string(), "messages": ids }))
    }

    async fn post(&self, job: &Job) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(id(job, "channel_id")?);
        let content = field(job, "content")?;
        let detail =
            |post: u64| json!({ "channel_id": channel.to_string(), "post_id": post.to_string() });
        if may_have_left(job) {
            let recent = lookup::recent_own(&self.http, channel).await?;
            if let Some(Found { id }) = lookup::find_post(&recent, content, &nonce(job, 0)) {
                tracing::info!(job = job.id, "agents' post already there before a restart");
                return Ok(detail(id));
            }
        }
        let m = quiet(content)
            .components(buttons(job.inquiry.0))
            .nonce(Nonce::String(nonce(job, 0)))
            .enforce_nonce(true);
        Ok(detail(self.create(channel, m).await?))
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
