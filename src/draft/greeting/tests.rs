//! Greeting tests: reliable names greeted, everything else left out.

use super::*;
use crate::inquiry::Address;

fn from(name: &str) -> Message {
    Message {
        from: Some(Address {
            name: Some(name.to_string()),
            email: "x@example.org".into(),
        }),
        ..Message::default()
    }
}

fn greet(name: &str) -> Option<String> {
    greeting_name(&from(name), Lang::Fr).map(|g| g.text)
}

#[test]
fn a_person_is_greeted_with_civility_and_surname() {
    assert_eq!(greet("Fatou Diallo").as_deref(), Some("Madame Diallo"));
    assert_eq!(greet("roger pinto").as_deref(), Some("Monsieur Pinto"));
    assert_eq!(
        greet("Mme Laure Bidault").as_deref(),
        Some("Madame Bidault")
    );
    assert_eq!(greet("DIALLO Fatou").as_deref(), Some("Madame Diallo"));
    assert_eq!(
        greet("Jean-Pierre de La Roche").as_deref(),
        Some("Monsieur de La Roche")
    );
}

#[test]
fn organisations_handles_and_hostile_names_are_not_greeted() {
    for name in [
        "Club de Scrabble d'Antony",
        "lea.b",
        "Arnaud",
        "Camille Martin",
        "{{citizen_name}} Dupont",
        "[[à compléter : x]] Jean",
        "Jean Dupont <jean@example.org>",
        "Service des sports",
        "Marie\u{202e}Dupont",
        "Paul 2000",
    ] {
        assert_eq!(greet(name), None, "{name}");
    }
}

#[test]
fn a_signature_gives_the_name_when_the_sender_has_none() {
    let mut m = Message {
        body: "Bonjour, quels sont les horaires ?\nMerci\nThomas Rey".into(),
        ..Message::default()
    };
    assert_eq!(
        greeting_name(&m, Lang::En).map(|g| g.text).as_deref(),
        Some("Mr Rey")
    );
    m.body = "Bonjour, quels sont les horaires ?\nFatou".into();
    assert_eq!(greeting_name(&m, Lang::Fr), None);
}
