//! Text from an article or a reading record written into Markdown so
//! that it reads as exactly that text: it stays inside its quote, and
//! never becomes a link, a heading, a tag or HTML that its author did not
//! write. Used by the Markdown export and by the quote a highlight is
//! copied as.

use std::fmt::Write as _;

use crate::parse::sanitize;

/// `text` as the lines of a block quote: every line, blank ones too,
/// starts with `>`, so nothing in it can end the quote.
pub fn quote(s: &mut String, text: &str) {
    let mut first = true;
    for line in note_lines(text) {
        if !first {
            s.push_str(">\n");
        }
        first = false;
        let _ = writeln!(s, "> {line}");
    }
}

/// The lines of a passage or note, each escaped as inline text, blank
/// ones dropped.
pub fn note_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(inline)
}

/// `text` as Markdown that reads as exactly that text: control characters
/// as their stand-ins, tabs and line breaks as spaces, and every character
/// that could start markup (emphasis, code, links, HTML, entities, tags,
/// Obsidian's highlights, comments and maths, a list or a heading at the
/// start of a line) escaped with a backslash.
pub fn inline(text: &str) -> String {
    let text = sanitize(text).replace(['\n', '\r', '\t'], " ");
    let text = text.trim();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '=' | '^'
            | '$' | '%' | '&' | '{' | '}' => true,
            // A list marker, a heading underline or a rule at the start.
            '-' | '+' => i == 0,
            // `1.` or `1)` at the start is an ordered list.
            '.' | ')' => text[..i].bytes().all(|b| b.is_ascii_digit()) && i > 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_cannot_become_markup() {
        assert_eq!(inline("plain words, and more."), "plain words, and more.");
        assert_eq!(inline("[x](y)"), "\\[x\\](y)");
        assert_eq!(
            inline("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(inline("# not a heading #tag"), "\\# not a heading \\#tag");
        assert_eq!(
            inline("`code` *em* _em_ ==mark== %%c%% $x$"),
            "\\`code\\` \\*em\\* \\_em\\_ \\=\\=mark\\=\\= \\%\\%c\\%\\% \\$x\\$"
        );
        assert_eq!(inline("- item"), "\\- item");
        assert_eq!(inline("12. item"), "12\\. item");
        assert_eq!(inline("a - b 1. c"), "a - b 1. c");
        assert_eq!(inline("&amp; \\"), "\\&amp; \\\\");
        assert_eq!(inline("line\nbreak\u{1b}[31m"), "line break\u{241b}\\[31m");
    }

    #[test]
    fn quotes_keep_every_line_inside() {
        let mut s = String::new();
        quote(&mut s, "first\n\n> second\n# third\r\n---");
        assert_eq!(s, "> first\n>\n> \\> second\n>\n> \\# third\n>\n> \\---\n");
    }
}
