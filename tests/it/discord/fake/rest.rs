//! The fake's REST routes (API v10): gateway discovery, messages (created with `nonce` and
//! `enforce_nonce`, read back with `after`/`before`/`limit`, newest first), edits, threads from a
//! message (400 with code 160004 when one exists), interaction callbacks, commands.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{message, new_id, store_message, user, Inner, Request, BOT, GUILD};

fn id_of(v: &Value) -> u64 {
    v["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn param(query: &str, name: &str) -> Option<u64> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| v.parse().ok())
}

/// `GET /channels/{id}/messages`: at most `limit` (default 50, at most 100), newest first; with
/// `after`, the oldest ones after it; with `before`, the newest ones before it.
fn history(inner: &Inner, channel: u64, query: &str) -> Value {
    let all = inner
        .channels
        .lock()
        .unwrap()
        .get(&channel)
        .cloned()
        .unwrap_or_default();
    let mut all = all;
    all.sort_by_key(id_of);
    let limit = param(query, "limit").unwrap_or(50).clamp(1, 100) as usize;
    let mut page: Vec<Value> = if let Some(after) = param(query, "after") {
        all.into_iter()
            .filter(|m| id_of(m) > after)
            .take(limit)
            .collect()
    } else {
        let before = param(query, "before").unwrap_or(u64::MAX);
        let older: Vec<Value> = all.into_iter().filter(|m| id_of(m) < before).collect();
        older[older.len().saturating_sub(limit)..].to_vec()
    };
    page.reverse();
    Value::Array(page)
}

fn discord_error(status: StatusCode, code: u64, message: &str) -> Response {
    (status, Json(json!({ "message": message, "code": code }))).into_response()
}

fn create_message(inner: &Inner, channel: u64, body: &Value, index: usize) -> Response {
    let nonce = body["nonce"].clone();
    if body["enforce_nonce"] == json!(true) && !nonce.is_null() {
        let existing = inner
            .channels
            .lock()
            .unwrap()
            .get(&channel)
            .and_then(|ms| ms.iter().find(|m| m["nonce"] == nonce).cloned());
        if let Some(m) = existing {
            inner.requests.lock().unwrap()[index].created = None;
            return Json(m).into_response();
        }
    }
    let failing = inner.fail_posts.load(Ordering::SeqCst);
    if failing > 0 {
        inner.fail_posts.store(failing - 1, Ordering::SeqCst);
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    let new = new_id(inner);
    inner.requests.lock().unwrap()[index].created = Some(new);
    let content = body["content"].as_str().unwrap_or("");
    let mut m = message(
        new,
        channel,
        user(BOT, "guichet", true),
        content,
        Some(GUILD),
    );
    m["nonce"] = nonce;
    if body["components"].is_array() {
        m["components"] = body["components"].clone();
    }
    if let Some(r) = body["message_reference"].as_object() {
        m["type"] = json!(19);
        m["message_reference"] = json!({
            "message_id": r.get("message_id").cloned().unwrap_or(Value::Null),
            "channel_id": channel.to_string(),
        });
    }
    store_message(inner, m.clone());
    Json(m).into_response()
}

pub(super) async fn http(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let query = uri
        .query()
        .unwrap_or("")
        .trim_start_matches('&')
        .to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let index = {
        let mut reqs = inner.requests.lock().unwrap();
        reqs.push(Request {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
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
        ("GET", ["channels", c, "messages"]) => Json(history(&inner, id(c), &query)).into_response(),
        ("POST", ["channels", c, "messages"]) => create_message(&inner, id(c), &body, index),
        ("GET", ["channels", c, "messages", m]) => {
            let found = inner.channels.lock().unwrap().get(&id(c)).and_then(|ms| {
                ms.iter().find(|x| id_of(x) == id(m)).cloned()
            });
            match found {
                Some(x) => Json(x).into_response(),
                None => discord_error(StatusCode::NOT_FOUND, 10_008, "Unknown Message"),
            }
        }
        ("PATCH", ["channels", c, "messages", m]) => {
            let mut channels = inner.channels.lock().unwrap();
            let stored = channels
                .get_mut(&id(c))
                .and_then(|ms| ms.iter_mut().find(|x| id_of(x) == id(m)));
            let Some(stored) = stored else {
                return discord_error(StatusCode::NOT_FOUND, 10_008, "Unknown Message");
            };
            if let Some(content) = body["content"].as_str() {
                stored["content"] = json!(content);
            }
            if body["components"].is_array() {
                stored["components"] = body["components"].clone();
            }
            Json(stored.clone()).into_response()
        }
        ("POST", ["channels", c, "messages", m, "threads"]) => {
            let mut threads = inner.threads.lock().unwrap();
            if threads.contains(&id(m)) {
                return discord_error(
                    StatusCode::BAD_REQUEST,
                    160_004,
                    "A thread has already been created for this message",
                );
            }
            threads.push(id(m));
            Json(json!({
                "id": m.to_string(), "type": 11, "guild_id": GUILD.to_string(),
                "name": body["name"].as_str().unwrap_or("thread"), "parent_id": c.to_string(),
            }))
            .into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("PUT", ["applications", _, "guilds", _, "commands"]) => Json(json!([])).into_response(),
        _ => discord_error(StatusCode::NOT_FOUND, 0, "Unknown"),
    }
}
