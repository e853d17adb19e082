//! A ledger row that cannot be decoded is an error naming the row — never a silent 1970, a
//! default language or an empty list of rules.

use guichet::inquiry::{Channel, Kind, Topic};

use super::support::{classification, on_both_backends, paris, record, TestDb};

/// A number of seconds no calendar holds (about 285 million years).
const NOT_A_TIME: i64 = 9_000_000_000_000_000;

async fn a_timestamp_that_is_no_time_is_a_corrupt_ledger_row(db: &TestDb) {
    let c = classification(Kind::Piscine, None, Topic::Horaires);
    let at = paris(2026, 3, 6, 10, 0);
    let id = record(&db.store, "corrupt-1", Channel::Mail, at, &c)
        .await
        .id;
    let other = record(&db.store, "corrupt-2", Channel::Mail, at, &c)
        .await
        .id;
    let pool = db.raw().await;
    sqlx::query("UPDATE inquiries SET received_at = $1 WHERE id = $2")
        .bind(NOT_A_TIME)
        .bind(id.0)
        .execute(&pool)
        .await
        .expect("plant a corrupt time");
    // Events are append-only: a corrupt one can only be written (a bad restore, a hand edit).
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO events (inquiry_id, event_type, actor, at, detail) \
         SELECT inquiry_id, event_type, actor, $1, detail FROM events \
         WHERE inquiry_id = $2 ORDER BY id LIMIT 1 RETURNING id",
    )
    .bind(NOT_A_TIME)
    .bind(other.0)
    .fetch_one(&pool)
    .await
    .expect("plant a corrupt event time");
    pool.close().await;

    let err = db.store.summary(id).await.expect_err("a corrupt time");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("corrupt ledger row {} (inquiries)", id.0)),
        "{text}"
    );
    assert!(text.contains("is not a time"), "{text}");
    let err = db.store.events(other).await.expect_err("a corrupt event");
    assert!(
        err.to_string()
            .starts_with(&format!("corrupt ledger row {event} (events)")),
        "{err}"
    );
    // The other inquiry's own row still reads.
    assert_eq!(
        db.store.summary(other).await.expect("summary").received_at,
        at
    );
}

async fn a_language_or_rules_that_cannot_be_read_are_a_corrupt_row_not_a_default(db: &TestDb) {
    let c = classification(Kind::Piscine, None, Topic::Horaires);
    let at = paris(2026, 3, 6, 10, 0);
    let a = record(&db.store, "lang-1", Channel::Mail, at, &c).await.id;
    let b = record(&db.store, "rules-1", Channel::Mail, at, &c).await.id;
    let pool = db.raw().await;
    for (sql, id) in [
        (
            "UPDATE classifications SET lang = 'klingon' WHERE inquiry_id = $1",
            a,
        ),
        (
            "UPDATE classifications SET rules = 'not json' WHERE inquiry_id = $1",
            b,
        ),
    ] {
        sqlx::query(sql)
            .bind(id.0)
            .execute(&pool)
            .await
            .expect("plant");
    }
    pool.close().await;
    let err = db.store.summary(a).await.expect_err("no language");
    assert!(
        err.to_string()
            .starts_with(&format!("corrupt ledger row of inquiry {}: lang", a.0)),
        "{err}"
    );
    let err = db.store.summary(b).await.expect_err("no rules");
    assert!(
        err.to_string()
            .starts_with(&format!("corrupt ledger row of inquiry {}: rules", b.0)),
        "{err}"
    );
}

on_both_backends!(
    a_timestamp_that_is_no_time_is_a_corrupt_ledger_row,
    a_language_or_rules_that_cannot_be_read_are_a_corrupt_row_not_a_default,
);
