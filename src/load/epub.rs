//! Reading an `.epub` file as an article: the archive's bytes are read
//! (bounded like any article) and handed to `crate::epub` for conversion;
//! what the conversion skipped is said at the top of the text.

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
    let text = convert(bytes).map_err(|e| anyhow::anyhow!("{name}: {e:#}"))?;
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
