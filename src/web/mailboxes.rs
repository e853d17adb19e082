//! Each mailbox's intake in `/readyz` and `/metrics`: its state, since when, failures and what
//! it took in since start (names are configuration; no mail content).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::mail::imap::MailboxHealth;

/// The `mailboxes` readiness check: ok unless a mailbox lost its connection.
pub fn readiness(health: &MailboxHealth) -> Value {
    let mut all_ok = true;
    let mut each = serde_json::Map::new();
    for (name, s) in health.snapshot() {
        all_ok &= s.state.ok();
        each.insert(
            name,
            json!({
                "ok": s.state.ok(),
                "state": s.state.as_str(),
                "since": s.since.to_rfc3339(),
                "failures": s.failures,
                "last_error": s.last_error,
            }),
        );
    }
    json!({ "ok": all_ok, "each": each })
}

/// Prometheus lines per mailbox.
pub fn render(health: &MailboxHealth, out: &mut String) {
    let snapshot = health.snapshot();
    if snapshot.is_empty() {
        return;
    }
    let label = |name: &str| name.replace('\\', "\\\\").replace('"', "\\\"");
    out.push_str(
        "# HELP guichet_mailbox_up 1 while the mailbox's intake is connected (syncing or idle).\n\
         # TYPE guichet_mailbox_up gauge\n",
    );
    for (name, s) in &snapshot {
        let up = matches!(
            s.state,
            crate::mail::imap::MailboxState::Idle | crate::mail::imap::MailboxState::Syncing
        );
        let _ = writeln!(
            out,
            "guichet_mailbox_up{{mailbox=\"{}\",state=\"{}\"}} {}",
            label(name),
            s.state.as_str(),
            u8::from(up)
        );
    }
    for (metric, help, value) in [
        (
            "guichet_mailbox_failures_total",
            "Connections of the mailbox lost since start.",
            (|s: &crate::mail::imap::MailboxStatus| s.failures) as fn(&_) -> u64,
        ),
        (
            "guichet_mailbox_fetched_total",
            "Mails fetched from the mailbox since start.",
            |s| s.fetched,
        ),
        (
            "guichet_mailbox_created_total",
            "Inquiries created from the mailbox since start.",
            |s| s.created,
        ),
    ] {
        let _ = writeln!(out, "# HELP {metric} {help}\n# TYPE {metric} counter");
        for (name, s) in &snapshot {
            let _ = writeln!(out, "{metric}{{mailbox=\"{}\"}} {}", label(name), value(s));
        }
    }
}
