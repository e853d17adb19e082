//! Slash commands for quality staff: `/indicateurs [période] [équipement]` (the numbers of
//! `guichet report`) and `/en-attente` (open inquiries and their deadlines). Both need the
//! quality role.

use chrono::{NaiveDate, Utc};
use serenity::all::{
    CommandDataOptionValue, CommandInteraction, CommandOptionType, Context, CreateCommand,
    CreateCommandOption, CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::buttons::has_role;
use super::post::days_left;
use super::{Data, DiscordError};
use crate::calendar::paris_date;
use crate::draft::render::text_to_markdown;
use crate::faq::catalogue::Catalogue;
use crate::indicators::Indicators;
use crate::indicators::{GroupBy, OverdueItem, ReportQuery};
use crate::inquiry::Lang;
use crate::labels;
use crate::store::{Store, StoreError};

/// The commands registered in the guild.
pub fn definitions() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("indicateurs")
            .description("Indicateurs Qualivilles (comme guichet report)")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "période",
                    "AAAA, AAAA-MM ou AAAA-MM-JJ..AAAA-MM-JJ (défaut : tout)",
                )
                .required(false),
            )
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "équipement",
                    "identifiant d'équipement (ex. piscine-pajeaud)",
                )
                .required(false),
            ),
        CreateCommand::new("en-attente").description("Demandes ouvertes et leurs échéances"),
    ]
}

/// A period typed by a person: `2026`, `2026-03`, `2026-01-01..2026-03-31`; None when invalid.
pub fn parse_period(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once("..") {
        let a = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").ok()?;
        let b = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").ok()?;
        return (a <= b).then_some((a, b));
    }
    if let Some((y, m)) = s.split_once('-') {
        let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        return Some((first, next.pred_opt()?));
    }
    let y: i32 = s.parse().ok()?;
    Some((
        NaiveDate::from_ymd_opt(y, 1, 1)?,
        NaiveDate::from_ymd_opt(y, 12, 31)?,
    ))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |p| labels::percent(p, 1))
}

fn days(v: Option<u32>) -> String {
    v.map_or_else(
        || "—".to_string(),
        |d| labels::working_days(i64::from(d), Lang::Fr),
    )
}

/// Where an overdue item is: its facility's name from the catalogue, else its kind's label.
pub fn place(catalogue: &Catalogue, it: &OverdueItem) -> String {
    let name = catalogue
        .facility_by_str(&it.facility)
        .map(|f| f.name.as_str());
    text_to_markdown(&labels::facility_or_kind(name, it.kind))
}

/// The indicator table as shown in Discord.
pub fn indicator_table(title: &str, i: &Indicators) -> String {
    format!(
        "**{title}**\n```\n\
         reçues                  {}\n\
         répondues               {}\n\
         dans l'engagement       {} ({})\n\
         délai médian            {}\n\
         délai 90e centile       {}\n\
         accusés dans le délai   {}\n\
         ouvertes                {}\n\
         en retard               {}\n\
         automatiques            {}\n\
         rejetées                {}\n```",
        i.received,
        i.answered,
        i.within_engagement,
        pct(i.within_engagement_pct),
        days(i.median_working_days),
        days(i.p90_working_days),
        pct(i.acknowledged_within_pct),
        i.open,
        i.overdue,
        i.automatic,
        i.rejected,
    )
}

/// `/indicateurs`: the same query as `guichet report [--from --to] [--by facility]`.
pub async fn indicators(
    store: &Store,
    catalogue: &Catalogue,
    period: Option<&str>,
    facility: Option<&str>,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let (from, to) = match period.filter(|p| !p.trim().is_empty()) {
        Some(p) => match parse_period(p) {
            Some((a, b)) => (Some(a), Some(b)),
            None => {
                return Ok(format!(
                    "Période invalide : `{}` (AAAA, AAAA-MM ou AAAA-MM-JJ..AAAA-MM-JJ).",
                    crate::draft::render::text_to_markdown(p)
                ))
            }
        },
        None => (None, None),
    };
    let by = if facility.is_some() {
        vec![GroupBy::Facility]
    } else {
        Vec::new()
    };
    let rows = store
        .report(&ReportQuery {
            from,
            to,
            by,
            today,
        })
        .await?;
    let row = match facility {
        Some(f) => rows
            .into_iter()
            .find(|r| r.groups.first().map(String::as_str) == Some(f)),
        None => rows.into_iter().next(),
    };
    let title = format!(
        "Indicateurs {}{}",
        match (from, to) {
            (Some(a), Some(b)) =>
                format!("du {} au {}", a.format("%d/%m/%Y"), b.format("%d/%m/%Y")),
            _ => "depuis le début".to_string(),
        },
        facility
            .map(|f| {
                let name = catalogue.facility_by_str(f).map_or(f, |x| x.name.as_str());
                format!(" — {}", text_to_markdown(name))
            })
            .unwrap_or_default()
    );
    let body = match row {
        Some(r) => indicator_table(&title, &r.indicators),
        None => format!("**{title}**\nAucune demande pour ce filtre."),
    };
    Ok(format!(
        "{body}\n{}",
        crate::learn::present::one_line(&store.sorting_accuracy(from, to, facility).await?)
    ))
}

/// `/en-attente`: every open inquiry with its deadline, soonest first.
pub async fn waiting(
    store: &Store,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let items = store.overdue(today, 3650).await?;
    if items.is_empty() {
        return Ok("Aucune demande en attente.".to_string());
    }
    let mut out = format!(
        "**{} en attente**\n",
        labels::count(items.len() as i64, "demande", "demandes")
    );
    for it in &items {
        let line = format!(
            "• {} · {} · {} — échéance {} ({})\n",
            it.reference,
            place(catalogue, it),
            labels::topic(it.topic),
            it.deadline.format("%d/%m/%Y"),
            days_left(it.working_days_left)
        );
        if out.chars().count() + line.chars().count() > 1950 {
            out.push_str("…\n");
            break;
        }
        out.push_str(&line);
    }
    Ok(out)
}

/// A slash command from Discord.
pub async fn on_command(
    ctx: &Context,
    data: &Data,
    i: &CommandInteraction,
) -> Result<(), DiscordError> {
    let text = if !has_role(i.member.as_deref(), data.settings.quality_role) {
        tracing::warn!(user = i.user.id.get(), command = %i.data.name, "slash command refused: no quality role");
        "Commande réservée à l'équipe qualité (rôle qualité requis).".to_string()
    } else {
        let option = |name: &str| {
            i.data
                .options
                .iter()
                .find(|o| o.name == name)
                .and_then(|o| match &o.value {
                    CommandDataOptionValue::String(s) => Some(s.as_str()),
                    _ => None,
                })
        };
        let today = paris_date(Utc::now());
        match i.data.name.as_str() {
            "indicateurs" => {
                indicators(
                    &data.pipeline.store,
                    &data.pipeline.knowledge.faq.catalogue,
                    option("période"),
                    option("équipement"),
                    today,
                )
                .await?
            }
            "en-attente" => {
                let catalogue = &data.pipeline.knowledge.faq.catalogue;
                waiting(&data.pipeline.store, catalogue, today).await?
            }
            _ => return Ok(()),
        }
    };
    let refused = !has_role(i.member.as_deref(), data.settings.quality_role);
    let msg = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(refused)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new());
    i.create_response(&ctx.http, CreateInteractionResponse::Message(msg))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            parse_period("2026-02"),
            Some((d(2026, 2, 1), d(2026, 2, 28)))
        );
        assert_eq!(parse_period("2025"), Some((d(2025, 1, 1), d(2025, 12, 31))));
        assert_eq!(
            parse_period("2026-01-05..2026-03-31"),
            Some((d(2026, 1, 5), d(2026, 3, 31)))
        );
        assert_eq!(parse_period("2026-03-31..2026-01-05"), None);
        assert_eq!(parse_period("mars"), None);
    }
}
