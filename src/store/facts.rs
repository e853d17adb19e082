//! Facts learned from agents in the ledger: proposals, the facts an admin confirmed, and their
//! history (who, when, previous value). A proposal's provenance (the reply's sentence) is personal
//! data the purge clears; values are facility facts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{any::AnyRow, Row};

use super::{from_secs, secs, InquiryId, Store, StoreError};
use crate::inquiry::FacilityId;
use crate::learn::{FactField, LearnedFact};

/// A value an agent kept for later replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    pub facility: FacilityId,
    pub field: FactField,
    pub value: String,
    pub valid_until: Option<NaiveDate>,
    /// What the marker asked for.
    pub marker: String,
    /// The reply's sentence around the value.
    pub provenance: String,
    pub inquiry: Option<InquiryId>,
    pub proposed_by: String,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: i64,
    pub facility: FacilityId,
    pub field: FactField,
    pub value: String,
    pub valid_until: Option<NaiveDate>,
    pub marker: String,
    /// `None` once purged.
    pub provenance: Option<String>,
    pub inquiry: Option<InquiryId>,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    /// `proposed`, `confirmed` or `refused`.
    pub status: String,
}

/// One line of a fact's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    pub facility: FacilityId,
    pub field: FactField,
    /// `confirmed` or `refused`.
    pub action: String,
    pub value: Option<String>,
    pub previous: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn corrupt(message: String) -> StoreError {
    StoreError::Corrupt {
        inquiry: InquiryId(0),
        message,
    }
}

fn facility(row: &AnyRow) -> Result<FacilityId, StoreError> {
    let s: String = row.try_get("facility")?;
    FacilityId::parse(&s).map_err(|e| corrupt(format!("learned fact: {e}")))
}

fn field(row: &AnyRow) -> Result<FactField, StoreError> {
    let s: String = row.try_get("field")?;
    s.parse().map_err(|e| corrupt(format!("learned fact: {e}")))
}

fn proposal(row: &AnyRow) -> Result<Proposal, StoreError> {
    Ok(Proposal {
        id: row.try_get("id")?,
        facility: facility(row)?,
        field: field(row)?,
        value: row.try_get("value")?,
        valid_until: day(row.try_get("valid_until")?),
        marker: row.try_get("marker")?,
        provenance: row.try_get("provenance")?,
        inquiry: row.try_get::<Option<i64>, _>("inquiry_id")?.map(InquiryId),
        proposed_by: row.try_get("proposed_by")?,
        proposed_at: from_secs(
            "fact_proposals",
            row.try_get("id")?,
            row.try_get("proposed_at")?,
        )?,
        status: row.try_get("status")?,
    })
}

const PROPOSAL_COLUMNS: &str = "id, facility, field, value, valid_until, marker, provenance, \
                                inquiry_id, proposed_by, proposed_at, status";

impl Store {
    /// Records a proposal; returns its id.
    pub async fn propose_fact(
        &self,
        p: &NewProposal,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO fact_proposals (facility, field, value, valid_until, marker, provenance, \
             inquiry_id, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(p.facility.as_str())
        .bind(p.field.as_str())
        .bind(&p.value)
        .bind(p.valid_until.map(|d| d.to_string()))
        .bind(&p.marker)
        .bind(&p.provenance)
        .bind(p.inquiry.map(|i| i.0))
        .bind(&p.proposed_by)
        .bind(secs(at))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Proposals still waiting for an admin, oldest first; of one facility when given.
    pub async fn open_proposals(
        &self,
        of: Option<&FacilityId>,
    ) -> Result<Vec<Proposal>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PROPOSAL_COLUMNS} FROM fact_proposals WHERE status = 'proposed' \
             AND ($1 = '' OR facility = $1) ORDER BY id"
        ))
        .bind(of.map_or("", |f| f.as_str()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(proposal).collect()
    }

    /// One proposal.
    pub async fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PROPOSAL_COLUMNS} FROM fact_proposals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(proposal).transpose()
    }

    /// An admin confirms a proposal, possibly with an edited value and end date: it becomes the
    /// fact (the previous one goes to the history). False when it was already decided.
    pub async fn confirm_fact(
        &self,
        id: i64,
        value: &str,
        valid_until: Option<NaiveDate>,
        admin: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE fact_proposals SET status = 'confirmed', decided_by = $2, decided_at = $3 \
             WHERE id = $1 AND status = 'proposed'",
        )
        .bind(id)
        .bind(admin)
        .bind(secs(at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let row = sqlx::query("SELECT facility, field FROM fact_proposals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let (facility, field): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT value FROM learned_facts WHERE facility = $1 AND field = $2",
        )
        .bind(&facility)
        .bind(&field)
        .fetch_optional(&mut *tx)
        .await?;
        let until = valid_until.map(|d| d.to_string());
        sqlx::query(
            "INSERT INTO learned_facts (facility, field, value, valid_until, confirmed_by, \
             confirmed_at, proposal_id) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (facility, field) DO UPDATE SET value = EXCLUDED.value, \
             valid_until = EXCLUDED.valid_until, confirmed_by = EXCLUDED.confirmed_by, \
             confirmed_at = EXCLUDED.confirmed_at, proposal_id = EXCLUDED.proposal_id",
        )
        .bind(&facility)
        .bind(&field)
        .bind(value)
        .bind(until.clone())
        .bind(admin)
        .bind(secs(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        history(
            &mut tx,
            &facility,
            &field,
            "confirmed",
            Some(value),
            previous,
            until,
            admin,
            at,
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// An admin refuses a proposal. False when it was already decided.
    pub async fn refuse_fact(
        &self,
        id: i64,
        admin: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE fact_proposals SET status = 'refused', decided_by = $2, decided_at = $3 \
             WHERE id = $1 AND status = 'proposed'",
        )
        .bind(id)
        .bind(admin)
        .bind(secs(at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let row = sqlx::query("SELECT facility, field, value FROM fact_proposals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let (facility, field, value): (String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        history(
            &mut tx,
            &facility,
            &field,
            "refused",
            Some(&value),
            None,
            None,
            admin,
            at,
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every confirmed fact, expired ones included (see [`LearnedFact::holds_on`]).
    pub async fn learned_facts(&self) -> Result<Vec<LearnedFact>, StoreError> {
        let rows = sqlx::query(
            "SELECT facility, field, value, valid_until, confirmed_by, confirmed_at, proposal_id \
             FROM learned_facts ORDER BY facility, field",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LearnedFact {
                    facility: facility(row)?,
                    field: field(row)?,
                    value: row.try_get("value")?,
                    valid_until: day(row.try_get("valid_until")?),
                    confirmed_by: row.try_get("confirmed_by")?,
                    confirmed_at: from_secs(
                        "learned_facts (proposal)",
                        row.try_get::<Option<i64>, _>("proposal_id")?.unwrap_or(0),
                        row.try_get("confirmed_at")?,
                    )?,
                })
            })
            .collect()
    }

    /// The history of one facility's facts, newest first.
    pub async fn fact_history(&self, of: &FacilityId) -> Result<Vec<FactChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, facility, field, action, value, previous, valid_until, actor, at \
             FROM learned_fact_history WHERE facility = $1 ORDER BY id DESC",
        )
        .bind(of.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(FactChange {
                    facility: facility(row)?,
                    field: field(row)?,
                    action: row.try_get("action")?,
                    value: row.try_get("value")?,
                    previous: row.try_get("previous")?,
                    valid_until: day(row.try_get("valid_until")?),
                    actor: row.try_get("actor")?,
                    at: from_secs(
                        "learned_fact_history",
                        row.try_get("id")?,
                        row.try_get("at")?,
                    )?,
                })
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)] // one history row: every column is a parameter
async fn history(
    conn: &mut sqlx::AnyConnection,
    facility: &str,
    field: &str,
    action: &str,
    value: Option<&str>,
    previous: Option<String>,
    valid_until: Option<String>,
    actor: &str,
    at: DateTime<Utc>,
    proposal: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO learned_fact_history (facility, field, action, value, previous, valid_until, \
         actor, at, proposal_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(facility)
    .bind(field)
    .bind(action)
    .bind(value)
    .bind(previous)
    .bind(valid_until)
    .bind(actor)
    .bind(secs(at))
    .bind(proposal)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Purge: clears the provenance (the reply's sentence) of proposals made from inquiries received
/// before `cut` (seconds); the facility fact itself stays.
pub(super) async fn purge_provenance(
    conn: &mut sqlx::AnyConnection,
    cut: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE fact_proposals SET provenance = NULL WHERE provenance IS NOT NULL \
         AND inquiry_id IN (SELECT id FROM inquiries WHERE received_at < $1)",
    )
    .bind(cut)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
