//! The real Discord bot against a fake Discord (`fake.rs`): gateway, REST, interactions, with a
//! SQLite ledger in a temporary directory.

mod agents;
mod catchup;
mod cursors;
mod delivery;
mod fake;
mod followups;
mod instances;
mod intake;
mod learn;
mod note;
mod once;
mod process;
mod staff;
mod texts;

use std::time::Duration;

use guichet::config::{Config, DiscordConfig, Secret};
use guichet::discord::Settings;
use guichet::inquiry::InquiryId;
use guichet::pipeline::{Knowledge, Pipeline};
use guichet::store::Store;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use fake::{member, message, user, Fake, Request, APP, GUILD};

pub const PUBLIC: u64 = 3_000;
/// A second public channel.
pub const PUBLIC2: u64 = 3_001;
/// A citizen's direct-message channel with the bot.
pub const DM: u64 = 8_000;
pub const AGENTS_DEFAULT: u64 = 4_000;
pub const AGENTS_PISCINE: u64 = 4_001;
pub const AGENTS_CONSERVATOIRE: u64 = 4_002;
pub const AGENT_ROLE: u64 = 5_000;
pub const QUALITY_ROLE: u64 = 5_001;
pub const CITIZEN: u64 = 6_000;
pub const AGENT: u64 = 7_001;
pub const AGENT2: u64 = 7_002;
pub const OUTSIDER: u64 = 7_003;

/// A questions without marker in its draft (lost property at a pool).
pub const LOST: &str =
    "Bonjour, j'ai perdu mon bonnet de bain à la piscine, l'avez-vous retrouvé ?";
/// A question whose draft carries a `[[à compléter]]` marker (opening hours not confirmed).
pub const HOURS: &str = "Bonjour, quels sont les horaires de la piscine Pajeaud ?";

pub struct Bot {
    pub fake: Fake,
    pub pipeline: Pipeline,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

pub fn discord_config(api_url: &str) -> DiscordConfig {
    let mut c = DiscordConfig {
        token: Secret::new("test-token"),
        api_url: Some(api_url.to_string()),
        guild_id: GUILD.to_string(),
        public_channels: vec![PUBLIC.to_string(), PUBLIC2.to_string()],
        agent_role: AGENT_ROLE.to_string(),
        quality_role: QUALITY_ROLE.to_string(),
        console_url: "https://guichet.example/".to_string(),
        ..DiscordConfig::default()
    };
    c.agents_channels.default = AGENTS_DEFAULT.to_string();
    c.agents_channels.piscine = AGENTS_PISCINE.to_string();
    c.agents_channels.conservatoire = AGENTS_CONSERVATOIRE.to_string();
    c
}

impl Bot {
    pub async fn start() -> Bot {
        let fake = Fake::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        Bot::start_on(fake, dir).await
    }

    /// The bot as a user configures it (only `api_url` points at the fake), on a ledger in `dir`.
    pub async fn start_on(fake: Fake, dir: tempfile::TempDir) -> Bot {
        let url = format!("sqlite://{}", dir.path().join("guichet.db").display());
        let store = Store::open(&url).await.expect("store");
        let knowledge = Knowledge::load(&Config::default()).expect("knowledge");
        let pipeline = Pipeline::new(store, knowledge);
        let settings = Settings::from_config(&discord_config(&fake.url)).expect("settings");
        let (stop, stopped) = oneshot::channel::<()>();
        let p = pipeline.clone();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) = guichet::discord::run(p, settings, shutdown).await {
                panic!("bot failed: {e}");
            }
        });
        fake.wait_connected().await;
        Bot {
            fake,
            pipeline,
            stop: Some(stop),
            task,
            _dir: dir,
        }
    }

    pub async fn stop(self) {
        let _ = self.stop_keeping().await;
    }

    /// Stops the bot, keeping the fake Discord (its channels) and the ledger for a restart.
    pub async fn stop_keeping(mut self) -> (Fake, tempfile::TempDir) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), &mut self.task).await;
        self.task.abort();
        self.fake.drop_connection();
        (self.fake, self._dir)
    }

    /// A citizen writes in the public channel; returns the Discord message id.
    pub fn citizen_writes(&self, text: &str) -> u64 {
        self.fake
            .write(PUBLIC, user(CITIZEN, "Camille", false), text, Some(GUILD))
    }

    /// Waits for the inquiry recorded from a Discord message.
    pub async fn inquiry_of(&self, message_id: u64) -> InquiryId {
        for _ in 0..300 {
            if let Some(id) = self
                .pipeline
                .store
                .inquiry_by_source(&format!("discord:{message_id}"))
                .await
                .expect("lookup")
            {
                return id;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("message {message_id} never became an inquiry");
    }

    /// Waits for the agents' post of an inquiry (by its reference) and returns it.
    pub async fn post_of(&self, id: InquiryId) -> Request {
        let reference = self
            .pipeline
            .store
            .summary(id)
            .await
            .expect("summary")
            .reference;
        let reqs = self
            .fake
            .wait_for("the agents' post", |r| {
                r.iter().any(|q| is_post(q, &reference))
            })
            .await;
        reqs.into_iter()
            .rev()
            .find(|q| is_post(q, &reference))
            .expect("post")
    }

    /// An interaction pushed through the gateway; returns its id (for its callback).
    pub fn interact(
        &self,
        kind: u8,
        data: Value,
        user_id: u64,
        roles: &[u64],
        on: Option<&Request>,
    ) -> u64 {
        let id = self.fake.new_id();
        let mut d = json!({
            "id": id.to_string(), "application_id": APP.to_string(), "type": kind,
            "token": format!("tok{id}"), "version": 1, "guild_id": GUILD.to_string(),
            "channel_id": AGENTS_DEFAULT.to_string(), "member": member(user_id, roles),
            "user": user(user_id, &format!("agent{user_id}"), false), "locale": "fr",
            "entitlements": [], "attachment_size_limit": 10_000_000, "data": data,
        });
        if let Some(post) = on {
            let channel: u64 = post
                .path
                .split('/')
                .nth(2)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            d["channel_id"] = json!(channel.to_string());
            d["message"] = message(
                post.created.expect("a created message"),
                channel,
                user(fake::BOT, "guichet", true),
                post.body["content"].as_str().unwrap_or(""),
                Some(GUILD),
            );
        }
        self.fake.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// A click on a button of a post.
    pub fn click(&self, custom_id: &str, user_id: u64, roles: &[u64], post: &Request) -> u64 {
        self.interact(
            3,
            json!({ "custom_id": custom_id, "component_type": 2 }),
            user_id,
            roles,
            Some(post),
        )
    }

    /// A choice in a select menu.
    pub fn choose(
        &self,
        custom_id: &str,
        value: &str,
        user_id: u64,
        roles: &[u64],
        post: &Request,
    ) -> u64 {
        self.interact(
            3,
            json!({ "custom_id": custom_id, "component_type": 3, "values": [value] }),
            user_id,
            roles,
            Some(post),
        )
    }

    /// The callback answering an interaction.
    pub async fn callback(&self, interaction: u64) -> Value {
        let path = format!("/interactions/{interaction}/tok{interaction}/callback");
        let reqs = self
            .fake
            .wait_for("the interaction callback", |r| {
                r.iter().any(|q| q.path == path)
            })
            .await;
        reqs.into_iter()
            .find(|q| q.path == path)
            .expect("callback")
            .body
    }
}

/// The inquiries recorded from Discord messages, by message id.
pub async fn inquiries_of(bot: &Bot, messages: &[u64]) -> Vec<InquiryId> {
    let mut ids = Vec::new();
    for m in messages {
        ids.push(bot.inquiry_of(*m).await);
    }
    ids
}

/// Messages the bot created in a channel (thread or DM included), in the fake's history.
pub fn bot_messages_in(fake: &Fake, channel: u64) -> Vec<Value> {
    fake.history(channel)
        .into_iter()
        .filter(|m| m["author"]["bot"] == json!(true))
        .collect()
}

/// Waits until every inquiry has its card in the agents' channels and its acknowledgement
/// delivered (the outbox job sent), then checks each has exactly one of each.
pub async fn assert_one_card_and_one_ack_each(bot: &Bot, ids: &[InquiryId]) {
    for id in ids {
        let mut jobs = Vec::new();
        for _ in 0..400 {
            jobs = bot.pipeline.store.jobs_of(*id).await.expect("jobs");
            let sent = |kind: &str| jobs.iter().any(|(k, s, _)| k == kind && s == "sent");
            if sent("ack") && sent("discord_post") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let acks = jobs.iter().filter(|(k, _, _)| k == "ack").count();
        assert_eq!(acks, 1, "one acknowledgement job: {jobs:?}");
        assert!(jobs.iter().all(|(_, s, _)| s == "sent"), "{jobs:?}");
        let reference = bot
            .pipeline
            .store
            .summary(*id)
            .await
            .expect("summary")
            .reference;
        let cards: usize = [AGENTS_DEFAULT, AGENTS_PISCINE, AGENTS_CONSERVATOIRE]
            .iter()
            .map(|c| {
                bot_messages_in(&bot.fake, *c)
                    .iter()
                    .filter(|m| {
                        m["content"]
                            .as_str()
                            .is_some_and(|t| t.contains(&reference))
                    })
                    .count()
            })
            .sum();
        assert_eq!(cards, 1, "one card for {reference}");
        let acks_sent: usize = bot
            .fake
            .requests()
            .iter()
            .filter(|q| q.method == "POST" && q.created.is_some())
            .filter(|q| {
                q.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(&reference))
            })
            .filter(|q| q.body["components"].is_null())
            .count();
        assert_eq!(acks_sent, 1, "one acknowledgement message for {reference}");
    }
}

pub fn is_post(q: &Request, reference: &str) -> bool {
    q.method == "POST"
        && q.created.is_some()
        && q.path.ends_with("/messages")
        && q.body["components"].is_array()
        && q.body["content"]
            .as_str()
            .is_some_and(|c| c.contains(reference))
}

/// The channel a request was addressed to.
pub fn channel_of(q: &Request) -> u64 {
    q.path
        .split('/')
        .nth(2)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

pub fn is_ephemeral(callback: &Value) -> bool {
    callback["data"]["flags"]
        .as_u64()
        .is_some_and(|f| f & 64 == 64)
}

/// A chat message as the intake builds it, for tests that drive the pipeline directly.
pub fn intake_incoming(text: &str) -> guichet::pipeline::Incoming {
    guichet::discord::intake::to_incoming(&guichet::discord::intake::ChatMessage {
        message_id: 42,
        channel_id: PUBLIC,
        author_id: CITIZEN,
        author_name: "Camille".to_string(),
        text: text.to_string(),
        received_at: chrono::Utc::now(),
    })
}
