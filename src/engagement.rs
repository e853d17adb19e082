//! The territory's published service engagements (Qualivilles): answer and acknowledgement delays in
//! working days, read from `engagements.toml` and checked once at load time.
//!
//! Every channel has a base answer delay. Overrides set one or more of `channel`, `kind` and `topic`
//! and replace the delay for the inquiries they match; among matching overrides the most specific
//! (most criteria set) wins, and two matching overrides of equal specificity that disagree are
//! rejected when the file is loaded. Every combination is resolved then, so look-ups are O(1).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::assets::{line_of, AssetError, DataFile, Source};
use crate::inquiry::{Channel, Kind, Topic, UnknownValue};

/// The engagements file is missing, malformed or inconsistent.
#[derive(Debug, thiserror::Error)]
pub enum EngagementError {
    /// The file could not be read (the message names the file; there is no line).
    #[error(transparent)]
    Read(#[from] AssetError),
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: {source}")]
    Unknown {
        file: String,
        line: usize,
        source: UnknownValue,
    },
    #[error("{file}:{line}: no answer delay for channel `{channel}` in [answer]")]
    MissingChannel {
        file: String,
        line: usize,
        channel: Channel,
    },
    #[error("{file}:{line}: override sets none of `channel`, `kind`, `topic`")]
    EmptyOverride { file: String, line: usize },
    #[error(
        "{file}:{line}: override ({days} days) conflicts with the one at line {other_line} \
         ({other_days} days): both apply to {overlap} with the same specificity; \
         add a more specific override or align the delays"
    )]
    Conflict {
        file: String,
        line: usize,
        days: u32,
        other_line: usize,
        other_days: u32,
        /// The inquiries both overrides match, e.g. ``channel `chat`, topic `reclamation` ``.
        overlap: String,
    },
}

/// Answer and acknowledgement delays, resolved for every channel, kind and topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagements {
    /// Answer delay per (channel, kind, topic), indexed by [`cell`].
    answer: Vec<u32>,
    /// Acknowledgement delay per channel; `None` when the channel has no acknowledgement.
    acknowledgement: Vec<Option<u32>>,
}

impl Engagements {
    /// Parses and checks an engagements file.
    pub fn parse(file: &DataFile) -> Result<Engagements, EngagementError> {
        let at = |span: std::ops::Range<usize>| line_of(&file.text, span.start);
        let raw: RawFile = toml::from_str(&file.text).map_err(|e| EngagementError::Syntax {
            file: file.name.clone(),
            line: e.span().map_or(1, at),
            message: e.message().to_string(),
        })?;
        let unknown = |span, source| EngagementError::Unknown {
            file: file.name.clone(),
            line: at(span),
            source,
        };

        let answer_line = at(raw.answer.span());
        let raw_answer = raw.answer.into_inner();
        let mut base = vec![None; Channel::ALL.len()];
        for (key, days) in raw_answer.channels {
            let channel: Channel = key.get_ref().parse().map_err(|e| unknown(key.span(), e))?;
            base[channel as usize] = Some(*days.get_ref());
        }
        let mut base_days = Vec::with_capacity(base.len());
        for (channel, days) in Channel::ALL.iter().zip(base) {
            base_days.push(days.ok_or_else(|| EngagementError::MissingChannel {
                file: file.name.clone(),
                line: answer_line,
                channel: *channel,
            })?);
        }

        let mut rules = Vec::with_capacity(raw_answer.overrides.len());
        for spanned in raw_answer.overrides {
            let line = at(spanned.span());
            let o = spanned.into_inner();
            let rule = Rule {
                channel: parse_opt(o.channel).map_err(|(s, e)| unknown(s, e))?,
                kind: parse_opt(o.kind).map_err(|(s, e)| unknown(s, e))?,
                topic: parse_opt(o.topic).map_err(|(s, e)| unknown(s, e))?,
                days: o.days,
                line,
            };
            if rule.specificity() == 0 {
                return Err(EngagementError::EmptyOverride {
                    file: file.name.clone(),
                    line,
                });
            }
            rules.push(rule);
        }

        let mut answer = vec![0; Channel::ALL.len() * Kind::ALL.len() * Topic::ALL.len()];
        for &channel in Channel::ALL {
            for &kind in Kind::ALL {
                for &topic in Topic::ALL {
                    let days = resolve(&rules, channel, kind, topic)
                        .map_err(|(a, b)| EngagementError::Conflict {
                            file: file.name.clone(),
                            line: b.line,
                            days: b.days,
                            other_line: a.line,
                            other_days: a.days,
                            overlap: overlap(a, b),
                        })?
                        .unwrap_or(base_days[channel as usize]);
                    answer[cell(channel, kind, topic)] = days;
                }
            }
        }

        let mut acknowledgement = vec![None; Channel::ALL.len()];
        for (key, days) in raw.acknowledgement {
            let channel: Channel = key.get_ref().parse().map_err(|e| unknown(key.span(), e))?;
            acknowledgement[channel as usize] = Some(days);
        }
        Ok(Engagements {
            answer,
            acknowledgement,
        })
    }

    /// Reads and checks `engagements.toml` from `source`.
    pub fn load(source: &Source) -> Result<Engagements, EngagementError> {
        Engagements::parse(&source.read("engagements.toml")?)
    }

    /// The shipped defaults (`faq/engagements.toml`, embedded in the binary).
    pub fn embedded() -> Engagements {
        Engagements::load(&Source::embedded_faq())
            .expect("the shipped faq/engagements.toml is valid (checked by the tests)")
    }

    /// The answer delay, in working days, for an inquiry of this channel, kind and topic.
    pub fn answer_days(&self, channel: Channel, kind: Kind, topic: Topic) -> u32 {
        self.answer[cell(channel, kind, topic)]
    }

    /// The acknowledgement delay in working days (0 = same day); `None` when the channel gets no
    /// acknowledgement.
    pub fn acknowledgement_days(&self, channel: Channel) -> Option<u32> {
        self.acknowledgement[channel as usize]
    }
}

/// Position of a combination in the resolved table (enum discriminants follow `ALL` order).
fn cell(channel: Channel, kind: Kind, topic: Topic) -> usize {
    (channel as usize * Kind::ALL.len() + kind as usize) * Topic::ALL.len() + topic as usize
}

/// One checked override.
#[derive(Debug)]
struct Rule {
    channel: Option<Channel>,
    kind: Option<Kind>,
    topic: Option<Topic>,
    days: u32,
    line: usize,
}

impl Rule {
    fn specificity(&self) -> usize {
        usize::from(self.channel.is_some())
            + usize::from(self.kind.is_some())
            + usize::from(self.topic.is_some())
    }

    fn matches(&self, channel: Channel, kind: Kind, topic: Topic) -> bool {
        self.channel.is_none_or(|c| c == channel)
            && self.kind.is_none_or(|k| k == kind)
            && self.topic.is_none_or(|t| t == topic)
    }
}

/// The delay of the most specific matching override, or the two that tie and disagree.
fn resolve(
    rules: &[Rule],
    channel: Channel,
    kind: Kind,
    topic: Topic,
) -> Result<Option<u32>, (&Rule, &Rule)> {
    let matching = || rules.iter().filter(|r| r.matches(channel, kind, topic));
    let Some(top) = matching().map(Rule::specificity).max() else {
        return Ok(None);
    };
    let mut best = matching().filter(|r| r.specificity() == top);
    let Some(first) = best.next() else {
        return Ok(None);
    };
    match best.find(|r| r.days != first.days) {
        Some(other) => Err((first, other)),
        None => Ok(Some(first.days)),
    }
}

/// Describes the inquiries two overrides both match (the union of their criteria).
fn overlap(a: &Rule, b: &Rule) -> String {
    let channel = a.channel.or(b.channel).map(|c| format!("channel `{c}`"));
    let kind = a.kind.or(b.kind).map(|k| format!("kind `{k}`"));
    let topic = a.topic.or(b.topic).map(|t| format!("topic `{t}`"));
    let parts: Vec<String> = [channel, kind, topic].into_iter().flatten().collect();
    parts.join(", ")
}

/// Parses an optional identifier, keeping its span for the error.
fn parse_opt<T: std::str::FromStr<Err = UnknownValue>>(
    value: Option<Spanned<String>>,
) -> Result<Option<T>, (std::ops::Range<usize>, UnknownValue)> {
    value
        .map(|v| v.get_ref().parse().map_err(|e| (v.span(), e)))
        .transpose()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    answer: Spanned<RawAnswer>,
    #[serde(default)]
    acknowledgement: BTreeMap<Spanned<String>, u32>,
}

/// `[answer]`: `channel = days` entries plus the `[[answer.override]]` array.
#[derive(Default)]
struct RawAnswer {
    channels: Vec<(Spanned<String>, Spanned<u32>)>,
    overrides: Vec<Spanned<RawOverride>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    channel: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    topic: Option<Spanned<String>>,
    days: u32,
}

impl<'de> Deserialize<'de> for RawAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;
        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = RawAnswer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`channel = days` entries and [[answer.override]] tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawAnswer, A::Error> {
                let mut raw = RawAnswer::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.get_ref() == "override" {
                        raw.overrides
                            .extend(map.next_value::<Vec<Spanned<RawOverride>>>()?);
                    } else {
                        raw.channels.push((key, map.next_value()?));
                    }
                }
                Ok(raw)
            }
        }
        deserializer.deserialize_map(AnswerVisitor)
    }
}

#[cfg(test)]
mod tests;
