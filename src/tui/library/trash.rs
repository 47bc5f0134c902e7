//! Moving an article file to the system's trash and putting it back, with
//! the `trash` crate: the freedesktop.org trash on Linux and the BSDs (in
//! `$XDG_DATA_HOME/Trash`, or the trash of the file's own disk), the
//! Recycle Bin on Windows, the Trash on macOS. A file is never deleted
//! outright here.

use std::path::Path;

/// Move the file at `path` to the trash; why not, in a few words.
pub fn move_to_trash(path: &Path) -> Result<(), String> {
    trash::delete(path).map_err(|e| why(&e))
}

/// A `trash` error in a few words: the crate's own text is its debug
/// form (`Error during a \`trash\` operation: FileSystem { … }`).
pub fn why(err: &trash::Error) -> String {
    use trash::Error;
    let shown = |p: &Path| crate::parse::sanitize(&p.display().to_string());
    match err {
        Error::Unknown { description } | Error::Os { description, .. } => {
            crate::parse::sanitize(description)
        }
        #[cfg(all(
            unix,
            not(target_os = "macos"),
            not(target_os = "ios"),
            not(target_os = "android")
        ))]
        Error::FileSystem { path, source } => format!("{}: {source}", shown(path)),
        Error::TargetedRoot => "it is a root folder".to_string(),
        Error::CouldNotAccess { target } => {
            format!("cannot reach {}", crate::parse::sanitize(target))
        }
        Error::CanonicalizePath { original } => format!("cannot resolve {}", shown(original)),
        Error::ConvertOsString { .. } => "its name is not valid text".to_string(),
        Error::RestoreCollision { path, .. } => {
            format!("a file is back at {} already", shown(path))
        }
        Error::RestoreTwins { path, .. } => {
            format!("the trash holds more than one {}", shown(path))
        }
        #[allow(unreachable_patterns)]
        _ => crate::parse::sanitize(&err.to_string()),
    }
}

/// Whether this system lets a program take a file back out of its trash.
pub const CAN_RESTORE: bool = cfg!(any(
    target_os = "windows",
    all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )
));

/// Put back the file last moved to the trash from `path`; why not, in a
/// few words.
#[cfg(any(
    target_os = "windows",
    all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )
))]
pub fn restore(path: &Path) -> Result<(), String> {
    use trash::os_limited;
    // The trash records the path with its folder made canonical.
    let wanted = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    if wanted.exists() {
        return Err(format!("a file is back at {} already", wanted.display()));
    }
    let items = os_limited::list().map_err(|e| why(&e))?;
    let item = items
        .into_iter()
        .filter(|i| i.original_path() == wanted)
        .max_by_key(|i| i.time_deleted)
        .ok_or_else(|| "it is no longer in the trash".to_string())?;
    os_limited::restore_all([item]).map_err(|e| why(&e))
}

/// Where the trash cannot be read back (macOS), undo says so.
#[cfg(not(any(
    target_os = "windows",
    all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )
)))]
pub fn restore(_path: &Path) -> Result<(), String> {
    Err("this system does not let longform take it back out of the Trash".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    ))]
    #[test]
    fn a_trash_error_is_said_in_a_few_words() {
        let err = trash::Error::FileSystem {
            path: "/dev/null/x/Trash".into(),
            source: std::io::Error::from_raw_os_error(20),
        };
        let said = why(&err);
        assert!(said.starts_with("/dev/null/x/Trash: "), "{said}");
        assert!(
            !said.contains("FileSystem") && !said.contains('{'),
            "{said}"
        );
        assert_eq!(why(&trash::Error::TargetedRoot), "it is a root folder");
    }
}
