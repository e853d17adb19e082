//! `guichet classify --explain`: which words fired which rule, what each weighed for kind,
//! facility and topic, and how the decision was taken — so quality staff can fix a rule quickly.

use std::fmt;

use crate::inquiry::{Classification, Message};

use super::{weight, Faq, Trace};

/// One fired rule and the words it matched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FiredRule {
    pub id: String,
    pub origin: String,
    /// What it concludes ("kind piscine", "facility piscine-pajeaud", "topic horaires").
    pub concludes: String,
    pub weight: u64,
    /// Matched words, as normalised (subject first, marked `objet:`).
    pub words: Vec<String>,
}

/// A classification with its reasons.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub classification: Classification,
    pub fired: Vec<FiredRule>,
    pub trace: Trace,
}

impl Explanation {
    pub(super) fn new(
        faq: &Faq,
        message: &Message,
        classification: Classification,
        trace: Trace,
    ) -> Explanation {
        let text = faq.prepare(message);
        let fired = faq
            .fired(&text, true)
            .into_iter()
            .map(|(rule, hits)| {
                let mut words = Vec::new();
                if hits.subject {
                    for re in &rule.patterns {
                        if let Some(m) = re.find(&text.subject) {
                            words.push(format!("objet: {}", m.as_str()));
                        }
                    }
                }
                for re in &rule.patterns {
                    for m in re.find_iter(&text.body).take(3) {
                        words.push(m.as_str().chars().take(80).collect());
                    }
                }
                let c = &rule.conclusion;
                let mut concludes = Vec::new();
                if let Some(k) = c.kind {
                    concludes.push(format!("kind {k}"));
                }
                if let Some(f) = &c.facility {
                    concludes.push(format!("facility {f}"));
                }
                if let Some(o) = &c.outside {
                    concludes.push(format!("outside {o}"));
                }
                if let Some(t) = c.topic {
                    concludes.push(format!("topic {t}"));
                }
                if c.automatic {
                    concludes.push("automatic (soft)".to_string());
                }
                FiredRule {
                    id: rule.id.clone(),
                    origin: rule.origin.clone(),
                    concludes: concludes.join(", "),
                    weight: weight(rule, &hits, text.reply),
                    words,
                }
            })
            .collect();
        Explanation {
            classification,
            fired,
            trace,
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.classification;
        let facility = c.facility.as_ref().map(|f| f.as_str()).unwrap_or("-");
        writeln!(
            f,
            "kind {}  facility {facility}  topic {}  lang {}",
            c.kind, c.topic, c.lang
        )?;
        if let Some(reason) = &c.automatic_reason {
            writeln!(f, "automatic: {reason}")?;
        }
        writeln!(f, "rules fired (weight = priority × where it matched):")?;
        for r in &self.fired {
            writeln!(
                f,
                "  {:>4}  {:<32} {:<36} [{}]  ({})",
                r.weight,
                r.id,
                r.concludes,
                r.words.join(" | "),
                r.origin
            )?;
        }
        if !self.trace.kinds.is_empty() {
            let kinds: Vec<String> = self
                .trace
                .kinds
                .iter()
                .map(|(k, s)| format!("{k} {s}"))
                .collect();
            writeln!(f, "kind scores: {}", kinds.join(", "))?;
        }
        if !self.trace.places.is_empty() {
            let places: Vec<String> = self
                .trace
                .places
                .iter()
                .map(|(p, s)| format!("{p} {s}"))
                .collect();
            writeln!(f, "place scores: {}", places.join(", "))?;
        }
        if !c.requests.is_empty() {
            writeln!(f, "sentences:")?;
            for r in &c.requests {
                writeln!(
                    f,
                    "  [{}{}] {}  ({})",
                    r.topic,
                    if r.question { ", question" } else { "" },
                    r.text.chars().take(100).collect::<String>(),
                    if r.rules.is_empty() {
                        "no topic rule".to_string()
                    } else {
                        r.rules.join(", ")
                    }
                )?;
            }
        }
        for note in &self.trace.notes {
            writeln!(f, "- {note}")?;
        }
        Ok(())
    }
}
