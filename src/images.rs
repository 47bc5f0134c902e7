//! The pictures of an article's figures: finding an image from its address,
//! reading its size, decoding it within limits, resizing it to a box of
//! pixels, and keeping the results in a cache with a memory cap. All of it
//! runs on a thread of its own (`Loader`), so a large image never holds up
//! a key. This module knows nothing of the terminal: what a resized image
//! becomes on screen (half-blocks, kitty, sixel) is the caller's `Encode`.
//!
//! SVG is drawn by resvg (`svg`), bounded as the other formats are.
//!
//! A remote image is never fetched: opening an article never talks to the
//! network. A file that is missing, is no regular file (a named pipe, a
//! device), or cannot be decoded, or an image that declares more pixels
//! than the limits, gives a short reason instead (`Failure`).

use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use image::{DynamicImage, ImageReader, Limits};

mod cache;
pub mod svg;

pub use cache::Lru;

/// The largest image decoded, on each side: an image that declares more
/// is refused before its pixels are read (a decompression bomb declares
/// 50000x50000).
pub const MAX_SIDE: u32 = 12_000;
/// The most memory one decode may take.
pub const MAX_DECODE_BYTES: u64 = 256 << 20;
/// The most bytes of an image file read.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Decoded images are kept at most this large on their longest side: a
/// figure never needs more pixels than a screen has.
pub const KEPT_SIDE: u32 = 2_400;
/// The memory each of the two caches of pictures may hold: decoded images
/// on the loader's thread, and what the caller made of them at each size;
/// 64 MB in all.
pub const CACHE_BYTES: usize = 32 << 20;

/// Why an image is not shown, in a few words for its placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// An http(s) address: never fetched while reading.
    Remote,
    /// Another scheme (`data:`, `ftp:`), or no address.
    Unsupported,
    Missing,
    /// Not a regular file: a folder, a device, a named pipe.
    NotAFile,
    Unreadable,
    /// More pixels than the limits allow.
    TooLarge,
    /// Corrupt, truncated, or a format not read.
    CannotDecode,
}

impl Failure {
    pub fn reason(self) -> &'static str {
        match self {
            Failure::Remote => "remote",
            Failure::Unsupported => "not a file",
            Failure::Missing => "missing",
            Failure::NotAFile => "not a regular file",
            Failure::Unreadable => "cannot read",
            Failure::TooLarge => "too large",
            Failure::CannotDecode => "cannot decode",
        }
    }
}

/// Where an image's address points: a file, with relative paths taken
/// from the article's folder (`base`), or a failure for anything else.
pub fn resolve(url: &str, base: Option<&Path>) -> Result<PathBuf, Failure> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Failure::Unsupported);
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        return Err(Failure::Remote);
    }
    let path = if lower.starts_with("file://") {
        // `file:///abs/path`, in the case it was written in.
        PathBuf::from(crate::links::local::percent_decode(&url["file://".len()..]))
    } else if has_scheme(url) {
        return Err(Failure::Unsupported);
    } else {
        // A `?query` or `#fragment` is no part of a file's name.
        let bare = url.split(['?', '#']).next().unwrap_or(url);
        PathBuf::from(crate::links::local::percent_decode(bare))
    };
    if path.is_absolute() {
        return Ok(path);
    }
    Ok(match base {
        Some(base) => base.join(path),
        None => path,
    })
}

/// Whether `url` starts with a scheme (`data:`, `ftp:`); a Windows drive
/// letter is one letter and is not.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The decoder's limits: no side over `MAX_SIDE`, no more than
/// `MAX_DECODE_BYTES` allocated.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// A reader of the image file at `path`, its format guessed from its first
/// bytes. Only a regular file is opened, without waiting on a named pipe.
fn open(path: &Path) -> Result<ImageReader<BufReader<impl Read + Seek>>, Failure> {
    let (file, meta) = crate::load::open_regular(path).map_err(unopenable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Failure::TooLarge);
    }
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|_| Failure::Unreadable)?;
    if reader.format().is_none() {
        return Err(Failure::CannotDecode);
    }
    reader.limits(limits());
    Ok(reader)
}

/// Why a file could not be opened, as a placeholder says it.
fn unopenable(e: crate::load::Unopenable) -> Failure {
    match e {
        crate::load::Unopenable::Folder | crate::load::Unopenable::Special(_) => Failure::NotAFile,
        crate::load::Unopenable::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Failure::Missing
        }
        crate::load::Unopenable::Io(_) => Failure::Unreadable,
    }
}

/// The size in pixels of the image at `path`, from its header alone (an
/// SVG: the size it is drawn at).
pub fn probe(path: &Path) -> Result<(u32, u32), Failure> {
    if svg::is_svg(path) {
        return svg::probe(path);
    }
    let (w, h) = open(path)?.into_dimensions().map_err(|e| match e {
        image::ImageError::Limits(_) => Failure::TooLarge,
        _ => Failure::CannotDecode,
    })?;
    if w == 0 || h == 0 {
        return Err(Failure::CannotDecode);
    }
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(Failure::TooLarge);
    }
    Ok((w, h))
}

/// The image at `path`, decoded within the limits (the first frame of an
/// animation), and made no larger than `KEPT_SIDE` on its longest side.
pub fn decode(path: &Path) -> Result<DynamicImage, Failure> {
    if svg::is_svg(path) {
        return svg::decode(path);
    }
    decode_reader(open(path)?)
}

/// The image in `bytes` (an import's download), decoded within the limits.
pub fn decode_bytes(bytes: &[u8]) -> Result<DynamicImage, Failure> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Failure::CannotDecode)?;
    if reader.format().is_none() {
        return Err(Failure::CannotDecode);
    }
    reader.limits(limits());
    decode_reader(reader)
}

fn decode_reader<R: std::io::BufRead + Seek>(
    reader: ImageReader<R>,
) -> Result<DynamicImage, Failure> {
    use image::ImageDecoder;
    let limited = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Failure::TooLarge,
        _ => Failure::CannotDecode,
    };
    let decoder = reader.into_decoder().map_err(limited)?;
    // What the header declares is checked before a byte of pixels is
    // made room for.
    let (w, h) = decoder.dimensions();
    if w > MAX_SIDE || h > MAX_SIDE || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(Failure::TooLarge);
    }
    let image = DynamicImage::from_decoder(decoder).map_err(limited)?;
    if image.width() == 0 || image.height() == 0 {
        return Err(Failure::CannotDecode);
    }
    Ok(if image.width().max(image.height()) > KEPT_SIDE {
        image.resize(KEPT_SIDE, KEPT_SIDE, image::imageops::FilterType::Triangle)
    } else {
        image
    })
}

/// The size of an image in pixels, or why it cannot be shown.
pub type Size = Result<(u32, u32), Failure>;

/// A picture wanted on screen: an image file fitted into a box of cells.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Want {
    pub path: PathBuf,
    pub cols: u16,
    pub rows: u16,
}

/// What the caller makes of an image fitted to a box of cells (a protocol
/// to draw it with), with the bytes it holds, for the cache's cap. It runs
/// on the loader's thread.
pub type Encode<T> = Arc<dyn Fn(&DynamicImage, u16, u16) -> Option<(T, usize)> + Send + Sync>;

enum Job {
    Probe(PathBuf),
    Picture(Want),
}

enum Done<T> {
    Probed(PathBuf, Result<(u32, u32), Failure>),
    Picture(Want, Result<(Arc<T>, usize), Failure>),
}

/// What the loader learned since the last `poll`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum News {
    /// The size of an image, or why it cannot be shown.
    Size(PathBuf, Result<(u32, u32), Failure>),
    /// A picture is ready to draw (or failed, for the same reasons).
    Picture(Want),
}

/// Reads, decodes and encodes pictures on a thread of its own, and keeps
/// what it made in an LRU cache. The caller asks with `size` and
/// `picture`, which answer at once with what is known, and takes the
/// news with `poll`.
pub struct Loader<T> {
    jobs: Sender<Job>,
    done: Receiver<Done<T>>,
    sizes: HashMap<PathBuf, Option<Size>>,
    pictures: Lru<Want, Result<Arc<T>, Failure>>,
    asked: std::collections::HashSet<Want>,
}

impl<T: Send + Sync + 'static> Loader<T> {
    /// A loader whose pictures are made by `encode`; `None` when no thread
    /// could be started.
    pub fn start(encode: Encode<T>) -> Option<Loader<T>> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (tx, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("images".into())
            .spawn(move || work(&rx, &tx, &encode))
            .ok()?;
        Some(Loader {
            jobs,
            done,
            sizes: HashMap::new(),
            pictures: Lru::new(CACHE_BYTES),
            asked: std::collections::HashSet::new(),
        })
    }

    /// The size of the image at `path`: `None` while it is read.
    pub fn size(&mut self, path: &Path) -> Option<Result<(u32, u32), Failure>> {
        if let Some(known) = self.sizes.get(path) {
            return *known;
        }
        self.sizes.insert(path.to_path_buf(), None);
        let _ = self.jobs.send(Job::Probe(path.to_path_buf()));
        None
    }

    /// The picture `want`: `None` while it is made.
    pub fn picture(&mut self, want: &Want) -> Option<Result<Arc<T>, Failure>> {
        if let Some(found) = self.pictures.get(want) {
            return Some(found.clone());
        }
        if self.asked.insert(want.clone()) {
            let _ = self.jobs.send(Job::Picture(want.clone()));
        }
        None
    }

    /// What was made since the last call.
    pub fn poll(&mut self) -> Vec<News> {
        let mut news = Vec::new();
        while let Ok(done) = self.done.try_recv() {
            news.push(self.take(done));
        }
        news
    }

    /// Wait until everything asked for is made: for output that is not
    /// interactive (`cat --images`) and for tests.
    pub fn wait(&mut self) -> Vec<News> {
        let mut news = self.poll();
        while self.busy() {
            match self.done.recv() {
                Ok(done) => news.push(self.take(done)),
                Err(_) => break,
            }
        }
        news
    }

    fn take(&mut self, done: Done<T>) -> News {
        match done {
            Done::Probed(path, size) => {
                self.sizes.insert(path.clone(), Some(size));
                News::Size(path, size)
            }
            Done::Picture(want, made) => {
                self.asked.remove(&want);
                let (value, bytes) = match made {
                    Ok((picture, bytes)) => (Ok(picture), bytes),
                    Err(f) => (Err(f), 0),
                };
                self.pictures.put(want.clone(), value, bytes);
                News::Picture(want)
            }
        }
    }

    /// Whether pictures are still being made.
    pub fn busy(&self) -> bool {
        !self.asked.is_empty() || self.sizes.values().any(Option::is_none)
    }
}

/// The loader's thread: answer the jobs, newest first (the screen the
/// reader is on now), keeping decoded images for the next size.
fn work<T>(jobs: &Receiver<Job>, done: &Sender<Done<T>>, encode: &Encode<T>) {
    let mut decoded: Lru<PathBuf, Result<Arc<DynamicImage>, Failure>> = Lru::new(CACHE_BYTES);
    let mut queue: Vec<Job> = Vec::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(job) => queue.push(job),
                Err(_) => return,
            }
        }
        queue.extend(jobs.try_iter());
        // Sizes first: they are quick and lay the figures out.
        let next = queue
            .iter()
            .rposition(|j| matches!(j, Job::Probe(_)))
            .unwrap_or(queue.len() - 1);
        let sent = match queue.remove(next) {
            Job::Probe(path) => {
                let size = probe(&path);
                done.send(Done::Probed(path, size))
            }
            Job::Picture(want) => {
                let image = match decoded.get(&want.path) {
                    Some(found) => found.clone(),
                    None => {
                        let image = decode(&want.path).map(Arc::new);
                        let bytes = image.as_ref().map_or(0, |i| i.as_bytes().len());
                        decoded.put(want.path.clone(), image.clone(), bytes);
                        image
                    }
                };
                let made = image.and_then(|image| {
                    encode(&image, want.cols, want.rows)
                        .map(|(picture, bytes)| (Arc::new(picture), bytes))
                        .ok_or(Failure::CannotDecode)
                });
                done.send(Done::Picture(want, made))
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
