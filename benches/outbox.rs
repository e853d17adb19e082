//! Outbox throughput against the real Dovecot and SMTP receiver (aiosmtpd) the mail tests start
//! on loopback: N acknowledgements and replies (one in five, whose originals wait in the shared
//! INBOX to be flagged `\Answered`) delivered by `deliver_due` through `SmtpTransport` with their
//! Sent copies filed, on a SQLite ledger — next to two baselines measured in the same run: raw
//! lettre sending the same messages over one connection with TCP_NODELAY, and raw IMAP APPEND of
//! the same messages over one session. Then every message is checked to have arrived once and
//! been filed once.
//!
//! Run: `cargo bench --bench outbox` (`GUICHET_BENCH_OUTBOX=N` to size it, default 1,000; needs
//! dovecot-imapd and python3-aiosmtpd, and root or a `vmail` user, like the mail tests).

#[allow(dead_code)]
#[path = "../tests/it/mail/support.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::TryStreamExt;
use guichet::inquiry::{Address, Channel, Classification, InquiryId, Kind, Lang, Message, Topic};
use guichet::mail::imap::ImapSettings;
use guichet::mail::smtp::{build_message, SmtpTransport};
use guichet::pipeline::{deliver_due, Delivered};
use guichet::store::{Job, JobKind, MailMessage, NewInquiry, NewJob, Payload, Store};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use support::{append, Guichet, MailServers, CITIZEN, SHARED};

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// The job of message `i`: a reply for one in five (to an original in the shared INBOX), an
/// acknowledgement otherwise.
fn new_job(i: usize, inquiry: InquiryId, tag: &str) -> NewJob {
    let reply = i % 5 == 4;
    let (kind, suffix) = if reply {
        (JobKind::Reply, "reply")
    } else {
        (JobKind::Ack, "ack")
    };
    NewJob {
        inquiry,
        kind,
        message_id: format!("<{tag}{i}.{suffix}@valleesud.example>"),
        recipient: Some(CITIZEN.to_string()),
        payload: Payload::Mail(MailMessage {
            holding: false,
            to: CITIZEN.to_string(),
            to_name: Some(format!("Personne {i}")),
            from: SHARED.to_string(),
            subject: format!("Re: Horaires de la piscine {i}"),
            text: format!(
                "Bonjour,\n\nNous avons bien reçu votre message du 2 novembre et vous répondrons \
                 sous 5 jours ouvrés.\n\nRéférence : VSGP-{i}\n\nCordialement,\nL'accueil"
            ),
            html: None,
            in_reply_to: Some(original_id(i)),
            references: vec![original_id(i)],
            auto_submitted: (!reply).then(|| "auto-replied".to_string()),
            lang: Some(Lang::Fr),
        }),
    }
}

fn original_id(i: usize) -> String {
    format!("orig{i}.{}@example.net", std::process::id())
}

fn original(i: usize) -> Vec<u8> {
    format!(
        "From: Personne {i} <{CITIZEN}>\r\nTo: {SHARED}\r\nSubject: Horaires de la piscine {i}\r\n\
         Message-ID: <{}>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\nBonjour ({i})\r\n",
        original_id(i)
    )
    .into_bytes()
}

/// A job as a worker would hold it (for the baselines, which never touch the ledger).
fn job_of(id: i64, new: NewJob) -> Job {
    Job {
        id,
        inquiry: new.inquiry,
        kind: new.kind,
        message_id: new.message_id,
        recipient: new.recipient,
        payload: new.payload,
        attempts: 1,
        in_flight_at: Some(Utc::now()),
        claim: String::new(),
        copy_attempts: 0,
        created_at: Utc::now(),
    }
}

/// How many times each Message-ID is in a maildir.
fn maildir_ids(maildir: &Path) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read(entry.path()).unwrap_or_default();
            let text = String::from_utf8_lossy(&raw);
            let head = text.split("\r\n\r\n").next().unwrap_or_default();
            if let Some(l) = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            {
                *ids.entry(l[11..].trim().to_string()).or_insert(0) += 1;
            }
        }
    }
    ids
}

/// How many times each Message-ID is in an IMAP folder, and how many messages are `\Answered`.
async fn folder_ids(servers: &MailServers, folder: &str) -> (HashMap<String, usize>, usize) {
    let mut s = servers.session(SHARED).await;
    let mailbox = s.examine(folder).await.expect("examine");
    let mut ids = HashMap::new();
    let mut answered = 0;
    if mailbox.exists == 0 {
        return (ids, 0);
    }
    let fetched: Vec<_> = s
        .fetch("1:*", "(FLAGS BODY.PEEK[])")
        .await
        .expect("fetch")
        .try_collect()
        .await
        .expect("fetch stream");
    for f in &fetched {
        if f.flags()
            .any(|fl| matches!(fl, async_imap::types::Flag::Answered))
        {
            answered += 1;
        }
        let raw = String::from_utf8_lossy(f.body().unwrap_or_default()).to_string();
        let head = raw.split("\r\n\r\n").next().unwrap_or_default();
        if let Some(l) = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        {
            *ids.entry(l[11..].trim().to_string()).or_insert(0) += 1;
        }
    }
    (ids, answered)
}

/// Baseline: the same messages over one lettre connection with TCP_NODELAY, nothing else.
async fn raw_smtp(port: u16, jobs: &[Job]) -> Duration {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &ClientId::default())
        .await
        .expect("ehlo");
    let start = Instant::now();
    for job in jobs {
        let message = build_message(job).expect("message");
        conn.send(message.envelope(), &message.formatted())
            .await
            .expect("send");
    }
    let took = start.elapsed();
    let _ = conn.quit().await;
    took
}

/// Baseline: the same messages APPENDed over one IMAP session, nothing else.
async fn raw_append(settings: &ImapSettings, jobs: &[Job]) -> Duration {
    let mut s = guichet::mail::imap::connect(settings).await.expect("login");
    s.create("Baseline").await.expect("create");
    let start = Instant::now();
    for job in jobs {
        let raw = build_message(job).expect("message").formatted();
        s.append("Baseline", Some("(\\Seen)"), None, &raw)
            .await
            .expect("append");
    }
    let took = start.elapsed();
    let _ = s.logout().await;
    took
}

async fn fill(store: &Store, n: usize) {
    let at = Utc::now();
    let c = Classification {
        kind: Kind::Piscine,
        facility: None,
        topic: Topic::Horaires,
        automatic: false,
        automatic_reason: None,
        lang: Lang::Fr,
        rules: vec!["bench".to_string()],
        template: None,
        requests: Vec::new(),
    };
    for i in 0..n {
        let m = Message {
            from: Some(Address {
                name: Some(format!("Personne {i}")),
                email: CITIZEN.to_string(),
            }),
            subject: format!("Horaires de la piscine {i}"),
            body: "Bonjour, quels sont les horaires ?".to_string(),
            message_id: Some(original_id(i)),
            ..Message::default()
        };
        let recorded = store
            .record_inquiry(&NewInquiry {
                channel: Channel::Mail,
                source_key: format!("bench:{i}"),
                received_at: at,
                message: &m,
                classification: &c,
                route: None,
            })
            .await
            .expect("record inquiry");
        store
            .enqueue(&new_job(i, recorded.id, "bench"), at)
            .await
            .expect("enqueue");
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("GUICHET_BENCH_OUTBOX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let replies = (0..n).filter(|i| i % 5 == 4).count();
    let servers = MailServers::start();
    let maildir = servers
        .dir
        .path()
        .join("mail")
        .join(CITIZEN)
        .join("Maildir");
    let mut s = servers.session(SHARED).await;
    for i in (0..n).filter(|i| i % 5 == 4) {
        append(&mut s, "INBOX", &original(i), None).await;
    }
    let _ = s.logout().await;

    // Baselines first, on messages of their own (other Message-IDs).
    let baseline: Vec<Job> = (0..n)
        .map(|i| job_of(i as i64 + 1, new_job(i, InquiryId(i as i64 + 1), "base")))
        .collect();
    let smtp = raw_smtp(servers.smtp_port, &baseline).await;
    let imap = raw_append(&servers.settings(SHARED), &baseline).await;
    let (smtp_rate, imap_rate) = (rate(n, smtp), rate(n, imap));
    // Sending then filing one message after the other, with nothing else in between.
    let serial = 1.0 / (1.0 / smtp_rate + 1.0 / imap_rate);

    let g = Guichet::new(&servers);
    let store = Store::open(&g.config.database_url()).await.expect("store");
    fill(&store, n).await;
    let settings = ImapSettings::from_config(&g.config.mail).expect("settings");
    let transport = SmtpTransport::from_config(&g.config.mail, Some(settings))
        .await
        .expect("transport");
    let start = Instant::now();
    let mut done = Delivered::default();
    while done.sent < n || done.copied < n {
        let pass = deliver_due(&store, &transport, Utc::now())
            .await
            .expect("pass");
        assert!(
            pass.retried + pass.failed == 0,
            "a delivery failed: {pass:?}"
        );
        if pass.is_empty() {
            // Copies may be due a moment after their send.
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "stuck: {done:?}"
            );
        }
        done.sent += pass.sent;
        done.copied += pass.copied;
    }
    let outbox = start.elapsed();
    let outbox_rate = rate(n, outbox);

    // Each message once: received once, filed once, each reply's original flagged.
    let received = maildir_ids(&maildir);
    let (sent, _) = folder_ids(&servers, "Sent").await;
    let (_, answered) = folder_ids(&servers, "INBOX").await;
    for i in 0..n {
        let id = new_job(i, InquiryId(0), "bench").message_id;
        assert_eq!(received.get(&id), Some(&1), "{id} received once");
        assert_eq!(sent.get(&id), Some(&1), "{id} filed once in Sent");
    }
    assert_eq!(sent.len(), n, "nothing else in Sent");
    assert_eq!(answered, replies, "every original answered");

    println!("outbox: {n} messages ({replies} replies), loopback Dovecot (maildir) + aiosmtpd, SQLite ledger");
    println!(
        "raw lettre send, 1 connection, TCP_NODELAY  {:>7.0} msg/s  ({:.2} s)",
        smtp_rate,
        smtp.as_secs_f64()
    );
    println!(
        "raw IMAP APPEND, 1 session                  {:>7.0} msg/s  ({:.2} s)",
        imap_rate,
        imap.as_secs_f64()
    );
    println!("send then APPEND, one after the other       {serial:>7.0} msg/s  (computed)");
    println!(
        "guichet outbox (send + Sent copy + ledger)  {:>7.0} msg/s  ({:.2} s; {:.2}× raw send, \
         {:.2}× raw APPEND, {:.2}× send-then-APPEND)",
        outbox_rate,
        outbox.as_secs_f64(),
        outbox_rate / smtp_rate,
        outbox_rate / imap_rate,
        outbox_rate / serial
    );
    store.close().await;
}
