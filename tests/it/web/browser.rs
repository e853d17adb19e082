//! The real thing: `guichet demo --port FREE` driven by headless Chromium over the DevTools
//! protocol — log in, the dashboard's charts, a CSV download, the transparency page, and a survey
//! answered through the form. Screenshots go to `target/screenshots/`.
//!
//! Chromium is Debian's `chromium`: `scripts/test` installs it, and so does this test when it runs
//! as root; otherwise a missing Chromium fails the test with a clear message (never a skip).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills the child process (by its id) when dropped, even if the test fails.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Reads lines from a child's output on a thread until `done` says so or the time is up.
fn read_until(
    out: impl std::io::Read + Send + 'static,
    done: impl Fn(&str) -> bool + Send + 'static,
    timeout: Duration,
) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let last = done(&line);
            if tx.send(line).is_err() || last {
                break;
            }
        }
    });
    let deadline = Instant::now() + timeout;
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        lines.push(line);
    }
    lines
}

/// A minimal DevTools client: one WebSocket to the browser, one page session.
struct Cdp {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next: u64,
    session: Option<String>,
}

impl Cdp {
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::Text(msg.to_string()))
            .await
            .expect("send to Chromium");
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("Chromium did not answer {method}"))
                .expect("Chromium closed the connection")
                .expect("WebSocket frame");
            let Message::Text(text) = frame else { continue };
            let v: Value = serde_json::from_str(&text).expect("JSON from Chromium");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page (awaiting promises) and returns its value.
    async fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until the expression is true (a page loaded after a navigation or a submission).
    async fn wait_for(&mut self, expression: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let probe = format!("(() => {{ try {{ return document.readyState === 'complete' && !!({expression}); }} catch (e) {{ return false; }} }})()");
        while Instant::now() < deadline {
            let r = self
                .call(
                    "Runtime.evaluate",
                    json!({ "expression": probe, "returnByValue": true }),
                )
                .await;
            if r["result"]["value"] == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let body = self
            .eval("document.body ? document.body.innerText : ''")
            .await;
        panic!("timed out waiting for `{expression}`; page:\n{body}");
    }

    async fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).await;
        let path = url.split_once("//").map_or(url, |(_, rest)| rest);
        let path = path.find('/').map_or("/", |i| &path[i..]);
        let path = path.split('?').next().unwrap_or("/");
        self.wait_for(&format!("location.pathname === {}", json!(path)))
            .await;
    }

    async fn screenshot(&mut self, dir: &Path, name: &str) {
        let r = self
            .call(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().expect("screenshot data"))
            .expect("base64 PNG");
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }
}

fn line_value(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .map(|v| v.trim_start_matches([' ', ':']).trim().to_string())
        .unwrap_or_else(|| panic!("demo output without `{label}`:\n{}", lines.join("\n")))
}

fn wait_for_file(dir: &Path, suffix: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(path) = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(suffix))
        {
            return path;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no {suffix} file downloaded into {}", dir.display());
}

/// Installs Debian's chromium when missing and running as root.
fn ensure_chromium() {
    if Path::new(CHROMIUM).exists() {
        return;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root {
        for args in [
            &["update", "-qq"][..],
            &["install", "-y", "-qq", "chromium"][..],
        ] {
            let status = Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
            assert!(status.is_ok_and(|s| s.success()), "apt-get {args:?} failed");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_in_a_real_browser() {
    ensure_chromium();
    assert!(
        Path::new(CHROMIUM).exists(),
        "this test needs Debian's chromium at {CHROMIUM}: run scripts/test as root (it installs \
         it) or `apt-get install -y chromium`"
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshots dir");
    let scratch = tempfile::tempdir().expect("temp dir");

    // 1. The demo, on a free port, until it says it is ready.
    let port = free_port();
    let started = Instant::now();
    let mut demo = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["demo", "--port", &port.to_string()])
        .env_remove("GUICHET_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start guichet demo");
    let out = demo.stdout.take().expect("demo stdout");
    let demo = Guard(demo);
    let lines = read_until(out, |l| l.starts_with("Ctrl-C"), Duration::from_secs(120));
    assert!(
        lines.iter().any(|l| l.starts_with("Ctrl-C")),
        "the demo did not become ready:\n{}",
        lines.join("\n")
    );
    eprintln!("demo ready in {:?}", started.elapsed());
    let base = format!("http://127.0.0.1:{port}");
    let transparency = line_value(&lines, "Transparence");
    let survey = line_value(&lines, "Avis (exemple)");
    assert!(lines
        .iter()
        .any(|l| l.contains("mot de passe « demo-qualite »")));

    // 2. Headless Chromium with the DevTools protocol on a port it chooses.
    let profile = scratch.path().join("profile");
    let mut chromium = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-quic",
            "--disable-sync",
            "--window-size=1200,900",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let err = chromium.stderr.take().expect("chromium stderr");
    let _chromium = Guard(chromium);
    let lines = read_until(
        err,
        |l| l.contains("DevTools listening on"),
        Duration::from_secs(30),
    );
    let ws_url = lines
        .iter()
        .find_map(|l| l.split("DevTools listening on ").nth(1))
        .unwrap_or_else(|| panic!("Chromium did not open DevTools:\n{}", lines.join("\n")))
        .trim()
        .to_string();
    let (ws, _) = tokio_tungstenite::connect_async(ws_url.as_str())
        .await
        .expect("connect to Chromium");
    let mut cdp = Cdp {
        ws,
        next: 0,
        session: None,
    };
    let downloads = scratch.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads dir");
    cdp.call(
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": downloads.display().to_string() }),
    )
    .await;
    let target = cdp
        .call("Target.createTarget", json!({ "url": "about:blank" }))
        .await;
    let attached = cdp
        .call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        )
        .await;
    cdp.session = Some(
        attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string(),
    );
    cdp.call("Page.enable", json!({})).await;

    // 3. Log in through the form.
    cdp.goto(&format!("{base}/connexion")).await;
    cdp.wait_for("document.querySelector('#password')").await;
    assert_eq!(cdp.eval("document.documentElement.lang").await, json!("fr"));
    cdp.eval(
        "document.querySelector('#name').value = 'qualite'; \
         document.querySelector('#password').value = 'demo-qualite'; \
         document.querySelector('form button[type=submit]').click(); true",
    )
    .await;
    cdp.wait_for("location.pathname === '/indicateurs' && document.querySelector('h1')")
        .await;
    let charts = cdp
        .eval("document.querySelectorAll('main svg').length")
        .await;
    assert!(charts.as_u64().unwrap_or(0) >= 3, "charts: {charts}");
    let title = cdp.eval("document.querySelector('h1').innerText").await;
    assert_eq!(title, json!("Indicateurs Qualivilles"));
    cdp.screenshot(&shots, "dashboard.png").await;
    // On a phone: nothing wider than the screen (wide tables scroll inside their box).
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
    )
    .await;
    cdp.wait_for("document.documentElement.clientWidth === 390")
        .await;
    let overflow = cdp
        .eval("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await;
    assert_eq!(overflow, json!(0), "the page scrolls sideways on a phone");
    cdp.screenshot(&shots, "dashboard-phone.png").await;
    cdp.call("Emulation.clearDeviceMetricsOverride", json!({}))
        .await;

    // 4. Download the CSV of the channel view by clicking its link.
    cdp.eval("document.querySelector('a[href^=\"/indicateurs.csv?by=channel\"]').click(); true")
        .await;
    let csv = wait_for_file(&downloads, ".csv");
    let text = std::fs::read_to_string(&csv).expect("downloaded CSV");
    assert!(
        text.starts_with("channel,received,answered,within_engagement,"),
        "{text}"
    );
    assert!(text.lines().count() >= 3, "mail and chat lines: {text}");

    // 5. The public transparency page.
    cdp.goto(&transparency).await;
    cdp.wait_for("document.querySelector('table tbody tr th')")
        .await;
    let heading = cdp.eval("document.querySelector('h1').innerText").await;
    assert_eq!(heading, json!("Transparence : nos engagements de réponse"));
    // The chart of the last months, drawn inline, with its table.
    let chart = cdp
        .eval(
            "(() => { const s = document.querySelector('section[aria-labelledby=evolution]'); \
             return !!(s && s.querySelector('svg.chart rect') && s.querySelector('table tbody tr')); })()",
        )
        .await;
    assert_eq!(chart, json!(true), "the transparency chart and its table");
    cdp.screenshot(&shots, "transparency.png").await;

    // 6. A citizen answers the survey through the form.
    cdp.goto(&survey).await;
    cdp.wait_for("document.querySelector('#note-5')").await;
    cdp.eval(
        "document.querySelector('#note-5').click(); \
         document.querySelector('#comment').value = 'Réponse claire (test navigateur)'; \
         document.querySelector('form button[type=submit]').click(); true",
    )
    .await;
    cdp.wait_for("document.querySelector('#merci')").await;
    cdp.screenshot(&shots, "survey.png").await;
    cdp.goto(&survey).await;
    cdp.wait_for("document.querySelector('#deja')").await;

    // 7. The answer shows in the dashboard's satisfaction table.
    cdp.goto(&format!("{base}/indicateurs")).await;
    let table = cdp
        .eval("document.querySelector('table[aria-labelledby=satisfaction]').innerText")
        .await;
    assert!(table.as_str().is_some_and(|t| t.contains('5')), "{table}");

    // 8. A citizen writes through the contact form (after the minimum fill time).
    cdp.goto(&format!("{base}/contact")).await;
    cdp.wait_for("document.querySelector('#message')").await;
    cdp.eval(
        "document.querySelector('#nom').value = 'Léon Navigateur'; \
         document.querySelector('#courriel').value = 'leon.navigateur@example.org'; \
         document.querySelector('#message').value = 'Bonjour, quels sont les horaires de la piscine ?'; true",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(3200)).await;
    cdp.eval("document.querySelector('main form button[type=submit]').click(); true")
        .await;
    cdp.wait_for("document.querySelector('#reference')").await;
    let reference = cdp
        .eval("document.querySelector('#reference').innerText")
        .await;
    assert!(
        reference.as_str().is_some_and(|r| r.starts_with("VSGP-")),
        "{reference}"
    );
    cdp.screenshot(&shots, "contact.png").await;

    // 9. An agent approves an open inquiry from the console, with an edited text.
    cdp.goto(&format!("{base}/indicateurs")).await;
    cdp.wait_for("document.querySelector('header form button')")
        .await;
    cdp.eval("document.querySelector('header form button').click(); true")
        .await;
    cdp.wait_for("location.pathname === '/connexion' && document.querySelector('#password')")
        .await;
    cdp.eval(
        "document.querySelector('#name').value = 'agent'; \
         document.querySelector('#password').value = 'demo-agent'; \
         document.querySelector('main form button[type=submit]').click(); true",
    )
    .await;
    cdp.wait_for("location.pathname !== '/connexion'").await;
    cdp.goto(&format!("{base}/console")).await;
    cdp.wait_for("document.querySelector('main tbody th a')")
        .await;
    cdp.eval("document.querySelector('main tbody th a').click(); true")
        .await;
    cdp.wait_for("document.querySelector('#texte')").await;
    // The note for the agent and the history in words, as a person reads them.
    let seen = cdp
        .eval(
            "!!document.querySelector('#note-agent li') && \
             document.querySelector('main').innerText.includes('Reçu ')",
        )
        .await;
    assert_eq!(
        seen,
        json!(true),
        "the note for the agent and the history in words"
    );
    cdp.screenshot(&shots, "inquiry.png").await;
    cdp.eval(
        "document.querySelector('#texte').value = 'Bonjour,\\nvoici notre réponse (test navigateur).\\nCordialement'; \
         document.querySelector('#texte').form.querySelector('button').click(); true",
    )
    .await;
    cdp.wait_for("document.querySelector('#message') && document.querySelector('#etat')")
        .await;
    let state = cdp.eval("document.querySelector('#etat').innerText").await;
    assert!(
        state
            .as_str()
            .is_some_and(|s| s.contains("Approuvée") || s.contains("envoyée")),
        "{state}"
    );
    cdp.screenshot(&shots, "console.png").await;
    drop(demo);
}
