//! Drafting tests: one paragraph per request from the FAQ entries, markers exactly where facts
//! are missing, complaint and reminder shapes, greetings only for reliable names, and nothing a
//! citizen wrote interpreted as a template.

use chrono::NaiveDate;

use super::*;
use crate::config::Territory;
use crate::faq::Faq;
use crate::inquiry::{Address, Classification, FacilityId, Kind, Lang, Message, Topic};

fn classification(kind: Kind, facility: Option<&str>, topic: Topic, lang: Lang) -> Classification {
    Classification {
        kind,
        facility: facility.map(|f| FacilityId::parse(f).expect("valid test id")),
        topic,
        automatic: false,
        automatic_reason: None,
        lang,
        rules: Vec::new(),
        template: None,
        requests: Vec::new(),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date")
}

fn reply(drafter: &Drafter, faq: &Faq, message: &Message, c: &Classification) -> Draft {
    let input = ReplyInput {
        message,
        classification: c,
        channel: Channel::Mail,
        reference: Some("VSGP-2026-000123"),
        engagement_days: 5,
        today: day(),
    };
    drafter.reply(faq, &input).expect("draft renders")
}

fn body(text: &str) -> Message {
    Message {
        body: text.to_string(),
        ..Message::default()
    }
}

/// The shipped FAQ with every contact fact filled in, as a territory would after confirming them.
fn faq_with_all_facts() -> Faq {
    let mut faq = Faq::embedded();
    for f in &mut faq.catalogue.facilities {
        f.facts.address = "1 rue de l'Exemple".into();
        f.facts.phone = "01 00 00 00 00".into();
        f.facts.email = "accueil@example.org".into();
        f.facts.web = "https://example.org/equipement".into();
        f.facts.hours = "du lundi au vendredi".into();
        f.facts.prices = "voir la grille".into();
    }
    faq
}

#[test]
fn the_shipped_templates_and_entries_pass_the_check() {
    let drafter = Drafter::embedded(&Territory::default());
    let problems = drafter.check(&Faq::embedded());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_question_gets_its_own_paragraph_in_the_order_asked() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Piscine,
        Some("piscine-clamart"),
        Topic::Horaires,
        Lang::Fr,
    );
    let message = body(
        "Bonjour,\nCombien coûte l'entrée pour un adulte ? Et êtes-vous ouverts pendant les vacances de Noël ?\nMerci",
    );
    let draft = reply(&drafter, &faq, &message, &c);
    assert_eq!(
        draft.entries,
        vec!["tarifs", "horaires-vacances"],
        "{}",
        draft.text
    );
    let prices = draft.text.find("Les tarifs").expect("prices paragraph");
    let holidays = draft
        .text
        .find("Pendant les vacances")
        .expect("holiday paragraph");
    assert!(prices < holidays, "{}", draft.text);
}

#[test]
fn a_question_no_entry_answers_gets_a_precise_marker_not_another_answer() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::Autre,
        Lang::Fr,
    );
    let draft = reply(&drafter, &faq, &body("Prêtez-vous des liseuses ?"), &c);
    assert!(draft.entries.is_empty(), "{:?}", draft.entries);
    assert_eq!(
        draft.markers,
        vec!["réponse à « Prêtez-vous des liseuses ? »"]
    );
}

#[test]
fn known_facts_are_used_and_no_marker_is_left() {
    let faq = faq_with_all_facts();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Piscine,
        Some("piscine-pajeaud"),
        Topic::Horaires,
        Lang::Fr,
    );
    let draft = reply(&drafter, &faq, &body("Quels sont vos horaires ?"), &c);
    assert!(
        draft.text.contains("du lundi au vendredi"),
        "{}",
        draft.text
    );
    assert!(draft.markers.is_empty(), "{:?}", draft.markers);
}

#[test]
fn without_a_facility_one_question_lists_the_places() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(Kind::Mediatheque, None, Topic::Horaires, Lang::Fr);
    let draft = reply(
        &drafter,
        &faq,
        &body("Quels sont vos horaires ? Et vos tarifs ?"),
        &c,
    );
    assert_eq!(draft.text.matches("pourriez-vous nous préciser").count(), 1);
    assert!(
        draft.text.contains("les horaires et les tarifs"),
        "{}",
        draft.text
    );
    for name in [
        "Médiathèque La Buanderie",
        "Bibliothèque La Fourche",
        "Médiathèque Pablo Neruda",
    ] {
        assert!(draft.text.contains(name), "{}", draft.text);
    }
}

#[test]
fn a_complaint_apologises_for_what_happened_and_answers_each_demand() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Piscine,
        Some("piscine-bagneux"),
        Topic::Reclamation,
        Lang::Fr,
    );
    let draft = reply(
        &drafter,
        &faq,
        &body("L'eau était glacée samedi. Je demande le remboursement de mon entrée et une réponse écrite."),
        &c,
    );
    assert!(
        draft.text.contains("température de l'eau"),
        "{}",
        draft.text
    );
    assert!(draft.entries.contains(&"demande-remboursement".to_string()));
    assert!(draft
        .entries
        .contains(&"demande-reponse-ecrite".to_string()));
    assert!(draft.markers.iter().any(|m| m.contains("remboursement")));
    assert!(
        !draft.text.contains("Nous vous remercions"),
        "{}",
        draft.text
    );
}

#[test]
fn a_reminder_acknowledges_the_delay_first() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Conservatoire,
        Some("conservatoire-clamart"),
        Topic::Reclamation,
        Lang::Fr,
    );
    let draft = reply(
        &drafter,
        &faq,
        &body("Toujours pas de réponse à mon message ! Quand ont lieu les réinscriptions ?"),
        &c,
    );
    assert_eq!(draft.entries[0], "relance");
    assert!(draft
        .entries
        .contains(&"conservatoire-reinscription".to_string()));
    let sorry = draft.text.find("excuser").expect("apology for the delay");
    let answer = draft.text.find("réinscriptions").expect("answer");
    assert!(sorry < answer, "{}", draft.text);
}

#[test]
fn internal_catalogue_notes_go_to_the_agent_only() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Theatre,
        Some("theatre-la-piscine"),
        Topic::Reservation,
        Lang::Fr,
    );
    let draft = reply(
        &drafter,
        &faq,
        &body("Je voudrais réserver deux places."),
        &c,
    );
    let note = faq
        .catalogue
        .facility_by_str("theatre-la-piscine")
        .expect("in catalogue")
        .note
        .clone();
    assert!(
        !draft.text.contains(&note) && !draft.text.contains("À noter"),
        "{}",
        draft.text
    );
    assert!(
        draft.note.iter().any(|l| l.contains(&note)),
        "{:?}",
        draft.note
    );
}

#[test]
fn a_holding_reply_is_marked_and_says_who_decides() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(Kind::Autre, None, Topic::Autre, Lang::Fr);
    let draft = reply(
        &drafter,
        &faq,
        &body("Journaliste au Petit Sud, je souhaiterais interviewer un élu sur les piscines."),
        &c,
    );
    assert!(draft.holding);
    assert!(
        draft.text.contains("service communication"),
        "{}",
        draft.text
    );
    assert!(draft.text.contains("5 jours ouvrés"), "{}", draft.text);
}

#[test]
fn agreement_is_computed_for_one_working_day() {
    assert_eq!(working_days(1, Lang::Fr), "1 jour ouvré");
    assert_eq!(working_days(2, Lang::Fr), "2 jours ouvrés");
    assert_eq!(working_days(1, Lang::En), "1 working day");
    assert_eq!(working_days(5, Lang::En), "5 working days");
}

#[test]
fn an_english_inquiry_gets_an_english_draft() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::Inscription,
        Lang::En,
    );
    let draft = reply(&drafter, &faq, &body("How do I get a library card?"), &c);
    assert!(draft.text.starts_with("Hello,"), "{}", draft.text);
    assert!(draft.text.contains("Kind regards"), "{}", draft.text);
    assert_eq!(draft.entries, vec!["mediatheque-inscription"]);
}

#[test]
fn a_chat_draft_has_no_subject_and_no_escape_artefacts() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(Kind::Piscine, None, Topic::Horaires, Lang::Fr);
    let message = Message::chat("c ouvert quand la piscine ?");
    let input = ReplyInput {
        message: &message,
        classification: &c,
        channel: Channel::Chat,
        reference: Some("VSGP-2026-000123"),
        engagement_days: 1,
        today: day(),
    };
    let draft = drafter.reply(&faq, &input).expect("draft renders");
    assert!(draft.subject.is_empty());
    assert!(!draft.markdown.contains("Objet"));
    assert!(
        !draft.markdown.contains("\\[") && !draft.markdown.contains("\\-"),
        "{}",
        draft.markdown
    );
    assert!(
        draft.markdown.contains("- Piscine de Clamart"),
        "{}",
        draft.markdown
    );
}

#[test]
fn a_reliable_name_is_greeted_with_its_civility() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(Kind::Piscine, None, Topic::Horaires, Lang::Fr);
    let mut message = body("Quels sont vos horaires ?");
    message.from = Some(Address {
        name: Some("roger pinto".into()),
        email: "rp@example.net".into(),
    });
    assert!(reply(&drafter, &faq, &message, &c)
        .text
        .starts_with("Bonjour Monsieur Pinto,"));
    message.from = Some(Address {
        name: Some("Club de Scrabble d'Antony".into()),
        email: "club@example.net".into(),
    });
    assert!(reply(&drafter, &faq, &message, &c)
        .text
        .starts_with("Bonjour,"));
}

#[test]
fn citizen_text_is_never_interpreted_as_a_template() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let message = Message {
        from: Some(Address {
            name: Some("{{territory.name}} {{#each x}}".into()),
            email: "a@example.net".into(),
        }),
        subject: "{{> fr/reply}} {{facility.name}}".into(),
        body: "{{territory.service}}".into(),
        ..Message::default()
    };
    let c = classification(Kind::Piscine, None, Topic::Autre, Lang::Fr);
    let draft = reply(&drafter, &faq, &message, &c);
    // A name carrying template syntax is not a person's name: no greeting by name.
    assert!(draft.text.starts_with("Bonjour,"), "{}", draft.text);
    assert!(!draft.text.contains("{{territory.name}}"), "{}", draft.text);
    assert!(draft.subject.contains("{{> fr/reply}} {{facility.name}}"));
    let ack = drafter
        .acknowledgement(
            &faq,
            &AckInput {
                message: &message,
                classification: &c,
                channel: Channel::Mail,
                reference: "VSGP-2026-000001",
                received: NaiveDate::from_ymd_opt(2023, 10, 9).expect("date"),
                engagement_days: 5,
                deadline: NaiveDate::from_ymd_opt(2023, 10, 16).expect("date"),
            },
        )
        .expect("ack renders");
    assert!(ack
        .text
        .replace('\u{a0}', " ")
        .contains("« {{> fr/reply}} {{facility.name}} »"));
}

#[test]
fn acknowledgement_carries_the_crpa_mentions_in_french() {
    let faq = Faq::embedded();
    let territory = Territory {
        address: "Adresse de test".into(),
        phone: "01 00 00 00 00".into(),
        email: "contact@example.org".into(),
        ..Territory::default()
    };
    let drafter = Drafter::embedded(&territory);
    let message = Message {
        subject: "Horaires piscine".into(),
        ..Message::default()
    };
    let c = classification(
        Kind::Piscine,
        Some("piscine-blagis"),
        Topic::Horaires,
        Lang::Fr,
    );
    let ack = drafter
        .acknowledgement(
            &faq,
            &AckInput {
                message: &message,
                classification: &c,
                channel: Channel::Mail,
                reference: "VSGP-2023-000042",
                received: NaiveDate::from_ymd_opt(2023, 10, 9).expect("date"),
                engagement_days: 5,
                deadline: NaiveDate::from_ymd_opt(2023, 10, 16).expect("date"),
            },
        )
        .expect("ack renders");
    assert_eq!(
        ack.subject,
        "Accusé de réception de votre demande [VSGP-2023-000042]"
    );
    for mention in [
        "reçue le 9 octobre 2023",
        "VSGP-2023-000042",
        "Service relations usagers",
        "Adresse postale : Adresse de test",
        "Téléphone : 01 00 00 00 00",
        "Courriel : contact@example.org",
        "5 jours ouvrés",
        "lundi 16 octobre 2023",
        "R112-5",
        "la Piscine des Blagis",
    ] {
        assert!(
            ack.text.replace('\u{a0}', " ").contains(mention),
            "missing {mention:?} in\n{}",
            ack.text
        );
    }
    assert!(ack.markers.is_empty());
}

#[test]
fn reply_subject_keeps_one_prefix_and_the_reference() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let message = Message {
        subject: "RE: TR: Horaires".into(),
        ..Message::default()
    };
    let c = classification(Kind::Autre, None, Topic::Autre, Lang::Fr);
    assert_eq!(
        reply(&drafter, &faq, &message, &c).subject,
        "Re: Horaires [VSGP-2026-000123]"
    );
}

#[test]
fn the_survey_link_is_in_the_signature_area_only_when_given() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let message = Message::default();
    let c = classification(Kind::Piscine, None, Topic::Horaires, Lang::Fr);
    let input = ReplyInput {
        message: &message,
        classification: &c,
        channel: Channel::Mail,
        reference: Some("VSGP-2026-000123"),
        engagement_days: 5,
        today: day(),
    };
    let url = "https://guichet.example/avis/123-abcdef";
    let with = drafter
        .reply_with_survey(&faq, &input, Some(url))
        .expect("draft renders");
    let signature = with.text.find("Bien cordialement").expect("signature");
    let link = with.text.find(url).expect("survey link present");
    assert!(link > signature, "{}", with.text);
    let without = drafter.reply(&faq, &input).expect("draft renders");
    assert!(!without.text.contains("/avis/"), "{}", without.text);
    // English replies link to the English survey page.
    let en = classification(Kind::Piscine, None, Topic::Horaires, Lang::En);
    let input = ReplyInput {
        classification: &en,
        ..input
    };
    let english = drafter
        .reply_with_survey(&faq, &input, Some(url))
        .expect("draft renders");
    assert!(
        english.text.contains(&format!("{url}?lang=en")),
        "{}",
        english.text
    );
}
