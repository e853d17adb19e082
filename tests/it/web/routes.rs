//! Every route, logged in or not: pages, charts, CSV downloads with the CLI's header and numbers.

use axum::http::StatusCode;

use super::support::{Jar, TestApp, ADMIN, AGENT, QUALITE};

#[tokio::test]
async fn without_a_session_private_pages_redirect_to_the_login() {
    let app = TestApp::new().await;
    let jar = Jar::default();
    for path in [
        "/",
        "/indicateurs",
        "/indicateurs.csv",
        "/delais.csv",
        "/satisfaction.csv",
        "/en-retard",
        "/en-retard.csv",
    ] {
        let r = app.get(path, &jar).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location.as_deref(), Some("/connexion"), "{path}");
    }
    let login = app.get("/connexion", &jar).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("<html lang=\"fr\">"));
    assert!(login.body.contains("<label for=\"password\">"));
    let missing = app.get("/nulle-part", &jar).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page introuvable"));
}

#[tokio::test]
async fn the_indicators_page_draws_four_charts_with_their_tables() {
    let app = TestApp::new().await;
    let jar = app.login(QUALITE).await;
    let home = app.get("/", &jar).await;
    assert_eq!(home.location.as_deref(), Some("/indicateurs"));
    let page = app.get("/indicateurs", &jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("<svg").count(), 4, "{}", page.body);
    assert!(page.body.contains("role=\"img\""));
    assert!(page
        .body
        .contains("<caption>Volume par canal (tableau)</caption>"));
    // The total row is `guichet report`'s: same figures, same order.
    let query = guichet::indicators::ReportQuery {
        from: None,
        to: None,
        by: vec![],
        today: guichet::calendar::paris_date(chrono::Utc::now()),
    };
    let total = app.store.report(&query).await.expect("report")[0]
        .indicators
        .clone();
    let expected = format!(
        "<td>{}</td><td>{}</td><td>{}</td>",
        total.received, total.answered, total.within_engagement
    );
    assert!(page.body.contains(&expected), "{expected}\n{}", page.body);
    let ack = total.acknowledged_within_pct.map_or("–".to_string(), |p| {
        format!("{} %", p.to_string().replace('.', ","))
    });
    let tail = format!(
        "<td>{}</td><td>{ack}</td><td>{}</td><td>{}</td></tr>",
        total.overdue, total.automatic, total.rejected
    );
    assert!(page.body.contains(&tail), "{tail}\n{}", page.body);
    // Three received, two answered in March.
    assert!(page.body.contains("<td>3</td><td>2</td>"), "{}", page.body);
    assert!(page.body.contains("Se déconnecter (claire, qualite)"));
    let filtered = app.get("/indicateurs?type=theatre", &jar).await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(
        filtered.body.contains("<td>0</td><td>0</td>"),
        "{}",
        filtered.body
    );
    let bad = app.get("/indicateurs?du=hier", &jar).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("AAAA-MM-JJ"));
    let unknown = app
        .get("/indicateurs?equipement=piscine-imaginaire", &jar)
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn csv_downloads_match_guichet_report() {
    let app = TestApp::new().await;
    let jar = app.login(ADMIN).await;
    for by in ["", "kind", "month,kind", "channel", "facility"] {
        let path = if by.is_empty() {
            "/indicateurs.csv".to_string()
        } else {
            format!("/indicateurs.csv?by={by}")
        };
        let web = app.get(&path, &jar).await;
        assert_eq!(web.status, StatusCode::OK, "{path}");
        assert!(web.content_type.starts_with("text/csv"));
        let mut args = vec!["--database", &app.url, "report", "--format", "csv"];
        if !by.is_empty() {
            args.extend(["--by", by]);
        }
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(&args)
            .output()
            .expect("run guichet report");
        assert!(
            cli.status.success(),
            "{}",
            String::from_utf8_lossy(&cli.stderr)
        );
        assert_eq!(web.body, String::from_utf8_lossy(&cli.stdout), "{path}");
    }
    let header = app.get("/indicateurs.csv?by=kind", &jar).await;
    assert!(header.body.starts_with(
        "kind,received,answered,within_engagement,within_engagement_pct,median_working_days,\
         p90_working_days,open,overdue,acknowledged_within_pct,automatic,rejected\n"
    ));
    let delays = app.get("/delais.csv", &jar).await;
    assert!(
        delays
            .body
            .starts_with("answer_delay_working_days,answered\n"),
        "{}",
        delays.body
    );
    let satisfaction = app.get("/satisfaction.csv", &jar).await;
    assert!(satisfaction
        .body
        .starts_with("facility,month,answers,average,"));
    let bad = app.get("/indicateurs.csv?by=citizen", &jar).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn agents_see_the_overdue_list_but_not_the_indicators() {
    let app = TestApp::new().await;
    let jar = app.login(AGENT).await;
    assert_eq!(
        app.get("/", &jar).await.location.as_deref(),
        Some("/en-retard")
    );
    let refused = app.get("/indicateurs", &jar).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("Votre rôle ne donne pas accès"));
    assert_eq!(
        app.get("/indicateurs.csv", &jar).await.status,
        StatusCode::FORBIDDEN
    );
    let overdue = app.get("/en-retard", &jar).await;
    assert_eq!(overdue.status, StatusCode::OK);
    // The open inquiry of March is long overdue.
    assert!(overdue.body.contains("class=\"late\""), "{}", overdue.body);
    assert!(
        !overdue.body.contains("href=\"/indicateurs\""),
        "no menu entry for agents"
    );
    let csv = app.get("/en-retard.csv", &jar).await;
    assert!(csv.body.starts_with(
        "reference,channel,kind,facility,topic,received,deadline,working_days_left\n"
    ));
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
}

#[tokio::test]
async fn every_page_sends_the_security_headers() {
    let app = TestApp::new().await;
    let request = Jar::default().request("GET", "/transparence", None);
    let response = {
        use tower::ServiceExt;
        guichet::web::app(app.state.clone())
            .oneshot(request)
            .await
            .expect("response")
    };
    let h = response.headers();
    assert_eq!(
        h.get("x-frame-options").map(|v| v.as_bytes()),
        Some(&b"DENY"[..])
    );
    assert_eq!(
        h.get("referrer-policy").map(|v| v.as_bytes()),
        Some(&b"no-referrer"[..])
    );
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{csp}");
}
