//! Outgoing and incoming mail settings: addresses, loop protection, IMAP and SMTP connections.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Secret;

/// Outgoing mail policy (the IMAP/SMTP connection settings live with the mail channel).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The address replies and acknowledgements come from (`GUICHET_FROM`).
    pub from: String,
    /// Our own addresses: never acknowledged (loop protection), besides `from`.
    pub own_addresses: Vec<String>,
    /// At most this many acknowledgements per sender per day.
    pub ack_per_sender_per_day: u32,
    /// `imaps://USER@HOST/INBOX`, `imap://…` (STARTTLS; plain only on loopback); user
    /// percent-encoded, mailbox as path (`GUICHET_IMAP_URL`).
    pub imap_url: Option<String>,
    /// IMAP LOGIN password (`GUICHET_IMAP_PASSWORD`).
    pub imap_password: Option<Secret>,
    /// XOAUTH2 bearer token (`GUICHET_IMAP_TOKEN`), used instead of the password.
    pub imap_token: Option<Secret>,
    /// An extra trusted CA (PEM) for a server with a private certificate (`GUICHET_IMAP_CA_FILE`).
    pub imap_ca_file: Option<PathBuf>,
    /// A command printing a fresh XOAUTH2 token (`GUICHET_IMAP_TOKEN_COMMAND`), run through `sh -c`.
    pub imap_token_command: Option<String>,
    /// lettre syntax: `smtps://USER@HOST`, `smtp://HOST:587?tls=required`, `smtp://127.0.0.1:2525`
    /// (`GUICHET_SMTP_URL`); keep the password out of it.
    pub smtp_url: Option<String>,
    /// SMTP password (`GUICHET_SMTP_PASSWORD`); with `smtp_xoauth2`, the IMAP token source is used.
    pub smtp_password: Option<Secret>,
    /// Authenticate to SMTP with XOAUTH2 and the IMAP token source.
    pub smtp_xoauth2: bool,
    /// Mail received more than this many days before the first start is history (never
    /// acknowledged) (`GUICHET_MAIL_HISTORY_DAYS`).
    pub history_days: u32,
    /// Messages per `UID FETCH` during backfill and catch-up.
    pub batch_size: u32,
    /// Above this size a mail is read as headers and the beginning of its first part only.
    pub max_message_bytes: u32,
    /// Where copies of sent mail go (APPEND) and where a retry looks before sending again.
    pub sent_folder: String,
    /// Server-side sorting: set a `guichet-KIND` keyword on each inquiry's mail.
    pub sort_keywords: bool,
    /// Server-side sorting: MOVE the mail of a kind (`piscine`, `automatic`…) to a folder; never
    /// deletes.
    pub sort_folders: std::collections::BTreeMap<String, String>,
    /// Seconds before IDLE is re-issued (servers drop it after 30 min).
    pub idle_refresh_secs: u64,
    /// Several mailboxes (`[[mail.mailbox]]`), instead of the single `imap_url`.
    pub mailbox: Vec<super::MailboxConfig>,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "contact@valleesud.example".to_string(),
            own_addresses: Vec::new(),
            ack_per_sender_per_day: 5,
            imap_url: None,
            imap_password: None,
            imap_token: None,
            imap_token_command: None,
            imap_ca_file: None,
            smtp_url: None,
            smtp_password: None,
            smtp_xoauth2: false,
            history_days: 7,
            batch_size: 200,
            max_message_bytes: 25 * 1024 * 1024,
            sent_folder: "Sent".to_string(),
            sort_keywords: false,
            sort_folders: Default::default(),
            idle_refresh_secs: 25 * 60,
            mailbox: Vec::new(),
        }
    }
}

impl MailConfig {
    /// True for the territory's own addresses (compared case-insensitively).
    pub fn is_own_address(&self, email: &str) -> bool {
        let email = email.trim();
        email.eq_ignore_ascii_case(self.from.trim())
            || self
                .own_addresses
                .iter()
                .chain(self.mailbox.iter().flat_map(|m| m.own_addresses.iter()))
                .any(|a| a.trim().eq_ignore_ascii_case(email))
    }

    /// The domain used in Message-IDs we create.
    pub fn message_id_domain(&self) -> &str {
        self.from
            .rsplit_once('@')
            .map(|(_, d)| d.trim())
            .filter(|d| !d.is_empty())
            .unwrap_or("guichet.invalid")
    }
}
