//! Drafting on inquiries written for the project (`tests/fixtures/drafts/cases.toml`): each
//! request gets the FAQ entry a careful agent expects, in order; greetings only for reliable
//! names; no internal note, escape artefact, template syntax or wrong agreement in the text.
//! Plus the examples of every entry, notices that expire, and a holding reply that leaves the
//! inquiry open in `guichet report`.

mod holding;
mod notices;

use chrono::NaiveDate;
use serde::Deserialize;

use guichet::config::Territory;
use guichet::draft::{Draft, Drafter, ReplyInput};
use guichet::faq::Faq;
use guichet::inquiry::{Channel, Message};
use guichet::mail::{parse, Limits};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    channel: Option<String>,
    from: Option<String>,
    subject: Option<String>,
    body: String,
    entries: Vec<String>,
    greeting: String,
    #[serde(default)]
    holding: bool,
    #[serde(default)]
    complaint: bool,
    #[serde(default)]
    unanswered: usize,
    #[serde(default)]
    asks_facility: bool,
    #[serde(default)]
    outside: bool,
}

fn cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/drafts/cases.toml"
    );
    let text = std::fs::read_to_string(path).expect("the cases file is readable");
    toml::from_str::<Cases>(&text)
        .expect("the cases file parses")
        .case
}

/// The message as the channel gives it: a real RFC 5322 mail through the parser, or chat text.
fn message(case: &Case) -> (Message, Channel) {
    if case.channel.as_deref() == Some("chat") {
        return (Message::chat(&case.body), Channel::Chat);
    }
    let raw = format!(
        "From: {}\r\nTo: contact@valleesud.example\r\nSubject: {}\r\nDate: Mon, 02 Mar 2026 09:00:00 +0100\r\n\
         Message-ID: <case@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        case.from.as_deref().unwrap_or("someone@example.net"),
        case.subject.as_deref().unwrap_or(""),
        case.body.replace('\n', "\r\n")
    );
    let m = parse(raw.as_bytes(), &Limits::default()).expect("the case parses as mail");
    (m, Channel::Mail)
}

fn draft(faq: &Faq, drafter: &Drafter, case: &Case) -> Draft {
    let (m, channel) = message(case);
    let c = faq.classify(&m);
    assert!(!c.automatic, "{}: classified as automatic", case.name);
    drafter
        .reply(
            faq,
            &ReplyInput {
                message: &m,
                classification: &c,
                channel,
                reference: Some("VSGP-2026-000042"),
                engagement_days: if channel == Channel::Chat { 1 } else { 5 },
                today: NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date"),
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

/// What must never be in a citizen's text, whatever the inquiry.
fn problems_in_text(faq: &Faq, d: &Draft, chat: bool) -> Vec<String> {
    let mut out = Vec::new();
    let text = d.text.replace('\u{a0}', " ");
    for f in &faq.catalogue.facilities {
        if !f.note.trim().is_empty() && text.contains(f.note.trim()) {
            out.push(format!("internal note of {} in the text", f.id));
        }
    }
    for bad in [
        "À noter",
        "{{",
        "}}",
        "1 jours",
        "1 working days",
        "(s)",
        "Objet :",
    ] {
        if text.contains(bad) {
            out.push(format!("{bad:?} in the text"));
        }
    }
    for bad in ["\\[", "\\-", "\\]"] {
        if d.markdown.contains(bad) {
            out.push(format!("escape artefact {bad:?} in the chat markdown"));
        }
    }
    if chat && !d.subject.is_empty() {
        out.push("a chat draft has a subject".to_string());
    }
    if text.matches("Nous vous remercions").count() > 1 {
        out.push("thanks twice".to_string());
    }
    if d.lang == guichet::inquiry::Lang::Fr && plain_space_before_punctuation(&d.text) {
        out.push("a plain space before « : ; ? ! » (French needs a non-breaking one)".to_string());
    }
    out
}

/// True when a plain space precedes `: ; ? !` outside markers (which stay as agents type them).
fn plain_space_before_punctuation(text: &str) -> bool {
    let mut depth = 0usize;
    let chars: Vec<char> = text.chars().collect();
    for i in 1..chars.len() {
        if chars[i - 1] == '[' && chars[i] == '[' {
            depth += 1;
        }
        if chars[i - 1] == ']' && chars[i] == ']' {
            depth = depth.saturating_sub(1);
        }
        if depth == 0 && chars[i - 1] == ' ' && matches!(chars[i], ':' | ';' | '?' | '!') {
            return true;
        }
    }
    false
}

#[test]
fn each_case_gets_the_expected_entries_greeting_and_clean_text() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let all = cases();
    assert!(all.len() >= 60, "only {} cases", all.len());
    let mut failures = Vec::new();
    for case in &all {
        let d = draft(&faq, &drafter, case);
        let mut wrong = Vec::new();
        let answered: Vec<&String> = d
            .entries
            .iter()
            .filter(|e| !e.starts_with("avis-"))
            .collect();
        let expected: Vec<&String> = case.entries.iter().collect();
        if answered != expected {
            wrong.push(format!("entries {answered:?}, expected {expected:?}"));
        }
        let first_line = d.text.lines().next().unwrap_or("");
        if first_line != case.greeting {
            wrong.push(format!(
                "greeting {first_line:?}, expected {:?}",
                case.greeting
            ));
        }
        if d.holding != case.holding {
            wrong.push(format!("holding {}, expected {}", d.holding, case.holding));
        }
        if case.complaint
            && !d.text.contains("désolés")
            && !d.text.contains("sorry")
            && !d.text.contains("excuser")
            && !d.text.contains("apologise")
        {
            wrong.push("a complaint without an apology".to_string());
        }
        let unanswered = d
            .markers
            .iter()
            .filter(|m| m.starts_with("réponse à"))
            .count();
        if unanswered != case.unanswered {
            wrong.push(format!(
                "{unanswered} unanswered markers, expected {}",
                case.unanswered
            ));
        }
        let asks = d.text.contains("pourriez-vous nous préciser")
            || d.text.contains("could you tell us which");
        if asks != case.asks_facility {
            wrong.push(format!(
                "asks the facility: {asks}, expected {}",
                case.asks_facility
            ));
        }
        let says_outside =
            d.text.contains("ne dépend pas de Vallée Sud") || d.text.contains("is not run by");
        if says_outside != case.outside {
            wrong.push(format!("says the place is not VSGP's: {says_outside}"));
        }
        wrong.extend(problems_in_text(
            &faq,
            &d,
            case.channel.as_deref() == Some("chat"),
        ));
        if !wrong.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n--- draft ---\n{}",
                case.name,
                wrong.join("\n  "),
                d.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_answer_entry_finds_its_own_example_questions() {
    let faq = Faq::embedded();
    let failures = faq.answers.test_examples(&faq.catalogue);
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(faq.answers.len() >= 60, "{} entries", faq.answers.len());
}

#[test]
fn the_agent_sees_which_entry_answered_which_sentence() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let case = cases()
        .into_iter()
        .find(|c| c.name == "three questions with a liseuse nobody answers")
        .expect("the case exists");
    let d = draft(&faq, &drafter, &case);
    assert!(
        d.note
            .iter()
            .any(|l| l.contains("liseuses") && l.contains("aucune entrée")),
        "{:?}",
        d.note
    );
    assert!(
        d.note.iter().any(|l| l.contains("→ horaires")),
        "{:?}",
        d.note
    );
    assert!(
        d.markers.iter().any(|m| m.contains("liseuses")),
        "{:?}",
        d.markers
    );
}
