//! What people read instead of identifiers: French (and English) labels for kinds, topics,
//! channels, statuses and reject reasons; agreement computed ("1 jour ouvré", "2 jours ouvrés");
//! French numbers ("100,0 %"); and citizens' text made safe to show to agents (invisible and
//! direction-changing characters made visible). Pure: values in, text out. Facility names come
//! from the catalogue.

use crate::inquiry::{Channel, Kind, Lang, Status, Topic};

/// A non-breaking space (French typography: before « ; : ! ? % », inside « »).
pub const NBSP: char = '\u{a0}';
/// A narrow non-breaking space (thousands separator).
pub const NNBSP: char = '\u{202f}';

/// `n` and the noun agreed with it: French and English take the singular for 0 and 1 in this
/// use ("0 jour ouvré", "1 marqueur", "2 marqueurs").
pub fn count(n: i64, singular: &str, plural: &str) -> String {
    let noun = if n.abs() < 2 { singular } else { plural };
    format!("{n} {noun}")
}

/// "1 jour ouvré", "3 jours ouvrés"; "1 working day", "3 working days".
pub fn working_days(n: i64, lang: Lang) -> String {
    match lang {
        Lang::Fr => count(n, "jour ouvré", "jours ouvrés"),
        Lang::En => count(n, "working day", "working days"),
    }
}

/// "1 marqueur", "2 marqueurs" (the `[[à compléter : …]]` markers of a draft).
pub fn markers(n: usize) -> String {
    count(
        i64::try_from(n).unwrap_or(i64::MAX),
        "marqueur",
        "marqueurs",
    )
}

/// A number the French way: decimal comma, narrow non-breaking space between thousands
/// ("1 234,5").
pub fn number(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(NNBSP);
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// A percentage the French way: "100,0 %" (non-breaking space before the sign).
pub fn percent(x: f64, decimals: usize) -> String {
    format!("{}{NBSP}%", number(x, decimals))
}

/// The kind of facility, as agents say it.
pub fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Siege => "Siège",
        Kind::Piscine => "Piscine",
        Kind::Conservatoire => "Conservatoire",
        Kind::Mediatheque => "Médiathèque",
        Kind::Theatre => "Théâtre",
        Kind::Autre => "Autre service",
    }
}

/// What the citizen asks about.
pub fn topic(t: Topic) -> &'static str {
    match t {
        Topic::Horaires => "horaires",
        Topic::Tarifs => "tarifs",
        Topic::Inscription => "inscription",
        Topic::Reservation => "réservation",
        Topic::Reclamation => "réclamation",
        Topic::ObjetPerdu => "objet perdu",
        Topic::Autre => "autre",
    }
}

/// How the citizen wrote.
pub fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Mail => "courriel",
        Channel::Chat => "Discord",
        Channel::Formulaire => "formulaire web",
        Channel::Courrier => "courrier",
        Channel::Telephone => "téléphone",
        Channel::Accueil => "accueil",
    }
}

/// Where an inquiry stands (feminine: « la demande est… »).
pub fn status(s: Status) -> &'static str {
    match s {
        Status::Received => "reçue",
        Status::Drafted => "en attente d'un agent",
        Status::Approved => "approuvée",
        Status::Sent => "répondue",
        Status::Rejected => "rejetée",
        Status::Automatic => "automatique (sans réponse)",
        Status::Answered => "répondue hors guichet",
    }
}

/// A reject reason as stored (its id) shown as a label.
pub fn reason(id: &str) -> &str {
    match id {
        "spam" => "indésirable (spam)",
        "doublon" => "doublon",
        "traité par téléphone" | "telephone" => "traitée par téléphone",
        "hors périmètre" | "hors-perimetre" => "hors périmètre",
        other => other,
    }
}

/// The facility's name from the catalogue, or the kind's label when none is known.
pub fn facility_or_kind(name: Option<&str>, k: Kind) -> String {
    match name {
        Some(n) if !n.trim().is_empty() => n.to_string(),
        _ => format!("{} (équipement non déterminé)", kind(k)),
    }
}

/// True for characters that hide or reorder text: zero-width, word joiner, byte-order mark,
/// bidirectional embeddings, overrides and isolates, and the direction marks.
pub fn is_hiding(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061c}'
        | '\u{feff}'
        | '\u{180e}')
}

fn is_emoji(c: Option<char>) -> bool {
    c.is_some_and(|c| matches!(c, '\u{1f000}'..='\u{1faff}' | '\u{2600}'..='\u{27bf}' | '\u{fe0f}'))
}

/// A citizen's text as agents see it: every hiding character becomes a visible `[U+202E]`, so
/// nothing is hidden or reversed; a zero-width joiner inside an emoji sequence (👩‍👧) stays.
pub fn shown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let in_emoji = c == '\u{200d}'
            && i > 0
            && is_emoji(chars.get(i - 1).copied())
            && is_emoji(chars.get(i + 1).copied());
        if is_hiding(c) && !in_emoji {
            out.push_str(&format!("[U+{:04X}]", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_is_computed() {
        assert_eq!(working_days(1, Lang::Fr), "1 jour ouvré");
        assert_eq!(working_days(0, Lang::Fr), "0 jour ouvré");
        assert_eq!(working_days(2, Lang::Fr), "2 jours ouvrés");
        assert_eq!(working_days(1, Lang::En), "1 working day");
        assert_eq!(working_days(5, Lang::En), "5 working days");
        assert_eq!(markers(1), "1 marqueur");
        assert_eq!(markers(3), "3 marqueurs");
    }

    #[test]
    fn numbers_are_french() {
        assert_eq!(percent(100.0, 1), "100,0\u{a0}%");
        assert_eq!(percent(94.46, 1), "94,5\u{a0}%");
        assert_eq!(number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(number(-0.01, 1), "0,0");
        assert_eq!(number(12.0, 0), "12");
    }

    #[test]
    fn labels_are_words_not_ids() {
        for k in Kind::ALL {
            assert_ne!(kind(*k), k.as_str());
        }
        assert_eq!(status(Status::Approved), "approuvée");
        assert_eq!(topic(Topic::ObjetPerdu), "objet perdu");
        assert_eq!(reason("spam"), "indésirable (spam)");
        assert_eq!(
            facility_or_kind(None, Kind::Piscine),
            "Piscine (équipement non déterminé)"
        );
    }

    #[test]
    fn hidden_characters_are_made_visible_but_emoji_stay() {
        let text = "pay\u{200b}pal \u{202e}gpj.exe\u{202c} \u{feff}ok \u{2060}x \u{2067}y\u{2069}";
        let out = shown(text);
        assert!(out.chars().all(|c| !is_hiding(c)), "{out:?}");
        assert!(out.contains("pay[U+200B]pal"));
        assert!(out.contains("[U+202E]gpj.exe[U+202C]"));
        assert_eq!(shown("👩\u{200d}👧"), "👩\u{200d}👧");
        assert_eq!(shown("a\u{200d}b"), "a[U+200D]b");
    }
}
