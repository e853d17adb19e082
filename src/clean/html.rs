//! Hostile HTML made harmless: a sanitised copy for agents' eyes, and its plain text for rules.

use std::sync::OnceLock;

use regex::Regex;

/// Sanitises HTML from a citizen: no scripts, styles, forms, frames, event handlers, or remote
/// images; links keep their text and get `rel="noopener noreferrer"`.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// Plain text of an HTML body: block elements become line breaks, tags go, entities are decoded.
pub fn to_text(html: &str) -> String {
    static BLOCK: OnceLock<Regex> = OnceLock::new();
    static TAG: OnceLock<Regex> = OnceLock::new();
    static DROP: OnceLock<Regex> = OnceLock::new();
    let drop = DROP.get_or_init(|| {
        Regex::new(r"(?is)<(script|style|head|title)\b.*?</(script|style|head|title)\s*>")
            .expect("static regex")
    });
    let block = BLOCK.get_or_init(|| {
        Regex::new(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|p|div|li|tr|h[1-6])\b[^>]*>")
            .expect("static regex")
    });
    let tag = TAG.get_or_init(|| Regex::new(r"(?s)<[^>]*>").expect("static regex"));
    let text = drop.replace_all(html, " ");
    let text = block.replace_all(&text, "\n");
    let text = tag.replace_all(&text, "");
    let text = decode_entities(&text);
    super::collapse_blank_lines(text.lines().map(str::trim))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "nbsp" => ' ',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "agrave" => 'à',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "ocirc" => 'ô',
        "ucirc" => 'û',
        "ugrave" => 'ù',
        "icirc" => 'î',
        "iuml" => 'ï',
        "euml" => 'ë',
        "oelig" => 'œ',
        "Eacute" => 'É',
        "Agrave" => 'À',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "deg" => '°',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_remote_images_are_removed() {
        let dirty = r#"<p onclick="steal()">Bonjour<script>alert(1)</script><img src="http://track.example/p.gif"><a href="javascript:x()">lien</a></p>"#;
        let clean = sanitize(dirty);
        assert!(!clean.contains("script"));
        assert!(!clean.contains("onclick"));
        assert!(!clean.contains("track.example"));
        assert!(!clean.contains("javascript"));
        assert!(clean.contains("Bonjour"));
    }

    #[test]
    fn html_becomes_readable_text() {
        let text = to_text("<html><head><style>p{}</style></head><body><p>Bonjour,</p><p>Les horaires de la piscine&nbsp;?<br>Merci &amp; bonne journ&eacute;e</p></body></html>");
        assert_eq!(
            text,
            "Bonjour,\n\nLes horaires de la piscine ?\nMerci & bonne journée"
        );
    }
}
