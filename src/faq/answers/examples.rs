//! An entry's example questions are its tests: each must find that entry first, among the
//! entries of the same part (answers, apologies, demands, reminders), in the entry's own scope.

use chrono::NaiveDate;

use super::super::Catalogue;
use super::{Answers, Context, Entry, Scope, Shape};

/// Which entries compete for the same place in a draft.
pub(crate) fn group(shape: Shape) -> u8 {
    match shape {
        Shape::Answer | Shape::Notice => 0,
        Shape::Complaint => 1,
        Shape::Demand => 2,
        Shape::Reminder => 3,
    }
}

impl Answers {
    /// Runs every entry's example questions; returns one message per failure.
    pub fn test_examples(&self, catalogue: &Catalogue) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let (kind, facility, facility_kind) = match &entry.scope {
                Scope::Any => (crate::inquiry::Kind::Autre, None, None),
                Scope::Kind(k) => (*k, None, None),
                Scope::Facility(id) => {
                    let kind = catalogue
                        .facility(id)
                        .map(|f| f.kind)
                        .unwrap_or(crate::inquiry::Kind::Autre);
                    (kind, Some(id), Some(kind))
                }
            };
            let ctx = Context {
                kind,
                facility,
                facility_kind,
                day: a_valid_day(entry),
            };
            for q in entry.fr.questions.iter().chain(&entry.en.questions) {
                let found = self
                    .matches(q, &ctx)
                    .into_iter()
                    .find(|m| group(self.entries[m.entry].shape) == group(entry.shape));
                match found {
                    Some(m) if m.entry == i => {}
                    Some(m) => failures.push(format!(
                        "answer {} ({}): {q:?} finds `{}` instead",
                        entry.id, entry.origin, self.entries[m.entry].id
                    )),
                    None => failures.push(format!(
                        "answer {} ({}): {q:?} finds no entry",
                        entry.id, entry.origin
                    )),
                }
            }
        }
        failures
    }
}

fn a_valid_day(entry: &Entry) -> NaiveDate {
    entry
        .valid_from
        .or(entry.valid_until)
        .unwrap_or(NaiveDate::from_ymd_opt(2026, 6, 15).expect("valid date"))
}
