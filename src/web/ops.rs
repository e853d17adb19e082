//! Operations: liveness (`/healthz`), readiness (`/readyz` or `/healthz?ready`: the store answers,
//! the outbox is not stuck, no mailbox lost its connection) and Prometheus metrics (`/metrics`), with the small middleware
//! that counts HTTP requests and their latency.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{AppError, WebState};

/// A pending outbox job older than this means delivery is stuck.
pub const OUTBOX_STUCK_SECONDS: i64 = 15 * 60;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 8] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default)]
struct Counts {
    /// (method, status class) → count.
    requests: std::collections::BTreeMap<(String, String), u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// HTTP request counts and latency, in memory since start.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    counts: Mutex<Counts>,
}

impl HttpMetrics {
    fn observe(&self, method: &str, status: StatusCode, seconds: f64) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let class = format!("{}xx", status.as_u16() / 100);
        *c.requests.entry((method.to_string(), class)).or_default() += 1;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                c.buckets[i] += 1;
            }
        }
        c.count += 1;
        c.sum += seconds;
    }

    fn render(&self, out: &mut String) {
        let c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP guichet_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE guichet_http_requests_total counter\n");
        for ((method, class), n) in &c.requests {
            let _ = writeln!(
                out,
                "guichet_http_requests_total{{method=\"{method}\",status=\"{class}\"}} {n}"
            );
        }
        out.push_str("# HELP guichet_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE guichet_http_request_duration_seconds histogram\n");
        for (bound, n) in BUCKETS.iter().zip(c.buckets.iter()) {
            let _ = writeln!(
                out,
                "guichet_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "guichet_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n\
             guichet_http_request_duration_seconds_sum {}\n\
             guichet_http_request_duration_seconds_count {}",
            c.count, c.sum, c.count
        );
    }
}

/// Middleware: counts every request and its latency.
pub async fn track(State(st): State<WebState>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    st.inner
        .metrics
        .observe(&method, response.status(), start.elapsed().as_secs_f64());
    response
}

#[derive(Debug, Default, Deserialize)]
pub struct HealthQuery {
    ready: Option<String>,
}

/// `/healthz`: the process answers; with `?ready`, the readiness checks.
pub async fn healthz(State(st): State<WebState>, Query(q): Query<HealthQuery>) -> Response {
    if q.ready.is_some() {
        return readyz(State(st)).await;
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

/// `/readyz`: the store answers `SELECT 1` and no pending outbox job is older than
/// [`OUTBOX_STUCK_SECONDS`]. 200 when both pass, 503 otherwise; each check in the JSON.
pub async fn readyz(State(st): State<WebState>) -> Response {
    let store = match st.store().ping().await {
        Ok(()) => json!({ "ok": true }),
        Err(e) => json!({ "ok": false, "error": e.to_string() }),
    };
    let outbox = match st.store().outbox_depth().await {
        Ok((pending, oldest)) => {
            let age = oldest.map(|t| (Utc::now() - t).num_seconds().max(0));
            json!({
                "ok": age.is_none_or(|a| a <= OUTBOX_STUCK_SECONDS),
                "pending": pending,
                "oldest_age_seconds": age,
                "threshold_seconds": OUTBOX_STUCK_SECONDS,
            })
        }
        Err(e) => json!({ "ok": false, "error": e.to_string() }),
    };
    let mailboxes = super::mailboxes::readiness(&st.inner.pipeline.mailboxes);
    let ok = store["ok"] == true && outbox["ok"] == true && mailboxes["ok"] == true;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "ok": ok, "checks": { "store": store, "outbox": outbox, "mailboxes": mailboxes } })
            .to_string(),
    )
        .into_response()
}

/// `/metrics`: Prometheus text format.
pub async fn metrics(State(st): State<WebState>) -> Result<Response, AppError> {
    let mut out = String::new();
    out.push_str("# HELP guichet_inquiries Inquiries by channel and status.\n");
    out.push_str("# TYPE guichet_inquiries gauge\n");
    let mut drafted = 0;
    for (channel, status, n) in st.store().inquiry_counts().await? {
        if status == "drafted" {
            drafted += n;
        }
        let _ = writeln!(
            out,
            "guichet_inquiries{{channel=\"{channel}\",status=\"{status}\"}} {n}"
        );
    }
    let (pending, oldest) = st.store().outbox_depth().await?;
    let age = oldest.map_or(0, |t| (Utc::now() - t).num_seconds().max(0));
    let _ = write!(
        out,
        "# HELP guichet_drafts_waiting Drafts waiting for an agent.\n\
         # TYPE guichet_drafts_waiting gauge\nguichet_drafts_waiting {drafted}\n\
         # HELP guichet_outbox_depth Outbox jobs not delivered yet.\n\
         # TYPE guichet_outbox_depth gauge\nguichet_outbox_depth {pending}\n\
         # HELP guichet_outbox_oldest_age_seconds Age of the oldest pending outbox job.\n\
         # TYPE guichet_outbox_oldest_age_seconds gauge\nguichet_outbox_oldest_age_seconds {age}\n"
    );
    super::mailboxes::render(&st.inner.pipeline.mailboxes, &mut out);
    st.inner.metrics.render(&mut out);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
