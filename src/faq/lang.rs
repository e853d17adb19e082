//! Detects whether a citizen wrote in English; French is the answer for everything else.

use crate::inquiry::Lang;

const ENGLISH: &[&str] = &[
    "the", "and", "you", "your", "is", "are", "would", "could", "please", "thank", "thanks",
    "hello", "dear", "with", "for", "my", "we", "our", "have", "what", "when", "how", "can",
    "there", "this", "that", "regards", "it", "of", "to", "do", "does", "i'm", "i", "be", "will",
    "about", "which",
];

const FRENCH: &[&str] = &[
    "le",
    "la",
    "les",
    "et",
    "vous",
    "votre",
    "vos",
    "est",
    "sont",
    "pour",
    "avec",
    "je",
    "nous",
    "bonjour",
    "merci",
    "des",
    "une",
    "un",
    "du",
    "de",
    "que",
    "qui",
    "pas",
    "sur",
    "dans",
    "cordialement",
    "au",
    "aux",
    "mon",
    "ma",
    "mes",
    "il",
    "elle",
    "ce",
    "cette",
    "madame",
    "monsieur",
    "j'ai",
    "c'est",
    "svp",
];

/// English when English function words clearly outnumber French ones; French otherwise.
pub fn detect(text: &str) -> Lang {
    let (mut en, mut fr) = (0usize, 0usize);
    for word in text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .take(400)
    {
        let word = word.to_lowercase();
        if ENGLISH.contains(&word.as_str()) {
            en += 1;
        }
        if FRENCH.contains(&word.as_str()) {
            fr += 1;
        }
    }
    if en >= 3 && en > fr * 2 {
        Lang::En
    } else {
        Lang::Fr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_recognised() {
        assert_eq!(
            detect("Hello, I would like to know the opening hours of the pool. Thanks!"),
            Lang::En
        );
    }

    #[test]
    fn french_and_anything_else_is_french() {
        assert_eq!(
            detect("Bonjour, je voudrais connaître les horaires de la piscine."),
            Lang::Fr
        );
        assert_eq!(
            detect("Hola, quisiera saber el horario de la piscina."),
            Lang::Fr
        );
        assert_eq!(detect(""), Lang::Fr);
        assert_eq!(
            detect("Bonjour, le planning du week-end est OK pour the team ?"),
            Lang::Fr
        );
    }
}
