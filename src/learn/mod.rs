//! What guichet learns from its agents, as pure functions: every decision is a label that says
//! whether the sorting at intake was right ([`accuracy`]); a value typed in place of a marker
//! ([`markers`]) becomes a proposed fact of a facility ([`facts`]) that an admin confirms.

pub mod accuracy;
pub mod examples;
pub mod export;
pub mod facts;
pub mod markers;
pub mod present;
pub mod pseudonym;

pub use accuracy::{judge, AccuracyReport, Judged, LabelStep, Labels, Tally, Verdict};
pub use facts::{overlay, recognise, FactField, LearnedFact};
pub use markers::{filled, Filled};
