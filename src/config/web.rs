//! The web dashboard's settings: where it listens, its public URL, its signing key, its accounts.

use serde::{Deserialize, Serialize};

/// The web dashboard, the satisfaction survey and the transparency page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// Address the web server listens on (`GUICHET_WEB_LISTEN`).
    pub listen: String,
    /// Public URL of the web server, e.g. `https://guichet.valleesud.fr` (`GUICHET_WEB_BASE_URL`);
    /// replies carry a survey link only when it is set.
    pub base_url: Option<String>,
    /// Key signing sessions, CSRF and survey tokens (`GUICHET_WEB_SECRET`); when absent, one is
    /// generated into `{data_dir}/web-secret`.
    pub secret: Option<String>,
    /// Dashboard accounts (`guichet user add` prints the entry).
    pub users: Vec<WebUser>,
    /// Addresses of the reverse proxies whose `X-Forwarded-For` names the client (for the login
    /// rate limit per address); empty: the connecting address is the client.
    pub trusted_proxies: Vec<String>,
}

/// One dashboard account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebUser {
    pub name: String,
    /// `qualite`, `agent` or `admin`.
    pub role: String,
    /// Argon2 PHC string.
    pub hash: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            listen: "127.0.0.1:8080".to_string(),
            base_url: None,
            secret: None,
            users: Vec::new(),
            trusted_proxies: Vec::new(),
        }
    }
}
