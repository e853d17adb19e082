//! `guichet check` for the mailboxes: each entry's URL and credentials, unique names and
//! folders, and a default facility the catalogue knows.

use std::collections::HashSet;

use super::ImapSettings;
use crate::config::MailConfig;
use crate::faq::Faq;

/// Problems of the configured mailboxes, one sentence each (empty when all is well).
pub fn mailbox_problems(mail: &MailConfig, faq: Option<&Faq>) -> Vec<String> {
    let mut problems = Vec::new();
    if mail.imap_url.is_some() && !mail.mailbox.is_empty() {
        problems.push(
            "mail: both imap_url and [[mail.mailbox]] are set; imap_url is ignored: \
             make it a [[mail.mailbox]] entry (name = its folder keeps its cursor)"
                .to_string(),
        );
    }
    let mut names = HashSet::new();
    let mut places = HashSet::new();
    for m in mail.mailboxes() {
        let what = format!("mail.mailbox `{}`", m.name);
        if !names.insert(m.name.clone()) {
            problems.push(format!("{what}: the name is used twice"));
        }
        match ImapSettings::from_mailbox(&m) {
            Ok(s) => {
                if !places.insert((s.user.clone(), s.host.clone(), s.port, s.mailbox.clone())) {
                    problems.push(format!(
                        "{what}: folder {} of {} is read by another entry already",
                        s.mailbox, s.user
                    ));
                }
            }
            Err(e) => problems.push(format!("{what}: {e}")),
        }
        if let (Some(f), Some(faq)) = (&m.facility, faq) {
            if faq.catalogue.facility_by_str(f).is_none() {
                problems.push(format!(
                    "{what}: facility `{f}` is not in the catalogue (facilities.toml)"
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{MailboxConfig, Secret};

    fn entry(name: &str, url: &str) -> MailboxConfig {
        MailboxConfig {
            name: name.to_string(),
            url: url.to_string(),
            password: Some(Secret::new("pw")),
            ..MailboxConfig::default()
        }
    }

    #[test]
    fn duplicate_names_folders_and_missing_credentials_are_reported() {
        let mut nopass = entry("c", "imap://c@127.0.0.1/INBOX");
        nopass.password = None;
        let mail = MailConfig {
            mailbox: vec![
                entry("a", "imap://u@127.0.0.1/INBOX"),
                entry("a", "imap://v@127.0.0.1/INBOX"),
                entry("b", "imap://u@127.0.0.1/INBOX"),
                nopass,
            ],
            ..MailConfig::default()
        };
        let p = mailbox_problems(&mail, None).join("\n");
        assert!(p.contains("`a`: the name is used twice"), "{p}");
        assert!(
            p.contains("`b`: folder INBOX of u is read by another entry"),
            "{p}"
        );
        assert!(p.contains("`c`: no IMAP credentials"), "{p}");
        let ok = MailConfig {
            mailbox: vec![
                entry("a", "imap://u@127.0.0.1/INBOX"),
                entry("b", "imap://u@127.0.0.1/Piscine"),
            ],
            ..MailConfig::default()
        };
        assert!(mailbox_problems(&ok, None).is_empty());
    }
}
