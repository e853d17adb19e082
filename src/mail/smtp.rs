//! SMTP, how replies and acknowledgements leave: a [`Transport`] for outbox jobs of transport
//! `mail` (lettre with rustls), a copy APPENDed to the Sent folder, the citizen's original
//! flagged `\Answered`, and a look in the Sent folder before any retry so nothing leaves twice.

use std::time::Duration;

use futures::TryStreamExt;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::MailConfig;
use crate::mail::imap::{self, ImapSettings};
use crate::pipeline::{DeliveryError, Transport};
use crate::store::{Job, JobKind};

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

/// `Auto-Submitted` (RFC 3834), which lettre does not know.
#[derive(Debug, Clone)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Delivers mail jobs over SMTP; with IMAP configured, keeps the Sent folder and flags.
pub struct SmtpTransport {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    imap: Option<ImapSettings>,
    sent_folder: String,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("sent_folder", &self.sent_folder)
            .finish()
    }
}

impl SmtpTransport {
    /// From the mail config; `imap` (the intake mailbox) is used for Sent and `\Answered`.
    pub async fn from_config(
        mail: &MailConfig,
        imap: Option<ImapSettings>,
    ) -> Result<SmtpTransport, SmtpError> {
        let raw = mail.smtp_url.as_deref().ok_or(SmtpError::NoUrl)?;
        let url = url::Url::parse(raw).map_err(|e| SmtpError::Url(e.to_string()))?;
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']);
        let tls = url.query_pairs().any(|(k, _)| k == "tls");
        if url.scheme() == "smtp" && !tls && !imap::is_loopback(host) {
            return Err(SmtpError::PlainNotLoopback(host.to_string()));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(raw)
            .map_err(|e| SmtpError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(60)));
        let user = percent_encoding::percent_decode_str(url.username())
            .decode_utf8_lossy()
            .to_string();
        if mail.smtp_xoauth2 {
            let settings = imap.as_ref().ok_or(SmtpError::NoUrl)?;
            let token = imap::connect::token(&settings.auth)
                .await?
                .unwrap_or_default();
            builder = builder
                .credentials(Credentials::new(user, token))
                .authentication(vec![Mechanism::Xoauth2]);
        } else if let Some(password) = &mail.smtp_password {
            builder = builder
                .credentials(Credentials::new(user, password.expose().to_string()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(SmtpTransport {
            smtp: builder.build(),
            imap,
            sent_folder: mail.sent_folder.clone(),
        })
    }

    /// True when a message with this Message-ID is in the Sent folder.
    async fn in_sent(&self, settings: &ImapSettings, message_id: &str) -> Result<bool, String> {
        let mut session = imap::connect(settings).await.map_err(|e| e.to_string())?;
        session
            .examine(&self.sent_folder)
            .await
            .map_err(|e| e.to_string())?;
        let found = session
            .uid_search(format!("HEADER Message-ID {}", quoted(message_id)))
            .await
            .map_err(|e| e.to_string())?;
        let _ = session.logout().await;
        Ok(!found.is_empty())
    }

    /// After sending: a copy in Sent, and the citizen's original flagged `\Answered` (replies).
    async fn file_copy(
        &self,
        settings: &ImapSettings,
        raw: &[u8],
        answered: Option<&str>,
    ) -> Result<(), String> {
        let mut session = imap::connect(settings).await.map_err(|e| e.to_string())?;
        session
            .append(&self.sent_folder, Some("(\\Seen)"), None, raw)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(original) = answered {
            session
                .select(&settings.mailbox)
                .await
                .map_err(|e| e.to_string())?;
            let uids = session
                .uid_search(format!("HEADER Message-ID {}", quoted(original)))
                .await
                .map_err(|e| e.to_string())?;
            for uid in uids {
                let stream = session
                    .uid_store(uid.to_string(), "+FLAGS (\\Answered)")
                    .await
                    .map_err(|e| e.to_string())?;
                let _: Vec<_> = stream.try_collect().await.map_err(|e| e.to_string())?;
            }
        }
        let _ = session.logout().await;
        Ok(())
    }
}

/// An IMAP quoted string (Message-IDs never hold quotes or backslashes, but mail is hostile).
fn quoted(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    format!("\"{clean}\"")
}

/// A Message-ID in its angle brackets (the parser hands them over bare), stripped of anything
/// that could break the header.
fn msg_id(id: &str) -> String {
    let bare: String = id
        .trim()
        .trim_matches(['<', '>'])
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '<' && *c != '>')
        .collect();
    format!("<{bare}>")
}

/// The RFC 5322 message of a job: text + HTML alternative, UTF-8, threaded.
pub fn build_message(job: &Job) -> Result<lettre::Message, DeliveryError> {
    let p = &job.payload;
    let field = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let bad = |what: &str| DeliveryError::Permanent(format!("job {}: {what}", job.id));
    let to_addr = field("to").ok_or_else(|| bad("no recipient"))?;
    let to = Mailbox::new(
        field("to_name"),
        to_addr.parse().map_err(|_| bad("invalid recipient"))?,
    );
    let from: Mailbox = field("from")
        .ok_or_else(|| bad("no sender"))?
        .parse()
        .map_err(|_| bad("invalid sender"))?;
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(field("subject").unwrap_or_default())
        .message_id(Some(job.message_id.clone()));
    if let Some(parent) = field("in_reply_to") {
        builder = builder.in_reply_to(msg_id(&parent));
    }
    let refs: Vec<String> = p
        .get("references")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(msg_id)).collect())
        .unwrap_or_default();
    if !refs.is_empty() {
        builder = builder.references(refs.join(" "));
    }
    if let Some(auto) = field("auto_submitted") {
        builder = builder.header(AutoSubmitted(auto));
    }
    let text = field("text").unwrap_or_default();
    let message = match field("html") {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text),
        ),
    };
    message.map_err(|e| bad(&e.to_string()))
}

impl Transport for SmtpTransport {
    fn name(&self) -> &str {
        "mail"
    }

    async fn deliver(&self, job: &Job) -> Result<serde_json::Value, DeliveryError> {
        if job.attempts > 1 {
            if let Some(settings) = &self.imap {
                // Unsure whether an earlier attempt left: look before sending again. If we
                // cannot look, wait (a temporary failure) rather than risk a second copy.
                let found = self
                    .in_sent(settings, &job.message_id)
                    .await
                    .map_err(|e| DeliveryError::Temporary(format!("cannot check Sent: {e}")))?;
                if found {
                    tracing::info!(job = job.id, "already in Sent: completed without sending");
                    return Ok(serde_json::json!({ "already_sent": true }));
                }
            }
        }
        let message = build_message(job)?;
        let raw = message.formatted();
        self.smtp
            .send_raw(message.envelope(), &raw)
            .await
            .map_err(|e| {
                if e.is_permanent() {
                    DeliveryError::Permanent(e.to_string())
                } else {
                    DeliveryError::Temporary(e.to_string())
                }
            })?;
        if let Some(settings) = &self.imap {
            let answered = match job.kind {
                JobKind::Reply => job.payload.get("in_reply_to").and_then(|v| v.as_str()),
                _ => None,
            };
            if let Err(e) = self.file_copy(settings, &raw, answered).await {
                tracing::warn!(job = job.id, error = %e, "sent, but no copy in Sent / no \\Answered flag");
            }
        }
        Ok(serde_json::json!({ "smtp": "accepted" }))
    }
}

#[cfg(test)]
mod tests {
    use super::msg_id;

    #[test]
    fn message_ids_get_their_brackets_and_lose_injections() {
        assert_eq!(msg_id("a.b@example.net"), "<a.b@example.net>");
        assert_eq!(msg_id("<a@x>"), "<a@x>");
        assert_eq!(msg_id("a@x>\r\nBcc: z@y"), "<a@xBcc:z@y>");
    }
}

#[cfg(test)]
mod build_tests {
    use super::build_message;
    use crate::inquiry::InquiryId;
    use crate::store::{Job, JobKind};

    #[test]
    fn threading_headers_keep_their_brackets() {
        let job = Job {
            id: 1,
            inquiry: InquiryId(1),
            kind: JobKind::Ack,
            transport: "mail".into(),
            message_id: "<r.ack@example.test>".into(),
            recipient: None,
            payload: serde_json::json!({"to": "a@example.net", "from": "b@example.test", "subject": "S", "text": "t", "in_reply_to": "m1@example.net", "references": ["m0@example.net", "m1@example.net"]}),
            attempts: 1,
            created_at: chrono::Utc::now(),
        };
        let raw = String::from_utf8(build_message(&job).unwrap().formatted()).unwrap();
        assert!(raw.contains("In-Reply-To: <m1@example.net>\r\n"), "{raw}");
        assert!(
            raw.contains("References: <m0@example.net> <m1@example.net>\r\n"),
            "{raw}"
        );
    }
}
