//! The key signing web sessions, CSRF tokens and survey links: configured (`web.secret`,
//! `GUICHET_WEB_SECRET`) or generated once into `{data_dir}/web-secret`.

use std::path::{Path, PathBuf};

use crate::config::Config;

/// The key could not be read or created.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the web secret must be at least 16 characters long")]
    TooShort,
    #[error("no random source available: {0}")]
    Random(String),
}

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, SecretError> {
    let mut bytes = vec![0_u8; n];
    getrandom::getrandom(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes)
}

/// The web secret in use for this configuration, creating the file when needed.
pub fn web_secret(config: &Config) -> Result<Vec<u8>, SecretError> {
    if let Some(secret) = &config.web.secret {
        let secret = secret.trim();
        if secret.chars().count() < 16 {
            return Err(SecretError::TooShort);
        }
        return Ok(secret.as_bytes().to_vec());
    }
    secret_file(&config.data_dir.join("web-secret"))
}

fn secret_file(path: &Path) -> Result<Vec<u8>, SecretError> {
    let io = |source| SecretError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= 32 => return Ok(text.trim().as_bytes().to_vec()),
        Ok(_) => return Err(SecretError::TooShort),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let secret = hex::encode(random_bytes(32)?);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, secret.as_bytes()).map_err(io)?;
            Ok(secret.into_bytes())
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => secret_file(path),
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        let first = web_secret(&config).expect("generated");
        assert_eq!(first.len(), 64);
        assert_eq!(web_secret(&config).expect("read back"), first);
    }

    #[test]
    fn configured_secret_wins_and_must_be_long_enough() {
        let mut config = Config::default();
        config.web.secret = Some("short".into());
        assert!(matches!(web_secret(&config), Err(SecretError::TooShort)));
        config.web.secret = Some("a long enough secret value".into());
        assert_eq!(
            web_secret(&config).expect("configured"),
            b"a long enough secret value".to_vec()
        );
    }
}
