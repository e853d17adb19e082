use guichet::inquiry::{Kind, Topic};

use super::{assert_sorted, mail, with_header};

const HUMAN: &str = "human-inquiry.eml";

#[test]
fn the_base_inquiry_is_a_human_asking_pajeaud_opening_hours() {
    assert_sorted(
        &mail(HUMAN),
        Kind::Piscine,
        Some("piscine-pajeaud"),
        Topic::Horaires,
    );
}

#[track_caller]
fn assert_automatic_with(header: &str) {
    let c = with_header(HUMAN, header);
    assert!(c.automatic, "{header}: not automatic");
    assert!(c.automatic_reason.is_some(), "{header}: no reason");
    assert_eq!(
        (c.kind, c.facility.as_ref(), c.topic),
        (Kind::Autre, None, Topic::Autre)
    );
}

#[test]
fn auto_submitted_other_than_no_makes_a_mail_automatic() {
    assert_automatic_with("Auto-Submitted: auto-replied");
    assert_automatic_with("Auto-Submitted: auto-generated");
    assert!(!with_header(HUMAN, "Auto-Submitted: no").automatic);
}

#[test]
fn precedence_bulk_list_junk_and_auto_reply_make_a_mail_automatic() {
    for value in ["bulk", "list", "junk", "auto_reply"] {
        assert_automatic_with(&format!("Precedence: {value}"));
    }
    assert!(!with_header(HUMAN, "Precedence: normal").automatic);
}

#[test]
fn mailing_list_headers_make_a_mail_automatic() {
    assert_automatic_with("List-Id: Lettre des piscines <piscines.lists.example.net>");
    assert_automatic_with("List-Unsubscribe: <mailto:unsubscribe@lists.example.net>");
}

#[test]
fn autoreply_headers_make_a_mail_automatic() {
    assert_automatic_with("X-Autoreply: yes");
    assert_automatic_with("X-Autorespond: Vacation");
    assert_automatic_with("X-Auto-Response-Suppress: All");
}

#[test]
fn an_empty_return_path_is_a_bounce() {
    assert_automatic_with("Return-Path: <>");
    assert!(!with_header(HUMAN, "Return-Path: <claire.moreau@example.net>").automatic);
}

#[test]
fn a_delivery_report_with_an_inquiry_inside_is_automatic_and_not_the_inquiry() {
    for name in ["dsn-report.eml", "dsn-report-no-header.eml"] {
        let c = mail(name);
        assert!(c.automatic, "{name}");
        assert_eq!(c.kind, Kind::Autre, "{name}");
        assert_eq!(c.facility, None, "{name}");
    }
}

#[test]
fn a_no_reply_sender_is_a_robot() {
    let c = mail("noreply-sender.eml");
    assert!(c.automatic);
    assert!(c.automatic_reason.unwrap().contains("no-reply@"));
}

#[test]
fn out_of_office_subjects_in_french_and_english_are_automatic() {
    for name in ["ooo-fr.eml", "ooo-en.eml"] {
        let c = mail(name);
        assert!(c.automatic, "{name}: {:?}", c.rules);
        assert_eq!(c.facility, None, "{name}");
    }
}

#[test]
fn a_human_writing_that_her_son_was_absent_is_not_automatic() {
    let c = mail("human-absent.eml");
    assert!(!c.automatic, "{:?}", c.automatic_reason);
    assert_eq!(c.kind, Kind::Conservatoire);
    assert_eq!(super::facility(&c), Some("conservatoire-clamart"));
}
