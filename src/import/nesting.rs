//! Capping how deep a page's elements nest, before the page is parsed: the
//! HTML parser and the article extractor take time (and stack) that grows
//! faster than the page when `div`s, `span`s or `b`s nest tens of thousands
//! deep. Past the cap, such tags are dropped from the text, their content
//! kept; the work is one pass over the bytes.
//!
//! Depth is counted per tag name (`MAX_DEPTH`) and over all names
//! (`MAX_TOTAL`), for the elements that must be closed: not void ones
//! (`img`), nor those whose end tag may be left out (`p`, `li`, `td`), so
//! that plain sloppy HTML does not add up. The cap assumes end tags match
//! start tags in order, as they do in the pages it exists for. Past the
//! cap those loose elements but `p` go too (a start tag becomes a `<br>`): each
//! of them makes the parser walk the whole stack of open elements, so
//! 100,000 list items under a capped chain of lists would cost as much as
//! the nesting saved.

use std::borrow::Cow;

/// How deep elements of one name may nest; no real page comes near it.
pub const MAX_DEPTH: usize = 256;

/// How deep elements of all names together may nest.
pub const MAX_TOTAL: usize = 1024;

/// Elements that are never closed, or whose end tag may be left out:
/// they are not counted.
const UNCOUNTED: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"source",
    b"track",
    b"wbr",
    b"param",
    b"keygen",
    b"frame",
    b"basefont",
    b"bgsound",
    b"image",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"rt",
    b"rp",
    b"rb",
    b"rtc",
    b"optgroup",
    b"option",
    b"colgroup",
    b"caption",
    b"thead",
    b"tbody",
    b"tfoot",
    b"tr",
    b"td",
    b"th",
    b"html",
    b"head",
    b"body",
];

/// Elements whose end tag may be left out: past the cap, their start tag
/// becomes a line break and their end tag goes. Not `p`: the extractor
/// finds an article by its paragraphs.
const LOOSE: &[&[u8]] = &[
    b"li",
    b"dt",
    b"dd",
    b"rt",
    b"rp",
    b"rb",
    b"rtc",
    b"optgroup",
    b"option",
    b"colgroup",
    b"caption",
    b"thead",
    b"tbody",
    b"tfoot",
    b"tr",
    b"td",
    b"th",
];

/// Elements whose content is raw text, where a `<div` is not a tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
];

/// `html` with elements nested deeper than `max` of one name, or `total`
/// of all, removed, content kept. Unchanged (and not copied) when nothing
/// nests that deep.
pub fn cap_nesting(html: &str, max: usize, total: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // The end of the text copied to `out` so far.
    let mut copied = 0;
    let mut depths: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    let mut depth = 0usize;
    // Elements open past the cap, whose tags were dropped.
    let mut over = 0usize;
    // Open `svg` and `math` elements: inside them `/>` closes a tag.
    let mut foreign = 0usize;
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + found;
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            i = memchr::memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |n| at + 4 + n + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_at = at + 1 + usize::from(closing);
        let name = tag_name(&bytes[name_at..]);
        if name.is_empty() {
            i = at + 1;
            continue;
        }
        let end = tag_end(bytes, name_at + name.len());
        if !closing && let Some(raw) = RAW_TEXT.iter().find(|t| name.eq_ignore_ascii_case(t)) {
            i = raw_text_end(bytes, end, raw);
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let is_foreign = lower == b"svg" || lower == b"math";
        let self_closed = (foreign > 0 || is_foreign) && bytes[..end].ends_with(b"/>");
        if is_foreign && !self_closed {
            foreign = if closing {
                foreign.saturating_sub(1)
            } else {
                foreign + 1
            };
        }
        if !self_closed && !UNCOUNTED.contains(&lower.as_slice()) {
            let of_name = depths.entry(lower).or_insert(0);
            let keep = if closing {
                if *of_name == 0 {
                    true
                } else {
                    let keep = *of_name <= max && depth <= total;
                    *of_name -= 1;
                    depth -= 1;
                    keep
                }
            } else {
                *of_name += 1;
                depth += 1;
                *of_name <= max && depth <= total
            };
            if !keep {
                over = if closing {
                    over.saturating_sub(1)
                } else {
                    over + 1
                };
                let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
                // Tags start and end at ASCII bytes: both cuts are char
                // boundaries.
                out.push_str(&html[copied..at]);
                copied = end;
            }
        } else if over > 0 && LOOSE.contains(&lower.as_slice()) {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..at]);
            if !closing {
                out.push_str("<br>");
            }
            copied = end;
        }
        i = end;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
    }
}

/// The tag name at the start of `bytes`: ASCII letters and digits,
/// starting with a letter.
fn tag_name(bytes: &[u8]) -> &[u8] {
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return &[];
    }
    let len = bytes
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len());
    &bytes[..len]
}

/// Just past the `>` that ends the tag whose attributes start at `from`;
/// a `>` inside a quoted value does not end it.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
    }
    bytes.len()
}

/// Where the raw text of element `name`, starting at `from`, ends: at its
/// end tag, or the end of the page.
fn raw_text_end(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(found) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + found + 2;
        if bytes.len() >= at + name.len() && bytes[at..at + name.len()].eq_ignore_ascii_case(name) {
            return at;
        }
        i = at;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_untouched() {
        let html = "<div><span>a</span><div class='x>y'>b</div></div>";
        assert!(matches!(cap_nesting(html, 2, 100), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_chains_lose_their_deepest_tags_and_keep_the_text() {
        let html = "<div><DIV><span id=\"a>b\">text</span></DIV></div><p>after</p>";
        assert_eq!(
            cap_nesting(html, 5, 2),
            "<div><DIV>text</DIV></div><p>after</p>"
        );
        let deep = format!("{}x{}", "<div>".repeat(1000), "</div>".repeat(1000));
        let capped = cap_nesting(&deep, 3, 100);
        assert_eq!(capped, "<div><div><div>x</div></div></div>");
    }

    #[test]
    fn comments_and_scripts_are_not_tags() {
        let html = "<div><!-- <div><div> --><script>'<div><div>'</script><div>x</div></div>";
        assert_eq!(
            cap_nesting(html, 2, 100),
            "<div><!-- <div><div> --><script>'<div><div>'</script><div>x</div></div>"
        );
        // An unclosed script: the rest is raw text.
        assert!(matches!(
            cap_nesting("<script><div><div><div>", 1, 100),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn names_count_apart_and_together() {
        let html = "<b><i><b><i>x</i></b></i></b>";
        assert_eq!(cap_nesting(html, 1, 100), "<b><i>x</i></b>");
        assert_eq!(cap_nesting(html, 5, 3), "<b><i><b>x</b></i></b>");
        // Unclosed paragraphs and list items, and void elements, are
        // not nesting.
        let flat = "<p>a<p>b<li>c<li>d<br><img src=x>".repeat(10);
        assert!(matches!(cap_nesting(&flat, 1, 1), Cow::Borrowed(_)));
        // Inside SVG, `/>` closes; in HTML it does not.
        let svg = format!("<svg>{}</svg>", "<path d='m0'/>".repeat(10));
        assert!(matches!(cap_nesting(&svg, 2, 100), Cow::Borrowed(_)));
        assert_eq!(cap_nesting("<div/><div/><div/>", 2, 100), "<div/><div/>");
    }

    #[test]
    fn loose_elements_past_the_cap_become_line_breaks() {
        let html = "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul><p>d</p>";
        assert_eq!(
            cap_nesting(html, 2, 100),
            "<ul><li>a<ul><li>b<br>c</li></ul></li></ul><p>d</p>"
        );
        // Within the cap they stay as they are.
        assert!(matches!(cap_nesting(html, 3, 100), Cow::Borrowed(_)));
    }

    #[test]
    fn stray_end_tags_are_kept() {
        assert_eq!(
            cap_nesting("</div></span>x<div>", 1, 100),
            "</div></span>x<div>"
        );
    }
}
