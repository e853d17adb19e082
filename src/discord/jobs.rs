//! The outbox jobs the bot writes: the post of every draft (mail or chat) to the agents' channel of
//! its kind — jobs, so that a post that fails is retried, and a draft is posted once per version.
//! (The chat acknowledgement is the pipeline's: [`crate::pipeline::Pipeline::acknowledge_chat`].)

use chrono::{DateTime, Utc};

use super::post::{render_post, PostInput};
use super::{Data, DiscordError};
use crate::calendar::paris_date;

use crate::inquiry::{InquiryId, Status};
use crate::store::{DiscordPost, JobKind, NewJob, Payload, Snowflake};

/// A rule id as agents read it: a rule about a facility names it (`nom:piscine-pajeaud` →
/// `nom : Centre aquatique Pajeaud`).
pub fn rule_label(rule: &str, catalogue: &crate::faq::catalogue::Catalogue) -> String {
    match rule.split_once(':') {
        Some((what, id)) => match catalogue.facility_by_str(id) {
            Some(f) => format!("{what} : {}", f.name),
            None => rule.to_string(),
        },
        None => match catalogue.facility_by_str(rule) {
            Some(f) => f.name.clone(),
            None => rule.to_string(),
        },
    }
}

/// Writes the post job of the latest draft of a waiting inquiry; false when there is nothing to
/// post (not waiting, no draft, purged) or it was already written.
pub async fn enqueue_post(
    data: &Data,
    id: InquiryId,
    now: DateTime<Utc>,
) -> Result<bool, DiscordError> {
    let store = &data.pipeline.store;
    let k = &data.pipeline.knowledge;
    let s = store.summary(id).await?;
    if s.status != Status::Drafted {
        return Ok(false);
    }
    let drafts = store.drafts(id).await?;
    let note = crate::inquiry::agent_note(&drafts).map_or(&[][..], |(_, n)| n);
    let Some((version, draft)) = drafts
        .iter()
        .rev()
        .find_map(|v| v.draft.as_ref().map(|d| (v.version, d.text.clone())))
    else {
        return Ok(false);
    };
    let key = (id.0, version);
    if data.posted_contains(key) {
        return Ok(false);
    }
    let Some(message) = store.message(id).await? else {
        return Ok(false);
    };
    let c = &s.classification;
    let days = k.engagements.answer_days(s.channel, c.kind, c.topic);
    let deadline = k.calendar.deadline(s.received_at, days);
    let facility_name = c
        .facility
        .as_ref()
        .and_then(|f| k.faq.catalogue.facility(f))
        .map(|f| f.name.as_str());
    let rules: Vec<String> = c
        .rules
        .iter()
        .map(|r| rule_label(r, &k.faq.catalogue))
        .collect();
    let content = render_post(&PostInput {
        summary: &s,
        message: &message,
        facility_name,
        rules: &rules,
        draft: &draft,
        deadline,
        working_days_left: k.calendar.working_days_left(paris_date(now), deadline),
        console_link: data.settings.console_link(id.0),
        version,
        note,
    });
    let channel = data.settings.agents_channel(c.kind);
    let job = NewJob {
        inquiry: id,
        kind: JobKind::DiscordPost,
        message_id: format!("<{}.post{version}@discord>", s.reference),
        recipient: None,
        payload: Payload::DiscordPost(DiscordPost {
            channel_id: Snowflake(channel.get()),
            content,
        }),
    };
    let written = store.enqueue(&job, now).await?;
    data.mark_posted(key);
    Ok(written)
}

/// Posts waiting drafts not posted yet (mail drafts included): inquiries never seen on every
/// pass, all of them on a `full` pass (a draft redone elsewhere, e.g. reassigned in the web
/// console). Returns how many jobs were written.
pub async fn enqueue_new_posts(
    data: &Data,
    now: DateTime<Utc>,
    full: bool,
) -> Result<usize, DiscordError> {
    let mut written = 0;
    for id in data
        .pipeline
        .store
        .with_status(Status::Drafted, 5000)
        .await?
    {
        if (full || !data.seen(id.0)) && enqueue_post(data, id, now).await? {
            written += 1;
        }
    }
    Ok(written)
}
