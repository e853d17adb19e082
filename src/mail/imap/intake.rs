//! Taking mail in exactly once: each message's identity is `imap:{mailbox}:{UIDVALIDITY}:{UID}`,
//! the highest UID taken in is remembered per mailbox, and a UIDVALIDITY change starts a resync
//! that skips what is already known by Message-ID + content hash. One `sync` serves the first
//! backfill, the catch-up after a reconnection, and each IDLE wake-up: each batch is parsed on
//! every core and recorded by the pipeline with the cursor in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

use super::{ImapError, ImapSettings, Session};
use crate::inquiry::{Channel, FacilityId, Kind, Message};
use crate::mail::{parse, Limits};
use crate::pipeline::{
    parallel, Incoming, MailBatchIn, MailItem, MailOutcome, Pipeline, PipelineError, Route,
};
use crate::store::{MailCursor, Unreadable};

/// How intake behaves (from `[mail]` in the config).
#[derive(Debug, Clone)]
pub struct IntakeOptions {
    pub batch_size: u32,
    pub max_message_bytes: u32,
    pub history_days: u32,
    pub sort_keywords: bool,
    pub sort_folders: BTreeMap<String, String>,
}

impl IntakeOptions {
    pub fn from_config(mail: &crate::config::MailConfig) -> IntakeOptions {
        IntakeOptions {
            batch_size: mail.batch_size.max(1),
            max_message_bytes: mail.max_message_bytes,
            history_days: mail.history_days,
            sort_keywords: mail.sort_keywords,
            sort_folders: mail.sort_folders.clone(),
        }
    }
}

/// The mail intake of one mailbox.
#[derive(Debug, Clone)]
pub struct Intake {
    pub pipeline: Pipeline,
    pub imap: ImapSettings,
    pub options: IntakeOptions,
    /// The mailbox's facility or service: a sorting hint, never a verdict.
    pub facility: Option<FacilityId>,
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub fetched: usize,
    pub created: usize,
    pub duplicates: usize,
    pub followups: usize,
    pub quarantined: usize,
    pub too_large: usize,
    pub history: usize,
    /// Bytes fetched (a mail above the size limit counts only its headers and beginning).
    pub bytes: usize,
}

impl SyncReport {
    /// Adds another sync's figures (several mailboxes).
    pub fn add(&mut self, o: &SyncReport) {
        self.fetched += o.fetched;
        self.created += o.created;
        self.duplicates += o.duplicates;
        self.followups += o.followups;
        self.quarantined += o.quarantined;
        self.too_large += o.too_large;
        self.history += o.history;
        self.bytes += o.bytes;
    }
}

/// One fetched message.
struct Fetched {
    uid: u32,
    internal: Option<DateTime<Utc>>,
    size: u32,
    raw: Vec<u8>,
    too_large: bool,
}

impl Intake {
    /// Takes in everything above the cursor, in batches; the cursor advances in each batch's own
    /// transaction, so a restart resumes exactly after the last recorded batch.
    pub async fn sync(&self, session: &mut Session) -> Result<SyncReport, ImapError> {
        self.sync_until(session, None).await
    }

    /// [`Intake::sync`], stopping between batches once `stop` turns true (graceful shutdown
    /// during a long backfill: the cursor stands after the last complete batch).
    pub async fn sync_until(
        &self,
        session: &mut Session,
        stop: Option<&tokio::sync::watch::Receiver<bool>>,
    ) -> Result<SyncReport, ImapError> {
        let store = &self.pipeline.store;
        let name = self.imap.key.as_str();
        let mailbox = session.select(&self.imap.mailbox).await?;
        let uidvalidity = mailbox
            .uid_validity
            .ok_or_else(|| ImapError::NoUidValidity(name.to_string()))?;
        let now = Utc::now();
        let mut cursor = match store.mail_cursor(name).await? {
            Some(c) if c.uidvalidity == uidvalidity => c,
            Some(c) => {
                tracing::warn!(
                    mailbox = name,
                    old = c.uidvalidity,
                    new = uidvalidity,
                    "UIDVALIDITY changed: resync, skipping mail already known by Message-ID and content"
                );
                MailCursor {
                    uidvalidity,
                    last_uid: 0,
                    first_started_at: c.first_started_at,
                }
            }
            None => MailCursor {
                uidvalidity,
                last_uid: 0,
                first_started_at: now,
            },
        };
        store.set_mail_cursor(name, &cursor, now).await?;
        let cutoff = cursor.first_started_at - Duration::days(i64::from(self.options.history_days));

        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", cursor.last_uid.saturating_add(1)))
            .await?
            .into_iter()
            .filter(|u| *u > cursor.last_uid)
            .collect();
        uids.sort_unstable();
        let mut report = SyncReport::default();
        let batch = self.options.batch_size as usize;
        // A progress display only when there is more than one batch (backfill, long catch-up).
        let mut progress = (uids.len() > batch).then(|| super::progress::Progress::new(uids.len()));
        for chunk in uids.chunks(batch) {
            if stop.is_some_and(|s| *s.borrow()) {
                tracing::info!(mailbox = name, "stopping between batches");
                break;
            }
            let Some(last) = chunk.last() else { continue };
            let fetched = self.fetch_batch(session, chunk).await?;
            cursor.last_uid = *last;
            self.take_in(session, fetched, uidvalidity, cursor, cutoff, &mut report)
                .await?;
            if let Some(p) = progress.as_mut() {
                p.advance(name, chunk.len());
            }
        }
        Ok(report)
    }

    /// One batch: parsed on every core, then handed to the pipeline with the cursor that stands
    /// once it is recorded (one transaction); sorted on the server afterwards.
    async fn take_in(
        &self,
        session: &mut Session,
        fetched: Vec<Fetched>,
        uidvalidity: u32,
        cursor: MailCursor,
        cutoff: DateTime<Utc>,
        report: &mut SyncReport,
    ) -> Result<(), ImapError> {
        let now = Utc::now();
        let prefix = format!("imap:{}:{}:", self.imap.key, uidvalidity);
        report.fetched += fetched.len();
        report.bytes += fetched.iter().map(|m| m.raw.len()).sum::<usize>();
        let read = parallel::map(fetched, move |m| read(m, &prefix, cutoff, now))
            .await
            .map_err(PipelineError::from)?;
        let mut uids = Vec::with_capacity(read.len());
        let mut items = Vec::with_capacity(read.len());
        for (uid, item) in read {
            let history = match &item {
                MailItem::Readable { incoming, .. } => {
                    report.too_large += usize::from(incoming.message.too_large);
                    incoming.history
                }
                MailItem::Unreadable(_) => false,
            };
            uids.push((uid, history));
            items.push(item);
        }
        let batch = MailBatchIn {
            mailbox: self.imap.key.clone(),
            cursor,
            facility: self.facility.clone(),
            items,
        };
        let outcomes = self.pipeline.ingest_mail_batch(batch, now).await?;
        for ((uid, history), outcome) in uids.into_iter().zip(outcomes) {
            match outcome {
                MailOutcome::Quarantined => report.quarantined += 1,
                MailOutcome::Duplicate
                | MailOutcome::FollowUp {
                    attached: false, ..
                } => report.duplicates += 1,
                MailOutcome::FollowUp { attached: true, .. } => report.followups += 1,
                MailOutcome::Created {
                    automatic, kind, ..
                } => {
                    report.created += 1;
                    report.history += usize::from(history);
                    self.sort(session, uid, automatic, kind).await;
                }
            }
        }
        Ok(())
    }

    /// Fetches one batch: sizes first, then whole bodies for normal mail and headers + the
    /// beginning of the first part for mail above the size limit.
    async fn fetch_batch(
        &self,
        session: &mut Session,
        uids: &[u32],
    ) -> Result<Vec<Fetched>, ImapError> {
        let max = self.options.max_message_bytes;
        let set = uid_set(uids);
        let sizes: Vec<(u32, u32)> = session
            .uid_fetch(&set, "(UID RFC822.SIZE)")
            .await?
            .try_filter_map(|f| async move { Ok(f.uid.map(|u| (u, f.size.unwrap_or(0)))) })
            .try_collect()
            .await?;
        let (small, large): (Vec<_>, Vec<_>) = sizes.iter().partition(|(_, s)| *s <= max);
        let mut out = Vec::with_capacity(sizes.len());
        if !small.is_empty() {
            let set = uid_set(&small.iter().map(|(u, _)| *u).collect::<Vec<_>>());
            let mut stream = session
                .uid_fetch(&set, "(UID INTERNALDATE RFC822.SIZE BODY.PEEK[])")
                .await?;
            while let Some(f) = stream.try_next().await? {
                let Some(uid) = f.uid else { continue };
                out.push(Fetched {
                    uid,
                    internal: f.internal_date().map(|d| d.with_timezone(&Utc)),
                    size: f.size.unwrap_or(0),
                    raw: f.body().unwrap_or_default().to_vec(),
                    too_large: false,
                });
            }
        }
        for (uid, size) in large {
            let query = format!(
                "(UID INTERNALDATE BODY.PEEK[HEADER] BODY.PEEK[1]<0.{}>)",
                PREFIX_BYTES
            );
            let mut stream = session.uid_fetch(uid.to_string(), &query).await?;
            while let Some(f) = stream.try_next().await? {
                let part = async_imap::imap_proto::SectionPath::Part(vec![1], None);
                let mut raw = f.header().unwrap_or_default().to_vec();
                raw.extend_from_slice(f.section(&part).unwrap_or_default());
                out.push(Fetched {
                    uid,
                    internal: f.internal_date().map(|d| d.with_timezone(&Utc)),
                    size,
                    raw,
                    too_large: true,
                });
            }
        }
        out.sort_by_key(|m| m.uid);
        Ok(out)
    }

    /// Optional server-side sorting: a keyword per kind, and/or a MOVE to the kind's folder.
    /// Failures are logged, never fatal (the inquiry is recorded already).
    async fn sort(&self, session: &mut Session, uid: u32, automatic: bool, kind: Kind) {
        let o = &self.options;
        if !o.sort_keywords && o.sort_folders.is_empty() {
            return;
        }
        let kind = if automatic {
            "automatic"
        } else {
            kind.as_str()
        };
        if o.sort_keywords {
            let flags = format!("+FLAGS (guichet-{kind})");
            if let Err(e) = drain(session.uid_store(uid.to_string(), &flags).await).await {
                tracing::warn!(uid, error = %e, "keyword not set");
            }
        }
        if let Some(folder) = o.sort_folders.get(kind) {
            if let Err(e) = session.uid_mv(uid.to_string(), folder).await {
                tracing::warn!(uid, folder, error = %e, "move failed");
            }
        }
    }
}

/// One fetched mail read into a batch item (runs off the async runtime).
fn read(m: Fetched, prefix: &str, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> (u32, MailItem) {
    let source_key = format!("{prefix}{}", m.uid);
    let received_at = m.internal.unwrap_or(now);
    let mut message = match parse(&m.raw, &Limits::default()) {
        Ok(message) => message,
        Err(e) => {
            tracing::warn!(source = source_key, error = %e, "mail quarantined");
            return (
                m.uid,
                MailItem::Unreadable(Unreadable {
                    source_key,
                    received_at,
                    size: u64::from(m.size),
                    reason: e.to_string(),
                }),
            );
        }
    };
    message.too_large = m.too_large;
    let fingerprint = fingerprint(&message, &m.raw);
    let incoming = Incoming {
        channel: Channel::Mail,
        source_key,
        received_at,
        route: Route::mail(&message),
        message,
        history: received_at < cutoff,
    };
    (
        m.uid,
        MailItem::Readable {
            incoming,
            fingerprint,
        },
    )
}

/// Bytes of the first part read from a mail above the size limit.
const PREFIX_BYTES: u32 = 256 * 1024;

/// Message-ID + content hash: the same mail under a new UIDVALIDITY has the same fingerprint.
fn fingerprint(message: &Message, raw: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(message.message_id.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(Sha256::digest(raw));
    hex::encode(h.finalize())
}

/// Drains a STORE response stream.
async fn drain<S, T>(
    stream: Result<S, async_imap::error::Error>,
) -> Result<(), async_imap::error::Error>
where
    S: futures::Stream<Item = Result<T, async_imap::error::Error>>,
{
    let stream = stream?;
    futures::pin_mut!(stream);
    while stream.try_next().await?.is_some() {}
    Ok(())
}

/// A compact UID set: `1:5,8,10:12`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uid_set;

    #[test]
    fn uid_sets_are_compact_ranges() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[]), "");
    }
}
