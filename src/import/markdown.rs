//! HTML → Markdown as import and EPUB books write it: one htmd converter
//! (lists marked `-` and `1.` with one space, fenced code blocks), each code
//! block made plain text first (`tidy::code_as_text`), and two lists in a
//! row kept apart by an HTML comment line, without which Markdown reads
//! them as one list. The reader does not show the comment.

use std::borrow::Cow;

use htmd::Element;
use htmd::element_handler::{HandlerResult, Handlers};

/// The element put between two lists in a row, written as `<!-- -->`.
const LISTS_APART: &str = "longform-lists-apart";

/// The converter, leaving out the elements named in `skip` and all that is
/// in them.
pub fn converter(skip: Vec<&str>) -> htmd::HtmlToMarkdown {
    let options = htmd::options::Options {
        bullet_list_marker: htmd::options::BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        ..htmd::options::Options::default()
    };
    htmd::HtmlToMarkdown::builder()
        .options(options)
        .skip_tags(skip)
        .add_handler(
            vec![LISTS_APART],
            |_: &dyn Handlers, _: Element| -> Option<HandlerResult> {
                Some("\n\n<!-- -->\n\n".into())
            },
        )
        .build()
}

/// `html` in Markdown, by a `converter`.
pub fn convert(converter: &htmd::HtmlToMarkdown, html: &str) -> std::io::Result<String> {
    let html = super::tidy::code_as_text(&super::tidy::captions_said_once(html));
    converter.convert(&lists_apart(&html))
}

/// `html` with an element between each two lists of the same kind that
/// follow each other (`</ol> <ol start="7">`): in Markdown the second would
/// go on the first's numbers, or two lists of one item each would be one
/// loose list.
fn lists_apart(html: &str) -> Cow<'_, str> {
    static PAIR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)</(ul|ol)\s*>(\s*)<(ul|ol)\b").expect("a valid pattern")
    });
    PAIR.replace_all(html, |c: &regex::Captures<'_>| {
        if c[1].eq_ignore_ascii_case(&c[3]) {
            format!(
                "</{}><{LISTS_APART}></{LISTS_APART}>{}<{}",
                &c[1], &c[2], &c[3]
            )
        } else {
            c[0].to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(html: &str) -> String {
        convert(&converter(vec!["script"]), html).unwrap()
    }

    #[test]
    fn lists_in_a_row_stay_apart() {
        assert_eq!(
            markdown(
                "<ol><li>one</li><li>two</li></ol>\n<ol start=\"7\"><li>seven</li><li>eight</li></ol>"
            ),
            "1. one\n2. two\n\n<!-- -->\n\n7. seven\n8. eight"
        );
        assert_eq!(
            markdown("<ul><li>flour</li><li>water</li></ul><UL><li>salt</li></UL>"),
            "- flour\n- water\n\n<!-- -->\n\n- salt"
        );
        // Lists of two kinds are two lists already; lists in a list item
        // are apart as well.
        assert_eq!(
            markdown("<ul><li>a</li></ul><ol><li>b</li></ol>"),
            "- a\n\n1. b"
        );
        assert_eq!(
            markdown("<ul><li>a<ul><li>b</li></ul><ul><li>c</li></ul></li></ul>"),
            "- a\n  - b\n\n  <!-- -->\n\n  - c"
        );
    }

    #[test]
    fn a_pre_without_code_is_a_code_block_as_written() {
        assert_eq!(
            markdown(
                "<pre class=\"code\"># the total\n    *doubled*\n\n- not a list\n&lt;script&gt;</pre><p>After.</p>"
            ),
            "```\n# the total\n    *doubled*\n\n- not a list\n<script>\n```\n\nAfter."
        );
    }
}
