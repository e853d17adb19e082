//! Published answer delays (temporary stand-in until the `calendar` branch is merged).

use crate::assets::Source;
use crate::inquiry::{Channel, Kind, Topic};

/// The engagements could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EngagementError {
    #[error("{0}")]
    Invalid(String),
}

/// Answer and acknowledgement delays in working days.
#[derive(Debug, Clone, Default)]
pub struct Engagements;

impl Engagements {
    pub fn load(_source: &Source) -> Result<Engagements, EngagementError> {
        Ok(Engagements)
    }

    pub fn embedded() -> Engagements {
        Engagements
    }

    pub fn answer_days(&self, channel: Channel, _kind: Kind, topic: Topic) -> u32 {
        if topic == Topic::Reclamation {
            return 10;
        }
        match channel {
            Channel::Chat => 1,
            Channel::Courrier => 10,
            _ => 5,
        }
    }

    pub fn acknowledgement_days(&self, channel: Channel) -> Option<u32> {
        match channel {
            Channel::Mail | Channel::Formulaire => Some(0),
            _ => None,
        }
    }
}
