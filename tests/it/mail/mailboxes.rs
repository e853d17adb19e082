//! Several mailboxes into one pipeline and ledger, against the real Dovecot: three mailboxes on
//! two accounts (the shared INBOX, a media libraries' folder of the same account, and the pool's
//! own account), each with its cursor, its source keys and its default facility; a mail sent to
//! two of them is one inquiry; a mailbox whose connection is killed reconnects while the others
//! keep taking mail in.

use std::time::Duration;

use guichet::config::{Config, MailboxConfig, Secret};
use guichet::inquiry::InquiryId;
use guichet::mail::imap::{run_idle, MailboxState};
use guichet::pipeline::{Knowledge, Pipeline};
use guichet::service::{sync_once, MailChannel};
use guichet::store::Store;

use super::support::{append, eventually, mail, MailServers, PASSWORD, POOL, SHARED};
use crate::ledger::support::{on_both_backends, TestDb};

const MEDIA_FOLDER: &str = "Mediatheques";

fn entry(servers: &MailServers, name: &str, user: &str, folder: &str) -> MailboxConfig {
    MailboxConfig {
        name: name.to_string(),
        url: format!(
            "imap://{}@127.0.0.1:{}/{folder}",
            user.replace('@', "%40"),
            servers.imap_port
        ),
        password: Some(Secret::new(PASSWORD)),
        ..MailboxConfig::default()
    }
}

/// accueil (shared INBOX, no default), mediatheques (shared folder), piscine (the pool's account).
fn config(servers: &MailServers, db: &TestDb) -> Config {
    let mut config = servers.config(std::path::Path::new("/nonexistent"));
    config.database_url = Some(db.url.clone());
    config.mail.imap_url = None;
    config.mail.imap_password = None;
    let mut media = entry(servers, "mediatheques", SHARED, MEDIA_FOLDER);
    media.facility = Some("mediatheque-la-buanderie".to_string());
    let mut pool = entry(servers, "piscine", POOL, "INBOX");
    pool.facility = Some("piscine-clamart".to_string());
    pool.own_addresses = vec![POOL.to_string()];
    config.mail.mailbox = vec![entry(servers, "accueil", SHARED, "INBOX"), media, pool];
    config
}

async fn channel(config: &Config, db: &TestDb) -> MailChannel {
    let knowledge = Knowledge::load(config).expect("knowledge");
    let store = Store::open(&db.url).await.expect("store");
    let _ = &db.store;
    MailChannel::from_config(config, Pipeline::new(store, knowledge))
        .await
        .expect("mail channel")
}

/// The inquiry taken in from UID `uid` of mailbox `name`.
async fn inquiry_of(store: &Store, name: &str, uid: u32) -> Option<InquiryId> {
    let cursor = store.mail_cursor(name).await.expect("cursor")?;
    store
        .inquiry_by_source(&format!("imap:{name}:{}:{uid}", cursor.uidvalidity))
        .await
        .expect("by source")
}

async fn facility(store: &Store, id: InquiryId) -> Option<String> {
    let summary = store.summary(id).await.expect("summary");
    summary
        .classification
        .facility
        .map(|f| f.as_str().to_string())
}

const VAGUE: &str = "Bonjour, quels sont vos horaires cette semaine ? Merci.";

async fn three_mailboxes_on_two_accounts_take_each_mail_once_with_their_own_cursor_and_default_facility(
    db: &TestDb,
) {
    let servers = MailServers::start();
    let mut shared = servers.session(SHARED).await;
    shared.create(MEDIA_FOLDER).await.expect("create folder");
    let mut pool = servers.session(POOL).await;
    let vague = |n: usize, from: &str| mail(n, from, "Une question", VAGUE, "");
    append(&mut shared, "INBOX", &vague(1, "a@example.net"), None).await;
    append(&mut shared, MEDIA_FOLDER, &vague(2, "b@example.net"), None).await;
    // Naming another place: the mailbox's facility is a hint, not a verdict.
    let named = mail(
        3,
        "c@example.net",
        "Piscine",
        "Bonjour, quels sont les horaires de la piscine de Clamart ?",
        "",
    );
    append(&mut shared, MEDIA_FOLDER, &named, None).await;
    append(&mut pool, "INBOX", &vague(4, "d@example.net"), None).await;
    // One mail sent to two of our addresses lands in two mailboxes: one inquiry.
    let both = vague(5, "e@example.net");
    append(&mut shared, "INBOX", &both, None).await;
    append(&mut pool, "INBOX", &both, None).await;

    let config = config(&servers, db);
    let channel = channel(&config, db).await;
    assert_eq!(channel.intakes().count(), 3);
    let report = sync_once(&channel).await.expect("sync");
    assert_eq!(report.intake.fetched, 6, "{report:?}");
    assert_eq!(report.intake.created, 5, "{report:?}");
    assert_eq!(report.intake.duplicates, 1, "{report:?}");
    let again = sync_once(&channel).await.expect("sync again");
    assert_eq!(again.intake.fetched, 0, "each cursor stands after its mail");

    let store = &channel.intake.pipeline.store;
    for (name, last) in [("accueil", 2), ("mediatheques", 2), ("piscine", 2)] {
        let c = store.mail_cursor(name).await.expect("cursor").expect(name);
        assert_eq!(c.last_uid, last, "cursor of {name}");
    }
    assert_eq!(store.count_sources("imap:accueil:").await.expect("n"), 2);
    assert_eq!(
        store.count_sources("imap:mediatheques:").await.expect("n"),
        2
    );
    assert_eq!(store.count_sources("imap:piscine:").await.expect("n"), 1);

    let id = |name, uid| inquiry_of(store, name, uid);
    let accueil = id("accueil", 1).await.expect("accueil 1");
    assert_eq!(facility(store, accueil).await, None, "no default: none");
    let media = id("mediatheques", 1).await.expect("media 1");
    assert_eq!(
        facility(store, media).await.as_deref(),
        Some("mediatheque-la-buanderie")
    );
    let named = id("mediatheques", 2).await.expect("media 2");
    assert_ne!(
        facility(store, named).await.as_deref(),
        Some("mediatheque-la-buanderie"),
        "the place the mail names wins over the mailbox's"
    );
    let pool_mail = id("piscine", 1).await.expect("pool 1");
    assert_eq!(
        facility(store, pool_mail).await.as_deref(),
        Some("piscine-clamart")
    );
    assert!(id("piscine", 2).await.is_none(), "the copy is a duplicate");
}

async fn a_killed_connection_of_one_mailbox_leaves_the_others_taking_mail_in(db: &TestDb) {
    let servers = MailServers::start();
    let mut shared = servers.session(SHARED).await;
    shared.create(MEDIA_FOLDER).await.expect("create folder");
    let mut pool = servers.session(POOL).await;
    let config = config(&servers, db);
    let channel = channel(&config, db).await;
    let health = channel.intake.pipeline.mailboxes.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for intake in channel.intakes() {
        let intake = intake.clone();
        let rx = stop_rx.clone();
        tasks.push(tokio::spawn(async move {
            run_idle(&intake, Duration::from_secs(60), rx).await
        }));
    }
    let store = channel.intake.pipeline.store.clone();
    let idle = |name: &'static str| {
        let health = health.clone();
        move || {
            let health = health.clone();
            async move {
                health
                    .snapshot()
                    .iter()
                    .any(|(n, s)| n == name && s.state == MailboxState::Idle)
            }
        }
    };
    for name in ["accueil", "mediatheques", "piscine"] {
        assert!(
            eventually(Duration::from_secs(20), idle(name)).await,
            "{name} idle"
        );
    }

    let out = servers.doveadm(&["kick", POOL]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    append(
        &mut shared,
        "INBOX",
        &mail(11, "a@example.net", "Q", VAGUE, ""),
        None,
    )
    .await;
    append(
        &mut shared,
        MEDIA_FOLDER,
        &mail(12, "b@example.net", "Q", VAGUE, ""),
        None,
    )
    .await;
    let others = eventually(Duration::from_secs(20), || async {
        store.count_sources("imap:accueil:").await.unwrap_or(0) == 1
            && store.count_sources("imap:mediatheques:").await.unwrap_or(0) == 1
    })
    .await;
    assert!(others, "the other mailboxes kept taking mail in");
    let mut pool = match pool.noop().await {
        Ok(()) => pool,
        Err(_) => servers.session(POOL).await,
    };
    append(
        &mut pool,
        "INBOX",
        &mail(13, "d@example.net", "Q", VAGUE, ""),
        None,
    )
    .await;
    let back = eventually(Duration::from_secs(30), || async {
        store.count_sources("imap:piscine:").await.unwrap_or(0) == 1
    })
    .await;
    assert!(back, "the kicked mailbox reconnected and caught up");
    let snapshot = health.snapshot();
    let failures = |name: &str| {
        snapshot
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, s)| s.failures)
    };
    assert!(failures("piscine") >= 1, "{snapshot:?}");
    assert_eq!(failures("accueil"), 0, "{snapshot:?}");
    assert_eq!(failures("mediatheques"), 0, "{snapshot:?}");
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
    }
}

on_both_backends!(
    three_mailboxes_on_two_accounts_take_each_mail_once_with_their_own_cursor_and_default_facility,
    a_killed_connection_of_one_mailbox_leaves_the_others_taking_mail_in,
);
