//! Who is asking: accounts from the configuration (argon2 hashes), sessions in HMAC-signed
//! cookies bound to the account's password hash, CSRF double-submit tokens bound to the session,
//! and the login rate limiter.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::HeaderMap;
use chrono::Utc;

use crate::config::WebUser;
use crate::survey::{constant_time_eq, mac};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "guichet_session";
/// Name of the CSRF cookie (a random nonce; forms carry a token derived from it).
pub const CSRF_COOKIE: &str = "guichet_csrf";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// What an account may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Quality staff: indicators, satisfaction, overdue list.
    Qualite,
    /// Agents: the overdue list.
    Agent,
    /// Everything.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Qualite, Role::Agent, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Qualite => "qualite",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    /// May read the indicators and satisfaction.
    pub fn sees_indicators(self) -> bool {
        matches!(self, Role::Qualite | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of `qualite`, `agent`, `admin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}` (expected qualite, agent or admin)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// An account or password problem.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("web.users: account `{0}`: {1}")]
    Account(String, String),
    #[error("invalid account name `{0}`: use letters, digits, `.`, `-` or `_`")]
    Name(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
}

/// True for names usable as account names (and safe in cookies and logs).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// An argon2id PHC string for a password.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&crate::secret::random_bytes(16)?)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The accounts allowed to log in.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    users: HashMap<String, (Role, String)>,
}

impl Accounts {
    /// Validates the configured accounts: names, roles and hashes.
    pub fn from_config(users: &[WebUser]) -> Result<Accounts, AuthError> {
        let mut accounts = Accounts::default();
        for u in users {
            if !valid_name(&u.name) {
                return Err(AuthError::Name(u.name.clone()));
            }
            let role = u
                .role
                .parse::<Role>()
                .map_err(|e| AuthError::Account(u.name.clone(), e.to_string()))?;
            PasswordHash::new(&u.hash).map_err(|e| {
                AuthError::Account(u.name.clone(), format!("invalid argon2 hash: {e}"))
            })?;
            accounts
                .users
                .insert(u.name.clone(), (role, u.hash.clone()));
        }
        Ok(accounts)
    }

    pub fn add(&mut self, name: &str, role: Role, hash: String) {
        self.users.insert(name.to_string(), (role, hash));
    }

    pub fn role(&self, name: &str) -> Option<Role> {
        self.users.get(name).map(|(role, _)| *role)
    }

    /// A short MAC of the account's current password hash: a session carries it, so a new hash
    /// in the configuration (a password change) ends the account's older sessions.
    pub fn fingerprint(&self, secret: &[u8], name: &str) -> Option<String> {
        self.users
            .get(name)
            .map(|(_, hash)| hex::encode(&mac(secret, "session-password", hash.as_bytes())[..8]))
    }

    /// The role of the account when the password is right. An unknown name costs the same time
    /// as a wrong password.
    pub fn check(&self, name: &str, password: &str) -> Option<Role> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        match self.users.get(name) {
            Some((role, hash)) => verify_password(password, hash).then_some(*role),
            None => {
                let dummy = DUMMY.get_or_init(|| hash_password("dummy").unwrap_or_default());
                let _ = verify_password(password, dummy);
                None
            }
        }
    }
}

/// A logged-in user, as read from a valid session cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub name: String,
    pub role: Role,
    pub expires: i64,
    /// Random per login; binds CSRF tokens to this session and names it when it is ended.
    pub nonce: String,
    /// [`Accounts::fingerprint`] of the password hash the session was started with.
    pub password: String,
}

impl Session {
    /// A new session for an account, valid [`SESSION_SECONDS`], bound to its password hash.
    pub fn start(
        secret: &[u8],
        accounts: &Accounts,
        name: &str,
        role: Role,
    ) -> Result<Session, AuthError> {
        Ok(Session {
            name: name.to_string(),
            role,
            expires: Utc::now().timestamp() + SESSION_SECONDS,
            nonce: hex::encode(crate::secret::random_bytes(16)?),
            password: accounts.fingerprint(secret, name).unwrap_or_default(),
        })
    }

    /// When the session was started (seconds).
    pub fn started(&self) -> i64 {
        self.expires - SESSION_SECONDS
    }

    /// The signed cookie value: hex payload `.` hex HMAC.
    pub fn encode(&self, secret: &[u8]) -> String {
        let payload = format!(
            "{}\n{}\n{}\n{}\n{}",
            self.name, self.role, self.expires, self.nonce, self.password
        );
        let sig = mac(secret, "session", payload.as_bytes());
        format!("{}.{}", hex::encode(payload), hex::encode(sig))
    }

    /// A session from a cookie value: signature checked, not expired, account still existing with
    /// the same role (removing an account from the configuration ends its sessions) and the same
    /// password hash (changing it ends them too). Ended sessions are refused by the caller.
    pub fn decode(secret: &[u8], value: &str, accounts: &Accounts) -> Option<Session> {
        let (payload, sig) = value.split_once('.')?;
        let payload = hex::decode(payload).ok()?;
        let sig = hex::decode(sig).ok()?;
        if !constant_time_eq(&sig, &mac(secret, "session", &payload)) {
            return None;
        }
        let payload = String::from_utf8(payload).ok()?;
        let mut parts = payload.split('\n');
        let name = parts.next()?.to_string();
        let role: Role = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let nonce = parts.next()?.to_string();
        let password = parts.next()?.to_string();
        if expires < Utc::now().timestamp() || accounts.role(&name) != Some(role) {
            return None;
        }
        let current = accounts.fingerprint(secret, &name)?;
        if !constant_time_eq(current.as_bytes(), password.as_bytes()) {
            return None;
        }
        Some(Session {
            name,
            role,
            expires,
            nonce,
            password,
        })
    }
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The CSRF token a form must carry: bound to the CSRF cookie and, once logged in, the session.
pub fn csrf_token(secret: &[u8], nonce: &str, session: Option<&Session>) -> String {
    let bound = format!("{nonce}\n{}", session.map_or("", |s| s.nonce.as_str()));
    hex::encode(&mac(secret, "csrf", bound.as_bytes())[..20])
}

/// True when the form's token matches the request's CSRF cookie (and session).
pub fn csrf_ok(secret: &[u8], headers: &HeaderMap, session: Option<&Session>, token: &str) -> bool {
    match cookie(headers, CSRF_COOKIE) {
        Some(nonce) if nonce.len() >= 16 => constant_time_eq(
            token.as_bytes(),
            csrf_token(secret, nonce, session).as_bytes(),
        ),
        _ => false,
    }
}

/// Attempts per account within [`WINDOW`] before each further one must wait.
pub const FREE_ATTEMPTS_PER_ACCOUNT: usize = 5;
/// Attempts per client address within [`WINDOW`] before each further one must wait.
pub const FREE_ATTEMPTS_PER_IP: usize = 20;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait between two attempts on one account (an attacker can slow a colleague's
/// login down this much, never lock it out).
pub const MAX_DELAY_ACCOUNT: Duration = Duration::from_secs(30);
/// The longest wait between two attempts from one address.
pub const MAX_DELAY_IP: Duration = Duration::from_secs(120);

/// Throttles logins per account and per client address with growing delays: beyond the free
/// attempts, each new one waits 1 s, 2 s, 4 s… (capped) after the previous. An attempt is
/// reserved — counted as a failure — atomically *before* its password is checked, so parallel
/// guesses cannot all slip through between a check and its count; a success gives the account's
/// reservation back. In memory, per instance.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

/// A reserved attempt: pass it back to [`LoginLimiter::succeeded`] when the password was right.
#[derive(Debug)]
pub struct Reservation {
    account: String,
    at: Instant,
}

fn delay(attempts: usize, free: usize, cap: Duration) -> Duration {
    match attempts.checked_sub(free) {
        None => Duration::ZERO,
        Some(over) => Duration::from_secs(1_u64 << over.min(16)).min(cap),
    }
}

impl LoginLimiter {
    /// Reserves an attempt for `account` from `ip`, or says how long to wait.
    pub fn reserve(&self, ip: &str, account: &str) -> Result<Reservation, Duration> {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        let keys = [
            (format!("ip:{ip}"), FREE_ATTEMPTS_PER_IP, MAX_DELAY_IP),
            (
                format!("account:{account}"),
                FREE_ATTEMPTS_PER_ACCOUNT,
                MAX_DELAY_ACCOUNT,
            ),
        ];
        let mut wait = Duration::ZERO;
        for (key, free, cap) in &keys {
            let list = map.entry(key.clone()).or_default();
            list.retain(|t| now.duration_since(*t) < WINDOW);
            if let Some(last) = list.last() {
                let due = *last + delay(list.len(), *free, *cap);
                wait = wait.max(due.saturating_duration_since(now));
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for (key, _, _) in keys {
            map.entry(key).or_default().push(now);
        }
        Ok(Reservation {
            account: account.to_string(),
            at: now,
        })
    }

    /// The password was right: the account's failures are forgotten (the address keeps its count).
    pub fn succeeded(&self, reservation: Reservation) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("account:{}", reservation.account));
        let _ = reservation.at;
    }
}

#[cfg(test)]
mod tests;
