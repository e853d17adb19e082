//! Learned facts in the console: agents keep the values they typed in place of markers
//! (« Enregistrer pour les prochaines réponses »), and admins review them, one page per facility
//! or service, listing where each fact comes from (the catalogue file or the ledger), the
//! proposals (who, which reply) and the history; an admin confirms (possibly edited), or refuses.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::console::{actor, paris_time};
use super::{AppError, Role, WebState};
use crate::calendar::paris_date;
use crate::inquiry::{Actor, FacilityId, InquiryId};
use crate::learn::markers::MAX_VALUE_CHARS;
use crate::learn::FactField;

fn admin(role: Role) -> bool {
    role == Role::Admin
}

/// An optional end date typed in a form.
pub(super) fn until(value: &str) -> Result<Option<NaiveDate>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::BadRequest("Date de fin invalide : utilisez le format AAAA-MM-JJ."))
}

/// Proposes the values typed in place of the markers; how many.
pub(super) async fn keep(
    st: &WebState,
    id: InquiryId,
    who: &Actor,
    text: &str,
    valid_until: Option<NaiveDate>,
) -> Result<usize, AppError> {
    st.inner
        .pipeline
        .keep_filled_facts(id, who, text, valid_until, Utc::now())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// `GET /console/faits`: every facility and service with its learned facts and open proposals.
pub async fn index(State(st): State<WebState>, headers: HeaderMap) -> Result<Response, AppError> {
    let session = st.require(&headers, admin)?;
    let learned = st.store().learned_facts().await?;
    let open = st.store().open_proposals(None).await?;
    let today = paris_date(Utc::now());
    let rows: Vec<Value> = st
        .faq()
        .catalogue
        .facilities
        .iter()
        .map(|f| {
            let from_file = FactField::ALL
                .iter()
                .filter(|x| !x.of(&f.facts).trim().is_empty())
                .count();
            let in_ledger = learned
                .iter()
                .filter(|l| l.facility == f.id && l.holds_on(today))
                .count();
            let proposals = open.iter().filter(|p| p.facility == f.id).count();
            json!({ "id": f.id.as_str(), "name": f.name, "file": from_file,
                    "ledger": in_ledger, "proposals": proposals })
        })
        .collect();
    st.page(
        &headers,
        Some(&session),
        "Faits appris",
        "web/facts",
        json!({ "facilities": rows, "pending": open.len() }),
    )
}

/// `GET /console/faits/{facility}`: the facts of one facility, their sources, proposals, history.
pub async fn facility(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let session = st.require(&headers, admin)?;
    let id = FacilityId::parse(&id).map_err(|_| AppError::NotFound)?;
    let f = st
        .faq()
        .catalogue
        .facility(&id)
        .ok_or(AppError::NotFound)?
        .clone();
    let today = paris_date(Utc::now());
    let learned = st.store().learned_facts().await?;
    let facts: Vec<Value> = FactField::ALL
        .iter()
        .map(|field| {
            let l = learned
                .iter()
                .find(|l| l.facility == id && l.field == *field);
            let (value, source) = match l {
                Some(l) if l.holds_on(today) => (
                    l.value.clone(),
                    format!(
                        "registre : confirmé par {} le {}{}",
                        Actor::parse(&l.confirmed_by).display_name(),
                        paris_time(l.confirmed_at),
                        l.valid_until
                            .map(|u| format!(", jusqu'au {}", u.format("%d/%m/%Y")))
                            .unwrap_or_default()
                    ),
                ),
                _ if !field.of(&f.facts).trim().is_empty() => (
                    field.of(&f.facts).to_string(),
                    "fichier du catalogue".to_string(),
                ),
                _ => (
                    String::new(),
                    "inconnu (marqueur dans les brouillons)".to_string(),
                ),
            };
            json!({ "label": field.label(), "value": value, "source": source })
        })
        .collect();
    let mut proposals = Vec::new();
    for p in st.store().open_proposals(Some(&id)).await? {
        let reply = match p.inquiry {
            Some(i) => {
                let s = st.store().summary(i).await?;
                json!({ "id": i.0, "reference": s.reference })
            }
            None => Value::Null,
        };
        proposals.push(json!({
            "id": p.id,
            "field": p.field.label(),
            "value": p.value,
            "until": p.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            "marker": p.marker,
            "context": p.provenance,
            "by": Actor::parse(&p.proposed_by).display_name(),
            "at": paris_time(p.proposed_at),
            "reply": reply,
        }));
    }
    let history: Vec<Value> = st
        .store()
        .fact_history(&id)
        .await?
        .into_iter()
        .map(|h| {
            json!({
                "field": h.field.label(),
                "action": if h.action == "confirmed" { "confirmé" } else { "refusé" },
                "value": h.value,
                "previous": h.previous,
                "by": Actor::parse(&h.actor).display_name(),
                "at": paris_time(h.at),
            })
        })
        .collect();
    st.page(
        &headers,
        Some(&session),
        &format!("Faits — {}", f.name),
        "web/facility-facts",
        json!({ "id": id.as_str(), "name": f.name, "facts": facts,
                "proposals": proposals, "history": history }),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    valeur: String,
    #[serde(default)]
    jusqu_au: String,
}

/// `POST /console/faits/proposition/{id}/confirmer`: admins only; the value may be edited.
pub async fn confirm(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let session = st.require(&headers, admin)?;
    st.check_csrf(&headers, Some(&session), &f.csrf)?;
    let p = st.store().proposal(id).await?.ok_or(AppError::NotFound)?;
    let value = crate::clean::clean_line(&f.valeur);
    if value.is_empty() || value.chars().count() > MAX_VALUE_CHARS {
        return Err(AppError::BadRequest(
            "Valeur vide ou trop longue (300 caractères au plus).",
        ));
    }
    let until = until(&f.jusqu_au)?;
    let who = actor(&session).key();
    st.store()
        .confirm_fact(id, &value, until, &who, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/console/faits/{}", p.facility.as_str())).into_response())
}

/// `POST /console/faits/proposition/{id}/refuser`: admins only.
pub async fn refuse(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let session = st.require(&headers, admin)?;
    st.check_csrf(&headers, Some(&session), &f.csrf)?;
    let p = st.store().proposal(id).await?.ok_or(AppError::NotFound)?;
    st.store()
        .refuse_fact(id, &actor(&session).key(), Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/console/faits/{}", p.facility.as_str())).into_response())
}
