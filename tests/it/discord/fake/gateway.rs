//! The fake's gateway: HELLO, heartbeats, IDENTIFY → READY, RESUME → replay then RESUMED (or an
//! invalid session when the test asks for one), and a resumable close on demand.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc::unbounded_channel;

use super::{user, Cmd, Inner, APP, BOT, GUILD};

pub(super) fn dispatch(inner: &Inner, t: &str, d: Value) {
    let s = inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let text = json!({ "op": 0, "t": t, "s": s, "d": d }).to_string();
    inner.log.lock().unwrap().push((s, text.clone()));
    if let Some(c) = inner.conn.lock().unwrap().as_ref() {
        let _ = c.send(Cmd::Send(text));
    }
}

pub(super) async fn ws(State(inner): State<Arc<Inner>>, up: WebSocketUpgrade) -> Response {
    up.on_upgrade(move |socket| session(socket, inner))
}

async fn send(socket: &mut WebSocket, v: Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

async fn session(mut socket: WebSocket, inner: Arc<Inner>) {
    if !send(
        &mut socket,
        json!({ "op": 10, "d": { "heartbeat_interval": 41250 } }),
    )
    .await
    {
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
                        send(&mut socket, json!({ "op": 11 })).await;
                    }
                    Some(2) => {
                        let n = inner.identifies.fetch_add(1, Ordering::SeqCst) + 1;
                        let base = inner.base.lock().unwrap().clone();
                        *inner.conn.lock().unwrap() = Some(tx.clone());
                        dispatch(&inner, "READY", json!({
                            "v": 10, "user": user(BOT, "guichet", true),
                            "guilds": [{ "id": GUILD.to_string(), "unavailable": true }],
                            "session_id": format!("session-{n}"), "resume_gateway_url": base,
                            "shard": [0, 1], "application": { "id": APP.to_string(), "flags": 0 },
                        }));
                    }
                    Some(6) => {
                        inner.resumes.fetch_add(1, Ordering::SeqCst);
                        if inner.refuse_resume.swap(false, Ordering::SeqCst) {
                            send(&mut socket, json!({ "op": 9, "d": false })).await;
                            continue;
                        }
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
    // This connection's sender is gone: dispatches wait for the next session.
    let mut conn = inner.conn.lock().unwrap();
    if conn.as_ref().is_some_and(|c| c.same_channel(&tx)) {
        *conn = None;
    }
}
