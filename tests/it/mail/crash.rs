//! The crash harness: `guichet serve` (the real binary, configured by environment as an operator
//! would) SIGKILLed at random moments while it takes mail in, and while it sends approved
//! replies — some kills land right after the SMTP receiver stored a message, i.e. around the
//! `250` — against the real Dovecot and SMTP receiver. Then it runs undisturbed, and the
//! citizen's mailbox must hold every acknowledgement and every reply exactly once, nothing for
//! automatic mail, and the ledger every mail exactly once.
//!
//! The bounded test runs in the suite; `scripts/crash` runs the long one (`#[ignore]`d here),
//! sized by `GUICHET_CRASH_MAILS`, `GUICHET_CRASH_INTAKE_KILLS`, `GUICHET_CRASH_REPLIES`,
//! `GUICHET_CRASH_SEND_KILLS`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use guichet::inquiry::Status;
use guichet::pipeline::{Knowledge, Pipeline};
use guichet::store::Store;

use super::support::{append, Guichet, MailServers, CITIZEN, PASSWORD, SHARED};

/// How big a run is.
#[derive(Debug, Clone, Copy)]
struct Plan {
    mails: usize,
    intake_kills: usize,
    replies: usize,
    send_kills: usize,
}

impl Plan {
    fn from_env(default: Plan) -> Plan {
        let n = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        Plan {
            mails: n("GUICHET_CRASH_MAILS", default.mails),
            intake_kills: n("GUICHET_CRASH_INTAKE_KILLS", default.intake_kills),
            replies: n("GUICHET_CRASH_REPLIES", default.replies),
            send_kills: n("GUICHET_CRASH_SEND_KILLS", default.send_kills),
        }
    }
}

/// Every seventh mail is an out-of-office reply: never acknowledged.
pub(super) fn automatic(i: usize) -> bool {
    i % 7 == 3
}

pub(super) fn citizen_mail(i: usize) -> Vec<u8> {
    let (subject, extra) = if automatic(i) {
        (
            "Réponse automatique : absent",
            "Auto-Submitted: auto-replied\r\n",
        )
    } else {
        ("Horaires de la piscine", "")
    };
    format!(
        "From: Personne {i} <personne{i}@example.net>\r\nTo: {SHARED}\r\nSubject: {subject} {i}\r\n\
         Message-ID: <crash{i}.{}@example.net>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n{extra}\r\n\
         Bonjour, quels sont les horaires de la piscine de Clamart ? ({i})\r\n",
        std::process::id()
    )
    .into_bytes()
}

/// A random number below `n` (no need for more than the clock's noise here).
fn rand_below(n: u64) -> u64 {
    let bytes = guichet::secret::random_bytes(8).expect("random");
    u64::from_le_bytes(bytes.try_into().expect("8 bytes")) % n.max(1)
}

pub(super) fn serve(servers: &MailServers, data: &Path, log: &Path) -> Child {
    serve_on(servers, data, log, None)
}

/// `guichet serve` on a given database (default: SQLite in `data`).
pub(super) fn serve_on(
    servers: &MailServers,
    data: &Path,
    log: &Path,
    database: Option<&str>,
) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.env_clear();
    if let Some(url) = database {
        cmd.env("GUICHET_DATABASE_URL", url);
    }
    cmd.arg("serve")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GUICHET_DATA_DIR", data)
        .env("GUICHET_FROM", SHARED)
        .env(
            "GUICHET_IMAP_URL",
            format!(
                "imap://accueil%40example.test@127.0.0.1:{}/INBOX",
                servers.imap_port
            ),
        )
        .env("GUICHET_IMAP_PASSWORD", PASSWORD)
        .env(
            "GUICHET_SMTP_URL",
            format!("smtp://127.0.0.1:{}", servers.smtp_port),
        )
        .env("GUICHET_LOG", "info")
        .args(["--log-format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start guichet serve")
}

pub(super) fn kill(mut child: Child) {
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

/// What the citizen's maildir holds: In-Reply-To → (acknowledgements, replies).
pub(super) fn received(maildir: &Path) -> (usize, HashMap<String, (usize, usize)>) {
    let mut total = 0;
    let mut by_parent: HashMap<String, (usize, usize)> = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read(entry.path()).unwrap_or_default();
            let text = String::from_utf8_lossy(&raw);
            let head = text.split("\r\n\r\n").next().unwrap_or_default();
            let header = |name: &str| {
                head.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                    .map(|l| l[name.len() + 1..].trim().to_string())
            };
            total += 1;
            let parent = header("in-reply-to").unwrap_or_default();
            let id = header("message-id").unwrap_or_default();
            let e = by_parent.entry(parent).or_default();
            if id.contains(".ack@") {
                e.0 += 1;
            } else if id.contains(".reply") {
                e.1 += 1;
            }
        }
    }
    (total, by_parent)
}

/// Message-IDs in the citizen's maildir.
fn message_ids(maildir: &Path) -> HashSet<String> {
    message_counts(maildir).into_keys().collect()
}

/// (Message-ID, In-Reply-To) of every message in the citizen's maildir.
fn message_parents(maildir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default())
                .to_string();
            let header = |name: &str| {
                text.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with(name))
                    .map(|l| l[name.len()..].trim().to_string())
                    .unwrap_or_default()
            };
            out.push((header("message-id:"), header("in-reply-to:")));
        }
    }
    out
}

/// How many times each Message-ID is in the citizen's maildir.
fn message_counts(maildir: &Path) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read(entry.path()).unwrap_or_default();
            let text = String::from_utf8_lossy(&raw);
            let head = text.split("\r\n\r\n").next().unwrap_or_default();
            if let Some(l) = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            {
                *ids.entry(l[11..].trim().to_string()).or_insert(0) += 1;
            }
        }
    }
    ids
}

/// After a kill: the jobs that were in flight although the receiver already has them — the kill
/// landed in the window between the server's acceptance and our commit. Those, and only those,
/// will be sent again (no Sent copy exists yet to tell).
async fn in_window(db: &sqlx::AnyPool, maildir: &Path) -> Vec<String> {
    // A message whose data had left when we died may still be stored by the receiver a moment
    // later (it never sent us its 250).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let in_flight: Vec<String> = sqlx::query_scalar(
        "SELECT message_id FROM outbox WHERE status = 'pending' AND attempts > 0",
    )
    .fetch_all(db)
    .await
    .expect("in flight");
    let got = message_ids(maildir);
    in_flight.into_iter().filter(|m| got.contains(m)).collect()
}

fn count_files(maildir: &Path) -> usize {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Runs `serve` until `done` holds (or `limit`), then SIGTERM.
async fn settle(
    servers: &MailServers,
    data: &Path,
    log: &Path,
    limit: Duration,
    mut done: impl FnMut() -> bool,
) -> Duration {
    let start = Instant::now();
    let child = serve(servers, data, log);
    while !done() && start.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = start.elapsed();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut child = child;
    let _ = child.wait();
    took
}

/// The remaining window (the server's acceptance → our commit) as logged by serve, in µs.
fn windows(log: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut w: Vec<u64> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["fields"]["window_us"].as_u64())
        .collect();
    w.sort_unstable();
    w
}

async fn crash_run(plan: Plan) {
    let servers = MailServers::start();
    let data = tempfile::tempdir().expect("data dir");
    let log = data.path().join("serve.log");
    let maildir: PathBuf = servers
        .dir
        .path()
        .join("mail")
        .join(CITIZEN)
        .join("Maildir");
    let humans: Vec<usize> = (0..plan.mails).filter(|i| !automatic(*i)).collect();

    // 1. Intake: mail keeps arriving while serve is killed at random moments.
    let t_intake = Instant::now();
    let imap = servers.settings(SHARED);
    let appender = tokio::spawn(async move {
        let mut s = guichet::mail::imap::connect(&imap).await.expect("login");
        for i in 0..plan.mails {
            append(&mut s, "INBOX", &citizen_mail(i), None).await;
            if i % 10 == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });
    let url = format!("sqlite://{}", data.path().join("guichet.db").display());
    let mut hits: HashSet<String> = HashSet::new();
    // The ledger exists (migrated) before the first serve, so the harness can look into it
    // after every kill.
    let store = Store::open(&url).await.expect("store");
    let raw: Option<sqlx::AnyPool> = Some(sqlx::AnyPool::connect(&url).await.expect("raw pool"));
    for _ in 0..plan.intake_kills {
        let child = serve(&servers, data.path(), &log);
        tokio::time::sleep(Duration::from_millis(150 + rand_below(900))).await;
        kill(child);
        if let Some(db) = &raw {
            hits.extend(in_window(db, &maildir).await);
        }
    }
    let intake_hits = hits.len();
    appender.await.expect("appender");
    let acks_done = || {
        let (_, r) = received(&maildir);
        humans.iter().all(|i| {
            r.iter()
                .any(|(p, n)| p.contains(&format!("crash{i}.")) && n.0 > 0)
        })
    };
    let settle_intake = settle(
        &servers,
        data.path(),
        &log,
        Duration::from_secs(300),
        acks_done,
    )
    .await;
    let intake_time = t_intake.elapsed();

    let config = Guichet::new(&servers).config;
    let stored: i64 = store.count_facts().await.expect("count");
    assert_eq!(
        stored as usize, plan.mails,
        "every mail stored exactly once"
    );

    // 2. Sending: approve replies, then kill serve while it sends them, half of the kills as
    //    soon as the receiver has stored a message (around the 250), half at random.
    let pipeline = Pipeline::new(store.clone(), Knowledge::load(&config).expect("knowledge"));
    let drafted = store
        .with_status(Status::Drafted, 10_000)
        .await
        .expect("drafted");
    assert!(drafted.len() >= plan.replies, "{} drafted", drafted.len());
    for id in drafted.iter().take(plan.replies) {
        pipeline
            .approve(
                *id,
                &"agent:crash".into(),
                Some("Bonjour,\n\nLa piscine ouvre à 9 h.\n\nCordialement"),
                Utc::now(),
            )
            .await
            .expect("approve");
    }
    let t_send = Instant::now();
    let mut after_250 = 0;
    for k in 0..plan.send_kills {
        let before = count_files(&maildir);
        let child = serve(&servers, data.path(), &log);
        if k % 2 == 0 {
            let start = Instant::now();
            while count_files(&maildir) == before && start.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_micros(500));
            }
            std::thread::sleep(Duration::from_micros(rand_below(10_000)));
            after_250 += 1;
        } else {
            tokio::time::sleep(Duration::from_millis(100 + rand_below(900))).await;
        }
        kill(child);
        if let Some(db) = &raw {
            let caught: Vec<String> = in_window(db, &maildir)
                .await
                .into_iter()
                .filter(|m| !hits.contains(m))
                .collect();
            if !caught.is_empty() {
                eprintln!("kill {k} landed in the window of {caught:?}");
            }
            hits.extend(caught);
        }
    }
    let replies_done = || {
        message_counts(&maildir)
            .keys()
            .filter(|id| id.contains(".reply"))
            .count()
            >= plan.replies
    };
    let settle_send = settle(
        &servers,
        data.path(),
        &log,
        Duration::from_secs(300),
        replies_done,
    )
    .await;
    let send_time = t_send.elapsed();

    // 3. Exactly once, nothing for automatic mail, nothing lost.
    let (total, by_parent) = received(&maildir);
    let mut twice = Vec::new();
    let mut twice_outside_window = Vec::new();
    for i in 0..plan.mails {
        let parent = format!("<crash{i}.{}@example.net>", std::process::id());
        let (acks, replies) = by_parent.get(&parent).copied().unwrap_or_default();
        if automatic(i) {
            assert_eq!((acks, replies), (0, 0), "mail {i} is automatic");
        } else {
            assert!(acks >= 1, "mail {i}: acknowledgement lost");
            if acks > 1 || replies > 1 {
                twice.push((i, acks, replies));
            }
        }
    }
    // Which message came twice, and did a kill land in its window?
    for (id, n) in message_counts(&maildir) {
        if n > 1 && !hits.contains(&id) {
            if let Some(db) = &raw {
                let row: Option<(i64, String, i64, Option<String>)> = sqlx::query_as(
                    "SELECT id, status, attempts, last_error FROM outbox WHERE message_id = $1",
                )
                .bind(&id)
                .fetch_optional(db)
                .await
                .expect("row");
                eprintln!("twice outside any observed window: {id} {row:?}");
                if let Some((job, ..)) = row {
                    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
                    for l in log_text
                        .lines()
                        .filter(|l| l.contains(&format!("\"job\":{job},")))
                    {
                        eprintln!("  {l}");
                    }
                }
            }
            twice_outside_window.push(id);
        }
    }
    if !twice.is_empty() {
        let _ = Command::new("cp")
            .args(["-a"])
            .arg(&maildir)
            .arg("/tmp/guichet-crash-maildir")
            .status();
        for (id, parent) in message_parents(&maildir) {
            if twice
                .iter()
                .any(|t| parent.contains(&format!("<crash{}.", t.0)))
            {
                eprintln!("  of a message sent twice: {id} in reply to {parent}");
            }
        }
    }
    let replies: usize = by_parent.values().map(|n| n.1).sum();
    let w = windows(&log);
    let pct = |p: usize| {
        w.get(w.len().saturating_sub(1) * p / 100)
            .copied()
            .unwrap_or(0)
    };
    eprintln!(
        "crash harness: {} mails ({} human), {} kills during intake, {:.1} s (settled in {:.1} s); \
         {} replies, {} kills during sending ({} right after a message was stored), {:.1} s \
         (settled in {:.1} s); kills inside the 250→commit window: {intake_hits} during intake, \
         {} during sending; received {total} messages, sent twice: {twice:?}; \
         window 250→commit over {} sends: p50 {} µs, p99 {} µs, max {} µs",
        plan.mails,
        humans.len(),
        plan.intake_kills,
        intake_time.as_secs_f64(),
        settle_intake.as_secs_f64(),
        plan.replies,
        plan.send_kills,
        after_250,
        send_time.as_secs_f64(),
        settle_send.as_secs_f64(),
        hits.len() - intake_hits,
        w.len(),
        pct(50),
        pct(99),
        w.last().copied().unwrap_or(0),
    );
    assert!(
        twice_outside_window.is_empty(),
        "sent twice although no kill landed in its window: {twice_outside_window:?} (all: {twice:?})"
    );
    assert!(twice.len() <= hits.len(), "{twice:?} vs {hits:?}");
    let replies_twice = twice.iter().filter(|t| t.2 > 1).count();
    assert_eq!(replies, plan.replies + replies_twice, "every reply arrived");
    assert_eq!(
        total,
        humans.len() + plan.replies + twice.len(),
        "nothing else received"
    );
    store.close().await;
    if let Some(db) = raw {
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_killed_during_intake_and_sending_delivers_every_message_exactly_once() {
    crash_run(Plan {
        mails: 60,
        intake_kills: 8,
        replies: 10,
        send_kills: 6,
    })
    .await;
}

/// The long run (`scripts/crash`): 300 mails and 50 kills during intake, 50 replies and 20 kills
/// during sending by default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run by scripts/crash"]
async fn long_crash_run() {
    crash_run(Plan::from_env(Plan {
        mails: 300,
        intake_kills: 50,
        replies: 50,
        send_kills: 20,
    }))
    .await;
}
