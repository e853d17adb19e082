//! The Discord side of guichet: the public writes in configured channels (or to the bot), agents
//! act on drafts with buttons in their channels, quality staff read indicators with slash
//! commands, and reminders go out each working morning. Everything goes through the same
//! [`Pipeline`] and outbox as mail; this adapter only translates.
//!
//! One file per feature: `intake` (public messages), `post` and `jobs` (the agents' post),
//! `buttons` (interactions), `commands` (slash commands), `reminders`, `transport` (outbox
//! delivery), `settings` (typed configuration).

pub mod buttons;
pub mod catchup;
pub mod commands;
pub mod intake;
pub mod jobs;
pub mod keep;
pub mod lookup;
pub mod modal;
pub mod post;
pub mod reminders;
pub mod settings;
pub mod transport;

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use serenity::all::{
    ChannelId, Context, EventHandler, GatewayIntents, GuildId, HttpBuilder, Interaction, Message,
    MessageId, MessageUpdateEvent, Ready, ResumedEvent,
};
use tokio::sync::{watch, Notify};

pub use settings::{Settings, SettingsError};
pub use transport::DiscordTransport;

use crate::calendar::paris_date;
use crate::pipeline::{deliver_due, Pipeline, PipelineError};
use crate::store::StoreError;

/// An error of the Discord adapter.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("discord: {0}")]
    Discord(#[from] serenity::Error),
}

/// The bot's shared state.
pub struct Data {
    pub pipeline: Pipeline,
    pub settings: Settings,
    /// Wakes the outbox worker right after an action (instead of waiting for the next tick).
    pub wake: Notify,
    /// Draft versions already written as post jobs, so each tick does not redo them.
    posted: Mutex<HashSet<(i64, u32)>>,
    /// Inquiries whose latest draft was posted at least once.
    seen: Mutex<HashSet<i64>>,
    /// One message taken in at a time, so a channel's cursor never passes a message still
    /// being recorded.
    pub(crate) intake: tokio::sync::Mutex<()>,
    /// One catch-up at a time (two READYs in a row).
    pub(crate) catching_up: tokio::sync::Mutex<()>,
}

impl Data {
    pub fn new(pipeline: Pipeline, settings: Settings) -> Data {
        Data {
            pipeline,
            settings,
            wake: Notify::new(),
            posted: Mutex::new(HashSet::new()),
            seen: Mutex::new(HashSet::new()),
            intake: tokio::sync::Mutex::new(()),
            catching_up: tokio::sync::Mutex::new(()),
        }
    }

    fn posted_contains(&self, key: (i64, u32)) -> bool {
        self.posted
            .lock()
            .map(|s| s.contains(&key))
            .unwrap_or(false)
    }

    fn mark_posted(&self, key: (i64, u32)) {
        if let Ok(mut s) = self.posted.lock() {
            s.insert(key);
        }
        if let Ok(mut s) = self.seen.lock() {
            s.insert(key.0);
        }
    }

    fn seen(&self, id: i64) -> bool {
        self.seen.lock().map(|s| s.contains(&id)).unwrap_or(false)
    }
}

/// The HTTP client: Discord's API through serenity's rate limiter, or the configured proxy, which
/// does the limiting (see [`Settings::ratelimiter_disabled`]).
pub fn build_http(settings: &Settings) -> serenity::all::Http {
    let mut b = HttpBuilder::new(settings.token.expose());
    if let Some(url) = &settings.api_url {
        b = b.proxy(url.as_str());
    }
    b.ratelimiter_disabled(settings.ratelimiter_disabled())
        .build()
}

struct Handler {
    data: Arc<Data>,
}

fn report(what: &str, r: Result<(), DiscordError>) {
    if let Err(e) = r {
        tracing::error!(error = %e, "discord {what} failed");
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "discord bot connected");
        let guild: GuildId = self.data.settings.guild;
        if let Err(e) = guild.set_commands(&ctx.http, commands::definitions()).await {
            tracing::error!(error = %e, "slash commands not registered");
        }
        // A new session (start, failed RESUME, invalid session): what was written meanwhile
        // was never dispatched to us.
        match catchup::catch_up(&self.data, &ctx.http).await {
            Ok(c) => tracing::info!(
                channels = c.channels,
                read = c.read,
                "discord catch-up done"
            ),
            Err(e) => tracing::error!(error = %e, "discord catch-up failed"),
        }
        self.data.wake.notify_one();
    }

    async fn resume(&self, _ctx: Context, _: ResumedEvent) {
        tracing::info!("discord gateway session resumed");
        self.data.wake.notify_one();
    }

    async fn message(&self, _ctx: Context, msg: Message) {
        report("intake", intake::on_message(&self.data, &msg).await);
    }

    async fn message_update(
        &self,
        _ctx: Context,
        _old: Option<Message>,
        _new: Option<Message>,
        event: MessageUpdateEvent,
    ) {
        report("edit", intake::on_update(&self.data, &event).await);
    }

    async fn message_delete(
        &self,
        _ctx: Context,
        _channel: ChannelId,
        message: MessageId,
        _guild: Option<GuildId>,
    ) {
        report("deletion", intake::on_delete(&self.data, message).await);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let r = match &interaction {
            Interaction::Component(i) => buttons::on_component(&ctx, &self.data, i).await,
            Interaction::Modal(i) => modal::on_modal(&ctx, &self.data, i).await,
            Interaction::Command(i) => commands::on_command(&ctx, &self.data, i).await,
            _ => Ok(()),
        };
        report("interaction", r);
    }
}

/// One pass of the worker: post new drafts (every draft on a `full` pass), deliver due
/// `discord` jobs.
pub async fn work_once(
    data: &Data,
    transport: &DiscordTransport,
    full: bool,
) -> Result<(), DiscordError> {
    let now = Utc::now();
    jobs::enqueue_new_posts(data, now, full).await?;
    let done = deliver_due(&data.pipeline.store, transport, now).await?;
    if !done.is_empty() {
        tracing::debug!(?done, "discord outbox pass");
    }
    Ok(())
}

/// Passes between two full scans of the waiting drafts.
const FULL_SCAN_EVERY: u32 = 12;

async fn worker(data: Arc<Data>, transport: DiscordTransport) {
    let mut pass: u32 = 0;
    loop {
        let full = pass % FULL_SCAN_EVERY == 0;
        pass = pass.wrapping_add(1);
        report("outbox", work_once(&data, &transport, full).await);
        let _ = tokio::time::timeout(data.settings.tick, data.wake.notified()).await;
    }
}

async fn reminder_loop(data: Arc<Data>, transport: DiscordTransport) {
    let calendar = data.pipeline.knowledge.calendar;
    // One instance sends the reminders: the one holding the named lock (the others wait and
    // take over when it is gone).
    let _sender = loop {
        match data.pipeline.store.try_lock("discord-reminders").await {
            Ok(Some(lock)) => break lock,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "reminders: cannot take the lock"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    };
    loop {
        let now = Utc::now();
        let at = reminders::next_reminder(now, data.settings.reminder_hour, &calendar);
        let wait = (at - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let today = paris_date(Utc::now());
        match data.pipeline.store.overdue(today, 0).await {
            Ok(items) => {
                let catalogue = &data.pipeline.knowledge.faq.catalogue;
                for (channel, text) in
                    reminders::reminders(&data.settings, catalogue, &items, today)
                {
                    let m = transport::quiet(text);
                    if let Err(e) = channel.send_message(&transport.http, m).await {
                        tracing::error!(error = %e, "reminder not sent");
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "reminders: cannot read the ledger"),
        }
        match data.pipeline.soft_automatic().await {
            Ok(items) => {
                if let Some((text, rows)) = reminders::soft_automatic_reminder(&items) {
                    let channel = data.settings.agents_channel(crate::inquiry::Kind::Autre);
                    let m = transport::quiet(text).components(rows);
                    if let Err(e) = channel.send_message(&transport.http, m).await {
                        tracing::error!(error = %e, "soft-automatic reminder not sent");
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "reminders: cannot list soft-automatic mail"),
        }
    }
}

/// The name of the lock held by the instance connected to the gateway for a guild.
pub fn gateway_lock(settings: &Settings) -> String {
    format!("discord-gateway:{}", settings.guild)
}

/// One gateway session while this instance holds the gateway lock: a new client (READY, then
/// catch-up from the channels' history), until `stop` is raised.
async fn gateway(data: Arc<Data>, mut stop: watch::Receiver<bool>) -> Result<(), DiscordError> {
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let http = build_http(&data.settings);
    let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler(Handler { data })
        .await?;
    let shards = client.shard_manager.clone();
    tokio::select! {
        r = client.start() => r.map_err(DiscordError::from),
        () = async {
            // A closed channel (the service gone) stops too.
            let _ = stop.wait_for(|s| *s).await;
        } => {
            shards.shutdown_all().await;
            Ok(())
        }
    }
}

/// Runs the bot until `shutdown` completes: the outbox worker for `discord` jobs and the morning
/// reminders at once, and the gateway (reconnecting and resuming by itself) while this instance
/// holds the gateway lock — with several instances on one ledger, one takes Discord's messages
/// in and the others wait, logging it, and take over within seconds of its death (see
/// [`crate::service::exclusively`]). The worker needs no lock: its claims are exclusive
/// (`SKIP LOCKED`, leases) and a post job is written once per draft version (unique message
/// id), so every instance may deliver. The service adds this as one task.
pub async fn run(
    pipeline: Pipeline,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), DiscordError> {
    let data = Arc::new(Data::new(pipeline, settings));
    // The gateway's client has an HTTP client of its own (serenity takes it by value); the
    // worker's is this one, so that it runs while another instance holds the gateway.
    let transport = DiscordTransport {
        http: Arc::new(build_http(&data.settings)),
    };
    let worker = tokio::spawn(worker(data.clone(), transport.clone()));
    let reminders = tokio::spawn(reminder_loop(data.clone(), transport));
    let (stop_tx, stop_rx) = watch::channel(false);
    let store = data.pipeline.store.clone();
    let name = gateway_lock(&data.settings);
    let gateways =
        crate::service::exclusively(&store, &name, stop_rx, |stop| gateway(data.clone(), stop));
    tokio::pin!(gateways);
    let result = tokio::select! {
        r = &mut gateways => r,
        () = shutdown => {
            let _ = stop_tx.send(true);
            gateways.await
        }
    };
    worker.abort();
    reminders.abort();
    result
}
