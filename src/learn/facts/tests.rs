use super::*;
use crate::faq::Faq;

fn catalogue() -> Catalogue {
    Faq::load(&crate::assets::Source::embedded_faq())
        .expect("embedded faq")
        .catalogue
}

fn id(s: &str) -> FacilityId {
    FacilityId::parse(s).expect("id")
}

#[test]
fn a_marker_names_its_field_and_the_draft_its_facility() {
    let c = catalogue();
    let pajeaud = id("piscine-pajeaud");
    assert_eq!(
        recognise(&c, "les horaires d'ouverture", Some(&pajeaud)),
        Some((pajeaud.clone(), FactField::Hours))
    );
    assert_eq!(
        recognise(&c, "le lien de réservation", Some(&pajeaud)),
        Some((pajeaud.clone(), FactField::Web))
    );
    assert_eq!(
        recognise(&c, "l'adresse électronique", Some(&pajeaud)).map(|r| r.1),
        Some(FactField::Email)
    );
    let named = c
        .facility(&id("espace-cirque"))
        .expect("cirque")
        .name
        .clone();
    assert_eq!(
        recognise(&c, &format!("les tarifs de {named}"), Some(&pajeaud)),
        Some((id("espace-cirque"), FactField::Prices))
    );
    assert_eq!(recognise(&c, "les horaires", None), None);
    assert_eq!(recognise(&c, "votre nom", Some(&pajeaud)), None);
}

#[test]
fn confirmed_facts_replace_the_catalogues_until_their_end_date() {
    let c = catalogue();
    let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).expect("date");
    let fact = LearnedFact {
        facility: id("piscine-pajeaud"),
        field: FactField::Hours,
        value: "10 h – 19 h".into(),
        valid_until: Some(day(31)),
        confirmed_by: "web:admin".into(),
        confirmed_at: Utc::now(),
    };
    let o = overlay(&c, std::slice::from_ref(&fact), day(31)).expect("in force");
    let f = o.facility(&fact.facility).expect("facility");
    assert_eq!(f.facts.hours, "10 h – 19 h");
    assert_eq!(
        overlay(&c, &[fact], day(31).succ_opt().expect("1 Aug")),
        None
    );
}
