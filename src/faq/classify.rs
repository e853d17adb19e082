//! The classifier: weighs the rules that fired on a message and decides kind, facility and topic.
//!
//! Evidence in the body counts more than the subject, and a reply's subject (the old thread's)
//! counts least. A facility is pinned only when it clearly beats every other candidate; otherwise
//! the answer stays at the kind level, because a careful agent prefers "une piscine" to the wrong
//! pool. When no facility is named, the commune can pin the only facility of that kind there.

use std::collections::HashMap;

use crate::inquiry::{Classification, FacilityId, Kind, Lang, Message, Topic};

use super::rules::Hits;
use super::{automatic, lang, Faq, Rule};

/// Longest body text analysed: people do not write more; hostile mail gets no more CPU.
const MAX_ANALYSED_BYTES: usize = 32 * 1024;

/// A facility must beat the runner-up by this factor to be pinned.
const FACILITY_MARGIN: f64 = 1.5;

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

/// Text prepared for matching.
pub(crate) struct Prepared {
    pub subject: String,
    pub body: String,
    pub reply: bool,
}

impl Faq {
    /// Normalises subject and body the way rules expect them.
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
        Prepared {
            subject: self.spelling.normalize(subject),
            body: self.spelling.normalize(body),
            reply,
        }
    }

    /// Sorts one message. Pure: the same message always gives the same answer.
    pub fn classify(&self, message: &Message) -> Classification {
        let text = self.prepare(message);
        let fired: Vec<(&Rule, Hits)> = self
            .rules
            .iter()
            .map(|rule| (rule, rule.hits(&text.subject, &text.body)))
            .filter(|(_, hits)| hits.fired())
            .collect();
        let lang = lang::detect(&message.body);
        let rules: Vec<String> = fired.iter().map(|(r, _)| r.id.clone()).collect();

        let automatic_reason = automatic::detect(message).or_else(|| {
            fired
                .iter()
                .find(|(r, _)| r.conclusion.automatic)
                .map(|(r, _)| format!("rule {}", r.id))
        });
        if let Some(reason) = automatic_reason {
            return Classification {
                kind: Kind::Autre,
                facility: None,
                topic: Topic::Autre,
                automatic: true,
                automatic_reason: Some(reason),
                lang,
                rules,
                template: None,
            };
        }

        let (facility, kind) = self.decide_place(&fired, &text);
        let topic = decide_topic(&fired, text.reply);
        let template = fired
            .iter()
            .filter(|(r, _)| r.template.is_some())
            .filter(|(r, _)| r.conclusion.topic.is_none_or(|t| t == topic))
            .filter(|(r, _)| r.conclusion.kind.is_none_or(|k| k == kind))
            .max_by_key(|(r, h)| (r.priority, weight(r, h, text.reply)))
            .and_then(|(r, _)| r.template.clone());
        Classification {
            kind,
            facility,
            topic,
            automatic: false,
            automatic_reason: None,
            lang: if message.body.is_empty() {
                Lang::Fr
            } else {
                lang
            },
            rules,
            template,
        }
    }

    fn decide_place(&self, fired: &[(&Rule, Hits)], text: &Prepared) -> (Option<FacilityId>, Kind) {
        // Candidates: facilities, and places that are not VSGP's (which block any facility).
        let mut places: HashMap<Place, (u64, usize)> = HashMap::new();
        let mut kinds: HashMap<Kind, (u64, usize)> = HashMap::new();
        for (rule, hits) in fired {
            let w = weight(rule, hits, text.reply);
            let c = &rule.conclusion;
            let place = match (&c.facility, &c.outside) {
                (Some(id), _) => Some(Place::Facility(id.clone())),
                (None, Some(id)) => Some(Place::Outside(id.clone())),
                _ => None,
            };
            if let Some(place) = place {
                let entry = places.entry(place).or_insert((0, usize::MAX));
                entry.0 += w;
                entry.1 = entry.1.min(hits.first);
            }
            let kind = c.kind.or_else(|| {
                c.facility
                    .as_ref()
                    .and_then(|id| self.catalogue.facility(id))
                    .map(|f| f.kind)
            });
            if let Some(kind) = kind {
                let entry = kinds.entry(kind).or_insert((0, usize::MAX));
                entry.0 += w;
                entry.1 = entry.1.min(hits.first);
            }
        }

        let mut ranked: Vec<(Place, (u64, usize))> = places.into_iter().collect();
        ranked.sort_by(|a, b| {
            b.1 .0
                .cmp(&a.1 .0)
                .then(a.1 .1.cmp(&b.1 .1))
                .then(a.0.cmp(&b.0))
        });
        if let Some((best, (score, _))) = ranked.first() {
            let runner_up = ranked.get(1).map(|(_, (s, _))| *s).unwrap_or(0);
            if *score as f64 >= runner_up as f64 * FACILITY_MARGIN && *score > runner_up {
                if let Place::Facility(id) = best {
                    if let Some(facility) = self.catalogue.facility(id) {
                        return (Some(id.clone()), facility.kind);
                    }
                }
            }
        }
        let kind = best_kind(&kinds);
        let named_any = !ranked.is_empty();
        if !named_any && kind != Kind::Autre {
            // A fresh subject ("Aquagym Bagneux") is the writer's own words; a reply's is not.
            let own_words = if text.reply {
                text.body.clone()
            } else {
                format!("{}\n{}", text.subject, text.body)
            };
            if let Some(id) = self.facility_by_commune(kind, &own_words) {
                return (Some(id), kind);
            }
        }
        (None, kind)
    }

    /// The only facility of `kind` in the only commune named in `text`, if there is one.
    fn facility_by_commune(&self, kind: Kind, text: &str) -> Option<FacilityId> {
        let mut named = self.communes.iter().filter(|c| c.pattern.is_match(text));
        let commune = named.next()?;
        if named.next().is_some() {
            return None;
        }
        let mut candidates = self.catalogue.in_commune(kind, &commune.name);
        let only = candidates.next()?;
        candidates.next().is_none().then(|| only.id.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Facility(FacilityId),
    Outside(String),
}

fn best_kind(kinds: &HashMap<Kind, (u64, usize)>) -> Kind {
    kinds
        .iter()
        .filter(|(k, _)| **k != Kind::Autre || kinds.len() == 1)
        .max_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(b.1 .1.cmp(&a.1 .1))
                .then(b.0.cmp(a.0))
        })
        .map(|(k, _)| *k)
        .unwrap_or(Kind::Autre)
}

fn decide_topic(fired: &[(&Rule, Hits)], reply: bool) -> Topic {
    let mut topics: HashMap<Topic, (u64, usize)> = HashMap::new();
    for (rule, hits) in fired {
        if let Some(topic) = rule.conclusion.topic {
            let entry = topics.entry(topic).or_insert((0, usize::MAX));
            entry.0 += weight(rule, hits, reply);
            entry.1 = entry.1.min(hits.first);
        }
    }
    topics
        .into_iter()
        .max_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(b.1 .1.cmp(&a.1 .1))
                .then(b.0.cmp(&a.0))
        })
        .map(|(t, _)| t)
        .unwrap_or(Topic::Autre)
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
mod tests {
    use super::*;

    #[test]
    fn subject_prefixes_are_stripped() {
        assert_eq!(
            strip_subject_prefixes("RE: TR: Horaires"),
            ("Horaires", true)
        );
        assert_eq!(
            strip_subject_prefixes("Fwd: objet perdu"),
            ("objet perdu", false)
        );
        assert_eq!(strip_subject_prefixes("Recherche"), ("Recherche", false));
    }

    fn message(subject: &str, body: &str) -> Message {
        Message {
            subject: subject.to_string(),
            body: body.to_string(),
            ..Message::default()
        }
    }

    #[test]
    fn a_commune_in_a_fresh_subject_pins_the_only_facility_of_that_kind() {
        let faq = Faq::embedded();
        let c = faq.classify(&message("Aquagym Bagneux", "Bonjour, c'est quand ?"));
        assert_eq!(c.kind, Kind::Piscine);
        assert_eq!(
            c.facility.as_ref().map(|f| f.as_str()),
            Some("piscine-bagneux")
        );
    }

    #[test]
    fn a_commune_in_a_reply_subject_does_not_pin_a_facility() {
        let faq = Faq::embedded();
        let c = faq.classify(&message(
            "RE: Aquagym Bagneux",
            "Et l'aquagym, c'est quand ?",
        ));
        assert_eq!(c.kind, Kind::Piscine);
        assert_eq!(c.facility, None);
    }
}
