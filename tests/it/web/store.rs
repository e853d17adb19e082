//! Survey answers in the ledger, on SQLite and PostgreSQL: first answer wins, aggregates per
//! facility and month, purge clears the comment and keeps the rating.

use guichet::indicators::ReportFilter;
use guichet::inquiry::{Channel, Kind, Topic};
use guichet::store::SurveyOutcome;

use crate::ledger::support::{classification, on_both_backends, paris, record, TestDb};

async fn survey_answers_aggregate_and_purge(db: &TestDb) {
    let store = &db.store;
    let pool = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let a = record(store, "a", Channel::Mail, paris(2026, 3, 2, 10, 0), &pool).await;
    let b = record(store, "b", Channel::Chat, paris(2026, 3, 3, 10, 0), &pool).await;
    let c = record(store, "c", Channel::Mail, paris(2026, 4, 1, 10, 0), &pool).await;
    let now = paris(2026, 5, 1, 10, 0);
    for (id, rating, comment) in [
        (a.id, 5, Some("Parfait, Camille Martin")),
        (b.id, 2, None),
        (c.id, 4, None),
    ] {
        let outcome = store
            .record_survey_answer(id, rating, comment, now)
            .await
            .expect("answer");
        assert_eq!(outcome, SurveyOutcome::Recorded);
    }
    let again = store
        .record_survey_answer(a.id, 1, None, now)
        .await
        .expect("answer");
    assert_eq!(again, SurveyOutcome::AlreadyAnswered);
    assert!(store
        .record_survey_answer(guichet::inquiry::InquiryId(999_999), 3, None, now)
        .await
        .is_err());
    let rows = store
        .satisfaction(None, None, &ReportFilter::default())
        .await
        .expect("satisfaction");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].month.as_str(), rows[0].answers), ("2026-03", 2));
    assert_eq!(rows[0].ratings, [0, 1, 0, 0, 1]);
    assert_eq!(rows[0].average(), Some(3.5));
    assert_eq!(rows[1].average(), Some(4.0));
    let chat_only = ReportFilter {
        channel: Some(guichet::inquiry::Channel::Chat),
        ..ReportFilter::default()
    };
    let rows = store
        .satisfaction(None, None, &chat_only)
        .await
        .expect("filtered");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].ratings, [0, 1, 0, 0, 0]);

    let comments = store
        .survey_comments(None, None, &ReportFilter::default(), 10)
        .await
        .expect("comments");
    assert_eq!(comments.len(), 1);
    assert_eq!(
        (comments[0].rating, comments[0].facility.as_str()),
        (5, "piscine-pajeaud")
    );

    store.purge(paris(2026, 3, 31, 0, 0)).await.expect("purge");
    let comments = store
        .survey_comments(None, None, &ReportFilter::default(), 10)
        .await
        .expect("comments");
    assert!(comments.is_empty(), "{comments:?}");
    let raw = db.raw().await;
    let comments: i64 = sqlx::query_scalar("SELECT COUNT(comment) FROM survey_answers")
        .fetch_one(&raw)
        .await
        .expect("count");
    assert_eq!(comments, 0, "the purged inquiry's comment is gone");
    let ratings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_answers")
        .fetch_one(&raw)
        .await
        .expect("count");
    assert_eq!(ratings, 3, "ratings stay for the indicators");
    raw.close().await;
}

on_both_backends!(survey_answers_aggregate_and_purge);
