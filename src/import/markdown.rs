//! HTML → Markdown as import and EPUB books write it: one htmd converter
//! (lists marked `-` and `1.` with one space, fenced code blocks), each code
//! block made plain text first (`tidy::code_as_text`).

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
        .build()
}

/// `html` in Markdown, by a `converter`.
pub fn convert(converter: &htmd::HtmlToMarkdown, html: &str) -> std::io::Result<String> {
    converter.convert(&super::tidy::code_as_text(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(html: &str) -> String {
        convert(&converter(vec!["script"]), html).unwrap()
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
