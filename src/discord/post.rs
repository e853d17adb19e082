//! The agents' post: what an agent sees of a draft in the channel of its kind (who wrote, when,
//! where, facility and topic with the rules that fired, the deadline, the citizen's text escaped,
//! the draft), and the buttons to act on it. Pure text here; the outbox job carries it.

use chrono::{DateTime, Utc};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};

use crate::draft::render::text_to_markdown;
use crate::inquiry::{InquiryId, Message, Verb};
use crate::labels;
use crate::store::InquirySummary;

/// Discord's limit for a message's content.
pub const MAX_CONTENT: usize = 2000;
/// What the citizen's text may take in a post.
const MAX_CITIZEN: usize = 700;
/// What the draft may take in a post.
const MAX_DRAFT: usize = 800;
/// What the note for the agent may take in a post (less when the rest leaves less room).
const MAX_NOTE: usize = 450;
/// Where the note for the agent starts in a post: after the draft, so a decision (which replaces
/// the draft and what follows it) removes it too.
const NOTE_HEADING: &str = "\n__Note pour l'agent__ (jamais envoyée au demandeur)\n";

/// A citizen's text as agents read it in Discord: hiding characters made visible, everything
/// escaped (nothing formats or mentions), and the lines they quoted shown as a quote.
pub fn citizen_markdown(text: &str) -> String {
    let shown = labels::shown(text);
    let mut out = Vec::new();
    for line in shown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('>') {
            let quoted = trimmed.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
            out.push(format!("> {}", text_to_markdown(quoted)));
        } else {
            out.push(text_to_markdown(line));
        }
    }
    out.join("\n").trim_end().to_string()
}

/// `text` rendered by `render` and cut (on the raw text, so no escape is split) to `max`
/// characters; true when it was cut.
pub fn escaped_within(text: &str, max: usize) -> (String, bool) {
    within(text, max, text_to_markdown)
}

fn within(text: &str, max: usize, render: fn(&str) -> String) -> (String, bool) {
    let full = render(text);
    if full.chars().count() <= max {
        return (full, false);
    }
    let mut n = max.min(text.chars().count());
    loop {
        let cut: String = text.chars().take(n).collect();
        let escaped = render(&cut);
        if escaped.chars().count() < max || n == 0 {
            return (format!("{escaped}…"), true);
        }
        n = n * 3 / 4;
    }
}

/// Where a piece of at most `max` characters of `text` best ends (a char count): after a
/// paragraph, else a line, else a sentence, else a word; mid-word only for a "word" longer than
/// `max` (a URL), since nothing else fits.
fn cut_at(text: &str, max: usize) -> usize {
    let chars: Vec<char> = text.chars().take(max + 1).collect();
    if chars.len() <= max {
        return chars.len();
    }
    let window = &chars[..max];
    let after = |pred: &dyn Fn(usize) -> bool| (1..max).rev().find(|&i| pred(i));
    let paragraph = after(&|i| window[i - 1] == '\n' && i >= 2 && window[i - 2] == '\n');
    let line = after(&|i| window[i - 1] == '\n');
    let sentence = after(&|i| {
        matches!(window[i - 1], ' ' | '\u{a0}')
            && i >= 2
            && matches!(window[i - 2], '.' | '!' | '?' | '…' | ':' | ';')
    });
    let word = after(&|i| window[i - 1].is_whitespace());
    [paragraph, line, sentence, word]
        .into_iter()
        .flatten()
        .find(|&i| i > max / 4)
        .unwrap_or(max)
}

/// Cuts text into pieces of at most `max` characters on paragraph, line, sentence or word
/// boundaries (never mid-word); the pieces put together are the text.
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let n = cut_at(rest, max);
        let byte = rest.char_indices().nth(n).map_or(rest.len(), |(b, _)| b);
        let (part, tail) = rest.split_at(byte);
        if !part.trim().is_empty() {
            parts.push(part.to_string());
        } else if let Some(last) = parts.last_mut() {
            last.push_str(part);
        }
        rest = tail;
    }
    parts
}

/// Everything the post shows.
pub struct PostInput<'a> {
    pub summary: &'a InquirySummary,
    pub message: &'a Message,
    pub facility_name: Option<&'a str>,
    /// The rules that fired, as agents read them (facility names, not ids).
    pub rules: &'a [String],
    pub draft: &'a str,
    pub deadline: chrono::NaiveDate,
    pub working_days_left: i64,
    pub console_link: String,
    pub version: u32,
    /// The draft's note for the agent (which entry answered which sentence, assumptions).
    pub note: &'a [String],
}

/// The post's text, within Discord's limit; nothing the citizen wrote can format or mention.
pub fn render_post(p: &PostInput<'_>) -> String {
    let s = p.summary;
    let c = &s.classification;
    let who = match &p.message.from {
        Some(a) => {
            let name = a.name.as_deref().unwrap_or("");
            if name.is_empty() {
                citizen_markdown(&a.email)
            } else {
                format!(
                    "{} ({})",
                    citizen_markdown(name),
                    citizen_markdown(&a.email)
                )
            }
        }
        None => "inconnu".to_string(),
    };
    let received = s
        .received_at
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M");
    let place = match p.facility_name {
        Some(name) => format!("{} — {}", labels::kind(c.kind), text_to_markdown(name)),
        None => labels::facility_or_kind(None, c.kind),
    };
    let rules = if p.rules.is_empty() {
        "aucune".to_string()
    } else {
        text_to_markdown(&p.rules.join(", "))
    };
    let left = days_left(p.working_days_left);
    let (citizen, cut_citizen) = within(&p.message.body, MAX_CITIZEN, citizen_markdown);
    let (draft, cut_draft) = escaped_within(p.draft, MAX_DRAFT);
    let subject = if p.message.subject.trim().is_empty() {
        String::new()
    } else {
        format!("Objet : {}\n", citizen_markdown(p.message.subject.trim()))
    };
    let mut out = format!(
        "**{reference}** · {channel} · brouillon v{version}\n\
         De : {who} · reçu le {received}\n\
         Équipement : {place} · sujet : {topic} · règles : {rules}\n\
         Échéance : {deadline} ({left})\n\
         {subject}\n__Message__\n{citizen}\n{DRAFT_HEADING}{draft}\n",
        reference = s.reference,
        channel = labels::channel(s.channel),
        version = p.version,
        topic = labels::topic(c.topic),
        deadline = p.deadline.format("%d/%m/%Y"),
    );
    let link_line = |cut: bool| {
        if cut {
            format!("\nTexte complet : <{}>", p.console_link)
        } else {
            format!("\nConsole : <{}>", p.console_link)
        }
    };
    let room = MAX_CONTENT
        .saturating_sub(out.chars().count() + link_line(true).chars().count() + 1)
        .min(MAX_NOTE);
    let (note, cut_note) = note_block(p.note, room);
    out.push_str(&note);
    out.push_str(&link_line(cut_citizen || cut_draft || cut_note));
    cap(out)
}

/// The note for the agent as a short block of at most `room` characters: whole lines while they
/// fit (a first line too long is cut), escaped like the citizen's text since it quotes it; true
/// when something was left out (it is whole in the console).
fn note_block(note: &[String], room: usize) -> (String, bool) {
    const MORE: &str = "• …\n";
    if note.is_empty() {
        return (String::new(), false);
    }
    let head = NOTE_HEADING.chars().count();
    if room < head + 40 {
        return (String::new(), true);
    }
    let mut out = NOTE_HEADING.to_string();
    let mut used = head;
    for (i, line) in note.iter().enumerate() {
        let shown = format!("• {}\n", citizen_markdown(line));
        let left = note.len() - i - 1;
        let reserve = if left > 0 { MORE.chars().count() } else { 0 };
        if used + shown.chars().count() + reserve <= room {
            used += shown.chars().count();
            out.push_str(&shown);
            continue;
        }
        if i == 0 {
            let (cut, _) = within(line, room - used - 4 - MORE.len(), citizen_markdown);
            out.push_str(&format!("• {cut}\n"));
        }
        out.push_str(MORE);
        return (out, true);
    }
    (out, false)
}

/// Where the draft starts in a post (what a decision replaces).
const DRAFT_HEADING: &str = "\n__Brouillon proposé__\n";

fn cap(out: String) -> String {
    if out.chars().count() > MAX_CONTENT {
        out.chars().take(MAX_CONTENT - 1).collect::<String>() + "…"
    } else {
        out
    }
}

/// The time left to answer: "1 jour ouvré restant", "en retard de 2 jours ouvrés".
pub fn days_left(n: i64) -> String {
    match n {
        n if n < 0 => format!(
            "**en retard de {}**",
            labels::working_days(-n, crate::inquiry::Lang::Fr)
        ),
        0 => "**à répondre aujourd'hui**".to_string(),
        1 => "1 jour ouvré restant".to_string(),
        n => format!("{n} jours ouvrés restants"),
    }
}

/// The post once an agent decided: the header and the citizen's message stay; the draft gives
/// way to what was decided (`section`: the answer sent, or the reason), then who and when.
pub fn decided_post(post: &str, section: &str, outcome: &str) -> String {
    let head = post.split(DRAFT_HEADING).next().unwrap_or(post).trim_end();
    let mut section: String = section.to_string();
    let room = MAX_CONTENT.saturating_sub(head.chars().count() + outcome.chars().count() + 8);
    if section.chars().count() > room {
        section = section
            .chars()
            .take(room.saturating_sub(1))
            .collect::<String>()
            + "…";
    }
    if section.is_empty() {
        return cap(format!("{head}{outcome}"));
    }
    cap(format!("{head}\n\n{section}{outcome}"))
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
    fn the_note_is_a_bounded_escaped_block() {
        let note = vec![
            "« Quels horaires ? » → piscine-horaires (faq/answers/piscine.toml, motif)".to_string(),
            "hypothèse : Centre aquatique déduit de la commune (Antony) @everyone".to_string(),
        ];
        let (block, cut) = note_block(&note, 450);
        assert!(!cut);
        assert!(block.starts_with(NOTE_HEADING), "{block}");
        assert!(
            block.contains("• « Quels horaires ? » → piscine"),
            "{block}"
        );
        assert!(block.contains("\\@everyone"), "{block}");
        let long: Vec<String> = (0..40).map(|i| format!("ligne {i} de la note")).collect();
        let (block, cut) = note_block(&long, 300);
        assert!(cut);
        assert!(block.chars().count() <= 300, "{}", block.chars().count());
        assert!(block.ends_with("• …\n"));
        let (block, cut) = note_block(&["x".repeat(2000)], 200);
        assert!(
            cut && block.chars().count() <= 200,
            "{}",
            block.chars().count()
        );
        assert_eq!(note_block(&[], 450), (String::new(), false));
        assert_eq!(note_block(&note, 20), (String::new(), true));
    }

    #[test]
    fn short_text_is_only_escaped() {
        assert_eq!(escaped_within("a_b", 10), ("a\\_b".to_string(), false));
    }

    #[test]
    fn a_long_answer_is_split_between_sentences_never_mid_word() {
        let sentence = "Le bassin sportif ouvre à nouveau après les travaux de rénovation. ";
        let text = format!("Bonjour,\n\n{}\n\nCordialement", sentence.repeat(44));
        assert!(text.chars().count() > 2900);
        let parts = split_message(&text, 2000);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.concat(), text);
        for p in &parts[..parts.len() - 1] {
            assert!(
                p.ends_with(". ") || p.ends_with('\n'),
                "cut mid-sentence: …{:?}",
                &p[p.len() - 20..]
            );
        }
        let words = "anticonstitutionnellement ".repeat(100);
        for p in split_message(&words, 300) {
            assert!(p.chars().count() <= 300);
            assert!(p.starts_with("anti"), "cut mid-word: {p:?}");
        }
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
