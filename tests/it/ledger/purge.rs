//! RGPD purge: personal data goes, indicators stay identical.

use chrono::Duration;
use guichet::indicators::GroupBy;
use guichet::inquiry::DraftText;
use guichet::inquiry::{Channel, Kind, Topic};
use guichet::store::parse_retention;
use sqlx::Row;

use super::report::{dataset, query};
use super::support::{classification, on_both_backends, paris, record, TestDb};

on_both_backends!(purge_keeps_the_report_and_removes_personal_data);

async fn purge_keeps_the_report_and_removes_personal_data(db: &TestDb) {
    let s = &db.store;
    dataset(s).await;
    let c = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let recent = record(s, "recent", Channel::Mail, paris(2026, 6, 1, 9, 0), &c).await;
    let old = record(s, "old", Channel::Mail, paris(2026, 3, 10, 9, 0), &c).await;
    let draft = DraftText {
        subject: "Re: Camille".into(),
        text: "Bonjour Camille Martin".into(),
        html: None,
        holding: false,
        note: vec!["« Bonjour, je suis Camille Martin » → aucune entrée".into()],
    };
    s.save_draft(old.id, &draft, "agent-a", paris(2026, 3, 10, 10, 0))
        .await
        .expect("draft");
    let raw = db.raw().await;
    sqlx::query(
        "INSERT INTO outbox (inquiry_id, kind, message_id, payload, created_at) VALUES ($1, 'reply', '<r1@vsgp>', 'To: camille.martin@example.org', 0)",
    )
    .bind(old.id.0)
    .execute(&raw)
    .await
    .expect("outbox row");

    let q = query(
        &[
            GroupBy::Facility,
            GroupBy::Month,
            GroupBy::Agent,
            GroupBy::Channel,
        ],
        "2026-06-15",
    );
    let before = s.report(&q).await.expect("before");
    // Everything received before 1 May 2026 is purged.
    let cutoff = paris(2026, 5, 1, 0, 0);
    assert_eq!(
        parse_retention("730days")
            .expect("retention")
            .cutoff(cutoff + Duration::days(730)),
        cutoff
    );
    let summary = s.purge(cutoff).await.expect("purge");
    assert_eq!(summary.inquiries, 9);
    assert_eq!(summary.messages_deleted, 9);
    assert_eq!((summary.drafts_cleared, summary.outbox_cleared), (1, 1));
    assert_eq!(s.report(&q).await.expect("after"), before);
    s.rebuild_indicators().await.expect("rebuild");
    assert_eq!(s.report(&q).await.expect("after rebuild"), before);

    assert!(s.message(old.id).await.expect("message").is_none());
    assert!(s.message(recent.id).await.expect("message").is_some());
    let drafts = s.drafts(old.id).await.expect("drafts");
    assert_eq!((drafts.len(), drafts[0].draft.is_none()), (1, true));
    // No trace of the citizen anywhere in the database text columns of purged inquiries.
    for sql in [
        "SELECT COUNT(*) FROM inquiry_personal WHERE inquiry_id = $1",
        "SELECT COUNT(*) FROM draft_versions WHERE inquiry_id = $1 AND (text IS NOT NULL OR subject IS NOT NULL OR note IS NOT NULL)",
        "SELECT COUNT(*) FROM outbox WHERE inquiry_id = $1 AND payload IS NOT NULL",
        "SELECT COUNT(*) FROM events WHERE inquiry_id = $1 AND (detail LIKE '%Camille%' OR detail LIKE '%example.org%')",
    ] {
        let n: i64 = sqlx::query_scalar(sql).bind(old.id.0).fetch_one(&raw).await.expect(sql);
        assert_eq!(n, 0, "{sql}");
    }
    let row = sqlx::query("SELECT sender_hash, purged_at FROM inquiries WHERE id = $1")
        .bind(old.id.0)
        .fetch_one(&raw)
        .await
        .expect("inquiry row");
    let hash: Option<String> = row.try_get("sender_hash").expect("hash");
    assert_eq!(hash, None, "no sender hash: its salt would sit beside it");
    // A second purge finds nothing new.
    assert_eq!(s.purge(cutoff).await.expect("again").inquiries, 0);
    raw.close().await;
}
