//! The report and the overdue list as people and programs read them: aligned tables (French
//! labels), CSV and JSON. One presentation for the command line, the dashboard's downloads and the
//! published open data. Pure.

use serde_json::{json, Map, Value};

use super::{GroupBy, Indicators, OverdueItem, ReportRow};

/// Output format of `report` and `overdue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// French number formatting: one decimal at most, comma separator.
pub fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}").replace('.', ",")
    }
}

/// The indicator cells of one row as agents read them (French numbers, `–` when undefined): the
/// command line's table and the dashboard's tables alike.
pub fn french_cells(i: &Indicators) -> [String; 11] {
    values(i, true)
}

/// Indicator columns after the group columns, in CSV order, with their table labels.
pub const COLUMNS: [(&str, &str); 11] = [
    ("received", "reçues"),
    ("answered", "répondues"),
    ("within_engagement", "dans le délai"),
    ("within_engagement_pct", "% dans le délai"),
    ("median_working_days", "médiane (j ouvrés)"),
    ("p90_working_days", "p90 (j ouvrés)"),
    ("open", "en cours"),
    ("overdue", "en retard"),
    ("acknowledged_within_pct", "% AR dans le délai"),
    ("automatic", "automatiques"),
    ("rejected", "rejetées"),
];

fn values(i: &Indicators, french: bool) -> [String; 11] {
    let pct = |p: Option<f64>| match p {
        Some(p) if french => format!("{} %", number(p)),
        Some(p) => format!("{p:.1}"),
        None if french => "–".to_string(),
        None => String::new(),
    };
    let days = |d: Option<u32>| match d {
        Some(d) => d.to_string(),
        None if french => "–".to_string(),
        None => String::new(),
    };
    [
        i.received.to_string(),
        i.answered.to_string(),
        i.within_engagement.to_string(),
        pct(i.within_engagement_pct),
        days(i.median_working_days),
        days(i.p90_working_days),
        i.open.to_string(),
        i.overdue.to_string(),
        pct(i.acknowledged_within_pct),
        i.automatic.to_string(),
        i.rejected.to_string(),
    ]
}

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line, newline included: the one CSV writer of reports, downloads and open data.
pub fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let mut line = fields
        .into_iter()
        .map(|f| csv_field(&f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Right-aligns numbers, left-aligns the first `text_columns` columns.
fn table(header: Vec<String>, rows: Vec<Vec<String>>, text_columns: usize) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                let pad = " ".repeat(w - cell.chars().count());
                if i < text_columns {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The report in the requested format; CSV headers name the group columns as given to `--by`.
pub fn report(by: &[GroupBy], rows: &[ReportRow], format: Format) -> String {
    match format {
        Format::Csv => {
            let header = by
                .iter()
                .map(|g| g.as_str().to_string())
                .chain(COLUMNS.iter().map(|(name, _)| name.to_string()));
            let mut out = csv_line(header);
            for row in rows {
                let fields = row
                    .groups
                    .iter()
                    .cloned()
                    .chain(values(&row.indicators, false));
                out.push_str(&csv_line(fields));
            }
            out
        }
        Format::Json => {
            let list: Vec<Value> = rows
                .iter()
                .map(|row| {
                    let mut object = Map::new();
                    for (g, v) in by.iter().zip(&row.groups) {
                        object.insert(g.as_str().to_string(), json!(v));
                    }
                    if let Ok(Value::Object(ind)) = serde_json::to_value(&row.indicators) {
                        object.extend(ind);
                    }
                    Value::Object(object)
                })
                .collect();
            format!("{}\n", Value::Array(list))
        }
        Format::Table => {
            let header = by
                .iter()
                .map(|g| g.as_str().to_string())
                .chain(COLUMNS.iter().map(|(_, label)| label.to_string()))
                .collect();
            let body = rows
                .iter()
                .map(|row| {
                    row.groups
                        .iter()
                        .map(|g| {
                            if g.is_empty() {
                                "(aucun)".to_string()
                            } else {
                                g.clone()
                            }
                        })
                        .chain(values(&row.indicators, true))
                        .collect()
                })
                .collect();
            table(header, body, by.len())
        }
    }
}

/// The overdue list in the requested format.
pub fn overdue(items: &[OverdueItem], format: Format) -> String {
    let header = [
        "reference",
        "channel",
        "kind",
        "facility",
        "topic",
        "received",
        "deadline",
        "working_days_left",
    ];
    let fields = |i: &OverdueItem| {
        vec![
            i.reference.clone(),
            i.channel.to_string(),
            i.kind.to_string(),
            i.facility.clone(),
            i.topic.to_string(),
            i.received_at.to_rfc3339(),
            i.deadline.format("%Y-%m-%d").to_string(),
            i.working_days_left.to_string(),
        ]
    };
    match format {
        Format::Csv => {
            let mut out = csv_line(header.iter().map(|h| h.to_string()));
            for i in items {
                out.push_str(&csv_line(fields(i)));
            }
            out
        }
        Format::Json => {
            let list: Vec<Value> = items
                .iter()
                .map(|i| {
                    let object: Map<String, Value> = header
                        .iter()
                        .zip(fields(i))
                        .map(|(h, v)| (h.to_string(), json!(v)))
                        .collect();
                    Value::Object(object)
                })
                .collect();
            format!("{}\n", Value::Array(list))
        }
        Format::Table if items.is_empty() => {
            "Aucune demande en retard ni proche de l'échéance.\n".to_string()
        }
        Format::Table => {
            let labels = [
                "référence",
                "canal",
                "type",
                "équipement",
                "sujet",
                "reçue le",
                "échéance",
                "j ouvrés restants",
            ];
            let rows = items
                .iter()
                .map(|i| {
                    let mut f = fields(i);
                    f[5] = crate::calendar::paris_date(i.received_at)
                        .format("%d/%m/%Y")
                        .to_string();
                    f[6] = i.deadline.format("%d/%m/%Y").to_string();
                    f
                })
                .collect();
            table(labels.iter().map(|l| l.to_string()).collect(), rows, 7)
        }
    }
}
