use guichet::inquiry::{Kind, Lang, Message, Topic};

use super::{assert_sorted, chat, faq, mail};

#[test]
fn a_facility_is_found_by_its_name() {
    assert_sorted(
        &mail("human-inquiry.eml"),
        Kind::Piscine,
        Some("piscine-pajeaud"),
        Topic::Horaires,
    );
}

#[test]
fn a_facility_is_found_by_its_acronym_or_nickname() {
    assert_sorted(
        &chat("tcc-acronym.txt"),
        Kind::Theatre,
        Some("theatre-chatillon-clamart"),
        Topic::Tarifs,
    );
    assert_sorted(
        &chat("dutilleux-nickname.txt"),
        Kind::Conservatoire,
        Some("conservatoire-clamart"),
        Topic::Inscription,
    );
    assert_sorted(
        &chat("lost-umbrella.txt"),
        Kind::Mediatheque,
        Some("mediatheque-la-buanderie"),
        Topic::ObjetPerdu,
    );
}

#[test]
fn an_activity_and_a_commune_with_one_facility_of_that_kind_pin_it() {
    assert_sorted(
        &chat("activity-commune.txt"),
        Kind::Piscine,
        Some("piscine-bagneux"),
        Topic::Inscription,
    );
}

#[test]
fn la_piscine_alone_stays_at_the_kind_level() {
    assert_sorted(
        &chat("pool-unnamed.txt"),
        Kind::Piscine,
        None,
        Topic::Horaires,
    );
}

#[test]
fn la_mediatheque_de_clamart_stays_at_the_kind_level_because_clamart_has_four() {
    assert_sorted(
        &chat("mediatheques-clamart.txt"),
        Kind::Mediatheque,
        None,
        Topic::Horaires,
    );
}

#[test]
fn two_pools_named_together_stay_at_the_kind_level() {
    assert_sorted(&chat("two-pools.txt"), Kind::Piscine, None, Topic::Tarifs);
}

#[test]
fn a_pool_that_is_not_vsgp_blocks_any_facility() {
    assert_sorted(
        &mail("grenouillere.eml"),
        Kind::Piscine,
        None,
        Topic::Horaires,
    );
    let c = chat("fosse-plongee.txt");
    assert_sorted(&c, Kind::Piscine, None, Topic::Reservation);
    assert!(
        c.rules.iter().any(|r| r == "hors:fosse-plongee-antony"),
        "{:?}",
        c.rules
    );
}

#[test]
fn theatre_la_piscine_is_a_theatre_and_not_a_swimming_pool() {
    assert_sorted(
        &chat("theatre-la-piscine.txt"),
        Kind::Theatre,
        Some("theatre-la-piscine"),
        Topic::Reservation,
    );
    assert_sorted(
        &chat("swim-clamart.txt"),
        Kind::Piscine,
        Some("piscine-clamart"),
        Topic::Horaires,
    );
}

#[test]
fn a_town_hall_matter_is_sorted_as_autre() {
    let c = chat("town-hall.txt");
    assert_eq!(
        (c.kind, c.facility.as_ref()),
        (Kind::Autre, None),
        "{:?}",
        c.rules
    );
    assert_eq!(c.template.as_deref(), Some("hors-perimetre"));
}

#[test]
fn an_english_mail_is_answered_in_english() {
    let c = mail("english-library.eml");
    assert_eq!(c.lang, Lang::En);
    assert_sorted(
        &c,
        Kind::Mediatheque,
        Some("mediatheque-malakoff"),
        Topic::Inscription,
    );
    let c = chat("english-pool.txt");
    assert_eq!(c.lang, Lang::En);
    assert_sorted(&c, Kind::Piscine, Some("piscine-clamart"), Topic::Horaires);
}

#[test]
fn a_lost_library_card_is_an_inscription_not_a_lost_object() {
    assert_sorted(
        &chat("lost-library-card.txt"),
        Kind::Mediatheque,
        Some("mediatheque-malakoff"),
        Topic::Inscription,
    );
}

#[test]
fn horaires_amenages_is_an_admission_not_opening_hours() {
    assert_sorted(
        &chat("horaires-amenages.txt"),
        Kind::Conservatoire,
        Some("conservatoire-bourg-la-reine-sceaux"),
        Topic::Inscription,
    );
}

#[test]
fn a_curt_complaint_about_cold_water_is_a_reclamation() {
    assert_sorted(
        &chat("complaint-cold-water.txt"),
        Kind::Piscine,
        Some("piscine-bagneux"),
        Topic::Reclamation,
    );
}

#[test]
fn a_bare_question_without_any_clue_is_autre() {
    let c = faq().classify(&Message::chat("Bonjour, j'ai une question"));
    assert_sorted(&c, Kind::Autre, None, Topic::Autre);
}
