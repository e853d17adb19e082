//! Sending many messages: the outbox keeps one SMTP connection and one IMAP session (for Sent and
//! `\Answered`) and reuses them for every job, with several jobs in flight; when the servers drop
//! those connections they are reopened and nothing is lost or sent twice. Counted by a TCP relay
//! in front of the real aiosmtpd and Dovecot, on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::inquiry::{Channel, InquiryId};
use guichet::mail::imap::ImapSettings;
use guichet::mail::smtp::SmtpTransport;
use guichet::pipeline::{deliver_due, Delivered};
use guichet::store::{JobKind, MailMessage, NewJob, Payload};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::support::{append, mail, messages, Guichet, MailServers, CITIZEN, SHARED};
use crate::ledger::support::{classification, message, on_both_backends, TestDb};

/// A TCP relay to a real server on loopback: counts the connections made through it and can
/// cut every open one at once, as a restarting server does.
struct Relay {
    port: u16,
    accepted: Arc<AtomicUsize>,
    cut: watch::Sender<u64>,
}

impl Relay {
    async fn to(target: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let (cut, cut_rx) = watch::channel(0u64);
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let mut cut = cut_rx.clone();
                // Only a cut made after this connection was accepted closes it.
                cut.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", target)).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Relay {
            port,
            accepted,
            cut,
        }
    }

    fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn cut_all(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

/// `n` jobs of `n` inquiries, one reply in three (its original in the shared INBOX).
async fn jobs(db: &TestDb, servers: &MailServers, from: usize, n: usize) {
    let mut s = servers.session(SHARED).await;
    let at = Utc::now();
    let c = classification(
        guichet::inquiry::Kind::Piscine,
        None,
        guichet::inquiry::Topic::Horaires,
    );
    for i in from..from + n {
        let reply = i % 3 == 2;
        if reply {
            append(
                &mut s,
                "INBOX",
                &mail(i, CITIZEN, "Horaires", "Bonjour", ""),
                None,
            )
            .await;
        }
        let id = db
            .store
            .record_inquiry(&guichet::store::NewInquiry {
                channel: Channel::Mail,
                source_key: format!("sending:{i}"),
                received_at: at,
                message: &message("Horaires"),
                classification: &c,
                route: None,
            })
            .await
            .expect("record")
            .id;
        db.store
            .enqueue(&job(id, i, reply), at)
            .await
            .expect("enqueue");
    }
}

fn job(inquiry: InquiryId, i: usize, reply: bool) -> NewJob {
    let parent = format!("m{i}.{}@example.net", std::process::id());
    NewJob {
        inquiry,
        kind: if reply { JobKind::Reply } else { JobKind::Ack },
        message_id: format!(
            "<s{i}.{}@valleesud.example>",
            if reply { "reply" } else { "ack" }
        ),
        recipient: Some(CITIZEN.into()),
        payload: Payload::Mail(MailMessage {
            holding: false,
            to: CITIZEN.into(),
            to_name: None,
            from: SHARED.into(),
            subject: format!("Re: Horaires {i}"),
            text: "Bonjour,\n\nLa piscine ouvre à 9 h.\n\nCordialement".into(),
            html: None,
            in_reply_to: Some(parent.clone()),
            references: vec![parent],
            auto_submitted: (!reply).then(|| "auto-replied".into()),
            lang: None,
        }),
    }
}

/// The mail channel's transport, through the relays.
async fn transport(servers: &MailServers, smtp: &Relay, imap: &Relay) -> SmtpTransport {
    let mut config = Guichet::new(servers).config;
    config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{}", smtp.port));
    config.mail.imap_url = Some(format!(
        "imap://accueil%40example.test@127.0.0.1:{}/INBOX",
        imap.port
    ));
    let settings = ImapSettings::from_config(&config.mail).expect("settings");
    SmtpTransport::from_config(&config.mail, Some(settings))
        .await
        .expect("transport")
}

/// Passes until nothing is left due at `at`.
async fn drain(db: &TestDb, t: &SmtpTransport, at: chrono::DateTime<Utc>) -> Delivered {
    let mut total = Delivered::default();
    loop {
        let pass = deliver_due(&db.store, t, at).await.expect("pass");
        if pass.is_empty() {
            return total;
        }
        total.sent += pass.sent;
        total.retried += pass.retried;
        total.failed += pass.failed;
        total.copied += pass.copied;
    }
}

/// Message-ID → how many times, in a folder of a user.
async fn ids(servers: &MailServers, user: &str, folder: &str) -> (HashMap<String, usize>, usize) {
    let mut s = servers.session(user).await;
    let all = messages(&mut s, folder).await;
    let answered = all
        .iter()
        .filter(|(flags, _)| flags.iter().any(|f| f.contains("Answered")))
        .count();
    let mut ids = HashMap::new();
    for (_, raw) in all {
        let text = String::from_utf8_lossy(&raw).to_string();
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_string();
        if let Some(l) = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        {
            *ids.entry(l[11..].trim().to_string()).or_insert(0) += 1;
        }
    }
    (ids, answered)
}

async fn assert_each_once(servers: &MailServers, n: usize) {
    let (received, _) = ids(servers, CITIZEN, "INBOX").await;
    let (filed, _) = ids(servers, SHARED, "Sent").await;
    let (_, answered) = ids(servers, SHARED, "INBOX").await;
    assert_eq!(received.len(), n, "{received:?}");
    assert!(received.values().all(|c| *c == 1), "{received:?}");
    assert_eq!(filed.len(), n, "{filed:?}");
    assert!(filed.values().all(|c| *c == 1), "{filed:?}");
    assert_eq!(answered, (0..n).filter(|i| i % 3 == 2).count());
}

async fn forty_messages_leave_over_one_smtp_connection_and_one_imap_session(db: &TestDb) {
    let servers = MailServers::start();
    let (smtp, imap) = (
        Relay::to(servers.smtp_port).await,
        Relay::to(servers.imap_port).await,
    );
    jobs(db, &servers, 0, 40).await;
    let t = transport(&servers, &smtp, &imap).await;
    let done = drain(db, &t, Utc::now()).await;
    assert_eq!((done.sent, done.copied, done.retried), (40, 40, 0));
    assert_eq!(smtp.connections(), 1, "one SMTP connection for 40 messages");
    assert_eq!(imap.connections(), 1, "one IMAP session for 40 copies");
    assert_each_once(&servers, 40).await;
}

async fn connections_the_servers_drop_are_reopened_and_nothing_is_sent_twice(db: &TestDb) {
    let servers = MailServers::start();
    let (smtp, imap) = (
        Relay::to(servers.smtp_port).await,
        Relay::to(servers.imap_port).await,
    );
    jobs(db, &servers, 0, 10).await;
    let t = transport(&servers, &smtp, &imap).await;
    let first = drain(db, &t, Utc::now()).await;
    assert_eq!((first.sent, first.copied), (10, 10));
    smtp.cut_all();
    imap.cut_all();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    jobs(db, &servers, 10, 10).await;
    let second = drain(db, &t, Utc::now() + Duration::seconds(1)).await;
    assert_eq!(
        (second.sent, second.copied, second.retried),
        (10, 10, 0),
        "the dropped connections were reopened at once"
    );
    assert_eq!((smtp.connections(), imap.connections()), (2, 2));
    assert_each_once(&servers, 20).await;
}

on_both_backends!(
    forty_messages_leave_over_one_smtp_connection_and_one_imap_session,
    connections_the_servers_drop_are_reopened_and_nothing_is_sent_twice
);
