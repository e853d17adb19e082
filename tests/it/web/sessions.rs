//! Sessions that can be ended, on SQLite and PostgreSQL: a logout ends the session in the ledger
//! (a copied cookie stops working, here and in another instance), a new password hash ends the
//! account's sessions, and `guichet user end-sessions` ends one account's sessions only.

use axum::http::StatusCode;
use guichet::config::WebUser;
use guichet::web::hash_password;

use super::support::{app_on, Jar, TestApp, AGENT, QUALITE};
use crate::ledger::support::{on_both_backends, TestDb};

pub fn account((name, password): (&str, &str), role: &str) -> WebUser {
    WebUser {
        name: name.to_string(),
        role: role.to_string(),
        hash: hash_password(password).expect("hash"),
    }
}

/// True when the cookies open the overdue list (every role may read it).
async fn logged_in(app: &TestApp, jar: &Jar) -> bool {
    let r = app.get("/en-retard", jar).await;
    match r.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert_eq!(r.location.as_deref(), Some("/connexion"));
            false
        }
        other => panic!("unexpected {other}: {}", r.body),
    }
}

async fn a_copied_cookie_is_refused_after_logout(db: &TestDb) {
    let app = app_on(db, vec![account(AGENT, "agent")]);
    let jar = app.login(AGENT).await;
    let copy = jar.clone();
    let other_login = app.login(AGENT).await;
    let page = app.get("/en-retard", &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    let out = app
        .post("/deconnexion", &jar, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        !logged_in(&app, &copy).await,
        "the copied cookie still works"
    );
    assert!(
        logged_in(&app, &other_login).await,
        "the account's other session was ended too"
    );
    // Another instance on the same ledger, started afterwards, refuses it as well.
    let other = app_on(db, app.config.web.users.clone());
    assert!(!logged_in(&other, &copy).await);
    assert!(logged_in(&other, &other_login).await);
}

async fn a_cookie_is_refused_after_the_password_hash_changes(db: &TestDb) {
    let app = app_on(
        db,
        vec![account(AGENT, "agent"), account(QUALITE, "qualite")],
    );
    let agent = app.login(AGENT).await;
    let qualite = app.login(QUALITE).await;
    assert!(logged_in(&app, &agent).await);
    // The same password hashed again (a new salt) is a new hash: the old sessions end.
    let mut users = app.config.web.users.clone();
    users[0] = account(AGENT, "agent");
    let changed = app_on(db, users);
    assert!(!logged_in(&changed, &agent).await, "old password's session");
    assert!(
        logged_in(&changed, &qualite).await,
        "other account's session"
    );
    assert!(logged_in(&changed, &changed.login(AGENT).await).await);
}

async fn end_sessions_ends_that_accounts_sessions_and_no_others(db: &TestDb) {
    let app = app_on(
        db,
        vec![account(AGENT, "agent"), account(QUALITE, "qualite")],
    );
    let agent = app.login(AGENT).await;
    let qualite = app.login(QUALITE).await;
    assert!(logged_in(&app, &agent).await && logged_in(&app, &qualite).await);
    let config = app.dir.path().join("guichet.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"{}\"\ndatabase_url = \"{}\"\n",
            app.dir.path().display(),
            db.url
        ),
    )
    .expect("write config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env_remove("GUICHET_CONFIG")
        .env_remove("GUICHET_DATABASE_URL")
        .arg("--config")
        .arg(&config)
        .args(["user", "end-sessions", AGENT.0])
        .output()
        .expect("run guichet user end-sessions");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An instance reading the ledger (at start, then every 15 s) refuses them.
    let fresh = app_on(db, app.config.web.users.clone());
    assert!(!logged_in(&fresh, &agent).await, "ended session");
    assert!(logged_in(&fresh, &qualite).await, "other account's session");
    // A login after the end works again (sessions started the next second or later).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(logged_in(&fresh, &fresh.login(AGENT).await).await);
}

on_both_backends!(
    a_copied_cookie_is_refused_after_logout,
    a_cookie_is_refused_after_the_password_hash_changes,
    end_sessions_ends_that_accounts_sessions_and_no_others,
);
