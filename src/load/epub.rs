//! Reading an `.epub` file as an article: the archive's bytes are read
//! (bounded like any article) and handed to `crate::epub` for conversion;
//! what the conversion skipped is said at the top of the text. The text is
//! kept in the cache folder, keyed by a hash of the archive's bytes and the
//! conversion's version, with the book's images beside it in
//! `<key>.assets/`, so a second open skips the conversion. The cache is
//! pruned when it is written: other versions' conversions go, and the
//! least recently read books go while it holds more than `CACHE_LIMIT`.

use std::fs::{File, Metadata};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;

use super::{MAX_ARTICLE, Source, describe};

/// The most bytes the EPUB cache keeps, text and images.
pub const CACHE_LIMIT: u64 = 256 << 20;

/// Whether `path` names an EPUB file by its ending.
pub fn is_epub(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("epub"))
}

/// The converted text of the EPUB at `path`, opened as `file`.
pub fn load(file: File, meta: &Metadata, name: String, path: &Path) -> Result<Source> {
    let stamp = meta.modified().ok().map(|m| (meta.len(), m));
    let bytes = read_all(file, meta, &name)?;
    let dir = crate::paths::cache_dir()
        .ok()
        .map(|dir| std::path::absolute(dir.join("epub")).unwrap_or_else(|_| dir.join("epub")));
    let key = cache_key(&bytes);
    let text = match dir
        .as_deref()
        .and_then(|d| read_cached(&d.join(format!("{key}.md"))))
    {
        Some(text) => text,
        None => {
            let assets = dir.as_ref().map_or_else(
                || PathBuf::from(format!("{key}.assets")),
                |d| d.join(format!("{key}.assets")),
            );
            let book = convert(bytes, &assets.to_string_lossy())
                .map_err(|e| anyhow::anyhow!("{name}: {e:#}"))?;
            // Only a cache: a failure to write it costs the next open time
            // (and the images their pictures), nothing else.
            if let Some(dir) = &dir {
                let _ = write_cached(dir, &key, &book);
                prune(dir, &key, CACHE_LIMIT);
            }
            book.text
        }
    };
    Ok(Source {
        name,
        path: Some(path.to_path_buf()),
        text,
        lossy: false,
        stamp,
        legacy: None,
    })
}

/// The bytes of an EPUB file, at most `MAX_ARTICLE`.
pub fn read_all(file: File, meta: &Metadata, name: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(MAX_ARTICLE)).unwrap_or(0));
    file.take(MAX_ARTICLE)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read {name}: {}", describe(&e)))?;
    Ok(bytes)
}

/// A converted book: the article's text and its images, each a safe file
/// name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    pub images: Vec<(String, Vec<u8>)>,
    /// How many parts could not be read (and are named in a note in the
    /// text).
    pub skipped: usize,
}

/// The article text of an EPUB's bytes, its images referred to in the
/// folder `assets`: the book, with a note on what was skipped after its
/// front matter.
pub fn convert(bytes: Vec<u8>, assets: &str) -> Result<Converted> {
    let book = crate::epub::convert(bytes, assets)?;
    let skipped = book.skipped.len();
    let mut text = book.markdown;
    if !book.skipped.is_empty() {
        let at = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.find("\n---\n").map(|i| i + 4 + 5))
            .unwrap_or(0);
        let mut note = String::from("> **Not shown:** parts of this EPUB could not be read.\n>\n");
        for line in &book.skipped {
            note.push_str("> - ");
            note.push_str(&crate::parse::sanitize_line(line));
            note.push('\n');
        }
        note.push('\n');
        if at > 0 {
            // After the blank line that ends the front matter.
            text.insert_str(at + 1, &note);
        } else {
            text.insert_str(0, &note);
        }
    }
    Ok(Converted {
        text,
        images: book.images,
        skipped,
    })
}

/// The cache key of an archive: a 64-bit FNV-1a hash of its bytes, its
/// length and the conversion's version.
pub fn cache_key(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(
        "{hash:016x}-{}-v{}",
        bytes.len(),
        crate::epub::CONVERSION_VERSION
    )
}

/// The cache file's name for an archive.
pub fn cache_name(bytes: &[u8]) -> String {
    format!("{}.md", cache_key(bytes))
}

/// The cached text, when there is a readable one. Reading it marks it
/// used, so pruning keeps the books being read.
fn read_cached(file: &Path) -> Option<String> {
    let text = String::from_utf8(std::fs::read(file).ok()?).ok()?;
    if let Ok(f) = File::options().write(true).open(file) {
        let _ = f.set_modified(SystemTime::now());
    }
    Some(text)
}

/// Write the book's images, then its text, each whole or not at all: the
/// text is written last, so a text in the cache has its images.
fn write_cached(dir: &Path, key: &str, book: &Converted) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if !book.images.is_empty() {
        write_assets(&dir.join(format!("{key}.assets")), &book.images)?;
    }
    write_file(&dir.join(format!("{key}.md")), book.text.as_bytes())
}

/// Write `bytes` to `file` through a temporary file in its folder.
fn write_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Write the images into the folder `assets`, made whole in a temporary
/// folder beside it and renamed. A name that is not a plain file name is
/// never written.
pub fn write_assets(assets: &Path, images: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let parent = assets.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tmp-assets");
    // An ordinary folder (0755 under a 022 umask), as the images in it
    // are ordinary files, not a private temporary one.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let tmp = builder.tempdir_in(parent)?;
    for (name, bytes) in images {
        if !is_plain_name(name) {
            continue;
        }
        std::fs::write(tmp.path().join(name), bytes)?;
    }
    if assets.exists() {
        std::fs::remove_dir_all(assets)?;
    }
    std::fs::rename(tmp.path(), assets)?;
    // The folder is in place: nothing left to clean up.
    let _ = tmp.keep();
    Ok(())
}

/// Whether `name` is one plain component: no separator, not `.` or `..`,
/// not hidden.
fn is_plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(n)), None) if n == name && !name.starts_with('.')
    )
}

/// One conversion in the cache: its key, bytes and when it was last read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub bytes: u64,
    pub used: SystemTime,
}

/// The keys to remove from a cache holding `entries`, `keep` being the one
/// just written: those of another conversion version, then the least
/// recently used until the rest fit in `limit` bytes.
pub fn to_prune(entries: &[Entry], keep: &str, limit: u64) -> Vec<String> {
    let version = format!("-v{}", crate::epub::CONVERSION_VERSION);
    let (current, stale): (Vec<&Entry>, Vec<&Entry>) =
        entries.iter().partition(|e| e.key.ends_with(&version));
    let mut out: Vec<String> = stale.iter().map(|e| e.key.clone()).collect();
    let mut current = current;
    // Newest first; the one just written first of all.
    current.sort_by(|a, b| {
        (b.key == keep)
            .cmp(&(a.key == keep))
            .then(b.used.cmp(&a.used))
            .then(a.key.cmp(&b.key))
    });
    let mut total = 0u64;
    for e in current {
        total = total.saturating_add(e.bytes);
        if total > limit && e.key != keep {
            out.push(e.key.clone());
        }
    }
    out
}

/// Remove what `to_prune` says from the cache folder `dir`, and temporary
/// files a crash may have left there a day ago or more.
pub fn prune(dir: &Path, keep: &str, limit: u64) {
    let Ok(list) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut entries: Vec<Entry> = Vec::new();
    let mut sizes: std::collections::HashMap<String, (u64, Option<SystemTime>)> =
        std::collections::HashMap::new();
    for item in list.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let Ok(meta) = item.metadata() else { continue };
        let modified = meta.modified().ok();
        if name.starts_with(".tmp") {
            let old = modified
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age.as_secs() >= 24 * 3600);
            if old {
                let _ = remove(&item.path());
            }
            continue;
        }
        let (key, size, used) = if let Some(key) = name.strip_suffix(".md") {
            (key, meta.len(), modified)
        } else if let Some(key) = name.strip_suffix(".assets") {
            (key, folder_size(&item.path()), None)
        } else {
            continue;
        };
        let slot = sizes.entry(key.to_string()).or_insert((0, None));
        slot.0 = slot.0.saturating_add(size);
        if used.is_some() {
            slot.1 = used;
        }
    }
    for (key, (bytes, used)) in sizes {
        entries.push(Entry {
            key,
            bytes,
            // Images without their text are the oldest of all.
            used: used.unwrap_or(SystemTime::UNIX_EPOCH),
        });
    }
    for key in to_prune(&entries, keep, limit) {
        let _ = std::fs::remove_file(dir.join(format!("{key}.md")));
        let _ = std::fs::remove_dir_all(dir.join(format!("{key}.assets")));
    }
}

fn remove(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

/// The bytes of the files in a folder (not below it: asset folders are
/// flat).
fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |list| {
        list.flatten()
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn entry(key: &str, bytes: u64, age: u64) -> Entry {
        Entry {
            key: key.to_string(),
            bytes,
            used: SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 - age),
        }
    }

    #[test]
    fn pruning_drops_other_versions_then_the_least_recently_read() {
        let v = crate::epub::CONVERSION_VERSION;
        let entries = vec![
            entry(&format!("a-1-v{v}"), 40, 10),
            entry(&format!("b-1-v{v}"), 40, 30),
            entry(&format!("c-1-v{v}"), 40, 20),
            entry("old-1-v0", 1, 0),
            entry(&format!("new-1-v{v}"), 40, 99),
        ];
        let mut got = to_prune(&entries, &format!("new-1-v{v}"), 100);
        got.sort();
        // new (kept whatever its age) + a = 80; c would make 120.
        assert_eq!(
            got,
            vec![
                format!("b-1-v{v}"),
                format!("c-1-v{v}"),
                "old-1-v0".to_string()
            ]
        );
        // The one just written stays even when it alone is over the limit.
        assert!(
            to_prune(&entries, &format!("new-1-v{v}"), 10)
                .iter()
                .all(|k| k != &format!("new-1-v{v}"))
        );
    }

    #[test]
    fn only_plain_names_are_written() {
        assert!(is_plain_name("001-cover.png"));
        for bad in ["", ".", "..", "../x.png", "a/b.png", "/etc/x", ".hidden"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    #[test]
    fn prune_removes_a_text_with_its_images() {
        let dir = tempfile::tempdir().unwrap();
        let v = crate::epub::CONVERSION_VERSION;
        let keep = format!("k-1-v{v}");
        std::fs::write(dir.path().join(format!("{keep}.md")), "kept").unwrap();
        std::fs::write(dir.path().join("x-1-v0.md"), "old").unwrap();
        write_assets(
            &dir.path().join("x-1-v0.assets"),
            &[("001-a.png".into(), b"png".to_vec())],
        )
        .unwrap();
        std::fs::write(dir.path().join("unrelated.txt"), "left alone").unwrap();
        prune(dir.path(), &keep, 1 << 20);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![format!("{keep}.md"), "unrelated.txt".to_string()]
        );
    }
}
