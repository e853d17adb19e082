//! `guichet serve` and `guichet sync --once`: the mail channel, long-running or one pass.

use std::process::ExitCode;

use anyhow::Context;

use super::ledger::{block_on, open};
use crate::config::Config;
use crate::pipeline::{Knowledge, Pipeline};
use crate::service::{self, MailChannel};

async fn channel(config: &Config) -> anyhow::Result<MailChannel> {
    let knowledge = Knowledge::load(config).context("loading rules and templates")?;
    let store = open(config).await?;
    let pipeline = Pipeline::new(store, knowledge);
    MailChannel::from_config(config, pipeline)
        .await
        .context("mail channel configuration")
}

pub fn serve(config: &Config) -> anyhow::Result<ExitCode> {
    block_on(async {
        let mail = channel(config).await?;
        service::serve(mail, service::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn sync(config: &Config, once: bool) -> anyhow::Result<ExitCode> {
    if !once {
        anyhow::bail!("`guichet sync` runs one pass: pass --once (or use `guichet serve`)");
    }
    block_on(async {
        let mail = channel(config).await?;
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
