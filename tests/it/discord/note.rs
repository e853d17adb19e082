//! The note for the agent (which FAQ entry answered which sentence, assumptions) on the agents'
//! card in the fake Discord, and never in what the citizen receives.

use guichet::discord::post::citizen_markdown;
use serde_json::json;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_shows_the_note_for_the_agent_and_the_citizen_reply_does_not() {
    let bot = Bot::start().await;
    let m = bot.citizen_writes(LOST);
    let id = bot.inquiry_of(m).await;
    let post = bot.post_of(id).await;
    let drafts = bot.pipeline.store.drafts(id).await.expect("drafts");
    let note = drafts[0].draft.as_ref().expect("draft").note.clone();
    assert!(!note.is_empty(), "the draft was stored with its note");
    let card = post.body["content"].as_str().expect("card content");
    assert!(card.contains("__Note pour l'agent__"), "{card}");
    // The card reads the note stored with the draft, escaped like the citizen's text it quotes.
    assert!(
        card.contains(&citizen_markdown(&note[0])),
        "{card}\n--- note ---\n{note:?}"
    );
    assert!(card.chars().count() <= 2000);
    // The note comes after the draft: the console link still closes the card.
    let note_at = card.find("Note pour l'agent").expect("note");
    assert!(card.find("__Brouillon proposé__").expect("draft") < note_at);
    assert!(card.trim_end().ends_with('>'), "{card}");

    let click = bot.click(&format!("g:ok:{}", id.0), AGENT, &[AGENT_ROLE], &post);
    let cb = bot.callback(click).await;
    assert_eq!(cb["type"], json!(7), "{cb}");
    // Once decided, the card gives way to what was sent: no note left to read.
    let decided = cb["data"]["content"].as_str().unwrap_or("");
    assert!(!decided.contains("Note pour l'agent"), "{decided}");
    let reqs = bot
        .fake
        .wait_for("the chat reply", |r| {
            r.iter().any(|q| {
                q.method == "POST"
                    && q.path == format!("/channels/{PUBLIC}/messages")
                    && q.body["message_reference"]["message_id"] == json!(m.to_string())
                    && q.body["content"]
                        .as_str()
                        .is_some_and(|c| c.contains("Bonjour"))
            })
        })
        .await;
    let to_citizen: Vec<String> = reqs
        .iter()
        .filter(|q| q.method == "POST" && channel_of(q) == PUBLIC)
        .filter_map(|q| q.body["content"].as_str().map(str::to_string))
        .collect();
    assert!(!to_citizen.is_empty());
    for text in &to_citizen {
        assert!(!text.contains("Note pour l'agent"), "{text}");
        for line in &note {
            assert!(!text.contains(line.as_str()), "the note `{line}` in {text}");
        }
        assert!(!text.contains(" → "), "{text}");
    }
    bot.stop().await;
}
