//! `guichet faq export-facts` writes the confirmed facts into the catalogue file, and `guichet
//! check` accepts the result and says which facts come from the files and which from the ledger.

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use guichet::inquiry::FacilityId;
use guichet::learn::FactField;
use guichet::store::{NewProposal, Store};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_facts_pass_guichet_check_and_check_names_their_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("guichet.db").display());
    let store = Store::open(&db).await.expect("store");
    let id = store
        .propose_fact(
            &NewProposal {
                facility: FacilityId::parse("piscine-bagneux").expect("id"),
                field: FactField::Hours,
                value: "mardi et jeudi, 12 h – 14 h \"bassin\"".into(),
                valid_until: None,
                marker: "les horaires".into(),
                provenance: String::new(),
                inquiry: None,
                proposed_by: "web:alex".into(),
            },
            Utc::now(),
        )
        .await
        .expect("propose");
    store
        .confirm_fact(
            id,
            "mardi et jeudi, 12 h – 14 h \"bassin\"",
            None,
            "web:root",
            Utc::now(),
        )
        .await
        .expect("confirm");
    store.close().await;

    let faq = dir.path().join("faq");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("faq"), &faq);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(["--database", &db, "--faq", faq.to_str().expect("path")])
            .args(args)
            .env("GUICHET_DATA_DIR", dir.path())
            .env_remove("GUICHET_DATABASE_URL")
            .output()
            .expect("run guichet")
    };
    let check = run(&["check"]);
    assert!(check.status.success(), "{check:?}");
    let said = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(said.contains("1 confirmed in the ledger"), "{said}");
    assert!(said.contains("ledger: piscine-bagneux hours"), "{said}");

    let out = faq.join("facilities.toml");
    let export = run(&["faq", "export-facts", "--out", out.to_str().expect("path")]);
    assert!(export.status.success(), "{export:?}");
    let text = std::fs::read_to_string(&out).expect("exported");
    assert!(
        text.contains(r#"hours = 'mardi et jeudi, 12 h – 14 h "bassin"'"#),
        "{text}"
    );
    assert!(text.starts_with("# Catalogue"));
    let check = run(&["check"]);
    assert!(check.status.success(), "{check:?}");
}
