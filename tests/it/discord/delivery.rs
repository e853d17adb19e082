//! The Discord transport on its own: a post that fails is retried by the outbox; `guichet check`
//! names a wrong `[discord]` key.

use std::process::Command;
use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::discord::{build_http, DiscordTransport, Settings};
use guichet::inquiry::InquiryId;
use guichet::pipeline::deliver_due;
use guichet::store::{DiscordPost, JobKind, NewJob, Payload, Snowflake, Store};
use serde_json::json;

use super::fake::Fake;
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_post_is_retried_by_the_outbox() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("g.db").display()))
        .await
        .unwrap();
    let knowledge = Knowledge::load(&Config::default()).unwrap();
    let pipeline = Pipeline::new(store.clone(), knowledge);
    let incoming = super::intake_incoming(LOST);
    let intake = pipeline.ingest(&incoming, Utc::now()).await.unwrap();
    let guichet::pipeline::Intake::Created { id, .. } = intake else {
        panic!("{intake:?}")
    };
    let job = NewJob {
        inquiry: id,
        kind: JobKind::DiscordPost,
        message_id: "<post-test@discord>".to_string(),
        recipient: None,
        payload: Payload::DiscordPost(DiscordPost {
            channel_id: Snowflake(AGENTS_DEFAULT),
            content: "brouillon".to_string(),
        }),
    };
    let now = Utc::now();
    store.enqueue(&job, now).await.unwrap();
    let settings = Settings::from_config(&discord_config(&fake.url)).unwrap();
    let transport = DiscordTransport {
        http: Arc::new(build_http(&settings)),
    };
    fake.fail_next_posts(1);
    let first = deliver_due(&store, &transport, now).await.unwrap();
    assert_eq!((first.sent, first.retried), (0, 1));
    // Not due again before its backoff…
    assert!(deliver_due(&store, &transport, now)
        .await
        .unwrap()
        .is_empty());
    // …then delivered, with the buttons of the inquiry.
    let later = deliver_due(&store, &transport, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(later.sent, 1);
    let posts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|q| q.method == "POST" && q.path == format!("/channels/{AGENTS_DEFAULT}/messages"))
        .collect();
    assert_eq!(posts.len(), 2, "one failure, one success");
    assert_eq!(
        posts[1].body["components"][0]["components"][0]["custom_id"],
        json!(format!("g:ok:{}", id.0))
    );
    let jobs = store.jobs_of(InquiryId(id.0)).await.unwrap();
    assert!(
        jobs.iter()
            .any(|(k, s, _)| k == "discord_post" && s == "sent"),
        "{jobs:?}"
    );
}

#[test]
fn check_names_the_wrong_discord_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("guichet.toml");
    std::fs::write(
        &file,
        "[discord]\nguild_id = \"1\"\npublic_channels = [\"2\"]\nagent_role = \"3\"\nquality_role = \"4\"\n\
         [discord.agents_channels]\ndefault = \"5\"\npiscine = \"piscine\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--config", file.to_str().unwrap(), "check"])
        .env("GUICHET_DISCORD_TOKEN", "secret-token-value")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("discord.agents_channels.piscine"), "{all}");
    assert!(!all.contains("secret-token-value"), "{all}");
}
