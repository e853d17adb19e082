//! Mail channel tests against real servers on loopback: a Dovecot per test (IMAP) and an aiosmtpd
//! receiver delivering into the citizen's Dovecot mailbox.

mod cli;
mod crash;
mod instances;
mod intake;
mod limits;
mod mailboxes;
mod note;
mod outbound;
mod resilience;
mod sending;
mod support;

use crate::ledger::support::{Backend, TestDb};

/// A guichet on a fresh PostgreSQL database (dropped with the returned handle).
async fn on_postgres(servers: &support::MailServers) -> (support::Guichet, TestDb) {
    let db = TestDb::new(Backend::Postgres).await;
    let mut g = support::Guichet::new(servers);
    g.config.database_url = Some(db.url.clone());
    (g, db)
}
