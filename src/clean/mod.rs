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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_lose_control_characters_and_extra_spaces() {
        assert_eq!(clean_line("a\r\nBcc: x\t  y"), "a Bcc: x y");
    }
}
