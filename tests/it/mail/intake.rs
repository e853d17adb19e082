//! Intake: backfill exactly once, restart mid-backfill, history, follow-ups, UIDVALIDITY change,
//! server-side sorting.

use std::time::Duration;

use guichet::service::sync_once;
use sqlx::Row;

use super::support::{append, mail, messages, Guichet, MailServers, CITIZEN, SHARED};

/// The bundled sample mails, each made unique with a sequence header.
fn samples(n: usize) -> Vec<Vec<u8>> {
    let mut files: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/mail"))
            .expect("examples")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
    files.sort();
    let raws: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    (0..n)
        .map(|i| {
            let mut raw = format!("X-Test-Seq: {i}\r\n").into_bytes();
            raw.extend_from_slice(&raws[i % raws.len()]);
            raw
        })
        .collect()
}

async fn scalar(g: &Guichet, sql: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&g.config.database_url())
        .await
        .expect("sqlite");
    let n: i64 = sqlx::query(sql)
        .fetch_one(&pool)
        .await
        .expect(sql)
        .try_get(0)
        .expect("count");
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_of_mixed_mail_is_stored_exactly_once_and_old_mail_is_history() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    let all = samples(300);
    for (i, raw) in all.iter().enumerate() {
        // A third is a month old: history, never acknowledged.
        let date = (i % 3 == 0).then_some("02-Oct-2026 09:00:00 +0000");
        append(&mut s, "INBOX", raw, date).await;
    }
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    let first = sync_once(&channel).await.expect("sync");
    assert_eq!(first.intake.fetched, 300);
    assert_eq!(first.intake.created, 300, "{first:?}");
    assert_eq!(first.intake.history, 100);
    let second = sync_once(&channel).await.expect("sync again");
    assert_eq!(second.intake.fetched, 0, "the cursor remembers: {second:?}");
    assert_eq!(
        channel
            .intake
            .pipeline
            .store
            .count_sources("imap:INBOX:")
            .await
            .unwrap(),
        300
    );
    assert_eq!(
        scalar(
            &g,
            "SELECT COUNT(*) FROM events WHERE event_type = 'received'"
        )
        .await,
        300
    );
    // History is recorded and drafted, never acknowledged.
    let acked_history = scalar(
        &g,
        "SELECT COUNT(*) FROM outbox o JOIN inquiries i ON i.id = o.inquiry_id \
         WHERE o.kind = 'ack' AND i.received_at < strftime('%s', '2026-10-03')",
    )
    .await;
    assert_eq!(acked_history, 0);
    let drafted_history = scalar(
        &g,
        "SELECT COUNT(DISTINCT d.inquiry_id) FROM draft_versions d JOIN inquiries i ON i.id = d.inquiry_id \
         WHERE i.received_at < strftime('%s', '2026-10-03')",
    )
    .await;
    assert!(drafted_history > 50, "{drafted_history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_backfill_resumes_without_duplicates() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    for raw in samples(200) {
        append(&mut s, "INBOX", &raw, None).await;
    }
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    // Stop the first pass abruptly, as a crash would, somewhere in the middle.
    let mut session = servers.session(SHARED).await;
    let cut = tokio::time::timeout(
        Duration::from_millis(400),
        channel.intake.sync(&mut session),
    )
    .await;
    assert!(cut.is_err(), "the first pass should have been interrupted");
    drop(session);
    let partial = channel
        .intake
        .pipeline
        .store
        .count_sources("imap:")
        .await
        .unwrap();
    assert!(partial < 200, "{partial}");
    let restarted = g.channel().await;
    let r = sync_once(&restarted).await.expect("resume");
    assert_eq!(r.intake.created as i64 + partial, 200, "{r:?}");
    assert_eq!(
        restarted
            .intake
            .pipeline
            .store
            .count_sources("imap:")
            .await
            .unwrap(),
        200
    );
    assert_eq!(
        scalar(
            &g,
            "SELECT COUNT(*) FROM events WHERE event_type = 'received'"
        )
        .await,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uidvalidity_change_resyncs_without_duplicates() {
    check_uidvalidity_change_resyncs_without_duplicates(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uidvalidity_change_resyncs_without_duplicates_on_postgres() {
    check_uidvalidity_change_resyncs_without_duplicates(true).await;
}

async fn check_uidvalidity_change_resyncs_without_duplicates(postgres: bool) {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    for i in 0..5 {
        append(
            &mut s,
            "INBOX",
            &mail(
                i,
                CITIZEN,
                "Horaires piscine",
                "Bonjour, quels horaires ?",
                "",
            ),
            None,
        )
        .await;
    }
    drop(s);
    let (g, _pg) = if postgres {
        let (g, db) = super::on_postgres(&servers).await;
        (g, Some(db))
    } else {
        (Guichet::new(&servers), None)
    };
    let channel = g.channel().await;
    assert_eq!(sync_once(&channel).await.unwrap().intake.created, 5);
    let out = servers.doveadm(&[
        "mailbox",
        "update",
        "-u",
        SHARED,
        "--uid-validity",
        "4242",
        "INBOX",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(99, CITIZEN, "Tarifs", "Bonjour, quels tarifs ?", ""),
        None,
    )
    .await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!(
        (r.intake.fetched, r.intake.duplicates, r.intake.created),
        (6, 5, 1),
        "{r:?}"
    );
    assert_eq!(
        channel
            .intake
            .pipeline
            .store
            .count_sources("imap:")
            .await
            .unwrap(),
        6
    );
    let cursor = channel
        .intake
        .pipeline
        .store
        .mail_cursor("INBOX")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cursor.uidvalidity, 4242);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_in_the_thread_reopens_its_inquiry() {
    check_follow_up_in_the_thread_reopens_its_inquiry(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_in_the_thread_reopens_its_inquiry_on_postgres() {
    check_follow_up_in_the_thread_reopens_its_inquiry(true).await;
}

async fn check_follow_up_in_the_thread_reopens_its_inquiry(postgres: bool) {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            1,
            CITIZEN,
            "Inscription conservatoire",
            "Bonjour, comment inscrire ma fille ?",
            "",
        ),
        None,
    )
    .await;
    let (g, _pg) = if postgres {
        let (g, db) = super::on_postgres(&servers).await;
        (g, Some(db))
    } else {
        (Guichet::new(&servers), None)
    };
    let channel = g.channel().await;
    assert_eq!(sync_once(&channel).await.unwrap().intake.created, 1);
    let store = &channel.intake.pipeline.store;
    let jobs = store.jobs_of(guichet::inquiry::InquiryId(1)).await.unwrap();
    let ack_id = jobs[0].2.clone();
    // The citizen answers our acknowledgement, then writes again citing the reference only.
    let reply = mail(
        2,
        CITIZEN,
        "Re: accusé",
        "Merci, et pour mon fils ?",
        &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
    );
    append(&mut s, "INBOX", &reply, None).await;
    let reference = store
        .summary(guichet::inquiry::InquiryId(1))
        .await
        .unwrap()
        .reference;
    let by_ref = mail(
        3,
        CITIZEN,
        &format!("Complément [{reference}]"),
        "J'oubliais : il a 8 ans.",
        "",
    );
    append(&mut s, "INBOX", &by_ref, None).await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!((r.intake.followups, r.intake.created), (2, 0), "{r:?}");
    assert_eq!(store.count_sources("imap:").await.unwrap(), 1);
    let followups = store
        .mail_followups(guichet::inquiry::InquiryId(1))
        .await
        .unwrap();
    assert_eq!(followups.len(), 2);
    assert!(followups[0].1.as_deref().unwrap_or("").contains("mon fils"));
    let events = store.events(guichet::inquiry::InquiryId(1)).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event.as_str() == "reopened")
            .count(),
        2
    );
    // An out-of-office answering our acknowledgement reopens nothing: it is automatic mail.
    let ooo = mail(
        4,
        CITIZEN,
        "Réponse automatique : absent",
        "Je suis absent jusqu'au 30 novembre.",
        &format!("Auto-Submitted: auto-replied\r\nIn-Reply-To: {ack_id}\r\n"),
    );
    append(&mut s, "INBOX", &ooo, None).await;
    let r = sync_once(&channel).await.unwrap();
    assert_eq!((r.intake.followups, r.intake.created), (0, 1), "{r:?}");
    assert_eq!(
        store
            .mail_followups(guichet::inquiry::InquiryId(1))
            .await
            .unwrap()
            .len(),
        2
    );
    // Follow-up texts are personal data: purge removes them.
    store
        .purge(chrono::Utc::now() + chrono::Duration::days(1))
        .await
        .unwrap();
    let purged = store
        .mail_followups(guichet::inquiry::InquiryId(1))
        .await
        .unwrap();
    assert_eq!(purged.len(), 2);
    assert!(purged.iter().all(|(_, body)| body.is_none()), "{purged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_sorting_sets_keywords_and_moves_without_deleting() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    s.create("Automatique").await.expect("create folder");
    let ooo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/mail/26-auto-out-of-office.eml"
    ))
    .unwrap();
    append(&mut s, "INBOX", &ooo, None).await;
    append(
        &mut s,
        "INBOX",
        &mail(
            2,
            CITIZEN,
            "Horaires piscine",
            "Bonjour, horaires de la piscine de Clamart ?",
            "",
        ),
        None,
    )
    .await;
    let mut g = Guichet::new(&servers);
    g.config.mail.sort_keywords = true;
    g.config
        .mail
        .sort_folders
        .insert("automatic".into(), "Automatique".into());
    let channel = g.channel().await;
    assert_eq!(sync_once(&channel).await.unwrap().intake.created, 2);
    let inbox = messages(&mut s, "INBOX").await;
    assert_eq!(inbox.len(), 1, "the automatic mail moved out");
    assert!(
        inbox[0].0.iter().any(|f| f.contains("guichet-piscine")),
        "{:?}",
        inbox[0].0
    );
    let moved = messages(&mut s, "Automatique").await;
    assert_eq!(moved.len(), 1);
    assert!(
        moved[0].0.iter().any(|f| f.contains("guichet-automatic")),
        "{:?}",
        moved[0].0
    );
}
