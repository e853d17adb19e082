//! The composition root: the system assembled once from the configuration — the ledger, what the
//! rules and templates know, the one pipeline over both, the web views — and the channels each
//! command picks from it (`serve` all that is configured, `discord`, `web`, `sync` and `demo`
//! one or two). Nothing else loads the FAQ, the templates or the engagements for a service.

use std::sync::Arc;

use crate::assets::Source;
use crate::calendar::Calendar;
use crate::config::Config;
use crate::discord::{Settings, SettingsError};
use crate::pipeline::{Knowledge, KnowledgeError, Pipeline};
use crate::service::{MailChannel, ServiceError};
use crate::store::{Store, StoreError, StoreSettings};
use crate::web::{ViewError, Views, WebError, WebState};

/// The assembly failed: invalid data or templates, or the database cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    #[error("loading rules and templates: {0}")]
    Knowledge(#[from] KnowledgeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("loading the web templates: {0}")]
    Views(#[from] ViewError),
}

/// The system, built once per process.
#[derive(Clone)]
pub struct Guichet {
    /// The one flow every channel goes through (it holds the store and the knowledge).
    pub pipeline: Pipeline,
    /// The web pages' templates.
    pub views: Arc<Views>,
}

impl Guichet {
    /// Loads the FAQ, templates and engagements, opens (and migrates) the ledger.
    pub async fn from_config(config: &Config) -> Result<Guichet, RootError> {
        let knowledge = Knowledge::load(config)?;
        let views = Views::load(&Source::templates(config))?;
        let store = open_store(config, &knowledge).await?;
        Ok(Guichet {
            pipeline: Pipeline::new(store, knowledge),
            views: Arc::new(views),
        })
    }

    pub fn store(&self) -> &Store {
        &self.pipeline.store
    }

    /// The mail channel (IMAP intake and SMTP sending) from `[mail]`.
    pub async fn mail(&self, config: &Config) -> Result<MailChannel, ServiceError> {
        MailChannel::from_config(config, self.pipeline.clone()).await
    }

    /// The Discord bot's settings from `[discord]`.
    pub fn discord(&self, config: &Config) -> Result<Settings, SettingsError> {
        Settings::from_config(&config.discord)
    }

    /// The web server's state from `[web]`, over this pipeline and these views.
    pub fn web(&self, config: &Config) -> Result<WebState, WebError> {
        WebState::new(config, self.pipeline.clone(), self.views.clone())
    }
}

/// The ledger with the engagements and calendar the knowledge already holds.
async fn open_store(config: &Config, knowledge: &Knowledge) -> Result<Store, StoreError> {
    let settings = StoreSettings {
        engagements: knowledge.engagements.clone(),
        calendar: Calendar::new(config.calendar.whit_monday_worked),
        reference_prefix: config.territory.reference_prefix.clone(),
    };
    Store::open_with(&config.database_url(), settings).await
}
