//! « Enregistrer pour les prochaines réponses » in the Modifier form: the short answer an agent
//! types (empty or « non », « oui », or the last day the values hold as JJ/MM/AAAA), read strictly
//! — anything else is refused with a message saying what is expected, never guessed.

use chrono::NaiveDate;

/// The field's label (Discord allows 45 characters) and hint (100).
pub const LABEL: &str = "Enregistrer pour les prochaines réponses";
pub const HINT: &str = "oui, ou une date de fin JJ/MM/AAAA ; vide = non";
/// The field's `custom_id`.
pub const FIELD: &str = "keep";

/// What the agent asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    No,
    /// Keep the values, until the day given (inclusive) or with no end.
    Yes(Option<NaiveDate>),
}

/// Reads the field; `today` (Paris) is the earliest end date allowed.
pub fn parse(input: &str, today: NaiveDate) -> Result<Keep, String> {
    let t = input.trim();
    match t.to_lowercase().as_str() {
        "" | "non" | "n" => return Ok(Keep::No),
        "oui" | "o" => return Ok(Keep::Yes(None)),
        _ => {}
    }
    let expected =
        "écrivez « oui », une date de fin au format JJ/MM/AAAA (par exemple 31/12/2026), \
                    ou laissez vide";
    let shaped = t.len() == 10
        && t.char_indices().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == '/'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!(
            "« {LABEL} » : « {t} » n'est pas compris ; {expected}."
        ));
    }
    let day = NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .map_err(|_| format!("« {LABEL} » : le {t} n'existe pas ; {expected}."))?;
    if day < today {
        return Err(format!(
            "« {LABEL} » : le {t} est déjà passé ; donnez une date de fin à venir, ou « oui »."
        ));
    }
    Ok(Keep::Yes(Some(day)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date")
    }

    #[test]
    fn empty_or_non_keeps_nothing_and_oui_keeps_with_no_end() {
        for no in ["", "  ", "non", "NON", " Non "] {
            assert_eq!(parse(no, today()), Ok(Keep::No), "{no:?}");
        }
        assert_eq!(parse("oui", today()), Ok(Keep::Yes(None)));
        assert_eq!(parse(" Oui ", today()), Ok(Keep::Yes(None)));
    }

    #[test]
    fn a_date_jj_mm_aaaa_is_the_last_day_and_today_is_allowed() {
        assert_eq!(
            parse("31/12/2026", today()),
            Ok(Keep::Yes(NaiveDate::from_ymd_opt(2026, 12, 31)))
        );
        assert_eq!(parse("07/12/2026", today()), Ok(Keep::Yes(Some(today()))));
    }

    #[test]
    fn anything_else_is_refused_with_what_is_expected() {
        for bad in [
            "peut-être",
            "2026-12-31",
            "31/12/26",
            "1/1/2027",
            "31.12.2026",
            "ouii",
        ] {
            let e = parse(bad, today()).expect_err(bad);
            assert!(e.contains("JJ/MM/AAAA"), "{bad}: {e}");
        }
        let e = parse("31/02/2027", today()).expect_err("no 31 February");
        assert!(e.contains("n'existe pas"), "{e}");
        let e = parse("06/12/2026", today()).expect_err("yesterday");
        assert!(e.contains("déjà passé"), "{e}");
    }
}
