//! EPUB books as articles: the bytes of an `.epub` archive in, one Markdown
//! article out. The container names the package (OPF), whose metadata
//! becomes front matter and whose spine, in reading order, becomes the
//! body: each XHTML document converted by the same HTML → Markdown path as
//! import (htmd, without the readability step), and each one starting a
//! section titled and nested as the book's navigation (EPUB 3 `nav` or EPUB
//! 2 NCX) says. Nothing here touches the disk or the terminal, and the
//! output is byte-identical for the same archive, so saved places stay
//! valid. Every read from the archive is bounded: a zip bomb, a path out of
//! the archive, DRM or a broken document gives a one-line error or a
//! skipped part, never a panic.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Cursor, Read};

use anyhow::{Result, anyhow, bail};
use quick_xml::events::Event;

use crate::import::{field, one_line};
use crate::links::local::percent_decode;

mod notes;
mod places;

/// The most bytes all entries read may add up to, uncompressed.
pub const MAX_TOTAL: u64 = 1 << 30;
/// An entry larger than this must not be more than `MAX_RATIO` times its
/// compressed size: text compresses about 3 to 10 times, a bomb thousands.
const RATIO_FLOOR: u64 = 1 << 20;
const MAX_RATIO: u64 = 200;

/// The version of the conversion: a change to the output bumps it, so
/// cached text made by an older version is made again.
pub const CONVERSION_VERSION: u32 = 10;

/// A converted book.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub date: Option<String>,
    /// Front matter and body.
    pub markdown: String,
    /// Parts that could not be read and were skipped, one line each.
    pub skipped: Vec<String>,
    /// The images the text shows, each a file name (safe to join to a
    /// folder) and its bytes, referred to in the text as `ASSETS/NAME`.
    pub images: Vec<(String, Vec<u8>)>,
}

/// One entry of the book's table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavEntry {
    /// 1 for the top level.
    pub depth: usize,
    pub title: String,
    /// The archive path of the document, resolved.
    pub path: String,
    pub fragment: Option<String>,
}

/// The archive, read within the limits.
struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    /// Bytes read so far, uncompressed.
    read: u64,
}

impl Archive {
    /// The bytes of the entry at `name`, or `None` when there is none.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => bail!("{name}: cannot read it from the archive ({e})"),
        };
        let size = entry.size();
        let packed = entry.compressed_size();
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            bail!(
                "{name}: compressed {} times; this looks like a zip bomb",
                size / packed.max(1)
            );
        }
        let left = MAX_TOTAL.saturating_sub(self.read);
        if size > left {
            bail!("the archive holds more than 1 GiB of data; this looks like a zip bomb");
        }
        // The declared size may lie: never read more than it, plus one byte
        // to notice.
        let mut bytes = Vec::with_capacity(usize::try_from(size.min(1 << 26)).unwrap_or(0));
        (&mut entry)
            .take(size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow!("{name}: cannot read it from the archive ({e})"))?;
        let got = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if got > size {
            bail!("{name}: holds more than its declared size; this looks like a zip bomb");
        }
        self.read += got;
        Ok(Some(bytes))
    }
}

/// Convert the EPUB archive in `bytes` to one Markdown article, whose
/// images are referred to as files in the folder `assets` (a path written
/// into the text as it is).
pub fn convert(bytes: Vec<u8>, assets: &str) -> Result<Book> {
    let (mut archive, package) = open(bytes)?;
    let mut skipped = Vec::new();
    let nav = match package.nav_source() {
        Some((path, is_ncx)) => match archive.read(&path) {
            Ok(Some(b)) if is_ncx => parse_ncx(&text_of(&b), &path),
            Ok(Some(b)) => parse_nav(&text_of(&b), &path),
            Ok(None) => {
                skipped.push(format!(
                    "{}: the table of contents is missing",
                    shown(&path)
                ));
                Vec::new()
            }
            Err(e) => {
                skipped.push(format!("{e:#}"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let mut chapters = Vec::new();
    for path in &package.spine {
        match archive.read(path) {
            Ok(Some(b)) => chapters.push((path.clone(), b)),
            Ok(None) => skipped.push(format!(
                "{}: missing from the archive; skipped",
                shown(path)
            )),
            Err(e) => skipped.push(format!("{e:#}; skipped")),
        }
    }
    // What the header shows, which a title page need not say again.
    let shown_above: Vec<String> = package
        .title
        .iter()
        .chain(&package.authors)
        .chain(&package.date)
        .cloned()
        .collect();
    let (body, image_paths) =
        convert_on_big_stack(chapters, nav, package.title.clone(), shown_above)?;
    let mut images = Vec::new();
    // Each image's file, or none when it cannot be read.
    let mut names = Vec::new();
    for (i, path) in image_paths.iter().enumerate() {
        let name = asset_name(i, path);
        match archive.read(path) {
            Ok(Some(b)) => {
                images.push((name.clone(), b));
                names.push(Some(name));
            }
            Ok(None) => {
                skipped.push(format!(
                    "{}: an image missing from the archive",
                    shown(path)
                ));
                names.push(None);
            }
            Err(e) => {
                skipped.push(format!("{e:#}; skipped"));
                names.push(None);
            }
        }
    }
    let body = image_references(&body, assets, &names);
    let mut md = String::from("---\n");
    field(&mut md, "title", package.title.as_deref());
    if !package.authors.is_empty() {
        field(&mut md, "author", Some(&package.authors.join(", ")));
    }
    field(&mut md, "date", package.date.as_deref());
    field(&mut md, "language", package.language.as_deref());
    md.push_str("---\n\n");
    md.push_str(&body);
    Ok(Book {
        title: package.title,
        authors: package.authors,
        language: package.language,
        date: package.date,
        markdown: md,
        skipped,
        images,
    })
}

/// A safe file name for the image at archive path `path`, the `i`th of the
/// book: its number and the end of its own name (at most 60 bytes) in
/// letters and digits of any script, `.`, `-` and `_`, never starting with
/// a dot, so that it stays in the folder it is joined to.
fn asset_name(i: usize, path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or_default();
    let clean: String = file
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    let mut from = clean.len().saturating_sub(60);
    while !clean.is_char_boundary(from) {
        from += 1;
    }
    format!("{:03}-{}", i + 1, &clean[from..])
}

/// The body with each image token as the path of its file in `assets`, or
/// as no address at all for an image that could not be read: it shows as
/// its alt text, as an image out of the archive does, not as a link to a
/// file that is not there.
fn image_references(body: &str, assets: &str, names: &[Option<String>]) -> String {
    if names.is_empty() {
        return body.to_string();
    }
    // Inside `<…>` a destination may hold spaces; `<`, `>` and line ends
    // may not.
    let folder: String = assets
        .chars()
        .filter(|c| *c != '\n' && *c != '\r')
        .flat_map(|c| match c {
            '<' | '>' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(IMAGE_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + IMAGE_OPEN.len_utf8()..];
        let number = after
            .find(IMAGE_CLOSE)
            .and_then(|j| after[..j].parse::<usize>().ok().map(|n| (n, j)));
        match number.and_then(|(n, j)| Some((names.get(n)?, j))) {
            Some((name, j)) => {
                if let Some(name) = name {
                    let _ = write!(out, "<{folder}/{name}>");
                }
                rest = &after[j + IMAGE_CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// Private-use characters around an image's number in the converted text
/// (see `notes` for why).
const IMAGE_OPEN: char = '\u{f8f2}';
const IMAGE_CLOSE: char = '\u{f8f3}';

/// The images of the book's documents, by archive path, in the order they
/// are first shown.
#[derive(Default)]
struct Images {
    paths: Vec<String>,
    index: HashMap<String, usize>,
}

impl Images {
    /// The document's HTML with the `src` of each `<img>` that names a
    /// file of the archive made a token for its number. An image on the
    /// web keeps its address (shown as an image that is not there); any
    /// other (`file:`, a path out of the archive) loses it, so that
    /// nothing outside the archive is ever read for the book.
    fn tokens(&mut self, path: &str, html: &str) -> String {
        static IMG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r#"(?is)(<img\b[^>]*?\ssrc\s*=\s*)(?:"([^"]*)"|'([^']*)')"#)
                .expect("a valid pattern")
        });
        IMG.replace_all(html, |c: &regex::Captures<'_>| {
            let src = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            let src = src.replace("&amp;", "&");
            let Some(file) = resolve(path, &src) else {
                let lower = src.trim_start().to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    return c[0].to_string();
                }
                return format!("{}\"\"", &c[1]);
            };
            let next = self.paths.len();
            let n = *self.index.entry(file.clone()).or_insert(next);
            if n == next {
                self.paths.push(file);
            }
            format!("{}\"{IMAGE_OPEN}{n}{IMAGE_CLOSE}\"", &c[1])
        })
        .into_owned()
    }
}

/// The book's title from its package, without converting it.
pub fn title(bytes: Vec<u8>) -> Result<Option<String>> {
    Ok(open(bytes)?.1.title)
}

/// The archive, checked as an EPUB, and its package.
fn open(bytes: Vec<u8>) -> Result<(Archive, Package)> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| anyhow!("not an EPUB (not a zip archive)"))?;
    let mut archive = Archive { zip, read: 0 };
    let Some(container) = archive.read("META-INF/container.xml")? else {
        if archive.zip.index_for_name("mimetype").is_none() {
            bail!("not an EPUB (no mimetype and no META-INF/container.xml)");
        }
        bail!("not an EPUB (no META-INF/container.xml)");
    };
    if let Some(encryption) = archive.read("META-INF/encryption.xml")?
        && is_drm(&text_of(&encryption))
    {
        bail!("this EPUB is encrypted (DRM)");
    }
    let opf_path = rootfile(&text_of(&container))
        .ok_or_else(|| anyhow!("not an EPUB (META-INF/container.xml names no package)"))?;
    let opf_path = resolve("", &opf_path)
        .ok_or_else(|| anyhow!("not an EPUB (the package path leaves the archive)"))?;
    let opf = archive
        .read(&opf_path)?
        .ok_or_else(|| anyhow!("not an EPUB (the package {} is missing)", shown(&opf_path)))?;
    let opf_text = text_of(&opf);
    let package = Package::parse(&opf_text, &opf_path);
    if package.spine.is_empty() {
        // No spine at all: the package is not one (garbled, or another
        // kind of XML), which is not the same as a book with no pages.
        if !opf_text.contains("spine") {
            bail!(
                "not an EPUB (its package {} cannot be read: it has no spine)",
                shown(&opf_path)
            );
        }
        bail!("this EPUB has no readable documents (its spine is empty)");
    }
    Ok((archive, package))
}

/// Stack for the conversion: the HTML parser and htmd recurse into nested
/// elements.
const STACK: usize = 64 * 1024 * 1024;

fn convert_on_big_stack(
    chapters: Vec<(String, Vec<u8>)>,
    nav: Vec<NavEntry>,
    book_title: Option<String>,
    shown_above: Vec<String>,
) -> Result<(String, Vec<String>)> {
    std::thread::Builder::new()
        .name("epub".into())
        .stack_size(STACK)
        .spawn(move || body(&chapters, &nav, book_title.as_deref(), &shown_above))
        .map_err(|e| anyhow!("cannot start the conversion: {e}"))?
        .join()
        .map_err(|_| anyhow!("the conversion failed"))
}

/// A path as shown in a message.
fn shown(path: &str) -> String {
    crate::parse::sanitize_line(path)
}

/// Text of an XML file: its declared encoding, else UTF-8 repaired.
fn text_of(bytes: &[u8]) -> String {
    let declared = xml_encoding(bytes);
    crate::encoding::decode_html(bytes.to_vec(), declared.as_deref()).text
}

/// The `encoding="…"` of an XML declaration at the start of `bytes`.
fn xml_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}');
    if !head.starts_with("<?xml") {
        return None;
    }
    let decl = &head[..head.find("?>")?];
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Whether `encryption.xml` encrypts more than fonts: font obfuscation
/// (IDPF, Adobe) is not DRM, anything else is.
fn is_drm(xml: &str) -> bool {
    const FONT_ALGORITHMS: &[&str] = &[
        "http://www.idpf.org/2008/embedding",
        "http://ns.adobe.com/pdf/enc#RC",
    ];
    const FONT_ENDINGS: &[&str] = &[".ttf", ".otf", ".woff", ".woff2"];
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut algorithm: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "EncryptedData" => algorithm = None,
                "EncryptionMethod" => algorithm = attr(&e, "Algorithm"),
                "CipherReference" => {
                    let uri = attr(&e, "URI").unwrap_or_default().to_ascii_lowercase();
                    let font_method = algorithm
                        .as_deref()
                        .is_some_and(|a| FONT_ALGORITHMS.contains(&a));
                    let font_file = FONT_ENDINGS.iter().any(|end| uri.ends_with(end));
                    if !font_method && !font_file {
                        return true;
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return false,
            // A broken file that exists is taken as DRM: its content
            // cannot be trusted to be readable.
            Err(_) => return true,
            _ => {}
        }
    }
}

/// The value of the attribute whose local name is `name`.
fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The package path that `container.xml` names.
fn rootfile(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "rootfile" => {
                if let Some(p) = attr(&e, "full-path").filter(|p| !p.is_empty()) {
                    return Some(p);
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// `href` relative to the folder of `base` (an archive path), as an archive
/// path: percent-escapes decoded, `.` and `..` applied. `None` for a path
/// that leaves the archive or an absolute URL.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.is_empty() || href.contains(':') {
        return None;
    }
    let href = percent_decode(href);
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    // The base's own file name.
    if !href.starts_with('/') {
        parts.pop();
    }
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What the OPF says.
#[derive(Debug, Default)]
struct Package {
    title: Option<String>,
    authors: Vec<String>,
    language: Option<String>,
    date: Option<String>,
    /// Archive paths of the spine's documents, in reading order.
    spine: Vec<String>,
    /// The EPUB 3 navigation document.
    nav: Option<String>,
    /// The EPUB 2 NCX.
    ncx: Option<String>,
}

impl Package {
    fn parse(xml: &str, opf_path: &str) -> Package {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut package = Package::default();
        // id → (path, media type)
        let mut manifest: HashMap<String, (String, String)> = HashMap::new();
        let mut idrefs = Vec::new();
        let mut toc_id = None;
        let mut field: Option<&'static str> = None;
        let mut text = String::new();
        // The element's `id` and its `opf:role` or `opf:event`, or the id a
        // `<meta property="role">` refines.
        let mut about: (Option<String>, Option<String>) = (None, None);
        // Each creator: name, id, role.
        let mut creators: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        // EPUB 3 roles: creator id → role.
        let mut roles: HashMap<String, String> = HashMap::new();
        // Each date: value and event.
        let mut dates: Vec<(String, Option<String>)> = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    field = match e.local_name().as_ref() {
                        "title" => Some("title"),
                        "creator" => Some("creator"),
                        "language" => Some("language"),
                        "date" => Some("date"),
                        "meta" if attr(&e, "property").as_deref() == Some("role") => Some("role"),
                        _ => None,
                    };
                    about = match field {
                        Some("creator") => (attr(&e, "id"), attr(&e, "role")),
                        Some("date") => (None, attr(&e, "event")),
                        Some("role") => (attr(&e, "refines"), None),
                        _ => (None, None),
                    };
                    text.clear();
                    package.item(&e, opf_path, &mut manifest, &mut idrefs, &mut toc_id);
                }
                Ok(Event::Empty(e)) => {
                    package.item(&e, opf_path, &mut manifest, &mut idrefs, &mut toc_id);
                }
                Ok(Event::Text(t)) if field.is_some() => text.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) if field.is_some() => push_ref(&mut text, &r),
                Ok(Event::CData(c)) if field.is_some() => {
                    text.push_str(&c);
                }
                Ok(Event::End(_)) => {
                    let value = one_line(&text);
                    match field.take() {
                        Some("title") if package.title.is_none() && !value.is_empty() => {
                            package.title = Some(value);
                        }
                        Some("creator") if !value.is_empty() => {
                            let (id, role) = std::mem::take(&mut about);
                            creators.push((value, id, role));
                        }
                        Some("role") => {
                            if let Some(id) = about.0.take() {
                                roles.insert(id.trim_start_matches('#').to_string(), value);
                            }
                        }
                        Some("language") if package.language.is_none() && !value.is_empty() => {
                            package.language = Some(value);
                        }
                        Some("date") if !value.is_empty() => {
                            dates.push((value, about.1.take()));
                        }
                        _ => {}
                    }
                    text.clear();
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        package.authors = authors(creators, &roles);
        package.date = publication_date(&dates);
        package.spine = idrefs
            .iter()
            .filter_map(|id| manifest.get(id))
            .map(|(path, _)| path.clone())
            .collect();
        if let Some(id) = toc_id
            && let Some((path, _)) = manifest.get(&id)
        {
            package.ncx = Some(path.clone());
        }
        if package.ncx.is_none() {
            // Sorted, so the choice does not depend on the map's order.
            let mut ncx: Vec<&String> = manifest
                .values()
                .filter(|(_, t)| t == "application/x-dtbncx+xml")
                .map(|(p, _)| p)
                .collect();
            ncx.sort();
            package.ncx = ncx.first().map(|p| (*p).clone());
        }
        package
    }

    /// Read a manifest `item`, a spine `itemref` or the `spine` itself.
    fn item(
        &mut self,
        e: &quick_xml::events::BytesStart<'_>,
        opf_path: &str,
        manifest: &mut HashMap<String, (String, String)>,
        idrefs: &mut Vec<String>,
        toc_id: &mut Option<String>,
    ) {
        match e.local_name().as_ref() {
            "item" => {
                let (Some(id), Some(href)) = (attr(e, "id"), attr(e, "href")) else {
                    return;
                };
                let Some(path) = resolve(opf_path, &href) else {
                    return;
                };
                let kind = attr(e, "media-type").unwrap_or_default();
                if attr(e, "properties").is_some_and(|p| p.split_whitespace().any(|p| p == "nav"))
                    && self.nav.is_none()
                {
                    self.nav = Some(path.clone());
                }
                manifest.entry(id).or_insert((path, kind));
            }
            "itemref" => {
                if let Some(id) = attr(e, "idref") {
                    idrefs.push(id);
                }
            }
            "spine" => *toc_id = attr(e, "toc"),
            _ => {}
        }
    }

    /// The navigation to read: the EPUB 3 nav first, else the NCX, with
    /// whether it is the NCX.
    fn nav_source(&self) -> Option<(String, bool)> {
        self.nav
            .clone()
            .map(|p| (p, false))
            .or_else(|| self.ncx.clone().map(|p| (p, true)))
    }
}

/// The authors among the creators: those whose role (`opf:role`, or an
/// EPUB 3 `<meta refines property="role">`) is `aut` or not given, so an
/// illustrator or editor is not taken for one; all of them when none is.
fn authors(
    creators: Vec<(String, Option<String>, Option<String>)>,
    roles: &HashMap<String, String>,
) -> Vec<String> {
    let role = |id: &Option<String>, own: &Option<String>| {
        own.clone()
            .or_else(|| id.as_ref().and_then(|id| roles.get(id).cloned()))
            .map(|r| r.trim().to_ascii_lowercase())
    };
    let authors: Vec<String> = creators
        .iter()
        .filter(|(_, id, own)| role(id, own).is_none_or(|r| r == "aut"))
        .map(|(name, _, _)| name.clone())
        .collect();
    if authors.is_empty() {
        creators.into_iter().map(|(name, _, _)| name).collect()
    } else {
        authors
    }
}

/// The book's publication date among its `dc:date`s: the one marked as
/// the publication, else the first not marked as a modification or a
/// conversion. A year that starts with 0 (calibre writes `0101-01-01` for
/// a date it does not know) is no date.
fn publication_date(dates: &[(String, Option<String>)]) -> Option<String> {
    let known: Vec<&(String, Option<String>)> = dates
        .iter()
        .filter(|(value, _)| !value.starts_with('0'))
        .collect();
    let event = |e: &Option<String>| e.as_deref().map(str::to_ascii_lowercase);
    known
        .iter()
        .find(|(_, e)| event(e).is_some_and(|e| e == "publication" || e == "original-publication"))
        .or_else(|| {
            known
                .iter()
                .find(|(_, e)| !event(e).is_some_and(|e| e == "modification" || e == "conversion"))
        })
        .map(|(value, _)| value.clone())
}

/// Append the text an entity or character reference stands for.
fn push_ref(out: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    match &**r {
        "amp" => out.push('&'),
        "lt" => out.push('<'),
        "gt" => out.push('>'),
        "quot" => out.push('"'),
        "apos" => out.push('\''),
        "nbsp" => out.push('\u{a0}'),
        _ => {}
    }
}

/// The entries of an EPUB 3 navigation document's `toc` nav, nested by
/// their lists.
pub fn parse_nav(xml: &str, nav_path: &str) -> Vec<NavEntry> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut entries = Vec::new();
    // Inside the toc nav: the nesting of `ol` elements.
    let mut in_toc = false;
    let mut nav_depth = 0usize;
    let mut ol_depth = 0usize;
    // The entry being read: its href, its text, the element that holds it
    // (`a`, or `span` for a title without a link), and how many elements
    // of that name are open inside it (`<a><span>1</span> Title</a>`).
    let mut link: Option<(String, String, String, usize)> = None;
    // Titles without a link (`<span>Part One</span>`), at their depths:
    // they head the next entry that has one, at its place.
    let mut pending: Vec<(usize, String)> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "nav" => {
                    nav_depth += 1;
                    if !in_toc && entries.is_empty() {
                        let kind = attr(&e, "type").unwrap_or_default();
                        // The first nav is the toc when none says so.
                        in_toc = kind.split_whitespace().any(|k| k == "toc") || kind.is_empty();
                    }
                }
                "ol" if in_toc => ol_depth += 1,
                name @ ("a" | "span") if in_toc => match link.as_mut() {
                    None => {
                        link = Some((
                            attr(&e, "href").unwrap_or_default(),
                            String::new(),
                            name.to_string(),
                            0,
                        ));
                    }
                    Some((_, _, open, nested)) if open == name => *nested += 1,
                    Some(_) => {}
                },
                _ => {}
            },
            // A line break in a title is a space.
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "br" => {
                if let Some((_, text, _, _)) = link.as_mut() {
                    text.push(' ');
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, text, _, _)) = link.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text, _, _)) = link.as_mut() {
                    push_ref(text, &r);
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "nav" => {
                    nav_depth = nav_depth.saturating_sub(1);
                    if nav_depth == 0 && in_toc {
                        in_toc = false;
                        if !entries.is_empty() {
                            break;
                        }
                    }
                }
                "ol" if in_toc => ol_depth = ol_depth.saturating_sub(1),
                name @ ("a" | "span") if in_toc => match link.as_mut() {
                    Some((_, _, open, nested)) if open == name && *nested > 0 => *nested -= 1,
                    Some((_, _, open, _)) if open == name => {
                        if let Some((href, text, _, _)) = link.take() {
                            let title = one_line(&text);
                            if href.trim().is_empty() {
                                if !title.is_empty() {
                                    pending.push((ol_depth.max(1), title));
                                }
                            } else {
                                let before = entries.len();
                                add_entry(&mut entries, ol_depth, &title, nav_path, &href);
                                if let Some(e) = entries.get(before).cloned() {
                                    let heads = pending.drain(..).map(|(depth, title)| NavEntry {
                                        depth,
                                        title,
                                        ..e.clone()
                                    });
                                    entries.splice(before..before, heads);
                                }
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    entries
}

/// The entries of an EPUB 2 NCX's `navMap`, nested by their `navPoint`s.
pub fn parse_ncx(xml: &str, ncx_path: &str) -> Vec<NavEntry> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut entries = Vec::new();
    // One (label, src) per open navPoint, written when its content is seen.
    let mut open: Vec<(String, Option<String>, bool)> = Vec::new();
    let mut in_text = false;
    let mut in_map = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "navMap" => in_map = true,
                "navPoint" if in_map => open.push((String::new(), None, false)),
                "text" => in_text = true,
                "content" => ncx_content(&e, &mut open, &mut entries, ncx_path),
                _ => {}
            },
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "content" => {
                ncx_content(&e, &mut open, &mut entries, ncx_path);
            }
            Ok(Event::Text(t)) if in_text => {
                if let Some((label, _, _)) = open.last_mut() {
                    label.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Some((label, _, _)) = open.last_mut() {
                    push_ref(label, &r);
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "navMap" => break,
                "navPoint" => {
                    open.pop();
                }
                "text" => in_text = false,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    entries
}

/// A navPoint's `content`: its entry, at the depth of the open navPoints.
fn ncx_content(
    e: &quick_xml::events::BytesStart<'_>,
    open: &mut [(String, Option<String>, bool)],
    entries: &mut Vec<NavEntry>,
    ncx_path: &str,
) {
    let depth = open.len();
    if let Some((label, src, done)) = open.last_mut()
        && !*done
    {
        *src = attr(e, "src");
        *done = true;
        add_entry(
            entries,
            depth,
            label,
            ncx_path,
            src.as_deref().unwrap_or(""),
        );
    }
}

fn add_entry(entries: &mut Vec<NavEntry>, depth: usize, title: &str, base: &str, href: &str) {
    let title = one_line(title);
    let Some(path) = resolve(base, href) else {
        return;
    };
    if title.is_empty() {
        return;
    }
    let fragment = href
        .split_once('#')
        .map(|(_, f)| f.to_string())
        .filter(|f| !f.is_empty());
    entries.push(NavEntry {
        depth: depth.max(1),
        title,
        path,
        fragment,
    });
}

/// The Markdown body of the spine's documents, each starting a section.
/// The navigation's entries for a document head it; those that point
/// inside it are headings at their places (`places`); in a document the
/// navigation titles, its own headings are lines in bold, so the outline is
/// the navigation. A document it leaves out is titled by its first heading.
/// Links between the documents become links to their section headings, or
/// to the heading their fragment names.
/// The images' archive paths come with it, in the order of their tokens.
/// A document the navigation leaves out whose heading is the book's title
/// (a title page) starts no section, and its lines that say what the header
/// shows (`shown_above`: the title, authors and date) are left out.
fn body(
    chapters: &[(String, Vec<u8>)],
    nav: &[NavEntry],
    book_title: Option<&str>,
    shown_above: &[String],
) -> (String, Vec<String>) {
    let mut by_path: HashMap<&str, Vec<&NavEntry>> = HashMap::new();
    for entry in nav {
        by_path.entry(entry.path.as_str()).or_default().push(entry);
    }
    let converter = converter();
    let htmls: Vec<String> = chapters
        .iter()
        .map(|(_, bytes)| {
            let html = text_of(bytes);
            let html = internal_subset(&html);
            let html = drop_hidden(&html);
            let html = svg_images(&html);
            notes::clear_tokens(&html).into_owned()
        })
        .collect();
    let scans: Vec<Option<notes::Scan>> = htmls.iter().map(|h| notes::scan(h)).collect();
    let notes = notes::Notes::new(
        chapters
            .iter()
            .zip(&scans)
            .filter_map(|((path, _), scan)| Some((path.as_str(), scan.as_ref()?))),
    );
    let mut images = Images::default();
    let to_markdown = |html: &str| {
        let html = crate::import::nesting::cap_nesting(
            html,
            crate::import::nesting::MAX_DEPTH,
            crate::import::nesting::MAX_TOTAL,
        );
        crate::import::markdown::convert(&converter, &html).unwrap_or_default()
    };
    let docs: Vec<Doc<'_>> = chapters
        .iter()
        .zip(htmls.iter().zip(&scans))
        .map(|((path, _), (html, scan))| {
            let (html, defs) = match scan {
                Some(scan) if !notes.is_empty() => notes.rewrite(path, html, scan),
                _ => (html.clone(), Vec::new()),
            };
            let html = drop_repeated_captions(&html);
            let html = drop_navbars(&html);
            let html = heading_breaks(&html);
            let entries = by_path.get(path.as_str()).cloned().unwrap_or_default();
            let inside: Vec<&NavEntry> = entries
                .iter()
                .copied()
                .filter(|e| e.fragment.is_some())
                .collect();
            let fragments: Vec<String> = inside.iter().filter_map(|e| e.fragment.clone()).collect();
            let (html, found) = places::mark(&html, &fragments);
            let html = images.tokens(path, &html);
            let ids = heading_ids(&html);
            let mut md = notes::references(to_markdown(&html).trim());
            for (n, note) in defs {
                let note = images.tokens(path, &note);
                let note = notes::references(&to_markdown(&note));
                md.push_str("\n\n");
                md.push_str(&notes::definition(n, &note));
            }
            // The entries at the document's start: those without a
            // fragment, or whose fragment it lacks, before any placed one.
            let mut top = Vec::new();
            let mut placed_before = false;
            // The number of each entry with a fragment among those.
            let mut n = 0;
            for e in &entries {
                let placed = if e.fragment.is_some() {
                    n += 1;
                    found[n - 1]
                } else {
                    None
                };
                match placed {
                    Some(_) => placed_before = true,
                    None if !placed_before => top.push(*e),
                    None => {}
                }
            }
            let mut places: Vec<Place<'_>> = inside
                .iter()
                .zip(&found)
                .enumerate()
                .filter_map(|(n, (e, at))| {
                    Some(Place {
                        token: n,
                        at: (*at)?,
                        entry: e,
                        id: percent_decode(e.fragment.as_deref()?),
                    })
                })
                .collect();
            places.sort_by_key(|p| (p.at, p.token));
            Doc {
                path: path.as_str(),
                md: md.trim().to_string(),
                ids,
                top,
                places,
            }
        })
        .collect();
    // Whether the navigation titles any document: then it alone makes the
    // outline, and a document it leaves out (a cover, a copyright page)
    // goes on in the section before, its headings in bold.
    let nav_titles = docs
        .iter()
        .any(|d| !d.top.is_empty() || !d.places.is_empty());
    let anchors = Anchors::new(&docs, nav_titles);
    let mut out = String::new();
    // The depth of the last section, for a document the navigation omits.
    let mut depth = 1usize;
    for doc in &docs {
        let path = doc.path;
        let md = anchors.rewrite_links(path, &doc.md);
        let md = md.as_str();
        let id_of = |k: usize| {
            doc.ids
                .get(k)
                .and_then(Option::as_deref)
                .and_then(|id| anchors.heading(path, id))
        };
        let by_token: HashMap<usize, &Place<'_>> =
            doc.places.iter().map(|p| (p.token, p)).collect();
        let place = |n: usize| {
            let p = by_token.get(&n)?;
            let mut line = escape_heading(&p.entry.title);
            if let Some(id) = anchors.place(path, &p.id) {
                let _ = write!(line, " {{#{id}}}");
            }
            Some((p.entry.depth.clamp(1, 6), line, p.entry.title.as_str()))
        };
        let last_place = doc.places.last().map(|p| p.entry.depth.clamp(1, 6));
        if let Some(last) = doc.top.last() {
            for (i, e) in doc.top.iter().enumerate() {
                let _ = write!(
                    out,
                    "{} {}",
                    "#".repeat(e.depth.clamp(1, 6)),
                    escape_heading(&e.title)
                );
                if i == 0
                    && let Some(id) = anchors.section(path)
                {
                    let _ = write!(out, " {{#{id}}}");
                }
                out.push_str("\n\n");
            }
            let level = last.depth.clamp(1, 6);
            let titles: Vec<&str> = doc.top.iter().map(|e| e.title.as_str()).collect();
            let rest = shift_headings(md, &titles, level, true, id_of, place);
            // A title page the navigation lists: what the header shows
            // already (the authors, the date) is not said again.
            let rest = if is_title_page(md, book_title) {
                drop_said(&rest, shown_above)
            } else {
                rest
            };
            if !rest.is_empty() {
                out.push_str(&rest);
                out.push_str("\n\n");
            }
            depth = last_place.unwrap_or(level);
            continue;
        }
        if !doc.places.is_empty() {
            // The text before the first entry goes on in the section
            // before.
            let rest = shift_headings(md, &[], depth, true, id_of, place);
            if !rest.is_empty() {
                out.push_str(&rest);
                out.push_str("\n\n");
            }
            depth = last_place.unwrap_or(depth);
            continue;
        }
        // A document the navigation leaves out: titled by its first
        // heading, at the depth of the section before, in a book whose
        // navigation titles none.
        let title = first_heading(md);
        let title_page = is_title_page(md, book_title);
        if nav_titles && !title_page {
            let rest = shift_headings(md, &[], depth, true, |_| None, |_| None);
            if !rest.is_empty() {
                out.push_str(&rest);
                out.push_str("\n\n");
            }
            continue;
        }
        let (Some(title), false) = (title, title_page) else {
            // No title anywhere: the text joins the previous section; a
            // title page without the title the header shows.
            let md = match first_heading(md) {
                Some(t) if title_page => {
                    let rest =
                        shift_headings(md, &[t.as_str()], depth, nav_titles, |_| None, |_| None);
                    drop_said(&rest, shown_above)
                }
                _ => places::clear(md),
            };
            if !md.is_empty() {
                out.push_str(&md);
                out.push_str("\n\n");
            }
            continue;
        };
        let level = depth.clamp(1, 6);
        let _ = write!(out, "{} {}", "#".repeat(level), escape_heading(&title));
        if let Some(id) = anchors.section(path) {
            let _ = write!(out, " {{#{id}}}");
        }
        out.push_str("\n\n");
        let rest = shift_headings(md, &[title.as_str()], level, false, id_of, |_| None);
        if !rest.is_empty() {
            out.push_str(&rest);
            out.push_str("\n\n");
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    (out, images.paths)
}

/// One of the book's documents, converted.
struct Doc<'a> {
    path: &'a str,
    md: String,
    /// The ids of its headings, in order.
    ids: Vec<Option<String>>,
    /// The entries of the navigation that start it, in the navigation's
    /// order.
    top: Vec<&'a NavEntry>,
    /// The entries placed inside it, in the document's order.
    places: Vec<Place<'a>>,
}

/// An entry of the navigation placed inside a document.
struct Place<'a> {
    /// The number of its token in the converted text.
    token: usize,
    /// Where it was put in the document's HTML.
    at: usize,
    entry: &'a NavEntry,
    /// The id it names.
    id: String,
}

/// The `id` of each `h1`…`h6` of a document, in order.
fn heading_ids(html: &str) -> Vec<Option<String>> {
    static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)<h[1-6](\s[^>]*)?>"#).expect("a valid pattern")
    });
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)\sid\s*=\s*["']([^"']*)["']"#).expect("a valid pattern")
    });
    HEADING
        .captures_iter(html)
        .map(|c| {
            c.get(1)
                .and_then(|attrs| ID.captures(attrs.as_str()))
                .map(|id| id[1].to_string())
        })
        .collect()
}

/// A document's HTML with each line break inside a heading made a space:
/// Project Gutenberg writes `<h2>CHAPTER I.<br/>THE PERIOD</h2>`, and a
/// Markdown heading is one line, so the break would cut it in two (the
/// heading `CHAPTER I.` and a paragraph `THE PERIOD`).
fn heading_breaks(html: &str) -> std::borrow::Cow<'_, str> {
    static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<h[1-6]\b[^>]*>.*?</h[1-6]\s*>").expect("a valid pattern")
    });
    static BREAK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\s*<br\b[^>]*>\s*").expect("a valid pattern")
    });
    if !html.contains("<br") && !html.contains("<BR") {
        return html.into();
    }
    HEADING.replace_all(html, |c: &regex::Captures<'_>| {
        BREAK.replace_all(&c[0], " ").into_owned()
    })
}

/// A document's HTML without the navigation bars calibre's news fetchers
/// put at the top and bottom of each article (`<div
/// class="calibre_navbar">`: "| Next | Section menu | Main menu |
/// Previous |", "This article was downloaded by calibre from …"): the
/// book's table of contents does their work, and in one article they
/// would be read as its first and last lines.
fn drop_navbars(html: &str) -> std::borrow::Cow<'_, str> {
    static DIV: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)<(/?)div\b((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
            .expect("a valid pattern")
    });
    static NAVBAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)\sclass\s*=\s*["'][^"']*\bcalibre_navbar\b"#)
            .expect("a valid pattern")
    });
    if !html.contains("calibre_navbar") {
        return html.into();
    }
    let mut out = String::with_capacity(html.len());
    let mut done = 0;
    // The start of the bar being dropped, and how many divs are open in it.
    let mut dropping: Option<(usize, usize)> = None;
    for c in DIV.captures_iter(html) {
        let whole = c.get(0).expect("the match");
        let closing = !c[1].is_empty();
        dropping = match (dropping, closing) {
            (None, false) if NAVBAR.is_match(&c[2]) => Some((whole.start(), 1)),
            (Some((start, open)), false) => Some((start, open + 1)),
            (Some((start, 1)), true) => {
                out.push_str(&html[done..start]);
                done = whole.end();
                None
            }
            (Some((start, open)), true) => Some((start, open - 1)),
            (None, _) => None,
        };
    }
    match dropping {
        Some((start, _)) => out.push_str(&html[done..start]),
        None => out.push_str(&html[done..]),
    }
    out.into()
}

/// A document's HTML without the internal subset of its DOCTYPE (`<!DOCTYPE
/// html [ <!ENTITY author "Ada Writer"> ]>`), which an HTML parser does not
/// read (its `]>` would be a paragraph), and with each entity it declares as
/// plain text written out where it is used (`&author;`). An entity whose
/// text holds markup or names other entities is left as it is, and so is
/// any once the text written out adds up to the document's own length, so
/// that a short document cannot grow a thousandfold.
fn internal_subset(html: &str) -> std::borrow::Cow<'_, str> {
    static ENTITY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>"#)
            .expect("a valid pattern")
    });
    static REFERENCE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"&([A-Za-z_][\w.-]*);").expect("a valid pattern")
    });
    static PLAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:[^<&%]|&#[0-9]+;|&#x[0-9A-Fa-f]+;|&(?:amp|lt|gt|quot|apos);)*$")
            .expect("a valid pattern")
    });
    let head = &html.as_bytes()[..html.len().min(4096)];
    let Some(doctype) = head
        .windows(9)
        .position(|w| w.eq_ignore_ascii_case(b"<!doctype"))
    else {
        return html.into();
    };
    // The `[` before the DOCTYPE's `>`, and the `]` that closes it,
    // outside quotes and comments.
    let mut open = None;
    let mut quote = None;
    let mut i = doctype;
    let bytes = html.as_bytes();
    let close = loop {
        let Some(&b) = bytes.get(i) else {
            return html.into();
        };
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'<') if open.is_some() && html[i..].starts_with("<!--") => {
                match html[i..].find("-->") {
                    Some(end) => i += end + 2,
                    None => return html.into(),
                }
            }
            (None, b'[') if open.is_none() => open = Some(i),
            (None, b']') if open.is_some() && html[i + 1..].trim_start().starts_with('>') => {
                break i;
            }
            (None, b'>') if open.is_none() => return html.into(),
            _ => {}
        }
        i += 1;
    };
    let Some(open) = open else {
        return html.into();
    };
    let subset = &html[open + 1..close];
    let mut entities = HashMap::new();
    for c in ENTITY.captures_iter(subset) {
        let text = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
        if PLAIN.is_match(text) {
            let text = text.replace('"', "&quot;").replace('\'', "&#39;");
            entities.entry(c[1].to_string()).or_insert(text);
        }
    }
    let rest = &html[close + 1..];
    let mut budget = html.len();
    let rest = if entities.is_empty() {
        rest.into()
    } else {
        REFERENCE.replace_all(rest, |c: &regex::Captures<'_>| match entities.get(&c[1]) {
            Some(text) if text.len() <= budget => {
                budget -= text.len();
                text.clone()
            }
            _ => c[0].to_string(),
        })
    };
    format!("{}{}", &html[..open], rest).into()
}

/// A document's HTML without what it hides: an element with the `hidden`
/// attribute, and a `nav` of landmarks or of the print edition's pages
/// (`epub:type="landmarks"`, `page-list`) even when shown. A reader never
/// sees them; in the text they would be a list of links to nowhere ("Start
/// of Content", "1", "2"…). An element that is not closed is kept.
fn drop_hidden(html: &str) -> std::borrow::Cow<'_, str> {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?s)<!--.*?-->|<(/?)([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
            .expect("a valid pattern")
    });
    static ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"#)
            .expect("a valid pattern")
    });
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    if !html.contains("hidden") && !html.contains("landmarks") && !html.contains("page-list") {
        return html.into();
    }
    // Elements whose end tag may be left out: one that never closes would
    // hide the rest of the document from this pass.
    const OPEN_ENDED: &[&str] = &[
        "li", "p", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot",
        "colgroup", "rb", "rt", "rp",
    ];
    let hides = |name: &str, attrs: &str| {
        let mut hidden = false;
        let mut kept = false;
        for a in ATTR.captures_iter(attrs) {
            let key = a[1].to_ascii_lowercase();
            let value = a
                .get(2)
                .or_else(|| a.get(3))
                .or_else(|| a.get(4))
                .map_or("", |m| m.as_str());
            let local = key.rsplit(':').next().unwrap_or_default();
            if name.eq_ignore_ascii_case("nav")
                && local == "type"
                && key != local
                && value
                    .split_whitespace()
                    .any(|t| t == "landmarks" || t == "page-list")
            {
                return true;
            }
            hidden |= key == "hidden";
            // What a link or the contents may point at (a note shown in a
            // pop-up, a heading the contents go to) stays.
            kept |= key == "id";
        }
        hidden
            && !kept
            && !name.eq_ignore_ascii_case("aside")
            && !OPEN_ENDED.iter().any(|o| name.eq_ignore_ascii_case(o))
    };
    let mut dropped = Vec::new();
    // The element being dropped: where it starts, its name, and how many
    // elements of that name are open.
    let mut dropping: Option<(usize, String, usize)> = None;
    for c in TAG.captures_iter(html) {
        let (Some(whole), Some(name)) = (c.get(0), c.get(2)) else {
            continue;
        };
        let name = name.as_str().to_ascii_lowercase();
        let closing = !c[1].is_empty();
        let attrs = c.get(3).map_or("", |m| m.as_str());
        let empty = attrs.trim_end().ends_with('/') || VOID.contains(&name.as_str());
        match dropping.as_mut() {
            Some((start, open, depth)) if *open == name => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        dropped.push(*start..whole.end());
                        dropping = None;
                    }
                } else if !empty {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None if !closing && hides(&name, attrs) => {
                if empty {
                    dropped.push(whole.range());
                } else {
                    dropping = Some((whole.start(), name, 1));
                }
            }
            None => {}
        }
    }
    if dropped.is_empty() {
        return html.into();
    }
    let mut out = String::with_capacity(html.len());
    let mut done = 0;
    for range in dropped {
        out.push_str(&html[done..range.start]);
        done = range.end;
    }
    out.push_str(&html[done..]);
    out.into()
}

/// A document's HTML with each `<svg>` that only frames one `<image>`
/// (calibre's covers, and many publishers': `<svg><image
/// xlink:href="cover.jpeg"/></svg>`) made an `<img>` of that file, so that
/// it is shown as any other picture. Its alt text is the svg's `<title>`,
/// else the document's.
fn svg_images(html: &str) -> std::borrow::Cow<'_, str> {
    static SVG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<(?:svg:)?svg\b[^>]*>(.*?)</(?:svg:)?svg\s*>")
            .expect("a valid pattern")
    });
    static IMAGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?is)<(?:svg:)?image\b((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
            .expect("a valid pattern")
    });
    static HREF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)(?:^|\s)(?:xlink:)?href\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
            .expect("a valid pattern")
    });
    static TITLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<(?:svg:)?title\b[^>]*>(.*?)</(?:svg:)?title\s*>")
            .expect("a valid pattern")
    });
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<[^>]*>").expect("a valid pattern"));
    if !html.contains("svg") {
        return html.into();
    }
    let text = |m: &str| one_line(&TAG.replace_all(m, "")).replace('"', "&quot;");
    let document_title = TITLE
        .captures(&html[..SVG.find(html).map_or(0, |m| m.start())])
        .map(|c| text(&c[1]));
    SVG.replace_all(html, |svg: &regex::Captures<'_>| {
        let mut images = IMAGE.captures_iter(&svg[1]);
        let (Some(image), None) = (images.next(), images.next()) else {
            return svg[0].to_string();
        };
        let Some(href) = HREF.captures(&image[1]) else {
            return svg[0].to_string();
        };
        let href = href
            .get(1)
            .or_else(|| href.get(2))
            .map_or("", |m| m.as_str());
        let alt = TITLE
            .captures(&svg[1])
            .map(|c| text(&c[1]))
            .filter(|t| !t.is_empty())
            .or_else(|| document_title.clone())
            .unwrap_or_default();
        format!(
            "<img src=\"{}\" alt=\"{alt}\"/>",
            href.trim().replace('"', "&quot;")
        )
    })
}

/// A figure's HTML with its `<figcaption>` taken out when the caption only
/// repeats the alt text of an image in the figure (pandoc writes both, the
/// caption `aria-hidden`): the figure's caption is its alt text already,
/// and the book would show it twice.
fn drop_repeated_captions(html: &str) -> std::borrow::Cow<'_, str> {
    static FIGURE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?is)<figure\b.*?</figure\s*>").unwrap());
    static CAPTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<figcaption\b[^>]*>(.*?)</figcaption\s*>").unwrap()
    });
    static ALT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?is)<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')"#).unwrap()
    });
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<[^>]*>").unwrap());
    if !html.contains("<figcaption") && !html.contains("<FIGCAPTION") {
        return html.into();
    }
    // Text as a reader sees it: no tags, the common entities, one space.
    let plain = |text: &str| -> String {
        let text = TAG.replace_all(text, "");
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    FIGURE.replace_all(html, |figure: &regex::Captures<'_>| {
        let figure = &figure[0];
        let alts: Vec<String> = ALT
            .captures_iter(figure)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| plain(m.as_str()))
            .filter(|a| !a.is_empty())
            .collect();
        CAPTION
            .replace_all(figure, |caption: &regex::Captures<'_>| {
                if alts.contains(&plain(&caption[1])) {
                    String::new()
                } else {
                    caption[0].to_string()
                }
            })
            .into_owned()
    })
}

static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"\]\(<?([^)\s>]*)>?((?:\s+"[^"]*")?)\)"#).expect("a valid pattern")
});

/// Heading ids for the targets of links between the book's documents.
struct Anchors {
    /// Document path → its slug.
    docs: HashMap<String, String>,
    /// (document path, fragment) targeted by a link.
    targets: std::collections::HashSet<(String, Option<String>)>,
    /// (document path, id) of each heading after the document's first,
    /// and of each navigation entry placed inside a document.
    headings: std::collections::HashSet<(String, String)>,
    /// For a document that only entries placed inside it title: the id of
    /// the first, where a link to the document goes.
    first_place: HashMap<String, String>,
    /// The documents that start no section: a link to one is left as it
    /// is.
    untitled: std::collections::HashSet<String>,
}

impl Anchors {
    fn new(docs: &[Doc<'_>], nav_titles: bool) -> Anchors {
        let mut slugs = HashMap::new();
        let mut used = std::collections::HashSet::new();
        for (i, Doc { path, .. }) in docs.iter().enumerate() {
            let stem = path.rsplit('/').next().unwrap_or(path);
            let stem = stem.split('.').next().unwrap_or(stem);
            let mut slug = format!("epub-{}", crate::import::file_stem(stem, 40));
            if !used.insert(slug.clone()) {
                slug = format!("{slug}-{i}");
                used.insert(slug.clone());
            }
            slugs.entry((*path).to_string()).or_insert(slug);
        }
        let mut targets = std::collections::HashSet::new();
        for Doc { path, md, .. } in docs {
            for c in LINK.captures_iter(md) {
                if let Some((doc, fragment)) = target(path, &c[1])
                    && slugs.contains_key(&doc)
                {
                    targets.insert((doc.clone(), None));
                    targets.insert((doc, fragment));
                }
            }
        }
        let headings = docs
            .iter()
            .flat_map(|d| {
                let placed = d.places.iter().map(|p| p.id.clone());
                // A document the navigation titles keeps no headings of
                // its own: only its placed entries are.
                let covered = !d.top.is_empty() || !d.places.is_empty();
                let own = if covered || nav_titles {
                    &[][..]
                } else {
                    &d.ids[..]
                };
                own.iter()
                    .skip(1)
                    .flatten()
                    .cloned()
                    .chain(placed)
                    .map(|id| (d.path.to_string(), id))
            })
            .collect();
        let first_place = docs
            .iter()
            .filter(|d| d.top.is_empty())
            .filter_map(|d| Some((d.path.to_string(), d.places.first()?.id.clone())))
            .collect();
        let untitled = docs
            .iter()
            .filter(|d| nav_titles && d.top.is_empty() && d.places.is_empty())
            .map(|d| d.path.to_string())
            .collect();
        Anchors {
            docs: slugs,
            targets,
            headings,
            first_place,
            untitled,
        }
    }

    /// The id of a document's section heading, when a link goes to it: the
    /// heading of its first placed entry when only those title it.
    fn section(&self, path: &str) -> Option<String> {
        if !self.targets.contains(&(path.to_string(), None)) || self.untitled.contains(path) {
            return None;
        }
        let doc = self.docs.get(path)?;
        Some(match self.first_place.get(path) {
            Some(id) => format!("{doc}--{}", crate::import::file_stem(id, 40)),
            None => doc.clone(),
        })
    }

    /// The id of the heading of the entry placed at `id` in a document,
    /// when a link goes to it or, for the first, to the document.
    fn place(&self, path: &str, id: &str) -> Option<String> {
        if self.first_place.get(path).is_some_and(|f| f == id)
            && let Some(section) = self.section(path)
        {
            return Some(section);
        }
        self.heading(path, id)
    }

    /// The id of the heading with `id` in a document, when a link goes to
    /// it.
    fn heading(&self, path: &str, id: &str) -> Option<String> {
        let doc = self.docs.get(path)?;
        self.targets
            .contains(&(path.to_string(), Some(id.to_string())))
            .then(|| format!("{doc}--{}", crate::import::file_stem(id, 40)))
    }

    /// A document's Markdown with each link to a document of the book made
    /// a link to its heading: the fragment's heading when it is one, else
    /// the document's section.
    fn rewrite_links(&self, path: &str, md: &str) -> String {
        LINK.replace_all(md, |c: &regex::Captures<'_>| {
            let Some((doc, fragment)) = target(path, &c[1]) else {
                return c[0].to_string();
            };
            let heading = fragment.as_deref().and_then(|f| {
                self.heading_exists(&doc, f)
                    .then(|| self.heading(&doc, f))
                    .flatten()
            });
            match heading.or_else(|| self.section(&doc)) {
                Some(id) => format!("](#{id}{})", &c[2]),
                None => c[0].to_string(),
            }
        })
        .into_owned()
    }

    /// Whether `fragment` is the id of a heading of `doc` after its first
    /// (the first is the section's own heading, or right after it).
    fn heading_exists(&self, doc: &str, fragment: &str) -> bool {
        self.headings
            .contains(&(doc.to_string(), fragment.to_string()))
    }
}

/// The document and fragment a link in the document at `path` goes to;
/// `None` for a link out of the book.
fn target(path: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.is_empty() {
        return None;
    }
    let (file, fragment) = match href.split_once('#') {
        Some((f, frag)) => (f, Some(percent_decode(frag)).filter(|f| !f.is_empty())),
        None => (href, None),
    };
    let doc = if file.is_empty() {
        path.to_string()
    } else {
        resolve(path, file)?
    };
    Some((doc, fragment))
}

/// The converter of a book's documents: import's, but a `nav` (a table of
/// contents in the text) is kept, and the `head` is left out.
fn converter() -> htmd::HtmlToMarkdown {
    crate::import::markdown::converter(vec![
        "script", "style", "noscript", "form", "button", "iframe", "svg", "input", "select",
        "textarea", "template", "head", "title",
    ])
}

/// A heading's text, with characters Markdown would read as syntax at its
/// end escaped.
fn escape_heading(title: &str) -> String {
    let t = title.trim_end_matches('#').trim_end();
    if t.is_empty() {
        title.replace('#', "\\#")
    } else {
        t.to_string()
    }
}

/// The ATX heading at a line: its level and text.
fn heading_line(line: &str) -> Option<(usize, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((hashes, rest.trim().trim_end_matches('#').trim()))
}

/// The text of the first heading of a document's Markdown.
/// Whether a document is the book's title page: its first heading is the
/// book's title.
fn is_title_page(md: &str, book_title: Option<&str>) -> bool {
    first_heading(md)
        .as_deref()
        .zip(book_title)
        .is_some_and(|(t, b)| one_line(t).eq_ignore_ascii_case(&one_line(b)))
}

/// `md` without the paragraphs the header says already (`shown_above`:
/// the title, the authors, the date).
fn drop_said(md: &str, shown_above: &[String]) -> String {
    let said = |p: &str| {
        shown_above
            .iter()
            .any(|s| one_line(s).eq_ignore_ascii_case(&one_line(p)))
    };
    md.split("\n\n")
        .filter(|p| !said(p))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn first_heading(md: &str) -> Option<String> {
    lines_outside_code(md)
        .find_map(|(line, code)| if code { None } else { heading_line(line) })
        .map(|(_, t)| one_line(t))
        .filter(|t| !t.is_empty())
}

/// Each line with whether it is inside a fenced code block.
fn lines_outside_code(md: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut fence: Option<&str> = None;
    md.lines().map(move |line| {
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                (line, true)
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                (line, true)
            }
            (Some(_), _) => (line, true),
            (None, None) => (line, false),
        }
    })
}

/// The document's Markdown under a section heading at `level`: the
/// headings before its text dropped when they repeat one of `titles` (the
/// section's), each token of an
/// entry placed inside it made that entry's heading (`place` gives its
/// level, its line and its title), and its own headings moved below the
/// entry or section they come after, keeping their nesting; or, with
/// `demote` (a document the navigation titles, whose outline is the
/// navigation's alone), made paragraphs in bold. A line right after a
/// placed entry that only repeats its title is left out.
fn shift_headings<'t>(
    md: &str,
    titles: &[&str],
    level: usize,
    demote: bool,
    id_of: impl Fn(usize) -> Option<String>,
    place: impl Fn(usize) -> Option<(usize, String, &'t str)>,
) -> String {
    let lines: Vec<(&str, bool)> = lines_outside_code(md).collect();
    // The headings before any text that repeat a title.
    let mut dropped = std::collections::HashSet::new();
    for (i, (line, code)) in lines.iter().enumerate() {
        if line.trim().is_empty() && !code {
            continue;
        }
        let repeats = !code
            && heading_line(line).is_some_and(|(_, t)| {
                titles
                    .iter()
                    .any(|title| one_line(t).eq_ignore_ascii_case(&one_line(title)))
            });
        if !repeats {
            break;
        }
        dropped.insert(i);
    }
    let top = lines
        .iter()
        .enumerate()
        .filter(|(i, (_, code))| !code && !dropped.contains(i))
        .filter_map(|(_, (l, _))| heading_line(l).map(|(n, _)| n))
        .min()
        .unwrap_or(1);
    let mut out = String::with_capacity(md.len());
    // The heading's number in the document, the dropped one counted.
    let mut k = 0;
    // The level the document's own headings go below.
    let mut under = level;
    // A line to leave out: a paragraph repeating a placed entry's title.
    let mut skip = None;
    // The blank line after a line left out goes with it.
    let mut after_skip = false;
    for (i, (line, code)) in lines.iter().enumerate() {
        if Some(i) == skip {
            after_skip = true;
            continue;
        }
        if std::mem::take(&mut after_skip) && !code && line.trim().is_empty() {
            continue;
        }
        if !code && let Some(n) = places::token_line(line) {
            if let Some((at, text, entry_title)) = place(n) {
                out.push_str(&"#".repeat(at));
                out.push(' ');
                out.push_str(&text);
                out.push('\n');
                under = at;
                skip = repeats_title(&lines, i, entry_title);
            }
            continue;
        }
        let heading = if *code { None } else { heading_line(line) };
        if heading.is_some() {
            k += 1;
        }
        if dropped.contains(&i) {
            continue;
        }
        if let Some((_, text)) = heading.filter(|_| demote) {
            let text = places::clear(text);
            if text.trim().is_empty() {
                continue;
            }
            let _ = write!(out, "**{}**", text.trim());
        } else if let Some((n, _)) = heading {
            out.push_str(&"#".repeat((under + 1 + n - top).min(6)));
            out.push_str(places::clear(&line[n..]).trim_end());
            if let Some(id) = id_of(k - 1) {
                let _ = write!(out, " {{#{id}}}");
            }
        } else if *code {
            out.push_str(line);
        } else {
            out.push_str(&places::clear(line));
        }
        out.push('\n');
    }
    out.trim().to_string()
}

/// The line after `lines[i]` when it is a paragraph of one line that says
/// `title` again (emphasis and case aside).
fn repeats_title(lines: &[(&str, bool)], i: usize, title: &str) -> Option<usize> {
    let next = (i + 1..lines.len()).find(|&j| !lines[j].0.trim().is_empty())?;
    let (line, code) = lines[next];
    let ends = lines.get(next + 1).is_none_or(|(l, _)| l.trim().is_empty());
    let plain: String = line
        .trim_start_matches('#')
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '\\'))
        .collect();
    (!code && ends && one_line(&plain).eq_ignore_ascii_case(&one_line(title))).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An EPUB 3 book of `files` (paths under `OEBPS/`): each `.xhtml` one
    /// in the spine in this order, `nav.xhtml` (when there is one) its
    /// navigation, any other an image.
    fn book(files: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write as _;
        let mut manifest = String::new();
        let mut spine = String::new();
        for (i, (path, _)) in files.iter().enumerate() {
            let href = path.replace(' ', "%20");
            if path.ends_with(".xhtml") {
                let nav = if *path == "nav.xhtml" {
                    " properties=\"nav\""
                } else {
                    ""
                };
                let _ = write!(
                    manifest,
                    "<item id=\"i{i}\" href=\"{href}\" media-type=\"application/xhtml+xml\"{nav}/>"
                );
                let _ = write!(spine, "<itemref idref=\"i{i}\"/>");
            } else {
                let _ = write!(
                    manifest,
                    "<item id=\"i{i}\" href=\"{href}\" media-type=\"image/png\"/>"
                );
            }
        }
        let opf = format!(
            "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">\
             <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>A Book</dc:title></metadata>\
             <manifest>{manifest}</manifest><spine>{spine}</spine></package>"
        );
        let container = "<container><rootfiles><rootfile full-path=\"OEBPS/content.opf\"/></rootfiles></container>";
        let mut out = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default();
            let entries = [
                ("META-INF/container.xml".to_string(), container.as_bytes()),
                ("OEBPS/content.opf".to_string(), opf.as_bytes()),
            ];
            let files = files.iter().map(|(p, b)| (format!("OEBPS/{p}"), *b));
            for (path, bytes) in entries.into_iter().chain(files) {
                zip.start_file(path, options).unwrap();
                zip.write_all(bytes).unwrap();
            }
            zip.finish().unwrap();
        }
        out.into_inner()
    }

    /// A document titled `title`, with `body`.
    fn xhtml(title: &str, body: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" \
             xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>{title}</title></head>\
             <body>{body}</body></html>"
        )
        .into_bytes()
    }

    /// The Markdown of a book, its images in `assets`.
    fn markdown(files: &[(&str, &[u8])]) -> String {
        convert(book(files), "assets").unwrap().markdown
    }

    #[test]
    fn a_pre_is_a_code_block_as_written() {
        let web = xhtml(
            "C1",
            "<h1>Web Basics</h1><p>Use a script element:</p>\
             <pre>&lt;script&gt;\n  alert(\"hi\");\n</pre><p>Text after the listing.</p>",
        );
        let code = xhtml(
            "C2",
            "<h1>Code</h1><pre class=\"code\"># compute the total\n\
             def total(xs):\n    return sum(x * 2 for x in xs)  # *doubled*\n\n\
             - not a list item</pre><p>See the note<a epub:type=\"noteref\" href=\"#n1\">1</a>.</p>\
             <aside epub:type=\"footnote\" id=\"n1\"><pre># a *note*</pre></aside>",
        );
        let md = markdown(&[("c1.xhtml", &web), ("c2.xhtml", &code)]);
        assert!(
            md.contains("```\n<script>\n  alert(\"hi\");\n```\n\nText after the listing."),
            "{md}"
        );
        assert!(
            md.contains(
                "```\n# compute the total\ndef total(xs):\n    return sum(x * 2 for x in xs)  \
                 # *doubled*\n\n- not a list item\n```"
            ),
            "{md}"
        );
        assert!(md.contains("[^1]: ```\n    # a *note*\n    ```"), "{md}");
    }

    #[test]
    fn lists_in_a_row_stay_two_lists() {
        let lists = xhtml(
            "L",
            "<h1>Lists</h1><ul><li>flour</li><li>water</li></ul><ul><li>salt</li></ul>\n\
             <ol><li>one</li><li>two</li></ol><ol start=\"7\"><li>seven</li><li>eight</li></ol>",
        );
        let md = markdown(&[("c1.xhtml", &lists)]);
        assert!(
            md.contains(
                "- flour\n- water\n\n<!-- -->\n\n- salt\n\n1. one\n2. two\n\n<!-- -->\n\n7. seven\n8. eight"
            ),
            "{md}"
        );
    }

    #[test]
    fn hidden_elements_and_landmarks_are_not_text() {
        let nav = xhtml(
            "Nav",
            "<nav epub:type=\"landmarks\" hidden=\"\"><ol><li><a epub:type=\"bodymatter\" \
             href=\"c1.xhtml\">Start of Content</a></li></ol></nav>\
             <nav epub:type=\"page-list\"><ol><li><a href=\"c1.xhtml#p1\">1</a></li></ol></nav>\
             <nav epub:type=\"toc\"><h2>Contents</h2><ol><li><a href=\"c1.xhtml\">First Chapter</a></li></ol></nav>",
        );
        let chapter = xhtml(
            "C1",
            "<h1>Heading</h1><span epub:type=\"pagebreak\" id=\"p1\" title=\"1\"/><p>Text.</p>\
             <div hidden=\"hidden\"><div>Not <b>shown</b>.</div></div><p class=\"hidden\">Shown.</p>",
        );
        let md = markdown(&[("nav.xhtml", &nav), ("c1.xhtml", &chapter)]);
        for gone in ["Start of Content", "1. 1", "Not"] {
            assert!(!md.contains(gone), "{gone}: {md}");
        }
        assert!(md.contains("1. [First Chapter]"), "{md}");
        assert!(md.contains("Text.\n\nShown."), "{md}");
        // An element that is not closed stays; so do an empty one's
        // neighbours and what a comment says.
        assert_eq!(
            drop_hidden("<p>a</p><div hidden>b<div>c</div>"),
            "<p>a</p><div hidden>b<div>c</div>"
        );
        assert_eq!(
            drop_hidden(
                "<img hidden src=\"x.png\"><p>a</p><!-- <div hidden> --><span hidden=\"\"/>b"
            ),
            "<p>a</p><!-- <div hidden> -->b"
        );
        // What may be pointed at stays: a note shown in a pop-up, a
        // heading with an id; so does an element whose end tag may be left
        // out, and what follows it is still looked at.
        let kept = "<aside epub:type=\"footnote\" hidden=\"\"><p>A note.</p></aside>\
                    <h2 id=\"c2\" hidden=\"\">Two</h2><ul><li hidden>x<li>y</ul>";
        assert_eq!(drop_hidden(&format!("{kept}<div hidden>z</div>")), kept);
    }

    #[test]
    fn an_svg_that_frames_an_image_is_the_image() {
        let cover = xhtml(
            "Cover",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 60\"><image width=\"40\" \
             height=\"60\" xlink:href=\"img%20dir/cover%20art.png\"/></svg>",
        );
        let book = convert(
            book(&[
                ("cover.xhtml", &cover),
                ("img dir/cover art.png", b"\x89PNG"),
            ]),
            "assets",
        )
        .unwrap();
        assert!(
            book.markdown
                .contains("![Cover](<assets/001-cover_art.png>)"),
            "{}",
            book.markdown
        );
        assert_eq!(book.images.len(), 1);
        // The svg's title is the alt text; an svg that draws more is left.
        assert_eq!(
            svg_images("<svg><title>The &amp; \"Cover\"</title><svg:image href='a.png'/></svg>"),
            "<img src=\"a.png\" alt=\"The &amp; &quot;Cover&quot;\"/>"
        );
        let two = "<svg><image href=\"a.png\"/><image href=\"b.png\"/></svg>";
        assert_eq!(svg_images(two), two);
    }

    #[test]
    fn a_doctype_subset_is_read_not_shown() {
        let chapter = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \
                       \"-//W3C//DTD XHTML 1.1//EN\" \"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\" [\n\
                       <!ENTITY nbsp \"&#160;\">\n<!ENTITY author \"Ada Writer\">\n\
                       <!ENTITY mark \"<b>bold</b>\">\n]>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\
                       <head><title>L</title></head><body><h1>Chapter One</h1><p>Written by &author; \
                       with&nbsp;care &mark;.</p></body></html>";
        let md = markdown(&[("c1.xhtml", chapter.as_bytes())]);
        assert!(!md.contains("]>"), "{md}");
        assert!(md.contains("Written by Ada Writer with\u{a0}care"), "{md}");
        assert_eq!(
            internal_subset("<!DOCTYPE html [<!ENTITY a \"x ] 'y'\">]><p>&a;&b;</p>"),
            "<!DOCTYPE html ><p>x ] &#39;y&#39;&b;</p>"
        );
        let plain = "<!DOCTYPE html><p>&a;</p>";
        assert_eq!(internal_subset(plain), plain);
        // What is written out adds at most the document's length.
        let big = format!(
            "<!DOCTYPE html [<!ENTITY a \"{}\">]><p>{}</p>",
            "x".repeat(1000),
            "&a;".repeat(1000)
        );
        let out = internal_subset(&big);
        assert!(out.len() <= 2 * big.len(), "{}", out.len());
        assert!(out.contains("x&a;"), "{out}");
    }

    #[test]
    fn image_files_keep_their_names_in_any_script() {
        assert_eq!(asset_name(0, "OEBPS/img/café 1.png"), "001-café_1.png");
        assert_eq!(asset_name(1, "img/..\\..\\x.png"), "002-_.._x.png");
        assert_eq!(asset_name(2, "a\u{202e}b\u{7}/.c.png"), "003-c.png");
        // The end of a long name, cut at a character.
        let long = format!("{}a.png", "ü".repeat(200));
        assert_eq!(asset_name(3, &long), format!("004-{}a.png", "ü".repeat(27)));
    }

    #[test]
    fn an_image_missing_from_the_archive_is_its_alt_text() {
        let chapter = xhtml(
            "C1",
            "<h1>One</h1><p><img src=\"gone.png\" alt=\"Gone\"/></p>\
             <p><img src=\"here.png\" alt=\"Here\"/></p>",
        );
        let book = convert(
            book(&[("c1.xhtml", &chapter), ("here.png", b"\x89PNG")]),
            "assets",
        )
        .unwrap();
        assert!(
            book.markdown
                .contains("![Gone]()\n\n![Here](<assets/002-here.png>)"),
            "{}",
            book.markdown
        );
        assert_eq!(
            book.skipped,
            vec!["OEBPS/gone.png: an image missing from the archive"]
        );
    }

    #[test]
    fn a_caption_that_repeats_the_alt_text_is_dropped() {
        let pandoc = "<figure>\n<img src=\"a.png\" alt=\"A &amp; B\" />\n<figcaption aria-hidden=\"true\">A &amp;  B</figcaption>\n</figure><p>Text.</p>";
        assert_eq!(
            drop_repeated_captions(pandoc),
            "<figure>\n<img src=\"a.png\" alt=\"A &amp; B\" />\n\n</figure><p>Text.</p>"
        );
        // A caption that says more than the alt text stays.
        let more = "<figure><img alt='A chart' src='c.png'><figcaption>A chart of the <em>tides</em></figcaption></figure>";
        assert_eq!(drop_repeated_captions(more), more);
        // A caption without an alt text, or outside a figure, stays.
        let bare = "<figure><img src='c.png'><figcaption>A chart</figcaption></figure><figcaption>A chart</figcaption>";
        assert_eq!(drop_repeated_captions(bare), bare);
    }

    /// The archive's entries may add up to `MAX_TOTAL` bytes read, no
    /// more: the entry that would go over it is refused, whatever its
    /// ratio.
    #[test]
    fn the_total_read_is_bounded() {
        use std::io::Write as _;
        let mut out = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            zip.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(&[b'a'; 100]).unwrap();
            zip.finish().unwrap();
        }
        let zip = zip::ZipArchive::new(Cursor::new(out.into_inner())).unwrap();
        let mut archive = Archive {
            zip,
            read: MAX_TOTAL - 100,
        };
        assert_eq!(archive.read("a.txt").unwrap().unwrap().len(), 100);
        assert_eq!(archive.read, MAX_TOTAL);
        let err = archive.read("a.txt").unwrap_err().to_string();
        assert!(err.contains("more than 1 GiB"), "{err}");
    }

    #[test]
    fn authors_are_the_creators_in_that_role_and_the_date_is_the_publication() {
        // EPUB 2: opf:role and opf:event; calibre's unknown date.
        let opf2 = r#"<package xmlns:opf="http://www.idpf.org/2007/opf"><metadata xmlns:dc="dc">
          <dc:creator opf:role="aut">Mary Shelley</dc:creator>
          <dc:creator opf:role="ill">Lynd Ward</dc:creator>
          <dc:creator>Percy Shelley</dc:creator>
          <dc:date>0101-01-01T00:00:00+00:00</dc:date>
          <dc:date opf:event="modification">2020-01-01</dc:date>
          <dc:date opf:event="publication">1818-01-01</dc:date>
        </metadata></package>"#;
        let p = Package::parse(opf2, "content.opf");
        assert_eq!(p.authors, vec!["Mary Shelley", "Percy Shelley"]);
        assert_eq!(p.date.as_deref(), Some("1818-01-01"));
        // EPUB 3: roles refine the creators by id.
        let opf3 = r##"<package><metadata xmlns:dc="dc">
          <dc:creator id="c1">Ada Writer</dc:creator>
          <dc:creator id="c2">Ed Itor</dc:creator>
          <meta refines="#c1" property="role" scheme="marc:relators">aut</meta>
          <meta refines="#c2" property="role" scheme="marc:relators">edt</meta>
          <dc:date>0101-01-01T00:00:00+00:00</dc:date>
        </metadata></package>"##;
        let p = Package::parse(opf3, "content.opf");
        assert_eq!(p.authors, vec!["Ada Writer"]);
        assert_eq!(p.date, None);
        // Only editors: they are the names there are.
        let edited = r#"<package><metadata xmlns:dc="dc"><dc:creator opf:role="edt">Ed Itor</dc:creator><dc:date>2001</dc:date></metadata></package>"#;
        let p = Package::parse(edited, "content.opf");
        assert_eq!(p.authors, vec!["Ed Itor"]);
        assert_eq!(p.date.as_deref(), Some("2001"));
    }

    #[test]
    fn a_break_in_a_heading_is_a_space() {
        assert_eq!(
            heading_breaks(
                "<h2 class=\"c\">CHAPTER I.<br/>\nTHE PERIOD</h2><p>a<br>b</p><H3>A<BR>B</H3>"
            ),
            "<h2 class=\"c\">CHAPTER I. THE PERIOD</h2><p>a<br>b</p><H3>A B</H3>"
        );
    }

    #[test]
    fn calibre_navigation_bars_are_dropped() {
        let html = r#"<body><div class="calibre_navbar calibre_rescale_70" style="text-align:center"><a href="../index.html">Main menu</a> | <a href="article_1/index.html">Next</a><div>x</div></div>
<h2>The Article</h2><p>Its text.</p><div class="calibre_navbar"><hr/>This article was downloaded by <b>calibre</b> from <a href="https://example.com/a">https://example.com/a</a></div><div class="note">Kept.</div></body>"#;
        assert_eq!(
            drop_navbars(html),
            "<body>\n<h2>The Article</h2><p>Its text.</p><div class=\"note\">Kept.</div></body>"
        );
        // An unclosed bar is dropped to the end; a page without one is
        // left as it is.
        assert_eq!(
            drop_navbars("<p>a</p><div class='calibre_navbar'>Next"),
            "<p>a</p>"
        );
        assert_eq!(drop_navbars("<div>plain</div>"), "<div>plain</div>");
    }

    #[test]
    fn hrefs_resolve_inside_the_archive_only() {
        assert_eq!(
            resolve("OEBPS/content.opf", "text/ch1.xhtml").as_deref(),
            Some("OEBPS/text/ch1.xhtml")
        );
        assert_eq!(
            resolve("OEBPS/text/nav.xhtml", "../ch%201.xhtml#x").as_deref(),
            Some("OEBPS/ch 1.xhtml")
        );
        assert_eq!(resolve("content.opf", "../../etc/passwd"), None);
        assert_eq!(
            resolve("OEBPS/content.opf", "/etc/passwd").as_deref(),
            Some("etc/passwd")
        );
        assert_eq!(resolve("a.opf", "http://example.com/x"), None);
    }

    #[test]
    fn the_xml_declaration_names_the_encoding() {
        assert_eq!(
            xml_encoding(b"<?xml version='1.0' encoding='Shift_JIS'?><a/>").as_deref(),
            Some("Shift_JIS")
        );
        assert_eq!(xml_encoding(b"<html/>"), None);
        assert_eq!(
            text_of(b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><p>caf\xe9</p>"),
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><p>caf\u{e9}</p>"
        );
    }

    #[test]
    fn font_obfuscation_is_not_drm() {
        let fonts = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="fonts/a.otf"/></CipherData></EncryptedData></encryption>"#;
        assert!(!is_drm(fonts));
        let drm = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><CipherData><CipherReference URI="OEBPS/ch1.xhtml"/></CipherData></EncryptedData></encryption>"#;
        assert!(is_drm(drm));
    }

    #[test]
    fn nav_nests_as_its_lists() {
        let nav = r##"<html><body><nav epub:type="toc"><ol>
            <li><a href="p1.xhtml">Part &amp; One</a><ol>
              <li><a href="c1.xhtml">Chapter 1</a><ol><li><a href="c1.xhtml#s1">Section</a></li></ol></li>
            </ol></li></ol></nav><nav epub:type="landmarks"><ol><li><a href="c1.xhtml">Start</a></li></ol></nav></body></html>"##;
        let got: Vec<(usize, String, String, Option<String>)> = parse_nav(nav, "OEBPS/nav.xhtml")
            .into_iter()
            .map(|e| (e.depth, e.title, e.path, e.fragment))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Part & One".into(), "OEBPS/p1.xhtml".into(), None),
                (2, "Chapter 1".into(), "OEBPS/c1.xhtml".into(), None),
                (
                    3,
                    "Section".into(),
                    "OEBPS/c1.xhtml".into(),
                    Some("s1".into())
                ),
            ]
        );
    }

    /// Markup inside an entry's link is part of its title: the title is
    /// the whole link's text, a line break a space.
    #[test]
    fn a_nav_title_is_the_whole_text_of_its_link() {
        let nav = r#"<html><body><nav epub:type="toc"><ol>
            <li><span>Part <span>One</span></span><ol>
              <li><a href="c1.xhtml"><span class="n">1</span> The <em>Harbour</em></a></li>
              <li><a href="c2.xhtml">II.<br/>The Storm</a></li>
            </ol></li></ol></nav></body></html>"#;
        let got: Vec<(usize, String)> = parse_nav(nav, "nav.xhtml")
            .into_iter()
            .map(|e| (e.depth, e.title))
            .collect();
        assert_eq!(
            got,
            vec![
                // A title without a link heads the entries under it.
                (1, "Part One".into()),
                (2, "1 The Harbour".into()),
                (2, "II. The Storm".into())
            ]
        );
    }

    #[test]
    fn ncx_nests_as_its_nav_points() {
        let ncx = r#"<ncx><navMap><navPoint><navLabel><text>One</text></navLabel><content src="a.html"/>
            <navPoint><navLabel><text>One.1</text></navLabel><content src="b.html"/></navPoint></navPoint>
            <navPoint><navLabel><text>Two</text></navLabel><content src="c.html"/></navPoint></navMap></ncx>"#;
        let got: Vec<(usize, String)> = parse_ncx(ncx, "toc.ncx")
            .into_iter()
            .map(|e| (e.depth, e.title))
            .collect();
        assert_eq!(
            got,
            vec![(1, "One".into()), (2, "One.1".into()), (1, "Two".into())]
        );
    }

    #[test]
    fn headings_move_below_the_section() {
        let md = "# Chapter 1\n\nText.\n\n## Part A\n\n```\n# not a heading\n```";
        assert_eq!(
            shift_headings(md, &["Chapter 1"], 2, false, |_| None, |_| None),
            "Text.\n\n### Part A\n\n```\n# not a heading\n```"
        );
    }
}
