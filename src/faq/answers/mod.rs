//! The FAQ proper (`faq/answers/*.toml`): entries of questions in citizens' words and the answer
//! texts (French, English) a draft is made of, one paragraph per question asked.
//!
//! An entry has a scope (a kind of facility, one facility or territory service, or every
//! inquiry), the topic it counts under, patterns and example questions that find it, an answer
//! written as a handlebars template (facts through `{{fact …}}`, so an unknown fact is a marker),
//! what to ask when the facility it needs is not known, and an optional validity period for
//! temporary notices. The example questions double as tests (`guichet faq test`).

mod examples;
mod matching;
mod parse;
mod stopwords;

use chrono::NaiveDate;
use regex::Regex;

use crate::assets::Source;
use crate::inquiry::{FacilityId, Kind, Lang, Topic};

use super::{Catalogue, FaqError, Spelling};

pub use matching::{Context, Match, Support};

/// Which inquiries an entry may answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Any inquiry (`scope = "*"`): press, sales pitches, thanks…
    Any,
    /// Every inquiry of one kind (`scope = "piscine"`).
    Kind(Kind),
    /// One facility or territory service of the catalogue (`scope = "piscine-clamart"`).
    Facility(FacilityId),
}

/// The part an entry plays in a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// One paragraph answering one question (the default).
    #[default]
    Answer,
    /// An apology that restates what went wrong; the draft then says what is done.
    Complaint,
    /// One explicit line for something a complaining person asks for (refund, make-up lesson…).
    Demand,
    /// A reminder ("toujours pas de réponse"): the delay is acknowledged first.
    Reminder,
    /// A temporary notice: included in every draft of its scope while valid.
    Notice,
}

/// The texts of an entry in one language.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// What the entry is about, in a few words ("les horaires"), for the facility question.
    pub label: String,
    /// Example questions, in citizens' words (also the entry's tests).
    pub questions: Vec<String>,
    /// The paragraph (handlebars source).
    pub answer: String,
    /// What to say instead when the facility the answer needs is unknown (handlebars source).
    pub ask: Option<String>,
}

/// One FAQ entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// `faq/answers/piscine.toml:12`, for messages and the agent's note.
    pub origin: String,
    pub scope: Scope,
    /// Scoped to one of the territory's own services (waste, sanitation, planning…): found by a
    /// rule, it answers an inquiry sorted nowhere else too ("mon vieux frigo" sorted `autre`).
    pub service: bool,
    pub topic: Topic,
    pub shape: Shape,
    /// The answer only makes sense for one known facility (hours, prices…).
    pub needs_facility: bool,
    /// A team must decide: the draft is a holding reply, not the answer (indicators).
    pub holding: bool,
    /// Wins over entries found as strongly (default 0; each point weighs half a pattern hit).
    pub priority: i32,
    /// Only for a message that asks nothing else ("Merci pour votre réponse !").
    pub alone: bool,
    /// The whole answer when it applies: the other sentences are not answered (a sales pitch).
    pub exclusive: bool,
    /// Other topics its paragraph already answers (a lost card's paragraph gives its cost):
    /// a general entry of those topics is not added beside it.
    pub covers: Vec<Topic>,
    /// Who decides, for the agent's note of a holding reply.
    pub decides: Option<String>,
    pub patterns: Vec<Regex>,
    pub unless: Vec<Regex>,
    pub fr: Texts,
    pub en: Texts,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

impl Entry {
    pub fn texts(&self, lang: Lang) -> &Texts {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// True when the entry may be used on `day` (inside its validity period, if it has one).
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| day >= from)
            && self.valid_until.is_none_or(|until| day <= until)
    }
}

/// Every entry, with the index that finds the best one for a sentence.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub entries: Vec<Entry>,
    index: matching::Index,
}

impl Answers {
    /// Loads `answers/*.toml` from the FAQ source; errors name the file and line. A FAQ
    /// directory without an `answers/` folder has no entries (drafts then carry markers).
    pub fn load(
        source: &Source,
        catalogue: &Catalogue,
        spelling: &Spelling,
    ) -> Result<Answers, FaqError> {
        let mut entries: Vec<Entry> = Vec::new();
        for file in source.read_all("answers", ".toml")? {
            for entry in parse::parse_file(&file, catalogue)? {
                if let Some(other) = entries.iter().find(|e| e.id == entry.id) {
                    return Err(FaqError::Invalid {
                        file: entry.origin.clone(),
                        line: 0,
                        message: format!(
                            "duplicate answer id `{}` (also at {})",
                            entry.id, other.origin
                        ),
                    });
                }
                entries.push(entry);
            }
        }
        let places: Vec<&str> = catalogue
            .facilities
            .iter()
            .flat_map(|f| {
                [f.name.as_str(), f.commune.as_str()]
                    .into_iter()
                    .chain(f.aliases.iter().map(String::as_str))
                    .chain(f.streets.iter().map(String::as_str))
                    .chain(f.districts.iter().map(String::as_str))
            })
            .chain(catalogue.outside.iter().map(|o| o.name.as_str()))
            .collect();
        Ok(Answers::new(entries, spelling, &places))
    }

    /// Builds the index over `entries`; `places` are the catalogue's names, words that say
    /// where, not what is asked.
    pub fn new(entries: Vec<Entry>, spelling: &Spelling, places: &[&str]) -> Answers {
        let index = matching::Index::build(&entries, spelling, places);
        Answers { entries, index }
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of example questions, for `guichet faq test`.
    pub fn example_count(&self) -> usize {
        self.entries
            .iter()
            .map(|e| e.fr.questions.len() + e.en.questions.len())
            .sum()
    }

    /// Valid notices for a facility (or, without one, for the kind), in file order.
    pub fn notices<'a>(
        &'a self,
        kind: Kind,
        facility: Option<&'a FacilityId>,
        day: NaiveDate,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| {
            e.shape == Shape::Notice
                && e.valid_on(day)
                && match &e.scope {
                    Scope::Any => true,
                    Scope::Kind(k) => *k == kind,
                    Scope::Facility(id) => Some(id) == facility,
                }
        })
    }
}
