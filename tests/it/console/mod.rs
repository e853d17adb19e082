//! Console, contact form, manual entry and operations routes, driven with `oneshot` on the web
//! suite's seeded application.

mod actions;
mod contact;
mod facts;
mod inquiry;
mod long_text;
mod ops;
mod search;

use guichet::inquiry::InquiryId;
use guichet::store::{JobKind, Store};

/// The payload of the inquiry's reply job, as JSON (what the transport will send).
pub async fn reply_payload(store: &Store, id: InquiryId) -> Option<serde_json::Value> {
    store
        .payloads_of(id)
        .await
        .expect("payloads")
        .into_iter()
        .rev()
        .find(|(kind, _)| *kind == JobKind::Reply)
        .map(|(_, p)| serde_json::from_str(&p.to_json()).expect("json"))
}
