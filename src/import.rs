//! `longform import`: turn a web page into a clean Markdown article in the
//! library. A source is a saved `.html`/`.htm` file, `-` for HTML on stdin,
//! or an `http(s)://` URL fetched with a small blocking client (at most 5
//! redirects, a 20 s timeout, 20 MB, HTML content types only). The readable
//! part is extracted by `dom_smoothie` (a port of Mozilla's Readability),
//! with the page URL as the document URL so links and images become
//! absolute, and converted to Markdown by `htmd`. The article is written
//! with YAML front matter as `<slug-of-title>.md`, atomically and never over
//! an existing file, into `--into` or the library folder; a page already
//! there (the same `url`, or the same text) is not written again unless
//! asked (`--again`). The article's images are downloaded beside it
//! (`images`), unless `--no-images`.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};

use crate::config::Config;
use crate::paths;
use crate::reader::DEFAULT_WPM;
use crate::tui::Exit;

pub mod images;
pub(crate) mod markdown;
pub(crate) mod nesting;
mod tidy;

/// Limits of an import; tests use small ones.
#[derive(Clone, Copy, Debug)]
pub struct FetchLimits {
    /// The largest page accepted, in bytes, from a URL, a file or stdin.
    pub max_bytes: u64,
    /// The whole request, connection to last byte.
    pub timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    /// The whole import of one source: fetch, extraction and conversion.
    pub deadline: Duration,
    /// Download the article's images beside it.
    pub images: bool,
    /// The largest image downloaded, and the most bytes of images for one
    /// page.
    pub max_image_bytes: u64,
    pub max_page_image_bytes: u64,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(20),
            max_redirects: 5,
            deadline: Duration::from_secs(60),
            images: true,
            max_image_bytes: 10 * 1024 * 1024,
            max_page_image_bytes: 50 * 1024 * 1024,
        }
    }
}

/// The longest file name written, in bytes, `.md` and any `-N` included.
const MAX_NAME_BYTES: usize = 100;

/// HTML read from somewhere, with the URL that makes its links absolute.
#[derive(Debug)]
pub struct Page {
    pub html: String,
    /// The final URL after redirects; `None` for files and stdin.
    pub url: Option<String>,
}

/// One article written to disk.
#[derive(Debug)]
pub struct Imported {
    pub path: PathBuf,
    pub title: String,
    pub words: usize,
    pub minutes: usize,
    /// Images kept beside the article, and those that could not be
    /// fetched (their links stay remote).
    pub images: images::Kept,
}

/// An extracted article, ready to be written.
#[derive(Debug)]
pub struct Article {
    pub title: String,
    /// Front matter followed by the Markdown body.
    pub markdown: String,
}

/// What importing one source did.
#[derive(Debug)]
pub enum Outcome {
    /// A new article file.
    Written(Imported),
    /// The folder already holds this page, at this path: nothing written.
    Already(PathBuf),
}

/// What `longform import` was asked to do besides its sources.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The folder to write into (default: the library).
    pub into: Option<PathBuf>,
    /// Open the last article in the reader.
    pub open: bool,
    /// Write a new copy of a page the folder has already.
    pub again: bool,
    /// The deadline of one import, instead of the default.
    pub timeout: Option<Duration>,
    /// Leave the images on the web.
    pub no_images: bool,
}

/// Run `longform import`: import each source, print a line per article,
/// report each failure, and open the last article when asked. A page
/// already in the folder is not written again unless `again` is set.
/// Each extraction runs in a child process, stopped at the deadline.
pub fn run(sources: &[String], options: &Options) -> Result<Exit> {
    if let Ok(exe) = std::env::current_exe() {
        let _ = EXTRACTOR.set(exe);
    }
    let into = options.into.as_deref();
    let (open, again) = (options.open, options.again);
    let dir = match into {
        Some(d) if d.is_dir() => d.to_path_buf(),
        Some(d) if d.exists() => bail!("cannot import into {}: is not a folder", shown(d)),
        // A new folder is made, as the library's own is.
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", shown(d)))?;
            d.to_path_buf()
        }
        None => library_folder()?,
    };
    // Without --into, a page is looked for in every folder of the library.
    let also: Vec<PathBuf> = if into.is_none() {
        library_folders()
            .into_iter()
            .filter(|f| *f != dir)
            .collect()
    } else {
        Vec::new()
    };
    let mut last = None;
    let mut failed = 0;
    let mut out = io::stdout().lock();
    for source in sources {
        let mut limits = FetchLimits {
            images: !options.no_images,
            ..FetchLimits::default()
        };
        if let Some(timeout) = options.timeout {
            limits.deadline = timeout;
        }
        let outcome = if again {
            import_one(source, &dir, &limits).map(Outcome::Written)
        } else {
            import_new(source, &dir, &also, &limits)
        };
        match outcome {
            Ok(Outcome::Already(path)) => {
                writeln!(out, "Already in your library: {}", shown(&path))?;
                last = Some(path);
            }
            Ok(Outcome::Written(done)) => {
                writeln!(
                    out,
                    "{} · {} · {} word{} · {} min{}",
                    shown(&done.path),
                    crate::parse::sanitize_line(&done.title),
                    done.words,
                    if done.words == 1 { "" } else { "s" },
                    done.minutes,
                    done.images.summary()
                )?;
                last = Some(done.path);
            }
            Err(err) if sources.len() == 1 => return Err(err),
            Err(err) => {
                failed += 1;
                let _ = writeln!(
                    io::stderr(),
                    "longform: {}",
                    crate::parse::sanitize_line(&format!("{err:#}"))
                );
            }
        }
    }
    out.flush()?;
    drop(out);
    if failed > 0 {
        bail!("{failed} of {} imports failed", sources.len());
    }
    match last {
        Some(path) if open && io::stdout().is_terminal() => open_in_reader(&path),
        _ => Ok(Exit::Quit),
    }
}

/// A path as shown in a message: on one line, with stand-ins.
fn shown(path: &Path) -> String {
    crate::parse::sanitize_line(&path.to_string_lossy())
}

/// Open `path` in the reader, as `longform FILE` does.
fn open_in_reader(path: &Path) -> Result<Exit> {
    let source = crate::load::load(path)?;
    let (store, config, warning) = crate::tui::settings::reading_setup();
    crate::tui::run(
        source,
        crate::tui::Options {
            store,
            config,
            warning,
            ..crate::tui::Options::default()
        },
    )
}

/// The folder imports go to without `--into`: the first configured library
/// folder, else the default library (created when missing).
pub fn library_folder() -> Result<PathBuf> {
    let dir = match library_folders().into_iter().next() {
        Some(first) => first,
        None => paths::default_library()?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the library folder {}", shown(&dir)))?;
    Ok(dir)
}

/// The library folders of the config, in its order; none when it names
/// none.
fn library_folders() -> Vec<PathBuf> {
    let config = match paths::config_dir() {
        Ok(dir) => Config::load(&paths::config_file(&dir)).0,
        Err(_) => Config::default(),
    };
    config
        .library
        .iter()
        .flatten()
        .map(|f| paths::expand_home(f))
        .collect()
}

/// Import one source into `dir`, as a new file even when the page is
/// there already; every error names the source. The fetch and the
/// extraction together must end within `limits.deadline`.
pub fn import_one(source: &str, dir: &Path, limits: &FetchLimits) -> Result<Imported> {
    let name = crate::parse::sanitize(source);
    extract_source(source, limits)
        .and_then(|(article, _)| write_with_images(&article, dir, limits, source))
        .map_err(|e| anyhow!("{name}: {e:#}"))
}

/// Write `article`, read from `source`, into `dir`, then its images
/// beside it when `limits.images`: those it links to on the web, and,
/// for a page saved to a file, those saved beside it.
fn write_with_images(
    article: &Article,
    dir: &Path,
    limits: &FetchLimits,
    source: &str,
) -> Result<Imported> {
    let mut done = write_article(article, dir)?;
    if limits.images {
        let file = Path::new(source);
        let saved = source != "-" && !source.contains("://") && file.is_file();
        let base = saved.then(|| file.parent().unwrap_or(Path::new(".")));
        let base = base.map(|b| {
            if b.as_os_str().is_empty() {
                Path::new(".")
            } else {
                b
            }
        });
        done.images = images::keep(&done.path, &article.markdown, limits, base)?;
    }
    Ok(done)
}

/// Import one source into `dir` unless an article of `dir` or of `also`
/// (or of a folder in them) is the same page: the same `url` in its front
/// matter, or the same text.
pub fn import_new(
    source: &str,
    dir: &Path,
    also: &[PathBuf],
    limits: &FetchLimits,
) -> Result<Outcome> {
    let name = crate::parse::sanitize(source);
    let result = extract_source(source, limits).and_then(|(article, url)| {
        let mut urls = vec![source];
        urls.extend(url.as_deref());
        let found = std::iter::once(dir)
            .chain(also.iter().map(PathBuf::as_path))
            .find_map(|d| already_imported(d, &urls, &article));
        match found {
            Some(path) => Ok(Outcome::Already(path)),
            None => write_with_images(&article, dir, limits, source).map(Outcome::Written),
        }
    });
    result.map_err(|e| anyhow!("{name}: {e:#}"))
}

/// Read and extract one source within `limits.deadline`; the article and
/// the page's final URL.
fn extract_source(source: &str, limits: &FetchLimits) -> Result<(Article, Option<String>)> {
    let started = Instant::now();
    let mut limits = *limits;
    limits.timeout = limits.timeout.min(limits.deadline);
    let page = read_source(source, &limits)?;
    let url = page.url.clone();
    let left = limits.deadline.saturating_sub(started.elapsed());
    let article = extract_within(page, left, limits.deadline)?;
    Ok((article, url))
}

/// The Markdown article under `dir` that is `article` already: its front
/// matter has one of `urls` as its `url`, or its text (past the front
/// matter) is the same.
pub fn already_imported(dir: &Path, urls: &[&str], article: &Article) -> Option<PathBuf> {
    let (_, body) = split_front_matter(&article.markdown);
    let body = body.trim();
    let urls: Vec<&str> = urls
        .iter()
        .filter(|u| u.contains("://"))
        .map(|u| same_url(u))
        .collect();
    crate::library::find_articles(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "markdown"))
        .find(|path| {
            let Some((url, text)) = read_article(path, body.len() + FRONT_MATTER_ROOM) else {
                return false;
            };
            url.is_some_and(|u| urls.contains(&same_url(&u)))
                || text.is_some_and(|t| t.trim() == body)
        })
}

/// Room for front matter when comparing texts: a file longer than the
/// article's text by more than this cannot be the same article.
const FRONT_MATTER_ROOM: usize = 16 * 1024;

/// The `url` in the front matter of the regular file at `path`, and its
/// text past the front matter when the file is at most `max` bytes (a
/// longer one cannot be the same text).
fn read_article(path: &Path, max: usize) -> Option<(Option<String>, Option<String>)> {
    use std::io::Read as _;
    let (file, meta) = crate::load::open_regular(path).ok()?;
    let whole = meta.len() <= max as u64;
    let limit = if whole {
        meta.len()
    } else {
        FRONT_MATTER_ROOM as u64
    };
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let (front, rest) = split_front_matter(&text);
    Some((
        front.and_then(front_matter_url),
        whole.then(|| rest.to_string()),
    ))
}

/// A URL compared without its fragment or a final `/`.
fn same_url(url: &str) -> &str {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    url.strip_suffix('/').unwrap_or(url)
}

/// The YAML front matter of `text` (between `---` lines, without them)
/// and the text after it.
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (None, text);
    };
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (Some(&rest[..at]), &rest[at + line.len()..]);
        }
        at += line.len();
    }
    (None, text)
}

/// The `url:` of front matter, unquoted as `yaml_quote` quotes it.
fn front_matter_url(front: &str) -> Option<String> {
    let value = front.lines().find_map(|l| l.strip_prefix("url:"))?.trim();
    let Some(quoted) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return Some(value.trim_matches('\'').to_string());
    };
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Stack for the extraction thread: the parser and the extractor recurse
/// into nested elements.
const EXTRACT_STACK: usize = 64 * 1024 * 1024;

/// The program extractions run in, when set (by `run`): each runs in a
/// child process, which is killed at the deadline, so a page that takes
/// too long leaves nothing running. The extractor cannot be interrupted
/// from within: it is another crate's, and its slow parts are single calls.
static EXTRACTOR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The hidden subcommand a child process of extraction runs.
pub const EXTRACT_COMMAND: &str = "extract-page";

/// `extract` within `left`: in a child process when `EXTRACTOR` is set,
/// else on a thread of its own, which is abandoned when the page takes
/// longer (it ends with the process). Either way the import fails with one
/// clear line.
fn extract_within(page: Page, left: Duration, deadline: Duration) -> Result<Article> {
    if let Some(exe) = EXTRACTOR.get() {
        return extract_in_child(exe, page, left, deadline);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let imported = now_rfc3339();
    std::thread::Builder::new()
        .name("import".into())
        .stack_size(EXTRACT_STACK)
        .spawn(move || {
            let _ = tx.send(extract(&page.html, page.url.as_deref(), &imported));
        })
        .context("cannot start the extraction")?;
    match rx.recv_timeout(left) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(gave_up(deadline)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            bail!("the extraction failed")
        }
    }
}

/// `extract` in a child process running `exe extract-page`: the page goes
/// to its stdin, the title and the Markdown come back on its stdout. The
/// child is killed, and waited for, once `left` has passed.
pub fn extract_in_child(
    exe: &Path,
    page: Page,
    left: Duration,
    deadline: Duration,
) -> Result<Article> {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let started = Instant::now();
    let mut command = Command::new(exe);
    command
        .arg(EXTRACT_COMMAND)
        .arg("--imported")
        .arg(now_rfc3339())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = &page.url {
        command.arg("--url").arg(url);
    }
    let mut child = command.spawn().context("cannot start the extraction")?;
    let (Some(mut input), Some(mut output), Some(mut errors)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        bail!("cannot start the extraction");
    };
    // Threads, so that a full pipe never stalls the wait below.
    let html = page.html;
    let writer = std::thread::spawn(move || {
        // A child killed at the deadline closes the pipe: nothing to say.
        let _ = input.write_all(html.as_bytes());
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = output.read_to_end(&mut out);
        out
    });
    let complainer = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = errors.read_to_string(&mut out);
        out
    });
    let status = loop {
        if let Some(status) = child.try_wait().context("the extraction failed")? {
            break Some(status);
        }
        if started.elapsed() >= left {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let complaint = complainer.join().unwrap_or_default();
    match status {
        None => Err(gave_up(deadline)),
        Some(status) if status.success() => {
            let out = String::from_utf8(out).context("the extraction failed")?;
            let (title, markdown) = out.split_once('\n').context("the extraction failed")?;
            Ok(Article {
                title: title.to_string(),
                markdown: markdown.to_string(),
            })
        }
        Some(_) => {
            let line = complaint.lines().next().unwrap_or("the extraction failed");
            bail!("{}", line.strip_prefix("longform: ").unwrap_or(line))
        }
    }
}

/// `longform extract-page`, the child side of `extract_in_child`: the
/// page on stdin, the title, a line break and the Markdown on stdout.
pub fn extract_command(url: Option<&str>, imported: &str) -> Result<()> {
    use std::io::Read as _;
    let mut html = String::new();
    io::stdin()
        .lock()
        .take(FetchLimits::default().max_bytes)
        .read_to_string(&mut html)
        .context("cannot read the page")?;
    let (url, imported) = (url.map(str::to_string), imported.to_string());
    let article = std::thread::Builder::new()
        .name("import".into())
        .stack_size(EXTRACT_STACK)
        .spawn(move || extract(&html, url.as_deref(), &imported))
        .context("cannot start the extraction")?
        .join()
        .map_err(|_| anyhow!("the extraction failed"))??;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", article.title)?;
    out.write_all(article.markdown.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The message for an import over its deadline.
fn gave_up(deadline: Duration) -> anyhow::Error {
    anyhow!(
        "gave up after {} s: the page takes too long to import",
        deadline.as_secs_f32()
    )
}

/// Read the HTML of a source: a URL, `-` for stdin, or a file.
pub fn read_source(source: &str, limits: &FetchLimits) -> Result<Page> {
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return fetch(source, limits);
    }
    // An address of another kind (ftp://, file://…), not a file by that
    // name: said as such, not as a missing file.
    if let Some((scheme, _)) = source.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !Path::new(source).exists()
    {
        bail!("cannot fetch {scheme}:// addresses: give an http:// or https:// address, or a file");
    }
    use crate::load::{Unopenable, Unreadable, open_regular, read_text};
    let read = if source == "-" {
        read_text(io::stdin().lock(), limits.max_bytes, 0, None)
    } else {
        // Checked before it is opened: a named pipe would wait for a
        // writer, a device never end.
        let (file, meta) = open_regular(Path::new(source)).map_err(|e| match e {
            // In the reader's words: `page.html: no such file`.
            Unopenable::Io(e) => anyhow!("{}", crate::load::describe(&e)),
            other => anyhow!("{}", other.describe("an HTML file")),
        })?;
        if meta.len() > limits.max_bytes {
            bail!("too big (over {} bytes)", limits.max_bytes);
        }
        read_text(file, limits.max_bytes, meta.len(), None)
    };
    let bytes = read.map_err(|e| match e {
        Unreadable::Binary => anyhow!("{BINARY}"),
        Unreadable::TooLong => anyhow!("too big (over {} bytes)", limits.max_bytes),
        Unreadable::Io(e) if source == "-" => anyhow!("cannot read stdin: {}", describe(&e)),
        Unreadable::Io(e) => anyhow!("cannot read: {}", describe(&e)),
    })?;
    Ok(Page {
        html: decode_html(bytes, None)?,
        url: None,
    })
}

/// The message for a page with NUL bytes.
const BINARY: &str = "invalid HTML: binary data (NUL bytes)";

/// Fetch `url` within `limits`: HTML only, never more than `max_bytes`.
pub fn fetch(url: &str, limits: &FetchLimits) -> Result<Page> {
    let parsed: ureq::http::Uri = url.parse().map_err(|e| anyhow!("not a valid URL: {e}"))?;
    if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
        bail!("not a valid http(s) URL");
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(limits.max_redirects)
        .timeout_global(Some(limits.timeout))
        .user_agent(format!(
            "longform/{} (+terminal reader)",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    let mut response = agent
        .get(parsed)
        .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
        .call()
        .map_err(|e| fetch_error(&e, limits))?;
    let final_url = {
        use ureq::ResponseExt;
        response.get_uri().to_string()
    };
    if let Some(mime) = response.body().mime_type() {
        let mime = mime.to_ascii_lowercase();
        if mime != "text/html" && mime != "application/xhtml+xml" {
            bail!(
                "content is not HTML (Content-Type: {})",
                crate::parse::sanitize(&mime)
            );
        }
    }
    if let Some(len) = response.body().content_length()
        && len > limits.max_bytes
    {
        bail!("{}", too_big(limits));
    }
    let charset = response
        .body()
        .charset()
        .map(|c| c.trim_matches(['"', '\'']).to_string());
    let bytes = response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| fetch_error(&e, limits))?;
    Ok(Page {
        html: decode_html(bytes, charset.as_deref())?,
        url: Some(final_url),
    })
}

fn too_big(limits: &FetchLimits) -> String {
    format!("response too big (over {} bytes)", limits.max_bytes)
}

/// One line for a failed fetch.
fn fetch_error(err: &ureq::Error, limits: &FetchLimits) -> anyhow::Error {
    match err {
        ureq::Error::StatusCode(code) => anyhow!("the server answered HTTP {code}"),
        ureq::Error::TooManyRedirects => {
            anyhow!("too many redirects (more than {})", limits.max_redirects)
        }
        ureq::Error::Timeout(_) => anyhow!(
            "URL unreachable: timed out after {} s",
            limits.timeout.as_secs_f32()
        ),
        ureq::Error::BodyExceedsLimit(_) => anyhow!("{}", too_big(limits)),
        ureq::Error::HostNotFound => anyhow!("URL unreachable: host not found"),
        ureq::Error::ConnectionFailed => anyhow!("URL unreachable: connection failed"),
        ureq::Error::Io(e) => anyhow!("URL unreachable: {}", describe(e)),
        other => anyhow!("URL unreachable: {other}"),
    }
}

/// An I/O error without the "(os error N)" noise.
fn describe(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Check that the bytes can be HTML, and decode them in the encoding the
/// HTML standard chooses: byte order mark, then `http_charset` (from the
/// `Content-Type` header), then a `<meta>` declaration, then UTF-8.
pub fn decode_html(bytes: Vec<u8>, http_charset: Option<&str>) -> Result<String> {
    let declared = http_charset.and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()));
    if crate::encoding::looks_binary(&bytes, declared) {
        bail!("{BINARY}");
    }
    let text = crate::encoding::decode_html(bytes, http_charset).text;
    let has_tag = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'!'));
    if !has_tag {
        bail!("invalid HTML: no HTML markup found");
    }
    Ok(text)
}

/// Extract the article of `html` and convert it to Markdown with front
/// matter. `url` is the page's address, used for absolute links.
pub fn extract(html: &str, url: Option<&str>, imported: &str) -> Result<Article> {
    let cfg = dom_smoothie::Config {
        max_elements_to_parse: 200_000,
        // A code block's `language-rust` gives its fence a language.
        keep_classes: true,
        ..dom_smoothie::Config::default()
    };
    let html = nesting::cap_nesting(html, nesting::MAX_DEPTH, nesting::MAX_TOTAL);
    // A page saved to a file says where it came from: the article keeps
    // that url (its links and pictures stay as saved, next to the file).
    let saved = url.is_none().then(|| tidy::saved_url(&html)).flatten();
    let unweighed = tidy::anchors_not_weights(&html);
    let page = unweighed.as_deref().unwrap_or(&html);
    let mut readability = dom_smoothie::Readability::new(page, url, Some(cfg))
        .map_err(|e| anyhow!("invalid HTML: {e}"))?;
    if !readability.is_probably_readable() {
        bail!("no article content found");
    }
    let article = readability.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::GrabFailed => anyhow!("no article content found"),
        other => anyhow!("invalid HTML: {other}"),
    })?;
    let converter = markdown::converter(vec![
        "script", "style", "noscript", "nav", "form", "button", "iframe", "svg", "input", "select",
        "textarea", "template",
    ]);
    let body = markdown::convert(&converter, &article.content)
        .map_err(|e| anyhow!("cannot convert the article to Markdown: {e}"))?;
    let body = without_dateline(
        body.trim(),
        article.byline.as_deref(),
        article.published_time.as_deref(),
    );
    if body.is_empty() {
        bail!("no article content found");
    }
    let h1 = dom_query::Document::from(html.as_ref())
        .select("h1")
        .first()
        .text()
        .to_string();
    let title = without_site_name(
        &one_line(&article.title),
        Some(one_line(&h1).as_str()),
        article.site_name.as_deref(),
    );
    let title = if title.is_empty() {
        "Untitled".to_string()
    } else {
        title
    };
    let mut md = String::from("---\n");
    field(&mut md, "title", Some(&title));
    field(&mut md, "author", article.byline.as_deref());
    field(&mut md, "date", article.published_time.as_deref());
    field(&mut md, "url", url.or(saved.as_deref()));
    field(&mut md, "site", article.site_name.as_deref());
    field(&mut md, "imported", Some(imported));
    md.push_str("---\n\n");
    md.push_str(body);
    md.push('\n');
    Ok(Article {
        title,
        markdown: md,
    })
}

/// `text` trimmed, when anything is left.
fn nonempty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Between the article's title and the site's name in a page's title.
const TITLE_SEPARATORS: [&str; 7] = [" | ", " - ", " – ", " — ", " · ", " :: ", " » "];

/// `title` without the site's name around it ("Title | Site"), which
/// Readability keeps in a title of four words or fewer: the page's site
/// name `site` cut from its start or end; else, when the page's first
/// heading `h1` starts it, before a separator, that heading. (A heading
/// that ends it is as often the site's banner as the article's title.)
fn without_site_name(title: &str, h1: Option<&str>, site: Option<&str>) -> String {
    let title = title.trim();
    if let Some(site) = nonempty(site) {
        for sep in TITLE_SEPARATORS {
            let rest = title
                .strip_suffix(site)
                .and_then(|r| r.strip_suffix(sep))
                .or_else(|| title.strip_prefix(site).and_then(|r| r.strip_prefix(sep)));
            if let Some(rest) = rest.map(str::trim).filter(|r| !r.is_empty()) {
                return rest.to_string();
            }
        }
    }
    if let Some(h1) = nonempty(h1).filter(|h| nonempty(site) != Some(*h)) {
        for sep in TITLE_SEPARATORS {
            let rest = title.strip_prefix(h1).and_then(|r| r.strip_prefix(sep));
            if rest.is_some_and(|rest| !rest.trim().is_empty()) {
                return h1.to_string();
            }
        }
    }
    title.to_string()
}

/// `body` without a first paragraph that only says what the header says
/// already: the author and the date the front matter holds, with "By" and
/// separators (`3 February 2025 · Theo Varga`, `By Theo Varga`,
/// `Feb 3, 2025`). What the page's byline left behind in the text would
/// show under the header's byline, twice.
fn without_dateline<'a>(body: &'a str, author: Option<&str>, date: Option<&str>) -> &'a str {
    const WORDS: [&str; 5] = ["by", "on", "published", "posted", "updated"];
    let (first, rest) = body.split_once("\n\n").unwrap_or((body, ""));
    if first.chars().count() > 160 || first.trim_start().starts_with('#') {
        return body;
    }
    let mut text = first.to_lowercase();
    let mut named = false;
    if let Some(author) = author.map(str::trim).filter(|a| !a.is_empty()) {
        let author = author.to_lowercase();
        named = text.contains(&author);
        text = text.replace(&author, " ");
    }
    // The year of the front matter's date (`2025-02-03…`).
    let year = date
        .and_then(|d| d.trim().get(..4))
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
    let mut dated = false;
    let all_said = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| {
            if year == Some(w) {
                dated = true;
                return true;
            }
            let day = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
            WORDS.contains(&w)
                || (w.len() >= 3 && crate::calendar::MONTHS.iter().any(|m| m.starts_with(w)))
                || (!day.is_empty() && day.len() <= 2 && day.bytes().all(|b| b.is_ascii_digit()))
        });
    if all_said && (named || dated) {
        rest.trim_start()
    } else {
        body
    }
}

/// Whitespace collapsed to single spaces, control characters dropped.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Append `key: "value"` when the value is present and not blank: a
/// front-matter line, as import and the EPUB loader write them.
pub(crate) fn field(out: &mut String, key: &str, value: Option<&str>) {
    let Some(value) = value.map(one_line).filter(|v| !v.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "{key}: {}", yaml_quote(&value));
}

/// A YAML double-quoted scalar: `\` and `"` escaped, control characters
/// removed.
pub fn yaml_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The file stem for a title: lowercase ASCII letters and digits (and other
/// alphanumerics), everything else one `-`, trimmed, at most `max` bytes;
/// "article" when nothing is left.
pub fn file_stem(title: &str, max: usize) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if slug.len() + c.len_utf8() > max {
                break;
            }
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            if slug.len() + 1 > max {
                break;
            }
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(|c| c == '-' || c == '.');
    if slug.is_empty() {
        "article".to_string()
    } else {
        slug.to_string()
    }
}

/// Write `article` into `dir` as `<slug>.md`, or `<slug>-2.md`… when taken.
/// The file appears whole or not at all.
pub fn write_article(article: &Article, dir: &Path) -> Result<Imported> {
    let doc = crate::parse::parse(&article.markdown);
    let words = doc.words;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".longform-import-").suffix(".tmp");
    // An article is an ordinary file (0644 under a 022 umask), not a
    // private temporary one: the umask applies to this mode.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write into {}", shown(dir)))?;
    tmp.write_all(article.markdown.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write into {}", shown(dir)))?;
    let mut n = 1u32;
    loop {
        let suffix = if n == 1 {
            ".md".to_string()
        } else {
            format!("-{n}.md")
        };
        let stem = file_stem(&article.title, MAX_NAME_BYTES - suffix.len());
        let path = dir.join(format!("{stem}{suffix}"));
        match tmp.persist_noclobber(&path) {
            Ok(_) => {
                return Ok(Imported {
                    path,
                    title: article.title.clone(),
                    words,
                    minutes: words.div_ceil(DEFAULT_WPM).max(1),
                    images: images::Kept::default(),
                });
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists && n < 10_000 => {
                tmp = e.file;
                n += 1;
            }
            Err(e) => {
                return Err(anyhow!(
                    "cannot write {}: {}",
                    shown(&path),
                    describe(&e.error)
                ));
            }
        }
    }
}

/// Now as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_name_is_cut_from_a_title() {
        // The page's title, its first <h1>, its site name, and the title.
        let cases = [
            ("My Test Page | Site", "My Test Page", "", "My Test Page"),
            // A heading at the end may be the site's banner: left alone.
            (
                "Site — My Test Page",
                "My Test Page",
                "",
                "Site — My Test Page",
            ),
            (
                "My Post | Jane's Blog",
                "Jane's Blog",
                "",
                "My Post | Jane's Blog",
            ),
            (
                "My Post | Jane's Blog",
                "Jane's Blog",
                "Jane's Blog",
                "My Post",
            ),
            ("My Test Page | The Site", "", "The Site", "My Test Page"),
            ("The Site :: A - B", "", "The Site", "A - B"),
            // Nothing to go by, or nothing left: the title as it is.
            ("A - B", "", "", "A - B"),
            ("Site", "", "Site", "Site"),
            ("Site |", "Site", "", "Site |"),
            ("Just a title", "Another heading", "Site", "Just a title"),
        ];
        for (title, h1, site, cut) in cases {
            let got = without_site_name(
                title,
                Some(h1).filter(|h| !h.is_empty()),
                Some(site).filter(|s| !s.is_empty()),
            );
            assert_eq!(got, cut, "{title:?} with <h1> {h1:?} on {site:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn stems() {
        assert_eq!(file_stem("Hello, World!", 100), "hello-world");
        assert_eq!(file_stem("../../etc/passwd", 100), "etc-passwd");
        assert_eq!(file_stem("...", 100), "article");
        assert_eq!(file_stem("", 100), "article");
        let long = file_stem(&"é".repeat(200), 97);
        assert!(long.len() <= 97);
        assert!(file_stem(&"ab ".repeat(100), 10).len() <= 10);
        assert!(!file_stem("a b c d e f", 4).ends_with('-'));
    }

    #[test]
    fn quoting() {
        assert_eq!(yaml_quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(yaml_quote("x\u{7}y\u{1b}z"), "\"xyz\"");
    }

    #[test]
    fn front_matter_and_its_url() {
        let text = "---\ntitle: \"T\"\nurl: \"https://a.example/x?q=\\\"1\\\"\"\n---\n\nBody.\n";
        let (front, body) = split_front_matter(text);
        assert_eq!(body, "\nBody.\n");
        assert_eq!(
            front.and_then(front_matter_url).as_deref(),
            Some("https://a.example/x?q=\"1\"")
        );
        assert_eq!(
            split_front_matter("No front matter"),
            (None, "No front matter")
        );
        assert_eq!(same_url("https://a.example/x/#top"), "https://a.example/x");
    }

    #[test]
    fn a_first_line_of_only_the_byline_and_date_is_dropped() {
        let author = Some("Theo Varga");
        let date = Some("2025-02-03");
        for line in [
            "3 February 2025 ·",
            "3 February 2025 · Theo Varga",
            "By Theo Varga",
            "*Posted on Feb 3rd, 2025 by Theo Varga*",
            "February 3, 2025 | By Theo Varga",
        ] {
            let body = format!("{line}\n\nEvery program reads a date.");
            assert_eq!(
                without_dateline(&body, author, date),
                "Every program reads a date.",
                "{line}"
            );
        }
        // Anything else stays: other words, another year, no front matter
        // to say it, or the only paragraph.
        for (line, author, date) in [
            ("3 February 2025 · 6 min read", author, date),
            ("3 February 2024", author, date),
            ("By Ann Other", author, date),
            ("3 February 2025", None, None),
            ("May the reader stay", author, date),
        ] {
            let body = format!("{line}\n\nEvery program reads a date.");
            assert_eq!(without_dateline(&body, author, date), body, "{line}");
        }
        assert_eq!(without_dateline("By Theo Varga", author, date), "");
    }

    #[test]
    fn not_html() {
        assert!(decode_html(b"just text".to_vec(), None).is_err());
        assert!(decode_html(b"<p>\0</p>".to_vec(), None).is_err());
        assert!(decode_html(b"<p>ok</p>".to_vec(), None).is_ok());
    }
}
