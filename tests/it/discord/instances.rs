//! Two `guichet discord` on one PostgreSQL ledger and one bot token, as an operator runs them for
//! a rolling restart or high availability: one holds the gateway (a named lock), the other waits
//! and says so; each message is taken in once (one inquiry, one acknowledgement, one card) —
//! also after the holder is SIGKILLed and the other takes over.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::fake::{user, GUILD};
use super::process::{assert_each_once_in, kill, Operator};
use super::*;
use crate::ledger::support::{Backend, TestDb};

fn start(op: &Operator, db: &TestDb, dir: &Path, log: &Path) -> Child {
    let log = std::fs::File::create(log).expect("log");
    op.command(&["discord"])
        .env("GUICHET_DATA_DIR", dir)
        .env("GUICHET_DATABASE_URL", &db.url)
        .env("GUICHET_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start guichet discord")
}

fn read(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// Whether a log says this instance took the gateway lock.
fn holds(log: &Path) -> bool {
    read(log)
        .lines()
        .any(|l| l.contains("lock taken") && l.contains("discord-gateway"))
}

async fn eventually(what: &str, within: Duration, cond: impl Fn() -> bool) {
    let t = Instant::now();
    while !cond() {
        assert!(t.elapsed() < within, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn burst(op: &Operator, n: usize, tag: &str) -> Vec<(u64, u64)> {
    (0..n)
        .map(|i| {
            let channel = if i % 2 == 0 { PUBLIC } else { PUBLIC2 };
            let text = format!("Bonjour, la piscine est-elle ouverte dimanche ? ({tag} {i})");
            let m = op.fake.write(
                channel,
                user(CITIZEN + i as u64, "Camille", false),
                &text,
                Some(GUILD),
            );
            (channel, m)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bots_on_one_postgres_hold_one_gateway_and_the_other_takes_over_after_a_sigkill() {
    let op = Operator::new().await;
    let db = TestDb::new(Backend::Postgres).await;
    let dirs = [
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    ];
    let logs: Vec<PathBuf> = dirs.iter().map(|d| d.path().join("discord.log")).collect();
    let all_logs = || {
        logs.iter()
            .enumerate()
            .map(|(i, l)| format!("--- instance {i} ---\n{}", read(l)))
            .collect::<String>()
    };
    let mut children = [
        Some(start(&op, &db, dirs[0].path(), &logs[0])),
        Some(start(&op, &db, dirs[1].path(), &logs[1])),
    ];
    op.fake.wait_connected().await;
    let holder = (0..2)
        .find(|i| holds(&logs[*i]))
        .expect("the connected one holds the lock");
    let other = 1 - holder;
    eventually(
        "the other instance says it waits",
        Duration::from_secs(30),
        || read(&logs[other]).contains("waiting to take over"),
    )
    .await;
    // Long enough for a second instance to have connected, had it not waited (it asks every 2 s).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        op.fake.identifies(),
        1,
        "one gateway session:\n{}",
        all_logs()
    );
    assert!(!holds(&logs[other]), "{}", all_logs());

    let mut written = burst(&op, 4, "avant");
    assert_each_once_in(&op, &db.store, &written, Duration::from_secs(60), &all_logs).await;

    // The holder dies; what is written while nobody listens, and after, is taken in once.
    let killed = Instant::now();
    kill(children[holder].take().expect("holder"));
    written.extend(burst(&op, 2, "pendant"));
    eventually(
        "the other instance takes over",
        Duration::from_secs(30),
        || holds(&logs[other]) && op.fake.identifies() == 2 && op.fake.connected(),
    )
    .await;
    let took_over = killed.elapsed();
    written.extend(burst(&op, 4, "après"));
    // Jobs the killed instance had claimed come back after their 30 s lease.
    assert_each_once_in(
        &op,
        &db.store,
        &written,
        Duration::from_secs(120),
        &all_logs,
    )
    .await;
    eprintln!(
        "discord takeover: {:.1} s from SIGKILL to the new session; {} messages taken in once",
        took_over.as_secs_f64(),
        written.len()
    );
    assert_eq!(op.fake.identifies(), 2, "{}", all_logs());
    kill(children[other].take().expect("survivor"));
}
