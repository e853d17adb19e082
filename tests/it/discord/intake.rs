//! Intake through the fake gateway: a public message becomes an inquiry, acknowledged in a thread
//! and posted to its kind's agents' channel; bots, other channels, edits, deletions, a dropped
//! gateway, and mail drafts posted too.

use chrono::Utc;
use guichet::inquiry::{Channel, Message};
use guichet::inquiry::{EventType, Status};
use guichet::pipeline::{Incoming, Route};
use serde_json::json;

use super::fake::{message, user, GUILD};
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_message_is_recorded_acknowledged_in_a_thread_and_posted_to_its_channel() {
    let bot = Bot::start().await;
    let m = bot.citizen_writes(
        "Bonjour @everyone, j'ai perdu mon **bonnet** à la piscine, l'avez-vous retrouvé ?",
    );
    let id = bot.inquiry_of(m).await;
    let summary = bot.pipeline.store.summary(id).await.unwrap();
    assert_eq!(summary.channel, Channel::Chat);
    assert_eq!(
        bot.pipeline
            .store
            .route::<serde_json::Value>(id)
            .await
            .unwrap()
            .unwrap(),
        json!({ "transport": "discord", "channel_id": PUBLIC.to_string(), "message_id": m.to_string() })
    );

    // The acknowledgement: a thread under the message, then a short French text in it.
    let thread_path = format!("/channels/{PUBLIC}/messages/{m}/threads");
    let reqs = bot
        .fake
        .wait_for("the acknowledgement in the thread", |r| {
            r.iter().any(|q| q.path == thread_path)
                && r.iter()
                    .any(|q| q.path == format!("/channels/{m}/messages"))
        })
        .await;
    let ack = reqs
        .iter()
        .find(|q| q.path == format!("/channels/{m}/messages"))
        .unwrap();
    let text = ack.body["content"].as_str().unwrap();
    assert!(text.contains(&summary.reference), "{text}");
    // From the `fr/acknowledgement-chat` template, with the agreement computed.
    assert!(
        text.contains(" jour ouvré,") || text.contains(" jours ouvrés,"),
        "{text}"
    );
    assert!(!text.contains("(s)"), "{text}");
    assert!(text.contains("en réponse à votre message"), "{text}");
    assert_eq!(ack.body["allowed_mentions"]["parse"], json!([]));

    // The post: in the pool agents' channel, buttons, nothing that can mention or format.
    let post = bot.post_of(id).await;
    assert_eq!(channel_of(&post), AGENTS_PISCINE);
    assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
    assert!(post.body["allowed_mentions"]["users"]
        .as_array()
        .is_none_or(|u| u.is_empty()));
    let content = post.body["content"].as_str().unwrap();
    assert!(content.contains("\\@everyone"), "{content}");
    assert!(content.contains("\\*\\*bonnet\\*\\*"), "{content}");
    assert!(!content.contains(" @everyone"), "{content}");
    assert!(content.contains("Échéance"), "{content}");
    assert!(
        content.contains(&format!("https://guichet.example/console/{}", id.0)),
        "{content}"
    );
    assert!(content.chars().count() <= 2000);
    let labels: Vec<&str> = post.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["label"].as_str())
        .collect();
    assert_eq!(labels, ["Approuver", "Modifier", "Réaffecter", "Rejeter"]);

    // The ledger: acknowledged (the outbox job completed).
    let mut events = Vec::new();
    for _ in 0..100 {
        events = bot.pipeline.store.events(id).await.unwrap();
        if events.iter().any(|e| e.event == EventType::Acknowledged) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        events.iter().any(|e| e.event == EventType::Acknowledged),
        "{events:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_other_channels_are_ignored_and_edits_and_deletions_are_kept() {
    let bot = Bot::start().await;
    let from_bot = bot.fake.new_id();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message(
            from_bot,
            PUBLIC,
            user(fake::BOT, "guichet", true),
            LOST,
            Some(GUILD),
        ),
    );
    let elsewhere = bot.fake.new_id();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message(
            elsewhere,
            12_345,
            user(CITIZEN, "Camille", false),
            LOST,
            Some(GUILD),
        ),
    );
    // A real one after them: once it is recorded, the two before were seen and skipped.
    let m = bot.citizen_writes(LOST);
    let id = bot.inquiry_of(m).await;
    let store = &bot.pipeline.store;
    assert!(store
        .inquiry_by_source(&format!("discord:{from_bot}"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .inquiry_by_source(&format!("discord:{elsewhere}"))
        .await
        .unwrap()
        .is_none());

    // Events are handled concurrently: the deletion is sent once the edit is recorded, as a
    // person would delete later.
    let followups_reaching = |n: usize| async move {
        for _ in 0..200 {
            let f = store.followups(id).await.unwrap();
            if f.len() >= n {
                return f;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        store.followups(id).await.unwrap()
    };
    bot.fake.dispatch(
        "MESSAGE_UPDATE",
        json!({ "id": m.to_string(), "channel_id": PUBLIC.to_string(), "guild_id": GUILD.to_string(),
                "content": "finalement c'était un bonnet rouge", "author": user(CITIZEN, "Camille", false) }),
    );
    followups_reaching(1).await;
    bot.fake.dispatch(
        "MESSAGE_DELETE",
        json!({ "id": m.to_string(), "channel_id": PUBLIC.to_string(), "guild_id": GUILD.to_string() }),
    );
    let followups = followups_reaching(2).await;
    assert_eq!(followups.len(), 2, "{followups:?}");
    assert_eq!(followups[0].kind, "edited");
    assert_eq!(
        followups[0].text.as_deref(),
        Some("finalement c'était un bonnet rouge")
    );
    assert_eq!(followups[1].kind, "deleted");
    // The original is untouched.
    assert_eq!(store.message(id).await.unwrap().unwrap().body, LOST);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_drop_mid_flow_loses_nothing() {
    let bot = Bot::start().await;
    let first = bot.citizen_writes(LOST);
    bot.inquiry_of(first).await;
    bot.fake.drop_connection();
    // Written while the bot is disconnected: replayed when it resumes.
    let second = bot.citizen_writes("Bonjour, comment s'inscrire au conservatoire ?");
    let id = bot.inquiry_of(second).await;
    assert!(bot.fake.resumes() >= 1, "the bot resumed its session");
    assert_eq!(bot.fake.identifies(), 1, "no new session was needed");
    let post = bot.post_of(id).await;
    assert_eq!(channel_of(&post), AGENTS_CONSERVATOIRE);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_drafts_are_posted_to_the_agents_channel_too() {
    let bot = Bot::start().await;
    let mut message = Message::chat("Bonjour, comment s'inscrire au conservatoire de Clamart ?");
    message.subject = "Inscription".to_string();
    let intake = bot
        .pipeline
        .ingest(
            &Incoming {
                channel: Channel::Mail,
                source_key: "imap:INBOX:1:1".to_string(),
                received_at: Utc::now(),
                message,
                route: Route::Mail {
                    to: "camille@example.org".to_string(),
                    name: None,
                    message_id: None,
                    references: Vec::new(),
                },
                history: false,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let guichet::pipeline::Intake::Created { id, .. } = intake else {
        panic!("not created: {intake:?}")
    };
    let post = bot.post_of(id).await;
    assert_eq!(channel_of(&post), AGENTS_CONSERVATOIRE);
    assert!(post.body["content"].as_str().unwrap().contains("courriel"));
    assert_eq!(
        bot.pipeline.store.summary(id).await.unwrap().status,
        Status::Drafted
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_to_the_bot_is_an_inquiry_acknowledged_by_a_reply() {
    let bot = Bot::start().await;
    let dm_channel = 8_000;
    let m = bot.fake.new_id();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message(m, dm_channel, user(CITIZEN, "Camille", false), LOST, None),
    );
    let id = bot.inquiry_of(m).await;
    let path = format!("/channels/{dm_channel}/messages");
    let reqs = bot
        .fake
        .wait_for("the acknowledgement in the DM", |r| {
            r.iter().any(|q| q.path == path)
        })
        .await;
    let ack = reqs.iter().find(|q| q.path == path).unwrap();
    assert_eq!(
        ack.body["message_reference"]["message_id"],
        json!(m.to_string())
    );
    assert!(
        !reqs.iter().any(|q| q.path.ends_with("/threads")),
        "no thread in a DM"
    );
    let post = bot.post_of(id).await;
    assert_eq!(channel_of(&post), AGENTS_PISCINE);
    bot.stop().await;
}
