//! The web adapter: the quality staff's dashboard (indicators, satisfaction, overdue list), the
//! agents' console (`/console`), the public satisfaction survey (`/avis/{token}`), transparency
//! page (`/transparence`) and contact form (`/contact`), and the health and metrics endpoints.
//!
//! [`app`] builds the whole application as one [`Router`] (tests call it without a socket);
//! [`serve`] runs it until a shutdown signal, as one task of whatever process hosts it.

mod accuracy;
mod actions;
mod auth;
mod charts;
mod console;
mod contact;
mod dashboard;
mod error;
mod exports;
mod facts;
mod fulltext;
mod history;
mod inquiry;
mod login;
mod mailboxes;
mod manual;
mod ops;
mod public;
mod revoked;
mod tables;
pub mod transparency;
pub mod trend;
pub mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::assets::Source;
use crate::config::Config;
use crate::faq::Faq;
use crate::store::Store;

pub use auth::{hash_password, valid_name, Accounts, AuthError, Role, Session, UnknownRole};
pub use contact::form_stamp;
pub use error::AppError;
pub use transparency::{Transparency, TransparencyRow};
pub use views::{ViewError, Views};

/// The web server could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error(transparent)]
    Faq(#[from] crate::faq::FaqError),
    #[error(transparent)]
    Engagement(#[from] crate::engagement::EngagementError),
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
    #[error(transparent)]
    Knowledge(#[from] crate::pipeline::KnowledgeError),
    #[error("web.trusted_proxies: `{0}` is not an IP address")]
    Proxy(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("web server: {0}")]
    Serve(std::io::Error),
}

struct Inner {
    store: Store,
    accounts: Accounts,
    secret: Arc<[u8]>,
    views: Arc<Views>,
    limiter: auth::LoginLimiter,
    /// Sessions ended by a logout or `guichet user end-sessions`.
    revoked: revoked::Revoked,
    /// The one flow: the console's decisions, manual entries and the contact form go through it.
    pipeline: crate::pipeline::Pipeline,
    contact_limiter: contact::RateLimiter,
    metrics: ops::HttpMetrics,
    /// `Secure` cookies when the public URL is HTTPS.
    secure: bool,
    trusted_proxies: Vec<std::net::IpAddr>,
}

/// What every handler shares; cheap to clone.
#[derive(Clone)]
pub struct WebState {
    inner: Arc<Inner>,
}

impl WebState {
    /// The state for a configuration on its own (tests, tools): loads the rules, templates and
    /// web views; a service gets its state from [`crate::root::Guichet::web`] instead.
    pub fn from_config(config: &Config, store: Store) -> Result<WebState, WebError> {
        let pipeline =
            crate::pipeline::Pipeline::new(store, crate::pipeline::Knowledge::load(config)?);
        let views = Views::load(&Source::templates(config))?;
        WebState::new(config, pipeline, Arc::new(views))
    }

    /// The state over the system's pipeline and views: accounts, secret (generated into the data
    /// dir when absent), proxies and cookie policy from `[web]`.
    pub fn new(
        config: &Config,
        pipeline: crate::pipeline::Pipeline,
        views: Arc<Views>,
    ) -> Result<WebState, WebError> {
        let secure = config
            .web
            .base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let trusted_proxies = config
            .web
            .trusted_proxies
            .iter()
            .map(|p| p.trim().parse().map_err(|_| WebError::Proxy(p.clone())))
            .collect::<Result<_, _>>()?;
        Ok(WebState {
            inner: Arc::new(Inner {
                trusted_proxies,
                store: pipeline.store.clone(),
                pipeline,
                contact_limiter: contact::RateLimiter::default(),
                metrics: ops::HttpMetrics::default(),
                accounts: Accounts::from_config(&config.web.users)?,
                secret: crate::secret::web_secret(config)?.into(),
                views,
                limiter: auth::LoginLimiter::default(),
                revoked: revoked::Revoked::default(),
                secure,
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn secret(&self) -> &[u8] {
        &self.inner.secret
    }

    fn faq(&self) -> &Faq {
        &self.inner.pipeline.knowledge.faq
    }

    /// The logged-in user, if the session cookie is valid and its session not ended.
    fn session(&self, headers: &HeaderMap) -> Option<Session> {
        auth::cookie(headers, auth::SESSION_COOKIE)
            .and_then(|v| Session::decode(&self.inner.secret, v, &self.inner.accounts))
            .filter(|s| self.inner.revoked.allows(s))
    }

    /// The logged-in user when `allowed` accepts the role.
    fn require(
        &self,
        headers: &HeaderMap,
        allowed: impl Fn(Role) -> bool,
    ) -> Result<Session, AppError> {
        let session = self.session(headers).ok_or(AppError::LoginRequired)?;
        if allowed(session.role) {
            Ok(session)
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn cookie(&self, name: &str, value: &str, max_age: i64, same_site: &str) -> HeaderValue {
        let secure = if self.inner.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The request's CSRF nonce, and the cookie to set when it had none.
    fn csrf_nonce(&self, headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), AppError> {
        if let Some(nonce) = auth::cookie(headers, auth::CSRF_COOKIE).filter(|n| n.len() >= 16) {
            return Ok((nonce.to_string(), None));
        }
        let nonce = hex::encode(
            crate::secret::random_bytes(16).map_err(|e| AppError::Internal(e.to_string()))?,
        );
        let cookie = self.cookie(auth::CSRF_COOKIE, &nonce, 86_400, "Strict");
        Ok((nonce, Some(cookie)))
    }

    /// A page with the layout, the user's menu and a CSRF token for its forms (`csrf` in `data`).
    fn page(
        &self,
        headers: &HeaderMap,
        session: Option<&Session>,
        title: &str,
        template: &str,
        mut data: Value,
    ) -> Result<Response, AppError> {
        let (nonce, set_cookie) = self.csrf_nonce(headers)?;
        let csrf = auth::csrf_token(&self.inner.secret, &nonce, session);
        data["csrf"] = json!(csrf);
        let nav = match session {
            Some(s) => json!({
                "name": s.name,
                "role": s.role.as_str(),
                "indicators": s.role.sees_indicators(),
                "facts": s.role == Role::Admin,
                "csrf": csrf,
            }),
            None => Value::Null,
        };
        let html = self.inner.views.page(title, template, &data, nav)?;
        let mut response =
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
        if let Some(cookie) = set_cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }

    fn check_csrf(
        &self,
        headers: &HeaderMap,
        session: Option<&Session>,
        token: &str,
    ) -> Result<(), AppError> {
        if auth::csrf_ok(&self.inner.secret, headers, session, token) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

/// Security headers on every response: no framing, no sniffing, no referrer (survey tokens are in
/// URLs), and a CSP that allows no script at all; and `Cache-Control: no-store` on whatever answers
/// a logged-in request (pages and exports with personal data stay out of every cache).
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let logged_in = auth::cookie(request.headers(), auth::SESSION_COOKIE).is_some();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if logged_in {
        h.insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Before a request with a session cookie: the ended sessions reloaded when older than
/// [`revoked::REFRESH`].
async fn fresh_revocations(
    axum::extract::State(st): axum::extract::State<WebState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if auth::cookie(request.headers(), auth::SESSION_COOKIE).is_some() {
        st.inner.revoked.refresh_if_stale(&st.inner.store).await;
    }
    next.run(request).await
}

/// The whole web application.
pub fn app(state: WebState) -> Router {
    Router::new()
        .route("/", get(login::home))
        .route("/connexion", get(login::form).post(login::submit))
        .route("/deconnexion", post(login::logout))
        .route("/indicateurs", get(dashboard::indicators))
        .route("/indicateurs.csv", get(exports::indicators_csv))
        .route("/delais.csv", get(exports::delays_csv))
        .route("/satisfaction.csv", get(exports::satisfaction_csv))
        .route("/precision-tri.csv", get(accuracy::accuracy_csv))
        .route("/en-retard", get(exports::overdue))
        .route("/en-retard.csv", get(exports::overdue_csv))
        .route(
            "/avis/{token}",
            get(public::survey_form).post(public::survey_submit),
        )
        .route("/transparence", get(public::transparency))
        .route("/transparence.csv", get(public::transparency_csv))
        .route("/console", get(console::queue))
        .route("/console/recherche", get(console::search))
        .route("/console/saisie", get(manual::form).post(manual::submit))
        .route("/console/faits", get(facts::index))
        .route("/console/faits/{facility}", get(facts::facility))
        .route(
            "/console/faits/proposition/{id}/confirmer",
            post(facts::confirm),
        )
        .route(
            "/console/faits/proposition/{id}/refuser",
            post(facts::refuse),
        )
        .route("/console/{id}", get(inquiry::inquiry))
        .route("/console/{id}/texte", get(fulltext::full_text))
        .route("/console/{id}/approuver", post(actions::approve))
        .route("/console/{id}/reaffecter", post(actions::reassign))
        .route("/console/{id}/rejeter", post(actions::reject))
        .route("/console/{id}/repondu", post(actions::answered))
        .route("/console/{id}/restaurer", post(actions::restore))
        .route("/contact", get(contact::form).post(contact::submit))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fresh_revocations,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track,
        ))
        .with_state(state)
}

/// Serves [`app`] on `addr` until `shutdown` completes (then finishes the requests in flight).
pub async fn serve(
    state: WebState,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind { addr, source })?;
    serve_on(state, listener, shutdown).await
}

/// [`serve`] on a listener already bound (to learn the port of `127.0.0.1:0`).
pub async fn serve_on(
    state: WebState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(WebError::Serve)
}
