//! Core commands: classify, draft, acknowledge, check, faq test, demo.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::assets::Source;
use crate::config::Config;
use crate::draft::{AckInput, Drafter, ReplyInput};
use crate::engagement::Engagements;
use crate::faq::Faq;
use crate::inquiry::{Channel, Classification, Message};
use crate::mail;
use crate::pipeline::Knowledge;

/// Reads one input as a message: RFC 5322 mail, or with `chat` a UTF-8 chat message.
pub fn read_message(path: &Path, chat: bool) -> anyhow::Result<Message> {
    let limits = mail::Limits::default();
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut raw = Vec::new();
    // Never more than the limit plus one byte: enough to know the message is too large.
    file.take(limits.max_bytes as u64 + 1)
        .read_to_end(&mut raw)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if chat {
        let text = String::from_utf8(raw)
            .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8", path.display()))?;
        return Ok(Message::chat(&text));
    }
    mail::parse(&raw, &limits).with_context(|| format!("{}: cannot parse mail", path.display()))
}

pub fn load_faq(config: &Config) -> anyhow::Result<Faq> {
    Ok(Faq::load(&Source::faq(config))?)
}

pub fn classify(
    config: &Config,
    json: bool,
    chat: bool,
    explain: bool,
    files: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let faq = load_faq(config)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for file in files {
        let shown = file.display().to_string();
        match read_message(file, chat) {
            Ok(message) => {
                let explanation = explain.then(|| faq.explain(&message));
                let c = match &explanation {
                    Some(e) => e.classification.clone(),
                    None => faq.classify(&message),
                };
                if let (Some(e), false) = (&explanation, json) {
                    writeln!(out, "== {shown}\n{e}")?;
                } else if json {
                    let mut line = json!({
                        "file": shown,
                        "kind": c.kind,
                        "facility": c.facility,
                        "topic": c.topic,
                        "automatic": c.automatic,
                        "automatic_reason": c.automatic_reason,
                        "lang": c.lang,
                        "rules": c.rules,
                        "template": c.template,
                        "soft_automatic": c.soft_automatic(),
                        "requests": c.requests,
                    });
                    if let Some(e) = &explanation {
                        line["explanation"] = json!({
                            "fired": e.fired,
                            "kinds": e.trace.kinds,
                            "places": e.trace.places,
                            "notes": e.trace.notes,
                        });
                    }
                    writeln!(out, "{line}")?;
                } else {
                    let facility = c.facility.as_ref().map(|f| f.as_str()).unwrap_or("-");
                    let auto = c
                        .automatic_reason
                        .as_deref()
                        .map(|r| format!(" automatic ({r})"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "{shown}\t{}\t{facility}\t{}\t{}{auto}\trules: {}",
                        c.kind,
                        c.topic,
                        c.lang,
                        c.rules.join(",")
                    )?;
                }
            }
            Err(err) => {
                failed = true;
                if json {
                    writeln!(
                        out,
                        "{}",
                        json!({ "file": shown, "error": format!("{err:#}") })
                    )?;
                } else {
                    writeln!(out, "{shown}\terror: {err:#}")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn faq_test(config: &Config) -> anyhow::Result<ExitCode> {
    let faq = load_faq(config)?;
    let failures = faq.test_examples();
    let examples: usize = faq
        .rules
        .iter()
        .map(|r| r.examples.len() + r.counter_examples.len())
        .sum();
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "{} rules, {} answer entries, {} examples, {} failures",
        faq.rules.len(),
        faq.answers.len(),
        examples + faq.answers.example_count(),
        failures.len()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Loads the rules and templates, reads and classifies one input. `None` (after saying so) for
/// automatic mail, which gets neither a draft nor an acknowledgement.
fn classified(
    config: &Config,
    chat: bool,
    file: &Path,
    never: &str,
) -> anyhow::Result<Option<(Knowledge, Message, Classification)>> {
    let knowledge = Knowledge::load(config)?;
    let message = read_message(file, chat)?;
    let c = knowledge.faq.classify(&message);
    if c.automatic {
        println!(
            "Message automatique ({}) : {never}.",
            c.automatic_reason.as_deref().unwrap_or("?")
        );
        return Ok(None);
    }
    Ok(Some((knowledge, message, c)))
}

fn channel_of(chat: bool) -> Channel {
    if chat {
        Channel::Chat
    } else {
        Channel::Mail
    }
}

pub fn draft(config: &Config, chat: bool, explain: bool, file: &Path) -> anyhow::Result<ExitCode> {
    let Some((kit, message, c)) =
        classified(config, chat, file, "aucune réponse ne sera proposée")?
    else {
        return Ok(ExitCode::SUCCESS);
    };
    let channel = channel_of(chat);
    let input = ReplyInput {
        message: &message,
        classification: &c,
        channel,
        reference: None,
        engagement_days: kit.engagements.answer_days(channel, c.kind, c.topic),
        today: crate::calendar::paris_date(chrono::Utc::now()),
    };
    let draft = kit.drafter.reply(&kit.faq, &input)?;
    if !chat {
        println!("Objet : {}\n", draft.subject);
    }
    println!(
        "{}",
        if chat { &draft.markdown } else { &draft.text }.trim_end()
    );
    if explain {
        println!("\n--- Note pour l'agent (jamais envoyée) ---");
        println!(
            "classement : {} / {} / {} ({})",
            c.kind,
            c.facility
                .as_ref()
                .map(|f| f.as_str())
                .unwrap_or("équipement non déterminé"),
            c.topic,
            c.lang
        );
        if draft.holding {
            println!("réponse d'attente : la demande reste ouverte dans les indicateurs");
        }
        for line in &draft.note {
            println!("- {line}");
        }
    }
    if !draft.markers.is_empty() {
        eprintln!(
            "\n{} marqueur(s) à compléter avant approbation : {}",
            draft.markers.len(),
            draft.markers.join(" ; ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn acknowledge(config: &Config, chat: bool, file: &Path) -> anyhow::Result<ExitCode> {
    let Some((kit, message, c)) = classified(config, chat, file, "jamais d'accusé de réception")?
    else {
        return Ok(ExitCode::SUCCESS);
    };
    let channel = channel_of(chat);
    let now = chrono::Utc::now();
    let days = kit.engagements.answer_days(channel, c.kind, c.topic);
    let input = AckInput {
        message: &message,
        classification: &c,
        channel,
        reference: &format!(
            "{}-{}-000000",
            config.territory.reference_prefix,
            now.format("%Y")
        ),
        received: crate::calendar::paris_date(now),
        engagement_days: days,
        deadline: kit.calendar.deadline(now, days),
    };
    if chat {
        // What is posted under the citizen's chat message: no subject line.
        print!(
            "{}",
            kit.drafter.chat_acknowledgement(&kit.faq, &input)?.text
        );
    } else {
        let draft = kit.drafter.acknowledgement(&kit.faq, &input)?;
        println!("Objet : {}\n", draft.subject);
        print!("{}", draft.text);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(config: &Config) -> anyhow::Result<ExitCode> {
    let faq_source = Source::faq(config);
    let templates_source = Source::templates(config);
    println!("FAQ data: {}", faq_source.describe());
    println!("templates: {}", templates_source.describe());
    let mut problems = Vec::new();
    let faq = match Faq::load(&faq_source) {
        Ok(faq) => Some(faq),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    if let Err(e) = Engagements::load(&faq_source) {
        problems.push(e.to_string());
    }
    let drafter = match Drafter::load(&templates_source, &config.territory) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    if let Some(faq) = &faq {
        problems.extend(faq.test_examples());
        println!(
            "catalogue: {} facilities, {} communes; {} rules",
            faq.catalogue.facilities.len(),
            faq.catalogue.communes.len(),
            faq.rules.len()
        );
        println!("{}", super::learn::fact_sources(config, faq));
        if let Some(drafter) = &drafter {
            problems.extend(drafter.check(faq));
        }
    }
    if config.mail.has_mailbox() {
        let found = crate::mail::imap::mailbox_problems(&config.mail, faq.as_ref());
        if found.is_empty() {
            let names: Vec<String> = config
                .mail
                .mailboxes()
                .into_iter()
                .map(|m| m.name)
                .collect();
            println!("mail: {} mailbox(es): {}", names.len(), names.join(", "));
        }
        problems.extend(found);
    } else {
        println!("mail: no mailbox configured");
    }
    if config.discord.is_set() {
        match crate::discord::Settings::from_config(&config.discord) {
            Ok(_) => println!("discord: configuration valid"),
            Err(e) => problems.push(e.to_string()),
        }
    } else {
        println!("discord: not configured");
    }
    let t = &config.territory;
    for (value, what) in [
        (&t.address, "territory.address"),
        (&t.phone, "territory.phone"),
        (&t.email, "territory.email"),
    ] {
        if value.trim().is_empty() {
            println!("warning: {what} is empty: acknowledgements of receipt will lack this CRPA R112-5 mention");
        }
    }
    for p in &problems {
        println!("error: {p}");
    }
    if problems.is_empty() {
        println!("ok");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} problem(s)", problems.len());
        Ok(ExitCode::from(1))
    }
}
