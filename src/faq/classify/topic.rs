//! Topics: one per sentence of the citizen's text, then the inquiry's by a fixed precedence.
//!
//! A sentence's topic is the topic rule weighing most in it (rule priority, once per rule; in a
//! question the topic matched first gets a small bonus, since "Combien coûte l'inscription ?"
//! asks a price). The inquiry's topic is then, in this order:
//! 1. `reclamation` when any sentence is a clear complaint — a complaint that mentions a booking
//!    or a price stays a complaint — or when two statements carry weak signs ("a été annulé",
//!    "je demande le remboursement") and no question asks about another topic (otherwise weak
//!    signs such as "toujours pas" only weigh, see 3.);
//! 2. `objet-perdu` when any sentence is about lost property — before hours or prices;
//! 3. otherwise the topic weighing most over all sentences, a question counting twice a
//!    statement, a fresh subject counting like a statement (a reply's subject, the old
//!    thread's, only when no sentence carries a topic);
//!    ties go to `inscription`, `reservation`, `tarifs`, `horaires` in that order;
//! 4. `autre` when no sentence (and no subject) carries a topic, or when the sentences that do are
//!    outweighed by sentences about something else altogether (rules concluding `topic = "autre"`:
//!    press, partnerships and sales pitches, job applications, accessibility, parking): "un
//!    parking gratuit ?" is no price question. Such evidence loses every tie, and in a statement
//!    whose topic is another it takes back its own weight from that topic.

use std::collections::HashMap;

use crate::inquiry::{RequestTopic, Topic};

use super::{Hits, Prepared, Rule, Trace};

/// Bonus for the topic matched first in a sentence.
const FIRST_BONUS: u64 = 5;

/// A sentence's complaint weight from which the complaint takes precedence.
const CLEAR_COMPLAINT: u64 = 20;

/// Precedence when weights tie (and the fixed first two of the inquiry's decision).
const PRECEDENCE: [Topic; 7] = [
    Topic::Reclamation,
    Topic::ObjetPerdu,
    Topic::Inscription,
    Topic::Reservation,
    Topic::Tarifs,
    Topic::Horaires,
    Topic::Autre,
];

fn rank(topic: Topic) -> usize {
    PRECEDENCE
        .iter()
        .position(|t| *t == topic)
        .unwrap_or(PRECEDENCE.len())
}

/// The best topic of a score table: highest score, then precedence.
fn best(scores: &HashMap<Topic, u64>) -> Option<Topic> {
    scores
        .iter()
        .filter(|(_, s)| **s > 0)
        .max_by(|a, b| a.1.cmp(b.1).then(rank(*b.0).cmp(&rank(*a.0))))
        .map(|(t, _)| *t)
}

/// Topic of each sentence, then of the inquiry.
pub(super) fn decide(
    fired: &[(&Rule, Hits)],
    text: &Prepared,
    trace: &mut Trace,
) -> (Topic, Vec<RequestTopic>) {
    let n = text.sentences.len();
    let mut per_sentence: Vec<HashMap<Topic, u64>> = vec![HashMap::new(); n];
    let mut first: Vec<Option<(usize, Topic)>> = vec![None; n];
    let mut rules_in: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut subject: HashMap<Topic, u64> = HashMap::new();
    for (rule, hits) in fired {
        let Some(topic) = rule.conclusion.topic else {
            continue;
        };
        if hits.subject {
            *subject.entry(topic).or_default() +=
                u64::from(rule.priority) * if text.reply { 1 } else { 2 };
        }
        for &start in &hits.starts {
            let Some(i) = sentence_of(text, start) else {
                continue;
            };
            if first[i].is_none_or(|(at, _)| start < at) {
                first[i] = Some((start, topic));
            }
            // A rule weighs once per sentence: synonyms ("ouverte le dimanche après-midi")
            // do not make a question weigh more than another one.
            if !rules_in[i].contains(&rule.id) {
                *per_sentence[i].entry(topic).or_default() += u64::from(rule.priority);
                rules_in[i].push(rule.id.clone());
            }
        }
    }
    let mut requests = Vec::with_capacity(n);
    let mut totals: HashMap<Topic, u64> = HashMap::new();
    for (i, sentence) in text.sentences.iter().enumerate() {
        if let (Some((_, t)), true) = (first[i], sentence.question) {
            *per_sentence[i].entry(t).or_default() += FIRST_BONUS;
        }
        let topic = best(&per_sentence[i]).unwrap_or(Topic::Autre);
        let mut w = per_sentence[i].get(&topic).copied().unwrap_or(0);
        if topic != Topic::Autre && !sentence.question {
            // In a statement, evidence of something else takes back as much: "nous proposons
            // des ateliers gratuits" carries no price question to outweigh the rest (a
            // question keeps its topic: "how to book a wheelchair space?" is a booking).
            w = w.saturating_sub(per_sentence[i].get(&Topic::Autre).copied().unwrap_or(0));
        }
        if w > 0 {
            *totals.entry(topic).or_default() += if sentence.question { 2 * w } else { w };
        }
        requests.push(RequestTopic {
            text: sentence.text.clone(),
            question: sentence.question,
            topic,
            rules: std::mem::take(&mut rules_in[i]),
        });
    }
    // Only a clear complaint takes precedence; weak signs ("toujours pas", "par erreur") weigh
    // like any other topic.
    let mut carried: Vec<Topic> = requests
        .iter()
        .zip(&per_sentence)
        .filter(|(r, scores)| {
            r.topic != Topic::Reclamation
                || scores.get(&Topic::Reclamation).copied().unwrap_or(0) >= CLEAR_COMPLAINT
        })
        .map(|(r, _)| r.topic)
        .collect();
    // Weak signs in two statements ("le cours a été annulé." … "je demande le remboursement.")
    // make a complaint when no question asks about something else.
    let weak_statements = requests
        .iter()
        .zip(&per_sentence)
        .filter(|(r, scores)| {
            !r.question && scores.get(&Topic::Reclamation).is_some_and(|w| *w > 0)
        })
        .count();
    let other_question = requests
        .iter()
        .any(|r| r.question && !matches!(r.topic, Topic::Reclamation | Topic::Autre));
    if weak_statements >= 2 && !other_question {
        carried.push(Topic::Reclamation);
    }
    if !text.reply {
        // A fresh subject ("Réclamation", "Objet perdu") is the writer's own words.
        carried.extend(best(&subject));
    }
    let topic = if carried.contains(&Topic::Reclamation) {
        trace.notes.push("topic: a sentence is a complaint".into());
        Topic::Reclamation
    } else if carried.contains(&Topic::ObjetPerdu) {
        trace
            .notes
            .push("topic: a sentence is about lost property".into());
        Topic::ObjetPerdu
    } else {
        // A reply's subject is the old thread's: it counts only when the new text is silent.
        if !text.reply || totals.is_empty() {
            for (t, w) in &subject {
                *totals.entry(*t).or_default() += w;
            }
        }
        match best(&totals) {
            Some(Topic::Autre) => {
                trace
                    .notes
                    .push("topic: the sentences are about something else (autre)".into());
                Topic::Autre
            }
            Some(t) => {
                trace
                    .notes
                    .push(format!("topic: {t} weighs most over the sentences"));
                t
            }
            None => {
                trace
                    .notes
                    .push("topic: no sentence carries a topic".into());
                Topic::Autre
            }
        }
    };
    (topic, requests)
}

fn sentence_of(text: &Prepared, at: usize) -> Option<usize> {
    let i = text.sentences.partition_point(|s| s.end < at);
    text.sentences
        .get(i)
        .filter(|s| s.start <= at && at <= s.end)
        .map(|_| i)
}
