//! The mailboxes guichet reads: `[[mail.mailbox]]` entries (several accounts and folders into the
//! same pipeline and ledger), or the single `imap_url` of earlier configurations, which stays one
//! entry named after its folder so its cursor and source keys are unchanged.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{MailConfig, Secret};

/// One mailbox: where it is, how to log in, and what it says about the mail it holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MailboxConfig {
    /// Short unique name (`accueil`, `piscine-clamart`): the cursor, the mail's source keys,
    /// `/readyz` and `/metrics` use it. Keep it once mail has been taken in.
    pub name: String,
    /// `imaps://USER@HOST/FOLDER` or `imap://…`, as `imap_url`.
    pub url: String,
    /// LOGIN password; or `GUICHET_MAILBOX_<NAME>_PASSWORD` (name in capitals, `-` as `_`).
    pub password: Option<Secret>,
    /// XOAUTH2 token; or `GUICHET_MAILBOX_<NAME>_TOKEN`.
    pub token: Option<Secret>,
    /// A command printing a fresh XOAUTH2 token.
    pub token_command: Option<String>,
    /// An extra trusted CA (PEM).
    pub ca_file: Option<PathBuf>,
    /// The facility or service this mailbox belongs to: a hint for sorting when the mail names
    /// none, never a verdict over what the mail says.
    pub facility: Option<String>,
    /// This mailbox's own addresses: never acknowledged (loop protection), for every mailbox.
    pub own_addresses: Vec<String>,
}

impl MailboxConfig {
    /// The environment variable holding one of this mailbox's secrets.
    pub fn env_name(&self, what: &str) -> String {
        let name: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        format!("GUICHET_MAILBOX_{name}_{what}")
    }
}

impl MailConfig {
    /// Every mailbox to read: the `[[mail.mailbox]]` entries, else the single `imap_url` one.
    pub fn mailboxes(&self) -> Vec<MailboxConfig> {
        if !self.mailbox.is_empty() {
            return self.mailbox.clone();
        }
        let Some(url) = &self.imap_url else {
            return Vec::new();
        };
        let folder = url::Url::parse(url)
            .ok()
            .map(|u| {
                percent_encoding::percent_decode_str(u.path().trim_start_matches('/'))
                    .decode_utf8_lossy()
                    .to_string()
            })
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| "INBOX".to_string());
        vec![MailboxConfig {
            name: folder,
            url: url.clone(),
            password: self.imap_password.clone(),
            token: self.imap_token.clone(),
            token_command: self.imap_token_command.clone(),
            ca_file: self.imap_ca_file.clone(),
            facility: None,
            own_addresses: Vec::new(),
        }]
    }

    /// True when any mailbox is configured.
    pub fn has_mailbox(&self) -> bool {
        self.imap_url.is_some() || !self.mailbox.is_empty()
    }

    /// Reads `GUICHET_MAILBOX_<NAME>_PASSWORD` / `_TOKEN` into the entries.
    pub(super) fn mailbox_secrets_from_env(&mut self, get: &impl Fn(&str) -> Option<String>) {
        for m in &mut self.mailbox {
            if let Some(v) = get(&m.env_name("PASSWORD")) {
                m.password = Some(Secret::new(v));
            }
            if let Some(v) = get(&m.env_name("TOKEN")) {
                m.token = Some(Secret::new(v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_single_imap_url_is_one_mailbox_named_after_its_folder() {
        let mail = MailConfig {
            imap_url: Some("imap://u@127.0.0.1:1143/Accueil%20public".to_string()),
            imap_password: Some(Secret::new("pw")),
            ..MailConfig::default()
        };
        let boxes = mail.mailboxes();
        assert_eq!(boxes.len(), 1);
        assert_eq!(boxes[0].name, "Accueil public");
        assert!(MailConfig::default().mailboxes().is_empty());
    }

    #[test]
    fn mailbox_entries_take_their_secrets_from_the_environment() {
        let mut config: crate::config::Config = toml::from_str(
            "[[mail.mailbox]]\nname = \"piscine-clamart\"\nurl = \"imap://p@127.0.0.1/INBOX\"\nfacility = \"piscine-du-petit-clamart\"\n",
        )
        .unwrap();
        config
            .apply_env(|n| {
                (n == "GUICHET_MAILBOX_PISCINE_CLAMART_PASSWORD").then(|| "s3cret".to_string())
            })
            .unwrap();
        let boxes = config.mail.mailboxes();
        assert_eq!(
            boxes[0].password.as_ref().map(|s| s.expose()),
            Some("s3cret")
        );
        assert!(!format!("{config:?}").contains("s3cret"));
    }
}
