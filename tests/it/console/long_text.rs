//! A huge citizen text (a 5 MB quoted mail) gives a small inquiry page with a link to the whole
//! text, served as plain text to logged-in readers only, on SQLite and PostgreSQL.

use axum::http::StatusCode;
use chrono::Utc;
use guichet::inquiry::{Address, Channel, Message};
use guichet::pipeline::{Incoming, Intake, Knowledge, Pipeline, Route};

use crate::ledger::support::{on_both_backends, TestDb};
use crate::web::sessions::account;
use crate::web::support::{app_on, Jar, AGENT};

async fn a_five_megabyte_text_gives_a_small_page_and_the_full_text_on_its_route(db: &TestDb) {
    let app = app_on(db, vec![account(AGENT, "agent")]);
    let quoted = "> Le 3 mars, le service a écrit : voici une très longue réponse citée.\n";
    let own = "Ma réponse sans citation, répétée pour faire un long texte. ";
    let body = format!(
        "Bonjour,\n{}\n{}FIN-DU-TEXTE",
        quoted.repeat(40_000),
        own.repeat(40_000)
    );
    assert!(body.len() > 5_000_000, "{}", body.len());
    let message = Message {
        from: Some(Address {
            name: None,
            email: "long@example.org".to_string(),
        }),
        subject: "Très long message".to_string(),
        body: body.clone(),
        html: Some(format!("<p>{}</p>", body.replace('\n', "<br>"))),
        ..Message::default()
    };
    let pipeline = Pipeline::new(
        db.store.clone(),
        Knowledge::load(&app.config).expect("knowledge"),
    );
    let now = Utc::now();
    let incoming = Incoming {
        channel: Channel::Mail,
        source_key: "test:long".to_string(),
        received_at: now,
        route: Route::mail(&message),
        message,
        history: false,
    };
    let Intake::Created { id, .. } = pipeline.ingest(&incoming, now).await.expect("ingest") else {
        panic!("duplicate");
    };
    let jar = app.login(AGENT).await;
    let page = app.get(&format!("/console/{}", id.0), &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.len() < 200_000,
        "page of {} bytes",
        page.body.len()
    );
    assert!(page.body.contains("lignes citées masquées"));
    assert!(page.body.contains("[… texte coupé …]"));
    let link = format!(
        "href=\"/console/{}/texte\">Afficher le texte complet</a>",
        id.0
    );
    assert!(page.body.contains(&link), "no link to the full text");

    let path = format!("/console/{}/texte", id.0);
    let full = app.get(&path, &jar).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.content_type, "text/plain; charset=utf-8");
    assert_eq!(full.cache_control.as_deref(), Some("no-store"));
    assert!(full.body.starts_with(&body), "the whole text, as written");
    // Not for anonymous readers; an unknown inquiry is not found.
    let anonymous = app.get(&path, &Jar::default()).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(!anonymous.body.contains("FIN-DU-TEXTE"));
    let missing = app.get("/console/999999/texte", &jar).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

on_both_backends!(a_five_megabyte_text_gives_a_small_page_and_the_full_text_on_its_route);
