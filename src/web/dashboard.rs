//! The quality staff's indicators page: filters, server-drawn charts with their tables, the
//! per-facility table and satisfaction; each view links to its CSV (see `exports`).

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::charts::{number, BarChart, Series};
use super::tables::{cells, delay_buckets, labelled_table, pct, table, HEAD};
pub(super) use super::views::{channel_label, kind_label};
use super::{AppError, Role, WebState};
use crate::indicators::Indicators;
use crate::indicators::{GroupBy, ReportFilter, ReportQuery, ReportRow};
use crate::inquiry::{Channel, Kind};

/// The dashboard's filters, as query parameters (all optional).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
    #[serde(default)]
    equipement: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    canal: String,
    /// CSV only: grouping columns, comma-separated, as `guichet report --by`.
    #[serde(default)]
    pub(super) by: String,
}

/// Filters checked against the known values.
pub(super) struct Checked {
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
    pub(super) filter: ReportFilter,
    /// The filters again as a query string (values are validated: no escaping needed).
    pub(super) query: String,
}

fn date(value: &str) -> Result<Option<NaiveDate>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::BadRequest("Date invalide : utilisez le format AAAA-MM-JJ."))
}

pub(super) fn check(st: &WebState, f: &Filters) -> Result<Checked, AppError> {
    let from = date(&f.du)?;
    let to = date(&f.au)?;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let facility = match opt(&f.equipement) {
        Some(id) => Some(
            st.faq()
                .catalogue
                .facility_by_str(&id)
                .map(|f| f.id.clone())
                .ok_or(AppError::BadRequest("Équipement inconnu."))?,
        ),
        None => None,
    };
    let kind = opt(&f.kind)
        .map(|k| k.parse::<Kind>())
        .transpose()
        .map_err(|_| AppError::BadRequest("Type d'équipement inconnu."))?;
    let channel = opt(&f.canal)
        .map(|c| c.parse::<Channel>())
        .transpose()
        .map_err(|_| AppError::BadRequest("Canal inconnu."))?;
    let mut query = Vec::new();
    for (name, value) in [
        ("du", from.map(|d| d.to_string())),
        ("au", to.map(|d| d.to_string())),
        ("equipement", facility.as_ref().map(|f| f.to_string())),
        ("type", kind.map(|k| k.to_string())),
        ("canal", channel.map(|c| c.to_string())),
    ] {
        if let Some(v) = value {
            query.push(format!("{name}={v}"));
        }
    }
    Ok(Checked {
        from,
        to,
        filter: ReportFilter {
            facility,
            kind,
            channel,
        },
        query: query.join("&"),
    })
}

impl WebState {
    /// A facility's display name; `""` is "no facility identified".
    pub(crate) fn facility_name(&self, id: &str) -> String {
        super::transparency::facility_name(self.faq(), id)
    }
}

fn chart(id: &str, title: &str, svg: String, csv: String, table: Value) -> Value {
    json!({ "id": id, "title": title, "svg": svg, "csv": csv, "table": table })
}

pub(super) fn today() -> NaiveDate {
    crate::calendar::paris_date(Utc::now())
}

pub(super) async fn report(
    st: &WebState,
    c: &Checked,
    by: Vec<GroupBy>,
) -> Result<Vec<ReportRow>, AppError> {
    let query = ReportQuery {
        from: c.from,
        to: c.to,
        by,
        today: today(),
    };
    Ok(st.store().report_filtered(&query, &c.filter).await?)
}

fn options(items: Vec<(String, String)>, selected: Option<&str>) -> Value {
    items
        .into_iter()
        .map(|(id, label)| {
            let sel = selected == Some(id.as_str());
            json!({ "id": id, "label": label, "selected": sel })
        })
        .collect()
}

pub async fn indicators(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    let session = st.require(&headers, Role::sees_indicators)?;
    let c = check(&st, &f)?;
    let q = if c.query.is_empty() {
        String::new()
    } else {
        format!("&{}", c.query)
    };
    let total = report(&st, &c, vec![]).await?;
    let total = total
        .first()
        .map(|r| cells(&r.indicators))
        .unwrap_or_default();

    // 1. Monthly share answered within the engagement, per kind.
    let rows = report(&st, &c, vec![GroupBy::Month, GroupBy::Kind]).await?;
    let months: BTreeSet<String> = rows.iter().map(|r| r.groups[0].clone()).collect();
    let kinds: BTreeSet<String> = rows.iter().map(|r| r.groups[1].clone()).collect();
    let months: Vec<String> = months.into_iter().collect();
    let kinds: Vec<String> = kinds.into_iter().collect();
    let by_key: BTreeMap<(&str, &str), &Indicators> = rows
        .iter()
        .map(|r| ((r.groups[0].as_str(), r.groups[1].as_str()), &r.indicators))
        .collect();
    let value = |m: &str, k: &str| by_key.get(&(m, k)).and_then(|i| i.within_engagement_pct);
    let series = kinds
        .iter()
        .map(|k| Series {
            name: kind_label(k).to_string(),
            values: months.iter().map(|m| value(m, k)).collect(),
        })
        .collect();
    let svg = BarChart {
        id: "delai-mois",
        title:
            "Part des demandes répondues dans le délai annoncé, par mois et par type d'équipement",
        categories: months.clone(),
        series,
        max: Some(100.0),
        unit: " %",
    }
    .svg();
    let head = std::iter::once("mois".to_string())
        .chain(kinds.iter().map(|k| kind_label(k).to_string()))
        .collect();
    let body = months
        .iter()
        .map(|m| {
            std::iter::once(m.clone())
                .chain(kinds.iter().map(|k| pct(value(m, k))))
                .collect()
        })
        .collect();
    let chart_month = chart(
        "delai-mois",
        "Réponses dans le délai annoncé, par mois et type d'équipement",
        svg,
        format!("/indicateurs.csv?by=month,kind{q}"),
        table(head, body),
    );

    // 2. Delay distribution.
    let hist = st.store().delay_histogram(c.from, c.to, &c.filter).await?;
    let buckets = delay_buckets(&hist);
    let svg = BarChart {
        id: "distribution",
        title: "Répartition des délais de réponse en jours ouvrés",
        categories: buckets.iter().map(|(l, _)| l.clone()).collect(),
        series: vec![Series {
            name: "demandes répondues".into(),
            values: buckets.iter().map(|(_, n)| Some(*n as f64)).collect(),
        }],
        max: None,
        unit: "",
    }
    .svg();
    let chart_delays = chart(
        "distribution",
        "Délai de réponse (jours ouvrés)",
        svg,
        format!("/delais.csv?{}", c.query),
        table(
            vec!["délai (j ouvrés)".into(), "demandes répondues".into()],
            buckets
                .iter()
                .map(|(l, n)| vec![l.clone(), n.to_string()])
                .collect(),
        ),
    );

    // 3. Volume by channel.
    let rows = report(&st, &c, vec![GroupBy::Channel]).await?;
    let svg = BarChart {
        id: "canaux",
        title: "Nombre de demandes reçues par canal",
        categories: rows
            .iter()
            .map(|r| channel_label(&r.groups[0]).to_string())
            .collect(),
        series: vec![Series {
            name: "reçues".into(),
            values: rows
                .iter()
                .map(|r| Some(r.indicators.received as f64))
                .collect(),
        }],
        max: None,
        unit: "",
    }
    .svg();
    let chart_channels = chart(
        "canaux",
        "Volume par canal",
        svg,
        format!("/indicateurs.csv?by=channel{q}"),
        labelled_table("canal", &rows, |g| channel_label(g).to_string()),
    );

    // Per facility, and satisfaction.
    let rows = report(&st, &c, vec![GroupBy::Facility]).await?;
    let facilities = labelled_table("équipement", &rows, |g| st.facility_name(g));
    let satisfaction = st.store().satisfaction(c.from, c.to, &c.filter).await?;
    let satisfaction_rows: Vec<Vec<String>> = satisfaction
        .iter()
        .map(|s| {
            let mut row = vec![st.facility_name(&s.facility), s.month.clone()];
            row.push(s.answers.to_string());
            row.push(s.average().map_or_else(|| "–".into(), number));
            row.extend(s.ratings.iter().map(|n| n.to_string()));
            row
        })
        .collect();
    let satisfaction_head = ["équipement", "mois", "réponses", "note moyenne (sur 5)"]
        .into_iter()
        .map(String::from)
        .chain((1..=5).map(|n| format!("{n} ★")))
        .collect();

    let comments: Vec<Value> = st
        .store()
        .survey_comments(c.from, c.to, &c.filter, 20)
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "facility": st.facility_name(&s.facility),
                "month": s.month,
                "rating": s.rating,
                "comment": s.comment,
            })
        })
        .collect();
    let chart_accuracy = super::accuracy::chart(&st, &c, &c.query).await?;
    let data = json!({
        "comments": comments,
        "filters": { "du": f.du.trim(), "au": f.au.trim() },
        "facilities": options(
            st.faq().catalogue.facilities.iter().map(|f| (f.id.as_str().to_string(), f.name.clone())).collect(),
            c.filter.facility.as_ref().map(|f| f.as_str()),
        ),
        "kinds": options(
            Kind::ALL.iter().map(|k| (k.as_str().to_string(), kind_label(k.as_str()).to_string())).collect(),
            c.filter.kind.map(|k| k.as_str()),
        ),
        "channels": options(
            Channel::ALL.iter().map(|k| (k.as_str().to_string(), channel_label(k.as_str()).to_string())).collect(),
            c.filter.channel.map(|c| c.as_str()),
        ),
        "total": table(HEAD.iter().map(|h| h.to_string()).collect(), vec![total]),
        "total_csv": format!("/indicateurs.csv?{}", c.query),
        "charts": [chart_month, chart_delays, chart_channels, chart_accuracy],
        "facilities_table": facilities,
        "facilities_csv": format!("/indicateurs.csv?by=facility{q}"),
        "satisfaction": table(satisfaction_head, satisfaction_rows),
        "satisfaction_csv": format!("/satisfaction.csv?{}", c.query),
    });
    st.page(
        &headers,
        Some(&session),
        "Indicateurs Qualivilles",
        "web/indicators",
        data,
    )
}
