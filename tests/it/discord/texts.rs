//! A read-through of what agents and citizens read from the bot, listed in one place: every text
//! is checked for computed agreement (never "(s)", "1 jours", "2 marqueur"), labels instead of
//! identifiers (facility ids, status ids), and French numbers ("100,0 %", never "100.0 %").

use chrono::NaiveDate;
use guichet::discord::buttons::{already_decided, markers_left};
use guichet::discord::commands::indicator_table;
use guichet::discord::post::{citizen_markdown, days_left};
use guichet::discord::reminders::reminder_text;
use guichet::indicators::Indicators;
use guichet::inquiry::{Kind, Standing, Status};
use regex::Regex;

use super::staff::item;
use super::*;

/// What is wrong with a text shown to a person, if anything.
fn problems(text: &str, facility_ids: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains("(s)") {
        found.push("\"(s)\" instead of computed agreement".to_string());
    }
    let singular_after_many = Regex::new(r"\b([2-9]|[1-9]\d+) (jour|marqueur|demande)\b").unwrap();
    let plural_after_one = Regex::new(r"\b[01] (jours|marqueurs|demandes)\b").unwrap();
    for re in [&singular_after_many, &plural_after_one] {
        if let Some(m) = re.find(text) {
            found.push(format!("agreement: {:?}", m.as_str()));
        }
    }
    if let Some(m) = Regex::new(r"\d\.\d").unwrap().find(text) {
        found.push(format!("decimal point: {:?}", m.as_str()));
    }
    if text.contains(" %") || Regex::new(r"\d%").unwrap().is_match(text) {
        found.push("percent without a non-breaking space".to_string());
    }
    let status_ids =
        Regex::new(r"statut : (received|drafted|approved|sent|rejected|automatic|answered)")
            .unwrap();
    if let Some(m) = status_ids.find(text) {
        found.push(format!("status id: {:?}", m.as_str()));
    }
    for id in facility_ids {
        if text.contains(id.as_str()) {
            found.push(format!("facility id: {id}"));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_texts_read_right_plurals_labels_and_numbers() {
    let knowledge = Knowledge::load(&Config::default()).unwrap();
    let catalogue = &knowledge.faq.catalogue;
    let facility_ids: Vec<String> = Kind::ALL
        .iter()
        .flat_map(|k| catalogue.of_kind(*k))
        .map(|f| f.id.as_str().to_string())
        .filter(|id| id.contains('-'))
        .collect();
    assert!(!facility_ids.is_empty());
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let today = d(11, 30);
    let mut texts: Vec<(String, String)> = Vec::new();
    for n in [-3, -1, 0, 1, 2] {
        texts.push((format!("time left {n}"), days_left(n)));
    }
    for n in 1..=3 {
        let list: Vec<String> = (0..n).map(|i| format!("horaires {i}")).collect();
        texts.push((format!("markers {n}"), markers_left(&list)));
    }
    for status in [Status::Approved, Status::Rejected, Status::Sent] {
        let s = Standing {
            status,
            decided_by: Some("discord:55".into()),
            decided_at: None,
        };
        texts.push((format!("already decided {status:?}"), already_decided(&s)));
    }
    let one = item(1, Kind::Piscine, "piscine-pajeaud", today, 0);
    let two = item(2, Kind::Piscine, "", d(11, 26), -2);
    let three = item(3, Kind::Theatre, "", d(11, 27), -1);
    texts.push((
        "reminder 1".into(),
        reminder_text(&[&three], catalogue, today).unwrap(),
    ));
    texts.push((
        "reminder 3".into(),
        reminder_text(&[&one, &two, &three], catalogue, today).unwrap(),
    ));
    let full = Indicators {
        received: 10,
        answered: 4,
        within_engagement: 4,
        within_engagement_pct: Some(100.0),
        median_working_days: Some(1),
        p90_working_days: Some(3),
        acknowledged_within_pct: Some(94.5),
        open: 1,
        overdue: 1,
        automatic: 2,
        rejected: 1,
    };
    let table = indicator_table("Indicateurs", &full);
    assert!(table.contains("100,0\u{a0}%"), "{table}");
    assert!(table.contains("1 jour ouvré"), "{table}");
    assert!(table.contains("3 jours ouvrés"), "{table}");
    texts.push(("indicators".into(), table));

    // The agents' card and the refusal of an approval, as the bot posts them.
    let bot = Bot::start().await;
    let m = bot.citizen_writes(HOURS);
    let id = bot.inquiry_of(m).await;
    let post = bot.post_of(id).await;
    texts.push((
        "card".into(),
        post.body["content"].as_str().unwrap().to_string(),
    ));
    let click = bot.click(&format!("g:ok:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    texts.push((
        "refusal".into(),
        cb["data"]["content"].as_str().unwrap().to_string(),
    ));
    let thread = bot
        .fake
        .wait_for("the acknowledgement", |r| {
            r.iter()
                .any(|q| q.method == "POST" && q.path == format!("/channels/{m}/messages"))
        })
        .await
        .into_iter()
        .find(|q| q.method == "POST" && q.path == format!("/channels/{m}/messages"))
        .unwrap();
    texts.push((
        "ack posted".into(),
        thread.body["content"].as_str().unwrap().to_string(),
    ));
    bot.stop().await;

    let wrong: Vec<String> = texts
        .iter()
        .flat_map(|(name, t)| {
            problems(t, &facility_ids)
                .into_iter()
                .map(move |p| format!("{name}: {p}\n  {t}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let card = &texts.iter().find(|(n, _)| n == "card").unwrap().1;
    assert!(
        card.contains("Piscine") && card.contains("sujet : horaires"),
        "{card}"
    );
    assert!(card.contains("Discord"), "{card}");
}

#[test]
fn the_checks_catch_what_the_issue_found() {
    let ids = vec!["piscine-clamart".to_string()];
    for bad in [
        "1 jour(s) ouvré(s)",
        "il reste 1 marqueur(s)",
        "(1 j ouvrés)".replace("j", "jours").as_str(),
        "dans l'engagement 4 (100.0 %)",
        "statut : approved",
        "Équipement : piscine-clamart",
        "2 jour ouvré",
    ] {
        assert!(!problems(bad, &ids).is_empty(), "not caught: {bad}");
    }
    assert!(problems("1 jour ouvré, 2 jours ouvrés, 100,0\u{a0}%", &ids).is_empty());
}

#[test]
fn citizen_text_shows_hidden_characters_and_quotes() {
    let text = "> cite\npay\u{200b}pal \u{202e}fdp.exe\n\u{feff}@everyone";
    let shown = citizen_markdown(text);
    assert!(shown.starts_with("> cite"), "{shown}");
    assert!(!shown.contains("\\>"), "{shown}");
    // Escaped for Discord (`\[` shows as `[`): agents read "pay[U+200B]pal".
    assert!(
        shown.contains("pay\\[U+200B\\]pal \\[U+202E\\]fdp.exe"),
        "{shown}"
    );
    assert!(shown.contains("\\[U+FEFF\\]\\@everyone"), "{shown}");
}
