//! What guichet learned from its agents, on the command line: `guichet faq eval` (sorting
//! accuracy from the ledger's decisions).

use std::process::ExitCode;

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
