//! The public contact form (`/contact`, no login): it becomes an inquiry of channel `formulaire`
//! through the same pipeline as a mail, acknowledged by mail. Spam is kept out without third
//! parties: a honeypot field, a signed minimum fill time, a per-address rate limit, size limits
//! and the CSRF token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::console::facility_options;
use super::login::ClientIp;
use super::{AppError, WebState};
use crate::inquiry::{Address, Channel, Message};
use crate::pipeline::{Incoming, Intake, Route};
use crate::survey::{constant_time_eq, mac};

/// Longest message accepted (characters).
pub const MAX_MESSAGE_CHARS: usize = 5_000;
/// Longest name or address accepted (characters).
pub const MAX_FIELD_CHARS: usize = 200;
/// A human takes at least this long to fill the form.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form older than this must be reloaded.
pub const MAX_FORM_AGE_SECONDS: i64 = 24 * 3600;
/// Submissions allowed per client address within [`RATE_WINDOW`].
pub const MAX_PER_ADDRESS: usize = 5;
pub const RATE_WINDOW: Duration = Duration::from_secs(3600);

/// The signed time a form was served (`SECONDS.HEXMAC`); public so tests can age a form.
pub fn form_stamp(secret: &[u8], at: DateTime<Utc>) -> String {
    let ts = at.timestamp().to_string();
    format!(
        "{ts}.{}",
        hex::encode(&mac(secret, "contact-form", ts.as_bytes())[..16])
    )
}

fn stamp_time(secret: &[u8], stamp: &str) -> Option<i64> {
    let (ts, _) = stamp.split_once('.')?;
    let t: i64 = ts.parse().ok()?;
    let expected = form_stamp(secret, DateTime::from_timestamp(t, 0)?);
    constant_time_eq(stamp.as_bytes(), expected.as_bytes()).then_some(t)
}

/// A loose check: something `@` a domain with a dot, no spaces or angle brackets.
pub fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    s.len() <= MAX_FIELD_CHARS
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "<>,;\"()[]\\".contains(c))
}

/// Counts recent submissions per client address, in memory.
#[derive(Debug, Default)]
pub struct RateLimiter {
    seen: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimiter {
    /// Records a submission; false when the address already made too many.
    pub fn allow(&self, ip: &str) -> bool {
        let now = Instant::now();
        let mut map = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, l| l.iter().any(|t| now.duration_since(*t) < RATE_WINDOW));
        }
        let list = map.entry(ip.to_string()).or_default();
        list.retain(|t| now.duration_since(*t) < RATE_WINDOW);
        if list.len() >= MAX_PER_ADDRESS {
            return false;
        }
        list.push(now);
        true
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    courriel: String,
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    message: String,
    /// Honeypot: hidden from people, filled by robots.
    #[serde(default)]
    site_web: String,
    #[serde(default)]
    debut: String,
    #[serde(default)]
    csrf: String,
}

fn page(
    st: &WebState,
    headers: &HeaderMap,
    f: &ContactForm,
    error: Option<&str>,
    reference: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut response = st.page(
        headers,
        None,
        if reference.is_some() {
            "Demande envoyée"
        } else {
            "Nous écrire"
        },
        "web/contact",
        json!({
            "error": error,
            "reference": reference,
            "stamp": form_stamp(st.secret(), Utc::now()),
            "nom": f.nom,
            "courriel": f.courriel,
            "message": f.message,
            "max": MAX_MESSAGE_CHARS,
            "max_field": MAX_FIELD_CHARS,
            "facilities": facility_options(st, &f.etablissement),
        }),
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /contact`.
pub async fn form(State(st): State<WebState>, headers: HeaderMap) -> Result<Response, AppError> {
    page(
        &st,
        &headers,
        &ContactForm::default(),
        None,
        None,
        StatusCode::OK,
    )
}

/// `POST /contact`: checks, then the pipeline.
pub async fn submit(
    State(st): State<WebState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<ContactForm>,
) -> Result<Response, AppError> {
    st.check_csrf(&headers, None, &f.csrf)?;
    let refuse = |m, status| page(&st, &headers, &f, Some(m), None, status);
    if !f.site_web.is_empty() {
        tracing::info!(%ip, "contact form: honeypot filled");
        return refuse(
            "Votre message n'a pas pu être envoyé.",
            StatusCode::BAD_REQUEST,
        );
    }
    let now = Utc::now();
    match stamp_time(st.secret(), &f.debut) {
        Some(t) if now.timestamp() - t > MAX_FORM_AGE_SECONDS => {
            return refuse(
                "Le formulaire a expiré : vérifiez votre message et envoyez-le de nouveau.",
                StatusCode::BAD_REQUEST,
            )
        }
        Some(t) if now.timestamp() - t >= MIN_FILL_SECONDS => {}
        _ => {
            return refuse(
                "Votre message a été envoyé trop vite : relisez-le et envoyez-le de nouveau.",
                StatusCode::BAD_REQUEST,
            )
        }
    }
    let name = f.nom.trim();
    let email = f.courriel.trim();
    let text = f.message.trim();
    if name.chars().count() > MAX_FIELD_CHARS || text.chars().count() > MAX_MESSAGE_CHARS {
        return refuse(
            "Votre message est trop long (5 000 caractères au plus).",
            StatusCode::PAYLOAD_TOO_LARGE,
        );
    }
    if !plausible_email(email) {
        return refuse(
            "Indiquez une adresse électronique valide : nous y enverrons la réponse.",
            StatusCode::BAD_REQUEST,
        );
    }
    if text.is_empty() {
        return refuse("Le message est obligatoire.", StatusCode::BAD_REQUEST);
    }
    if !st.inner.contact_limiter.allow(&ip) {
        return refuse(
            "Trop de messages envoyés depuis votre connexion. Réessayez dans une heure.",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let mut subject = "Formulaire de contact".to_string();
    if let Some(fac) = st.faq().catalogue.facility_by_str(f.etablissement.trim()) {
        subject = format!("{subject} – {}", fac.name);
    }
    let message = Message {
        from: Some(Address {
            name: Some(name.to_string()).filter(|n| !n.is_empty()),
            email: email.to_string(),
        }),
        subject,
        body: text.to_string(),
        content_type: "text/plain".to_string(),
        ..Message::default()
    };
    // The same form sent twice (a double click) is one inquiry.
    let key = Sha256::digest(format!("{}\n{email}\n{text}", f.debut));
    let incoming = Incoming {
        channel: Channel::Formulaire,
        source_key: format!("form:{}", hex::encode(&key[..16])),
        received_at: now,
        route: Route::mail(&message),
        message,
        history: false,
    };
    let intake = st
        .inner
        .pipeline
        .ingest(&incoming, now)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let reference = match intake {
        Intake::Created { reference, .. } => reference,
        Intake::Duplicate { id } => st.store().summary(id).await?.reference,
    };
    page(
        &st,
        &headers,
        &ContactForm::default(),
        None,
        Some(&reference),
        StatusCode::OK,
    )
}
