//! Links as the reader offers them: the list of every link with its text,
//! target and section; the letter hints shown on the links of a screen; and
//! the rules for opening a link outside the article, where a visible text
//! must never hide a different target.

pub mod local;

use crate::document::{Document, Target, block_spans};
use crate::position::Position;

/// The schemes longform hands to the system opener.
pub const OPENABLE: [&str; 3] = ["http", "https", "mailto"];

/// One link of the article, as the link list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkEntry {
    /// The index into `Document::links`.
    pub index: u32,
    /// The visible text, as rendered.
    pub text: String,
    /// Where it goes, in words a reader can check.
    pub target: String,
    /// The heading of the section the link is in.
    pub section: Option<String>,
    /// Where the link starts in the source.
    pub source: usize,
}

/// Every link of `doc`, in reading order.
pub fn entries(doc: &Document) -> Vec<LinkEntry> {
    let mut texts = vec![String::new(); doc.links.len()];
    for block in &doc.blocks {
        for span in block_spans(&block.kind) {
            if let Some(t) = span
                .link()
                .map(crate::document::LinkId::index)
                .and_then(|l| usize::try_from(l).ok())
                .and_then(|l| texts.get_mut(l))
            {
                t.push_str(span.text(&doc.text));
            }
        }
    }
    let mut out: Vec<LinkEntry> = doc
        .links
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (link, text))| LinkEntry {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            // The header's link has no text of the article's own.
            text: if doc.meta.url_link.and_then(|u| usize::try_from(u).ok()) == Some(i) {
                "Original page".to_string()
            } else {
                squeeze(&text)
            },
            target: describe(doc, link.target(&doc.text)),
            section: doc
                .section_at(Position(link.source()))
                .map(|h| h.text.clone()),
            source: link.source(),
        })
        .collect();
    out.sort_by_key(|e| (e.source, e.index));
    out
}

/// Whitespace runs as single spaces, trimmed.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A link's target as the list and the status bar show it.
pub fn describe(doc: &Document, target: Target<'_>) -> String {
    match target {
        Target::Internal(slug) => match doc.headings.iter().find(|h| h.slug == slug) {
            Some(h) => format!("#{slug} · {}", h.text),
            None if doc.anchor(slug).is_some() => format!("#{slug}"),
            None => format!("#{slug} (not in this article)"),
        },
        Target::Footnote(n) => format!("footnote {n}"),
        Target::External(url) => crate::parse::sanitize(url),
        Target::Image(image) => format!("image {}", crate::parse::sanitize(&image.url)),
    }
}

/// Why an external link is not opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A scheme other than http, https and mailto (or none).
    Scheme(String),
    /// Control characters, spaces or an empty target.
    Malformed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Scheme(s) if s.is_empty() => {
                f.write_str("only http, https and mailto links open, and this one has no scheme")
            }
            Refusal::Scheme(s) => write!(f, "only http, https and mailto links open, not {s}:"),
            Refusal::Malformed => f.write_str("the target has control characters or spaces"),
        }
    }
}

/// `url` when it may be handed to the system opener: an http, https or
/// mailto target with no control characters and no spaces.
pub fn openable(url: &str) -> Result<&str, Refusal> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Refusal::Malformed);
    }
    let scheme = scheme(url).unwrap_or("");
    if OPENABLE.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        Ok(url)
    } else {
        Err(Refusal::Scheme(crate::parse::sanitize(scheme)))
    }
}

/// Why the system opener could not open a link, in a few words: `no
/// opener found (xdg-open)` when no opener program exists, else the
/// opener's name and how it ended (`gio failed (exit status 2)`), never
/// the full command line the `open` crate puts in its error.
pub fn opener_failure(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        return "no opener found (xdg-open)".to_string();
    }
    let text = err.to_string();
    // `open` says: Launcher "gio" "open" "URL" failed with ExitStatus(…).
    let Some(rest) = text.strip_prefix("Launcher ") else {
        return crate::parse::sanitize(&text);
    };
    let program = rest
        .strip_prefix('"')
        .and_then(|r| r.split_once('"'))
        .map_or("the opener", |(name, _)| name);
    let program = crate::parse::sanitize(program);
    let how = rest
        .rsplit_once("unix_wait_status(")
        .and_then(|(_, n)| n.split_once(')'))
        .and_then(|(n, _)| n.parse::<i32>().ok())
        .map(|status| {
            if status & 0x7f == 0 {
                format!(" (exit status {})", (status >> 8) & 0xff)
            } else {
                format!(" (signal {})", status & 0x7f)
            }
        })
        .unwrap_or_default();
    format!("{program} failed{how}")
}

/// The scheme of `url`: letters, digits, `+`, `-` and `.` before a colon,
/// starting with a letter.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The host of an http(s) URL or of a bare `www.example.com/…` text,
/// lowercased; the address of a mailto.
fn host(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches(['.', ',', ';', ')']);
    let lower = t.to_ascii_lowercase();
    let rest = if let Some(r) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        r
    } else if let Some(r) = lower.strip_prefix("mailto:") {
        return Some(r.split('?').next().unwrap_or(r).to_string());
    } else if lower.starts_with("www.") || looks_like_address(&lower) || looks_like_domain(&lower) {
        &lower
    } else {
        return None;
    };
    // Browsers read `\` as `/` in web addresses: `evil.example\@bank.example`
    // goes to evil.example.
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_string())
}

/// Whether a text without a scheme reads as a web address with a path,
/// such as `bank.example/login`: a dotted name whose last part is letters,
/// then a slash. (A bare name like `Node.js` is a name, not an address.)
fn looks_like_address(text: &str) -> bool {
    let Some((host, _)) = text.split_once('/') else {
        return false;
    };
    let mut parts = host.split('.');
    let last = parts.next_back().unwrap_or("");
    parts.next().is_some()
        && last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphabetic())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Top-level domains common enough that a bare `name.tld` link text reads
/// as a web address (`paypal.com`). Those that are also common file
/// endings (`.md`, `.rs`, `.py`, `.sh`, `.pl`, `.cc`) are left out, so
/// `[README.md](…)` is a name; so is `Node.js`, `.js` being no domain.
const DOMAINS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "app",
    "dev", "io", "co", "ai", "me", "tv", "us", "uk", "de", "fr", "it", "es", "nl", "be", "ch",
    "at", "se", "no", "dk", "fi", "ie", "pt", "gr", "cz", "sk", "hu", "ro", "bg", "ua", "ru", "tr",
    "il", "cn", "jp", "kr", "in", "id", "sg", "hk", "tw", "vn", "th", "ph", "my", "pk", "br", "ar",
    "mx", "cl", "pe", "au", "nz", "za", "ng", "ke", "eg", "ca", "eu", "lt", "lv", "ee", "si", "hr",
    "lu", "li", "is", "gg", "ly", "to", "fm", "im", "xyz", "online", "site", "top", "shop",
    "store", "club", "blog", "news", "link", "live", "tech", "cloud", "page", "bank", "money",
    "finance", "email", "example", "test",
];

/// Whether a text is a bare domain name such as `paypal.com` or
/// `login.bank.co.uk`: dotted labels of letters, digits and hyphens, the
/// last one a common top-level domain.
fn looks_like_domain(text: &str) -> bool {
    let mut labels = text.split('.');
    let Some(last) = labels.next_back() else {
        return false;
    };
    let mut count = 0;
    for label in labels {
        count += 1;
        let ok = !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return false;
        }
    }
    count > 0 && DOMAINS.contains(&last)
}

/// A warning when a link's visible text looks like an address other than
/// where the link goes: `[https://bank.example](https://evil.example)`,
/// `[paypal.com](https://evil.example/login)`, or an address among words,
/// `[Visit https://bank.example today](https://evil.example)`. A link to a
/// subdomain of the address shown (`python.org` to `docs.python.org`) goes
/// where it says, and so does one to any of the addresses a text shows.
pub fn disguise(text: &str, url: &str) -> Option<String> {
    let shown: Vec<String> = match host(text) {
        Some(whole) => vec![whole],
        None => text
            .split_whitespace()
            .filter_map(|w| host(w.trim_start_matches(['(', '"', '“', '‘', '\''])))
            .collect(),
    };
    let first = shown.first()?;
    let real = host(url);
    let goes_to = |shown: &str| {
        real.as_deref()
            .is_some_and(|r| r == shown || r.ends_with(&format!(".{shown}")))
    };
    if shown.iter().any(|s| goes_to(s)) {
        return None;
    }
    Some(format!(
        "the text shows {} but the link goes to {}",
        crate::parse::sanitize(first),
        crate::parse::sanitize(real.as_deref().unwrap_or(url))
    ))
}

/// The letters hints are made of, easiest to type first.
const HINT_LETTERS: &[u8] = b"asdfjklghqwertyuiopzxcvbnm";

/// `n` distinct hint labels, all of the same length so that none is the
/// start of another: single letters up to 26 links, then pairs.
pub fn hint_labels(n: usize) -> Vec<String> {
    let base = HINT_LETTERS.len();
    let mut len = 1;
    let mut capacity = base;
    while capacity < n {
        len += 1;
        capacity = capacity.saturating_mul(base);
    }
    (0..n)
        .map(|mut i| {
            let mut label = vec![0u8; len];
            for slot in label.iter_mut().rev() {
                *slot = HINT_LETTERS[i % base];
                i /= base;
            }
            String::from_utf8(label).unwrap_or_default()
        })
        .collect()
}

/// The OSC 8 sequence that starts a hyperlink to `url`, or `None` when the
/// target may not be emitted: only openable targets are, so no control
/// character (an escape that ends the sequence early) can reach the
/// terminal.
pub fn osc8_start(url: &str) -> Option<String> {
    let url = openable(url).ok()?;
    // The spec allows only printable ASCII in the URI; anything else is
    // refused rather than guessed at.
    url.bytes()
        .all(|b| (0x21..0x7f).contains(&b))
        .then(|| format!("\x1b]8;;{url}\x1b\\"))
}

/// The OSC 8 sequence that ends a hyperlink.
pub const OSC8_END: &str = "\x1b]8;;\x1b\\";

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(md: &str) -> Document {
        crate::parse::parse(md)
    }

    #[test]
    fn an_opener_failure_is_said_in_a_few_words() {
        use std::io::{Error, ErrorKind};
        let missing = Error::new(ErrorKind::NotFound, "No such file or directory");
        assert_eq!(opener_failure(&missing), "no opener found (xdg-open)");
        let failed = Error::other(
            "Launcher \"gio\" \"open\" \"https://example.com/a\" failed with ExitStatus(unix_wait_status(512))",
        );
        assert_eq!(opener_failure(&failed), "gio failed (exit status 2)");
        let killed = Error::other(
            "Launcher \"xdg-open\" \"https://example.com/a\" failed with ExitStatus(unix_wait_status(9))",
        );
        assert_eq!(opener_failure(&killed), "xdg-open failed (signal 9)");
        // Another error keeps its own words, made safe to show.
        let other = Error::other("no display \u{1b}[31m");
        assert!(!opener_failure(&other).contains('\u{1b}'));
    }

    #[test]
    fn the_original_page_is_named_in_the_list() {
        let d = doc("---\ntitle: T\nurl: https://example.com/post\n---\n\nText.\n");
        let e = entries(&d);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].text, "Original page");
        assert!(
            e[0].target.contains("https://example.com/post"),
            "{}",
            e[0].target
        );
    }

    #[test]
    fn entries_have_text_target_and_section() {
        let d = doc(
            "# One\n\nSee [the *docs*](https://example.com/docs) and [two](#two).\n\n\
                     # Two\n\nA note[^n] and <mailto:a@b.example>.\n\n[^n]: The note.\n",
        );
        let e = entries(&d);
        assert_eq!(e.len(), 4, "{e:#?}");
        assert_eq!(e[0].text, "the docs");
        assert_eq!(e[0].target, "https://example.com/docs");
        assert_eq!(e[0].section.as_deref(), Some("One"));
        assert_eq!(e[1].text, "two");
        assert_eq!(e[1].target, "#two · Two");
        assert_eq!(e[2].target, "footnote 1");
        assert_eq!(e[2].section.as_deref(), Some("Two"));
        assert_eq!(e[3].target, "mailto:a@b.example");
        assert!(e.windows(2).all(|w| w[0].source <= w[1].source));
    }

    #[test]
    fn only_http_https_and_mailto_open() {
        let table = [
            (
                "https://example.com/a?b=c#d",
                Ok("https://example.com/a?b=c#d"),
            ),
            ("HTTP://EXAMPLE.COM", Ok("HTTP://EXAMPLE.COM")),
            (
                "mailto:someone@example.com",
                Ok("mailto:someone@example.com"),
            ),
            ("file:///etc/passwd", Err(Refusal::Scheme("file".into()))),
            (
                "javascript:alert(1)",
                Err(Refusal::Scheme("javascript".into())),
            ),
            ("ftp://example.com", Err(Refusal::Scheme("ftp".into()))),
            ("example.com/page", Err(Refusal::Scheme(String::new()))),
            ("relative/path.md", Err(Refusal::Scheme(String::new()))),
            ("https://exa\u{1b}]8;;mple.com", Err(Refusal::Malformed)),
            ("https://example.com/a b", Err(Refusal::Malformed)),
            ("", Err(Refusal::Malformed)),
        ];
        for (url, want) in table {
            assert_eq!(openable(url), want, "{url:?}");
        }
        assert!(
            openable("file:///x")
                .unwrap_err()
                .to_string()
                .contains("only http, https and mailto")
        );
    }

    #[test]
    fn a_text_that_shows_another_address_is_named() {
        assert_eq!(disguise("the docs", "https://example.com"), None);
        assert_eq!(
            disguise("https://example.com/a", "https://www.example.com/b"),
            None
        );
        assert_eq!(disguise("www.example.com", "http://example.com"), None);
        let w = disguise("https://bank.example", "https://evil.example/login").unwrap();
        assert!(
            w.contains("bank.example") && w.contains("evil.example"),
            "{w}"
        );
        assert!(disguise("www.bank.example", "mailto:x@evil.example").is_some());
        // A backslash ends the host for browsers, so the host is evil.example.
        let w = disguise(
            "https://bank.example",
            "https://evil.example\\@bank.example",
        )
        .unwrap();
        assert!(w.contains("goes to evil.example"), "{w}");
        // A bare address with a path counts; a name with a dot does not.
        assert!(disguise("bank.example/login", "https://evil.example/").is_some());
        assert_eq!(
            disguise("bank.example/login", "https://bank.example/login"),
            None
        );
        assert_eq!(disguise("Node.js", "https://nodejs.org"), None);
        // An address among words counts too; a text that shows the real
        // one among others does not.
        let w = disguise("Visit https://good.example today", "https://evil.example").unwrap();
        assert!(
            w.contains("shows good.example but the link goes to evil.example"),
            "{w}"
        );
        assert!(disguise("deceptive (https://good.example)", "https://evil.example").is_some());
        assert_eq!(
            disguise(
                "a mirror of bank.example/x on github.com",
                "https://github.com/m"
            ),
            None
        );
        assert_eq!(
            disguise("Read the Node.js docs", "https://nodejs.org"),
            None
        );
    }

    #[test]
    fn a_text_that_is_a_bare_domain_is_named_like_a_url() {
        let as_url = disguise("https://paypal.com", "https://evil.example/login").unwrap();
        let as_domain = disguise("paypal.com", "https://evil.example/login").unwrap();
        assert_eq!(as_domain, as_url);
        assert_eq!(
            as_domain,
            "the text shows paypal.com but the link goes to evil.example"
        );
        assert!(disguise("PayPal.com", "https://paypal.com.evil.example/").is_some());
        assert!(disguise("login.bank.co.uk", "http://evilpaypal.com").is_some());
        assert!(disguise("paypal.com.", "https://evil.example").is_some());
        // Where the text says, or a part of that site.
        assert_eq!(
            disguise("paypal.com", "https://www.paypal.com/signin"),
            None
        );
        assert_eq!(disguise("python.org", "https://docs.python.org/3/"), None);
        // Names with a dot that are not addresses.
        for name in [
            "README.md",
            "main.rs",
            "setup.py",
            "e.g.",
            "i.e",
            "Node.js",
            "v1.2",
            "a..com",
        ] {
            assert_eq!(disguise(name, "https://evil.example"), None, "{name}");
        }
    }

    #[test]
    fn hint_labels_are_distinct_and_prefix_free() {
        assert_eq!(hint_labels(3), ["a", "s", "d"]);
        for n in [0, 1, 26, 27, 200, 700] {
            let labels = hint_labels(n);
            assert_eq!(labels.len(), n);
            let mut sorted = labels.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), n, "{n}: duplicates");
            for a in &labels {
                assert!(
                    labels.iter().all(|b| a == b || !b.starts_with(a.as_str())),
                    "{n}: {a} is a prefix"
                );
            }
        }
        assert!(hint_labels(27).iter().all(|l| l.len() == 2));
    }

    #[test]
    fn osc8_only_for_clean_openable_targets() {
        assert_eq!(
            osc8_start("https://example.com/a").as_deref(),
            Some("\x1b]8;;https://example.com/a\x1b\\")
        );
        assert_eq!(osc8_start("https://e.com/\u{7}x"), None);
        assert_eq!(osc8_start("https://e.com/\u{9b}x"), None);
        assert_eq!(osc8_start("https://e.com/é"), None);
        assert_eq!(osc8_start("file:///etc/passwd"), None);
    }
}
