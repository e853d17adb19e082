//! Ledger tests: every scenario runs on SQLite and on PostgreSQL through the same code.

mod accuracy;
mod cli;
mod corrupt;
mod erasure;
mod examples;
mod export;
mod import;
mod purge;
mod record;
mod report;
pub(crate) mod support;
