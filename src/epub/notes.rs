//! EPUB 3 notes as Markdown footnotes. A note is an element marked
//! `epub:type="footnote"` (or `endnote`, `rearnote`, `note`) or
//! `role="doc-footnote"` (`doc-endnote`) with an `id`; a link to it, from
//! any document of the book, is its reference. Before the HTML → Markdown
//! conversion each reference becomes a token and each note is taken out of
//! its document (with the `footnotes` section that holds it and its links
//! back to the text); after it, the tokens become `[^n]` and the notes
//! `[^n]:` definitions at the end of their document, so they read like an
//! article's footnotes. Pure text in, text out; a document that does not
//! scan as XML is left as it is.
//!
//! EPUB 2 books mark no notes. A note there is recognised by its links
//! only, and only when they leave no doubt: a short reference (`1`,
//! `[12]`, `*`) links to an element, and that element links straight back
//! to the reference, as its first or its last link, and comes after it
//! in the book (pandoc's
//! `<li id="fn1">…<a href="#fnref1">`, calibre's and Project Gutenberg's
//! `<p><a id="Footnote_1" href="#FNanchor_1">[1]</a> …`). An element
//! with a heading in it, or longer than `MAX_NOTE`, is never a note: a
//! chapter that links back to its table of contents stays a chapter.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};

/// Private-use characters around a note's number in the converted text:
/// nothing in HTML → Markdown escapes them, and they are taken out of the
/// book's own text first.
const OPEN: char = '\u{f8f0}';
const CLOSE: char = '\u{f8f1}';

/// The longest element, in bytes of XHTML, taken for an EPUB 2 note.
const MAX_NOTE: usize = 16 * 1024;
/// The most characters the text of an EPUB 2 note's reference has.
const MAX_REFERENCE: usize = 8;

/// What one document holds: its notes and its links.
#[derive(Debug, Default)]
pub struct Scan {
    notes: Vec<Note>,
    links: Vec<Link>,
    /// Sections that hold notes (`epub:type="footnotes"` and the like).
    holders: Vec<Range<usize>>,
    /// The elements with an id (the first of each id), which an EPUB 2
    /// note may be.
    ided: HashMap<String, Element>,
    /// Every element by where it starts: the parents of those.
    elements: HashMap<usize, Element>,
}

#[derive(Clone, Debug)]
struct Note {
    id: String,
    outer: Range<usize>,
    inner: Range<usize>,
}

/// An element read: where it is, whether a heading is or is in it, and
/// where its parent starts.
#[derive(Clone, Debug)]
struct Element {
    outer: Range<usize>,
    inner: Range<usize>,
    heading: bool,
    parent: Option<usize>,
}

#[derive(Debug)]
struct Link {
    href: String,
    outer: Range<usize>,
    /// Its own id, or its parent's (`<sup id><a>`), which a note's link
    /// back to the text names.
    ids: Vec<String>,
    backlink: bool,
    /// Its text is short enough for a note's reference.
    short: bool,
    /// It is in a heading: a heading is never a note's reference.
    in_heading: bool,
}

/// An element being read: its name, where it starts, where its start tag
/// ends, and what it is.
struct Open {
    name: Vec<u8>,
    start: usize,
    content: usize,
    kind: Kind,
    id: Option<String>,
    /// A heading is or is in it.
    heading: bool,
    /// It is a heading.
    is_heading: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Note,
    Holder,
    Link,
    Other,
}

/// The tokens of `epub:type` and `role`.
fn types(e: &BytesStart<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for a in e.attributes().flatten() {
        let key = a.key.as_ref();
        if (key == "role" || (a.key.local_name().as_ref() == "type" && a.key.prefix().is_some()))
            && let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        {
            out.extend(v.split_whitespace().map(str::to_ascii_lowercase));
        }
    }
    out
}

/// The value of the attribute named `name`, prefix and all.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn kind_of(e: &BytesStart<'_>) -> Kind {
    let t = types(e);
    let has = |names: &[&str]| t.iter().any(|k| names.contains(&k.as_str()));
    if has(&[
        "footnote",
        "endnote",
        "rearnote",
        "note",
        "doc-footnote",
        "doc-endnote",
    ]) && attr(e, "id").is_some()
    {
        Kind::Note
    } else if has(&[
        "footnotes",
        "endnotes",
        "rearnotes",
        "doc-endnotes",
        "doc-footnotes",
    ]) || attr(e, "class").is_some_and(|c| {
        c.split_whitespace()
            .any(|c| c.eq_ignore_ascii_case("footnotes") || c.eq_ignore_ascii_case("endnotes"))
    }) {
        // pandoc's EPUB 2 `<div class="footnotes">` too.
        Kind::Holder
    } else if e.local_name().as_ref() == "a" && attr(e, "href").is_some() {
        Kind::Link
    } else {
        Kind::Other
    }
}

/// Find the notes and links of a document. `None` when it does not scan as
/// XML: its notes then stay as they are.
pub fn scan(html: &str) -> Option<Scan> {
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = false;
    let mut stack: Vec<Open> = Vec::new();
    let mut scan = Scan::default();
    // Links found inside the note being read, with whether they look like
    // a way back (`role="doc-backlink"`, a `footnote-back` class).
    loop {
        let before = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        let after = usize::try_from(reader.buffer_position()).ok()?;
        match event {
            Event::Start(e) => {
                let kind = kind_of(&e);
                // A note inside a note is part of it.
                let kind = if kind == Kind::Note && stack.iter().any(|o| o.kind == Kind::Note) {
                    Kind::Other
                } else {
                    kind
                };
                let backlink = types(&e).iter().any(|t| t == "doc-backlink")
                    || attr(&e, "class").is_some_and(|c| c.contains("footnote-back"));
                let heading = matches!(
                    e.local_name().as_ref(),
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                );
                if heading {
                    for open in &mut stack {
                        open.heading = true;
                    }
                }
                stack.push(Open {
                    name: e.name().as_ref().as_bytes().to_vec(),
                    start: before,
                    content: after,
                    kind,
                    id: attr(&e, "id"),
                    heading,
                    is_heading: heading,
                });
                if kind == Kind::Link {
                    let mut ids: Vec<String> = attr(&e, "id").into_iter().collect();
                    if let Some(parent) = stack.iter().rev().nth(1).and_then(|o| o.id.clone()) {
                        ids.push(parent);
                    }
                    scan.links.push(Link {
                        href: attr(&e, "href").unwrap_or_default(),
                        outer: before..before,
                        ids,
                        backlink,
                        short: false,
                        in_heading: stack.iter().any(|o| o.is_heading),
                    });
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().as_bytes().to_vec();
                let Some(at) = stack.iter().rposition(|o| o.name == name) else {
                    continue;
                };
                let open = stack.swap_remove(at);
                stack.truncate(at);
                let element = Element {
                    outer: open.start..after,
                    inner: open.content..before,
                    heading: open.heading,
                    parent: stack.last().map(|p| p.start),
                };
                if let Some(id) = &open.id {
                    scan.ided
                        .entry(id.clone())
                        .or_insert_with(|| element.clone());
                }
                scan.elements.insert(open.start, element);
                match open.kind {
                    Kind::Note => scan.notes.push(Note {
                        id: open.id.unwrap_or_default(),
                        outer: open.start..after,
                        inner: open.content..before,
                    }),
                    Kind::Holder => scan.holders.push(open.start..after),
                    Kind::Link => {
                        if let Some(link) = scan
                            .links
                            .iter_mut()
                            .rev()
                            .find(|l| l.outer.start == open.start)
                        {
                            link.outer = open.start..after;
                            link.short = html.get(open.content..before).is_some_and(short_text);
                        }
                    }
                    Kind::Other => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Links never closed are left alone.
    scan.links.retain(|l| !l.outer.is_empty());
    scan.notes.sort_by_key(|n| n.outer.start);
    Some(scan)
}

/// Whether the text of a link (its XHTML, tags and all) is short enough
/// for a note's reference: `1`, `[12]`, `*`, `†`.
fn short_text(html: &str) -> bool {
    let mut chars = 0;
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => chars += 1,
            _ => {}
        }
        if chars > MAX_REFERENCE {
            return false;
        }
    }
    chars > 0
}

/// The book's notes, numbered in reading order, and the rewriting of each
/// document.
pub struct Notes {
    /// (document path, note id) → its number.
    numbers: HashMap<(String, String), usize>,
    /// (document path, id) of the references, which a note's links back
    /// name.
    refs: HashSet<(String, String)>,
    /// The EPUB 2 notes found by their links, by document.
    inferred: HashMap<String, Vec<Note>>,
}

impl Notes {
    /// Number the notes of the documents, each `(path, scan)`, in order.
    pub fn new<'a>(docs: impl Iterator<Item = (&'a str, &'a Scan)> + Clone) -> Notes {
        let mut numbers = HashMap::new();
        for (path, scan) in docs.clone() {
            for note in &scan.notes {
                let n = numbers.len() + 1;
                numbers
                    .entry((path.to_string(), note.id.clone()))
                    .or_insert(n);
            }
        }
        let inferred = infer(docs.clone(), &mut numbers);
        let mut refs = HashSet::new();
        for (path, scan) in docs {
            for link in &scan.links {
                if let Some(target) = target_of(path, &link.href)
                    && numbers.contains_key(&target)
                {
                    refs.extend(link.ids.iter().map(|id| (path.to_string(), id.clone())));
                }
            }
        }
        Notes {
            numbers,
            refs,
            inferred,
        }
    }

    /// Whether the book has any note.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The document's HTML with its references as tokens and its notes
    /// taken out, and each note's number and HTML, in order.
    pub fn rewrite(&self, path: &str, html: &str, scan: &Scan) -> (String, Vec<(usize, String)>) {
        // Each edit: the range replaced and its new text.
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut notes: Vec<&Note> = scan
            .notes
            .iter()
            .chain(self.inferred.get(path).into_iter().flatten())
            .collect();
        notes.sort_by_key(|n| n.outer.start);
        let in_note = |r: &Range<usize>| {
            notes
                .iter()
                .any(|n| n.outer.start <= r.start && r.end <= n.outer.end)
        };
        let mut defs = Vec::new();
        for note in &notes {
            let Some(&n) = self.numbers.get(&(path.to_string(), note.id.clone())) else {
                continue;
            };
            // The note's text, less its links back to the text.
            let mut body = String::new();
            let mut at = note.inner.start;
            for link in scan
                .links
                .iter()
                .filter(|l| note.inner.start <= l.outer.start && l.outer.end <= note.inner.end)
            {
                if link.outer.start < at || !self.is_backlink(path, link) {
                    continue;
                }
                body.push_str(&html[at..link.outer.start]);
                at = link.outer.end;
            }
            body.push_str(&html[at..note.inner.end]);
            defs.push((n, body));
            let holder = scan
                .holders
                .iter()
                .find(|h| h.start <= note.outer.start && note.outer.end <= h.end);
            match holder {
                Some(h) => edits.push((h.clone(), String::new())),
                None => edits.push((note.outer.clone(), String::new())),
            }
        }
        for link in &scan.links {
            if in_note(&link.outer) {
                continue;
            }
            if let Some(n) = target_of(path, &link.href).and_then(|t| self.numbers.get(&t)) {
                edits.push((link.outer.clone(), format!("{OPEN}{n}{CLOSE}")));
            }
        }
        // Outer edits first; an edit inside one already made is dropped.
        edits.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        for (range, text) in edits {
            if range.start < at {
                continue;
            }
            out.push_str(&html[at..range.start]);
            out.push_str(&text);
            at = range.end;
        }
        out.push_str(&html[at..]);
        (out, defs)
    }

    fn is_backlink(&self, path: &str, link: &Link) -> bool {
        link.backlink
            || target_of(path, &link.href).is_some_and(|(doc, id)| self.refs.contains(&(doc, id)))
    }
}

/// The EPUB 2 notes of the documents: each element that a short link
/// leads to and that links straight back to it, numbered after the marked
/// notes in the order of their first reference.
fn infer<'a>(
    docs: impl Iterator<Item = (&'a str, &'a Scan)>,
    numbers: &mut HashMap<(String, String), usize>,
) -> HashMap<String, Vec<Note>> {
    let docs: Vec<(&str, &Scan)> = docs.collect();
    let by_path: HashMap<&str, (usize, &Scan)> = docs
        .iter()
        .enumerate()
        .map(|(i, &(path, scan))| (path, (i, scan)))
        .collect();
    let mut inferred: HashMap<String, Vec<Note>> = HashMap::new();
    for (at, &(path, scan)) in docs.iter().enumerate() {
        let in_marked = |r: &Range<usize>| {
            scan.notes
                .iter()
                .any(|n| n.outer.start <= r.start && r.end <= n.outer.end)
        };
        for link in &scan.links {
            if !link.short || link.in_heading || link.ids.is_empty() || in_marked(&link.outer) {
                continue;
            }
            let Some(target) = target_of(path, &link.href) else {
                continue;
            };
            if numbers.contains_key(&target) {
                continue;
            }
            let Some((note, _)) = by_path
                .get(target.0.as_str())
                .and_then(|&(i, doc)| Some((note_at(doc, &target, path, link)?, i)))
                .filter(|(note, i)| (*i, note.outer.start) > (at, link.outer.start))
            else {
                // A note comes after its reference: the link back from a
                // note to its reference is no reference itself.
                continue;
            };
            // The same note reached again by a later reference.
            let notes = inferred.entry(target.0.clone()).or_default();
            if notes
                .iter()
                .any(|n| n.outer.start < note.outer.end && note.outer.start < n.outer.end)
            {
                continue;
            }
            let n = numbers.len() + 1;
            numbers.insert(target, n);
            notes.push(note);
        }
    }
    inferred
}

/// The note at `target` in `doc`, when the element there links straight
/// back to `reference` (in the document `from`).
fn note_at(doc: &Scan, target: &(String, String), from: &str, reference: &Link) -> Option<Note> {
    let element = doc.ided.get(&target.1)?;
    let inside: Vec<&Link> = doc
        .links
        .iter()
        .filter(|l| element.outer.start <= l.outer.start && l.outer.end <= element.outer.end)
        .collect();
    let is_back = |l: &Link| {
        target_of(&target.0, &l.href)
            .is_some_and(|(d, id)| d == from && reference.ids.contains(&id))
    };
    let back_link = [inside.first(), inside.last()]
        .into_iter()
        .flatten()
        .find(|l| is_back(l))?;
    // The reference is not inside the note.
    if target.0 == from
        && element.outer.start <= reference.outer.start
        && reference.outer.end <= element.outer.end
    {
        return None;
    }
    // The element is the link back itself (`<a id="Footnote_1"
    // href="#FNanchor_1">`): the note is the paragraph it starts.
    let element = if back_link.outer == element.outer {
        doc.elements.get(&element.parent?)?
    } else {
        element
    };
    let marked = doc
        .notes
        .iter()
        .any(|n| n.outer.start < element.outer.end && element.outer.start < n.outer.end);
    if element.heading || element.outer.len() > MAX_NOTE || marked {
        return None;
    }
    Some(Note {
        id: target.1.clone(),
        outer: element.outer.clone(),
        inner: element.inner.clone(),
    })
}

/// The (document, id) a link goes to.
fn target_of(path: &str, href: &str) -> Option<(String, String)> {
    let (file, fragment) = href.split_once('#')?;
    if fragment.is_empty() {
        return None;
    }
    let doc = if file.is_empty() {
        path.to_string()
    } else {
        super::resolve(path, file)?
    };
    Some((doc, crate::links::local::percent_decode(fragment)))
}

/// Take the token characters (of notes here, of images in `epub`, of the
/// navigation's places in `places`) out of
/// a document's text, so that only the tokens the conversion makes are read
/// back.
pub fn clear_tokens(html: &str) -> std::borrow::Cow<'_, str> {
    let token = |c: char| ('\u{f8f0}'..='\u{f8f5}').contains(&c);
    if html.contains(token) {
        html.replace(token, "").into()
    } else {
        html.into()
    }
}

/// Converted Markdown with its tokens as footnote references.
pub fn references(md: &str) -> String {
    if !md.contains(OPEN) {
        return md.to_string();
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len_utf8()..];
        match after.find(CLOSE) {
            Some(j) if after[..j].bytes().all(|b| b.is_ascii_digit()) => {
                out.push_str("[^");
                out.push_str(&after[..j]);
                out.push(']');
                rest = &after[j + CLOSE.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// A footnote definition: `[^n]: ` and the note's Markdown, its later
/// lines indented so they stay in the note.
pub fn definition(n: usize, md: &str) -> String {
    let mut out = format!("[^{n}]:");
    let md = md.trim();
    if md.is_empty() {
        return out;
    }
    for (i, line) in md.lines().enumerate() {
        if i == 0 {
            out.push(' ');
        } else {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str("    ");
            }
        }
        out.push_str(if line.trim().is_empty() { "" } else { line });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes_of(docs: &[(&str, &str)]) -> Vec<(String, Vec<(usize, String)>)> {
        let scans: Vec<(&str, Scan)> = docs
            .iter()
            .map(|(p, h)| (*p, scan(h).expect("scans")))
            .collect();
        let notes = Notes::new(scans.iter().map(|(p, s)| (*p, s)));
        docs.iter()
            .zip(&scans)
            .map(|((p, h), (_, s))| notes.rewrite(p, h, s))
            .collect()
    }

    #[test]
    fn pandoc_notes_leave_the_text_with_their_section_and_links_back() {
        let html = r##"<body><p>Text<a href="#fn1" class="footnote-ref" id="fnref1" epub:type="noteref">1</a> more.</p>
<section class="footnotes" epub:type="footnotes"><hr /><ol>
<li id="fn1" epub:type="footnote"><p>The note.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li>
</ol></section></body>"##;
        let out = notes_of(&[("a.xhtml", html)]);
        let (text, defs) = &out[0];
        assert_eq!(
            text,
            &format!("<body><p>Text{OPEN}1{CLOSE} more.</p>\n</body>")
        );
        assert_eq!(defs, &vec![(1, "<p>The note.</p>".to_string())]);
    }

    #[test]
    fn asides_and_endnotes_in_another_document_are_notes() {
        let ch = r##"<body><p>A<a epub:type="noteref" href="notes.xhtml#n2">*</a> and B<sup id="r1"><a href="#a1">1</a></sup>.</p>
<aside epub:type="footnote" id="a1"><p><a href="#r1">1</a> Aside note.</p></aside></body>"##;
        let notes = r##"<body><h1>Notes</h1><p role="doc-endnote" id="n2"><a href="ch.xhtml">Back</a> End note.</p></body>"##;
        let out = notes_of(&[("t/ch.xhtml", ch), ("t/notes.xhtml", notes)]);
        assert_eq!(
            out[0].0,
            format!(
                "<body><p>A{OPEN}2{CLOSE} and B<sup id=\"r1\">{OPEN}1{CLOSE}</sup>.</p>\n</body>"
            )
        );
        assert_eq!(out[0].1, vec![(1, "<p> Aside note.</p>".to_string())]);
        // A link back to the chapter, not to the reference, stays.
        assert_eq!(out[1].0, "<body><h1>Notes</h1></body>");
        assert_eq!(
            out[1].1,
            vec![(2, "<a href=\"ch.xhtml\">Back</a> End note.".to_string())]
        );
    }

    #[test]
    fn a_document_that_does_not_scan_keeps_its_notes() {
        let html =
            "<p>A<a href=\"#n\">1</a></p><aside epub:type=\"footnote\" id=\"n\"><p a=\"x></p>";
        assert!(scan(html).is_none());
        let out = notes_of(&[("a.xhtml", "<p>No notes <b>here</p>")]);
        assert_eq!(out[0].0, "<p>No notes <b>here</p>");
        assert!(out[0].1.is_empty());
    }

    #[test]
    fn tokens_become_references_and_definitions_indent() {
        assert_eq!(
            references(&format!("A{OPEN}12{CLOSE} b {OPEN}x{CLOSE}")),
            "A[^12] b x\u{f8f1}"
        );
        assert_eq!(
            definition(3, "First.\n\nSecond\nthird."),
            "[^3]: First.\n\n    Second\n    third."
        );
        assert_eq!(clear_tokens("a\u{f8f0}b\u{f8f3}"), "ab");
    }

    #[test]
    fn epub2_notes_are_found_by_their_links_both_ways() {
        // pandoc's EPUB 2: no epub:type, a class on the holder.
        let html = r##"<body><p>Text<a href="#fn1" class="footnote-ref" id="fnref1">1</a> more.</p>
<div class="footnotes footnotes-end-of-document"><hr /><ol>
<li id="fn1"><p>The note.<a href="#fnref1" class="footnote-back">↩︎</a></p></li>
</ol></div></body>"##;
        let out = notes_of(&[("a.xhtml", html)]);
        assert_eq!(
            out[0].0,
            format!("<body><p>Text{OPEN}1{CLOSE} more.</p>\n</body>")
        );
        assert_eq!(out[0].1, vec![(1, "<p>The note.</p>".to_string())]);

        // calibre's: the notes in a file of their own, each a paragraph
        // that starts with its link back.
        let ch =
            r##"<body><p>A claim<a id="r1" href="notes.html#n1"><sup>[1]</sup></a>.</p></body>"##;
        let notes = r##"<body><h1>Notes</h1><p id="n1"><a href="ch.html#r1">[1]</a> The source.</p></body>"##;
        let out = notes_of(&[("t/ch.html", ch), ("t/notes.html", notes)]);
        assert_eq!(
            out[0].0,
            format!("<body><p>A claim{OPEN}1{CLOSE}.</p></body>")
        );
        assert_eq!(out[1].0, "<body><h1>Notes</h1></body>");
        assert_eq!(out[1].1, vec![(1, " The source.".to_string())]);

        // Project Gutenberg's: the id is on the link back itself, and the
        // note is its paragraph.
        let pg = r##"<body><p>Said he<a id="FNanchor_1_1" href="#Footnote_1_1" class="fnanchor">[1]</a>.</p>
<div class="footnote"><p><a id="Footnote_1_1" href="#FNanchor_1_1"><span class="label">[1]</span></a> Or so it is told.</p></div></body>"##;
        let out = notes_of(&[("pg.html", pg)]);
        assert_eq!(
            out[0].0,
            format!("<body><p>Said he{OPEN}1{CLOSE}.</p>\n<div class=\"footnote\"></div></body>")
        );
        assert_eq!(out[0].1, vec![(1, " Or so it is told.".to_string())]);
    }

    #[test]
    fn links_that_only_look_like_notes_stay_links() {
        let cases = [
            // A chapter heading that links back to the table of contents.
            r##"<body><p><a id="t1" href="#c1">1</a></p><h2 id="c1"><a href="#t1">Chapter 1</a></h2><p>Text.</p></body>"##,
            // A section that holds a heading.
            r##"<body><p><a id="t1" href="#c1">I</a></p><div id="c1"><a href="#t1">back</a><h2>One</h2><p>Text.</p></div></body>"##,
            // A long reference: a table of contents' entry.
            r##"<body><p><a id="t1" href="#c1">The First Chapter</a></p><p id="c1"><a href="#t1">back</a> Text.</p></body>"##,
            // No way back.
            r##"<body><p>A<a id="r1" href="#n1">1</a></p><p id="n1">A paragraph.</p></body>"##,
            // A way back, but in the middle of the element.
            r##"<body><p>A<a id="r1" href="#n1">1</a></p><p id="n1"><a href="#x">x</a> see <a href="#r1">A</a> and <a href="#y">y</a>.</p></body>"##,
        ];
        for html in cases {
            let out = notes_of(&[("a.xhtml", html)]);
            assert_eq!(out[0].0, html);
            assert!(out[0].1.is_empty(), "{html}");
        }
    }

    #[test]
    fn a_note_referred_to_twice_is_one_note() {
        let html = r##"<body><p>A<a id="r1" href="#n1">1</a> and again<a id="r2" href="#n1">1</a>.</p><p id="n1"><a href="#r1">1</a> The note.</p></body>"##;
        let out = notes_of(&[("a.xhtml", html)]);
        assert_eq!(
            out[0].0,
            format!("<body><p>A{OPEN}1{CLOSE} and again{OPEN}1{CLOSE}.</p></body>")
        );
        assert_eq!(out[0].1, vec![(1, " The note.".to_string())]);
    }
}
