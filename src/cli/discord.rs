//! `guichet discord`: runs only the Discord bot (gateway, agents' posts, outbox for `discord`
//! jobs, reminders) until SIGINT or SIGTERM; `guichet serve` adds the same task beside the others.

use std::process::ExitCode;

use anyhow::Context;

use super::ledger::block_on;
use crate::config::Config;
use crate::root::Guichet;

pub fn discord(config: &Config) -> anyhow::Result<ExitCode> {
    // The settings are checked before anything is opened.
    let settings = crate::discord::Settings::from_config(&config.discord)?;
    block_on(async move {
        let pipeline = Guichet::from_config(config).await?.pipeline;
        let resumed = pipeline.resume(chrono::Utc::now()).await?;
        if resumed > 0 {
            tracing::info!(resumed, "inquiries left half-done were advanced");
        }
        let shutdown = async {
            crate::service::shutdown_signal().await;
            tracing::info!("stopping the Discord bot");
        };
        crate::discord::run(pipeline, settings, shutdown)
            .await
            .context("discord bot")
    })?;
    Ok(ExitCode::SUCCESS)
}
