//! The agents' console, read side: the approval queue and the search form, and what the console's
//! pages share (who may read and act, times, facility options). One inquiry's page is `inquiry`.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;
use serde_json::{json, Value};

use super::views::{channel_label, kind_label, status_label, STATUSES};
use super::{AppError, Role, Session, WebState};
use crate::inquiry::parse_reference;
use crate::inquiry::{Actor, Kind, Status};
use crate::store::{Found, SearchQuery};

/// Longest text accepted in console forms (characters).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Any logged-in role may read the console.
pub(super) fn reader(st: &WebState, headers: &HeaderMap) -> Result<Session, AppError> {
    st.require(headers, |_| true)
}

/// Only agents and administrators act.
pub(super) fn acts(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Admin)
}

/// The actor written in the ledger for a web decision.
pub(super) fn actor(session: &Session) -> Actor {
    Actor::web(&session.name)
}

pub(super) fn paris_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}

pub(super) fn facility_name(st: &WebState, id: &str) -> String {
    st.faq()
        .catalogue
        .facility_by_str(id)
        .map(|f| f.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Options of a facility `<select>`, the chosen one marked.
pub(super) fn facility_options(st: &WebState, chosen: &str) -> Vec<Value> {
    st.faq()
        .catalogue
        .facilities
        .iter()
        .map(|f| json!({ "value": f.id.as_str(), "label": f.name, "selected": f.id.as_str() == chosen }))
        .collect()
}

pub(super) fn kind_options(chosen: &str) -> Vec<Value> {
    Kind::ALL
        .iter()
        .map(|k| json!({ "value": k.as_str(), "label": kind_label(k.as_str()), "selected": k.as_str() == chosen }))
        .collect()
}

fn rows(st: &WebState, found: &[Found]) -> Vec<Value> {
    found
        .iter()
        .map(|f| {
            json!({
                "id": f.id.0,
                "reference": f.reference,
                "channel": channel_label(f.channel.as_str()),
                "status": status_label(f.status.as_str()),
                "kind": kind_label(f.kind.as_str()),
                "facility": if f.facility.is_empty() { String::new() } else { facility_name(st, &f.facility) },
                "received": paris_time(f.received_at),
                "deadline": f.deadline.clone().unwrap_or_default(),
                "subject": f.subject,
            })
        })
        .collect()
}

/// Mail judged automatic on soft evidence only, for agents to check ("probablement automatique").
async fn soft_automatic_rows(st: &WebState) -> Result<Vec<Value>, AppError> {
    let soft: std::collections::HashMap<i64, String> = st
        .inner
        .pipeline
        .soft_automatic()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .into_iter()
        .map(|s| {
            let reason = s.classification.automatic_reason.unwrap_or_default();
            let reason = reason
                .strip_prefix(crate::inquiry::SOFT_AUTOMATIC)
                .unwrap_or(&reason)
                .to_string();
            (s.id.0, reason)
        })
        .collect();
    if soft.is_empty() {
        return Ok(Vec::new());
    }
    let found = st
        .store()
        .search(&SearchQuery {
            statuses: vec![Status::Automatic],
            limit: 500,
            ..SearchQuery::default()
        })
        .await?;
    Ok(found
        .iter()
        .filter_map(|f| {
            soft.get(&f.id.0).map(|reason| {
                json!({
                    "id": f.id.0,
                    "reference": f.reference,
                    "subject": f.subject,
                    "received": paris_time(f.received_at),
                    "reason": reason,
                })
            })
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    facility: String,
}

/// `/console`: open inquiries, soonest deadline first.
pub async fn queue(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let session = reader(&st, &headers)?;
    // An unknown kind in the address finds nothing (it is not "every kind").
    let kind = match q.kind.trim() {
        "" => Ok(None),
        k => k.parse::<Kind>().map(Some),
    };
    let found = match kind {
        Ok(kind) => {
            st.store()
                .search(&SearchQuery {
                    kind,
                    facility: Some(q.facility.clone()),
                    statuses: Status::OPEN.to_vec(),
                    by_deadline: true,
                    limit: 500,
                    ..SearchQuery::default()
                })
                .await?
        }
        Err(_) => Vec::new(),
    };
    let soft = soft_automatic_rows(&st).await?;
    st.page(
        &headers,
        Some(&session),
        "Console : demandes à traiter",
        "web/console",
        json!({
            "soft": soft,
            "rows": rows(&st, &found),
            "count": found.len(),
            "kinds": kind_options(&q.kind),
            "facilities": facility_options(&st, &q.facility),
            "can_act": acts(session.role),
        }),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    adresse: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    texte: String,
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    statut: String,
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
}

fn paris_midnight(date: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    Paris
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `/console/recherche`: by address, reference, text, facility, status, period.
pub async fn search(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(f): Query<SearchForm>,
) -> Result<Response, AppError> {
    let session = reader(&st, &headers)?;
    let reference = f
        .reference
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let asked = [
        &f.adresse,
        &f.reference,
        &f.texte,
        &f.etablissement,
        &f.statut,
        &f.du,
        &f.au,
    ]
    .iter()
    .any(|v| !v.trim().is_empty());
    let mut error = None;
    let id = if reference.is_empty() {
        None
    } else {
        let id = parse_reference(reference);
        if id.is_none() {
            error = Some("Référence invalide : utilisez la forme VSGP-2026-000042.");
        }
        id
    };
    let found = if asked && error.is_none() {
        st.store()
            .search(&SearchQuery {
                address: Some(f.adresse.chars().take(200).collect()),
                id,
                text: Some(f.texte.chars().take(200).collect()),
                facility: Some(f.etablissement.clone()),
                statuses: STATUSES
                    .iter()
                    .filter(|s| **s == f.statut)
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                from: paris_midnight(&f.du),
                to: paris_midnight(&f.au).map(|t| t + chrono::Duration::days(1)),
                limit: 200,
                ..SearchQuery::default()
            })
            .await?
    } else {
        Vec::new()
    };
    let statuses: Vec<Value> = STATUSES
        .iter()
        .map(|s| json!({ "value": s, "label": status_label(s), "selected": *s == f.statut }))
        .collect();
    st.page(
        &headers,
        Some(&session),
        "Console : recherche",
        "web/search",
        json!({
            "asked": asked,
            "error": error,
            "rows": rows(&st, &found),
            "count": found.len(),
            "adresse": f.adresse,
            "reference": f.reference,
            "texte": f.texte,
            "du": f.du,
            "au": f.au,
            "statuses": statuses,
            "facilities": facility_options(&st, &f.etablissement),
        }),
    )
}
