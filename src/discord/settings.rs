//! The `[discord]` configuration checked and typed once at start-up: every id parsed, every
//! missing key named, so the bot never discovers a typo in the middle of an agent's click.

use std::collections::HashSet;
use std::time::Duration;

use serenity::model::id::{ChannelId, GuildId, RoleId};

use crate::config::{DiscordConfig, Secret};
use crate::inquiry::Kind;

/// Discord's own API, used when `api_url` is empty.
pub const DISCORD_API: &str = "https://discord.com";

/// A `[discord]` key is missing or invalid.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("discord.{key}: {message}")]
    Invalid { key: String, message: String },
}

/// The typed Discord settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: Secret,
    /// `None`: Discord itself, through serenity's rate limiter. `Some`: an HTTP proxy in front
    /// of Discord's API that does its own rate limiting (twilight-http-proxy, a Discord stand-in);
    /// see [`Settings::ratelimiter_disabled`].
    pub api_url: Option<String>,
    pub guild: GuildId,
    pub public_channels: HashSet<ChannelId>,
    pub default_channel: ChannelId,
    /// Agents' channels by kind (kinds without an entry use `default_channel`).
    pub kind_channels: Vec<(Kind, ChannelId)>,
    pub agent_role: RoleId,
    pub quality_role: RoleId,
    pub console_url: String,
    /// Hour of the working-morning reminders (Paris time).
    pub reminder_hour: u32,
    /// How often the outbox and new drafts are looked at (woken early after each action).
    pub tick: Duration,
}

fn snowflake(key: &str, value: &str) -> Result<u64, SettingsError> {
    let invalid = |message: String| SettingsError::Invalid {
        key: key.to_string(),
        message,
    };
    let v = value.trim();
    if v.is_empty() {
        return Err(invalid("missing (a Discord id, digits only)".to_string()));
    }
    match v.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(invalid(format!("`{v}` is not a Discord id (digits only)"))),
    }
}

impl Settings {
    /// Checks and types the configuration; the error names the key.
    pub fn from_config(c: &DiscordConfig) -> Result<Settings, SettingsError> {
        if c.token.is_empty() {
            return Err(SettingsError::Invalid {
                key: "token".to_string(),
                message: "missing (set GUICHET_DISCORD_TOKEN)".to_string(),
            });
        }
        let api_url = match c.api_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                // The proxy replaces `https://discord.com`: the API path follows it.
                let base = u.trim_end_matches('/');
                Some(base.strip_suffix("/api/v10").unwrap_or(base).to_string())
            }
            Some(u) => {
                return Err(SettingsError::Invalid {
                    key: "api_url".to_string(),
                    message: format!("`{u}` must start with http:// or https://"),
                })
            }
        };
        let mut public_channels = HashSet::new();
        for (i, ch) in c.public_channels.iter().enumerate() {
            let id = snowflake(&format!("public_channels[{i}]"), ch)?;
            public_channels.insert(ChannelId::new(id));
        }
        let a = &c.agents_channels;
        let default_channel = ChannelId::new(snowflake("agents_channels.default", &a.default)?);
        let mut kind_channels = Vec::new();
        for (kind, value) in [
            (Kind::Siege, &a.siege),
            (Kind::Piscine, &a.piscine),
            (Kind::Conservatoire, &a.conservatoire),
            (Kind::Mediatheque, &a.mediatheque),
            (Kind::Theatre, &a.theatre),
            (Kind::Autre, &a.autre),
        ] {
            if !value.trim().is_empty() {
                let key = format!("agents_channels.{}", kind.as_str());
                kind_channels.push((kind, ChannelId::new(snowflake(&key, value)?)));
            }
        }
        let reminder_hour = match c.reminder_hour {
            0 => 8,
            h if h < 24 => h,
            h => {
                return Err(SettingsError::Invalid {
                    key: "reminder_hour".to_string(),
                    message: format!("{h} is not an hour (0-23)"),
                })
            }
        };
        Ok(Settings {
            token: c.token.clone(),
            api_url,
            guild: GuildId::new(snowflake("guild_id", &c.guild_id)?),
            public_channels,
            default_channel,
            kind_channels,
            agent_role: RoleId::new(snowflake("agent_role", &c.agent_role)?),
            quality_role: RoleId::new(snowflake("quality_role", &c.quality_role)?),
            console_url: c.console_url.trim_end_matches('/').to_string(),
            reminder_hour,
            tick: Duration::from_secs(5),
        })
    }

    /// True when serenity's own rate limiter is left off: only behind `api_url`. Serenity 0.12's
    /// limiter builds every request for `https://discord.com` and ignores the proxy (so with it
    /// on, `api_url` would be silently bypassed); a proxy is, as serenity's documentation says,
    /// where rate limiting is delegated. Straight to Discord, the limiter is always on.
    pub fn ratelimiter_disabled(&self) -> bool {
        self.api_url.is_some()
    }

    /// The agents' channel where drafts of this kind are posted.
    pub fn agents_channel(&self, kind: Kind) -> ChannelId {
        self.kind_channels
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, c)| *c)
            .unwrap_or(self.default_channel)
    }

    /// Every agents' channel, each once (for the reminders).
    pub fn all_agents_channels(&self) -> Vec<ChannelId> {
        let mut all = vec![self.default_channel];
        for (_, c) in &self.kind_channels {
            if !all.contains(c) {
                all.push(*c);
            }
        }
        all
    }

    /// The web console page of an inquiry.
    pub fn console_link(&self, id: i64) -> String {
        format!("{}/console/{id}", self.console_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DiscordConfig {
        let mut c = DiscordConfig {
            token: Secret::new("t"),
            guild_id: "10".into(),
            public_channels: vec!["11".into()],
            agent_role: "12".into(),
            quality_role: "13".into(),
            ..DiscordConfig::default()
        };
        c.agents_channels.default = "20".into();
        c.agents_channels.piscine = "21".into();
        c
    }

    #[test]
    fn valid_config_is_typed_and_routes_kinds() {
        let s = Settings::from_config(&config()).unwrap();
        assert_eq!(s.agents_channel(Kind::Piscine), ChannelId::new(21));
        assert_eq!(s.agents_channel(Kind::Theatre), ChannelId::new(20));
        assert_eq!(s.all_agents_channels().len(), 2);
        assert_eq!(s.reminder_hour, 8);
        assert!(!s.ratelimiter_disabled(), "straight to Discord: limiter on");
    }

    #[test]
    fn a_proxy_url_is_honoured_and_takes_over_rate_limiting() {
        let mut c = config();
        c.api_url = Some("http://127.0.0.1:3000/api/v10/".into());
        let s = Settings::from_config(&c).unwrap();
        assert_eq!(s.api_url.as_deref(), Some("http://127.0.0.1:3000"));
        assert!(s.ratelimiter_disabled());
        let http = super::super::build_http(&s);
        assert_eq!(http.proxy.as_deref(), Some("http://127.0.0.1:3000"));
        assert!(http.ratelimiter.is_none());
        c.api_url = Some("ftp://x".into());
        assert!(Settings::from_config(&c).is_err());
    }

    #[test]
    fn errors_name_the_key() {
        let mut c = config();
        c.agents_channels.theatre = "abc".into();
        let e = Settings::from_config(&c).unwrap_err().to_string();
        assert!(e.starts_with("discord.agents_channels.theatre:"), "{e}");
        let mut c = config();
        c.agent_role = String::new();
        let e = Settings::from_config(&c).unwrap_err().to_string();
        assert!(e.starts_with("discord.agent_role: missing"), "{e}");
        let mut c = config();
        c.token = Secret::default();
        assert!(Settings::from_config(&c)
            .unwrap_err()
            .to_string()
            .contains("GUICHET_DISCORD_TOKEN"));
    }
}
