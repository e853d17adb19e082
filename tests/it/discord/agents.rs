//! The agents' buttons through the fake gateway: approve, refuse a non-agent, edit in a modal,
//! reassign, reject, markers, two agents at once.

use guichet::inquiry::{EventType, InquiryId, Status};
use serde_json::{json, Value};

use super::fake::Request;
use super::*;

/// A citizen's message, recorded and posted: (inquiry, citizen message id, post).
async fn posted(bot: &Bot, text: &str) -> (InquiryId, u64, Request) {
    let m = bot.citizen_writes(text);
    let id = bot.inquiry_of(m).await;
    let post = bot.post_of(id).await;
    (id, m, post)
}

/// The chat replies sent to the citizen's channel (message reference to their message).
fn replies(reqs: &[Request], citizen_message: u64) -> Vec<Request> {
    reqs.iter()
        .filter(|q| {
            q.method == "POST"
                && q.path == format!("/channels/{PUBLIC}/messages")
                && q.body["message_reference"]["message_id"] == json!(citizen_message.to_string())
        })
        .cloned()
        .collect()
}

async fn status(bot: &Bot, id: InquiryId) -> Status {
    bot.pipeline.store.summary(id).await.unwrap().status
}

fn content(callback: &Value) -> String {
    callback["data"]["content"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_approves_the_reply_is_sent_and_the_post_shows_who() {
    let bot = Bot::start().await;
    let (id, m, post) = posted(&bot, LOST).await;
    let click = bot.click(&format!("g:ok:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(cb["type"], json!(7), "the post itself is updated: {cb}");
    assert!(
        content(&cb).contains(&format!("Approuvée** par <@{AGENT}>")),
        "{cb}"
    );
    assert_eq!(cb["data"]["components"], json!([]));
    assert_eq!(cb["data"]["allowed_mentions"]["parse"], json!([]));
    let reqs = bot
        .fake
        .wait_for("the chat reply", |r| !replies(r, m).is_empty())
        .await;
    let sent = replies(&reqs, m);
    assert_eq!(sent[0].body["allowed_mentions"]["parse"], json!([]));
    assert!(sent[0].body["content"]
        .as_str()
        .unwrap()
        .contains("Bonjour"));
    let events = bot.pipeline.store.events(id).await.unwrap();
    let approved = events
        .iter()
        .find(|e| e.event == EventType::Approved)
        .unwrap();
    assert_eq!(approved.actor, format!("discord:{AGENT}"));
    for _ in 0..100 {
        if status(&bot, id).await == Status::Sent {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status(&bot, id).await, Status::Sent);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_agent_is_refused_ephemerally_and_nothing_changes() {
    let bot = Bot::start().await;
    let (id, _, post) = posted(&bot, LOST).await;
    let click = bot.click(&format!("g:ok:{}", id.0), OUTSIDER, &[QUALITY_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(cb["type"], json!(4));
    assert!(is_ephemeral(&cb));
    assert!(content(&cb).contains("réservée aux agents"), "{cb}");
    assert_eq!(status(&bot, id).await, Status::Drafted);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_modifier_modal_text_is_what_is_sent() {
    let bot = Bot::start().await;
    let (id, m, post) = posted(&bot, LOST).await;
    let click = bot.click(&format!("g:edit:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(cb["type"], json!(9), "a modal: {cb}");
    let draft = bot.pipeline.store.drafts(id).await.unwrap();
    let draft = draft.last().unwrap().draft.as_ref().unwrap().text.clone();
    assert_eq!(
        cb["data"]["components"][0]["components"][0]["value"],
        json!(draft)
    );

    let edited = "Bonjour, votre bonnet vous attend à l'accueil de la piscine. Bien cordialement.";
    let submit = bot.interact(
        5,
        json!({ "custom_id": format!("g:modal:{}:{}", id.0, post.created.unwrap()), "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "text", "value": edited }] }
        ] }),
        AGENT,
        &[AGENT_ROLE],
        Some(&post),
    );
    let cb = bot.callback(submit).await;
    // A preview first: nothing leaves on the submit alone.
    assert!(is_ephemeral(&cb), "{cb}");
    assert!(content(&cb).contains("votre bonnet vous attend"), "{cb}");
    assert!(replies(&bot.fake.requests(), m).is_empty());
    assert_eq!(status(&bot, id).await, Status::Drafted);
    let buttons = cb["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .clone();
    let labels: Vec<&str> = buttons.iter().filter_map(|b| b["label"].as_str()).collect();
    assert_eq!(labels, ["Envoyer", "Modifier encore"]);
    let send = buttons[0]["custom_id"].as_str().unwrap().to_string();
    let click = bot.click(&send, AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(cb["type"], json!(7), "{cb}");
    assert!(content(&cb).contains("Réponse envoyée"), "{cb}");
    // The card shows what was sent and who sent it, not the old draft.
    let edit = bot
        .fake
        .wait_for("the card updated", |r| {
            r.iter().any(|q| {
                q.method == "PATCH" && q.path.ends_with(&post.created.unwrap().to_string())
            })
        })
        .await
        .into_iter()
        .find(|q| q.method == "PATCH")
        .unwrap();
    let card = edit.body["content"].as_str().unwrap();
    assert!(card.contains("__Réponse envoyée__"), "{card}");
    assert!(card.contains("votre bonnet vous attend"), "{card}");
    assert!(!card.contains("Brouillon proposé"), "{card}");
    assert!(
        card.contains(&format!("Modifiée et approuvée** par <@{AGENT}>")),
        "{card}"
    );
    let reqs = bot
        .fake
        .wait_for("the edited reply", |r| !replies(r, m).is_empty())
        .await;
    let sent = replies(&reqs, m)[0].body["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sent.contains("votre bonnet vous attend"), "{sent}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reassigning_reposts_to_the_other_kinds_channel() {
    let bot = Bot::start().await;
    let (id, _, post) = posted(&bot, LOST).await;
    assert_eq!(channel_of(&post), AGENTS_PISCINE);
    let click = bot.click(&format!("g:move:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert!(is_ephemeral(&cb));
    let menu = cb["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let post_id = post.created.unwrap();
    assert_eq!(menu, format!("g:movek:{}:{post_id}", id.0));

    let choice = bot.choose(&menu, "conservatoire", AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(choice).await;
    assert_eq!(cb["type"], json!(7), "{cb}");
    let reqs = bot
        .fake
        .wait_for("the repost in the conservatoire channel", |r| {
            r.iter()
                .any(|q| q.created.is_some() && channel_of(q) == AGENTS_CONSERVATOIRE)
        })
        .await;
    let edit = reqs
        .iter()
        .find(|q| {
            q.method == "PATCH"
                && q.path == format!("/channels/{AGENTS_PISCINE}/messages/{post_id}")
        })
        .expect("the old post is edited");
    assert!(edit.body["content"]
        .as_str()
        .unwrap()
        .contains("Réaffectée à Conservatoire"));
    assert_eq!(edit.body["components"], json!([]));
    let s = bot.pipeline.store.summary(id).await.unwrap();
    assert_eq!(s.classification.kind.as_str(), "conservatoire");
    assert!(bot
        .pipeline
        .store
        .events(id)
        .await
        .unwrap()
        .iter()
        .any(|e| e.actor == format!("discord:{AGENT}")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_as_out_of_scope_tells_the_citizen_once_and_spam_hears_nothing() {
    let bot = Bot::start().await;
    let reject = |id: InquiryId, post: Request, reason: &'static str| {
        let bot = &bot;
        async move {
            let click = bot.click(&format!("g:no:{}", id.0), AGENT, &[AGENT_ROLE], &post);
            let cb = bot.callback(click).await;
            let menu = cb["data"]["components"][0]["components"][0]["custom_id"]
                .as_str()
                .unwrap()
                .to_string();
            let choice = bot.choose(&menu, reason, AGENT, &[AGENT_ROLE], &post);
            bot.callback(choice).await
        }
    };
    let (id, m, post) = posted(&bot, LOST).await;
    let post_id = post.created.unwrap();
    reject(id, post, "hors périmètre").await;
    let reqs = bot
        .fake
        .wait_for("the closing message", |r| !replies(r, m).is_empty())
        .await;
    let closing = replies(&reqs, m);
    assert_eq!(closing.len(), 1, "{closing:?}");
    let text = closing[0].body["content"].as_str().unwrap();
    assert!(text.contains("ne relève pas des compétences"), "{text}");
    assert_eq!(status(&bot, id).await, Status::Rejected);
    let events = bot.pipeline.store.events(id).await.unwrap();
    assert!(
        !events.iter().any(|e| e.event == EventType::Sent),
        "a closing message is not an answer: {events:?}"
    );
    let card = bot.fake.history(AGENTS_PISCINE);
    let card = card
        .iter()
        .find(|c| c["id"] == json!(post_id.to_string()))
        .unwrap();
    let card = card["content"].as_str().unwrap();
    assert!(
        card.contains("__Motif du rejet__ : hors périmètre"),
        "{card}"
    );
    assert!(card.contains("message de clôture"), "{card}");
    assert!(
        card.contains("__Message__"),
        "the citizen's text stays: {card}"
    );

    let (id, m, post) = posted(&bot, HOURS).await;
    reject(id, post, "spam").await;
    assert_eq!(status(&bot, id).await, Status::Rejected);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(
        replies(&bot.fake.requests(), m).is_empty(),
        "nothing for spam"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_records_the_reason() {
    let bot = Bot::start().await;
    let (id, m, post) = posted(&bot, LOST).await;
    let click = bot.click(&format!("g:no:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    let menu = cb["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let choice = bot.choose(&menu, "doublon", AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(choice).await;
    assert!(content(&cb).contains("Rejetée (doublon)"), "{cb}");
    assert_eq!(status(&bot, id).await, Status::Rejected);
    let events = bot.pipeline.store.events(id).await.unwrap();
    let rejected = events
        .iter()
        .find(|e| e.event == EventType::Rejected)
        .unwrap();
    assert_eq!(rejected.actor, format!("discord:{AGENT}"));
    assert!(
        rejected.detail.to_string().contains("doublon"),
        "{:?}",
        rejected.detail
    );
    assert!(
        replies(&bot.fake.requests(), m).is_empty(),
        "no reply after a rejection"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_with_a_marker_cannot_be_approved() {
    let bot = Bot::start().await;
    let (id, _, post) = posted(&bot, HOURS).await;
    let click = bot.click(&format!("g:ok:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert!(is_ephemeral(&cb), "{cb}");
    assert!(content(&cb).contains("marqueur"), "{cb}");
    assert!(content(&cb).contains("horaires"), "{cb}");
    assert_eq!(status(&bot, id).await, Status::Drafted);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_that_keeps_a_marker_is_refused_but_not_lost() {
    let bot = Bot::start().await;
    let (id, m, post) = posted(&bot, HOURS).await;
    let edited = "Bonjour, la piscine ouvre à [[à compléter : horaires]]. Bien cordialement.";
    let submit = bot.interact(
        5,
        json!({ "custom_id": format!("g:modal:{}:{}", id.0, post.created.unwrap()), "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "text", "value": edited }] }
        ] }),
        AGENT,
        &[AGENT_ROLE],
        Some(&post),
    );
    let cb = bot.callback(submit).await;
    assert!(is_ephemeral(&cb), "{cb}");
    assert!(
        content(&cb).contains("il reste 1 marqueur à compléter"),
        "{cb}"
    );
    assert!(content(&cb).contains("brouillon v2"), "{cb}");
    let labels: Vec<&str> = cb["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        ["Modifier encore"],
        "no Envoyer while a marker remains"
    );
    assert_eq!(status(&bot, id).await, Status::Drafted);
    let drafts = bot.pipeline.store.drafts(id).await.unwrap();
    let latest = drafts.last().unwrap();
    assert_eq!(latest.draft.as_ref().unwrap().text, edited);
    assert_eq!(latest.author, format!("discord:{AGENT}"));
    // The next « Modifier » opens the agent's text.
    let click = bot.click(&format!("g:edit:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(
        cb["data"]["components"][0]["components"][0]["value"],
        json!(edited)
    );
    assert!(replies(&bot.fake.requests(), m).is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_at_once_send_once_and_the_second_is_told_who() {
    let bot = Bot::start().await;
    let (id, m, post) = posted(&bot, LOST).await;
    let a = bot.click(&format!("g:ok:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let b = bot.click(&format!("g:ok:{}", id.0), AGENT2, &[AGENT_ROLE], &post);
    let (ca, cb) = (bot.callback(a).await, bot.callback(b).await);
    let (winner, winner_cb, loser_cb) = if ca["type"] == json!(7) {
        (AGENT, ca, cb)
    } else {
        (AGENT2, cb, ca)
    };
    assert_eq!(winner_cb["type"], json!(7));
    assert!(is_ephemeral(&loser_cb), "{loser_cb}");
    assert!(
        content(&loser_cb).contains(&format!("Déjà traitée par <@{winner}>")),
        "{loser_cb}"
    );
    bot.fake
        .wait_for("the reply", |r| !replies(r, m).is_empty())
        .await;
    let jobs = bot.pipeline.store.jobs_of(id).await.unwrap();
    assert_eq!(
        jobs.iter().filter(|(kind, _, _)| kind == "reply").count(),
        1,
        "one reply job"
    );
    assert_eq!(replies(&bot.fake.requests(), m).len(), 1, "sent once");
    bot.stop().await;
}
