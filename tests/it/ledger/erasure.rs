//! Erasure that erases: after `purge`, the raw bytes of the SQLite file and of its WAL hold none
//! of the purged citizens' addresses, names or words — not in free pages, not in old WAL frames.

use chrono::Duration;
use guichet::config::Config;
use guichet::inquiry::{Address, Channel, Message};
use guichet::pipeline::{deliver_due, FileTransport, Incoming, Intake, Knowledge, Pipeline, Route};

use super::support::{paris, Backend, TestDb};

fn citizen(i: usize) -> (String, String, String) {
    (
        format!("Zephirine Quenouille{i}"),
        format!("zephirine.quenouille{i}@example.org"),
        format!("ma carte Quokkaflute{i} est perdue"),
    )
}

fn occurrences(bytes: &[u8], needle: &str) -> usize {
    bytes
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_purge_the_raw_file_and_wal_hold_no_purged_text() {
    let db = TestDb::new(Backend::Sqlite).await;
    let mut config = Config::default();
    config.mail.from = "contact@valleesud.example".into();
    let p = Pipeline::new(
        db.store.clone(),
        Knowledge::load(&config).expect("knowledge"),
    );
    let files = tempfile::tempdir().expect("outbox files");
    let transport = FileTransport {
        name: "mail".into(),
        dir: files.path().to_path_buf(),
    };
    let at = paris(2026, 3, 6, 10, 0);
    const N: usize = 30;
    for i in 0..N {
        let (name, email, words) = citizen(i);
        let message = Message {
            from: Some(Address {
                name: Some(name.clone()),
                email,
            }),
            subject: format!("Objet perdu {name}"),
            body: format!("Bonjour, {words} à la piscine. {name}"),
            message_id: Some(format!("<e{i}@example.org>")),
            content_type: "text/plain".into(),
            ..Message::default()
        };
        let incoming = Incoming {
            channel: Channel::Mail,
            source_key: format!("erase-{i}"),
            received_at: at,
            route: Route::mail(&message),
            message,
            history: false,
        };
        let Intake::Created { id, .. } = p.ingest(&incoming, at).await.expect("ingest") else {
            panic!("new inquiry expected")
        };
        if i % 2 == 0 {
            let text = format!("Bonjour {name}, nous avons retrouvé votre Quokkaflute{i}.");
            p.approve(id, &"agent:a".into(), Some(&text), at)
                .await
                .expect("approve");
        }
    }
    while !deliver_due(&db.store, &transport, at + Duration::minutes(1))
        .await
        .expect("deliver")
        .is_empty()
    {}
    let file = db.url.trim_start_matches("sqlite://").to_string();
    let before = std::fs::read(&file).expect("db file");
    let wal_before = std::fs::read(format!("{file}-wal")).unwrap_or_default();
    let (_, email, _) = citizen(1);
    assert!(
        occurrences(&before, &email) + occurrences(&wal_before, &email) > 0,
        "the test data is on disk before the purge"
    );

    let summary = db.store.purge(at + Duration::days(1)).await.expect("purge");
    assert_eq!(summary.inquiries, N as u64);
    assert!(summary.file_rewritten, "{summary:?}");
    db.store.close().await;
    let after = std::fs::read(&file).expect("db file");
    let wal = std::fs::read(format!("{file}-wal")).unwrap_or_default();
    let mut left = Vec::new();
    for i in 0..N {
        let (name, email, words) = citizen(i);
        let quokka = format!("Quokkaflute{i} ");
        for needle in [
            name.as_str(),
            email.as_str(),
            words.as_str(),
            quokka.as_str(),
        ] {
            let n = occurrences(&after, needle) + occurrences(&wal, needle);
            if n > 0 {
                left.push((needle.to_string(), n));
            }
        }
    }
    assert!(left.is_empty(), "still on disk after the purge: {left:?}");
    // And the common parts too: no name, no address domain of a purged citizen.
    assert_eq!(
        occurrences(&after, "Quenouille") + occurrences(&wal, "Quenouille"),
        0
    );
    assert_eq!(
        occurrences(&after, "@example.org") + occurrences(&wal, "@example.org"),
        0
    );
}
