//! The names of an inquiry: its database id and its human reference (`VSGP-2026-000042`).

use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::paris_date;

/// The database id of an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InquiryId(pub i64);

impl fmt::Display for InquiryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The human reference of an inquiry: `VSGP-2026-000042` (prefix, Paris year of receipt, id).
pub fn reference(prefix: &str, id: InquiryId, received_at: DateTime<Utc>) -> String {
    format!("{prefix}-{}-{:06}", paris_date(received_at).year(), id.0)
}

/// The id inside a reference made by [`reference`], whatever the prefix and year.
pub fn parse_reference(reference: &str) -> Option<InquiryId> {
    let digits = reference.rsplit('-').next()?;
    digits.parse::<i64>().ok().filter(|n| *n > 0).map(InquiryId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn references_carry_year_and_padded_id() {
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        // 23:30 UTC on 31 December is already 2026 in Paris.
        assert_eq!(reference("VSGP", InquiryId(42), at), "VSGP-2026-000042");
        assert_eq!(parse_reference("VSGP-2026-000042"), Some(InquiryId(42)));
        assert_eq!(parse_reference("VSGP-2026-x"), None);
    }
}
