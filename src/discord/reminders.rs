//! Working-morning reminders: one message per agents' channel listing the inquiries due today or
//! overdue. The text is a pure function of the list and the date; the scheduler only waits.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serenity::all::ChannelId;

use super::commands::place;
use super::Settings;
use crate::calendar::{paris_date, Calendar};
use crate::faq::catalogue::Catalogue;
use crate::indicators::OverdueItem;
use crate::inquiry::Lang;
use crate::labels;
use crate::store::InquirySummary;

/// Most soft-automatic mails listed with a restore button (Discord allows 25 buttons).
const SOFT_LISTED: usize = 10;

/// The morning list of mails judged automatic on soft evidence only, with one "Restaurer"
/// button per mail (`g:restore:{id}`), or None when there is none.
pub fn soft_automatic_reminder(
    items: &[InquirySummary],
) -> Option<(String, Vec<serenity::all::CreateActionRow>)> {
    use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};
    if items.is_empty() {
        return None;
    }
    let n = items.len();
    let (mails, sorted) = if n == 1 {
        (
            "courriel classé automatique",
            "Restaurez-le si une personne l'a écrit",
        )
    } else {
        (
            "courriels classés automatiques",
            "Restaurez ceux qu'une personne a écrits",
        )
    };
    let mut text = format!(
        "**Probablement automatique — à vérifier** : {n} {mails} sur un simple indice (objet ou \
         texte), sans accusé de réception ni brouillon. {sorted}\u{a0}:\n"
    );
    for it in items.iter().take(SOFT_LISTED) {
        let reason = it.classification.automatic_reason.as_deref().unwrap_or("");
        let reason = reason
            .strip_prefix(crate::inquiry::SOFT_AUTOMATIC)
            .unwrap_or(reason);
        text.push_str(&format!(
            "• {} · reçu le {} · {}\n",
            it.reference,
            paris_date(it.received_at).format("%d/%m/%Y"),
            reason
        ));
    }
    if items.len() > SOFT_LISTED {
        text.push_str("… (suite dans la console)\n");
    }
    let buttons: Vec<CreateButton> = items
        .iter()
        .take(SOFT_LISTED)
        .map(|it| {
            CreateButton::new(crate::inquiry::Verb::Restore.custom_id(it.id, None))
                .label(format!("Restaurer {}", it.reference))
                .style(ButtonStyle::Secondary)
        })
        .collect();
    let rows = buttons
        .chunks(5)
        .map(|c| CreateActionRow::Buttons(c.to_vec()))
        .collect();
    Some((text.trim_end().to_string(), rows))
}

/// The reminder of one channel, or None when nothing is due there.
pub fn reminder_text(
    items: &[&OverdueItem],
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = format!(
        "**Rappel du {}** — {} à traiter aujourd'hui ou en retard :\n",
        today.format("%d/%m/%Y"),
        labels::count(items.len() as i64, "demande", "demandes")
    );
    for it in items {
        let state = match it.working_days_left {
            n if n >= 0 => "échéance aujourd'hui".to_string(),
            n => format!("en retard de {}", labels::working_days(-n, Lang::Fr)),
        };
        let line = format!(
            "• {} · {} · {} · {} — {} (échéance {})\n",
            it.reference,
            labels::channel(it.channel),
            place(catalogue, it),
            labels::topic(it.topic),
            state,
            it.deadline.format("%d/%m/%Y"),
        );
        if out.chars().count() + line.chars().count() > 1900 {
            out.push_str("… (suite dans `/en-attente`)\n");
            break;
        }
        out.push_str(&line);
    }
    Some(out.trim_end().to_string())
}

/// The reminders of a morning: per agents' channel, the items of its kinds due today or overdue.
pub fn reminders(
    settings: &Settings,
    catalogue: &Catalogue,
    items: &[OverdueItem],
    today: NaiveDate,
) -> Vec<(ChannelId, String)> {
    settings
        .all_agents_channels()
        .into_iter()
        .filter_map(|channel| {
            let mine: Vec<&OverdueItem> = items
                .iter()
                .filter(|it| {
                    it.working_days_left <= 0 && settings.agents_channel(it.kind) == channel
                })
                .collect();
            reminder_text(&mine, catalogue, today).map(|t| (channel, t))
        })
        .collect()
}

/// The next reminder time strictly after `now`: `hour` o'clock, Paris time, on a working day.
pub fn next_reminder(now: DateTime<Utc>, hour: u32, calendar: &Calendar) -> DateTime<Utc> {
    let mut day = paris_date(now);
    for _ in 0..30 {
        if calendar.is_working_day(day) {
            let local = day
                .and_hms_opt(hour, 0, 0)
                .and_then(|t| chrono_tz::Europe::Paris.from_local_datetime(&t).earliest());
            if let Some(t) = local.map(|t| t.with_timezone(&Utc)) {
                if t > now {
                    return t;
                }
            }
        }
        day += Duration::days(1);
    }
    now + Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_automatic_mail_is_listed_with_one_restore_button_each() {
        use crate::inquiry::{Channel, Classification, Kind, Lang, Topic, SOFT_AUTOMATIC};
        use crate::inquiry::{InquiryId, Status};
        let item = |id: i64| InquirySummary {
            id: InquiryId(id),
            reference: format!("VSGP-2026-{id:06}"),
            channel: Channel::Mail,
            received_at: Utc.with_ymd_and_hms(2026, 3, 6, 9, 0, 0).unwrap(),
            status: Status::Automatic,
            classification: Classification {
                kind: Kind::Autre,
                facility: None,
                topic: Topic::Autre,
                automatic: true,
                automatic_reason: Some(format!("{SOFT_AUTOMATIC}règle absence-objet")),
                lang: Lang::Fr,
                rules: Vec::new(),
                template: None,
                requests: Vec::new(),
            },
        };
        assert!(soft_automatic_reminder(&[]).is_none());
        let items: Vec<InquirySummary> = (1..=12).map(item).collect();
        let (text, rows) = soft_automatic_reminder(&items).expect("a reminder");
        assert!(
            text.contains("Probablement automatique — à vérifier"),
            "{text}"
        );
        assert!(text.contains("VSGP-2026-000001 · reçu le 06/03/2026 · règle absence-objet"));
        assert!(text.contains("suite dans la console"));
        assert_eq!(rows.len(), 2, "10 buttons in rows of 5");
    }

    #[test]
    fn next_reminder_skips_weekends_and_holidays() {
        let cal = Calendar::new(false);
        // Friday 2026-11-27 10:00 Paris: past 8:00, next is Monday 30 at 8:00 Paris (7:00 UTC).
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        assert_eq!(
            next_reminder(now, 8, &cal),
            Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap()
        );
        // Thursday 2026-12-24 after 8:00 → Saturday, Sunday, Christmas skipped: Monday 28.
        let now = Utc.with_ymd_and_hms(2026, 12, 24, 12, 0, 0).unwrap();
        assert_eq!(
            next_reminder(now, 8, &cal),
            Utc.with_ymd_and_hms(2026, 12, 28, 7, 0, 0).unwrap()
        );
    }
}
