//! Tolerance for misspelt proper names ("pajaud", "blaggis", "dutileux"): the distinctive words of
//! the catalogue's facility names, aliases, streets, districts and communes, and a lookup that
//! maps a word written with one slip (two for long words) back to the catalogue's spelling.
//!
//! Only words of 5 letters or more are corrected, and only towards proper names: generic words
//! ("piscine", "théâtre", "maison") are left out, so ordinary vocabulary is never bent towards a
//! facility. The same first letter is required — people rarely misspell the first letter of a
//! name, and it keeps the lookup to a handful of comparisons per word.

use std::collections::{HashMap, HashSet};

use super::catalogue::Catalogue;
use super::normalize::fold;
use crate::inquiry::Kind;

/// Shortest word that is ever corrected.
pub const MIN_FUZZY_LEN: usize = 5;

/// Words of names that are too ordinary to be corrected towards.
const GENERIC: &[&str] = &[
    "piscine",
    "piscines",
    "centre",
    "aquatique",
    "swimming",
    "maison",
    "musique",
    "danse",
    "chateau",
    "conservatoire",
    "rayonnement",
    "departemental",
    "mediatheque",
    "bibliotheque",
    "biblio",
    "place",
    "petit",
    "jardin",
    "parisien",
    "theatre",
    "espace",
    "cirque",
    "chapiteau",
    "salle",
    "sources",
    "boulevard",
    "avenue",
    "grand",
    "paris",
    "vallee",
    "service",
    "services",
    "roses",
    "reine",
];

/// The proper-name words of the catalogue, by first letter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gazetteer {
    exact: HashSet<String>,
    by_initial: HashMap<char, Vec<String>>,
}

impl Gazetteer {
    /// Collects the distinctive words of the catalogue (facilities other than the territory's
    /// services, whose names are ordinary words, and communes).
    pub fn from_catalogue(catalogue: &Catalogue) -> Gazetteer {
        let mut phrases: Vec<&str> = Vec::new();
        for f in catalogue
            .facilities
            .iter()
            .filter(|f| f.kind != Kind::Siege)
        {
            phrases.push(&f.name);
            phrases.extend(f.aliases.iter().map(String::as_str));
            phrases.extend(f.streets.iter().map(String::as_str));
            phrases.extend(f.districts.iter().map(String::as_str));
        }
        for c in &catalogue.communes {
            phrases.push(&c.name);
            phrases.extend(c.aliases.iter().map(String::as_str));
        }
        let mut g = Gazetteer::default();
        for phrase in phrases {
            for word in fold(phrase).split(|c: char| !c.is_alphanumeric()) {
                if word.chars().count() >= MIN_FUZZY_LEN
                    && !GENERIC.contains(&word)
                    && g.exact.insert(word.to_string())
                {
                    if let Some(initial) = word.chars().next() {
                        g.by_initial
                            .entry(initial)
                            .or_default()
                            .push(word.to_string());
                    }
                }
            }
        }
        g
    }

    pub fn len(&self) -> usize {
        self.exact.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    /// The catalogue word `word` (folded) is a slip of, if exactly one is close enough.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        if len < MIN_FUZZY_LEN || self.exact.contains(word) {
            return None;
        }
        let allowed = if len >= 9 { 2 } else { 1 };
        let initial = word.chars().next()?;
        let mut found: Option<&str> = None;
        for candidate in self.by_initial.get(&initial)? {
            let clen = candidate.chars().count();
            if clen.abs_diff(len) > allowed {
                continue;
            }
            if strsim::osa_distance(word, candidate) <= allowed {
                if found.is_some_and(|f| f != candidate) {
                    // Two names equally close: do not choose.
                    return None;
                }
                found = Some(candidate);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::Faq;

    #[test]
    fn misspelt_names_of_five_letters_or_more_are_corrected() {
        let faq = Faq::embedded();
        let g = Gazetteer::from_catalogue(&faq.catalogue);
        assert_eq!(g.correct("pajaud"), Some("pajeaud"));
        assert_eq!(g.correct("blaggis"), Some("blagis"));
        assert_eq!(g.correct("dutileux"), Some("dutilleux"));
        assert_eq!(g.correct("laboisiere"), Some("laboissiere"));
    }

    #[test]
    fn short_generic_and_exact_words_are_left_alone() {
        let faq = Faq::embedded();
        let g = Gazetteer::from_catalogue(&faq.catalogue);
        assert_eq!(g.correct("hugo"), None, "short words are never corrected");
        assert_eq!(
            g.correct("piscne"),
            None,
            "generic words are not in the gazetteer"
        );
        assert_eq!(
            g.correct("pajeaud"),
            None,
            "an exact name needs no correction"
        );
        assert_eq!(g.correct("marche"), None);
        assert_eq!(g.correct("bonjour"), None);
    }
}
