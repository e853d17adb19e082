//! The transparency page's chart: the share of inquiries answered within the published delay,
//! per kind of facility, over the six months up to the one shown — an inline SVG with the table
//! of the same figures, as on the dashboard. Aggregates only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use serde_json::{json, Value};

use super::charts::{BarChart, Series};
use super::tables::{pct, table};
use super::transparency::{month_bounds, month_label};
use super::views::kind_label;
use crate::indicators::{GroupBy, ReportQuery};
use crate::store::{Store, StoreError};

/// How many months the chart covers, the month shown included.
pub const MONTHS: u32 = 6;

/// The share answered within the engagement, per month and kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trend {
    /// `YYYY-MM`, oldest first: every month of the window, with or without data.
    pub months: Vec<String>,
    /// Kind ids that have data in the window, in id order.
    pub kinds: Vec<String>,
    /// `(month, kind)` → percentage; absent or `None`: nothing answered.
    pub shares: BTreeMap<(String, String), Option<f64>>,
}

impl Trend {
    /// The [`MONTHS`] months ending with the month starting on `first` (and ending on `last`).
    pub async fn build(
        store: &Store,
        first: NaiveDate,
        last: NaiveDate,
        today: NaiveDate,
    ) -> Result<Trend, StoreError> {
        let start = first
            .checked_sub_months(Months::new(MONTHS - 1))
            .unwrap_or(first);
        let months = (0..MONTHS)
            .filter_map(|n| start.checked_add_months(Months::new(n)))
            .map(|d| d.format("%Y-%m").to_string())
            .collect();
        let rows = store
            .report(&ReportQuery {
                from: Some(start),
                to: Some(last),
                by: vec![GroupBy::Month, GroupBy::Kind],
                today,
            })
            .await?;
        let mut kinds = BTreeSet::new();
        let mut shares = BTreeMap::new();
        for r in rows {
            let (Some(month), Some(kind)) = (r.groups.first(), r.groups.get(1)) else {
                continue;
            };
            kinds.insert(kind.clone());
            shares.insert(
                (month.clone(), kind.clone()),
                r.indicators.within_engagement_pct,
            );
        }
        Ok(Trend {
            months,
            kinds: kinds.into_iter().collect(),
            shares,
        })
    }

    fn share(&self, month: &str, kind: &str) -> Option<f64> {
        self.shares
            .get(&(month.to_string(), kind.to_string()))
            .copied()
            .flatten()
    }

    fn label(month: &str) -> String {
        month_bounds(month).map_or_else(|| month.to_string(), |(f, _)| month_label(f))
    }

    /// What the `web/transparency` template shows: the SVG and its table (`null` without data).
    pub fn data(&self) -> Value {
        if self.kinds.is_empty() {
            return Value::Null;
        }
        let labels: Vec<String> = self.months.iter().map(|m| Self::label(m)).collect();
        let series = self
            .kinds
            .iter()
            .map(|k| Series {
                name: kind_label(k).to_string(),
                values: self.months.iter().map(|m| self.share(m, k)).collect(),
            })
            .collect();
        let svg = BarChart {
            id: "delai-mois",
            title: "Part des demandes répondues dans le délai annoncé, par mois et par type d'équipement",
            categories: labels.clone(),
            series,
            max: Some(100.0),
            unit: " %",
        }
        .svg();
        let head = std::iter::once("mois".to_string())
            .chain(self.kinds.iter().map(|k| kind_label(k).to_string()))
            .collect();
        let rows = self
            .months
            .iter()
            .zip(&labels)
            .map(|(m, label)| {
                std::iter::once(label.clone())
                    .chain(self.kinds.iter().map(|k| pct(self.share(m, k))))
                    .collect()
            })
            .collect();
        json!({ "svg": svg, "table": table(head, rows) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_and_its_table_carry_the_same_figures() {
        let mut shares = BTreeMap::new();
        shares.insert(("2026-02".into(), "mediatheque".into()), Some(50.0));
        shares.insert(("2026-03".into(), "piscine".into()), Some(100.0));
        shares.insert(("2026-03".into(), "mediatheque".into()), None);
        let trend = Trend {
            months: vec!["2026-02".into(), "2026-03".into()],
            kinds: vec!["mediatheque".into(), "piscine".into()],
            shares,
        };
        let data = trend.data();
        let svg = data["svg"].as_str().expect("svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("février 2026 — Médiathèques : 50 %"), "{svg}");
        assert!(svg.contains("mars 2026 — Piscines : 100 %"), "{svg}");
        assert_eq!(
            data["table"]["rows"],
            json!([["février 2026", "50 %", "–"], ["mars 2026", "–", "100 %"]])
        );
        assert_eq!(Trend::default().data(), Value::Null);
    }
}
