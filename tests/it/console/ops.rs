//! Health, readiness and Prometheus metrics.

use axum::http::StatusCode;

use crate::web::support::{Jar, TestApp};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    let jar = Jar::default();
    let live = app.get("/healthz", &jar).await;
    assert_eq!(live.status, StatusCode::OK);
    assert_eq!(live.body, "ok");
    // The seeded open inquiry's acknowledgement is still pending and dated March 2026: stuck.
    for path in ["/readyz", "/healthz?ready"] {
        let ready = app.get(path, &jar).await;
        let v: serde_json::Value = serde_json::from_str(&ready.body).expect("JSON");
        assert_eq!(v["checks"]["store"]["ok"], true, "{path}: {}", ready.body);
        assert!(v["checks"]["outbox"]["pending"].is_i64(), "{}", ready.body);
        let ok = v["ok"] == true;
        let expected = if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        assert_eq!(ready.status, expected);
    }
    let m = app.get("/metrics", &jar).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.content_type.starts_with("text/plain"));
    assert!(
        m.body
            .contains("guichet_inquiries{channel=\"mail\",status=\"sent\"} 2"),
        "{}",
        m.body
    );
    assert!(m.body.contains("guichet_drafts_waiting 1"), "{}", m.body);
    assert!(m.body.contains("guichet_outbox_depth "));
    assert!(m.body.contains("guichet_outbox_oldest_age_seconds "));
    assert!(m
        .body
        .contains("guichet_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(m
        .body
        .contains("guichet_http_requests_total{method=\"GET\",status=\"2xx\"}"));
}
