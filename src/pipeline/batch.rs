//! A batch of mail through the pipeline at once: classified on every core off the async runtime,
//! then sorted into duplicates, follow-ups and new inquiries with a handful of queries, drafted
//! and acknowledged on every core again, and recorded with the mailbox's cursor in one
//! transaction. The decisions are those of [`Pipeline::ingest_mail`] mail by mail, in order;
//! IDLE's single mails take the same road as a backfill's thousands.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use super::{ack_recipient, parallel, render_ack, render_draft, Incoming, Pipeline, PipelineError};
use crate::inquiry::{
    parse_reference, Classification, DraftText, FacilityId, FollowUp, FollowUpKind, InquiryId,
    Kind, Message, Status,
};
use crate::store::{MailCursor, NewInquiry, NewJob, Unreadable};

/// One mail of a batch as the adapter read it.
// Nearly every item is readable: boxing the common variant would cost an allocation per mail
// to save space on the rare quarantined one.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MailItem {
    /// Parsed; `fingerprint` (Message-ID + content hash) recognises it under a new UIDVALIDITY.
    Readable {
        incoming: Incoming,
        fingerprint: String,
    },
    /// Not readable: quarantined with the reason.
    Unreadable(Unreadable),
}

/// A batch of one mailbox and where its cursor stands once the batch is recorded.
#[derive(Debug, Clone)]
pub struct MailBatchIn {
    pub mailbox: String,
    pub cursor: MailCursor,
    /// The mailbox's facility or service, for mail that names none.
    pub facility: Option<FacilityId>,
    pub items: Vec<MailItem>,
}

/// What became of one mail of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Quarantined,
    /// Known already (same source key, or the same mail under another one).
    Duplicate,
    /// A later mail in the thread of `id`; `attached` is false when it was attached before.
    FollowUp {
        id: InquiryId,
        attached: bool,
    },
    Created {
        id: InquiryId,
        automatic: bool,
        kind: Kind,
    },
}

/// Where a follow-up goes: a recorded inquiry, or one created earlier in the same batch.
#[derive(Clone, Copy)]
enum Target {
    Existing(InquiryId),
    InBatch(usize),
}

/// A new inquiry to draft once its id is known.
struct ToDraft {
    index: usize,
    id: InquiryId,
    reference: String,
    incoming: Incoming,
    c: Classification,
    ack: bool,
}

impl Pipeline {
    /// Takes in a batch of mail and moves the mailbox's cursor, all in one transaction.
    pub async fn ingest_mail_batch(
        &self,
        batch: MailBatchIn,
        now: DateTime<Utc>,
    ) -> Result<Vec<MailOutcome>, PipelineError> {
        let k = self.knowledge.clone();
        let hint = batch.facility.clone();
        let items = parallel::map(batch.items, move |item| {
            let c = match &item {
                MailItem::Readable { incoming, .. } => {
                    let c = k.faq.classify(&incoming.message);
                    Some(with_mailbox_facility(&k.faq, c, hint.as_ref()))
                }
                MailItem::Unreadable(_) => None,
            };
            (item, c)
        })
        .await?;
        // Facts an admin confirmed, read once per batch.
        let learned = Arc::new(self.learned_faq().await?);
        let mut tx = self.store.begin_mail_batch().await?;
        tx.set_cursor(&batch.mailbox, &batch.cursor, now).await?;

        let mut outcomes: Vec<Option<MailOutcome>> = vec![None; items.len()];
        let unreadable: Vec<Unreadable> = items
            .iter()
            .filter_map(|(item, _)| match item {
                MailItem::Unreadable(u) => Some(u.clone()),
                MailItem::Readable { .. } => None,
            })
            .collect();
        tx.quarantine(&unreadable).await?;

        // Exactly once across a resync: a fingerprint known under another source key is a duplicate.
        let fingerprints: Vec<String> = items
            .iter()
            .filter_map(|(item, _)| match item {
                MailItem::Readable { fingerprint, .. } => Some(fingerprint.clone()),
                MailItem::Unreadable(_) => None,
            })
            .collect();
        let mut seen = tx.seen(&fingerprints).await?;
        let mut new_seen = Vec::new();
        let mut keys = HashSet::new();
        let mut live = Vec::new();
        for (i, (item, c)) in items.iter().enumerate() {
            let (
                MailItem::Readable {
                    incoming,
                    fingerprint,
                },
                Some(c),
            ) = (item, c)
            else {
                outcomes[i] = Some(MailOutcome::Quarantined);
                continue;
            };
            let key = &incoming.source_key;
            match seen.get(fingerprint) {
                Some(known) if known != key => outcomes[i] = Some(MailOutcome::Duplicate),
                _ if !keys.insert(key.clone()) => outcomes[i] = Some(MailOutcome::Duplicate),
                Some(_) => live.push((i, incoming, c)),
                None => {
                    seen.insert(fingerprint.clone(), key.clone());
                    new_seen.push((fingerprint.clone(), key.clone()));
                    live.push((i, incoming, c));
                }
            }
        }
        tx.mark_seen(&new_seen).await?;

        // Threads: a human mail answering one of ours or a citizen's, or naming a reference.
        let mut asked = Vec::new();
        let mut refs = Vec::new();
        for (_, incoming, c) in &live {
            if !c.automatic {
                asked.extend(candidates(&incoming.message));
                refs.extend(subject_reference(&incoming.message.subject));
            }
        }
        let found = if asked.is_empty() {
            Default::default()
        } else {
            tx.thread_ids(&asked).await?
        };
        let existing = if refs.is_empty() {
            HashSet::new()
        } else {
            tx.existing(&refs).await?
        };
        let mut in_batch: HashMap<&str, usize> = HashMap::new();
        let mut followups = Vec::new();
        let mut news = Vec::new();
        for (i, incoming, c) in &live {
            let m = &incoming.message;
            let target = if c.automatic {
                None
            } else {
                candidates(m)
                    .iter()
                    .find_map(|id| {
                        found
                            .ours
                            .get(id)
                            .or_else(|| found.theirs.get(id))
                            .map(|id| Target::Existing(*id))
                            .or_else(|| in_batch.get(id.as_str()).map(|j| Target::InBatch(*j)))
                    })
                    .or_else(|| {
                        subject_reference(&m.subject)
                            .filter(|id| existing.contains(id))
                            .map(Target::Existing)
                    })
            };
            match target {
                Some(target) => followups.push((*i, target, *incoming)),
                None => {
                    if let Some(id) = m.message_id.as_deref() {
                        in_batch.entry(id).or_insert(*i);
                    }
                    news.push((*i, *incoming, *c));
                }
            }
        }

        let routes: Vec<Option<String>> = news
            .iter()
            .map(|(_, incoming, _)| serde_json::to_string(&incoming.route).ok())
            .collect();
        let new_inquiries: Vec<NewInquiry<'_>> = news
            .iter()
            .zip(routes)
            .map(|((_, incoming, c), route)| NewInquiry {
                channel: incoming.channel,
                source_key: incoming.source_key.clone(),
                received_at: incoming.received_at,
                message: &incoming.message,
                classification: c,
                route,
            })
            .collect();
        let recorded = tx.record_inquiries(&new_inquiries, now).await?;
        drop(new_inquiries);

        // Acknowledgements are decided in order (the daily cap counts this batch too), then
        // rendered with the drafts on every core.
        let k = &self.knowledge;
        let recipients: Vec<String> = news
            .iter()
            .zip(&recorded)
            .filter(|((_, incoming, _), r)| r.created && !incoming.history)
            .filter_map(|((_, incoming, c), _)| ack_recipient(k, c, incoming).map(str::to_string))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut acks = if recipients.is_empty() {
            HashMap::new()
        } else {
            tx.acks_since(&recipients, now - chrono::Duration::hours(24))
                .await?
        };
        let cap = i64::from(k.mail.ack_per_sender_per_day);
        let mut by_index: HashMap<usize, InquiryId> = HashMap::new();
        let mut to_draft = Vec::new();
        let mut automatic = Vec::new();
        for ((i, incoming, c), r) in news.iter().zip(&recorded) {
            by_index.insert(*i, r.id);
            if !r.created {
                outcomes[*i] = Some(MailOutcome::Duplicate);
                continue;
            }
            outcomes[*i] = Some(MailOutcome::Created {
                id: r.id,
                automatic: c.automatic,
                kind: c.kind,
            });
            if c.automatic {
                automatic.push(r.id);
                continue;
            }
            let ack = !incoming.history
                && ack_recipient(k, c, incoming).is_some_and(|to| {
                    let n = acks.entry(to.to_string()).or_insert(0);
                    if *n >= cap {
                        tracing::info!(
                            inquiry = r.id.0,
                            "acknowledgement skipped: per-sender daily cap reached"
                        );
                        return false;
                    }
                    *n += 1;
                    true
                });
            to_draft.push(ToDraft {
                index: *i,
                id: r.id,
                reference: r.reference.clone(),
                incoming: (*incoming).clone(),
                c: (*c).clone(),
                ack,
            });
        }
        let k = self.knowledge.clone();
        let rendered = parallel::map(to_draft, move |d| {
            let draft = render_draft(
                &k,
                learned.as_ref().as_ref(),
                d.id,
                &d.incoming.message,
                &d.c,
                d.incoming.channel,
                &d.reference,
                now,
            );
            let ack = if d.ack {
                render_ack(
                    &k,
                    d.id,
                    &d.reference,
                    &d.incoming.message,
                    &d.c,
                    &d.incoming,
                )
                .transpose()
            } else {
                None
            };
            (d.index, d.id, draft, ack)
        })
        .await?;
        let mut drafts: Vec<(InquiryId, DraftText)> = Vec::with_capacity(rendered.len());
        let mut jobs: Vec<NewJob> = Vec::new();
        for (_, id, draft, ack) in rendered {
            if let Some(job) = ack.transpose()? {
                jobs.push(job);
            }
            drafts.push((id, draft?));
        }
        tx.enqueue(&jobs, now).await?;
        tx.add_first_drafts(&drafts, "guichet", now).await?;
        let drafted: Vec<InquiryId> = drafts.iter().map(|(id, _)| *id).collect();
        tx.set_status(&drafted, Status::Received, Status::Drafted)
            .await?;
        tx.set_status(&automatic, Status::Received, Status::Automatic)
            .await?;

        for (i, target, incoming) in followups {
            let id = match target {
                Target::Existing(id) => id,
                Target::InBatch(j) => *by_index
                    .get(&j)
                    .ok_or(PipelineError::NoMessage(InquiryId(0)))?,
            };
            let m = &incoming.message;
            let followup = FollowUp {
                kind: FollowUpKind::Mail,
                at: incoming.received_at,
                text: Some(m.body.clone()),
                source_key: Some(incoming.source_key.clone()),
                message_id: m.message_id.clone(),
                from_email: m.from.as_ref().map(|a| a.email.clone()),
                subject: Some(m.subject.clone()),
            };
            let attached = tx.attach_followup(id, &followup).await?;
            if attached {
                let detail = serde_json::json!({ "source": incoming.source_key });
                tx.reopen(id, incoming.received_at, detail).await?;
            }
            outcomes[i] = Some(MailOutcome::FollowUp { id, attached });
        }
        tx.commit().await?;
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or(MailOutcome::Duplicate))
            .collect())
    }
}

/// The rule id recorded when a mailbox's facility sorted a mail.
pub const MAILBOX_FACILITY_RULE: &str = "mailbox-facility";

/// The mailbox's facility as evidence of last resort: a human mail whose text names no facility
/// is sorted to it (and its kind), the rule [`MAILBOX_FACILITY_RULE`] noted; a facility the
/// classifier found always stands. (Weighing the hint inside the classifier is left to it.)
fn with_mailbox_facility(
    faq: &crate::faq::Faq,
    mut c: Classification,
    hint: Option<&FacilityId>,
) -> Classification {
    let Some(facility) = hint.and_then(|id| faq.catalogue.facility(id)) else {
        return c;
    };
    if c.automatic || c.facility.is_some() {
        return c;
    }
    c.kind = facility.kind;
    c.facility = Some(facility.id.clone());
    c.rules.push(MAILBOX_FACILITY_RULE.to_string());
    c
}

/// The Message-IDs a mail may continue, in the order [`Pipeline::thread_of`] tries them.
fn candidates(m: &Message) -> Vec<String> {
    m.in_reply_to
        .iter()
        .chain(m.references.iter().rev())
        .flat_map(|id| [id.clone(), format!("<{}>", id.trim_matches(['<', '>']))])
        .collect()
}

/// The inquiry a `[VSGP-YYYY-NNNNNN]` reference in the subject names.
fn subject_reference(subject: &str) -> Option<InquiryId> {
    static REF: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = REF.get_or_init(|| regex::Regex::new(r"\[([A-Za-z]+-\d{4}-\d{6,})\]").ok());
    re.as_ref()
        .and_then(|re| re.captures(subject))
        .and_then(|caps| caps.get(1))
        .and_then(|m| parse_reference(m.as_str()))
}
