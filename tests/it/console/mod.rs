//! Console, contact form, manual entry and operations routes, driven with `oneshot` on the web
//! suite's seeded application.

mod actions;
mod contact;
mod facts;
mod ops;
mod search;

use guichet::inquiry::InquiryId;
use guichet::store::Store;

/// The payload of the inquiry's reply job (claimed from the outbox).
pub async fn reply_payload(store: &Store, id: InquiryId) -> Option<serde_json::Value> {
    let jobs = store
        .claim_jobs(
            "mail",
            chrono::Utc::now() + chrono::Duration::days(1),
            chrono::Duration::seconds(60),
            100,
        )
        .await
        .expect("claim");
    jobs.into_iter()
        .find(|j| j.inquiry == id && j.kind.as_str() == "reply")
        .map(|j| j.payload)
}
