//! Named locks on both backends: one holder at a time, free again as soon as the holder is gone.

use crate::ledger::support::{on_both_backends, TestDb};

async fn one_holder_at_a_time_and_free_as_soon_as_it_is_gone(db: &TestDb) {
    let s = &db.store;
    let mut first = s.try_lock("imap:INBOX").await.expect("lock").expect("free");
    assert!(first.still_held().await);
    // A second instance (here: a second attempt with its own session or file) waits.
    assert!(s.try_lock("imap:INBOX").await.expect("lock").is_none());
    // Another name is independent.
    let other = s.try_lock("discord:gateway").await.expect("lock");
    assert!(other.is_some());
    // Dropped (as a killed process drops everything): free at once.
    drop(first);
    let start = std::time::Instant::now();
    let again = loop {
        // PostgreSQL frees the lock when it sees the session close (a few milliseconds).
        if let Some(held) = s.try_lock("imap:INBOX").await.expect("lock") {
            break Some(held);
        }
        if start.elapsed() > std::time::Duration::from_secs(2) {
            break None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    assert!(again.is_some(), "taken over at once");
    again.expect("held").release().await;
    assert!(s.try_lock("imap:INBOX").await.expect("lock").is_some());
}

on_both_backends!(one_holder_at_a_time_and_free_as_soon_as_it_is_gone);
