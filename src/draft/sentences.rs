//! The citizen's requests as the draft sees them: the text of each, in order, and whether it asks
//! something (a question or a request that needs an answer) or only gives context.
//!
//! Provisional splitter until the project's one splitter (`faq::sentences`) lands.

/// One request of the citizen's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub text: String,
    /// Asks something: without an answer, the draft needs a marker.
    pub question: bool,
}

/// The requests of a body, in order.
pub(crate) fn requests(body: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<Sentence>| {
        let text = current.trim().to_string();
        current.clear();
        if text.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            return;
        }
        let question = text.ends_with('?') || asks(&text);
        out.push(Sentence { text, question });
    };
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut current, &mut out);
            continue;
        }
        for c in line.chars() {
            current.push(c);
            if matches!(c, '?' | '!' | '.') {
                flush(&mut current, &mut out);
            }
        }
        // A line break ends a sentence when the line looks finished.
        if line.ends_with([',', ':']) || line.chars().count() > 60 {
            current.push(' ');
        } else {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

fn asks(text: &str) -> bool {
    let t = crate::faq::normalize::fold(text);
    [
        "pouvez vous",
        "pourriez vous",
        "est ce que",
        "je voudrais",
        "je souhaite",
        "je souhaiterais",
        "j'aimerais",
        "nous souhaitons",
        "nous souhaiterions",
        "nous voudrions",
        "merci de",
        "comment ",
        "quand ",
        "combien",
        "quel ",
        "quelle ",
        "quels ",
        "quelles ",
        "serait il",
        "est il possible",
        "could you",
        "can you",
        "can i",
        "how ",
        "when ",
        "what ",
        "is there",
        "are there",
        "do you",
        "i would like",
        "we would like",
        "i'd like",
        "please ",
    ]
    .iter()
    .any(|p| t.starts_with(p) || t.contains(&format!(" {p}")))
}
