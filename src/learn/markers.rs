//! Which value an agent typed in place of each `[[à compléter : …]]` marker: the draft with its
//! markers is compared with the text the agent approved, each marker located by the words around
//! it. Pure.

use std::sync::OnceLock;

use regex::Regex;

/// Longest value kept as a fact (a longer fill is a rewritten paragraph, not a fact).
pub const MAX_VALUE_CHARS: usize = 300;
/// How many characters of the draft on each side locate a marker in the edited text.
const ANCHOR_CHARS: usize = 40;

/// One marker and what replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// What the marker asked for (`les horaires d'ouverture`).
    pub what: String,
    pub value: String,
    /// The edited sentence around the value, for the admin who reviews it.
    pub context: String,
}

fn marker_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[\[\s*à compléter\s*:\s*([^\]]*)\]\]").expect("static regex"))
}

fn tail(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &s[start..]
}

fn head(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// The words of the draft that locate a marker: the rest of its line on each side (at most
/// [`ANCHOR_CHARS`]), or the neighbouring lines when the marker stands alone on its line.
fn anchors<'a>(before: &'a str, after: &'a str) -> (&'a str, &'a str) {
    let line_before = before.rsplit('\n').next().unwrap_or("");
    let before = if line_before.trim().is_empty() {
        tail(before, ANCHOR_CHARS)
    } else {
        tail(line_before, ANCHOR_CHARS)
    };
    let line_after = after.split('\n').next().unwrap_or("");
    let after = if line_after.trim().is_empty() {
        head(after, ANCHOR_CHARS)
    } else {
        head(line_after, ANCHOR_CHARS)
    };
    (before, after)
}

/// The values typed in place of the draft's markers; a marker still present, left empty,
/// replaced by several lines or not found by its surroundings yields nothing.
pub fn filled(draft: &str, edited: &str) -> Vec<Filled> {
    let found: Vec<_> = marker_re().captures_iter(draft).collect();
    let mut out = Vec::new();
    // Markers are located in order: each search starts where the previous value ended.
    let mut cursor = 0;
    for (i, c) in found.iter().enumerate() {
        let m = c.get(0).expect("whole match");
        let prev_end = if i == 0 {
            0
        } else {
            found[i - 1].get(0).expect("match").end()
        };
        let next_start = found
            .get(i + 1)
            .map_or(draft.len(), |n| n.get(0).expect("match").start());
        let (before, after) = anchors(&draft[prev_end..m.start()], &draft[m.end()..next_start]);
        if before.trim().is_empty() && after.trim().is_empty() {
            continue;
        }
        let Some(b) = edited[cursor..].find(before) else {
            continue;
        };
        let from = cursor + b + before.len();
        let to = if after.is_empty() {
            Some(edited.len())
        } else {
            edited[from..].find(after).map(|a| from + a)
        };
        let Some(to) = to else { continue };
        cursor = to;
        let value = edited[from..to].trim();
        if value.is_empty()
            || value.contains("[[")
            || value.contains('\n')
            || value.chars().count() > MAX_VALUE_CHARS
        {
            continue;
        }
        let context = format!("{}{value}{}", before.trim_start(), after.trim_end());
        out.push(Filled {
            what: c[1].trim().to_string(),
            value: value.to_string(),
            context: context.replace('\n', " "),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_typed_in_place_of_a_marker_is_found_by_its_surroundings() {
        let draft = "Bonjour,\nLes horaires : [[à compléter : les horaires]].\nLes tarifs : [[à compléter : les tarifs]].\nCordialement";
        let edited = "Bonjour Mme,\nLes horaires : du lundi au vendredi, 9 h – 18 h.\nLes tarifs : [[à compléter : les tarifs]].\nCordialement";
        let f = filled(draft, edited);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].what, "les horaires");
        assert_eq!(f[0].value, "du lundi au vendredi, 9 h – 18 h");
        assert!(f[0].context.contains("Les horaires : du lundi"));
    }

    #[test]
    fn a_rewritten_or_multiline_fill_is_not_a_fact() {
        let draft = "Les horaires : [[à compléter : les horaires]].\nMerci";
        assert!(filled(draft, "Tout autre texte.").is_empty());
        assert!(filled(draft, "Les horaires : lundi\nmardi.\nMerci").is_empty());
        assert!(filled(draft, "Les horaires : .\nMerci").is_empty());
    }
}
