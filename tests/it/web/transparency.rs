//! The public transparency page and `guichet publish`: the month's figures per facility, and not
//! one piece of personal data.

use axum::http::StatusCode;
use guichet::store::StoreError;

use crate::ledger::support::{on_both_backends, TestDb};

use super::support::{
    app_on, Jar, TestApp, CITIZEN_ADDRESS, CITIZEN_EMAIL, CITIZEN_NAME, CITIZEN_SUBJECT, MONTH,
};

/// Every piece of the seeded citizen's data, and the inquiries' references.
async fn personal(app: &TestApp) -> Vec<String> {
    let mut out: Vec<String> = [
        CITIZEN_NAME,
        "Zéphyrine",
        "Quartermaine",
        CITIZEN_EMAIL,
        CITIZEN_ADDRESS,
        "Hortensias",
        CITIZEN_SUBJECT,
        "Philomène",
        "06 11 22 33 44",
        "demande 0",
        "Réponse de test",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for id in &app.seeded {
        let s = app.store.summary(*id).await.expect("summary");
        out.push(s.reference.clone());
    }
    out
}

fn assert_clean(what: &str, text: &str, personal: &[String]) {
    for p in personal {
        assert!(!text.contains(p.as_str()), "{what} leaks `{p}`:\n{text}");
    }
}

#[tokio::test]
async fn the_transparency_page_shows_figures_and_no_personal_data() {
    let app = TestApp::new().await;
    // A survey comment is personal data too.
    let secret_comment = "Mon voisin Théodule Vantripoux est désagréable";
    let recorded: Result<_, StoreError> = app
        .store
        .record_survey_answer(app.seeded[0], 2, Some(secret_comment), chrono::Utc::now())
        .await;
    recorded.expect("survey answer");
    let mut personal = personal(&app).await;
    personal.push(secret_comment.to_string());
    personal.push("Vantripoux".to_string());
    let jar = Jar::default();
    let page = app.get(&format!("/transparence?mois={MONTH}"), &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("mars 2026"));
    // The published delays the figures are judged against.
    assert!(
        page.body.contains("<li>Courriel : 5 jours ouvrés</li>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<li>Réclamations par courriel : 10 jours ouvrés</li>"));
    // Three received, two answered, one survey answer rated 2.
    assert!(page.body.contains("<td>3</td><td>2</td>"), "{}", page.body);
    assert!(
        page.body.contains("<td>1</td><td>2</td></tr>"),
        "{}",
        page.body
    );
    assert_clean("the page", &page.body, &personal);
    let csv = app
        .get(&format!("/transparence.csv?mois={MONTH}"), &jar)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .body
        .starts_with("month,facility,facility_name,received,answered,"));
    assert!(csv.body.contains(",3,2,"), "{}", csv.body);
    assert_clean("the CSV", &csv.body, &personal);
    let default = app.get("/transparence", &jar).await;
    assert_eq!(default.status, StatusCode::OK);
    assert_clean("the default month", &default.body, &personal);
    let bad = app.get("/transparence?mois=mars", &jar).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn publish_writes_the_month_as_html_and_csv() {
    let app = TestApp::new().await;
    let personal = personal(&app).await;
    let out = app.dir.path().join("publication");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--database", &app.url, "publish", "--month", MONTH, "--out"])
        .arg(&out)
        .output()
        .expect("run guichet publish");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html =
        std::fs::read_to_string(out.join(format!("transparence-{MONTH}.html"))).expect("html");
    let csv = std::fs::read_to_string(out.join(format!("transparence-{MONTH}.csv"))).expect("csv");
    assert!(html.contains("<html lang=\"fr\">") && html.contains("mars 2026"));
    assert!(html.contains(&format!("href=\"transparence-{MONTH}.csv\"")));
    let web = app
        .get(&format!("/transparence.csv?mois={MONTH}"), &Jar::default())
        .await;
    assert_eq!(
        csv, web.body,
        "the same open data on the site and in the files"
    );
    assert_clean("the published HTML", &html, &personal);
    assert_clean("the published CSV", &csv, &personal);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args([
            "--database",
            &app.url,
            "publish",
            "--month",
            "2026-13",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("run guichet publish");
    assert!(!bad.status.success());
}

/// History with known figures: March 2026, two pool answers in time (100 %); February 2026, two
/// library answers of which one in time (50 %); September 2025, outside the six months the
/// chart covers for March 2026.
const HISTORY: &str = "\
id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at
t1,mail,mediatheque,,horaires,2026-02-02T09:00:00+01:00,2026-02-02T09:10:00+01:00,2026-02-04T11:00:00+01:00
t2,mail,mediatheque,,horaires,2026-02-03T09:00:00+01:00,2026-02-03T09:10:00+01:00,2026-03-03T11:00:00+01:00
t3,mail,conservatoire,,tarifs,2025-09-01T09:00:00+02:00,,2025-09-02T09:00:00+02:00
t4,mail,piscine,piscine-pajeaud,horaires,2026-03-10T10:00:00+01:00,,2026-03-11T15:00:00+01:00
t5,chat,piscine,,tarifs,2026-03-11T10:00:00+01:00,,2026-03-12T15:00:00+01:00
";

async fn the_transparency_page_charts_the_share_answered_in_time_per_kind_with_its_table(
    db: &TestDb,
) {
    let app = app_on(db, vec![]);
    let rows = guichet::store::parse_import_csv(HISTORY).expect("history");
    app.store.import(&rows).await.expect("import");
    let page = app
        .get(&format!("/transparence?mois={MONTH}"), &Jar::default())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let section = body
        .split("<section aria-labelledby=\"evolution\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the chart's section");
    assert!(section.contains("sur les 6 derniers mois"), "{section}");
    assert!(section.contains("<svg class=\"chart\""), "{section}");
    // Each bar says its figure.
    assert!(
        section.contains("février 2026 — Médiathèques : 50 %"),
        "{section}"
    );
    assert!(
        section.contains("mars 2026 — Piscines : 100 %"),
        "{section}"
    );
    // The table carries the same figures, every month of the window, kinds with data only.
    assert!(section.contains(
        "<thead><tr><th scope=\"col\">mois</th><th scope=\"col\">Médiathèques</th><th scope=\"col\">Piscines</th></tr></thead>"
    ), "{section}");
    for row in [
        "<tr><th scope=\"row\">octobre 2025</th><td>–</td><td>–</td></tr>",
        "<tr><th scope=\"row\">février 2026</th><td>50 %</td><td>–</td></tr>",
        "<tr><th scope=\"row\">mars 2026</th><td>–</td><td>100 %</td></tr>",
    ] {
        assert!(section.contains(row), "no {row} in\n{section}");
    }
    assert!(!section.contains("septembre 2025"), "outside the window");
    assert!(!section.contains("Conservatoires"), "no data in the window");
    // A month without any answer in its window says so instead of an empty chart.
    let empty = app.get("/transparence?mois=2024-01", &Jar::default()).await;
    assert!(empty.body.contains("Aucune demande répondue sur ces mois."));
    assert!(!empty.body.contains("<svg"));
}

on_both_backends!(the_transparency_page_charts_the_share_answered_in_time_per_kind_with_its_table);
