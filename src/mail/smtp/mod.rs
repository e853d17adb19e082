//! SMTP, how replies and acknowledgements leave: a [`Transport`] for outbox jobs of transport
//! `mail` (lettre with rustls). After the server's `250` the job is recorded sent at once; the
//! copy APPENDed to the Sent folder and the citizen's original flagged `\Answered` come after,
//! as the outbox's retried copy step. A job whose earlier attempt may have left is first looked
//! up by Message-ID in the Sent folder, so nothing leaves twice.
//!
//! One SMTP connection ([`connection`]) and one IMAP session ([`sent`]) are kept open and shared
//! by the jobs the outbox has in flight (see [`Transport::window`]).

mod connection;
mod message;
mod sent;

use connection::{Endpoint, Link, Login, SendError};
use sent::SentFolder;

pub use message::build_message;

use crate::config::MailConfig;
use crate::mail::imap::{self, ImapSettings};
use crate::pipeline::{DeliveryError, Receipt, Transport};
use crate::store::{Job, JobKind, Payload};

/// Mail jobs of different inquiries in flight at once: while one holds the SMTP connection,
/// others record their attempt or their delivery in the ledger, and the Sent copies of earlier
/// ones are filed.
const WINDOW: usize = 8;

/// The SMTP side could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("no smtp_url (GUICHET_SMTP_URL)")]
    NoUrl,
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error(
        "refusing plain SMTP to {0}: use smtps:// or ?tls=required (plain is for loopback only)"
    )]
    PlainNotLoopback(String),
    #[error(transparent)]
    Imap(#[from] imap::ImapError),
}

/// Delivers mail jobs over SMTP; with IMAP configured, keeps the Sent folder and flags.
pub struct SmtpTransport {
    smtp: Link,
    sent: Option<SentFolder>,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("keeps_copies", &self.sent.is_some())
            .finish()
    }
}

impl SmtpTransport {
    /// From the mail config; `imap` (the intake mailbox) is used for Sent and `\Answered`.
    /// Nothing is connected yet: the first job opens the connections.
    pub async fn from_config(
        mail: &MailConfig,
        imap: Option<ImapSettings>,
    ) -> Result<SmtpTransport, SmtpError> {
        let raw = mail.smtp_url.as_deref().ok_or(SmtpError::NoUrl)?;
        let url = url::Url::parse(raw).map_err(|e| SmtpError::Url(e.to_string()))?;
        let (mut endpoint, user) = Endpoint::from_url(&url)?;
        if endpoint.tls == connection::Tls::None && !imap::is_loopback(&endpoint.host) {
            return Err(SmtpError::PlainNotLoopback(endpoint.host));
        }
        if mail.smtp_xoauth2 {
            let settings = imap.as_ref().ok_or(SmtpError::NoUrl)?;
            // Fails now, at start-up, when the token source does not work.
            imap::connect::token(&settings.auth).await?;
            endpoint.login = Login::XOAuth2(user, settings.auth.clone());
        } else if let Some(password) = &mail.smtp_password {
            endpoint.login = Login::Password(user, password.clone());
        }
        Ok(SmtpTransport {
            smtp: Link::new(endpoint),
            sent: imap.map(|s| SentFolder::new(s, mail.sent_folder.clone())),
        })
    }
}

impl Transport for SmtpTransport {
    fn name(&self) -> &str {
        "mail"
    }

    fn window(&self) -> usize {
        WINDOW
    }

    /// An earlier attempt may have left: its copy in Sent says so. Without IMAP there is
    /// nowhere to look and the job is sent again (at least once, stated in the README).
    async fn find_delivered(&self, job: &Job) -> Result<Option<Receipt>, DeliveryError> {
        let Some(sent) = &self.sent else {
            tracing::warn!(
                job = job.id,
                "no IMAP to look in Sent: an interrupted job is sent again"
            );
            return Ok(None);
        };
        let found = sent
            .contains(&job.message_id)
            .await
            .map_err(|e| DeliveryError::Temporary(format!("cannot check Sent: {e}")))?;
        Ok(found.then(|| serde_json::json!({ "already_sent": true })))
    }

    async fn deliver(&self, job: &Job) -> Result<Receipt, DeliveryError> {
        let message = build_message(job)?;
        let raw = message.formatted();
        self.smtp
            .send(message.envelope(), &raw)
            .await
            .map_err(|e| match e {
                SendError::Permanent(e) => DeliveryError::Permanent(e),
                SendError::Temporary(e) => DeliveryError::Temporary(e),
            })?;
        Ok(serde_json::json!({ "smtp": "accepted" }))
    }

    fn keeps_copies(&self) -> bool {
        self.sent.is_some()
    }

    /// The copy in Sent (unless one is there already) and, for a reply, the citizen's original
    /// flagged `\Answered`.
    async fn keep_copy(&self, job: &Job) -> Result<(), DeliveryError> {
        let Some(sent) = &self.sent else {
            return Ok(());
        };
        let raw = build_message(job)?.formatted();
        let answered = match (&job.kind, &job.payload) {
            (JobKind::Reply, Payload::Mail(m)) => m.in_reply_to.as_deref(),
            _ => None,
        };
        sent.file(&job.message_id, &raw, answered)
            .await
            .map_err(DeliveryError::Temporary)
    }
}
