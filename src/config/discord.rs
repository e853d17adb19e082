//! Secrets that never print, and the Discord bot's settings (ids checked and typed at start-up).

use serde::{Deserialize, Serialize};

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
