//! What templates see: the citizen's name, the facility and its confirmed facts, the territory's
//! identity, the engagement. Every key is always present (null when unknown) so strict mode only
//! fails on a real typo in a template.

use chrono::NaiveDate;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderErrorReason, ScopedJson,
};
use serde_json::{json, Value};

use crate::config::Territory;
use crate::faq::catalogue::with_articles;
use crate::faq::{Facility, Faq};
use crate::inquiry::{Channel, Classification, Kind, Lang, Message};

use super::dates::{long_date, long_date_with_weekday};
use super::render::marker;

/// What a reply is drafted from.
#[derive(Debug, Clone, Copy)]
pub struct ReplyInput<'a> {
    pub message: &'a Message,
    pub classification: &'a Classification,
    pub channel: Channel,
    /// The inquiry reference (`VSGP-2026-000042`) once the ledger assigned one.
    pub reference: Option<&'a str>,
    /// The answer delay promised for this inquiry, in working days.
    pub engagement_days: u32,
    /// The day the draft is made (Europe/Paris): temporary notices are included while valid.
    pub today: NaiveDate,
}

/// What an acknowledgement of receipt is drafted from.
#[derive(Debug, Clone, Copy)]
pub struct AckInput<'a> {
    pub message: &'a Message,
    pub classification: &'a Classification,
    pub channel: Channel,
    pub reference: &'a str,
    /// Date of receipt (Europe/Paris).
    pub received: NaiveDate,
    pub engagement_days: u32,
    /// Last day of the engagement.
    pub deadline: NaiveDate,
}

/// `{{fact facility.hours "horaires d'ouverture " facility.du}}`: the confirmed fact, or a marker
/// naming what is missing (the parameters after the fact are joined into the marker's text).
pub struct FactHelper;

impl HelperDef for FactHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, handlebars::RenderError> {
        let value = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("fact", 0))?
            .value();
        if h.param(1).is_none() {
            return Err(RenderErrorReason::ParamNotFoundForIndex("fact", 1).into());
        }
        let text = value.as_str().map(str::trim).unwrap_or("");
        let out = if text.is_empty() {
            marker(&joined(h, 1))
        } else {
            text.to_string()
        };
        Ok(ScopedJson::Derived(Value::String(out)))
    }
}

/// `{{marker "horaires d'été " facility.du}}`: always a marker, its parameters joined. For facts
/// the catalogue has no field for: an agent supplies them.
pub struct MarkerHelper;

impl HelperDef for MarkerHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, handlebars::RenderError> {
        if h.param(0).is_none() {
            return Err(RenderErrorReason::ParamNotFoundForIndex("marker", 0).into());
        }
        Ok(ScopedJson::Derived(Value::String(marker(&joined(h, 0)))))
    }
}

fn joined(h: &Helper<'_>, from: usize) -> String {
    h.params()
        .iter()
        .skip(from)
        .map(|p| match p.value() {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn facility_json(f: &Facility) -> Value {
    let [le, du, au] = with_articles(&f.name, f.article.as_deref());
    let facts = &f.facts;
    let has_contact = ![&facts.address, &facts.phone, &facts.email, &facts.web]
        .iter()
        .all(|v| v.trim().is_empty());
    json!({
        "id": f.id.as_str(),
        "name": f.name,
        "the": english_the(&f.name),
        "le": le,
        "du": du,
        "au": au,
        "has_contact": has_contact,
        "commune": f.commune,
        "address": f.facts.address,
        "phone": f.facts.phone,
        "email": f.facts.email,
        "web": f.facts.web,
        "hours": f.facts.hours,
        "prices": f.facts.prices,
    })
}

/// "the Piscine de Clamart": an English article before a French name that starts with a
/// common noun ("Piscine", "Médiathèque", "Département"…), none before a proper name.
pub(super) fn english_the(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
    let common = [
        "piscine",
        "médiathèque",
        "bibliothèque",
        "conservatoire",
        "théâtre",
        "centre",
        "espace",
        "maison",
        "fosse",
        "siège",
        "service",
        "département",
        "ville",
        "salle",
        "région",
    ];
    if common.contains(&first.as_str()) {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

/// "La Piscine de la Grenouillère" at the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The one commune the message names, if it names exactly one ("la mairie de Montrouge").
fn commune_named(faq: &Faq, message: &Message) -> Option<String> {
    let text = faq
        .spelling
        .normalize(&format!("{}\n{}", message.subject, message.body));
    let mut named = faq
        .communes
        .iter()
        .filter(|c| c.pattern.is_match(&text))
        .map(|c| c.name.clone());
    let first = named.next()?;
    named.all(|n| n == first).then_some(first)
}

/// The place, when no facility is known: "la piscine", "de la piscine", "à la piscine".
fn generic_place(kind: Kind, lang: Lang) -> Value {
    let (le, du, au, name) = match (kind, lang) {
        (Kind::Piscine, Lang::Fr) => ("la piscine", "de la piscine", "à la piscine", "piscine"),
        (Kind::Conservatoire, Lang::Fr) => (
            "le conservatoire",
            "du conservatoire",
            "au conservatoire",
            "conservatoire",
        ),
        (Kind::Mediatheque, Lang::Fr) => (
            "la médiathèque",
            "de la médiathèque",
            "à la médiathèque",
            "médiathèque",
        ),
        (Kind::Theatre, Lang::Fr) => ("le théâtre", "du théâtre", "au théâtre", "théâtre"),
        (_, Lang::Fr) => (
            "l'équipement",
            "de l'équipement",
            "à l'équipement",
            "équipement",
        ),
        (Kind::Piscine, Lang::En) => ("the pool", "the pool", "the pool", "the pool"),
        (Kind::Conservatoire, Lang::En) => (
            "the music school",
            "the music school",
            "the music school",
            "the music school",
        ),
        (Kind::Mediatheque, Lang::En) => {
            ("the library", "the library", "the library", "the library")
        }
        (Kind::Theatre, Lang::En) => ("the theatre", "the theatre", "the theatre", "the theatre"),
        (_, Lang::En) => (
            "the facility",
            "the facility",
            "the facility",
            "the facility",
        ),
    };
    json!({ "le": le, "du": du, "au": au, "name": name, "the": name, "id": null, "commune": "",
            "address": "", "phone": "", "email": "", "web": "", "hours": "", "prices": "",
            "has_contact": false, "note": "" })
}

/// Names of the facilities of each kind: `{{#each by_kind.piscine}}`.
fn by_kind(faq: &Faq) -> Value {
    let mut out = serde_json::Map::new();
    for kind in Kind::ALL {
        let names: Vec<Value> = faq
            .catalogue
            .of_kind(*kind)
            .map(|f| json!({ "name": f.name, "commune": f.commune }))
            .collect();
        out.insert(kind.as_str().to_string(), Value::Array(names));
    }
    Value::Object(out)
}

fn kind_label(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Siege, Lang::Fr) => "le siège de Vallée Sud – Grand Paris",
        (Kind::Piscine, Lang::Fr) => "nos piscines",
        (Kind::Conservatoire, Lang::Fr) => "nos conservatoires",
        (Kind::Mediatheque, Lang::Fr) => "nos médiathèques et bibliothèques",
        (Kind::Theatre, Lang::Fr) => "nos théâtres",
        (Kind::Autre, Lang::Fr) => "nos services",
        (Kind::Siege, Lang::En) => "the Vallée Sud – Grand Paris head office",
        (Kind::Piscine, Lang::En) => "our swimming pools",
        (Kind::Conservatoire, Lang::En) => "our music and dance schools",
        (Kind::Mediatheque, Lang::En) => "our libraries",
        (Kind::Theatre, Lang::En) => "our theatres",
        (Kind::Autre, Lang::En) => "our services",
    }
}

fn territory_json(t: &Territory) -> Value {
    json!({
        "name": t.name,
        "service": t.service,
        "address": t.address,
        "phone": t.phone,
        "email": t.email,
        "web": t.web,
    })
}

pub(super) fn common(
    faq: &Faq,
    territory: &Territory,
    message: &Message,
    c: &Classification,
    channel: Channel,
) -> Value {
    let facility = c
        .facility
        .as_ref()
        .and_then(|id| faq.catalogue.facility(id));
    let siblings: Vec<Value> = faq
        .catalogue
        .of_kind(c.kind)
        .map(|f| json!({ "name": f.name, "commune": f.commune }))
        .collect();
    let outside: Vec<Value> = c
        .rules
        .iter()
        .filter_map(|r| r.strip_prefix("hors:"))
        .filter_map(|id| faq.catalogue.outside.iter().find(|o| o.id == id))
        .map(|o| {
            let [le, _, _] = with_articles(&o.name, None);
            let [_, owner_du, _] = with_articles(&o.owner, None);
            json!({ "name": o.name, "le": le, "Le": capitalised(&le), "owner": o.owner,
                    "owner_du": owner_du, "the": capitalised(&english_the(&o.name)),
                    "owner_the": english_the(&o.owner) })
        })
        .collect();
    json!({
        "lang": c.lang.as_str(),
        "channel": channel.as_str(),
        "chat": channel == Channel::Chat,
        "citizen_name": super::greeting::greeting_name(message, c.lang).map(|g| g.text),
        "kind": c.kind.as_str(),
        "kind_label": kind_label(c.kind, c.lang),
        "topic": c.topic.as_str(),
        "facility": facility.map(facility_json).unwrap_or(Value::Null),
        "lieu": facility.map(facility_json).unwrap_or_else(|| generic_place(c.kind, c.lang)),
        "by_kind": by_kind(faq),
        "facilities_of_kind": if facility.is_some() { Vec::new() } else { siblings },
        "outside": outside,
        "commune": commune_named(faq, message),
        "territory": territory_json(territory),
    })
}

/// Data for a reply template.
pub fn reply_data(faq: &Faq, territory: &Territory, input: &ReplyInput<'_>) -> Value {
    let mut data = common(
        faq,
        territory,
        input.message,
        input.classification,
        input.channel,
    );
    data["reference"] = input
        .reference
        .map(|r| Value::String(r.to_string()))
        .unwrap_or(Value::Null);
    data["engagement_days"] = json!(input.engagement_days);
    data["delay"] = json!(super::dates::working_days(
        input.engagement_days,
        input.classification.lang
    ));
    data["answer"] = Value::String(String::new());
    data["survey_url"] = Value::Null;
    data
}

/// Data for an acknowledgement template.
pub fn ack_data(faq: &Faq, territory: &Territory, input: &AckInput<'_>) -> Value {
    let lang = input.classification.lang;
    let mut data = common(
        faq,
        territory,
        input.message,
        input.classification,
        input.channel,
    );
    let (subject, _) = crate::faq::strip_subject_prefixes(&input.message.subject);
    let subject: String = subject.chars().take(150).collect();
    data["reference"] = json!(input.reference);
    data["subject"] = if subject.trim().is_empty() {
        Value::Null
    } else {
        Value::String(subject)
    };
    data["received_date"] = json!(long_date(input.received, lang));
    data["engagement_days"] = json!(input.engagement_days);
    data["delay"] = json!(super::dates::working_days(input.engagement_days, lang));
    data["engagement_delay"] = json!(super::dates::working_days(input.engagement_days, lang));
    data["deadline_date"] = json!(long_date_with_weekday(input.deadline, lang));
    data
}
