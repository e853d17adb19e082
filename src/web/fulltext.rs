//! Long citizen texts: the inquiry page shows an excerpt (quoted lines collapsed first, then cut
//! on a character boundary) and links to `/console/{id}/texte`, which serves the whole text.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::console::reader;
use super::{AppError, WebState};
use crate::inquiry::InquiryId;
use crate::store::StoreError;

/// Longest citizen text shown on the inquiry page (characters).
pub const MAX_SHOWN_CHARS: usize = 20_000;
/// Largest HTML rendition shown on the inquiry page (bytes); a larger one gives way to the text.
pub const MAX_SHOWN_HTML_BYTES: usize = 60_000;

fn quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn hidden_lines(n: usize) -> String {
    if n == 1 {
        "[… 1 ligne citée masquée …]".to_string()
    } else {
        format!("[… {n} lignes citées masquées …]")
    }
}

/// The text as shown: itself when short enough, else with its quoted lines collapsed and, if
/// still too long, cut after `max` characters. `None` when nothing was left out.
pub fn excerpt(text: &str, max: usize) -> Option<String> {
    if text.chars().count() <= max {
        return None;
    }
    let mut collapsed = String::new();
    let mut run = 0;
    for line in text.lines() {
        if quoted(line) {
            run += 1;
            continue;
        }
        if run > 0 {
            collapsed.push_str(&hidden_lines(run));
            collapsed.push('\n');
            run = 0;
        }
        collapsed.push_str(line);
        collapsed.push('\n');
    }
    if run > 0 {
        collapsed.push_str(&hidden_lines(run));
    }
    let cut = match collapsed.char_indices().nth(max) {
        None => collapsed,
        Some((at, _)) => format!("{}\n[… texte coupé …]", &collapsed[..at]),
    };
    Some(cut)
}

/// `/console/{id}/texte`: the citizen's whole text (and quoted history), as plain text.
pub async fn full_text(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    reader(&st, &headers)?;
    let id = InquiryId(id);
    if let Err(StoreError::NotFound(_)) = st.store().summary(id).await {
        return Err(AppError::NotFound);
    }
    let message = st.store().message(id).await?.unwrap_or_default();
    let mut text = message.body;
    if !message.quoted.is_empty() {
        text.push_str("\n\n-- Historique cité --\n");
        text.push_str(&message.quoted);
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_shown_whole() {
        assert_eq!(excerpt("Bonjour", 20), None);
    }

    #[test]
    fn quoted_lines_are_collapsed_before_anything_is_cut() {
        let text = format!("Ma question\n{}Merci", "> ancien message\n".repeat(50));
        let shown = excerpt(&text, 100).expect("shortened");
        assert_eq!(
            shown,
            "Ma question\n[… 50 lignes citées masquées …]\nMerci\n"
        );
    }

    #[test]
    fn a_long_text_is_cut_on_a_character_boundary() {
        let text = "é".repeat(30);
        let shown = excerpt(&text, 10).expect("cut");
        assert!(shown.starts_with(&"é".repeat(10)));
        assert!(shown.ends_with("[… texte coupé …]"));
        assert_eq!(shown.matches('é').count(), 11, "{shown}"); // ten kept, one in « coupé »
    }
}
