//! A fake Discord on 127.0.0.1: the gateway (HELLO, IDENTIFY → READY, heartbeats, RESUME with
//! replay of missed dispatches, a close on demand) and the REST routes the bot calls, recording
//! every request so tests can assert on what the bot did.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

pub const GUILD: u64 = 1_000;
pub const BOT: u64 = 2_000;
pub const APP: u64 = 2_001;

/// One HTTP request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Without the `/api/v10` prefix.
    pub path: String,
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
    seq: AtomicU64,
    next_id: AtomicU64,
    identifies: AtomicUsize,
    resumes: AtomicUsize,
    /// The next N message creations answer 500.
    fail_posts: AtomicUsize,
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

pub fn message(id: u64, channel: u64, author: Value, content: &str, guild: Option<u64>) -> Value {
    let mut m = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author,
        "content": content, "timestamp": "2026-11-26T09:00:00.000000+00:00",
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
        let inner = Arc::new(Inner {
            next_id: AtomicU64::new(9_000_000),
            ..Inner::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let url = format!("http://{addr}");
        *inner.base.lock().unwrap() = format!("ws://{addr}/ws");
        let app = Router::new()
            .route("/ws", get(ws))
            .fallback(http)
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

    pub fn new_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::SeqCst)
    }

    /// Sends a dispatch; while no session is connected it is kept and replayed on RESUME.
    pub fn dispatch(&self, t: &str, d: Value) {
        dispatch(&self.inner, t, d);
    }

    /// Closes the gateway connection with a code that allows resuming.
    pub fn drop_connection(&self) {
        if let Some(c) = self.inner.conn.lock().unwrap().take() {
            let _ = c.send(Cmd::Close);
        }
    }

    /// Waits until `pred` holds for the recorded requests (at most 15 s), returning them.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Request]) -> bool) -> Vec<Request> {
        for _ in 0..300 {
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
        for _ in 0..300 {
            if self.inner.conn.lock().unwrap().is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the bot never connected to the gateway");
    }
}

fn dispatch(inner: &Inner, t: &str, d: Value) {
    let s = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let text = json!({ "op": 0, "t": t, "s": s, "d": d }).to_string();
    inner.log.lock().unwrap().push((s, text.clone()));
    if let Some(c) = inner.conn.lock().unwrap().as_ref() {
        let _ = c.send(Cmd::Send(text));
    }
}

async fn ws(State(inner): State<Arc<Inner>>, up: WebSocketUpgrade) -> Response {
    up.on_upgrade(move |socket| session(socket, inner))
}

async fn session(mut socket: WebSocket, inner: Arc<Inner>) {
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 } }).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let (tx, mut rx) = unbounded_channel::<Cmd>();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { break };
                let Message::Text(text) = msg else { continue };
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                match v["op"].as_u64() {
                    Some(1) => {
                        let ack = json!({ "op": 11 }).to_string();
                        let _ = socket.send(Message::Text(ack.into())).await;
                    }
                    Some(2) => {
                        inner.identifies.fetch_add(1, Ordering::SeqCst);
                        let base = inner.base.lock().unwrap().clone();
                        *inner.conn.lock().unwrap() = Some(tx.clone());
                        dispatch(&inner, "READY", json!({
                            "v": 10, "user": user(BOT, "guichet", true),
                            "guilds": [{ "id": GUILD.to_string(), "unavailable": true }],
                            "session_id": "session-1", "resume_gateway_url": base,
                            "shard": [0, 1], "application": { "id": APP.to_string(), "flags": 0 },
                        }));
                    }
                    Some(6) => {
                        inner.resumes.fetch_add(1, Ordering::SeqCst);
                        let after = v["d"]["seq"].as_u64().unwrap_or(0);
                        let missed: Vec<String> = inner.log.lock().unwrap().iter()
                            .filter(|(s, _)| *s > after).map(|(_, t)| t.clone()).collect();
                        for t in missed {
                            let _ = socket.send(Message::Text(t.into())).await;
                        }
                        *inner.conn.lock().unwrap() = Some(tx.clone());
                        dispatch(&inner, "RESUMED", json!({}));
                    }
                    _ => {}
                }
            }
            cmd = rx.recv() => match cmd {
                Some(Cmd::Send(t)) => {
                    if socket.send(Message::Text(t.into())).await.is_err() { break; }
                }
                Some(Cmd::Close) | None => {
                    let frame = axum::extract::ws::CloseFrame { code: 4000, reason: "test drop".into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
            }
        }
    }
}

async fn http(State(inner): State<Arc<Inner>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let index = {
        let mut reqs = inner.requests.lock().unwrap();
        reqs.push(Request {
            method: method.to_string(),
            path: path.clone(),
            body: body.clone(),
            created: None,
        });
        reqs.len() - 1
    };
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let base = inner.base.lock().unwrap().clone();
    let id = |s: &str| s.parse::<u64>().unwrap_or(0);
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) | ("GET", ["gateway", "bot"]) => Json(json!({
            "url": base, "shards": 1,
            "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1 },
        }))
        .into_response(),
        ("GET", ["users", "@me"]) => Json(user(BOT, "guichet", true)).into_response(),
        ("POST", ["channels", c, "messages"]) => {
            let failing = inner.fail_posts.load(Ordering::SeqCst);
            if failing > 0 {
                inner.fail_posts.store(failing - 1, Ordering::SeqCst);
                return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
            }
            let new = inner.next_id.fetch_add(1, Ordering::SeqCst);
            inner.requests.lock().unwrap()[index].created = Some(new);
            let content = body["content"].as_str().unwrap_or("");
            Json(message(new, id(c), user(BOT, "guichet", true), content, Some(GUILD))).into_response()
        }
        ("PATCH", ["channels", c, "messages", m]) => {
            let content = body["content"].as_str().unwrap_or("");
            Json(message(id(m), id(c), user(BOT, "guichet", true), content, Some(GUILD))).into_response()
        }
        ("POST", ["channels", c, "messages", m, "threads"]) => Json(json!({
            "id": m.to_string(), "type": 11, "guild_id": GUILD.to_string(),
            "name": body["name"].as_str().unwrap_or("thread"), "parent_id": c.to_string(),
        }))
        .into_response(),
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("PUT", ["applications", _, "guilds", _, "commands"]) => Json(json!([])).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({ "message": "Unknown", "code": 0 }))).into_response(),
    }
}
