//! Mail judged automatic on soft evidence only (a subject phrase, no header): listed for agents
//! ("probablement automatique — à vérifier") and restored as an inquiry in one action, then
//! acknowledged and drafted as if it had been sorted right, with its original receipt time.

use chrono::{DateTime, Utc};

use super::{Incoming, Pipeline, PipelineError, Route};
use crate::inquiry::{Actor, InquiryId, Outcome, Status};
use crate::store::InquirySummary;

/// How many automatic inquiries are looked at for the list.
const LIST_LIMIT: i64 = 500;

impl Pipeline {
    /// Automatic inquiries judged so on soft evidence only, oldest first.
    pub async fn soft_automatic(&self) -> Result<Vec<InquirySummary>, PipelineError> {
        let mut out = Vec::new();
        for id in self
            .store
            .with_status(Status::Automatic, LIST_LIMIT)
            .await?
        {
            let summary = self.store.summary(id).await?;
            if summary.classification.soft_automatic() {
                out.push(summary);
            }
        }
        Ok(out)
    }

    /// Restores an automatic inquiry as a citizen's: sorted again as human mail, acknowledged
    /// (when its channel promises it) and drafted, its deadline counted from its receipt.
    pub async fn restore_automatic(
        &self,
        id: InquiryId,
        agent: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, PipelineError> {
        let summary = self.store.summary(id).await?;
        if summary.status != Status::Automatic {
            return Ok(Outcome::AlreadyDecided(self.store.standing(id).await?));
        }
        let message = self
            .store
            .message(id)
            .await?
            .ok_or(PipelineError::NoMessage(id))?;
        let c = self.knowledge.faq.classify_human(&message);
        // Status first: of two agents restoring at once, one moves it and the other stops here.
        if !self
            .store
            .set_status(id, &[Status::Automatic], Status::Received)
            .await?
        {
            return Ok(Outcome::AlreadyDecided(self.store.standing(id).await?));
        }
        self.store
            .record_restored(id, &c, &agent.key(), now)
            .await?;
        let route: Route = self
            .store
            .route(id)
            .await?
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or(Route::None);
        let incoming = Incoming {
            channel: summary.channel,
            source_key: String::new(),
            received_at: summary.received_at,
            message: message.clone(),
            route,
            history: false,
        };
        self.advance(id, &message, &c, &incoming, now).await?;
        Ok(Outcome::Done)
    }
}
