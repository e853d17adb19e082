//! « Précision du tri » on the dashboard lists the confusions — what was taken for what, and how
//! often — as `guichet faq eval` does.

use chrono::Utc;
use guichet::inquiry::{Actor, RejectReason};
use guichet::pipeline::{Knowledge, Pipeline};

use super::support::{TestApp, ADMIN};

#[tokio::test]
async fn the_sorting_accuracy_shows_what_was_taken_for_what_and_how_often() {
    let app = TestApp::new().await;
    let staff = app.login(ADMIN).await;
    let before = app.get("/indicateurs", &staff).await;
    assert!(before.body.contains("Confusions du tri"), "{}", before.body);
    assert!(before.body.contains("Aucune confusion sur la période."));

    // An agent says an inquiry was out of scope: it had been taken for a facility's question.
    let pipeline = Pipeline::new(
        app.store.clone(),
        Knowledge::load(&app.config).expect("knowledge"),
    );
    let open = app.seeded[2];
    pipeline
        .reject(
            open,
            &Actor::web("alex"),
            RejectReason::HorsPerimetre,
            Utc::now(),
        )
        .await
        .expect("reject");
    let judged = app.store.judged_sortings(None, None).await.expect("judged");
    let intake = &judged
        .iter()
        .find(|j| j.inquiry == open)
        .expect("judged")
        .intake;
    let taken_for = guichet::learn::present::labels_text(
        &Knowledge::load(&app.config).expect("knowledge").faq,
        intake,
    );
    let after = app.get("/indicateurs", &staff).await;
    let row = format!(
        "<tr><th scope=\"row\">{}</th><td>hors périmètre</td><td>1</td></tr>",
        taken_for.replace('\'', "&#x27;")
    );
    assert!(after.body.contains(&row), "{row}\n{}", after.body);
    assert!(!after.body.contains("Aucune confusion sur la période."));
}
