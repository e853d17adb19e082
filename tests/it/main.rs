//! One integration-test binary: each module drives the real library or binary.

mod classify;
mod discord;
mod ledger;
mod mail;
mod operations;
mod pipeline;
mod web;
