//! Plain-text articles: what is inferred from each fixture shape (a news page
//! with a site name, an essay with numbered sections, a note with no
//! headings), that no text is ever dropped, that every line end works, that
//! the result lays out, and that arbitrary text never breaks the source map.

use longform::document::{BlockKind, ContainerKind, Document, Flags, block_spans};
use longform::layout::{layout_all, render_to_string};
use longform::parse::text::parse_text;
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/text/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

fn block_text(doc: &Document, i: usize) -> String {
    block_spans(&doc.blocks[i].kind)
        .map(|s| s.shown(&doc.text))
        .collect()
}

fn headings(doc: &Document) -> Vec<(u8, &str, &str)> {
    doc.headings
        .iter()
        .map(|h| (h.level, h.text.as_str(), h.slug.as_str()))
        .collect()
}

/// Top-level paragraphs, as text: not headings, not list items.
fn paragraphs(doc: &Document) -> Vec<String> {
    (0..doc.blocks.len())
        .filter(|&i| {
            matches!(doc.blocks[i].kind, BlockKind::Paragraph { .. })
                && doc.blocks[i].container().is_none()
        })
        .map(|i| block_text(doc, i))
        .collect()
}

fn dimmed(doc: &Document, i: usize) -> bool {
    block_spans(&doc.blocks[i].kind)
        .filter(|s| !s.text(&doc.text).trim().is_empty())
        .all(|s| s.flags.contains(Flags::HTML))
}

fn block_of(doc: &Document, text: &str) -> usize {
    (0..doc.blocks.len())
        .find(|&i| block_text(doc, i) == text)
        .unwrap_or_else(|| panic!("no block {text:?}"))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every exact span is a copy of the source bytes it points at.
fn assert_exact(src: &str, doc: &Document) {
    for block in &doc.blocks {
        for span in block_spans(&block.kind).filter(|s| s.exact()) {
            assert_eq!(
                src.get(span.source()..span.source() + span.len()),
                Some(span.text(&doc.text))
            );
        }
    }
}

/// Nothing is dropped: apart from whitespace and list markers (shown as
/// "•" by the container), the blocks hold all of the source.
fn assert_all_text_kept(src: &str, doc: &Document) {
    let shown: String = (0..doc.blocks.len()).map(|i| block_text(doc, i)).collect();
    let source: String = src
        .lines()
        .map(|l| l.trim_start().strip_prefix("- ").unwrap_or(l))
        .collect();
    assert_eq!(squeeze(&shown), squeeze(&source));
}

/// The same article with other line ends gives the same structure.
fn assert_same_with_other_line_ends(src: &str) {
    let doc = parse_text(src);
    for eol in ["\r\n", "\r"] {
        let other = src.replace('\n', eol);
        let again = parse_text(&other);
        assert_eq!(again.meta, doc.meta, "{eol:?}");
        assert_eq!(headings(&again), headings(&doc), "{eol:?}");
        let texts = |d: &Document| {
            (0..d.blocks.len())
                .map(|i| block_text(d, i))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&again), texts(&doc), "{eol:?}");
        assert_exact(&other, &again);
    }
}

fn assert_lays_out(doc: &Document, width: usize) {
    let lines = layout_all(doc, width);
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.width() <= width, "{:?}", line.text());
        assert!(line.start <= doc.source_len && line.end <= doc.source_len);
    }
}

#[test]
fn news_page_with_site_name_byline_and_comment_form() {
    let src = fixture("news.txt");
    let doc = parse_text(&src);
    let title = "Harbour Town Votes to Rebuild Its Old Swing Bridge";
    assert_eq!(doc.meta.title.as_deref(), Some(title));
    assert_eq!(doc.title(), Some(title));
    assert_eq!(
        doc.meta.author.as_deref(),
        Some("Jane Doe, Example News Service")
    );
    assert_eq!(
        headings(&doc),
        [
            (
                1,
                title,
                "harbour-town-votes-to-rebuild-its-old-swing-bridge"
            ),
            (2, "What Happens Next", "what-happens-next"),
            (2, "A Long Argument", "a-long-argument"),
        ]
    );

    // The site name is kept, dimmed, above the title.
    assert_eq!(block_text(&doc, 0), "The Daily Example");
    assert!(dimmed(&doc, 0));
    assert_eq!(doc.blocks[1].heading_level(), Some(1));
    // The byline and the dateline stay as paragraphs; the dateline is not
    // taken for a heading.
    let byline = block_of(&doc, "By Jane Doe, Example News Service");
    let dateline = block_of(&doc, "March 3, 2026");
    assert_eq!((byline, dateline), (2, 3));
    assert!(!dimmed(&doc, byline) && !dimmed(&doc, dateline));

    // Hard wraps are joined; the body is not dimmed.
    let paras = paragraphs(&doc);
    assert_eq!(paras.len(), 3 + 6 + 6, "{paras:#?}");
    let first = block_of(
        &doc,
        "HARBOUR TOWN — The council voted seven to two on Tuesday night to \
         rebuild the swing bridge that has carried traffic over the inner harbour \
         since 1911, ending a debate that has divided the town for the better \
         part of a decade. The new bridge will keep the old iron frame where it \
         can, and replace the deck, the machinery and the wiring.",
    );
    assert!(!dimmed(&doc, first));

    // The comment form is all there, dimmed, and out of the outline.
    let form = block_of(&doc, "Leave a Reply Cancel reply");
    assert!((form..doc.blocks.len()).all(|i| dimmed(&doc, i)));
    assert!((1..form).all(|i| !dimmed(&doc, i)));
    assert_eq!(doc.blocks.len() - form, 6);
    // Its fields on lines of their own, as the page has them.
    block_of(&doc, "Name *\nEmail *\nWebsite");
    block_of(&doc, "Post Comment");

    assert_all_text_kept(&src, &doc);
    assert_exact(&src, &doc);
    assert_same_with_other_line_ends(&src);
    assert_lays_out(&doc, 60);
}

#[test]
fn essay_with_numbered_sections_and_a_short_sentence() {
    let src = fixture("essay.txt");
    let doc = parse_text(&src);
    assert_eq!(doc.meta.title.as_deref(), Some("On Walking Slowly"));
    assert_eq!(doc.meta.author, None);
    assert_eq!(
        headings(&doc),
        [
            (1, "On Walking Slowly", "on-walking-slowly"),
            (2, "1. Beginnings", "1-beginnings"),
            (2, "2. The Middle Distance", "2-the-middle-distance"),
            (2, "3. Coming Home", "3-coming-home"),
        ]
    );
    // A paragraph of one short sentence with a full stop is not a heading.
    let rained = block_of(&doc, "It rained.");
    assert!(matches!(
        doc.blocks[rained].kind,
        BlockKind::Paragraph { .. }
    ));
    assert_eq!(paragraphs(&doc).len(), 6);
    assert!(
        doc.containers.is_empty(),
        "numbered headings are not a list"
    );
    assert!((0..doc.blocks.len()).all(|i| !dimmed(&doc, i)));
    block_of(
        &doc,
        "At first I walked fast, as if the walk were a task to be finished. It \
         took me a whole winter to learn that the point was not to arrive.",
    );
    // Sections and words work as for Markdown.
    let home = doc.headings[3].block;
    let pos = longform::position::Position(doc.blocks[home + 1].source().start);
    assert_eq!(
        doc.section_at(pos).map(|h| h.slug.as_str()),
        Some("3-coming-home")
    );
    assert_eq!(
        doc.words,
        (0..doc.blocks.len())
            .map(|b| doc.block_words(b))
            .sum::<usize>()
    );
    assert_eq!(doc.words_before(pos), doc.words_before_block(home + 1));

    assert_all_text_kept(&src, &doc);
    assert_exact(&src, &doc);
    assert_same_with_other_line_ends(&src);
    assert_lays_out(&doc, 60);
}

#[test]
fn plain_note_without_headings_and_with_a_list() {
    let src = fixture("plain.txt");
    let doc = parse_text(&src);
    assert_eq!(doc.meta.title, None);
    assert_eq!(doc.title(), None);
    assert_eq!(doc.meta.author, None);
    assert!(doc.headings.is_empty(), "{:?}", headings(&doc));
    let paras = paragraphs(&doc);
    assert_eq!(paras.len(), 4, "{paras:#?}");
    assert_eq!(paras[2], "Things to buy this week:");

    let items: Vec<(String, &str)> = (0..doc.blocks.len())
        .filter_map(|i| {
            let c = doc.blocks[i].container()?;
            match &doc.containers[c].kind {
                ContainerKind::Item { marker, .. } => Some((block_text(&doc, i), marker.as_str())),
                ContainerKind::Quote { .. } => None,
            }
        })
        .collect();
    assert_eq!(
        items,
        [
            ("a kettle".to_string(), "•"),
            ("two chairs for the balcony".to_string(), "•"),
            (
                "light bulbs, the warm kind, not the blue ones".to_string(),
                "•"
            ),
            ("a doormat".to_string(), "•"),
        ]
    );
    assert!((0..doc.blocks.len()).all(|i| !dimmed(&doc, i)));

    assert_all_text_kept(&src, &doc);
    assert_exact(&src, &doc);
    assert_same_with_other_line_ends(&src);
    assert_lays_out(&doc, 60);
    let text = render_to_string(&doc, 60);
    assert!(
        text.contains("• light bulbs, the warm kind, not the blue ones"),
        "{text}"
    );
}

#[test]
fn tabs_and_a_stripped_bom_load_like_any_file() {
    let bytes = format!("\u{feff}{}", fixture("essay.txt").replace("\n\n", "\n\t\n"));
    let source = longform::load::decode(bytes.into_bytes(), "e.txt".into(), None).unwrap();
    let doc = parse_text(&source.text);
    assert_eq!(doc.meta.title.as_deref(), Some("On Walking Slowly"));
    assert_eq!(doc.headings.len(), 4);
    assert_exact(&source.text, &doc);
}

/// Lines of the shapes the inference looks at, to reach every rule.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  \t ".to_string()),
        Just("The Title Line".to_string()),
        Just("By Jane Doe".to_string()),
        Just("example.com".to_string()),
        Just("1. Beginnings".to_string()),
        Just("II. The Argument".to_string()),
        Just("- an item".to_string()),
        Just("* * *".to_string()),
        Just("It rained.".to_string()),
        Just("Leave a Reply".to_string()),
        Just("\u{feff}\u{1b}[2J\u{202e}\u{85}\u{7}".to_string()),
        "[ a-zA-Z.,:\t]{0,90}",
        "\\PC{0,40}",
        any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            line(),
            prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("\n\n")],
        ),
        0..30,
    )
    .prop_map(|parts| parts.into_iter().map(|(l, eol)| l + eol).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_parses_with_an_exact_source_map(src in text(), width in 1usize..100) {
        let doc = parse_text(&src);
        let mut prev = 0;
        for block in &doc.blocks {
            prop_assert!(block.source().start >= prev && block.source().end <= src.len());
            prev = block.source().start;
            for span in block_spans(&block.kind) {
                prop_assert!(span.source() <= src.len());
                prop_assert!(src.is_char_boundary(span.source()));
                if span.exact() {
                    prop_assert_eq!(
                        src.get(span.source()..span.source() + span.len()),
                        Some(span.text(&doc.text))
                    );
                }
                for c in span.text(&doc.text).chars() {
                    prop_assert!(longform::parse::stand_in(c).is_none(), "{:?}", c);
                }
            }
        }
        let mut slugs: Vec<&str> = doc.headings.iter().map(|h| h.slug.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        prop_assert_eq!(slugs.len(), doc.headings.len());
        prop_assert_eq!(doc.words, (0..doc.blocks.len()).map(|b| doc.block_words(b)).sum::<usize>());
        for w in [60, width] {
            for line in layout_all(&doc, w) {
                prop_assert!(line.width() <= w);
                prop_assert!(line.end <= src.len());
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(src in any::<String>()) {
        let doc = parse_text(&src);
        for block in &doc.blocks {
            for span in block_spans(&block.kind).filter(|s| s.exact()) {
                prop_assert_eq!(
                    src.get(span.source()..span.source() + span.len()),
                    Some(span.text(&doc.text))
                );
            }
        }
        layout_all(&doc, 60);
    }
}

/// `longform cat --color always FILE` at 60 columns, with a config dir of
/// its own.
fn cat_styled(name: &str, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_longform"))
        .args(["cat", "--width", "60", "--color", "always"])
        .arg(&file)
        .env("LONGFORM_CONFIG_DIR", dir.path())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_plain_text_byline_is_drawn_as_a_markdown_byline_is() {
    let body = "The council voted on Tuesday night to rebuild the old swing bridge that has carried traffic over the harbour since 1911.\n";
    let text = cat_styled("a.txt", &format!("The Old Bridge\n\nBy Jane Doe\n\n{body}"));
    let markdown = cat_styled(
        "a.md",
        &format!("---\ntitle: The Old Bridge\nauthor: Jane Doe\n---\n\n{body}"),
    );
    // Title, rule, byline, a blank line, then the text: line for line the
    // same, in the same styles; only the words of the byline differ.
    assert_eq!(text[..2], markdown[..2]);
    assert_eq!(text[2], markdown[2].replace("Jane Doe", "By Jane Doe"));
    assert!(text[2].contains("\u{1b}["), "{:?}", text[2]);
    assert_eq!(text[3..], markdown[3..]);
}
