//! A temporary notice (closure for works, pool draining, holiday hours) is in every draft of its
//! facility while valid, and never after.

use chrono::NaiveDate;

use guichet::assets::Source;
use guichet::config::Territory;
use guichet::draft::{Drafter, ReplyInput};
use guichet::faq::Faq;
use guichet::inquiry::{Channel, Message};

const NOTICE: &str = r#"
[[entry]]
id = "avis-vidange-bagneux"
scope = "piscine-bagneux"
topic = "horaires"
shape = "notice"
valid_from = 2026-03-01
valid_until = 2026-03-15

[entry.fr]
answer = """La Piscine de Bagneux est fermée pour sa vidange technique jusqu'au 15 mars inclus."""

[entry.en]
answer = """Piscine de Bagneux is closed for draining until 15 March included."""
"#;

/// The shipped FAQ data copied to a directory, with one more answers file.
fn faq_with_notice() -> (tempfile::TempDir, Faq) {
    let dir = tempfile::tempdir().expect("temp dir");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    copy_dir(&shipped, dir.path());
    std::fs::write(dir.path().join("answers/avis.toml"), NOTICE).expect("write notice");
    let faq = Faq::load(&Source::Directory(dir.path().to_path_buf())).expect("the FAQ loads");
    (dir, faq)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn draft_on(faq: &Faq, day: NaiveDate) -> guichet::draft::Draft {
    let drafter = Drafter::embedded(&Territory::default());
    let m = Message::chat("Combien coûte l'entrée à la piscine de Bagneux ?");
    let c = faq.classify(&m);
    drafter
        .reply(
            faq,
            &ReplyInput {
                message: &m,
                classification: &c,
                channel: Channel::Chat,
                reference: None,
                engagement_days: 1,
                today: day,
            },
        )
        .expect("draft renders")
}

#[test]
fn a_notice_is_in_the_drafts_of_its_facility_while_valid() {
    let (_dir, faq) = faq_with_notice();
    let d = draft_on(&faq, NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"));
    assert!(d.text.contains("vidange technique"), "{}", d.text);
    assert!(d.entries.contains(&"avis-vidange-bagneux".to_string()));
    assert!(
        d.note.iter().any(|l| l.contains("avis temporaire")),
        "{:?}",
        d.note
    );
}

#[test]
fn an_expired_notice_disappears() {
    let (_dir, faq) = faq_with_notice();
    let d = draft_on(&faq, NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"));
    assert!(!d.text.contains("vidange"), "{}", d.text);
    let before = draft_on(&faq, NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"));
    assert!(!before.text.contains("vidange"), "{}", before.text);
}

#[test]
fn a_notice_without_an_end_date_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    copy_dir(&shipped, dir.path());
    std::fs::write(
        dir.path().join("answers/avis.toml"),
        NOTICE.replace("valid_until = 2026-03-15\n", ""),
    )
    .expect("write notice");
    let err = Faq::load(&Source::Directory(dir.path().to_path_buf()))
        .expect_err("a notice without end is invalid")
        .to_string();
    assert!(
        err.contains("avis.toml:3:") && err.contains("valid_until"),
        "{err}"
    );
}
