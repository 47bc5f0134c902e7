//! Where longform keeps its files: the config dir, and the names of the
//! files inside it. This module and `main` are the only places that read
//! the environment; everything else is handed the paths it needs, so tests
//! never touch the real home.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

/// The variable that moves the config dir, for tests and portable setups.
pub const CONFIG_DIR_VAR: &str = "LONGFORM_CONFIG_DIR";

/// The variable that gives `longform sync login` the password, for scripts.
pub const SYNC_PASSWORD_VAR: &str = "LONGFORM_SYNC_PASSWORD";

/// The sync password from `LONGFORM_SYNC_PASSWORD`, when it is set and
/// not empty.
pub fn sync_password() -> Option<String> {
    std::env::var(SYNC_PASSWORD_VAR)
        .ok()
        .filter(|p| !p.is_empty())
}

/// The config dir: `LONGFORM_CONFIG_DIR` when it is set and not empty, else
/// the platform's (`~/.config/longform` on Linux).
pub fn config_dir() -> Result<PathBuf> {
    config_dir_from(std::env::var_os(CONFIG_DIR_VAR))
}

/// `config_dir` with the variable's value passed in.
pub fn config_dir_from(var: Option<OsString>) -> Result<PathBuf> {
    if let Some(dir) = var.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "longform")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| anyhow!("cannot find a home directory for the config; set {CONFIG_DIR_VAR}"))
}

/// The folder of articles shown when nothing else is configured: in the
/// config dir when `LONGFORM_CONFIG_DIR` is set (so a test or a portable
/// setup keeps everything in one place), else the platform's data dir
/// (`~/.local/share/longform/articles` on Linux).
pub fn default_library() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_VAR).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir).join("articles"));
    }
    directories::ProjectDirs::from("", "", "longform")
        .map(|dirs| dirs.data_dir().join("articles"))
        .ok_or_else(|| {
            anyhow!("cannot find a home directory for the library; set {CONFIG_DIR_VAR}")
        })
}

/// The folder of caches, things that can be made again: `cache` in the
/// config dir when `LONGFORM_CONFIG_DIR` is set (so tests stay in their
/// folder), else the platform's cache dir (`~/.cache/longform` on Linux).
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_VAR).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir).join("cache"));
    }
    directories::ProjectDirs::from("", "", "longform")
        .map(|dirs| dirs.cache_dir().to_path_buf())
        .ok_or_else(|| anyhow!("cannot find a home directory for the cache; set {CONFIG_DIR_VAR}"))
}

/// A folder from the config, with a leading `~/` meaning the home.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map_or_else(|| PathBuf::from(path), |b| b.home_dir().join(rest)),
        None => PathBuf::from(path),
    }
}

/// The user's settings in `dir`.
pub fn config_file(dir: &Path) -> PathBuf {
    dir.join("config.toml")
}

/// The folder of reading records in `dir`, one JSON file per article.
pub fn reading_dir(dir: &Path) -> PathBuf {
    dir.join("reading")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_when_set() {
        let dir = config_dir_from(Some("/tmp/lf-test".into())).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/lf-test"));
    }

    #[test]
    fn an_empty_variable_is_ignored() {
        let dir = config_dir_from(Some(OsString::new()));
        // Without a home the platform dir may not exist; either way the
        // empty value must not be taken as a path.
        if let Ok(dir) = dir {
            assert!(dir.ends_with("longform"), "{dir:?}");
        }
    }

    #[test]
    fn files_live_inside_the_dir() {
        let dir = Path::new("/c");
        assert_eq!(config_file(dir), PathBuf::from("/c/config.toml"));
        assert_eq!(reading_dir(dir), PathBuf::from("/c/reading"));
    }
}
