//! `longform convert BOOK.epub -o DIR`: an EPUB book written out as one
//! Markdown file, `DIR/<slug>.md`, with its images in `DIR/<slug>.assets/`,
//! for people who want the text. Nothing that exists is overwritten; the
//! images are written before the text, and the text appears whole or not at
//! all.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::load::{self, Unopenable};

/// Convert `book` into the folder `out` (made when missing), and print the
/// path of the Markdown file written.
pub fn convert_command(book: &Path, out: &Path) -> Result<()> {
    let name = crate::parse::sanitize_line(&book.to_string_lossy());
    let (file, meta) = load::open_regular(book).map_err(|e| match e {
        Unopenable::Io(e) => anyhow!("cannot open {name}: {}", load::describe(&e)),
        other => anyhow!("{name}: {}", other.describe("an EPUB book")),
    })?;
    let bytes = load::epub::read_all(file, &meta, &name)?;
    let title = crate::epub::title(bytes.clone()).map_err(|e| anyhow!("{name}: {e:#}"))?;
    let stem = title.unwrap_or_else(|| {
        book.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let slug = crate::import::file_stem(&stem, 60);
    let converted = load::epub::convert(bytes, &format!("{slug}.assets"))
        .map_err(|e| anyhow!("{name}: {e:#}"))?;
    let shown_out = crate::parse::sanitize_line(&out.to_string_lossy());
    if out.exists() && !out.is_dir() {
        bail!("cannot convert into {shown_out}: is not a folder");
    }
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow!("cannot make {shown_out}: {}", load::describe(&e)))?;
    let text_path = out.join(format!("{slug}.md"));
    let assets = out.join(format!("{slug}.assets"));
    for taken in [&text_path, &assets] {
        if taken.symlink_metadata().is_ok() {
            bail!(
                "{} already exists; it is not overwritten",
                crate::parse::sanitize_line(&taken.to_string_lossy())
            );
        }
    }
    let written = |e: std::io::Error, what: &PathBuf| {
        anyhow!(
            "cannot write {}: {}",
            crate::parse::sanitize_line(&what.to_string_lossy()),
            load::describe(&e)
        )
    };
    if !converted.images.is_empty() {
        load::epub::write_assets(&assets, &converted.images).map_err(|e| written(e, &assets))?;
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".longform-convert");
    // The text is an ordinary file, as its images are (0644 under a 022
    // umask), not a private temporary one: the umask applies to this mode.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(out)
        .map_err(|e| written(e, &text_path))?;
    tmp.write_all(converted.text.as_bytes())
        .map_err(|e| written(e, &text_path))?;
    tmp.persist_noclobber(&text_path)
        .map_err(|e| written(e.error, &text_path))?;
    println!(
        "{}",
        crate::parse::sanitize_line(&text_path.to_string_lossy())
    );
    // What could not be read is named in a note atop the text; said here
    // too, so that it is not found only by reading.
    if converted.skipped > 0 {
        let parts = if converted.skipped == 1 {
            "part"
        } else {
            "parts"
        };
        eprintln!(
            "longform: warning: {name}: {} {parts} of the book could not be read \
             and are named in a note at the top of the text",
            converted.skipped
        );
    }
    Ok(())
}
