//! Reading one `faq/answers/*.toml` file: every entry validated, errors with the file and line.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::assets::{line_of, DataFile};
use crate::inquiry::{FacilityId, Kind, Topic};

use super::super::rules::compile_pattern;
use super::super::{Catalogue, FaqError};
use super::{Entry, Scope, Shape, Texts};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "entry")]
    entries: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    scope: String,
    topic: Topic,
    #[serde(default)]
    shape: Shape,
    needs: Option<String>,
    #[serde(default)]
    holding: bool,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    alone: bool,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    covers: Vec<Topic>,
    decides: Option<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    valid_from: Option<toml::Value>,
    valid_until: Option<toml::Value>,
    fr: RawTexts,
    en: RawTexts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTexts {
    #[serde(default)]
    questions: Vec<String>,
    answer: String,
    ask: Option<String>,
    label: Option<String>,
}

/// Parses and validates one file of entries.
pub(super) fn parse_file(file: &DataFile, catalogue: &Catalogue) -> Result<Vec<Entry>, FaqError> {
    let raw: File = toml::from_str(&file.text).map_err(|e| FaqError::toml(file, &e))?;
    raw.entries
        .into_iter()
        .map(|r| entry(file, catalogue, r))
        .collect()
}

fn entry(file: &DataFile, catalogue: &Catalogue, raw: RawEntry) -> Result<Entry, FaqError> {
    let line = file
        .text
        .find(&format!("\"{}\"", raw.id))
        .map(|offset| line_of(&file.text, offset))
        .unwrap_or(0);
    let fail = |message: String| FaqError::at(file, line, format!("entry `{}`: {message}", raw.id));
    if FacilityId::parse(&raw.id).is_err() {
        return Err(fail(
            "the id must use lowercase letters, digits and dashes".to_string(),
        ));
    }
    let scope = scope(&raw.scope, catalogue).ok_or_else(|| {
        fail(format!(
            "scope `{}` is neither `*`, a kind nor a facility or service id of the catalogue",
            raw.scope
        ))
    })?;
    let needs_facility = match raw.needs.as_deref() {
        None => false,
        Some("facility") => true,
        Some(other) => return Err(fail(format!("needs `{other}`: only `facility` is known"))),
    };
    let compile = |list: &[String]| {
        list.iter()
            .map(|p| compile_pattern(p).map_err(|e| fail(format!("pattern {p:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()
    };
    let patterns = compile(&raw.patterns)?;
    let unless = compile(&raw.unless)?;
    let valid_from = date(raw.valid_from.as_ref()).map_err(|m| fail(format!("valid_from: {m}")))?;
    let valid_until =
        date(raw.valid_until.as_ref()).map_err(|m| fail(format!("valid_until: {m}")))?;
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        if from > until {
            return Err(fail("valid_from is after valid_until".to_string()));
        }
    }
    if raw.shape == Shape::Notice && valid_until.is_none() {
        return Err(fail(
            "a notice needs `valid_until`, so it leaves the drafts once over".to_string(),
        ));
    }
    if raw.shape != Shape::Notice && patterns.is_empty() && raw.fr.questions.is_empty() {
        return Err(fail(
            "give `patterns` or French `questions`, or nothing can find this entry".to_string(),
        ));
    }
    if raw.holding && raw.decides.as_deref().is_none_or(|d| d.trim().is_empty()) {
        return Err(fail(
            "a holding reply must say who decides (`decides`)".to_string(),
        ));
    }
    let service = match &scope {
        Scope::Facility(id) => catalogue
            .facility(id)
            .is_some_and(|f| f.kind == Kind::Siege && f.id.as_str() != "siege"),
        _ => false,
    };
    let fr = texts(file, line, &raw.id, "fr", raw.fr)?;
    let en = texts(file, line, &raw.id, "en", raw.en)?;
    Ok(Entry {
        origin: format!("{}:{line}", file.name),
        id: raw.id,
        scope,
        service,
        topic: raw.topic,
        shape: raw.shape,
        needs_facility,
        holding: raw.holding,
        priority: raw.priority,
        alone: raw.alone,
        exclusive: raw.exclusive,
        covers: raw.covers,
        decides: raw.decides,
        patterns,
        unless,
        fr,
        en,
        valid_from,
        valid_until,
    })
}

fn scope(text: &str, catalogue: &Catalogue) -> Option<Scope> {
    if text == "*" {
        return Some(Scope::Any);
    }
    if let Ok(kind) = text.parse::<Kind>() {
        return Some(Scope::Kind(kind));
    }
    catalogue
        .facility_by_str(text)
        .map(|f| Scope::Facility(f.id.clone()))
}

fn date(value: Option<&toml::Value>) -> Result<Option<NaiveDate>, String> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => return Err(format!("expected a date (2026-12-24), found {other}")),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("expected a date like 2026-12-24, found `{text}`"))
}

fn texts(
    file: &DataFile,
    line: usize,
    id: &str,
    lang: &str,
    raw: RawTexts,
) -> Result<Texts, FaqError> {
    let check = |what: &str, source: &str| -> Result<(), FaqError> {
        if source.trim().is_empty() {
            return Err(FaqError::at(
                file,
                line,
                format!("entry `{id}`: {lang}.{what} is empty"),
            ));
        }
        handlebars::Template::compile(source)
            .map(|_| ())
            .map_err(|e| {
                let inner = e.pos().map(|(l, _)| l).unwrap_or(1);
                // The text starts on the line after `[entry.<lang>]`-ish keys: report the entry's
                // line plus the line inside the text, which is what an editor needs.
                FaqError::at(
                    file,
                    line,
                    format!(
                        "entry `{id}`: {lang}.{what}, line {inner} of the text: {}",
                        e.reason()
                    ),
                )
            })
    };
    check("answer", &raw.answer)?;
    if let Some(ask) = &raw.ask {
        check("ask", ask)?;
    }
    Ok(Texts {
        label: raw
            .label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| id.replace('-', " ")),
        questions: raw.questions,
        answer: raw.answer.trim().to_string(),
        ask: raw.ask.map(|a| a.trim().to_string()),
    })
}
