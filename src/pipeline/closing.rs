//! The closing message: when an agent rejects an inquiry as handled by phone or out of scope,
//! the citizen who was promised an answer is told, courteously and briefly, from the
//! `{lang}/closing` template, on the channel they wrote through. Never for spam or a duplicate.
//! The job is written with the rejection, in the same transaction.

use super::{Pipeline, PipelineError, Route};
use crate::draft::AckInput;
use crate::inquiry::{InquiryId, RejectReason};
use crate::store::{DiscordReply, JobKind, MailMessage, NewJob, Payload, Snowflake};

/// True for the reasons that deserve a word to the citizen.
pub fn tells_the_citizen(reason: RejectReason) -> bool {
    matches!(
        reason,
        RejectReason::TraiteParTelephone | RejectReason::HorsPerimetre
    )
}

impl Pipeline {
    /// The closing job of a rejection, or None (a reason that needs none, no way to answer, a
    /// message already purged).
    pub(super) async fn closing_job(
        &self,
        id: InquiryId,
        reason: RejectReason,
    ) -> Result<Option<NewJob>, PipelineError> {
        if !tells_the_citizen(reason) {
            return Ok(None);
        }
        let Some(route) = self.store.route(id).await? else {
            return Ok(None);
        };
        let Some(message) = self.store.message(id).await? else {
            return Ok(None);
        };
        let k = &self.knowledge;
        let s = self.store.summary(id).await?;
        let c = &s.classification;
        let days = k.engagements.answer_days(s.channel, c.kind, c.topic);
        let draft = k.drafter.closing(
            &k.faq,
            &AckInput {
                message: &message,
                classification: c,
                channel: s.channel,
                reference: &s.reference,
                received: crate::calendar::paris_date(s.received_at),
                engagement_days: days,
                deadline: k.calendar.deadline(s.received_at, days),
            },
            reason == RejectReason::TraiteParTelephone,
        )?;
        let (recipient, payload) = match route {
            Route::Mail {
                to,
                name,
                message_id,
                references,
            } => (
                Some(to.clone()),
                Payload::Mail(MailMessage {
                    to,
                    to_name: name,
                    from: k.mail.from.clone(),
                    subject: draft.subject,
                    text: draft.text,
                    html: Some(draft.html),
                    in_reply_to: message_id.clone(),
                    references: MailMessage::thread(&references, message_id.as_deref()),
                    auto_submitted: None,
                    lang: Some(c.lang),
                }),
            ),
            Route::Discord {
                channel_id,
                message_id,
            } => {
                let (Ok(channel_id), Ok(reply_to)) = (
                    Snowflake::try_from(channel_id),
                    Snowflake::try_from(message_id),
                ) else {
                    tracing::warn!(
                        inquiry = id.0,
                        "closing message: the stored route is not a Discord id"
                    );
                    return Ok(None);
                };
                (
                    None,
                    Payload::DiscordReply(DiscordReply {
                        channel_id,
                        reply_to,
                        text: draft.text,
                    }),
                )
            }
            Route::None => return Ok(None),
        };
        Ok(Some(NewJob {
            inquiry: id,
            kind: JobKind::Closing,
            message_id: format!("<{}.closing@{}>", s.reference, k.mail.message_id_domain()),
            recipient,
            payload,
        }))
    }
}
