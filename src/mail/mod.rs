//! The mail channel: reading untrusted RFC 5322 messages into the channel-neutral
//! [`crate::inquiry::Message`], IMAP intake ([`imap`]) and SMTP sending ([`smtp`]).

pub mod imap;
pub mod parse;
pub mod smtp;
pub mod text;

pub use parse::{parse, Limits, ParseError};
