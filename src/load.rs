//! Reading an article from a file or stdin, with clear errors for what a
//! reader cannot open: a missing file, one it may not read, a folder, or a
//! binary file. Invalid UTF-8 is decoded lossily and reported, not refused.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// How many leading bytes are checked for NUL to call a file binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// The longest article read: 1 GiB. An article is parsed into several
/// times its size, and positions are kept in 32 bits where there are
/// hundreds of thousands of them (the map from search text to source).
pub const MAX_ARTICLE: u64 = 1 << 30;

/// The message for an article longer than `MAX_ARTICLE`.
fn too_long(name: &str, len: u64) -> anyhow::Error {
    #[allow(clippy::cast_precision_loss)]
    let gib = len as f64 / f64::from(1u32 << 30);
    anyhow::anyhow!("{name}: is {gib:.1} GiB; longform reads articles of up to 1 GiB")
}

/// `Err` when `path` is a file longer than an article may be, before it is
/// read.
pub fn check_size(path: &Path, name: &str) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() > MAX_ARTICLE => Err(too_long(name, meta.len())),
        _ => Ok(()),
    }
}

/// An article's text and where it came from.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path as given, or `-` for stdin.
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
    /// The bytes were not valid UTF-8 and were decoded with replacements.
    pub lossy: bool,
    /// The file's size and modification time just before it was read, to
    /// notice an edit saved while the reader was starting.
    pub stamp: Option<Stamp>,
}

/// A file's size and modification time.
pub type Stamp = (u64, std::time::SystemTime);

/// The size and modification time of the file at `path`, when they can be
/// read.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

impl Source {
    /// The file name without its extension: the title of last resort.
    pub fn stem(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_stem)
            .map_or_else(|| "stdin".to_string(), |s| s.to_string_lossy().into_owned())
    }

    /// A one-line warning for the user, when the text needed repair.
    pub fn warning(&self) -> Option<String> {
        self.lossy
            .then(|| format!("{}: invalid UTF-8 was replaced with �", self.name))
    }
}

/// Read the article named on the command line; `-` reads stdin.
pub fn load(arg: &Path) -> Result<Source> {
    if arg.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(MAX_ARTICLE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot read stdin: {}", describe(&e)))?;
        return decode(bytes, "-".into(), None);
    }
    // The name is shown to the user: no control character from it may
    // reach the terminal either.
    let name = crate::parse::sanitize(&arg.to_string_lossy());
    if arg.is_dir() {
        bail!("{name}: is a folder, not an article");
    }
    check_size(arg, &name)?;
    let before = stamp(arg);
    let bytes =
        std::fs::read(arg).map_err(|e| anyhow::anyhow!("cannot open {name}: {}", describe(&e)))?;
    let mut source = decode(bytes, name, Some(arg.to_path_buf()))?;
    source.stamp = before;
    Ok(source)
}

/// Check and decode the bytes of an article.
pub fn decode(bytes: Vec<u8>, name: String, path: Option<PathBuf>) -> Result<Source> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > MAX_ARTICLE {
        // From stdin, only one byte more than the most was read.
        return Err(if path.is_some() {
            too_long(&name, len)
        } else {
            anyhow::anyhow!("{name}: is longer than 1 GiB; longform reads articles of up to 1 GiB")
        });
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if sniff.contains(&0) {
        bail!("{name}: looks like a binary file (it has NUL bytes), not an article");
    }
    let (mut text, lossy) = match String::from_utf8(bytes) {
        Ok(t) => (t, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(Source {
        name,
        path,
        text,
        lossy,
        stamp: None,
    })
}

/// An I/O error in a few plain words, without the OS error number.
fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a folder, not an article".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_mean_binary() {
        let err = decode(b"abc\0def".to_vec(), "x.bin".into(), None).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }

    #[test]
    fn invalid_utf8_is_repaired_and_reported() {
        let s = decode(b"caf\xe9 au lait".to_vec(), "x.md".into(), None).unwrap();
        assert!(s.lossy);
        assert_eq!(s.text, "caf\u{fffd} au lait");
        assert!(s.warning().unwrap().contains("invalid UTF-8"));
    }

    #[test]
    fn bom_is_dropped() {
        let s = decode("\u{feff}# Hi".as_bytes().to_vec(), "x.md".into(), None).unwrap();
        assert_eq!(s.text, "# Hi");
    }
}
