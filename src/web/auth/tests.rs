//! Auth tests: sessions, passwords, the login throttle.

use super::*;

#[test]
fn sessions_round_trip_and_tampering_fails() {
    let mut accounts = Accounts::default();
    accounts.add("claire", Role::Qualite, String::new());
    let s = Session::start(b"secret-secret-secret", &accounts, "claire", Role::Qualite)
        .expect("session");
    let v = s.encode(b"secret-secret-secret");
    assert_eq!(
        Session::decode(b"secret-secret-secret", &v, &accounts),
        Some(s.clone())
    );
    assert_eq!(Session::decode(b"other-secret-value", &v, &accounts), None);
    // Promoting oneself to admin breaks the signature.
    let forged = Session {
        role: Role::Admin,
        ..s.clone()
    }
    .encode(b"wrong");
    assert_eq!(
        Session::decode(b"secret-secret-secret", &forged, &accounts),
        None
    );
    // A removed account's session ends, and so does one whose password hash changed.
    assert_eq!(
        Session::decode(b"secret-secret-secret", &v, &Accounts::default()),
        None
    );
    accounts.add("claire", Role::Qualite, "new-hash".to_string());
    assert_eq!(
        Session::decode(b"secret-secret-secret", &v, &accounts),
        None
    );
}

#[test]
fn passwords_verify() {
    let hash = hash_password("correct horse").expect("hash");
    let mut accounts = Accounts::default();
    accounts.add("a", Role::Agent, hash);
    assert_eq!(accounts.check("a", "correct horse"), Some(Role::Agent));
    assert_eq!(accounts.check("a", "wrong"), None);
    assert_eq!(accounts.check("b", "correct horse"), None);
}

#[test]
fn beyond_the_free_attempts_each_one_waits_longer_and_never_for_long() {
    let l = LoginLimiter::default();
    for _ in 0..FREE_ATTEMPTS_PER_ACCOUNT {
        assert!(l.reserve("1.2.3.4", "a").is_ok());
    }
    // The sixth waits about a second, from any address; another account is free.
    let wait = l.reserve("5.6.7.8", "a").expect_err("throttled");
    assert!(
        wait <= Duration::from_secs(1) && wait > Duration::ZERO,
        "{wait:?}"
    );
    assert!(l.reserve("1.2.3.4", "b").is_ok());
    assert_eq!(delay(5, 5, MAX_DELAY_ACCOUNT), Duration::from_secs(1));
    assert_eq!(delay(7, 5, MAX_DELAY_ACCOUNT), Duration::from_secs(4));
    assert_eq!(delay(60, 5, MAX_DELAY_ACCOUNT), MAX_DELAY_ACCOUNT);
    assert_eq!(delay(4, 5, MAX_DELAY_ACCOUNT), Duration::ZERO);
}

#[test]
fn parallel_guesses_get_no_more_checks_than_the_free_attempts() {
    let l = std::sync::Arc::new(LoginLimiter::default());
    let granted: usize = (0..100)
        .map(|_| {
            let l = l.clone();
            std::thread::spawn(move || l.reserve("9.9.9.9", "victim").is_ok())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| usize::from(t.join().expect("thread")))
        .sum();
    assert_eq!(granted, FREE_ATTEMPTS_PER_ACCOUNT);
}

#[test]
fn a_success_gives_the_account_back_its_free_attempts() {
    let l = LoginLimiter::default();
    for _ in 0..FREE_ATTEMPTS_PER_ACCOUNT - 1 {
        l.reserve("1.2.3.4", "a").expect("free");
    }
    let ok = l.reserve("1.2.3.4", "a").expect("free");
    l.succeeded(ok);
    for _ in 0..FREE_ATTEMPTS_PER_ACCOUNT {
        assert!(l.reserve("1.2.3.4", "a").is_ok());
    }
}
