//! Two `guichet serve` on one PostgreSQL ledger and one mailbox, as an operator runs them for a
//! rolling restart or high availability: one takes mail in while the other waits (a named lock
//! per mailbox), both send; each mail is stored once and acknowledged once — also when the one
//! taking mail in is SIGKILLed halfway and the other takes over.

use std::time::{Duration, Instant};

use super::crash::{automatic, citizen_mail, kill, received, serve_on};
use super::support::{append, MailServers, CITIZEN, SHARED};
use crate::ledger::support::{Backend, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_take_each_mail_once_and_acknowledge_it_once() {
    const MAILS: usize = 300;
    let servers = MailServers::start();
    let db = TestDb::new(Backend::Postgres).await;
    let dirs = [
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    ];
    let log = |i: usize| dirs[i].path().join("serve.log");
    let maildir = servers
        .dir
        .path()
        .join("mail")
        .join(CITIZEN)
        .join("Maildir");
    let a = serve_on(&servers, dirs[0].path(), &log(0), Some(&db.url));
    let b = serve_on(&servers, dirs[1].path(), &log(1), Some(&db.url));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let started = Instant::now();
    let mut s = guichet::mail::imap::connect(&servers.settings(SHARED))
        .await
        .expect("login");
    let mut children = [Some(a), Some(b)];
    let took_lock = |i: usize| {
        std::fs::read_to_string(log(i))
            .unwrap_or_default()
            .matches("lock taken")
            .count()
    };
    let mut holder = None;
    for i in 0..MAILS {
        append(&mut s, "INBOX", &citizen_mail(i), None).await;
        if i == MAILS / 2 {
            // The instance holding the intake is killed; the other one takes over.
            // On a loaded machine the instances may still be starting: wait for the holder.
            let mut waited = 0;
            let h = loop {
                if let Some(h) = (0..2).find(|h| took_lock(*h) > 0) {
                    break h;
                }
                assert!(waited < 600, "no instance took the intake lock within 60 s");
                waited += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            };
            assert_eq!(took_lock(1 - h), 0, "only one instance takes mail in");
            kill(children[h].take().expect("holder"));
            holder = Some(h);
        }
    }
    let holder = holder.expect("killed");
    let survivor = 1 - holder;
    let humans = (0..MAILS).filter(|i| !automatic(*i)).count();
    while received(&maildir).0 < humans && started.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let took = started.elapsed();
    // A little longer, so that a second copy would have time to arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    kill(children[survivor].take().expect("survivor"));
    let stored = db.store.count_facts().await.expect("count");
    let (total, by_parent) = received(&maildir);
    let twice: Vec<_> = by_parent.iter().filter(|(_, n)| n.0 > 1).collect();
    eprintln!(
        "two instances: {MAILS} mails stored {stored}, {total} acknowledgements for {humans} human mails in {:.1} s, twice: {}",
        took.as_secs_f64(),
        twice.len()
    );
    assert_eq!(stored as usize, MAILS, "each mail stored once");
    assert!(twice.is_empty(), "acknowledged twice: {twice:?}");
    assert_eq!(
        total, humans,
        "each human mail acknowledged once, automatic ones never"
    );
    let waited = std::fs::read_to_string(log(survivor)).unwrap_or_default();
    assert!(
        waited.contains("waiting to take over") && took_lock(survivor) == 1,
        "the other instance waited, then took the intake over:\n{}",
        waited
            .lines()
            .filter(|l| l.contains("lock"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
