//! EPUB books through the real binary: archives built here with the `zip`
//! crate (an EPUB 2 book with an NCX, an EPUB 3 book with nested navigation,
//! a footnote and a chapter in Japanese, and a hand-made archive for each
//! kind of bad input), checked with `cat` and `toc`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zip::write::SimpleFileOptions;

const BIN: &str = env!("CARGO_BIN_EXE_longform");

/// Entries of an archive: name, bytes, compressed or stored.
type Entries<'a> = &'a [(&'a str, &'a [u8])];

/// An archive with `mimetype` stored first, as EPUB asks, then `entries`.
fn archive(mimetype: bool, entries: Entries<'_>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let deflated =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        if mimetype {
            zip.start_file("mimetype", stored).unwrap();
            zip.write_all(b"application/epub+zip").unwrap();
        }
        for (name, bytes) in entries {
            zip.start_file(*name, deflated).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

const CONTAINER: &[u8] = br#"<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#;

fn xhtml(title: &str, body: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{title}</title><style>p {{ color: red }}</style><script>alert(1)</script></head>
<body>{body}</body></html>"#
    )
    .into_bytes()
}

/// An EPUB 3 book: two parts, chapters in them, sections in a chapter, a
/// footnote, and a chapter in Japanese.
fn epub3() -> Vec<u8> {
    let opf = br#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier id="id">urn:test:1</dc:identifier>
  <dc:title>The Nested Book</dc:title>
  <dc:creator>Ada Writer</dc:creator>
  <dc:creator>Bo Second</dc:creator>
  <dc:language>en</dc:language>
  <dc:date>2020-05-01</dc:date>
 </metadata>
 <manifest>
  <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
  <item id="p1" href="text/part1.xhtml" media-type="application/xhtml+xml"/>
  <item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
  <item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
  <item id="p2" href="text/part2.xhtml" media-type="application/xhtml+xml"/>
  <item id="c3" href="text/ch3.xhtml" media-type="application/xhtml+xml"/>
 </manifest>
 <spine><itemref idref="p1"/><itemref idref="c1"/><itemref idref="c2"/><itemref idref="p2"/><itemref idref="c3"/></spine>
</package>"#;
    let nav = r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<nav epub:type="toc"><h1>Contents</h1><ol>
 <li><a href="text/part1.xhtml">Part One: Beginnings</a><ol>
   <li><a href="text/ch1.xhtml">Chapter 1. The Harbour</a><ol>
     <li><a href="text/ch1.xhtml#s1">The Boats</a></li>
     <li><a href="text/ch1.xhtml#s2">The Nets</a></li>
   </ol></li>
   <li><a href="text/ch2.xhtml">Chapter 2. The Storm</a></li>
 </ol></li>
 <li><a href="text/part2.xhtml">Part Two: 東京</a><ol>
   <li><a href="text/ch3.xhtml">第三章 雨の日</a></li>
 </ol></li>
</ol></nav>
<nav epub:type="landmarks"><ol><li><a href="text/ch1.xhtml">Begin</a></li></ol></nav>
</body></html>"#;
    let part1 = xhtml("Part One", "<h1>Part One: Beginnings</h1>");
    let ch1 = xhtml(
        "Chapter 1",
        r##"<h1>Chapter 1. The Harbour</h1><p>The harbour woke before the sun.</p>
<h2 id="s1">The Boats</h2><p>Every boat had a name<a epub:type="noteref" href="#n1">1</a>.</p>
<h2 id="s2">The Nets</h2><p>The nets dried on the wall.</p>
<aside epub:type="footnote" id="n1"><p>Most were named after grandmothers.</p></aside>"##,
    );
    let ch2 = xhtml(
        "Chapter 2",
        r#"<h1>Chapter 2. The Storm</h1><p>The storm came from the west, as the old ones said it would.</p><p>Back to <a href="ch1.xhtml#s1">the boats</a>.</p>"#,
    );
    let part2 = xhtml("Part Two", "<h1>Part Two: 東京</h1>");
    let ch3 = xhtml(
        "第三章",
        "<h1>第三章 雨の日</h1><p>雨が降っていた。町は静かだった。</p>",
    );
    archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/nav.xhtml", nav.as_bytes()),
            ("OEBPS/text/part1.xhtml", &part1),
            ("OEBPS/text/ch1.xhtml", &ch1),
            ("OEBPS/text/ch2.xhtml", &ch2),
            ("OEBPS/text/part2.xhtml", &part2),
            ("OEBPS/text/ch3.xhtml", &ch3),
        ],
    )
}

/// An EPUB 2 book with an NCX, one chapter in ISO-8859-1, one spine item
/// missing from the archive.
fn epub2(missing: bool) -> Vec<u8> {
    let opf = br#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>An Old &amp; Plain Book</dc:title><dc:creator>C. Author</dc:creator><dc:language>fr</dc:language>
 </metadata>
 <manifest>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  <item id="a" href="a.html" media-type="application/xhtml+xml"/>
  <item id="b" href="b.html" media-type="application/xhtml+xml"/>
  <item id="gone" href="gone.html" media-type="application/xhtml+xml"/>
 </manifest>
 <spine toc="ncx"><itemref idref="a"/><itemref idref="gone"/><itemref idref="b"/></spine>
</package>"#;
    let ncx = br#"<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
 <navPoint id="n1" playOrder="1"><navLabel><text>First Letter</text></navLabel><content src="a.html"/></navPoint>
 <navPoint id="n2" playOrder="2"><navLabel><text>Second Letter</text></navLabel><content src="b.html"/></navPoint>
 <navPoint id="n3" playOrder="3"><navLabel><text>Nowhere</text></navLabel><content src="nowhere.html"/></navPoint>
</navMap></ncx>"#;
    let a = xhtml("A", "<p>Dear friend, the garden is in bloom.</p>");
    let mut b = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><html><body><p>Le caf\xe9 est pr\xeat.</p></body></html>".to_vec();
    if !missing {
        b = xhtml("B", "<p>Le café est prêt.</p>");
    }
    archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/toc.ncx", ncx),
            ("OEBPS/a.html", &a),
            ("OEBPS/b.html", &b),
        ],
    )
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn run(&self, args: &[&str], file: &Path) -> Output {
        Command::new(BIN)
            .args(args)
            .arg(file)
            .env("LONGFORM_CONFIG_DIR", self.dir.path().join("config"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn cat(&self, file: &Path) -> String {
        let out = self.run(&["cat", "--color", "never"], file);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The error of a failed run: one line, exit code 1.
    fn error(&self, file: &Path) -> String {
        let out = self.run(&["cat", "--color", "never"], file);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        err
    }
}

fn toc(env: &Env, file: &Path) -> Vec<(u64, String)> {
    let out = env.run(&["toc", "--json"], file);
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["level"].as_u64().unwrap(),
                h["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_outline_of_an_epub3_book_is_its_navigation() {
    let env = Env::new();
    let file = env.write("nested.epub", &epub3());
    let outline = toc(&env, &file);
    let expected: Vec<(u64, String)> = [
        (1, "Part One: Beginnings"),
        (2, "Chapter 1. The Harbour"),
        (3, "The Boats"),
        (3, "The Nets"),
        (2, "Chapter 2. The Storm"),
        (1, "Part Two: 東京"),
        (2, "第三章 雨の日"),
    ]
    .into_iter()
    .map(|(l, t)| (l, t.to_string()))
    .collect();
    assert_eq!(outline, expected);
}

#[test]
fn an_epub3_book_reads_in_spine_order_with_its_metadata() {
    let env = Env::new();
    let file = env.write("nested.epub", &epub3());
    let text = env.cat(&file);
    assert!(text.contains("The Nested Book"), "{text}");
    let order = [
        "The harbour woke",
        "Every boat had a name",
        "The nets dried",
        "The storm came",
        "雨が降っていた。",
    ];
    let at: Vec<usize> = order.iter().map(|s| text.find(s).expect(s)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    // Styles and scripts are never shown.
    assert!(
        !text.contains("alert(1)") && !text.contains("color: red"),
        "{text}"
    );
    // Each section title once: the document's own heading is not repeated.
    assert_eq!(text.matches("Chapter 1. The Harbour").count(), 1, "{text}");
    assert!(text.contains("Most were named after grandmothers."));
}

#[test]
fn converting_twice_gives_identical_bytes() {
    let bytes = epub3();
    let a = longform::load::epub::convert(bytes.clone()).unwrap();
    let b = longform::load::epub::convert(bytes).unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with("---\ntitle: \"The Nested Book\"\nauthor: \"Ada Writer, Bo Second\"\ndate: \"2020-05-01\"\nlanguage: \"en\"\n---\n\n"), "{a}");
    let env = Env::new();
    let file = env.write("nested.epub", &epub3());
    assert_eq!(env.cat(&file), env.cat(&file));
}

#[test]
fn an_epub2_book_uses_its_ncx_and_says_what_is_missing() {
    let env = Env::new();
    let file = env.write("old.epub", &epub2(true));
    let outline = toc(&env, &file);
    assert_eq!(
        outline,
        vec![
            (1, "First Letter".to_string()),
            (1, "Second Letter".to_string())
        ]
    );
    let text = env.cat(&file);
    assert!(text.contains("the garden is in bloom"), "{text}");
    // Declared ISO-8859-1, decoded as such.
    assert!(text.contains("Le café est prêt."), "{text}");
    assert!(
        text.contains("OEBPS/gone.html: missing from the archive; skipped"),
        "{text}"
    );
    let text = longform::load::epub::convert(epub2(false)).unwrap();
    assert!(text.contains("An Old & Plain Book"), "{text}");
}

#[test]
fn bad_archives_get_one_clear_line_and_exit_1() {
    let env = Env::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("plain.epub", b"just some text, not a zip".to_vec(), "not an EPUB (not a zip archive)"),
        ("empty.epub", archive(false, &[("a.txt", b"x")]), "no mimetype and no META-INF/container.xml"),
        ("nocontainer.epub", archive(true, &[]), "not an EPUB (no META-INF/container.xml)"),
        (
            "noopf.epub",
            archive(true, &[("META-INF/container.xml", CONTAINER)]),
            "the package OEBPS/content.opf is missing",
        ),
        (
            "outside.epub",
            archive(
                true,
                &[(
                    "META-INF/container.xml",
                    br#"<container><rootfiles><rootfile full-path="../../etc/passwd"/></rootfiles></container>"#,
                )],
            ),
            "the package path leaves the archive",
        ),
        (
            "drm.epub",
            archive(
                true,
                &[
                    ("META-INF/container.xml", CONTAINER),
                    (
                        "META-INF/encryption.xml",
                        br#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><CipherData><CipherReference URI="OEBPS/a.html"/></CipherData></EncryptedData></encryption>"#,
                    ),
                ],
            ),
            "this EPUB is encrypted (DRM)",
        ),
        (
            "nospine.epub",
            archive(
                true,
                &[
                    ("META-INF/container.xml", CONTAINER),
                    ("OEBPS/content.opf", b"<package><manifest/><spine/></package>"),
                ],
            ),
            "its spine is empty",
        ),
    ];
    for (name, bytes, message) in cases {
        let file = env.write(name, &bytes);
        let err = env.error(&file);
        assert!(err.contains(message), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    // 64 MiB of zeros compress about a thousand times.
    let zeros = vec![0u8; 64 << 20];
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            (
                "OEBPS/content.opf",
                br#"<package><manifest><item id="a" href="a.html" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#,
            ),
            ("OEBPS/a.html", &zeros),
        ],
    );
    let text = longform::load::epub::convert(bytes).unwrap();
    // The bomb is skipped with a reason; the rest of the book is readable.
    assert!(text.contains("looks like a zip bomb"), "{text}");
}

#[test]
fn malformed_xhtml_and_broken_navigation_still_read() {
    let opf = br#"<package><metadata><title>Broken</title></metadata><manifest>
      <item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>
      <item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest>
      <spine><itemref idref="a"/><itemref idref="nope"/></spine></package>"#;
    let nav = br#"<html><body><nav epub:type="toc"><ol><li><a href="../../../x.xhtml">Out</a></li><li><a href="missing.xhtml">Missing</a><ol><li><a>"#;
    let a = b"<html><body><h1>Own Title</h1><p>Unclosed <b>bold <i>and <p>more text</div></span>";
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/nav.xhtml", nav),
            ("OEBPS/a.xhtml", a),
        ],
    );
    let env = Env::new();
    let file = env.write("broken.epub", &bytes);
    // The document the navigation misses is titled by its first heading.
    assert_eq!(toc(&env, &file), vec![(1, "Own Title".to_string())]);
    assert!(env.cat(&file).contains("more text"));
}

#[test]
fn ten_thousand_spine_items_are_read() {
    let mut manifest = String::new();
    let mut spine = String::new();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..10_000 {
        manifest.push_str(&format!(
            r#"<item id="i{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>"#
        ));
        spine.push_str(&format!(r#"<itemref idref="i{i}"/>"#));
        entries.push((
            format!("OEBPS/c{i}.xhtml"),
            format!("<html><body><h1>Part {i}</h1><p>Text {i}.</p></body></html>").into_bytes(),
        ));
    }
    let opf = format!("<package><manifest>{manifest}</manifest><spine>{spine}</spine></package>");
    let mut all: Vec<(&str, &[u8])> = vec![
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", opf.as_bytes()),
    ];
    all.extend(entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let text = longform::load::epub::convert(archive(true, &all)).unwrap();
    assert!(text.contains("# Part 0\n") && text.contains("# Part 9999\n"));
    assert!(text.contains("Text 9999."));
}

#[test]
fn epub_files_are_listed_in_the_library() {
    let env = Env::new();
    let file = env.write("nested.epub", &epub3());
    let summary = longform::library::summarise(&file);
    assert_eq!(summary.error, None);
    assert_eq!(summary.title, "The Nested Book");
    assert_eq!(summary.author.as_deref(), Some("Ada Writer, Bo Second"));
    assert!(longform::library::is_article(&file));
}

#[test]
fn a_second_open_reads_the_cache() {
    let env = Env::new();
    let bytes = epub3();
    let file = env.write("nested.epub", &bytes);
    let first = env.cat(&file);
    let cached = env
        .dir
        .path()
        .join("config/cache/epub")
        .join(longform::load::epub::cache_name(&bytes));
    let text = std::fs::read_to_string(&cached).unwrap();
    assert!(text.contains("The harbour woke before the sun."));
    // What the second open shows comes from the cache file.
    std::fs::write(
        &cached,
        text.replace("The harbour woke", "The cached harbour woke"),
    )
    .unwrap();
    let second = env.cat(&file);
    assert_eq!(
        second,
        first.replace("The harbour woke", "The cached harbour woke")
    );
}

#[test]
fn links_between_chapters_go_to_their_headings() {
    let text = longform::load::epub::convert(epub3()).unwrap();
    // ch2 links to ch1.xhtml#s1, the heading "The Boats".
    assert!(text.contains("### The Boats {#epub-ch1--s1}"), "{text}");
    assert!(text.contains("[the boats](#epub-ch1--s1)"), "{text}");
    // The footnote reference goes to its chapter's section.
    assert!(
        text.contains("## Chapter 1. The Harbour {#epub-ch1}"),
        "{text}"
    );
    let env = Env::new();
    let file = env.write("nested.epub", &epub3());
    let out = env.run(&["toc", "--json"], &file);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"epub-ch1--s1") && ids.contains(&"epub-ch1"),
        "{ids:?}"
    );
}
