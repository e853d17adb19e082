//! Importing history: idempotent by id, timestamps as events, bad files write nothing.

use guichet::indicators::GroupBy;
use guichet::inquiry::{EventType, InquiryId};
use guichet::store::parse_import_csv;

use super::report::query;
use super::support::{on_both_backends, TestDb};

on_both_backends!(
    import_is_idempotent_and_counts_like_live_events,
    bad_file_is_rejected_whole
);

pub const HISTORY: &str = "\
id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at
h1,mail,piscine,piscine-pajeaud,horaires,2025-03-03T09:00:00+01:00,2025-03-03T09:10:00+01:00,2025-03-05T11:00:00+01:00
h2,mail,piscine,piscine-pajeaud,tarifs,2025-03-03T10:00:00+01:00,2025-03-04T08:00:00+01:00,2025-03-17T11:00:00+01:00
h3,courrier,siege,,reclamation,2025-03-04T09:00:00+01:00,,
h4,chat,mediatheque,mediatheque-clamart,horaires,2025-04-01T09:00:00+02:00,,2025-04-01T09:30:00+02:00
";

async fn import_is_idempotent_and_counts_like_live_events(db: &TestDb) {
    let rows = parse_import_csv(HISTORY).expect("valid history");
    let first = db.store.import(&rows).await.expect("import");
    assert_eq!((first.imported, first.already_present), (4, 0));
    let again = db.store.import(&rows).await.expect("import again");
    assert_eq!((again.imported, again.already_present), (0, 4));
    assert_eq!(db.store.count_facts().await.expect("count"), 4);

    let q = query(&[GroupBy::Facility, GroupBy::Month], "2025-04-30");
    let rows = db.store.report(&q).await.expect("report");
    let groups: Vec<Vec<String>> = rows.iter().map(|r| r.groups.clone()).collect();
    assert_eq!(
        groups,
        [
            vec!["".to_string(), "2025-03".to_string()],
            vec!["mediatheque-clamart".to_string(), "2025-04".to_string()],
            vec!["piscine-pajeaud".to_string(), "2025-03".to_string()],
        ]
    );
    let pool = &rows[2].indicators;
    // h1: 2 working days (within 5), h2: 10 (late); h1 acknowledged the same day, h2 not.
    assert_eq!((pool.answered, pool.within_engagement), (2, 1));
    assert_eq!(
        (pool.median_working_days, pool.p90_working_days),
        (Some(2), Some(10))
    );
    assert_eq!(pool.acknowledged_within_pct, Some(50.0));
    // h3: letter, complaint, open since 4 March 2025: 10 working days → late by April.
    assert_eq!(
        (rows[0].indicators.open, rows[0].indicators.overdue),
        (1, 1)
    );

    // The events were written, and rebuilding from them changes nothing.
    let events = db.store.events(InquiryId(1)).await.expect("events");
    let kinds: Vec<EventType> = events.iter().map(|e| e.event).collect();
    assert_eq!(
        kinds,
        [
            EventType::Imported,
            EventType::Acknowledged,
            EventType::Answered
        ]
    );
    db.store.rebuild_indicators().await.expect("rebuild");
    assert_eq!(db.store.report(&q).await.expect("after rebuild"), rows);
}

async fn bad_file_is_rejected_whole(db: &TestDb) {
    let bad = format!("{HISTORY}h5,mail,piscine,,horaires,not-a-date,,\nh6,fax,piscine,,horaires,2025-03-03T09:00:00Z,,\n");
    let errors = parse_import_csv(&bad).expect_err("bad rows");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [6, 7]);
    assert!(
        errors[0].to_string().starts_with("line 6: received_at"),
        "{}",
        errors[0]
    );
    // Nothing was written: the parser refuses before the store is touched.
    assert_eq!(db.store.count_facts().await.expect("count"), 0);
}
