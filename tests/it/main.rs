//! One integration-test binary: each module drives the real library or binary.

mod classify;
mod console;
mod discord;
pub mod ledger;
mod mail;
mod operations;
mod outbox;
mod pipeline;
pub mod web;
