//! The agents' post: what an agent sees of a draft in the channel of its kind (who wrote, when,
//! where, facility and topic with the rules that fired, the deadline, the citizen's text escaped,
//! the draft), and the buttons to act on it. Pure text here; the outbox job carries it.

use chrono::{DateTime, Utc};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};

use crate::draft::render::text_to_markdown;
use crate::inquiry::{InquiryId, Message, Verb};
use crate::store::InquirySummary;

/// Discord's limit for a message's content.
pub const MAX_CONTENT: usize = 2000;
/// What the citizen's text may take in a post.
const MAX_CITIZEN: usize = 700;
/// What the draft may take in a post.
const MAX_DRAFT: usize = 800;

/// `text` escaped for Discord and cut (on the raw text, so no escape is split) to `max`
/// characters; true when it was cut.
pub fn escaped_within(text: &str, max: usize) -> (String, bool) {
    let full = text_to_markdown(text);
    if full.chars().count() <= max {
        return (full, false);
    }
    let mut n = max.min(text.chars().count());
    loop {
        let cut: String = text.chars().take(n).collect();
        let escaped = text_to_markdown(&cut);
        if escaped.chars().count() < max || n == 0 {
            return (format!("{escaped}…"), true);
        }
        n = n * 3 / 4;
    }
}

/// Cuts plain text into pieces of at most `max` characters, on line breaks when possible.
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if current.chars().count() + line.chars().count() > max && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if line.chars().count() > max {
            let chars: Vec<char> = line.chars().collect();
            for chunk in chars.chunks(max) {
                parts.push(chunk.iter().collect());
            }
        } else {
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// Everything the post shows.
pub struct PostInput<'a> {
    pub summary: &'a InquirySummary,
    pub message: &'a Message,
    pub facility_name: Option<&'a str>,
    pub draft: &'a str,
    pub deadline: chrono::NaiveDate,
    pub working_days_left: i64,
    pub console_link: String,
    pub version: u32,
}

/// The post's text, within Discord's limit; nothing the citizen wrote can format or mention.
pub fn render_post(p: &PostInput<'_>) -> String {
    let s = p.summary;
    let c = &s.classification;
    let who = match &p.message.from {
        Some(a) => {
            let name = a.name.as_deref().unwrap_or("");
            if name.is_empty() {
                text_to_markdown(&a.email)
            } else {
                format!(
                    "{} ({})",
                    text_to_markdown(name),
                    text_to_markdown(&a.email)
                )
            }
        }
        None => "inconnu".to_string(),
    };
    let received = s
        .received_at
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y %H:%M");
    let place = match p.facility_name {
        Some(name) => format!("{} — {}", c.kind.as_str(), text_to_markdown(name)),
        None => format!("{} (équipement non déterminé)", c.kind.as_str()),
    };
    let rules = if c.rules.is_empty() {
        "aucune".to_string()
    } else {
        text_to_markdown(&c.rules.join(", "))
    };
    let left = match p.working_days_left {
        n if n < 0 => format!("**en retard de {} jour(s) ouvré(s)**", -n),
        0 => "**à répondre aujourd'hui**".to_string(),
        n => format!("{n} jour(s) ouvré(s) restant(s)"),
    };
    let (citizen, cut_citizen) = escaped_within(&p.message.body, MAX_CITIZEN);
    let (draft, cut_draft) = escaped_within(p.draft, MAX_DRAFT);
    let subject = if p.message.subject.trim().is_empty() {
        String::new()
    } else {
        format!("Objet : {}\n", text_to_markdown(p.message.subject.trim()))
    };
    let mut out = format!(
        "**{reference}** · {channel} · brouillon v{version}\n\
         De : {who} · reçu le {received}\n\
         Équipement : {place} · sujet : {topic} · règles : {rules}\n\
         Échéance : {deadline} ({left})\n\
         {subject}\n__Message__\n{citizen}\n\n__Brouillon proposé__\n{draft}\n",
        reference = s.reference,
        channel = s.channel.as_str(),
        version = p.version,
        topic = c.topic.as_str(),
        deadline = p.deadline.format("%d/%m/%Y"),
    );
    if cut_citizen || cut_draft {
        out.push_str(&format!("\nTexte complet : <{}>", p.console_link));
    } else {
        out.push_str(&format!("\nConsole : <{}>", p.console_link));
    }
    if out.chars().count() > MAX_CONTENT {
        out = out.chars().take(MAX_CONTENT - 1).collect::<String>() + "…";
    }
    out
}

/// The four buttons under a post; ids carry the inquiry id.
pub fn buttons(id: i64) -> Vec<CreateActionRow> {
    let id = InquiryId(id);
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(Verb::Approve.custom_id(id, None))
            .label("Approuver")
            .style(ButtonStyle::Success),
        CreateButton::new(Verb::Edit.custom_id(id, None))
            .label("Modifier")
            .style(ButtonStyle::Primary),
        CreateButton::new(Verb::Move.custom_id(id, None))
            .label("Réaffecter")
            .style(ButtonStyle::Secondary),
        CreateButton::new(Verb::No.custom_id(id, None))
            .label("Rejeter")
            .style(ButtonStyle::Danger),
    ])]
}

/// The line that replaces the buttons once an agent acted (the mention does not ping: every
/// message goes out with empty `allowed_mentions`).
pub fn outcome_line(what: &str, user_id: u64, at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&chrono_tz::Europe::Paris);
    format!(
        "\n\n**{what}** par <@{user_id}> le {}",
        t.format("%d/%m/%Y à %H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_citizen_text_is_cut_without_breaking_escapes() {
        let text = "@everyone **gras** ".repeat(200);
        let (out, cut) = escaped_within(&text, 300);
        assert!(cut);
        assert!(out.chars().count() <= 300);
        assert!(out.contains("\\@everyone"));
        assert!(!out.contains(" @everyone"));
        // Cut on the raw text: every `@` that is kept is escaped.
        assert_eq!(out.matches('@').count(), out.matches("\\@").count());
    }

    #[test]
    fn short_text_is_only_escaped() {
        assert_eq!(escaped_within("a_b", 10), ("a\\_b".to_string(), false));
    }

    #[test]
    fn split_keeps_every_character() {
        let text = "ligne une\n".repeat(500);
        let parts = split_message(&text, 2000);
        assert!(parts.len() >= 3);
        assert!(parts.iter().all(|p| p.chars().count() <= 2000));
        assert_eq!(parts.concat(), text);
    }
}
