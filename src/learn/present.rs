//! Sorting accuracy as agents read it: labels not ids, French numbers, one table per view. Pure.

use std::fmt::Write;

use super::accuracy::{AccuracyReport, Labels, Tally};
use crate::faq::Faq;
use crate::indicators::render::number;
use crate::inquiry::{Kind, Topic};

/// French label of a kind, as it reads inside a sentence (`piscine`, `autre service`): the
/// shared label of [`crate::labels::kind`], lower-cased.
pub fn kind_name(kind: Kind) -> String {
    crate::labels::kind(kind).to_lowercase()
}

/// French label of a topic (the shared one of [`crate::labels::topic`]).
pub fn topic_name(topic: Topic) -> &'static str {
    crate::labels::topic(topic)
}

/// `Piscine Pajeaud (piscine), horaires`: the facility's name from the catalogue.
pub fn labels_text(faq: &Faq, l: &Labels) -> String {
    let place = match &l.facility {
        Some(id) => faq
            .catalogue
            .facility_by_str(id)
            .map_or_else(|| id.clone(), |f| f.name.clone()),
        None => "sans équipement précis".to_string(),
    };
    format!("{place} ({}), {}", kind_name(l.kind), topic_name(l.topic))
}

/// `94,5 %`, or `–` without decisions.
pub fn share_text(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |p| format!("{}\u{a0}%", number(p)))
}

/// One line: `Précision du tri : 75 % (3 sur 4 demandes décidées)`.
pub fn one_line(t: &Tally) -> String {
    if t.decided == 0 {
        return "Précision du tri\u{a0}: aucune décision sur la période.".to_string();
    }
    let noun = if t.decided == 1 {
        "demande décidée"
    } else {
        "demandes décidées"
    };
    format!(
        "Précision du tri\u{a0}: {} ({} sur {} {noun})",
        share_text(t.share()),
        t.right,
        t.decided
    )
}

/// Column heads of the accuracy tables.
pub const HEAD: [&str; 6] = [
    "décidées",
    "bien triées",
    "précision du tri",
    "type juste",
    "équipement juste",
    "thème juste",
];

/// The cells of one row, in the order of [`HEAD`].
pub fn cells(t: &Tally) -> Vec<String> {
    vec![
        t.decided.to_string(),
        t.right.to_string(),
        share_text(t.share()),
        share_text(t.kind_share()),
        share_text(t.facility_share()),
        share_text(t.topic_share()),
    ]
}

/// What was taken for what, and how often: (at intake, in truth, count), most frequent first;
/// the truth of an out-of-scope inquiry is « hors périmètre ».
pub fn confusion_rows(faq: &Faq, r: &AccuracyReport) -> Vec<[String; 3]> {
    r.confusions
        .iter()
        .map(|c| {
            let truth = c
                .truth
                .as_ref()
                .map_or_else(|| "hors périmètre".to_string(), |t| labels_text(faq, t));
            [labels_text(faq, &c.intake), truth, c.count.to_string()]
        })
        .collect()
}

/// The plain-text report of `guichet faq eval`.
pub fn eval_text(faq: &Faq, r: &AccuracyReport) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, t: &Tally| {
        let _ = writeln!(out, "{name:<22} {}", cells(t).join(" | "));
    };
    let _ = writeln!(out, "{}\n", one_line(&r.total));
    let _ = writeln!(out, "{:<22} {}", "mois", HEAD.join(" | "));
    for (month, t) in &r.by_month {
        row(&mut out, month, t);
    }
    let _ = writeln!(out, "\n{:<22} {}", "type (à l'accueil)", HEAD.join(" | "));
    for (kind, t) in &r.by_kind {
        row(&mut out, &kind_name(*kind), t);
    }
    let _ = writeln!(out, "\nConfusions (pris pour → en réalité, nombre)\u{a0}:");
    if r.confusions.is_empty() {
        let _ = writeln!(out, "aucune");
    }
    for [intake, truth, count] in confusion_rows(faq, r) {
        let _ = writeln!(out, "{intake} → {truth}\u{a0}: {count}");
    }
    out
}
