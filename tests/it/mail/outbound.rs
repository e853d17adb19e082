//! Outbound: the acknowledgement the citizen receives, the acknowledgement rules (automatic mail,
//! our own address, per-sender cap), the approved reply (threaded, once, copy in Sent, original
//! `\Answered`), and the SMTP receiver down then up.

use chrono::{Duration, Utc};
use guichet::inquiry::InquiryId;
use guichet::pipeline::deliver_due;
use guichet::service::sync_once;

use super::support::{append, mail, messages, Guichet, MailServers, CITIZEN, SHARED};

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let head = raw.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_citizen_receives_one_acknowledgement_with_the_right_headers() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Horaires piscine Clamart",
            "Bonjour, quels sont les horaires de la piscine du Petit-Clamart ?",
            "",
        ),
        None,
    )
    .await;
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!(r.delivered.sent, 1, "{r:?}");
    sync_once(&channel).await.unwrap();
    let mut c = servers.session(CITIZEN).await;
    let inbox = messages(&mut c, "INBOX").await;
    assert_eq!(inbox.len(), 1, "received exactly once");
    let raw = String::from_utf8_lossy(&inbox[0].1).to_string();
    let original = format!("<m1.{}@example.net>", std::process::id());
    assert_eq!(header(&raw, "Auto-Submitted"), Some("auto-replied"));
    assert_eq!(header(&raw, "In-Reply-To"), Some(original.as_str()));
    assert!(header(&raw, "References").unwrap_or("").contains(&original));
    let id = header(&raw, "Message-ID").unwrap_or("");
    assert!(
        id.starts_with("<VSGP-") && id.ends_with(".ack@example.test>"),
        "{id}"
    );
    assert!(header(&raw, "Content-Type")
        .unwrap_or("")
        .contains("multipart/alternative"));
    assert!(raw.contains("text/html") && raw.contains("charset=utf-8"));
    assert!(header(&raw, "Subject").unwrap_or("").contains("=?utf-8?") || raw.contains("VSGP-"));
    let sent = messages(&mut s, "Sent").await;
    assert_eq!(sent.len(), 1, "a copy in Sent");
    assert!(String::from_utf8_lossy(&sent[0].1).contains(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_mail_our_own_address_and_the_daily_cap_get_no_acknowledgement() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    for name in [
        "26-auto-out-of-office.eml",
        "27-auto-newsletter.eml",
        "28-auto-bounce-mailer-daemon.eml",
    ] {
        let raw = std::fs::read(format!(
            "{}/examples/mail/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        append(&mut s, "INBOX", &raw, None).await;
    }
    append(
        &mut s,
        "INBOX",
        &mail(
            50,
            SHARED,
            "Test interne",
            "Bonjour, test de notre propre adresse.",
            "",
        ),
        None,
    )
    .await;
    for i in 0..7 {
        append(
            &mut s,
            "INBOX",
            &mail(
                i,
                CITIZEN,
                &format!("Question {i}"),
                "Bonjour, quels tarifs pour la médiathèque ?",
                "",
            ),
            None,
        )
        .await;
    }
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!(r.intake.created, 11, "{r:?}");
    let mut c = servers.session(CITIZEN).await;
    let inbox = messages(&mut c, "INBOX").await;
    // Everything the SMTP receiver accepts lands here: only the capped five acknowledgements.
    assert_eq!(
        inbox.len(),
        5,
        "per-sender cap of 5, nothing for automatic mail or ourselves"
    );
    for (_, raw) in &inbox {
        let raw = String::from_utf8_lossy(raw);
        assert!(header(&raw, "To").unwrap_or("").contains(CITIZEN));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_reply_is_received_once_threaded_with_a_copy_in_sent_and_the_original_answered()
{
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Tarifs conservatoire",
            "Bonjour, quels sont les tarifs du conservatoire ?",
            "",
        ),
        None,
    )
    .await;
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    sync_once(&channel).await.unwrap();
    let pipeline = &channel.intake.pipeline;
    let decision = pipeline
        .approve(
            InquiryId(1),
            &"agent-test".into(),
            Some("Bonjour,\n\nLes tarifs sont en ligne.\n\nCordialement"),
            Utc::now(),
        )
        .await
        .expect("approve");
    assert_eq!(decision, guichet::inquiry::Outcome::Done);
    let r = sync_once(&channel).await.unwrap();
    assert_eq!(r.delivered.sent, 1, "{r:?}");
    sync_once(&channel).await.unwrap();
    let mut c = servers.session(CITIZEN).await;
    let inbox = messages(&mut c, "INBOX").await;
    assert_eq!(inbox.len(), 2, "acknowledgement + reply, each once");
    let original = format!("<m1.{}@example.net>", std::process::id());
    let reply = inbox
        .iter()
        .map(|(_, r)| String::from_utf8_lossy(r).to_string())
        .find(|r| header(r, "Message-ID").unwrap_or("").contains(".reply1@"))
        .expect("the reply");
    assert_eq!(header(&reply, "In-Reply-To"), Some(original.as_str()));
    assert!(header(&reply, "Auto-Submitted").is_none());
    assert!(reply.contains("Les tarifs sont en ligne"));
    assert_eq!(messages(&mut s, "Sent").await.len(), 2);
    let shared = messages(&mut s, "INBOX").await;
    assert!(
        shared[0].0.iter().any(|f| f.contains("Answered")),
        "{:?}",
        shared[0].0
    );
    let status = pipeline.store.summary(InquiryId(1)).await.unwrap();
    assert_eq!(status.status.as_str(), "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_then_up_loses_nothing_and_sends_nothing_twice() {
    let mut servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Objet perdu",
            "Bonjour, j'ai perdu mon bonnet à la piscine.",
            "",
        ),
        None,
    )
    .await;
    servers.stop_smtp();
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!((r.delivered.sent, r.delivered.retried), (0, 1), "{r:?}");
    servers.start_smtp();
    let store = &channel.intake.pipeline.store;
    let later = Utc::now() + Duration::hours(1);
    let done = deliver_due(store, &channel.transport, later).await.unwrap();
    assert_eq!(done.sent, 1);
    // A crash right after the send (before the job was marked done) is simulated by putting the
    // job back: the retry finds its Message-ID in Sent and completes without sending.
    let pool = sqlx::SqlitePool::connect(&g.config.database_url())
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET status = 'pending', next_attempt_at = 0")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let again = deliver_due(store, &channel.transport, later).await.unwrap();
    assert_eq!(again.sent, 1, "completed from the Sent copy");
    let mut c = servers.session(CITIZEN).await;
    assert_eq!(
        messages(&mut c, "INBOX").await.len(),
        1,
        "received exactly once"
    );
}
