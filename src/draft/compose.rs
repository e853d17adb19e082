//! What a draft says, before any wording: the citizen's text split into its requests, the best
//! FAQ entry for each, in the order asked, and the shape around them (a reminder acknowledges
//! the delay first; a complaint gets an apology, what is done, one line per demand, who answers).
//! Pure: the same message and knowledge always give the same plan.

use crate::faq::answers::{Context, Entry, Scope, Shape};
use crate::faq::Faq;
use crate::inquiry::{Classification, Kind, Message, Topic};

use super::sentences::{self, Sentence};

/// One part of a draft, in order.
#[derive(Debug, Clone)]
pub(crate) enum Piece<'a> {
    /// The delay is acknowledged first.
    Reminder(&'a Entry),
    /// A specific apology; `None`: no entry restates it, the agent must (marker).
    Apology(Option<&'a Entry>),
    /// What has been or will be done.
    Done,
    /// One explicit line per demand.
    Demand(&'a Entry),
    /// Who answers and by when.
    Who,
    /// The answer to one request.
    Answer(&'a Entry),
    /// A request no entry answers: a precise marker, never a paragraph about something else.
    Unanswered(String),
    /// The one question about the facility, with a short list.
    WhichFacility(Vec<&'a Entry>),
    /// A temporary notice of the facility or kind.
    Notice(&'a Entry),
}

/// The plan of a draft and what the agent should know about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan<'a> {
    pub pieces: Vec<Piece<'a>>,
    pub note: Vec<String>,
    /// A team must decide: not the answer yet (indicators).
    pub holding: bool,
    pub complaint: bool,
    pub reminder: bool,
}

/// At most this many answers from one sentence ("les horaires et les tarifs ?").
const ANSWERS_PER_SENTENCE: usize = 2;

/// What the sentences found, part by part.
#[derive(Default)]
struct Found<'a> {
    reminders: Vec<&'a Entry>,
    apologies: Vec<&'a Entry>,
    demands: Vec<&'a Entry>,
    items: Vec<Piece<'a>>,
    used: Vec<&'a str>,
    /// Topics already answered by a kind or facility entry.
    specific_topics: Vec<Topic>,
    answered_any: bool,
}

impl<'a> Found<'a> {
    fn pass(
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
            let mut other_part = false;
            for m in &found {
                let entry = &answers.entries[m.entry];
                let list = match entry.shape {
                    Shape::Reminder => &mut self.reminders,
                    Shape::Complaint => &mut self.apologies,
                    Shape::Demand => &mut self.demands,
                    Shape::Answer | Shape::Notice => continue,
                };
                // A reminder often restates the request in the same sentence: still answer it.
                other_part |= entry.shape != Shape::Reminder;
                if !list.iter().any(|e| e.id == entry.id) {
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
            let mut answered_here = 0;
            let mut covered = false;
            if !other_part {
                let two_requests = asks_two_things(&s.text);
                let mut first: Option<Topic> = None;
                let mut first_covers: Vec<Topic> = Vec::new();
                for m in &found {
                    let entry = &answers.entries[m.entry];
                    if !matches!(entry.shape, Shape::Answer | Shape::Notice) {
                        continue;
                    }
                    if let Some(topic) = first {
                        // A general entry adds nothing to a specific one ("j'ai perdu ma carte,
                        // combien ça coûte ?": the card's paragraph covers the cost).
                        if entry.scope == Scope::Any && first_covers.contains(&entry.topic) {
                            continue;
                        }
                        // "Combien coûte l'entrée et êtes-vous ouverts le dimanche ?": a second
                        // answer only for a second request, of another topic, found by a rule.
                        if !two_requests
                            || m.by != "motif"
                            || entry.topic == topic
                            || entry.topic == Topic::Autre
                        {
                            continue;
                        }
                    }
                    if self.used.contains(&entry.id.as_str()) {
                        // Already answered for an earlier sentence: the sentence is covered,
                        // only a second request in it may bring another paragraph.
                        covered = true;
                        first.get_or_insert(entry.topic);
                        continue;
                    }
                    if first.is_none() {
                        first_covers = entry.covers.clone();
                    }
                    first.get_or_insert(entry.topic);
                    answered_here += 1;
                    self.add_answer(entry, &s.text, &m.by, plan);
                    if answered_here >= ANSWERS_PER_SENTENCE {
                        break;
                    }
                }
            }
            if answered_here > 0 || covered {
                self.answered_any = true;
                previous_answered = true;
            } else if s.question && !other_part {
                if !self.apologies.is_empty() && s.text.split_whitespace().count() <= 8 {
                    // "Est-ce normal ? Que comptez-vous faire ?" after a complaint: what is done
                    // answers it.
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
                self.items.push(Piece::Unanswered(asked));
                previous_answered = false;
            } else {
                previous_answered = false;
            }
            previous_statement = (!s.question && answered_here == 0 && !covered && !other_part)
                .then(|| s.text.clone());
        }
    }

    fn add_answer(&mut self, entry: &'a Entry, sentence: &str, by: &str, plan: &mut Plan<'a>) {
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
        self.items.push(Piece::Answer(entry));
    }
}

/// A short question about what the previous sentence named ("Les avez-vous retrouvées ?").
fn refers_back(sentence: &str) -> bool {
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

/// Plans the reply to `message` as classified.
pub(crate) fn plan<'a>(
    faq: &'a Faq,
    message: &Message,
    c: &'a Classification,
    today: chrono::NaiveDate,
) -> Plan<'a> {
    let answers = &faq.answers;
    let facility = c
        .facility
        .as_ref()
        .and_then(|id| faq.catalogue.facility(id));
    let ctx = Context {
        kind: c.kind,
        facility: c.facility.as_ref(),
        facility_kind: facility.map(|f| f.kind),
        day: today,
    };
    let mut plan = Plan::default();
    let (subject, reply) = crate::faq::strip_subject_prefixes(&message.subject);
    let mut found = Found::default();
    found.pass(faq, &ctx, &sentences::requests(&message.body), &mut plan);
    if !found.answered_any
        && !reply
        && !subject.trim().is_empty()
        && found.items.is_empty()
        && found.apologies.is_empty()
        && found.demands.is_empty()
    {
        // "Horaires piscine Clamart" and a body that only says hello: the subject is the question.
        let subject_sentence = Sentence {
            text: subject.to_string(),
            question: false,
        };
        found.pass(
            faq,
            &ctx,
            std::slice::from_ref(&subject_sentence),
            &mut plan,
        );
    }
    if found.reminders.is_empty() && found.apologies.is_empty() && !subject.trim().is_empty() {
        // "Relance : horaires" says it in the subject only.
        if let Some(m) = answers
            .matches(subject, &ctx)
            .into_iter()
            .find(|m| answers.entries[m.entry].shape == Shape::Reminder)
        {
            found.reminders.push(&answers.entries[m.entry]);
            plan.note.push(format!(
                "objet « {} » → {}",
                short(subject),
                answers.entries[m.entry].id
            ));
        }
    }
    if !found.reminders.is_empty() && found.items.is_empty() && !message.quoted.trim().is_empty() {
        // A reminder that only says "toujours pas de réponse": answer the first message, sorted
        // on its own when the reminder alone did not say where.
        plan.note
            .push("relance : questions reprises du message cité".to_string());
        let earlier_text = quoted_text(&message.quoted);
        let earlier = sentences::requests(&earlier_text);
        if c.kind == Kind::Autre {
            let quoted = faq.classify(&Message {
                body: earlier_text.clone(),
                ..Message::default()
            });
            let facility_kind = quoted
                .facility
                .as_ref()
                .and_then(|id| faq.catalogue.facility(id))
                .map(|f| f.kind);
            let facility = quoted
                .facility
                .as_ref()
                .and_then(|id| faq.catalogue.facility(id))
                .map(|f| &f.id);
            let quoted_ctx = Context {
                kind: quoted.kind,
                facility,
                facility_kind,
                day: today,
            };
            found.pass(faq, &quoted_ctx, &earlier, &mut plan);
        } else {
            found.pass(faq, &ctx, &earlier, &mut plan);
        }
    }
    // An entry that is the whole answer (a sales pitch gets the procurement rule, nothing else).
    if let Some(only) = found.items.iter().find_map(|p| match p {
        Piece::Answer(e) if e.exclusive => Some(*e),
        _ => None,
    }) {
        plan.note.push(format!(
            "{} : réponse seule, les autres phrases ne sont pas reprises",
            only.id
        ));
        found.items = vec![Piece::Answer(only)];
        found.apologies.clear();
        found.demands.clear();
        found.reminders.clear();
    }
    // Entries meant for a message that asks nothing else ("Merci pour votre réponse !").
    if found
        .items
        .iter()
        .any(|p| matches!(p, Piece::Answer(e) if !e.alone))
        || !found.apologies.is_empty()
        || !found.demands.is_empty()
    {
        found
            .items
            .retain(|p| !matches!(p, Piece::Answer(e) if e.alone));
    }
    let Found {
        reminders,
        apologies,
        demands,
        items,
        used,
        ..
    } = found;

    plan.reminder = !reminders.is_empty();
    plan.complaint = !apologies.is_empty()
        || (c.topic == Topic::Reclamation && !plan.reminder && !demands.is_empty())
        || (c.topic == Topic::Reclamation && !plan.reminder && items.is_empty());
    if let Some(r) = reminders.first() {
        plan.pieces.push(Piece::Reminder(r));
    }
    if plan.complaint {
        if apologies.is_empty() {
            plan.note.push(
                "réclamation sans entrée qui la décrive : rappeler précisément ce qui s'est passé"
                    .to_string(),
            );
            plan.pieces.push(Piece::Apology(None));
        }
        plan.pieces
            .extend(apologies.iter().map(|e| Piece::Apology(Some(e))));
        plan.pieces.push(Piece::Done);
        plan.pieces.extend(demands.iter().map(|e| Piece::Demand(e)));
        plan.pieces.push(Piece::Who);
    } else {
        plan.pieces.extend(demands.iter().map(|e| Piece::Demand(e)));
    }
    let outside_named = c.rules.iter().any(|r| r.starts_with("hors:"));
    let needs: Vec<&Entry> = items
        .iter()
        .filter_map(|p| match p {
            Piece::Answer(e) if e.needs_facility && facility.is_none() => Some(*e),
            _ => None,
        })
        .collect();
    if outside_named && facility.is_none() && !needs.is_empty() {
        // The place named is not VSGP's: say whose it is, do not offer our list instead.
        plan.note.push(
            "lieu hors VSGP nommé : pas de question sur l'équipement, les réponses qui en dépendent sont omises"
                .to_string(),
        );
        let items: Vec<Piece<'a>> = items
            .into_iter()
            .filter(|p| !matches!(p, Piece::Answer(e) if e.needs_facility))
            .collect();
        plan.pieces.extend(items);
    } else if !needs.is_empty() {
        plan.pieces.extend(items);
        plan.note.push(format!(
            "équipement non déterminé : une question avec la liste ({})",
            kind_words(c.kind)
        ));
        plan.pieces.push(Piece::WhichFacility(needs));
    } else {
        plan.pieces.extend(items);
    }
    for notice in answers.notices(c.kind, c.facility.as_ref(), today) {
        if !used.contains(&notice.id.as_str()) {
            plan.note.push(format!(
                "avis temporaire inclus : {} ({}{})",
                notice.id,
                notice.origin,
                notice
                    .valid_until
                    .map(|d| format!(", jusqu'au {}", d.format("%d/%m/%Y")))
                    .unwrap_or_default()
            ));
            plan.pieces.push(Piece::Notice(notice));
        }
    }
    for p in &plan.pieces {
        let entry = match p {
            Piece::Answer(e) | Piece::Demand(e) | Piece::Apology(Some(e)) => *e,
            _ => continue,
        };
        if entry.holding {
            plan.holding = true;
            plan.note.push(format!(
                "réponse d'attente ({}) : {} doit décider ; elle ne compte pas comme réponse dans les indicateurs",
                entry.id,
                entry.decides.as_deref().unwrap_or("l'équipe")
            ));
        }
    }
    notes_about_place(faq, c, &mut plan.note);
    plan
}

fn notes_about_place(faq: &Faq, c: &Classification, note: &mut Vec<String>) {
    if let Some(f) = c
        .facility
        .as_ref()
        .and_then(|id| faq.catalogue.facility(id))
    {
        let named = c.rules.iter().any(|r| {
            faq.rule(r)
                .is_some_and(|rule| rule.conclusion.facility.as_ref() == Some(&f.id))
        });
        if !named {
            note.push(format!(
                "hypothèse : {} déduit de la commune ({}), le texte ne le nomme pas",
                f.name, f.commune
            ));
        }
        if !f.note.trim().is_empty() {
            note.push(format!(
                "note du catalogue ({}) : {}",
                f.name,
                f.note.trim()
            ));
        }
    }
    for id in c.rules.iter().filter_map(|r| r.strip_prefix("hors:")) {
        if let Some(o) = faq.catalogue.outside.iter().find(|o| o.id == id) {
            note.push(format!("lieu hors VSGP : {} ({})", o.name, o.owner));
        }
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Piscine => "piscines",
        Kind::Conservatoire => "conservatoires",
        Kind::Mediatheque => "médiathèques",
        Kind::Theatre => "théâtres",
        Kind::Siege | Kind::Autre => "équipements",
    }
}

/// The quoted history without its "Le … a écrit :" lines and quote marks.
fn quoted_text(quoted: &str) -> String {
    quoted
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ']))
        .filter(|l| !l.trim_end().ends_with("a écrit :") && !l.trim_end().ends_with("wrote:"))
        .take(60)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sentence shortened for the agent's note.
pub(crate) fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 90 {
        one_line.chars().take(89).collect::<String>() + "…"
    } else {
        one_line
    }
}
