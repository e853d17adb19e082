//! The facility catalogue (`faq/facilities.toml`): VSGP's facilities with their names, aliases,
//! commune, kind and contact facts; places that are *not* VSGP's; and the territory's communes.
//!
//! Contact facts stay empty until somebody has confirmed them: drafts then carry a
//! `[[à compléter : …]]` marker instead of an invented answer.

use serde::{Deserialize, Serialize};

use crate::assets::{line_of, DataFile};
use crate::inquiry::{FacilityId, Kind};

use super::FaqError;

/// Confirmed practical facts about a facility. Empty means "not confirmed".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Facts {
    pub address: String,
    pub phone: String,
    pub email: String,
    pub web: String,
    pub hours: String,
    pub prices: String,
}

/// One VSGP facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub id: FacilityId,
    pub kind: Kind,
    /// The name used in replies ("Centre aquatique Pajeaud").
    pub name: String,
    pub commune: String,
    /// Other ways people name it; plain phrases matched as whole words after normalisation.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Regular expressions (on normalised text) that also name it.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Streets and squares it stands on ("place Ferrari", "bd Carnot"): evidence, weaker than a
    /// name. Never shown to citizens (the address shown is `address`, once confirmed).
    #[serde(default)]
    pub streets: Vec<String>,
    /// Districts and landmarks people use for it ("le Petit-Clamart", "château Laboissière").
    #[serde(default)]
    pub districts: Vec<String>,
    /// Names that are ordinary words ("La Piscine"): they name the facility only when one of
    /// `context` is written in the same message.
    #[serde(default)]
    pub contextual: Vec<String>,
    #[serde(default)]
    pub context: Vec<String>,
    /// Other communes for which it is *the* facility of its kind (a commune named with the kind
    /// pins it as if it stood there).
    #[serde(default)]
    pub serves: Vec<String>,
    /// Something agents and citizens must know (works, closure…), shown in drafts.
    #[serde(default)]
    pub note: String,
    /// The article the name takes in French (`le`, `la`, `l'`); guessed from the first word when
    /// absent.
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, flatten)]
    pub facts: Facts,
}

/// The name with its French article: ("le Théâtre…", "du Théâtre…", "au Théâtre…").
pub fn with_articles(name: &str, article: Option<&str>) -> [String; 3] {
    let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
    let article = article.map(str::to_string).unwrap_or_else(|| {
        let starts_with_vowel = first.starts_with(['a', 'e', 'é', 'è', 'i', 'o', 'u', 'h']);
        let feminine = [
            "piscine",
            "médiathèque",
            "bibliothèque",
            "maison",
            "fosse",
            "salle",
            "ludothèque",
            "ville",
            "commune",
            "région",
        ];
        if starts_with_vowel {
            "l'".to_string()
        } else if feminine.contains(&first.as_str()) {
            "la".to_string()
        } else {
            "le".to_string()
        }
    });
    match article.as_str() {
        "la" => [
            format!("la {name}"),
            format!("de la {name}"),
            format!("à la {name}"),
        ],
        "l'" => [
            format!("l'{name}"),
            format!("de l'{name}"),
            format!("à l'{name}"),
        ],
        _ => [
            format!("le {name}"),
            format!("du {name}"),
            format!("au {name}"),
        ],
    }
}

/// A place people confuse with a VSGP facility but that belongs to somebody else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outside {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    /// Who runs it ("Département des Hauts-de-Seine").
    pub owner: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// One of the territory's communes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commune {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The whole catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default, rename = "commune")]
    pub communes: Vec<Commune>,
    #[serde(default, rename = "facility")]
    pub facilities: Vec<Facility>,
    #[serde(default, rename = "outside")]
    pub outside: Vec<Outside>,
}

impl Catalogue {
    /// Parses and validates `facilities.toml`.
    pub fn parse(file: &DataFile) -> Result<Catalogue, FaqError> {
        let catalogue: Catalogue =
            toml::from_str(&file.text).map_err(|e| FaqError::toml(file, &e))?;
        catalogue.validate(file)?;
        Ok(catalogue)
    }

    fn validate(&self, file: &DataFile) -> Result<(), FaqError> {
        let at = |needle: &str| {
            file.text
                .find(needle)
                .map(|offset| line_of(&file.text, offset))
                .unwrap_or(0)
        };
        let mut seen = std::collections::HashSet::new();
        for facility in &self.facilities {
            let line = at(&format!("\"{}\"", facility.id));
            if !seen.insert(facility.id.as_str()) {
                return Err(FaqError::at(
                    file,
                    line,
                    format!("duplicate facility id `{}`", facility.id),
                ));
            }
            if facility.kind == Kind::Autre {
                return Err(FaqError::at(
                    file,
                    line,
                    format!("facility `{}` cannot be of kind `autre`", facility.id),
                ));
            }
            if facility.name.trim().is_empty() {
                return Err(FaqError::at(
                    file,
                    line,
                    format!("facility `{}` has no name", facility.id),
                ));
            }
            if !facility.contextual.is_empty() && facility.context.is_empty() {
                return Err(FaqError::at(
                    file,
                    line,
                    format!(
                        "facility `{}`: `contextual` names need a `context` list",
                        facility.id
                    ),
                ));
            }
            if let Some(unknown) = facility.serves.iter().find(|c| self.commune(c).is_none()) {
                return Err(FaqError::at(
                    file,
                    line,
                    format!(
                        "facility `{}`: served commune `{unknown}` is not in the commune list",
                        facility.id
                    ),
                ));
            }
            if !facility.commune.is_empty() && self.commune(&facility.commune).is_none() {
                return Err(FaqError::at(
                    file,
                    line,
                    format!(
                        "facility `{}`: commune `{}` is not in the commune list",
                        facility.id, facility.commune
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn facility(&self, id: &FacilityId) -> Option<&Facility> {
        self.facilities.iter().find(|f| &f.id == id)
    }

    /// Looks a facility up by its textual id.
    pub fn facility_by_str(&self, id: &str) -> Option<&Facility> {
        self.facilities.iter().find(|f| f.id.as_str() == id)
    }

    pub fn commune(&self, name: &str) -> Option<&Commune> {
        self.communes.iter().find(|c| c.name == name)
    }

    /// Facilities of `kind` in `commune`, or serving it.
    pub fn in_commune<'a>(
        &'a self,
        kind: Kind,
        commune: &'a str,
    ) -> impl Iterator<Item = &'a Facility> + 'a {
        self.facilities.iter().filter(move |f| {
            f.kind == kind && (f.commune == commune || f.serves.iter().any(|s| s == commune))
        })
    }

    /// Facilities of one kind, in catalogue order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Facility> + '_ {
        self.facilities.iter().filter(move |f| f.kind == kind)
    }
}
