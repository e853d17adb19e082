//! Tests of the working-day calendar: the documented examples, time zones, Easter and holidays
//! against an independent table, and working-day counts against a naive day-by-day loop.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid test instant")
}

/// The naive definition: walk every day in (from, to].
fn naive_between(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| cal.is_working_day(*d))
        .count() as u32
}

/// A small deterministic generator (SplitMix64), enough for property tests without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn documented_examples() {
    let cal = Calendar::default();
    // Same day.
    assert_eq!(
        cal.delay(utc(2026, 3, 10, 8, 0), utc(2026, 3, 10, 16, 0)),
        0
    );
    // Friday 13 March 2026 → Monday 16 March.
    assert_eq!(cal.delay(utc(2026, 3, 13, 9, 0), utc(2026, 3, 16, 9, 0)), 1);
    // Saturday 14 March → Monday 16 March.
    assert_eq!(cal.delay(utc(2026, 3, 14, 9, 0), utc(2026, 3, 16, 9, 0)), 1);
    // Good Friday 3 April 2026 → Tuesday 7 April (Easter Monday 6 April is a holiday).
    assert_eq!(cal.delay(utc(2026, 4, 3, 9, 0), utc(2026, 4, 7, 9, 0)), 1);
    assert_eq!(
        cal.working_days_between(date(2026, 3, 16), date(2026, 3, 16)),
        0
    );
    assert_eq!(
        cal.working_days_between(date(2026, 3, 16), date(2026, 3, 13)),
        0
    );
}

#[test]
fn holidays_on_weekends_cost_nothing() {
    let cal = Calendar::default();
    // 15 August 2026 is a Saturday, 1 November 2026 a Sunday.
    assert!(cal.is_public_holiday(date(2026, 8, 15)));
    assert!(cal.is_public_holiday(date(2026, 11, 1)));
    assert_eq!(
        cal.working_days_between(date(2026, 8, 14), date(2026, 8, 21)),
        5
    );
    assert_eq!(
        cal.working_days_between(date(2026, 10, 30), date(2026, 11, 6)),
        5
    );
    // 14 July 2026 is a Tuesday: that week has 4 working days.
    assert_eq!(
        cal.working_days_between(date(2026, 7, 10), date(2026, 7, 17)),
        4
    );
}

#[test]
fn new_year() {
    let cal = Calendar::default();
    assert!(!cal.is_working_day(date(2026, 1, 1)));
    // Wednesday 31 December 2025 → Friday 2 January 2026: only the Friday counts.
    assert_eq!(
        cal.working_days_between(date(2025, 12, 31), date(2026, 1, 2)),
        1
    );
    assert_eq!(
        cal.working_days_between(date(2025, 12, 31), date(2026, 1, 1)),
        0
    );
    // 23:30 UTC on 31 December is already 1 January in Paris.
    assert_eq!(paris_date(utc(2025, 12, 31, 23, 30)), date(2026, 1, 1));
    assert_eq!(
        cal.delay(utc(2025, 12, 31, 22, 59), utc(2026, 1, 2, 9, 0)),
        1
    );
    assert_eq!(cal.deadline(utc(2025, 12, 31, 12, 0), 1), date(2026, 1, 2));
}

#[test]
fn paris_midnight_around_march_dst_change() {
    // Before the change (night of 28–29 March 2026) Paris is UTC+1: midnight is 23:00 UTC.
    assert_eq!(paris_date(utc(2026, 3, 28, 22, 59)), date(2026, 3, 28));
    assert_eq!(paris_date(utc(2026, 3, 28, 23, 0)), date(2026, 3, 29));
    assert_eq!(paris_date(utc(2026, 3, 28, 23, 30)), date(2026, 3, 29));
    assert_eq!(paris_date(utc(2026, 3, 29, 0, 30)), date(2026, 3, 29));
    // After it Paris is UTC+2: Monday 30 March starts at 22:00 UTC on Sunday.
    let cal = Calendar::default();
    let answered = utc(2026, 3, 30, 8, 0);
    assert_eq!(cal.delay(utc(2026, 3, 29, 21, 59), answered), 1);
    assert_eq!(cal.delay(utc(2026, 3, 29, 22, 0), answered), 0);
    assert_eq!(cal.deadline(utc(2026, 3, 29, 22, 0), 0), date(2026, 3, 30));
}

#[test]
fn paris_midnight_around_october_dst_change() {
    // Saturday 24 October 2026 is still UTC+2; the clocks go back at 01:00 UTC on the 25th.
    assert_eq!(paris_date(utc(2026, 10, 24, 21, 59)), date(2026, 10, 24));
    assert_eq!(paris_date(utc(2026, 10, 24, 22, 0)), date(2026, 10, 25));
    assert_eq!(paris_date(utc(2026, 10, 25, 0, 30)), date(2026, 10, 25));
    assert_eq!(paris_date(utc(2026, 10, 25, 1, 30)), date(2026, 10, 25));
    // Then UTC+1: Monday 26 October starts at 23:00 UTC on Sunday.
    let cal = Calendar::default();
    let answered = utc(2026, 10, 26, 10, 0);
    assert_eq!(cal.delay(utc(2026, 10, 25, 22, 59), answered), 1);
    assert_eq!(cal.delay(utc(2026, 10, 25, 23, 0), answered), 0);
}

#[test]
fn whit_monday_worked_or_not() {
    let off = Calendar::new(false);
    let worked = Calendar::new(true);
    assert_eq!(off, Calendar::default());
    let whit = date(2026, 5, 25);
    assert!(off.is_public_holiday(whit) && !off.is_working_day(whit));
    assert!(!worked.is_public_holiday(whit) && worked.is_working_day(whit));
    assert_eq!(off.public_holidays(2026).len(), 11);
    assert_eq!(worked.public_holidays(2026).len(), 10);
    assert!(off
        .public_holidays(2026)
        .contains(&(whit, "Lundi de Pentecôte")));
    // Friday 22 May → Tuesday 26 May.
    assert_eq!(
        off.working_days_between(date(2026, 5, 22), date(2026, 5, 26)),
        1
    );
    assert_eq!(
        worked.working_days_between(date(2026, 5, 22), date(2026, 5, 26)),
        2
    );
    assert_eq!(off.deadline(utc(2026, 5, 22, 9, 0), 1), date(2026, 5, 26));
    assert_eq!(worked.deadline(utc(2026, 5, 22, 9, 0), 1), whit);
}

#[test]
fn easter_known_years() {
    assert_eq!(easter_sunday(1900), date(1900, 4, 15));
    assert_eq!(easter_sunday(2000), date(2000, 4, 23));
    assert_eq!(easter_sunday(2024), date(2024, 3, 31));
    assert_eq!(easter_sunday(2025), date(2025, 4, 20));
    assert_eq!(easter_sunday(2026), date(2026, 4, 5));
    // From python-dateutil's easter(2200).
    assert_eq!(easter_sunday(2200), date(2200, 4, 6));
    for year in 1900..=2200 {
        let e = easter_sunday(year);
        assert_eq!(e.weekday(), chrono::Weekday::Sun, "{year}");
        assert!(date(year, 3, 22) <= e && e <= date(year, 4, 25), "{year}");
    }
}

#[test]
fn ascension_on_labour_day_counts_once() {
    let cal = Calendar::default();
    // Easter 2008 was 23 March: Ascension fell on Thursday 1 May.
    let holidays = cal.public_holidays(2008);
    assert_eq!(holidays.len(), 11);
    assert_eq!(
        holidays
            .iter()
            .filter(|(d, _)| *d == date(2008, 5, 1))
            .count(),
        2
    );
    let (from, to) = (date(2008, 4, 25), date(2008, 5, 9));
    assert_eq!(
        cal.working_days_between(from, to),
        naive_between(&cal, from, to)
    );
    assert_eq!(cal.working_days_between(from, to), 8);
}

#[test]
fn working_days_between_matches_naive_loop() {
    let mut rng = Rng(0x5EED_2026);
    let start = date(1990, 1, 1);
    let span = date(2110, 12, 31).signed_duration_since(start).num_days() as u64;
    for cal in [Calendar::new(false), Calendar::new(true)] {
        // One flag per day, so the naive day-by-day count stays quick in debug builds.
        let worked: Vec<bool> = (0..=span + 60)
            .map(|i| cal.is_working_day(start + Days::new(i)))
            .collect();
        let index = |d: NaiveDate| d.signed_duration_since(start).num_days() as usize;
        for i in 0..3000 {
            let a = start + Days::new(rng.below(span + 1));
            // Half the pairs are short spans (the usual case), half anywhere in the range.
            let b = if i % 2 == 0 {
                a + Days::new(rng.below(60))
            } else {
                start + Days::new(rng.below(span + 1))
            };
            let (from, to) = if rng.below(10) == 0 {
                (b, a)
            } else {
                (a.min(b), a.max(b))
            };
            let naive = if to <= from {
                0
            } else {
                worked[index(from) + 1..=index(to)]
                    .iter()
                    .filter(|w| **w)
                    .count() as u32
            };
            assert_eq!(
                cal.working_days_between(from, to),
                naive,
                "{from} → {to}, {cal:?}"
            );
        }
    }
    // The slow naive loop itself, on a span across several years.
    let cal = Calendar::default();
    let (from, to) = (date(2007, 6, 15), date(2013, 2, 3));
    assert_eq!(
        cal.working_days_between(from, to),
        naive_between(&cal, from, to)
    );
}

#[test]
fn deadline_is_the_nth_working_day() {
    let cal = Calendar::default();
    let mut rng = Rng(42);
    for _ in 0..500 {
        let received = utc(1995, 1, 1, 12, 0) + chrono::Duration::hours(rng.below(900_000) as i64);
        let days = rng.below(40) as u32;
        let start = paris_date(received);
        let end = cal.deadline(received, days);
        assert_eq!(
            cal.working_days_between(start, end),
            days,
            "{received} + {days}"
        );
        if days > 0 {
            assert!(cal.is_working_day(end), "{received} + {days}");
        } else {
            assert_eq!(end, start);
        }
    }
    // Received Saturday 14 March 2026, 5 working days: Friday 20 March.
    assert_eq!(cal.deadline(utc(2026, 3, 14, 10, 0), 5), date(2026, 3, 20));
    // Good Friday 2026, 5 working days: Easter Monday skipped, Monday 13 April.
    assert_eq!(cal.deadline(utc(2026, 4, 3, 10, 0), 5), date(2026, 4, 13));
    let far = cal.deadline(utc(2026, 1, 5, 10, 0), 100_000);
    assert_eq!(cal.working_days_between(date(2026, 1, 5), far), 100_000);
    assert_eq!(
        cal.deadline(utc(2026, 1, 5, 10, 0), u32::MAX),
        NaiveDate::MAX
    );
}

#[test]
fn working_days_left_counts_down_then_negative() {
    let cal = Calendar::default();
    let deadline = date(2026, 3, 20); // a Friday
    assert_eq!(cal.working_days_left(date(2026, 3, 16), deadline), 4);
    assert_eq!(cal.working_days_left(date(2026, 3, 20), deadline), 0);
    assert_eq!(cal.working_days_left(date(2026, 3, 21), deadline), 0);
    assert_eq!(cal.working_days_left(date(2026, 3, 23), deadline), -1);
    assert_eq!(cal.working_days_left(date(2026, 3, 27), deadline), -5);
}

#[test]
fn holidays_match_independent_easter_table() {
    let cal = Calendar::default();
    let mut expected_all = std::collections::BTreeSet::new();
    for &(year, month, day) in EASTER_2000_2100.iter() {
        let easter = date(year, month, day);
        assert_eq!(easter_sunday(year), easter, "Easter {year}");
        let mut expected = vec![
            (date(year, 1, 1), "Jour de l'an"),
            (easter + Days::new(1), "Lundi de Pâques"),
            (date(year, 5, 1), "Fête du Travail"),
            (date(year, 5, 8), "Victoire 1945"),
            (easter + Days::new(39), "Ascension"),
            (easter + Days::new(50), "Lundi de Pentecôte"),
            (date(year, 7, 14), "Fête nationale"),
            (date(year, 8, 15), "Assomption"),
            (date(year, 11, 1), "Toussaint"),
            (date(year, 11, 11), "Armistice 1918"),
            (date(year, 12, 25), "Noël"),
        ];
        expected.sort();
        let mut got = cal.public_holidays(year);
        assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "sorted {year}");
        got.sort();
        assert_eq!(got, expected, "holidays {year}");
        let worked: Vec<_> = expected
            .iter()
            .copied()
            .filter(|(_, name)| *name != "Lundi de Pentecôte")
            .collect();
        let mut got = Calendar::new(true).public_holidays(year);
        got.sort();
        assert_eq!(got, worked, "holidays {year}, Whit Monday worked");
        expected_all.extend(expected.iter().map(|(d, _)| *d));
    }
    // Every single day of the century: a holiday exactly when the table says so.
    for d in date(2000, 1, 1)
        .iter_days()
        .take_while(|d| d.year() <= 2100)
    {
        assert_eq!(cal.is_public_holiday(d), expected_all.contains(&d), "{d}");
    }
}

/// Easter Sunday 2000–2100, generated once with Python's `dateutil.easter.easter(y, EASTER_WESTERN)`.
#[rustfmt::skip]
const EASTER_2000_2100: [(i32, u32, u32); 101] = [
    (2000, 4, 23), (2001, 4, 15), (2002, 3, 31), (2003, 4, 20), (2004, 4, 11), (2005, 3, 27),
    (2006, 4, 16), (2007, 4, 8), (2008, 3, 23), (2009, 4, 12), (2010, 4, 4), (2011, 4, 24),
    (2012, 4, 8), (2013, 3, 31), (2014, 4, 20), (2015, 4, 5), (2016, 3, 27), (2017, 4, 16),
    (2018, 4, 1), (2019, 4, 21), (2020, 4, 12), (2021, 4, 4), (2022, 4, 17), (2023, 4, 9),
    (2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2027, 3, 28), (2028, 4, 16), (2029, 4, 1),
    (2030, 4, 21), (2031, 4, 13), (2032, 3, 28), (2033, 4, 17), (2034, 4, 9), (2035, 3, 25),
    (2036, 4, 13), (2037, 4, 5), (2038, 4, 25), (2039, 4, 10), (2040, 4, 1), (2041, 4, 21),
    (2042, 4, 6), (2043, 3, 29), (2044, 4, 17), (2045, 4, 9), (2046, 3, 25), (2047, 4, 14),
    (2048, 4, 5), (2049, 4, 18), (2050, 4, 10), (2051, 4, 2), (2052, 4, 21), (2053, 4, 6),
    (2054, 3, 29), (2055, 4, 18), (2056, 4, 2), (2057, 4, 22), (2058, 4, 14), (2059, 3, 30),
    (2060, 4, 18), (2061, 4, 10), (2062, 3, 26), (2063, 4, 15), (2064, 4, 6), (2065, 3, 29),
    (2066, 4, 11), (2067, 4, 3), (2068, 4, 22), (2069, 4, 14), (2070, 3, 30), (2071, 4, 19),
    (2072, 4, 10), (2073, 3, 26), (2074, 4, 15), (2075, 4, 7), (2076, 4, 19), (2077, 4, 11),
    (2078, 4, 3), (2079, 4, 23), (2080, 4, 7), (2081, 3, 30), (2082, 4, 19), (2083, 4, 4),
    (2084, 3, 26), (2085, 4, 15), (2086, 3, 31), (2087, 4, 20), (2088, 4, 11), (2089, 4, 3),
    (2090, 4, 16), (2091, 4, 8), (2092, 3, 30), (2093, 4, 12), (2094, 4, 4), (2095, 4, 24),
    (2096, 4, 15), (2097, 3, 31), (2098, 4, 20), (2099, 4, 12), (2100, 3, 28),
];
