//! French typography on the text we write: a non-breaking space before « ; : ! ? » and inside
//! « », so a line never starts with a colon. Markers (`[[à compléter : …]]`) are left exactly as
//! they are: agents and the approval check look for them.

const NBSP: char = '\u{a0}';

/// Applies French spacing rules outside markers.
pub fn french(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let end = rest[start..]
            .find("]]")
            .map(|e| start + e + 2)
            .unwrap_or(rest.len());
        out.push_str(&spaces(&rest[..start]));
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(&spaces(rest));
    out
}

fn spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut url_until = 0;
    for (i, &c) in chars.iter().enumerate() {
        if i < url_until {
            out.push(c);
            continue;
        }
        if starts_url(&chars[i..]) {
            url_until = i + chars[i..]
                .iter()
                .position(|c| c.is_whitespace())
                .unwrap_or(chars.len() - i);
            out.push(c);
            continue;
        }
        let next = chars.get(i + 1).copied();
        match c {
            ' ' if matches!(next, Some(';' | ':' | '!' | '?' | '»')) => out.push(NBSP),
            ' ' if i > 0 && chars[i - 1] == '«' => out.push(NBSP),
            '«' => {
                out.push('«');
                if next.is_some_and(|n| !n.is_whitespace()) {
                    out.push(NBSP);
                }
            }
            ';' | '!' | '?' | '»' if i > 0 && !chars[i - 1].is_whitespace() => {
                if c == '»' || chars[i - 1].is_alphanumeric() {
                    out.push(NBSP);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://") || head.starts_with("www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_double_punctuation_do_not_break() {
        assert_eq!(
            french("Horaires : lundi ; mardi ! Vraiment ?"),
            "Horaires\u{a0}: lundi\u{a0}; mardi\u{a0}! Vraiment\u{a0}?"
        );
        assert_eq!(french("« Bonjour »"), "«\u{a0}Bonjour\u{a0}»");
        assert_eq!(french("«Bonjour»"), "«\u{a0}Bonjour\u{a0}»");
        assert_eq!(french("Oui?"), "Oui\u{a0}?");
    }

    #[test]
    fn markers_and_addresses_are_left_alone() {
        assert_eq!(
            french("Tarif : [[à compléter : tarifs]] sur https://example.org/a?b=1"),
            "Tarif\u{a0}: [[à compléter : tarifs]] sur https://example.org/a?b=1"
        );
    }
}
