//! The headings of a long article without parsing the whole of it, so
//! that the outline and the heading jumps work while the whole is still
//! being parsed (issue 26).
//!
//! The block starts of the `WindowIndex` cut the text into stretches that
//! each parse on their own to the blocks of the whole parse. Only the
//! stretches with a line that may be a heading (one that begins with `#`
//! once quotes and list markers are set aside, a setext underline, or an
//! HTML `<h1>`…`<h6>`) are parsed: a few per cent of an article. The
//! headings found are those of the whole parse, at the same bytes, with
//! the same level and text. Until the whole parse lands, the slugs of
//! repeated headings may differ, and so may a heading's text in the rare
//! case where the line scan of the `WindowIndex` misreads a link
//! definition (one inside an HTML block, say).

use std::ops::Range;
use std::sync::Arc;

use super::{WindowIndex, parse_range, strip_containers};

/// A heading found by `WindowIndex::headings`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundHeading {
    pub level: u8,
    pub text: String,
    pub slug: String,
    /// The source bytes of the heading's block.
    pub source: Range<usize>,
}

impl WindowIndex {
    /// Every heading of `text` (the text the index was made of), in order.
    pub fn headings(&self, text: &Arc<str>) -> Vec<FoundHeading> {
        debug_assert_eq!(self.len, text.len(), "an index of another text");
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        // Stretches between block starts; the first may start before the
        // first block start (front matter, or text at the very start).
        let mut edges = Vec::with_capacity(self.starts.len() + 2);
        edges.push(0);
        edges.extend(self.starts.iter().map(|&s| s as usize).filter(|&s| s > 0));
        edges.push(text.len());
        let mut run: Option<Range<usize>> = None;
        for pair in edges.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            if start >= end || !may_hold_heading(&bytes[start..end]) {
                if let Some(r) = run.take() {
                    self.parse_headings(text, r, &mut found);
                }
                continue;
            }
            // Neighbouring stretches are parsed together.
            run = Some(run.map_or(start..end, |r| r.start..end));
        }
        if let Some(r) = run {
            self.parse_headings(text, r, &mut found);
        }
        found
    }

    /// Parse `range` of `text` on its own and add its headings to `found`.
    fn parse_headings(&self, text: &Arc<str>, range: Range<usize>, found: &mut Vec<FoundHeading>) {
        let Some((doc, _)) = parse_range(
            text,
            range,
            crate::parse::Numbered::NONE,
            &self.defs,
            false,
            None,
            &crate::parse::NEVER,
        ) else {
            return;
        };
        found.extend(doc.headings.iter().map(|h| FoundHeading {
            level: h.level,
            text: h.text.clone(),
            slug: h.slug.clone(),
            source: doc.blocks[h.block].source(),
        }));
    }
}

/// Whether a stretch of text has a line that may be a heading or make one.
fn may_hold_heading(stretch: &[u8]) -> bool {
    if memchr::memchr3(b'#', b'=', b'-', stretch).is_none()
        && memchr::memchr(b'<', stretch).is_none()
    {
        return false;
    }
    stretch.split(|&b| b == b'\n').any(|line| {
        let inner = strip_containers(line);
        let inner = &inner[inner
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()..];
        let underline = |c: u8| {
            inner.first() == Some(&c)
                && inner
                    .iter()
                    .all(|&b| b == c || b == b' ' || b == b'\t' || b == b'\r')
        };
        inner.first() == Some(&b'#') || underline(b'=') || underline(b'-') || html_heading(line)
    })
}

/// Whether a line has an HTML heading's start tag in it.
fn html_heading(line: &[u8]) -> bool {
    memchr::memchr_iter(b'<', line).any(|i| {
        matches!(line.get(i + 1), Some(b'h' | b'H')) && matches!(line.get(i + 2), Some(b'1'..=b'6'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headings found are the whole parse's: level, text and block
    /// (`with_text`), or level and block.
    fn same_headings(text: &str) -> Result<(), String> {
        same_headings_as(text, true)
    }

    fn same_headings_as(text: &str, with_text: bool) -> Result<(), String> {
        let full = crate::parse::parse(text);
        let shared: Arc<str> = Arc::from(text);
        let prepared = crate::parse::prepared(&shared);
        let index = WindowIndex::of(&prepared);
        let found: Vec<(u8, String, Range<usize>)> = index
            .headings(&prepared)
            .into_iter()
            .map(|h| {
                (
                    h.level,
                    if with_text { h.text } else { String::new() },
                    h.source,
                )
            })
            .collect();
        let whole: Vec<(u8, String, Range<usize>)> = full
            .headings
            .iter()
            .map(|h| {
                let text = if with_text {
                    h.text.clone()
                } else {
                    String::new()
                };
                (h.level, text, full.blocks[h.block].source())
            })
            .collect();
        if found == whole {
            Ok(())
        } else {
            Err(format!("found {found:?}\nwhole {whole:?}"))
        }
    }

    #[test]
    fn the_headings_of_a_generated_article_are_the_whole_parse_s() {
        let text = crate::testgen::article(crate::testgen::SEED, 600 * 1024);
        same_headings(&text).unwrap();
    }

    #[test]
    fn the_headings_of_real_articles_are_the_whole_parse_s() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = same_headings(&text) {
                panic!("{}: {e}", path.display());
            }
            checked += 1;
        }
        assert!(checked > 0);
    }

    #[test]
    fn headings_of_every_kind_are_found() {
        let text = "---\ntitle: T\n---\n\nIntro.\n\n# One\n\nText\n## Two\n\nSetext\n===\n\n\
                    Para\nline\n---\n\n> # Quoted\n\n- # In a list\n\n<h3>Html</h3>\n\n\
                    ```\n# not one\n```\n\n    # code\n\nEnd.\n";
        same_headings(text).unwrap();
        let shared: Arc<str> = Arc::from(text);
        let index = WindowIndex::of(&shared);
        let found = index.headings(&shared);
        assert!(found.iter().any(|h| h.text == "Two" && h.level == 2));
        assert!(found.iter().any(|h| h.text == "Setext" && h.level == 1));
        assert!(!found.iter().any(|h| h.text.contains("not one")));
    }

    mod random {
        use super::*;
        use proptest::prelude::*;

        /// Headings of every kind among blocks that hold blank lines or
        /// run on over several lines, so that stretch edges fall inside
        /// and around them.
        const SNIPPETS: &[&str] = &[
            "A plain paragraph of a few words, *emphasis* and `code`.",
            "# A heading",
            "## Another *heading*",
            "### Third [link][ref]",
            "[ref]: https://example.com/ref",
            "Setext heading\n===",
            "Setext two\nlines\n---",
            "---",
            "- item one\n- # item heading",
            "- loose item\n\n- another loose item",
            "> # a quoted heading\n>\n> - with a list",
            "> a quote\n\nlazy after a blank",
            "```rust\nfn main() {\n\n# not a heading\n}\n```",
            "~~~\nplain fence\n\n# not a heading\n\n~~~",
            "    # indented code\n\n    more indented code",
            "<div>\nan html block\n\n# inside\n</div>",
            "<h2>An HTML heading</h2>",
            "<!-- a comment\n\n# with a heading in it -->",
            "Text\n# right after text",
            "#not a heading, and # in the middle",
            "| a | b |\n|---|---|\n| 1 | 2 |",
        ];

        fn document() -> impl Strategy<Value = String> {
            proptest::collection::vec((0..SNIPPETS.len(), any::<bool>()), 5..60).prop_map(|parts| {
                let mut text = String::new();
                for (i, blank) in parts {
                    text.push_str(SNIPPETS[i]);
                    text.push_str(if blank { "\n\n" } else { "\n" });
                }
                text
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 300,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn the_headings_found_are_the_whole_parse_s(text in document()) {
                if let Err(e) = same_headings_as(&text, false) {
                    prop_assert!(false, "{}\n{}", e, text);
                }
            }
        }
    }
}
