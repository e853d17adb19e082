//! Ledger benchmark: imports N synthetic historical inquiries (default 1,000,000, set
//! `GUICHET_BENCH_ROWS`) through the same code as `guichet import` into SQLite and PostgreSQL,
//! then times `report --by facility,month` against a `SELECT COUNT(*)` baseline.
//!
//! PostgreSQL: `GUICHET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! a database `guichet_bench_<pid>` is created and dropped. `GUICHET_BENCH_SKIP_POSTGRES=1` skips it.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use guichet::indicators::{GroupBy, ReportQuery};
use guichet::store::{parse_import_csv, ImportRow, Store};
use sqlx::{Connection, Executor, PgConnection};

const RUNS: usize = 7;

const FACILITIES: &[(&str, &str)] = &[
    ("siege", "siege"),
    ("piscine", "piscine-pajeaud"),
    ("piscine", "piscine-du-hameau"),
    ("piscine", "piscine-de-chatillon"),
    ("piscine", "piscine-de-fontenay"),
    ("piscine", "piscine-de-sceaux"),
    ("conservatoire", "conservatoire-darius-milhaud"),
    ("conservatoire", "conservatoire-henri-dutilleux"),
    ("conservatoire", "conservatoire-de-bagneux"),
    ("mediatheque", "mediatheque-de-clamart"),
    ("mediatheque", "mediatheque-de-montrouge"),
    ("mediatheque", "mediatheque-de-malakoff"),
    ("mediatheque", "mediatheque-de-chatenay"),
    ("mediatheque", "mediatheque-de-bourg-la-reine"),
    ("theatre", "theatre-firmin-gemier"),
    ("theatre", "theatre-de-malakoff"),
    ("theatre", "theatre-jean-arp"),
    ("autre", ""),
];
const CHANNELS: &[(&str, u32)] = &[
    ("mail", 55),
    ("formulaire", 20),
    ("chat", 12),
    ("courrier", 5),
    ("telephone", 5),
    ("accueil", 3),
];
const TOPICS: &[(&str, u32)] = &[
    ("horaires", 30),
    ("tarifs", 18),
    ("inscription", 18),
    ("reservation", 12),
    ("reclamation", 8),
    ("objet-perdu", 4),
    ("autre", 10),
];

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn weighted<'a>(&mut self, items: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if pick < *w {
                return item;
            }
            pick -= w;
        }
        items[0].0
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Two years of history ending 30 April 2026, office hours, realistic answer delays.
fn synthetic_csv(rows: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Utc
        .with_ymd_and_hms(2024, 5, 1, 6, 0, 0)
        .single()
        .expect("start");
    let span_days = 730;
    let mut out = String::with_capacity(rows * 130);
    out.push_str("id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at\n");
    for i in 0..rows {
        let (kind, facility) = FACILITIES[rng.below(FACILITIES.len() as u64) as usize];
        let channel = rng.weighted(CHANNELS);
        let topic = rng.weighted(TOPICS);
        let received = start
            + chrono::Duration::days(rng.below(span_days) as i64)
            + chrono::Duration::seconds(rng.below(13 * 3600) as i64);
        let ack = match channel {
            "mail" | "formulaire" | "courrier" => {
                let late = rng.below(100) < 4;
                let secs = if late {
                    86_400 + rng.below(86_400)
                } else {
                    rng.below(600)
                };
                rfc3339(received + chrono::Duration::seconds(secs as i64))
            }
            _ => String::new(),
        };
        // Most answered within a few days, a tail of late ones; the last weeks partly open.
        let open = received > start + chrono::Duration::days(span_days as i64 - 20)
            && rng.below(3) == 0
            || rng.below(1000) < 5;
        let answered = if open {
            String::new()
        } else {
            let days = match rng.below(100) {
                0..=59 => rng.below(3),
                60..=89 => 3 + rng.below(5),
                _ => 8 + rng.below(20),
            };
            rfc3339(received + chrono::Duration::days(days as i64) + chrono::Duration::hours(1))
        };
        let _ = writeln!(
            out,
            "hist-{i},{channel},{kind},{facility},{topic},{},{ack},{answered}",
            rfc3339(received)
        );
    }
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn measure(name: &str, url: &str, rows: &[ImportRow]) {
    let store = Store::open(url).await.expect("open store");
    let t = Instant::now();
    let summary = store.import(rows).await.expect("import");
    let import = t.elapsed();
    assert_eq!(
        summary.imported as usize,
        rows.len(),
        "fresh database expected"
    );
    let query = ReportQuery {
        from: None,
        to: None,
        by: vec![GroupBy::Facility, GroupBy::Month],
        today: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
    };
    let mut baseline = Vec::new();
    let mut report = Vec::new();
    let mut groups = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let n = store.count_facts().await.expect("count");
        baseline.push(t.elapsed());
        assert_eq!(n as usize, rows.len());
        let t = Instant::now();
        groups = store.report(&query).await.expect("report").len();
        report.push(t.elapsed());
    }
    let (b, r) = (median(baseline), median(report));
    let size = store.database_size().await.expect("size");
    println!("{name}:");
    println!(
        "  import {} rows: {:.1} s ({:.0} rows/s)",
        rows.len(),
        import.as_secs_f64(),
        rows.len() as f64 / import.as_secs_f64()
    );
    println!("  baseline SELECT COUNT(*) (median of {RUNS}): {}", ms(b));
    println!(
        "  report --by facility,month (median of {RUNS}): {}  ({groups} groups, {:.1}x baseline)",
        ms(r),
        r.as_secs_f64() / b.as_secs_f64().max(1e-9)
    );
    println!(
        "  database size: {:.1} MiB",
        size as f64 / (1024.0 * 1024.0)
    );
    store.close().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("GUICHET_BENCH_ROWS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let csv = synthetic_csv(n);
    let generated = t.elapsed();
    let t = Instant::now();
    let rows = parse_import_csv(&csv).expect("synthetic CSV is valid");
    println!(
        "{n} synthetic inquiries: generated in {:.1} s, parsed and validated in {:.1} s ({:.0} MiB CSV)",
        generated.as_secs_f64(),
        t.elapsed().as_secs_f64(),
        csv.len() as f64 / (1024.0 * 1024.0)
    );
    drop(csv);

    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    measure("SQLite", &url, &rows).await;

    if std::env::var("GUICHET_BENCH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        return;
    }
    let admin = std::env::var("GUICHET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let name = format!("guichet_bench_{}", std::process::id());
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL unreachable at {admin}: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create bench database");
    let root = admin.rsplit_once('/').map_or(admin.as_str(), |(r, _)| r);
    measure("PostgreSQL", &format!("{root}/{name}"), &rows).await;
    conn.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .expect("drop bench database");
}
