//! The demo's learning loop: the demo agent keeps a value she typed in place of a marker, the
//! demo admin confirms it, and a later demo inquiry for the same facility is drafted with it;
//! then the sorting accuracy of the demo's decisions.

use chrono::Utc;

use crate::inquiry::{Actor, InquiryId, Route};
use crate::learn::present::one_line;
use crate::pipeline::{Incoming, Intake, Pipeline};

/// The demo admin, as written in the ledger.
const ADMIN: &str = "web:admin-demo";

pub(super) async fn show(
    pipeline: &Pipeline,
    agent: &Actor,
    answered: &[InquiryId],
) -> anyhow::Result<()> {
    let store = &pipeline.store;
    let now = Utc::now();
    println!("\nApprentissage (faits appris des agents)\u{a0}:");
    for id in answered {
        let drafts = store.drafts(*id).await?;
        let Some(approved) = drafts.iter().rev().find_map(|v| v.draft.clone()) else {
            continue;
        };
        if pipeline
            .keep_filled_facts(*id, agent, &approved.text, None, now)
            .await?
            == 0
        {
            continue;
        }
        let proposals = store.open_proposals(None).await?;
        let Some(p) = proposals.first() else { continue };
        let place = pipeline
            .knowledge
            .faq
            .catalogue
            .facility(&p.facility)
            .map_or_else(|| p.facility.to_string(), |f| f.name.clone());
        println!(
            "  1. « {} » garde la valeur saisie pour « {} » ({}, {})\u{a0}: proposition n°\u{a0}{}",
            agent.display_name(),
            p.marker,
            place,
            p.field.label(),
            p.id
        );
        store.confirm_fact(p.id, &p.value, None, ADMIN, now).await?;
        println!("  2. l'administrateur de démonstration la confirme");
        let Some(message) = store.message(*id).await? else {
            break;
        };
        let incoming = Incoming {
            channel: crate::inquiry::Channel::Mail,
            source_key: "demo:apprentissage".into(),
            received_at: now,
            route: Route::mail(&message),
            message,
            history: false,
        };
        if let Intake::Created { id: later, .. } = pipeline.ingest(&incoming, now).await? {
            let text = store
                .drafts(later)
                .await?
                .into_iter()
                .rev()
                .find_map(|v| v.draft)
                .map(|d| d.text)
                .unwrap_or_default();
            let used = text.contains(&p.value);
            println!(
                "  3. une nouvelle demande pour {place}\u{a0}: {}",
                if used {
                    "son brouillon reprend la valeur confirmée, sans marqueur pour ce fait"
                } else {
                    "son brouillon ne reprend pas la valeur (fait non reconnu)"
                }
            );
        }
        break;
    }
    let accuracy = store.sorting_accuracy(None, None, None).await?;
    println!("  {}", one_line(&accuracy));
    Ok(())
}
