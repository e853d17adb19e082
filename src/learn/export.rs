//! Confirmed facts written back into the catalogue file (`guichet faq export-facts`), so that a
//! territory keeps them under version control: the file's comments and order are kept, only the
//! facts' fields change. Pure.

use chrono::NaiveDate;
use toml_edit::{value, DocumentMut};

use super::facts::LearnedFact;

/// The catalogue could not be edited.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("not valid TOML: {0}")]
    Toml(#[from] toml_edit::TomlError),
    #[error("no [[facility]] tables")]
    NoFacilities,
}

/// The catalogue text with every fact in force on `today` set on its facility; and how many.
/// Facts of facilities the file does not list are left out.
pub fn write_facts(
    catalogue: &str,
    learned: &[LearnedFact],
    today: NaiveDate,
) -> Result<(String, usize), ExportError> {
    let mut doc: DocumentMut = catalogue.parse()?;
    let tables = doc
        .get_mut("facility")
        .and_then(|f| f.as_array_of_tables_mut())
        .ok_or(ExportError::NoFacilities)?;
    let mut written = 0;
    for table in tables.iter_mut() {
        let id = table.get("id").and_then(|v| v.as_str()).map(str::to_string);
        for l in learned
            .iter()
            .filter(|l| l.holds_on(today) && Some(l.facility.as_str()) == id.as_deref())
        {
            table[l.field.as_str()] = value(l.value.clone());
            written += 1;
        }
    }
    Ok((doc.to_string(), written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::FacilityId;
    use crate::learn::FactField;

    #[test]
    fn facts_in_force_are_written_into_their_facility_and_comments_stay() {
        let text = "# Catalogue\n\n[[facility]]\nid = \"piscine-pajeaud\"\nname = \"Pajeaud\"\nhours = \"\"\n\n[[facility]]\nid = \"espace-cirque\"\nname = \"Cirque\"\n";
        let fact = |field, v: &str, until| LearnedFact {
            facility: FacilityId::parse("piscine-pajeaud").expect("id"),
            field,
            value: v.into(),
            valid_until: until,
            confirmed_by: "web:root".into(),
            confirmed_at: chrono::Utc::now(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date");
        let (out, n) = write_facts(
            text,
            &[
                fact(FactField::Hours, "9 h – 18 h \"été\"", None),
                fact(FactField::Prices, "ancien", today.pred_opt()),
            ],
            today,
        )
        .expect("export");
        assert_eq!(n, 1);
        assert!(out.starts_with("# Catalogue"));
        let back: toml::Value = toml::from_str(&out).expect("valid TOML");
        assert_eq!(
            back["facility"][0]["hours"].as_str(),
            Some("9 h – 18 h \"été\"")
        );
        assert!(!out.contains("ancien"));
        assert_eq!(back["facility"][1].get("hours"), None);
    }
}
