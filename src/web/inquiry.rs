//! The console's page of one inquiry: the citizen's message, the decision forms, the history in
//! words, the note for the agent, and every draft version with its `[[à compléter : …]]` markers
//! highlighted.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::console::{acts, facility_name, facility_options, kind_options, paris_time, reader};
use super::views::{channel_label, kind_label, status_label};
use super::{AppError, Session, WebState};
use crate::draft::render::{escape_html, marker_spans};
use crate::inquiry::{agent_note, Actor, InquiryId};
use crate::store::StoreError;

/// A draft as HTML for the console: every character escaped (a draft quotes the citizen), each
/// `[[à compléter : …]]` marker in a `<mark>` so an agent sees at once what is left to fill.
/// Line breaks are kept by the `draft` class (`white-space: pre-wrap`).
pub fn highlighted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for span in marker_spans(text) {
        out.push_str(&escape_html(&text[at..span.start]));
        out.push_str("<mark class=\"marker\">");
        out.push_str(&escape_html(&text[span.clone()]));
        out.push_str("</mark>");
        at = span.end;
    }
    out.push_str(&escape_html(&text[at..]));
    out
}

/// A message shown at the top of the inquiry page.
#[derive(Debug, Clone, Default)]
pub(super) struct Notice {
    pub error: bool,
    pub text: String,
    pub items: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    fait: String,
}

/// `/console/{id}`: the inquiry, its history, its drafts and the actions.
pub async fn inquiry(
    State(st): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let session = reader(&st, &headers)?;
    let done = match q.fait.as_str() {
        "approuve" => "Réponse approuvée : elle part avec le prochain envoi.",
        "approuve-faits" => "Réponse approuvée ; les valeurs saisies sont proposées à un administrateur pour les prochaines réponses.",
        "reaffecte" => "Demande réaffectée : un nouveau brouillon a été préparé.",
        "rejete" => "Demande rejetée.",
        "repondu" => "Réponse hors guichet enregistrée.",
        "saisi" => "Demande enregistrée.",
        "restaure" => "Demande restaurée : accusé de réception et brouillon préparés.",
        _ => "",
    };
    let notice = (!done.is_empty()).then(|| Notice {
        error: false,
        text: done.to_string(),
        items: vec![],
    });
    inquiry_page(
        &st,
        &headers,
        &session,
        InquiryId(id),
        notice,
        None,
        StatusCode::OK,
    )
    .await
}

/// Renders the inquiry page (also after a refused action, with its message and the agent's text).
pub(super) async fn inquiry_page(
    st: &WebState,
    headers: &HeaderMap,
    session: &Session,
    id: InquiryId,
    notice: Option<Notice>,
    edited: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let summary = match st.store().summary(id).await {
        Err(StoreError::NotFound(_)) => return Err(AppError::NotFound),
        other => other?,
    };
    let message = st.store().message(id).await?.unwrap_or_default();
    let events = st.store().events(id).await?;
    let drafts = st.store().drafts(id).await?;
    let standing = st.store().standing(id).await?;
    let latest = drafts
        .iter()
        .rev()
        .find_map(|d| d.draft.as_ref().map(|t| t.text.clone()))
        .unwrap_or_default();
    let c = &summary.classification;
    let facility = c
        .facility
        .as_ref()
        .map(|f| f.as_str().to_string())
        .unwrap_or_default();
    let attachments: Vec<Value> = message
        .attachments
        .iter()
        .map(|a| {
            json!({
                "name": a.filename.clone().unwrap_or_else(|| "(sans nom)".to_string()),
                "type": a.content_type,
                "size": human_size(a.size),
            })
        })
        .collect();
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "at": paris_time(e.at),
                "what": super::history::sentence(e, st.faq()),
            })
        })
        .collect();
    // The same note as on the Discord card: the latest one written with a draft.
    let note = agent_note(&drafts).map(|(version, lines)| {
        json!({ "version": version, "lines": lines.iter().map(|l| crate::labels::shown(l)).collect::<Vec<_>>() })
    });
    let versions: Vec<Value> = drafts
        .iter()
        .rev()
        .map(|d| {
            json!({
                "version": d.version,
                "author": Actor::parse(&d.author).display_name(),
                "at": paris_time(d.created_at),
                "subject": d.draft.as_ref().map(|t| t.subject.clone()).unwrap_or_default(),
                "html": d.draft.as_ref().map(|t| highlighted(&t.text)).unwrap_or_else(|| "(effacé)".to_string()),
                "markers": d.draft.as_ref().map(|t| marker_spans(&t.text).len()).filter(|n| *n > 0).map(markers_line),
            })
        })
        .collect();
    let open = summary.status.is_open();
    // A long text (a huge quoted mail) is shown cut, with a link to the whole of it.
    let cut_body = super::fulltext::excerpt(&message.body, super::fulltext::MAX_SHOWN_CHARS);
    let html = message
        .html
        .as_deref()
        .filter(|h| h.len() <= super::fulltext::MAX_SHOWN_HTML_BYTES)
        .map(crate::clean::sanitize_html);
    let cut = cut_body.is_some() || (html.is_none() && message.html.is_some());
    let notice = notice.map(|n| json!({ "error": n.error, "text": n.text, "items": n.items }));
    let mut response = st.page(
        headers,
        Some(session),
        &format!("Demande {}", summary.reference),
        "web/inquiry",
        json!({
            "id": id.0,
            "reference": summary.reference,
            "channel": channel_label(summary.channel.as_str()),
            "received": paris_time(summary.received_at),
            "status": status_label(summary.status.as_str()),
            "decided_by": standing.decider().map(|a| a.display_name()).unwrap_or_default(),
            "kind": kind_label(c.kind.as_str()),
            "facility": if facility.is_empty() { String::new() } else { facility_name(st, &facility) },
            "topic": crate::labels::topic(c.topic),
            // Citizens' text with hidden and direction-changing characters made visible.
            "from_name": message.from.as_ref().and_then(|a| a.name.as_deref()).map(crate::labels::shown).unwrap_or_default(),
            "from_email": message.from.as_ref().map(|a| crate::labels::shown(&a.email)).unwrap_or_default(),
            "subject": crate::labels::shown(&message.subject),
            "body": crate::labels::shown(cut_body.as_deref().unwrap_or(&message.body)),
            "html": html,
            "cut": cut || !message.quoted.is_empty(),
            "attachments": attachments,
            "events": events,
            "drafts": versions,
            "note": note,
            "text": edited.unwrap_or(&latest),
            "has_draft": !latest.is_empty(),
            "open": open,
            "can_act": open && acts(session.role),
            "kinds": kind_options(""),
            "facilities": facility_options(st, &facility),
            "notice": notice,
        }),
    )?;
    *response.status_mut() = status;
    Ok(response)
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} ko", bytes / 1024)
    } else {
        format!("{bytes} octets")
    }
}

/// "1 marqueur à compléter, surligné ci-dessous", "2 marqueurs …, surlignés …" (agreement computed).
fn markers_line(n: usize) -> String {
    crate::labels::count(
        i64::try_from(n).unwrap_or(i64::MAX),
        "marqueur à compléter, surligné ci-dessous",
        "marqueurs à compléter, surlignés ci-dessous",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_highlighted_and_everything_is_escaped() {
        let text = "Bonjour <script>alert(1)</script> & co,\n\
                    ouvert [[à compléter : horaires du <b>dimanche</b>]] ; tarif [[à compléter : prix]].";
        let html = highlighted(text);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(html.contains(
            "<mark class=\"marker\">[[à compléter : horaires du &lt;b&gt;dimanche&lt;/b&gt;]]</mark>"
        ));
        assert!(html.contains("<mark class=\"marker\">[[à compléter : prix]]</mark>."));
        assert_eq!(html.matches("<mark").count(), 2);
        assert_eq!(highlighted("sans marqueur"), "sans marqueur");
        assert_eq!(
            markers_line(1),
            "1 marqueur à compléter, surligné ci-dessous"
        );
        assert_eq!(
            markers_line(2),
            "2 marqueurs à compléter, surlignés ci-dessous"
        );
    }
}
