//! FAQ rules kept as data (`faq/rules/*.toml`): patterns on normalised text, what they conclude,
//! a priority, the template they select, and examples that `guichet faq test` runs.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::assets::{line_of, DataFile};
use crate::inquiry::{FacilityId, Kind, Topic};

use super::normalize::{strip_accents, Spelling};
use super::FaqError;

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Subject and body (the default).
    #[default]
    Text,
    Subject,
    Body,
}

/// What a rule concludes when it fires; every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conclusion {
    pub kind: Option<Kind>,
    pub facility: Option<FacilityId>,
    /// The text names a place that is not VSGP's (`outside` entry id): no facility can be pinned.
    pub outside: Option<String>,
    pub topic: Option<Topic>,
    pub automatic: bool,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    /// `faq/rules/topics.toml:12`, for messages.
    pub origin: String,
    pub description: String,
    pub scope: Scope,
    pub patterns: Vec<Regex>,
    pub unless: Vec<Regex>,
    pub conclusion: Conclusion,
    pub priority: u32,
    pub template: Option<String>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

/// Where a rule matched in one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hits {
    pub subject: bool,
    pub body: usize,
    /// Byte offset of the first match in the body (or `usize::MAX`), for tie-breaking.
    pub first: usize,
    /// Byte offsets of the body matches (at most 3 per pattern), to find their sentence.
    pub starts: Vec<usize>,
}

impl Hits {
    pub fn fired(&self) -> bool {
        self.subject || self.body > 0
    }
}

impl Rule {
    /// Matches the rule against normalised subject and body.
    pub fn hits(&self, subject: &str, body: &str) -> Hits {
        self.hits_where(subject, body, |_| Some(0), |_| Some(0))
    }

    /// Like [`Rule::hits`], running only the patterns the prefilter says may match, from the
    /// offset where they may first match (pattern index → offset in the subject, in the body).
    /// `unless` is checked only once a pattern matched.
    pub fn hits_where(
        &self,
        subject: &str,
        body: &str,
        in_subject: impl Fn(usize) -> Option<usize>,
        in_body: impl Fn(usize) -> Option<usize>,
    ) -> Hits {
        let mut hits = Hits {
            first: usize::MAX,
            ..Hits::default()
        };
        if self.scope != Scope::Body
            && self.patterns.iter().enumerate().any(|(i, re)| {
                in_subject(i).is_some_and(|at| at <= subject.len() && re.is_match_at(subject, at))
            })
            && !self.unless.iter().any(|re| re.is_match(subject))
        {
            hits.subject = true;
        }
        if self.scope != Scope::Subject {
            for (i, re) in self.patterns.iter().enumerate() {
                let Some(mut at) = in_body(i) else {
                    continue;
                };
                let mut found = 0;
                while found < 3 && at <= body.len() {
                    let Some(m) = re.find_at(body, at) else {
                        break;
                    };
                    found += 1;
                    hits.body += 1;
                    hits.first = hits.first.min(m.start());
                    hits.starts.push(m.start());
                    at = if m.end() > m.start() {
                        m.end()
                    } else {
                        next_boundary(body, m.end())
                    };
                }
            }
            if hits.body > 0 && self.unless.iter().any(|re| re.is_match(body)) {
                hits.body = 0;
                hits.first = usize::MAX;
                hits.starts.clear();
            }
        }
        hits
    }

    /// True when some pattern matches `text` and no `unless` pattern does.
    pub fn matches(&self, text: &str) -> bool {
        self.patterns.iter().any(|re| re.is_match(text))
            && !self.unless.iter().any(|re| re.is_match(text))
    }

    /// Runs the rule's own examples; returns one message per failure.
    pub fn check_examples(&self, spelling: &Spelling) -> Vec<String> {
        let mut failures = Vec::new();
        for example in &self.examples {
            if !self.matches(&spelling.normalize(example)) {
                failures.push(format!(
                    "{} ({}): example not matched: {example:?}",
                    self.id, self.origin
                ));
            }
        }
        for example in &self.counter_examples {
            if self.matches(&spelling.normalize(example)) {
                failures.push(format!(
                    "{} ({}): counter-example matched: {example:?}",
                    self.id, self.origin
                ));
            }
        }
        failures
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    scope: Scope,
    patterns: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    kind: Option<Kind>,
    facility: Option<FacilityId>,
    outside: Option<String>,
    topic: Option<Topic>,
    #[serde(default)]
    automatic: bool,
    #[serde(default = "default_priority")]
    priority: u32,
    template: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    counter_examples: Vec<String>,
}

fn default_priority() -> u32 {
    10
}

/// Parses one rules file.
pub fn parse_rules(file: &DataFile) -> Result<Vec<Rule>, FaqError> {
    let raw: RuleFile = toml::from_str(&file.text).map_err(|e| FaqError::toml(file, &e))?;
    raw.rules
        .into_iter()
        .map(|r| compile_rule(file, r))
        .collect()
}

fn compile_rule(file: &DataFile, raw: RawRule) -> Result<Rule, FaqError> {
    let line = file
        .text
        .find(&format!("\"{}\"", raw.id))
        .map(|offset| line_of(&file.text, offset))
        .unwrap_or(0);
    let origin = format!("{}:{line}", file.name);
    if raw.patterns.is_empty() {
        return Err(FaqError::at(
            file,
            line,
            format!("rule `{}` has no patterns", raw.id),
        ));
    }
    let compile_all = |list: &[String]| -> Result<Vec<Regex>, FaqError> {
        list.iter()
            .map(|p| {
                compile_pattern(p)
                    .map_err(|e| FaqError::at(file, line, format!("rule `{}`: {e}", raw.id)))
            })
            .collect()
    };
    let conclusion = Conclusion {
        kind: raw.kind,
        facility: raw.facility,
        outside: raw.outside,
        topic: raw.topic,
        automatic: raw.automatic,
    };
    if conclusion == Conclusion::default() {
        return Err(FaqError::at(
            file,
            line,
            format!(
                "rule `{}` concludes nothing (set kind, facility, outside, topic or automatic)",
                raw.id
            ),
        ));
    }
    Ok(Rule {
        patterns: compile_all(&raw.patterns)?,
        unless: compile_all(&raw.unless)?,
        id: raw.id,
        origin,
        description: raw.description,
        scope: raw.scope,
        conclusion,
        priority: raw.priority,
        template: raw.template,
        examples: raw.examples,
        counter_examples: raw.counter_examples,
    })
}

/// Rewrites `\b` as an ASCII word boundary and `.{m,n}` as a window of ASCII characters.
fn ascii_windows(pattern: &str) -> String {
    let dot_all = pattern.contains("(?s)");
    let any = if dot_all {
        r"[\x00-\x7F]"
    } else {
        r"[\x00-\x09\x0B-\x7F]"
    };
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next();
                if next == Some('b') && !in_class {
                    out.push_str(r"(?-u:\b)");
                } else {
                    out.push('\\');
                    out.extend(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '.' if !in_class && chars.peek() == Some(&'{') => out.push_str(any),
            _ => out.push(c),
        }
    }
    out
}

/// The char boundary after `at` (past the end when `at` is the end).
fn next_boundary(text: &str, at: usize) -> usize {
    let mut next = at + 1;
    while next < text.len() && !text.is_char_boundary(next) {
        next += 1;
    }
    next
}

/// Compiles a pattern for normalised text: accents stripped, case-insensitive, size-bounded.
///
/// Normalised text is ASCII but for the odd symbol or emoji, so word boundaries are ASCII ones
/// and the "any character" of a counted window (`.{0,80}`) is an ASCII character: the lazy DFA
/// then never gives up on a non-ASCII byte, and a window costs one state per byte instead of one
/// per UTF-8 sequence (measured in `benches/classify.rs`).
pub fn compile_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&ascii_windows(&strip_accents(pattern)))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
}

/// A regex matching any of `phrases` as whole words, after the phrases are normalised.
pub fn phrase_pattern(phrases: &[String], spelling: &Spelling) -> Option<String> {
    let mut alternatives: Vec<String> = phrases
        .iter()
        .map(|p| spelling.normalize(p))
        .filter(|p| !p.is_empty())
        .map(|p| regex::escape(&p))
        .collect();
    if alternatives.is_empty() {
        return None;
    }
    // Longest first, so "piscine pajeaud" wins over "pajeaud" in the leftmost match.
    alternatives.sort_by_key(|a| std::cmp::Reverse(a.len()));
    alternatives.dedup();
    Some(format!(r"\b(?:{})\b", alternatives.join("|")))
}
