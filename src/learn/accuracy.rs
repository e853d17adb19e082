//! Sorting accuracy from agents' decisions. An approval without reassignment confirms the kind,
//! facility and topic guichet gave at intake; a reassignment before the decision corrects them; a
//! rejection as « hors périmètre » says the scope was wrong. Other rejections (spam, doublon,
//! traité par téléphone) and answers given outside guichet say nothing about the sorting and are
//! not counted. Built from the event log only, which holds no personal data, so the figures
//! survive the RGPD purge like the indicators.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::inquiry::{EventType, InquiryId, Kind, RejectReason, Topic};

/// The three labels of a sorting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Labels {
    pub kind: Kind,
    /// Facility or service id; `None`: none identified.
    pub facility: Option<String>,
    pub topic: Topic,
}

/// One event of an inquiry as the accuracy fold sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelStep {
    pub event: EventType,
    /// Stored actor key; `guichet` is the sorter itself.
    pub actor: String,
    /// The Paris date of the event.
    pub date: NaiveDate,
    /// Labels carried by `received`, `classified` and `reassigned` events.
    pub labels: Option<Labels>,
    /// Rules that fired (intake and guichet's reclassifications).
    pub rules: Vec<String>,
    /// The reason of a rejection.
    pub reason: Option<String>,
}

/// What the decision said about the sorting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The decision kept guichet's labels (they may still differ in nothing).
    Confirmed,
    /// An agent reassigned before deciding: the right labels.
    Corrected(Labels),
    /// Rejected as out of scope: nothing guichet named was right.
    OutOfScope,
}

/// One decided inquiry: what guichet said at intake and what the decision said.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub inquiry: InquiryId,
    /// Paris date of receipt (periods and months use it, as the indicators do).
    pub received: NaiveDate,
    pub intake: Labels,
    /// Rules that fired for the intake labels.
    pub rules: Vec<String>,
    pub verdict: Verdict,
}

impl Judged {
    /// The labels the decision holds for right; `None` when out of scope.
    pub fn truth(&self) -> Option<&Labels> {
        match &self.verdict {
            Verdict::Confirmed => Some(&self.intake),
            Verdict::Corrected(l) => Some(l),
            Verdict::OutOfScope => None,
        }
    }

    fn right(&self) -> [bool; 3] {
        match self.truth() {
            Some(t) => [
                t.kind == self.intake.kind,
                t.facility == self.intake.facility,
                t.topic == self.intake.topic,
            ],
            None => [false; 3],
        }
    }

    /// True when kind, facility and topic were all right at intake.
    pub fn all_right(&self) -> bool {
        self.right() == [true; 3]
    }
}

/// Folds one inquiry's events (in log order) into its label; `None` when it was never decided in
/// a way that says something about the sorting, or when it was imported (not sorted by guichet).
pub fn judge(inquiry: InquiryId, steps: &[LabelStep]) -> Option<Judged> {
    let first = steps.first()?;
    if first.event != EventType::Received {
        return None;
    }
    let mut intake = first.labels.clone()?;
    let mut rules = first.rules.clone();
    let mut current = intake.clone();
    let mut corrected = false;
    for step in &steps[1..] {
        match step.event {
            EventType::Classified | EventType::Reassigned => {
                let Some(labels) = step.labels.clone() else {
                    continue;
                };
                if step.actor == "guichet" && !corrected {
                    intake = labels.clone();
                    rules = step.rules.clone();
                } else if step.actor != "guichet" {
                    corrected = true;
                }
                current = labels;
            }
            EventType::Approved => {
                let verdict = if current == intake {
                    Verdict::Confirmed
                } else {
                    Verdict::Corrected(current)
                };
                return Some(Judged {
                    inquiry,
                    received: first.date,
                    intake,
                    rules,
                    verdict,
                });
            }
            EventType::Rejected => {
                let out = step.reason.as_deref() == Some(RejectReason::HorsPerimetre.label());
                return out.then_some(Judged {
                    inquiry,
                    received: first.date,
                    intake,
                    rules,
                    verdict: Verdict::OutOfScope,
                });
            }
            EventType::Answered => return None,
            _ => {}
        }
    }
    None
}

/// Counts of one group of decided inquiries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub decided: u64,
    /// Kind, facility and topic all right.
    pub right: u64,
    pub kind_right: u64,
    pub facility_right: u64,
    pub topic_right: u64,
}

impl Tally {
    fn add(&mut self, j: &Judged) {
        let [k, f, t] = j.right();
        self.decided += 1;
        self.right += u64::from(k && f && t);
        self.kind_right += u64::from(k);
        self.facility_right += u64::from(f);
        self.topic_right += u64::from(t);
    }

    /// Percentage of decided inquiries sorted right (`None` without decisions).
    pub fn share(&self) -> Option<f64> {
        pct(self.right, self.decided)
    }

    pub fn kind_share(&self) -> Option<f64> {
        pct(self.kind_right, self.decided)
    }

    pub fn facility_share(&self) -> Option<f64> {
        pct(self.facility_right, self.decided)
    }

    pub fn topic_share(&self) -> Option<f64> {
        pct(self.topic_right, self.decided)
    }
}

fn pct(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 * 100.0 / d as f64)
}

/// What was taken for what, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub intake: Labels,
    /// `None`: out of scope.
    pub truth: Option<Labels>,
    pub count: u64,
}

/// Sorting accuracy over a period: overall, per month (`YYYY-MM`), per intake kind, per month and
/// kind, and the confusions, most frequent first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccuracyReport {
    pub total: Tally,
    pub by_month: BTreeMap<String, Tally>,
    pub by_kind: BTreeMap<Kind, Tally>,
    pub by_month_kind: BTreeMap<(String, Kind), Tally>,
    pub confusions: Vec<Confusion>,
}

impl AccuracyReport {
    /// Aggregates the decided inquiries received between `from` and `to` (inclusive).
    pub fn of<'a>(
        judged: impl IntoIterator<Item = &'a Judged>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AccuracyReport {
        let mut report = AccuracyReport::default();
        let mut confusions: BTreeMap<(Labels, Option<Labels>), u64> = BTreeMap::new();
        for j in judged {
            if from.is_some_and(|f| j.received < f) || to.is_some_and(|t| j.received > t) {
                continue;
            }
            let month = j.received.format("%Y-%m").to_string();
            report.total.add(j);
            report.by_month.entry(month.clone()).or_default().add(j);
            report.by_kind.entry(j.intake.kind).or_default().add(j);
            report
                .by_month_kind
                .entry((month, j.intake.kind))
                .or_default()
                .add(j);
            if !j.all_right() {
                *confusions
                    .entry((j.intake.clone(), j.truth().cloned()))
                    .or_default() += 1;
            }
        }
        let mut confusions: Vec<Confusion> = confusions
            .into_iter()
            .map(|((intake, truth), count)| Confusion {
                intake,
                truth,
                count,
            })
            .collect();
        confusions.sort_by_key(|c| std::cmp::Reverse(c.count));
        report.confusions = confusions;
        report
    }
}

#[cfg(test)]
mod tests;
