//! The agents' console, write side: the same decisions as the Discord buttons (approve, edit and
//! approve, reassign, reject, answered outside). The store decides who was first; the second
//! agent is told who did it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use super::console::{actor, acts, paris_time, MAX_TEXT_CHARS};
use super::inquiry::{inquiry_page, Notice};
use super::views::status_label;
use super::{AppError, Session, WebState};
use crate::inquiry::{FacilityId, Kind, RejectReason};
use crate::inquiry::{InquiryId, Standing};
use crate::pipeline::{ApproveError, Decision};

fn done(id: InquiryId, what: &str) -> Response {
    Redirect::to(&format!("/console/{}?fait={what}", id.0)).into_response()
}

fn already(standing: &Standing) -> Notice {
    let who = standing.decider().map(|a| a.display_name());
    let text = match (who, standing.decided_at) {
        (Some(who), Some(at)) => format!(
            "Trop tard : {who} a déjà traité cette demande le {} (état : {}).",
            paris_time(at),
            status_label(standing.status.as_str())
        ),
        _ => format!(
            "Cette demande n'attend plus de décision (état : {}).",
            status_label(standing.status.as_str())
        ),
    };
    Notice {
        error: true,
        text,
        items: vec![],
    }
}

async fn refused(
    st: &WebState,
    headers: &HeaderMap,
    session: &Session,
    id: InquiryId,
    notice: Notice,
    edited: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    inquiry_page(st, headers, session, id, Some(notice), edited, status).await
}

async fn outcome(
    st: &WebState,
    headers: &HeaderMap,
    session: &Session,
    id: InquiryId,
    decision: Decision,
    what: &str,
) -> Result<Response, AppError> {
    match decision {
        Decision::Done => Ok(done(id, what)),
        Decision::AlreadyDecided(standing) => {
            let n = already(&standing);
            refused(st, headers, session, id, n, None, StatusCode::CONFLICT).await
        }
    }
}

fn actor_session(st: &WebState, headers: &HeaderMap, csrf: &str) -> Result<Session, AppError> {
    let session = st.require(headers, acts)?;
    st.check_csrf(headers, Some(&session), csrf)?;
    Ok(session)
}

#[derive(Debug, Default, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf: String,
    /// Present for "Modifier et approuver".
    texte: Option<String>,
    /// « Enregistrer pour les prochaines réponses »: the values typed in place of markers
    /// become facts proposed to an admin.
    #[serde(default)]
    enregistrer: Option<String>,
    /// Optional last day the kept values hold (YYYY-MM-DD).
    #[serde(default)]
    jusqu_au: String,
}

/// `POST /console/{id}/approuver`.
pub async fn approve(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ApproveForm>,
) -> Result<Response, AppError> {
    let session = actor_session(&st, &headers, &f.csrf)?;
    let id = InquiryId(id);
    // Browsers send CRLF line ends; drafts use LF.
    let edited = f.texte.as_deref().map(|t| t.replace("\r\n", "\n"));
    if edited
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS)
    {
        return Err(AppError::BadRequest(
            "Texte trop long (20 000 caractères au plus).",
        ));
    }
    let edited = edited.as_deref().map(str::trim_end);
    let keep_until = super::facts::until(&f.jusqu_au)?;
    match st
        .inner
        .pipeline
        .approve(id, &actor(&session), edited, Utc::now())
        .await
    {
        Ok(decision) => {
            let kept = match (&decision, edited, f.enregistrer.is_some()) {
                (Decision::Done, Some(text), true) => {
                    super::facts::keep(&st, id, &actor(&session), text, keep_until).await?
                }
                _ => 0,
            };
            let what = if kept > 0 {
                "approuve-faits"
            } else {
                "approuve"
            };
            outcome(&st, &headers, &session, id, decision, what).await
        }
        Err(ApproveError::Markers(left)) => {
            let n = Notice {
                error: true,
                text: "Approbation refusée : le texte contient encore des passages à compléter."
                    .to_string(),
                items: left,
            };
            refused(
                &st,
                &headers,
                &session,
                id,
                n,
                edited,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ (ApproveError::NoDraft | ApproveError::NoRoute)) => {
            let n = Notice {
                error: true,
                text: format!("Approbation impossible : {e}."),
                items: vec![],
            };
            refused(&st, &headers, &session, id, n, edited, StatusCode::CONFLICT).await
        }
        Err(ApproveError::Pipeline(crate::pipeline::PipelineError::Store(
            crate::store::StoreError::NotFound(_),
        ))) => Err(AppError::NotFound),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReassignForm {
    #[serde(default)]
    csrf: String,
    /// `facility:ID` or `kind:KIND`.
    #[serde(default)]
    vers: String,
}

/// `POST /console/{id}/reaffecter`: another facility or kind, and a new draft.
pub async fn reassign(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ReassignForm>,
) -> Result<Response, AppError> {
    let session = actor_session(&st, &headers, &f.csrf)?;
    let id = InquiryId(id);
    let bad = AppError::BadRequest("Choisissez un établissement ou un type d'établissement.");
    let (kind, facility) = match f.vers.split_once(':') {
        Some(("facility", fid)) => {
            let fac = st.faq().catalogue.facility_by_str(fid).ok_or(bad)?;
            let id = FacilityId::parse(fac.id.as_str())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            (fac.kind, Some(id))
        }
        Some(("kind", k)) => (k.parse::<Kind>().map_err(|_| bad)?, None),
        _ => return Err(bad),
    };
    let now = Utc::now();
    let moved = st
        .inner
        .pipeline
        .reassign(id, &actor(&session), kind, facility, now)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if moved {
        Ok(done(id, "reaffecte"))
    } else {
        let standing = st.store().standing(id).await?;
        let n = already(&standing);
        refused(&st, &headers, &session, id, n, None, StatusCode::CONFLICT).await
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    motif: String,
}

/// `POST /console/{id}/rejeter`.
pub async fn reject(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let session = actor_session(&st, &headers, &f.csrf)?;
    let id = InquiryId(id);
    let reason = f
        .motif
        .parse::<RejectReason>()
        .map_err(|_| AppError::BadRequest("Choisissez un motif de rejet."))?;
    let decision = st
        .inner
        .pipeline
        .reject(id, &actor(&session), reason, Utc::now())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    outcome(&st, &headers, &session, id, decision, "rejete").await
}

/// `POST /console/{id}/repondu`: answered by letter or phone.
pub async fn answered(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let session = actor_session(&st, &headers, &f.csrf)?;
    let id = InquiryId(id);
    let how = match f.motif.as_str() {
        "courrier" | "telephone" | "accueil" => f.motif.as_str(),
        _ => {
            return Err(AppError::BadRequest(
                "Indiquez comment la réponse a été donnée : courrier, téléphone ou accueil.",
            ))
        }
    };
    let decision = st
        .inner
        .pipeline
        .answered_outside(id, &actor(&session), how, Utc::now())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    outcome(&st, &headers, &session, id, decision, "repondu").await
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/{id}/restaurer`: a mail taken for automatic on soft evidence becomes an
/// inquiry again, acknowledged and drafted with its original receipt time.
pub async fn restore(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let session = actor_session(&st, &headers, &f.csrf)?;
    let id = InquiryId(id);
    let decision = match st
        .inner
        .pipeline
        .restore_automatic(id, &actor(&session), Utc::now())
        .await
    {
        Ok(d) => d,
        Err(crate::pipeline::PipelineError::Store(crate::store::StoreError::NotFound(_))) => {
            return Err(AppError::NotFound)
        }
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    outcome(&st, &headers, &session, id, decision, "restaure").await
}
