//! The monthly open-data publication (`/transparence`, `guichet publish`): indicators and
//! satisfaction per facility, aggregates only — no reference, no name, no text, no comment.

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{json, Value};

use super::charts::number;
use super::views::{ViewError, Views};
use crate::engagement::Engagements;
use crate::faq::Faq;
use crate::indicators::render::csv_line;
use crate::indicators::Indicators;
use crate::indicators::{GroupBy, ReportFilter, ReportQuery};
use crate::inquiry::{Channel, Kind, Topic};
use crate::store::{Store, StoreError};

/// One facility's line.
#[derive(Debug, Clone, PartialEq)]
pub struct TransparencyRow {
    /// Facility id, empty for inquiries without an identified facility.
    pub facility: String,
    pub facility_name: String,
    pub indicators: Indicators,
    pub survey_answers: u64,
    pub satisfaction: Option<f64>,
}

/// The publication of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Transparency {
    /// `YYYY-MM`.
    pub month: String,
    pub rows: Vec<TransparencyRow>,
    /// The published answer delays, as sentences ("Courriel : 5 jours ouvrés").
    pub engagements: Vec<String>,
    /// The share answered within the delay per kind over the months up to this one (the chart).
    pub trend: super::trend::Trend,
}

/// The published answer delays: each channel's, then complaints' when they differ.
pub fn engagement_lines(e: &Engagements) -> Vec<String> {
    let days = |n: u32| match n {
        0 => "le jour même".to_string(),
        1 => "1 jour ouvré".to_string(),
        n => format!("{n} jours ouvrés"),
    };
    let mut lines: Vec<String> = Channel::ALL
        .iter()
        .map(|c| {
            format!(
                "{} : {}",
                super::views::channel_label(c.as_str()),
                days(e.answer_days(*c, Kind::Autre, Topic::Autre))
            )
        })
        .collect();
    let complaint = e.answer_days(Channel::Mail, Kind::Autre, Topic::Reclamation);
    if complaint != e.answer_days(Channel::Mail, Kind::Autre, Topic::Autre) {
        lines.push(format!("Réclamations par courriel : {}", days(complaint)));
    }
    lines
}

/// The first and last day of a `YYYY-MM` month.
pub fn month_bounds(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

/// "mars 2026".
pub fn month_label(first: NaiveDate) -> String {
    format!(
        "{} {}",
        crate::draft::dates::month_name(first.month0(), crate::inquiry::Lang::Fr),
        first.year()
    )
}

/// The month before the one of `today`, `YYYY-MM` (the last complete month).
pub fn previous_month(today: NaiveDate) -> String {
    today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(1)))
        .unwrap_or(today)
        .format("%Y-%m")
        .to_string()
}

/// A facility's public name; `""` is "no facility identified".
pub fn facility_name(faq: &Faq, id: &str) -> String {
    if id.is_empty() {
        return "Sans équipement précis".to_string();
    }
    faq.catalogue
        .facility_by_str(id)
        .map_or_else(|| id.to_string(), |f| f.name.clone())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

impl Transparency {
    /// The month's figures; `month` must be `YYYY-MM` (checked by [`month_bounds`]).
    pub async fn build(
        store: &Store,
        faq: &Faq,
        engagements: &Engagements,
        month: &str,
        today: NaiveDate,
    ) -> Result<Option<Transparency>, StoreError> {
        let Some((first, last)) = month_bounds(month) else {
            return Ok(None);
        };
        let query = ReportQuery {
            from: Some(first),
            to: Some(last),
            by: vec![GroupBy::Facility],
            today,
        };
        let report = store.report(&query).await?;
        let satisfaction = store
            .satisfaction(Some(first), Some(last), &ReportFilter::default())
            .await?;
        let rows = report
            .into_iter()
            .map(|r| {
                let facility = r.groups.first().cloned().unwrap_or_default();
                let s = satisfaction.iter().find(|s| s.facility == facility);
                TransparencyRow {
                    facility_name: facility_name(faq, &facility),
                    indicators: r.indicators,
                    survey_answers: s.map_or(0, |s| s.answers),
                    satisfaction: s.and_then(|s| s.average()),
                    facility,
                }
            })
            .collect();
        let trend = super::trend::Trend::build(store, first, last, today).await?;
        Ok(Some(Transparency {
            month: first.format("%Y-%m").to_string(),
            rows,
            engagements: engagement_lines(engagements),
            trend,
        }))
    }

    /// The open-data CSV.
    pub fn csv(&self) -> String {
        let mut out = "month,facility,facility_name,received,answered,within_engagement,\
                       within_engagement_pct,median_working_days,p90_working_days,\
                       acknowledged_within_pct,survey_answers,satisfaction_average\n"
            .to_string();
        for r in &self.rows {
            let i = &r.indicators;
            let fields = [
                self.month.clone(),
                r.facility.clone(),
                r.facility_name.clone(),
                i.received.to_string(),
                i.answered.to_string(),
                i.within_engagement.to_string(),
                opt(i.within_engagement_pct.map(|p| format!("{p:.1}"))),
                opt(i.median_working_days),
                opt(i.p90_working_days),
                opt(i.acknowledged_within_pct.map(|p| format!("{p:.1}"))),
                r.survey_answers.to_string(),
                opt(r.satisfaction.map(|s| format!("{s:.1}"))),
            ];
            out.push_str(&csv_line(fields));
        }
        out
    }

    /// What the `web/transparency` template shows; `months` are the navigation links.
    pub fn data(&self, months: &[String]) -> Value {
        let dash = |s: String| if s.is_empty() { "–".to_string() } else { s };
        let pct = |p: Option<f64>| dash(opt(p.map(|p| format!("{} %", number(p)))));
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let i = &r.indicators;
                json!({
                    "name": r.facility_name,
                    "received": i.received,
                    "answered": i.answered,
                    "within": pct(i.within_engagement_pct),
                    "median": dash(opt(i.median_working_days)),
                    "ack": pct(i.acknowledged_within_pct),
                    "answers": r.survey_answers,
                    "satisfaction": dash(opt(r.satisfaction.map(number))),
                })
            })
            .collect();
        let label =
            month_bounds(&self.month).map_or_else(|| self.month.clone(), |(f, _)| month_label(f));
        let months: Vec<Value> = months
            .iter()
            .filter_map(|m| month_bounds(m).map(|(f, _)| (m, f)))
            .map(|(m, f)| json!({ "id": m, "label": month_label(f), "current": *m == self.month }))
            .collect();
        json!({
            "month": self.month,
            "label": label,
            "rows": rows,
            "empty": self.rows.is_empty(),
            "csv": format!("/transparence.csv?mois={}", self.month),
            "months": months,
            "engagements": self.engagements,
            "trend": self.trend.data(),
            "trend_months": super::trend::MONTHS,
        })
    }

    /// The standalone page written by `guichet publish`: links to its CSV file beside it.
    pub fn html(&self, views: &Views) -> Result<String, ViewError> {
        let mut data = self.data(std::slice::from_ref(&self.month));
        data["csv"] = json!(format!("transparence-{}.csv", self.month));
        views.page(
            "Transparence : nos engagements de réponse",
            "web/transparency",
            &data,
            Value::Null,
        )
    }
}

/// The twelve months up to `today`'s, most recent first.
pub fn recent_months(today: NaiveDate) -> Vec<String> {
    let first = today.with_day(1).unwrap_or(today);
    (0..12)
        .filter_map(|n| first.checked_sub_months(Months::new(n)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_bounded_and_labelled() {
        let (first, last) = month_bounds("2026-02").expect("valid");
        assert_eq!(last, NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"));
        assert_eq!(month_label(first), "février 2026");
        assert_eq!(month_bounds("2026-13"), None);
        assert_eq!(month_bounds("x"), None);
        let jan = NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
        assert_eq!(previous_month(jan), "2025-12");
        assert_eq!(
            recent_months(jan)[..2],
            ["2026-01".to_string(), "2025-12".to_string()]
        );
    }
}
