//! Catch-up after any gap: what citizens wrote while the bot was stopped, or while its gateway
//! session was lost (a failed RESUME, an invalid session), is read back from each watched
//! channel's history (`GET /channels/{id}/messages`, oldest first) and taken in like a live
//! message. Runs on every READY, that is at start and after every new session; idempotent by
//! message id, so a message seen live and read back is one inquiry.
//!
//! Bounds: a channel with a cursor is read after it (a small overlap covers messages still being
//! taken in when the process died); a channel without one (first start) is read back at most
//! [`WINDOW_DAYS`]; messages older than that are history (recorded, not acknowledged).

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GetMessages, Http, Message, MessageId};

use super::{intake, Data, DiscordError};

/// How far back a message is still an inquiry to acknowledge (as mail's history cut-off).
pub const WINDOW_DAYS: i64 = 7;
/// Discord's page size for channel history.
const PAGE: u8 = 100;
/// Pages read per channel at most in one catch-up (10,000 messages).
const MAX_PAGES: usize = 100;
/// Re-read before the cursor: messages being taken in concurrently when the process died.
const OVERLAP_MS: u64 = 2 * 60 * 1000;

/// The catch-up window.
pub fn window() -> chrono::Duration {
    chrono::Duration::days(WINDOW_DAYS)
}

/// Where to start reading after `cursor`: a little before it when the id is a real snowflake
/// (its high bits are milliseconds), the cursor itself otherwise.
pub fn read_after(cursor: u64) -> u64 {
    let overlap = OVERLAP_MS << 22;
    if cursor > overlap * 2 {
        cursor - overlap
    } else {
        cursor
    }
}

/// What one catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    pub channels: usize,
    /// Messages read back (taken in or found already recorded).
    pub read: usize,
}

fn by_id(mut page: Vec<Message>) -> Vec<Message> {
    page.sort_by_key(|m| m.id.get());
    page
}

/// Messages after `after`, oldest first, every page.
async fn after(http: &Http, channel: ChannelId, after: u64) -> Result<Vec<Message>, DiscordError> {
    let mut all = Vec::new();
    let mut from = after;
    for _ in 0..MAX_PAGES {
        let mut get = GetMessages::new().limit(PAGE);
        if from > 0 {
            get = get.after(MessageId::new(from));
        }
        let page = by_id(channel.messages(http, get).await?);
        let full = page.len() >= usize::from(PAGE);
        let newest = page.last().map(|m| m.id.get());
        all.extend(page.into_iter().filter(|m| m.id.get() > from));
        match newest {
            Some(n) if full && n > from => from = n,
            _ => break,
        }
        if after == 0 {
            break; // no `after`: Discord gives the newest page only
        }
    }
    Ok(all)
}

/// The messages of the last [`WINDOW_DAYS`], oldest first (a channel never read before).
async fn recent(
    http: &Http,
    channel: ChannelId,
    since: DateTime<Utc>,
) -> Result<Vec<Message>, DiscordError> {
    let mut all: Vec<Message> = Vec::new();
    let mut before: Option<MessageId> = None;
    for _ in 0..MAX_PAGES {
        let mut get = GetMessages::new().limit(PAGE);
        if let Some(b) = before {
            get = get.before(b);
        }
        let page = by_id(channel.messages(http, get).await?);
        let full = page.len() >= usize::from(PAGE);
        let oldest = page.first().map(|m| m.id);
        let reached = page
            .first()
            .is_some_and(|m| m.timestamp.unix_timestamp() < since.timestamp());
        all.extend(
            page.into_iter()
                .filter(|m| m.timestamp.unix_timestamp() >= since.timestamp()),
        );
        match oldest {
            Some(o) if full && !reached && Some(o) != before => before = Some(o),
            _ => break,
        }
    }
    all.sort_by_key(|m| m.id.get());
    all.dedup_by_key(|m| m.id.get());
    Ok(all)
}

/// Reads every watched channel (public channels, DM channels seen before) back and takes in what
/// was missed. A channel that cannot be read is logged and skipped: the others still catch up.
pub async fn catch_up(data: &Data, http: &Http) -> Result<CatchUp, DiscordError> {
    let _one_catch_up = data.catching_up.lock().await;
    let now = Utc::now();
    let cursors = data.pipeline.store.chat_cursors().await?;
    let mut channels: Vec<(ChannelId, bool, Option<u64>)> = data
        .settings
        .public_channels
        .iter()
        .map(|c| {
            let last = cursors
                .iter()
                .find(|k| k.channel_id == c.get())
                .map(|k| k.last_message_id);
            (*c, false, last)
        })
        .collect();
    channels.sort_by_key(|(c, _, _)| c.get());
    channels.extend(
        cursors
            .iter()
            .filter(|k| k.dm && k.channel_id > 0)
            .map(|k| (ChannelId::new(k.channel_id), true, Some(k.last_message_id))),
    );
    let mut done = CatchUp::default();
    for (channel, dm, last) in channels {
        let read = match last {
            Some(last) => after(http, channel, read_after(last)).await,
            None => recent(http, channel, now - window()).await,
        };
        let messages = match read {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(channel = channel.get(), error = %e, "catch-up: channel not readable");
                continue;
            }
        };
        done.channels += 1;
        for m in &messages {
            intake::take_in(data, m, dm, now).await?;
        }
        done.read += messages.len();
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_starts_a_little_before_a_snowflake_cursor_and_at_a_small_id() {
        let two_minutes = OVERLAP_MS << 22;
        let snowflake = 1_300_000_000_000_000_000_u64;
        assert_eq!(read_after(snowflake), snowflake - two_minutes);
        assert_eq!(read_after(9_000_123), 9_000_123);
        assert_eq!(read_after(0), 0);
    }
}
