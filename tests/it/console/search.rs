//! The console's store queries on both engines: search, queue order, ping and counts.

use guichet::inquiry::Status;
use guichet::inquiry::{Channel, Kind, Topic};
use guichet::store::SearchQuery;

use crate::ledger::support::{classification, on_both_backends, paris, record, TestDb};

on_both_backends!(search_queue_ping_and_counts);

async fn search_queue_ping_and_counts(db: &TestDb) {
    let s = &db.store;
    let pool = classification(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let other = classification(Kind::Mediatheque, None, Topic::Tarifs);
    let a = record(s, "a", Channel::Mail, paris(2026, 3, 10, 9, 0), &pool).await;
    let b = record(s, "b", Channel::Courrier, paris(2026, 2, 2, 9, 0), &other).await;
    let c = record(s, "c", Channel::Mail, paris(2026, 4, 1, 9, 0), &pool).await;
    s.set_status(c.id, &[Status::Received], Status::Rejected)
        .await
        .expect("status");
    let all = s.search(&SearchQuery::default()).await.expect("search");
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].id, c.id, "newest first");
    let by_id = s
        .search(&SearchQuery {
            id: Some(a.id),
            ..SearchQuery::default()
        })
        .await
        .expect("by id");
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].reference, a.reference);
    let by_address = s
        .search(&SearchQuery {
            address: Some("CAMILLE.martin@".into()),
            text: Some("question b".into()),
            ..SearchQuery::default()
        })
        .await
        .expect("by address and text");
    assert_eq!(by_address.iter().map(|f| f.id).collect::<Vec<_>>(), [b.id]);
    let wildcard = s
        .search(&SearchQuery {
            text: Some("%".into()),
            ..SearchQuery::default()
        })
        .await
        .expect("escaped");
    assert!(wildcard.is_empty(), "`%` is a character, not a wildcard");
    let queue = s
        .search(&SearchQuery {
            statuses: vec![Status::Received, Status::Drafted],
            by_deadline: true,
            ..SearchQuery::default()
        })
        .await
        .expect("queue");
    assert_eq!(queue.iter().map(|f| f.id).collect::<Vec<_>>(), [b.id, a.id]);
    let period = s
        .search(&SearchQuery {
            from: Some(paris(2026, 3, 5, 0, 0)),
            to: Some(paris(2026, 3, 31, 0, 0)),
            facility: Some("piscine-pajeaud".into()),
            kind: Some(Kind::Piscine),
            ..SearchQuery::default()
        })
        .await
        .expect("period");
    assert_eq!(period.iter().map(|f| f.id).collect::<Vec<_>>(), [a.id]);
    s.ping().await.expect("ping");
    let counts = s.inquiry_counts().await.expect("counts");
    assert!(
        counts.contains(&("mail".into(), "rejected".into(), 1)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&("courrier".into(), "received".into(), 1)),
        "{counts:?}"
    );
}
