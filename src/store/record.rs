//! Writing the ledger: inquiries, classifications, drafts and events, each event appended in the
//! same transaction as the projection row it changes.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::projection::{self, Step};
use super::{from_secs, json_or_empty, secs, Store, StoreError};
use super::{EventType, InquiryId, NewInquiry, Recorded};
use crate::inquiry::{Address, Classification, Message};

mod drafts;
pub(crate) use drafts::note_column;

/// Detail of `received`/`classified`/`reassigned` events: classification values, never text.
pub(super) fn classification_detail(c: &Classification) -> serde_json::Value {
    json!({
        "kind": c.kind.as_str(),
        "facility": c.facility.as_ref().map(|f| f.as_str()),
        "topic": c.topic.as_str(),
        "automatic": c.automatic,
        "lang": c.lang.as_str(),
        "rules": c.rules,
    })
}

impl Store {
    /// Records an inquiry once per source key; a second call returns the first inquiry unchanged.
    pub async fn record_inquiry(&self, new: &NewInquiry<'_>) -> Result<Recorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = secs(Utc::now());
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO inquiries (source_key, channel, received_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (source_key) DO NOTHING RETURNING id",
        )
        .bind(new.source_key.as_str())
        .bind(new.channel.as_str())
        .bind(secs(new.received_at))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = inserted.map(InquiryId) else {
            let row = sqlx::query("SELECT id, received_at FROM inquiries WHERE source_key = $1")
                .bind(new.source_key.as_str())
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            let id = InquiryId(row.try_get("id")?);
            let received = from_secs("inquiries", id.0, row.try_get("received_at")?)?;
            return Ok(Recorded {
                id,
                reference: self.reference(id, received),
                created: false,
            });
        };
        insert_personal(&mut tx, id, new.message, new.route.as_deref()).await?;
        upsert_classification(&mut tx, id, new.classification, new.received_at).await?;
        let mut detail = classification_detail(new.classification);
        detail["channel"] = json!(new.channel.as_str());
        if new.message.too_large {
            // Above the size limit: only headers and the beginning were read; agents must know.
            detail["too_large"] = json!(true);
        }
        let at = new.received_at;
        self.append_in(&mut tx, id, EventType::Received, "guichet", at, &detail)
            .await?;
        if new.classification.automatic {
            let reason = json!({ "reason": new.classification.automatic_reason });
            self.append_in(&mut tx, id, EventType::Automatic, "guichet", at, &reason)
                .await?;
        }
        tx.commit().await?;
        Ok(Recorded {
            id,
            reference: self.reference(id, new.received_at),
            created: true,
        })
    }

    /// Stores a (re)classification: `reassigned` when kind or facility changed, else `classified`.
    pub async fn record_classification(
        &self,
        id: InquiryId,
        c: &Classification,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, id).await?;
        let previous =
            sqlx::query("SELECT kind, facility FROM classifications WHERE inquiry_id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
        let moved = previous.is_some_and(|row| {
            let kind: String = row.try_get("kind").unwrap_or_default();
            let facility: Option<String> = row.try_get("facility").unwrap_or_default();
            kind != c.kind.as_str()
                || facility.as_deref() != c.facility.as_ref().map(|f| f.as_str())
        });
        upsert_classification(&mut tx, id, c, at).await?;
        let event = if moved {
            EventType::Reassigned
        } else {
            EventType::Classified
        };
        self.append_in(&mut tx, id, event, actor, at, &classification_detail(c))
            .await?;
        let was_automatic = projection::load(&mut tx, id)
            .await?
            .is_some_and(|f| f.automatic);
        if c.automatic && !was_automatic {
            let reason = json!({ "reason": c.automatic_reason });
            self.append_in(&mut tx, id, EventType::Automatic, actor, at, &reason)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that an agent restored an automatic inquiry as a citizen's, with its new sorting.
    pub async fn record_restored(
        &self,
        id: InquiryId,
        c: &Classification,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, id).await?;
        upsert_classification(&mut tx, id, c, at).await?;
        self.append_in(&mut tx, id, EventType::Restored, actor, at, &json!({}))
            .await?;
        self.append_in(
            &mut tx,
            id,
            EventType::Classified,
            actor,
            at,
            &classification_detail(c),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The personal part of an inquiry as received; `None` once purged (or for imports).
    pub async fn message(&self, id: InquiryId) -> Result<Option<Message>, StoreError> {
        let row = sqlx::query(
            "SELECT from_name, from_email, subject, body, quoted, signature, headers, html, \
             message_id, attachments FROM inquiry_personal WHERE inquiry_id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let opt = |name: &str| -> Result<String, StoreError> {
            Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
        };
        let email: Option<String> = row.try_get("from_email")?;
        Ok(Some(Message {
            from: email.map(|email| Address {
                name: row.try_get("from_name").ok().flatten(),
                email,
            }),
            subject: opt("subject")?,
            body: opt("body")?,
            quoted: opt("quoted")?,
            signature: opt("signature")?,
            headers: json_or_empty(id, "headers", &opt("headers")?)?,
            html: row.try_get("html")?,
            message_id: row.try_get("message_id")?,
            attachments: json_or_empty(id, "attachments", &opt("attachments")?)?,
            ..Message::default()
        }))
    }

    /// Inserts the event, then folds it into the inquiry's projection row.
    pub(crate) async fn append_in(
        &self,
        conn: &mut AnyConnection,
        id: InquiryId,
        event: EventType,
        actor: &str,
        at: DateTime<Utc>,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO events (inquiry_id, event_type, actor, at, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.0)
        .bind(event.as_str())
        .bind(actor)
        .bind(secs(at))
        .bind(detail.to_string())
        .execute(&mut *conn)
        .await?;
        let current = projection::load(conn, id).await?;
        let step = Step {
            event,
            actor,
            at: projection::at(at),
            detail,
        };
        let fact = projection::apply(id, current, &step)?;
        projection::upsert(conn, self.backend, &[fact.derive(&self.settings)?]).await
    }
}

/// Takes the inquiry's row lock first (PostgreSQL) or the write lock (SQLite), so concurrent
/// appends to one inquiry serialise instead of overwriting each other's projection.
async fn lock(conn: &mut AnyConnection, id: InquiryId) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE inquiries SET updated_at = $1 WHERE id = $2")
        .bind(secs(Utc::now()))
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(id));
    }
    Ok(())
}

async fn insert_personal(
    conn: &mut AnyConnection,
    id: InquiryId,
    m: &Message,
    route: Option<&str>,
) -> Result<(), StoreError> {
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".to_string());
    sqlx::query(
        "INSERT INTO inquiry_personal (inquiry_id, from_name, from_email, subject, body, quoted, \
         signature, headers, html, message_id, attachments, route) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.0)
    .bind(m.from.as_ref().and_then(|a| a.name.clone()))
    .bind(m.from.as_ref().map(|a| a.email.clone()))
    .bind(m.subject.as_str())
    .bind(m.body.as_str())
    .bind(m.quoted.as_str())
    .bind(m.signature.as_str())
    .bind(json(serde_json::to_string(&m.headers)))
    .bind(m.html.clone())
    .bind(m.message_id.clone())
    .bind(json(serde_json::to_string(&m.attachments)))
    .bind(route)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn upsert_classification(
    conn: &mut AnyConnection,
    id: InquiryId,
    c: &Classification,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO classifications (inquiry_id, kind, facility, topic, automatic, automatic_reason, \
         lang, rules, template, classified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (inquiry_id) DO UPDATE SET kind = excluded.kind, facility = excluded.facility, \
         topic = excluded.topic, automatic = excluded.automatic, \
         automatic_reason = excluded.automatic_reason, lang = excluded.lang, \
         rules = excluded.rules, template = excluded.template, classified_at = excluded.classified_at",
    )
    .bind(id.0)
    .bind(c.kind.as_str())
    .bind(c.facility.as_ref().map(|f| f.as_str().to_string()))
    .bind(c.topic.as_str())
    .bind(i64::from(c.automatic))
    .bind(c.automatic_reason.clone())
    .bind(c.lang.as_str())
    .bind(serde_json::Value::from(c.rules.clone()).to_string())
    .bind(c.template.clone())
    .bind(secs(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
