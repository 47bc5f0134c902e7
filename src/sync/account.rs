//! What sync keeps in the config folder beside `config.toml`: the login
//! (server, user name and password key) in `sync-login.json`, readable by
//! its owner only; this machine's device id, made once; when the last
//! push and pull happened; and `sync.log`, the sync errors with their
//! times. The folder is passed in; writes are atomic.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The login: never in `config.toml`, never printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub server: String,
    pub user: String,
    /// The MD5 of the password, which is what the server checks.
    pub key: String,
}

/// One push or pull, for `longform sync status`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unix seconds.
    pub time: u64,
    pub title: String,
    /// The place, in percent of the article's words.
    pub percent: u8,
    /// The device the place came from (for a pull).
    #[serde(default)]
    pub device: String,
}

/// The last push and the last pull made on this machine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    #[serde(default)]
    pub push: Option<Event>,
    #[serde(default)]
    pub pull: Option<Event>,
}

/// The file of the login.
pub fn login_file(dir: &Path) -> PathBuf {
    dir.join("sync-login.json")
}

fn device_file(dir: &Path) -> PathBuf {
    dir.join("sync-device-id")
}

fn activity_file(dir: &Path) -> PathBuf {
    dir.join("sync-state.json")
}

/// The files sync keeps in config dir `dir`, each with a short name for
/// `longform where`.
pub fn files(dir: &Path) -> [(&'static str, PathBuf); 4] {
    [
        ("sync login", login_file(dir)),
        ("sync state", activity_file(dir)),
        ("sync device", device_file(dir)),
        ("sync log", log_file(dir)),
    ]
}

/// The log of sync errors.
pub fn log_file(dir: &Path) -> PathBuf {
    dir.join("sync.log")
}

/// The log is cut when it grows past this, keeping one older file.
const LOG_LIMIT: u64 = 256 * 1024;

/// The saved login, `None` when logged out.
pub fn load_login(dir: &Path) -> Result<Option<Login>> {
    let path = login_file(dir);
    let text = match fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    serde_json::from_slice(&text)
        .map(Some)
        .with_context(|| format!("{} is damaged; log in again", path.display()))
}

/// Save the login, readable and writable by its owner only.
pub fn save_login(dir: &Path, login: &Login) -> Result<()> {
    let json = serde_json::to_vec_pretty(login).context("cannot encode the login")?;
    write_private(dir, &login_file(dir), &json)
}

/// Forget the login. False when there was none.
pub fn remove_login(dir: &Path) -> Result<bool> {
    let path = login_file(dir);
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

/// This machine's device id: 32 hex digits, made at random the first
/// time and kept.
pub fn device_id(dir: &Path) -> Result<String> {
    let path = device_file(dir);
    if let Ok(text) = fs::read_to_string(&path) {
        let id = text.trim();
        if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(id.to_string());
        }
    }
    let id = random_id();
    write_private(dir, &path, format!("{id}\n").as_bytes())?;
    Ok(id)
}

/// 128 random bits as hex, from the hasher keys std seeds from the
/// system's randomness.
fn random_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.finish()
    };
    format!("{:016X}{:016X}", half(), half())
}

/// The machine's name, the default device name.
pub fn host_name() -> Option<String> {
    #[cfg(unix)]
    {
        let uname = rustix::system::uname();
        let name = uname.nodename().to_string_lossy().trim().to_string();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// The last push and pull; empty when there were none or the file is
/// unreadable (it only feeds `sync status`).
pub fn load_activity(dir: &Path) -> Activity {
    fs::read(activity_file(dir))
        .ok()
        .and_then(|t| serde_json::from_slice(&t).ok())
        .unwrap_or_default()
}

/// Remember a push (`pull` false) or a pull.
pub fn note_activity(dir: &Path, pull: bool, event: Event) -> Result<()> {
    let mut activity = load_activity(dir);
    if pull {
        activity.pull = Some(event);
    } else {
        activity.push = Some(event);
    }
    let json = serde_json::to_vec_pretty(&activity).context("cannot encode the sync state")?;
    write_private(dir, &activity_file(dir), &json)
}

/// Add a line to `sync.log`, with the time. A failure to log is not
/// worth more than the error being logged, so it is ignored.
pub fn log(dir: &Path, now: u64, line: &str) {
    let path = log_file(dir);
    if fs::metadata(&path).is_ok_and(|m| m.len() > LOG_LIMIT) {
        let _ = fs::rename(&path, dir.join("sync.log.1"));
    }
    let _ = fs::create_dir_all(dir);
    if let Ok(mut file) = fs::OpenOptions::new().create(true).append(true).open(&path) {
        let line = line.replace('\n', " ");
        let _ = writeln!(file, "{} {line}", crate::import::rfc3339(now));
    }
}

/// Replace `path` in `dir` atomically with a file only its owner may read.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // A temporary file is created readable by its owner only.
    let mut tmp = tempfile::Builder::new()
        .prefix(".sync.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot protect {}", tmp.path().display()))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_is_kept_private_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_login(dir.path()).unwrap(), None);
        let login = Login {
            server: "http://127.0.0.1:1".into(),
            user: "ann".into(),
            key: "5ebe2294ecd0e0f08eab7690d2a6ee69".into(),
        };
        save_login(dir.path(), &login).unwrap();
        assert_eq!(load_login(dir.path()).unwrap(), Some(login));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(login_file(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(remove_login(dir.path()).unwrap());
        assert!(!remove_login(dir.path()).unwrap());
        assert_eq!(load_login(dir.path()).unwrap(), None);
    }

    #[test]
    fn the_device_id_is_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let id = device_id(dir.path()).unwrap();
        assert_eq!(id.len(), 32);
        assert_eq!(device_id(dir.path()).unwrap(), id);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(device_id(other.path()).unwrap(), id);
    }

    #[test]
    fn activity_and_log_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_activity(dir.path()), Activity::default());
        let event = Event {
            time: 10,
            title: "T".into(),
            percent: 40,
            device: String::new(),
        };
        note_activity(dir.path(), false, event.clone()).unwrap();
        let a = load_activity(dir.path());
        assert_eq!(a.push, Some(event));
        assert_eq!(a.pull, None);
        log(dir.path(), 0, "pull failed:\nwhy");
        let text = fs::read_to_string(log_file(dir.path())).unwrap();
        assert_eq!(text, "1970-01-01T00:00:00Z pull failed: why\n");
    }
}
