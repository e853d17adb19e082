//! One integration-test binary: each module drives the real library or binary.

mod classify;
mod ledger;
mod mail;
