//! Facts learned from agents: an agent fills a marker in the console and keeps the value, an
//! admin confirms it (a non-admin cannot), the next draft for that facility carries the value and
//! no marker; refusal, expiry and the history.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use guichet::calendar::paris_date;
use guichet::inquiry::{Channel, InquiryId};
use guichet::learn::FactField;
use guichet::pipeline::{Incoming, Intake, Knowledge, Pipeline, Route};
use guichet::store::NewProposal;

use crate::web::support::{citizen_message, TestApp, ADMIN, AGENT};

const HOURS: &str = "du lundi au vendredi de 7 h à 21 h 30";

/// The latest draft text of an inquiry.
async fn draft(app: &TestApp, id: InquiryId) -> String {
    app.store
        .drafts(id)
        .await
        .expect("drafts")
        .into_iter()
        .rev()
        .find_map(|v| v.draft)
        .expect("a draft")
        .text
}

/// A new question about the Pajeaud pool's hours, through the real pipeline; its draft.
async fn next_draft(app: &TestApp, key: &str) -> String {
    let pipeline = Pipeline::new(
        app.store.clone(),
        Knowledge::load(&app.config).expect("knowledge"),
    );
    let message = citizen_message("Horaires piscine Pajeaud", key);
    let now = Utc::now();
    let incoming = Incoming {
        channel: Channel::Mail,
        source_key: key.to_string(),
        received_at: now,
        route: Route::mail(&message),
        message,
        history: false,
    };
    let Intake::Created { id, .. } = pipeline.ingest(&incoming, now).await.expect("ingest") else {
        panic!("duplicate");
    };
    draft(app, id).await
}

fn hours_markers(text: &str) -> usize {
    guichet::draft::render::markers(text)
        .iter()
        .filter(|m| FactField::named_by(m) == Some(FactField::Hours))
        .count()
}

#[tokio::test]
async fn a_value_kept_by_an_agent_is_used_by_later_drafts_once_an_admin_confirmed_it() {
    let app = TestApp::new().await;
    let open = app.seeded[2];
    let original = draft(&app, open).await;
    assert!(hours_markers(&original) > 0, "{original}");
    // The agent fills the hours marker and every other one, and keeps the values.
    let mut filled = original.clone();
    for m in guichet::draft::render::markers(&original) {
        let value = if FactField::named_by(&m) == Some(FactField::Hours) {
            HOURS.to_string()
        } else {
            "voir le site de la ville".to_string()
        };
        filled = filled.replacen(&guichet::draft::render::marker(&m), &value, 1);
    }
    let agent = app.login(AGENT).await;
    let page = app.get(&format!("/console/{}", open.0), &agent).await;
    assert!(page
        .body
        .contains("Enregistrer pour les prochaines réponses"));
    let r = app
        .post(
            &format!("/console/{}/approuver", open.0),
            &agent,
            &[
                ("csrf", &page.csrf()),
                ("texte", &filled),
                ("enregistrer", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let proposals = app.store.open_proposals(None).await.expect("proposals");
    let hours = proposals
        .iter()
        .find(|p| p.field == FactField::Hours)
        .expect("an hours proposal");
    assert_eq!(hours.facility.as_str(), "piscine-pajeaud");
    assert_eq!(hours.value, HOURS);
    assert_eq!(hours.inquiry, Some(open));
    // Not used before an admin confirmed it.
    assert!(hours_markers(&next_draft(&app, "learn:1").await) > 0);

    // An agent can neither see the review page nor confirm.
    assert_eq!(
        app.get("/console/faits", &agent).await.status,
        StatusCode::FORBIDDEN
    );
    let path = format!("/console/faits/proposition/{}/confirmer", hours.id);
    let r = app
        .post(&path, &agent, &[("csrf", &page.csrf()), ("valeur", HOURS)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The admin reviews: who proposed it, in which reply; confirms.
    let admin = app.login(ADMIN).await;
    let review = app.get("/console/faits/piscine-pajeaud", &admin).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let reference = app.store.summary(open).await.expect("summary").reference;
    assert!(review.body.contains("proposé par alex"), "{}", review.body);
    assert!(review.body.contains(&reference));
    let r = app
        .post(
            &path,
            &admin,
            &[("csrf", &review.csrf()), ("valeur", HOURS)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let next = next_draft(&app, "learn:2").await;
    assert!(next.contains(HOURS), "{next}");
    assert_eq!(hours_markers(&next), 0, "{next}");
    let review = app.get("/console/faits/piscine-pajeaud", &admin).await;
    assert!(
        review.body.contains("registre : confirmé par root"),
        "{}",
        review.body
    );

    // A new value that ended yesterday replaces it in the history and is no longer used.
    let yesterday = paris_date(Utc::now()) - Duration::days(1);
    let id = app
        .store
        .propose_fact(
            &NewProposal {
                facility: hours.facility.clone(),
                field: FactField::Hours,
                value: "horaires d'été".into(),
                valid_until: Some(yesterday),
                marker: "horaires".into(),
                provenance: String::new(),
                inquiry: None,
                proposed_by: "web:alex".into(),
            },
            Utc::now(),
        )
        .await
        .expect("propose");
    assert!(app
        .store
        .confirm_fact(
            id,
            "horaires d'été",
            Some(yesterday),
            "web:root",
            Utc::now()
        )
        .await
        .expect("confirm"));
    let expired = next_draft(&app, "learn:3").await;
    assert!(
        !expired.contains("horaires d'été") && !expired.contains(HOURS),
        "{expired}"
    );
    assert!(hours_markers(&expired) > 0);
    let history = app
        .store
        .fact_history(&hours.facility)
        .await
        .expect("history");
    assert_eq!(history[0].previous.as_deref(), Some(HOURS));

    // Refused: recorded in the history, never used.
    let id = app
        .store
        .propose_fact(
            &NewProposal {
                facility: hours.facility.clone(),
                field: FactField::Prices,
                value: "gratuit".into(),
                valid_until: None,
                marker: "les tarifs".into(),
                provenance: String::new(),
                inquiry: Some(open),
                proposed_by: "web:alex".into(),
            },
            Utc::now(),
        )
        .await
        .expect("propose");
    let review = app.get("/console/faits/piscine-pajeaud", &admin).await;
    assert!(review.body.contains("gratuit"));
    let path = format!("/console/faits/proposition/{id}/refuser");
    let r = app.post(&path, &admin, &[("csrf", &review.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = app
        .store
        .proposal(id)
        .await
        .expect("read")
        .expect("proposal");
    assert_eq!(p.status, "refused");
    let learned = app.store.learned_facts().await.expect("learned");
    assert!(learned.iter().all(|l| l.field != FactField::Prices));
    let history = app
        .store
        .fact_history(&hours.facility)
        .await
        .expect("history");
    assert_eq!(history[0].action, "refused");
}
