//! The public pages, without login: the satisfaction survey behind each reply's link, and the
//! transparency page.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::transparency::{previous_month, recent_months, Transparency};
use super::{AppError, WebState};
use crate::inquiry::InquiryId;
use crate::store::{StoreError, SurveyOutcome, MAX_COMMENT_CHARS};
use crate::survey::verify_survey_token;

fn inquiry(st: &WebState, token: &str) -> Result<InquiryId, AppError> {
    verify_survey_token(st.secret(), token).ok_or(AppError::NotFound)
}

/// The survey's language: English when the link says so (replies to English inquiries).
#[derive(Debug, Default, Deserialize)]
pub struct SurveyLang {
    #[serde(default)]
    lang: String,
}

impl SurveyLang {
    fn en(&self) -> bool {
        self.lang == "en"
    }
}

fn survey_page(
    st: &WebState,
    headers: &HeaderMap,
    (token, lang): (&str, &SurveyLang),
    state: &str,
    error: Option<(&str, &str)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let en = lang.en();
    let labels = if en {
        [
            "Very satisfied",
            "Satisfied",
            "Fairly satisfied",
            "Not very satisfied",
            "Not satisfied at all",
        ]
    } else {
        [
            "Très satisfait",
            "Satisfait",
            "Moyennement satisfait",
            "Peu satisfait",
            "Pas du tout satisfait",
        ]
    };
    let ratings: Vec<_> = labels
        .iter()
        .zip([5, 4, 3, 2, 1])
        .map(|(label, value)| json!({ "value": value, "label": label }))
        .collect();
    let mut response = st.page(
        headers,
        None,
        if en { "Your opinion" } else { "Votre avis" },
        "web/survey",
        json!({
            "en": en,
            "action": format!("/avis/{token}{}", if en { "?lang=en" } else { "" }),
            "form": state == "form",
            "thanks": state == "thanks",
            "already": state == "already",
            "error": error.map(|(fr, english)| if en { english } else { fr }),
            "max": MAX_COMMENT_CHARS,
            "ratings": ratings,
        }),
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn survey_form(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(lang): Query<SurveyLang>,
) -> Result<Response, AppError> {
    let id = inquiry(&st, &token)?;
    let state = if st.store().survey_answered(id).await? {
        "already"
    } else {
        "form"
    };
    survey_page(&st, &headers, (&token, &lang), state, None, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    csrf: String,
}

pub async fn survey_submit(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(lang): Query<SurveyLang>,
    Form(f): Form<SurveyForm>,
) -> Result<Response, AppError> {
    let id = inquiry(&st, &token)?;
    st.check_csrf(&headers, None, &f.csrf)?;
    let Some(rating) = f
        .rating
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r))
    else {
        return survey_page(
            &st,
            &headers,
            (&token, &lang),
            "form",
            Some((
                "Choisissez une note de 1 à 5.",
                "Choose a rating from 1 to 5.",
            )),
            StatusCode::BAD_REQUEST,
        );
    };
    let comment = Some(f.comment.as_str()).filter(|c| !c.trim().is_empty());
    match st
        .store()
        .record_survey_answer(id, rating, comment, Utc::now())
        .await
    {
        Ok(SurveyOutcome::Recorded) => survey_page(
            &st,
            &headers,
            (&token, &lang),
            "thanks",
            None,
            StatusCode::OK,
        ),
        Ok(SurveyOutcome::AlreadyAnswered) => survey_page(
            &st,
            &headers,
            (&token, &lang),
            "already",
            None,
            StatusCode::CONFLICT,
        ),
        Err(StoreError::NotFound(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    mois: String,
}

async fn build(st: &WebState, q: &MonthQuery) -> Result<Transparency, AppError> {
    let today = crate::calendar::paris_date(Utc::now());
    let month = if q.mois.trim().is_empty() {
        previous_month(today)
    } else {
        q.mois.trim().to_string()
    };
    Transparency::build(
        st.store(),
        st.faq(),
        &st.inner.pipeline.knowledge.engagements,
        &month,
        today,
    )
    .await?
    .ok_or(AppError::BadRequest(
        "Mois invalide : utilisez le format AAAA-MM.",
    ))
}

pub async fn transparency(
    State(st): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let t = build(&st, &q).await?;
    let months = recent_months(crate::calendar::paris_date(Utc::now()));
    let session = st.session(&headers);
    st.page(
        &headers,
        session.as_ref(),
        "Transparence : nos engagements de réponse",
        "web/transparency",
        t.data(&months),
    )
}

pub async fn transparency_csv(
    State(st): State<WebState>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let t = build(&st, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"transparence-{}.csv\"", t.month),
            ),
        ],
        t.csv(),
    )
        .into_response())
}
