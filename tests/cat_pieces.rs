//! `longform cat` parses long Markdown in pieces cut where blocks start,
//! a few at a time, and never holds the whole document (issue 7). Its
//! output must be byte for byte the output of the whole document. The
//! reader parses a long article in the same pieces and joins them: the
//! joined document must be the one parse of the whole gives.

use longform::cli::{CatStyle, cat_linked, cat_source};
use longform::layout::LayoutOptions;
use longform::tui::theme::Theme;

fn whole(text: &str, style: CatStyle) -> Vec<u8> {
    let doc = longform::parse::parse(text);
    let mut out = Vec::new();
    cat_linked(
        &doc,
        style.width,
        style.options,
        style.theme,
        style.osc8,
        &mut out,
    )
    .unwrap();
    out
}

fn pieces(text: &str, piece: usize, style: CatStyle) -> Vec<u8> {
    let mut out = Vec::new();
    cat_source(&text.into(), None, piece, style, &mut out).unwrap();
    out
}

fn styles() -> [CatStyle; 2] {
    [
        CatStyle {
            width: 80,
            options: LayoutOptions::default(),
            theme: Some(Theme::Dark),
            osc8: true,
        },
        CatStyle {
            width: 47,
            options: LayoutOptions {
                justify: true,
                plain_code: true,
                defer_code: false,
            },
            theme: None,
            osc8: false,
        },
    ]
}

/// The document joined from pieces of `piece` bytes.
fn joined(text: &str, piece: usize) -> longform::document::Document {
    let stop = std::sync::atomic::AtomicBool::new(false);
    longform::parse::join::parse_in_pieces(&text.into(), piece, 2, &stop).unwrap()
}

/// The first difference between two documents, for a readable failure.
fn difference(a: &longform::document::Document, b: &longform::document::Document) -> String {
    let blocks = a.blocks.iter().zip(&b.blocks).position(|(x, y)| x != y);
    format!(
        "blocks {} / {} (first different: {blocks:?}: {:?} / {:?}); containers equal: {}; \
         headings equal: {}; links equal: {}; footnotes {:?} / {:?}; meta equal: {}; \
         words {} / {}",
        a.blocks.len(),
        b.blocks.len(),
        blocks.map(|i| &a.blocks[i]),
        blocks.map(|i| &b.blocks[i]),
        a.containers == b.containers,
        a.headings == b.headings,
        a.links == b.links,
        a.footnotes,
        b.footnotes,
        a.meta == b.meta,
        a.words,
        b.words,
    )
}

fn check(name: &str, text: &str, piece: usize) {
    let one = longform::parse::parse(text);
    let many = joined(text, piece);
    assert!(
        one == many,
        "{name}, joined from pieces of {piece}: {}",
        difference(&one, &many)
    );
    // The reader on two cores parses on one thread.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let alone = longform::parse::join::parse_in_pieces(&text.into(), piece, 1, &stop).unwrap();
    assert!(one == alone, "{name}, pieces of {piece} on one thread");
    for style in styles() {
        let a = whole(text, style);
        let b = pieces(text, piece, style);
        if a != b {
            let a = String::from_utf8_lossy(&a);
            let b = String::from_utf8_lossy(&b);
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            let around = |t: &str| {
                t.lines()
                    .skip(line.saturating_sub(4))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "{name}, pieces of {piece}: line {line} differs:\n--- whole:\n{}\n--- pieces:\n{}",
                around(&a),
                around(&b)
            );
        }
    }
}

#[test]
fn real_articles_in_small_pieces_match_the_whole() {
    for dir in ["tests/corpus", "articles"] {
        let dir = format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in [1, 700, 4096] {
                check(&path.display().to_string(), &text, piece);
            }
        }
    }
}

#[test]
fn a_generated_article_in_pieces_matches_the_whole() {
    let text = longform::testgen::article(longform::testgen::SEED, 400 * 1024);
    for piece in [3000, 64 * 1024] {
        check("generated", &text, piece);
    }
}

#[test]
fn a_fence_open_to_the_end_with_a_note_defined_before_ends_where_the_text_does() {
    // The piece holding the fence gets a stand-in for the note after a
    // closing fence of its own: the block must still end at the text's end.
    let text = "Start.\n\n[^n]: The note:\n\n    indented under it.\nA paragraph.\n\n\
                <div>\nan html block\n</div>\n~~~\nplain fence\n\n~~~\nA note.[^n]\n";
    for piece in [1, 20] {
        check("open fence", text, piece);
    }
}

#[test]
fn what_a_piece_cannot_see_alone_is_taken_from_the_whole() {
    for (what, text) in [
        // The first definition of a label wins, wherever the piece starts.
        (
            "a label defined twice",
            "Start.\n\n[a]: /first\n\nSee [a].\n\n[a]: /second\n\nSee [a] again.\n",
        ),
        (
            "a label defined twice in two cases",
            "Start.\n\n[Foo]: /first\n\nSee [foo].\n\n[foo]: /second\n\nSee [Foo][].\n",
        ),
        // Marks in code and HTML are not footnote uses: the numbers come
        // from what the pieces before really numbered.
        (
            "a footnote mark in code",
            "Start.\n\nSyntax: `x[^b]`.\n\nFirst[^a] then[^b].\n\n[^a]: A.\n\n[^b]: B.\n",
        ),
        (
            "a footnote definition in HTML",
            "Start.\n\n<div>\n[^b]: no definition\n</div>\nFirst[^a] then[^b].\n\n\
             [^a]: A.\n\n[^b]: B.\n",
        ),
        // Lone CRs end lines for the cuts as they do for the parser.
        (
            "a fence of lone CRs",
            "Intro\r```\rcode\n\nnot a start in whole\r```\n\nAfter.\n",
        ),
        (
            "footnotes after lone CRs",
            "Start.\r\r[^a] x[^b].\r\r[^a]: A.\n\n[^b]: B\n\nMore[^c].\n\n[^c]: C.\n",
        ),
        // Front matter with no block before the next piece's.
        (
            "front matter and a definition",
            "---\ntitle: T\n---\n\n[a]: /u\n\nText [a].\n",
        ),
        // `[^1]:` in the middle of a line is a use, not a definition.
        (
            "a note used before a colon",
            "Start.\n\nSee this[^1]: a use.\n\nMore.\n\n[^1]: The note.\n",
        ),
        // Not a tag (an attribute starts with a letter): a paragraph,
        // which the fence after it interrupts.
        ("a tag that is not one", "<h 1a>\n```\n\nee\n\nmore code\n"),
        // Empty footnote definitions.
        ("an empty note", "Text[^a].\n\n[^a]:\n"),
        (
            "an empty note defined again",
            "Text[^a].\n\n[^a]:\n\nMiddle.\n\n[^a]: real.\n",
        ),
    ] {
        for piece in [1, 20, 64] {
            check(what, text, piece);
        }
    }
}

#[test]
fn every_element_in_pieces_matches_the_whole() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/elements.md");
    let text = std::fs::read_to_string(path).unwrap();
    for piece in [1, 50, 500] {
        check("elements.md", &text, piece);
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of Markdown that start or continue blocks of every kind,
    /// including those that hold blank lines (fences, comments, loose
    /// lists, quotes, footnotes) and those defined far from their use
    /// (link references, footnotes).
    const SNIPPETS: &[&str] = &[
        "A plain paragraph of a few words.",
        "Text with *emphasis*, **strong**, `code` and [a link](https://example.com).",
        "A [reference link][ref] and a [shortcut] and a note.[^n]",
        "[ref]: https://example.com/ref",
        "[shortcut]:\n  https://example.com/shortcut",
        "[^n]: The note, with a second paragraph:\n\n    indented under it.",
        "# A heading",
        "## Another heading {#custom}",
        "Setext heading\n==============",
        "- item one\n- item two",
        "- loose item\n\n- another loose item",
        "1. first\n2. second\n\n3. third, loose",
        "- outer\n  - inner\n\n- outer again",
        "> a quote\n>\n> - with a list",
        "> a quote\n\nlazy after a blank",
        "```rust\nfn main() {\n\n    // a blank line above\n}\n```",
        "~~~\nplain fence\n\n~~~",
        "    indented code\n\n    more indented code",
        "<div>\nan html block\n</div>",
        "<div align=\"center\">\n\n**Centred** Markdown in a box.\n\n</div>",
        "<details>\n<summary>More</summary>\n\nThe body, in Markdown.\n\n- a list in it\n\n</details>",
        "<p align=\"center\">\n  <img src=\"logo.png\" alt=\"Logo\">\n\n  <br>A caption\n</p>",
        "<!-- a comment\n\nwith a blank line -->",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "---",
        "2024. A line that starts with a year.",
        "+ plus item",
        "Term with a trailing hard break  \nnext line",
        "日本語の段落。改行なしで続く長い文章。",
        "- ```\n  fenced in a list item\n\n  still code\n  ```",
        "> ```\n> fenced in a quote\n>\n> still code\n> ```",
        "<a href=\"x\">an inline tag</a> on its own line",
        "Use `[^a-z]` in a pattern, or grep '[^0-9]'.",
        // A label defined twice: the first definition in the text wins.
        "[REF]: https://example.com/later",
        // A footnote mark in code is not a use.
        "Syntax: `x[^n]` and\r```\r[^m] in code\r```",
        "Another note.[^m]",
        "[^m]: The other note.",
        "[^e]:",
    ];

    fn document() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            proptest::collection::vec((0..SNIPPETS.len(), any::<bool>()), 1..30),
        )
            .prop_map(|(front, parts)| {
                // A document always starts with a block: pulldown-cmark
                // reads a `---` rule that comes first (after nothing but
                // link definitions) as the start of front matter.
                let mut text = String::new();
                if front {
                    text.push_str("---\ntitle: Random\n\nauthor: Someone\n---\n\n");
                }
                text.push_str("Start.\n\n");
                for (i, blank) in parts {
                    text.push_str(SNIPPETS[i]);
                    text.push_str(if blank { "\n\n" } else { "\n" });
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 200,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn random_documents_in_pieces_match_the_whole(text in document()) {
            for piece in [1, 64] {
                let one = longform::parse::parse(&text);
                let many = joined(&text, piece);
                prop_assert!(one == many, "joined from pieces of {}: {}\n{}", piece, difference(&one, &many), text);
                for style in styles() {
                    let a = String::from_utf8(whole(&text, style)).unwrap();
                    let b = String::from_utf8(pieces(&text, piece, style)).unwrap();
                    prop_assert_eq!(a, b, "pieces of {}:\n{}", piece, text);
                }
            }
        }
    }
}

/// A long table, with cells of every kind: inline styles, links (one
/// defined far away), code with a bar, wide and right-to-left text, rows
/// shorter and longer than the header.
fn long_table(rows: usize, wide: bool) -> String {
    let mut t = String::from("| Id | Name | Count | Note |\n|---:|:---|:-:|---|\n");
    for i in 0..rows {
        let note = match i % 7 {
            0 => "*heavy* and **bold**".to_string(),
            1 => format!("[link {i}](https://example.com/{i})"),
            2 => "[defined][far] far away".to_string(),
            3 => "`a\\|b` code".to_string(),
            4 => "日本語の文章".to_string(),
            5 => "שלום עולם".to_string(),
            _ => "\"quoted\" -- dashes...".to_string(),
        };
        let name = if wide && i == rows / 2 {
            "a-very-long-word-that-makes-the-table-too-narrow-to-draw"
        } else {
            "word"
        };
        match i % 50 {
            17 => t.push_str(&format!("| {i} | short |\n")),
            31 => t.push_str(&format!("| {i} | {name} | {} | {note} | extra |\n", i * 7)),
            _ => t.push_str(&format!("| {i} | {name} | {} | {note} |\n", i * 7)),
        }
    }
    t
}

fn streamed_styles() -> Vec<CatStyle> {
    let mut out = Vec::new();
    for width in [33, 80, 120] {
        for justify in [false, true] {
            for theme in [None, Some(Theme::Dark)] {
                out.push(CatStyle {
                    width,
                    options: LayoutOptions {
                        justify,
                        plain_code: theme.is_none(),
                        defer_code: false,
                    },
                    theme,
                    osc8: theme.is_some(),
                });
            }
        }
    }
    out
}

#[test]
fn a_long_table_streamed_writes_what_the_whole_table_writes() {
    let table = long_table(1000, false);
    let wide = long_table(300, true);
    let texts = [
        ("a table alone", table.clone()),
        ("a table at the start", format!("{table}\nAfter it.\n")),
        (
            "front matter, then a table",
            format!("---\ntitle: Rows\n---\n\n{table}"),
        ),
        (
            "text around a table",
            format!("# Title\n\nBefore.\n\n{table}\n## After\n\nMore text.\n"),
        ),
        (
            "a table with no line end",
            format!("Before.\n\n{}", table.trim_end()),
        ),
        (
            "a heading right under a table",
            format!("Before.\n\n{table}# Heading\n\nText.\n"),
        ),
        (
            "two tables one after the other",
            format!("Before.\n\n{table}\n{wide}\n- a list\n- after\n"),
        ),
        (
            "a table too narrow to draw",
            format!("Before.\n\n{wide}\nAfter.\n"),
        ),
        // Link definitions and footnotes elsewhere in the text: the table
        // is still cut, and its links found.
        (
            "definitions and footnotes around a table",
            format!(
                "Intro with a note.[^a]\n\n[far]: https://example.com/far\n\n{table}\n\
                 After, another note.[^b]\n\n[^a]: The first note.\n\n[^b]: The second.\n"
            ),
        ),
    ];
    for (name, text) in &texts {
        // The table is cut into pieces of its rows.
        let cut = longform::parse::window::Pieces::streaming(text, 8 * 1024, 2);
        assert!(cut.ranges.len() > 3, "{name}: {} pieces", cut.ranges.len());
        for style in streamed_styles() {
            let a = whole(text, style);
            for piece in [8 * 1024, 20 * 1024] {
                let b = pieces(text, piece, style);
                if a != b {
                    let a = String::from_utf8_lossy(&a);
                    let b = String::from_utf8_lossy(&b);
                    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
                    panic!(
                        "{name}, width {}, justify {}, styled {}, pieces of {piece}: \
                         line {line:?} differs: {:?} / {:?} ({} / {} lines)",
                        style.width,
                        style.options.justify,
                        style.theme.is_some(),
                        line.and_then(|l| a.lines().nth(l)),
                        line.and_then(|l| b.lines().nth(l)),
                        a.lines().count(),
                        b.lines().count(),
                    );
                }
            }
        }
    }
}

#[test]
fn a_table_that_uses_footnotes_is_written_whole() {
    // Its own text numbers notes: it is one piece, as before.
    let mut text = String::from("Before.\n\n");
    text.push_str(&long_table(1000, false).replace("| 3 |", "| 3[^n] |"));
    text.push_str("\n[^n]: The note.\n");
    let cut = longform::parse::window::Pieces::streaming(&text, 8 * 1024, 2);
    assert_eq!(cut.ranges.len(), 2);
    for style in streamed_styles() {
        assert_eq!(whole(&text, style), pieces(&text, 8 * 1024, style));
    }
}
