use guichet::inquiry::{Kind, Topic};
use guichet::mail::{parse, Limits, ParseError};

use super::{assert_sorted, faq, mail, parse_bytes, read};

#[test]
fn handlebars_syntax_in_a_mail_is_plain_text() {
    let m = parse_bytes(&read("mail/handlebars.eml"));
    assert!(m.body.contains("{{> partial}}"));
    assert_sorted(
        &mail("handlebars.eml"),
        Kind::Piscine,
        Some("piscine-clamart"),
        Topic::Tarifs,
    );
}

#[test]
fn a_ten_megabyte_mail_is_classified_without_error() {
    let mut raw = String::from(
        "From: Gros Envoi <gros.envoi@example.net>\r\nTo: contact@vallee-sud.example.org\r\n\
         Subject: Tarifs piscine de Clamart\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n",
    );
    raw.push_str("Bonjour, quel est le tarif de la piscine de Clamart ?\r\n");
    let line = "Lorem ipsum dolor sit amet, natation aquagym bassin vestiaires piscine.\r\n";
    while raw.len() < 5 * 1024 * 1024 {
        raw.push_str(line);
    }
    raw.push_str("--big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    let chunk = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    while raw.len() < 10 * 1024 * 1024 {
        raw.push_str(chunk);
    }
    raw.push_str("--big--\r\n");
    let message = parse(raw.as_bytes(), &Limits::default()).expect("a big mail still parses");
    let c = faq().classify(&message);
    assert_eq!(c.kind, Kind::Piscine);
    assert_eq!(super::facility(&c), Some("piscine-clamart"));
}

#[test]
fn a_broken_mime_tree_with_garbage_headers_still_gives_the_text() {
    let m = parse_bytes(&read("mail/broken-mime.eml"));
    assert_eq!(m.subject, "horaires conservatoire de Bagneux");
    assert_sorted(
        &mail("broken-mime.eml"),
        Kind::Conservatoire,
        Some("conservatoire-bagneux"),
        Topic::Horaires,
    );
}

#[test]
fn empty_and_binary_inputs_are_refused_as_mail() {
    assert!(matches!(
        parse(&read("mail/empty.eml"), &Limits::default()),
        Err(ParseError::Empty)
    ));
    assert!(parse(&read("mail/binary.eml"), &Limits::default()).is_err());
}

#[test]
fn header_injection_in_the_subject_is_flattened_to_one_line() {
    let raw = b"From: a@example.net\r\nSubject: =?UTF-8?Q?Horaires=0D=0ABcc:_x@example.net?=\r\n\r\nBonjour";
    let m = parse_bytes(raw);
    assert!(
        !m.subject.contains('\n') && !m.subject.contains('\r'),
        "{:?}",
        m.subject
    );
}
