//! Logging in and out: the login form, its rate limit, the home redirect, and the logout that
//! ends its session in the ledger.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::auth::{CSRF_COOKIE, SESSION_COOKIE};
use super::{AppError, Role, Session, WebState};

/// The client address: the connecting one, or behind a trusted reverse proxy the last address of
/// `X-Forwarded-For` that is not a trusted proxy; "inconnue" without a socket (tests).
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<WebState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        st: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientIp("inconnue".to_string()));
        };
        let trusted = &st.inner.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(ClientIp(peer.to_string()));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        let client = forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer);
        Ok(ClientIp(client.to_string()))
    }
}

/// `/`: the user's first page, or the login form.
pub async fn home(State(st): State<WebState>, headers: HeaderMap) -> Redirect {
    match st.session(&headers) {
        Some(s) if s.role.sees_indicators() => Redirect::to("/indicateurs"),
        Some(_) => Redirect::to("/en-retard"),
        None => Redirect::to("/connexion"),
    }
}

pub async fn form(State(st): State<WebState>, headers: HeaderMap) -> Result<Response, AppError> {
    login_page(&st, &headers, None, StatusCode::OK)
}

fn login_page(
    st: &WebState,
    headers: &HeaderMap,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut response = st.page(
        headers,
        None,
        "Connexion",
        "web/login",
        json!({ "error": error }),
    )?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(st): State<WebState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    st.check_csrf(&headers, None, &f.csrf)?;
    let name = f.name.trim();
    let limiter = &st.inner.limiter;
    // Reserved before the password is checked: parallel guesses are counted as they come.
    let reservation = match limiter.reserve(&ip, name) {
        Ok(r) => r,
        Err(wait) => {
            tracing::warn!(%ip, account = name, wait_s = wait.as_secs(), "login throttled");
            return Err(AppError::TooManyAttempts);
        }
    };
    // Password hashing is CPU-bound: off the async threads.
    let accounts_state = st.clone();
    let (account, password) = (name.to_string(), f.password);
    let role: Option<Role> = tokio::task::spawn_blocking(move || {
        accounts_state.inner.accounts.check(&account, &password)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(role) = role else {
        tracing::info!(%ip, "login failed");
        return login_page(
            &st,
            &headers,
            Some("Identifiant ou mot de passe incorrect."),
            StatusCode::UNAUTHORIZED,
        );
    };
    limiter.succeeded(reservation);
    let session = Session::start(st.secret(), &st.inner.accounts, name, role)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tracing::info!(account = name, role = %role, "login");
    let cookie = st.cookie(
        SESSION_COOKIE,
        &session.encode(st.secret()),
        super::auth::SESSION_SECONDS,
        "Lax",
    );
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(st): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Result<Response, AppError> {
    let session = st.session(&headers);
    st.check_csrf(&headers, session.as_ref(), &f.csrf)?;
    // Ended in the ledger, not only forgotten by this browser: a copied cookie stops working.
    if let Some(s) = &session {
        st.store()
            .revoke_session(&s.nonce, &s.name, s.expires, chrono::Utc::now())
            .await?;
        st.inner.revoked.add(&s.nonce);
        tracing::info!(account = %s.name, "logout");
    }
    let mut response = Redirect::to("/connexion").into_response();
    for name in [SESSION_COOKIE, CSRF_COOKIE] {
        response
            .headers_mut()
            .append(header::SET_COOKIE, st.cookie(name, "", 0, "Lax"));
    }
    Ok(response)
}
