//! Multi-row statements of a mail batch: placeholders for both engines, and the rows of the
//! tables a batch fills, each bound in column order.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::super::dialect::MAX_PARAMS;
use super::super::{secs, Backend, NewInquiry, NewJob, StoreError};
use crate::inquiry::InquiryId;

/// Most values in one `IN (…)` list or rows in one `VALUES` list.
pub(super) const LIST_MAX: usize = 500;

pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Placeholder number `n` (1-based): `?` on SQLite (bound in text order), `$n` on PostgreSQL.
/// Statements number their placeholders in text order so one bind order serves both.
pub(super) fn param(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `(p_start, …, p_start+len-1)`.
pub(super) fn list(backend: Backend, start: usize, len: usize) -> String {
    let items: Vec<String> = (start..start + len).map(|n| param(backend, n)).collect();
    format!("({})", items.join(", "))
}

/// `head VALUES… tail` for every chunk of rows that fits the parameter limit.
pub(super) async fn insert_rows<T>(
    conn: &mut AnyConnection,
    backend: Backend,
    head: &str,
    tail: &str,
    cols: usize,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<u64, StoreError> {
    let mut affected = 0;
    for chunk in rows.chunks((MAX_PARAMS / cols).min(LIST_MAX)) {
        let sql = format!("{head}{}{tail}", backend.values_sql(chunk.len(), cols));
        let mut q = sqlx::query(&sql);
        for row in chunk {
            q = bind(q, row);
        }
        affected += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(affected)
}

/// An event waiting for the batch's commit.
pub(super) struct EventRow {
    pub inquiry: i64,
    pub event: &'static str,
    pub actor: String,
    pub at: i64,
    pub detail: String,
}

impl EventRow {
    pub(super) fn bind<'q>(q: AnyQuery<'q>, e: &'q EventRow) -> AnyQuery<'q> {
        q.bind(e.inquiry)
            .bind(e.event)
            .bind(e.actor.as_str())
            .bind(e.at)
            .bind(e.detail.as_str())
    }
}

/// An outbox job with its serialised payload.
pub(super) struct JobRow<'a> {
    job: &'a NewJob,
    payload: String,
    at: i64,
}

impl<'a> JobRow<'a> {
    pub(super) fn new(job: &'a NewJob, at: DateTime<Utc>) -> JobRow<'a> {
        JobRow {
            job,
            payload: job.payload.to_json(),
            at: secs(at),
        }
    }

    pub(super) fn bind<'q>(q: AnyQuery<'q>, r: &'q JobRow<'_>) -> AnyQuery<'q> {
        q.bind(r.job.inquiry.0)
            .bind(r.job.kind.as_str())
            .bind(r.job.payload.transport())
            .bind(r.job.message_id.as_str())
            .bind(r.job.recipient.as_deref())
            .bind(r.payload.as_str())
            .bind("pending")
            .bind(0_i64)
            .bind(r.at)
            .bind(r.at)
    }
}

/// The personal part of new inquiries (`inquiry_personal`).
pub(super) async fn insert_personal(
    conn: &mut AnyConnection,
    backend: Backend,
    created: &[(InquiryId, &NewInquiry<'_>)],
) -> Result<(), StoreError> {
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".to_string());
    let rows: Vec<(InquiryId, &NewInquiry<'_>, String, String)> = created
        .iter()
        .map(|(id, n)| {
            (
                *id,
                *n,
                json(serde_json::to_string(&n.message.headers)),
                json(serde_json::to_string(&n.message.attachments)),
            )
        })
        .collect();
    insert_rows(
        conn,
        backend,
        "INSERT INTO inquiry_personal (inquiry_id, from_name, from_email, subject, body, quoted, \
         signature, headers, html, message_id, attachments, route) VALUES ",
        "",
        12,
        &rows,
        |q, (id, n, headers, attachments)| {
            let m = n.message;
            q.bind(id.0)
                .bind(m.from.as_ref().and_then(|a| a.name.as_deref()))
                .bind(m.from.as_ref().map(|a| a.email.as_str()))
                .bind(m.subject.as_str())
                .bind(m.body.as_str())
                .bind(m.quoted.as_str())
                .bind(m.signature.as_str())
                .bind(headers.as_str())
                .bind(m.html.as_deref())
                .bind(m.message_id.as_deref())
                .bind(attachments.as_str())
                .bind(n.route.as_deref())
        },
    )
    .await?;
    Ok(())
}

/// The classification of new inquiries.
pub(super) async fn insert_classifications(
    conn: &mut AnyConnection,
    backend: Backend,
    created: &[(InquiryId, &NewInquiry<'_>)],
) -> Result<(), StoreError> {
    let rows: Vec<(InquiryId, &NewInquiry<'_>, String)> = created
        .iter()
        .map(|(id, n)| {
            let rules = serde_json::Value::from(n.classification.rules.clone()).to_string();
            (*id, *n, rules)
        })
        .collect();
    insert_rows(
        conn,
        backend,
        "INSERT INTO classifications (inquiry_id, kind, facility, topic, automatic, automatic_reason, \
         lang, rules, template, classified_at) VALUES ",
        "",
        10,
        &rows,
        |q, (id, n, rules)| {
            let c = n.classification;
            q.bind(id.0)
                .bind(c.kind.as_str())
                .bind(c.facility.as_ref().map(|f| f.as_str()))
                .bind(c.topic.as_str())
                .bind(i64::from(c.automatic))
                .bind(c.automatic_reason.as_deref())
                .bind(c.lang.as_str())
                .bind(rules.as_str())
                .bind(c.template.as_deref())
                .bind(secs(n.received_at))
        },
    )
    .await?;
    Ok(())
}
