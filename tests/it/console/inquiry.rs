//! The inquiry page as an agent reads it, on SQLite and PostgreSQL: the note for the agent (the
//! same as on the Discord card), the history in words, drafts with their markers highlighted and
//! the citizen's hostile text kept escaped.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use guichet::inquiry::{Address, Channel, Message};
use guichet::pipeline::{deliver_due, FileTransport, Incoming, Intake, Knowledge, Pipeline, Route};

use crate::ledger::support::{on_both_backends, TestDb};
use crate::web::sessions::account;
use crate::web::support::{app_on, AGENT};

const HOSTILE: &str = "<script>alert('guichet')</script>";

async fn the_inquiry_page_shows_the_note_the_history_in_words_and_highlighted_markers(db: &TestDb) {
    let app = app_on(db, vec![account(AGENT, "agent")]);
    let pipeline = Pipeline::new(
        db.store.clone(),
        Knowledge::load(&app.config).expect("knowledge"),
    );
    let message = Message {
        from: Some(Address {
            name: None,
            email: "usager@example.org".to_string(),
        }),
        subject: format!("Horaires {HOSTILE}"),
        body: format!("Bonjour, quels sont les horaires de la piscine Pajeaud ? {HOSTILE}"),
        ..Message::default()
    };
    let now = Utc::now();
    let incoming = Incoming {
        channel: Channel::Mail,
        source_key: "test:console-note".to_string(),
        received_at: now,
        route: Route::mail(&message),
        message,
        history: false,
    };
    let Intake::Created { id, .. } = pipeline.ingest(&incoming, now).await.expect("ingest") else {
        panic!("duplicate");
    };
    let transport = FileTransport {
        name: "mail".into(),
        dir: app.dir.path().join("outbox"),
    };
    deliver_due(&db.store, &transport, now + Duration::minutes(1))
        .await
        .expect("the acknowledgement leaves");
    // An agent's text that quotes the script, kept as version 2 (a refused approval keeps it).
    let agent_text = format!("Bonjour,\n{HOSTILE} ouvert [[à compléter : horaires du dimanche]].");
    let kept = pipeline
        .keep_agent_text(
            id,
            &"web:nadia".into(),
            &agent_text,
            now + Duration::minutes(5),
        )
        .await
        .expect("keep");
    assert_eq!(kept, Some(2));

    let jar = app.login(AGENT).await;
    let page = app.get(&format!("/console/{}", id.0), &jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;

    // The note of draft 1 (the agent's version 2 has none of its own), as stored.
    let drafts = db.store.drafts(id).await.expect("drafts");
    let note = drafts[0].draft.as_ref().expect("draft 1").note.clone();
    assert!(!note.is_empty());
    assert!(
        body.contains("<h2 id=\"note-agent-h\">Note pour l'agent</h2>"),
        "{body}"
    );
    assert!(
        body.contains("Comment le brouillon 1 a été préparé"),
        "{body}"
    );
    let first = note[0]
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('`', "&#x60;")
        .replace('=', "&#x3D;");
    assert!(
        body.contains(&format!("<li>{first}</li>")),
        "{first}\n{body}"
    );

    // The history in words, never the stored names or JSON.
    for words in [
        "Reçu par courriel",
        "Accusé de réception envoyé",
        "Brouillon 1 par guichet",
        "Brouillon 2 par nadia",
    ] {
        assert!(body.contains(words), "no `{words}` in the history:\n{body}");
    }
    for raw in [
        ">received<",
        ">drafted<",
        ">edited<",
        "{&quot;",
        "\"version\"",
    ] {
        assert!(!body.contains(raw), "`{raw}` in the page");
    }

    // Markers highlighted in both versions; the script escaped everywhere.
    assert!(
        body.contains("<mark class=\"marker\">[[à compléter : horaires du dimanche]]</mark>"),
        "{body}"
    );
    assert!(body.contains("<mark class=\"marker\">[[à compléter : horaires d"));
    assert!(body.contains("1 marqueur à compléter, surligné ci-dessous"));
    assert!(!body.contains("<script"), "a raw script tag in the page");
    assert!(body.contains("&lt;script&gt;alert("), "{body}");
    assert!(body.contains("<div class=\"draft\">"));
}

on_both_backends!(the_inquiry_page_shows_the_note_the_history_in_words_and_highlighted_markers);
