//! The running service: IDLE delivers new mail promptly, survives Dovecot being killed and
//! restarted, and stops cleanly on its shutdown signal.

use std::time::{Duration, Instant};

use guichet::service::serve;

use super::support::{append, eventually, mail, Guichet, MailServers, CITIZEN, SHARED};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_takes_new_mail_in_promptly_and_survives_a_dovecot_restart() {
    let mut servers = MailServers::start();
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let store = channel.intake.pipeline.store.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = tokio::spawn(serve(channel, async {
        let _ = stopped.await;
    }));
    // Let it connect and enter IDLE.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut s = servers.session(SHARED).await;
    let start = Instant::now();
    append(
        &mut s,
        "INBOX",
        &mail(1, CITIZEN, "Horaires", "Bonjour, horaires du théâtre ?", ""),
        None,
    )
    .await;
    let arrived = eventually(Duration::from_secs(5), || async {
        store.count_sources("imap:").await.unwrap() == 1
    })
    .await;
    assert!(arrived, "not taken in within 5 s");
    let latency = start.elapsed();
    assert!(latency < Duration::from_secs(3), "IDLE latency {latency:?}");
    drop(s);

    servers.kill_dovecot();
    tokio::time::sleep(Duration::from_millis(300)).await;
    servers.start_dovecot();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(2, CITIZEN, "Tarifs", "Bonjour, tarifs du théâtre ?", ""),
        None,
    )
    .await;
    let caught_up = eventually(Duration::from_secs(20), || async {
        store.count_sources("imap:").await.unwrap() == 2
    })
    .await;
    assert!(caught_up, "mail sent while reconnecting was not taken in");

    let _ = stop.send(());
    let result = tokio::time::timeout(Duration::from_secs(35), service)
        .await
        .expect("graceful shutdown within the grace period")
        .expect("join");
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(store.count_sources("imap:").await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_and_implicit_tls_are_verified_against_the_configured_ca() {
    let servers = MailServers::start_tls();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Horaires",
            "Bonjour, horaires du conservatoire ?",
            "",
        ),
        None,
    )
    .await;
    let ca = servers.dir.path().join("ca.pem");
    for url in [
        format!(
            "imap://accueil%40example.test@localhost:{}/INBOX?tls=required",
            servers.imap_port
        ),
        format!(
            "imaps://accueil%40example.test@localhost:{}/INBOX",
            servers.imaps_port
        ),
    ] {
        let mut g = Guichet::new(&servers);
        g.config.mail.imap_url = Some(url.clone());
        g.config.mail.imap_ca_file = Some(ca.clone());
        let channel = g.channel().await;
        let r = guichet::service::sync_once(&channel)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(r.intake.created, 1, "{url}");
        // Without the CA the certificate is refused: never a silent downgrade.
        g.config.mail.imap_ca_file = None;
        let settings = guichet::mail::imap::ImapSettings::from_config(&g.config.mail).unwrap();
        let refused = guichet::mail::imap::connect(&settings).await;
        assert!(
            matches!(refused, Err(guichet::mail::imap::ImapError::Tls(_))),
            "{url}: {:?}",
            refused.err()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xoauth2_logs_in_with_a_token_or_a_token_command() {
    let servers = MailServers::start_oauth();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Horaires",
            "Bonjour, horaires de la piscine ?",
            "",
        ),
        None,
    )
    .await;
    let mut g = Guichet::new(&servers);
    g.config.mail.imap_password = None;
    g.config.mail.imap_token_command = Some("echo good-token".to_string());
    let channel = g.channel().await;
    assert_eq!(
        guichet::service::sync_once(&channel)
            .await
            .expect("token command")
            .intake
            .created,
        1
    );
    g.config.mail.imap_token = Some(guichet::config::Secret::new("good-token"));
    let settings = guichet::mail::imap::ImapSettings::from_config(&g.config.mail).unwrap();
    assert!(
        guichet::mail::imap::connect(&settings).await.is_ok(),
        "token"
    );
    g.config.mail.imap_token = Some(guichet::config::Secret::new("expired-token"));
    let settings = guichet::mail::imap::ImapSettings::from_config(&g.config.mail).unwrap();
    let refused = guichet::mail::imap::connect(&settings).await;
    assert!(
        matches!(refused, Err(guichet::mail::imap::ImapError::Auth(_))),
        "{:?}",
        refused.err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_a_backfill_stops_between_batches_and_loses_nothing() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    for i in 0..300 {
        let raw = mail(
            i,
            CITIZEN,
            &format!("Question {i}"),
            "Bonjour, les horaires du conservatoire ?",
            "",
        );
        append(&mut s, "INBOX", &raw, None).await;
    }
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let store = channel.intake.pipeline.store.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = tokio::spawn(serve(channel, async {
        let _ = stopped.await;
    }));
    let started = eventually(Duration::from_secs(20), || async {
        store.count_sources("imap:").await.unwrap() > 0
    })
    .await;
    assert!(started);
    let _ = stop.send(());
    let result = tokio::time::timeout(Duration::from_secs(10), service)
        .await
        .expect("stops between batches, well within the grace period")
        .expect("join");
    assert!(result.is_ok(), "{result:?}");
    let after_stop = store.count_sources("imap:").await.unwrap();
    let again = g.channel().await;
    let r = guichet::service::sync_once(&again).await.unwrap();
    assert_eq!(r.intake.created as i64 + after_stop, 300, "{r:?}");
    assert_eq!(store.count_sources("imap:").await.unwrap(), 300);
}
