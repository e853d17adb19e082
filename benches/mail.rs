//! Mail intake throughput and latency against a real Dovecot on loopback (sdbox storage, so that
//! filling 10,000 mails takes seconds), every figure measured in the same run: the raw IMAP
//! fetch ceiling, parsing only, parsing + classifying + drafting (one core), the per-mail path
//! of earlier versions as a baseline, then guichet's batched backfill (fetch, parse, classify,
//! draft + store) on SQLite and on PostgreSQL, in messages per second, as ratios, and with the
//! process's peak RSS during each backfill; then IDLE latency (APPEND → inquiry stored) p50/p99.
//!
//! Run: `cargo bench --bench mail` (`GUICHET_BENCH_MAILS=N` to scale down;
//! `GUICHET_BENCH_SKIP_POSTGRES=1` without a server; PostgreSQL at `GUICHET_TEST_POSTGRES_URL`,
//! default `postgres://postgres@127.0.0.1:5432/postgres`; needs dovecot-imapd and
//! python3-aiosmtpd, and root or a `vmail` user, like the mail tests).

#[allow(dead_code)]
#[path = "../tests/it/mail/support.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use futures::TryStreamExt;
use guichet::draft::ReplyInput;
use guichet::inquiry::{Channel, Route};
use guichet::mail::imap::{intake::uid_set, run_idle};
use guichet::pipeline::{Incoming, Knowledge};
use sqlx::{Connection, Executor, PgConnection};
use support::{append, Guichet, MailServers, SHARED};

fn corpus(n: usize) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/mail")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let raws: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    (0..n)
        .map(|i| {
            let mut raw = format!("X-Bench-Seq: {i}\r\n").into_bytes();
            raw.extend_from_slice(&raws[i % raws.len()]);
            raw
        })
        .collect()
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// Resets the kernel's peak-RSS mark of this process (`VmHWM`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak RSS since the last reset, in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A fresh PostgreSQL database: (admin URL, name, URL).
async fn postgres_database() -> Option<(String, String, String)> {
    if std::env::var("GUICHET_BENCH_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        return None;
    }
    let admin = std::env::var("GUICHET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let name = format!("guichet_bench_mail_{}", std::process::id());
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL unreachable at {admin}: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create bench database");
    let root = admin.rsplit_once('/').map_or(admin.as_str(), |(r, _)| r);
    let url = format!("{root}/{name}");
    Some((admin, name, url))
}

/// One full backfill of INBOX into a fresh ledger at `url`: rate, seconds, peak RSS in MB.
async fn backfill(servers: &MailServers, url: Option<&str>, n: usize) -> (f64, f64, f64) {
    let mut g = Guichet::new(servers);
    g.config.mail.batch_size = 500;
    if let Some(url) = url {
        g.config.database_url = Some(url.to_string());
    }
    let channel = g.channel().await;
    let mut session = servers.session(SHARED).await;
    reset_peak_rss();
    let start = Instant::now();
    let report = channel.intake.sync(&mut session).await.expect("backfill");
    let took = start.elapsed();
    let peak = peak_rss_mb();
    assert_eq!(report.created, n, "{report:?}");
    let store = &channel.intake.pipeline.store;
    let stored = store.count_sources("imap:").await.expect("count");
    assert_eq!(stored, n as i64, "every mail stored once");
    store.close().await;
    (rate(n, took), took.as_secs_f64(), peak)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("GUICHET_BENCH_MAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let idle_n = n.min(200);
    let servers = MailServers::start_with("sdbox:~/sdbox");
    let mails = corpus(n);

    let mut s = servers.session(SHARED).await;
    let start = Instant::now();
    for raw in &mails {
        append(&mut s, "INBOX", raw, None).await;
    }
    let fill = start.elapsed();
    println!(
        "fill (APPEND, sdbox)           {:>9.0} msg/s  ({n} mails in {:.2} s)",
        rate(n, fill),
        fill.as_secs_f64()
    );

    // Raw ceiling: UID FETCH BODY.PEEK[] in batches of 500, nothing else (best of 2, warm).
    let mut ceiling = Duration::MAX;
    for _ in 0..2 {
        let mut s = servers.session(SHARED).await;
        s.select("INBOX").await.expect("select");
        let uids: Vec<u32> = (1..=n as u32).collect();
        let start = Instant::now();
        let mut bytes = 0usize;
        for chunk in uids.chunks(500) {
            let fetched: Vec<_> = s
                .uid_fetch(uid_set(chunk), "(UID INTERNALDATE BODY.PEEK[])")
                .await
                .expect("fetch")
                .try_collect()
                .await
                .expect("stream");
            bytes += fetched
                .iter()
                .map(|f| f.body().map_or(0, <[u8]>::len))
                .sum::<usize>();
        }
        ceiling = ceiling.min(start.elapsed());
        assert!(bytes > 0);
    }
    println!(
        "raw IMAP fetch (ceiling)       {:>9.0} msg/s  ({:.2} s)",
        rate(n, ceiling),
        ceiling.as_secs_f64()
    );

    // The same mails in memory, for the CPU-only stages (one core, as a baseline per core).
    let raws: Vec<Vec<u8>> = {
        let mut s = servers.session(SHARED).await;
        s.select("INBOX").await.expect("select");
        let fetched: Vec<_> = s
            .uid_fetch("1:*", "(UID BODY.PEEK[])")
            .await
            .expect("fetch")
            .try_collect()
            .await
            .expect("stream");
        fetched
            .iter()
            .map(|f| f.body().unwrap_or_default().to_vec())
            .collect()
    };
    let limits = guichet::mail::Limits::default();
    let start = Instant::now();
    let messages: Vec<_> = raws
        .iter()
        .map(|r| guichet::mail::parse(r, &limits).expect("parse"))
        .collect();
    let parse = start.elapsed();
    println!(
        "parse only (1 core)            {:>9.0} msg/s",
        rate(n, parse)
    );
    let g = Guichet::new(&servers);
    let k = Knowledge::load(&g.config).expect("knowledge");
    let today = guichet::calendar::paris_date(Utc::now());
    let start = Instant::now();
    for raw in &raws {
        let m = guichet::mail::parse(raw, &limits).expect("parse");
        let c = k.faq.classify(&m);
        if !c.automatic {
            let draft = k
                .drafter
                .reply(
                    &k.faq,
                    &ReplyInput {
                        message: &m,
                        classification: &c,
                        channel: Channel::Mail,
                        reference: Some("VSGP-2026-000001"),
                        engagement_days: k.engagements.answer_days(Channel::Mail, c.kind, c.topic),
                        today,
                    },
                )
                .expect("draft");
            assert!(!draft.text.is_empty());
        }
    }
    let cpu = start.elapsed();
    println!(
        "parse + classify + draft (1 core) {:>6.0} msg/s",
        rate(n, cpu)
    );

    // Before: the per-mail path of earlier versions (about 21 statements and commits a mail),
    // on part of the corpus.
    let base_n = n.min(1_000);
    let baseline = {
        let db = tempfile::tempdir().expect("db dir");
        let store = guichet::store::Store::open(&format!(
            "sqlite://{}",
            db.path().join("baseline.db").display()
        ))
        .await
        .expect("store");
        let pipeline =
            guichet::pipeline::Pipeline::new(store, Knowledge::load(&g.config).expect("knowledge"));
        let start = Instant::now();
        for (i, m) in messages.iter().take(base_n).enumerate() {
            let incoming = Incoming {
                channel: Channel::Mail,
                source_key: format!("imap:INBOX:1:{}", i + 1),
                received_at: Utc::now(),
                route: Route::mail(m),
                message: m.clone(),
                history: false,
            };
            pipeline
                .ingest_mail(&incoming, Utc::now())
                .await
                .expect("ingest");
        }
        let r = rate(base_n, start.elapsed());
        pipeline.store.close().await;
        r
    };
    println!(
        "per-mail path, before (SQLite) {:>9.0} msg/s  (store only, {base_n} parsed mails)",
        baseline
    );

    let (sqlite, took, peak) = backfill(&servers, None, n).await;
    println!(
        "guichet backfill (SQLite)      {:>9.0} msg/s  ({took:.2} s; {:.1} % of the ceiling, \
         {:.1}x the per-mail path; peak RSS {peak:.0} MB)",
        sqlite,
        100.0 * sqlite / rate(n, ceiling),
        sqlite / baseline
    );
    if let Some((admin, name, url)) = postgres_database().await {
        let (pg, took, peak) = backfill(&servers, Some(&url), n).await;
        println!(
            "guichet backfill (PostgreSQL)  {:>9.0} msg/s  ({took:.2} s; {:.1} % of the ceiling, \
             {:.2}x SQLite; peak RSS {peak:.0} MB)",
            pg,
            100.0 * pg / rate(n, ceiling),
            pg / sqlite
        );
        let mut conn = PgConnection::connect(&admin).await.expect("admin");
        conn.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .expect("drop bench database");
    }

    // IDLE latency on a backfilled SQLite ledger.
    let mut g = Guichet::new(&servers);
    g.config.mail.batch_size = 500;
    let channel = g.channel().await;
    let mut session = servers.session(SHARED).await;
    channel.intake.sync(&mut session).await.expect("backfill");
    drop(session);

    // IDLE latency: one mail at a time, APPEND → inquiry stored (the cursor moves past its UID).
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let intake = channel.intake.clone();
    let idler =
        tokio::spawn(async move { run_idle(&intake, Duration::from_secs(25 * 60), stop_rx).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let store = channel.intake.pipeline.store.clone();
    let extra = corpus(n + idle_n);
    let mut latencies = Vec::with_capacity(idle_n);
    for (i, raw) in extra[n..].iter().enumerate() {
        let target = (n + i + 1) as u32;
        let start = Instant::now();
        append(&mut s, "INBOX", raw, None).await;
        loop {
            let c = store.mail_cursor("INBOX").await.expect("cursor");
            if c.is_some_and(|c| c.last_uid >= target) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "mail {target} not taken in"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        latencies.push(start.elapsed());
    }
    let _ = stop_tx.send(true);
    let _ = idler.await;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "IDLE latency over {idle_n} mails     p50 {:>4} ms  p99 {:>4} ms  max {:>4} ms",
        pct(0.5).as_millis(),
        pct(0.99).as_millis(),
        latencies.last().map_or(0, |d| d.as_millis())
    );
}
