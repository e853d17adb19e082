//! What a draft says, before any wording: the citizen's text split into its requests, the best
//! FAQ entry for each, in the order asked, and the shape around them (a reminder acknowledges
//! the delay first; a complaint gets an apology, what is done, one line per demand, who answers).
//! Pure: the same message and knowledge always give the same plan.

use crate::faq::answers::{Context, Entry, Shape};
use crate::faq::Faq;
use crate::inquiry::{Classification, Kind, Message, Topic};

use super::sentences::{self, Sentence};

mod notes;
mod pass;

pub(crate) use notes::short;
use notes::{kind_words, notes_about_place, quoted_text};
use pass::Found;

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
    found.pass(
        faq,
        &ctx,
        &sentences::requests(&message.body, Some(c)),
        &mut plan,
    );
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
            topic: Topic::Autre,
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
            let earlier = sentences::requests(&earlier_text, Some(&quoted));
            found.pass(faq, &quoted_ctx, &earlier, &mut plan);
        } else {
            let earlier = sentences::requests(&earlier_text, None);
            found.pass(faq, &ctx, &earlier, &mut plan);
        }
    }
    // An entry that is the whole answer (a sales pitch gets the procurement rule, nothing else).
    if let Some(only) = found.items.iter().find_map(|(p, _)| match p {
        Piece::Answer(e) if e.exclusive => Some(*e),
        _ => None,
    }) {
        plan.note.push(format!(
            "{} : réponse seule, les autres phrases ne sont pas reprises",
            only.id
        ));
        found.items = vec![(Piece::Answer(only), false)];
        found.apologies.clear();
        found.demands.clear();
        found.reminders.clear();
    }
    // Entries meant for a message that asks nothing else ("Merci pour votre réponse !").
    if found
        .items
        .iter()
        .any(|(p, _)| matches!(p, Piece::Answer(e) if !e.alone))
        || !found.apologies.is_empty()
        || !found.demands.is_empty()
    {
        found
            .items
            .retain(|(p, _)| !matches!(p, Piece::Answer(e) if e.alone));
    }
    if !found.apologies.is_empty() || !found.demands.is_empty() {
        // In a complaint, a sentence that only sets the scene ("Ma fille est inscrite aux cours
        // de natation du mercredi") asks for no paragraph about the activity.
        for (p, context_only) in &found.items {
            if let (Piece::Answer(e), true) = (p, context_only) {
                plan.note.push(format!(
                    "{} non repris : la phrase décrit le contexte de la réclamation, elle ne demande rien",
                    e.id
                ));
            }
        }
        found.items.retain(|(_, context_only)| !context_only);
    }
    if !found.reminders.is_empty()
        && found.items.is_empty()
        && found.apologies.is_empty()
        && found.demands.is_empty()
    {
        // "Je vous relance au sujet de ma réclamation du 5 février" and nothing quoted: the
        // agent answers the first request, named as the person named it.
        if let Some(said) = found.reminder_sentences.first() {
            plan.note.push(
                "relance sans la demande initiale : marqueur pour la réponse attendue".to_string(),
            );
            found.items.push((Piece::Unanswered(said.clone()), false));
        }
    }
    let Found {
        reminders,
        apologies,
        demands,
        items,
        used,
        ..
    } = found;
    let items: Vec<Piece<'a>> = items.into_iter().map(|(p, _)| p).collect();

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
    if plan.complaint {
        // Who follows the complaint comes last: after the other questions it answers too.
        plan.pieces.push(Piece::Who);
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
