//! The public contact form: a `formulaire` inquiry acknowledged by mail; robots, hurried or
//! oversized submissions and floods refused.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use guichet::web::form_stamp;

use crate::web::support::{Jar, Reply, TestApp, SECRET};

async fn open_form(app: &TestApp) -> (Jar, String) {
    let mut jar = Jar::default();
    let page = app.get("/contact", &jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<label for=\"message\">"));
    jar.keep(&page);
    (jar, page.csrf())
}

fn aged(seconds: i64) -> String {
    form_stamp(SECRET.as_bytes(), Utc::now() - Duration::seconds(seconds))
}

async fn submit(app: &TestApp, ip: [u8; 4], jar: &Jar, fields: &[(&str, &str)]) -> Reply {
    app.send_from(ip, jar.request("POST", "/contact", Some(fields)))
        .await
}

#[tokio::test]
async fn a_submission_creates_an_acknowledged_formulaire_inquiry() {
    let app = TestApp::new().await;
    let (jar, csrf) = open_form(&app).await;
    let stamp = aged(10);
    let r = submit(
        &app,
        [10, 1, 1, 1],
        &jar,
        &[
            ("csrf", &csrf),
            ("debut", &stamp),
            ("site_web", ""),
            ("nom", "Léon Formulaire"),
            ("courriel", "leon@example.org"),
            ("etablissement", ""),
            (
                "message",
                "Bonjour, quels sont les horaires de la piscine Pajeaud ?",
            ),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Votre demande a bien été envoyée"));
    let start = r.body.find("id=\"reference\">").expect("reference") + 15;
    let reference = &r.body[start..start + r.body[start..].find('<').expect("end")];
    let id = guichet::inquiry::parse_reference(reference).expect("reference parses");
    let summary = app.store.summary(id).await.expect("summary");
    assert_eq!(summary.channel.as_str(), "formulaire");
    let jobs = app.store.jobs_of(id).await.expect("jobs");
    assert!(jobs.iter().any(|(kind, _, _)| kind == "ack"), "{jobs:?}");
}

#[tokio::test]
async fn honeypot_too_fast_oversized_and_no_csrf_are_refused() {
    let app = TestApp::new().await;
    let (jar, csrf) = open_form(&app).await;
    let old = aged(10);
    let fresh = aged(0);
    let long = "a".repeat(5_001);
    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("csrf", &csrf),
                ("debut", &old),
                ("site_web", "http://spam"),
                ("nom", "R"),
                ("courriel", "r@example.org"),
                ("message", "Achetez"),
            ],
            StatusCode::BAD_REQUEST,
            "pas pu être envoyé",
        ),
        (
            vec![
                ("csrf", &csrf),
                ("debut", &fresh),
                ("nom", "R"),
                ("courriel", "r@example.org"),
                ("message", "Vite"),
            ],
            StatusCode::BAD_REQUEST,
            "trop vite",
        ),
        (
            vec![
                ("csrf", &csrf),
                ("debut", "123.abc"),
                ("nom", "R"),
                ("courriel", "r@example.org"),
                ("message", "Faux"),
            ],
            StatusCode::BAD_REQUEST,
            "trop vite",
        ),
        (
            vec![
                ("csrf", &csrf),
                ("debut", &old),
                ("nom", "R"),
                ("courriel", "r@example.org"),
                ("message", &long),
            ],
            StatusCode::PAYLOAD_TOO_LARGE,
            "trop long",
        ),
        (
            vec![
                ("csrf", "faux"),
                ("debut", &old),
                ("nom", "R"),
                ("courriel", "r@example.org"),
                ("message", "Bonjour"),
            ],
            StatusCode::FORBIDDEN,
            "a expiré",
        ),
    ];
    for (fields, status, text) in cases {
        let r = submit(&app, [10, 2, 2, 2], &jar, &fields).await;
        assert_eq!(r.status, status, "{text}: {}", r.body);
        assert!(r.body.contains(text), "{text}: {}", r.body);
    }
    assert!(app
        .store
        .search(&guichet::store::SearchQuery::default())
        .await
        .expect("search")
        .iter()
        .all(|f| f.channel != "formulaire"));
}

#[tokio::test]
async fn an_address_sending_too_much_is_rate_limited() {
    let app = TestApp::new().await;
    let (jar, csrf) = open_form(&app).await;
    let mut last = None;
    for n in 0..6 {
        let stamp = aged(10 + n);
        let message = format!("Bonjour, question numéro {n} sur la médiathèque.");
        let r = submit(
            &app,
            [10, 3, 3, 3],
            &jar,
            &[
                ("csrf", &csrf),
                ("debut", &stamp),
                ("nom", "Rita"),
                ("courriel", "rita@example.org"),
                ("message", &message),
            ],
        )
        .await;
        last = Some(r.status);
        if n < 5 {
            assert_eq!(r.status, StatusCode::OK, "{n}: {}", r.body);
        } else {
            assert!(r.body.contains("Trop de messages"));
        }
    }
    assert_eq!(last, Some(StatusCode::TOO_MANY_REQUESTS));
}
