//! Drafting tests: every (language, kind, topic) renders, markers appear exactly where facts are
//! missing, and nothing a citizen wrote is interpreted as a template.

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

fn reply(drafter: &Drafter, faq: &Faq, message: &Message, c: &Classification) -> Draft {
    let input = ReplyInput {
        message,
        classification: c,
        channel: Channel::Mail,
        reference: Some("VSGP-2026-000123"),
        engagement_days: 5,
    };
    drafter.reply(faq, &input).expect("draft renders")
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

fn full_territory() -> Territory {
    Territory {
        web: "https://example.org".into(),
        ..Territory::default()
    }
}

#[test]
fn the_shipped_templates_pass_the_check() {
    let drafter = Drafter::embedded(&Territory::default());
    let problems = drafter.check(&Faq::embedded());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_kind_and_topic_renders_without_handlebars_left() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let message = Message::default();
    for c in check::combinations(&faq) {
        let draft = reply(&drafter, &faq, &message, &c);
        assert!(
            !draft.text.contains("{{") && !draft.text.contains("}}"),
            "{}",
            draft.text
        );
        assert!(draft.text.contains("Vallée Sud – Grand Paris"));
        assert!(draft.html.contains("<p>"));
    }
}

#[test]
fn no_marker_leaks_when_every_fact_is_known() {
    let faq = faq_with_all_facts();
    let drafter = Drafter::embedded(&full_territory());
    let message = Message::default();
    for c in check::combinations(&faq) {
        let draft = reply(&drafter, &faq, &message, &c);
        assert!(
            draft.markers.is_empty(),
            "{}: {:?}",
            draft.template,
            draft.markers
        );
        assert!(!draft.text.contains(MARKER_OPEN), "{}", draft.text);
    }
}

#[test]
fn a_missing_fact_becomes_a_visible_marker() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Piscine,
        Some("piscine-pajeaud"),
        Topic::Horaires,
        Lang::Fr,
    );
    let draft = reply(&drafter, &faq, &Message::default(), &c);
    assert_eq!(draft.markers, vec!["horaires d'ouverture"]);
    assert!(draft
        .text
        .contains("[[à compléter : horaires d'ouverture]]"));
    assert!(draft.text.contains("Centre aquatique Pajeaud"));
}

#[test]
fn known_facts_are_used_verbatim() {
    let faq = faq_with_all_facts();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(
        Kind::Piscine,
        Some("piscine-clamart"),
        Topic::Horaires,
        Lang::Fr,
    );
    let draft = reply(&drafter, &faq, &Message::default(), &c);
    assert!(draft.text.contains("du lundi au vendredi"));
    assert!(draft
        .text
        .contains("Les horaires d'ouverture de la Piscine de Clamart"));
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
    assert!(draft
        .text
        .contains("Bonjour {{territory.name}} {{#each x}},"));
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
    assert!(ack.text.contains("« {{> fr/reply}} {{facility.name}} »"));
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
            ack.text.contains(mention),
            "missing {mention:?} in\n{}",
            ack.text
        );
    }
    assert!(ack.markers.is_empty());
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
    let draft = reply(&drafter, &faq, &Message::default(), &c);
    assert!(draft.text.starts_with("Hello,"));
    assert!(draft.text.contains("Kind regards"));
    assert_eq!(draft.template, "en/answers/inscription");
}

#[test]
fn without_a_facility_the_draft_asks_which_one() {
    let faq = Faq::embedded();
    let drafter = Drafter::embedded(&Territory::default());
    let c = classification(Kind::Mediatheque, None, Topic::Horaires, Lang::Fr);
    let draft = reply(&drafter, &faq, &Message::default(), &c);
    assert!(draft.markers.is_empty());
    for name in [
        "Médiathèque La Buanderie",
        "Bibliothèque La Fourche",
        "Médiathèque Pablo Neruda",
    ] {
        assert!(draft.text.contains(name), "{}", draft.text);
    }
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
