//! What guichet learned from its agents, on the command line: `guichet faq eval` (sorting
//! accuracy from the ledger's decisions).

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::core::load_faq;
use super::ledger::{block_on, date, open};
use crate::config::Config;
use crate::learn::present::eval_text;
use crate::learn::AccuracyReport;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// First receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub from: Option<String>,
    /// Last receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub to: Option<String>,
}

/// `guichet faq eval`: share of decided inquiries sorted right at intake, per month and kind.
pub fn eval(config: &Config, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let from = args
        .from
        .as_deref()
        .map(|d| date(d, "--from"))
        .transpose()?;
    let to = args.to.as_deref().map(|d| date(d, "--to")).transpose()?;
    let faq = load_faq(config)?;
    let judged = block_on(async { Ok(open(config).await?.judged_sortings(from, to).await?) })?;
    print!(
        "{}",
        eval_text(&faq, &AccuracyReport::of(&judged, from, to))
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct ExportFactsArgs {
    /// Write here instead of standard output (e.g. `faq/facilities.toml` of a checkout).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// `guichet faq export-facts`: the catalogue file with the confirmed facts in force written into
/// it (comments and order kept), for a territory that keeps its facts in git.
pub fn export_facts(config: &Config, args: ExportFactsArgs) -> anyhow::Result<ExitCode> {
    let source = crate::assets::Source::faq(config);
    let file = source.read("facilities.toml")?;
    let learned = block_on(async { Ok(open(config).await?.learned_facts().await?) })?;
    let today = crate::calendar::paris_date(chrono::Utc::now());
    let (text, written) = crate::learn::export::write_facts(&file.text, &learned, today)
        .with_context(|| format!("cannot edit {}", file.name))?;
    match args.out {
        Some(path) => {
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{written} fact(s) from the ledger written to {}",
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// For `guichet check`: how many facts come from the files and how many from the ledger.
pub fn fact_sources(config: &Config, faq: &crate::faq::Faq) -> String {
    let from_files: usize = faq
        .catalogue
        .facilities
        .iter()
        .map(|f| {
            crate::learn::FactField::ALL
                .iter()
                .filter(|x| !x.of(&f.facts).trim().is_empty())
                .count()
        })
        .sum();
    let url = config.database_url();
    let ledger = match url.strip_prefix("sqlite://") {
        Some(path) if !std::path::Path::new(path).exists() => "no ledger yet".to_string(),
        _ => {
            let today = crate::calendar::paris_date(chrono::Utc::now());
            let read = block_on(async {
                let store = open(config).await?;
                Ok((
                    store.learned_facts().await?,
                    store.open_proposals(None).await?.len(),
                ))
            });
            match read {
                Ok((learned, pending)) => {
                    let in_force: Vec<_> = learned.iter().filter(|l| l.holds_on(today)).collect();
                    let mut s = format!(
                        "{} confirmed in the ledger (override the files), {} proposal(s) waiting for an admin",
                        in_force.len(),
                        pending
                    );
                    for l in in_force {
                        s.push_str(&format!("\n  ledger: {} {}", l.facility, l.field));
                    }
                    s
                }
                Err(e) => format!("ledger not read ({e:#})"),
            }
        }
    };
    format!("facts: {from_files} from the catalogue files; {ledger}")
}

#[derive(Debug, Args)]
pub struct ExamplesArgs {
    /// Read the corrections from the ledger (the only source for now).
    #[arg(long, required = true)]
    pub from_ledger: bool,
    /// First receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub since: Option<String>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// `guichet faq examples --from-ledger`: corrected inquiries as candidate counter-examples of the
/// rules that fired wrongly, pseudonymised. Purged inquiries have no text left and are skipped.
pub fn examples(config: &Config, args: ExamplesArgs) -> anyhow::Result<ExitCode> {
    let since = args
        .since
        .as_deref()
        .map(|d| date(d, "--since"))
        .transpose()?;
    let faq = load_faq(config)?;
    let text = block_on(async {
        let store = open(config).await?;
        let judged = store.judged_sortings(since, None).await?;
        let mut corrected = Vec::new();
        for j in judged.iter().filter(|j| !j.all_right()) {
            let Some(message) = store.message(j.inquiry).await? else {
                continue;
            };
            corrected.push(crate::learn::examples::Corrected {
                judged: j,
                reference: store.summary(j.inquiry).await?.reference,
                subject: message.subject.clone(),
                body: message.body.clone(),
                sender: message.from.as_ref().and_then(|a| a.name.clone()),
            });
        }
        Ok(crate::learn::examples::candidates(&faq, &corrected))
    })?;
    match args.out {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
