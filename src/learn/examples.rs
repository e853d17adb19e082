//! Corrected inquiries as candidate rule examples (`guichet faq examples --from-ledger`): for each
//! rule that fired on an inquiry an agent then reassigned or rejected as out of scope, the
//! citizen's text, pseudonymised, as a counter-example, with the right labels in a comment;
//! written in the rules' own TOML shape for quality staff to review and paste. Nothing is added to
//! the rules automatically. Pure.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::accuracy::{Judged, Verdict};
use super::present::labels_text;
use super::pseudonym::pseudonymise;
use crate::faq::Faq;

/// Longest example kept (characters of the pseudonymised text).
const MAX_EXAMPLE_CHARS: usize = 600;

/// One corrected inquiry with its text (subject and body) and sender name.
pub struct Corrected<'a> {
    pub judged: &'a Judged,
    pub reference: String,
    pub subject: String,
    pub body: String,
    pub sender: Option<String>,
}

/// The TOML text of the candidates, grouped by the rule that fired wrongly.
pub fn candidates(faq: &Faq, corrected: &[Corrected<'_>]) -> String {
    let mut by_rule: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for c in corrected {
        let truth = match &c.judged.verdict {
            Verdict::Confirmed => continue,
            Verdict::Corrected(t) => labels_text(faq, t),
            Verdict::OutOfScope => "hors périmètre".to_string(),
        };
        let text = pseudonymise(
            &format!("{}\n{}", c.subject.trim(), c.body.trim()),
            c.sender.as_deref(),
        );
        let text: String = text.chars().take(MAX_EXAMPLE_CHARS).collect();
        let note = format!(
            "{} — pris pour {}, en réalité {truth}",
            c.reference,
            labels_text(faq, &c.judged.intake)
        );
        for rule in &c.judged.rules {
            by_rule
                .entry(rule.as_str())
                .or_default()
                .push((note.clone(), text.clone()));
        }
    }
    let mut out = String::from(
        "# Exemples candidats tirés des corrections des agents (guichet faq examples --from-ledger).\n\
         # Textes pseudonymisés. À relire, puis à coller dans la règle de même `id` de faq/rules/ :\n\
         # `guichet faq test` les gardera comme tests de non-régression.\n",
    );
    for (rule, items) in &by_rule {
        let _ = writeln!(
            out,
            "\n[[rule]]\nid = {}",
            toml::Value::String(rule.to_string())
        );
        out.push_str("counter_examples = [\n");
        for (note, text) in items {
            let _ = writeln!(out, "  # {}", note.replace('\n', " "));
            let _ = writeln!(out, "  {},", toml::Value::String(text.clone()));
        }
        out.push_str("]\n");
    }
    out
}
