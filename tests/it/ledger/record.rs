//! Recording inquiries and events: idempotence, append-only log, reclassification, migrations.

use guichet::inquiry::{Channel, Kind, Topic};
use guichet::inquiry::{DraftText, EventType};
use guichet::store::Store;
use serde_json::json;

use super::support::{classification, on_both_backends, paris, record, TestDb};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().expect("date")
}

on_both_backends!(
    same_source_key_gives_one_inquiry,
    events_are_append_only,
    reclassification_is_an_event_and_moves_the_deadline,
    drafts_are_versioned,
    migrations_run_twice_harmlessly,
);

async fn same_source_key_gives_one_inquiry(db: &TestDb) {
    let c = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let at = paris(2026, 3, 2, 9, 0);
    let first = record(&db.store, "imap:INBOX:7:42", Channel::Mail, at, &c).await;
    let again = record(&db.store, "imap:INBOX:7:42", Channel::Mail, at, &c).await;
    assert!(first.created);
    assert!(!again.created);
    assert_eq!(first.id, again.id);
    assert_eq!(first.reference, again.reference);
    assert!(
        first.reference.starts_with("VSGP-2026-"),
        "{}",
        first.reference
    );
    let other = record(&db.store, "imap:INBOX:7:43", Channel::Mail, at, &c).await;
    assert_ne!(other.id, first.id);
    let events = db.store.events(first.id).await.expect("events");
    assert_eq!(
        events.len(),
        1,
        "a re-read must not append events: {events:?}"
    );
    assert_eq!(events[0].event, EventType::Received);
    assert_eq!(db.store.count_facts().await.expect("count"), 2);
    let m = db
        .store
        .message(first.id)
        .await
        .expect("message")
        .expect("kept");
    assert_eq!(m.subject, "question imap:INBOX:7:42");
}

async fn events_are_append_only(db: &TestDb) {
    let c = classification(Kind::Piscine, None, Topic::Tarifs);
    let r = record(
        &db.store,
        "msgid:<a@b>",
        Channel::Mail,
        paris(2026, 3, 2, 9, 0),
        &c,
    )
    .await;
    let s = &db.store;
    s.append_event(
        r.id,
        EventType::Acknowledged,
        "guichet",
        paris(2026, 3, 2, 9, 1),
        json!({}),
    )
    .await
    .expect("ack");
    s.append_event(
        r.id,
        EventType::Sent,
        "agent-a",
        paris(2026, 3, 3, 9, 0),
        json!({"n": 1}),
    )
    .await
    .expect("sent");
    let events = s.events(r.id).await.expect("events");
    let kinds: Vec<EventType> = events.iter().map(|e| e.event).collect();
    assert_eq!(
        kinds,
        [
            EventType::Received,
            EventType::Acknowledged,
            EventType::Sent
        ]
    );
    assert_eq!(events[2].actor, "agent-a");
    assert_eq!(events[2].detail, json!({"n": 1}));
    assert_eq!(events[2].at, paris(2026, 3, 3, 9, 0));
    let raw = db.raw().await;
    let update = sqlx::query("UPDATE events SET actor = 'someone else'")
        .execute(&raw)
        .await;
    assert!(update.is_err(), "UPDATE on events must be refused");
    let delete = sqlx::query("DELETE FROM events").execute(&raw).await;
    assert!(delete.is_err(), "DELETE on events must be refused");
    assert_eq!(s.events(r.id).await.expect("events").len(), 3);
    let missing = s
        .append_event(
            guichet::inquiry::InquiryId(999_999),
            EventType::Sent,
            "x",
            paris(2026, 3, 3, 9, 0),
            json!({}),
        )
        .await;
    assert!(missing.is_err(), "events of unknown inquiries are refused");
    raw.close().await;
}

async fn reclassification_is_an_event_and_moves_the_deadline(db: &TestDb) {
    let s = &db.store;
    let received = paris(2026, 3, 2, 9, 0); // Monday
    let c = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let r = record(s, "k1", Channel::Mail, received, &c).await;
    // Mail answer engagement: 5 working days → due Monday 9 March.
    let due = s.overdue(day("2026-03-09"), 0).await.expect("overdue");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].deadline.to_string(), "2026-03-09");
    let moved = classification(Kind::Siege, Some("siege"), Topic::Reclamation);
    s.record_classification(r.id, &moved, "agent-b", paris(2026, 3, 2, 10, 0))
        .await
        .expect("reclassify");
    let same = classification(Kind::Siege, Some("siege"), Topic::Reclamation);
    s.record_classification(r.id, &same, "agent-b", paris(2026, 3, 2, 11, 0))
        .await
        .expect("classify again");
    let kinds: Vec<EventType> = s
        .events(r.id)
        .await
        .expect("events")
        .iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        kinds,
        [
            EventType::Received,
            EventType::Reassigned,
            EventType::Classified
        ]
    );
    // Complaints: 10 working days → due Monday 16 March; nothing due on the 9th any more.
    assert!(s
        .overdue(day("2026-03-09"), 0)
        .await
        .expect("overdue")
        .is_empty());
    let due = s.overdue(day("2026-03-17"), 0).await.expect("overdue");
    assert_eq!(due[0].deadline.to_string(), "2026-03-16");
    assert_eq!(due[0].facility, "siege");
    assert_eq!(due[0].working_days_left, -1);
}

async fn drafts_are_versioned(db: &TestDb) {
    let s = &db.store;
    let c = classification(Kind::Piscine, None, Topic::Horaires);
    let r = record(s, "k-draft", Channel::Mail, paris(2026, 3, 2, 9, 0), &c).await;
    let d1 = DraftText {
        subject: "Re: horaires".into(),
        text: "Bonjour Camille".into(),
        html: None,
        holding: false,
        note: vec!["« horaires » → piscine-horaires".into()],
    };
    let d2 = DraftText {
        text: "Bonjour Camille, voici".into(),
        note: vec![],
        ..d1.clone()
    };
    assert_eq!(
        s.save_draft(r.id, &d1, "template", paris(2026, 3, 2, 9, 1))
            .await
            .expect("v1"),
        1
    );
    assert_eq!(
        s.save_draft(r.id, &d2, "agent-a", paris(2026, 3, 2, 9, 5))
            .await
            .expect("v2"),
        2
    );
    let drafts = s.drafts(r.id).await.expect("drafts");
    assert_eq!(drafts.len(), 2);
    assert_eq!(
        drafts[1].draft.as_ref().map(|d| d.text.as_str()),
        Some("Bonjour Camille, voici")
    );
    assert_eq!(drafts[1].author, "agent-a");
    // The note for the agent is kept with its version, and only there.
    let note = |n: usize| drafts[n].draft.as_ref().map(|d| d.note.clone());
    assert_eq!(
        note(0),
        Some(vec!["« horaires » → piscine-horaires".to_string()])
    );
    assert_eq!(note(1), Some(vec![]));
    let kinds: Vec<EventType> = s
        .events(r.id)
        .await
        .expect("events")
        .iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        kinds,
        [EventType::Received, EventType::Drafted, EventType::Edited]
    );
}

async fn migrations_run_twice_harmlessly(db: &TestDb) {
    let c = classification(Kind::Piscine, None, Topic::Horaires);
    record(&db.store, "k", Channel::Chat, paris(2026, 3, 2, 9, 0), &c).await;
    let first = db.store.migrate().await.expect("migrate again");
    assert!(!first.is_empty());
    let reopened = Store::open(&db.url).await.expect("open again");
    assert_eq!(reopened.migrate().await.expect("third time"), first);
    assert_eq!(reopened.count_facts().await.expect("count"), 1);
    reopened.close().await;
}
