//! What guichet learns from its agents, as pure functions: every decision is a label that says
//! whether the sorting at intake was right ([`accuracy`]).

pub mod accuracy;
pub mod present;

pub use accuracy::{judge, AccuracyReport, Judged, LabelStep, Labels, Tally, Verdict};
