//! Facts learned from agents: which catalogue fact a marker stood for, and the overlay of the
//! facts an admin confirmed over the catalogue's, so that later drafts carry the value instead of
//! the marker. A fact is never read from a citizen's text (only from what an agent typed in place
//! of a marker) and never used before an admin confirmed it. Pure.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::faq::catalogue::{Catalogue, Facts};
use crate::faq::normalize::fold;
use crate::inquiry::{FacilityId, UnknownValue};

/// A fact of a facility or service, as the catalogue names its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactField {
    Hours,
    Prices,
    Phone,
    Email,
    /// Web page, also the booking page.
    Web,
    Address,
}

impl FactField {
    pub const ALL: [FactField; 6] = [
        FactField::Hours,
        FactField::Prices,
        FactField::Phone,
        FactField::Email,
        FactField::Web,
        FactField::Address,
    ];

    /// The catalogue's field name (`hours`, `prices`…).
    pub fn as_str(self) -> &'static str {
        match self {
            FactField::Hours => "hours",
            FactField::Prices => "prices",
            FactField::Phone => "phone",
            FactField::Email => "email",
            FactField::Web => "web",
            FactField::Address => "address",
        }
    }

    /// The label agents read.
    pub fn label(self) -> &'static str {
        match self {
            FactField::Hours => "horaires",
            FactField::Prices => "tarifs",
            FactField::Phone => "téléphone",
            FactField::Email => "adresse électronique",
            FactField::Web => "site ou page de réservation",
            FactField::Address => "adresse",
        }
    }

    /// The catalogue's value of this field.
    pub fn of(self, facts: &Facts) -> &str {
        match self {
            FactField::Hours => &facts.hours,
            FactField::Prices => &facts.prices,
            FactField::Phone => &facts.phone,
            FactField::Email => &facts.email,
            FactField::Web => &facts.web,
            FactField::Address => &facts.address,
        }
    }

    fn slot(self, facts: &mut Facts) -> &mut String {
        match self {
            FactField::Hours => &mut facts.hours,
            FactField::Prices => &mut facts.prices,
            FactField::Phone => &mut facts.phone,
            FactField::Email => &mut facts.email,
            FactField::Web => &mut facts.web,
            FactField::Address => &mut facts.address,
        }
    }

    /// The field a marker's words name (`les horaires d'ouverture pendant les vacances` → hours;
    /// `le lien de réservation` → web), or `None`.
    pub fn named_by(what: &str) -> Option<FactField> {
        let w = fold(what);
        let has = |words: &[&str]| words.iter().any(|x| w.contains(x));
        // Order matters: "adresse électronique" before "adresse", "horaires" before the rest.
        if has(&["horaire", "ouverture", "heures"]) {
            Some(FactField::Hours)
        } else if has(&["tarif", "prix", "cout"]) {
            Some(FactField::Prices)
        } else if has(&["telephone", "numero"]) {
            Some(FactField::Phone)
        } else if has(&["courriel", "e mail", "email", "electronique"]) {
            Some(FactField::Email)
        } else if has(&["site", "lien", "reservation", "billetterie", "page"]) {
            Some(FactField::Web)
        } else if has(&["adresse", "acces", "plan"]) {
            Some(FactField::Address)
        } else {
            None
        }
    }
}

impl fmt::Display for FactField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FactField {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FactField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownValue {
                what: "fact field",
                value: s.to_string(),
                expected: FactField::ALL.map(|f| f.as_str()).join(", "),
            })
    }
}

/// Which facility's fact a marker stood for: the facility its words name, else the facility the
/// draft was written for; and the field its words name.
pub fn recognise(
    catalogue: &Catalogue,
    what: &str,
    drafted_for: Option<&FacilityId>,
) -> Option<(FacilityId, FactField)> {
    let field = FactField::named_by(what)?;
    let w = fold(what);
    let named = catalogue
        .facilities
        .iter()
        .find(|f| w.contains(&fold(&f.name)))
        .map(|f| f.id.clone());
    let facility = named.or_else(|| drafted_for.cloned())?;
    catalogue.facility(&facility)?;
    Some((facility, field))
}

/// A fact an admin confirmed, stored in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedFact {
    pub facility: FacilityId,
    pub field: FactField,
    pub value: String,
    /// Last day it holds (Paris); `None`: until changed.
    pub valid_until: Option<NaiveDate>,
    pub confirmed_by: String,
    pub confirmed_at: DateTime<Utc>,
}

impl LearnedFact {
    /// Still in force on `today`.
    pub fn holds_on(&self, today: NaiveDate) -> bool {
        self.valid_until.is_none_or(|u| today <= u)
    }
}

/// The catalogue with the confirmed facts in force on `today` in place of its own; `None` when
/// none applies (the caller keeps the catalogue it has).
pub fn overlay(
    catalogue: &Catalogue,
    learned: &[LearnedFact],
    today: NaiveDate,
) -> Option<Catalogue> {
    let in_force: Vec<&LearnedFact> = learned
        .iter()
        .filter(|l| l.holds_on(today) && catalogue.facility(&l.facility).is_some())
        .collect();
    if in_force.is_empty() {
        return None;
    }
    let mut out = catalogue.clone();
    for l in in_force {
        if let Some(f) = out.facilities.iter_mut().find(|f| f.id == l.facility) {
            *l.field.slot(&mut f.facts) = l.value.clone();
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
