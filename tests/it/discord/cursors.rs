//! The channels' cursors on both databases: one per channel, moving only forward, DM channels
//! marked as such (the catch-up reads them back after a restart).

use chrono::Utc;
use guichet::store::ChatCursor;

use crate::ledger::support::{on_both_backends, TestDb};

on_both_backends!(a_cursor_only_moves_forward);

async fn a_cursor_only_moves_forward(db: &TestDb) {
    let s = &db.store;
    // Snowflakes above 2^53 and near 2^63 survive the round trip.
    let big = 1_310_000_000_000_000_000_u64;
    let at = |channel_id, dm, last_message_id| ChatCursor {
        channel_id,
        dm,
        last_message_id,
    };
    s.advance_chat_cursor(&at(3_000, false, big), Utc::now())
        .await
        .unwrap();
    s.advance_chat_cursor(&at(3_000, false, big - 5), Utc::now())
        .await
        .unwrap();
    s.advance_chat_cursor(&at(8_000, true, 42), Utc::now())
        .await
        .unwrap();
    s.advance_chat_cursor(&at(8_000, true, 43), Utc::now())
        .await
        .unwrap();
    let cursors = s.chat_cursors().await.unwrap();
    assert_eq!(cursors, vec![at(3_000, false, big), at(8_000, true, 43)]);
}
