//! One pass over the citizen's sentences: for each, the part it plays (reminder, complaint,
//! demand) or the FAQ entry that really answers it — an entry whose rule fired *and* whose
//! example questions back the sentence, of the sentence's own topic when several fit — or, when
//! none does, a precise marker naming what was asked.

use crate::faq::answers::{Context, Entry, Match, Scope, Shape};
use crate::faq::Faq;
use crate::inquiry::Topic;

use super::super::sentences::{is_request, Sentence};
use super::{short, Piece, Plan};

/// At most this many answers from one sentence ("les horaires et les tarifs ?").
const ANSWERS_PER_SENTENCE: usize = 2;

/// What an entry of the sentence's own topic gains when ranking the entries found: more than
/// any difference of scope or priority, so "la facture des cours de danse" is the invoice.
const SAME_TOPIC: f64 = 1.0;

/// Below this closeness to its examples, a rule hit does not answer a sentence that names
/// something no entry knows ("Le bar est-il ouvert ?" is not about opening hours).
const MIN_SUPPORT: f64 = 0.2;

/// What the sentences found, part by part.
#[derive(Default)]
pub(super) struct Found<'a> {
    pub reminders: Vec<&'a Entry>,
    pub apologies: Vec<&'a Entry>,
    pub demands: Vec<&'a Entry>,
    /// The answers and markers, each with whether its sentence was mere context (a statement
    /// that asks nothing): those go when the message turns out to be a complaint.
    pub items: Vec<(Piece<'a>, bool)>,
    pub used: Vec<&'a str>,
    /// Topics already answered by a kind or facility entry.
    specific_topics: Vec<Topic>,
    pub answered_any: bool,
    /// The sentences that only remind ("toujours pas de réponse…"), for a marker when nothing
    /// else says what the first message asked.
    pub reminder_sentences: Vec<String>,
}

impl<'a> Found<'a> {
    pub(super) fn pass(
        &mut self,
        faq: &'a Faq,
        ctx: &Context<'_>,
        sentences: &[Sentence],
        plan: &mut Plan<'a>,
    ) {
        let answers = &faq.answers;
        let mut previous_answered = false;
        let mut previous_statement: Option<String> = None;
        for s in sentences {
            let found = answers.matches(&s.text, ctx);
            // A sentence that complains, demands or reminds is answered by that shape: the
            // words it shares with an answer ("les cours de piano", "mes billets") are context.
            // A question that only repeats a complaint already heard ("Le concert sera-t-il
            // reporté ?") still asks something.
            let mut shaped = false;
            let mut new_shape = false;
            let mut reminded = false;
            for m in &found {
                let entry = &answers.entries[m.entry];
                let list = match entry.shape {
                    Shape::Reminder => &mut self.reminders,
                    Shape::Complaint => &mut self.apologies,
                    Shape::Demand => &mut self.demands,
                    Shape::Answer | Shape::Notice => continue,
                };
                // A reminder often restates the request in the same sentence: still answer it.
                if entry.shape == Shape::Reminder {
                    reminded = true;
                } else {
                    shaped = true;
                }
                if !list.iter().any(|e| e.id == entry.id) {
                    new_shape |= entry.shape != Shape::Reminder;
                    plan.note.push(format!(
                        "« {} » → {} ({}, {})",
                        short(&s.text),
                        entry.id,
                        entry.origin,
                        m.by
                    ));
                    list.push(entry);
                }
            }
            let other_part = shaped && (new_shape || !s.question);
            let complaining = !self.apologies.is_empty() || !self.demands.is_empty();
            if s.question && complaining && follows_up(&s.text) {
                // "À qui dois-je m'adresser ?", "Que comptez-vous faire ?" after a complaint:
                // what is done and who follows it answer them.
                plan.note.push(format!(
                    "« {} » → couverte par la suite donnée à la réclamation",
                    short(&s.text)
                ));
                continue;
            }
            if previous_answered && s.question && asks_about_previous(&s.text) {
                // "Est-ce possible et à quel tarif ?" after the room request: the same request.
                plan.note.push(format!(
                    "« {} » → rattachée à la question précédente",
                    short(&s.text)
                ));
                continue;
            }
            let mut answered_here = 0;
            let mut covered = false;
            let mut covered_topic: Option<Topic> = None;
            if !other_part {
                let candidates = self.candidates(faq, s, &found, plan);
                let two_requests = asks_two_things(&s.text);
                let mut first: Option<Topic> = None;
                let mut first_covers: Vec<Topic> = Vec::new();
                for m in &candidates {
                    let entry = &answers.entries[m.entry];
                    if let Some(topic) = first {
                        // A general entry adds nothing to a specific one ("j'ai perdu ma carte,
                        // combien ça coûte ?": the card's paragraph covers the cost).
                        if entry.scope == Scope::Any && first_covers.contains(&entry.topic) {
                            continue;
                        }
                        // "Combien coûte l'entrée et êtes-vous ouverts le dimanche ?": a second
                        // answer only for a second request, of another topic, found by a rule.
                        // A town-hall redirection (priority 2 and more) is a request of its
                        // own even under topic `autre` ("la cantine, et aussi le conservatoire").
                        let own_request = entry.topic != Topic::Autre || entry.priority >= 2;
                        if !two_requests || m.by != "motif" || entry.topic == topic || !own_request
                        {
                            continue;
                        }
                    }
                    if self.used.contains(&entry.id.as_str()) {
                        // Already answered for an earlier sentence: the sentence is covered,
                        // and its next candidate of another topic is still its own answer
                        // ("comment prolonger quand on est déjà inscrit ?" after the
                        // registration paragraph).
                        covered = true;
                        covered_topic.get_or_insert(entry.topic);
                        continue;
                    }
                    if covered_topic == Some(entry.topic) {
                        continue;
                    }
                    if first.is_none() {
                        first_covers = entry.covers.clone();
                    }
                    first.get_or_insert(entry.topic);
                    answered_here += 1;
                    let context_only = !s.question && !is_request(&s.text);
                    self.add_answer(entry, &s.text, &m.by, context_only, plan);
                    if answered_here >= ANSWERS_PER_SENTENCE {
                        break;
                    }
                }
            }
            if answered_here > 0 || covered {
                self.answered_any = true;
                previous_answered = true;
            } else if s.question && !other_part {
                if complaining && s.text.split_whitespace().count() <= 8 {
                    // "Est-ce normal ?" after a complaint: what is done answers it.
                    plan.note.push(format!(
                        "« {} » → couverte par la suite donnée à la réclamation",
                        short(&s.text)
                    ));
                    continue;
                }
                if previous_answered && refers_back(&s.text) {
                    // "Les avez-vous retrouvées ?" after the lost scarf: the same request.
                    plan.note.push(format!(
                        "« {} » → rattachée à la question précédente",
                        short(&s.text)
                    ));
                    continue;
                }
                // "Je voudrais donner des partitions. Est-ce possible ?": quote the request too.
                let asked = match (&previous_statement, refers_back(&s.text)) {
                    (Some(before), true) => format!("{before} {}", s.text),
                    _ => s.text.clone(),
                };
                plan.note.push(format!(
                    "« {} » → aucune entrée : marqueur à compléter",
                    short(&asked)
                ));
                self.items.push((Piece::Unanswered(asked), false));
                previous_answered = false;
            } else {
                if reminded && !shaped {
                    self.reminder_sentences.push(s.text.clone());
                }
                previous_answered = false;
            }
            previous_statement = (!s.question && answered_here == 0 && !covered && !other_part)
                .then(|| s.text.clone());
        }
    }

    /// The answer entries found for a sentence that its words really back, best first: an entry
    /// of the sentence's own topic first; a rule hit dropped when the sentence names something
    /// no entry knows and the entry's examples do not resemble it.
    fn candidates(
        &self,
        faq: &'a Faq,
        s: &Sentence,
        found: &[Match],
        plan: &mut Plan<'a>,
    ) -> Vec<Match> {
        let answers = &faq.answers;
        let mut out: Vec<Match> = Vec::new();
        for m in found {
            let entry = &answers.entries[m.entry];
            if !matches!(entry.shape, Shape::Answer | Shape::Notice) {
                continue;
            }
            if m.by == "motif" && s.question {
                let support = answers.support(m.entry, &s.text);
                if !support.unknown.is_empty()
                    && support.closeness < MIN_SUPPORT
                    && !entry.exclusive
                    && entry.shape == Shape::Answer
                {
                    plan.note.push(format!(
                        "« {} » → {} écartée : la phrase parle de « {} », que ses questions ne couvrent pas",
                        short(&s.text),
                        entry.id,
                        support.unknown.join(", ")
                    ));
                    continue;
                }
            }
            if entry.scope == Scope::Any
                && entry.topic != Topic::Autre
                && self.specific_topics.contains(&entry.topic)
            {
                // Already answered more precisely: it must not hide the sentence's other entries.
                continue;
            }
            let mut m = m.clone();
            if s.topic != Topic::Autre && entry.topic == s.topic {
                m.score += SAME_TOPIC;
            } else if s.topic != Topic::Autre && entry.covers.contains(&s.topic) {
                m.score += SAME_TOPIC / 2.0;
            }
            out.push(m);
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }

    fn add_answer(
        &mut self,
        entry: &'a Entry,
        sentence: &str,
        by: &str,
        context_only: bool,
        plan: &mut Plan<'a>,
    ) {
        if self.used.contains(&entry.id.as_str()) {
            return;
        }
        if entry.scope == Scope::Any
            && entry.topic != Topic::Autre
            && self.specific_topics.contains(&entry.topic)
        {
            // "Quand commence l'aquagym ? J'aimerais m'inscrire." : the activity's paragraph
            // already says how to register.
            plan.note.push(format!(
                "« {} » → {} non repris : déjà couvert par une réponse plus précise",
                short(sentence),
                entry.id
            ));
            return;
        }
        if entry.scope != Scope::Any {
            self.specific_topics.push(entry.topic);
        }
        self.used.push(&entry.id);
        plan.note.push(format!(
            "« {} » → {} ({}, {})",
            short(sentence),
            entry.id,
            entry.origin,
            by
        ));
        self.items.push((Piece::Answer(entry), context_only));
    }
}

/// A question about the follow-up of a complaint: who handles it, what will be done.
fn follows_up(sentence: &str) -> bool {
    let t = crate::faq::normalize::fold(sentence);
    [
        "a qui dois",
        "a qui puis",
        "a qui m'adresser",
        "a qui faut",
        "qui dois je contacter",
        "qui contacter",
        "qui s'occupe",
        "quel interlocuteur",
        "que comptez vous",
        "qu'allez vous faire",
        "quelles mesures",
        "une reparation est prevue",
        "un reparation est prevue",
        "who should i",
        "who can i",
        "who do i",
        "what will you do",
        "what are you going to do",
    ]
    .iter()
    .any(|p| t.contains(p))
}

/// A short question with no subject of its own, about the request just made ("Est-ce possible
/// et à quel tarif ?", "How can I get a new one?").
fn asks_about_previous(sentence: &str) -> bool {
    let t = crate::faq::normalize::fold(sentence);
    let t = t.trim_end_matches(['?', ' ', '!', '.']);
    t.split_whitespace().count() <= 8
        && ([
            "est ce possible",
            "c'est possible",
            "est ce envisageable",
            "is it possible",
            "is that possible",
        ]
        .iter()
        .any(|p| t.starts_with(p))
            || [
                " a new one",
                " another one",
                " get one",
                " en obtenir",
                " la remplacer",
            ]
            .iter()
            .any(|p| t.ends_with(p)))
}

/// A short question about what the previous sentence named ("Les avez-vous retrouvées ?").
pub(super) fn refers_back(sentence: &str) -> bool {
    let t = crate::faq::normalize::fold(sentence);
    t.split_whitespace().count() <= 6
        && ([
            "les ",
            "le ",
            "la ",
            "l'",
            "est ce possible",
            "c'est possible",
            "que dois",
            "que faire",
            "comment la ",
            "comment le ",
            "comment les ",
            "comment faire",
            "is it ",
            "did you",
            "have you",
            "has anyone",
            "what should",
        ]
        .iter()
        .any(|p| t.starts_with(p))
            || ["l'avez", "les avez", "retrouve", "found it"]
                .iter()
                .any(|p| t.contains(p)))
}

/// A sentence that joins two requests ("… et …", "… ainsi que …", "… and …").
fn asks_two_things(sentence: &str) -> bool {
    let t = crate::faq::normalize::fold(sentence);
    [
        " et ",
        " ainsi que ",
        " and ",
        " ou ",
        " or ",
        ", ",
        " mais ",
    ]
    .iter()
    .any(|w| t.contains(w))
}
