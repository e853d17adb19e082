//! The dashboard's tables: the `guichet report` columns in French, and the delay distribution's
//! buckets. Pure.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::charts::number;
use crate::indicators::render::{french_cells, COLUMNS};
use crate::indicators::Indicators;
use crate::indicators::ReportRow;

pub(super) fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_string(), |p| format!("{} %", number(p)))
}

/// The columns of the dashboard's indicator tables: those of `guichet report`, in its order.
pub(super) const HEAD: [&str; 11] = {
    let mut head = [""; 11];
    let mut i = 0;
    while i < 11 {
        head[i] = COLUMNS[i].1;
        i += 1;
    }
    head
};

pub(super) fn cells(i: &Indicators) -> Vec<String> {
    french_cells(i).to_vec()
}

pub(super) fn table(head: Vec<String>, rows: Vec<Vec<String>>) -> Value {
    json!({ "head": head, "rows": rows })
}

pub(super) fn labelled_table(
    what: &str,
    rows: &[ReportRow],
    label: impl Fn(&str) -> String,
) -> Value {
    let head = std::iter::once(what.to_string())
        .chain(HEAD.iter().map(|h| h.to_string()))
        .collect();
    let body = rows
        .iter()
        .map(|r| {
            std::iter::once(label(&r.groups[0]))
                .chain(cells(&r.indicators))
                .collect()
        })
        .collect();
    table(head, body)
}

/// Delays 0 to 9 working days one by one, then "10 et plus".
pub(super) fn delay_buckets(hist: &BTreeMap<u32, u64>) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = (0..10).map(|d| (format!("{d} j"), 0)).collect();
    out.push(("10 j et +".into(), 0));
    for (delay, n) in hist {
        out[(*delay as usize).min(10)].1 += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_delays_share_the_last_bucket() {
        let hist = BTreeMap::from([(0, 2), (3, 1), (12, 4), (30, 1)]);
        let b = delay_buckets(&hist);
        assert_eq!(b.len(), 11);
        assert_eq!(b[0].1, 2);
        assert_eq!(b[3].1, 1);
        assert_eq!(b[10], ("10 j et +".to_string(), 5));
    }
}
