//! Core commands: classify, draft, acknowledge, check, faq test, demo.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::Config;

pub fn demo(_config: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn classify(_c: &Config, _json: bool, _chat: bool, _f: &[PathBuf]) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn draft(_c: &Config, _chat: bool, _f: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn acknowledge(_c: &Config, _chat: bool, _f: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn check(_c: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn faq_test(_c: &Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
