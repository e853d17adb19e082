//! The outbox's promises on SQLite and PostgreSQL: an attempt is recorded in flight before the
//! transport is spoken to, a job interrupted mid-send is looked up before it is sent again (the
//! first retry included), a dead worker's claim comes back after a short lease, concurrent
//! workers never claim the same job nor hit `database is locked`, a corrupt row is an error.

mod locks;

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use guichet::inquiry::InquiryId;
use guichet::pipeline::{deliver_due, DeliveryError, Transport, LEASE};
use guichet::store::{claim_token, Job, JobKind, MailMessage, NewJob, Payload, Step};

use crate::ledger::support::{message, on_both_backends, paris, TestDb};

/// A receiver that keeps what it got; `hang` makes delivery stop halfway like a killed process
/// (before or after the receiver got the message).
#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<String>>,
    looked_up: Mutex<Vec<String>>,
    hang: Mutex<Option<Hang>>,
}

#[derive(Clone, Copy)]
enum Hang {
    BeforeAccepted,
    AfterAccepted,
}

impl Receiver {
    fn got(&self) -> Vec<String> {
        self.got.lock().expect("lock").clone()
    }
}

impl Transport for Receiver {
    fn name(&self) -> &str {
        "mail"
    }
    async fn find_delivered(&self, job: &Job) -> Result<Option<serde_json::Value>, DeliveryError> {
        self.looked_up
            .lock()
            .expect("lock")
            .push(job.message_id.clone());
        Ok(self
            .got()
            .contains(&job.message_id)
            .then(|| serde_json::json!({ "found": true })))
    }
    async fn deliver(&self, job: &Job) -> Result<serde_json::Value, DeliveryError> {
        let hang = *self.hang.lock().expect("lock");
        if matches!(hang, Some(Hang::BeforeAccepted)) {
            return std::future::pending().await;
        }
        self.got.lock().expect("lock").push(job.message_id.clone());
        if matches!(hang, Some(Hang::AfterAccepted)) {
            return std::future::pending().await;
        }
        Ok(serde_json::json!({}))
    }
}

async fn inquiry(db: &TestDb, key: &str, at: DateTime<Utc>) -> InquiryId {
    let m = message("Horaires");
    let c = crate::ledger::support::classification(
        guichet::inquiry::Kind::Piscine,
        None,
        guichet::inquiry::Topic::Horaires,
    );
    db.store
        .record_inquiry(&guichet::store::NewInquiry {
            channel: guichet::inquiry::Channel::Mail,
            source_key: key.into(),
            received_at: at,
            message: &m,
            classification: &c,
            route: None,
        })
        .await
        .expect("record")
        .id
}

fn ack(id: InquiryId, n: usize) -> NewJob {
    NewJob {
        inquiry: id,
        kind: JobKind::Ack,
        message_id: format!("<job{n}.ack@valleesud.example>"),
        recipient: Some("lea@example.net".into()),
        payload: Payload::Mail(MailMessage {
            to: "lea@example.net".into(),
            to_name: None,
            from: "contact@valleesud.example".into(),
            subject: "Accusé de réception".into(),
            text: "Bonjour".into(),
            html: None,
            in_reply_to: None,
            references: Vec::new(),
            auto_submitted: Some("auto-replied".into()),
            lang: None,
        }),
    }
}

/// Runs one pass that is "killed" (dropped) once it stalls, like SIGKILL mid-send.
async fn killed_pass(db: &TestDb, r: &Receiver, at: DateTime<Utc>) {
    let pass = deliver_due(&db.store, r, at);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), pass)
            .await
            .is_err(),
        "the pass should stall"
    );
}

async fn an_interrupted_first_attempt_is_looked_up_before_the_first_retry(db: &TestDb) {
    let at = paris(2026, 3, 6, 10, 0);
    let id = inquiry(db, "a1", at).await;
    db.store.enqueue(&ack(id, 1), at).await.expect("enqueue");
    // Killed after the receiver accepted: the retry finds it and does not send again.
    let r = Receiver::default();
    *r.hang.lock().expect("lock") = Some(Hang::AfterAccepted);
    killed_pass(db, &r, at).await;
    *r.hang.lock().expect("lock") = None;
    // Claimed under a lease: nobody takes it before the lease ends…
    assert!(deliver_due(&db.store, &r, at + Duration::seconds(10))
        .await
        .expect("pass")
        .is_empty());
    // …then the first retry looks it up first.
    let done = deliver_due(&db.store, &r, at + LEASE + Duration::seconds(1))
        .await
        .expect("pass");
    assert_eq!(done.sent, 1);
    assert_eq!(r.got().len(), 1, "sent exactly once");
    assert_eq!(r.looked_up.lock().expect("lock").len(), 1);
    let jobs = db.store.jobs_of(id).await.expect("jobs");
    assert_eq!(jobs[0].1, "sent");

    // Killed before the receiver got it: looked up, not found, sent.
    db.store.enqueue(&ack(id, 2), at).await.expect("enqueue");
    let r2 = Receiver::default();
    *r2.hang.lock().expect("lock") = Some(Hang::BeforeAccepted);
    killed_pass(db, &r2, at).await;
    *r2.hang.lock().expect("lock") = None;
    deliver_due(&db.store, &r2, at + LEASE + Duration::seconds(1))
        .await
        .expect("pass");
    assert_eq!(r2.got(), vec!["<job2.ack@valleesud.example>".to_string()]);
    assert_eq!(r2.looked_up.lock().expect("lock").len(), 1);
    let events = db.store.events(id).await.expect("events");
    let acks = events
        .iter()
        .filter(|e| e.event == guichet::inquiry::EventType::Acknowledged)
        .count();
    assert_eq!(acks, 2, "one event per job");
}

async fn concurrent_claims_never_share_a_job_nor_fail_on_a_lock(db: &TestDb) {
    let at = paris(2026, 3, 6, 10, 0);
    let id = inquiry(db, "c1", at).await;
    for n in 0..60 {
        db.store.enqueue(&ack(id, n), at).await.expect("enqueue");
    }
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = db.store.clone();
        tasks.spawn(async move {
            let token = claim_token();
            let mut mine = Vec::new();
            loop {
                let jobs = store
                    .claim(Step::Send, "mail", &token, at, LEASE, 5)
                    .await
                    .expect("claim never fails on a lock");
                if jobs.is_empty() {
                    return mine;
                }
                for mut job in jobs {
                    assert!(store.begin_attempt(&mut job, at).await.expect("begin"));
                    store
                        .mark_sent(&job, at, serde_json::json!({}), false)
                        .await
                        .expect("sent");
                    mine.push(job.id);
                }
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("task"));
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "every job claimed");
    assert_eq!(unique.len(), 60, "no job claimed twice");
}

async fn a_route_or_payload_that_cannot_be_decoded_is_a_corrupt_row(db: &TestDb) {
    let at = paris(2026, 3, 6, 10, 0);
    let id = inquiry(db, "r1", at).await;
    db.store.enqueue(&ack(id, 1), at).await.expect("enqueue");
    db.store.enqueue(&ack(id, 2), at).await.expect("enqueue");
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("pool");
    sqlx::query("UPDATE inquiry_personal SET route = '{\"transport\":\"pigeon\"}'")
        .execute(&pool)
        .await
        .expect("corrupt the route");
    sqlx::query("UPDATE outbox SET payload = '{\"to\":\"x\"}' WHERE message_id LIKE '<job1.%'")
        .execute(&pool)
        .await
        .expect("corrupt a payload");
    pool.close().await;
    let err = db
        .store
        .route::<guichet::pipeline::Route>(id)
        .await
        .expect_err("a corrupt route");
    assert!(
        err.to_string()
            .starts_with(&format!("corrupt ledger row {}", id.0)),
        "{err}"
    );
    // The corrupt job is set aside with its reason; the other one is delivered.
    let r = Receiver::default();
    let done = deliver_due(&db.store, &r, at).await.expect("pass");
    assert_eq!(done.sent, 1);
    let jobs = db.store.jobs_of(id).await.expect("jobs");
    assert_eq!(
        jobs.iter().map(|j| j.1.as_str()).collect::<Vec<_>>(),
        vec!["failed", "sent"]
    );
}

on_both_backends!(
    an_interrupted_first_attempt_is_looked_up_before_the_first_retry,
    concurrent_claims_never_share_a_job_nor_fail_on_a_lock,
    a_route_or_payload_that_cannot_be_decoded_is_a_corrupt_row,
);
