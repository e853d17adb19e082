//! `guichet faq examples --from-ledger`: a corrected inquiry becomes a candidate counter-example
//! of the rule that fired, with none of the citizen's name, address, phone or e-mail; once purged
//! its text is gone from the candidates.

use std::process::Command;

use guichet::inquiry::{Address, Channel, Kind, Message, Topic};
use guichet::store::{NewInquiry, Store};

use super::support::{classification, paris};

const PLANTED: [&str; 5] = [
    "Philibert",
    "Zanzibar",
    "Coquelicots-Mauves",
    "07 98 76 54 32",
    "philibert.zanzibar@courriel.test",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidate_examples_carry_no_personal_data_and_the_right_labels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("guichet.db").display());
    let store = Store::open(&db).await.expect("store");
    let message = Message {
        from: Some(Address {
            name: Some("Philibert Zanzibar".into()),
            email: "philibert.zanzibar@courriel.test".into(),
        }),
        subject: "Question chapiteau".into(),
        body:
            "Bonjour, je m'appelle Philibert Zanzibar, 8 bis rue des Coquelicots-Mauves à Antony \
               (tél. 07 98 76 54 32, philibert.zanzibar@courriel.test). Quels sont les horaires \
               du chapiteau ?\nPhilibert Zanzibar"
                .into(),
        ..Message::default()
    };
    let at = paris(2026, 3, 3, 10, 0);
    let c = classification(Kind::Siege, None, Topic::Horaires);
    let id = store
        .record_inquiry(&NewInquiry {
            channel: Channel::Mail,
            source_key: "examples-1".into(),
            received_at: at,
            message: &message,
            classification: &c,
            route: None,
        })
        .await
        .expect("record")
        .id;
    let moved = classification(Kind::Theatre, Some("espace-cirque"), Topic::Horaires);
    store
        .record_classification(id, &moved, "web:alex", at)
        .await
        .expect("reassign");
    let job = super::accuracy::reply_job(id, "examples-1");
    store
        .approve(id, "web:alex", at, None, &job)
        .await
        .expect("approve");

    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(["--database", &db, "faq", "examples", "--from-ledger"])
            .env("GUICHET_DATA_DIR", dir.path())
            .env_remove("GUICHET_DATABASE_URL")
            .output()
            .expect("run guichet");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = run();
    assert!(
        out.contains("[[rule]]\nid = \"test-rule\"\ncounter_examples = ["),
        "{out}"
    );
    assert!(
        out.contains("en réalité Espace Cirque d'Antony (théâtre), horaires"),
        "{out}"
    );
    assert!(
        out.contains("Quels sont les horaires du chapiteau ?"),
        "{out}"
    );
    for planted in PLANTED {
        assert!(!out.contains(planted), "{planted} in {out}");
    }
    let parsed: toml::Value = toml::from_str(&out).expect("the rules' TOML shape");
    assert_eq!(
        parsed["rule"][0]["counter_examples"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // A fact proposed from this reply keeps the reply's sentence until the purge.
    let proposal = store
        .propose_fact(
            &guichet::store::NewProposal {
                facility: guichet::inquiry::FacilityId::parse("espace-cirque").expect("id"),
                field: guichet::learn::FactField::Hours,
                value: "14 h – 18 h".into(),
                valid_until: None,
                marker: "les horaires".into(),
                provenance: "Bonjour Philibert, le chapiteau ouvre 14 h – 18 h".into(),
                inquiry: Some(id),
                proposed_by: "web:alex".into(),
            },
            at,
        )
        .await
        .expect("propose");

    // The purge removes the source texts: no candidate is left, the proposal keeps its value.
    store.purge(paris(2026, 12, 1, 0, 0)).await.expect("purge");
    let kept = store.proposal(proposal).await.expect("read").expect("kept");
    assert_eq!(
        (kept.provenance, kept.value.as_str()),
        (None, "14 h – 18 h")
    );
    store.close().await;
    assert!(!run().contains("[[rule]]"));
}
