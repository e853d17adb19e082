//! A citizen writing again: a mail in an inquiry's thread is attached to it and reopens it (once
//! per source message); an edit or deletion of a chat message is kept beside the original. The
//! adapters hand the message over; deciding what continues what happens here.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use super::{Incoming, Intake, Pipeline, PipelineError};
use crate::inquiry::{parse_reference, FollowUp, FollowUpKind, InquiryId, Message};

/// What became of a mail: a new inquiry (or a re-read one), or a follow-up of an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailIntake {
    Inquiry(Intake),
    /// A later mail in the thread of `id`; `attached` is false when it was attached before.
    FollowUp {
        id: InquiryId,
        attached: bool,
    },
}

impl Pipeline {
    /// Takes in a mail, classified once: a human mail continuing a thread is a follow-up (an
    /// automatic reply in the thread, such as an out-of-office to our acknowledgement, reopens
    /// nothing and is recorded as its own automatic inquiry); anything else goes through
    /// [`Pipeline::ingest`].
    pub async fn ingest_mail(
        &self,
        incoming: &Incoming,
        now: DateTime<Utc>,
    ) -> Result<MailIntake, PipelineError> {
        let c = self.knowledge.faq.classify(&incoming.message);
        if !c.automatic {
            if let Some(id) = self.thread_of(&incoming.message).await? {
                let m = &incoming.message;
                let followup = FollowUp {
                    kind: FollowUpKind::Mail,
                    at: incoming.received_at,
                    text: Some(m.body.clone()),
                    source_key: Some(incoming.source_key.clone()),
                    message_id: m.message_id.clone(),
                    from_email: m.from.as_ref().map(|a| a.email.clone()),
                    subject: Some(m.subject.clone()),
                };
                let attached = self.mail_follow_up(id, &followup).await?;
                return Ok(MailIntake::FollowUp { id, attached });
            }
        }
        Ok(MailIntake::Inquiry(
            self.ingest_classified(incoming, c, now).await?,
        ))
    }

    /// Attaches a mail follow-up once per source key and reopens the inquiry; false when it was
    /// attached already (nothing done twice).
    pub async fn mail_follow_up(
        &self,
        id: InquiryId,
        followup: &FollowUp,
    ) -> Result<bool, PipelineError> {
        if !self.store.attach_followup(id, followup).await? {
            return Ok(false);
        }
        let source = followup.source_key.clone().unwrap_or_default();
        self.store
            .reopen(id, followup.at, serde_json::json!({ "source": source }))
            .await?;
        Ok(true)
    }

    /// An edit or deletion of the chat message `source_key`: kept beside the original inquiry,
    /// which never changes. None when no inquiry came from that message.
    pub async fn chat_follow_up(
        &self,
        source_key: &str,
        followup: &FollowUp,
    ) -> Result<Option<InquiryId>, PipelineError> {
        let Some(id) = self.store.inquiry_by_source(source_key).await? else {
            return Ok(None);
        };
        self.store.record_followup(id, followup).await?;
        Ok(Some(id))
    }

    /// The inquiry a mail continues: a Message-ID we sent or took in among In-Reply-To and
    /// References, else a `[VSGP-YYYY-NNNNNN]` reference in the subject.
    pub async fn thread_of(&self, message: &Message) -> Result<Option<InquiryId>, PipelineError> {
        let store = &self.store;
        for id in message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev())
        {
            for candidate in [id.clone(), format!("<{}>", id.trim_matches(['<', '>']))] {
                if let Some(found) = store.inquiry_by_message_id(&candidate).await? {
                    return Ok(Some(found));
                }
            }
        }
        static REF: OnceLock<Option<regex::Regex>> = OnceLock::new();
        let re = REF.get_or_init(|| regex::Regex::new(r"\[([A-Za-z]+-\d{4}-\d{6,})\]").ok());
        if let Some(caps) = re.as_ref().and_then(|re| re.captures(&message.subject)) {
            if let Some(id) = caps.get(1).and_then(|m| parse_reference(m.as_str())) {
                if store.inquiry_exists(id).await? {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }
}
