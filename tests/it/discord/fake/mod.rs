//! A fake Discord on 127.0.0.1, written from Discord's documentation (API v10): the gateway
//! (`gateway.rs`: HELLO, IDENTIFY → READY, heartbeats, RESUME with replay of missed dispatches,
//! invalid sessions and closes on demand) and the REST routes the bot calls (`rest.rs`: messages
//! with `nonce`/`enforce_nonce`, channel history with `after`/`before`/`limit`, threads from a
//! message with error 160004 the second time). Ids are real snowflakes (time in the high bits);
//! every request is recorded so tests can assert on what the bot did, and the channels' messages
//! outlive the bot, so a test can stop it, post, and start it again.

mod gateway;
mod rest;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedSender;

pub const GUILD: u64 = 1_000;
pub const BOT: u64 = 2_000;
pub const APP: u64 = 2_001;

/// Discord's epoch (2015-01-01), in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// One HTTP request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Without the `/api/v10` prefix, without the query.
    pub path: String,
    pub query: String,
    pub body: Value,
    /// The id of the message it created, if any.
    pub created: Option<u64>,
}

enum Cmd {
    Send(String),
    Close,
}

#[derive(Default)]
struct Inner {
    base: Mutex<String>,
    requests: Mutex<Vec<Request>>,
    /// Every dispatch sent (seq, text), for replay on RESUME.
    log: Mutex<Vec<(u64, String)>>,
    conn: Mutex<Option<UnboundedSender<Cmd>>>,
    /// Messages of every channel (threads and DMs included), oldest first.
    channels: Mutex<HashMap<u64, Vec<Value>>>,
    /// Message ids that already have a thread.
    threads: Mutex<Vec<u64>>,
    seq: AtomicU64,
    last_id: AtomicU64,
    identifies: AtomicUsize,
    resumes: AtomicUsize,
    /// The next N message creations answer 500.
    fail_posts: AtomicUsize,
    /// The next RESUME is answered with an invalid session (op 9, not resumable).
    refuse_resume: AtomicBool,
}

/// The running fake server.
#[derive(Clone)]
pub struct Fake {
    pub url: String,
    inner: Arc<Inner>,
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({ "id": id.to_string(), "username": name, "global_name": name, "avatar": null,
            "discriminator": "0", "bot": bot })
}

/// The time of a snowflake, as Discord's ISO 8601 timestamp.
pub fn timestamp_of(id: u64) -> String {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    let t =
        chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(0)).unwrap_or_default();
    t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// A snowflake for a time (the tests' "a week ago").
pub fn snowflake_at(t: chrono::DateTime<chrono::Utc>) -> u64 {
    let ms = u64::try_from(t.timestamp_millis()).unwrap_or(0);
    (ms.saturating_sub(DISCORD_EPOCH_MS)) << 22
}

pub fn message(id: u64, channel: u64, author: Value, content: &str, guild: Option<u64>) -> Value {
    let mut m = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author,
        "content": content, "timestamp": timestamp_of(id),
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0,
    });
    if let Some(g) = guild {
        m["guild_id"] = json!(g.to_string());
    }
    m
}

pub fn member(user_id: u64, roles: &[u64]) -> Value {
    json!({
        "user": user(user_id, &format!("agent{user_id}"), false),
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
    })
}

impl Fake {
    pub async fn start() -> Fake {
        let inner = Arc::new(Inner::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let url = format!("http://{addr}");
        *inner.base.lock().unwrap() = format!("ws://{addr}/ws");
        let app = Router::new()
            .route("/ws", get(gateway::ws))
            .fallback(rest::http)
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { url, inner }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.inner.requests.lock().unwrap().clone()
    }

    pub fn identifies(&self) -> usize {
        self.inner.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> usize {
        self.inner.resumes.load(Ordering::SeqCst)
    }

    pub fn fail_next_posts(&self, n: usize) {
        self.inner.fail_posts.store(n, Ordering::SeqCst);
    }

    /// A new snowflake: now, and after every id given before.
    pub fn new_id(&self) -> u64 {
        new_id(&self.inner)
    }

    /// Sends a dispatch; while no session is connected it is kept and replayed on RESUME. A
    /// MESSAGE_CREATE is also kept in its channel's history (as Discord does).
    pub fn dispatch(&self, t: &str, d: Value) {
        if t == "MESSAGE_CREATE" {
            store_message(&self.inner, d.clone());
        }
        gateway::dispatch(&self.inner, t, d);
    }

    /// A message written in a channel (public when `guild` is set, else a DM), kept in its
    /// history and dispatched to the bot if connected; returns its id.
    pub fn write(&self, channel: u64, author: Value, text: &str, guild: Option<u64>) -> u64 {
        let id = self.new_id();
        self.dispatch("MESSAGE_CREATE", message(id, channel, author, text, guild));
        id
    }

    /// A message that reaches the channel's history but never the gateway (written while the
    /// bot was away and its session is gone).
    pub fn write_unseen(&self, channel: u64, author: Value, text: &str, guild: Option<u64>) -> u64 {
        let id = self.new_id();
        store_message(&self.inner, message(id, channel, author, text, guild));
        id
    }

    /// A message with a given id (its time), kept in the history only.
    pub fn write_at(&self, id: u64, channel: u64, author: Value, text: &str, guild: Option<u64>) {
        store_message(&self.inner, message(id, channel, author, text, guild));
    }

    /// A thread started from a message by someone else.
    pub fn open_thread(&self, message: u64) {
        self.inner.threads.lock().unwrap().push(message);
    }

    /// The messages of a channel, oldest first.
    pub fn history(&self, channel: u64) -> Vec<Value> {
        self.inner
            .channels
            .lock()
            .unwrap()
            .get(&channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Closes the gateway connection with a code that allows resuming.
    pub fn drop_connection(&self) {
        if let Some(c) = self.inner.conn.lock().unwrap().take() {
            let _ = c.send(Cmd::Close);
        }
    }

    /// Makes the next RESUME fail with an invalid session (the bot must IDENTIFY again).
    pub fn refuse_next_resume(&self) {
        self.inner.refuse_resume.store(true, Ordering::SeqCst);
    }

    /// True while a gateway session is up.
    pub fn connected(&self) -> bool {
        self.inner.conn.lock().unwrap().is_some()
    }

    /// Waits until `pred` holds for the recorded requests (at most 20 s), returning them.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Request]) -> bool) -> Vec<Request> {
        for _ in 0..400 {
            let reqs = self.requests();
            if pred(&reqs) {
                return reqs;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let reqs = self.requests();
        let seen: Vec<String> = reqs
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        panic!("timed out waiting for {what}; requests: {seen:#?}");
    }

    /// Waits until the gateway session is ready (READY or RESUMED sent).
    pub async fn wait_connected(&self) {
        for _ in 0..400 {
            if self.connected() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the bot never connected to the gateway");
    }
}

fn new_id(inner: &Inner) -> u64 {
    let now = snowflake_at(chrono::Utc::now());
    let mut last = inner.last_id.load(Ordering::SeqCst);
    loop {
        let next = now.max(last + 1);
        match inner
            .last_id
            .compare_exchange(last, next, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

fn store_message(inner: &Inner, m: Value) {
    let channel: u64 = m["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    inner
        .channels
        .lock()
        .unwrap()
        .entry(channel)
        .or_default()
        .push(m);
}
