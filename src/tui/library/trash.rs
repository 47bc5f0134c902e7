//! Moving an article file to the system's trash and putting it back, with
//! the `trash` crate: the freedesktop.org trash on Linux and the BSDs (in
//! `$XDG_DATA_HOME/Trash`, or the trash of the file's own disk), the
//! Recycle Bin on Windows, the Trash on macOS. A file is never deleted
//! outright here.

use std::path::Path;

/// Move the file at `path` to the trash; why not, in a few words.
pub fn move_to_trash(path: &Path) -> Result<(), String> {
    trash::delete(path).map_err(|e| e.to_string())
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
    let items = os_limited::list().map_err(|e| e.to_string())?;
    let item = items
        .into_iter()
        .filter(|i| i.original_path() == wanted)
        .max_by_key(|i| i.time_deleted)
        .ok_or_else(|| "it is no longer in the trash".to_string())?;
    os_limited::restore_all([item]).map_err(|e| e.to_string())
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
