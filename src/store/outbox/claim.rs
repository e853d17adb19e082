//! Claims: a worker takes a few due jobs (or copy steps) under a short lease held by a token,
//! renews it while it works, records each attempt in flight before speaking to the transport, and
//! gives the claim back with the outcome.

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

use super::{decode_job, Job, JOB_COLUMNS};
use crate::store::{secs, Backend, Store, StoreError};

/// Which step of a job a claim is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Delivering the message.
    Send,
    /// Keeping the transport's copy (Sent folder) after delivery.
    Copy,
}

impl Store {
    /// Claims up to `limit` jobs of a transport due for `step`, under `token` until `now +
    /// lease`. One statement, so SQLite takes its write lock before reading (no `database is
    /// locked` upgrade) and PostgreSQL skips rows another worker is claiming. A row that cannot be
    /// decoded is set aside as failed with the reason, and the others are claimed.
    pub async fn claim(
        &self,
        step: Step,
        transport: &str,
        token: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let due = match step {
            Step::Send => "status = 'pending' AND next_attempt_at <= $4",
            Step::Copy => "status = 'sent' AND copy_status = 'pending' AND copy_due_at <= $4",
        };
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let free = "(lease_until IS NULL OR lease_until < $4)";
        let sql = format!(
            "UPDATE outbox SET claim_token = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE transport = $3 AND {due} AND {free} ORDER BY id LIMIT $5 {lock}) \
             AND {due} AND {free} RETURNING {JOB_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(token)
            .bind(secs(now + lease))
            .bind(transport)
            .bind(secs(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            match decode_job(row) {
                Ok(job) => jobs.push(job),
                Err(e) => {
                    let id: i64 = row.try_get("id")?;
                    tracing::error!(job = id, error = %e, "outbox row set aside");
                    self.set_aside(id, &e.to_string()).await?;
                }
            }
        }
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn set_aside(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $1, claim_token = NULL, lease_until = NULL, \
             copy_status = CASE WHEN copy_status = 'pending' THEN 'failed' ELSE copy_status END WHERE id = $2",
        )
        .bind(error.chars().take(500).collect::<String>())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Extends the lease of every job still claimed under `token` (the worker's heartbeat).
    pub async fn renew_claim(&self, token: &str, until: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("UPDATE outbox SET lease_until = $1 WHERE claim_token = $2")
                .bind(secs(until))
                .bind(token)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Records an attempt as in flight, in its own commit, before the transport is spoken to.
    /// False when the claim was lost (the lease ran out and another worker took the job).
    pub async fn begin_attempt(
        &self,
        job: &mut Job,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, in_flight_at = $1 \
             WHERE id = $2 AND claim_token = $3 AND status = 'pending'",
        )
        .bind(secs(at))
        .bind(job.id)
        .bind(job.claim.as_str())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            job.attempts += 1;
            job.in_flight_at = Some(at);
        }
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed attempt and releases the claim; retried at `next_at`, or given up when
    /// `next_at` is None. Nothing is changed when the claim was lost meanwhile.
    pub async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        next_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        let (status, next) = match next_at {
            Some(t) => ("pending", Some(secs(t))),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3, claim_token = NULL, \
             lease_until = NULL WHERE id = $4 AND claim_token = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(job.id)
        .bind(job.claim.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The copy step's outcome: done (`Ok`), retried at `next_at`, or given up.
    pub async fn copy_outcome(
        &self,
        job: &Job,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError> {
        let (status, due, error) = match outcome {
            Ok(()) => ("done", None, None),
            Err((e, Some(t))) => ("pending", Some(secs(t)), Some(e)),
            Err((e, None)) => ("failed", None, Some(e)),
        };
        sqlx::query(
            "UPDATE outbox SET copy_status = $1, copy_due_at = COALESCE($2, copy_due_at), \
             copy_attempts = copy_attempts + 1, copy_error = $3, claim_token = NULL, lease_until = NULL \
             WHERE id = $4 AND claim_token = $5 AND copy_status = 'pending'",
        )
        .bind(status)
        .bind(due)
        .bind(error.map(|e| e.chars().take(500).collect::<String>()))
        .bind(job.id)
        .bind(job.claim.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
