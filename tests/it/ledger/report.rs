//! Report numbers on a small hand-computed dataset.

use chrono::NaiveDate;
use guichet::indicators::{GroupBy, ReportQuery, ReportRow};
use guichet::inquiry::EventType;
use guichet::inquiry::{Channel, Kind, Topic};
use guichet::store::Store;
use serde_json::json;

use super::support::{classification, on_both_backends, paris, record, TestDb};

on_both_backends!(
    hand_computed_report,
    from_and_to_are_inclusive_paris_dates,
    reopened_inquiry_keeps_its_first_answer,
    rebuild_gives_the_same_report,
    overdue_is_soonest_first,
);

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub fn query(by: &[GroupBy], today: &str) -> ReportQuery {
    ReportQuery {
        from: None,
        to: None,
        by: by.to_vec(),
        today: day(today),
    }
}

async fn event(
    s: &Store,
    id: guichet::inquiry::InquiryId,
    e: EventType,
    actor: &str,
    at: chrono::DateTime<chrono::Utc>,
) {
    s.append_event(id, e, actor, at, json!({}))
        .await
        .expect("append event");
}

/// March 2026 (no public holiday; CET). Engagements: mail 5 working days with same-day
/// acknowledgement, chat 1.
pub async fn dataset(s: &Store) {
    use EventType::*;
    let pool = |t| classification(Kind::Piscine, Some("piscine-pajeaud"), t);
    // A: mail Mon 2 → ack same day, sent Wed 4: 2 working days, within.
    let a = record(
        s,
        "A",
        Channel::Mail,
        paris(2026, 3, 2, 9, 0),
        &pool(Topic::Horaires),
    )
    .await;
    event(s, a.id, Acknowledged, "guichet", paris(2026, 3, 2, 9, 5)).await;
    event(s, a.id, Approved, "agent-a", paris(2026, 3, 4, 9, 0)).await;
    event(s, a.id, Sent, "guichet", paris(2026, 3, 4, 10, 0)).await;
    // B: mail Mon 2 → ack next day (late), sent Mon 16: 10 working days, late.
    let b = record(
        s,
        "B",
        Channel::Mail,
        paris(2026, 3, 2, 9, 0),
        &pool(Topic::Tarifs),
    )
    .await;
    event(s, b.id, Acknowledged, "guichet", paris(2026, 3, 3, 9, 0)).await;
    event(s, b.id, Approved, "agent-b", paris(2026, 3, 16, 9, 0)).await;
    event(s, b.id, Sent, "guichet", paris(2026, 3, 16, 10, 0)).await;
    // C: chat Tue 3 → answered by phone Wed 4: 1 working day, within (chat: 1).
    let c = record(
        s,
        "C",
        Channel::Chat,
        paris(2026, 3, 3, 18, 0),
        &pool(Topic::Horaires),
    )
    .await;
    event(s, c.id, Answered, "agent-a", paris(2026, 3, 4, 8, 30)).await;
    // D: mail Thu 5, open; deadline Thu 12 → overdue on Fri 20.
    record(
        s,
        "D",
        Channel::Mail,
        paris(2026, 3, 5, 9, 0),
        &pool(Topic::Horaires),
    )
    .await;
    // E: no facility; mail Fri 6, sent Mon 9: 1 working day; never acknowledged.
    let none = classification(Kind::Autre, None, Topic::Autre);
    let e = record(s, "E", Channel::Mail, paris(2026, 3, 6, 16, 0), &none).await;
    event(s, e.id, Sent, "guichet", paris(2026, 3, 9, 9, 0)).await;
    // F: automatic (out-of-office reply), counted apart.
    let mut auto = pool(Topic::Autre);
    auto.automatic = true;
    auto.automatic_reason = Some("auto-submitted".to_string());
    record(s, "F", Channel::Mail, paris(2026, 3, 6, 9, 0), &auto).await;
    // G: rejected, counted apart.
    let g = record(
        s,
        "G",
        Channel::Mail,
        paris(2026, 3, 9, 9, 0),
        &pool(Topic::Horaires),
    )
    .await;
    event(s, g.id, Rejected, "agent-b", paris(2026, 3, 9, 10, 0)).await;
    // H: mail Wed 18, open; deadline Wed 25: not overdue on Fri 20.
    record(
        s,
        "H",
        Channel::Mail,
        paris(2026, 3, 18, 9, 0),
        &pool(Topic::Horaires),
    )
    .await;
}

fn row<'a>(rows: &'a [ReportRow], groups: &[&str]) -> &'a ReportRow {
    rows.iter()
        .find(|r| r.groups == groups)
        .unwrap_or_else(|| panic!("no group {groups:?} in {rows:?}"))
}

async fn hand_computed_report(db: &TestDb) {
    dataset(&db.store).await;
    let rows = db
        .store
        .report(&query(&[GroupBy::Facility], "2026-03-20"))
        .await
        .expect("report");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let p = &row(&rows, &["piscine-pajeaud"]).indicators;
    assert_eq!((p.received, p.answered, p.within_engagement), (5, 3, 2));
    assert_eq!(p.within_engagement_pct, Some(66.7));
    // Delays 1, 2, 10: nearest rank 2 for the median, 3 for p90.
    assert_eq!(
        (p.median_working_days, p.p90_working_days),
        (Some(2), Some(10))
    );
    assert_eq!((p.open, p.overdue), (2, 1));
    // Mail acknowledgements due: A, B, D, H; only A on the same day.
    assert_eq!(p.acknowledged_within_pct, Some(25.0));
    assert_eq!((p.automatic, p.rejected), (1, 1));
    let none = &row(&rows, &[""]).indicators;
    assert_eq!(
        (none.received, none.answered, none.within_engagement),
        (1, 1, 1)
    );
    assert_eq!(
        (none.median_working_days, none.p90_working_days),
        (Some(1), Some(1))
    );
    assert_eq!(none.acknowledged_within_pct, Some(0.0));
    assert_eq!((none.open, none.overdue, none.automatic), (0, 0, 0));

    let total = db
        .store
        .report(&query(&[], "2026-03-20"))
        .await
        .expect("total");
    assert_eq!(total.len(), 1);
    assert_eq!(total[0].indicators.received, 6);
    assert_eq!(total[0].indicators.median_working_days, Some(1));
    // Before D's deadline passes nothing is overdue.
    let early = db
        .store
        .report(&query(&[], "2026-03-12"))
        .await
        .expect("early");
    assert_eq!(early[0].indicators.overdue, 0);

    let by_agent = db
        .store
        .report(&query(&[GroupBy::Agent, GroupBy::Channel], "2026-03-20"))
        .await
        .expect("by agent");
    assert_eq!(row(&by_agent, &["agent-a", "mail"]).indicators.answered, 1);
    assert_eq!(
        row(&by_agent, &["agent-b", "mail"])
            .indicators
            .within_engagement,
        0
    );
    assert_eq!(row(&by_agent, &["", "chat"]).indicators.answered, 1);
    let weeks = db
        .store
        .report(&query(&[GroupBy::Week], "2026-03-20"))
        .await
        .expect("weeks");
    let names: Vec<&str> = weeks.iter().map(|r| r.groups[0].as_str()).collect();
    assert_eq!(names, ["2026-W10", "2026-W11", "2026-W12"]);
}

async fn from_and_to_are_inclusive_paris_dates(db: &TestDb) {
    let s = &db.store;
    let c = classification(Kind::Siege, Some("siege"), Topic::Horaires);
    // 28 Feb 23:30, 1 Mar 00:30, 31 Mar 23:30 (summer time since the 29th), 1 Apr 00:30.
    for (key, at) in [
        ("feb", paris(2026, 2, 28, 23, 30)),
        ("mar-first", paris(2026, 3, 1, 0, 30)),
        ("mar-last", paris(2026, 3, 31, 23, 30)),
        ("apr", paris(2026, 4, 1, 0, 30)),
    ] {
        record(s, key, Channel::Chat, at, &c).await;
    }
    let march = ReportQuery {
        from: Some(day("2026-03-01")),
        to: Some(day("2026-03-31")),
        by: vec![GroupBy::Month],
        today: day("2026-03-01"),
    };
    let rows = s.report(&march).await.expect("march");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].groups, ["2026-03"]);
    assert_eq!(rows[0].indicators.received, 2);
    let one_day = ReportQuery {
        from: Some(day("2026-04-01")),
        to: Some(day("2026-04-01")),
        ..march
    };
    let rows = s.report(&one_day).await.expect("one day");
    assert_eq!(rows[0].groups, ["2026-04"]);
    assert_eq!(rows[0].indicators.received, 1);
}

async fn reopened_inquiry_keeps_its_first_answer(db: &TestDb) {
    use EventType::*;
    let s = &db.store;
    let c = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let r = record(s, "R", Channel::Mail, paris(2026, 3, 2, 9, 0), &c).await;
    event(s, r.id, Sent, "guichet", paris(2026, 3, 4, 9, 0)).await;
    event(s, r.id, Reopened, "agent-a", paris(2026, 3, 5, 9, 0)).await;
    event(s, r.id, Sent, "guichet", paris(2026, 3, 20, 9, 0)).await;
    let rows = s.report(&query(&[], "2026-03-30")).await.expect("report");
    let i = &rows[0].indicators;
    assert_eq!((i.answered, i.within_engagement, i.open), (1, 1, 0));
    assert_eq!(i.median_working_days, Some(2));
    assert_eq!(s.events(r.id).await.expect("events").len(), 4);
}

async fn rebuild_gives_the_same_report(db: &TestDb) {
    dataset(&db.store).await;
    let q = query(
        &[GroupBy::Facility, GroupBy::Month, GroupBy::Agent],
        "2026-03-20",
    );
    let before = db.store.report(&q).await.expect("before");
    let raw = db.raw().await;
    sqlx::query("DELETE FROM indicator_facts")
        .execute(&raw)
        .await
        .expect("wipe projection");
    raw.close().await;
    assert!(db.store.report(&q).await.expect("empty").is_empty());
    assert_eq!(db.store.rebuild_indicators().await.expect("rebuild"), 8);
    assert_eq!(db.store.report(&q).await.expect("after"), before);
}

async fn overdue_is_soonest_first(db: &TestDb) {
    dataset(&db.store).await;
    let items = db
        .store
        .overdue(day("2026-03-20"), 3)
        .await
        .expect("overdue");
    let refs: Vec<(String, i64)> = items
        .iter()
        .map(|i| (i.deadline.to_string(), i.working_days_left))
        .collect();
    // D (due 12th, 6 working days late) then H (due 25th, 3 left); nothing automatic/rejected.
    assert_eq!(
        refs,
        [
            ("2026-03-12".to_string(), -6),
            ("2026-03-25".to_string(), 3)
        ]
    );
    assert!(items[0].reference.starts_with("VSGP-2026-"));
    let only_late = db
        .store
        .overdue(day("2026-03-20"), 0)
        .await
        .expect("late only");
    assert_eq!(only_late.len(), 1);
}
