//! Core commands: classify, draft, acknowledge, check, faq test, demo.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::assets::Source;
use crate::config::Config;
use crate::faq::Faq;
use crate::inquiry::Message;
use crate::mail;

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
                let c = faq.classify(&message);
                if json {
                    let line = json!({
                        "file": shown,
                        "kind": c.kind,
                        "facility": c.facility,
                        "topic": c.topic,
                        "automatic": c.automatic,
                        "automatic_reason": c.automatic_reason,
                        "lang": c.lang,
                        "rules": c.rules,
                        "template": c.template,
                    });
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
        "{} rules, {} examples, {} failures",
        faq.rules.len(),
        examples,
        failures.len()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn demo(_config: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn draft(_c: &Config, _chat: bool, _f: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn acknowledge(_c: &Config, _chat: bool, _f: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn check(_c: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
