//! Finds, in the text of a mail, what a human would read: the new part of a reply rather than the
//! quoted history, the forwarded inquiry inside a "TR:/Fwd:", without the writer's signature.

/// A body split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    pub new: String,
    pub quoted: String,
    pub signature: String,
}

/// Lines that open a forwarded message (the text after them is the inquiry being forwarded).
const FORWARD_MARKERS: &[&str] = &[
    "-----message d'origine-----",
    "-------- message transféré --------",
    "-------- message transfere --------",
    "---------- forwarded message ---------",
    "---------- message transféré ---------",
    "-------- forwarded message --------",
    "begin forwarded message:",
    "début du message réexpédié :",
    "-----original message-----",
];

/// Closing formulas after which the rest of the text is a signature.
const CLOSINGS: &[&str] = &[
    "cordialement",
    "bien cordialement",
    "très cordialement",
    "bien à vous",
    "bien a vous",
    "salutations",
    "sincères salutations",
    "meilleures salutations",
    "bonne journée",
    "bonne soirée",
    "belle journée",
    "merci d'avance",
    "merci par avance",
    "merci beaucoup",
    "merci",
    "avec mes remerciements",
    "en vous remerciant",
    "respectueusement",
    "best regards",
    "kind regards",
    "regards",
    "best",
    "thanks",
    "thank you",
    "many thanks",
    "sincerely",
    "yours sincerely",
    "cheers",
];

/// Splits a plain-text body. `forward` says the subject announced a forward (TR:, Fwd:), in which
/// case a message quoted after an "original message" line is the inquiry, not history.
pub fn split(body: &str, forward: bool) -> Split {
    let lines: Vec<&str> = body.lines().collect();
    let mut cut = lines.len();
    let mut forwarded_from = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        if FORWARD_MARKERS.iter().any(|m| lower.starts_with(m))
            || is_outlook_header_block(&lines, i)
        {
            cut = i;
            if forward
                || lower.contains("transf")
                || lower.contains("forward")
                || lower.contains("réexp")
            {
                forwarded_from = Some(i);
            }
            break;
        }
        if trimmed.starts_with('>') && i > 0 {
            cut = i;
            break;
        }
        if is_attribution(&lines, i) {
            cut = i;
            break;
        }
    }
    let head = lines[..cut].join("\n");
    let (new, signature) = split_signature(&head);
    let history = lines[cut..].join("\n");
    match forwarded_from {
        Some(_) => {
            // The forwarded inquiry is what needs an answer; the forwarder's note stays for context.
            let forwarded = strip_forward_headers(&history);
            let inner = split(&forwarded, false);
            Split {
                new: format!("{}\n\n{}", new.trim(), inner.new.trim())
                    .trim()
                    .to_string(),
                quoted: inner.quoted,
                signature: format!("{}\n{}", signature, inner.signature)
                    .trim()
                    .to_string(),
            }
        }
        None => Split {
            new: new.trim().to_string(),
            quoted: history.trim().to_string(),
            signature,
        },
    }
}

/// "Le lun. 2 mars 2026 à 16:47, X <x@y> a écrit :" or "On Mon, … wrote:", possibly wrapped.
fn is_attribution(lines: &[&str], i: usize) -> bool {
    let joined = match lines.get(i + 1) {
        Some(next) => format!("{} {}", lines[i].trim(), next.trim()),
        None => lines[i].trim().to_string(),
    };
    let lower = joined.to_lowercase();
    let line = lines[i].trim().to_lowercase();
    let starts = line.starts_with("le ") || line.starts_with("on ") || line.starts_with("am ");
    let single =
        line.ends_with("a écrit :") || line.ends_with("a écrit:") || line.ends_with("wrote:");
    let wrapped =
        lower.contains("a écrit :") || lower.contains("a écrit:") || lower.contains(" wrote:");
    starts && (single || (wrapped && line.len() > 20 && !line.ends_with('.')))
}

/// An Outlook reply header: "De : …" followed within two lines by "Envoyé : …" / "Sent: …".
fn is_outlook_header_block(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim().to_lowercase();
    if !(line.starts_with("de :") || line.starts_with("de:") || line.starts_with("from:")) {
        return false;
    }
    lines.iter().skip(i + 1).take(3).any(|l| {
        let l = l.trim().to_lowercase();
        l.starts_with("envoyé :")
            || l.starts_with("envoyé:")
            || l.starts_with("sent:")
            || l.starts_with("date :")
            || l.starts_with("date:")
    })
}

/// Drops the marker line and the "De / Envoyé / À / Objet" header block of a forwarded message,
/// keeping the subject line's value as text (it often says what the inquiry is about).
fn strip_forward_headers(history: &str) -> String {
    let mut out = Vec::new();
    let mut in_headers = true;
    for (i, line) in history.lines().enumerate() {
        let lower = line.trim().to_lowercase();
        if i == 0 && FORWARD_MARKERS.iter().any(|m| lower.starts_with(m)) {
            continue;
        }
        if in_headers {
            let header = [
                "de :", "de:", "from:", "envoyé", "sent:", "date", "à :", "à:", "to:", "cc",
                "objet", "subject:",
            ]
            .iter()
            .find(|h| lower.starts_with(*h));
            match header {
                Some(h) if h.starts_with("objet") || h.starts_with("subject") => {
                    if let Some((_, value)) = line.split_once(':') {
                        out.push(value.trim().to_string());
                    }
                    continue;
                }
                Some(_) => continue,
                None if lower.is_empty() => continue,
                None => in_headers = false,
            }
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

/// Splits off a signature: after "-- ", or after a closing formula near the end of the text.
fn split_signature(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    if let Some(i) = lines.iter().position(|l| *l == "-- " || l.trim() == "--") {
        return (
            lines[..i].join("\n"),
            lines[i + 1..].join("\n").trim().to_string(),
        );
    }
    // A closing formula within the last lines, followed only by short lines (name, address…).
    let start = lines.len().saturating_sub(10);
    for i in (start..lines.len()).rev() {
        let l = lines[i]
            .trim()
            .trim_end_matches([',', '.', '!'])
            .trim()
            .to_lowercase();
        let after = &lines[i + 1..];
        if CLOSINGS.contains(&l.as_str())
            && after.len() <= 6
            && after
                .iter()
                .all(|l| l.trim().len() <= 80 && !l.contains('?'))
        {
            return (
                lines[..i].join("\n"),
                lines[i + 1..].join("\n").trim().to_string(),
            );
        }
    }
    (text.to_string(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_keeps_new_text_and_quotes_history() {
        let body = "Merci, autre question : les tarifs ?\n\nPaul\n\nLe lun. 2 mars 2026 à 16:47, Contact <c@v.example> a\nécrit :\n> Bonjour,\n> la piscine est fermée.";
        let s = split(body, false);
        assert!(s.new.contains("tarifs"));
        assert!(!s.new.contains("fermée"));
        assert!(s.quoted.contains("fermée"));
    }

    #[test]
    fn forward_brings_the_forwarded_inquiry() {
        let body = "Je vous transfère ce message.\n\nCordialement,\nSandrine\n\n-----Message d'origine-----\nDe : Paul <p@x.example>\nEnvoyé : lundi\nÀ : accueil@mairie.example\nObjet : clés perdues\n\nBonjour,\nJ'ai oublié mes clés à la piscine de Clamart.\nMerci\nPaul Garnier";
        let s = split(body, true);
        assert!(s.new.contains("Je vous transfère"));
        assert!(s.new.contains("piscine de Clamart"));
        assert!(s.new.contains("clés perdues"));
        assert!(!s.new.contains("Envoyé"));
        assert!(s.signature.contains("Paul Garnier"));
    }

    #[test]
    fn signature_after_closing_is_not_text() {
        let s = split("Bonjour,\nQuels horaires ?\n\nCordialement,\nMarie Dupont\n12 rue des Lilas\n92330 Sceaux", false);
        assert!(!s.new.contains("Sceaux"));
        assert!(s.signature.contains("Sceaux"));
    }

    #[test]
    fn text_without_markers_is_all_new() {
        let s = split("inscriptions aquagym a clamart c quand ?", false);
        assert_eq!(s.new, "inscriptions aquagym a clamart c quand ?");
        assert!(s.quoted.is_empty());
    }
}
