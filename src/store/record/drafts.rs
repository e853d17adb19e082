//! Draft versions (the next one saved with its `drafted`/`edited` event, all read back) and an
//! inquiry's events appended and read one by one.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::lock;
use crate::store::{
    from_secs, secs, DraftText, DraftVersion, Event, EventType, InquiryId, Store, StoreError,
};

impl Store {
    /// Saves a new draft version (1, 2, …) and appends `drafted` (first) or `edited`.
    pub async fn save_draft(
        &self,
        id: InquiryId,
        draft: &DraftText,
        author: &str,
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, id).await?;
        let version = self
            .add_draft_version(&mut tx, id, draft, author, at)
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Inserts the next draft version and its `drafted`/`edited` event, inside a transaction.
    pub(crate) async fn add_draft_version(
        &self,
        conn: &mut AnyConnection,
        id: InquiryId,
        draft: &DraftText,
        author: &str,
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM draft_versions WHERE inquiry_id = $1")
                .bind(id.0)
                .fetch_one(&mut *conn)
                .await?;
        let version = last.unwrap_or(0) + 1;
        let note = note_column(draft);
        sqlx::query(
            "INSERT INTO draft_versions (inquiry_id, version, subject, text, html, author, created_at, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.0)
        .bind(version)
        .bind(draft.subject.as_str())
        .bind(draft.text.as_str())
        .bind(draft.html.clone())
        .bind(author)
        .bind(secs(at))
        .bind(note)
        .execute(&mut *conn)
        .await?;
        let event = if version == 1 {
            EventType::Drafted
        } else {
            EventType::Edited
        };
        let detail = crate::inquiry::DraftedDetail {
            version: u32::try_from(version).unwrap_or(u32::MAX),
            holding: draft.holding,
        };
        self.append_in(conn, id, event, author, at, &json!(detail))
            .await?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    /// Appends one event and updates the projection in the same transaction.
    pub async fn append_event(
        &self,
        id: InquiryId,
        event: EventType,
        actor: &str,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, id).await?;
        self.append_in(&mut tx, id, event, actor, at, &detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The event log of one inquiry, in append order.
    pub async fn events(&self, id: InquiryId) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, event_type, actor, at, detail FROM events WHERE inquiry_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let corrupt = |message: String| StoreError::Corrupt {
            inquiry: id,
            message,
        };
        rows.iter()
            .map(|row| {
                let name: String = row.try_get("event_type")?;
                let detail: String = row.try_get("detail")?;
                Ok(Event {
                    id: row.try_get("id")?,
                    inquiry: id,
                    event: name.parse().map_err(|e| corrupt(format!("{e}")))?,
                    actor: row.try_get("actor")?,
                    at: from_secs("events", row.try_get("id")?, row.try_get("at")?)?,
                    detail: serde_json::from_str(&detail).map_err(|e| corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Every draft version of an inquiry, oldest first (texts are `None` once purged).
    pub async fn drafts(&self, id: InquiryId) -> Result<Vec<DraftVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, subject, text, html, author, created_at, note FROM draft_versions \
             WHERE inquiry_id = $1 ORDER BY version",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let text: Option<String> = row.try_get("text")?;
                let note: Option<String> = row.try_get("note")?;
                let note: Vec<String> = match note {
                    Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                        inquiry: id,
                        message: format!("note of draft version: {e}"),
                    })?,
                    None => Vec::new(),
                };
                Ok(DraftVersion {
                    version: u32::try_from(row.try_get::<i64, _>("version")?).unwrap_or(0),
                    draft: match text {
                        Some(text) => Some(DraftText {
                            subject: row
                                .try_get::<Option<String>, _>("subject")?
                                .unwrap_or_default(),
                            text,
                            html: row.try_get("html")?,
                            holding: false,
                            note,
                        }),
                        None => None,
                    },
                    author: row.try_get("author")?,
                    created_at: from_secs("drafts", id.0, row.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    /// True when draft `version` was made as a holding reply (from its `drafted`/`edited` event).
    pub async fn draft_is_holding(&self, id: InquiryId, version: u32) -> Result<bool, StoreError> {
        let events = self.events(id).await?;
        for e in events.iter().rev() {
            if matches!(e.event, EventType::Drafted | EventType::Edited) {
                let detail: crate::inquiry::DraftedDetail =
                    serde_json::from_value(e.detail.clone()).map_err(|err| {
                        StoreError::Corrupt {
                            inquiry: id,
                            message: format!("{} event detail: {err}", e.event),
                        }
                    })?;
                if detail.version == version {
                    return Ok(detail.holding);
                }
            }
        }
        Ok(false)
    }
}

/// The `note` column of a draft version: the note for the agent as a JSON list, none when empty.
pub(crate) fn note_column(draft: &DraftText) -> Option<String> {
    (!draft.note.is_empty()).then(|| json!(draft.note).to_string())
}
