//! Logging in and out, roles, forged sessions, CSRF on every form, and the login rate limit.

use axum::http::StatusCode;

use super::support::{Jar, TestApp, ADMIN, AGENT, QUALITE};

#[tokio::test]
async fn login_sets_a_session_and_logout_ends_it() {
    let app = TestApp::new().await;
    let mut jar = app.login(QUALITE).await;
    assert!(jar.0.contains_key("guichet_session"));
    let page = app.get("/indicateurs", &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = page.csrf();
    let out = app.post("/deconnexion", &jar, &[("csrf", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/connexion"));
    jar.keep(&out);
    assert!(
        !jar.0.contains_key("guichet_session"),
        "{:?}",
        out.set_cookies
    );
    assert_eq!(
        app.get("/indicateurs", &jar).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_wrong_password_or_unknown_account_is_refused() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let page = app.get("/connexion", &jar).await;
    jar.keep(&page);
    let token = page.csrf();
    for (name, password) in [
        ("claire", "mauvais-mot-de-passe"),
        ("inconnu", "x"),
        ("claire", ""),
    ] {
        let r = app
            .post(
                "/connexion",
                &jar,
                &[("name", name), ("password", password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name}");
        assert!(r.body.contains("Identifiant ou mot de passe incorrect."));
        assert!(!r
            .set_cookies
            .iter()
            .any(|c| c.starts_with("guichet_session=")));
    }
}

#[tokio::test]
async fn a_tampered_session_cookie_is_not_a_session() {
    let app = TestApp::new().await;
    let jar = app.login(AGENT).await;
    let session = jar.0["guichet_session"].clone();
    let (payload, sig) = session.split_once('.').expect("signed cookie");
    let text = String::from_utf8(hex::decode(payload).expect("hex")).expect("utf-8");
    let forged = hex::encode(text.replace("\nagent\n", "\nadmin\n"));
    let mut forged_jar = jar.clone();
    forged_jar
        .0
        .insert("guichet_session".into(), format!("{forged}.{sig}"));
    let r = app.get("/indicateurs", &forged_jar).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a forged session is no session"
    );
    assert_eq!(
        app.get("/indicateurs", &jar).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let page = app.get("/connexion", &jar).await;
    jar.keep(&page);
    let (name, password) = QUALITE;
    // No token, a wrong token, and the right token without its cookie.
    for (fields, cookies) in [
        (vec![("name", name), ("password", password)], jar.clone()),
        (
            vec![("name", name), ("password", password), ("csrf", "00ff")],
            jar.clone(),
        ),
    ] {
        let r = app.post("/connexion", &cookies, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("Le formulaire a expiré"));
    }
    let token = page.csrf();
    let r = app
        .post(
            "/connexion",
            &Jar::default(),
            &[("name", name), ("password", password), ("csrf", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Logged in: the logout token is bound to the session, the login page's token is not enough.
    let jar = app.login(ADMIN).await;
    let r = app.post("/deconnexion", &jar, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post("/deconnexion", &jar, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn logins_are_rate_limited_per_account_and_per_address() {
    let app = TestApp::new().await;
    let mut jar = Jar::default();
    let page = app.get("/connexion", &jar).await;
    jar.keep(&page);
    let token = page.csrf();
    let attempt = |ip: [u8; 4], name: &'static str, password: &'static str| {
        let request = jar.request(
            "POST",
            "/connexion",
            Some(&[("name", name), ("password", password), ("csrf", &token)]),
        );
        app.send_from(ip, request)
    };
    for _ in 0..5 {
        let r = attempt([10, 0, 0, 2], "claire", "faux").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The account is throttled, even with the right password and from another address…
    let r = attempt([10, 0, 0, 3], "claire", "mot-de-passe-claire").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Trop de tentatives"));
    // …for a moment only: nobody can lock a colleague out.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = attempt([10, 0, 0, 3], "claire", "mot-de-passe-claire").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Other accounts still log in from another address.
    let r = attempt([10, 0, 0, 3], "alex", "mot-de-passe-alex").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // One address trying many accounts is stopped too.
    let names = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"];
    for name in names.iter().chain(names.iter()).take(20) {
        let r = attempt([10, 0, 0, 9], name, "faux").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = attempt([10, 0, 0, 9], "root", "mot-de-passe-root").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_rate_limited() {
    let app = TestApp::with(|c| c.web.trusted_proxies = vec!["10.0.0.1".into()]).await;
    let mut jar = Jar::default();
    let page = app.get("/connexion", &jar).await;
    jar.keep(&page);
    let token = page.csrf();
    let attempt = |peer: [u8; 4], client: &'static str, name: String, password: &'static str| {
        let mut request = jar.request(
            "POST",
            "/connexion",
            Some(&[("name", &name), ("password", password), ("csrf", &token)]),
        );
        request.headers_mut().insert(
            "x-forwarded-for",
            axum::http::HeaderValue::from_static(client),
        );
        app.send_from(peer, request)
    };
    for n in 0..20 {
        let r = attempt([10, 0, 0, 1], "203.0.113.7", format!("u{n}"), "faux").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = attempt(
        [10, 0, 0, 1],
        "203.0.113.7",
        "root".into(),
        "mot-de-passe-root",
    )
    .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    // Another citizen behind the same proxy is not locked out.
    let other = attempt(
        [10, 0, 0, 1],
        "198.51.100.2",
        "root".into(),
        "mot-de-passe-root",
    )
    .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // An untrusted peer cannot choose its address: it is counted as itself.
    for n in 0..20 {
        let r = attempt([10, 0, 0, 5], "198.51.100.3", format!("v{n}"), "faux").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let spoofed = attempt(
        [10, 0, 0, 5],
        "198.51.100.4",
        "alex".into(),
        "mot-de-passe-alex",
    )
    .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_wrong_passwords_get_no_more_checks_than_the_limit() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let mut jar = Jar::default();
    let page = app.get("/connexion", &jar).await;
    jar.keep(&page);
    let token = page.csrf();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..100_u8 {
        let request = jar.request(
            "POST",
            "/connexion",
            Some(&[("name", "claire"), ("password", "faux"), ("csrf", &token)]),
        );
        let app = app.clone();
        tasks.spawn(async move { app.send_from([10, 1, n / 50, n], request).await.status });
    }
    let mut checked = 0;
    while let Some(status) = tasks.join_next().await {
        let status = status.expect("task");
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
        checked += usize::from(status == StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        checked, 5,
        "each check was reserved before the password was hashed"
    );
}

#[tokio::test]
async fn authenticated_pages_and_exports_are_never_cached() {
    let app = TestApp::new().await;
    let jar = app.login(ADMIN).await;
    for path in [
        "/indicateurs",
        "/indicateurs.csv",
        "/en-retard",
        "/en-retard.csv",
        "/console",
    ] {
        let r = app.get(path, &jar).await;
        assert_eq!(r.cache_control.as_deref(), Some("no-store"), "{path}");
    }
    let public = app.get("/transparence", &Jar::default()).await;
    assert_eq!(public.cache_control, None);
}
