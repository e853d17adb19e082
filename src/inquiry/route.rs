//! How to answer an inquiry: the channel and address a reply goes to (personal data, stored with
//! the inquiry).

use serde::{Deserialize, Serialize};

use super::Message;

/// How to answer an inquiry; stored with it (personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "transport", rename_all = "lowercase")]
pub enum Route {
    /// By mail, in the citizen's thread.
    Mail {
        to: String,
        name: Option<String>,
        message_id: Option<String>,
        references: Vec<String>,
    },
    /// In the chat channel where the citizen wrote.
    Discord {
        channel_id: String,
        message_id: String,
    },
    /// No written answer channel (a phone call without address).
    None,
}

impl Route {
    /// The reply route of a mail: its sender, in its thread.
    pub fn mail(message: &Message) -> Route {
        match &message.from {
            Some(from) => Route::Mail {
                to: from.email.clone(),
                name: from.name.clone(),
                message_id: message.message_id.clone(),
                references: message.references.clone(),
            },
            None => Route::None,
        }
    }
}
