//! A literal prefilter for the rules: one Aho-Corasick pass over a text says which patterns can
//! match at all, so each message runs the handful of regexes that may fire instead of all of them.
//!
//! Every rule pattern is parsed once (regex-syntax) and its finite set of literal prefixes is
//! extracted: a pattern can only match where one of its prefixes starts. Patterns without such a
//! set (a leading `\w`, an empty prefix) are always run. The texts matched are normalised
//! (lowercase, no accents), so prefixes are extracted case-sensitively and lowercased: a
//! case-insensitive match in lowercase text starts with a lowercase prefix.

use aho_corasick::AhoCorasick;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use super::Rule;

/// Literal sets larger than this are not worth a prefilter (the pattern is always run).
const MAX_LITERALS_PER_PATTERN: usize = 4_000;

/// Which rule patterns may match a text.
#[derive(Debug, Clone)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// For each literal of the automaton, the global pattern indexes it starts.
    owners: Vec<Vec<usize>>,
    /// Patterns that are always run.
    always: Vec<usize>,
    /// Global index of each rule's first pattern.
    offsets: Vec<usize>,
    total: usize,
}

/// The patterns that may match one text: for each global pattern index, the first byte offset
/// where it can start (one of its prefixes starts there), or `u32::MAX`.
#[derive(Debug, Clone)]
pub struct Candidates {
    first: Vec<u32>,
}

impl Candidates {
    /// Where pattern `p` of the rule whose first pattern has global index `base` may first
    /// match, or None when it cannot match.
    pub fn starting(&self, base: usize, p: usize) -> Option<usize> {
        self.first
            .get(base + p)
            .filter(|at| **at != u32::MAX)
            .map(|at| *at as usize)
    }

    /// May pattern `p` of the rule whose first pattern has global index `base` match?
    pub fn may(&self, base: usize, p: usize) -> bool {
        self.starting(base, p).is_some()
    }
}

impl Prefilter {
    /// Extracts the prefixes of every pattern of `rules`.
    pub fn new(rules: &[Rule]) -> Prefilter {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        let mut always = Vec::new();
        let mut offsets = Vec::with_capacity(rules.len());
        let mut global = 0;
        for rule in rules {
            offsets.push(global);
            for re in &rule.patterns {
                match prefixes(re.as_str()) {
                    Some(set) => {
                        for lit in set {
                            let at = *index.entry(lit.clone()).or_insert_with(|| {
                                literals.push(lit);
                                owners.push(Vec::new());
                                literals.len() - 1
                            });
                            if owners[at].last() != Some(&global) {
                                owners[at].push(global);
                            }
                        }
                    }
                    None => always.push(global),
                }
                global += 1;
            }
        }
        let ac = (!literals.is_empty())
            .then(|| AhoCorasick::new(&literals).ok())
            .flatten();
        if ac.is_none() {
            // Without an automaton every pattern runs: slower, never wrong.
            always = (0..global).collect();
        }
        Prefilter {
            ac,
            owners,
            always,
            offsets,
            total: global,
        }
    }

    /// Global index of the first pattern of rule `i`.
    pub fn base(&self, rule: usize) -> usize {
        self.offsets.get(rule).copied().unwrap_or(0)
    }

    /// The patterns that may match `text`.
    pub fn candidates(&self, text: &str) -> Candidates {
        let mut first = vec![u32::MAX; self.total];
        for &i in &self.always {
            first[i] = 0;
        }
        if let Some(ac) = &self.ac {
            // Matches come in order of their end; a prefix ending later may start earlier, so
            // keep the minimum.
            for m in ac.find_overlapping_iter(text) {
                let at = u32::try_from(m.start()).unwrap_or(u32::MAX - 1);
                for &p in &self.owners[m.pattern().as_usize()] {
                    first[p] = first[p].min(at);
                }
            }
        }
        Candidates { first }
    }
}

/// The lowercased literal prefixes of a pattern, or None when it has no finite, non-empty set.
fn prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Prefix)
        .limit_total(MAX_LITERALS_PER_PATTERN)
        .limit_class(40)
        .limit_repeat(4)
        .limit_literal_len(12);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = literals
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_alternations_give_their_words_and_open_patterns_give_none() {
        let p = prefixes(r"\b(piscines?|bassin)\b").expect("finite");
        assert!(p.contains(&b"piscine".to_vec()) && p.contains(&b"bassin".to_vec()));
        assert!(prefixes(r"\w+ piscine").is_none());
    }

    #[test]
    fn the_prefilter_never_hides_a_pattern_that_matches() {
        let faq = crate::faq::Faq::embedded();
        let texts = [
            "quels sont les horaires de la piscine pajeaud ?",
            "je voudrais commencer le piano au conservatoire",
            "c'est inadmissible, personne ne repond",
            "reponse automatique : absent jusqu'au 3",
            "mon fils a oublie son doudou dans les vestiaires",
        ];
        for text in texts {
            let c = faq.prefilter.candidates(text);
            for (r, rule) in faq.rules.iter().enumerate() {
                for (p, re) in rule.patterns.iter().enumerate() {
                    if re.is_match(text) {
                        assert!(
                            c.may(faq.prefilter.base(r), p),
                            "{} pattern {p} hidden on {text:?}",
                            rule.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn sorting_with_the_prefilter_is_sorting_without_it() {
        use crate::inquiry::Message;
        let faq = crate::faq::Faq::embedded();
        let examples = faq
            .rules
            .iter()
            .flat_map(|r| r.examples.iter().chain(&r.counter_examples));
        for text in examples {
            let m = Message::chat(text);
            assert_eq!(faq.classify(&m), faq.classify_unfiltered(&m), "{text}");
        }
    }
}
