//! Bounds on what guichet copies from hostile mail into what it sends: a subject quoted in an
//! acknowledgement loses control and invisible characters, draft markers and template syntax,
//! and is cut to a sane length. (Threading headers are bounded by `store::MAX_REFERENCES`.)

/// The longest subject quoted in an acknowledgement, in characters.
pub const MAX_QUOTED_SUBJECT: usize = 150;

/// Characters that change how text is shown without being seen: zero-width, bidi overrides,
/// BOM, soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A citizen's subject made safe to quote in an acknowledgement.
pub fn quotable_subject(subject: &str) -> String {
    let visible: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !invisible(*c))
        .collect();
    // Markers (`[[à compléter : …]]`) would block nothing here but read as ours; template
    // delimiters are never ours to copy.
    let mut clean = visible;
    for token in ["[[", "]]", "{{", "}}", "{%", "%}", "<%", "%>"] {
        while clean.contains(token) {
            clean = clean.replace(token, " ");
        }
    }
    let words: Vec<&str> = clean.split_whitespace().collect();
    let joined = words.join(" ");
    let mut out: String = joined.chars().take(MAX_QUOTED_SUBJECT).collect();
    if joined.chars().count() > MAX_QUOTED_SUBJECT {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_subject_loses_markers_template_syntax_and_invisible_characters() {
        assert_eq!(
            quotable_subject("Piscine [[à compléter : prix]] {{#each x}}\u{202E}gnp.exe\r\nBcc: x"),
            "Piscine à compléter : prix #each x gnp.exe Bcc: x"
        );
        assert_eq!(quotable_subject("[[[[x]]]]"), "x");
        assert_eq!(
            quotable_subject("Horaires  du\u{200B} centre"),
            "Horaires du centre"
        );
        let long = "a".repeat(10_000);
        assert_eq!(
            quotable_subject(&long).chars().count(),
            MAX_QUOTED_SUBJECT + 1
        );
    }
}
