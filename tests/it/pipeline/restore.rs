//! Mail taken for automatic on soft evidence only: listed for agents, restored in one action,
//! then acknowledged and drafted with its original receipt time.

use guichet::inquiry::{Actor, Outcome, Status};
use guichet::pipeline::deliver_due;

use super::{created, incoming, kinds_of_jobs, mail, pipeline, Recorder};
use crate::ledger::support::{on_both_backends, paris, TestDb};

async fn a_soft_automatic_mail_is_listed_and_restored_with_its_receipt_time(db: &TestDb) {
    let p = pipeline(db);
    let received = paris(2026, 3, 6, 10, 0);
    // No automatic header: only the subject looks like an out-of-office.
    let i = incoming(
        "soft-1",
        mail(
            "lea@example.net",
            "Réponse automatique : inscription",
            "Ma fille souhaite s'inscrire au conservatoire de Bagneux en piano.",
        ),
        received,
    );
    let id = created(&p, &i).await;
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Automatic
    );
    assert!(kinds_of_jobs(db, id).await.is_empty(), "no acknowledgement");
    let listed = p.soft_automatic().await.expect("list");
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![id]);

    let now = paris(2026, 3, 12, 9, 0);
    assert_eq!(
        p.restore_automatic(id, &Actor::from("web:agent"), now)
            .await
            .expect("restore"),
        Outcome::Done
    );
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Drafted
    );
    assert_eq!(kinds_of_jobs(db, id).await, vec!["ack"]);
    let summary = db.store.summary(id).await.expect("summary");
    assert!(!summary.classification.automatic);
    assert_eq!(
        summary.classification.facility.as_ref().map(|f| f.as_str()),
        Some("conservatoire-bagneux")
    );
    assert_eq!(summary.received_at, received, "the receipt time is kept");
    let draft = db.store.drafts(id).await.expect("drafts");
    assert_eq!(draft.len(), 1);
    // The acknowledgement counts the deadline from the receipt (Friday 6 March + 5 working
    // days = Friday 13 March), not from the restoration.
    let transport = Recorder::new(0);
    deliver_due(&db.store, &transport, now)
        .await
        .expect("deliver");
    let payload = transport.sent.lock().expect("lock")[0].payload.clone();
    let payload = format!("{payload:?}");
    assert!(payload.contains("13 mars 2026"), "{payload}");
    assert!(p.soft_automatic().await.expect("list").is_empty());
    // A second click is told it is done.
    assert!(matches!(
        p.restore_automatic(id, &Actor::from("web:other"), now)
            .await
            .expect("restore"),
        Outcome::AlreadyDecided(_)
    ));
    assert_eq!(
        kinds_of_jobs(db, id).await,
        vec!["ack"],
        "nothing sent twice"
    );
    assert_eq!(transport.count(), 1);
}

async fn mail_automatic_by_its_headers_is_not_listed_for_checking(db: &TestDb) {
    let p = pipeline(db);
    let mut m = mail(
        "robot@example.net",
        "Réponse automatique : inscription",
        "Je suis absente jusqu'au 9 mars.",
    );
    m.headers = vec![("auto-submitted".into(), "auto-replied".into())];
    let id = created(&p, &incoming("hard-1", m, paris(2026, 3, 6, 10, 0))).await;
    assert_eq!(
        db.store.standing(id).await.expect("standing").status,
        Status::Automatic
    );
    assert!(p.soft_automatic().await.expect("list").is_empty());
}

on_both_backends!(
    a_soft_automatic_mail_is_listed_and_restored_with_its_receipt_time,
    mail_automatic_by_its_headers_is_not_listed_for_checking,
);
