//! Text normalisation shared by rules and messages: lowercase, no accents, one space, hyphens and
//! apostrophes unified, and common misspellings mapped to their usual spelling.

use std::collections::HashMap;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

use super::gazetteer::Gazetteer;

/// Word-level corrections (`mediatek` → `mediatheque`), loaded from `faq/spelling.toml`, and
/// the catalogue's proper names for misspellings nobody listed (see [`Gazetteer`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spelling {
    words: HashMap<String, String>,
    names: Gazetteer,
}

impl Spelling {
    /// Builds the table; keys and values are themselves folded so they match folded text.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Spelling {
        let words = pairs
            .into_iter()
            .map(|(wrong, right)| (fold(wrong), fold(right)))
            .filter(|(wrong, _)| !wrong.is_empty())
            .collect();
        Spelling {
            words,
            names: Gazetteer::default(),
        }
    }

    /// The same table, also correcting slips in the gazetteer's names.
    pub fn with_names(mut self, names: Gazetteer) -> Spelling {
        self.names = names;
        self
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Folds `text` (see [`fold`]) and replaces misspelt words.
    pub fn normalize(&self, text: &str) -> String {
        let folded = fold(text);
        if self.words.is_empty() && self.names.is_empty() {
            return folded;
        }
        let mut out = String::with_capacity(folded.len());
        let mut word = String::new();
        for c in folded.chars() {
            if c.is_alphanumeric() {
                word.push(c);
            } else {
                self.flush(&mut word, &mut out);
                out.push(c);
            }
        }
        self.flush(&mut word, &mut out);
        out
    }

    fn flush(&self, word: &mut String, out: &mut String) {
        if word.is_empty() {
            return;
        }
        match self.words.get(word.as_str()) {
            Some(right) => out.push_str(right),
            None => match self.names.correct(word) {
                Some(name) => out.push_str(name),
                None => out.push_str(word),
            },
        }
        word.clear();
    }
}

/// Lowercases, strips accents, unifies apostrophes, turns hyphens and underscores into spaces,
/// drops control characters and collapses every run of whitespace into one space.
///
/// ASCII, most of any text, takes a fast path; other characters are decomposed one by one
/// (the same result as NFD, whose reordering only moves the combining marks dropped here).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_ascii() {
            fold_char(c, &mut out, &mut pending_space);
            continue;
        }
        decompose_canonical(c, |d| fold_char(d, &mut out, &mut pending_space));
    }
    out
}

fn fold_char(c: char, out: &mut String, pending_space: &mut bool) {
    if c.is_ascii_alphanumeric() {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    let mapped: &str = match c {
        '’' | '‘' | '`' | '´' | 'ʼ' => "'",
        '«' | '»' | '“' | '”' => "\"",
        '-' | '‐' | '‑' | '–' | '—' | '_' => " ",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        _ => "",
    };
    if !mapped.is_empty() {
        if mapped == " " {
            *pending_space = true;
            return;
        }
        push_word(out, mapped, pending_space);
        return;
    }
    if c.is_whitespace() || c.is_control() {
        *pending_space = true;
        return;
    }
    let mut buf = [0u8; 4];
    for lower in c.to_lowercase() {
        push_word(out, lower.encode_utf8(&mut buf), pending_space);
    }
}

fn push_word(out: &mut String, s: &str, pending_space: &mut bool) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    out.push_str(s);
}

/// Strips accents only, keeping case and everything else: used on rule patterns, whose regex
/// escapes (`\S`, `\W`) must keep their case.
pub fn strip_accents(pattern: &str) -> String {
    pattern
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '’' => '\'',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_hyphens_and_spaces() {
        assert_eq!(
            fold("  Théâtre  Jean-Arp\n\tÀ Châtenay–Malabry "),
            "theatre jean arp a chatenay malabry"
        );
        assert_eq!(fold("L’Azimut"), "l'azimut");
        assert_eq!(fold("ŒUVRE"), "oeuvre");
    }

    #[test]
    fn precomposed_and_decomposed_accents_fold_alike() {
        assert_eq!(fold("Ce\u{301}line A\u{300}"), fold("Céline À"));
        assert_eq!(fold("Ce\u{301}line"), "celine");
        assert_eq!(fold("ÉCOLE ÇA ÑANDÚ"), "ecole ca nandu");
        assert_eq!(fold("ﬁn — ça\u{0}va"), "ﬁn ca va");
    }

    #[test]
    fn corrects_whole_words_only() {
        let spelling = Spelling::new([("mediatek", "médiathèque"), ("piscne", "piscine")]);
        assert_eq!(
            spelling.normalize("La Médiatek de Clamart"),
            "la mediatheque de clamart"
        );
        assert_eq!(spelling.normalize("piscnes"), "piscnes");
        assert_eq!(spelling.normalize("la piscne!"), "la piscine!");
    }

    #[test]
    fn pattern_accents_are_stripped_but_case_kept() {
        assert_eq!(strip_accents(r"th[ée]âtre\S+"), r"th[ee]atre\S+");
    }
}
