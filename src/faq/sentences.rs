//! Splits a citizen's new text into its sentences — the questions and requests it carries — so
//! that topics (and draft paragraphs) are decided per request. Pure and total: any text gives a
//! list, possibly empty, never a panic.
//!
//! What it handles: sentences ended by `.`, `!`, `?`, `…` (and chains such as `??` or `?!`);
//! abbreviations and numbers that contain a dot (`M.`, `bd.`, `10.30`); bullet and numbered
//! lists (one request per item); text without any punctuation (one request per short line, hard
//! wrapped lines joined); greetings at the start ("Bonjour Madame,"), closings ("Cordialement",
//! "Merci d'avance") and the signature lines after a closing, which are dropped.
//!
//! Spans are byte ranges into the text given, so a caller can point at the original words.

use std::ops::Range;

use super::normalize::fold;

/// One sentence of the citizen's own text: a question, a request or a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The sentence as written, whitespace collapsed, greeting removed.
    pub text: String,
    /// A direct question (`?`) or an indirect one ("je voudrais savoir…", "comment…").
    pub question: bool,
    /// Where the sentence lies in the text given to [`requests`] (byte offsets).
    pub span: Range<usize>,
}

/// A line whose length says the writer's mail client wrapped it, not the writer.
const WRAPPED_LINE: usize = 60;

/// Sentences with more words than this are not closings, whatever they start with.
const CLOSING_MAX_WORDS: usize = 14;

/// The sentences of `body`, in order, without greetings, closings and signature.
pub fn requests(body: &str) -> Vec<Request> {
    let mut out = Vec::new();
    let mut closed = false;
    for piece in pieces(body) {
        for span in sentences(body, piece) {
            let Some(span) = strip_greeting(body, span) else {
                continue;
            };
            let raw = &body[span.clone()];
            let text = collapse(raw);
            let folded = fold(&text);
            if folded.chars().all(|c| !c.is_alphanumeric()) || is_greeting_only(&folded) {
                continue;
            }
            if is_closing(&folded) {
                closed = true;
                continue;
            }
            if closed && looks_like_signature(&text) {
                continue;
            }
            if is_noise(&folded) {
                continue;
            }
            let question = is_question(&text, &folded);
            out.push(Request {
                text,
                question,
                span,
            });
        }
    }
    drop_trailing_name(&mut out);
    out
}

/// Paragraph pieces: lines joined when wrapped, one piece per bullet item or short line.
fn pieces(body: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('>') || trimmed == "--" || trimmed == "-- " {
            out.extend(current.take());
            if trimmed.starts_with("--") {
                break;
            }
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let mut begin = start + lead;
        let bullet = bullet_len(trimmed);
        if bullet > 0 {
            out.extend(current.take());
            begin += bullet;
        }
        let end = start + lead + trimmed.len();
        if begin >= end {
            continue;
        }
        current = match current.take() {
            Some(open) if bullet == 0 && joins(&body[open.clone()]) => Some(open.start..end),
            Some(open) => {
                out.push(open);
                Some(begin..end)
            }
            None => Some(begin..end),
        };
    }
    out.extend(current);
    out
}

/// True when the next line continues this piece (it was wrapped, not ended).
fn joins(piece: &str) -> bool {
    let last_line = piece.rsplit('\n').next().unwrap_or(piece).trim();
    let ends = last_line
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | ':' | ';'));
    !ends && last_line.chars().count() >= WRAPPED_LINE
}

/// Length of a bullet marker (`- `, `* `, `• `, `1) `, `2. `, `a) `) at the start of a line.
fn bullet_len(line: &str) -> usize {
    for marker in ["- ", "* ", "• ", "· ", "– ", "— ", "→ ", "-> "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return marker.len() + (rest.len() - rest.trim_start().len());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let letter =
        usize::from(digits == 0 && line.as_bytes().first().is_some_and(u8::is_ascii_lowercase));
    let n = if digits > 0 && digits <= 2 {
        digits
    } else {
        letter
    };
    if n > 0 {
        let rest = &line[n..];
        if (rest.starts_with(") ") || rest.starts_with(". ") || rest.starts_with("/ "))
            && !(letter == 1 && rest.starts_with(". "))
        {
            return n + 2 + (rest[2..].len() - rest[2..].trim_start().len());
        }
    }
    0
}

/// Splits one piece at sentence ends; the dot of an abbreviation or a number does not end one.
fn sentences(body: &str, piece: Range<usize>) -> Vec<Range<usize>> {
    let text = &body[piece.clone()];
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…' | ')' | '"' | '»')
            {
                j += 1;
            }
            let next_is_space = j >= chars.len() || chars[j].1.is_whitespace();
            let ends = next_is_space && !(c == '.' && j == i + 1 && is_abbreviation(&text[..at]));
            if ends {
                let end = if j < chars.len() {
                    chars[j].0
                } else {
                    text.len()
                };
                push_trimmed(&mut out, piece.start, text, start, end);
                start = end;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push_trimmed(&mut out, piece.start, text, start, text.len());
    out.into_iter().flat_map(|s| run_on(body, s)).collect()
}

fn push_trimmed(out: &mut Vec<Range<usize>>, base: usize, text: &str, start: usize, end: usize) {
    let part = &text[start..end];
    let lead = part.len() - part.trim_start().len();
    let trimmed = part.trim();
    if !trimmed.is_empty() {
        out.push(base + start + lead..base + start + lead + trimmed.len());
    }
}

/// True when the word before a dot is an abbreviation or a single letter ("M.", "bd.", "J.").
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    const ABBREVIATIONS: &[&str] = &[
        "mme", "mlle", "mr", "mrs", "ms", "dr", "st", "ste", "bd", "av", "ave", "etc", "ex", "cf",
        "tel", "tél", "n", "no", "vol", "env", "h", "min", "sq", "pl", "rte", "chap", "p",
    ];
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Cuts a long sentence without punctuation where a new request plainly starts.
fn run_on(body: &str, span: Range<usize>) -> Vec<Range<usize>> {
    const MARKERS: &[&str] = &[
        " et aussi ",
        " autre question ",
        " par ailleurs ",
        " d'autre part ",
        " sinon ",
        " also ",
        " another question ",
    ];
    let text = &body[span.clone()];
    if text.contains(['.', '?', '!']) || text.len() < 40 {
        return vec![span];
    }
    let lower = text.to_ascii_lowercase();
    let mut cuts: Vec<usize> = MARKERS
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(i, _)| i + 1))
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts {
        if cut > start {
            push_trimmed(&mut out, span.start, text, start, cut);
            start = cut;
        }
    }
    push_trimmed(&mut out, span.start, text, start, text.len());
    out
}

const GREETING_WORDS: &[&str] = &[
    "bonjour",
    "bonsoir",
    "bjr",
    "bsr",
    "slt",
    "salut",
    "coucou",
    "hello",
    "hi",
    "hey",
    "dear",
    "madame",
    "monsieur",
    "mesdames",
    "messieurs",
    "mademoiselle",
    "cher",
    "chere",
    "chers",
    "cheres",
    "good morning",
    "good afternoon",
    "good evening",
    "a qui de droit",
    "to whom it may concern",
];

/// Removes a leading greeting ("Bonjour Madame, ", "Hello! "); `None` when nothing is left.
fn strip_greeting(body: &str, span: Range<usize>) -> Option<Range<usize>> {
    let text = &body[span.clone()];
    let folded_start = fold(&text[..floor(text, 60)]);
    let Some(first) = GREETING_WORDS
        .iter()
        .find(|g| starts_with_word(&folded_start, g))
    else {
        return Some(span);
    };
    // Up to the first comma, `!` or `:` when it comes soon ("Bonjour Mme Martin,"), else the
    // greeting word itself ("Bonjour je voudrais…").
    let cut = text
        .char_indices()
        .take(40)
        .find(|(_, c)| matches!(c, ',' | '!' | ':' | '\n'))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|i| text[..*i].split_whitespace().count() <= 5)
        .unwrap_or_else(|| word_bytes(text, first.split(' ').count()));
    let rest = &text[cut..];
    let lead = rest.len() - rest.trim_start().len();
    let start = span.start + cut + lead;
    (start < span.end).then_some(start..span.end)
}

fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Byte length of the first `n` words of `text`.
fn word_bytes(text: &str, n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let letter = c.is_alphanumeric() || c == '\'';
        if in_word && !letter {
            seen += 1;
            if seen == n {
                return i;
            }
        }
        in_word = letter;
    }
    text.len()
}

fn starts_with_word(folded: &str, word: &str) -> bool {
    folded.starts_with(word)
        && folded[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

fn is_greeting_only(folded: &str) -> bool {
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.len() <= 4
        && GREETING_WORDS.iter().any(|g| starts_with_word(folded, g))
}

/// Closings and thanks that carry no request.
fn is_closing(folded: &str) -> bool {
    const CLOSINGS: &[&str] = &[
        "cordialement",
        "bien cordialement",
        "tres cordialement",
        "bien a vous",
        "salutations",
        "sinceres salutations",
        "meilleures salutations",
        "sincerement",
        "amicalement",
        "merci d'avance",
        "merci par avance",
        "merci beaucoup",
        "merci bien",
        "merci pour",
        "merci a vous",
        "merci et",
        "mille mercis",
        "en vous remerciant",
        "je vous remercie par avance",
        "je vous remercie d'avance",
        "je vous remercie pour",
        "je vous remercie de votre",
        "dans l'attente",
        "bonne journee",
        "bonne soiree",
        "bonne fin de journee",
        "belle journee",
        "a bientot",
        "je vous prie",
        "veuillez agreer",
        "recevez",
        "best regards",
        "kind regards",
        "warm regards",
        "regards",
        "thanks in advance",
        "thank you in advance",
        "thanks",
        "thank you",
        "many thanks",
        "cheers",
        "sincerely",
        "yours",
        "best",
        "bisous",
        "bises",
        "envoye de mon",
        "envoye depuis",
        "sent from my",
        "get outlook",
    ];
    let words = folded.split_whitespace().count();
    if folded == "merci" || folded.starts_with("merci ") && words <= 3 && !folded.contains(" de ") {
        return true;
    }
    words <= CLOSING_MAX_WORDS
        && CLOSINGS.iter().any(|c| starts_with_word(folded, c))
        && !folded.contains('?')
}

/// Lines after a closing: a name, a phone number, an address — short and without a question.
fn looks_like_signature(text: &str) -> bool {
    !text.contains('?') && text.split_whitespace().count() <= 8
}

/// Lines that are not the writer's words ("Envoyé de mon iPhone", "Le 3 mai, X a écrit :").
fn is_noise(folded: &str) -> bool {
    (folded.ends_with("a ecrit :") || folded.ends_with("wrote:") || folded.ends_with("a ecrit:"))
        || folded.starts_with("envoye de mon")
        || folded.starts_with("sent from my")
}

/// A last line that is only a name ("Marie Dupont"), without a closing before it.
fn drop_trailing_name(out: &mut Vec<Request>) {
    if out.len() < 2 {
        return;
    }
    let last = &out[out.len() - 1].text;
    let words: Vec<&str> = last.split_whitespace().collect();
    let name_like = (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
        });
    if name_like {
        out.pop();
    }
}

/// A question mark, or a sentence that asks without one.
fn is_question(text: &str, folded: &str) -> bool {
    const ASKING: &[&str] = &[
        "est ce que",
        "est ce qu'",
        "qu'est ce",
        "comment",
        "combien",
        "quand",
        "pourquoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "ou",
        "peut on",
        "peut il",
        "peut elle",
        "peux je",
        "puis je",
        "pouvez vous",
        "pourriez vous",
        "pourrais je",
        "pourrait on",
        "y a t il",
        "y a il",
        "il y a t il",
        "faut il",
        "avez vous",
        "auriez vous",
        "serait il",
        "sauriez vous",
        "savez vous",
        "je voudrais savoir",
        "je voudrai savoir",
        "j'aimerais savoir",
        "j'aimerai savoir",
        "je souhaiterais savoir",
        "je souhaite savoir",
        "je me demandais",
        "je cherche a savoir",
        "what",
        "when",
        "where",
        "how",
        "which",
        "who",
        "why",
        "is",
        "are",
        "can",
        "could",
        "do",
        "does",
        "would",
        "will",
        "i would like to know",
        "i'd like to know",
        "i wonder",
        "i was wondering",
    ];
    text.contains('?') || ASKING.iter().any(|a| starts_with_word(folded, a))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
