//! The web commands as a user runs them: `guichet user add` prints an entry the configuration
//! accepts, and `guichet web` serves the pages with that account.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn guichet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_guichet"));
    c.env_remove("GUICHET_CONFIG")
        .env_remove("GUICHET_WEB_SECRET")
        .env_remove("GUICHET_DATABASE_URL");
    c
}

fn user_add(
    config: &std::path::Path,
    name: &str,
    role: &str,
    password: &str,
) -> std::process::Output {
    let mut child = guichet()
        .arg("--config")
        .arg(config)
        .args(["user", "add", name, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run guichet user add");
    // A refused role exits before reading the password: a broken pipe is then expected.
    if let Err(e) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
    {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write password: {e}"
        );
    }
    child.wait_with_output().expect("wait")
}

async fn http_get(port: u16, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("response");
    out
}

#[tokio::test]
async fn user_add_then_guichet_web_serves_the_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("guichet.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"{}\"\n\n[web]\nlisten = \"127.0.0.1:1\"\n",
            dir.path().display()
        ),
    )
    .expect("config");
    let short = user_add(&config, "claire", "qualite", "court");
    assert!(!short.status.success(), "a short password is refused");
    let bad_role = user_add(&config, "claire", "maire", "un mot de passe assez long");
    assert!(!bad_role.status.success());
    let ok = user_add(&config, "claire", "qualite", "un mot de passe assez long");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let printed = String::from_utf8_lossy(&ok.stdout);
    assert!(
        printed.contains("[[web.users]]") && printed.contains("$argon2id$"),
        "{printed}"
    );
    let written = std::fs::read_to_string(&config).expect("config");
    let parsed: guichet::config::Config = toml::from_str(&written).expect("valid configuration");
    assert_eq!(parsed.web.users.len(), 1);
    assert_eq!(parsed.web.users[0].role, "qualite");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = guichet()
        .arg("--config")
        .arg(&config)
        .args(["web", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run guichet web");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = Kill(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "guichet web did not listen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = http_get(port, "/transparence").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Transparence : nos engagements de réponse"));
    let private = http_get(port, "/indicateurs").await;
    assert!(private.starts_with("HTTP/1.1 303"), "{private}");
    assert!(
        dir.path().join("web-secret").exists(),
        "the secret was generated into data_dir"
    );
}
