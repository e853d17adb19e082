//! Mail channel tests against real servers on loopback: a Dovecot per test (IMAP) and an aiosmtpd
//! receiver delivering into the citizen's Dovecot mailbox.

mod intake;
mod outbound;
mod resilience;
mod support;
