//! Bare URLs and `www.` addresses in text, found as GitHub's autolink
//! extension finds them, so that a reader can follow them like any link.
//!
//! Finding where a URL ends is linkify's job: a `.`, `,` or `)` that
//! closes the sentence around it is not part of it, a `)` that closes a
//! `(` inside it is. This module only chooses which of its finds count and
//! where each goes.

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};

/// The links in `text`: where each is, and where it goes. A URL counts
/// when it has a scheme (`https://…`); one without counts when it starts
/// with `www.`, and goes to its `https://` address.
pub(crate) fn find(text: &str) -> Vec<(Range<usize>, String)> {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // Made once: a search made for each run of text took 5% of a parse.
    static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"://"));
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"www."));
    let bytes = text.as_bytes();
    // Most text has no link: it is not handed to the finder.
    if SCHEME.find(bytes).is_none() && WWW.find(bytes).is_none() {
        return Vec::new();
    }
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    finder.url_must_have_scheme(false);
    finder
        .links(text)
        .filter_map(|link| {
            // A full stop or comma of CJK text ends the sentence, not the
            // URL, as `.` and `,` do in Latin text.
            let url = link
                .as_str()
                .trim_end_matches(|c: char| !c.is_ascii() && !c.is_alphanumeric());
            let end = link.start() + url.len();
            // An address cut short by a control character is not trusted.
            if text[end..]
                .chars()
                .next()
                .is_some_and(|c| super::stand_in(c).is_some())
            {
                return None;
            }
            let target = match url.find("://") {
                Some(i)
                    if i > 0
                        && url[..i].bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
                        }) =>
                {
                    url.to_string()
                }
                _ if url.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) => {
                    format!("https://{url}")
                }
                _ => return None,
            };
            Some((link.start()..end, target))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(&str, String)> {
        find(text)
            .into_iter()
            .map(|(r, target)| (&text[r], target))
            .collect()
    }

    #[test]
    fn a_sentence_keeps_its_punctuation() {
        assert_eq!(
            links("See https://example.com/a. Then https://example.org/b, or"),
            [
                ("https://example.com/a", "https://example.com/a".to_string()),
                ("https://example.org/b", "https://example.org/b".to_string()),
            ]
        );
        assert_eq!(
            links("(at https://x.org/page)."),
            [("https://x.org/page", "https://x.org/page".to_string())]
        );
        assert_eq!(
            links("Is it http://x.org?"),
            [("http://x.org", "http://x.org".to_string())]
        );
    }

    #[test]
    fn parentheses_inside_a_url_are_kept() {
        let text = "(see https://en.wikipedia.org/wiki/Link_(The_Legend_of_Zelda)).";
        assert_eq!(
            links(text)[0].0,
            "https://en.wikipedia.org/wiki/Link_(The_Legend_of_Zelda)"
        );
    }

    #[test]
    fn www_addresses_go_to_https() {
        assert_eq!(
            links("Visit www.example.com, today."),
            [("www.example.com", "https://www.example.com".to_string())]
        );
        // A domain alone is not a link: prose is full of file names.
        assert!(links("Edit config.toml or example.com now.").is_empty());
    }

    #[test]
    fn unicode_domains_and_paths() {
        assert_eq!(
            links("Die Seite https://münchen.de/straße, und www.例え.jp。"),
            [
                (
                    "https://münchen.de/straße",
                    "https://münchen.de/straße".to_string()
                ),
                ("www.例え.jp", "https://www.例え.jp".to_string()),
            ]
        );
    }

    #[test]
    fn text_without_a_link_finds_none() {
        assert!(links("plain words, a.b and see://").is_empty());
        assert!(links("").is_empty());
        assert!(links("https://e.com/\u{1b}[2J").is_empty());
    }

    #[test]
    fn bare_urls_in_an_article_are_links_the_link_list_shows() {
        let src =
            "See https://x.org/~u/a_(b), www.y.org. Not [https://in.link](u) nor `https://code`.\n";
        let doc = crate::parse::parse(src);
        let entries = crate::links::entries(&doc);
        let shown: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert_eq!(shown[0].0, "https://x.org/~u/a_(b)");
        assert_eq!(shown[1].0, "www.y.org");
        assert!(shown[1].1.contains("https://www.y.org"), "{shown:?}");
        assert_eq!(shown[2].0, "https://in.link");
        // Each link starts where its text does in the source.
        assert_eq!(&src[entries[0].source..entries[0].source + 5], "https");
        assert_eq!(&src[entries[1].source..entries[1].source + 4], "www.");
        // The text around them reads as written.
        let text = crate::layout::render_to_string(&doc, 100);
        assert_eq!(
            text,
            "See https://x.org/~u/a_(b), www.y.org. Not https://in.link nor https://code.\n"
        );
    }
}
