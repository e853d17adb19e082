//! Hostile text made harmless, for every channel: one line of header text, HTML sanitised for an
//! agent's eyes, HTML reduced to plain text. Pure functions, no I/O.

pub mod html;

pub use html::{sanitize as sanitize_html, to_text as html_to_text};

/// One line of header text: control characters (including CR/LF, a header-injection vector) become
/// spaces, runs of spaces collapse.
pub fn clean_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines joined with `\n`, runs of blank lines collapsed to one, leading and trailing blank lines
/// dropped (each line is taken as given: trim it before).
pub fn collapse_blank_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_lose_control_characters_and_extra_spaces() {
        assert_eq!(clean_line("a\r\nBcc: x\t  y"), "a Bcc: x y");
        assert_eq!(collapse_blank_lines(["", "a", "", "", "b", ""]), "a\n\nb");
    }
}
