//! HTML inside Markdown: a README full of layout HTML drawn at two widths,
//! the corpus READMEs read without a tag, and no input ever shows a tag
//! that its source wrote as one.

use longform::document::Document;
use longform::layout::{LayoutOptions, layout_block, render_to_string};
use longform::load::decode;
use longform::parse::parse;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const README: &str = "tests/fixtures/readme-html.md";

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn a_readme_of_layout_html_at_60_and_100_columns() {
    let full = format!("{}/{README}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    for (w, h) in [(60, 60), (100, 60)] {
        let mut app = App::new(
            &decode(bytes.clone(), README.into(), Some(full.clone().into())).unwrap(),
            Theme::Dark,
        );
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| draw(f, &mut app)).unwrap();
        insta::assert_snapshot!(format!("readme_html_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn centring_and_details_end_with_their_element_not_their_block() {
    let src = read("tests/fixtures/html-boxes.md");
    let text = render_to_string(&parse(&src), 60);
    let line = |start: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("{start:?} in\n{text}"))
    };
    // Markdown between `<div align="center">` and `</div>`, blank lines
    // and all, is centred; what follows `</div>` is not.
    for centred in [
        "Centred bold text in a div.",
        "Second centred paragraph.",
        "[image: Logo]",
        "A caption under the logo",
    ] {
        assert!(line(centred).starts_with("     "), "{centred:?} in\n{text}");
    }
    for flush in [
        "Not centred any more.",
        "After the details.",
        "After the p.",
    ] {
        assert!(line(flush).starts_with(flush), "{flush:?} in\n{text}");
    }
    // The body of a `<details>` is under its summary to `</details>`,
    // Markdown inside it too.
    assert!(line("▾ Click to expand").starts_with('▾'));
    for body in [
        "Some markdown inside",
        "• item one",
        "Body text right after.",
    ] {
        assert!(line(body).starts_with("  "), "{body:?} in\n{text}");
    }
    insta::assert_snapshot!("html_boxes_60", text);
}

#[test]
fn html_reads_as_its_markdown_twin() {
    let doc = parse(&read(README));
    let text = render_to_string(&doc, 60);
    assert!(!text.contains('<'), "{text}");
    for shown in [
        "[image: Tidepool]",
        "A small tide-table server — fast, tiny & offline.",
        "▾ Build from source",
        "• Moon phases",
        "2. Unpack",
        "[image: A chart of one day's tides]",
        // The avatar over the name, as the `<br />` between them says.
        "│ [image: Ana] │ Code & docs │\n│ Ana Lima     │",
        "A tag broken across lines\nstill breaks the line",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
    for hidden in ["never shown", "display: none", "generated; do not edit"] {
        assert!(!text.contains(hidden), "{hidden:?} in\n{text}");
    }
    // HTML headings are in the outline, named by their text.
    let headings: Vec<&str> = doc.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        headings,
        ["Tidepool", "Install", "Features", "Contributors"]
    );
    // HTML links are links, like Markdown's.
    let links: Vec<String> = doc
        .links
        .iter()
        .map(|l| format!("{:?}", l.target(&doc.text)))
        .collect();
    assert!(
        links
            .iter()
            .any(|l| l.contains("https://ci.example.org/tidepool")),
        "{links:?}"
    );
    assert!(
        links.iter().any(|l| l.contains("https://example.org/ana")),
        "{links:?}"
    );
    // Centred lines start with spaces; the table is not centred.
    let line = text
        .lines()
        .find(|l| l.contains("A small tide-table"))
        .unwrap();
    assert!(line.starts_with("     "), "{line:?}");
}

/// Every character drawn from a block maps to a byte inside it.
fn assert_maps_inside_blocks(doc: &Document, width: usize) {
    for (b, block) in doc.blocks.iter().enumerate() {
        for line in layout_block(doc, b, width, LayoutOptions::default()) {
            for seg in line.segs.iter().filter(|s| s.source.is_some()) {
                let at = seg.source.unwrap();
                let end = at + if seg.exact { seg.text.len() } else { 0 };
                assert!(
                    block.source().start <= at && end <= block.source().end.max(at),
                    "{seg:?} outside block {b} {:?}",
                    block.source()
                );
                if seg.exact {
                    assert_eq!(&doc.text[at..end], seg.text, "{seg:?}");
                }
            }
        }
    }
}

#[test]
fn html_text_maps_into_its_block() {
    let doc = parse(&read(README));
    assert_maps_inside_blocks(&doc, 60);
}

#[test]
fn corpus_readmes_read_without_a_tag() {
    let dir = format!("{}/tests/corpus", env!("CARGO_MANIFEST_DIR"));
    for name in [
        "ciu-arabic.md",
        "ciu-tasklists.md",
        "nodebp-emoji.md",
        "nodebp-hebrew.md",
        "nodebp-japanese.md",
        "opensource-guide-ar-frontmatter.md",
    ] {
        let src = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let doc = parse(&src);
        let text = render_to_string(&doc, 100);
        // Code shows its text as written, tags and all: only prose counts.
        let prose: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("  ") && !l.starts_with('↪'))
            .collect();
        for line in prose {
            for tag in TAGS {
                assert!(!has_tag(line, tag), "{name}: <{tag}> shown in {line:?}");
            }
        }
        assert_maps_inside_blocks(&doc, 100);
    }
}

/// Element names the corpus and the generator below write as tags.
const TAGS: &[&str] = &[
    "a", "abbr", "aside", "b", "br", "code", "del", "details", "div", "em", "h1", "h2", "hr", "i",
    "img", "input", "kbd", "label", "li", "ol", "p", "picture", "s", "source", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "th", "tr", "ul", "foo", "x-card",
];

/// Whether `line` shows `<tag` or `</tag` as a tag: the name ends there.
fn has_tag(line: &str, tag: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["<", "</"].iter().any(|open| {
        let needle = format!("{open}{tag}");
        lower.match_indices(&needle).any(|(i, _)| {
            lower[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
        })
    })
}

fn tag() -> impl Strategy<Value = String> {
    let name = prop::sample::select(TAGS);
    let attr = prop::sample::select(
        &[
            "",
            " align=\"center\"",
            " href=\"https://x.org/a?b=1&amp;c\"",
            " alt=\"an &eacute; alt\"",
            " class=x",
            " title='q \u{1b}[2J'",
        ][..],
    );
    prop_oneof![
        (name.clone(), attr.clone()).prop_map(|(n, a)| format!("<{n}{a}>")),
        name.clone().prop_map(|n| format!("</{n}>")),
        (name, attr).prop_map(|(n, a)| format!("<{n}{a}/>")),
    ]
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => tag(),
        3 => prop::sample::select(&[
            "word", "two words", "&amp;", "&#27;", "&copy;", "é", "漢字", "x", "1.", "|",
        ][..]).prop_map(String::from),
        2 => prop::sample::select(&[" ", "\n", "\n\n", "\n> ", "\n- ", "\n# ", "\n1. "][..])
            .prop_map(String::from),
        1 => Just("<!-- hidden <b> -->".to_string()),
        1 => Just("<script>var s = '<b>';</script>".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_tag_the_source_wrote_is_ever_shown(
        parts in prop::collection::vec(piece(), 0..40),
        width in 10usize..90,
    ) {
        let src: String = parts.concat();
        let doc = parse(&src);
        let text = render_to_string(&doc, width);
        for line in text.lines() {
            for tag in TAGS.iter().filter(|t| has_tag(&src, t)) {
                prop_assert!(!has_tag(line, tag), "<{}> in {:?} from {:?}", tag, line, src);
            }
            prop_assert!(!line.contains('\u{1b}'), "{:?}", line);
        }
        assert_maps_inside_blocks(&doc, width);
    }
}

/// `<pre>` is a code block: its lines and runs of spaces as written, a
/// line break right after the tag not shown, entities decoded and tags
/// inside dropped.
#[test]
fn pre_keeps_its_lines_and_spaces() {
    let src = "# T\n\n<pre><code>$ cargo run\n   Compiling foo v0.1.0\n    Finished dev\n</code></pre>\n\n\
               <pre>\n+---+   +---+\n| A |--&gt;| B |\n+---+   +---+\n</pre>\n\n\
               <pre>a <b>bold</b>  two  spaces\n\nafter a blank line</pre>\n\nAfter.\n";
    // CR LF line ends: the one after `<pre>` is not shown either.
    let crlf = parse(&src.replace('\n', "\r\n"));
    assert!(render_to_string(&crlf, 60).contains("\n\n  +---+   +---+\n"));
    let doc = parse(src);
    let text = render_to_string(&doc, 60);
    for shown in [
        "  $ cargo run\n     Compiling foo v0.1.0\n      Finished dev\n",
        "\n  +---+   +---+\n  | A |-->| B |\n  +---+   +---+\n",
        "  a bold  two  spaces\n\n  after a blank line\n",
        "\nAfter.",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
    let code = doc
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, longform::document::BlockKind::Code(_)))
        .count();
    assert_eq!(code, 3, "{text}");
}

/// HTML names places as a browser does: an element's `id` and an `<a>`'s
/// `name` are targets of `#…` links, and an HTML heading's `id` is its
/// slug.
#[test]
fn html_ids_and_names_are_link_targets() {
    let src = "# Anchors\n\n<a name=\"top\"></a>\n\n[x](#custom) [y](#far-away) [z](#para) [w](#nowhere)\n\n\
               filler\n\n<h2 id=\"custom\">HTML heading two</h2>\n\n[Back to top](#top)\n\n\
               <p id=\"para\">A paragraph with an id.</p>\n\nmore\n\n<a name=\"far-away\"></a>\n\nEnd.\n";
    let doc = parse(src);
    let slugs: Vec<&str> = doc.headings.iter().map(|h| h.slug.as_str()).collect();
    assert_eq!(slugs, ["anchors", "custom"]);
    let goes = |i: usize| doc.link_destination(i).map(|p| p.0);
    let at = |needle: &str| src.find(needle).unwrap();
    assert_eq!(goes(0), Some(at("<h2")));
    // A name on a line of its own names the block after it.
    assert_eq!(goes(1), Some(at("End.")));
    assert_eq!(goes(2), Some(at("A paragraph with an id.")));
    assert_eq!(goes(3), None);
    assert_eq!(goes(4), Some(at("[x](#custom)")));
}

/// A list in a table cell keeps its items apart; an ordered list counts
/// from its `start`.
#[test]
fn lists_in_cells_and_numbered_from_start() {
    let src = "# T\n\n<table><tr><th>Name</th><th>Items</th></tr><tr><td>a</td>\
               <td><ul><li>nested</li><li>list</li></ul></td></tr><tr><td>b</td><td><ul>\n  \
               <li>\n    spaced\n  </li>\n  <li>two</li>\n</ul></td></tr></table>\n\n\
               <ol start=\"3\"><li>three</li><li>four</li></ol>\n\n<ol><li>one</li></ol>\n";
    let text = render_to_string(&parse(src), 60);
    for shown in [
        "│ • nested • list ",
        "│ • spaced • two ",
        "3. three\n4. four",
        "1. one",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
}

/// An ordered list's `start` may be negative; `reversed` counts down,
/// from the count of its items when it has no `start`; an item's `value`
/// numbers it, and the items after count on from it.
#[test]
fn lists_count_down_and_from_values() {
    let src = "# T\n\n<ol start=\"-2\"><li>a</li><li>b</li><li>c</li></ol>\n\n\
               <ol reversed><li>d</li><li>e</li><li value=\"9\">f</li><li>g</li></ol>\n\n\
               <ol start=\"10\" reversed><li>h</li><li>i</li></ol>\n\n\
               <ol><li>j</li><li value=\"5\">k</li><li>l</li></ol>\n\n\
               <ol start=\"x\"><li>m</li></ol>\n";
    let text = render_to_string(&parse(src), 40);
    for shown in [
        "-2. a\n-1. b\n 0. c",
        "4. d\n3. e\n9. f\n8. g",
        "10. h\n 9. i",
        "1. j\n5. k\n6. l",
        "1. m",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
}

/// Smart punctuation leaves the text of HTML's `<code>` as written, as
/// it leaves a code span's; entities in it are still read.
#[test]
fn html_code_keeps_its_dots_dashes_and_quotes() {
    let src = "# T\n\nInline <code>a...b \"q\" -- x</code> and \"quoted\" -- text...\n\n\
               <kbd>--help</kbd> <code>&vert;...&vert; -> type</code>\n";
    let text = render_to_string(&parse(src), 60);
    for shown in [
        "Inline a...b \"q\" -- x and “quoted” – text…",
        "--help |...| -> type",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
}

/// Kramdown's `markdown="1"` (GitHub Pages): the text inside is read as
/// Markdown, its links links; without it, HTML's text is text. What is
/// more than inline content (a list) stays as written.
#[test]
fn kramdown_markdown_attribute_reads_links_and_emphasis() {
    let src = "# T\n\n<aside markdown=\"1\">\nSome *emphasis* and a [link](https://x.example) here.\n\
               <p markdown=\"1\">\n— [@errietta](https://github.com/errietta), `code`\n</p>\n</aside>\n\n\
               <p>No [markdown](x) here.</p>\n\n<div markdown=\"1\">\n- a list\n- stays text\n</div>\n";
    let doc = parse(src);
    let text = render_to_string(&doc, 60);
    for shown in [
        "Some emphasis and a link here.",
        "— @errietta, code",
        "No [markdown](x) here.",
        "- a list - stays text",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
    // A `<` in such text (not a tag: the tags were read already) stays.
    let kept = render_to_string(
        &parse("# T\n\n<div markdown=\"1\">\nx *y* <\nb> more *q*\n</div>\n"),
        60,
    );
    assert!(kept.contains("x *y* < b> more *q*"), "{kept}");
    let targets: Vec<String> = doc
        .links
        .iter()
        .map(|l| format!("{:?}", l.target(&doc.text)))
        .collect();
    assert!(
        targets.iter().any(|t| t.contains("https://x.example"))
            && targets
                .iter()
                .any(|t| t.contains("https://github.com/errietta")),
        "{targets:?}"
    );
}

/// `<blockquote>` is a quote, as Markdown's `>` is.
#[test]
fn blockquote_is_a_quote() {
    let src = "# Q\n\n<blockquote>Quoted words, said by someone.</blockquote>\n\nAfter.\n\n\
               <blockquote><p>First para.</p><p>Second para.</p></blockquote>\n";
    let text = render_to_string(&parse(src), 40);
    for shown in [
        "│ Quoted words, said by someone.\n\nAfter.",
        "│ First para.\n│\n│ Second para.",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
    // As GitHub writes it: Markdown between the tags, blank lines and all.
    let src = "# Q\n\n<blockquote>\n\nMarkdown *inside* the quote.\n\nSecond.\n\n</blockquote>\n\nAfter.\n";
    let text = render_to_string(&parse(src), 40);
    assert!(
        text.contains("│ Markdown inside the quote.\n│\n│ Second.\n\nAfter."),
        "{text}"
    );
}

/// An empty HTML heading is no heading, but its `id` still names a place.
#[test]
fn an_empty_heading_s_id_is_a_place() {
    let src = "# T\n\n[to it](#empty)\n\nfiller\n\n<h2 id=\"empty\"></h2>\n\nAfter it.\n";
    let doc = parse(src);
    assert_eq!(doc.headings.len(), 1);
    assert_eq!(
        doc.link_destination(0).map(|p| p.0),
        Some(src.find("After it.").unwrap())
    );
}

/// `<br>` in a cell breaks its line there, as it does in a paragraph; the
/// column is as wide as the cell's widest line.
#[test]
fn br_breaks_a_line_in_a_cell() {
    let src = "| Case | Example |\n|---|---|\n| Constant<br />UpperSnake | `MY_NAME` |\n\n\
               <table><tr><td>a<br>b</td><td>c</td></tr></table>\n";
    let text = render_to_string(&parse(src), 60);
    assert!(
        text.contains("│ Constant   │ MY_NAME │\n│ UpperSnake │         │"),
        "{text}"
    );
    assert!(text.contains("│ a │ c │\n│ b │   │"), "{text}");
    // At a cell's ends a break adds no blank line.
    let ends = render_to_string(
        &parse("| A | B |\n|---|---|\n| <br>lead | trail<br> |\n"),
        40,
    );
    assert!(ends.contains("│ lead │ trail │\n└"), "{ends}");
}
