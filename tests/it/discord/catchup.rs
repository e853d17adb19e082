//! Nothing missed while the bot is away: messages written while it is stopped, or while its
//! gateway session is lost, are read back from the channels' history and taken in once.

use super::fake::{message, snowflake_at, user, GUILD};
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_written_while_the_bot_is_stopped_are_taken_in_once_after_restart() {
    let bot = Bot::start().await;
    // The citizen wrote to the bot once before: its DM channel is known.
    let first = bot
        .fake
        .write(DM, user(CITIZEN, "Camille", false), LOST, None);
    let first_id = bot.inquiry_of(first).await;
    assert_one_card_and_one_ack_each(&bot, &[first_id]).await;
    let (fake, dir) = bot.stop_keeping().await;

    let mut written = Vec::new();
    for i in 0..4 {
        let text = format!(
            "Bonjour, la piscine est-elle ouverte le {} décembre ?",
            i + 2
        );
        written.push(fake.write(PUBLIC, user(CITIZEN, "Camille", false), &text, Some(GUILD)));
        let text = format!("Bonjour, comment inscrire mon fils au conservatoire ({i}) ?");
        written.push(fake.write(
            PUBLIC2,
            user(CITIZEN + 1, "Dominique", false),
            &text,
            Some(GUILD),
        ));
    }
    for i in 0..2 {
        let text = format!("Bonjour, j'ai oublié mon écharpe à la médiathèque ({i}).");
        written.push(fake.write(DM, user(CITIZEN, "Camille", false), &text, None));
    }
    assert_eq!(written.len(), 10);

    let bot = Bot::start_on(fake, dir).await;
    let ids = inquiries_of(&bot, &written).await;
    assert_one_card_and_one_ack_each(&bot, &ids).await;
    let mut unique = ids.clone();
    unique.sort_by_key(|i| i.0);
    unique.dedup();
    assert_eq!(unique.len(), 10, "one inquiry per message");
    assert!(
        bot.fake.requests().iter().any(|q| q.method == "GET"
            && q.path == format!("/channels/{DM}/messages")
            && q.query.contains("after=")),
        "read after the channel's cursor"
    );

    // Another restart reads the same history again: nothing new.
    let (fake, dir) = bot.stop_keeping().await;
    let before = fake
        .requests()
        .iter()
        .filter(|q| q.created.is_some())
        .count();
    let bot = Bot::start_on(fake, dir).await;
    bot.fake
        .wait_for("the catch-up reads", |r| {
            r.iter()
                .filter(|q| q.method == "GET" && q.path == format!("/channels/{DM}/messages"))
                .count()
                >= 2
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_one_card_and_one_ack_each(&bot, &ids).await;
    let after = bot
        .fake
        .requests()
        .iter()
        .filter(|q| q.created.is_some())
        .count();
    assert_eq!(before, after, "nothing posted again");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_written_during_a_lost_session_is_taken_in_after_identify() {
    let bot = Bot::start().await;
    let seen = bot.citizen_writes(LOST);
    bot.inquiry_of(seen).await;
    let identifies = bot.fake.identifies();
    bot.fake.refuse_next_resume();
    bot.fake.drop_connection();
    // Never dispatched: the session it would have been replayed in is invalidated.
    let missed =
        bot.fake
            .write_unseen(PUBLIC2, user(CITIZEN, "Camille", false), HOURS, Some(GUILD));
    let id = bot.inquiry_of(missed).await;
    for _ in 0..200 {
        if bot.fake.identifies() > identifies {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(bot.fake.identifies() > identifies, "a new session");
    assert_one_card_and_one_ack_each(&bot, &[id]).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_older_than_the_window_are_history_recorded_without_acknowledgement() {
    let bot = Bot::start().await;
    // A message seen ten days late (a replay) sets the channel's cursor ten days back.
    let old = snowflake_at(chrono::Utc::now() - chrono::Duration::days(10));
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message(
            old,
            PUBLIC,
            user(CITIZEN, "Camille", false),
            LOST,
            Some(GUILD),
        ),
    );
    let old_id = bot.inquiry_of(old).await;
    let (fake, dir) = bot.stop_keeping().await;
    // Written eight days ago, while the bot was away, then read back by the catch-up.
    let missed = snowflake_at(chrono::Utc::now() - chrono::Duration::days(8));
    fake.write_at(
        missed,
        PUBLIC,
        user(CITIZEN, "Camille", false),
        HOURS,
        Some(GUILD),
    );
    let recent = fake.write_unseen(PUBLIC, user(CITIZEN, "Camille", false), HOURS, Some(GUILD));
    let bot = Bot::start_on(fake, dir).await;
    let id = bot.inquiry_of(missed).await;
    let recent_id = bot.inquiry_of(recent).await;
    for id in [old_id, id] {
        let jobs = bot.pipeline.store.jobs_of(id).await.unwrap();
        assert!(
            !jobs.iter().any(|(k, _, _)| k == "ack"),
            "history is not acknowledged: {jobs:?}"
        );
    }
    assert_one_card_and_one_ack_each(&bot, &[recent_id]).await;
    bot.stop().await;
}
