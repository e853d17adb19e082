//! Working days in Europe/Paris (temporary stand-in until the `calendar` branch is merged).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The calendar date in Paris of an instant.
pub fn paris_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// French public holidays and weekends.
#[derive(Debug, Clone, Copy, Default)]
pub struct Calendar {
    whit_monday_worked: bool,
}

fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

impl Calendar {
    pub fn new(whit_monday_worked: bool) -> Calendar {
        Calendar { whit_monday_worked }
    }

    fn is_holiday(&self, d: NaiveDate) -> bool {
        let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
        if fixed.contains(&(d.month(), d.day())) {
            return true;
        }
        let e = easter(d.year());
        d == e + Duration::days(1)
            || d == e + Duration::days(39)
            || (!self.whit_monday_worked && d == e + Duration::days(50))
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(d)
    }

    /// Working days D with `from < D <= to`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    pub fn delay(&self, received: DateTime<Utc>, answered: DateTime<Utc>) -> u32 {
        self.working_days_between(paris_date(received), paris_date(answered))
    }

    /// The last date still within `days` working days of receipt.
    pub fn deadline(&self, received: DateTime<Utc>, days: u32) -> NaiveDate {
        let mut d = paris_date(received);
        let mut left = days;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    pub fn working_days_left(&self, today: NaiveDate, deadline: NaiveDate) -> i64 {
        if today <= deadline {
            i64::from(self.working_days_between(today, deadline))
        } else {
            -i64::from(self.working_days_between(deadline, today))
        }
    }
}
