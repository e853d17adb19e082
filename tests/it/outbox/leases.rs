//! Named leases on both backends: one holder at a time, renewed by its holder, taken over once
//! it has run out or been released.

use chrono::Duration;

use crate::ledger::support::{on_both_backends, paris, TestDb};

async fn one_holder_at_a_time_and_a_takeover_after_expiry(db: &TestDb) {
    let s = &db.store;
    let at = paris(2026, 3, 6, 10, 0);
    let ttl = Duration::seconds(30);
    assert!(s.hold_lease("imap:INBOX", "a", at, ttl).await.expect("a"));
    assert!(!s.hold_lease("imap:INBOX", "b", at, ttl).await.expect("b"));
    // Another name is free.
    assert!(s.hold_lease("discord", "b", at, ttl).await.expect("b"));
    // The holder renews; the other still waits.
    let later = at + Duration::seconds(20);
    assert!(s
        .hold_lease("imap:INBOX", "a", later, ttl)
        .await
        .expect("a"));
    assert!(!s
        .hold_lease("imap:INBOX", "b", at + Duration::seconds(40), ttl)
        .await
        .expect("b"));
    assert_eq!(
        s.lease_holder("imap:INBOX", later)
            .await
            .expect("holder")
            .as_deref(),
        Some("a")
    );
    // Not renewed: taken over.
    let expired = later + ttl + Duration::seconds(1);
    assert!(s
        .hold_lease("imap:INBOX", "b", expired, ttl)
        .await
        .expect("b"));
    assert!(!s
        .hold_lease("imap:INBOX", "a", expired, ttl)
        .await
        .expect("a"));
    // Released: free at once.
    s.release_lease("imap:INBOX", "b").await.expect("release");
    assert!(s
        .hold_lease("imap:INBOX", "a", expired, ttl)
        .await
        .expect("a"));
}

async fn racing_instances_get_the_lease_once(db: &TestDb) {
    let at = paris(2026, 3, 6, 10, 0);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..10 {
        let store = db.store.clone();
        tasks.spawn(async move {
            store
                .hold_lease("race", &format!("i{n}"), at, Duration::seconds(30))
                .await
                .expect("hold")
        });
    }
    let mut winners = 0;
    while let Some(won) = tasks.join_next().await {
        winners += usize::from(won.expect("task"));
    }
    assert_eq!(winners, 1);
}

on_both_backends!(
    one_holder_at_a_time_and_a_takeover_after_expiry,
    racing_instances_get_the_lease_once,
);
