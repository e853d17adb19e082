//! One typed configuration, loaded once: embedded defaults, then `guichet.toml`, then `GUICHET_*`
//! environment variables (which win).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod discord;
mod mail;
mod mailbox;
mod web;

pub use discord::{AgentChannels, DiscordConfig, Secret};
pub use mail::MailConfig;
pub use mailbox::MailboxConfig;
pub use web::{WebConfig, WebUser};

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
                *slot = Some(Secret::new(v));
            }
        }
        mail.mailbox_secrets_from_env(&get);
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
