//! Reading an article from a file or stdin, with clear errors for what a
//! reader cannot open: a missing file, one it may not read, a folder, a
//! special file (a named pipe, a device, a socket), or a binary file. Every
//! read is bounded, and a special file is never opened for reading, since
//! opening a named pipe waits for a writer. The bytes are decoded by
//! `encoding`: a byte order mark, else UTF-8, else windows-1252; damaged
//! UTF-8 is repaired and reported, not refused.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};

use crate::encoding::{self, SNIFF};

pub mod epub;

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

/// Why a path cannot be opened as a file to read.
#[derive(Debug)]
pub enum Unopenable {
    Folder,
    /// A named pipe, a device or a socket, with what it is.
    Special(&'static str),
    Io(io::Error),
}

impl Unopenable {
    /// A few plain words, to follow the file's name.
    pub fn describe(&self, folder: &str) -> String {
        match self {
            Unopenable::Folder => format!("is a folder, not {folder}"),
            Unopenable::Special(what) => format!("not a regular file ({what})"),
            Unopenable::Io(e) => format!("cannot open it: {}", describe(e)),
        }
    }
}

/// `Err` for anything but a regular file.
fn check_kind(meta: &Metadata) -> Result<(), Unopenable> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(Unopenable::Folder);
    }
    Err(Unopenable::Special(special_kind(&kind)))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Open `path` for reading when it is a regular file, symbolic links
/// followed. The kind is checked before opening, then again on the opened
/// file: a named pipe put in its place between the two is opened without
/// waiting for a writer (`O_NONBLOCK`), then refused.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), Unopenable> {
    check_kind(&std::fs::metadata(path).map_err(Unopenable::Io)?)?;
    let file = open_nonblocking(path).map_err(Unopenable::Io)?;
    let meta = file.metadata().map_err(Unopenable::Io)?;
    check_kind(&meta)?;
    Ok((file, meta))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    // A regular file reads the same with O_NONBLOCK.
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Why bytes of text could not be read.
#[derive(Debug)]
pub enum Unreadable {
    /// A NUL among the first bytes.
    Binary,
    /// More than the limit.
    TooLong,
    Io(io::Error),
}

/// Read the bytes of a text from `reader`, at most `limit` of them. The
/// first `encoding::SNIFF` bytes are checked for NUL before the rest is
/// read, so `/dev/zero` behind stdin is refused at once; `declared` is the
/// encoding known before reading (UTF-16 has NUL bytes). `size` is the
/// expected length, to allocate once.
pub fn read_text(
    reader: impl Read,
    limit: u64,
    size: u64,
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<Vec<u8>, Unreadable> {
    let capacity = usize::try_from(size.min(limit) + 1).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    let mut reader = reader.take(limit.saturating_add(1));
    (&mut reader)
        .take(SNIFF as u64)
        .read_to_end(&mut bytes)
        .map_err(Unreadable::Io)?;
    if encoding::looks_binary(&bytes, declared) {
        return Err(Unreadable::Binary);
    }
    reader.read_to_end(&mut bytes).map_err(Unreadable::Io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(Unreadable::TooLong);
    }
    Ok(bytes)
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
    /// The legacy encoding the bytes were read as, when they were not
    /// UTF-8 and had no byte order mark.
    pub legacy: Option<&'static str>,
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

    /// A one-line warning for the user, when the text needed repair or was
    /// not UTF-8.
    pub fn warning(&self) -> Option<String> {
        if self.lossy {
            return Some(format!("{}: invalid UTF-8 was replaced with �", self.name));
        }
        self.legacy
            .map(|encoding| format!("{}: not UTF-8; read as {encoding}", self.name))
    }
}

/// Read the article named on the command line; `-` reads stdin.
pub fn load(arg: &Path) -> Result<Source> {
    if arg.as_os_str() == "-" {
        let bytes = read_text(io::stdin().lock(), MAX_ARTICLE, 0, None)
            .map_err(|e| unreadable("-", &e, None))?;
        return decode(bytes, "-".into(), None);
    }
    // The name is shown to the user: no control character from it may
    // reach the terminal either.
    let name = crate::parse::sanitize(&arg.to_string_lossy());
    let (file, meta) = open_regular(arg).map_err(|e| match e {
        Unopenable::Io(e) => anyhow::anyhow!("cannot open {name}: {}", describe(&e)),
        other => anyhow::anyhow!("{name}: {}", other.describe("an article")),
    })?;
    if meta.len() > MAX_ARTICLE {
        return Err(too_long(&name, meta.len()));
    }
    if epub::is_epub(arg) {
        return epub::load(file, &meta, name, arg);
    }
    let before = meta.modified().ok().map(|m| (meta.len(), m));
    let bytes = read_text(file, MAX_ARTICLE, meta.len(), None)
        .map_err(|e| unreadable(&name, &e, Some(meta.len())))?;
    let mut source = decode(bytes, name, Some(arg.to_path_buf()))?;
    source.stamp = before;
    Ok(source)
}

/// A long article's head, read and checked; the rest is read when asked
/// (`Rest::read`): the reader draws its first screen from the head, and
/// reads the rest after it.
pub struct Head {
    /// The head: whole lines of valid UTF-8, with no lone CR, from the
    /// start of the file.
    pub source: Source,
    /// The file's length.
    pub len: u64,
    /// The rest of the file, still to be read.
    pub rest: Rest,
}

/// The rest of a file whose head was read, open at the head's end.
pub struct Rest {
    bytes: Vec<u8>,
    file: File,
    name: String,
    path: PathBuf,
    before: Option<Stamp>,
    size: u64,
}

/// A way to read bytes anywhere in a file whose rest is being read: a
/// jump far into a long article is shown from the bytes around its place
/// before the whole is in (see `tui::head`).
pub struct Peek {
    file: File,
    /// The file's length when its head was read.
    pub len: u64,
}

impl Peek {
    /// Up to `len` bytes from byte `at`, fewer at the end of the file.
    #[cfg(unix)]
    pub fn read_at(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let want = usize::try_from(self.len.saturating_sub(at)).map_or(len, |left| left.min(len));
        let mut bytes = vec![0; want];
        let mut got = 0;
        while got < want {
            match self.file.read_at(&mut bytes[got..], at + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        bytes.truncate(got);
        Some(bytes)
    }

    #[cfg(not(unix))]
    pub fn read_at(&self, _at: u64, _len: usize) -> Option<Vec<u8>> {
        None
    }
}

impl Rest {
    /// A second handle on the file, to read bytes anywhere in it while
    /// the rest is read (`read`) on another thread.
    pub fn peek(&self) -> Option<Peek> {
        Some(Peek {
            file: self.file.try_clone().ok()?,
            len: self.size,
        })
    }

    /// The whole article, read and checked as `load` does.
    pub fn read(self) -> Result<Source> {
        whole_rest(
            self.bytes,
            self.file,
            self.name,
            &self.path,
            self.before,
            self.size,
        )
    }

    /// The whole article as `read` gives it, its text read straight into
    /// the buffer the reader shares (see `tui::app::App::open_shared`):
    /// the text is not held twice, as a `String` and then its copy, for a
    /// moment (10 MiB more at 10 MB). The `Source` comes with an empty
    /// `text`: the text is the `Arc`. A file that is not plain UTF-8, or
    /// changed size since its head was read, is read as `read` reads it,
    /// then copied.
    pub fn read_shared(mut self) -> Result<(Source, Arc<str>)> {
        let head = self.bytes.len();
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        if size < head || self.size > MAX_ARTICLE {
            return copied(self.read());
        }
        // Zeroed at once, as large as the file: a slice of an exact
        // length is collected into one allocation.
        let mut shared: Arc<[u8]> = std::iter::repeat_n(0u8, size).collect();
        let Some(buf) = Arc::get_mut(&mut shared) else {
            return copied(self.read());
        };
        buf[..head].copy_from_slice(&self.bytes);
        let mut filled = head;
        let read = loop {
            if filled == size {
                // One byte more means the file grew.
                let mut more = [0u8; 1];
                break self.file.read(&mut more).map(|n| (n, more[0]));
            }
            match self.file.read(&mut buf[filled..]) {
                Ok(0) => break Ok((0, 0)),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let (more, byte) =
            read.map_err(|e| unreadable(&self.name, &Unreadable::Io(e), Some(self.size)))?;
        let plain = filled == size && more == 0 && std::str::from_utf8(buf).is_ok();
        if !plain {
            // What was read, and the rest after it, as `read` reads them.
            self.bytes = buf[..filled].to_vec();
            if more == 1 {
                self.bytes.push(byte);
            }
            drop(shared);
            return copied(self.read());
        }
        // As `decode` checks.
        let nul =
            std::str::from_utf8(buf).is_ok_and(|t| t.chars().take(SNIFF / 2).any(|c| c == '\0'));
        if encoding::looks_binary(buf, None) || nul {
            return Err(binary(&self.name));
        }
        // SAFETY: the bytes were checked to be UTF-8 above, and `str` has
        // the layout of `[u8]`.
        let text: Arc<str> = unsafe { Arc::from_raw(Arc::into_raw(shared) as *const str) };
        let source = Source {
            name: self.name,
            path: Some(self.path),
            text: String::new(),
            lossy: false,
            stamp: self.before,
            legacy: None,
        };
        Ok((source, text))
    }
}

/// `source`, with its text moved into a shared buffer (a copy).
fn copied(source: Result<Source>) -> Result<(Source, Arc<str>)> {
    let mut source = source?;
    let text = Arc::from(std::mem::take(&mut source.text));
    Ok((source, text))
}

/// Read the article named on the command line as `load` does, or only its
/// head when it is a file of at least `min` bytes whose head of `head`
/// bytes is whole lines of UTF-8: the rest is read, and the whole checked,
/// later (`Head::rest`). Reading 10 MB and checking it takes longer than
/// everything else before the reader's first screen, and on a thread of
/// its own it took a core from the terminal that draws that screen.
pub fn load_head(arg: &Path, min: u64, head: usize) -> Result<std::result::Result<Head, Source>> {
    let short = std::fs::metadata(arg).is_ok_and(|m| m.len() < min);
    if arg.as_os_str() == "-" || short || epub::is_epub(arg) {
        return load(arg).map(Err);
    }
    let name = crate::parse::sanitize(&arg.to_string_lossy());
    let (mut file, meta) = open_regular(arg).map_err(|e| match e {
        Unopenable::Io(e) => anyhow::anyhow!("cannot open {name}: {}", describe(&e)),
        other => anyhow::anyhow!("{name}: {}", other.describe("an article")),
    })?;
    if meta.len() > MAX_ARTICLE {
        return Err(too_long(&name, meta.len()));
    }
    let before = meta.modified().ok().map(|m| (meta.len(), m));
    let capacity = usize::try_from(meta.len().saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.by_ref()
        .take(head as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&name, &Unreadable::Io(e), Some(meta.len())))?;
    if encoding::looks_binary(&bytes, None) {
        return Err(binary(&name));
    }
    // Whole lines, valid UTF-8 without a byte order mark, and no lone CR
    // (which the parser reads as a line end, and `parse::prepared` turns
    // into one): the whole text begins with these very characters.
    let cut = memchr::memrchr(b'\n', &bytes).map_or(0, |i| i + 1);
    let text = encoding::bom(&bytes)
        .is_none()
        .then(|| std::str::from_utf8(&bytes[..cut]).ok())
        .flatten()
        .filter(|t| !t.is_empty() && !crate::parse::has_lone_cr(t))
        .map(str::to_string);
    let Some(text) = text else {
        return whole_rest(bytes, file, name, arg, before, meta.len()).map(Err);
    };
    let rest = Rest {
        bytes,
        file,
        name: name.clone(),
        path: arg.to_path_buf(),
        before,
        size: meta.len(),
    };
    Ok(Ok(Head {
        source: Source {
            name,
            path: Some(arg.to_path_buf()),
            text,
            lossy: false,
            stamp: before,
            legacy: None,
        },
        len: meta.len(),
        rest,
    }))
}

/// The rest of a file whose first `bytes` were read, and the whole
/// checked and decoded as `load` does.
fn whole_rest(
    mut bytes: Vec<u8>,
    mut file: File,
    name: String,
    path: &Path,
    before: Option<Stamp>,
    size: u64,
) -> Result<Source> {
    let limit = MAX_ARTICLE.saturating_sub(bytes.len() as u64);
    file.by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&name, &Unreadable::Io(e), Some(size)))?;
    let mut source = decode(bytes, name, Some(path.to_path_buf()))?;
    source.stamp = before;
    Ok(source)
}

/// The one-line error for a text that could not be read.
pub(crate) fn unreadable(name: &str, e: &Unreadable, size: Option<u64>) -> anyhow::Error {
    match e {
        Unreadable::Binary => binary(name),
        Unreadable::TooLong => match size {
            Some(len) if len > MAX_ARTICLE => too_long(name, len),
            _ => anyhow::anyhow!(
                "{name}: is longer than 1 GiB; longform reads articles of up to 1 GiB"
            ),
        },
        Unreadable::Io(e) if name == "-" => {
            anyhow::anyhow!("cannot read stdin: {}", describe(e))
        }
        Unreadable::Io(e) => anyhow::anyhow!("cannot read {name}: {}", describe(e)),
    }
}

fn binary(name: &str) -> anyhow::Error {
    anyhow::anyhow!("{name}: looks like a binary file (it has NUL bytes), not an article")
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
    if encoding::looks_binary(&bytes, None) {
        return Err(binary(&name));
    }
    let decoded = encoding::decode_article(bytes);
    // UTF-16 may hold a NUL the byte check could not see past its BOM.
    if decoded.text.chars().take(SNIFF / 2).any(|c| c == '\0') {
        bail!("{name}: looks like a binary file (it has NUL characters), not an article");
    }
    let legacy = (decoded.encoding == encoding_rs::WINDOWS_1252).then_some("windows-1252");
    Ok(Source {
        name,
        path,
        text: decoded.text,
        lossy: decoded.replaced,
        stamp: None,
        legacy,
    })
}

/// An I/O error in a few plain words, without the OS error number.
pub fn describe(e: &io::Error) -> String {
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

    /// `load_head` of `bytes` written to a file, with a head of 64 bytes
    /// for files of 100 bytes or more: the head's text, or None when the
    /// whole was read; and the whole, as `load` reads it.
    fn head_of(bytes: &[u8]) -> (Option<String>, Result<Source>, Result<Source>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, bytes).unwrap();
        let loaded = load(&path);
        match load_head(&path, 100, 64) {
            Ok(Ok(head)) => {
                assert_eq!(head.len, bytes.len() as u64);
                // Read into the shared buffer, or copied there: the same.
                let again = load_head(&path, 100, 64).unwrap().ok().unwrap();
                match (again.rest.read_shared(), load(&path)) {
                    (Ok((source, text)), Ok(loaded)) => {
                        assert_eq!(*text, *loaded.text);
                        assert!(source.text.is_empty());
                        assert_eq!((source.lossy, source.legacy), (loaded.lossy, loaded.legacy));
                        assert_eq!(source.stamp, loaded.stamp);
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => panic!("{:?} against {:?}", a.map(|s| s.0), b),
                }
                let whole = head.rest.read();
                (Some(head.source.text), whole, loaded)
            }
            Ok(Err(source)) => (None, Ok(source), loaded),
            Err(e) => (None, Err(e), loaded),
        }
    }

    #[test]
    fn a_long_file_is_read_from_its_head_and_then_whole() {
        let line = "A line of text, with café in it.\n";
        let text = line.repeat(20);
        let (head, whole, loaded) = head_of(text.as_bytes());
        let head = head.expect("read from its head");
        // Whole lines only, a prefix of the whole.
        assert!(!head.is_empty() && head.len() <= 64 && head.ends_with('\n'));
        assert!(text.starts_with(&head));
        let (whole, loaded) = (whole.unwrap(), loaded.unwrap());
        assert_eq!(whole.text, loaded.text);
        assert_eq!(whole.stamp, loaded.stamp);
        assert!(!whole.lossy);
    }

    #[test]
    fn damage_past_the_head_comes_with_the_whole() {
        let mut bytes = "Plain words on a line.\n".repeat(10).into_bytes();
        bytes.extend_from_slice(b"caf\xc3\xa9 and caf\xe9\n");
        let (head, whole, loaded) = head_of(&bytes);
        assert!(head.is_some());
        let (whole, loaded) = (whole.unwrap(), loaded.unwrap());
        assert!(whole.lossy);
        assert_eq!(whole.text, loaded.text);
        assert!(whole.text.starts_with(&head.unwrap()));
    }

    #[test]
    fn a_head_that_is_not_plain_lines_of_utf8_means_the_whole_is_read() {
        let cases: [&[u8]; 4] = [
            // Bytes that are not UTF-8 (latin-1).
            &[b"caf\xe9 latin-1 words\n".repeat(10).as_slice()].concat(),
            // Lone CRs, which the parser reads as line ends.
            &b"one line\rand another\r\n".repeat(10),
            // A byte order mark.
            &[b"\xef\xbb\xbf".as_slice(), &b"words on a line\n".repeat(10)].concat(),
            // One line longer than the head.
            &[b"x".repeat(200).as_slice(), b"\n"].concat(),
        ];
        for bytes in cases {
            let (head, whole, loaded) = head_of(bytes);
            assert_eq!(head, None, "{bytes:?}");
            assert_eq!(whole.unwrap().text, loaded.unwrap().text);
        }
        // A short file, read whole at once.
        let (head, ..) = head_of(b"short\n");
        assert_eq!(head, None);
    }

    #[test]
    fn a_file_that_changes_size_after_its_head_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let text = "A line of words.\n".repeat(20);
        for now in [
            text.repeat(2),
            text[..100].to_string(),
            text[..64].to_string(),
        ] {
            std::fs::write(&path, &text).unwrap();
            let head = load_head(&path, 100, 64).unwrap().ok().unwrap();
            std::fs::write(&path, &now).unwrap();
            let (source, shared) = head.rest.read_shared().unwrap();
            assert_eq!(*shared, *now, "{}", now.len());
            assert!(source.text.is_empty() && !source.lossy);
        }
        // A NUL past the head, as the whole is checked.
        let mut bytes = text.clone().into_bytes();
        bytes[200] = 0;
        std::fs::write(&path, &bytes).unwrap();
        let head = load_head(&path, 100, 64).unwrap().ok().unwrap();
        let e = head.rest.read_shared().unwrap_err();
        assert!(e.to_string().contains("binary"), "{e}");
    }

    #[test]
    fn a_binary_head_is_refused() {
        let mut bytes = vec![0u8; 10];
        bytes.extend_from_slice(&b"text\n".repeat(40));
        let (_, whole, loaded) = head_of(&bytes);
        assert!(whole.unwrap_err().to_string().contains("binary"));
        assert!(loaded.unwrap_err().to_string().contains("binary"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let err = decode(b"abc\0def".to_vec(), "x.bin".into(), None).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }

    #[test]
    fn invalid_utf8_is_repaired_and_reported() {
        let s = decode(b"d\xc3\xa9j\xc3\xa0 \xe9 vu".to_vec(), "x.md".into(), None).unwrap();
        assert!(s.lossy);
        assert_eq!(s.text, "déjà \u{fffd} vu");
        assert!(s.warning().unwrap().contains("invalid UTF-8"));
    }

    #[test]
    fn latin1_is_read_as_windows_1252_and_reported() {
        let s = decode(
            b"caf\xe9 au lait \x93quoted\x94".to_vec(),
            "x.md".into(),
            None,
        )
        .unwrap();
        assert!(!s.lossy);
        assert_eq!(s.text, "café au lait \u{201c}quoted\u{201d}");
        assert_eq!(
            s.warning().unwrap(),
            "x.md: not UTF-8; read as windows-1252"
        );
    }

    #[test]
    fn utf16_with_a_bom_is_text_not_binary() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(
            "# Héllo\n\nWorld.\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let s = decode(bytes, "x.md".into(), None).unwrap();
        assert_eq!(s.text, "# Héllo\n\nWorld.\n");
        assert!(s.warning().is_none());
        let mut nul = vec![0xff, 0xfe];
        nul.extend("a\0b".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(decode(nul, "x.md".into(), None).is_err());
    }

    #[test]
    fn reading_is_bounded_and_sniffed_first() {
        // An endless source of NULs is refused after the first bytes.
        let e = read_text(io::repeat(0), MAX_ARTICLE, 0, None).unwrap_err();
        assert!(matches!(e, Unreadable::Binary));
        let e = read_text(io::repeat(b'a'), 100, 0, None).unwrap_err();
        assert!(matches!(e, Unreadable::TooLong));
        let ok = read_text(&b"short"[..], 5, 5, None).unwrap();
        assert_eq!(ok, b"short");
    }

    #[test]
    fn bom_is_dropped() {
        let s = decode("\u{feff}# Hi".as_bytes().to_vec(), "x.md".into(), None).unwrap();
        assert_eq!(s.text, "# Hi");
    }
}
