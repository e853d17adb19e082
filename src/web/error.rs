//! The one error type of the web handlers: the user sees a short French message, the log gets the
//! cause.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::draft::render::escape_html;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("login required")]
    LoginRequired,
    #[error("role not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("too many login attempts")]
    TooManyAttempts,
    /// The message is shown to the user as is (French).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<crate::web::views::ViewError> for AppError {
    fn from(e: crate::web::views::ViewError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    fn status_and_message(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::LoginRequired => (StatusCode::UNAUTHORIZED, "Veuillez vous connecter."),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Votre rôle ne donne pas accès à cette page.",
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Page introuvable."),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.",
            ),
            AppError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                "Trop de tentatives de connexion. Réessayez dans quelques secondes.",
            ),
            AppError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Une erreur est survenue. L'équipe technique a été prévenue.",
            ),
        }
    }
}

/// A minimal accessible page around a message (no template: it must work when they fail).
pub fn message_page(title: &str, message: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} – guichet</title></head><body style=\"font-family:system-ui,sans-serif;\
         max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a\">\
         <main><h1>{t}</h1><p>{m}</p><p><a href=\"/\">Retour à l'accueil</a></p></main></body></html>",
        t = escape_html(title),
        m = escape_html(message)
    )
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::LoginRequired = self {
            return (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, "/connexion")],
                "Veuillez vous connecter.",
            )
                .into_response();
        }
        let (status, message) = self.status_and_message();
        match &self {
            AppError::Internal(cause) => tracing::error!(%cause, "web request failed"),
            other => tracing::info!(error = %other, "web request refused"),
        }
        let title = if status.is_server_error() {
            "Erreur"
        } else {
            "Demande refusée"
        };
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            message_page(title, message),
        )
            .into_response()
    }
}
