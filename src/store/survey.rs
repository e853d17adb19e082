//! Satisfaction survey answers: at most one per inquiry, aggregated per facility and month of
//! receipt. The optional comment is the only personal data; purge clears it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::report::where_clause;
use super::{secs, InquiryId, Store, StoreError};
use crate::indicators::ReportFilter;

/// Longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// What became of a survey answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyOutcome {
    Recorded,
    /// The inquiry already has an answer: the first one stays.
    AlreadyAnswered,
}

/// Satisfaction of one facility in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct SatisfactionRow {
    /// Facility id, empty when none was identified.
    pub facility: String,
    /// `YYYY-MM`, month of receipt of the inquiries (Paris).
    pub month: String,
    pub answers: u64,
    /// Number of answers rating 1, 2, 3, 4 and 5.
    pub ratings: [u64; 5],
}

impl SatisfactionRow {
    /// Mean rating, one decimal; `None` without answers.
    pub fn average(&self) -> Option<f64> {
        let total: u64 = self
            .ratings
            .iter()
            .zip(1_u64..)
            .map(|(n, rating)| n * rating)
            .sum();
        (self.answers > 0).then(|| (total as f64 * 10.0 / self.answers as f64).round() / 10.0)
    }
}

/// A survey comment, for quality staff (personal data: never published).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyComment {
    pub facility: String,
    pub month: String,
    pub rating: u8,
    pub comment: String,
}

/// One line, bounded, without control characters.
fn clean_comment(comment: &str) -> Option<String> {
    let text: String = comment
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .take(MAX_COMMENT_CHARS)
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

impl Store {
    /// True when the inquiry has a survey answer.
    pub async fn survey_answered(&self, id: InquiryId) -> Result<bool, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM survey_answers WHERE inquiry_id = $1")
                .bind(id.0)
                .fetch_one(&self.pool)
                .await?;
        Ok(n > 0)
    }

    /// Records a rating (1–5) and optional comment; the first answer wins.
    pub async fn record_survey_answer(
        &self,
        id: InquiryId,
        rating: u8,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<SurveyOutcome, StoreError> {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inquiries WHERE id = $1")
            .bind(id.0)
            .fetch_one(&self.pool)
            .await?;
        if exists == 0 {
            return Err(StoreError::NotFound(id));
        }
        if !(1..=5).contains(&rating) {
            return Err(StoreError::Corrupt {
                inquiry: id,
                message: format!("survey rating {rating} outside 1–5"),
            });
        }
        let done = sqlx::query(
            "INSERT INTO survey_answers (inquiry_id, rating, comment, answered_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (inquiry_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(i64::from(rating))
        .bind(comment.and_then(clean_comment))
        .bind(secs(at))
        .execute(&self.pool)
        .await?;
        Ok(if done.rows_affected() == 1 {
            SurveyOutcome::Recorded
        } else {
            SurveyOutcome::AlreadyAnswered
        })
    }

    /// Satisfaction per facility and month of receipt, sorted by facility then month.
    pub async fn satisfaction(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        filter: &ReportFilter,
    ) -> Result<Vec<SatisfactionRow>, StoreError> {
        let (clause, values) = where_clause(from, to, filter, 1);
        let sql = format!(
            "SELECT f.facility AS facility, f.month AS month, COUNT(*) AS n, \
             COUNT(CASE WHEN s.rating = 1 THEN 1 END) AS r1, \
             COUNT(CASE WHEN s.rating = 2 THEN 1 END) AS r2, \
             COUNT(CASE WHEN s.rating = 3 THEN 1 END) AS r3, \
             COUNT(CASE WHEN s.rating = 4 THEN 1 END) AS r4, \
             COUNT(CASE WHEN s.rating = 5 THEN 1 END) AS r5 \
             FROM survey_answers s JOIN indicator_facts f ON f.inquiry_id = s.inquiry_id \
             {clause} GROUP BY f.facility, f.month ORDER BY f.facility, f.month"
        );
        let mut q = sqlx::query(&sql);
        for v in values {
            q = q.bind(v);
        }
        let count = |row: &sqlx::any::AnyRow, name: &str| -> Result<u64, StoreError> {
            Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
        };
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(SatisfactionRow {
                    facility: row.try_get("facility")?,
                    month: row.try_get("month")?,
                    answers: count(row, "n")?,
                    ratings: [
                        count(row, "r1")?,
                        count(row, "r2")?,
                        count(row, "r3")?,
                        count(row, "r4")?,
                        count(row, "r5")?,
                    ],
                })
            })
            .collect()
    }
}

impl Store {
    /// The latest survey comments within the filters, newest first.
    pub async fn survey_comments(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        filter: &ReportFilter,
        limit: u32,
    ) -> Result<Vec<SurveyComment>, StoreError> {
        let (clause, values) = where_clause(from, to, filter, 1);
        let extra = if clause.is_empty() { "WHERE" } else { " AND" };
        let sql = format!(
            "SELECT f.facility AS facility, f.month AS month, s.rating AS rating, \
             s.comment AS comment FROM survey_answers s \
             JOIN indicator_facts f ON f.inquiry_id = s.inquiry_id \
             {clause}{extra} s.comment IS NOT NULL \
             ORDER BY s.answered_at DESC, s.inquiry_id DESC LIMIT {limit}"
        );
        let mut q = sqlx::query(&sql);
        for v in values {
            q = q.bind(v);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let rating: i64 = row.try_get("rating")?;
                Ok(SurveyComment {
                    facility: row.try_get("facility")?,
                    month: row.try_get("month")?,
                    rating: u8::try_from(rating).unwrap_or(0),
                    comment: row.try_get("comment")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_bounded_and_cleaned() {
        assert_eq!(clean_comment("  "), None);
        assert_eq!(clean_comment("a\u{7}b").as_deref(), Some("a b"));
        assert_eq!(
            clean_comment(&"x".repeat(5000)).map(|c| c.chars().count()),
            Some(MAX_COMMENT_CHARS)
        );
    }

    #[test]
    fn average_is_weighted_by_rating() {
        let row = SatisfactionRow {
            facility: String::new(),
            month: "2026-01".into(),
            answers: 3,
            ratings: [0, 0, 1, 1, 1],
        };
        assert_eq!(row.average(), Some(4.0));
    }
}
