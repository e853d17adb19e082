//! Tests of the engagements file: shipped defaults, override resolution and load-time errors.

use super::*;

fn file(text: &str) -> DataFile {
    DataFile {
        name: "faq/engagements.toml".to_string(),
        relative: "engagements.toml".to_string(),
        text: text.to_string(),
    }
}

const CHANNELS: &str = "[answer]
mail = 5
chat = 1
formulaire = 5
courrier = 10
telephone = 5
accueil = 5
";

fn parse(text: &str) -> Result<Engagements, EngagementError> {
    Engagements::parse(&file(text))
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(e) => panic!("expected an error, got {e:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn shipped_defaults() {
    let e = Engagements::embedded();
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Piscine, Topic::Horaires),
        5
    );
    assert_eq!(e.answer_days(Channel::Chat, Kind::Siege, Topic::Tarifs), 1);
    assert_eq!(
        e.answer_days(Channel::Formulaire, Kind::Autre, Topic::Autre),
        5
    );
    assert_eq!(
        e.answer_days(Channel::Courrier, Kind::Theatre, Topic::Inscription),
        10
    );
    assert_eq!(
        e.answer_days(Channel::Telephone, Kind::Siege, Topic::Horaires),
        5
    );
    assert_eq!(
        e.answer_days(Channel::Accueil, Kind::Siege, Topic::Horaires),
        5
    );
    for &channel in Channel::ALL {
        for &kind in Kind::ALL {
            assert_eq!(e.answer_days(channel, kind, Topic::Reclamation), 10);
        }
    }
    assert_eq!(e.acknowledgement_days(Channel::Mail), Some(0));
    assert_eq!(e.acknowledgement_days(Channel::Formulaire), Some(0));
    assert_eq!(e.acknowledgement_days(Channel::Courrier), Some(0));
    assert_eq!(e.acknowledgement_days(Channel::Chat), None);
    assert_eq!(Engagements::load(&Source::embedded_faq()).ok(), Some(e));
}

#[test]
fn enum_discriminants_follow_all_order() {
    assert!(Channel::ALL
        .iter()
        .enumerate()
        .all(|(i, c)| *c as usize == i));
    assert!(Kind::ALL.iter().enumerate().all(|(i, k)| *k as usize == i));
    assert!(Topic::ALL.iter().enumerate().all(|(i, t)| *t as usize == i));
}

#[test]
fn most_specific_override_wins() {
    let text = format!(
        "{CHANNELS}
[[answer.override]]
topic = \"reclamation\"
days = 10

[[answer.override]]
kind = \"piscine\"
topic = \"reclamation\"
days = 7

[[answer.override]]
channel = \"chat\"
kind = \"piscine\"
topic = \"reclamation\"
days = 2
"
    );
    let e = parse(&text).expect("valid");
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Siege, Topic::Reclamation),
        10
    );
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Piscine, Topic::Reclamation),
        7
    );
    assert_eq!(
        e.answer_days(Channel::Chat, Kind::Piscine, Topic::Reclamation),
        2
    );
    assert_eq!(
        e.answer_days(Channel::Chat, Kind::Siege, Topic::Reclamation),
        10
    );
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Piscine, Topic::Horaires),
        5
    );
    assert_eq!(e.acknowledgement_days(Channel::Mail), None);
}

#[test]
fn conflict_names_both_lines() {
    // Lines 9 and 13: chat + reclamation matches both with specificity 1.
    let text = format!(
        "{CHANNELS}
[[answer.override]]
channel = \"chat\"
days = 2

[[answer.override]]
topic = \"reclamation\"
days = 10
"
    );
    let message = error(&text);
    assert!(
        message.starts_with("faq/engagements.toml:13: "),
        "{message}"
    );
    assert!(message.contains("line 9"), "{message}");
    assert!(
        message.contains("`chat`") && message.contains("`reclamation`"),
        "{message}"
    );

    // A more specific override settles the tie.
    let settled = format!(
        "{text}
[[answer.override]]
channel = \"chat\"
topic = \"reclamation\"
days = 3
"
    );
    let e = parse(&settled).expect("tie settled");
    assert_eq!(
        e.answer_days(Channel::Chat, Kind::Autre, Topic::Reclamation),
        3
    );
    assert_eq!(e.answer_days(Channel::Chat, Kind::Autre, Topic::Tarifs), 2);
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Autre, Topic::Reclamation),
        10
    );
}

#[test]
fn equal_overrides_that_agree_are_fine() {
    let text = format!(
        "{CHANNELS}
[[answer.override]]
channel = \"courrier\"
days = 10

[[answer.override]]
topic = \"reclamation\"
days = 10
"
    );
    assert!(parse(&text).is_ok());
}

#[test]
fn unknown_names_report_file_and_line() {
    let topic = format!("{CHANNELS}\n[[answer.override]]\ntopic = \"reclamations\"\ndays = 10\n");
    let message = error(&topic);
    assert!(
        message.starts_with("faq/engagements.toml:10: unknown topic `reclamations`"),
        "{message}"
    );

    let channel = CHANNELS.replace("chat = 1", "sms = 1");
    let message = error(&channel);
    assert!(
        message.starts_with("faq/engagements.toml:3: unknown channel `sms`"),
        "{message}"
    );

    let ack = format!("{CHANNELS}[acknowledgement]\nmail = 0\nfax = 1\n");
    let message = error(&ack);
    assert!(
        message.starts_with("faq/engagements.toml:10: unknown channel `fax`"),
        "{message}"
    );

    let kind = format!("{CHANNELS}[[answer.override]]\nkind = \"stade\"\ndays = 3\n");
    assert!(error(&kind).starts_with("faq/engagements.toml:9: unknown kind `stade`"));
}

#[test]
fn missing_channel_is_an_error() {
    let text = CHANNELS.replace("telephone = 5\n", "");
    let message = error(&text);
    assert!(message.starts_with("faq/engagements.toml:1: "), "{message}");
    assert!(message.contains("`telephone`"), "{message}");
}

#[test]
fn malformed_files_report_a_line() {
    let negative = CHANNELS.replace("courrier = 10", "courrier = -1");
    assert!(error(&negative).starts_with("faq/engagements.toml:5: "));
    let text = CHANNELS.replace("mail = 5", "mail = \"cinq\"");
    assert!(error(&text).starts_with("faq/engagements.toml:2: "));
    let typo = format!("{CHANNELS}\n[[answer.override]]\ntopic = \"tarifs\"\ndelai = 3\n");
    assert!(error(&typo).starts_with("faq/engagements.toml:"));
    let empty = format!("{CHANNELS}\n[[answer.override]]\ndays = 3\n");
    let message = error(&empty);
    assert!(
        message.starts_with("faq/engagements.toml:9: override sets none"),
        "{message}"
    );
    assert!(error("[acknowledgement]\nmail = 0\n").starts_with("faq/engagements.toml:"));
}

#[test]
fn load_reports_a_missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = Source::Directory(dir.path().to_path_buf());
    let message = Engagements::load(&source).expect_err("missing").to_string();
    assert!(message.contains("engagements.toml"), "{message}");
    std::fs::write(dir.path().join("engagements.toml"), CHANNELS).expect("write");
    let e = Engagements::load(&source).expect("valid");
    assert_eq!(
        e.answer_days(Channel::Mail, Kind::Autre, Topic::Reclamation),
        5
    );
}
