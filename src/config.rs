//! One typed configuration, loaded once: embedded defaults, then `guichet.toml`, then `GUICHET_*`
//! environment variables (which win).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
}

/// Everything guichet needs to know about its deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database and other state live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// A directory replacing the embedded `faq/` (catalogue, rules, engagements).
    pub faq_dir: Option<PathBuf>,
    /// A directory replacing the embedded `templates/`.
    pub templates_dir: Option<PathBuf>,
    pub territory: Territory,
    pub calendar: CalendarConfig,
    pub mail: MailConfig,
    pub discord: DiscordConfig,
    pub web: WebConfig,
}

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

/// A secret (the bot token, mail passwords and tokens): never printed, never serialised in clear.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that needs it (the HTTP client).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() { "" } else { "***" })
    }
}

/// The Discord bot: ids are strings here (snowflakes), checked and typed at start-up.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// Bot token (`GUICHET_DISCORD_TOKEN`); prefer the environment to the file.
    pub token: Secret,
    /// API base (`GUICHET_DISCORD_API_URL`); Discord's own when empty.
    pub api_url: Option<String>,
    pub guild_id: String,
    /// Channels where the public writes.
    pub public_channels: Vec<String>,
    /// The agents' channel per facility kind; `default` for kinds without one.
    pub agents_channels: AgentChannels,
    /// Members with this role may approve, edit, reassign, reject.
    pub agent_role: String,
    /// Members with this role may read the indicators.
    pub quality_role: String,
    /// Base URL of the web console (`{console_url}/console/{id}`).
    pub console_url: String,
    /// Hour (Paris time) of the working-morning reminders.
    pub reminder_hour: u32,
}

/// The agents' channel of each facility kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentChannels {
    pub default: String,
    pub siege: String,
    pub piscine: String,
    pub conservatoire: String,
    pub mediatheque: String,
    pub theatre: String,
    pub autre: String,
}

impl DiscordConfig {
    /// True when a bot is configured at all (a token is set).
    pub fn is_configured(&self) -> bool {
        !self.token.is_empty()
    }

    /// True when any Discord key is set: then the whole section must be valid.
    pub fn is_set(&self) -> bool {
        self.is_configured()
            || !self.guild_id.trim().is_empty()
            || !self.public_channels.is_empty()
            || !self.agents_channels.default.trim().is_empty()
    }
}

/// Outgoing mail policy (the IMAP/SMTP connection settings live with the mail channel).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The address replies and acknowledgements come from (`GUICHET_FROM`).
    pub from: String,
    /// Our own addresses: never acknowledged (loop protection), besides `from`.
    pub own_addresses: Vec<String>,
    /// At most this many acknowledgements per sender per day.
    pub ack_per_sender_per_day: u32,
    /// `imaps://USER@HOST/INBOX`, `imap://…` (STARTTLS; plain only on loopback); user
    /// percent-encoded, mailbox as path (`GUICHET_IMAP_URL`).
    pub imap_url: Option<String>,
    /// IMAP LOGIN password (`GUICHET_IMAP_PASSWORD`).
    pub imap_password: Option<Secret>,
    /// XOAUTH2 bearer token (`GUICHET_IMAP_TOKEN`), used instead of the password.
    pub imap_token: Option<Secret>,
    /// An extra trusted CA (PEM) for a server with a private certificate (`GUICHET_IMAP_CA_FILE`).
    pub imap_ca_file: Option<PathBuf>,
    /// A command printing a fresh XOAUTH2 token (`GUICHET_IMAP_TOKEN_COMMAND`), run through `sh -c`.
    pub imap_token_command: Option<String>,
    /// lettre syntax: `smtps://USER@HOST`, `smtp://HOST:587?tls=required`, `smtp://127.0.0.1:2525`
    /// (`GUICHET_SMTP_URL`); keep the password out of it.
    pub smtp_url: Option<String>,
    /// SMTP password (`GUICHET_SMTP_PASSWORD`); with `smtp_xoauth2`, the IMAP token source is used.
    pub smtp_password: Option<Secret>,
    /// Authenticate to SMTP with XOAUTH2 and the IMAP token source.
    pub smtp_xoauth2: bool,
    /// Mail received more than this many days before the first start is history (never
    /// acknowledged) (`GUICHET_MAIL_HISTORY_DAYS`).
    pub history_days: u32,
    /// Messages per `UID FETCH` during backfill and catch-up.
    pub batch_size: u32,
    /// Above this size a mail is read as headers and the beginning of its first part only.
    pub max_message_bytes: u32,
    /// Where copies of sent mail go (APPEND) and where a retry looks before sending again.
    pub sent_folder: String,
    /// Server-side sorting: set a `guichet-KIND` keyword on each inquiry's mail.
    pub sort_keywords: bool,
    /// Server-side sorting: MOVE the mail of a kind (`piscine`, `automatic`…) to a folder; never
    /// deletes.
    pub sort_folders: std::collections::BTreeMap<String, String>,
    /// Seconds before IDLE is re-issued (servers drop it after 30 min).
    pub idle_refresh_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "contact@valleesud.example".to_string(),
            own_addresses: Vec::new(),
            ack_per_sender_per_day: 5,
            imap_url: None,
            imap_password: None,
            imap_token: None,
            imap_token_command: None,
            imap_ca_file: None,
            smtp_url: None,
            smtp_password: None,
            smtp_xoauth2: false,
            history_days: 7,
            batch_size: 200,
            max_message_bytes: 25 * 1024 * 1024,
            sent_folder: "Sent".to_string(),
            sort_keywords: false,
            sort_folders: Default::default(),
            idle_refresh_secs: 25 * 60,
        }
    }
}

impl MailConfig {
    /// True for the territory's own addresses (compared case-insensitively).
    pub fn is_own_address(&self, email: &str) -> bool {
        let email = email.trim();
        email.eq_ignore_ascii_case(self.from.trim())
            || self
                .own_addresses
                .iter()
                .any(|a| a.trim().eq_ignore_ascii_case(email))
    }

    /// The domain used in Message-IDs we create.
    pub fn message_id_domain(&self) -> &str {
        self.from
            .rsplit_once('@')
            .map(|(_, d)| d.trim())
            .filter(|d| !d.is_empty())
            .unwrap_or("guichet.invalid")
    }
}

/// The territory's identity, used in signatures and acknowledgements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Territory {
    pub name: String,
    /// The service in charge of answering (CRPA R112-5 mention).
    pub service: String,
    /// Postal address of that service; empty until confirmed.
    pub address: String,
    pub phone: String,
    pub email: String,
    pub web: String,
    /// Prefix of inquiry references put in subjects: `[VSGP-…]`.
    pub reference_prefix: String,
}

/// Working-day settings.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// Whit Monday ("journée de solidarité") is worked by the territory's staff.
    pub whit_monday_worked: bool,
}

impl Default for Territory {
    fn default() -> Self {
        Territory {
            name: "Vallée Sud – Grand Paris".to_string(),
            service: "Service relations usagers".to_string(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            web: String::new(),
            reference_prefix: "VSGP".to_string(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("guichet-data"),
            database_url: None,
            faq_dir: None,
            templates_dir: None,
            territory: Territory::default(),
            calendar: CalendarConfig::default(),
            mail: MailConfig::default(),
            discord: DiscordConfig::default(),
            web: WebConfig::default(),
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (when given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Environment overrides; `get` is injected so tests need not touch the process environment.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = get("GUICHET_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("GUICHET_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = get("GUICHET_FAQ_DIR") {
            self.faq_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("GUICHET_TEMPLATES_DIR") {
            self.templates_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("GUICHET_WEB_SECRET") {
            self.web.secret = Some(v);
        }
        if let Some(v) = get("GUICHET_WEB_BASE_URL") {
            self.web.base_url = Some(v);
        }
        if let Some(v) = get("GUICHET_WEB_LISTEN") {
            self.web.listen = v;
        }
        if let Some(v) = get("GUICHET_DISCORD_TOKEN") {
            self.discord.token = Secret::new(v);
        }
        if let Some(v) = get("GUICHET_DISCORD_API_URL") {
            self.discord.api_url = Some(v);
        }
        if let Some(v) = get("GUICHET_FROM") {
            self.mail.from = v;
        }
        let mail = &mut self.mail;
        for (name, slot) in [
            ("GUICHET_IMAP_URL", &mut mail.imap_url),
            ("GUICHET_IMAP_TOKEN_COMMAND", &mut mail.imap_token_command),
            ("GUICHET_SMTP_URL", &mut mail.smtp_url),
        ] {
            if let Some(v) = get(name) {
                *slot = Some(v);
            }
        }
        for (name, slot) in [
            ("GUICHET_IMAP_PASSWORD", &mut mail.imap_password),
            ("GUICHET_IMAP_TOKEN", &mut mail.imap_token),
            ("GUICHET_SMTP_PASSWORD", &mut mail.smtp_password),
        ] {
            if let Some(v) = get(name) {
                *slot = Some(Secret(v));
            }
        }
        if let Some(v) = get("GUICHET_IMAP_CA_FILE") {
            mail.imap_ca_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("GUICHET_MAIL_HISTORY_DAYS") {
            mail.history_days = v.parse().map_err(|_| ConfigError::Env {
                name: "GUICHET_MAIL_HISTORY_DAYS".to_string(),
                message: format!("expected a number of days, got `{v}`"),
            })?;
        }
        if let Some(v) = get("GUICHET_WHIT_MONDAY_WORKED") {
            self.calendar.whit_monday_worked = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => {
                    return Err(ConfigError::Env {
                        name: "GUICHET_WHIT_MONDAY_WORKED".to_string(),
                        message: format!("expected true or false, got `{v}`"),
                    })
                }
            };
        }
        Ok(())
    }

    /// The database URL in use: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("guichet.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_wins_over_file_values() {
        let mut config: Config = toml::from_str("database_url = \"sqlite://a.db\"").unwrap();
        config
            .apply_env(|n| (n == "GUICHET_DATABASE_URL").then(|| "postgres://x/y".to_string()))
            .unwrap();
        assert_eq!(config.database_url(), "postgres://x/y");
    }

    #[test]
    fn secrets_never_print() {
        let mut config = Config::default();
        config
            .apply_env(|n| (n == "GUICHET_IMAP_PASSWORD").then(|| "hunter2".to_string()))
            .unwrap();
        assert_eq!(
            config.mail.imap_password.as_ref().unwrap().expose(),
            "hunter2"
        );
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(!toml::to_string(&config).unwrap().contains("hunter2"));
    }

    #[test]
    fn the_discord_token_is_never_printed() {
        let mut config: Config = toml::from_str("[discord]\nguild_id = \"1\"").unwrap();
        config
            .apply_env(|n| (n == "GUICHET_DISCORD_TOKEN").then(|| "s3cr3t-t0ken".to_string()))
            .unwrap();
        assert_eq!(config.discord.token.expose(), "s3cr3t-t0ken");
        assert!(!format!("{config:?}").contains("s3cr3t"));
        assert!(!serde_json::to_string(&config).unwrap().contains("s3cr3t"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("databse_url = \"x\"").is_err());
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let config = Config::default();
        assert!(config.database_url().starts_with("sqlite://"));
        assert!(config.database_url().ends_with("guichet.db"));
    }
}
