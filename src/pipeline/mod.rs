//! The one flow every channel goes through: a mail, a chat message or a web form becomes the same
//! inquiry, gets the same rules, the same templates, the same ledger.
//!
//! `ingest` records the inquiry first (so it survives a crash from then on), then `advance` does
//! the rest — acknowledgement into the outbox, draft — idempotently, so an inquiry left half-done
//! by a crash is simply advanced again on start (`resume`).

mod batch;
mod bounds;
mod chat_ack;
mod closing;
mod decide;
mod deliver;
mod followup;
mod knowledge;
mod learn;
pub mod parallel;
mod restore;

use chrono::{DateTime, Utc};

use crate::draft::{AckInput, ReplyInput};
use crate::inquiry::{Channel, Classification, DraftText, InquiryId, Kind, Message, Status};
use crate::store::{JobKind, MailMessage, NewInquiry, NewJob, Payload, Store, StoreError};

pub use crate::inquiry::Route;

pub use batch::{MailBatchIn, MailItem, MailOutcome};
pub use bounds::quotable_subject;
pub use chat_ack::ChatPlace;
pub use closing::tells_the_citizen;
pub use decide::{ApproveError, Decision};
pub use deliver::{
    deliver_due, Delivered, DeliveryError, FileTransport, Receipt, Transport, CLAIM_BATCH, LEASE,
};
pub use followup::MailIntake;
pub use knowledge::{Knowledge, KnowledgeError};

/// A message arriving from any channel.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel: Channel,
    /// Unique per source message (`imap:INBOX:UIDVALIDITY:UID`, `discord:ID`…).
    pub source_key: String,
    /// When it reached the territory (IMAP INTERNALDATE, not the sender's Date header).
    pub received_at: DateTime<Utc>,
    pub message: Message,
    pub route: Route,
    /// History imported at first start: recorded and drafted, never acknowledged.
    pub history: bool,
}

/// What became of an incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    Created {
        id: InquiryId,
        reference: String,
        automatic: bool,
        /// The kind it was sorted into (for a mailbox's server-side sorting).
        kind: Kind,
    },
    /// Already recorded (a re-read): nothing done twice.
    Duplicate { id: InquiryId },
}

/// An error of the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Draft(#[from] crate::draft::DraftError),
    #[error(transparent)]
    Worker(#[from] parallel::WorkerLost),
    #[error("inquiry {0} has no stored message (purged?)")]
    NoMessage(InquiryId),
}

/// The shared flow: the store and what the rules and templates know.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub store: Store,
    pub knowledge: std::sync::Arc<Knowledge>,
    /// Where each mailbox's intake stands (for `/readyz` and `/metrics`), shared by the channels.
    pub mailboxes: crate::mail::imap::MailboxHealth,
}

impl Pipeline {
    pub fn new(store: Store, knowledge: Knowledge) -> Pipeline {
        Pipeline {
            store,
            knowledge: std::sync::Arc::new(knowledge),
            mailboxes: Default::default(),
        }
    }

    /// Records an incoming message as an inquiry, then advances it.
    pub async fn ingest(
        &self,
        incoming: &Incoming,
        now: DateTime<Utc>,
    ) -> Result<Intake, PipelineError> {
        let c = self.knowledge.faq.classify(&incoming.message);
        self.ingest_classified(incoming, c, now).await
    }

    /// [`Pipeline::ingest`] with the message already classified (each message is classified once).
    async fn ingest_classified(
        &self,
        incoming: &Incoming,
        c: Classification,
        now: DateTime<Utc>,
    ) -> Result<Intake, PipelineError> {
        let route = serde_json::to_string(&incoming.route).ok();
        let recorded = self
            .store
            .record_inquiry(&NewInquiry {
                channel: incoming.channel,
                source_key: incoming.source_key.clone(),
                received_at: incoming.received_at,
                message: &incoming.message,
                classification: &c,
                route,
            })
            .await?;
        if !recorded.created {
            return Ok(Intake::Duplicate { id: recorded.id });
        }
        if c.automatic {
            self.store
                .set_status(recorded.id, &[Status::Received], Status::Automatic)
                .await?;
        } else {
            self.advance(recorded.id, &incoming.message, &c, incoming, now)
                .await?;
        }
        Ok(Intake::Created {
            id: recorded.id,
            reference: recorded.reference,
            automatic: c.automatic,
            kind: c.kind,
        })
    }

    /// Acknowledges (when due) and drafts. Each step is idempotent: the acknowledgement job has a
    /// stable Message-ID and a draft is only made when there is none.
    async fn advance(
        &self,
        id: InquiryId,
        message: &Message,
        c: &Classification,
        incoming: &Incoming,
        now: DateTime<Utc>,
    ) -> Result<(), PipelineError> {
        let reference = self.store.reference(id, incoming.received_at);
        if !incoming.history {
            if let Some(job) = self
                .acknowledgement_job(id, &reference, message, c, incoming, now)
                .await?
            {
                self.store.enqueue(&job, now).await?;
            }
        }
        if self.store.drafts(id).await?.is_empty() {
            let text = self
                .draft_text(id, message, c, incoming.channel, &reference, now)
                .await?;
            self.store.save_draft(id, &text, "guichet", now).await?;
        }
        self.store
            .set_status(id, &[Status::Received], Status::Drafted)
            .await?;
        Ok(())
    }

    /// The reply proposed for a classification, as stored: plain text (each channel renders it).
    async fn draft_text(
        &self,
        id: InquiryId,
        message: &Message,
        c: &Classification,
        channel: Channel,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<DraftText, PipelineError> {
        // Facts an admin confirmed from agents' fills, in place of the catalogue's.
        let learned = self.learned_faq().await?;
        render_draft(
            &self.knowledge,
            learned.as_ref(),
            id,
            message,
            c,
            channel,
            reference,
            now,
        )
    }

    /// The acknowledgement of receipt, when one is due: a channel that promises one, a human
    /// sender who is not us, under the per-sender daily cap.
    async fn acknowledgement_job(
        &self,
        id: InquiryId,
        reference: &str,
        message: &Message,
        c: &Classification,
        incoming: &Incoming,
        now: DateTime<Utc>,
    ) -> Result<Option<NewJob>, PipelineError> {
        let k = &self.knowledge;
        let Some(to) = ack_recipient(k, c, incoming) else {
            return Ok(None);
        };
        let since = now - chrono::Duration::hours(24);
        if self.store.acks_to_since(to, since).await? >= i64::from(k.mail.ack_per_sender_per_day) {
            tracing::info!(
                inquiry = id.0,
                "acknowledgement skipped: per-sender daily cap reached"
            );
            return Ok(None);
        }
        render_ack(k, id, reference, message, c, incoming)
    }

    /// Advances inquiries left in `received` by a crash (recorded, not yet acknowledged/drafted);
    /// returns how many were advanced. What cannot be advanced (imported history, purged) is
    /// skipped and logged, never an error.
    pub async fn resume(&self, now: DateTime<Utc>) -> Result<usize, PipelineError> {
        let pending = self.store.with_status(Status::Received, 1000).await?;
        let mut skipped = 0;
        for id in &pending {
            let summary = self.store.summary(*id).await?;
            // Imported history and purged inquiries have no message: nothing to advance.
            let Some(message) = self.store.message(*id).await? else {
                tracing::info!(
                    inquiry = id.0,
                    "resume: no stored message (imported or purged), skipped"
                );
                skipped += 1;
                continue;
            };
            let route = self.store.route(*id).await?.unwrap_or(Route::None);
            let incoming = Incoming {
                channel: summary.channel,
                source_key: String::new(),
                received_at: summary.received_at,
                message: message.clone(),
                route,
                // A draft means the acknowledgement step already ran (it comes first) or was
                // skipped on purpose (history): an inquiry reopened by a follow-up is not
                // acknowledged again.
                history: !self.store.drafts(*id).await?.is_empty(),
            };
            if let Err(e) = self
                .advance(*id, &message, &summary.classification, &incoming, now)
                .await
            {
                tracing::error!(inquiry = id.0, error = %e, "resume: inquiry not advanced, skipped");
                skipped += 1;
            }
        }
        Ok(pending.len() - skipped)
    }
}

/// Who an acknowledgement would go to, before the daily cap: a channel that promises one, a
/// human sender who is not one of our own addresses.
fn ack_recipient<'a>(k: &Knowledge, c: &Classification, incoming: &'a Incoming) -> Option<&'a str> {
    if c.automatic
        || k.engagements
            .acknowledgement_days(incoming.channel)
            .is_none()
    {
        return None;
    }
    let Route::Mail { to, .. } = &incoming.route else {
        return None;
    };
    (!k.mail.is_own_address(to)).then_some(to.as_str())
}

/// The reply proposed for a classification (pure: `learned` is the FAQ with confirmed facts).
#[allow(clippy::too_many_arguments)]
fn render_draft(
    k: &Knowledge,
    learned: Option<&crate::faq::Faq>,
    id: InquiryId,
    message: &Message,
    c: &Classification,
    channel: Channel,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<DraftText, PipelineError> {
    let survey_url = k.survey.as_ref().map(|s| s.link(id));
    let draft = k.drafter.reply_with_survey(
        learned.unwrap_or(&k.faq),
        &ReplyInput {
            message,
            classification: c,
            channel,
            reference: Some(reference),
            engagement_days: k.engagements.answer_days(channel, c.kind, c.topic),
            today: crate::calendar::paris_date(now),
        },
        survey_url.as_deref(),
    )?;
    Ok(DraftText {
        subject: draft.subject,
        text: draft.text,
        html: Some(draft.html),
        holding: draft.holding,
        note: draft.note,
    })
}

/// The acknowledgement job of a mail whose sender [`ack_recipient`] accepted (pure); `None`
/// for a route that is not a mail.
fn render_ack(
    k: &Knowledge,
    id: InquiryId,
    reference: &str,
    message: &Message,
    c: &Classification,
    incoming: &Incoming,
) -> Result<Option<NewJob>, PipelineError> {
    let Route::Mail {
        to,
        name,
        message_id,
        references,
    } = &incoming.route
    else {
        return Ok(None);
    };
    let days = k.engagements.answer_days(incoming.channel, c.kind, c.topic);
    // The subject is quoted back to the sender: hostile text is bounded first.
    let quoted = Message {
        subject: quotable_subject(&message.subject),
        ..message.clone()
    };
    let draft = k.drafter.acknowledgement(
        &k.faq,
        &AckInput {
            message: &quoted,
            classification: c,
            channel: incoming.channel,
            reference,
            received: crate::calendar::paris_date(incoming.received_at),
            engagement_days: days,
            deadline: k.calendar.deadline(incoming.received_at, days),
        },
    )?;
    Ok(Some(NewJob {
        inquiry: id,
        kind: JobKind::Ack,
        message_id: format!("<{reference}.ack@{}>", k.mail.message_id_domain()),
        recipient: Some(to.clone()),
        payload: Payload::Mail(MailMessage {
            holding: false,
            to: to.clone(),
            to_name: name.clone(),
            from: k.mail.from.clone(),
            subject: draft.subject,
            text: draft.text,
            html: Some(draft.html),
            in_reply_to: message_id.clone(),
            references: MailMessage::thread(references, message_id.as_deref()),
            auto_submitted: Some("auto-replied".to_string()),
            lang: Some(draft.lang),
        }),
    }))
}
