//! The citizen's requests as the draft sees them, from the project's one splitter
//! ([`crate::faq::sentences`]): the text of each, in order, whether it asks something (a
//! question or a request that needs an answer) or only gives context, and the topic sorting
//! decided for it.

use crate::inquiry::{Classification, Topic};

/// One request of the citizen's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub text: String,
    /// Asks something: without an answer, the draft needs a marker.
    pub question: bool,
    /// The topic sorting gave this sentence (`autre` when none, or when not sorted).
    pub topic: Topic,
}

/// The requests of a body, in order, with the topics of `c` when it sorted this same text.
pub(crate) fn requests(body: &str, c: Option<&Classification>) -> Vec<Sentence> {
    let mut sorted: Vec<Option<&crate::inquiry::RequestTopic>> = c
        .map(|c| c.requests.iter().map(Some).collect())
        .unwrap_or_default();
    let mut out: Vec<Sentence> = crate::faq::sentences::requests(body)
        .into_iter()
        .map(|r| {
            let topic = sorted
                .iter_mut()
                .find(|t| t.is_some_and(|t| t.text == r.text))
                .and_then(Option::take)
                .map(|t| t.topic)
                .unwrap_or(Topic::Autre);
            Sentence {
                text: r.text,
                question: r.question,
                topic,
            }
        })
        .collect();
    if out.is_empty() {
        // "Merci beaucoup pour votre réponse rapide !" alone reads as a closing: it is the
        // whole message, so its first line is the one sentence.
        let first_line = body.lines().map(str::trim).find(|l| !l.is_empty());
        let whole: String = first_line
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !whole.is_empty() && whole.chars().count() <= 200 {
            out.push(Sentence {
                question: whole.contains('?'),
                text: whole,
                topic: Topic::Autre,
            });
        }
    }
    out
}

/// True when a statement still asks for something ("Je voudrais inscrire mon fils",
/// "Merci de me rappeler"): not mere context.
pub(crate) fn is_request(text: &str) -> bool {
    let t = crate::faq::normalize::fold(text);
    [
        "je voudrais",
        "je voudrai ",
        "nous voudrions",
        "je souhaite",
        "je souhaiterais",
        "nous souhaitons",
        "nous souhaiterions",
        "j'aimerais",
        "nous aimerions",
        "je demande",
        "nous demandons",
        "merci de ",
        "merci d'",
        "veuillez",
        "i would like",
        "i'd like",
        "we would like",
        "please ",
        "i want",
        "we want",
    ]
    .iter()
    .any(|p| t.contains(p))
}
