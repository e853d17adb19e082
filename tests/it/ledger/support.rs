//! Test databases: a temporary SQLite file or a fresh PostgreSQL database per test (dropped at
//! the end, even when the test fails). PostgreSQL tests never skip: an unreachable server fails.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use guichet::inquiry::{Address, Channel, Classification, FacilityId, Kind, Lang, Message, Topic};
use guichet::store::{NewInquiry, Recorded, Store};
use sqlx::{Connection, Executor, PgConnection};

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One database for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("GUICHET_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string())
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let seed = format!(
        "{nanos}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    use sha2::Digest;
    format!(
        "guichet_t_{}",
        &hex::encode(sha2::Sha256::digest(seed))[..16]
    )
}

/// The admin URL with its database replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let root = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Creates an empty PostgreSQL database; panics with a clear message when the server is down.
pub async fn create_postgres_database() -> (String, String, String) {
    let admin = postgres_admin_url();
    let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL tests need a server: cannot connect to {admin} ({e}). \
             Start one or set GUICHET_TEST_POSTGRES_URL."
        )
    });
    let name = unique_name();
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    conn.close().await.expect("close admin connection");
    let url = with_database(&admin, &name);
    (admin, name, url)
}

/// Drops a test database from a fresh runtime (usable from `Drop`).
pub fn drop_postgres_database(admin: String, name: String) {
    let dropped = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime for dropping the test database");
        rt.block_on(async {
            let mut conn = PgConnection::connect(&admin).await?;
            conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
            conn.close().await
        })
    })
    .join();
    if !matches!(dropped, Ok(Ok(()))) {
        eprintln!("warning: could not drop test database");
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}",
                    dir.path().join("nested/guichet.db").display()
                );
                let store = Store::open(&url).await.expect("open SQLite store");
                TestDb {
                    store,
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let (admin, name, url) = create_postgres_database().await;
                let store = Store::open(&url).await.expect("open PostgreSQL store");
                TestDb {
                    store,
                    url,
                    _dir: None,
                    postgres: Some((admin, name)),
                }
            }
        }
    }

    /// A plain connection pool on the same database, for checks the API does not offer.
    pub async fn raw(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.url)
            .await
            .expect("raw connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            drop_postgres_database(admin, name);
        }
    }
}

/// Generates `sqlite::NAME` and `postgres::NAME` tests calling `async fn NAME(db: &TestDb)`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::ledger::support::TestDb::new(
                        $crate::ledger::support::Backend::Sqlite,
                    )
                    .await;
                    super::$name(&db).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::ledger::support::TestDb::new(
                        $crate::ledger::support::Backend::Postgres,
                    )
                    .await;
                    super::$name(&db).await;
                }
            )+
        }
    };
}
pub(crate) use on_both_backends;

/// An instant given as Paris wall-clock time.
pub fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("unambiguous Paris time")
        .with_timezone(&Utc)
}

pub fn classification(kind: Kind, facility: Option<&str>, topic: Topic) -> Classification {
    Classification {
        kind,
        facility: facility.map(|f| FacilityId::parse(f).expect("facility id")),
        topic,
        automatic: false,
        automatic_reason: None,
        lang: Lang::Fr,
        rules: vec!["test-rule".to_string()],
        template: None,
        requests: Vec::new(),
    }
}

pub fn message(subject: &str) -> Message {
    Message {
        from: Some(Address {
            name: Some("Camille Martin".to_string()),
            email: "camille.martin@example.org".to_string(),
        }),
        subject: subject.to_string(),
        body: format!("Bonjour, {subject} ? Merci, Camille Martin, 12 rue des Lilas"),
        signature: "Camille Martin\n06 12 34 56 78".to_string(),
        html: Some("<p>Bonjour</p>".to_string()),
        ..Message::default()
    }
}

/// Records one inquiry with a personal message.
pub async fn record(
    store: &Store,
    key: &str,
    channel: Channel,
    at: DateTime<Utc>,
    c: &Classification,
) -> Recorded {
    let m = message(&format!("question {key}"));
    store
        .record_inquiry(&NewInquiry {
            channel,
            source_key: key.to_string(),
            received_at: at,
            message: &m,
            classification: c,
            route: None,
        })
        .await
        .expect("record inquiry")
}

#[test]
fn database_urls_are_rewritten() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    assert_eq!(
        with_database("postgres://h/db?sslmode=disable", "x"),
        "postgres://h/x?sslmode=disable"
    );
}
