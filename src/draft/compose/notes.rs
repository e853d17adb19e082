//! What the agent's note says about the place, and small text helpers of the plan.

use crate::faq::Faq;
use crate::inquiry::{Classification, Kind};

pub(super) fn notes_about_place(faq: &Faq, c: &Classification, note: &mut Vec<String>) {
    if let Some(f) = c
        .facility
        .as_ref()
        .and_then(|id| faq.catalogue.facility(id))
    {
        let named = c.rules.iter().any(|r| {
            faq.rule(r)
                .is_some_and(|rule| rule.conclusion.facility.as_ref() == Some(&f.id))
        });
        if !named {
            note.push(format!(
                "hypothèse : {} déduit de la commune ({}), le texte ne le nomme pas",
                f.name, f.commune
            ));
        }
        if !f.note.trim().is_empty() {
            note.push(format!(
                "note du catalogue ({}) : {}",
                f.name,
                f.note.trim()
            ));
        }
    }
    for id in c.rules.iter().filter_map(|r| r.strip_prefix("hors:")) {
        if let Some(o) = faq.catalogue.outside.iter().find(|o| o.id == id) {
            note.push(format!("lieu hors VSGP : {} ({})", o.name, o.owner));
        }
    }
}

pub(super) fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Piscine => "piscines",
        Kind::Conservatoire => "conservatoires",
        Kind::Mediatheque => "médiathèques",
        Kind::Theatre => "théâtres",
        Kind::Siege | Kind::Autre => "équipements",
    }
}

/// The quoted history without its "Le … a écrit :" lines and quote marks.
pub(super) fn quoted_text(quoted: &str) -> String {
    quoted
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ']))
        .filter(|l| !l.trim_end().ends_with("a écrit :") && !l.trim_end().ends_with("wrote:"))
        .take(60)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sentence shortened for the agent's note.
pub(crate) fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 90 {
        one_line.chars().take(89).collect::<String>() + "…"
    } else {
        one_line
    }
}
