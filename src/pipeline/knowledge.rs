//! What the pipeline knows, loaded once: the FAQ (catalogue and rules), the templates, the
//! engagements, the working-day calendar and the outgoing-mail policy.

use crate::assets::Source;
use crate::calendar::Calendar;
use crate::config::{Config, MailConfig};
use crate::draft::Drafter;
use crate::engagement::Engagements;
use crate::faq::Faq;

/// Everything the rules and templates need, validated at load.
#[derive(Debug)]
pub struct Knowledge {
    pub faq: Faq,
    pub drafter: Drafter,
    pub engagements: Engagements,
    pub calendar: Calendar,
    pub mail: MailConfig,
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
        })
    }
}
