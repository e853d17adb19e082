//! Reading and validating an import file (a small RFC 4180 reader: quotes, `""`, CRLF).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{ImportRow, RowError};
use crate::inquiry::FacilityId;

const COLUMNS: [&str; 8] = [
    "id",
    "channel",
    "kind",
    "facility",
    "topic",
    "received_at",
    "acknowledged_at",
    "answered_at",
];

/// Splits CSV text into records, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, RowError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut chars = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    out.push((start, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(RowError {
            line: start,
            reason: "unterminated quoted field".to_string(),
        });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

fn timestamp(value: &str, column: &str) -> Result<Option<DateTime<Utc>>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(value)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|e| format!("{column} `{value}` is not an RFC 3339 timestamp ({e})"))
}

fn row(line: usize, f: &[String; 8]) -> Result<ImportRow, String> {
    let id = f[0].clone();
    if id.is_empty() || id.len() > 200 {
        return Err("id must be 1 to 200 characters".to_string());
    }
    let received_at =
        timestamp(&f[5], "received_at")?.ok_or_else(|| "received_at is required".to_string())?;
    let acknowledged_at = timestamp(&f[6], "acknowledged_at")?;
    let answered_at = timestamp(&f[7], "answered_at")?;
    for (name, at) in [
        ("acknowledged_at", acknowledged_at),
        ("answered_at", answered_at),
    ] {
        if at.is_some_and(|at| at < received_at) {
            return Err(format!("{name} is before received_at"));
        }
    }
    Ok(ImportRow {
        line,
        id,
        channel: f[1].parse().map_err(|e| format!("{e}"))?,
        kind: f[2].parse().map_err(|e| format!("{e}"))?,
        facility: match f[3].as_str() {
            "" => None,
            s => Some(FacilityId::parse(s).map_err(|e| e.to_string())?),
        },
        topic: f[4].parse().map_err(|e| format!("{e}"))?,
        received_at,
        acknowledged_at,
        answered_at,
    })
}

/// Parses and validates a whole file; any bad row makes the whole file rejected.
pub fn parse_import_csv(text: &str) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let records = records(text).map_err(|e| vec![e])?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(vec![RowError {
            line: 1,
            reason: "empty file: expected a header line".to_string(),
        }]);
    };
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let mut index = [0_usize; 8];
    let mut missing = Vec::new();
    for (i, name) in COLUMNS.iter().enumerate() {
        match header.iter().position(|h| h == name) {
            Some(p) => index[i] = p,
            None => missing.push(*name),
        }
    }
    if !missing.is_empty() {
        return Err(vec![RowError {
            line: 1,
            reason: format!("missing column(s): {}", missing.join(", ")),
        }]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, fields) in records {
        if fields.len() != header.len() {
            errors.push(RowError {
                line,
                reason: format!("{} fields, expected {}", fields.len(), header.len()),
            });
            continue;
        }
        let picked: [String; 8] = index.map(|i| fields[i].trim().to_string());
        match row(line, &picked) {
            Ok(r) => match seen.get(&r.id) {
                Some(first) => errors.push(RowError {
                    line,
                    reason: format!("duplicate id `{}` (first on line {first})", r.id),
                }),
                None => {
                    seen.insert(r.id.clone(), line);
                    rows.push(r);
                }
            },
            Err(reason) => errors.push(RowError { line, reason }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at\n";

    #[test]
    fn valid_rows_parse_with_line_numbers() {
        let text = format!(
            "{HEADER}a1,mail,piscine,piscine-pajeaud,horaires,2025-03-03T09:00:00+01:00,,\r\n\
             \"a,2\",courrier,siege,,reclamation,2025-03-03T09:00:00Z,,2025-03-10T10:00:00Z\n"
        );
        let rows = parse_import_csv(&text).expect("valid file");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].id, "a,2");
        assert_eq!(rows[1].line, 3);
        assert!(rows[1].facility.is_none());
        assert!(rows[1].answered_at.is_some());
    }

    #[test]
    fn every_bad_row_is_reported() {
        let text = format!(
            "{HEADER}a1,fax,piscine,,horaires,2025-03-03T09:00:00Z,,\n\
             a2,mail,piscine,,horaires,yesterday,,\n\
             a3,mail,piscine,,horaires,2025-03-03T09:00:00Z,,2025-03-01T09:00:00Z\n\
             a4,mail,piscine,,horaires,2025-03-03T09:00:00Z,,\n\
             a4,mail,piscine,,horaires,2025-03-03T09:00:00Z,,\n"
        );
        let errors = parse_import_csv(&text).expect_err("bad file");
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6]);
        assert!(errors[0].reason.contains("channel"));
        assert!(errors[3].reason.contains("duplicate"));
    }

    #[test]
    fn missing_columns_are_named() {
        let errors = parse_import_csv("id,channel\n").expect_err("bad header");
        assert!(errors[0].reason.contains("received_at"));
    }
}
