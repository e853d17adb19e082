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
use crate::pipeline::{DeliveryError, Receipt, Transport};
use crate::store::{DiscordAck, DiscordPost, DiscordReply, Job, Payload};

/// Discord's JSON error code: "A thread has already been created for this message".
pub const THREAD_ALREADY_CREATED: isize = 160_004;

/// Sends `discord` jobs through the bot's HTTP client.
#[derive(Clone)]
pub struct DiscordTransport {
    pub http: Arc<Http>,
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

/// True, while delivering, when an attempt before this one began: the outbox records this
/// attempt in flight (counting it) before [`Transport::deliver`] runs, so the count includes it.
fn earlier_attempt(job: &Job) -> bool {
    job.attempts > 1
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
        self.send_text_looking(job, channel, reply_to_first, text, earlier_attempt(job))
            .await
    }

    async fn send_text_looking(
        &self,
        job: &Job,
        channel: ChannelId,
        reply_to_first: Option<MessageId>,
        text: &str,
        look: bool,
    ) -> Result<Vec<String>, DeliveryError> {
        let parts = split_message(&text_to_markdown(text), MAX_CONTENT);
        let recent = if look {
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

    async fn acknowledge(&self, job: &Job, ack: &DiscordAck) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(ack.channel_id.0);
        let message = MessageId::new(ack.message_id.0);
        let text = ack.text.as_str();
        if ack.dm {
            let ids = self.send_text(job, channel, Some(message), text).await?;
            return Ok(json!({ "channel_id": channel.to_string(), "messages": ids }));
        }
        let name = ack.thread_name.as_str();
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
        let ids = if existed {
            // An existing thread may hold our text already, even on a first attempt.
            self.send_text_looking(job, thread, None, text, true)
                .await?
        } else {
            self.send_text(job, thread, None, text).await?
        };
        Ok(json!({ "thread_id": thread.to_string(), "messages": ids }))
    }

    async fn reply(&self, job: &Job, reply: &DiscordReply) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(reply.channel_id.0);
        let reply_to = MessageId::new(reply.reply_to.0);
        let ids = self
            .send_text(job, channel, Some(reply_to), &reply.text)
            .await?;
        Ok(json!({ "channel_id": channel.to_string(), "messages": ids }))
    }

    async fn post(&self, job: &Job, post: &DiscordPost) -> Result<Value, DeliveryError> {
        let channel = ChannelId::new(post.channel_id.0);
        let content = post.content.as_str();
        let detail =
            |post: u64| json!({ "channel_id": channel.to_string(), "post_id": post.to_string() });
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

    /// The recovery hook: the agents' card by its nonce or text among the channel's recent
    /// messages. Acknowledgements and replies answer None here and look part by part while
    /// delivering (a part already in the reply chain, or in the existing thread, is not sent
    /// again), so an answer cut short by a crash is completed, not repeated.
    async fn find_delivered(&self, job: &Job) -> Result<Option<Receipt>, DeliveryError> {
        let Payload::DiscordPost(post) = &job.payload else {
            return Ok(None);
        };
        let channel = ChannelId::new(post.channel_id.0);
        let recent = lookup::recent_own(&self.http, channel).await?;
        Ok(
            lookup::find_post(&recent, &post.content, &nonce(job, 0)).map(|Found { id }| {
                tracing::info!(job = job.id, "agents' post already there before a restart");
                json!({ "channel_id": channel.to_string(), "post_id": id.to_string() })
            }),
        )
    }

    async fn deliver(&self, job: &Job) -> Result<Receipt, DeliveryError> {
        match &job.payload {
            Payload::DiscordAck(ack) => self.acknowledge(job, ack).await,
            Payload::DiscordReply(reply) => self.reply(job, reply).await,
            Payload::DiscordPost(post) => self.post(job, post).await,
            Payload::Mail(_) => Err(DeliveryError::Permanent(format!(
                "job {}: a mail addressed to Discord",
                job.id
            ))),
        }
    }
}
