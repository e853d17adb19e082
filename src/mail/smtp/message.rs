//! The RFC 5322 message of a mail job (lettre's builder): text with an optional HTML
//! alternative, UTF-8, threaded, dated by the attempt, so the copy filed later is the message that
//! left.

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::pipeline::DeliveryError;
use crate::store::{Job, Payload, MAX_REFERENCES};

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
                holding: false,
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
