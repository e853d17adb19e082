use guichet::inquiry::{Kind, Topic};

use super::{assert_sorted, mail, parse_bytes, read};

#[test]
fn iso_8859_1_quoted_printable_is_decoded() {
    let m = parse_bytes(&read("mail/latin1-qp.eml"));
    assert!(m.body.contains("non-résident"), "{}", m.body);
    assert_eq!(m.from.unwrap().name.as_deref(), Some("Gérard Poulain"));
    assert_sorted(
        &mail("latin1-qp.eml"),
        Kind::Piscine,
        Some("piscine-pajeaud"),
        Topic::Tarifs,
    );
}

#[test]
fn windows_1252_quoted_printable_keeps_euro_sign_and_curly_apostrophe() {
    let m = parse_bytes(&read("mail/cp1252-qp.eml"));
    assert!(m.body.contains("28 €"), "{}", m.body);
    assert!(m.body.contains("J’ai"), "{}", m.body);
    assert_sorted(
        &mail("cp1252-qp.eml"),
        Kind::Theatre,
        Some("theatre-firmin-gemier"),
        Topic::Tarifs,
    );
}

#[test]
fn a_base64_body_is_decoded() {
    assert!(parse_bytes(&read("mail/base64-body.eml"))
        .body
        .contains("médiathèque La Buanderie"));
    assert_sorted(
        &mail("base64-body.eml"),
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::Horaires,
    );
}

#[test]
fn an_encoded_word_subject_is_decoded_and_names_the_theatre() {
    let m = parse_bytes(&read("mail/rfc2047-subject.eml"));
    assert_eq!(m.subject, "Réservation Théâtre Victor Hugo");
    assert_sorted(
        &mail("rfc2047-subject.eml"),
        Kind::Theatre,
        Some("theatre-victor-hugo"),
        Topic::Reservation,
    );
}

#[test]
fn an_html_only_mail_is_read_as_text_without_its_script() {
    let m = parse_bytes(&read("mail/html-only.eml"));
    assert!(m.body.contains("piscine de Bagneux"), "{}", m.body);
    assert!(!m.body.contains("alert"), "{}", m.body);
    assert!(!m.html.unwrap_or_default().contains("<script"));
    assert_sorted(
        &mail("html-only.eml"),
        Kind::Piscine,
        Some("piscine-bagneux"),
        Topic::Reclamation,
    );
}

#[test]
fn multipart_alternative_is_read_once_from_its_text_part() {
    let m = parse_bytes(&read("mail/alternative.eml"));
    assert_eq!(m.body.matches("Henri Dutilleux").count(), 1, "{}", m.body);
    assert_sorted(
        &mail("alternative.eml"),
        Kind::Conservatoire,
        Some("conservatoire-clamart"),
        Topic::Inscription,
    );
}

#[test]
fn a_tr_forward_is_classified_on_the_forwarded_inquiry() {
    let m = parse_bytes(&read("mail/forward-tr.eml"));
    assert!(m.body.contains("trousseau de clés"), "{}", m.body);
    assert!(!m.body.contains("Envoyé :"), "{}", m.body);
    assert_sorted(
        &mail("forward-tr.eml"),
        Kind::Mediatheque,
        Some("mediatheque-malakoff"),
        Topic::ObjetPerdu,
    );
}

#[test]
fn a_forward_as_message_rfc822_attachment_is_classified_on_the_attached_inquiry() {
    assert_sorted(
        &mail("forward-rfc822.eml"),
        Kind::Piscine,
        Some("piscine-blagis"),
        Topic::Inscription,
    );
}

#[test]
fn quoted_history_naming_another_facility_does_not_win() {
    let m = parse_bytes(&read("mail/reply-history.eml"));
    assert!(m.quoted.contains("conservatoire de Clamart"));
    assert_sorted(
        &mail("reply-history.eml"),
        Kind::Theatre,
        Some("theatre-victor-hugo"),
        Topic::Reservation,
    );
}

#[test]
fn a_text_attachment_carries_the_inquiry_when_the_body_is_empty() {
    assert_sorted(
        &mail("attachment-only.eml"),
        Kind::Mediatheque,
        Some("mediatheque-malakoff"),
        Topic::Horaires,
    );
}

#[test]
fn a_commune_in_the_signature_does_not_pin_a_facility() {
    let m = parse_bytes(&read("mail/signature-commune.eml"));
    assert!(m.signature.contains("Antony"));
    assert_sorted(
        &mail("signature-commune.eml"),
        Kind::Piscine,
        None,
        Topic::Inscription,
    );
}
