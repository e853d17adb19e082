//! Drafting: handlebars templates (`templates/`) turned into a consistent reply, and the CRPA
//! acknowledgement of receipt. Pure: values in, text out.
//!
//! Citizen text is only ever *data* given to a template, never compiled as one, so a message
//! containing `{{` cannot run anything. Templates run in strict mode: a missing variable is an
//! error (caught by `guichet check`), not a blank in a citizen's mail.

pub mod check;
mod compose;
mod context;
pub mod dates;
pub mod greeting;
pub mod render;
mod sentences;
pub mod typography;

use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{json, Value};

use crate::assets::Source;
use crate::config::Territory;
use crate::faq::answers::Entry;
use crate::faq::Faq;
use crate::inquiry::{Channel, Kind, Lang, Message};

use compose::Piece;
pub use context::{AckInput, ReplyInput};
pub use dates::working_days;
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
    /// Discord markdown for a chat reply: our own text, lists and markers kept readable.
    pub markdown: String,
    /// What agents must fill in before approval (`[[à compléter : …]]`).
    pub markers: Vec<String>,
    /// What made the draft: `fr/reply` and the FAQ entries used, in order.
    pub template: String,
    /// The FAQ entries used, in the order of the draft.
    pub entries: Vec<String>,
    /// For the agent only (Discord card, console, `guichet draft --explain`): which entry
    /// answered which sentence, assumptions, catalogue notes. Never in the citizen's text.
    pub note: Vec<String>,
    /// A team must still decide: a holding reply, not counted as the answer.
    pub holding: bool,
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
        registry.register_helper("marker", Box::new(context::MarkerHelper));
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
        let plan = compose::plan(faq, input.message, c, input.today);
        let mut data = context::reply_data(faq, &self.territory, input);
        if let Some(url) = survey_url {
            data["survey_url"] = Value::String(url.to_string());
        }
        let mut paragraphs = Vec::new();
        let mut entries = Vec::new();
        for piece in &plan.pieces {
            if let Some(text) = self.piece(faq, piece, input, &data)? {
                paragraphs.push(Value::String(text));
            }
            if let Piece::Answer(e)
            | Piece::Reminder(e)
            | Piece::Demand(e)
            | Piece::Notice(e)
            | Piece::Apology(Some(e)) = piece
            {
                entries.push(e.id.clone());
            }
        }
        for o in data["outside"].as_array().cloned().unwrap_or_default() {
            paragraphs.push(Value::String(
                self.render(&format!("{lang}/partials/outside"), &o)?,
            ));
        }
        let mut note = plan.note.clone();
        match &data["citizen_name"] {
            Value::String(name) => note.push(format!("salutation : {name}")),
            _ => note.push("salutation : « Bonjour, » (aucun nom de personne fiable)".to_string()),
        }
        data["paragraphs"] = Value::Array(paragraphs);
        data["opening"] = json!(!plan.complaint && !plan.reminder);
        let text = self.render(&format!("{lang}/reply"), &data)?;
        let subject = if input.channel == Channel::Chat {
            String::new()
        } else {
            subject_for_reply(input.message, input.reference, lang)
        };
        let mut draft = finish(subject, text, format!("{lang}/reply"), lang, input.channel);
        draft.template = std::iter::once(draft.template.clone())
            .chain(entries.iter().cloned())
            .collect::<Vec<_>>()
            .join(" + ");
        draft.entries = entries;
        draft.note = note;
        draft.holding = plan.holding;
        Ok(draft)
    }

    /// One paragraph of the plan, or nothing (an entry waiting for the facility question).
    fn piece(
        &self,
        faq: &Faq,
        piece: &Piece<'_>,
        input: &ReplyInput<'_>,
        data: &Value,
    ) -> Result<Option<String>, DraftError> {
        let lang = input.classification.lang;
        let text = match piece {
            Piece::Answer(e) if e.needs_facility && data["facility"].is_null() => {
                match &e.texts(lang).ask {
                    Some(ask) => self.render_entry(e, ask, data)?,
                    None => return Ok(None),
                }
            }
            Piece::Answer(e)
            | Piece::Reminder(e)
            | Piece::Demand(e)
            | Piece::Notice(e)
            | Piece::Apology(Some(e)) => self.render_entry(e, &e.texts(lang).answer, data)?,
            Piece::Apology(None) => self.render(&format!("{lang}/complaint/apology"), data)?,
            Piece::Done => self.render(&format!("{lang}/complaint/done"), data)?,
            Piece::Who => self.render(&format!("{lang}/complaint/who"), data)?,
            Piece::Unanswered(sentence) => marker(&format!(
                "réponse à « {} »",
                render::quoted_for_marker(sentence)
            )),
            Piece::WhichFacility(entries) => {
                let mut d = data.clone();
                let labels: Vec<String> = entries
                    .iter()
                    .map(|e| e.texts(lang).label.clone())
                    .collect();
                d["about"] = json!(join_labels(&labels, lang));
                d["which"] = json!(which(input.classification.kind, lang));
                d["facilities_of_kind"] = json!(nearby(faq, input));
                self.render(&format!("{lang}/partials/choix"), &d)?
            }
        };
        let text = text.trim().to_string();
        Ok((!text.is_empty()).then_some(text))
    }

    fn render_entry(&self, e: &Entry, source: &str, data: &Value) -> Result<String, DraftError> {
        self.registry
            .render_template(source, data)
            .map_err(|err| DraftError::Render {
                template: format!("{} ({})", e.id, e.origin),
                message: err.to_string(),
            })
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
    let text = match lang {
        Lang::Fr => typography::french(&text),
        Lang::En => text,
    };
    Draft {
        subject,
        html: render::text_to_html(&text),
        markdown: render::chat_markdown(&text),
        markers: render::markers(&text),
        text,
        template,
        entries: Vec::new(),
        note: Vec::new(),
        holding: false,
        lang,
    }
}

/// "les horaires et les tarifs", "les horaires, les tarifs et l'inscription".
fn join_labels(labels: &[String], lang: Lang) -> String {
    let and = match lang {
        Lang::Fr => " et ",
        Lang::En => " and ",
    };
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// "de quelle piscine il s'agit" / "which pool you mean".
fn which(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Piscine, Lang::Fr) => "de quelle piscine il s'agit",
        (Kind::Conservatoire, Lang::Fr) => "de quel conservatoire il s'agit",
        (Kind::Mediatheque, Lang::Fr) => "de quelle médiathèque ou bibliothèque il s'agit",
        (Kind::Theatre, Lang::Fr) => "de quel théâtre il s'agit",
        (_, Lang::Fr) => "de quel équipement ou service il s'agit",
        (Kind::Piscine, Lang::En) => "which pool you mean",
        (Kind::Conservatoire, Lang::En) => "which music school you mean",
        (Kind::Mediatheque, Lang::En) => "which library you mean",
        (Kind::Theatre, Lang::En) => "which theatre you mean",
        (_, Lang::En) => "which facility or service you mean",
    }
}

/// The facilities of the kind, only those of the commune named when it has several: a short,
/// relevant list.
fn nearby(faq: &Faq, input: &ReplyInput<'_>) -> Vec<Value> {
    let kind = input.classification.kind;
    let text = faq.spelling.normalize(&format!(
        "{}\n{}",
        input.message.subject, input.message.body
    ));
    let communes: Vec<&str> = faq
        .communes
        .iter()
        .filter(|c| c.pattern.is_match(&text))
        .map(|c| c.name.as_str())
        .collect();
    let all: Vec<&crate::faq::Facility> = faq.catalogue.of_kind(kind).collect();
    let near: Vec<&crate::faq::Facility> = all
        .iter()
        .copied()
        .filter(|f| communes.contains(&f.commune.as_str()))
        .collect();
    let list = if near.len() >= 2 { near } else { all };
    list.iter()
        .take(8)
        .map(|f| json!({ "name": f.name, "commune": f.commune }))
        .collect()
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
