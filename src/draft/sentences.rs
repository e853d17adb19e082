//! The citizen's requests as the draft sees them, from the project's one splitter
//! ([`crate::faq::sentences`]): the text of each, in order, and whether it asks something (a
//! question or a request that needs an answer) or only gives context.

/// One request of the citizen's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub text: String,
    /// Asks something: without an answer, the draft needs a marker.
    pub question: bool,
}

/// The requests of a body, in order.
pub(crate) fn requests(body: &str) -> Vec<Sentence> {
    crate::faq::sentences::requests(body)
        .into_iter()
        .map(|r| Sentence {
            text: r.text,
            question: r.question,
        })
        .collect()
}
