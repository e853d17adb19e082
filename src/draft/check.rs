//! Validation of the templates and FAQ entries together: the layouts exist, every entry's answer
//! (and what it asks when the facility is unknown) renders in strict mode for every place it can
//! meet, in both languages and channels, with no `{{` left and no catalogue note leaked; the
//! acknowledgement never carries a marker.

use chrono::NaiveDate;

use crate::faq::answers::{Entry, Scope};
use crate::faq::Faq;
use crate::inquiry::{Channel, Classification, FacilityId, Kind, Lang, Message, Topic};

use super::{context, AckInput, Drafter, ReplyInput};

/// Templates every language must have.
const LAYOUTS: &[&str] = &[
    "reply",
    "acknowledgement",
    "acknowledgement-chat",
    "closing",
    "partials/choix",
    "partials/outside",
    "complaint/apology",
    "complaint/done",
    "complaint/who",
];

impl Drafter {
    /// Renders every entry and layout; returns one message per problem.
    pub fn check(&self, faq: &Faq) -> Vec<String> {
        let mut problems = Vec::new();
        for lang in Lang::ALL {
            for name in LAYOUTS {
                if !self.has_template(&format!("{lang}/{name}")) {
                    problems.push(format!("missing template `{lang}/{name}`"));
                }
            }
        }
        if !problems.is_empty() {
            return problems;
        }
        let message = Message {
            subject: "Vérification".to_string(),
            ..Message::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
        for entry in &faq.answers.entries {
            for (kind, facility) in places(faq, entry) {
                for lang in Lang::ALL {
                    let c = classification(kind, facility.clone(), *lang);
                    for channel in [Channel::Mail, Channel::Chat] {
                        let input = ReplyInput {
                            message: &message,
                            classification: &c,
                            channel,
                            reference: Some("VSGP-2026-000001"),
                            engagement_days: 5,
                            today,
                        };
                        let data = context::reply_data(faq, &self.territory, &input);
                        let texts = entry.texts(*lang);
                        let mut sources = vec![("answer", &texts.answer)];
                        if let Some(ask) = &texts.ask {
                            sources.push(("ask", ask));
                        }
                        for (what, source) in sources {
                            if what == "answer" && entry.needs_facility && facility.is_none() {
                                continue;
                            }
                            let place = facility.as_ref().map(|f| f.as_str()).unwrap_or("-");
                            match self.render_entry(entry, source, &data) {
                                Ok(text) if text.contains("{{") || text.contains("}}") => problems
                                    .push(format!(
                                        "answer {} ({}), {lang}.{what} for {place}: unrendered handlebars",
                                        entry.id, entry.origin
                                    )),
                                Ok(text) => {
                                    if let Some(leak) = leaked_note(faq, &text) {
                                        problems.push(format!(
                                            "answer {} ({}), {lang}.{what}: shows the internal catalogue note of {leak}",
                                            entry.id, entry.origin
                                        ));
                                    }
                                }
                                Err(e) => problems.push(format!(
                                    "answer {} ({}), {lang}.{what} for {place}: {e}",
                                    entry.id, entry.origin
                                )),
                            }
                        }
                    }
                }
            }
        }
        for c in combinations(faq) {
            let date = today;
            let ack = AckInput {
                message: &message,
                classification: &c,
                channel: Channel::Mail,
                reference: "VSGP-2026-000001",
                received: date,
                engagement_days: 5,
                deadline: date,
            };
            match self.acknowledgement(faq, &ack) {
                Ok(draft) if !draft.markers.is_empty() => problems.push(format!(
                    "{}: the acknowledgement is sent automatically and must not contain markers",
                    describe(&c)
                )),
                Ok(_) => {}
                Err(e) => problems.push(format!("{}: {e}", describe(&c))),
            }
            for channel in [Channel::Mail, Channel::Chat] {
                let input = ReplyInput {
                    message: &message,
                    classification: &c,
                    channel,
                    reference: Some("VSGP-2026-000001"),
                    engagement_days: 1,
                    today,
                };
                if let Err(e) = self.reply(faq, &input) {
                    problems.push(format!("{}: {e}", describe(&c)));
                }
            }
        }
        problems.sort();
        problems.dedup();
        problems
    }
}

/// The name of the facility whose internal note appears in `text`, if any.
fn leaked_note(faq: &Faq, text: &str) -> Option<String> {
    faq.catalogue
        .facilities
        .iter()
        .find(|f| f.note.trim().len() > 12 && text.contains(f.note.trim()))
        .map(|f| f.name.clone())
}

/// Every place an entry can be rendered for: without facility (when it does not need one) and
/// with each facility its scope covers.
fn places(faq: &Faq, entry: &Entry) -> Vec<(Kind, Option<FacilityId>)> {
    let with = |kind: Option<Kind>| -> Vec<(Kind, Option<FacilityId>)> {
        faq.catalogue
            .facilities
            .iter()
            .filter(|f| kind.is_none_or(|k| f.kind == k))
            .map(|f| (f.kind, Some(f.id.clone())))
            .collect()
    };
    match &entry.scope {
        Scope::Any => Kind::ALL
            .iter()
            .map(|k| (*k, None))
            .chain(with(None))
            .collect(),
        Scope::Kind(k) => std::iter::once((*k, None)).chain(with(Some(*k))).collect(),
        Scope::Facility(id) => {
            let kind = faq
                .catalogue
                .facility(id)
                .map(|f| f.kind)
                .unwrap_or(Kind::Autre);
            vec![(kind, None), (kind, Some(id.clone()))]
        }
    }
}

fn classification(kind: Kind, facility: Option<FacilityId>, lang: Lang) -> Classification {
    Classification {
        kind,
        facility,
        topic: Topic::Autre,
        automatic: false,
        automatic_reason: None,
        lang,
        rules: Vec::new(),
        template: None,
        requests: Vec::new(),
    }
}

fn describe(c: &Classification) -> String {
    format!(
        "{} / {} / {} / {}",
        c.lang,
        c.kind,
        c.facility.as_ref().map(|f| f.as_str()).unwrap_or("-"),
        c.topic
    )
}

/// Every classification a layout may meet: each language, topic, kind (without facility) and
/// facility.
pub fn combinations(faq: &Faq) -> Vec<Classification> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        for topic in Topic::ALL {
            let mut places: Vec<(Kind, Option<FacilityId>)> =
                Kind::ALL.iter().map(|k| (*k, None)).collect();
            places.extend(
                faq.catalogue
                    .facilities
                    .iter()
                    .map(|f| (f.kind, Some(f.id.clone()))),
            );
            for (kind, facility) in places {
                let mut c = classification(kind, facility, *lang);
                c.topic = *topic;
                out.push(c);
            }
        }
    }
    out
}
