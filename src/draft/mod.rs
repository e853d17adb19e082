//! Drafting: handlebars templates (`templates/`) turned into a consistent reply, and the CRPA
//! acknowledgement of receipt. Pure: values in, text out.
//!
//! Citizen text is only ever *data* given to a template, never compiled as one, so a message
//! containing `{{` cannot run anything. Templates run in strict mode: a missing variable is an
//! error (caught by `guichet check`), not a blank in a citizen's mail.

pub mod check;
mod context;
pub mod dates;
pub mod render;

use handlebars::Handlebars;
use serde::Serialize;

use crate::assets::Source;
use crate::config::Territory;
use crate::faq::Faq;
use crate::inquiry::{Channel, Classification, Kind, Lang, Message, Topic};

pub use context::{AckInput, ReplyInput};
pub use render::{marker, markers, MARKER_OPEN};

/// A template could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("{file}:{line}: {message}")]
    Template {
        file: String,
        line: usize,
        message: String,
    },
    #[error("rendering {template}: {message}")]
    Render { template: String, message: String },
    #[error("no template found for {0}")]
    Missing(String),
    #[error(transparent)]
    Asset(#[from] crate::assets::AssetError),
}

/// One rendered draft, in every form a channel needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Discord markdown, every formatting character escaped.
    pub markdown: String,
    /// What agents must fill in before approval (`[[à compléter : …]]`).
    pub markers: Vec<String>,
    /// The answer template used, e.g. `fr/answers/piscine-horaires`.
    pub template: String,
    pub lang: Lang,
}

/// The loaded templates.
#[derive(Debug)]
pub struct Drafter {
    registry: Handlebars<'static>,
    territory: Territory,
}

impl Drafter {
    /// Loads every `*.hbs` under the source; errors name the file and line.
    pub fn load(source: &Source, territory: &Territory) -> Result<Drafter, DraftError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        registry.register_helper("fact", Box::new(context::FactHelper));
        for file in source.read_all("", ".hbs")? {
            let name = file.relative.trim_end_matches(".hbs").to_string();
            registry
                .register_template_string(&name, &file.text)
                .map_err(|e| DraftError::Template {
                    file: file.name.clone(),
                    line: e.pos().map(|(line, _)| line).unwrap_or(0),
                    message: e.reason().to_string(),
                })?;
        }
        Ok(Drafter {
            registry,
            territory: territory.clone(),
        })
    }

    /// The shipped templates.
    pub fn embedded(territory: &Territory) -> Drafter {
        Drafter::load(&Source::embedded_templates(), territory)
            .expect("the embedded templates are validated by the test suite")
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.registry.has_template(name)
    }

    /// The answer template for a classification: a rule's choice, then `{kind}-{topic}`,
    /// `{topic}`, `{kind}`, and `autre`.
    pub fn answer_template(&self, c: &Classification) -> Result<String, DraftError> {
        let lang = c.lang.as_str();
        let mut candidates = Vec::new();
        if let Some(t) = &c.template {
            candidates.push(format!("{lang}/answers/{}-{t}", c.kind));
            candidates.push(format!("{lang}/answers/{t}"));
        }
        candidates.push(format!("{lang}/answers/{}-{}", c.kind, c.topic));
        if c.topic != Topic::Autre {
            candidates.push(format!("{lang}/answers/{}", c.topic));
        }
        candidates.push(format!("{lang}/answers/{}", c.kind));
        candidates.push(format!("{lang}/answers/{}", Kind::Autre));
        candidates
            .into_iter()
            .find(|name| self.registry.has_template(name))
            .ok_or_else(|| {
                DraftError::Missing(format!("{lang} answer for {} / {}", c.kind, c.topic))
            })
    }

    /// The reply proposed to agents.
    pub fn reply(&self, faq: &Faq, input: &ReplyInput<'_>) -> Result<Draft, DraftError> {
        self.reply_with_survey(faq, input, None)
    }

    /// The reply, with the satisfaction survey link in the signature area when one is given.
    pub fn reply_with_survey(
        &self,
        faq: &Faq,
        input: &ReplyInput<'_>,
        survey_url: Option<&str>,
    ) -> Result<Draft, DraftError> {
        let c = input.classification;
        let lang = c.lang;
        let answer_name = self.answer_template(c)?;
        let mut data = context::reply_data(faq, &self.territory, input);
        if let Some(url) = survey_url {
            data["survey_url"] = serde_json::Value::String(url.to_string());
        }
        let answer = self.render(&answer_name, &data)?;
        data["answer"] = serde_json::Value::String(answer.trim().to_string());
        let text = self.render(&format!("{lang}/reply"), &data)?;
        Ok(finish(
            subject_for_reply(input.message, input.reference, lang),
            text,
            answer_name,
            lang,
            input.channel,
        ))
    }

    /// The acknowledgement of receipt (CRPA L112-3, R112-5), sent without an agent: it never
    /// carries markers, only the contact facts that are filled in.
    pub fn acknowledgement(&self, faq: &Faq, input: &AckInput<'_>) -> Result<Draft, DraftError> {
        let lang = input.classification.lang;
        let data = context::ack_data(faq, &self.territory, input);
        let name = format!("{lang}/acknowledgement");
        let text = self.render(&name, &data)?;
        let subject = match lang {
            Lang::Fr => format!("Accusé de réception de votre demande [{}]", input.reference),
            Lang::En => format!("Acknowledgement of your request [{}]", input.reference),
        };
        Ok(finish(subject, text, name, lang, input.channel))
    }

    /// The short acknowledgement posted under a chat message (no subject line), in the citizen's
    /// language: `{lang}/acknowledgement-chat`.
    pub fn chat_acknowledgement(
        &self,
        faq: &Faq,
        input: &AckInput<'_>,
    ) -> Result<Draft, DraftError> {
        let lang = input.classification.lang;
        let data = context::ack_data(faq, &self.territory, input);
        let name = format!("{lang}/acknowledgement-chat");
        let text = self.render(&name, &data)?;
        Ok(finish(String::new(), text, name, lang, input.channel))
    }

    /// The short closing message to a citizen whose inquiry an agent rejected as handled by phone
    /// (`by_phone`) or out of scope: `{lang}/closing`, same variables as the acknowledgement.
    pub fn closing(
        &self,
        faq: &Faq,
        input: &AckInput<'_>,
        by_phone: bool,
    ) -> Result<Draft, DraftError> {
        let lang = input.classification.lang;
        let mut data = context::ack_data(faq, &self.territory, input);
        data["by_phone"] = serde_json::json!(by_phone);
        let name = format!("{lang}/closing");
        let text = self.render(&name, &data)?;
        let subject = match lang {
            Lang::Fr => format!("Votre demande [{}]", input.reference),
            Lang::En => format!("Your request [{}]", input.reference),
        };
        Ok(finish(subject, text, name, lang, input.channel))
    }

    fn render(&self, name: &str, data: &serde_json::Value) -> Result<String, DraftError> {
        self.registry
            .render(name, data)
            .map_err(|e| DraftError::Render {
                template: name.to_string(),
                message: e.to_string(),
            })
    }
}

fn finish(subject: String, text: String, template: String, lang: Lang, _channel: Channel) -> Draft {
    let text = tidy(&text);
    Draft {
        subject,
        html: render::text_to_html(&text),
        markdown: render::text_to_markdown(&text),
        markers: render::markers(&text),
        text,
        template,
        lang,
    }
}

/// Trims trailing spaces and collapses runs of blank lines left by conditional blocks.
fn tidy(text: &str) -> String {
    crate::clean::collapse_blank_lines(text.lines().map(str::trim_end)) + "\n"
}

/// "Re: <subject> [VSGP-…]", keeping one reply prefix.
fn subject_for_reply(message: &Message, reference: Option<&str>, lang: Lang) -> String {
    let (bare, _) = crate::faq::strip_subject_prefixes(&message.subject);
    let bare = if bare.trim().is_empty() {
        match lang {
            Lang::Fr => "Votre demande",
            Lang::En => "Your request",
        }
    } else {
        bare
    };
    let bare: String = bare.chars().take(150).collect();
    match reference {
        Some(r) if !bare.contains(r) => format!("Re: {bare} [{r}]"),
        _ => format!("Re: {bare}"),
    }
}

#[cfg(test)]
mod tests;
