//! The classifier: weighs the rules that fired on a message and decides kind, facility and topic.
//!
//! The text analysed is the citizen's own: the body's sentences (greetings, closings and
//! signature dropped, see [`super::sentences`]) and a fresh subject; a reply's subject (the old
//! thread's) counts least. Place (kind and facility) is decided in [`place`], topics per sentence
//! and for the inquiry in [`topic`], automatic mail in [`super::automatic`]. Every weight is kept
//! in a [`Trace`] that `guichet classify --explain` prints.

mod explain;
mod place;
mod topic;

use crate::inquiry::{Classification, Kind, Lang, Message, Topic, SOFT_AUTOMATIC};

use super::rules::Hits;
use super::{automatic, lang, sentences, Faq, Rule};

pub use explain::Explanation;

/// Longest body text analysed: people do not write more; hostile mail gets no more CPU.
const MAX_ANALYSED_BYTES: usize = 32 * 1024;

/// What a fired rule weighs, given where it matched.
fn weight(rule: &Rule, hits: &Hits, reply: bool) -> u64 {
    let body = hits.body.min(3) as u64 * 3;
    let subject = match (hits.subject, reply) {
        (false, _) => 0,
        (true, true) => 1,
        (true, false) => 2,
    };
    u64::from(rule.priority) * (body + subject)
}

/// One sentence of the prepared body: where it lies in `Prepared::body`.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub text: String,
    pub question: bool,
    pub start: usize,
    pub end: usize,
}

/// Text prepared for matching.
pub(crate) struct Prepared {
    pub subject: String,
    /// The normalised sentences, one per line.
    pub body: String,
    pub sentences: Vec<Sentence>,
    pub reply: bool,
}

/// The scores behind a decision, for `--explain`.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// (kind, score) in decreasing order.
    pub kinds: Vec<(Kind, u64)>,
    /// (facility or outside place id, score) in decreasing order.
    pub places: Vec<(String, u64)>,
    /// How place and topic were decided, in words.
    pub notes: Vec<String>,
    /// (rule id, weight) of every fired rule.
    pub weights: Vec<(String, u64)>,
}

impl Faq {
    /// Normalises subject and body the way rules expect them, body split into sentences.
    pub(crate) fn prepare(&self, message: &Message) -> Prepared {
        let (subject, reply) = strip_subject_prefixes(&message.subject);
        let mut body = message.body.as_str();
        if body.len() > MAX_ANALYSED_BYTES {
            let mut cut = MAX_ANALYSED_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body = &body[..cut];
        }
        let mut text = String::with_capacity(body.len());
        let mut list = Vec::new();
        for request in sentences::requests(body) {
            let normalised = self.spelling.normalize(&request.text);
            if !text.is_empty() {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(&normalised);
            list.push(Sentence {
                text: request.text,
                question: request.question,
                start,
                end: text.len(),
            });
        }
        Prepared {
            subject: self.spelling.normalize(subject),
            body: text,
            sentences: list,
            reply,
        }
    }

    /// Sorts one message. Pure: the same message always gives the same answer.
    pub fn classify(&self, message: &Message) -> Classification {
        self.decide(message).0
    }

    /// Sorts one message as a citizen's, whatever its headers say: an agent restored it.
    pub fn classify_human(&self, message: &Message) -> Classification {
        let mut headers_free = message.clone();
        headers_free.headers.clear();
        headers_free.content_type = "text/plain".to_string();
        headers_free.from = None;
        let (subject, _) = strip_subject_prefixes(&message.subject);
        // The subject phrase that made it look automatic is not the citizen's question.
        headers_free.subject = format!("RE: {subject}");
        let mut c = self.decide(&headers_free).0;
        c.automatic = false;
        c.automatic_reason = None;
        c
    }

    /// Sorts one message and says why (`guichet classify --explain`).
    pub fn explain(&self, message: &Message) -> Explanation {
        let (classification, trace) = self.decide(message);
        Explanation::new(self, message, classification, trace)
    }

    /// Sorts one message running every rule pattern on every text (no literal prefilter): the
    /// benchmark's baseline, and a check that the prefilter changes nothing.
    pub fn classify_unfiltered(&self, message: &Message) -> Classification {
        self.decide_with(message, false).0
    }

    fn fired<'a>(&'a self, text: &Prepared, prefilter: bool) -> Vec<(&'a Rule, Hits)> {
        if !prefilter {
            return self
                .rules
                .iter()
                .map(|rule| (rule, rule.hits(&text.subject, &text.body)))
                .filter(|(_, hits)| hits.fired())
                .collect();
        }
        let in_subject = self.prefilter.candidates(&text.subject);
        let in_body = self.prefilter.candidates(&text.body);
        self.rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let base = self.prefilter.base(i);
                let hits = rule.hits_where(
                    &text.subject,
                    &text.body,
                    |p| in_subject.starting(base, p),
                    |p| in_body.starting(base, p),
                );
                (rule, hits)
            })
            .filter(|(_, hits)| hits.fired())
            .collect()
    }

    fn decide(&self, message: &Message) -> (Classification, Trace) {
        self.decide_with(message, true)
    }

    fn decide_with(&self, message: &Message, prefilter: bool) -> (Classification, Trace) {
        let text = self.prepare(message);
        let fired = self.fired(&text, prefilter);
        let lang = if message.body.is_empty() {
            Lang::Fr
        } else {
            lang::detect(&message.body)
        };
        let rules: Vec<String> = fired.iter().map(|(r, _)| r.id.clone()).collect();
        let mut trace = Trace {
            weights: fired
                .iter()
                .map(|(r, h)| (r.id.clone(), weight(r, h, text.reply)))
                .collect(),
            ..Trace::default()
        };

        let automatic_reason = automatic::detect(message)
            .or_else(|| soft_automatic(&fired, &text).map(|r| format!("{SOFT_AUTOMATIC}{r}")));
        if let Some(reason) = automatic_reason {
            trace.notes.push(format!("automatic: {reason}"));
            let c = Classification {
                kind: Kind::Autre,
                facility: None,
                topic: Topic::Autre,
                automatic: true,
                automatic_reason: Some(reason),
                lang,
                rules,
                template: None,
                requests: Vec::new(),
            };
            return (c, trace);
        }

        let (facility, kind) = self.decide_place(&fired, &text, message, &mut trace);
        let (topic, requests) = topic::decide(&fired, &text, &mut trace);
        let template = fired
            .iter()
            .filter(|(r, _)| r.template.is_some())
            .filter(|(r, _)| r.conclusion.topic.is_none_or(|t| t == topic))
            .filter(|(r, _)| r.conclusion.kind.is_none_or(|k| k == kind))
            .filter(|(r, _)| {
                r.conclusion.facility.is_none()
                    || r.conclusion.facility.as_ref() == facility.as_ref()
            })
            .max_by_key(|(r, h)| (r.priority, weight(r, h, text.reply)))
            .and_then(|(r, _)| r.template.clone());
        let c = Classification {
            kind,
            facility,
            topic,
            automatic: false,
            automatic_reason: None,
            lang,
            rules,
            template,
            requests,
        };
        (c, trace)
    }
}

/// Soft evidence of an automatic mail: an automatic rule (subject phrase) on a fresh subject —
/// never on a reply's ("RE: Réponse automatique : …" is a human answering our robot) — with no
/// question of the writer's own in the body.
fn soft_automatic(fired: &[(&Rule, Hits)], text: &Prepared) -> Option<String> {
    if text.reply || text.sentences.iter().any(|s| s.question) {
        return None;
    }
    fired
        .iter()
        .find(|(r, _)| r.conclusion.automatic)
        .map(|(r, _)| format!("règle {}", r.id))
}

/// Removes `Re:`, `TR:`, `Fwd:`… prefixes; says whether the message is a reply.
pub fn strip_subject_prefixes(subject: &str) -> (&str, bool) {
    let mut rest = subject.trim();
    let mut reply = false;
    loop {
        let lower = rest.to_lowercase();
        let prefix = [
            "re:", "re :", "aw:", "réf:", "tr:", "tr :", "fwd:", "fw:", "fwd :", "fw :", "wg:",
        ]
        .iter()
        .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => {
                if p.starts_with("re") || p.starts_with("aw") {
                    reply = true;
                }
                rest = rest[p.len()..].trim_start();
            }
            None => return (rest, reply),
        }
    }
}

#[cfg(test)]
mod tests;
