//! What a kosync record says about a place, both ways: longform's anchor
//! as a compact `progress` string it reads back exactly, the place as a
//! fraction of the article's words (`percentage`), and, for a record that
//! KOReader pushed (an XPointer longform cannot follow), the place found
//! again from that fraction alone.

use crate::document::{Document, block_spans};
use crate::position::{Anchor, Position};

/// What starts a `progress` string longform wrote; the number is the
/// format's version.
pub const PREFIX: &str = "longform:1:";

/// The `progress` string of `anchor`: `longform:1:` then the byte, the
/// source length, the fingerprint in hex, the section and the quote,
/// separated by `:`. Text fields escape `%`, `:`, `~` and control
/// characters as `%XX`; a missing section is `~`.
pub fn encode(anchor: &Anchor) -> String {
    let section = anchor
        .section
        .as_deref()
        .map_or_else(|| "~".to_string(), escape);
    format!(
        "{PREFIX}{}:{}:{:x}:{section}:{}",
        anchor.byte,
        anchor.len,
        anchor.fingerprint,
        escape(&anchor.quote)
    )
}

/// The anchor in a `progress` string `encode` made; `None` for anything
/// else (KOReader's XPointers and page numbers, or a damaged string).
pub fn decode(progress: &str) -> Option<Anchor> {
    let rest = progress.strip_prefix(PREFIX)?;
    let mut fields = rest.split(':');
    let byte = fields.next()?.parse().ok()?;
    let len = fields.next()?.parse().ok()?;
    let fingerprint = u64::from_str_radix(fields.next()?, 16).ok()?;
    let section = match fields.next()? {
        "~" => None,
        s => Some(unescape(s)?),
    };
    let quote = unescape(fields.next()?)?;
    if fields.next().is_some() || byte > len {
        return None;
    }
    Some(Anchor {
        byte,
        len,
        fingerprint,
        section,
        section_title: None,
        quote,
    })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | ':' | '~') || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if bytes[i] == b'~' {
            // Only a whole field may be `~`.
            return None;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The place `pos` as a fraction of the article's words, from 0 to 1:
/// `at_end` (the end of the article is on screen) counts as 1.
pub fn fraction_at(doc: &Document, pos: Position, at_end: bool) -> f64 {
    if at_end {
        return 1.0;
    }
    if doc.words == 0 {
        return 0.0;
    }
    let f = doc.words_before(pos) as f64 / doc.words as f64;
    // Four decimals, as KOReader rounds its own.
    (f.clamp(0.0, 1.0) * 10_000.0).floor() / 10_000.0
}

/// The place at `fraction` of the article's words: the start of the word
/// that many words in, or the start of its block when the block's text is
/// not the source's own.
pub fn position_at_fraction(doc: &Document, fraction: f64) -> Position {
    if doc.blocks.is_empty() || !fraction.is_finite() {
        return Position::START;
    }
    let target = ((fraction.clamp(0.0, 1.0) * doc.words as f64).round() as usize).min(doc.words);
    let b = doc
        .words_before_block
        .partition_point(|&w| w as usize <= target)
        .saturating_sub(1)
        .min(doc.blocks.len() - 1);
    let block = &doc.blocks[b];
    let mut left = target - doc.words_before_block(b);
    if left == 0 {
        return Position(block.source().start);
    }
    use unicode_segmentation::UnicodeSegmentation;
    for span in block_spans(&block.kind) {
        let text = span.text(&doc.text);
        for (at, _) in text.unicode_word_indices() {
            if left == 0 {
                return Position(if span.exact() {
                    span.source() + at
                } else {
                    span.source()
                });
            }
            left -= 1;
        }
    }
    // Every word of the block is before the place: its end.
    Position(if left == 0 {
        block.source().end.min(doc.source_len)
    } else {
        block.source().start
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn anchor(section: Option<&str>, quote: &str) -> Anchor {
        Anchor {
            byte: 120,
            len: 4000,
            fingerprint: 0xdead_beef_0123_4567,
            section: section.map(str::to_string),
            section_title: None,
            quote: quote.to_string(),
        }
    }

    #[test]
    fn an_anchor_reads_back_exactly() {
        for a in [
            anchor(None, "The first words"),
            anchor(Some(""), ""),
            anchor(Some("~"), "~"),
            anchor(Some("a:b%c"), "50% of: the \u{1b}[31m text ~ here"),
            anchor(Some("über-ß"), "漢字 and 😀"),
        ] {
            let s = encode(&a);
            assert!(s.starts_with(PREFIX), "{s}");
            assert!(!s.chars().any(char::is_control), "{s:?}");
            assert_eq!(decode(&s), Some(a), "{s}");
        }
    }

    #[test]
    fn the_string_is_compact() {
        let s = encode(&anchor(Some("the-slow-web"), "Reading at length"));
        assert_eq!(
            s,
            "longform:1:120:4000:deadbeef01234567:the-slow-web:Reading at length"
        );
    }

    #[test]
    fn koreader_progress_and_damage_are_not_anchors() {
        for s in [
            "/body/DocFragment[20]/body/p[22]/text().17",
            "42",
            "",
            "longform:2:1:2:ff:~:q",
            "longform:1:1:2:ff:~",
            "longform:1:1:2:ff:~:q:extra",
            "longform:1:9:2:ff:~:q",
            "longform:1:x:2:ff:~:q",
            "longform:1:1:2:ff:~:%zz",
            "longform:1:1:2:ff:~:%C3",
            "longform:1:1:2:ff:a~b:q",
        ] {
            assert_eq!(decode(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn any_anchor_round_trips(
            byte in 0usize..1_000_000,
            extra in 0usize..1_000_000,
            fingerprint in any::<u64>(),
            section in proptest::option::of(".{0,40}"),
            quote in ".{0,80}",
        ) {
            let a = Anchor { byte, len: byte + extra, fingerprint, section, section_title: None, quote };
            prop_assert_eq!(decode(&encode(&a)), Some(a));
        }
    }

    #[test]
    fn a_fraction_finds_the_word_that_far_in() {
        let text = "# Title\n\none two three four five six seven eight nine ten\n\n\
                    eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\n";
        let doc = crate::parse::parse(text);
        let words = doc.words;
        assert_eq!(position_at_fraction(&doc, 0.0), Position(0));
        for n in 0..=words {
            let pos = position_at_fraction(&doc, n as f64 / words as f64);
            assert_eq!(doc.words_before(pos), n, "{n} of {words} at {pos:?}");
            assert!(text.is_char_boundary(pos.0));
        }
        let half = position_at_fraction(&doc, 0.5);
        assert!((fraction_at(&doc, half, false) - 0.5).abs() < 0.05);
        assert_eq!(fraction_at(&doc, half, true), 1.0);
        assert_eq!(position_at_fraction(&doc, f64::NAN), Position(0));
        assert_eq!(
            position_at_fraction(&doc, 7.0),
            position_at_fraction(&doc, 1.0)
        );
    }
}
