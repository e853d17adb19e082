//! « Précision du tri » on the quality dashboard: the share of decided inquiries whose kind,
//! facility and topic were right at intake, per month and intake kind (chart, table and CSV),
//! computed from the event log (see [`crate::learn::accuracy`]).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::charts::{BarChart, Series};
use super::dashboard::{check, kind_label, Checked, Filters};
use super::exports::csv_response;
use super::tables::table;
use super::{AppError, Role, WebState};
use crate::learn::present::{cells, confusion_rows, share_text, HEAD};
use crate::learn::{AccuracyReport, Judged};

/// Confusions shown on the dashboard (`guichet faq eval` lists them all).
const MAX_CONFUSIONS: usize = 20;

/// The report for the dashboard's filters: period, intake kind and facility (the channel is not
/// part of a sorting's labels and is ignored).
async fn accuracy(st: &WebState, c: &Checked) -> Result<AccuracyReport, AppError> {
    let judged = st.store().judged_sortings(c.from, c.to).await?;
    let kept = |j: &&Judged| {
        c.filter.kind.is_none_or(|k| j.intake.kind == k)
            && c.filter
                .facility
                .as_ref()
                .is_none_or(|f| j.intake.facility.as_deref() == Some(f.as_str()))
    };
    Ok(AccuracyReport::of(judged.iter().filter(kept), c.from, c.to))
}

/// The dashboard's « précision du tri » chart: one series for every decided inquiry, one per kind.
pub(super) async fn chart(st: &WebState, c: &Checked, query: &str) -> Result<Value, AppError> {
    let r = accuracy(st, c).await?;
    let months: Vec<String> = r.by_month.keys().cloned().collect();
    let kinds: Vec<_> = r.by_kind.keys().copied().collect();
    let mut series = vec![Series {
        name: "toutes les demandes".into(),
        values: months.iter().map(|m| r.by_month[m].share()).collect(),
    }];
    series.extend(kinds.iter().map(|k| {
        Series {
            name: kind_label(k.as_str()).to_string(),
            values: months
                .iter()
                .map(|m| {
                    r.by_month_kind
                        .get(&(m.clone(), *k))
                        .and_then(|t| t.share())
                })
                .collect(),
        }
    }));
    let title =
        "Précision du tri\u{a0}: part des demandes décidées dont le type, l'équipement et le \
                 thème étaient justes à l'arrivée, par mois";
    let svg = BarChart {
        id: "precision-tri",
        title,
        categories: months.clone(),
        series,
        max: Some(100.0),
        unit: " %",
    }
    .svg();
    let head = ["mois", "décidées", "toutes les demandes"]
        .into_iter()
        .map(String::from)
        .chain(kinds.iter().map(|k| kind_label(k.as_str()).to_string()))
        .collect();
    let body = months
        .iter()
        .map(|m| {
            let t = &r.by_month[m];
            [m.clone(), t.decided.to_string(), share_text(t.share())]
                .into_iter()
                .chain(kinds.iter().map(|k| {
                    share_text(
                        r.by_month_kind
                            .get(&(m.clone(), *k))
                            .and_then(|t| t.share()),
                    )
                }))
                .collect()
        })
        .collect();
    // What was taken for what, as `guichet faq eval` lists it (the most frequent first).
    let confusions = table(
        ["pris pour (à l'arrivée)", "en réalité (décision)", "nombre"]
            .into_iter()
            .map(String::from)
            .collect(),
        confusion_rows(st.faq(), &r)
            .into_iter()
            .take(MAX_CONFUSIONS)
            .map(Vec::from)
            .collect(),
    );
    Ok(json!({
        "id": "precision-tri",
        "title": "Précision du tri",
        "svg": svg,
        "csv": format!("/precision-tri.csv?{query}"),
        "table": table(head, body),
        "confusions": confusions,
    }))
}

/// `/precision-tri.csv`: per month, every count and share of the tables.
pub async fn accuracy_csv(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    st.require(&headers, Role::sees_indicators)?;
    let c = check(&st, &f)?;
    let r = accuracy(&st, &c).await?;
    let mut out = format!("mois;{}\n", HEAD.join(";"));
    for (month, t) in &r.by_month {
        out.push_str(&format!("{month};{}\n", cells(t).join(";")));
    }
    Ok(csv_response("precision-tri.csv", out))
}
