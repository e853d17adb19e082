//! Ledger commands: migrate, report, import, overdue, purge.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use crate::config::Config;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub from: Option<String>,
    /// Last receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub to: Option<String>,
    /// Group columns, comma-separated: facility, kind, channel, topic, month, week, agent.
    #[arg(long, value_delimiter = ',')]
    pub by: Vec<String>,
    /// table, csv or json.
    #[arg(long, default_value = "table")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct OverdueArgs {
    /// table, csv or json.
    #[arg(long, default_value = "table")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Retention, e.g. `24months`, `2years`, `730days`.
    #[arg(long)]
    pub older_than: String,
}

pub fn migrate(_config: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}

pub fn report(_config: &Config, _args: ReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}

pub fn import(_config: &Config, _file: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}

pub fn overdue(_config: &Config, _args: OverdueArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}

pub fn purge(_config: &Config, _args: PurgeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
