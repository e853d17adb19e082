//! The FAQ knowledge: catalogue, rules and spelling table loaded from `faq/`, and the classifier
//! that sorts a message by kind, facility and topic and recognises automatic mail.

pub mod automatic;
pub mod catalogue;
mod classify;
pub mod gazetteer;
pub mod lang;
pub mod normalize;
pub mod prefilter;
pub mod rules;
pub mod sentences;

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use crate::assets::{line_of, DataFile, Source};
use crate::inquiry::FacilityId;

pub use catalogue::{Catalogue, Facility, Facts};
pub use classify::{strip_subject_prefixes, Explanation, Trace};
pub use normalize::Spelling;
pub use rules::{Conclusion, Rule};

/// The FAQ data is invalid; the message names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum FaqError {
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Asset(#[from] crate::assets::AssetError),
}

impl FaqError {
    pub(crate) fn at(file: &DataFile, line: usize, message: impl Into<String>) -> FaqError {
        FaqError::Invalid {
            file: file.name.clone(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn toml(file: &DataFile, err: &toml::de::Error) -> FaqError {
        let line = err
            .span()
            .map(|s| line_of(&file.text, s.start))
            .unwrap_or(0);
        FaqError::at(file, line, err.message().to_string())
    }
}

/// A commune with the pattern that recognises it.
#[derive(Debug, Clone)]
pub struct CommuneMatcher {
    pub name: String,
    pub pattern: Regex,
}

/// Everything the classifier knows, compiled once.
#[derive(Debug, Clone)]
pub struct Faq {
    pub catalogue: Catalogue,
    pub spelling: Spelling,
    /// Rules from `rules/*.toml` followed by rules derived from the catalogue's names.
    pub rules: Vec<Rule>,
    pub communes: Vec<CommuneMatcher>,
    /// Which rule patterns may match a text, in one pass (built from `rules`).
    pub prefilter: prefilter::Prefilter,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpellingFile {
    #[serde(default)]
    words: BTreeMap<String, String>,
}

impl Faq {
    /// Loads and validates the FAQ data from a source (embedded or a directory).
    pub fn load(source: &Source) -> Result<Faq, FaqError> {
        let spelling_file = source.read("spelling.toml")?;
        let raw: SpellingFile =
            toml::from_str(&spelling_file.text).map_err(|e| FaqError::toml(&spelling_file, &e))?;
        let catalogue = Catalogue::parse(&source.read("facilities.toml")?)?;
        let spelling = Spelling::new(raw.words.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .with_names(gazetteer::Gazetteer::from_catalogue(&catalogue));
        let mut rules = Vec::new();
        for file in source.read_all("rules", ".toml")? {
            for rule in rules::parse_rules(&file)? {
                validate_rule(&file, &rule, &catalogue)?;
                rules.push(rule);
            }
        }
        let mut seen = std::collections::HashSet::new();
        for rule in &rules {
            if !seen.insert(rule.id.clone()) {
                return Err(FaqError::Invalid {
                    file: rule.origin.clone(),
                    line: 0,
                    message: format!("duplicate rule id `{}`", rule.id),
                });
            }
        }
        let catalogue_file = source.read("facilities.toml")?;
        rules.extend(name_rules(&catalogue, &spelling, &catalogue_file)?);
        let communes = catalogue
            .communes
            .iter()
            .filter_map(|c| {
                let mut names = vec![c.name.clone()];
                names.extend(c.aliases.iter().cloned());
                let pattern = rules::phrase_pattern(&names, &spelling)?;
                Some(
                    rules::compile_pattern(&pattern).map(|pattern| CommuneMatcher {
                        name: c.name.clone(),
                        pattern,
                    }),
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FaqError::at(&catalogue_file, 0, format!("commune pattern: {e}")))?;
        let prefilter = prefilter::Prefilter::new(&rules);
        Ok(Faq {
            catalogue,
            spelling,
            rules,
            communes,
            prefilter,
        })
    }

    /// The shipped FAQ data (tested to be valid).
    pub fn embedded() -> Faq {
        Faq::load(&Source::embedded_faq())
            .expect("the embedded FAQ data is validated by the test suite")
    }

    /// Runs every rule's examples; returns the failures.
    pub fn test_examples(&self) -> Vec<String> {
        self.rules
            .iter()
            .flat_map(|rule| rule.check_examples(&self.spelling))
            .collect()
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn validate_rule(file: &DataFile, rule: &Rule, catalogue: &Catalogue) -> Result<(), FaqError> {
    let line = rule
        .origin
        .rsplit(':')
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    if let Some(id) = &rule.conclusion.facility {
        let facility = catalogue.facility(id).ok_or_else(|| {
            FaqError::at(
                file,
                line,
                format!("rule `{}`: unknown facility `{id}`", rule.id),
            )
        })?;
        if rule.conclusion.kind.is_some_and(|k| k != facility.kind) {
            return Err(FaqError::at(
                file,
                line,
                format!(
                    "rule `{}`: facility `{id}` is not of kind {:?}",
                    rule.id, rule.conclusion.kind
                ),
            ));
        }
    }
    if let Some(id) = &rule.conclusion.outside {
        if !catalogue.outside.iter().any(|o| &o.id == id) {
            return Err(FaqError::at(
                file,
                line,
                format!("rule `{}`: unknown outside place `{id}`", rule.id),
            ));
        }
    }
    Ok(())
}

/// One rule per facility and per outside place, from the catalogue's names, aliases and patterns.
fn name_rules(
    catalogue: &Catalogue,
    spelling: &Spelling,
    file: &DataFile,
) -> Result<Vec<Rule>, FaqError> {
    let mut out = Vec::new();
    let make = |id: String,
                names: Vec<String>,
                patterns: &[String],
                conclusion: Conclusion|
     -> Result<Option<Rule>, FaqError> {
        let line = file
            .text
            .find(&format!("\"{}\"", id.split(':').nth(1).unwrap_or("")))
            .map(|o| line_of(&file.text, o))
            .unwrap_or(0);
        let mut sources: Vec<String> = rules::phrase_pattern(&names, spelling)
            .into_iter()
            .collect();
        sources.extend(patterns.iter().cloned());
        let compiled = sources
            .iter()
            .map(|p| rules::compile_pattern(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| FaqError::at(file, line, format!("{id}: {e}")))?;
        Ok((!compiled.is_empty()).then(|| Rule {
            origin: format!("{}:{line}", file.name),
            description: format!(
                "named in the catalogue ({})",
                names.first().cloned().unwrap_or_default()
            ),
            scope: rules::Scope::Text,
            patterns: compiled,
            unless: Vec::new(),
            conclusion,
            priority: NAME_PRIORITY,
            template: None,
            examples: Vec::new(),
            counter_examples: Vec::new(),
            id,
        }))
    };
    for facility in &catalogue.facilities {
        let mut names = vec![facility.name.clone()];
        names.extend(facility.aliases.iter().cloned());
        let conclusion = Conclusion {
            kind: Some(facility.kind),
            facility: Some(facility.id.clone()),
            ..Conclusion::default()
        };
        let mut patterns = facility.patterns.clone();
        patterns.extend(contextual_pattern(facility, spelling));
        out.extend(make(
            format!("nom:{}", facility.id),
            names,
            &patterns,
            conclusion.clone(),
        )?);
        let mut places = facility.streets.clone();
        places.extend(facility.districts.iter().cloned());
        if !places.is_empty() {
            out.extend(
                make(format!("lieu:{}", facility.id), places, &[], conclusion)?.map(|mut rule| {
                    rule.priority = PLACE_PRIORITY;
                    rule.description = format!("street or district of {}", facility.name);
                    rule
                }),
            );
        }
    }
    for place in &catalogue.outside {
        let mut names = vec![place.name.clone()];
        names.extend(place.aliases.iter().cloned());
        let conclusion = Conclusion {
            kind: Some(place.kind),
            outside: Some(place.id.clone()),
            ..Conclusion::default()
        };
        out.extend(make(
            format!("hors:{}", place.id),
            names,
            &place.patterns,
            conclusion,
        )?);
    }
    Ok(out)
}

/// A name weighs more than any single word of vocabulary: a keyword never overrules a named
/// facility on its own.
const NAME_PRIORITY: u32 = 15;

/// A street or a district weighs less than a name: a named facility of another kind wins.
const PLACE_PRIORITY: u32 = 8;

/// How far apart (in characters) an ordinary-word name and its context may be.
const CONTEXT_SPAN: usize = 200;

/// A pattern matching a facility's ordinary-word names only near one of its context words.
fn contextual_pattern(facility: &Facility, spelling: &Spelling) -> Option<String> {
    let names = rules::phrase_pattern(&facility.contextual, spelling)?;
    let context = rules::phrase_pattern(&facility.context, spelling)?;
    Some(format!(
        "(?s){context}.{{0,{CONTEXT_SPAN}}}{names}|{names}.{{0,{CONTEXT_SPAN}}}{context}"
    ))
}

/// Resolves a facility id against the catalogue, for callers holding a string.
pub fn known_facility<'a>(faq: &'a Faq, id: &str) -> Option<&'a Facility> {
    FacilityId::parse(id)
        .ok()
        .and_then(|id| faq.catalogue.facility(&id).map(|f| f as _))
}
