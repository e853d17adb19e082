//! guichet answers the public for Vallée Sud – Grand Paris: it sorts inquiries with FAQ rules kept as
//! data, drafts consistent templated replies, and logs every timestamp for the Qualivilles indicators.
//!
//! Pure domain code (`inquiry`, `faq`, `draft`, `calendar`, `engagement`, `indicators`, `clean`)
//! takes values and returns values; `pipeline` is the one flow every channel goes through and the
//! only writer of an inquiry's life; adapters named after the outside system (`mail`, `discord`,
//! `web`, `store`) translate and do the I/O; `root` assembles the system once, and `service` runs
//! the channels a command picks.

pub mod assets;
pub mod calendar;
pub mod clean;
pub mod cli;
pub mod config;
pub mod discord;
pub mod draft;
pub mod engagement;
pub mod faq;
pub mod indicators;
pub mod inquiry;
pub mod labels;
pub mod learn;
pub mod mail;
pub mod pipeline;
pub mod root;
pub mod secret;
pub mod service;
pub mod store;
pub mod survey;
pub mod web;
