//! SMTP, how replies and acknowledgements leave: a [`Transport`] for outbox jobs of transport
//! `mail` (lettre with rustls). After the server's `250` the job is recorded sent at once; the
//! copy APPENDed to the Sent folder and the citizen's original flagged `\Answered` come after,
//! as the outbox's retried copy step. A job whose earlier attempt may have left is first looked
//! up by Message-ID in the Sent folder, so nothing leaves twice.

use std::time::Duration;

use futures::TryStreamExt;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::MailConfig;
use crate::mail::imap::{self, ImapSettings};
use crate::pipeline::{DeliveryError, Receipt, Transport};
use crate::store::{Job, JobKind, Payload, MAX_REFERENCES};

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

    /// After sending: a copy in Sent (once: a copy already there is kept), and the citizen's
    /// original flagged `\Answered` (replies).
    async fn file_copy(
        &self,
        settings: &ImapSettings,
        message_id: &str,
        raw: &[u8],
        answered: Option<&str>,
    ) -> Result<(), String> {
        let mut session = imap::connect(settings).await.map_err(|e| e.to_string())?;
        session
            .examine(&self.sent_folder)
            .await
            .map_err(|e| e.to_string())?;
        let there = session
            .uid_search(format!("HEADER Message-ID {}", quoted(message_id)))
            .await
            .map_err(|e| e.to_string())?;
        if there.is_empty() {
            session
                .append(&self.sent_folder, Some("(\\Seen)"), None, raw)
                .await
                .map_err(|e| e.to_string())?;
        }
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

/// The RFC 5322 message of a job: text + HTML alternative, UTF-8, threaded, dated by the attempt
/// (so the copy kept later is the message that left).
pub fn build_message(job: &Job) -> Result<lettre::Message, DeliveryError> {
    let bad = |what: &str| DeliveryError::Permanent(format!("job {}: {what}", job.id));
    let Payload::Mail(m) = &job.payload else {
        return Err(bad("not a mail"));
    };
    let to = Mailbox::new(
        m.to_name.clone(),
        m.to.parse().map_err(|_| bad("invalid recipient"))?,
    );
    let from: Mailbox = m.from.parse().map_err(|_| bad("invalid sender"))?;
    let date = job.in_flight_at.unwrap_or(job.created_at);
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .date(std::time::SystemTime::from(date))
        .message_id(Some(job.message_id.clone()));
    if let Some(parent) = &m.in_reply_to {
        builder = builder.in_reply_to(msg_id(parent));
    }
    // Bounded here too: a job written before the bound keeps its thread short.
    let skip = m.references.len().saturating_sub(MAX_REFERENCES);
    let refs: Vec<String> = m.references[skip..].iter().map(|r| msg_id(r)).collect();
    if !refs.is_empty() {
        builder = builder.references(refs.join(" "));
    }
    if let Some(auto) = &m.auto_submitted {
        builder = builder.header(AutoSubmitted(auto.clone()));
    }
    let message = match &m.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            m.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(m.text.clone()),
        ),
    };
    message.map_err(|e| bad(&e.to_string()))
}

impl Transport for SmtpTransport {
    fn name(&self) -> &str {
        "mail"
    }

    /// An earlier attempt may have left: its copy in Sent says so. Without IMAP there is
    /// nowhere to look and the job is sent again (at least once, stated in the README).
    async fn find_delivered(&self, job: &Job) -> Result<Option<Receipt>, DeliveryError> {
        let Some(settings) = &self.imap else {
            tracing::warn!(
                job = job.id,
                "no IMAP to look in Sent: an interrupted job is sent again"
            );
            return Ok(None);
        };
        let found = self
            .in_sent(settings, &job.message_id)
            .await
            .map_err(|e| DeliveryError::Temporary(format!("cannot check Sent: {e}")))?;
        Ok(found.then(|| serde_json::json!({ "already_sent": true })))
    }

    async fn deliver(&self, job: &Job) -> Result<Receipt, DeliveryError> {
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
        Ok(serde_json::json!({ "smtp": "accepted" }))
    }

    fn keeps_copies(&self) -> bool {
        self.imap.is_some()
    }

    /// The copy in Sent (unless one is there already) and, for a reply, the citizen's original
    /// flagged `\Answered`.
    async fn keep_copy(&self, job: &Job) -> Result<(), DeliveryError> {
        let Some(settings) = &self.imap else {
            return Ok(());
        };
        let raw = build_message(job)?.formatted();
        let answered = match (&job.kind, &job.payload) {
            (JobKind::Reply, Payload::Mail(m)) => m.in_reply_to.as_deref(),
            _ => None,
        };
        self.file_copy(settings, &job.message_id, &raw, answered)
            .await
            .map_err(DeliveryError::Temporary)
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
    use crate::store::{Job, JobKind, MailMessage, Payload};

    #[test]
    fn threading_headers_keep_their_brackets() {
        let job = Job {
            id: 1,
            inquiry: InquiryId(1),
            kind: JobKind::Ack,
            message_id: "<r.ack@example.test>".into(),
            recipient: None,
            payload: Payload::Mail(MailMessage {
                to: "a@example.net".into(),
                to_name: None,
                from: "b@example.test".into(),
                subject: "S".into(),
                text: "t".into(),
                html: None,
                in_reply_to: Some("m1@example.net".into()),
                references: vec!["m0@example.net".into(), "m1@example.net".into()],
                auto_submitted: None,
                lang: None,
            }),
            attempts: 1,
            in_flight_at: None,
            claim: String::new(),
            copy_attempts: 0,
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
