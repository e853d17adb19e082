use super::*;

fn labels(kind: Kind, facility: Option<&str>, topic: Topic) -> Labels {
    Labels {
        kind,
        facility: facility.map(str::to_string),
        topic,
    }
}

fn step(event: EventType, actor: &str, l: Option<Labels>, reason: Option<&str>) -> LabelStep {
    LabelStep {
        event,
        actor: actor.to_string(),
        date: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        labels: l,
        rules: vec!["r".into()],
        reason: reason.map(str::to_string),
    }
}

#[test]
fn an_approval_without_reassignment_confirms_the_intake_labels() {
    let l = labels(Kind::Piscine, Some("piscine-pajeaud"), Topic::Horaires);
    let j = judge(
        InquiryId(1),
        &[
            step(EventType::Received, "guichet", Some(l.clone()), None),
            step(EventType::Approved, "web:alex", None, None),
        ],
    )
    .expect("judged");
    assert_eq!(j.verdict, Verdict::Confirmed);
    assert!(j.all_right());
}

#[test]
fn a_reassignment_by_an_agent_corrects_and_guichet_reclassifying_does_not() {
    let a = labels(Kind::Siege, None, Topic::Autre);
    let b = labels(Kind::Theatre, Some("espace-cirque"), Topic::Autre);
    let j = judge(
        InquiryId(1),
        &[
            step(EventType::Received, "guichet", Some(a.clone()), None),
            step(EventType::Reassigned, "guichet", Some(a.clone()), None),
            step(EventType::Reassigned, "discord:7", Some(b.clone()), None),
            step(EventType::Approved, "discord:7", None, None),
        ],
    )
    .expect("judged");
    assert_eq!(j.verdict, Verdict::Corrected(b));
    assert_eq!(j.right(), [false, false, true]);
}

#[test]
fn only_out_of_scope_rejections_count() {
    let a = labels(Kind::Siege, None, Topic::Autre);
    let out = judge(
        InquiryId(1),
        &[
            step(EventType::Received, "guichet", Some(a.clone()), None),
            step(EventType::Rejected, "web:a", None, Some("hors périmètre")),
        ],
    )
    .expect("judged");
    assert_eq!(out.verdict, Verdict::OutOfScope);
    assert!(!out.all_right());
    let spam = judge(
        InquiryId(1),
        &[
            step(EventType::Received, "guichet", Some(a.clone()), None),
            step(EventType::Rejected, "web:a", None, Some("spam")),
        ],
    );
    assert_eq!(spam, None);
    let open = judge(
        InquiryId(1),
        &[step(EventType::Received, "guichet", Some(a), None)],
    );
    assert_eq!(open, None);
}

#[test]
fn the_report_counts_shares_per_month_and_kind_with_confusions() {
    let a = labels(Kind::Siege, None, Topic::Autre);
    let b = labels(Kind::Theatre, Some("espace-cirque"), Topic::Autre);
    let ok = Judged {
        inquiry: InquiryId(1),
        received: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        intake: a.clone(),
        rules: vec![],
        verdict: Verdict::Confirmed,
    };
    let wrong = Judged {
        verdict: Verdict::Corrected(b.clone()),
        ..ok.clone()
    };
    let later = Judged {
        received: NaiveDate::from_ymd_opt(2026, 4, 2).expect("date"),
        ..wrong.clone()
    };
    let r = AccuracyReport::of([&ok, &wrong, &wrong, &later], None, None);
    assert_eq!(r.total.decided, 4);
    assert_eq!(r.total.right, 1);
    assert_eq!(r.total.share(), Some(25.0));
    assert_eq!(r.by_month["2026-03"].share(), Some(100.0 / 3.0));
    assert_eq!(r.by_kind[&Kind::Siege].topic_share(), Some(100.0));
    assert_eq!(r.confusions.len(), 1);
    assert_eq!(r.confusions[0].count, 3);
    assert_eq!(r.confusions[0].truth, Some(b));
    let march = AccuracyReport::of([&ok, &later], None, NaiveDate::from_ymd_opt(2026, 3, 31));
    assert_eq!(march.total.decided, 1);
}
