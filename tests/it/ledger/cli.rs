//! The `guichet` binary end to end: import, report --format csv, bad files, purge.

use std::path::Path;
use std::process::{Command, Output};

use super::import::HISTORY;
use super::support::{create_postgres_database, drop_postgres_database};

fn guichet(database: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--database", database])
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env_remove("GUICHET_DATABASE_URL")
        .output()
        .expect("run guichet")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const HEADER: &str = "facility,month,received,answered,within_engagement,within_engagement_pct,\
median_working_days,p90_working_days,open,overdue,acknowledged_within_pct,automatic,rejected";

fn import_then_report(database: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("history.csv");
    std::fs::write(&file, HISTORY).expect("write csv");
    let file = file.to_str().expect("utf-8 path");

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{HISTORY}h9,mail,piscine,,horaires,2025-13-01T00:00:00Z,,\n"),
    )
    .expect("write bad csv");
    let out = guichet(
        database,
        dir.path(),
        &["import", bad.to_str().expect("path")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 6: received_at"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");

    let out = guichet(database, dir.path(), &["report", "--format", "csv"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out)
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("0,0,")),
        "{}",
        stdout(&out)
    );

    for expected in [
        "imported 4 inquiries, 0 already",
        "imported 0 inquiries, 4 already",
    ] {
        let out = guichet(database, dir.path(), &["import", file]);
        assert!(out.status.success(), "{out:?}");
        assert!(stdout(&out).contains(expected), "{}", stdout(&out));
    }
    let out = guichet(
        database,
        dir.path(),
        &[
            "report",
            "--by",
            "facility,month",
            "--format",
            "csv",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--today",
            "2025-04-30",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            HEADER,
            ",2025-03,1,0,0,,,,1,1,0.0,0,0",
            "piscine-pajeaud,2025-03,2,2,1,50.0,2,10,0,0,50.0,0,0",
        ]
    );
    let out = guichet(
        database,
        dir.path(),
        &["report", "--by", "month,facility", "--format", "csv"],
    );
    assert!(
        stdout(&out).starts_with("month,facility,received,"),
        "{}",
        stdout(&out)
    );
    let out = guichet(database, dir.path(), &["report", "--by", "color"]);
    assert!(!out.status.success());
    let out = guichet(database, dir.path(), &["purge", "--older-than", "24months"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("inquiries marked purged"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn cli_import_and_report_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("db/guichet.db").display());
    import_then_report(&url);
    assert!(dir.path().join("db/guichet.db").exists());
}

#[test]
fn cli_import_and_report_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (admin, name, url) = rt.block_on(create_postgres_database());
    struct Cleanup(Option<(String, String)>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Some((admin, name)) = self.0.take() {
                drop_postgres_database(admin, name);
            }
        }
    }
    let _cleanup = Cleanup(Some((admin, name)));
    import_then_report(&url);
}
