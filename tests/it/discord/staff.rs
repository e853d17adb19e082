//! Quality staff: `/indicateurs` gives the numbers of `guichet report`, refused without the
//! quality role; `/en-attente`; the morning reminder text for a fixed date.

use chrono::{NaiveDate, TimeZone, Utc};
use guichet::discord::commands::indicator_table;
use guichet::discord::reminders::reminders;
use guichet::discord::Settings;
use guichet::indicators::{OverdueItem, ReportQuery};
use guichet::inquiry::InquiryId;
use guichet::inquiry::{Channel, Kind, Topic};
use serde_json::json;

use super::*;

fn command(name: &str, options: serde_json::Value) -> serde_json::Value {
    json!({ "id": "77", "name": name, "type": 1, "options": options })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicateurs_gives_the_report_numbers_and_needs_the_quality_role() {
    let bot = Bot::start().await;
    for text in [
        LOST,
        HOURS,
        "Bonjour, comment s'inscrire au conservatoire ?",
    ] {
        let m = bot.citizen_writes(text);
        bot.inquiry_of(m).await;
    }
    let year = chrono::Datelike::year(&guichet::calendar::paris_date(Utc::now()));
    let ask = bot.interact(
        2,
        command(
            "indicateurs",
            json!([{ "name": "période", "type": 3, "value": year.to_string() }]),
        ),
        OUTSIDER,
        &[QUALITY_ROLE],
        None,
    );
    let cb = bot.callback(ask).await;
    assert!(!is_ephemeral(&cb));
    let shown = cb["data"]["content"].as_str().unwrap().to_string();
    let today = guichet::calendar::paris_date(Utc::now());
    let rows = bot
        .pipeline
        .store
        .report(&ReportQuery {
            from: NaiveDate::from_ymd_opt(year, 1, 1),
            to: NaiveDate::from_ymd_opt(year, 12, 31),
            by: Vec::new(),
            today,
        })
        .await
        .unwrap();
    assert_eq!(rows[0].indicators.received, 3);
    let title = format!("Indicateurs du 01/01/{year} au 31/12/{year}");
    let (table, accuracy) = shown.rsplit_once('\n').expect("an accuracy line");
    assert_eq!(table, indicator_table(&title, &rows[0].indicators));
    assert_eq!(
        accuracy,
        "Précision du tri\u{a0}: aucune décision sur la période."
    );
    assert!(shown.contains("reçues                  3"), "{shown}");

    let refused = bot.interact(
        2,
        command("indicateurs", json!([])),
        AGENT,
        &[AGENT_ROLE],
        None,
    );
    let cb = bot.callback(refused).await;
    assert!(is_ephemeral(&cb));
    assert!(cb["data"]["content"]
        .as_str()
        .unwrap()
        .contains("réservée à l'équipe qualité"));

    let waiting = bot.interact(
        2,
        command("en-attente", json!([])),
        OUTSIDER,
        &[QUALITY_ROLE],
        None,
    );
    let cb = bot.callback(waiting).await;
    let text = cb["data"]["content"].as_str().unwrap();
    assert!(text.starts_with("**3 demandes en attente**"), "{text}");
    assert!(text.contains("1 jour ouvré restant"), "{text}");
    assert!(!text.contains("piscine-pajeaud"), "labels, not ids: {text}");

    // The commands were registered in the guild at start-up.
    let reqs = bot.fake.requests();
    let put = reqs
        .iter()
        .find(|q| {
            q.method == "PUT"
                && q.path
                    .ends_with(&format!("/guilds/{}/commands", fake::GUILD))
        })
        .expect("commands registered");
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["indicateurs", "en-attente"]);
    bot.stop().await;
}

pub fn item(id: i64, kind: Kind, facility: &str, deadline: NaiveDate, left: i64) -> OverdueItem {
    OverdueItem {
        id: InquiryId(id),
        reference: format!("VSGP-2026-{id:06}"),
        channel: Channel::Mail,
        kind,
        facility: facility.to_string(),
        topic: Topic::Horaires,
        received_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
        deadline,
        working_days_left: left,
    }
}

#[test]
fn the_reminder_text_for_a_fixed_date() {
    let settings = Settings::from_config(&discord_config("http://127.0.0.1:1")).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    let items = [
        item(1, Kind::Piscine, "piscine-pajeaud", d(30), 0),
        item(2, Kind::Piscine, "", d(26), -2),
        item(3, Kind::Theatre, "", d(27), -1),
        item(
            4,
            Kind::Piscine,
            "",
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            2,
        ),
    ];
    let knowledge = Knowledge::load(&Config::default()).unwrap();
    let out = reminders(&settings, &knowledge.faq.catalogue, &items, today);
    assert_eq!(out.len(), 2, "{out:?}");
    let (default_channel, theatre) = out.iter().find(|(c, _)| c.get() == AGENTS_DEFAULT).unwrap();
    assert_eq!(default_channel.get(), AGENTS_DEFAULT);
    assert_eq!(
        theatre,
        "**Rappel du 30/11/2026** — 1 demande à traiter aujourd'hui ou en retard :\n\
         • VSGP-2026-000003 · courriel · Théâtre (équipement non déterminé) · horaires — en retard de 1 jour ouvré (échéance 27/11/2026)"
    );
    let (_, pool) = out.iter().find(|(c, _)| c.get() == AGENTS_PISCINE).unwrap();
    assert!(pool.contains("2 demandes à traiter"), "{pool}");
    assert!(pool.contains("en retard de 2 jours ouvrés"), "{pool}");
    let pajeaud = &knowledge
        .faq
        .catalogue
        .facility_by_str("piscine-pajeaud")
        .unwrap()
        .name;
    assert!(pool.contains(&format!(
        "VSGP-2026-000001 · courriel · {pajeaud} · horaires — échéance aujourd'hui"
    )));
    assert!(pool.contains("VSGP-2026-000002"));
    assert!(!pool.contains("VSGP-2026-000004"), "not due yet");
}
