//! The satisfaction survey behind each reply's link: valid token, forged token, one answer only.

use axum::http::StatusCode;
use guichet::survey::survey_link;

use super::support::{Jar, TestApp, ADMIN, SECRET};

fn path(app: &TestApp, n: usize) -> String {
    let link = survey_link("http://guichet.test", SECRET.as_bytes(), app.seeded[n]);
    link.trim_start_matches("http://guichet.test").to_string()
}

#[tokio::test]
async fn the_sent_reply_carries_a_working_survey_link() {
    let app = TestApp::new().await;
    let outbox = std::fs::read_dir(app.dir.path().join("outbox"))
        .expect("outbox")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect::<Vec<_>>()
        .join("\n");
    // The agent's edited text replaced the draft; the draft itself carried the link.
    let drafts = app.store.drafts(app.seeded[2]).await.expect("drafts");
    let draft = drafts[0].draft.as_ref().expect("draft text");
    assert!(draft.text.contains(&path(&app, 2)), "{}", draft.text);
    assert!(!outbox.is_empty());
}

#[tokio::test]
async fn a_reassigned_inquiry_is_drafted_again_with_its_survey_link() {
    use guichet::inquiry::Kind;
    use guichet::pipeline::{Knowledge, Pipeline};
    let app = TestApp::new().await;
    let knowledge = Knowledge::load(&app.config).expect("knowledge");
    let pipeline = Pipeline::new(app.store.clone(), knowledge);
    let id = app.seeded[2];
    let moved = pipeline
        .reassign(
            id,
            &"agent-test".into(),
            Kind::Theatre,
            None,
            chrono::Utc::now(),
        )
        .await
        .expect("reassign");
    assert!(moved);
    let drafts = app.store.drafts(id).await.expect("drafts");
    assert_eq!(drafts.len(), 2);
    let latest = drafts[1].draft.as_ref().expect("draft text");
    assert!(latest.text.contains(&path(&app, 2)), "{}", latest.text);
}

#[tokio::test]
async fn a_citizen_answers_once_with_a_valid_link() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let link = path(&app, 0);
    let form = app.get(&link, &jar).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("<legend>Êtes-vous satisfait"));
    jar.keep(&form);
    let token = form.csrf();
    let bad = app
        .post(&link, &jar, &[("rating", "9"), ("csrf", &token)])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let ok = app
        .post(
            &link,
            &jar,
            &[
                ("rating", "4"),
                ("comment", "Très clair, <b>merci</b>"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("Votre avis a bien été enregistré"));
    let again = app
        .post(&link, &jar, &[("rating", "1"), ("csrf", &token)])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("déjà donné votre avis"));
    let page = app.get(&link, &jar).await;
    assert!(page.body.contains("déjà donné votre avis"));
    assert!(!page.body.contains("<form method=\"post\" action=\"/avis"));
    // The first answer counts, in the dashboard's satisfaction per facility and month.
    let staff = app.login(ADMIN).await;
    let csv = app.get("/satisfaction.csv", &staff).await;
    assert!(
        csv.body.contains(",2026-03,1,4.0,0,0,0,1,0\n"),
        "{}",
        csv.body
    );
    let dashboard = app.get("/indicateurs", &staff).await;
    assert!(
        dashboard
            .body
            .contains("<td>2026-03</td><td>1</td><td>4</td>"),
        "{}",
        dashboard.body
    );
    // Approvals without reassignment confirm the sorting: « précision du tri » 100 %.
    assert!(
        dashboard
            .body
            .contains("<th scope=\"row\">2026-03</th><td>2</td><td>100\u{a0}%</td>"),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("id=\"precision-tri-h\""));
    // Quality staff read the comment, escaped.
    assert!(
        dashboard
            .body
            .contains("« Très clair, &lt;b&gt;merci&lt;/b&gt; »"),
        "{}",
        dashboard.body
    );
}

#[tokio::test]
async fn forged_links_and_missing_tokens_are_refused() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let good = path(&app, 1);
    let id = app.seeded[1].0;
    // Another inquiry's id with this MAC, a MAC under another key, junk.
    let other = good.replacen(&format!("/avis/{id}-"), &format!("/avis/{}-", id + 1), 1);
    let foreign = survey_link("", b"not the secret of this server", app.seeded[1]);
    for forged in [other.as_str(), foreign.as_str(), "/avis/1-zz", "/avis/abc"] {
        let r = app.get(forged, &jar).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{forged}");
        let r = app.post(forged, &jar, &[("rating", "5")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{forged}");
    }
    // A valid link still needs the form's CSRF token.
    let form = app.get(&good, &jar).await;
    jar.keep(&form);
    let r = app.post(&good, &jar, &[("rating", "5")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(&good, &jar, &[("rating", "5"), ("csrf", "deadbeef")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app
        .store
        .survey_answered(app.seeded[1])
        .await
        .expect("query"));
}

#[tokio::test]
async fn english_replies_link_to_an_english_survey() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let link = format!("{}?lang=en", path(&app, 0));
    let form = app.get(&link, &jar).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<html lang=\"en\">"), "{}", form.body);
    assert!(form
        .body
        .contains("Are you satisfied with the answer you received?"));
    // Handlebars escapes `=` in attributes as `&#x3D;`, which the browser decodes.
    let action = format!("action=\"{}\"", link.replace('=', "&#x3D;"));
    assert!(form.body.contains(&action), "{}", form.body);
    jar.keep(&form);
    let token = form.csrf();
    let ok = app
        .post(&link, &jar, &[("rating", "5"), ("csrf", &token)])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok
        .body
        .contains("Thank you! Your opinion has been recorded."));
    // The French page stays French.
    let fr = app.get(&path(&app, 0), &jar).await;
    assert!(fr.body.contains("<html lang=\"fr\">"));
    assert!(fr.body.contains("Vous avez déjà donné votre avis"));
}
