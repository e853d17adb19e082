//! Working days in France (Monday–Friday minus public holidays) and the legal way of counting delays.
//!
//! A delay is the number of working days `D` with `received < D <= answered`, both taken as civil
//! dates in Europe/Paris: the day of receipt never counts, the day of the answer counts when it is a
//! working day. Hence:
//!
//! - received and answered the same day: 0;
//! - received on Friday, answered on Monday: 1;
//! - received on Saturday, answered on Monday: 1;
//! - received on the Friday before Easter, answered on the Tuesday after Easter Monday: 1.
//!
//! An engagement of `n` working days is kept when the delay is at most `n`, i.e. when the answer is
//! sent on or before [`Calendar::deadline`]. Public holidays are the eleven French ones: 1 January,
//! Easter Monday, 1 May, 8 May, Ascension (Easter + 39), Whit Monday (Easter + 50, optionally worked
//! as the "journée de solidarité"), 14 July, 15 August, 1 November, 11 November and 25 December.
//! Easter is computed, so any year of the proleptic Gregorian calendar works.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Europe::Paris;

/// Holidays on a fixed date: (month, day, French name).
const FIXED_HOLIDAYS: [(u32, u32, &str); 8] = [
    (1, 1, "Jour de l'an"),
    (5, 1, "Fête du Travail"),
    (5, 8, "Victoire 1945"),
    (7, 14, "Fête nationale"),
    (8, 15, "Assomption"),
    (11, 1, "Toussaint"),
    (11, 11, "Armistice 1918"),
    (12, 25, "Noël"),
];

const EASTER_MONDAY: (u64, &str) = (1, "Lundi de Pâques");
const ASCENSION: (u64, &str) = (39, "Ascension");
const WHIT_MONDAY: (u64, &str) = (50, "Lundi de Pentecôte");

/// A day 1 January 2001 was a Monday; weekday arithmetic counts whole weeks from there.
const MONDAY_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2001, 1, 1) {
    Some(d) => d,
    None => panic!("2001-01-01 is a valid date"),
};

/// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm.
///
/// # Panics
/// Only for years outside chrono's range (about ±262 000).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day within 1..=31 by construction of the algorithm.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .expect("Easter falls in March or April of a year within chrono's range")
}

/// The civil date in Europe/Paris at instant `t`.
pub fn paris_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

/// Which days are worked: weekdays that are not French public holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Calendar {
    whit_monday_worked: bool,
}

impl Calendar {
    /// A calendar; `whit_monday_worked` makes Whit Monday an ordinary working day.
    pub fn new(whit_monday_worked: bool) -> Calendar {
        Calendar { whit_monday_worked }
    }

    /// The public holidays of `year` with their French names, sorted by date (Ascension may share
    /// its date with 1 May or 8 May: both entries are then listed). Whit Monday is left out when
    /// it is worked.
    pub fn public_holidays(&self, year: i32) -> Vec<(NaiveDate, &'static str)> {
        let mut all: Vec<(NaiveDate, &'static str)> = FIXED_HOLIDAYS
            .iter()
            .filter_map(|&(m, d, name)| NaiveDate::from_ymd_opt(year, m, d).map(|x| (x, name)))
            .collect();
        all.extend(self.easter_holidays(year));
        all.sort_by_key(|&(d, _)| d);
        all
    }

    /// Whether `d` is a public holiday (whatever its weekday).
    pub fn is_public_holiday(&self, d: NaiveDate) -> bool {
        let fixed = is_fixed_holiday(d);
        // Easter-based holidays fall between 23 March and 14 June.
        fixed || (matches!(d.month(), 3..=6) && self.easter_holidays(d.year()).any(|(h, _)| h == d))
    }

    /// Whether `d` is a working day: Monday to Friday and not a public holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        is_weekday(d) && !self.is_public_holiday(d)
    }

    /// Number of working days D with from < D <= to (0 when to <= from).
    ///
    /// Whole weeks are counted arithmetically; holidays are subtracted year by year (eleven dates
    /// per year), so the cost does not depend on the number of days in the span.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let weekdays = weekdays_up_to(to) - weekdays_up_to(from);
        let holidays: i64 = (from.year()..=to.year())
            .map(|year| self.weekday_holidays_in(year, from, to))
            .sum();
        u32::try_from(weekdays - holidays).unwrap_or(u32::MAX)
    }

    /// The delay of an answer as legal delays are counted: working_days_between(paris_date(received), paris_date(answered)).
    pub fn delay(&self, received: DateTime<Utc>, answered: DateTime<Utc>) -> u32 {
        self.working_days_between(paris_date(received), paris_date(answered))
    }

    /// The date of the `days`-th working day after paris_date(received) (received date itself when days == 0): the last day an answer is within an engagement of `days`.
    ///
    /// Saturates at chrono's last date for absurdly large `days`.
    pub fn deadline(&self, received: DateTime<Utc>, days: u32) -> NaiveDate {
        let mut date = paris_date(received);
        let mut left = days;
        // A span of `left` calendar days holds at most `left` working days, so jumping by `left`
        // never overshoots; the last jump only gains `left` if its last day is a working day.
        while left > 0 {
            let Some(next) = date.checked_add_days(Days::new(u64::from(left))) else {
                return NaiveDate::MAX;
            };
            left -= self.working_days_between(date, next);
            date = next;
        }
        date
    }

    /// Working days from `today` (exclusive) to `deadline` (inclusive); negative when the deadline is past (count of working days after deadline up to today, negated).
    pub fn working_days_left(&self, today: NaiveDate, deadline: NaiveDate) -> i64 {
        if deadline >= today {
            i64::from(self.working_days_between(today, deadline))
        } else {
            -i64::from(self.working_days_between(deadline, today))
        }
    }

    /// Easter-based holidays of `year` that are not worked.
    fn easter_holidays(&self, year: i32) -> impl Iterator<Item = (NaiveDate, &'static str)> {
        let easter = easter_sunday(year);
        let whit = (!self.whit_monday_worked).then_some(WHIT_MONDAY);
        [Some(EASTER_MONDAY), Some(ASCENSION), whit]
            .into_iter()
            .flatten()
            .filter_map(move |(offset, name)| {
                easter
                    .checked_add_days(Days::new(offset))
                    .map(|d| (d, name))
            })
    }

    /// Number of distinct holidays of `year` on Monday–Friday with from < D <= to.
    fn weekday_holidays_in(&self, year: i32, from: NaiveDate, to: NaiveDate) -> i64 {
        let counted = |d: &NaiveDate| from < *d && *d <= to && is_weekday(*d);
        let fixed = FIXED_HOLIDAYS
            .iter()
            .filter_map(|&(m, d, _)| NaiveDate::from_ymd_opt(year, m, d))
            .filter(counted)
            .count();
        // Ascension may fall on 1 May or 8 May: count such a day once.
        let moving = self
            .easter_holidays(year)
            .map(|(d, _)| d)
            .filter(|d| counted(d) && !is_fixed_holiday(*d))
            .count();
        (fixed + moving) as i64
    }
}

fn is_fixed_holiday(d: NaiveDate) -> bool {
    FIXED_HOLIDAYS
        .iter()
        .any(|&(m, day, _)| d.month() == m && d.day() == day)
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Number of Monday–Friday days in [MONDAY_EPOCH, d] (negative before the epoch); the difference of
/// two values counts the weekdays in (a, b].
fn weekdays_up_to(d: NaiveDate) -> i64 {
    let k = d.signed_duration_since(MONDAY_EPOCH).num_days();
    let weeks = k.div_euclid(7);
    let day_in_week = k.rem_euclid(7); // 0 = Monday
    weeks * 5 + (day_in_week + 1).min(5)
}

#[cfg(test)]
mod tests;
