//! The console's pages and decisions: roles, CSRF, markers, first action wins, edit, reassign,
//! reject, answered outside, search, manual entry.

use axum::http::StatusCode;

use super::reply_payload;
use crate::web::support::{Jar, TestApp, ADMIN, AGENT, CITIZEN_EMAIL, QUALITE};

#[tokio::test]
async fn anonymous_is_redirected_and_qualite_may_read_but_not_act() {
    let app = TestApp::new().await;
    let open = app.seeded[2].0;
    for path in [
        "/console".to_string(),
        format!("/console/{open}"),
        "/console/recherche".into(),
    ] {
        let r = app.get(&path, &Jar::default()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location.as_deref(), Some("/connexion"));
    }
    let jar = app.login(QUALITE).await;
    let queue = app.get("/console", &jar).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert!(queue.body.contains(&format!("/console/{open}")));
    // Answered inquiries are not in the queue; filters narrow it.
    assert!(!queue
        .body
        .contains(&format!("/console/{}\"", app.seeded[0].0)));
    let theatres = app.get("/console?kind=theatre", &jar).await;
    assert!(theatres.body.contains("Aucune demande à traiter"));
    let pools = app.get("/console?kind=piscine", &jar).await;
    assert!(pools.body.contains(&format!("/console/{open}")));
    let page = app.get(&format!("/console/{open}"), &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Modifier et approuver"));
    let token = page.csrf();
    let r = app
        .post(
            &format!("/console/{open}/approuver"),
            &jar,
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(&format!("/console/{open}/rejeter"), &Jar::default(), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_inquiry_page_shows_text_history_and_drafts_and_refuses_without_csrf() {
    let app = TestApp::new().await;
    let open = app.seeded[2].0;
    let jar = app.login(AGENT).await;
    let page = app.get(&format!("/console/{open}"), &jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Horaires piscine Pajeaud"));
    assert!(page.body.contains("Historique"));
    assert!(page.body.contains("Reçu par courriel"), "{}", page.body);
    assert!(page.body.contains("Version 1 – guichet"));
    assert!(page.body.contains("<textarea id=\"texte\""));
    let r = app
        .post(
            &format!("/console/{open}/approuver"),
            &jar,
            &[("csrf", "faux"), ("texte", "Bonjour.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("formulaire a expiré"));
    let missing = app.get("/console/999999", &jar).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_marker_blocks_approval_and_an_edit_changes_the_sent_text() {
    let app = TestApp::new().await;
    let id = app.seeded[2];
    let jar = app.login(AGENT).await;
    let page = app.get(&format!("/console/{}", id.0), &jar).await;
    let token = page.csrf();
    let path = format!("/console/{}/approuver", id.0);
    let blocked = app
        .post(
            &path,
            &jar,
            &[
                ("csrf", &token),
                ("texte", "Bonjour,\n[[à compléter : horaires]]\n"),
            ],
        )
        .await;
    assert_eq!(
        blocked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blocked.body
    );
    assert!(blocked.body.contains("<li>horaires</li>") || blocked.body.contains("horaires"));
    assert!(blocked.body.contains("Approbation refusée"));
    let text = "Bonjour,\r\nla piscine ouvre à 9 h.\r\nCordialement";
    let ok = app
        .post(&path, &jar, &[("csrf", &token), ("texte", text)])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let payload = reply_payload(&app.store, id).await.expect("reply job");
    assert_eq!(
        payload["text"],
        "Bonjour,\nla piscine ouvre à 9 h.\nCordialement"
    );
    assert_eq!(payload["to"], CITIZEN_EMAIL);
    let standing = app.store.standing(id).await.expect("standing");
    assert_eq!(standing.decided_by.as_deref(), Some("web:alex"));
}

#[tokio::test]
async fn the_first_action_wins_and_the_second_agent_is_told_who() {
    let app = TestApp::new().await;
    let id = app.seeded[2].0;
    let alex = app.login(AGENT).await;
    let root = app.login(ADMIN).await;
    let t1 = app.get(&format!("/console/{id}"), &alex).await.csrf();
    let t2 = app.get(&format!("/console/{id}"), &root).await.csrf();
    let first = app
        .post(
            &format!("/console/{id}/rejeter"),
            &alex,
            &[("csrf", &t1), ("motif", "doublon")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app
        .post(
            &format!("/console/{id}/approuver"),
            &root,
            &[("csrf", &t2), ("texte", "Bonjour.")],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert!(
        second.body.contains("alex a déjà traité cette demande"),
        "{}",
        second.body
    );
    let page = app.get(&format!("/console/{id}?fait=rejete"), &alex).await;
    assert!(page.body.contains("Rejetée"));
}

#[tokio::test]
async fn reassign_drafts_again_and_answered_outside_closes() {
    let app = TestApp::new().await;
    let id = app.seeded[2];
    let jar = app.login(ADMIN).await;
    let token = app.get(&format!("/console/{}", id.0), &jar).await.csrf();
    let before = app.store.drafts(id).await.expect("drafts").len();
    let r = app
        .post(
            &format!("/console/{}/reaffecter", id.0),
            &jar,
            &[("csrf", &token), ("vers", "kind:conservatoire")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store.drafts(id).await.expect("drafts").len(),
        before + 1
    );
    let summary = app.store.summary(id).await.expect("summary");
    assert_eq!(summary.classification.kind.as_str(), "conservatoire");
    let events = app.store.events(id).await.expect("events");
    assert!(events.iter().any(|e| e.actor == "web:root"));
    let r = app
        .post(
            &format!("/console/{}/repondu", id.0),
            &jar,
            &[("csrf", &token), ("motif", "telephone")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store
            .standing(id)
            .await
            .expect("standing")
            .status
            .as_str(),
        "answered"
    );
}

#[tokio::test]
async fn search_by_reference_and_by_address() {
    let app = TestApp::new().await;
    let jar = app.login(QUALITE).await;
    let reference = app
        .store
        .summary(app.seeded[1])
        .await
        .expect("summary")
        .reference;
    let r = app
        .get(
            &format!("/console/recherche?reference=%5B{reference}%5D"),
            &jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 résultat(s)"), "{}", r.body);
    assert!(r.body.contains(&reference));
    let r = app
        .get(
            "/console/recherche?adresse=ZEPHYRINE.quartermaine%40example",
            &jar,
        )
        .await;
    assert!(r.body.contains("3 résultat(s)"), "{}", r.body);
    let r = app
        .get("/console/recherche?adresse=personne%40nulle.part", &jar)
        .await;
    assert!(r.body.contains("Aucune demande ne correspond"));
    let r = app
        .get("/console/recherche?reference=n%27importe", &jar)
        .await;
    assert!(r.body.contains("Référence invalide"));
}

#[tokio::test]
async fn a_manual_letter_uses_the_stamped_date_and_flows_through_the_pipeline() {
    let app = TestApp::new().await;
    let jar = app.login(AGENT).await;
    let form = app.get("/console/saisie", &jar).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf();
    let r = app
        .post(
            "/console/saisie",
            &jar,
            &[
                ("csrf", &token),
                ("canal", "courrier"),
                ("recu_le", "2026-03-02"),
                ("nom", "Marcel Lettre"),
                ("courriel", ""),
                ("objet", "Tarifs du conservatoire"),
                ("texte", "Bonjour, quels sont les tarifs du conservatoire ?"),
                ("etablissement", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location.expect("location");
    let id: i64 = location
        .trim_start_matches("/console/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let id = guichet::inquiry::InquiryId(id);
    let summary = app.store.summary(id).await.expect("summary");
    assert_eq!(summary.channel.as_str(), "courrier");
    assert_eq!(
        guichet::calendar::paris_date(summary.received_at).to_string(),
        "2026-03-02"
    );
    assert_eq!(summary.status.as_str(), "drafted");
    // Without an address there is nothing to send: the agent records the answer by letter.
    let token = app.get(&location, &jar).await.csrf();
    let r = app
        .post(
            &format!("/console/{}/approuver", id.0),
            &jar,
            &[("csrf", &token), ("texte", "Bonjour.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("aucune adresse de réponse"));
    let r = app
        .post(
            &format!("/console/{}/repondu", id.0),
            &jar,
            &[("csrf", &token), ("motif", "courrier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let qualite = app.login(QUALITE).await;
    assert_eq!(
        app.get("/console/saisie", &qualite).await.status,
        StatusCode::FORBIDDEN
    );
}
