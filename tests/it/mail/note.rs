//! The note for the agent stays with the agent: the acknowledgement and the reply the citizen
//! receives through the real SMTP receiver carry none of it.

use chrono::Utc;
use guichet::inquiry::{InquiryId, Outcome};
use guichet::service::sync_once;

use super::support::{append, mail, messages, Guichet, MailServers, CITIZEN, SHARED};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_citizen_receives_the_draft_without_the_note_for_the_agent() {
    let servers = MailServers::start();
    let mut s = servers.session(SHARED).await;
    let body = "Bonjour, j'ai perdu mon bonnet de bain à la piscine, l'avez-vous retrouvé ?";
    append(
        &mut s,
        "INBOX",
        &mail(1, CITIZEN, "Bonnet perdu", body, ""),
        None,
    )
    .await;
    let g = Guichet::new(&servers);
    let channel = g.channel().await;
    sync_once(&channel).await.expect("intake");
    let pipeline = &channel.intake.pipeline;
    let drafts = pipeline.store.drafts(InquiryId(1)).await.expect("drafts");
    let draft = drafts[0].draft.clone().expect("a draft");
    assert!(!draft.note.is_empty(), "the draft was stored with its note");
    assert!(
        guichet::draft::markers(&draft.text).is_empty(),
        "{}",
        draft.text
    );
    // Approved as drafted: the very text the agent saw beside the note.
    let decision = pipeline
        .approve(InquiryId(1), &"web:nadia".into(), None, Utc::now())
        .await
        .expect("approve");
    assert_eq!(decision, Outcome::Done);
    sync_once(&channel).await.expect("send");
    sync_once(&channel).await.expect("copies");
    let mut c = servers.session(CITIZEN).await;
    let inbox = messages(&mut c, "INBOX").await;
    assert_eq!(inbox.len(), 2, "acknowledgement + reply");
    let received: Vec<String> = inbox
        .iter()
        .map(|(_, raw)| String::from_utf8_lossy(raw).to_string())
        .collect();
    assert!(
        received
            .iter()
            .any(|r| r.contains("Message-ID: <") && r.contains(".reply1@")),
        "the reply arrived"
    );
    for raw in &received {
        let text = decoded(raw);
        assert!(!text.contains("Note pour l'agent"), "{text}");
        for line in &draft.note {
            assert!(
                !text.contains(line.as_str()),
                "the note `{line}` reached the citizen"
            );
        }
        assert!(
            !text.contains("faq/answers") && !text.contains(" → "),
            "{text}"
        );
    }
}

/// The text and HTML parts of a received mail, decoded, for searching.
fn decoded(raw: &str) -> String {
    let parsed = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a mail");
    let mut out = parsed.subject().unwrap_or_default().to_string();
    for i in 0..parsed.text_body_count() {
        out.push('\n');
        out.push_str(&parsed.body_text(i).unwrap_or_default());
    }
    for i in 0..parsed.html_body_count() {
        out.push('\n');
        out.push_str(&parsed.body_html(i).unwrap_or_default());
    }
    out
}
