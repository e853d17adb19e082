//! The pipeline's side of learned facts: values agents typed in place of markers become proposals
//! (never facts: an admin confirms them), and every draft reads the confirmed facts in force.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Pipeline, PipelineError};
use crate::calendar::paris_date;
use crate::faq::Faq;
use crate::inquiry::{Actor, InquiryId};
use crate::learn::{filled, overlay, recognise};
use crate::store::NewProposal;

impl Pipeline {
    /// The FAQ with the confirmed facts in force today in place of the catalogue's; `None` when
    /// no confirmed fact applies.
    pub(super) async fn learned_faq(&self) -> Result<Option<Faq>, PipelineError> {
        let learned = self.store.learned_facts().await?;
        let faq = &self.knowledge.faq;
        Ok(
            overlay(&faq.catalogue, &learned, paris_date(Utc::now())).map(|catalogue| Faq {
                catalogue,
                ..faq.clone()
            }),
        )
    }

    /// « Enregistrer pour les prochaines réponses »: the values the agent typed in place of the
    /// markers of the inquiry's last draft that had some, each recognised as a facility's fact,
    /// become proposals for an admin. Returns how many were proposed.
    pub async fn keep_filled_facts(
        &self,
        id: InquiryId,
        actor: &Actor,
        edited_text: &str,
        valid_until: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<usize, PipelineError> {
        let drafts = self.store.drafts(id).await?;
        let Some(with_markers) = drafts
            .iter()
            .rev()
            .filter_map(|v| v.draft.as_ref())
            .find(|d| d.text.contains("[[à compléter"))
        else {
            return Ok(0);
        };
        let summary = self.store.summary(id).await?;
        let catalogue = &self.knowledge.faq.catalogue;
        let mut proposed = 0;
        for f in filled(&with_markers.text, edited_text) {
            let Some((facility, field)) =
                recognise(catalogue, &f.what, summary.classification.facility.as_ref())
            else {
                continue;
            };
            let p = NewProposal {
                facility,
                field,
                value: f.value,
                valid_until,
                marker: f.what,
                provenance: f.context,
                inquiry: Some(id),
                proposed_by: actor.key(),
            };
            self.store.propose_fact(&p, now).await?;
            proposed += 1;
        }
        Ok(proposed)
    }
}
