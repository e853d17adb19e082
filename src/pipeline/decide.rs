//! Agents' decisions, the same whatever the screen (Discord buttons or web console): approve (as
//! drafted or edited), reassign, reject, or record an answer given outside guichet.

use chrono::{DateTime, Utc};

use super::{Pipeline, PipelineError, Route};
use crate::draft::markers;
use crate::inquiry::{Actor, FacilityId, Kind, RejectReason};
use crate::inquiry::{DraftText, InquiryId, Outcome, Status};
use crate::store::{DiscordReply, JobKind, MailMessage, NewJob, Payload, Snowflake, StoreError};

/// Why an approval was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApproveError {
    #[error("le brouillon contient encore {} marqueur(s) à compléter : {}", .0.len(), .0.join(" ; "))]
    Markers(Vec<String>),
    #[error("aucun brouillon à approuver")]
    NoDraft,
    #[error(
        "aucune adresse de réponse : marquez la demande comme répondue par courrier ou téléphone"
    )]
    NoRoute,
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl From<crate::store::StoreError> for ApproveError {
    fn from(e: crate::store::StoreError) -> Self {
        ApproveError::Pipeline(e.into())
    }
}

/// The result of a decision: done, or somebody else was first.
pub type Decision = Outcome;

impl Pipeline {
    /// Approves the latest draft, or the agent's edited text; refused while a
    /// `[[à compléter : …]]` marker remains. The reply job is written with the approval.
    pub async fn approve(
        &self,
        id: InquiryId,
        actor: &Actor,
        edited_text: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Decision, ApproveError> {
        let drafts = self.store.drafts(id).await?;
        let (version, latest) = drafts
            .iter()
            .rev()
            .find_map(|v| v.draft.clone().map(|d| (v.version, d)))
            .ok_or(ApproveError::NoDraft)?;
        // A holding reply sent as drafted stays a holding reply; an agent who rewrites it is
        // giving the answer.
        let holding = self.store.draft_is_holding(id, version).await?
            && edited_text.is_none_or(|t| t == latest.text);
        let text = edited_text
            .map(str::to_string)
            .unwrap_or_else(|| latest.text.clone());
        let left = markers(&text);
        if !left.is_empty() {
            return Err(ApproveError::Markers(left));
        }
        let summary = self.store.summary(id).await?;
        let route: Route = self.store.route(id).await?.unwrap_or(Route::None);
        let replies = self
            .store
            .jobs_of(id)
            .await?
            .iter()
            .filter(|(kind, _, _)| kind == "reply")
            .count();
        let message_id = format!(
            "<{}.reply{}@{}>",
            summary.reference,
            replies + 1,
            self.knowledge.mail.message_id_domain()
        );
        let html = crate::draft::render::text_to_html(&text);
        let (recipient, payload) = match &route {
            Route::Mail {
                to,
                name,
                message_id: original,
                references,
            } => (
                Some(to.clone()),
                Payload::Mail(MailMessage {
                    holding,
                    to: to.clone(),
                    to_name: name.clone(),
                    from: self.knowledge.mail.from.clone(),
                    subject: latest.subject.clone(),
                    text: text.clone(),
                    html: Some(html),
                    in_reply_to: original.clone(),
                    references: MailMessage::thread(references, original.as_deref()),
                    auto_submitted: None,
                    lang: Some(summary.classification.lang),
                }),
            ),
            Route::Discord {
                channel_id,
                message_id: original,
            } => {
                let id = |s: &str| {
                    Snowflake::try_from(s.to_string()).map_err(|e| {
                        ApproveError::from(StoreError::CorruptRow {
                            table: "inquiry_personal",
                            row: summary.id.0,
                            message: format!("route: {e}"),
                        })
                    })
                };
                (
                    None,
                    Payload::DiscordReply(DiscordReply {
                        holding,
                        channel_id: id(channel_id)?,
                        reply_to: id(original)?,
                        text: text.clone(),
                    }),
                )
            }
            Route::None => return Err(ApproveError::NoRoute),
        };
        let job = NewJob {
            inquiry: id,
            kind: JobKind::Reply,
            message_id,
            recipient,
            payload,
        };
        let edited = edited_text
            .filter(|t| *t != latest.text)
            .map(|t| DraftText {
                subject: latest.subject.clone(),
                text: t.to_string(),
                html: Some(crate::draft::render::text_to_html(t)),
                holding,
                // The agent's own text: the note of the draft it was made from still explains it.
                note: Vec::new(),
            });
        Ok(self
            .store
            .approve(id, &actor.key(), now, edited.as_ref(), &job)
            .await?)
    }

    /// Rejects: no reply is needed (spam, doublon, traité par téléphone, hors périmètre); the
    /// citizen gets a short closing message for the last two (written with the decision).
    pub async fn reject(
        &self,
        id: InquiryId,
        actor: &Actor,
        reason: RejectReason,
        now: DateTime<Utc>,
    ) -> Result<Decision, PipelineError> {
        let closing = self.closing_job(id, reason).await?;
        Ok(self
            .store
            .reject(id, &actor.key(), now, reason.label(), closing.as_ref())
            .await?)
    }

    /// Records an answer given by letter, phone or at the desk.
    pub async fn answered_outside(
        &self,
        id: InquiryId,
        actor: &Actor,
        how: &str,
        now: DateTime<Utc>,
    ) -> Result<Decision, PipelineError> {
        Ok(self
            .store
            .answered_outside(id, &actor.key(), now, how)
            .await?)
    }

    /// Keeps an agent's edited text as a new draft version while the inquiry waits (the text the
    /// agent saw refused, e.g. for a marker left, is not lost); None when it no longer waits or
    /// has no draft.
    pub async fn keep_agent_text(
        &self,
        id: InquiryId,
        actor: &Actor,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, PipelineError> {
        if !self.store.standing(id).await?.status.is_open() {
            return Ok(None);
        }
        let drafts = self.store.drafts(id).await?;
        let Some(subject) = drafts
            .iter()
            .rev()
            .find_map(|v| v.draft.as_ref().map(|d| d.subject.clone()))
        else {
            return Ok(None);
        };
        let draft = DraftText {
            subject,
            text: text.to_string(),
            html: Some(crate::draft::render::text_to_html(text)),
            // The agent's own text: the agent decides whether it is the answer.
            holding: false,
            note: Vec::new(),
        };
        Ok(Some(
            self.store.save_draft(id, &draft, &actor.key(), now).await?,
        ))
    }

    /// Reassigns to another facility (or to a kind without facility) and drafts again for it.
    /// Returns false when the inquiry is no longer open.
    pub async fn reassign(
        &self,
        id: InquiryId,
        actor: &Actor,
        kind: Kind,
        facility: Option<FacilityId>,
        now: DateTime<Utc>,
    ) -> Result<bool, PipelineError> {
        let summary = self.store.summary(id).await?;
        if !summary.status.is_open() {
            return Ok(false);
        }
        let k = &self.knowledge;
        let kind = facility
            .as_ref()
            .and_then(|f| k.faq.catalogue.facility(f))
            .map(|f| f.kind)
            .unwrap_or(kind);
        let mut c = summary.classification.clone();
        c.kind = kind;
        c.facility = facility;
        c.template = None;
        self.store
            .record_classification(id, &c, &actor.key(), now)
            .await?;
        let message = self
            .store
            .message(id)
            .await?
            .ok_or(PipelineError::NoMessage(id))?;
        let text = self
            .draft_text(id, &message, &c, summary.channel, &summary.reference, now)
            .await?;
        self.store.save_draft(id, &text, "guichet", now).await?;
        self.store
            .set_status(id, &[Status::Received], Status::Drafted)
            .await?;
        Ok(true)
    }
}
