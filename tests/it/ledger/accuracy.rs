//! Sorting accuracy from the ledger: approvals confirm, reassignments correct, « hors périmètre »
//! says the scope was wrong; the shares are computed again here, independently, and survive the
//! purge.

use std::collections::BTreeMap;

use guichet::inquiry::InquiryId;
use guichet::inquiry::{Channel, Kind, Topic};
use guichet::learn::AccuracyReport;
use guichet::store::{JobKind, MailMessage, NewJob, Payload, Store};

use super::support::{classification, on_both_backends, paris, record, TestDb};

/// A reply job for an approval (never delivered here).
pub fn reply_job(id: InquiryId, key: &str) -> NewJob {
    NewJob {
        inquiry: id,
        kind: JobKind::Reply,
        message_id: format!("<{key}@vsgp.test>"),
        recipient: None,
        payload: Payload::Mail(MailMessage {
            holding: false,
            to: "usager@example.org".into(),
            to_name: None,
            from: "contact@vsgp.test".into(),
            subject: "Re".into(),
            text: "Bonjour".into(),
            html: None,
            in_reply_to: None,
            references: Vec::new(),
            auto_submitted: None,
            lang: None,
        }),
    }
}

/// What happens to one planted inquiry.
#[derive(Clone, Copy)]
enum Decision {
    Approve,
    /// Reassigned by an agent to this facility, then approved.
    ReassignThenApprove(Kind, &'static str),
    OutOfScope,
    /// Not a label: not counted.
    Spam,
    /// Still open: not counted.
    Open,
}

struct Planted {
    month: u32,
    kind: Kind,
    facility: Option<&'static str>,
    decision: Decision,
}

fn plan() -> Vec<Planted> {
    use Decision::*;
    let p = |month, kind, facility, decision| Planted {
        month,
        kind,
        facility,
        decision,
    };
    vec![
        p(3, Kind::Piscine, Some("piscine-pajeaud"), Approve),
        p(3, Kind::Piscine, Some("piscine-pajeaud"), Approve),
        p(
            3,
            Kind::Piscine,
            Some("piscine-pajeaud"),
            ReassignThenApprove(Kind::Piscine, "piscine-blagis"),
        ),
        p(
            3,
            Kind::Siege,
            None,
            ReassignThenApprove(Kind::Theatre, "espace-cirque"),
        ),
        p(3, Kind::Siege, None, OutOfScope),
        p(3, Kind::Siege, None, Spam),
        p(4, Kind::Siege, None, Approve),
        p(
            4,
            Kind::Siege,
            None,
            ReassignThenApprove(Kind::Theatre, "espace-cirque"),
        ),
        p(
            4,
            Kind::Mediatheque,
            Some("mediatheque-la-buanderie"),
            Approve,
        ),
        p(4, Kind::Mediatheque, Some("mediatheque-la-buanderie"), Open),
    ]
}

async fn plant(store: &Store) {
    for (i, item) in plan().iter().enumerate() {
        let at = paris(2026, item.month, 2 + i as u32, 9, 0);
        let c = classification(item.kind, item.facility, Topic::Horaires);
        let id = record(store, &format!("acc-{i}"), Channel::Mail, at, &c)
            .await
            .id;
        let later = at + chrono::Duration::hours(2);
        let job = reply_job(id, &format!("acc-{i}"));
        match item.decision {
            Decision::Approve => {
                store
                    .approve(id, "web:alex", later, None, &job)
                    .await
                    .expect("approve");
            }
            Decision::ReassignThenApprove(kind, facility) => {
                let moved = classification(kind, Some(facility), Topic::Horaires);
                store
                    .record_classification(id, &moved, "discord:42", later)
                    .await
                    .expect("reassign");
                store
                    .approve(id, "discord:42", later, None, &job)
                    .await
                    .expect("approve");
            }
            Decision::OutOfScope => {
                store
                    .reject(id, "web:alex", later, "hors périmètre", None)
                    .await
                    .expect("reject");
            }
            Decision::Spam => {
                store
                    .reject(id, "web:alex", later, "spam", None)
                    .await
                    .expect("reject");
            }
            Decision::Open => {}
        }
    }
}

/// (decided, right) of a group.
type Counts = (u64, u64);

/// (decided, right) per month and per intake kind, counted straight from the plan.
fn expected() -> (BTreeMap<String, Counts>, BTreeMap<Kind, Counts>) {
    let mut months = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for p in plan() {
        let right = match p.decision {
            Decision::Approve => true,
            Decision::ReassignThenApprove(..) | Decision::OutOfScope => false,
            Decision::Spam | Decision::Open => continue,
        };
        for e in [
            months
                .entry(format!("2026-{:02}", p.month))
                .or_insert((0, 0)),
            kinds.entry(p.kind).or_insert((0, 0)),
        ] {
            e.0 += 1;
            e.1 += u64::from(right);
        }
    }
    (months, kinds)
}

on_both_backends!(sorting_accuracy_counts_approvals_reassignments_and_scope_and_survives_the_purge);

async fn sorting_accuracy_counts_approvals_reassignments_and_scope_and_survives_the_purge(
    db: &TestDb,
) {
    let s = &db.store;
    plant(s).await;
    let judged = s.judged_sortings(None, None).await.expect("judged");
    let report = AccuracyReport::of(&judged, None, None);
    let (months, kinds) = expected();
    let got_months: BTreeMap<String, (u64, u64)> = report
        .by_month
        .iter()
        .map(|(m, t)| (m.clone(), (t.decided, t.right)))
        .collect();
    let got_kinds: BTreeMap<Kind, (u64, u64)> = report
        .by_kind
        .iter()
        .map(|(k, t)| (*k, (t.decided, t.right)))
        .collect();
    assert_eq!(got_months, months);
    assert_eq!(got_kinds, kinds);
    let (decided, right) = months.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!(
        report.total.share(),
        Some(right as f64 * 100.0 / decided as f64)
    );
    // The head office taken for the Espace Cirque twice, once per month.
    let cirque = report
        .confusions
        .iter()
        .find(|c| c.truth.as_ref().and_then(|t| t.facility.as_deref()) == Some("espace-cirque"))
        .expect("confusion head office → Espace Cirque");
    assert_eq!((cirque.intake.kind, cirque.count), (Kind::Siege, 2));
    assert!(report
        .confusions
        .iter()
        .any(|c| c.truth.is_none() && c.count == 1));
    // Periods use the receipt date: April only.
    let april = s
        .sorting_accuracy(chrono::NaiveDate::from_ymd_opt(2026, 4, 1), None, None)
        .await
        .expect("april");
    assert_eq!((april.decided, april.right), months["2026-04"]);

    s.purge(paris(2026, 12, 1, 0, 0)).await.expect("purge");
    let after = s.judged_sortings(None, None).await.expect("after purge");
    assert_eq!(AccuracyReport::of(&after, None, None), report);
}
