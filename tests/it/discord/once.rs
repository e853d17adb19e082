//! Every post once: a job that left before a crash (sent, never marked) is found on retry and
//! not sent again — the agents' card by its text in the channel, the acknowledgement by its
//! thread (an existing thread, 160004, is success) and the text already in it; every message
//! carries a nonce with `enforce_nonce`.

use std::sync::Arc;

use chrono::{Duration as Span, Utc};
use guichet::discord::{build_http, DiscordTransport, Settings};
use guichet::inquiry::InquiryId;
use guichet::pipeline::{deliver_due, Transport};
use guichet::store::{
    claim_token, DiscordAck, DiscordPost, JobKind, NewJob, Payload, Snowflake, Step, Store,
};

use super::fake::{user, Fake, GUILD};
use super::*;

struct Setup {
    fake: Fake,
    store: Store,
    transport: DiscordTransport,
    id: InquiryId,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("g.db").display()))
        .await
        .unwrap();
    let pipeline = Pipeline::new(store.clone(), Knowledge::load(&Config::default()).unwrap());
    let intake = pipeline
        .ingest(&super::intake_incoming(LOST), Utc::now())
        .await
        .unwrap();
    let guichet::pipeline::Intake::Created { id, .. } = intake else {
        panic!("{intake:?}")
    };
    let settings = Settings::from_config(&discord_config(&fake.url)).unwrap();
    let transport = DiscordTransport {
        http: Arc::new(build_http(&settings)),
    };
    Setup {
        fake,
        store,
        transport,
        id,
        _dir: dir,
    }
}

/// Claims the job and delivers it without marking it (the process dies right after sending).
async fn deliver_then_die(s: &Setup) {
    let now = Utc::now();
    let mut jobs = s
        .store
        .claim(
            Step::Send,
            "discord",
            &claim_token(),
            now,
            Span::seconds(1),
            10,
        )
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(s.store.begin_attempt(&mut jobs[0], now).await.unwrap());
    s.transport.deliver(&jobs[0]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_sent_before_a_crash_is_found_and_not_posted_again() {
    let s = setup().await;
    let content = "**VSGP-2026-000001** · Discord · brouillon v1\nTexte";
    let job = NewJob {
        inquiry: s.id,
        kind: JobKind::DiscordPost,
        message_id: "<VSGP-2026-000001.post1@discord>".to_string(),
        recipient: None,
        payload: Payload::DiscordPost(DiscordPost {
            channel_id: Snowflake(AGENTS_DEFAULT),
            content: content.to_string(),
        }),
    };
    s.store.enqueue(&job, Utc::now()).await.unwrap();
    deliver_then_die(&s).await;
    let done = deliver_due(&s.store, &s.transport, Utc::now() + Span::minutes(10))
        .await
        .unwrap();
    assert_eq!(done.sent, 1);
    let cards = bot_messages_in(&s.fake, AGENTS_DEFAULT);
    assert_eq!(cards.len(), 1, "one card: {cards:#?}");
    let posts: Vec<_> = s
        .fake
        .requests()
        .into_iter()
        .filter(|q| q.method == "POST" && q.path.ends_with("/messages"))
        .collect();
    assert_eq!(posts.len(), 1, "the retry looked and did not post");
    assert!(posts[0].body["nonce"]
        .as_str()
        .is_some_and(|n| n.len() <= 25));
    assert_eq!(posts[0].body["enforce_nonce"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledgement_sent_before_a_crash_is_not_sent_again_and_an_existing_thread_is_success(
) {
    let s = setup().await;
    let citizen = s
        .fake
        .write_unseen(PUBLIC, user(CITIZEN, "Camille", false), LOST, Some(GUILD));
    let job = |mid: &str, message: u64| NewJob {
        inquiry: s.id,
        kind: JobKind::Ack,
        message_id: mid.to_string(),
        recipient: None,
        payload: Payload::DiscordAck(DiscordAck {
            channel_id: Snowflake(PUBLIC),
            message_id: Snowflake(message),
            dm: false,
            thread_name: "Demande VSGP-2026-000001".to_string(),
            text: "Bonjour, votre demande est enregistrée sous la référence VSGP-2026-000001."
                .to_string(),
        }),
    };
    s.store
        .enqueue(&job("<a@discord>", citizen), Utc::now())
        .await
        .unwrap();
    deliver_then_die(&s).await;
    let done = deliver_due(&s.store, &s.transport, Utc::now() + Span::minutes(10))
        .await
        .unwrap();
    assert_eq!((done.sent, done.failed), (1, 0));
    assert_eq!(
        bot_messages_in(&s.fake, citizen).len(),
        1,
        "one text in the thread"
    );

    // A thread someone else opened (160004 on a first attempt): the text goes into it, once.
    let other = s
        .fake
        .write_unseen(PUBLIC, user(CITIZEN, "Camille", false), HOURS, Some(GUILD));
    s.fake.open_thread(other);
    s.store
        .enqueue(&job("<b@discord>", other), Utc::now())
        .await
        .unwrap();
    let done = deliver_due(&s.store, &s.transport, Utc::now() + Span::minutes(20))
        .await
        .unwrap();
    assert_eq!((done.sent, done.failed), (1, 0));
    assert_eq!(bot_messages_in(&s.fake, other).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_answer_goes_out_in_parts_cut_between_sentences_each_a_reply_to_the_last() {
    let s = setup().await;
    let citizen = s
        .fake
        .write_unseen(PUBLIC, user(CITIZEN, "Camille", false), LOST, Some(GUILD));
    let sentence =
        "Votre bonnet de bain a été retrouvé et vous attend à l'accueil du centre aquatique. ";
    let text = format!("Bonjour,\n\n{}\n\nBien cordialement,", sentence.repeat(35));
    assert!(text.chars().count() > 2900);
    let job = NewJob {
        inquiry: s.id,
        kind: JobKind::Reply,
        message_id: "<VSGP-2026-000001.reply1@discord>".to_string(),
        recipient: None,
        payload: Payload::DiscordReply(guichet::store::DiscordReply {
            channel_id: Snowflake(PUBLIC),
            reply_to: Snowflake(citizen),
            text: text.clone(),
        }),
    };
    s.store.enqueue(&job, Utc::now()).await.unwrap();
    let done = deliver_due(&s.store, &s.transport, Utc::now())
        .await
        .unwrap();
    assert_eq!(done.sent, 1);
    let parts = bot_messages_in(&s.fake, PUBLIC);
    assert_eq!(parts.len(), 2, "{parts:#?}");
    let mut previous = citizen.to_string();
    for p in &parts {
        assert_eq!(
            p["message_reference"]["message_id"],
            json!(previous),
            "a reply chain"
        );
        previous = p["id"].as_str().unwrap().to_string();
        let t = p["content"].as_str().unwrap();
        assert!(t.chars().count() <= 2000);
    }
    let first = parts[0]["content"].as_str().unwrap().trim_end();
    assert!(
        first.ends_with("centre aquatique."),
        "cut between sentences: …{}",
        &first[first.len() - 40..]
    );
}
