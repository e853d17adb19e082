//! Topic as people ask it: complaints recognised by how people complain (a wasted trip, a demand,
//! a cancellation then a refund), lost things whatever the thing, bookings counted in seats,
//! renewals, and the `autre` topic when the sentences are about something else altogether (press,
//! partnerships, accessibility, parking). Every inquiry here was written for these tests.

use guichet::inquiry::{Classification, Kind, Message, Topic};

use super::{assert_sorted, faq};

fn chat(text: &str) -> Classification {
    faq().classify(&Message::chat(text))
}

fn mail(subject: &str, body: &str) -> Classification {
    faq().classify(&Message {
        subject: subject.to_string(),
        body: body.to_string(),
        ..Message::default()
    })
}

#[test]
fn a_cancelled_show_then_a_refund_demand_in_the_next_sentence_is_a_complaint() {
    let c = mail(
        "Concert de vendredi",
        "Le concert de vendredi au théâtre Victor Hugo a été annulé vingt minutes avant. \
         Nous demandons le remboursement de nos quatre billets.",
    );
    assert_sorted(
        &c,
        Kind::Theatre,
        Some("theatre-victor-hugo"),
        Topic::Reclamation,
    );
}

#[test]
fn a_wasted_trip_is_a_complaint_without_any_complaint_word() {
    let c = mail(
        "Bassin fermé",
        "Nous sommes venus pour rien ce matin à la piscine de Bagneux, le bassin était fermé.",
    );
    assert_eq!(c.topic, Topic::Reclamation, "rules fired: {:?}", c.rules);
}

#[test]
fn asking_what_they_are_waiting_for_is_a_complaint() {
    let c = chat("la navette ne passe jamais à l'heure, qu'est-ce que vous attendez pour agir ?");
    assert_eq!(c.topic, Topic::Reclamation, "rules fired: {:?}", c.rules);
}

#[test]
fn an_auto_reply_that_does_not_answer_the_question_leaves_the_question_its_topic() {
    let c = mail(
        "RE: Réponse automatique",
        "Votre message ne répond pas à ma question : la médiathèque de Malakoff est-elle \
         ouverte le 26 décembre ?",
    );
    assert_eq!(c.topic, Topic::Horaires, "rules fired: {:?}", c.rules);
}

#[test]
fn a_lost_thing_outside_any_word_list_is_lost_property() {
    let c = mail(
        "Pendentif",
        "Mon fils a perdu son pendentif en argent mardi soir à la Buanderie. \
         Pouvez-vous regarder s'il a été rapporté à l'accueil ?",
    );
    assert_sorted(
        &c,
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::ObjetPerdu,
    );
}

#[test]
fn losing_a_job_is_not_lost_property() {
    let c = mail(
        "Quotient",
        "Mon mari a perdu son emploi en septembre. Le tarif du conservatoire de Bagneux \
         peut-il être recalculé ?",
    );
    assert_eq!(c.topic, Topic::Tarifs, "rules fired: {:?}", c.rules);
}

#[test]
fn a_number_of_seats_is_a_booking() {
    let c = chat(
        "il me faudrait 3 places (1 adulte, 2 enfants) pour dimanche au théâtre Firmin Gémier",
    );
    assert_sorted(
        &c,
        Kind::Theatre,
        Some("theatre-firmin-gemier"),
        Topic::Reservation,
    );
}

#[test]
fn an_expired_membership_to_renew_is_an_inscription() {
    let c = mail(
        "Carte",
        "Mon adhésion à la médiathèque Pablo Neruda est arrivée à expiration. \
         Comment faire pour la renouveler ?",
    );
    assert_eq!(c.topic, Topic::Inscription, "rules fired: {:?}", c.rules);
}

#[test]
fn a_free_parking_question_is_no_price_question() {
    let c = mail(
        "Venir en voiture",
        "Bonjour, peut-on se garer gratuitement près du conservatoire Henri Dutilleux ?",
    );
    assert_eq!(c.topic, Topic::Autre, "rules fired: {:?}", c.rules);
}

#[test]
fn a_partnership_offering_free_workshops_is_no_price_question() {
    let c = mail(
        "Ateliers",
        "Notre association propose des ateliers d'écriture gratuits pour les adolescents. \
         Nous aimerions intervenir à la médiathèque François Mitterrand.",
    );
    assert_eq!(c.topic, Topic::Autre, "rules fired: {:?}", c.rules);
}

#[test]
fn an_accessibility_question_has_the_topic_autre() {
    let c = chat(
        "le théâtre des Sources a-t-il des places accessibles aux personnes en fauteuil roulant ?",
    );
    assert_eq!(c.topic, Topic::Autre, "rules fired: {:?}", c.rules);
}

#[test]
fn booking_a_wheelchair_seat_stays_a_booking() {
    let c = chat("je voudrais réserver une place PMR pour le spectacle de samedi au TCC");
    assert_eq!(c.topic, Topic::Reservation, "rules fired: {:?}", c.rules);
}

#[test]
fn the_date_of_a_registration_is_a_registration_and_a_date_alone_is_hours() {
    let c = chat("c quand les réinscriptions à la maison de la musique de Fontenay ?");
    assert_eq!(c.topic, Topic::Inscription, "rules fired: {:?}", c.rules);
    let c = chat("la collecte des encombrants elle passe quand dans ma rue ?");
    assert_eq!(c.topic, Topic::Horaires, "rules fired: {:?}", c.rules);
}

#[test]
fn found_before_the_thing_is_still_lost_property() {
    let c = chat("vous avez trouvé un trousseau de clés bleu près des casiers hier soir ?");
    assert_eq!(c.topic, Topic::ObjetPerdu, "rules fired: {:?}", c.rules);
}

#[test]
fn looking_for_a_class_is_a_registration_but_looking_for_an_internship_is_not() {
    let c = chat("bonsoir je cherche un cours de violon pour ma fille de 8 ans, vous avez ça ?");
    assert_eq!(c.topic, Topic::Inscription, "rules fired: {:?}", c.rules);
    let c = mail(
        "Stage",
        "Étudiant en licence, je recherche un stage de deux mois au service des marchés.",
    );
    assert_ne!(c.topic, Topic::Inscription, "rules fired: {:?}", c.rules);
}

#[test]
fn synonyms_in_one_question_do_not_outweigh_the_question_asked_first() {
    let c = mail(
        "Quelques questions",
        "Peut-on encore inscrire notre fils en guitare au conservatoire de Bagneux ? \
         Et la piscine de Bagneux est-elle ouverte le dimanche après-midi ?",
    );
    assert_eq!(c.topic, Topic::Inscription, "rules fired: {:?}", c.rules);
}
