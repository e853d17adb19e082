//! « Enregistrer pour les prochaines réponses » in the Modifier form: an agent fills the hours
//! marker in Discord and keeps the value (with an end date), it becomes a proposal by that agent,
//! an admin confirms it, and the next draft for that facility carries it; a keep answer that is
//! not understood is refused, the text kept, nothing proposed.

use guichet::inquiry::InquiryId;
use guichet::learn::FactField;
use serde_json::{json, Value};

use super::fake::Request;
use super::*;

const OPENING: &str = "du lundi au vendredi de 7 h à 21 h 30";

async fn posted(bot: &Bot, text: &str) -> (InquiryId, Request) {
    let m = bot.citizen_writes(text);
    let id = bot.inquiry_of(m).await;
    let post = bot.post_of(id).await;
    (id, post)
}

async fn latest_draft(bot: &Bot, id: InquiryId) -> String {
    bot.pipeline
        .store
        .drafts(id)
        .await
        .expect("drafts")
        .into_iter()
        .rev()
        .find_map(|v| v.draft)
        .expect("a draft")
        .text
}

/// The draft with every marker filled: the hours with `OPENING`, the others with a sentence.
fn filled(draft: &str) -> String {
    let mut text = draft.to_string();
    for m in guichet::draft::render::markers(draft) {
        let value = if FactField::named_by(&m) == Some(FactField::Hours) {
            OPENING
        } else {
            "voir le site de la ville"
        };
        text = text.replacen(&guichet::draft::render::marker(&m), value, 1);
    }
    text
}

fn submit(bot: &Bot, id: InquiryId, post: &Request, text: &str, keep: &str) -> u64 {
    bot.interact(
        5,
        json!({ "custom_id": format!("g:modal:{}:{}", id.0, post.created.unwrap()), "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "text", "value": text }] },
            { "type": 1, "components": [{ "type": 4, "custom_id": "keep", "value": keep }] }
        ] }),
        AGENT,
        &[AGENT_ROLE],
        Some(post),
    )
}

fn content(cb: &Value) -> String {
    cb["data"]["content"].as_str().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_kept_in_the_discord_form_is_proposed_by_the_agent_and_used_once_confirmed() {
    let bot = Bot::start().await;
    let (id, post) = posted(&bot, HOURS).await;
    let draft = latest_draft(&bot, id).await;
    assert!(draft.contains("[[à compléter"), "{draft}");
    // The form offers the keep field (optional) under the text.
    let click = bot.click(&format!("g:edit:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let form = bot.callback(click).await;
    let keep = &form["data"]["components"][1]["components"][0];
    assert_eq!(
        keep["label"],
        json!("Enregistrer pour les prochaines réponses"),
        "{form}"
    );
    assert_eq!(keep["custom_id"], json!("keep"));
    assert_eq!(keep["required"], json!(false));

    let cb = bot
        .callback(submit(&bot, id, &post, &filled(&draft), "31/12/2099"))
        .await;
    assert!(is_ephemeral(&cb), "{cb}");
    assert!(
        content(&cb)
            .contains("aux administrateurs pour les prochaines réponses (jusqu'au 31/12/2099)"),
        "{cb}"
    );
    let proposals = bot.pipeline.store.open_proposals(None).await.expect("open");
    let hours = proposals
        .iter()
        .find(|p| p.field == FactField::Hours)
        .expect("an hours proposal");
    assert_eq!(hours.facility.as_str(), "piscine-pajeaud");
    assert_eq!(hours.value, OPENING);
    assert_eq!(hours.proposed_by, format!("discord:{AGENT}"));
    assert_eq!(hours.inquiry, Some(id));
    assert_eq!(
        hours.valid_until,
        chrono::NaiveDate::from_ymd_opt(2099, 12, 31)
    );

    // Not used before an admin confirms it; used by the next draft after.
    let (before, _) = posted(&bot, "Bonjour, horaires de la piscine Pajeaud demain ?").await;
    assert!(!latest_draft(&bot, before).await.contains(OPENING));
    assert!(bot
        .pipeline
        .store
        .confirm_fact(
            hours.id,
            OPENING,
            hours.valid_until,
            "web:root",
            chrono::Utc::now()
        )
        .await
        .expect("confirm"));
    let (after, _) = posted(&bot, "Bonjour, la piscine Pajeaud ouvre à quelle heure ?").await;
    let next = latest_draft(&bot, after).await;
    assert!(next.contains(OPENING), "{next}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keep_answer_that_is_not_understood_is_refused_and_nothing_is_proposed() {
    let bot = Bot::start().await;
    let (id, post) = posted(&bot, HOURS).await;
    let text = filled(&latest_draft(&bot, id).await);
    let cb = bot
        .callback(submit(&bot, id, &post, &text, "bientôt"))
        .await;
    assert!(is_ephemeral(&cb), "{cb}");
    let said = content(&cb);
    assert!(said.contains("« bientôt » n'est pas compris"), "{said}");
    assert!(said.contains("JJ/MM/AAAA"), "{said}");
    assert!(said.contains("Rien n'a été enregistré"), "{said}");
    assert!(bot
        .pipeline
        .store
        .open_proposals(None)
        .await
        .unwrap()
        .is_empty());
    // The text itself is kept: the agent loses nothing.
    assert_eq!(latest_draft(&bot, id).await, text);
    // Left empty: nothing proposed, nothing said about it.
    let cb = bot.callback(submit(&bot, id, &post, &text, "")).await;
    assert!(!content(&cb).contains("prochaines réponses"), "{cb}");
    assert!(bot
        .pipeline
        .store
        .open_proposals(None)
        .await
        .unwrap()
        .is_empty());
    bot.stop().await;
}
