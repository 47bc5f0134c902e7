//! Bytes to text: which encoding an article file or a web page is in, and
//! decoding it with `encoding_rs`. Pure: bytes in, text out, no I/O.
//!
//! A web page's encoding is chosen in the HTML standard's order: a byte
//! order mark, then the HTTP `Content-Type` charset, then a `<meta charset>`
//! or `http-equiv` declaration in the first 1024 bytes, then UTF-8. An
//! article file has no declaration: a byte order mark wins, then UTF-8 when
//! the bytes are valid UTF-8 or hold at least one valid multi-byte UTF-8
//! character (UTF-8 with a few damaged bytes, which are replaced by �),
//! else windows-1252, the superset of Latin-1 that browsers read such
//! files as.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes are looked at for NUL to call a file binary.
pub const SNIFF: usize = 8 * 1024;

/// How many leading bytes of a page are searched for a `<meta>` charset.
const PRESCAN: usize = 1024;

/// Text decoded from bytes.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read as.
    pub encoding: &'static Encoding,
    /// Some bytes were not valid in that encoding and became U+FFFD.
    pub replaced: bool,
}

/// The encoding named by a byte order mark at the start of `bytes`.
pub fn bom(bytes: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(bytes).map(|(encoding, _)| encoding)
}

/// Whether `head`, the first bytes of a file, look binary: a NUL byte, or
/// for UTF-16 (told by a byte order mark or declared) a NUL code unit.
pub fn looks_binary(head: &[u8], declared: Option<&'static Encoding>) -> bool {
    let head = &head[..head.len().min(SNIFF)];
    match bom(head).or(declared) {
        Some(e) if e == UTF_16LE || e == UTF_16BE => head
            .chunks_exact(2)
            .any(|unit| unit[0] == 0 && unit[1] == 0),
        _ => head.contains(&0),
    }
}

/// Decode an article file: byte order mark, else UTF-8 (repaired when only
/// a few bytes are damaged), else windows-1252.
pub fn decode_article(bytes: Vec<u8>) -> Decoded {
    if let Some(encoding) = bom(&bytes) {
        return decode_as(bytes, encoding);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding: UTF_8,
            replaced: false,
        },
        Err(e) => {
            let bytes = e.into_bytes();
            let encoding = if has_utf8_character(&bytes) {
                UTF_8
            } else {
                WINDOWS_1252
            };
            decode_as(bytes, encoding)
        }
    }
}

/// Whether `bytes` hold a valid UTF-8 character of more than one byte: the
/// sign of UTF-8 text, since legacy 8-bit text almost never forms one.
fn has_utf8_character(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// The encoding of a web page, in the HTML standard's order.
pub fn html_encoding(bytes: &[u8], http_charset: Option<&str>) -> &'static Encoding {
    bom(bytes)
        .or_else(|| http_charset.and_then(|label| Encoding::for_label(label.trim().as_bytes())))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN)]))
        .unwrap_or(UTF_8)
}

/// Decode a web page, its encoding chosen by `html_encoding`.
pub fn decode_html(bytes: Vec<u8>, http_charset: Option<&str>) -> Decoded {
    let encoding = html_encoding(&bytes, http_charset);
    decode_as(bytes, encoding)
}

/// Decode `bytes` as `encoding`, without its byte order mark. Valid UTF-8
/// is not copied.
fn decode_as(bytes: Vec<u8>, encoding: &'static Encoding) -> Decoded {
    if encoding == UTF_8 {
        let skip = if bytes.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        return match String::from_utf8(bytes) {
            Ok(mut text) => {
                text.drain(..skip);
                Decoded {
                    text,
                    encoding,
                    replaced: false,
                }
            }
            Err(e) => Decoded {
                text: String::from_utf8_lossy(&e.as_bytes()[skip..]).into_owned(),
                encoding,
                replaced: true,
            },
        };
    }
    let (text, replaced) = encoding.decode_with_bom_removal(&bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        replaced,
    }
}

/// The encoding a `<meta charset>` or `<meta http-equiv="Content-Type"
/// content="…; charset=…">` in `head` declares: the HTML standard's
/// prescan, which skips comments and the attributes of other tags. UTF-16
/// declared in the page itself means UTF-8 (the page could not have been
/// read to find it otherwise), and `x-user-defined` means windows-1252.
pub fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(head.len(), |n| 4 + n + 3);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            let (found, end) = meta_tag(head, i + 5);
            if found.is_some() {
                return found;
            }
            i = end;
        } else if rest.len() > 1
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
            && rest[0] == b'<'
        {
            // Another tag: skip its name and attributes, whose quoted
            // values may hold a `>`.
            let mut j = i + 1;
            while j < head.len() && !is_space(head[j]) && head[j] != b'>' {
                j += 1;
            }
            while let Some((_, _, next)) = attribute(head, j) {
                j = next;
            }
            i = j + 1;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i += find(rest, b">").map_or(head.len(), |n| n + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The charset of the `<meta` tag whose attributes start at `at`, and
/// where the tag ends.
fn meta_tag(head: &[u8], mut at: usize) -> (Option<&'static Encoding>, usize) {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value, next)) = attribute(head, at) {
        at = next;
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value.eq_ignore_ascii_case(b"content-type"),
            b"content" if charset.is_none() => {
                if let Some(found) = charset_in_content(&value) {
                    charset = Encoding::for_label(found);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let found = match need_pragma {
        Some(true) if !got_pragma => None,
        Some(_) => charset,
        None => None,
    };
    let found = found.map(|e| {
        if e == UTF_16LE || e == UTF_16BE {
            UTF_8
        } else if e.name() == "x-user-defined" {
            WINDOWS_1252
        } else {
            e
        }
    });
    (found, at + 1)
}

/// One attribute of a tag from `at`: its lowercased name, its value and
/// where the next one starts; `None` at the tag's end or the prescan's.
fn attribute(head: &[u8], mut at: usize) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    while at < head.len() && (is_space(head[at]) || head[at] == b'/') {
        at += 1;
    }
    if at >= head.len() || head[at] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    while at < head.len() {
        let b = head[at];
        if (b == b'=' && !name.is_empty()) || is_space(b) || b == b'/' || b == b'>' {
            break;
        }
        name.push(b.to_ascii_lowercase());
        at += 1;
    }
    while at < head.len() && is_space(head[at]) {
        at += 1;
    }
    if head.get(at) != Some(&b'=') {
        return Some((name, Vec::new(), at));
    }
    at += 1;
    while at < head.len() && is_space(head[at]) {
        at += 1;
    }
    let mut value = Vec::new();
    match head.get(at) {
        Some(&quote @ (b'"' | b'\'')) => {
            at += 1;
            while at < head.len() && head[at] != quote {
                value.push(head[at].to_ascii_lowercase());
                at += 1;
            }
            at += 1;
        }
        _ => {
            while at < head.len() && !is_space(head[at]) && head[at] != b'>' {
                value.push(head[at].to_ascii_lowercase());
                at += 1;
            }
        }
    }
    (at <= head.len()).then_some((name, value, at))
}

/// The charset named in a `content` attribute such as
/// `text/html; charset=shift_jis`.
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    loop {
        at += find(&content[at..], b"charset")? + 7;
        let mut j = at;
        while j < content.len() && is_space(content[j]) {
            j += 1;
        }
        if content.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < content.len() && is_space(content[j]) {
            j += 1;
        }
        let rest = &content[j..];
        return match rest.first() {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = rest[1..].iter().position(|&b| b == quote)?;
                Some(&rest[1..=end])
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            }
            None => None,
        };
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GB18030, SHIFT_JIS};

    #[test]
    fn byte_order_marks_win() {
        let page = b"\xff\xfe<\0p\0>\0";
        assert_eq!(html_encoding(page, Some("shift_jis")), UTF_16LE);
        let d = decode_article(b"\xfe\xff\0h\0i".to_vec());
        assert_eq!((d.text.as_str(), d.encoding), ("hi", UTF_16BE));
        let d = decode_article(b"\xef\xbb\xbf# Hi".to_vec());
        assert_eq!(d.text, "# Hi");
    }

    #[test]
    fn http_charset_comes_before_meta() {
        let page = b"<meta charset=\"gb18030\"><p>x</p>";
        assert_eq!(html_encoding(page, Some("Shift_JIS")), SHIFT_JIS);
        assert_eq!(html_encoding(page, Some("no-such-thing")), GB18030);
        assert_eq!(html_encoding(page, None), GB18030);
        assert_eq!(html_encoding(b"<p>x</p>", None), UTF_8);
    }

    #[test]
    fn meta_declarations() {
        let cases: &[(&[u8], Option<&'static Encoding>)] = &[
            (b"<META CHARSET=windows-1252>", Some(WINDOWS_1252)),
            (b"<meta charset='latin1'/>", Some(WINDOWS_1252)),
            (
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">",
                Some(SHIFT_JIS),
            ),
            (
                b"<meta content='text/html;charset=\"gbk\"' http-equiv=content-type>",
                Some(encoding_rs::GBK),
            ),
            // `content` without the pragma declares nothing.
            (b"<meta content=\"text/html; charset=gbk\">", None),
            // Commented out, or inside another tag's attribute: not seen.
            (b"<!-- <meta charset=gbk> --><p>", None),
            (b"<div title='<meta charset=gbk>'>", None),
            (b"<meta charset=utf-16le>", Some(UTF_8)),
            (b"<meta charset=x-user-defined>", Some(WINDOWS_1252)),
            (
                b"<meta name=viewport content=width><meta charset=euc-jp>",
                Some(encoding_rs::EUC_JP),
            ),
        ];
        for (head, want) in cases {
            assert_eq!(
                meta_charset(head),
                *want,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
        // Only the first 1024 bytes are searched.
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"<meta charset=gbk>");
        assert_eq!(html_encoding(&late, None), UTF_8);
    }

    #[test]
    fn legacy_and_damaged_articles() {
        let d = decode_article(b"caf\xe9 au lait".to_vec());
        assert_eq!(
            (d.text.as_str(), d.encoding, d.replaced),
            ("café au lait", WINDOWS_1252, false)
        );
        let d = decode_article("naïve \u{2014} ".bytes().chain(*b"\xff end").collect());
        assert_eq!(d.encoding, UTF_8);
        assert!(d.replaced);
        assert_eq!(d.text, "naïve \u{2014} \u{fffd} end");
    }

    #[test]
    fn binary_sniffing_knows_utf16() {
        assert!(looks_binary(b"abc\0def", None));
        assert!(!looks_binary(b"\xff\xfea\0b\0", None));
        assert!(looks_binary(b"\xff\xfea\0\0\0", None));
        assert!(!looks_binary(b"a\0b\0", Some(UTF_16LE)));
        assert!(!looks_binary(b"plain text", None));
    }
}
