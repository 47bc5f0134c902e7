//! Emoji shortcodes in Markdown text (`:tada:`, `:+1:`), shown as the emoji
//! GitHub shows for them. The names are gemoji's, GitHub's own list, as
//! the `emojis` crate keeps it; a name not in it (`:octocat:`, a time such
//! as `10:30:00`, `a:b:c`) stays as written.

use std::ops::Range;

/// The longest name gemoji has is under 40 bytes.
const LONGEST: usize = 40;

/// The shortcodes in `text`: where each is, colons included, and its
/// emoji.
pub(crate) fn find(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = memchr::memchr(b':', &bytes[from..]).map(|i| from + i) {
        // The name runs to the next colon, over characters a name has.
        let name_len = bytes[open + 1..]
            .iter()
            .take(LONGEST + 1)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
            .count();
        let close = open + 1 + name_len;
        let word = |at: Option<&u8>| at.is_some_and(u8::is_ascii_alphanumeric);
        if name_len == 0 || name_len > LONGEST || bytes.get(close) != Some(&b':') {
            // This colon may close nothing but open the next one.
            from = close.max(open + 1);
            continue;
        }
        let standalone = (open == 0 || !word(bytes.get(open - 1))) && !word(bytes.get(close + 1));
        match emojis::get_by_shortcode(&text[open + 1..close]) {
            Some(emoji) if standalone => {
                found.push((open..close + 1, emoji.as_str()));
                from = close + 1;
            }
            // The closing colon may open the next shortcode (`:a::tada:`).
            _ => from = close,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for (range, emoji) in find(text) {
            out.push_str(&text[at..range.start]);
            out.push_str(emoji);
            at = range.end;
        }
        out + &text[at..]
    }

    #[test]
    fn gemoji_names_become_their_emoji() {
        assert_eq!(shown("Released :tada: today"), "Released 🎉 today");
        assert_eq!(shown(":+1: :rocket::sparkles:"), "👍 🚀✨");
        assert_eq!(shown("(:heavy_check_mark:)"), "(✔️)");
        assert_eq!(shown("done.:smile:"), "done.😄");
    }

    #[test]
    fn other_colons_stay() {
        for text in [
            "at 10:30:00",
            "a:b:c",
            ":octocat:",
            "key: value: more",
            "::",
            ":tada",
            "word:tada:",
            ":tada:word",
        ] {
            assert_eq!(shown(text), text, "{text}");
        }
    }
}
