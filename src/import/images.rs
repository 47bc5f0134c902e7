//! An imported article's images, kept offline: each `http(s)` image of the
//! article is downloaded into `<slug>.assets/` beside it and its link
//! rewritten to that file. A download is checked as the page's is (the same
//! timeout and redirect limit), and more: at most 10 MB an image and 50 MB
//! a page, an `image/*` content type, and bytes that really are an image
//! (decoded within the reader's limits). No other scheme is ever fetched.
//! An image that fails keeps its remote link, and the import says how many.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use super::{FetchLimits, describe, shown};

/// How many images were kept beside the article, and how many could not
/// be fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    pub saved: usize,
    pub failed: usize,
}

impl Kept {
    /// What the import's line says of the images: nothing when there were
    /// none.
    pub fn summary(&self) -> String {
        let images = |n: usize| if n == 1 { "image" } else { "images" };
        match (self.saved, self.failed) {
            (0, 0) => String::new(),
            (n, 0) => format!(" · {n} {} kept", images(n)),
            (n, f) => format!(
                " · {n} {} kept, {f} could not be fetched (left as links)",
                images(n)
            ),
        }
    }
}

/// Download the images of `markdown`, the article just written at
/// `article`, and write it again with links to the files kept. The images
/// of a page saved to a file (`page_files/chart.png`) are copied from
/// `base`, its folder, as a download is kept.
pub fn keep(
    article: &Path,
    markdown: &str,
    limits: &FetchLimits,
    base: Option<&Path>,
) -> Result<Kept> {
    let urls = images_of(markdown, base.is_some());
    let mut kept = Kept::default();
    if urls.is_empty() {
        return Ok(kept);
    }
    let stem = article
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = format!("{stem}.assets");
    let assets = article
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(&folder);
    let started = Instant::now();
    let mut budget = limits.max_page_image_bytes;
    let mut text = markdown.to_string();
    for (i, url) in urls.iter().enumerate() {
        if started.elapsed() >= limits.deadline || budget == 0 {
            kept.failed += 1;
            continue;
        }
        let max = limits.max_image_bytes.min(budget);
        let got = match base.filter(|_| !is_remote(url)) {
            Some(base) => copy(base, url, max),
            None => download(url, limits, max),
        };
        let Ok((bytes, ext)) = got else {
            kept.failed += 1;
            continue;
        };
        budget = budget.saturating_sub(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        let name = format!("{:02}-{}.{ext}", i + 1, name_of(url));
        let path = save(&assets, &name, &bytes)?;
        let local = format!(
            "{folder}/{}",
            path.file_name()
                .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
        );
        let rewritten = relink(&text, url, &local);
        if rewritten == text {
            kept.failed += 1;
            let _ = std::fs::remove_file(&path);
        } else {
            text = rewritten;
            kept.saved += 1;
        }
    }
    if kept.saved > 0 {
        rewrite(article, &text)?;
    }
    Ok(kept)
}

/// The distinct `http(s)` addresses of the images of `markdown`, and with
/// `local` the relative paths of those beside a saved page, in order.
fn images_of(markdown: &str, local: bool) -> Vec<String> {
    let doc = crate::parse::parse(markdown);
    let mut urls: Vec<String> = Vec::new();
    for link in &doc.links {
        if let Some(image) = link.image() {
            let wanted = is_remote(&image.url) || (local && is_relative(&image.url));
            if wanted && !urls.contains(&image.url) {
                urls.push(image.url.clone());
            }
        }
    }
    urls
}

fn is_remote(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A path relative to the page (`page_files/a.png`, `./a.png`): no scheme,
/// not absolute, not a fragment.
fn is_relative(url: &str) -> bool {
    !url.is_empty() && !url.contains(':') && !url.starts_with(['/', '#', '\\', '?'])
}

/// The image at `url`, a path relative to `base`, the saved page's folder:
/// a regular file inside that folder, at most `max` bytes, that decodes as
/// an image. The extension its copy takes comes with it.
fn copy(base: &Path, url: &str, max: u64) -> Result<(Vec<u8>, &'static str), String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let base = std::fs::canonicalize(base).map_err(|e| describe(&e))?;
    let file = std::fs::canonicalize(base.join(decoded.as_ref())).map_err(|e| describe(&e))?;
    // Nothing from outside the page's folder (`../../secret.png`).
    if !file.starts_with(&base) {
        return Err("outside the page's folder".into());
    }
    let (mut opened, meta) =
        crate::load::open_regular(&file).map_err(|_| "not a file".to_string())?;
    if meta.len() > max {
        return Err("too big".into());
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut opened, &mut bytes).map_err(|e| describe(&e))?;
    // An SVG document, as a download served as one is kept.
    let svg = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg && String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).contains("<svg") {
        return Ok((bytes, "svg"));
    }
    image_kind(bytes)
}

/// Fetch the image at `url`: at most `max` bytes, an `image/*` type, and
/// bytes that decode as an image (or an SVG document). The extension its
/// file takes comes with it.
fn download(url: &str, limits: &FetchLimits, max: u64) -> Result<(Vec<u8>, &'static str), String> {
    let parsed: ureq::http::Uri = url.parse().map_err(|_| "not a valid URL".to_string())?;
    if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
        return Err("not an http(s) URL".into());
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
        .header("Accept", "image/*")
        .call()
        .map_err(|e| e.to_string())?;
    let mime = response
        .body()
        .mime_type()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !mime.starts_with("image/") {
        return Err(format!("not an image ({mime})"));
    }
    if response.body().content_length().is_some_and(|n| n > max) {
        return Err("too big".into());
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(max)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    if mime == "image/svg+xml" {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_string();
        return if text.contains("<svg") {
            Ok((bytes, "svg"))
        } else {
            Err("not an SVG document".into())
        };
    }
    image_kind(bytes)
}

/// `bytes` with the extension of the image they are, when they decode as
/// one the reader shows.
fn image_kind(bytes: Vec<u8>) -> Result<(Vec<u8>, &'static str), String> {
    let ext = match image::guess_format(&bytes).map_err(|_| "not an image".to_string())? {
        image::ImageFormat::Png => "png",
        image::ImageFormat::Jpeg => "jpg",
        image::ImageFormat::Gif => "gif",
        image::ImageFormat::WebP => "webp",
        _ => return Err("a format longform does not read".into()),
    };
    crate::images::decode_bytes(&bytes).map_err(|f| f.reason().to_string())?;
    Ok((bytes, ext))
}

/// A file name from the last part of `url`'s path: letters, digits, `-`
/// and `_`, at most 40 of them, without its extension.
fn name_of(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or("image");
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let name: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(40)
        .collect();
    if name.is_empty() {
        "image".into()
    } else {
        name
    }
}

/// Write `bytes` as a new file `name` in `folder` (made when missing),
/// never over an existing file: `name-2`… when it is taken.
fn save(folder: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", shown(folder)))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = if n == 1 {
            name.to_string()
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = folder.join(candidate);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(bytes)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| {
                        anyhow::anyhow!("cannot write {}: {}", shown(&path), describe(&e))
                    })?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => anyhow::bail!("cannot write {}: {}", shown(&path), describe(&e)),
        }
    }
    anyhow::bail!("cannot write into {}: too many files", shown(folder))
}

/// `text` with the Markdown image links to `url` pointing at `local`.
fn relink(text: &str, url: &str, local: &str) -> String {
    text.replace(&format!("]({url})"), &format!("]({local})"))
        .replace(&format!("]({url} "), &format!("]({local} "))
        .replace(&format!("](<{url}>"), &format!("](<{local}>"))
}

/// Write the article again with its new links, whole or not at all.
fn rewrite(article: &Path, text: &str) -> Result<()> {
    let dir = article.parent().unwrap_or_else(|| Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".longform-import-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write into {}", shown(dir)))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", shown(article)))?;
    tmp.persist(article)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", shown(article), describe(&e.error)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_links() {
        assert_eq!(
            name_of("https://e.com/a/b/Chart%20one.png?x=1"),
            "Chart20one"
        );
        assert_eq!(name_of("https://e.com/"), "e");
        assert_eq!(name_of("https://e.com/.png"), "image");
        let text = "![a](https://e.com/x.png) and ![b](https://e.com/x.png \"T\")";
        assert_eq!(
            relink(text, "https://e.com/x.png", "a.assets/01-x.png"),
            "![a](a.assets/01-x.png) and ![b](a.assets/01-x.png \"T\")"
        );
        let md = "![a](https://e.com/x.png)\n\n![b](file:///etc/x.png) ![c](y.png) ![d](/x.png)";
        assert_eq!(images_of(md, false), ["https://e.com/x.png"]);
        // Beside a saved page: its relative paths too, never an absolute
        // one or another scheme.
        assert_eq!(images_of(md, true), ["https://e.com/x.png", "y.png"]);
        assert_eq!(Kept::default().summary(), "");
        assert_eq!(
            Kept {
                saved: 2,
                failed: 1
            }
            .summary(),
            " · 2 images kept, 1 could not be fetched (left as links)"
        );
    }
}
