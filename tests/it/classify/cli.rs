use std::process::Command;

use serde_json::Value;

use super::fixture;

fn run(args: &[&str], files: &[&str]) -> (bool, Vec<Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("classify")
        .args(args)
        .args(files.iter().map(|f| fixture(f)))
        .output()
        .expect("guichet runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (output.status.success(), lines)
}

#[test]
fn json_output_is_one_object_per_input_per_line_in_input_order() {
    let files = [
        "mail/human-inquiry.eml",
        "mail/ooo-fr.eml",
        "mail/english-library.eml",
    ];
    let (ok, lines) = run(&["--json"], &files);
    assert!(ok);
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(files) {
        assert!(line["file"].as_str().unwrap().ends_with(file), "{line}");
        for field in ["kind", "facility", "topic", "automatic", "rules"] {
            assert!(line.get(field).is_some(), "{field} missing in {line}");
        }
        assert!(line["rules"].is_array());
    }
    assert_eq!(lines[0]["facility"], "piscine-pajeaud");
    assert_eq!(lines[0]["topic"], "horaires");
    assert_eq!(lines[1]["automatic"], true);
    assert_eq!(lines[2]["kind"], "mediatheque");
}

#[test]
fn empty_and_binary_files_get_an_error_line_and_the_others_are_still_classified() {
    let files = [
        "mail/latin1-qp.eml",
        "mail/empty.eml",
        "mail/html-only.eml",
        "mail/binary.eml",
        "mail/alternative.eml",
    ];
    let (ok, lines) = run(&["--json"], &files);
    assert!(!ok, "exit code must say some inputs failed");
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(files) {
        assert!(line["file"].as_str().unwrap().ends_with(file), "{line}");
    }
    assert!(lines[1]["error"].is_string(), "{}", lines[1]);
    assert!(lines[3]["error"].is_string(), "{}", lines[3]);
    for i in [0, 2, 4] {
        assert!(lines[i].get("error").is_none(), "{}", lines[i]);
        assert!(lines[i]["kind"].is_string(), "{}", lines[i]);
    }
    assert_eq!(lines[0]["facility"], "piscine-pajeaud");
    assert_eq!(lines[2]["topic"], "reclamation");
    assert_eq!(lines[4]["facility"], "conservatoire-clamart");
}

#[test]
fn chat_files_are_classified_with_the_chat_flag() {
    let (ok, lines) = run(
        &["--json", "--chat"],
        &["chat/tcc-acronym.txt", "chat/town-hall.txt"],
    );
    assert!(ok);
    assert_eq!(lines[0]["facility"], "theatre-chatillon-clamart");
    assert_eq!(lines[1]["kind"], "autre");
    assert_eq!(lines[1]["facility"], Value::Null);
}
