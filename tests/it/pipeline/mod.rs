//! The one flow, on SQLite and PostgreSQL: ingest, acknowledgement policy, drafts, agents'
//! decisions (first wins, markers block), outbox delivery with retries, crash recovery.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};
use guichet::config::Config;
use guichet::inquiry::{Address, Channel, Kind, Message};
use guichet::inquiry::{EventType, InquiryId, Outcome, RejectReason, Status};
use guichet::pipeline::{
    deliver_due, DeliveryError, Incoming, Intake, Knowledge, Pipeline, Route, Transport,
};
use guichet::store::{Job, NewInquiry};

use crate::ledger::support::{on_both_backends, paris, TestDb};

mod restore;

fn pipeline(db: &TestDb) -> Pipeline {
    let mut config = Config::default();
    config.mail.from = "contact@valleesud.example".into();
    config.mail.own_addresses = vec!["accueil@valleesud.example".into()];
    config.mail.ack_per_sender_per_day = 2;
    Pipeline::new(
        db.store.clone(),
        Knowledge::load(&config).expect("shipped data loads"),
    )
}

fn mail(from: &str, subject: &str, body: &str) -> Message {
    Message {
        from: Some(Address {
            name: Some("Léa Bernard".into()),
            email: from.into(),
        }),
        subject: subject.into(),
        body: body.into(),
        message_id: Some(format!("<{}@example.net>", subject.len())),
        content_type: "text/plain".into(),
        ..Message::default()
    }
}

fn incoming(key: &str, message: Message, at: DateTime<Utc>) -> Incoming {
    Incoming {
        channel: Channel::Mail,
        source_key: key.into(),
        received_at: at,
        route: Route::mail(&message),
        message,
        history: false,
    }
}

async fn created(p: &Pipeline, i: &Incoming) -> InquiryId {
    match p.ingest(i, i.received_at).await.expect("ingest") {
        Intake::Created { id, .. } => id,
        other => panic!("expected a new inquiry, got {other:?}"),
    }
}

async fn kinds_of_jobs(db: &TestDb, id: InquiryId) -> Vec<String> {
    db.store
        .jobs_of(id)
        .await
        .expect("jobs")
        .into_iter()
        .map(|(k, _, _)| k)
        .collect()
}

/// A transport that records what it delivered and can be told to fail.
struct Recorder {
    sent: std::sync::Mutex<Vec<Job>>,
    failures_left: AtomicUsize,
}

impl Recorder {
    fn new(failures: usize) -> Recorder {
        Recorder {
            sent: std::sync::Mutex::new(Vec::new()),
            failures_left: AtomicUsize::new(failures),
        }
    }
    fn count(&self) -> usize {
        self.sent.lock().expect("lock").len()
    }
}

impl Transport for Recorder {
    fn name(&self) -> &str {
        "mail"
    }
    async fn find_delivered(&self, job: &Job) -> Result<Option<serde_json::Value>, DeliveryError> {
        let sent = self.sent.lock().expect("lock");
        Ok(sent
            .iter()
            .any(|j| j.message_id == job.message_id)
            .then(|| serde_json::json!({ "already": true })))
    }
    async fn deliver(&self, job: &Job) -> Result<serde_json::Value, DeliveryError> {
        if self.failures_left.load(Ordering::SeqCst) > 0 {
            self.failures_left.fetch_sub(1, Ordering::SeqCst);
            return Err(DeliveryError::Temporary("receiver down".into()));
        }
        self.sent.lock().expect("lock").push(job.clone());
        Ok(serde_json::json!({}))
    }
}

async fn a_new_mail_is_recorded_acknowledged_and_drafted(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let i = incoming(
        "k1",
        mail(
            "lea@example.net",
            "Horaires",
            "Quels sont les horaires de la piscine de Clamart ?",
        ),
        at,
    );
    let id = created(&p, &i).await;
    assert_eq!(kinds_of_jobs(db, id).await, vec!["ack"]);
    let drafts = db.store.drafts(id).await.expect("drafts");
    assert_eq!(drafts.len(), 1);
    let text = &drafts[0].draft.as_ref().expect("text").text;
    assert!(text.contains("Piscine de Clamart"), "{text}");
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Drafted
    );
    // A re-read of the same source creates nothing.
    assert_eq!(
        p.ingest(&i, at).await.expect("ingest"),
        Intake::Duplicate { id }
    );
    assert_eq!(kinds_of_jobs(db, id).await.len(), 1);
}

async fn automatic_mail_and_our_own_addresses_get_no_acknowledgement(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let mut auto = mail(
        "lea@example.net",
        "Réponse automatique : absent",
        "Je suis absente.",
    );
    auto.headers
        .push(("auto-submitted".into(), "auto-replied".into()));
    let Intake::Created { id, automatic, .. } = p
        .ingest(&incoming("a1", auto, at), at)
        .await
        .expect("ingest")
    else {
        panic!("not created")
    };
    assert!(automatic);
    assert!(kinds_of_jobs(db, id).await.is_empty());
    assert!(db.store.drafts(id).await.expect("drafts").is_empty());
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Automatic
    );
    let own = created(
        &p,
        &incoming(
            "a2",
            mail("Accueil@ValleeSud.example", "Horaires", "horaires ?"),
            at,
        ),
    )
    .await;
    assert!(kinds_of_jobs(db, own).await.is_empty());
}

async fn the_per_sender_cap_limits_acknowledgements(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let mut acks = 0;
    for n in 0..4 {
        let id = created(
            &p,
            &incoming(
                &format!("c{n}"),
                mail("same@example.net", "Question", "horaires ?"),
                at,
            ),
        )
        .await;
        acks += kinds_of_jobs(db, id).await.len();
    }
    assert_eq!(acks, 2, "the configured cap is 2 per sender per day");
}

async fn history_is_recorded_without_acknowledgement(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2025, 1, 6, 10, 0);
    let mut i = incoming(
        "h1",
        mail(
            "old@example.net",
            "Tarifs",
            "tarifs du conservatoire de Bagneux ?",
        ),
        at,
    );
    i.history = true;
    let id = created(&p, &i).await;
    assert!(kinds_of_jobs(db, id).await.is_empty());
    assert_eq!(db.store.drafts(id).await.expect("drafts").len(), 1);
}

async fn markers_block_approval_until_an_agent_fills_them(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let id = created(
        &p,
        &incoming(
            "m1",
            mail(
                "lea@example.net",
                "Horaires",
                "horaires de la piscine Pajeaud ?",
            ),
            at,
        ),
    )
    .await;
    let err = p
        .approve(id, &"agent:1".into(), None, at)
        .await
        .expect_err("markers left");
    assert!(err.to_string().contains("horaires d'ouverture"), "{err}");
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Drafted
    );
    let filled = "Bonjour,\n\nLa piscine ouvre à 9 h.\n\nCordialement";
    assert_eq!(
        p.approve(id, &"agent:1".into(), Some(filled), at)
            .await
            .expect("approve"),
        Outcome::Done
    );
    let drafts = db.store.drafts(id).await.expect("drafts");
    assert_eq!(
        drafts
            .last()
            .and_then(|d| d.draft.as_ref())
            .map(|d| d.text.as_str()),
        Some(filled)
    );
    assert_eq!(drafts.last().map(|d| d.author.as_str()), Some("agent:1"));
    assert_eq!(kinds_of_jobs(db, id).await, vec!["ack", "reply"]);
}

async fn the_first_agent_wins_and_the_second_is_told_who(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let id = created(
        &p,
        &incoming(
            "f1",
            mail("lea@example.net", "Bonjour", "j'ai une question"),
            at,
        ),
    )
    .await;
    let (agent_a, agent_b) = ("agent:a".into(), "agent:b".into());
    let (a, b) = tokio::join!(
        p.approve(id, &agent_a, None, at),
        p.approve(id, &agent_b, None, at)
    );
    let outcomes = [a.expect("a"), b.expect("b")];
    let done = outcomes.iter().filter(|o| **o == Outcome::Done).count();
    assert_eq!(done, 1, "{outcomes:?}");
    let loser = outcomes
        .iter()
        .find(|o| **o != Outcome::Done)
        .expect("one loses");
    let Outcome::AlreadyDecided(standing) = loser else {
        panic!("{loser:?}")
    };
    assert!(matches!(
        standing.decided_by.as_deref(),
        Some("agent:a" | "agent:b")
    ));
    assert_eq!(
        kinds_of_jobs(db, id)
            .await
            .iter()
            .filter(|k| *k == "reply")
            .count(),
        1
    );
    // A reject after the approval is refused too.
    assert!(matches!(
        p.reject(id, &"agent:c".into(), RejectReason::Spam, at)
            .await
            .expect("reject"),
        Outcome::AlreadyDecided(_)
    ));
}

async fn the_outbox_retries_and_never_sends_twice(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let id = created(
        &p,
        &incoming(
            "o1",
            mail("lea@example.net", "Bonjour", "j'ai une question"),
            at,
        ),
    )
    .await;
    let transport = Recorder::new(1);
    let first = deliver_due(&db.store, &transport, at)
        .await
        .expect("deliver");
    assert_eq!((first.sent, first.retried), (0, 1));
    // Not due again before the backoff; due after it.
    assert!(
        deliver_due(&db.store, &transport, at + Duration::seconds(5))
            .await
            .expect("deliver")
            .is_empty()
    );
    let second = deliver_due(&db.store, &transport, at + Duration::hours(1))
        .await
        .expect("deliver");
    assert_eq!(second.sent, 1);
    assert!(deliver_due(&db.store, &transport, at + Duration::hours(2))
        .await
        .expect("deliver")
        .is_empty());
    assert_eq!(transport.count(), 1);
    let events: Vec<EventType> = db
        .store
        .events(id)
        .await
        .expect("events")
        .iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == EventType::Acknowledged)
            .count(),
        1
    );
    // Approve and send the reply: the inquiry ends `sent`, with one `sent` event.
    p.approve(id, &"agent:1".into(), None, at + Duration::hours(3))
        .await
        .expect("approve");
    deliver_due(&db.store, &transport, at + Duration::hours(3))
        .await
        .expect("deliver");
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Sent
    );
    let sent = db
        .store
        .events(id)
        .await
        .expect("events")
        .iter()
        .filter(|e| e.event == EventType::Sent)
        .count();
    assert_eq!(sent, 1);
    assert_eq!(transport.count(), 2);
}

async fn reassigning_drafts_again_for_the_new_facility(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    let id = created(
        &p,
        &incoming(
            "r1",
            mail(
                "lea@example.net",
                "Question",
                "la piscine est-elle ouverte ?",
            ),
            at,
        ),
    )
    .await;
    let facility = guichet::inquiry::FacilityId::parse("piscine-bagneux").expect("id");
    assert!(p
        .reassign(
            id,
            &"agent:1".into(),
            Kind::Piscine,
            Some(facility.clone()),
            at
        )
        .await
        .expect("reassign"));
    let summary = db.store.summary(id).await.expect("summary");
    assert_eq!(summary.classification.facility, Some(facility));
    let drafts = db.store.drafts(id).await.expect("drafts");
    assert_eq!(drafts.len(), 2);
    assert!(drafts[1]
        .draft
        .as_ref()
        .expect("text")
        .text
        .contains("Piscine de Bagneux"));
    assert!(db
        .store
        .events(id)
        .await
        .expect("events")
        .iter()
        .any(|e| e.event == EventType::Reassigned));
}

async fn an_inquiry_recorded_before_a_crash_is_resumed(db: &TestDb) {
    let p = pipeline(db);
    let at = paris(2026, 3, 6, 10, 0);
    // Simulate a crash right after recording: the inquiry exists, nothing else was done.
    let message = mail(
        "lea@example.net",
        "Tarifs",
        "tarifs de la médiathèque de Malakoff ?",
    );
    let c = p.knowledge.faq.classify(&message);
    let route = serde_json::to_string(&Route::mail(&message)).ok();
    let recorded = db
        .store
        .record_inquiry(&NewInquiry {
            channel: Channel::Mail,
            source_key: "crash".into(),
            received_at: at,
            message: &message,
            classification: &c,
            route,
        })
        .await
        .expect("record");
    assert_eq!(p.resume(at).await.expect("resume"), 1);
    assert_eq!(kinds_of_jobs(db, recorded.id).await, vec!["ack"]);
    assert_eq!(db.store.drafts(recorded.id).await.expect("drafts").len(), 1);
    // Resuming again does nothing twice.
    assert_eq!(p.resume(at).await.expect("resume"), 0);
    assert_eq!(kinds_of_jobs(db, recorded.id).await.len(), 1);
}

on_both_backends!(
    a_new_mail_is_recorded_acknowledged_and_drafted,
    automatic_mail_and_our_own_addresses_get_no_acknowledgement,
    the_per_sender_cap_limits_acknowledgements,
    history_is_recorded_without_acknowledgement,
    markers_block_approval_until_an_agent_fills_them,
    the_first_agent_wins_and_the_second_is_told_who,
    the_outbox_retries_and_never_sends_twice,
    reassigning_drafts_again_for_the_new_facility,
    an_inquiry_recorded_before_a_crash_is_resumed,
);
