//! Command-line interface: clap definitions and dispatch to one small function per command.

mod core;
mod demo;
mod demo_learn;
mod discord;
mod learn;
pub(crate) mod ledger;
mod logging;
mod mail;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// guichet — sorts the public's inquiries, drafts replies, and keeps the Qualivilles ledger.
#[derive(Debug, Parser)]
#[command(name = "guichet", version, about)]
pub struct Cli {
    /// Configuration file (TOML); GUICHET_* environment variables override it.
    #[arg(long, global = true, env = "GUICHET_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory replacing the embedded FAQ data (catalogue, rules, engagements).
    #[arg(long, global = true)]
    pub faq: Option<PathBuf>,
    /// Directory replacing the embedded reply templates.
    #[arg(long, global = true)]
    pub templates: Option<PathBuf>,
    /// Database URL (sqlite://FILE or postgres://USER@HOST/DB).
    #[arg(long, global = true)]
    pub database: Option<String>,
    /// Log format on stderr (level from GUICHET_LOG, e.g. `info`).
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: logging::LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bundled sample inquiries through the whole pipeline (temporary SQLite, no account),
    /// then serve the dashboard and the transparency page on 127.0.0.1 until Ctrl-C.
    Demo(demo::DemoArgs),
    /// Sort messages: kind, facility, topic, automatic, rules that fired.
    Classify {
        /// One JSON object per input, one per line.
        #[arg(long)]
        json: bool,
        /// Inputs are plain UTF-8 chat messages rather than RFC 5322 mail.
        #[arg(long)]
        chat: bool,
        /// Show which words weighed what for kind, facility and topic.
        #[arg(long)]
        explain: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the reply that would be proposed for a message.
    Draft {
        #[arg(long)]
        chat: bool,
        /// Also print the note for the agent: which entry answered which sentence, assumptions,
        /// catalogue notes.
        #[arg(long)]
        explain: bool,
        file: PathBuf,
    },
    /// Print the acknowledgement of receipt that would be sent for a mail.
    Acknowledge {
        #[arg(long)]
        chat: bool,
        file: PathBuf,
    },
    /// Validate the configuration, catalogue, rules, engagements and templates.
    Check,
    /// FAQ rules maintenance.
    Faq {
        #[command(subcommand)]
        command: FaqCommand,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Qualivilles indicators per group.
    Report(ledger::ReportArgs),
    /// Import history from before guichet (CSV).
    Import { file: PathBuf },
    /// Inquiries that will miss or have missed their engagement, soonest first.
    Overdue(ledger::OverdueArgs),
    /// Delete or pseudonymise personal data older than a retention period (RGPD).
    Purge(ledger::PurgeArgs),
    /// Run the service: IMAP intake (IDLE) and the outbox, until SIGINT/SIGTERM.
    Serve,
    /// One pass of the mail channel: catch up, process, send what is due, exit.
    Sync {
        #[arg(long)]
        once: bool,
    },
    /// Write a consistent copy of the SQLite ledger while guichet runs (PostgreSQL: use pg_dump).
    Backup {
        /// The copy to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Run only the Discord bot (intake, agents' buttons, slash commands, reminders).
    Discord,
    /// Serve the web dashboard, the survey and the transparency page (only the web server).
    Web(web::WebArgs),
    /// Dashboard accounts.
    User {
        #[command(subcommand)]
        command: web::UserCommand,
    },
    /// Write a month's transparency page and open data (HTML and CSV, no personal data).
    Publish(web::PublishArgs),
}

#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Run every rule's positive and negative examples; print failures.
    Test,
    /// Sorting accuracy from the ledger's decisions, per month and kind, with the confusions.
    Eval(learn::EvalArgs),
    /// Write the catalogue with the facts confirmed in the ledger (TOML for `guichet check`).
    ExportFacts(learn::ExportFactsArgs),
    /// Corrected inquiries as candidate rule examples (pseudonymised TOML to review and paste).
    Examples(learn::ExamplesArgs),
}

/// Runs one command; the exit code says whether it succeeded.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The one logging set-up. The services report their progress (batches, reconnections,
    // the bot's start and stop) at info level; the Discord library only its warnings.
    let default_level = match cli.command {
        Command::Serve | Command::Sync { .. } => "info",
        Command::Discord => "info,serenity=warn",
        _ => "warn",
    };
    logging::init(cli.log_format, default_level);
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.faq {
        config.faq_dir = Some(dir);
    }
    if let Some(dir) = cli.templates {
        config.templates_dir = Some(dir);
    }
    if let Some(url) = cli.database {
        config.database_url = Some(url);
    }
    match cli.command {
        Command::Demo(args) => demo::demo(&config, args),
        Command::Classify {
            json,
            chat,
            explain,
            files,
        } => core::classify(&config, json, chat, explain, &files),
        Command::Draft {
            chat,
            explain,
            file,
        } => core::draft(&config, chat, explain, &file),
        Command::Acknowledge { chat, file } => core::acknowledge(&config, chat, &file),
        Command::Check => core::check(&config),
        Command::Faq {
            command: FaqCommand::Test,
        } => core::faq_test(&config),
        Command::Faq {
            command: FaqCommand::Eval(args),
        } => learn::eval(&config, args),
        Command::Faq {
            command: FaqCommand::ExportFacts(args),
        } => learn::export_facts(&config, args),
        Command::Faq {
            command: FaqCommand::Examples(args),
        } => learn::examples(&config, args),
        Command::Migrate => ledger::migrate(&config),
        Command::Report(args) => ledger::report(&config, args),
        Command::Import { file } => ledger::import(&config, &file),
        Command::Overdue(args) => ledger::overdue(&config, args),
        Command::Purge(args) => ledger::purge(&config, args),
        Command::Serve => mail::serve(&config),
        Command::Sync { once } => mail::sync(&config, once),
        Command::Backup { out } => ledger::backup(&config, &out),
        Command::Discord => discord::discord(&config),
        Command::Web(args) => web::web(&config, args),
        Command::User { command } => web::user(&config, cli.config.as_deref(), command),
        Command::Publish(args) => web::publish(&config, args),
    }
}

/// True when the error is a closed stdout (`guichet classify … | head`): not worth reporting.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
