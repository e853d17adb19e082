//! Dates written out as people read them in letters: "9 octobre 2023", "1er mai 2026",
//! "9 October 2023".

use chrono::{Datelike, NaiveDate};

use crate::inquiry::Lang;

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const JOURS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The month's name ("octobre", "October") for a 0-based month.
pub fn month_name(month0: u32, lang: Lang) -> &'static str {
    let i = (month0 as usize).min(11);
    match lang {
        Lang::Fr => MOIS[i],
        Lang::En => MONTHS[i],
    }
}

/// "9 octobre 2023" (French, with "1er" for the first of the month) or "9 October 2023".
pub fn long_date(date: NaiveDate, lang: Lang) -> String {
    let month = date.month0() as usize;
    match lang {
        Lang::Fr if date.day() == 1 => format!("1er {} {}", MOIS[month], date.year()),
        Lang::Fr => format!("{} {} {}", date.day(), MOIS[month], date.year()),
        Lang::En => format!("{} {} {}", date.day(), MONTHS[month], date.year()),
    }
}

/// "jeudi 9 octobre 2025" / "Thursday 9 October 2025".
pub fn long_date_with_weekday(date: NaiveDate, lang: Lang) -> String {
    let weekday = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Fr => format!("{} {}", JOURS[weekday], long_date(date, lang)),
        Lang::En => format!("{} {}", DAYS[weekday], long_date(date, lang)),
    }
}

/// A delay in working days with its agreement: "1 jour ouvré", "2 jours ouvrés", "1 working day".
pub fn working_days(days: u32, lang: Lang) -> String {
    match (lang, days) {
        (Lang::Fr, 0 | 1) => format!("{days} jour ouvré"),
        (Lang::Fr, _) => format!("{days} jours ouvrés"),
        (Lang::En, 1) => "1 working day".to_string(),
        (Lang::En, _) => format!("{days} working days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_agree_with_their_number() {
        assert_eq!(working_days(1, Lang::Fr), "1 jour ouvré");
        assert_eq!(working_days(2, Lang::Fr), "2 jours ouvrés");
        assert_eq!(working_days(1, Lang::En), "1 working day");
        assert_eq!(working_days(5, Lang::En), "5 working days");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn french_dates_read_like_letters() {
        assert_eq!(long_date(d(2023, 10, 9), Lang::Fr), "9 octobre 2023");
        assert_eq!(long_date(d(2026, 5, 1), Lang::Fr), "1er mai 2026");
        assert_eq!(long_date(d(2026, 8, 15), Lang::Fr), "15 août 2026");
        assert_eq!(
            long_date_with_weekday(d(2025, 10, 9), Lang::Fr),
            "jeudi 9 octobre 2025"
        );
    }

    #[test]
    fn english_dates() {
        assert_eq!(long_date(d(2023, 10, 9), Lang::En), "9 October 2023");
        assert_eq!(
            long_date_with_weekday(d(2026, 11, 26), Lang::En),
            "Thursday 26 November 2026"
        );
    }
}
