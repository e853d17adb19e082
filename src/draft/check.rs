//! Validation of the templates against the FAQ data: every (language, kind, topic) with and without
//! a facility renders in strict mode, leaves no `{{` behind, and every template a rule names exists.

use chrono::NaiveDate;

use crate::faq::Faq;
use crate::inquiry::{Channel, Classification, Kind, Lang, Message, Topic};

use super::{AckInput, Drafter, ReplyInput};

impl Drafter {
    /// Renders every combination; returns one message per problem.
    pub fn check(&self, faq: &Faq) -> Vec<String> {
        let mut problems = Vec::new();
        let message = Message {
            subject: "Vérification".to_string(),
            ..Message::default()
        };
        for rule in &faq.rules {
            if let Some(t) = &rule.template {
                for lang in Lang::ALL {
                    let exists = self.has_template(&format!("{lang}/answers/{t}"))
                        || Kind::ALL
                            .iter()
                            .any(|k| self.has_template(&format!("{lang}/answers/{k}-{t}")));
                    if !exists {
                        problems.push(format!(
                            "rule `{}` ({}): no template `{lang}/answers/{t}`",
                            rule.id, rule.origin
                        ));
                    }
                }
            }
        }
        for lang in Lang::ALL {
            for name in [
                "reply",
                "acknowledgement",
                "acknowledgement-chat",
                "closing",
            ] {
                if !self.has_template(&format!("{lang}/{name}")) {
                    problems.push(format!("missing template `{lang}/{name}`"));
                }
            }
        }
        if !problems.is_empty() {
            return problems;
        }
        for c in combinations(faq) {
            for channel in [Channel::Mail, Channel::Chat] {
                let input = ReplyInput {
                    message: &message,
                    classification: &c,
                    channel,
                    reference: Some("VSGP-2026-000001"),
                    engagement_days: 5,
                };
                let what = describe(&c);
                match self.reply(faq, &input) {
                    Ok(draft) if draft.text.contains("{{") || draft.text.contains("}}") => problems
                        .push(format!(
                            "{what}: unrendered handlebars in {}",
                            draft.template
                        )),
                    Ok(_) => {}
                    Err(e) => problems.push(format!("{what}: {e}")),
                }
            }
            let date = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
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
        }
        problems.sort();
        problems.dedup();
        problems
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

/// Every classification a template may meet: each language, topic, kind (without facility) and
/// facility, plus every template a rule can choose.
pub fn combinations(faq: &Faq) -> Vec<Classification> {
    let mut out = Vec::new();
    let mut templates: Vec<Option<String>> = std::iter::once(None)
        .chain(
            faq.rules
                .iter()
                .filter_map(|r| r.template.clone())
                .map(Some),
        )
        .collect();
    templates.sort();
    templates.dedup();
    for lang in Lang::ALL {
        for topic in Topic::ALL {
            let mut places: Vec<(Kind, Option<crate::inquiry::FacilityId>)> =
                Kind::ALL.iter().map(|k| (*k, None)).collect();
            places.extend(
                faq.catalogue
                    .facilities
                    .iter()
                    .map(|f| (f.kind, Some(f.id.clone()))),
            );
            for (kind, facility) in places {
                for template in &templates {
                    out.push(Classification {
                        kind,
                        facility: facility.clone(),
                        topic: *topic,
                        automatic: false,
                        automatic_reason: None,
                        lang: *lang,
                        rules: Vec::new(),
                        template: template.clone(),
                        requests: Vec::new(),
                    });
                }
            }
        }
    }
    out
}
