//! Replaces what identifies a citizen in a text meant to become a rule example: e-mail
//! addresses, phone numbers, street addresses, and names (the sender's, names after a civility or
//! « je m'appelle », and short capitalised lines that sign a message). Facility names, communes
//! and the question stay, since they are what the rules learn from. Pure.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// What replaces each kind of personal data.
pub const NAME: &str = "Camille Exemple";
pub const EMAIL: &str = "usager@example.org";
pub const PHONE: &str = "01 23 45 67 89";
pub const ADDRESS: &str = "1 rue de l'Exemple";

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// The text with personal data replaced; `sender` is the name the message came from, if any.
pub fn pseudonymise(text: &str, sender: Option<&str>) -> String {
    static MAIL: OnceLock<Regex> = OnceLock::new();
    static TEL: OnceLock<Regex> = OnceLock::new();
    static STREET: OnceLock<Regex> = OnceLock::new();
    static CIVILITY: OnceLock<Regex> = OnceLock::new();
    let mut out = re(&MAIL, r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
        .replace_all(text, EMAIL)
        .into_owned();
    out = re(
        &TEL,
        r"(?:\+33\s?\(?0?\)?\s?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b",
    )
    .replace_all(&out, PHONE)
    .into_owned();
    out = re(
        &STREET,
        r"(?i)\b\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|impasse|all[ée]e|place|chemin|route|square|quai|cours|villa|passage|sentier|r[ée]sidence|cit[ée])\b[^,\n.;]{0,60}",
    )
    .replace_all(&out, ADDRESS)
    .into_owned();
    out = re(
        &CIVILITY,
        r"(?i:\b(?:m\.|mme|madame|monsieur|mlle|mademoiselle|je m'appelle|je m’appelle|my name is))\s+\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?",
    )
    .replace_all(&out, |c: &regex::Captures| {
        let whole = &c[0];
        let civility_end = whole
            .char_indices()
            .filter(|(_, ch)| ch.is_whitespace())
            .map(|(i, _)| i)
            .find(|i| whole[*i..].trim_start().starts_with(|c: char| c.is_uppercase()))
            .unwrap_or(whole.len());
        format!("{} {NAME}", &whole[..civility_end])
    })
    .into_owned();
    if let Some(sender) = sender {
        for word in sender
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| w.chars().count() >= 3 && !w.contains('@'))
        {
            if let Ok(word_re) = RegexBuilder::new(&format!(r"\b{}\b", regex::escape(word)))
                .case_insensitive(true)
                .build()
            {
                out = word_re.replace_all(&out, "Exemple").into_owned();
            }
        }
    }
    signature_lines(&out)
}

/// A last line of one to three capitalised words (a signature) becomes the pseudonym.
fn signature_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let is_name = |l: &str| {
        let words: Vec<&str> = l.split_whitespace().collect();
        (1..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && !l.contains([':', '?', '!'])
    };
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if let Some(last) = lines.iter().rposition(|l| !l.trim().is_empty()) {
        if last > 0 && is_name(lines[last].trim()) {
            out[last] = NAME.to_string();
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_addresses_phones_and_mails_are_replaced_and_the_question_stays() {
        let text = "Bonjour, je m'appelle Zéphyrine Quartermaine, j'habite 17 impasse des Hortensias-Bleus, 92160 Antony.\n\
                    Quels sont les horaires de la piscine Pajeaud ? Appelez-moi au 06 11 22 33 44 ou +33 6 55 44 33 22, \
                    ou écrivez à zephyrine.q@example.net.\nMerci, Mme Quartermaine\nZéphyrine Q.";
        let out = pseudonymise(text, Some("Zéphyrine Quartermaine"));
        for gone in [
            "Zéphyrine",
            "Quartermaine",
            "Hortensias",
            "06 11",
            "55 44",
            "zephyrine.q",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("horaires de la piscine Pajeaud"), "{out}");
        assert!(out.contains("92160 Antony"), "{out}");
        assert!(out.contains(EMAIL) && out.contains(PHONE) && out.contains(ADDRESS));
    }
}
