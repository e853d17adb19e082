//! Button tests: custom ids and the texts agents see after a click.

use super::*;

#[test]
fn custom_ids_round_trip_and_reject_foreign_ones() {
    let a = parse_custom_id("g:reject:42:1234").unwrap();
    assert_eq!(a.verb, Verb::Reject);
    assert_eq!(a.inquiry, InquiryId(42));
    assert_eq!(a.post, Some(MessageId::new(1234)));
    assert_eq!(parse_custom_id("g:ok:7").unwrap().post, None);
    assert!(parse_custom_id("x:ok:7").is_none());
    assert!(parse_custom_id("g:ok:abc").is_none());
    assert!(parse_custom_id("g:ok:1:0").is_none());
    assert_eq!(parse_custom_id("g:send:7:12:3").unwrap().version, Some(3));
    assert!(parse_custom_id("g:send:7:12:x").is_none());
}

#[test]
fn the_second_agent_is_told_who() {
    let s = Standing {
        status: crate::inquiry::Status::Approved,
        decided_by: Some("discord:55".into()),
        decided_at: None,
    };
    assert_eq!(
        already_decided(&s),
        "Déjà traitée par <@55> (statut : approuvée)."
    );
}
