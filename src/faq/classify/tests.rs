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

#[test]
fn each_sentence_gets_its_own_topic_and_a_complaint_stays_a_complaint() {
    let faq = Faq::embedded();
    let c = faq.classify(&message(
        "Pajeaud",
        "Bonjour,\nJ'ai réservé un créneau d'aquabike. Le cours a été annulé sans prévenir, \
         c'est inadmissible !\nCordialement",
    ));
    assert_eq!(c.topic, Topic::Reclamation);
    assert_eq!(c.requests.len(), 2);
    assert_eq!(c.requests[0].topic, Topic::Reservation);
    assert_eq!(c.requests[1].topic, Topic::Reclamation);
}

#[test]
fn no_topic_word_in_any_sentence_gives_autre() {
    let faq = Faq::embedded();
    let c = faq.classify(&message(
        "Question",
        "Bonjour, j'ai une question sur la piscine.",
    ));
    assert_eq!(c.topic, Topic::Autre);
}
