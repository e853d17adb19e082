//! Operations through the real binary: an online SQLite backup restores to the same indicators.

use std::process::Command;

fn guichet(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--database")
        .arg(db)
        .args(args)
        .output()
        .expect("run guichet")
}

#[test]
fn a_sqlite_backup_restores_the_same_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("history.csv");
    std::fs::write(
        &csv,
        "id,channel,kind,facility,topic,received_at,acknowledged_at,answered_at\n\
         h1,mail,piscine,piscine-clamart,horaires,2026-03-02T09:00:00+01:00,2026-03-02T09:01:00+01:00,2026-03-04T10:00:00+01:00\n\
         h2,mail,theatre,,reservation,2026-03-06T17:00:00+01:00,,2026-03-16T10:00:00+01:00\n\
         h3,chat,mediatheque,mediatheque-malakoff,tarifs,2026-04-01T10:00:00+02:00,,\n",
    )
    .expect("write csv");
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    let import = guichet(&live, &["import", csv.to_str().expect("utf-8 path")]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let copy = dir.path().join("copy.db");
    let backup = guichet(
        &live,
        &["backup", "--out", copy.to_str().expect("utf-8 path")],
    );
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    // A second backup to the same file is refused rather than overwriting it.
    assert!(!guichet(
        &live,
        &["backup", "--out", copy.to_str().expect("utf-8 path")]
    )
    .status
    .success());

    let report = [
        "report",
        "--by",
        "facility,month",
        "--format",
        "csv",
        "--today",
        "2026-05-01",
    ];
    let before = guichet(&live, &report);
    let restored = guichet(&format!("sqlite://{}", copy.display()), &report);
    assert!(before.status.success() && restored.status.success());
    let before = String::from_utf8_lossy(&before.stdout).to_string();
    assert_eq!(before, String::from_utf8_lossy(&restored.stdout));
    assert_eq!(
        before.lines().count(),
        4,
        "header and three groups:\n{before}"
    );
}
