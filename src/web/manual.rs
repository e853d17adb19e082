//! Manual entry in the console of a letter (`courrier`, dated by the mail room's stamp), a phone
//! call (`telephone`) or a visit (`accueil`) that needs a written follow-up: the inquiry then
//! flows through the same pipeline as a mail.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;
use serde_json::json;

use super::console::{actor, acts, facility_options, paris_time, MAX_TEXT_CHARS};
use super::views::channel_label;
use super::{AppError, Session, WebState};
use crate::inquiry::{Address, Channel, Message};
use crate::pipeline::{Incoming, Intake, Route};

fn manual_page(
    st: &WebState,
    headers: &HeaderMap,
    session: &Session,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let today = crate::calendar::paris_date(Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    let mut response = st.page(
        headers,
        Some(session),
        "Console : saisir un courrier, un appel ou une visite",
        "web/manual",
        json!({ "error": error, "today": today, "facilities": facility_options(st, "") }),
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// `/console/saisie`: the form.
pub async fn form(State(st): State<WebState>, headers: HeaderMap) -> Result<Response, AppError> {
    let session = st.require(&headers, acts)?;
    manual_page(&st, &headers, &session, None, StatusCode::OK)
}

#[derive(Debug, Default, Deserialize)]
pub struct ManualForm {
    #[serde(default)]
    canal: String,
    #[serde(default)]
    recu_le: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    courriel: String,
    #[serde(default)]
    objet: String,
    #[serde(default)]
    texte: String,
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    csrf: String,
}

/// `/console/saisie`: records the letter, call or visit through the pipeline.
pub async fn submit(
    State(st): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<ManualForm>,
) -> Result<Response, AppError> {
    let session = st.require(&headers, acts)?;
    st.check_csrf(&headers, Some(&session), &f.csrf)?;
    let refuse = |m| manual_page(&st, &headers, &session, Some(m), StatusCode::BAD_REQUEST);
    let channel = match f.canal.as_str() {
        "courrier" => Channel::Courrier,
        "telephone" => Channel::Telephone,
        "accueil" => Channel::Accueil,
        _ => return refuse("Choisissez le mode d'accès : courrier, téléphone ou accueil."),
    };
    let text = f.texte.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return refuse("Le texte de la demande est obligatoire (20 000 caractères au plus).");
    }
    let email = f.courriel.trim();
    if !email.is_empty() && !super::contact::plausible_email(email) {
        return refuse("L'adresse électronique n'est pas valide.");
    }
    let now = Utc::now();
    // The mail room's stamp is the date of receipt; it becomes `received_at` (noon, Paris).
    let received_at = match NaiveDate::parse_from_str(f.recu_le.trim(), "%Y-%m-%d") {
        Ok(d) => match d
            .and_hms_opt(12, 0, 0)
            .and_then(|t| Paris.from_local_datetime(&t).earliest())
        {
            Some(t) if t.with_timezone(&Utc) <= now + chrono::Duration::hours(12) => {
                t.with_timezone(&Utc)
            }
            _ => return refuse("La date de réception ne peut pas être dans le futur."),
        },
        Err(_) if channel != Channel::Courrier && f.recu_le.trim().is_empty() => now,
        Err(_) => return refuse("Indiquez la date de réception (tampon du service courrier)."),
    };
    let name = Some(f.nom.trim().chars().take(200).collect::<String>()).filter(|n| !n.is_empty());
    let facility = st
        .faq()
        .catalogue
        .facility_by_str(f.etablissement.trim())
        .map(|fac| fac.name.clone());
    let mut subject: String = f.objet.trim().chars().take(200).collect();
    if subject.is_empty() {
        subject = format!(
            "{} – {}",
            channel_label(channel.as_str()),
            paris_time(received_at)
        );
    }
    if let Some(fac) = facility {
        subject = format!("{subject} – {fac}");
    }
    let message = Message {
        from: (!email.is_empty()).then(|| Address {
            name: name.clone(),
            email: email.to_string(),
        }),
        subject,
        body: text.to_string(),
        content_type: "text/plain".to_string(),
        ..Message::default()
    };
    let route = if email.is_empty() {
        Route::None
    } else {
        Route::mail(&message)
    };
    let key = hex::encode(
        crate::secret::random_bytes(16).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let incoming = Incoming {
        channel,
        source_key: format!("manual:{key}"),
        received_at,
        message,
        route,
        history: false,
    };
    let intake = st
        .inner
        .pipeline
        .ingest(&incoming, now)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (Intake::Created { id, .. } | Intake::Duplicate { id }) = intake;
    tracing::info!(inquiry = id.0, actor = %actor(&session).key(), channel = %channel, "manual entry");
    Ok(Redirect::to(&format!("/console/{}?fait=saisi", id.0)).into_response())
}
