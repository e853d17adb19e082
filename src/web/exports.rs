//! CSV downloads of every dashboard view (the same numbers and header as `guichet report --format
//! csv`), and the overdue list with its CSV.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::dashboard::{channel_label, check, kind_label, report, today, Filters};
use super::{AppError, Role, WebState};
use crate::indicators::render::{self, Format};
use crate::indicators::GroupBy;

pub(super) fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `/indicateurs.csv?by=…&…`: exactly `guichet report --by … --format csv` for the filters.
pub async fn indicators_csv(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    st.require(&headers, Role::sees_indicators)?;
    let c = check(&st, &f)?;
    let by =
        f.by.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.parse::<GroupBy>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AppError::BadRequest("Regroupement inconnu."))?;
    let rows = report(&st, &c, by.clone()).await?;
    let name = if by.is_empty() {
        "indicateurs.csv".to_string()
    } else {
        format!(
            "indicateurs-{}.csv",
            by.iter().map(|g| g.as_str()).collect::<Vec<_>>().join("-")
        )
    };
    Ok(csv_response(&name, render::report(&by, &rows, Format::Csv)))
}

pub async fn delays_csv(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    st.require(&headers, Role::sees_indicators)?;
    let c = check(&st, &f)?;
    let hist = st.store().delay_histogram(c.from, c.to, &c.filter).await?;
    let mut out = "answer_delay_working_days,answered\n".to_string();
    for (delay, n) in hist {
        out.push_str(&format!("{delay},{n}\n"));
    }
    Ok(csv_response("delais.csv", out))
}

/// Satisfaction per facility and month, as CSV (no comment: they are personal data).
pub async fn satisfaction_csv(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    st.require(&headers, Role::sees_indicators)?;
    let c = check(&st, &f)?;
    let rows = st.store().satisfaction(c.from, c.to, &c.filter).await?;
    let mut out =
        "facility,month,answers,average,rating_1,rating_2,rating_3,rating_4,rating_5\n".to_string();
    for s in rows {
        let [r1, r2, r3, r4, r5] = s.ratings;
        let avg = s.average().map_or_else(String::new, |a| format!("{a:.1}"));
        out.push_str(&format!(
            "{},{},{},{avg},{r1},{r2},{r3},{r4},{r5}\n",
            s.facility, s.month, s.answers
        ));
    }
    Ok(csv_response("satisfaction.csv", out))
}

/// Open inquiries within two working days of their deadline or past it.
const OVERDUE_WITHIN: u32 = 2;

pub async fn overdue(State(st): State<WebState>, headers: HeaderMap) -> Result<Response, AppError> {
    let session = st.require(&headers, |_| true)?;
    let items = st.store().overdue(today(), OVERDUE_WITHIN).await?;
    let rows: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "reference": i.reference,
                "channel": channel_label(i.channel.as_str()),
                "kind": kind_label(i.kind.as_str()),
                "facility": st.facility_name(&i.facility),
                "topic": i.topic.as_str(),
                "received": crate::calendar::paris_date(i.received_at).format("%d/%m/%Y").to_string(),
                "deadline": i.deadline.format("%d/%m/%Y").to_string(),
                "left": i.working_days_left,
                "late": i.working_days_left < 0,
            })
        })
        .collect();
    st.page(
        &headers,
        Some(&session),
        "Demandes en retard",
        "web/overdue",
        json!({ "items": rows, "within": OVERDUE_WITHIN }),
    )
}

pub async fn overdue_csv(
    State(st): State<WebState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    st.require(&headers, |_| true)?;
    let items = st.store().overdue(today(), OVERDUE_WITHIN).await?;
    Ok(csv_response(
        "en-retard.csv",
        render::overdue(&items, Format::Csv),
    ))
}
