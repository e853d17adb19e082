//! The outbox jobs the bot writes: the acknowledgement in a thread under a citizen's message, and
//! the post of every draft (mail or chat) to the agents' channel of its kind — jobs, so that a
//! post that fails is retried, and a draft is posted once per version.

use super::post::{render_post, PostInput};
use super::{Data, DiscordError};
use crate::calendar::paris_date;
use chrono::{DateTime, Utc};

use crate::inquiry::Lang;
use crate::labels;
use crate::store::{
    DiscordAck, DiscordPost, InquiryId, JobKind, NewJob, Payload, Snowflake, Status,
};

/// The short French acknowledgement of a chat message: the reference, the engagement's delay
/// (agreed: "1 jour ouvré", "2 jours ouvrés"), and where the answer will come (a reply to the
/// citizen's message in the channel, or in the private conversation).
pub fn ack_text(reference: &str, days: u32, deadline: chrono::NaiveDate, dm: bool) -> String {
    let place = if dm {
        "dans cette conversation privée"
    } else {
        "sur le salon, en réponse à votre message"
    };
    format!(
        "Bonjour, votre demande est bien enregistrée sous la référence {reference}. \
         Un agent de Vallée Sud – Grand Paris vous répondra {place} sous {}, \
         au plus tard le {}. Merci de ne pas partager de données sensibles sur ce salon.",
        labels::working_days(i64::from(days), Lang::Fr),
        deadline.format("%d/%m/%Y")
    )
}

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

/// Writes the acknowledgement job of a chat inquiry (idempotent: one per inquiry).
pub async fn enqueue_ack(
    data: &Data,
    id: InquiryId,
    channel_id: u64,
    message_id: u64,
    dm: bool,
    now: DateTime<Utc>,
) -> Result<bool, DiscordError> {
    let store = &data.pipeline.store;
    let k = &data.pipeline.knowledge;
    let s = store.summary(id).await?;
    let c = &s.classification;
    let days = k.engagements.answer_days(s.channel, c.kind, c.topic);
    let deadline = k.calendar.deadline(s.received_at, days);
    let job = NewJob {
        inquiry: id,
        kind: JobKind::Ack,
        message_id: format!("<{}.ack@discord>", s.reference),
        recipient: None,
        payload: Payload::DiscordAck(DiscordAck {
            channel_id: Snowflake(channel_id),
            message_id: Snowflake(message_id),
            dm,
            thread_name: format!("Demande {}", s.reference),
            text: ack_text(&s.reference, days, deadline, dm),
        }),
    };
    Ok(store.enqueue(&job, now).await?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_names_reference_delay_and_date() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let t = ack_text("VSGP-2026-000042", 1, d, false);
        assert!(t.contains("VSGP-2026-000042"));
        assert!(t.contains("sous 1 jour ouvré,"), "{t}");
        assert!(t.contains("en réponse à votre message"), "{t}");
        assert!(t.contains("27/11/2026"));
        let t = ack_text("VSGP-2026-000042", 2, d, true);
        assert!(t.contains("sous 2 jours ouvrés,"), "{t}");
        assert!(t.contains("conversation privée"), "{t}");
    }
}
