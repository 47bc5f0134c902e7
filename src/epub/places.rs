//! Entries of the book's table of contents that point inside a document
//! (`book.xhtml#chap02`), as Project Gutenberg, calibre and many
//! publishers write them: one file may hold several chapters, and a
//! chapter's entry names the element it starts at. Before the HTML →
//! Markdown conversion each such entry's place gets a token paragraph;
//! after it, the token becomes the entry's section heading, titled and
//! nested as the table of contents says.
//!
//! The place of an entry is the heading its element is, is inside
//! (`<h2><a id="chap02"/>II.</h2>`) or starts (`<div id="chap02"><h2>`,
//! `<a id="chap02"/><h2>`): that heading is replaced, so the book's
//! own words for it are not shown twice. Any other element gets the token
//! just before it, or before the block it opens (`<p><a id="x"/>…`), so a
//! paragraph is never cut in two. Pure text in, text out.

use std::collections::HashMap;
use std::ops::Range;

/// Private-use characters around an entry's number in the converted text
/// (see `notes` for why).
pub const OPEN: char = '\u{f8f4}';
pub const CLOSE: char = '\u{f8f5}';

/// The most tags between an element and the heading it starts.
const MAX_BETWEEN: usize = 8;

/// A tag of the document: where it is, its lowercase name, and whether it
/// closes an element.
#[derive(Debug)]
struct Tag {
    at: Range<usize>,
    name: String,
    closing: bool,
}

/// The HTML with a token paragraph at the place of each of `fragments`
/// (ids, as written in the table of contents' links), and where each one
/// was put in it, `None` for an id the document does not have.
pub fn mark(html: &str, fragments: &[String]) -> (String, Vec<Option<usize>>) {
    if fragments.is_empty() {
        return (html.to_string(), Vec::new());
    }
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"<(/?)([A-Za-z][A-Za-z0-9:]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
            .expect("a valid pattern")
    });
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)(?:^|\s)(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))"#)
            .expect("a valid pattern")
    });
    let mut tags: Vec<Tag> = Vec::new();
    // Id → the first tag that has it.
    let mut ids: HashMap<String, usize> = HashMap::new();
    for c in TAG.captures_iter(html) {
        let whole = c.get(0).expect("the match");
        let name = c[2].to_ascii_lowercase();
        let closing = !c[1].is_empty();
        if !closing {
            for a in ID.captures_iter(&c[3]) {
                // `name` names a place on links only.
                if a[1].eq_ignore_ascii_case("name") && name != "a" {
                    continue;
                }
                let value = a
                    .get(2)
                    .or(a.get(3))
                    .or(a.get(4))
                    .map_or("", |m| m.as_str());
                let value = value.replace("&amp;", "&");
                if !value.is_empty() {
                    ids.entry(value).or_insert(tags.len());
                }
            }
        }
        tags.push(Tag {
            at: whole.range(),
            name,
            closing,
        });
    }
    let headings = headings(&tags);
    // (what is replaced, or an empty range to insert at; the fragment's
    // number), in the order found.
    let mut edits: Vec<(Range<usize>, usize)> = Vec::new();
    let mut found = vec![None; fragments.len()];
    for (n, fragment) in fragments.iter().enumerate() {
        let id = crate::links::local::percent_decode(fragment);
        let Some(&t) = ids.get(&id).or_else(|| ids.get(fragment)) else {
            continue;
        };
        let at = match heading_at(&tags, &headings, t, html) {
            // A heading another entry replaces already: after that one.
            Some(h) => match edits.iter().find(|(r, _)| overlaps(r, &h)) {
                Some((r, _)) => r.end..r.end,
                None => h,
            },
            None => {
                let start = block_start(&tags, t, html);
                // Never inside a heading another entry replaces.
                match edits.iter().find(|(r, _)| r.start < start && start < r.end) {
                    Some((r, _)) => r.end..r.end,
                    None => start..start,
                }
            }
        };
        found[n] = Some(at.start);
        edits.push((at, n));
    }
    // Applied from the end, insertions at one place in the table's order.
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].0.start, edits[i].0.end, edits[i].1));
    let mut out = String::with_capacity(html.len() + 32 * edits.len());
    let mut done = 0;
    for i in order {
        let (range, n) = &edits[i];
        if range.start < done {
            continue;
        }
        out.push_str(&html[done..range.start]);
        out.push_str(&format!("\n<p>{OPEN}{n}{CLOSE}</p>\n"));
        done = range.end;
    }
    out.push_str(&html[done..]);
    (out, found)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Each heading: the numbers of its start tag and end tag.
fn headings(tags: &[Tag]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, tag) in tags.iter().enumerate() {
        if !is_heading(&tag.name) {
            continue;
        }
        match (open, tag.closing) {
            (None, false) => open = Some(i),
            (Some(o), true) => {
                out.push((o, i));
                open = None;
            }
            // A heading opened in another: the first has no end.
            (Some(_), false) => open = Some(i),
            (None, true) => {}
        }
    }
    out
}

/// The bytes of the heading that the element starting at tag `t` is, is
/// inside, or starts (nothing but tags and spaces between them).
fn heading_at(
    tags: &[Tag],
    headings: &[(usize, usize)],
    t: usize,
    html: &str,
) -> Option<Range<usize>> {
    let span = |&(o, c): &(usize, usize)| tags[o].at.start..tags[c].at.end;
    // The heading that starts at or before the tag, and ends after it.
    let before = headings.partition_point(|&(o, _)| o <= t);
    if let Some(h) = before.checked_sub(1).map(|i| &headings[i])
        && h.1 > t
    {
        return Some(span(h));
    }
    let next = headings.get(before)?;
    let between = &tags[t..=next.0];
    if between.len() > MAX_BETWEEN + 2 {
        return None;
    }
    let blank = between
        .windows(2)
        .all(|w| html[w[0].at.end..w[1].at.start].trim().is_empty());
    // A tag that shows something on its own is content between them.
    let shown = between[1..between.len() - 1]
        .iter()
        .any(|tag| matches!(tag.name.as_str(), "img" | "svg" | "hr" | "table" | "image"));
    (blank && !shown).then(|| span(next))
}

/// Where a token for the element at tag `t` goes: before it, or before
/// the blocks it is the first thing in.
fn block_start(tags: &[Tag], t: usize, html: &str) -> usize {
    let mut start = tags[t].at.start;
    let mut i = t;
    while let Some(prev) = i.checked_sub(1).map(|p| &tags[p]) {
        let block = matches!(
            prev.name.as_str(),
            "p" | "div" | "blockquote" | "section" | "article" | "center"
        );
        if prev.closing || !block || !html[prev.at.end..start].trim().is_empty() {
            break;
        }
        start = prev.at.start;
        i -= 1;
    }
    start
}

/// The number of the token that a line of converted text is, alone.
pub fn token_line(line: &str) -> Option<usize> {
    line.trim()
        .strip_prefix(OPEN)?
        .strip_suffix(CLOSE)?
        .parse()
        .ok()
}

/// Take the tokens left inside other lines out of converted text.
pub fn clear(md: &str) -> String {
    if !md.contains(OPEN) {
        return md.to_string();
    }
    static LEFT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new("\u{f8f4}[0-9]*\u{f8f5}").expect("a valid pattern")
    });
    LEFT.replace_all(md, "").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(html: &str, fragments: &[&str]) -> String {
        let fragments: Vec<String> = fragments.iter().map(|f| (*f).to_string()).collect();
        mark(html, &fragments)
            .0
            .replace(OPEN, "[")
            .replace(CLOSE, "]")
            .replace('\n', "")
    }

    #[test]
    fn a_heading_with_the_id_is_replaced() {
        assert_eq!(
            marked(
                r#"<p>a</p><h2 id="c2">II.<br/>The Return</h2><p>b</p>"#,
                &["c2"]
            ),
            "<p>a</p><p>[0]</p><p>b</p>"
        );
        // The id inside the heading, Gutenberg's way.
        assert_eq!(
            marked(
                r#"<p>a</p><h2><a id="chap02"></a>II.</h2><p>b</p>"#,
                &["chap02"]
            ),
            "<p>a</p><p>[0]</p><p>b</p>"
        );
        // The heading the element starts: pandoc's and many books'.
        assert_eq!(
            marked(
                r#"<p>a</p><section id="s" class="level2">
<h2>Two</h2><p>b</p></section>"#,
                &["s"]
            ),
            "<p>a</p><section id=\"s\" class=\"level2\"><p>[0]</p><p>b</p></section>"
        );
        assert_eq!(
            marked(r#"<p>a</p><a name="x"></a> <h3>Three</h3>"#, &["x"]),
            r#"<p>a</p><a name="x"></a> <p>[0]</p>"#
        );
    }

    #[test]
    fn any_other_element_gets_the_token_before_its_block() {
        // calibre's anchors on paragraphs.
        assert_eq!(
            marked(
                r#"<p>a</p><p class="c"><a id="filepos9"></a><b>Chapter 2</b></p><h2>Not it</h2>"#,
                &["filepos9"]
            ),
            r#"<p>a</p><p>[0]</p><p class="c"><a id="filepos9"></a><b>Chapter 2</b></p><h2>Not it</h2>"#
        );
        // Text between the element and the next heading: not that heading.
        assert_eq!(
            marked(r#"<div id="d"><p>Text.</p><h2>Later</h2></div>"#, &["d"]),
            r#"<p>[0]</p><div id="d"><p>Text.</p><h2>Later</h2></div>"#
        );
    }

    #[test]
    fn ids_that_are_not_there_are_said() {
        let (html, found) = mark(
            "<h1 id='a'>A</h1><p id=b>B</p>",
            &["zz".into(), "b".into(), "a".into()],
        );
        assert_eq!(found[0], None);
        assert!(found[1].is_some() && found[2].is_some());
        let tokens: Vec<usize> = html
            .lines()
            .filter_map(|l| token_line(l.strip_prefix("<p>")?.strip_suffix("</p>")?))
            .collect();
        assert_eq!(tokens, vec![2, 1]);
    }

    #[test]
    fn two_entries_at_one_heading_keep_their_order() {
        assert_eq!(
            marked(r#"<div id="p"><h1 id="c">One</h1></div>"#, &["p", "c"]),
            r#"<div id="p"><p>[0]</p><p>[1]</p></div>"#
        );
    }

    #[test]
    fn tokens_left_in_lines_are_cleared() {
        assert_eq!(clear("- \u{f8f4}3\u{f8f5}item"), "- item");
        assert_eq!(token_line(" \u{f8f4}12\u{f8f5} "), Some(12));
        assert_eq!(token_line("x\u{f8f4}12\u{f8f5}"), None);
    }
}
