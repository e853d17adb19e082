//! IMAP, the mailbox the public writes to: connection (implicit TLS, STARTTLS, plain on loopback
//! only), LOGIN or XOAUTH2, then intake (backfill, catch-up, IDLE) and the Sent-folder helpers the
//! SMTP side needs.

mod check;
pub mod connect;
pub mod health;
pub mod idle;
pub mod intake;
mod progress;

use std::net::IpAddr;

use crate::config::{MailConfig, MailboxConfig, Secret};

pub use check::mailbox_problems;
pub use connect::{connect, Session};
pub use health::{MailboxHealth, MailboxState, MailboxStatus};
pub use idle::run_idle;
pub use intake::{Intake, SyncReport};

/// An IMAP failure.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("invalid IMAP URL: {0}")]
    Url(String),
    #[error("refusing plain IMAP to {0}: use imaps:// or a STARTTLS-capable server (plain is for loopback only)")]
    PlainNotLoopback(String),
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot read CA file {0}: {1}")]
    CaFile(String, String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("authentication failed: {0}")]
    Auth(String),
    #[error(
        "no IMAP credentials: set GUICHET_IMAP_PASSWORD, GUICHET_IMAP_TOKEN or imap_token_command"
    )]
    NoCredentials,
    #[error("token command failed: {0}")]
    TokenCommand(String),
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("mailbox {0} has no UIDVALIDITY")]
    NoUidValidity(String),
    #[error("operation timed out: {0}")]
    Timeout(&'static str),
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::PipelineError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `imaps://`: TLS from the first byte.
    Implicit,
    /// `imap://` to a remote host: STARTTLS required.
    StartTls,
    /// `imap://` to a loopback address: no TLS.
    Plain,
}

/// How to log in.
#[derive(Clone)]
pub enum Auth {
    Login(Secret),
    XOAuth2Token(Secret),
    XOAuth2Command(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::Login(_) => "Login(***)",
            Auth::XOAuth2Token(_) => "XOAuth2Token(***)",
            Auth::XOAuth2Command(_) => "XOAuth2Command",
        })
    }
}

/// Everything needed to reach one mailbox.
#[derive(Debug, Clone)]
pub struct ImapSettings {
    /// The mailbox's name in the ledger: its cursor and its mail's source keys
    /// (`imap:{key}:{UIDVALIDITY}:{UID}`); the folder for a single `imap_url`.
    pub key: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub auth: Auth,
    pub mailbox: String,
    /// An extra trusted CA (PEM), besides the webpki roots.
    pub ca_file: Option<std::path::PathBuf>,
}

impl ImapSettings {
    /// The first mailbox of the mail config (the single `imap_url`, or the first entry).
    pub fn from_config(mail: &MailConfig) -> Result<ImapSettings, ImapError> {
        let first = mail.mailboxes().into_iter().next().ok_or_else(|| {
            ImapError::Url("no imap_url (GUICHET_IMAP_URL) and no [[mail.mailbox]]".to_string())
        })?;
        ImapSettings::from_mailbox(&first)
    }

    /// From `imap[s]://USER@HOST[:PORT]/MAILBOX` and the mailbox's credentials.
    pub fn from_mailbox(m: &MailboxConfig) -> Result<ImapSettings, ImapError> {
        if m.name.trim().is_empty() {
            return Err(ImapError::Url(format!("mailbox {} has no name", m.url)));
        }
        let raw = m.url.as_str();
        let url = url::Url::parse(raw).map_err(|e| ImapError::Url(e.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| ImapError::Url("no host".to_string()))?
            .trim_matches(['[', ']'])
            .to_string();
        let loopback = is_loopback(&host);
        let tls_required = match url.query_pairs().find(|(k, _)| k == "tls") {
            None => false,
            Some((_, v)) if v == "required" => true,
            Some((_, v)) => {
                return Err(ImapError::Url(format!(
                    "unknown tls={v} (use tls=required)"
                )))
            }
        };
        let (security, default_port) = match url.scheme() {
            "imaps" => (Security::Implicit, 993),
            "imap" if loopback && !tls_required => (Security::Plain, 143),
            "imap" => (Security::StartTls, 143),
            other => return Err(ImapError::Url(format!("unknown scheme {other}"))),
        };
        if url.password().is_some() {
            return Err(ImapError::Url(
                "put the password in GUICHET_IMAP_PASSWORD, not in the URL".to_string(),
            ));
        }
        let user = percent_encoding::percent_decode_str(url.username())
            .decode_utf8()
            .map_err(|e| ImapError::Url(e.to_string()))?
            .to_string();
        if user.is_empty() {
            return Err(ImapError::Url("no user".to_string()));
        }
        let path = url.path().trim_start_matches('/');
        let mailbox = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map_err(|e| ImapError::Url(e.to_string()))?
            .to_string();
        let auth = if let Some(t) = &m.token {
            Auth::XOAuth2Token(t.clone())
        } else if let Some(c) = &m.token_command {
            Auth::XOAuth2Command(c.clone())
        } else if let Some(p) = &m.password {
            Auth::Login(p.clone())
        } else {
            return Err(ImapError::NoCredentials);
        };
        Ok(ImapSettings {
            key: m.name.clone(),
            host,
            port: url.port().unwrap_or(default_port),
            security,
            user,
            auth,
            mailbox: if mailbox.is_empty() {
                "INBOX".to_string()
            } else {
                mailbox
            },
            ca_file: m.ca_file.clone(),
        })
    }
}

/// `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(url: &str) -> MailConfig {
        MailConfig {
            imap_url: Some(url.to_string()),
            imap_password: Some(Secret::new("pw")),
            ..MailConfig::default()
        }
    }

    #[test]
    fn url_gives_user_mailbox_and_security() {
        let s =
            ImapSettings::from_config(&mail("imap://accueil%40example.test@127.0.0.1:1143/INBOX"))
                .unwrap();
        assert_eq!(s.user, "accueil@example.test");
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 1143));
        assert_eq!(s.security, Security::Plain);
        assert_eq!(s.mailbox, "INBOX");
        let s =
            ImapSettings::from_config(&mail("imap://u@mail.example.org/Accueil%20public")).unwrap();
        assert_eq!(s.security, Security::StartTls);
        assert_eq!(s.mailbox, "Accueil public");
        let s =
            ImapSettings::from_config(&mail("imap://u@localhost:1143/INBOX?tls=required")).unwrap();
        assert_eq!(s.security, Security::StartTls);
        let s = ImapSettings::from_config(&mail("imaps://u@mail.example.org")).unwrap();
        assert_eq!((s.security, s.port), (Security::Implicit, 993));
    }

    #[test]
    fn passwords_stay_out_of_urls_and_debug() {
        assert!(ImapSettings::from_config(&mail("imap://u:pw@127.0.0.1/INBOX")).is_err());
        let s = ImapSettings::from_config(&mail("imap://u@127.0.0.1/INBOX")).unwrap();
        assert!(!format!("{s:?}").contains("pw\""));
        assert!(format!("{s:?}").contains("Login(***)"));
    }
}
