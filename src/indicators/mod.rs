//! Qualivilles indicators computed from per-group aggregates (pure: no I/O).
//!
//! The database groups and counts; this module turns counts and a histogram of answer delays
//! (in working days) into rates and nearest-rank percentiles. Automatic and rejected inquiries
//! are counted apart and never enter a denominator.

mod query;
pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

pub use query::{GroupBy, OverdueItem, ReportFilter, ReportQuery, ReportRow};

/// Counts for one group, as the database produces them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupAggregate {
    /// Counted inquiries (neither automatic nor rejected).
    pub received: u64,
    /// Counted inquiries with a first answer (`sent` or `answered`).
    pub answered: u64,
    /// Answered within their engagement.
    pub within_engagement: u64,
    /// Counted inquiries whose channel promises an acknowledgement.
    pub acknowledgement_due: u64,
    /// Of those, acknowledged within the promised delay.
    pub acknowledged_within: u64,
    /// Counted and not answered, past their deadline.
    pub overdue: u64,
    pub automatic: u64,
    pub rejected: u64,
    /// Answer delay in working days → number of answered inquiries.
    pub delays: BTreeMap<u32, u64>,
}

impl GroupAggregate {
    /// Adds another part of the same group (the database may split a group by delay).
    pub fn merge(&mut self, other: &GroupAggregate) {
        self.received += other.received;
        self.answered += other.answered;
        self.within_engagement += other.within_engagement;
        self.acknowledgement_due += other.acknowledgement_due;
        self.acknowledged_within += other.acknowledged_within;
        self.overdue += other.overdue;
        self.automatic += other.automatic;
        self.rejected += other.rejected;
        for (delay, n) in &other.delays {
            *self.delays.entry(*delay).or_default() += n;
        }
    }
}

/// The published indicators of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicators {
    pub received: u64,
    pub answered: u64,
    pub within_engagement: u64,
    /// `within_engagement / answered`, in percent; `None` when nothing was answered.
    pub within_engagement_pct: Option<f64>,
    pub median_working_days: Option<u32>,
    pub p90_working_days: Option<u32>,
    /// Acknowledged within its delay / acknowledgements due, in percent.
    pub acknowledged_within_pct: Option<f64>,
    pub open: u64,
    pub overdue: u64,
    pub automatic: u64,
    pub rejected: u64,
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| {
        // Rounded to one decimal, as published.
        let p = part as f64 * 100.0 / whole as f64;
        (p * 10.0).round() / 10.0
    })
}

/// The nearest-rank `percent`-th percentile of a histogram: the smallest value whose cumulative
/// count reaches `ceil(percent/100 × n)` (rank at least 1); `None` when empty.
pub fn nearest_rank(delays: &BTreeMap<u32, u64>, percent: u32) -> Option<u32> {
    let n: u64 = delays.values().sum();
    if n == 0 {
        return None;
    }
    let rank = (u64::from(percent) * n).div_ceil(100).max(1);
    let mut seen = 0;
    for (value, count) in delays {
        seen += count;
        if seen >= rank {
            return Some(*value);
        }
    }
    delays.keys().next_back().copied()
}

/// Computes the indicators of one group.
pub fn compute(a: &GroupAggregate) -> Indicators {
    Indicators {
        received: a.received,
        answered: a.answered,
        within_engagement: a.within_engagement,
        within_engagement_pct: pct(a.within_engagement, a.answered),
        median_working_days: nearest_rank(&a.delays, 50),
        p90_working_days: nearest_rank(&a.delays, 90),
        acknowledged_within_pct: pct(a.acknowledged_within, a.acknowledgement_due),
        open: a.received.saturating_sub(a.answered),
        overdue: a.overdue,
        automatic: a.automatic,
        rejected: a.rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[u32]) -> BTreeMap<u32, u64> {
        let mut h = BTreeMap::new();
        for v in values {
            *h.entry(*v).or_default() += 1;
        }
        h
    }

    #[test]
    fn nearest_rank_of_four_values() {
        let h = hist(&[1, 2, 3, 4]);
        assert_eq!(nearest_rank(&h, 50), Some(2));
        assert_eq!(nearest_rank(&h, 90), Some(4));
        assert_eq!(nearest_rank(&h, 25), Some(1));
        assert_eq!(nearest_rank(&h, 26), Some(2));
    }

    #[test]
    fn nearest_rank_single_and_empty() {
        assert_eq!(nearest_rank(&hist(&[7]), 50), Some(7));
        assert_eq!(nearest_rank(&hist(&[7]), 90), Some(7));
        assert_eq!(nearest_rank(&hist(&[]), 50), None);
    }

    #[test]
    fn nearest_rank_with_repeated_values() {
        // 10 values: rank 5 for the median, 9 for p90.
        let h = hist(&[0, 0, 0, 0, 1, 1, 2, 3, 8, 9]);
        assert_eq!(nearest_rank(&h, 50), Some(1));
        assert_eq!(nearest_rank(&h, 90), Some(8));
    }

    #[test]
    fn rates_use_answered_and_due_as_denominators() {
        let a = GroupAggregate {
            received: 10,
            answered: 8,
            within_engagement: 6,
            acknowledgement_due: 4,
            acknowledged_within: 3,
            overdue: 1,
            automatic: 5,
            rejected: 2,
            delays: hist(&[1, 1, 2, 3, 4, 5, 6, 7]),
        };
        let i = compute(&a);
        assert_eq!(i.within_engagement_pct, Some(75.0));
        assert_eq!(i.acknowledged_within_pct, Some(75.0));
        assert_eq!(i.open, 2);
        assert_eq!(i.median_working_days, Some(3));
        assert_eq!(i.p90_working_days, Some(7));
        assert_eq!(i.automatic, 5);
        let empty = compute(&GroupAggregate::default());
        assert_eq!(empty.within_engagement_pct, None);
        assert_eq!(empty.median_working_days, None);
    }

    #[test]
    fn merging_parts_adds_histograms() {
        let mut a = GroupAggregate {
            answered: 1,
            delays: hist(&[2]),
            ..GroupAggregate::default()
        };
        a.merge(&GroupAggregate {
            answered: 2,
            delays: hist(&[2, 5]),
            ..GroupAggregate::default()
        });
        assert_eq!(a.answered, 3);
        assert_eq!(a.delays, hist(&[2, 2, 5]));
    }
}
