//! The acknowledgement of a chat inquiry: a short message in a thread under the citizen's message
//! (or in the private conversation), from the `{lang}/acknowledgement-chat` template, written to
//! the outbox once per inquiry.

use chrono::{DateTime, Utc};

use super::{Pipeline, PipelineError};
use crate::draft::AckInput;
use crate::inquiry::InquiryId;
use crate::store::{DiscordAck, JobKind, NewJob, Payload, Snowflake};

/// Where a chat acknowledgement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatPlace {
    pub channel_id: u64,
    /// The citizen's message the thread opens under.
    pub message_id: u64,
    /// A private conversation (no thread).
    pub dm: bool,
}

impl Pipeline {
    /// Writes the acknowledgement job of a chat inquiry; false when it was written before.
    pub async fn acknowledge_chat(
        &self,
        id: InquiryId,
        place: ChatPlace,
        now: DateTime<Utc>,
    ) -> Result<bool, PipelineError> {
        let k = &self.knowledge;
        let s = self.store.summary(id).await?;
        let message = self
            .store
            .message(id)
            .await?
            .ok_or(PipelineError::NoMessage(id))?;
        let c = &s.classification;
        let days = k.engagements.answer_days(s.channel, c.kind, c.topic);
        let draft = k.drafter.chat_acknowledgement(
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
        )?;
        let job = NewJob {
            inquiry: id,
            kind: JobKind::Ack,
            message_id: format!("<{}.ack@discord>", s.reference),
            recipient: None,
            payload: Payload::DiscordAck(DiscordAck {
                channel_id: Snowflake(place.channel_id),
                message_id: Snowflake(place.message_id),
                dm: place.dm,
                thread_name: format!("Demande {}", s.reference),
                text: draft.text,
            }),
        };
        Ok(self.store.enqueue(&job, now).await?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::config::Territory;
    use crate::draft::{AckInput, Drafter};
    use crate::faq::Faq;
    use crate::inquiry::{Channel, Classification, Kind, Lang, Message, Topic};

    fn ack(lang: Lang, days: u32) -> String {
        let c = Classification {
            kind: Kind::Piscine,
            facility: None,
            topic: Topic::Horaires,
            automatic: false,
            automatic_reason: None,
            lang,
            rules: Vec::new(),
            template: None,
            requests: Vec::new(),
        };
        let drafter = Drafter::embedded(&Territory::default());
        let draft = drafter
            .chat_acknowledgement(
                &Faq::embedded(),
                &AckInput {
                    message: &Message::chat("Bonjour, horaires ?"),
                    classification: &c,
                    channel: Channel::Chat,
                    reference: "VSGP-2026-000042",
                    received: NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
                    engagement_days: days,
                    deadline: NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
                },
            )
            .expect("chat acknowledgement renders");
        assert!(draft.subject.is_empty());
        draft.text
    }

    #[test]
    fn the_chat_acknowledgement_names_reference_delay_and_date_in_the_citizens_language() {
        let fr = ack(Lang::Fr, 1);
        assert!(fr.contains("VSGP-2026-000042"), "{fr}");
        assert!(fr.contains("sous 1 jour ouvré,"), "{fr}");
        assert!(fr.contains("vendredi 27 novembre 2026"), "{fr}");
        assert!(fr.contains("Vallée Sud – Grand Paris"), "{fr}");
        assert!(ack(Lang::Fr, 2).contains("2 jours ouvrés"));
        let en = ack(Lang::En, 3);
        assert!(en.contains("within 3 working days"), "{en}");
        assert!(en.contains("Friday 27 November 2026"), "{en}");
    }
}
