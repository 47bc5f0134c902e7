//! Reading an `.epub` file as an article: the archive's bytes are read
//! (bounded like any article) and handed to `crate::epub` for conversion;
//! what the conversion skipped is said at the top of the text. The text is
//! kept in the cache folder, keyed by a hash of the archive's bytes and the
//! conversion's version, so a second open skips the conversion.

use std::fs::{File, Metadata};
use std::path::Path;

use anyhow::Result;

use super::{MAX_ARTICLE, Source, describe};

/// Whether `path` names an EPUB file by its ending.
pub fn is_epub(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("epub"))
}

/// The converted text of the EPUB at `path`, opened as `file`.
pub fn load(file: File, meta: &Metadata, name: String, path: &Path) -> Result<Source> {
    use std::io::Read;
    let stamp = meta.modified().ok().map(|m| (meta.len(), m));
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_ARTICLE)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read {name}: {}", describe(&e)))?;
    let cached = crate::paths::cache_dir()
        .ok()
        .map(|dir| dir.join("epub").join(cache_name(&bytes)));
    let text = match cached.as_deref().and_then(read_cached) {
        Some(text) => text,
        None => {
            let text = convert(bytes).map_err(|e| anyhow::anyhow!("{name}: {e:#}"))?;
            // Only a cache: a failure to write it costs the next open time,
            // nothing else.
            if let Some(file) = &cached {
                let _ = write_cached(file, &text);
            }
            text
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

/// The article text of an EPUB's bytes: the book, with a note on what was
/// skipped after its front matter.
pub fn convert(bytes: Vec<u8>) -> Result<String> {
    let book = crate::epub::convert(bytes)?;
    if book.skipped.is_empty() {
        return Ok(book.markdown);
    }
    let mut text = book.markdown;
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
    Ok(text)
}

/// The cache file's name for an archive: a 64-bit FNV-1a hash of its bytes,
/// its length and the conversion's version.
pub fn cache_name(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(
        "{hash:016x}-{}-v{}.md",
        bytes.len(),
        crate::epub::CONVERSION_VERSION
    )
}

/// The cached text, when there is a readable one.
fn read_cached(file: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(file).ok()?).ok()
}

/// Write the cache file whole or not at all.
fn write_cached(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}
