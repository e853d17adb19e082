//! A web application on a temporary SQLite ledger with known accounts, seeded through the real
//! pipeline; requests sent with `oneshot`, cookies kept in a small jar.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, Response, StatusCode};
use chrono::{DateTime, Duration, Utc};
use guichet::config::{Config, WebUser};
use guichet::inquiry::InquiryId;
use guichet::inquiry::{Address, Channel, Message};
use guichet::pipeline::{deliver_due, FileTransport, Incoming, Intake, Knowledge, Pipeline, Route};
use guichet::store::Store;
use guichet::web::{app, hash_password, WebState};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const SECRET: &str = "test-secret-of-the-web-suite-0123456789";
pub const QUALITE: (&str, &str) = ("claire", "mot-de-passe-claire");
pub const AGENT: (&str, &str) = ("alex", "mot-de-passe-alex");
pub const ADMIN: (&str, &str) = ("root", "mot-de-passe-root");

/// The citizen of the seeded inquiries: none of this may ever appear on a public page.
pub const CITIZEN_NAME: &str = "Zéphyrine Quartermaine";
pub const CITIZEN_EMAIL: &str = "zephyrine.quartermaine@example.org";
pub const CITIZEN_ADDRESS: &str = "17 impasse des Hortensias-Bleus";
pub const CITIZEN_SUBJECT: &str = "Horaires piscine Pajeaud pour ma fille Philomène";

fn users() -> &'static Vec<WebUser> {
    static USERS: OnceLock<Vec<WebUser>> = OnceLock::new();
    USERS.get_or_init(|| {
        [(QUALITE, "qualite"), (AGENT, "agent"), (ADMIN, "admin")]
            .into_iter()
            .map(|((name, password), role)| WebUser {
                name: name.to_string(),
                role: role.to_string(),
                hash: hash_password(password).expect("hash"),
            })
            .collect()
    })
}

pub struct TestApp {
    pub state: WebState,
    pub store: Store,
    pub config: Config,
    pub url: String,
    pub seeded: Vec<InquiryId>,
    pub dir: tempfile::TempDir,
}

/// Received on 10 and 11 March 2026 (Paris): the transparency month is `2026-03`.
pub const MONTH: &str = "2026-03";

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(2026, 3, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("valid date")
        .and_utc()
}

pub fn citizen_message(subject: &str, extra: &str) -> Message {
    Message {
        from: Some(Address {
            name: Some(CITIZEN_NAME.to_string()),
            email: CITIZEN_EMAIL.to_string(),
        }),
        subject: subject.to_string(),
        body: format!(
            "Bonjour, quels sont les horaires de la piscine Pajeaud à Antony ? {extra}\n\
             {CITIZEN_NAME}, {CITIZEN_ADDRESS}, 92160 Antony"
        ),
        signature: format!("{CITIZEN_NAME}\n{CITIZEN_ADDRESS}\n06 11 22 33 44"),
        ..Message::default()
    }
}

impl TestApp {
    /// A fresh ledger with three inquiries from the same citizen: two answered, one open.
    pub async fn new() -> TestApp {
        TestApp::with(|_| {}).await
    }

    /// [`TestApp::new`] with the configuration adjusted.
    pub async fn with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("guichet.db").display());
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(url.clone()),
            ..Config::default()
        };
        config.web.secret = Some(SECRET.to_string());
        config.web.base_url = Some("http://guichet.test".to_string());
        config.web.users = users().clone();
        adjust(&mut config);
        let store = Store::open(&url).await.expect("open store");
        let pipeline = Pipeline::new(store.clone(), Knowledge::load(&config).expect("knowledge"));
        let transport = FileTransport {
            name: "mail".into(),
            dir: dir.path().join("outbox"),
        };
        let mut seeded = Vec::new();
        for (n, (day, answer)) in [(10, true), (10, true), (11, false)]
            .into_iter()
            .enumerate()
        {
            let message = citizen_message(CITIZEN_SUBJECT, &format!("(demande {n})"));
            let received = at(day, 9 + n as u32);
            let incoming = Incoming {
                channel: Channel::Mail,
                source_key: format!("test:{n}"),
                received_at: received,
                route: Route::mail(&message),
                message,
                history: false,
            };
            let Intake::Created { id, .. } =
                pipeline.ingest(&incoming, received).await.expect("ingest")
            else {
                panic!("duplicate");
            };
            if answer {
                let when = received + Duration::hours(30);
                pipeline
                    .approve(
                        id,
                        &"agent-test".into(),
                        Some("Réponse de test sans marqueur."),
                        when,
                    )
                    .await
                    .expect("approve");
                deliver_due(&store, &transport, when + Duration::minutes(1))
                    .await
                    .expect("deliver");
            }
            seeded.push(id);
        }
        let state = WebState::from_config(&config, store.clone()).expect("web state");
        TestApp {
            state,
            store,
            config,
            url,
            seeded,
            dir,
        }
    }

    /// Sends one request from `ip` through the whole application.
    pub async fn send_from(&self, ip: [u8; 4], mut req: Request<Body>) -> Reply {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        let response = app(self.state.clone())
            .oneshot(req)
            .await
            .expect("infallible router");
        Reply::read(response).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        self.send_from([10, 0, 0, 1], req).await
    }

    pub async fn get(&self, path: &str, jar: &Jar) -> Reply {
        let reply = self.send(jar.request("GET", path, None)).await;
        reply
    }

    /// Posts a form (fields URL-encoded).
    pub async fn post(&self, path: &str, jar: &Jar, fields: &[(&str, &str)]) -> Reply {
        self.send(jar.request("POST", path, Some(fields))).await
    }

    /// Logs in through the form; returns the jar holding the session.
    pub async fn login(&self, (name, password): (&str, &str)) -> Jar {
        let mut jar = Jar::default();
        let page = self.get("/connexion", &jar).await;
        jar.keep(&page);
        let token = page.csrf();
        let reply = self
            .post(
                "/connexion",
                &jar,
                &[("name", name), ("password", password), ("csrf", &token)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        jar.keep(&reply);
        jar
    }
}

/// A web instance on the test ledger with these accounts.
pub fn app_on(db: &crate::ledger::support::TestDb, users: Vec<WebUser>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(db.url.clone()),
        ..Config::default()
    };
    config.web.secret = Some(SECRET.to_string());
    config.web.users = users;
    let state = WebState::from_config(&config, db.store.clone()).expect("web state");
    TestApp {
        state,
        store: db.store.clone(),
        config,
        url: db.url.clone(),
        seeded: vec![],
        dir,
    }
}

/// Cookies set by the application.
#[derive(Debug, Clone, Default)]
pub struct Jar(pub BTreeMap<String, String>);

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Jar {
    pub fn keep(&mut self, reply: &Reply) {
        for cookie in &reply.set_cookies {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.0.remove(name);
                } else {
                    self.0.insert(name.to_string(), value.to_string());
                }
            }
        }
    }

    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Request<Body> {
        let mut b = Request::builder().method(method).uri(path);
        if !self.0.is_empty() {
            b = b.header(header::COOKIE, self.header());
        }
        match form {
            Some(fields) => {
                let body = fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .expect("request")
            }
            None => b.body(Body::empty()).expect("request"),
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub set_cookies: Vec<String>,
    pub cache_control: Option<String>,
    pub body: String,
}

impl Reply {
    async fn read(response: Response<Body>) -> Reply {
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Reply {
            status: parts.status,
            location: header(header::LOCATION),
            content_type: header(header::CONTENT_TYPE).unwrap_or_default(),
            cache_control: header(header::CACHE_CONTROL),
            set_cookies: parts
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect(),
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = self.body[start..].find('"').expect("closing quote") + start;
        self.body[start..end].to_string()
    }
}
