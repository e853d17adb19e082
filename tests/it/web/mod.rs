//! Web tests: the router driven without a socket (`oneshot`), and one real-browser run of
//! `guichet demo` in headless Chromium.

mod accuracy;
mod auth;
mod browser;
mod cli;
mod routes;
pub mod sessions;
mod store;
pub mod support;
mod survey;
mod transparency;
