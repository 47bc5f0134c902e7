//! The crash log: where the details of a crash are written, so that the
//! user sees one line instead of a backtrace over the reader's screen. The
//! log goes into the config dir's `crashes` folder, never a shared
//! temporary folder, and is always a new file: a name that is taken, even
//! by a symlink, is never opened, so a crash cannot be made to write over
//! another file. The folder is passed in.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder of crash logs in config dir `dir`.
pub fn dir(config_dir: &Path) -> PathBuf {
    config_dir.join("crashes")
}

/// Write `report` to a new log in `folder`, named after `stamp` (the time
/// and the process id), and return its path. Only the owner may read it:
/// a backtrace can name the files being read.
pub fn write_log(folder: &Path, stamp: &str, report: &str) -> io::Result<PathBuf> {
    fs::create_dir_all(folder)?;
    let mut n = 0;
    loop {
        let name = match n {
            0 => format!("longform-crash-{stamp}.log"),
            n => format!("longform-crash-{stamp}-{n}.log"),
        };
        let path = folder.join(name);
        match create_new(&path) {
            Ok(mut file) => {
                file.write_all(report.as_bytes())?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Create `path`, failing when anything is there: `create_new` (O_EXCL)
/// does not follow a symlink, dangling or not.
fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The logs in `folder`, oldest first by name (their names start with the
/// time), for `longform where`.
pub fn logs(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut logs: Vec<(u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            let secs = name
                .strip_prefix("longform-crash-")?
                .strip_suffix(".log")?
                .split('-')
                .next()?
                .parse()
                .ok()?;
            Some((secs, e.path()))
        })
        .collect();
    logs.sort();
    logs.into_iter().map(|(_, path)| path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_is_a_new_private_file_and_never_follows_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = dir(tmp.path());
        fs::create_dir_all(&folder).unwrap();
        // Someone planted a link at the name the log would take, to a file
        // of the user's, and another, dangling one at the next name.
        let victim = tmp.path().join("victim.txt");
        fs::write(&victim, "keep me").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&victim, folder.join("longform-crash-10-7.log")).unwrap();
            std::os::unix::fs::symlink(
                tmp.path().join("nowhere"),
                folder.join("longform-crash-10-7-1.log"),
            )
            .unwrap();
        }
        let path = write_log(&folder, "10-7", "details").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(!tmp.path().join("nowhere").exists());
        assert_eq!(fs::read_to_string(&path).unwrap(), "details");
        assert!(!fs::symlink_metadata(&path).unwrap().is_symlink());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            assert_eq!(path, folder.join("longform-crash-10-7-2.log"));
        }
        // A second crash in the same second gets its own file.
        let again = write_log(&folder, "10-7", "more").unwrap();
        assert_ne!(again, path);
        assert_eq!(fs::read_to_string(&path).unwrap(), "details");
    }

    #[test]
    fn logs_are_listed_oldest_first() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(logs(tmp.path()).is_empty());
        write_log(tmp.path(), "200-1", "b").unwrap();
        write_log(tmp.path(), "30-2", "a").unwrap();
        fs::write(tmp.path().join("notes.txt"), "").unwrap();
        let names: Vec<String> = logs(tmp.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["longform-crash-30-2.log", "longform-crash-200-1.log"]
        );
    }
}
