//! Turns raw RFC 5322 bytes (untrusted) into a [`Message`]: decoded headers, the text a human
//! would read, sanitised HTML, attachments by reference. Never panics on hostile input.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use crate::inquiry::{Address, AttachmentRef, Message};

use super::text;
use crate::clean::{clean_line, html};

/// Limits applied to untrusted mail.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Above this size only the headers and the beginning of the message are read.
    pub max_bytes: usize,
    /// At most this many header fields are kept.
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 25 * 1024 * 1024,
            max_headers: 200,
        }
    }
}

/// The bytes are not a mail at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("empty message")]
    Empty,
    #[error("not an RFC 5322 message (no header fields)")]
    NoHeaders,
}

/// How much of a too-large message is read: enough for headers and the first part.
const TOO_LARGE_PREFIX: usize = 256 * 1024;

/// Parses one mail.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    if !starts_like_a_header(raw) {
        return Err(ParseError::NoHeaders);
    }
    let too_large = raw.len() > limits.max_bytes;
    let raw = if too_large {
        &raw[..TOO_LARGE_PREFIX.min(raw.len())]
    } else {
        raw
    };
    let parsed = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NoHeaders)?;
    if parsed.headers().is_empty() {
        return Err(ParseError::NoHeaders);
    }

    let subject = clean_line(parsed.subject().unwrap_or_default());
    let forward = {
        let lower = subject.to_lowercase();
        ["tr:", "tr :", "fwd:", "fw:", "fwd :", "fw :"]
            .iter()
            .any(|p| lower.starts_with(p))
    };
    let content_type = parsed
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        })
        .unwrap_or_else(|| "text/plain".to_string());

    let html_body = parsed.body_html(0).map(|h| h.into_owned());
    let mut body = match parsed.text_bodies().next() {
        Some(part) if part.is_text_html() => String::new(),
        Some(part) => part.text_contents().unwrap_or_default().to_string(),
        None => String::new(),
    };
    if body.trim().is_empty() {
        if let Some(html) = &html_body {
            body = html::to_text(html);
        }
    }

    let mut attachments = Vec::new();
    let mut forwarded = Vec::new();
    for part in parsed.attachments() {
        let content_type = part
            .content_type()
            .map(|ct| {
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
                    .to_ascii_lowercase()
            })
            .unwrap_or_else(|| "application/octet-stream".to_string());
        attachments.push(AttachmentRef {
            filename: part.attachment_name().map(clean_line),
            content_type: content_type.clone(),
            size: part.len(),
        });
        match &part.body {
            PartType::Message(inner) => {
                let inner_subject = inner.subject().map(clean_line).unwrap_or_default();
                let inner_text = inner
                    .body_text(0)
                    .map(|t| t.into_owned())
                    .or_else(|| inner.body_html(0).map(|h| html::to_text(&h)))
                    .unwrap_or_default();
                forwarded.push(format!("{inner_subject}\n\n{inner_text}"));
            }
            PartType::Text(t) if body.trim().is_empty() && content_type == "text/plain" => {
                // A text attachment carries the inquiry when the body is empty.
                body = t.to_string();
            }
            _ => {}
        }
    }

    let mut split = text::split(&body, forward);
    if !forwarded.is_empty() && !content_type.eq_ignore_ascii_case("multipart/report") {
        for inner in &forwarded {
            let inner_split = text::split(inner, false);
            split.new = format!("{}\n\n{}", split.new, inner_split.new)
                .trim()
                .to_string();
        }
    }

    let headers = parsed
        .headers_raw()
        .take(limits.max_headers)
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                clean_line(&value.chars().take(2000).collect::<String>()),
            )
        })
        .collect();
    let from = parsed.from().and_then(|a| a.first()).and_then(|addr| {
        let email = addr.address()?.trim().to_string();
        Some(Address {
            name: addr.name().map(clean_line).filter(|n| !n.is_empty()),
            email,
        })
    });
    let references = parsed
        .references()
        .as_text_list()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .or_else(|| parsed.references().as_text().map(|s| vec![s.to_string()]))
        .unwrap_or_default();

    Ok(Message {
        from,
        subject,
        body: split.new,
        quoted: split.quoted,
        signature: split.signature,
        headers,
        content_type,
        message_id: parsed.message_id().map(str::to_string),
        in_reply_to: parsed.in_reply_to().as_text().map(str::to_string),
        references,
        html: html_body.map(|h| html::sanitize(&h)),
        attachments,
        too_large,
    })
}

/// True when the bytes open like RFC 5322 mail: a header field name and a colon, or an mbox
/// `From ` line. Binary files (images, archives) and plain text are not mail, whatever a lenient
/// parser makes of them.
fn starts_like_a_header(raw: &[u8]) -> bool {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let line = &raw[start..];
    if line.starts_with(b"From ") {
        return true;
    }
    let name = line
        .iter()
        .take_while(|b| matches!(b, 0x21..=0x39 | 0x3b..=0x7e))
        .count();
    let colon = line[name..]
        .iter()
        .find(|b| **b != b' ' && **b != b'\t')
        .copied();
    name > 0 && colon == Some(b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_plain_text_are_not_mail() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
        ];
        assert!(matches!(
            parse(&png, &Limits::default()),
            Err(ParseError::NoHeaders)
        ));
        assert!(matches!(
            parse(b"Bonjour, les horaires ?", &Limits::default()),
            Err(ParseError::NoHeaders)
        ));
        assert!(matches!(
            parse(b" \r\n", &Limits::default()),
            Err(ParseError::Empty)
        ));
    }

    #[test]
    fn headers_and_mbox_lines_open_a_mail() {
        assert!(starts_like_a_header(b"Subject: x\r\n\r\nbody"));
        assert!(starts_like_a_header(b"\r\nReceived : from mx\r\n"));
        assert!(starts_like_a_header(
            b"From someone@example.net Mon Jan 12\n"
        ));
        assert!(!starts_like_a_header(b": no name\r\n"));
    }
}
