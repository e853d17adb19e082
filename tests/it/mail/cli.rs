//! The commands: `guichet sync --once` configured only by environment variables, and `guichet
//! serve` stopping cleanly on SIGTERM; the password never shows in their output.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::support::{append, mail, messages, MailServers, CITIZEN, PASSWORD, SHARED};

fn guichet(servers: &MailServers, data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GUICHET_DATA_DIR", data)
        .env("GUICHET_FROM", SHARED)
        .env(
            "GUICHET_IMAP_URL",
            format!(
                "imap://accueil%40example.test@127.0.0.1:{}/INBOX",
                servers.imap_port
            ),
        )
        .env("GUICHET_IMAP_PASSWORD", PASSWORD)
        .env(
            "GUICHET_SMTP_URL",
            format!("smtp://127.0.0.1:{}", servers.smtp_port),
        )
        .env("RUST_LOG", "debug")
        .env("GUICHET_LOG", "debug");
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_from_the_environment_takes_in_and_acknowledges() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Tarifs piscine",
            "Bonjour, les tarifs de la piscine ?",
            "",
        ),
        None,
    )
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = guichet(&servers, data.path())
        .args(["sync", "--once"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 new") && stdout.contains("sent: 1"),
        "{stdout}"
    );
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    let mut c = servers.session(CITIZEN).await;
    assert_eq!(messages(&mut c, "INBOX").await.len(), 1);
    let help = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["serve", "--help"])
        .env("GUICHET_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_mail_in_and_stops_cleanly_on_sigterm() {
    let servers = MailServers::start();
    let data = tempfile::tempdir().unwrap();
    let mut child = guichet(&servers, data.path())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained as it comes, as journald would: at debug level the log fills a pipe's buffer in
    // seconds, and a process whose stderr is full blocks on its next log line.
    let mut pipe = child.stderr.take().expect("piped stderr");
    let drain = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut pipe, &mut text).map(|_| text)
    });
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Horaires",
            "Bonjour, horaires de la médiathèque ?",
            "",
        ),
        None,
    )
    .await;
    let mut c = servers.session(CITIZEN).await;
    let start = Instant::now();
    while messages(&mut c, "INBOX").await.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no acknowledgement from serve"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(35),
            "serve did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stderr = drain.join().expect("drain thread").expect("stderr is text");
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(!stderr.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_refuses_clearly_while_another_instance_takes_mail_in_from_the_mailbox() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(1, CITIZEN, "Horaires", "Bonjour, horaires ?", ""),
        None,
    )
    .await;
    let g = super::support::Guichet::new(&servers);
    let channel = g.channel().await;
    let store = &channel.intake.pipeline.store;
    // What a running `guichet serve` holds while it takes this mailbox in.
    let name = guichet::service::intake_lock(&channel.intake.imap);
    let held = store.try_lock(&name).await.expect("ask").expect("free");
    let err = guichet::service::sync_once(&channel)
        .await
        .expect_err("the intake lock is held");
    let text = err.to_string();
    assert!(
        text.contains("another instance is taking mail in") && text.contains(&name),
        "{text}"
    );
    assert_eq!(
        store.count_facts().await.expect("count"),
        0,
        "nothing taken in"
    );
    held.release().await;
    let r = guichet::service::sync_once(&channel)
        .await
        .expect("free again");
    assert_eq!(r.intake.created, 1);
}
