//! Finding the entries that answer one sentence: an entry's patterns first (its rules), then the
//! closeness of the sentence to the entry's example questions.
//!
//! Closeness is a cosine over word stems weighted by rarity (IDF over every example question):
//! small, predictable, and good enough for questions that quality staff word themselves. A
//! sentence close to no entry gets no entry, so the draft says so instead of answering
//! something else.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::inquiry::{FacilityId, Kind, Topic};

use super::super::Spelling;
use super::stopwords::is_stopword;
use super::{Entry, Scope};

/// Below this closeness, an example question does not vouch for its entry.
const MIN_CLOSENESS: f64 = 0.5;
/// Stems a sentence must share with an example question for it to count.
const MIN_SHARED: usize = 2;
/// What a pattern hit scores (closeness is at most 1).
const PATTERN_SCORE: f64 = 2.0;

/// What a rule-found entry of a precise topic gains over one of topic `autre`: more than a kind
/// scope's fit, less than a facility's.
const TOPIC_BONUS: f64 = 0.15;

/// Where the sentence is: the inquiry's kind and facility (if pinned), and the day (notices).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub kind: Kind,
    pub facility: Option<&'a FacilityId>,
    /// Kind of the facility or service, when one is pinned.
    pub facility_kind: Option<Kind>,
    pub day: NaiveDate,
}

impl Context<'_> {
    /// How specific a scope is for this context, or `None` when it does not apply.
    fn fit(&self, scope: &Scope) -> Option<f64> {
        match scope {
            Scope::Any => Some(0.0),
            Scope::Kind(k) if *k == self.kind || Some(*k) == self.facility_kind => Some(0.1),
            Scope::Facility(id) if Some(id) == self.facility => Some(0.2),
            _ => None,
        }
    }
}

/// One entry found for a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index in [`super::Answers::entries`].
    pub entry: usize,
    pub score: f64,
    /// What found it: `motif` or the closest example question.
    pub by: String,
}

/// Stems of every example question, with their weights.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// Per entry: its questions as (stem ids, norm).
    questions: Vec<Vec<(Vec<usize>, f64, String)>>,
    stems: HashMap<String, usize>,
    idf: Vec<f64>,
    /// Stems of the catalogue's place names: where, not what.
    places: std::collections::HashSet<String>,
    spelling: Spelling,
}

/// How well an entry's example questions back a sentence it was found for.
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    /// Cosine between the sentence (all its content words, known or not) and the entry's
    /// closest example question, one shared stem being enough.
    pub closeness: f64,
    /// Content words of the sentence that no example question of any entry uses and that name
    /// no place ("liseuses", "bar"): what the sentence may really be about.
    pub unknown: Vec<String>,
}

impl Index {
    pub(super) fn build(entries: &[Entry], spelling: &Spelling, places: &[&str]) -> Index {
        let mut stems: HashMap<String, usize> = HashMap::new();
        let mut df: Vec<usize> = Vec::new();
        let mut raw: Vec<Vec<(Vec<usize>, String)>> = Vec::new();
        let mut documents = 0usize;
        for entry in entries {
            let mut per_entry = Vec::new();
            for q in entry.fr.questions.iter().chain(&entry.en.questions) {
                let mut ids: Vec<usize> = stem_words(&spelling.normalize(q))
                    .into_iter()
                    .map(|s| {
                        let next = stems.len();
                        *stems.entry(s).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                for id in &ids {
                    if *id >= df.len() {
                        df.resize(id + 1, 0);
                    }
                    df[*id] += 1;
                }
                documents += 1;
                per_entry.push((ids, q.clone()));
            }
            raw.push(per_entry);
        }
        let n = documents.max(1) as f64;
        let idf: Vec<f64> = df
            .iter()
            .map(|d| (1.0 + n / (*d).max(1) as f64).ln())
            .collect();
        let questions = raw
            .into_iter()
            .map(|qs| {
                qs.into_iter()
                    .map(|(ids, text)| {
                        let norm = ids.iter().map(|i| idf[*i] * idf[*i]).sum::<f64>().sqrt();
                        (ids, norm, text)
                    })
                    .collect()
            })
            .collect();
        let places = places
            .iter()
            .flat_map(|p| stem_words(&spelling.normalize(p)))
            .collect();
        Index {
            questions,
            stems,
            idf,
            places,
            spelling: spelling.clone(),
        }
    }

    /// How close `normalized` is to the closest example of entry `i` (0..=1), and that example.
    fn closeness(&self, i: usize, sentence: &[usize], norm: f64) -> (f64, Option<&str>) {
        let mut best = (0.0, None);
        if norm == 0.0 {
            return best;
        }
        for (ids, q_norm, text) in self.questions.get(i).into_iter().flatten() {
            if *q_norm == 0.0 {
                continue;
            }
            let common: Vec<&usize> = ids
                .iter()
                .filter(|id| sentence.binary_search(id).is_ok())
                .collect();
            // One shared word ("président", "call") is a coincidence, not the same question.
            if common.len() < MIN_SHARED {
                continue;
            }
            let shared: f64 = common
                .iter()
                .map(|id| self.idf[**id] * self.idf[**id])
                .sum();
            let cos = shared / (norm * q_norm);
            if cos > best.0 {
                best = (cos, Some(text.as_str()));
            }
        }
        best
    }
}

impl super::Answers {
    /// How well entry `entry`'s example questions back `sentence` (see [`Support`]).
    pub fn support(&self, entry: usize, sentence: &str) -> Support {
        let index = &self.index;
        let normalized = index.spelling.normalize(sentence);
        let mut known: Vec<usize> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        // The words the entry's own rules matched are the entry's vocabulary too.
        let matched: Vec<String> = self.entries[entry]
            .patterns
            .iter()
            .flat_map(|re| re.find_iter(&normalized).map(|m| m.as_str().to_string()))
            .flat_map(|m| stem_words(&m))
            .collect();
        for s in stem_words(&normalized) {
            match index.stems.get(&s) {
                Some(id) => known.push(*id),
                None if index.places.contains(&s)
                    || matched.contains(&s)
                    || s.chars().all(|c| c.is_ascii_digit()) => {}
                None => unknown.push(s),
            }
        }
        known.sort_unstable();
        known.dedup();
        unknown.sort_unstable();
        unknown.dedup();
        // An unknown word weighs like the rarest known one: it is what the FAQ has never seen.
        let rare = index.idf.iter().copied().fold(0.0, f64::max);
        let norm = (known
            .iter()
            .map(|i| index.idf[*i] * index.idf[*i])
            .sum::<f64>()
            + unknown.len() as f64 * rare * rare)
            .sqrt();
        let mut closeness: f64 = 0.0;
        if norm > 0.0 {
            for (ids, q_norm, _) in index.questions.get(entry).into_iter().flatten() {
                if *q_norm == 0.0 {
                    continue;
                }
                let shared: f64 = ids
                    .iter()
                    .filter(|id| known.binary_search(id).is_ok())
                    .map(|id| index.idf[*id] * index.idf[*id])
                    .sum();
                closeness = closeness.max(shared / (norm * q_norm));
            }
        }
        Support { closeness, unknown }
    }

    /// Every entry that answers `sentence` in `ctx`, best first.
    pub fn matches(&self, sentence: &str, ctx: &Context<'_>) -> Vec<Match> {
        let normalized = self.index.spelling.normalize(sentence);
        let mut ids: Vec<usize> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for s in stem_words(&normalized) {
            match self.index.stems.get(&s) {
                Some(id) => ids.push(*id),
                None if self.index.places.contains(&s) || s.chars().all(|c| c.is_ascii_digit()) => {
                }
                None => unknown.push(s),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        unknown.sort_unstable();
        unknown.dedup();
        // Words no example uses count in the sentence's length: "les examens de fin d'année"
        // is not "le concert de fin d'année" because two words match.
        // (Complaints, demands and reminders are told in many words: only answers are held to
        // the whole sentence.)
        let rare = self.index.idf.iter().copied().fold(0.0, f64::max);
        let known_norm = ids
            .iter()
            .map(|i| self.index.idf[*i] * self.index.idf[*i])
            .sum::<f64>();
        let answer_norm = (known_norm + unknown.len() as f64 * rare * rare).sqrt();
        let known_norm = known_norm.sqrt();
        let mut out = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            // A territory service's entry also answers an inquiry sorted nowhere precise, but
            // only by its rules ("vieux frigo" sorted `autre` is still bulky waste).
            let (fit, service_only) = match ctx.fit(&entry.scope) {
                Some(fit) => (fit, false),
                None if entry.service
                    && matches!(ctx.kind, Kind::Autre | Kind::Siege)
                    && ctx.facility_kind.is_none_or(|k| k == Kind::Siege) =>
                {
                    (0.0, true)
                }
                None => continue,
            };
            if !entry.valid_on(ctx.day) || entry.unless.iter().any(|re| re.is_match(&normalized)) {
                continue;
            }
            let (score, by) = if entry.patterns.iter().any(|re| re.is_match(&normalized)) {
                (PATTERN_SCORE, "motif".to_string())
            } else if service_only {
                continue;
            } else {
                let norm = match entry.shape {
                    super::Shape::Answer | super::Shape::Notice => answer_norm,
                    _ => known_norm,
                };
                match self.index.closeness(i, &ids, norm) {
                    (c, Some(q)) if c >= MIN_CLOSENESS => (c, format!("« {q} »")),
                    _ => continue,
                }
            };
            // Found by a rule, an entry of a precise topic outranks a general one of a closer
            // scope ("j'ai perdu mon bonnet" is lost property before the pool's dress code).
            let precise = if by == "motif" && entry.topic != Topic::Autre {
                TOPIC_BONUS
            } else {
                0.0
            };
            out.push(Match {
                entry: i,
                score: score + fit + precise + f64::from(entry.priority) * 0.5,
                by,
            });
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }
}

/// The stems of a normalised sentence: no stopwords, plural mark removed, cut to six letters.
pub(crate) fn stem_words(normalized: &str) -> Vec<String> {
    normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !is_stopword(w))
        .map(|w| {
            let w = w
                .strip_suffix(['s', 'x'])
                .filter(|s| s.len() >= 3)
                .unwrap_or(w);
            w.chars().take(6).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_small_words_and_plural_marks() {
        assert_eq!(
            stem_words("quels sont les horaires de la piscine"),
            vec!["horair", "piscin"]
        );
        assert_eq!(stem_words("prolonger mes prets"), vec!["prolon", "pret"]);
    }
}
