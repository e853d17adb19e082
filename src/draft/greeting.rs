//! Who we greet: "Madame Diallo" / "Monsieur Petit" only when the writer's name is reliably a
//! person's (a civility they wrote, or a first name whose gender is clear), otherwise nothing and
//! the reply says "Bonjour,". Never an organisation, a handle, an address or text that carries
//! markup or template syntax: names are untrusted input.

mod names;
#[cfg(test)]
mod tests;

use crate::inquiry::{Lang, Message};
use names::{MEN, NOT_A_PERSON, WOMEN};

/// The name to greet, and where it was found (for the agent's note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// "Madame Diallo", "Ms Diallo".
    pub text: String,
    pub source: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Civility {
    Madame,
    Monsieur,
}

/// The greeting name for a message, if one is reliable.
pub fn greeting_name(message: &Message, lang: Lang) -> Option<Greeting> {
    let from = message.from.as_ref().and_then(|a| a.name.as_deref());
    let found = from
        .and_then(person)
        .map(|p| (p, "nom de l'expéditeur"))
        .or_else(|| {
            signature_lines(message)
                .find_map(person)
                .map(|p| (p, "signature"))
        })?;
    let ((civility, surname), source) = found;
    let text = match (lang, civility) {
        (Lang::Fr, Civility::Madame) => format!("Madame {surname}"),
        (Lang::Fr, Civility::Monsieur) => format!("Monsieur {surname}"),
        (Lang::En, Civility::Madame) => format!("Ms {surname}"),
        (Lang::En, Civility::Monsieur) => format!("Mr {surname}"),
    };
    Some(Greeting { text, source })
}

/// The short last lines of the text and the first lines of the signature block.
fn signature_lines(message: &Message) -> impl Iterator<Item = &str> {
    let body_tail: Vec<&str> = message
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .rev()
        .take(3)
        .collect();
    let signature: Vec<&str> = message
        .signature
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    signature.into_iter().chain(body_tail)
}

/// `(civility, surname)` when `raw` is reliably one person's name.
fn person(raw: &str) -> Option<(Civility, String)> {
    let raw = raw.trim().trim_matches(['"', '\'']).trim();
    let suspicious = raw.chars().any(|c| {
        c.is_ascii_digit()
            || c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
            || "@{}[]<>|*_#\\/:;=+()&%$!?,~`^\"«»".contains(c)
    });
    if suspicious || raw.is_empty() || raw.chars().count() > 50 {
        return None;
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    if words.len() < 2 || words.len() > 4 {
        return None;
    }
    let folded: Vec<String> = words
        .iter()
        .map(|w| crate::faq::normalize::fold(w))
        .collect();
    if folded
        .iter()
        .any(|w| NOT_A_PERSON.contains(&w.trim_end_matches('.')))
    {
        return None;
    }
    if !words.iter().all(|w| is_name_word(w)) {
        return None;
    }
    if let Some(civility) = civility_word(&folded[0]) {
        let surname = &words[1..];
        // "Mme Fatou Diallo" → Diallo; "M. Petit" → Petit.
        let particles = ["de", "du", "des", "la", "le", "van", "von", "di", "da"];
        let surname = if surname.len() > 1 && !particles.contains(&folded[1].as_str()) {
            &surname[1..]
        } else {
            surname
        };
        return name_of(surname).map(|s| (civility, s));
    }
    // "Fatou Diallo", or "DIALLO Fatou" (surname first, in capitals).
    if let Some(civility) = first_name(&folded[0]) {
        return name_of(&words[1..]).map(|s| (civility, s));
    }
    let last = folded.len() - 1;
    if is_capitals(words[0]) && words.len() == 2 {
        if let Some(civility) = first_name(&folded[last]) {
            return name_of(&words[..1]).map(|s| (civility, s));
        }
    }
    None
}

fn is_name_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 1
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
}

fn is_capitals(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// The surname words as written in a letter: initials refused, all-lowercase or all-capitals
/// words capitalised ("pinto" → "Pinto", "DIALLO" → "Diallo").
fn name_of(words: &[&str]) -> Option<String> {
    if words.is_empty()
        || words
            .iter()
            .any(|w| w.trim_end_matches('.').chars().count() < 2)
    {
        return None;
    }
    // "de La Roche", "Le Gall": only these particles are written in lowercase.
    let particles = ["de", "du", "des", "van", "von", "di", "da", "d'"];
    let out: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i + 1 < words.len() && particles.contains(&lower.as_str()) {
                lower
            } else if is_capitals(w) || lower == *w {
                capitalise(&lower)
            } else {
                w.to_string()
            }
        })
        .collect();
    Some(out.join(" "))
}

fn capitalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut next_upper = true;
    for c in word.chars() {
        if next_upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        next_upper = matches!(c, '-' | '\'' | '’');
    }
    out
}

fn civility_word(folded: &str) -> Option<Civility> {
    match folded.trim_end_matches('.') {
        "mme" | "madame" | "mlle" | "mademoiselle" | "ms" | "mrs" | "miss" => {
            Some(Civility::Madame)
        }
        "m" | "mr" | "monsieur" => Some(Civility::Monsieur),
        _ => None,
    }
}

fn first_name(folded: &str) -> Option<Civility> {
    // A composed first name takes the gender of its first part: "Jean-Pierre", "Marie-Claire".
    let first = folded.split([' ', '-']).next().unwrap_or(folded);
    if WOMEN.contains(&folded) || WOMEN.contains(&first) {
        Some(Civility::Madame)
    } else if MEN.contains(&folded) || MEN.contains(&first) {
        Some(Civility::Monsieur)
    } else {
        None
    }
}
