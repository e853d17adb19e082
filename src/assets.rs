//! Where the editable data lives: the `faq/` and `templates/` shipped inside the binary, or
//! directories named in the configuration that replace them wholesale.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::config::Config;

static EMBEDDED_FAQ: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/faq");
static EMBEDDED_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// A data file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not valid UTF-8")]
    Encoding { path: PathBuf },
    #[error("{path}: file not found")]
    Missing { path: PathBuf },
}

/// One source of data files: the embedded defaults or a directory on disk.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded(&'static Dir<'static>),
    Directory(PathBuf),
}

/// A data file's display name (for error messages) and its text.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// `faq/rules/piscine.toml` for embedded files, the real path for files on disk.
    pub name: String,
    /// Path relative to the source root, with `/` separators.
    pub relative: String,
    pub text: String,
}

impl Source {
    /// The FAQ data in use for this configuration.
    pub fn faq(config: &Config) -> Source {
        match &config.faq_dir {
            Some(dir) => Source::Directory(dir.clone()),
            None => Source::Embedded(&EMBEDDED_FAQ),
        }
    }

    /// The templates in use for this configuration.
    pub fn templates(config: &Config) -> Source {
        match &config.templates_dir {
            Some(dir) => Source::Directory(dir.clone()),
            None => Source::Embedded(&EMBEDDED_TEMPLATES),
        }
    }

    /// The shipped FAQ data, whatever the configuration says.
    pub fn embedded_faq() -> Source {
        Source::Embedded(&EMBEDDED_FAQ)
    }

    /// The shipped templates, whatever the configuration says.
    pub fn embedded_templates() -> Source {
        Source::Embedded(&EMBEDDED_TEMPLATES)
    }

    /// Says where the data comes from, for `guichet check`.
    pub fn describe(&self) -> String {
        match self {
            Source::Embedded(dir) => format!("embedded defaults ({} files)", count_files(dir)),
            Source::Directory(path) => format!("directory {}", path.display()),
        }
    }

    fn display_name(&self, relative: &str) -> String {
        match self {
            Source::Embedded(dir) if std::ptr::eq(*dir, &EMBEDDED_TEMPLATES) => {
                format!("templates/{relative}")
            }
            Source::Embedded(_) => format!("faq/{relative}"),
            Source::Directory(root) => root.join(relative).display().to_string(),
        }
    }

    /// Reads one file, e.g. `facilities.toml`.
    pub fn read(&self, relative: &str) -> Result<DataFile, AssetError> {
        let name = self.display_name(relative);
        let text = match self {
            Source::Embedded(dir) => {
                let file = dir.get_file(relative).ok_or_else(|| AssetError::Missing {
                    path: PathBuf::from(&name),
                })?;
                file.contents_utf8()
                    .ok_or_else(|| AssetError::Encoding {
                        path: PathBuf::from(&name),
                    })?
                    .to_string()
            }
            Source::Directory(root) => read_disk(&root.join(relative))?,
        };
        Ok(DataFile {
            name,
            relative: relative.to_string(),
            text,
        })
    }

    /// Reads every file under `folder` whose name ends with `suffix`, sorted by path.
    pub fn read_all(&self, folder: &str, suffix: &str) -> Result<Vec<DataFile>, AssetError> {
        let mut relatives = Vec::new();
        match self {
            Source::Embedded(dir) => collect_embedded(dir, &mut relatives),
            Source::Directory(root) => collect_disk(root, root, &mut relatives)?,
        }
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{}/", folder.trim_end_matches('/'))
        };
        relatives.retain(|r| r.starts_with(&prefix) && r.ends_with(suffix));
        relatives.sort();
        relatives.iter().map(|r| self.read(r)).collect()
    }
}

fn count_files(dir: &Dir<'_>) -> usize {
    let mut all = Vec::new();
    collect_embedded(dir, &mut all);
    all.len()
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<String>) {
    for file in dir.files() {
        out.push(file.path().to_string_lossy().replace('\\', "/"));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn collect_disk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), AssetError> {
    let entries = std::fs::read_dir(dir).map_err(|source| AssetError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| AssetError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect_disk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

fn read_disk(path: &Path) -> Result<String, AssetError> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => AssetError::Missing {
            path: path.to_path_buf(),
        },
        _ => AssetError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    String::from_utf8(bytes).map_err(|_| AssetError::Encoding {
        path: path.to_path_buf(),
    })
}

/// Turns a byte offset in `text` into a 1-based line number, for error messages.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
