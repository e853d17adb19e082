//! An inquiry's event log told in words for the console: « Reçu par courriel », « Brouillon 2
//! par nadia », « Réattribué à Médiathèque Louis-Aragon par alex », « Envoyé » — never an enum
//! name or raw JSON. Pure: an event and the catalogue in, a French sentence out.

use serde::Deserialize;

use crate::faq::Faq;
use crate::inquiry::{Actor, Channel, Event, EventType, Kind, Topic};
use crate::labels;

/// What the events of the log may say besides their type, every field optional: each event
/// type writes a few of them (see `store/record.rs`, `store/workflow.rs`, `store/outbox/`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Detail {
    channel: Option<Channel>,
    kind: Option<Kind>,
    facility: Option<String>,
    topic: Option<Topic>,
    version: Option<u32>,
    holding: bool,
    reason: Option<String>,
    how: Option<String>,
    edited: bool,
    closing: bool,
    too_large: bool,
}

/// "Reçu par courriel", "Reçu sur Discord".
fn received(channel: Option<Channel>) -> String {
    match channel {
        Some(Channel::Mail) => "Reçu par courriel".into(),
        Some(Channel::Chat) => "Reçu sur Discord".into(),
        Some(Channel::Formulaire) => "Reçu par le formulaire web".into(),
        Some(Channel::Courrier) => "Reçu par courrier".into(),
        Some(Channel::Telephone) => "Reçu par téléphone".into(),
        Some(Channel::Accueil) => "Reçu à l'accueil".into(),
        None => "Reçu".into(),
    }
}

/// "par alex" for a person; nothing for guichet itself.
fn by(actor: &Actor) -> String {
    match actor {
        Actor::System => String::new(),
        other => format!(" par {}", other.display_name()),
    }
}

/// Where an inquiry was sorted: the facility's name, else the kind's label.
fn place(d: &Detail, faq: &Faq) -> String {
    let name = d
        .facility
        .as_deref()
        .and_then(|id| faq.catalogue.facility_by_str(id))
        .map(|f| f.name.as_str());
    match (name, d.kind) {
        (Some(name), _) => name.to_string(),
        (None, Some(kind)) => labels::facility_or_kind(None, kind),
        (None, None) => "un autre équipement".to_string(),
    }
}

/// "courrier" → "par courrier", as stored by the console's « Réponse donnée hors guichet ».
fn how(how: Option<&str>) -> String {
    match how.map(str::trim) {
        Some("courrier") => " (par courrier)".into(),
        Some("telephone") | Some("téléphone") => " (par téléphone)".into(),
        Some("accueil") => " (à l'accueil)".into(),
        Some(other) if !other.is_empty() => format!(" ({other})"),
        _ => String::new(),
    }
}

/// One event as agents read it in the history.
pub fn sentence(e: &Event, faq: &Faq) -> String {
    let actor = Actor::parse(&e.actor);
    let d: Detail = if e.detail.is_null() {
        Detail::default()
    } else {
        match serde_json::from_value(e.detail.clone()) {
            Ok(d) => d,
            // Shown, not hidden: the log is what it is, and the page must still open.
            Err(_) => return format!("{} (détail illisible)", fallback(e.event)),
        }
    };
    let imported = matches!(&actor, Actor::Other(key) if key == "import");
    match e.event {
        EventType::Received => {
            let mut s = received(d.channel);
            if d.too_large {
                s.push_str(" (message trop volumineux : seul le début a été lu)");
            }
            s
        }
        EventType::Classified => {
            let topic = d.topic.map(labels::topic).unwrap_or("autre");
            format!("Classé{} : {}, {topic}", by(&actor), place(&d, faq))
        }
        EventType::Reassigned => format!("Réattribué à {}{}", place(&d, faq), by(&actor)),
        EventType::Acknowledged if imported => "Accusé de réception (historique importé)".into(),
        EventType::Acknowledged => "Accusé de réception envoyé".into(),
        EventType::Drafted | EventType::Edited => {
            let version = d.version.map(|v| format!(" {v}")).unwrap_or_default();
            let holding = if d.holding {
                " (réponse d'attente)"
            } else {
                ""
            };
            format!("Brouillon{version} par {}{holding}", actor.display_name())
        }
        EventType::Approved => {
            let edited = if d.edited { " (texte modifié)" } else { "" };
            format!("Approuvé{}{edited}", by(&actor))
        }
        EventType::Rejected => {
            let reason = d
                .reason
                .as_deref()
                .map(|r| format!(" : {}", labels::reason(r)))
                .unwrap_or_default();
            let closing = if d.closing {
                " ; message de clôture au demandeur"
            } else {
                ""
            };
            format!("Rejeté{}{reason}{closing}", by(&actor))
        }
        EventType::Sent if d.holding => "Réponse d'attente envoyée".into(),
        EventType::Sent => "Envoyé".into(),
        EventType::Answered if imported => "Répondu (historique importé)".into(),
        EventType::Answered => format!(
            "Répondu hors guichet{}{}",
            by(&actor),
            how(d.how.as_deref())
        ),
        EventType::Reopened => "Rouvert : le demandeur a écrit à nouveau".into(),
        EventType::Automatic => match d.reason.as_deref().map(str::trim) {
            Some(reason) if !reason.is_empty() => {
                format!("Message automatique, sans réponse ({reason})")
            }
            _ => "Message automatique, sans réponse".into(),
        },
        EventType::Restored => format!("Restauré{} comme demande d'un usager", by(&actor)),
        EventType::Imported => "Importé de l'historique d'avant guichet".into(),
    }
}

/// The event's name alone, for a detail that does not decode.
fn fallback(event: EventType) -> &'static str {
    match event {
        EventType::Received => "Reçu",
        EventType::Classified => "Classé",
        EventType::Acknowledged => "Accusé de réception",
        EventType::Drafted | EventType::Edited => "Brouillon",
        EventType::Approved => "Approuvé",
        EventType::Reassigned => "Réattribué",
        EventType::Rejected => "Rejeté",
        EventType::Sent => "Envoyé",
        EventType::Answered => "Répondu hors guichet",
        EventType::Reopened => "Rouvert",
        EventType::Automatic => "Message automatique",
        EventType::Restored => "Restauré",
        EventType::Imported => "Importé",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::InquiryId;
    use serde_json::json;

    fn event(event: EventType, actor: &str, detail: serde_json::Value) -> Event {
        Event {
            id: 1,
            inquiry: InquiryId(1),
            event,
            actor: actor.into(),
            at: chrono::DateTime::<chrono::Utc>::default(),
            detail,
        }
    }

    #[test]
    fn every_event_reads_as_words() {
        let faq = Faq::embedded();
        let say = |e, actor, detail| sentence(&event(e, actor, detail), &faq);
        let received = json!({ "channel": "mail", "kind": "piscine", "rules": ["horaires"] });
        assert_eq!(
            say(EventType::Received, "guichet", received),
            "Reçu par courriel"
        );
        assert_eq!(
            say(
                EventType::Acknowledged,
                "guichet",
                json!({ "message_id": "<a@b>" })
            ),
            "Accusé de réception envoyé"
        );
        let drafted = json!({ "version": 2, "holding": false });
        assert_eq!(
            say(EventType::Edited, "web:nadia", drafted),
            "Brouillon 2 par nadia"
        );
        assert_eq!(
            say(
                EventType::Drafted,
                "guichet",
                json!({ "version": 1, "holding": true })
            ),
            "Brouillon 1 par guichet (réponse d'attente)"
        );
        let moved =
            json!({ "kind": "piscine", "facility": "piscine-pajeaud", "topic": "horaires" });
        let name = &faq
            .catalogue
            .facility_by_str("piscine-pajeaud")
            .expect("shipped facility")
            .name;
        assert_eq!(
            say(EventType::Reassigned, "discord:42", moved),
            format!("Réattribué à {name} par membre Discord 42")
        );
        let moved = json!({ "kind": "theatre", "facility": null, "topic": "autre" });
        assert_eq!(
            say(EventType::Reassigned, "web:alex", moved),
            "Réattribué à Théâtre (équipement non déterminé) par alex"
        );
        assert_eq!(
            say(EventType::Approved, "web:alex", json!({ "edited": true })),
            "Approuvé par alex (texte modifié)"
        );
        assert_eq!(
            say(
                EventType::Rejected,
                "web:alex",
                json!({ "reason": "spam", "closing": false })
            ),
            "Rejeté par alex : indésirable (spam)"
        );
        assert_eq!(say(EventType::Sent, "guichet", json!({})), "Envoyé");
        assert_eq!(
            say(EventType::Sent, "guichet", json!({ "holding": true })),
            "Réponse d'attente envoyée"
        );
        assert_eq!(
            say(
                EventType::Answered,
                "web:alex",
                json!({ "how": "telephone" })
            ),
            "Répondu hors guichet par alex (par téléphone)"
        );
        assert_eq!(
            say(
                EventType::Reopened,
                "citizen",
                json!({ "source": "imap:x" })
            ),
            "Rouvert : le demandeur a écrit à nouveau"
        );
        assert_eq!(
            say(EventType::Answered, "import", json!({})),
            "Répondu (historique importé)"
        );
    }

    #[test]
    fn no_sentence_shows_an_identifier_or_json() {
        let faq = Faq::embedded();
        for e in EventType::ALL {
            let detail = json!({ "version": 1, "kind": "piscine", "reason": "doublon" });
            let s = sentence(&event(*e, "web:alex", detail), &faq);
            assert!(!s.contains('{') && !s.contains('_'), "{e}: {s}");
            assert_ne!(s, e.as_str());
        }
        // A detail that does not decode still gives a sentence.
        let odd = event(EventType::Drafted, "guichet", json!({ "version": "deux" }));
        assert_eq!(sentence(&odd, &faq), "Brouillon (détail illisible)");
    }
}
