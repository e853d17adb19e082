//! Classification tests on fixtures written for the project (fictitious people, example domains):
//! FAQ examples, automatic mail, MIME oddities, outcomes, hostile inputs and the CLI's JSON output.

mod automatic;
mod cli;
mod hostile;
mod mime;
mod outcomes;
mod rules;
mod sorting;
mod topics;

use std::path::PathBuf;
use std::sync::OnceLock;

use guichet::faq::Faq;
use guichet::inquiry::{Classification, Kind, Message, Topic};
use guichet::mail::{parse, Limits};

pub fn faq() -> &'static Faq {
    static FAQ: OnceLock<Faq> = OnceLock::new();
    FAQ.get_or_init(Faq::embedded)
}

pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

pub fn read(relative: &str) -> Vec<u8> {
    std::fs::read(fixture(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

pub fn parse_bytes(bytes: &[u8]) -> Message {
    parse(bytes, &Limits::default()).expect("the fixture parses as mail")
}

/// Parses and classifies `tests/fixtures/mail/NAME`.
pub fn mail(name: &str) -> Classification {
    faq().classify(&parse_bytes(&read(&format!("mail/{name}"))))
}

/// Classifies `tests/fixtures/chat/NAME` as a chat message.
pub fn chat(name: &str) -> Classification {
    let text = String::from_utf8(read(&format!("chat/{name}"))).expect("UTF-8 chat fixture");
    faq().classify(&Message::chat(&text))
}

/// The same mail with one more header field in front.
pub fn with_header(name: &str, header: &str) -> Classification {
    let mut bytes = format!("{header}\r\n").into_bytes();
    bytes.extend(read(&format!("mail/{name}")));
    faq().classify(&parse_bytes(&bytes))
}

pub fn facility(c: &Classification) -> Option<&str> {
    c.facility.as_ref().map(|f| f.as_str())
}

/// Asserts kind, facility and topic of a human message.
#[track_caller]
pub fn assert_sorted(c: &Classification, kind: Kind, place: Option<&str>, topic: Topic) {
    assert!(!c.automatic, "taken for automatic: {c:?}");
    assert_eq!(
        (c.kind, facility(c), c.topic),
        (kind, place, topic),
        "rules fired: {:?}",
        c.rules
    );
}
