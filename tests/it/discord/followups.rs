//! Citizens' edits and deletions on both databases: kept beside the original, gone with the
//! personal data at purge time.

use guichet::inquiry::{Channel, FollowUp, FollowUpKind, Kind, Topic};

use crate::ledger::support::{classification, on_both_backends, paris, record, TestDb};

on_both_backends!(followups_are_kept_beside_the_original_and_purged);

async fn followups_are_kept_beside_the_original_and_purged(db: &TestDb) {
    let s = &db.store;
    let c = classification(Kind::Piscine, None, Topic::ObjetPerdu);
    let old = record(s, "discord:11", Channel::Chat, paris(2026, 3, 2, 9, 0), &c).await;
    let recent = record(s, "discord:12", Channel::Chat, paris(2026, 6, 2, 9, 0), &c).await;
    assert_eq!(
        s.inquiry_by_source("discord:11").await.unwrap(),
        Some(old.id)
    );
    assert_eq!(s.inquiry_by_source("discord:99").await.unwrap(), None);
    for id in [old.id, recent.id] {
        let edit = FollowUp::chat(
            FollowUpKind::Edited,
            Some("nouveau texte"),
            paris(2026, 6, 3, 9, 0),
        );
        s.record_followup(id, &edit).await.unwrap();
        let deletion = FollowUp::chat(FollowUpKind::Deleted, None, paris(2026, 6, 3, 10, 0));
        s.record_followup(id, &deletion).await.unwrap();
    }
    let kept = s.followups(recent.id).await.unwrap();
    assert_eq!(
        kept.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
        ["edited", "deleted"]
    );
    assert_eq!(kept[0].text.as_deref(), Some("nouveau texte"));
    assert_eq!(kept[1].at, paris(2026, 6, 3, 10, 0));
    s.purge(paris(2026, 5, 1, 0, 0)).await.unwrap();
    assert!(s.followups(old.id).await.unwrap().is_empty());
    assert_eq!(s.followups(recent.id).await.unwrap().len(), 2);
}
