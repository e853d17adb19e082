//! Ledger commands: migrate, report, import, overdue, purge.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::Args;

use crate::assets::Source;
use crate::calendar::{paris_date, Calendar};
use crate::config::Config;
use crate::engagement::Engagements;
use crate::indicators::render::{self, Format};
use crate::indicators::{GroupBy, ReportQuery};
use crate::store::{parse_import_csv, parse_retention, Store, StoreSettings};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub from: Option<String>,
    /// Last receipt date included (YYYY-MM-DD, Europe/Paris).
    #[arg(long)]
    pub to: Option<String>,
    /// Group columns, comma-separated.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub by: Vec<GroupBy>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Date against which deadlines are judged (YYYY-MM-DD; default: today in Paris).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct OverdueArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also list inquiries due within this many working days.
    #[arg(long, default_value_t = 2)]
    pub within: u32,
    /// Date against which deadlines are judged (YYYY-MM-DD; default: today in Paris).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Retention, e.g. `24months`, `2years`, `730days`.
    #[arg(long)]
    pub older_than: String,
}

/// Runs one async ledger operation on a fresh runtime.
pub(crate) fn block_on<T>(
    f: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}

pub(crate) async fn open(config: &Config) -> anyhow::Result<Store> {
    let engagements = Engagements::load(&Source::faq(config)).context("loading engagements")?;
    let settings = StoreSettings {
        engagements,
        calendar: Calendar::new(config.calendar.whit_monday_worked),
        reference_prefix: config.territory.reference_prefix.clone(),
    };
    Ok(Store::open_with(&config.database_url(), settings).await?)
}

pub(crate) fn date(value: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .with_context(|| format!("{what}: `{value}` is not a date (YYYY-MM-DD)"))
}

fn today(value: Option<&str>) -> anyhow::Result<NaiveDate> {
    match value {
        Some(v) => date(v, "--today"),
        None => Ok(paris_date(Utc::now())),
    }
}

pub fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    block_on(async {
        let store = open(config).await?;
        let applied = store.migrate().await?;
        println!(
            "{} schema up to date ({} migration(s)):",
            store.backend().name(),
            applied.len()
        );
        for (version, description) in applied {
            println!("  {version} {description}");
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn report(config: &Config, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let query = ReportQuery {
        from: args
            .from
            .as_deref()
            .map(|d| date(d, "--from"))
            .transpose()?,
        to: args.to.as_deref().map(|d| date(d, "--to")).transpose()?,
        by: args.by,
        today: today(args.today.as_deref())?,
    };
    let rows = block_on(async { Ok(open(config).await?.report(&query).await?) })?;
    print!("{}", render::report(&query.by, &rows, args.format));
    Ok(ExitCode::SUCCESS)
}

pub fn import(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = match parse_import_csv(&text) {
        Ok(rows) => rows,
        Err(errors) => {
            for e in &errors {
                eprintln!("{}: {e}", file.display());
            }
            eprintln!(
                "nothing imported: {} rejected row(s) in {}",
                errors.len(),
                file.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let summary = block_on(async { Ok(open(config).await?.import(&rows).await?) })?;
    println!(
        "imported {} inquiries, {} already present ({} rows read)",
        summary.imported,
        summary.already_present,
        rows.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn overdue(config: &Config, args: OverdueArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let items = block_on(async { Ok(open(config).await?.overdue(today, args.within).await?) })?;
    print!("{}", render::overdue(&items, args.format));
    Ok(ExitCode::SUCCESS)
}

pub fn purge(config: &Config, args: PurgeArgs) -> anyhow::Result<ExitCode> {
    let retention = parse_retention(&args.older_than)?;
    let cutoff = retention.cutoff(Utc::now());
    let summary = block_on(async { Ok(open(config).await?.purge(cutoff).await?) })?;
    println!(
        "purged personal data of inquiries received before {}:",
        cutoff.format("%Y-%m-%d %H:%M UTC")
    );
    println!("  inquiries marked purged: {}", summary.inquiries);
    println!("  messages deleted:        {}", summary.messages_deleted);
    println!("  draft versions cleared:  {}", summary.drafts_cleared);
    println!("  outbox payloads cleared: {}", summary.outbox_cleared);
    if summary.file_rewritten {
        println!("  database file rewritten: freed space zeroed, WAL truncated");
    }
    println!("indicators unchanged (the event log and projection are kept).");
    Ok(ExitCode::SUCCESS)
}

pub fn backup(config: &Config, out: &Path) -> anyhow::Result<ExitCode> {
    if out.exists() {
        anyhow::bail!("{} already exists: choose a new file name", out.display());
    }
    block_on(async { Ok(open(config).await?.backup_sqlite(out).await?) })?;
    println!("backup written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `--by` values are the groupings' stable names.
impl clap::ValueEnum for GroupBy {
    fn value_variants<'a>() -> &'a [Self] {
        GroupBy::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}
