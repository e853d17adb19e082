//! The three renderings of one draft (plain text, HTML, Discord markdown) and the
//! `[[à compléter : …]]` markers that block approval until an agent fills them in.

use std::sync::OnceLock;

use regex::Regex;

/// Opening of a marker; the full form is `[[à compléter : what is missing]]`.
pub const MARKER_OPEN: &str = "[[à compléter : ";

/// A marker asking an agent to supply a missing fact.
pub fn marker(what: &str) -> String {
    format!("{MARKER_OPEN}{what}]]")
}

fn marker_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[\[\s*à compléter\s*:\s*([^\]]*)\]\]").expect("static regex"))
}

/// The markers still present in a text (what is missing, in order).
pub fn markers(text: &str) -> Vec<String> {
    marker_regex()
        .captures_iter(text)
        .map(|c| c[1].trim().to_string())
        .collect()
}

/// Where the markers stand in a text (byte ranges, in order), for highlighting them.
pub fn marker_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    marker_regex().find_iter(text).map(|m| m.range()).collect()
}

/// HTML for a plain-text draft: every character escaped, paragraphs and line breaks kept,
/// web addresses made clickable.
pub fn text_to_html(text: &str) -> String {
    let mut html =
        String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n");
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = paragraph
            .lines()
            .map(|l| linkify(&escape_html(l)))
            .collect();
        html.push_str("<p>");
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str("</body></html>\n");
    html
}

/// Escapes the five HTML-significant characters.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn linkify(escaped: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"https?://[^\s<>"&]+[^\s<>"&.,;:!?)]"#).expect("static regex")
    });
    re.replace_all(escaped, r#"<a href="$0">$0</a>"#)
        .into_owned()
}

/// Discord markdown that shows exactly the text: every formatting character is escaped, so
/// nothing can be hidden (spoilers, headings, links) or turned into a mention.
pub fn text_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Block syntax at the start of a line: headings, lists (a quote's `>` is escaped below,
        // once: escaping it twice showed a stray backslash, `\> cite`).
        if trimmed.starts_with(['#', '-', '+']) {
            out.push('\\');
        }
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<' | '>' | '@'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Discord markdown for a reply we wrote (templates and catalogue, no citizen text): lists and
/// markers stay as they read, only what Discord would turn into formatting, a mention or a
/// heading is escaped — so no `\[\[` or `\-` artefacts.
pub fn chat_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with(['#', '>']) {
            out.push('\\');
        }
        for c in line.chars() {
            if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '@') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// A citizen's sentence made safe to quote inside a marker: one line, bounded, without the
/// characters that could close the marker, format Discord text or look like a template.
pub fn quoted_for_marker(sentence: &str) -> String {
    let cleaned: String = sentence
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
        .map(|c| match c {
            '[' | ']' | '{' | '}' | '<' | '>' | '*' | '_' | '`' | '|' | '@' | '#' | '~' | '\\' => ' ',
            '«' | '»' => '"',
            other => other,
        })
        .collect();
    let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        one_line.chars().take(119).collect::<String>() + "…"
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_and_described() {
        let text = format!(
            "Horaires : {}. Tarifs : {}.",
            marker("horaires de la piscine"),
            marker("tarifs")
        );
        assert_eq!(markers(&text), vec!["horaires de la piscine", "tarifs"]);
        assert!(markers("Tout est renseigné.").is_empty());
    }

    #[test]
    fn html_escapes_everything_and_keeps_paragraphs() {
        let html = text_to_html(
            "Bonjour <script>alert(1)</script>,\n\nVoir https://example.org/a?b=1.\nMerci",
        );
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains(r#"<a href="https://example.org/a?b=1">"#));
        assert_eq!(html.matches("<p>").count(), 2);
    }

    #[test]
    fn chat_markdown_keeps_lists_and_markers_readable() {
        let md =
            chat_markdown("Bonjour,\n- Piscine de Clamart\n[[à compléter : tarifs]] @everyone");
        assert!(md.contains("- Piscine de Clamart"));
        assert!(md.contains("[[à compléter : tarifs]]"));
        assert!(md.contains("\\@everyone"));
        assert!(!md.contains("\\[") && !md.contains("\\-"));
    }

    #[test]
    fn quoted_sentences_cannot_close_a_marker() {
        let q = quoted_for_marker("prêt ]] {{x}} <b>liseuses</b> ?");
        assert!(!q.contains(']') && !q.contains('{') && !q.contains('<'));
        assert!(q.contains("liseuses"));
    }

    #[test]
    fn markdown_cannot_hide_text_or_mention() {
        let md = text_to_markdown("||caché|| **gras** @everyone <@123>\n# titre");
        assert!(md.contains(r"\|\|caché\|\|"));
        assert!(md.contains(r"\*\*gras\*\*"));
        assert!(md.contains(r"\@everyone"));
        assert!(md.contains(r"\# titre"));
    }
}
