//! Hostile mail in the mailbox: a 30 MB message is read as headers and beginning only, a
//! malformed one is quarantined with a reason; neither stops intake.

use guichet::service::sync_once;

use super::support::{append, mail, Guichet, MailServers, CITIZEN, SHARED};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_30_mb_mail_is_flagged_too_large_and_not_loaded_whole() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    let mut raw = mail(
        1,
        CITIZEN,
        "Photos de la réclamation",
        "Bonjour, voici les photos du bassin.\r\n",
        "",
    );
    let line = "A".repeat(998) + "\r\n";
    while raw.len() < 30 * 1024 * 1024 {
        raw.extend_from_slice(line.as_bytes());
    }
    append(&mut s, "INBOX", &raw, None).await;
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!((r.intake.created, r.intake.too_large), (1, 1), "{r:?}");
    assert!(
        r.intake.bytes < 512 * 1024,
        "fetched {} bytes",
        r.intake.bytes
    );
    let message = channel
        .intake
        .pipeline
        .store
        .message(guichet::inquiry::InquiryId(1))
        .await
        .unwrap()
        .unwrap();
    assert!(message.body.contains("photos du bassin"));
    let events = channel
        .intake
        .pipeline
        .store
        .events(guichet::inquiry::InquiryId(1))
        .await
        .unwrap();
    let received = events
        .iter()
        .find(|e| e.event == guichet::inquiry::EventType::Received)
        .expect("received event");
    assert_eq!(
        received.detail["too_large"],
        serde_json::json!(true),
        "{received:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_mail_is_quarantined_with_a_reason() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary garbage",
        None,
    )
    .await;
    append(
        &mut s,
        "INBOX",
        &mail(
            2,
            CITIZEN,
            "Horaires",
            "Bonjour, horaires de la médiathèque ?",
            "",
        ),
        None,
    )
    .await;
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!((r.intake.quarantined, r.intake.created), (1, 1), "{r:?}");
    let q = channel
        .intake
        .pipeline
        .store
        .quarantined_mail()
        .await
        .unwrap();
    assert_eq!(q.len(), 1);
    assert!(q[0].0.ends_with(":1") && q[0].1.contains("header"), "{q:?}");
    assert_eq!(sync_once(&channel).await.unwrap().intake.fetched, 0);
}
