//! One batch of mail in one transaction: the cursor, quarantined mail, fingerprints, inquiries
//! with their personal part and classification, first drafts, outbox jobs, follow-ups, events and
//! projection rows, written with a few multi-row statements per batch instead of a score per
//! mail. Nothing of the batch exists before [`MailBatch::commit`], and everything after, the
//! cursor included: a crash replays the whole batch, never half of it.

mod intake;
mod rows;
mod status;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Any, Row, Transaction};

use super::projection::{self, Fact, Step};
use super::record::classification_detail;
use super::{from_secs, secs, Backend, NewInquiry, NewJob, Recorded, Store, StoreError};
use crate::inquiry::{DraftText, DraftedDetail, EventType, InquiryId};
use rows::{insert_rows, list, EventRow, JobRow};

/// A mail that cannot be read, set aside with its reason.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub source_key: String,
    pub received_at: DateTime<Utc>,
    pub size: u64,
    pub reason: String,
}

/// Inquiries a batch's Message-IDs point to: ones we sent (outbox) and citizens' mail.
#[derive(Debug, Default)]
pub struct ThreadIds {
    pub ours: HashMap<String, InquiryId>,
    pub theirs: HashMap<String, InquiryId>,
}

/// An open batch transaction; dropped without [`MailBatch::commit`], it writes nothing.
pub struct MailBatch<'s> {
    store: &'s Store,
    tx: Transaction<'static, Any>,
    events: Vec<EventRow>,
    /// Projection rows folded in memory, written once at commit.
    facts: BTreeMap<i64, Fact>,
    /// Inquiries created in this batch: no projection row to load yet.
    fresh: HashSet<i64>,
}

impl Store {
    /// Opens the transaction of one mail batch.
    pub async fn begin_mail_batch(&self) -> Result<MailBatch<'_>, StoreError> {
        Ok(MailBatch {
            store: self,
            tx: self.pool.begin().await?,
            events: Vec::new(),
            facts: BTreeMap::new(),
            fresh: HashSet::new(),
        })
    }
}

impl MailBatch<'_> {
    fn backend(&self) -> Backend {
        self.store.backend
    }

    /// The inquiries these Message-IDs belong to (the earliest citizen's mail for each).
    pub async fn thread_ids(&mut self, ids: &[String]) -> Result<ThreadIds, StoreError> {
        let mut found = ThreadIds::default();
        for chunk in ids.chunks(rows::LIST_MAX) {
            let placeholders = list(self.backend(), 1, chunk.len());
            for (sql, ours) in [
                (
                    format!("SELECT message_id, inquiry_id FROM outbox WHERE message_id IN {placeholders}"),
                    true,
                ),
                (
                    format!(
                        "SELECT message_id, MIN(inquiry_id) AS inquiry_id FROM inquiry_personal \
                         WHERE message_id IN {placeholders} GROUP BY message_id"
                    ),
                    false,
                ),
            ] {
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                for row in q.fetch_all(&mut *self.tx).await? {
                    let map = if ours { &mut found.ours } else { &mut found.theirs };
                    map.insert(row.try_get("message_id")?, InquiryId(row.try_get("inquiry_id")?));
                }
            }
        }
        Ok(found)
    }

    /// Which of these inquiries exist.
    pub async fn existing(&mut self, ids: &[InquiryId]) -> Result<HashSet<InquiryId>, StoreError> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(rows::LIST_MAX) {
            let sql = format!(
                "SELECT id FROM inquiries WHERE id IN {}",
                list(self.backend(), 1, chunk.len())
            );
            let mut q = sqlx::query_scalar::<_, i64>(&sql);
            for id in chunk {
                q = q.bind(id.0);
            }
            found.extend(q.fetch_all(&mut *self.tx).await?.into_iter().map(InquiryId));
        }
        Ok(found)
    }

    /// Records inquiries once per source key (distinct keys expected), in order: a known key
    /// yields its first inquiry unchanged.
    pub async fn record_inquiries(
        &mut self,
        new: &[NewInquiry<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Recorded>, StoreError> {
        let at = secs(now);
        let stamped: Vec<(&NewInquiry<'_>, i64)> = new.iter().map(|n| (n, at)).collect();
        let mut ids: HashMap<String, (InquiryId, i64, bool)> = HashMap::new();
        let per = super::dialect::MAX_PARAMS / 5;
        for chunk in stamped.chunks(per.min(rows::LIST_MAX)) {
            let sql = format!(
                "INSERT INTO inquiries (source_key, channel, received_at, created_at, updated_at) VALUES {} \
                 ON CONFLICT (source_key) DO NOTHING RETURNING id, source_key, received_at",
                self.backend().values_sql(chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for (n, at) in chunk {
                q = q
                    .bind(n.source_key.as_str())
                    .bind(n.channel.as_str())
                    .bind(secs(n.received_at))
                    .bind(*at)
                    .bind(*at);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                let id = InquiryId(row.try_get("id")?);
                ids.insert(
                    row.try_get("source_key")?,
                    (id, row.try_get("received_at")?, true),
                );
            }
        }
        let known: Vec<&str> = new
            .iter()
            .map(|n| n.source_key.as_str())
            .filter(|k| !ids.contains_key(*k))
            .collect();
        for chunk in known.chunks(rows::LIST_MAX) {
            let sql = format!(
                "SELECT id, source_key, received_at FROM inquiries WHERE source_key IN {}",
                list(self.backend(), 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(*k);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                let id = InquiryId(row.try_get("id")?);
                ids.insert(
                    row.try_get("source_key")?,
                    (id, row.try_get("received_at")?, false),
                );
            }
        }
        let mut recorded = Vec::with_capacity(new.len());
        let mut created = Vec::new();
        for n in new {
            let (id, received, fresh) = *ids
                .get(&n.source_key)
                .ok_or_else(|| sqlx::Error::RowNotFound)?;
            if fresh {
                created.push((id, n));
                self.fresh.insert(id.0);
            }
            recorded.push(Recorded {
                id,
                reference: self
                    .store
                    .reference(id, from_secs("inquiries", id.0, received)?),
                created: fresh,
            });
        }
        rows::insert_personal(&mut self.tx, self.store.backend, &created).await?;
        rows::insert_classifications(&mut self.tx, self.store.backend, &created).await?;
        for (id, n) in &created {
            let mut detail = classification_detail(n.classification);
            detail["channel"] = json!(n.channel.as_str());
            if n.message.too_large {
                detail["too_large"] = json!(true);
            }
            self.push_event(*id, EventType::Received, "guichet", n.received_at, detail)
                .await?;
            if n.classification.automatic {
                let reason = json!({ "reason": n.classification.automatic_reason });
                self.push_event(*id, EventType::Automatic, "guichet", n.received_at, reason)
                    .await?;
            }
        }
        Ok(recorded)
    }

    /// Acknowledgements written per recipient since `since` (the per-sender daily cap).
    pub async fn acks_since(
        &mut self,
        recipients: &[String],
        since: DateTime<Utc>,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let mut counts = HashMap::new();
        for chunk in recipients.chunks(rows::LIST_MAX) {
            let sql = format!(
                "SELECT recipient, COUNT(*) AS n FROM outbox WHERE kind = 'ack' AND recipient IN {} \
                 AND created_at >= {} GROUP BY recipient",
                list(self.backend(), 1, chunk.len()),
                rows::param(self.backend(), chunk.len() + 1)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q.bind(r.as_str());
            }
            for row in q.bind(secs(since)).fetch_all(&mut *self.tx).await? {
                counts.insert(row.try_get("recipient")?, row.try_get("n")?);
            }
        }
        Ok(counts)
    }

    /// Saves the first draft (version 1) of inquiries that have none, with their `drafted` events.
    pub async fn add_first_drafts(
        &mut self,
        drafts: &[(InquiryId, DraftText)],
        author: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let stamped: Vec<_> = drafts
            .iter()
            .map(|d| (d, author, secs(at), super::record::note_column(&d.1)))
            .collect();
        insert_rows(
            &mut self.tx,
            self.store.backend,
            "INSERT INTO draft_versions (inquiry_id, version, subject, text, html, author, created_at, note) VALUES ",
            "",
            8,
            &stamped,
            |q, ((id, d), author, at, note)| {
                q.bind(id.0)
                    .bind(1_i64)
                    .bind(d.subject.as_str())
                    .bind(d.text.as_str())
                    .bind(d.html.as_deref())
                    .bind(*author)
                    .bind(*at)
                    .bind(note.as_deref())
            },
        )
        .await?;
        for (id, d) in drafts {
            let detail = json!(DraftedDetail {
                version: 1,
                holding: d.holding
            });
            self.push_event(*id, EventType::Drafted, author, at, detail)
                .await?;
        }
        Ok(())
    }

    /// Writes outbox jobs, each unless one with its Message-ID exists.
    pub async fn enqueue(&mut self, jobs: &[NewJob], at: DateTime<Utc>) -> Result<(), StoreError> {
        let rows: Vec<JobRow<'_>> = jobs.iter().map(|j| JobRow::new(j, at)).collect();
        insert_rows(
            &mut self.tx,
            self.store.backend,
            "INSERT INTO outbox (inquiry_id, kind, transport, message_id, recipient, payload, status, \
             attempts, next_attempt_at, created_at) VALUES ",
            " ON CONFLICT (message_id) DO NOTHING",
            10,
            &rows,
            JobRow::bind,
        )
        .await?;
        Ok(())
    }

    /// Queues an event and folds it into the inquiry's projection row (loaded once per batch).
    async fn push_event(
        &mut self,
        id: InquiryId,
        event: EventType,
        actor: &str,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let current = match self.facts.remove(&id.0) {
            Some(fact) => Some(fact),
            None if self.fresh.contains(&id.0) => None,
            None => projection::load(&mut self.tx, id).await?,
        };
        let step = Step {
            event,
            actor,
            at: secs(at),
            detail: &detail,
        };
        let fact = projection::apply(id, current, &step)?;
        self.facts.insert(id.0, fact);
        self.events.push(EventRow {
            inquiry: id.0,
            event: event.as_str(),
            actor: actor.to_string(),
            at: secs(at),
            detail: detail.to_string(),
        });
        Ok(())
    }

    /// Writes the queued events and projection rows, then commits everything at once.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        insert_rows(
            &mut self.tx,
            self.store.backend,
            "INSERT INTO events (inquiry_id, event_type, actor, at, detail) VALUES ",
            "",
            5,
            &self.events,
            EventRow::bind,
        )
        .await?;
        let settings = &self.store.settings;
        let facts: Vec<_> = std::mem::take(&mut self.facts)
            .into_values()
            .map(|f| f.derive(settings))
            .collect::<Result<_, _>>()?;
        projection::upsert(&mut self.tx, self.store.backend, &facts).await?;
        self.tx.commit().await?;
        Ok(())
    }
}
