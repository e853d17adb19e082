//! The mail channel. For now: reading untrusted RFC 5322 messages into the channel-neutral
//! [`crate::inquiry::Message`]; IMAP intake and SMTP sending will live here too.

pub mod html;
pub mod parse;
pub mod text;

pub use parse::{parse, Limits, ParseError};
