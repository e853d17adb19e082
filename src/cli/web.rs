//! Web commands: `guichet web` (the dashboard server alone), `guichet user add` (an account line
//! for the configuration), `guichet user end-sessions` and `guichet publish` (the month's open
//! data as files).

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::ledger::{block_on, open};
use crate::assets::Source;
use crate::config::Config;
use crate::root::Guichet;
use crate::web::{self, Role, Transparency, Views};

#[derive(Debug, Args)]
pub struct WebArgs {
    /// Address to listen on (default: `web.listen`, 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Hash a password (read from standard input) and print the account entry for the
    /// configuration; with --config, also append it to that file.
    Add {
        name: String,
        /// qualite, agent or admin.
        #[arg(long)]
        role: String,
    },
    /// End every session of an account now (recorded in the ledger; every instance refuses
    /// them within 15 seconds).
    EndSessions { name: String },
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The month to publish, YYYY-MM.
    #[arg(long)]
    pub month: String,
    /// Directory receiving transparence-YYYY-MM.html and .csv.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn web(config: &Config, args: WebArgs) -> anyhow::Result<ExitCode> {
    let listen = args.listen.unwrap_or_else(|| config.web.listen.clone());
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen: `{listen}` is not an address like 127.0.0.1:8080"))?;
    block_on(async {
        let state = Guichet::from_config(config).await?.web(config)?;
        if config.web.users.is_empty() {
            eprintln!("attention : aucun compte configuré (guichet user add NOM --role qualite)");
        }
        println!("guichet web : http://{addr}/ (Ctrl-C pour arrêter)");
        web::serve(state, addr, crate::service::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The configuration entry of an account.
pub(crate) fn user_entry(name: &str, role: Role, hash: &str) -> String {
    format!("\n[[web.users]]\nname = \"{name}\"\nrole = \"{role}\"\nhash = \"{hash}\"\n")
}

pub fn user(
    config: &Config,
    config_file: Option<&Path>,
    command: UserCommand,
) -> anyhow::Result<ExitCode> {
    let (name, role) = match command {
        UserCommand::Add { name, role } => (name, role),
        UserCommand::EndSessions { name } => return end_sessions(config, &name),
    };
    anyhow::ensure!(
        web::valid_name(&name),
        "invalid account name `{name}`: use letters, digits, `.`, `-` or `_`"
    );
    let role: Role = role.parse()?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Mot de passe pour {name} (12 caractères au moins) : ");
        std::io::stderr().flush().ok();
    }
    let mut password = String::new();
    stdin
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(
        password.chars().count() >= 12,
        "the password must have at least 12 characters"
    );
    let entry = user_entry(&name, role, &web::hash_password(password)?);
    print!("{entry}");
    if let Some(path) = config_file {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.write_all(entry.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("ajouté à {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `guichet user end-sessions NAME`: a "not before" time for the account's sessions.
fn end_sessions(config: &Config, name: &str) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        web::valid_name(name),
        "invalid account name `{name}`: use letters, digits, `.`, `-` or `_`"
    );
    if !config.web.users.iter().any(|u| u.name == name) {
        eprintln!("attention : aucun compte `{name}` dans la configuration");
    }
    block_on(async {
        open(config)
            .await?
            .end_sessions(name, chrono::Utc::now())
            .await?;
        anyhow::Ok(())
    })?;
    println!("sessions de {name} terminées");
    Ok(ExitCode::SUCCESS)
}

pub fn publish(config: &Config, args: PublishArgs) -> anyhow::Result<ExitCode> {
    let faq = super::core::load_faq(config)?;
    let engagements = crate::engagement::Engagements::load(&Source::faq(config))?;
    let views = Views::load(&Source::templates(config))?;
    let today = crate::calendar::paris_date(chrono::Utc::now());
    let t = block_on(async {
        let store = open(config).await?;
        Ok(Transparency::build(&store, &faq, &engagements, &args.month, today).await?)
    })?
    .with_context(|| format!("--month: `{}` is not a month (YYYY-MM)", args.month))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for (ext, text) in [("html", t.html(&views)?), ("csv", t.csv())] {
        let path = args.out.join(format!("transparence-{}.{ext}", t.month));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
