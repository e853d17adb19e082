//! What the pipeline knows, loaded once: the FAQ (catalogue and rules), the templates, the
//! engagements, the working-day calendar and the outgoing-mail policy.

use crate::assets::Source;
use crate::calendar::Calendar;
use crate::config::{Config, MailConfig};
use crate::draft::Drafter;
use crate::engagement::Engagements;
use crate::faq::Faq;
use crate::survey::SurveyLinks;

/// Everything the rules and templates need, validated at load.
#[derive(Debug)]
pub struct Knowledge {
    pub faq: Faq,
    pub drafter: Drafter,
    pub engagements: Engagements,
    pub calendar: Calendar,
    pub mail: MailConfig,
    /// Survey links put in replies; `None` when no web base URL is configured.
    pub survey: Option<SurveyLinks>,
}

/// The FAQ data, templates or engagements are invalid.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error(transparent)]
    Faq(#[from] crate::faq::FaqError),
    #[error(transparent)]
    Draft(#[from] crate::draft::DraftError),
    #[error(transparent)]
    Engagement(#[from] crate::engagement::EngagementError),
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
}

impl Knowledge {
    /// Loads the data named by the configuration (embedded by default).
    pub fn load(config: &Config) -> Result<Knowledge, KnowledgeError> {
        Ok(Knowledge {
            faq: Faq::load(&Source::faq(config))?,
            drafter: Drafter::load(&Source::templates(config), &config.territory)?,
            engagements: Engagements::load(&Source::faq(config))?,
            calendar: Calendar::new(config.calendar.whit_monday_worked),
            mail: config.mail.clone(),
            survey: match config.web.base_url.as_deref().map(str::trim) {
                Some(base) if !base.is_empty() => Some(SurveyLinks {
                    base_url: base.trim_end_matches('/').to_string(),
                    secret: crate::secret::web_secret(config)?.into(),
                }),
                _ => None,
            },
        })
    }
}
