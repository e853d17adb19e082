//! guichet answers the public for Vallée Sud – Grand Paris: it sorts inquiries with FAQ rules kept as
//! data, drafts consistent templated replies, and logs every timestamp for the Qualivilles indicators.
//!
//! Pure domain code (`inquiry`, `faq`, `draft`, `calendar`, `engagement`, `indicators`) takes values
//! and returns values; `pipeline` is the one flow every channel goes through; adapters named after
//! the outside system (`mail`, `discord`, `web`, `store`) do the I/O, and `service` runs them.

pub mod assets;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod discord;
pub mod draft;
pub mod engagement;
pub mod faq;
pub mod indicators;
pub mod inquiry;
pub mod labels;
pub mod mail;
pub mod pipeline;
pub mod secret;
pub mod service;
pub mod store;
pub mod survey;
pub mod web;
