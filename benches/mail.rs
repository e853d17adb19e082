//! Mail intake throughput and latency against a real Dovecot on loopback (sdbox storage, so that
//! filling 10,000 mails takes seconds): guichet's backfill (fetch + parse + classify + draft +
//! store, SQLite) in messages per second next to the raw IMAP fetch ceiling measured in the same
//! run, then IDLE latency (APPEND → inquiry stored) p50/p99.
//!
//! Run: `cargo bench --bench mail` (`GUICHET_BENCH_MAILS=N` to scale down; needs dovecot-imapd and
//! python3-aiosmtpd, and root or a `vmail` user, like the mail tests).

#[allow(dead_code)]
#[path = "../tests/it/mail/support.rs"]
mod support;

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use guichet::mail::imap::{intake::uid_set, run_idle};
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

    let mut g = Guichet::new(&servers);
    g.config.mail.batch_size = 500;
    let channel = g.channel().await;
    let mut session = servers.session(SHARED).await;
    let start = Instant::now();
    let report = channel.intake.sync(&mut session).await.expect("backfill");
    let backfill = start.elapsed();
    assert_eq!(report.created, n, "{report:?}");
    println!(
        "guichet backfill (SQLite)      {:>9.0} msg/s  ({:.2} s; {:.1} % of the ceiling)",
        rate(n, backfill),
        backfill.as_secs_f64(),
        100.0 * ceiling.as_secs_f64() / backfill.as_secs_f64()
    );
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
