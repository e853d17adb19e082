//! A holding reply (a team must still decide) is sent like any reply, but the inquiry stays open:
//! `guichet report` does not count it as answered until the real answer is sent.

use std::process::Command;

use chrono::Duration;
use guichet::config::Config;
use guichet::inquiry::{Actor, Outcome, Status};
use guichet::inquiry::{Address, Channel, Message};
use guichet::pipeline::{deliver_due, FileTransport, Incoming, Intake, Knowledge, Pipeline, Route};

use crate::ledger::support::{on_both_backends, paris, TestDb};

fn press_mail() -> Message {
    Message {
        from: Some(Address {
            name: Some("Thomas Rey".into()),
            email: "t.rey@journal.example".into(),
        }),
        subject: "Demande d'interview".into(),
        body: "Bonjour,\nJournaliste à La Gazette du Sud, je souhaiterais interviewer un élu sur les piscines du territoire.\nThomas Rey".into(),
        message_id: Some("<press-1@journal.example>".into()),
        content_type: "text/plain".into(),
        ..Message::default()
    }
}

fn nadia() -> Actor {
    Actor::Web {
        account: "nadia".into(),
    }
}

fn report_json(database: &str, dir: &std::path::Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args([
            "--database",
            database,
            "report",
            "--format",
            "json",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
        ])
        .env("GUICHET_DATA_DIR", dir)
        .env_remove("GUICHET_DATABASE_URL")
        .output()
        .expect("run guichet report");
    assert!(out.status.success(), "{out:?}");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    rows[0].clone()
}

async fn a_sent_holding_reply_leaves_the_inquiry_open_in_the_report(db: &TestDb) {
    let p = Pipeline::new(
        db.store.clone(),
        Knowledge::load(&Config::default()).expect("shipped data loads"),
    );
    let at = paris(2026, 3, 9, 10, 0);
    let message = press_mail();
    let incoming = Incoming {
        channel: Channel::Mail,
        source_key: "press-1".into(),
        received_at: at,
        route: Route::mail(&message),
        message,
        history: false,
    };
    let Intake::Created { id, .. } = p.ingest(&incoming, at).await.expect("ingest") else {
        panic!("a new inquiry");
    };
    let draft = db.store.drafts(id).await.expect("drafts");
    let text = draft[0].draft.as_ref().expect("a draft").text.clone();
    assert!(text.contains("service communication"), "{text}");
    assert!(db
        .store
        .draft_is_holding(id, 1)
        .await
        .expect("holding flag"));

    assert_eq!(
        p.approve(id, &nadia(), None, at).await.expect("approve"),
        Outcome::Done
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let transport = FileTransport {
        name: "mail".into(),
        dir: dir.path().join("out"),
    };
    deliver_due(&db.store, &transport, at + Duration::minutes(1))
        .await
        .expect("deliver");
    // Sent, yet still open: the agents owe the real answer.
    let standing = db.store.standing(id).await.expect("standing");
    assert_eq!(standing.status, Status::Drafted);
    assert!(standing.status.is_open());

    let row = report_json(&db.url, dir.path());
    assert_eq!(row["received"], 1, "{row}");
    assert_eq!(row["answered"], 0, "{row}");
    assert_eq!(row["open"], 1, "{row}");

    // The real answer, written by the agent, is counted.
    let real = "Bonjour Monsieur Rey,\n\nLe vice-président chargé des sports vous recevra mardi à 14 h.\n\nBien cordialement,";
    assert_eq!(
        p.approve(id, &nadia(), Some(real), at + Duration::hours(2))
            .await
            .expect("approve the answer"),
        Outcome::Done
    );
    deliver_due(
        &db.store,
        &transport,
        at + Duration::hours(2) + Duration::minutes(1),
    )
    .await
    .expect("deliver");
    let row = report_json(&db.url, dir.path());
    assert_eq!(row["answered"], 1, "{row}");
    assert_eq!(row["open"], 0, "{row}");
}

on_both_backends!(a_sent_holding_reply_leaves_the_inquiry_open_in_the_report);
