//! `guichet serve` (every configured channel: mail, Discord, the web dashboard) and `guichet sync --once` (the mail
//! channel, one pass).

use std::process::ExitCode;

use anyhow::Context;

use super::ledger::block_on;
use crate::config::Config;
use crate::root::Guichet;
use crate::service::{self, TaskFactory};

/// `guichet serve`: the mail channel when `imap_url` is set, the Discord bot when its token is
/// set, the web server when accounts or a base URL are configured, all under one shutdown signal.
pub fn serve(config: &Config) -> anyhow::Result<ExitCode> {
    block_on(async {
        let guichet = Guichet::from_config(config).await?;
        let pipeline = guichet.pipeline.clone();
        let mail = match config.mail.has_mailbox() {
            true => Some(
                guichet
                    .mail(config)
                    .await
                    .context("mail channel configuration")?,
            ),
            false => None,
        };
        let mut extra: Vec<TaskFactory> = Vec::new();
        if !config.discord.token.is_empty() {
            let settings = guichet.discord(config).context("discord configuration")?;
            let pipeline = pipeline.clone();
            extra.push(service::until_shutdown("discord", move |stopped| {
                crate::discord::run(pipeline, settings, stopped)
            }));
        }
        if !config.web.users.is_empty() || config.web.base_url.is_some() {
            let addr: std::net::SocketAddr = config.web.listen.parse().with_context(|| {
                format!(
                    "web.listen: `{}` is not an address like 127.0.0.1:8080",
                    config.web.listen
                )
            })?;
            let state = guichet.web(config).context("web configuration")?;
            extra.push(service::until_shutdown("web", move |stopped| {
                crate::web::serve(state, addr, stopped)
            }));
        }
        if mail.is_none() && extra.is_empty() {
            anyhow::bail!(
                "nothing to serve: set GUICHET_IMAP_URL (mail), GUICHET_DISCORD_TOKEN (Discord) \
                 and/or web accounts or web.base_url (dashboard)"
            );
        }
        service::serve_with(&pipeline, mail, extra, service::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn sync(config: &Config, once: bool) -> anyhow::Result<ExitCode> {
    if !once {
        anyhow::bail!("`guichet sync` runs one pass: pass --once (or use `guichet serve`)");
    }
    block_on(async {
        let mail = Guichet::from_config(config)
            .await?
            .mail(config)
            .await
            .context("mail channel configuration")?;
        let r = service::sync_once(&mail).await?;
        println!(
            "taken in: {} new, {} follow-up(s), {} duplicate(s), {} quarantined, {} too large, {} history; sent: {}, retry later: {}, failed: {}",
            r.intake.created,
            r.intake.followups,
            r.intake.duplicates,
            r.intake.quarantined,
            r.intake.too_large,
            r.intake.history,
            r.delivered.sent,
            r.delivered.retried,
            r.delivered.failed
        );
        Ok(ExitCode::SUCCESS)
    })
}
