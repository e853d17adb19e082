//! The Sent folder over one long-lived IMAP session: the lookup by Message-ID that tells whether
//! an interrupted job already left, the copy filed after a delivery (once: a copy already there
//! is kept) and the `\Answered` flag on the citizen's original. The session is opened on first
//! use and kept; when it drops (server restart, autologout, timeout) the operation is redone once
//! on a fresh session — each one is idempotent — and an error is reported only if that fails too.

use std::time::Duration;

use futures::TryStreamExt;

use crate::mail::imap::{self, ImapSettings, Session};

/// Bound on one operation (a few commands); a session that takes longer is dropped.
const OP_TIMEOUT: Duration = Duration::from_secs(60);

/// The folder the session has open, so that a run of copies selects it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    /// The Sent folder, read-only (EXAMINE).
    Sent,
    /// The intake mailbox, read-write (SELECT), for `\Answered`.
    Mailbox,
}

struct Held {
    session: Session,
    open: Open,
}

/// What to do in the Sent folder.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    /// Is a message with this Message-ID there?
    Lookup(&'a str),
    /// File the copy unless it is there, then flag the original `\Answered` (replies).
    File {
        message_id: &'a str,
        raw: &'a [u8],
        answered: Option<&'a str>,
    },
}

/// The Sent folder of the intake mailbox's account.
pub(super) struct SentFolder {
    settings: ImapSettings,
    folder: String,
    held: tokio::sync::Mutex<Option<Held>>,
}

impl SentFolder {
    pub fn new(settings: ImapSettings, folder: String) -> SentFolder {
        SentFolder {
            settings,
            folder,
            held: tokio::sync::Mutex::new(None),
        }
    }

    /// True when a message with this Message-ID is in the Sent folder.
    pub async fn contains(&self, message_id: &str) -> Result<bool, String> {
        self.run(Op::Lookup(message_id)).await
    }

    /// A copy in Sent (unless one is there already) and the original flagged `\Answered`.
    pub async fn file(
        &self,
        message_id: &str,
        raw: &[u8],
        answered: Option<&str>,
    ) -> Result<(), String> {
        self.run(Op::File {
            message_id,
            raw,
            answered,
        })
        .await
        .map(|_| ())
    }

    async fn run(&self, op: Op<'_>) -> Result<bool, String> {
        let mut guard = self.held.lock().await;
        let reused = guard.is_some();
        match self.once(&mut guard, op).await {
            Ok(v) => Ok(v),
            Err(e) if reused => {
                tracing::debug!(error = %e, "IMAP session for Sent dropped: reopening");
                self.once(&mut guard, op).await
            }
            Err(e) => Err(e),
        }
    }

    /// The operation on the kept session (opened if none); the session is dropped on error.
    async fn once(&self, guard: &mut Option<Held>, op: Op<'_>) -> Result<bool, String> {
        let held = match guard {
            Some(h) => h,
            None => guard.insert(Held {
                session: imap::connect(&self.settings)
                    .await
                    .map_err(|e| e.to_string())?,
                open: Open::None,
            }),
        };
        let done = tokio::time::timeout(OP_TIMEOUT, self.apply(held, op))
            .await
            .unwrap_or_else(|_| Err("IMAP operation timed out".to_string()));
        if done.is_err() {
            *guard = None;
        }
        done
    }

    async fn apply(&self, held: &mut Held, op: Op<'_>) -> Result<bool, String> {
        let e = |e: async_imap::error::Error| e.to_string();
        let id = match op {
            Op::Lookup(id) | Op::File { message_id: id, .. } => id,
        };
        if held.open != Open::Sent {
            held.open = Open::None;
            held.session.examine(&self.folder).await.map_err(e)?;
            held.open = Open::Sent;
        }
        let there = !held
            .session
            .uid_search(format!("HEADER Message-ID {}", quoted(id)))
            .await
            .map_err(e)?
            .is_empty();
        let Op::File { raw, answered, .. } = op else {
            return Ok(there);
        };
        if !there {
            held.session
                .append(&self.folder, Some("(\\Seen)"), None, raw)
                .await
                .map_err(e)?;
        }
        if let Some(original) = answered {
            held.open = Open::None;
            held.session
                .select(&self.settings.mailbox)
                .await
                .map_err(e)?;
            held.open = Open::Mailbox;
            let uids = held
                .session
                .uid_search(format!("HEADER Message-ID {}", quoted(original)))
                .await
                .map_err(e)?;
            for uid in uids {
                let stream = held
                    .session
                    .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Answered)")
                    .await
                    .map_err(e)?;
                let _: Vec<_> = stream.try_collect().await.map_err(e)?;
            }
        }
        Ok(true)
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
