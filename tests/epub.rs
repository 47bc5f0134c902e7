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

/// A title page that the navigation lists (a pandoc EPUB 2's NCX) does
/// not say again what the header shows: the authors and the date.
#[test]
fn a_listed_title_page_does_not_repeat_the_header() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/epub/time-machine-epub2.epub"
    ))
    .unwrap();
    let text = longform::load::epub::convert(bytes, "assets").unwrap().text;
    let page = text
        .split("# The Time Machine, in Parts\n\n")
        .nth(1)
        .expect("the title page's section");
    assert!(page.starts_with("# Part One: The Dinner"), "{text}");
    assert!(!page.contains("\n\nNatsume Sōseki\n\n"), "{text}");
    assert!(!page.contains("1895-05-07"), "{text}");
}

#[test]
fn converting_twice_gives_identical_bytes() {
    let bytes = epub3();
    let a = longform::load::epub::convert(bytes.clone(), "assets")
        .unwrap()
        .text;
    let b = longform::load::epub::convert(bytes, "assets").unwrap().text;
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
    let text = longform::load::epub::convert(epub2(false), "assets")
        .unwrap()
        .text;
    assert!(text.contains("An Old & Plain Book"), "{text}");
    // convert says on stderr that a part was skipped, not only in the text.
    let out = Command::new(BIN)
        .args(["convert"])
        .arg(&file)
        .arg("-o")
        .arg(env.dir.path().join("converted"))
        .env("LONGFORM_CONFIG_DIR", env.dir.path().join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("1 part of the book could not be read"),
        "{err}"
    );
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
        (
            "garbled.epub",
            archive(
                true,
                &[
                    ("META-INF/container.xml", CONTAINER),
                    ("OEBPS/content.opf", b"<package><garbage"),
                ],
            ),
            "its package OEBPS/content.opf cannot be read",
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
    let text = longform::load::epub::convert(bytes, "assets").unwrap().text;
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
    let text = longform::load::epub::convert(archive(true, &all), "assets")
        .unwrap()
        .text;
    assert!(text.contains("# Part 0\n") && text.contains("# Part 9999\n"));
    assert!(text.contains("Text 9999."));
}

/// Listed through the binary, whose cache is in the test's config dir: a
/// summary made in this process would convert the book into the real
/// cache folder.
#[test]
fn epub_files_are_listed_in_the_library() {
    let env = Env::new();
    let folder = env.dir.path().join("books");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("nested.epub");
    std::fs::write(&file, epub3()).unwrap();
    assert!(longform::library::is_article(&file));
    let out = env.run(&["list", "--json"], &folder);
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &json.as_array().unwrap()[0];
    assert_eq!(row["title"], "The Nested Book");
    assert_eq!(row["author"], "Ada Writer, Bo Second");
    assert_eq!(row["date"], "2020-05-01");
    assert_eq!(row["language"], "en");
    assert!(row["error"].is_null(), "{row}");
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
    let text = longform::load::epub::convert(epub3(), "assets")
        .unwrap()
        .text;
    // ch2 links to ch1.xhtml#s1, the heading "The Boats".
    assert!(text.contains("### The Boats {#epub-ch1--s1}"), "{text}");
    assert!(text.contains("[the boats](#epub-ch1--s1)"), "{text}");
    assert!(
        text.contains("## Chapter 1. The Harbour {#epub-ch1}"),
        "{text}"
    );
    // The aside marked as a footnote is a footnote.
    assert!(text.contains("Every boat had a name[^1]."), "{text}");
    assert!(
        text.contains("[^1]: Most were named after grandmothers."),
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

/// The books pandoc made from `tests/epub/time-machine.md` (see
/// `tests/epub/README.md`): parts, chapters and sections, two EPUB 3
/// footnotes, an image and a chapter in Japanese.
const PANDOC3: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/epub/time-machine-epub3.epub"
);
const PANDOC2: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/epub/time-machine-epub2.epub"
);

/// An entry of a pandoc book's archive, as text.
fn entry(book: &str, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The table of contents as the book's navigation document nests it,
/// read here on its own: each link's text at the depth of its `<ol>`.
fn nav_of(book: &str) -> Vec<(u64, String)> {
    let nav = entry(book, "EPUB/nav.xhtml");
    let toc = &nav[..nav.find("</nav>").unwrap()];
    let tokens = regex::Regex::new(r"<ol\b|</ol>|<a [^>]*>([^<]*)</a>").unwrap();
    let mut depth = 0;
    let mut out = Vec::new();
    for t in tokens.captures_iter(toc) {
        match (&t[0], t.get(1)) {
            ("<ol", _) => depth += 1,
            ("</ol>", _) => depth -= 1,
            (_, Some(title)) => out.push((depth, title.as_str().to_string())),
            _ => {}
        }
    }
    out
}

/// The same from an EPUB 2 book's NCX: each label at the depth of its
/// `navPoint`.
fn ncx_of(book: &str) -> Vec<(u64, String)> {
    let ncx = entry(book, "EPUB/toc.ncx");
    let map = &ncx[ncx.find("<navMap>").unwrap()..];
    let tokens = regex::Regex::new(r"<navPoint\b|</navPoint>|<text>([^<]*)</text>").unwrap();
    let mut depth = 0;
    let mut out = Vec::new();
    for t in tokens.captures_iter(map) {
        match (&t[0], t.get(1)) {
            ("<navPoint", _) => depth += 1,
            ("</navPoint>", _) => depth -= 1,
            (_, Some(title)) => out.push((depth, title.as_str().to_string())),
            _ => {}
        }
    }
    out
}

#[test]
fn the_outline_of_a_pandoc_book_is_its_navigation() {
    let env = Env::new();
    let nav = nav_of(PANDOC3);
    assert_eq!(nav.len(), 8, "{nav:?}");
    assert!(
        nav.iter().any(|(d, _)| *d == 3),
        "parts, chapters, sections"
    );
    assert_eq!(toc(&env, Path::new(PANDOC3)), nav);
    let ncx = ncx_of(PANDOC2);
    assert_eq!(ncx.len(), 9, "{ncx:?}");
    assert_eq!(toc(&env, Path::new(PANDOC2)), ncx);
}

#[test]
fn epub3_footnotes_are_footnotes() {
    let bytes = std::fs::read(PANDOC3).unwrap();
    let text = longform::load::epub::convert(bytes, "assets").unwrap().text;
    assert!(
        text.contains("(for so it will be convenient to speak of him)[^1] was"),
        "{text}"
    );
    assert!(text.contains("Professor Simon Newcomb[^2] was"), "{text}");
    assert!(
        text.contains("\n[^1]: The narrator never gives the Time Traveller a name.\n"),
        "{text}"
    );
    assert!(text.contains("\n[^2]: Simon Newcomb (1835–1909)"), "{text}");
    // The links back to the text and pandoc's rule and list are gone.
    assert!(!text.contains('↩'), "{text}");
    assert!(!text.contains("* * *"), "{text}");
    // Both references link to a definition the parser found.
    let doc = longform::parse::parse(&text);
    assert_eq!(doc.footnotes.len(), 2);
    assert!(doc.footnotes.iter().all(|c| c.is_some()));
    let refs = doc
        .links
        .iter()
        .filter(|l| matches!(l.target(&doc.text), longform::document::Target::Footnote(_)))
        .count();
    assert_eq!(refs, 2);
    // Shown as an article's footnotes are.
    let env = Env::new();
    let shown = env.cat(Path::new(PANDOC3));
    assert!(shown.contains("speak of him)[1] was"), "{shown}");
    assert!(
        shown.contains("\n[1] The narrator never gives the Time Traveller a name."),
        "{shown}"
    );
    assert!(
        shown.contains("吾輩は猫である。名前はまだ無い。"),
        "{shown}"
    );
}

/// pandoc's EPUB 2 marks no notes: they are found by their links, the
/// reference to the note and the note's link straight back.
#[test]
fn epub2_footnotes_are_footnotes() {
    let bytes = std::fs::read(PANDOC2).unwrap();
    let text = longform::load::epub::convert(bytes, "assets").unwrap().text;
    assert!(
        text.contains("(for so it will be convenient to speak of him)[^1] was"),
        "{text}"
    );
    assert!(text.contains("Professor Simon Newcomb[^2] was"), "{text}");
    assert!(
        text.contains("\n[^1]: The narrator never gives the Time Traveller a name.\n"),
        "{text}"
    );
    assert!(!text.contains('↩'), "{text}");
    assert!(!text.contains("* * *"), "{text}");
    let doc = longform::parse::parse(&text);
    assert_eq!(doc.footnotes.len(), 2);
    assert!(doc.footnotes.iter().all(|c| c.is_some()));
    // The same text as the EPUB 3 book's notes.
    let epub3 = longform::load::epub::convert(std::fs::read(PANDOC3).unwrap(), "assets")
        .unwrap()
        .text;
    let notes = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("[^"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(notes(&text), notes(&epub3));
}

#[test]
fn images_are_kept_beside_the_cached_text() {
    let env = Env::new();
    let bytes = std::fs::read(PANDOC3).unwrap();
    let shown = env.cat(Path::new(PANDOC3));
    assert!(
        shown.contains("[image: The little machine on the octagonal table]"),
        "{shown}"
    );
    // pandoc's caption repeats the alt text: it is shown once.
    assert_eq!(
        shown
            .matches("The little machine on the octagonal table")
            .count(),
        1,
        "{shown}"
    );
    let key = longform::load::epub::cache_key(&bytes);
    let cache = std::path::absolute(env.dir.path().join("config/cache/epub")).unwrap();
    let image = cache.join(format!("{key}.assets/001-file0.png"));
    let png = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/epub/machine.png");
    assert_eq!(std::fs::read(&image).unwrap(), std::fs::read(png).unwrap());
    let text = std::fs::read_to_string(cache.join(format!("{key}.md"))).unwrap();
    assert!(
        text.contains(&format!(
            "![The little machine on the octagonal table](<{}>)",
            image.display()
        )),
        "{text}"
    );
    // Nothing else was written.
    let mut files: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, vec![format!("{key}.assets"), format!("{key}.md")]);
}

#[test]
fn convert_writes_the_markdown_and_its_images_once() {
    let env = Env::new();
    let out = |dir: &str| {
        Command::new(BIN)
            .args(["convert", PANDOC3, "-o"])
            .arg(env.dir.path().join(dir))
            .env("LONGFORM_CONFIG_DIR", env.dir.path().join("config"))
            .output()
            .unwrap()
    };
    let first = out("a");
    assert!(first.status.success(), "{first:?}");
    let md = env.dir.path().join("a/the-time-machine-in-parts.md");
    assert_eq!(
        String::from_utf8(first.stdout).unwrap().trim(),
        md.to_string_lossy()
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains(
        "![The little machine on the octagonal table](<the-time-machine-in-parts.assets/001-file0.png>)"
    ));
    assert!(text.starts_with("---\ntitle: \"The Time Machine, in Parts\"\n"));
    // The text, its images and their folder are ordinary files, as any
    // made here (0644 and 0755 under a 022 umask), not private ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let (usual, usual_dir) = (env.dir.path().join("usual"), env.dir.path().join("usual.d"));
        std::fs::write(&usual, "").unwrap();
        std::fs::create_dir(&usual_dir).unwrap();
        let assets = env.dir.path().join("a/the-time-machine-in-parts.assets");
        assert_eq!(mode(&md), mode(&usual));
        assert_eq!(mode(&assets.join("001-file0.png")), mode(&usual));
        assert_eq!(mode(&assets), mode(&usual_dir));
    }
    // Converting twice gives identical bytes.
    assert!(out("b").status.success());
    for file in [
        "the-time-machine-in-parts.md",
        "the-time-machine-in-parts.assets/001-file0.png",
    ] {
        assert_eq!(
            std::fs::read(env.dir.path().join("a").join(file)).unwrap(),
            std::fs::read(env.dir.path().join("b").join(file)).unwrap(),
            "{file}"
        );
    }
    // Nothing is overwritten; the error is one line.
    let again = out("a");
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8(again.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("already exists"), "{err}");
    let not_epub = env.write("plain.epub", b"not a zip");
    let bad = Command::new(BIN)
        .args(["convert"])
        .arg(&not_epub)
        .arg("-o")
        .arg(env.dir.path().join("c"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8(bad.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not an EPUB (not a zip archive)"), "{err}");
    assert!(!env.dir.path().join("c").exists());
    // Without the book, the usage names the folder option too.
    let bare = Command::new(BIN).arg("convert").output().unwrap();
    assert_eq!(bare.status.code(), Some(2));
    let err = String::from_utf8(bare.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("Usage: longform convert [-o DIR] BOOK.epub"),
        "{err}"
    );
}

/// A place saved in the text of the previous conversion (version 1, kept
/// in `tests/epub/time-machine-epub3.v1.md`, from before footnotes were
/// footnotes) is found again in the new text by its quote, as in an
/// edited article.
#[test]
fn a_place_saved_on_the_previous_conversion_is_found_in_the_new_one() {
    use longform::position::{Anchor, Position, Restored};
    let old = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/epub/time-machine-epub3.v1.md"
    ))
    .unwrap();
    let bytes = std::fs::read(PANDOC3).unwrap();
    let new = longform::load::epub::convert(bytes, "assets").unwrap().text;
    let old_doc = longform::parse::parse(&old);
    let new_doc = longform::parse::parse(&new);
    assert_ne!(old_doc.fingerprint, new_doc.fingerprint);
    for sentence in [
        "“Some sleight-of-hand trick or other,”",
        "I think that at that time none of us quite believed",
        "吾輩は猫である。名前はまだ無い。",
    ] {
        let at = old.find(sentence).unwrap();
        assert_ne!(Some(at), new.find(sentence), "the text moved");
        let anchor = Anchor::at(&old_doc, Position(at));
        let (pos, how) = anchor.restore(&new_doc, &new);
        assert_eq!(how, Restored::Quote, "{sentence}");
        assert!(new[pos.byte()..].starts_with(sentence), "{sentence}");
    }
}

#[test]
fn the_books_metadata_is_in_the_header_and_the_list() {
    let env = Env::new();
    let shown = env.cat(Path::new(PANDOC3));
    let head: Vec<&str> = shown.lines().take(4).map(str::trim).collect();
    let rule = "━".repeat("The Time Machine, in Parts".chars().count());
    assert_eq!(
        head,
        vec![
            "The Time Machine, in Parts",
            rule.as_str(),
            "H. G. Wells, Natsume Sōseki · 7 May 1895",
            ""
        ],
        "{shown}"
    );
    // The title page the navigation leaves out says nothing the header
    // does not already say, and adds no section.
    assert!(!shown.lines().any(|l| l.trim() == "H. G. Wells"), "{shown}");
    let folder = env.dir.path().join("books");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(PANDOC3, folder.join("time-machine.epub")).unwrap();
    let out = Command::new(BIN)
        .args(["list", "--json"])
        .arg(&folder)
        .env("LONGFORM_CONFIG_DIR", env.dir.path().join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &json.as_array().unwrap()[0];
    assert_eq!(row["title"], "The Time Machine, in Parts");
    assert_eq!(row["author"], "H. G. Wells, Natsume Sōseki");
    assert_eq!(row["date"], "1895-05-07");
    assert_eq!(row["language"], "en");
}

#[test]
fn the_generated_benchmark_book_is_the_same_each_time_and_reads() {
    use longform::testgen::{SEED, epub};
    let book = epub(SEED, 100 * 1024);
    assert_eq!(book, epub(SEED, 100 * 1024));
    let text = longform::load::epub::convert(book.clone(), "assets")
        .unwrap()
        .text;
    let env = Env::new();
    let file = env.write("generated.epub", &book);
    let outline = toc(&env, &file);
    let chapters = outline.iter().filter(|(level, _)| *level == 1).count();
    let nav = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&book)).unwrap();
        let mut nav = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("OEBPS/nav.xhtml").unwrap(), &mut nav)
            .unwrap();
        nav.matches("<li>").count()
    };
    assert!(chapters >= 2, "{outline:?}");
    assert_eq!(chapters, nav, "{outline:?}");
    assert!(text.len() > 90 * 1024, "{}", text.len());
}

#[test]
fn a_conversion_prunes_other_versions_from_the_cache() {
    let env = Env::new();
    let cache = env.dir.path().join("config/cache/epub");
    std::fs::create_dir_all(cache.join("0123456789abcdef-10-v1.assets")).unwrap();
    std::fs::write(cache.join("0123456789abcdef-10-v1.md"), "old text").unwrap();
    std::fs::write(
        cache.join("0123456789abcdef-10-v1.assets/001-a.png"),
        b"old image",
    )
    .unwrap();
    std::fs::write(cache.join("notes.txt"), "not the cache's").unwrap();
    env.cat(Path::new(PANDOC3));
    let key = longform::load::epub::cache_key(&std::fs::read(PANDOC3).unwrap());
    let mut left: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            format!("{key}.assets"),
            format!("{key}.md"),
            "notes.txt".to_string()
        ]
    );
}

/// `highlights` and `export` of an EPUB book read its converted text, as
/// the reader does: a highlight made in the book is found exactly, under
/// the book's title and author, whether the book is named or all records
/// are listed.
#[test]
fn highlights_and_export_of_a_book() {
    use longform::annotations::Highlight;
    use longform::store::{ReadingState, Store, record_id};
    let env = Env::new();
    let book = env.write("time-machine.epub", &std::fs::read(PANDOC3).unwrap());
    let config = env.dir.path().join("config");
    // Opening it once leaves its conversion in the cache: the text the
    // reader made the highlight in.
    assert!(env.run(&["toc"], &book).status.success());
    let cached: Vec<PathBuf> = std::fs::read_dir(config.join("cache/epub"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    let text = std::fs::read_to_string(&cached[0]).unwrap();
    let doc = longform::library::parse_article(Some(&book), &text);
    let sentence = "I think that at that time none of us quite believed";
    let at = text.find(sentence).unwrap();
    let mut h = Highlight::new(&doc, at..at + sentence.len(), 2, 1_764_000_000).unwrap();
    h.note = Some("the doubt, \"early\"".into());
    let canonical = std::fs::canonicalize(&book).unwrap();
    let mut state = ReadingState::new(
        canonical.clone(),
        "The Time Machine, in Parts".into(),
        doc.fingerprint,
        1,
    );
    state.highlights.add(h);
    Store::new(&config)
        .save(&record_id(&canonical), &state)
        .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("LONGFORM_CONFIG_DIR", &config)
            .env("HOME", env.dir.path())
            .current_dir(env.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let path = book.to_str().unwrap();
    for args in [
        &["highlights", path, "--json"][..],
        &["highlights", "--json"][..],
    ] {
        let json: serde_json::Value = serde_json::from_str(&run(args)).unwrap();
        let list = json.as_array().unwrap();
        assert_eq!(list.len(), 1, "{args:?}: {json}");
        assert_eq!(list[0]["text"], sentence, "{args:?}");
        assert_eq!(list[0]["found"], "exact", "{args:?}");
        assert_eq!(list[0]["missing"], false, "{args:?}");
        assert_eq!(list[0]["title"], "The Time Machine, in Parts", "{args:?}");
    }
    let listing = run(&["highlights"]);
    assert!(!listing.contains("not an article"), "{listing}");
    let md = run(&["export", path]);
    assert!(md.contains("title: \"The Time Machine, in Parts\""), "{md}");
    assert!(
        md.contains("author: \"H. G. Wells, Natsume Sōseki\""),
        "{md}"
    );
    // The book's date and language, from its OPF.
    assert!(md.contains("date: \"1895-05-07\""), "{md}");
    assert!(md.contains("language: \"en\""), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&run(&["export", path, "--format", "json"])).unwrap();
    let article = &json["articles"][0];
    assert_eq!(article["date"], "1895-05-07", "{json}");
    assert_eq!(article["language"], "en", "{json}");
    assert!(md.contains(&format!("> {sentence}")), "{md}");
    assert!(md.contains("#green"), "{md}");
    let csv = run(&["export", "--all", "--format", "csv"]);
    let row = csv.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with(&format!(
            "\"{sentence}\",\"The Time Machine, in Parts\",\"H. G. Wells, Natsume Sōseki\","
        )),
        "{csv}"
    );
    assert!(row.contains("\"the doubt, \"\"early\"\"\""), "{csv}");
}

/// A book as Project Gutenberg's EPUB 2 files are made: an NCX whose
/// entries point inside the documents (`…-h-1.htm.html#chap02`), several
/// chapters to a file, each chapter's anchor inside its heading
/// (`<h2><a id="chap01"></a>I.<br/>Introduction</h2>`), a contents page
/// of links, and the licence at the end of the last file.
fn gutenberg_like() -> Vec<u8> {
    let opf = br#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier id="id">http://www.gutenberg.org/35</dc:identifier>
  <dc:title>The Time Machine</dc:title><dc:creator>H. G. Wells</dc:creator><dc:language>en</dc:language>
 </metadata>
 <manifest>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  <item id="h0" href="35-h-0.htm.html" media-type="application/xhtml+xml"/>
  <item id="h1" href="35-h-1.htm.html" media-type="application/xhtml+xml"/>
  <item id="h2" href="35-h-2.htm.html" media-type="application/xhtml+xml"/>
 </manifest>
 <spine toc="ncx"><itemref idref="h0"/><itemref idref="h1"/><itemref idref="h2"/></spine>
</package>"#;
    let point = |id: &str, label: &str, src: &str, inner: &str| {
        format!(
            r#"<navPoint id="{id}"><navLabel><text>{label}</text></navLabel><content src="{src}"/>{inner}</navPoint>"#
        )
    };
    let ncx = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>{}{}{}{}</navMap></ncx>"#,
        point(
            "np-1",
            "The Project Gutenberg eBook of The Time Machine",
            "35-h-0.htm.html#pg-header-heading",
            ""
        ),
        point(
            "np-2",
            "Part One",
            "35-h-1.htm.html#part1",
            &[
                point("np-3", "I. Introduction", "35-h-1.htm.html#chap01", ""),
                point("np-4", "II. The Machine", "35-h-1.htm.html#chap02", ""),
            ]
            .concat()
        ),
        point(
            "np-5",
            "III. The Time Traveller Returns",
            "35-h-2.htm.html#chap03",
            ""
        ),
        point(
            "np-6",
            "THE FULL PROJECT GUTENBERG LICENSE",
            "35-h-2.htm.html#pg-footer-heading",
            ""
        ),
    );
    let h0 = xhtml(
        "The Time Machine",
        r##"<section class="pg-boilerplate pgheader" id="pg-header"><h2 id="pg-header-heading">The Project Gutenberg eBook of <span>The Time Machine</span></h2>
<p>This ebook is for the use of anyone anywhere in the United States and most other parts of the world at no cost.</p></section>
<h1>The Time Machine</h1><h2>by H. G. Wells</h2><h2>Contents</h2>
<div class="toc"><p class="toc"><a href="35-h-1.htm.html#chap01">I. Introduction</a></p>
<p class="toc"><a href="35-h-1.htm.html#chap02">II. The Machine</a></p>
<p class="toc"><a href="35-h-2.htm.html#chap03">III. The Time Traveller Returns</a></p></div>"##,
    );
    let h1 = xhtml(
        "The Time Machine",
        r#"<h1 id="part1">PART ONE</h1>
<div class="chapter"><h2><a id="chap01"></a>I.<br/>Introduction</h2>
<p>The Time Traveller (for so it will be convenient to speak of him) was expounding a recondite matter to us.</p>
<h3>The Fourth Dimension</h3><p>There are really four dimensions, three which we call the three planes of Space, and a fourth, Time.</p></div>
<div class="chapter"><h2><a id="chap02"></a>II.<br/>The Machine</h2>
<p>I think that at that time none of us quite believed in the Time Machine.</p></div>"#,
    );
    let h2 = xhtml(
        "The Time Machine",
        r#"<div class="chapter"><h2 id="chap03">III.<br/>The Time Traveller Returns</h2>
<p>I think that I was the first to come to the Time Traveller's house the next Thursday.</p></div>
<section class="pg-boilerplate" id="pg-footer"><h2 id="pg-footer-heading">THE FULL PROJECT GUTENBERG LICENSE</h2>
<p>To protect the Project Gutenberg mission of promoting the free distribution of electronic works…</p></section>"#,
    );
    archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/toc.ncx", ncx.as_bytes()),
            ("OEBPS/35-h-0.htm.html", &h0),
            ("OEBPS/35-h-1.htm.html", &h1),
            ("OEBPS/35-h-2.htm.html", &h2),
        ],
    )
}

/// A book as calibre writes one converted from MOBI: one file split in
/// two, no headings at all, each chapter's entry naming a paragraph
/// (`index_split_000.html#filepos2101`) whose bold text is its title.
fn calibre_like() -> Vec<u8> {
    let opf = br#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uuid_id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Saved Articles</dc:title><dc:creator>calibre</dc:creator></metadata>
 <manifest>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  <item id="s0" href="index_split_000.html" media-type="application/xhtml+xml"/>
  <item id="s1" href="index_split_001.html" media-type="application/xhtml+xml"/>
 </manifest>
 <spine toc="ncx"><itemref idref="s0"/><itemref idref="s1"/></spine>
</package>"#;
    let ncx = br#"<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="a"><navLabel><text>On Tides</text></navLabel><content src="index_split_000.html#filepos120"/></navPoint>
<navPoint id="b"><navLabel><text>On Lighthouses</text></navLabel><content src="index_split_000.html#filepos2101"/></navPoint>
<navPoint id="c"><navLabel><text>On Fog</text></navLabel><content src="index_split_001.html#filepos5003"/></navPoint>
</navMap></ncx>"#;
    let s0 = xhtml(
        "Saved Articles",
        r#"<p class="calibre1" id="filepos120"><span class="bold">On Tides</span></p>
<p class="calibre2">The tide came in twice a day, as it always had.</p>
<p class="calibre1"><a id="filepos2101"></a><span class="bold">On Lighthouses</span></p>
<p class="calibre2">The keeper climbed the stair at dusk.</p>"#,
    );
    let s1 = xhtml(
        "Saved Articles",
        r#"<p class="calibre2">The keeper slept at dawn.</p>
<div class="calibre3" id="filepos5003"><p class="calibre1"><b>On Fog</b></p></div>
<p class="calibre2">The fog rolled over the harbour wall.</p>"#,
    );
    archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/toc.ncx", ncx),
            ("OEBPS/index_split_000.html", &s0),
            ("OEBPS/index_split_001.html", &s1),
        ],
    )
}

fn owned(outline: &[(u64, &str)]) -> Vec<(u64, String)> {
    outline
        .iter()
        .map(|(l, t)| (*l, (*t).to_string()))
        .collect()
}

#[test]
fn entries_inside_a_gutenberg_file_are_its_chapters() {
    let env = Env::new();
    let file = env.write("pg35.epub", &gutenberg_like());
    // The outline is the NCX: its titles, nesting and order, whatever
    // file the chapter is in and however its heading is written.
    assert_eq!(
        toc(&env, &file),
        owned(&[
            (1, "The Project Gutenberg eBook of The Time Machine"),
            (1, "Part One"),
            (2, "I. Introduction"),
            (2, "II. The Machine"),
            (1, "III. The Time Traveller Returns"),
            (1, "THE FULL PROJECT GUTENBERG LICENSE"),
        ])
    );
    let text = longform::load::epub::convert(gutenberg_like(), "assets")
        .unwrap()
        .text;
    // Each chapter's heading is the table's, once; its text under it.
    for (heading, next) in [
        ("## I. Introduction", "The Time Traveller (for so"),
        ("## II. The Machine", "I think that at that time"),
        (
            "# III. The Time Traveller Returns",
            "I think that I was the first",
        ),
    ] {
        let at = text.find(heading).expect(heading);
        let rest = text[at + heading.len()..].trim_start();
        let rest = rest
            .strip_prefix('{')
            .map_or(rest, |r| r[r.find('}').unwrap() + 1..].trim_start());
        assert!(rest.starts_with(next), "{heading}: {text}");
    }
    // The headings the table replaces are not shown; the book's other
    // headings, which the table leaves out, are lines in bold.
    assert!(
        !text.contains("Introduction\n") && !text.contains("PART ONE"),
        "{text}"
    );
    assert_eq!(text.matches("The Machine").count(), 2, "{text}");
    assert!(text.contains("\n**The Fourth Dimension**\n"), "{text}");
    assert!(text.contains("\n**Contents**\n"), "{text}");
    // The contents page's links go to the chapters' headings.
    assert!(
        text.contains("[II. The Machine](#epub-35-h-1--chap02)")
            && text.contains("## II. The Machine {#epub-35-h-1--chap02}"),
        "{text}"
    );
    assert_eq!(
        longform::load::epub::convert(gutenberg_like(), "assets")
            .unwrap()
            .text,
        text
    );
}

#[test]
fn entries_naming_paragraphs_in_a_calibre_file_are_its_chapters() {
    let env = Env::new();
    let file = env.write("saved.epub", &calibre_like());
    assert_eq!(
        toc(&env, &file),
        owned(&[(1, "On Tides"), (1, "On Lighthouses"), (1, "On Fog")])
    );
    let text = env.cat(&file);
    // The bold line that only repeats the title is not shown again.
    for title in ["On Tides", "On Lighthouses", "On Fog"] {
        assert_eq!(text.matches(title).count(), 1, "{title}: {text}");
    }
    let order = [
        "On Tides",
        "The tide came in",
        "On Lighthouses",
        "The keeper climbed",
        "The keeper slept",
        "On Fog",
        "The fog rolled",
    ];
    let at: Vec<usize> = order.iter().map(|s| text.find(s).expect(s)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    // Nor the blank line after it.
    let md = longform::load::epub::convert(calibre_like(), "assets")
        .unwrap()
        .text;
    assert!(md.contains("# On Tides\n\nThe tide came in"), "{md}");
    assert!(!md.contains("\n\n\n"), "{md}");
}

/// How a chapter marks its start, in the ways books do.
#[derive(Clone, Copy, Debug)]
enum Start {
    /// `<h2 id="c3">`
    HeadingId,
    /// `<h2><a id="c3"></a>…</h2>` (Project Gutenberg)
    AnchorInHeading,
    /// `<section id="c3"><h2>` (pandoc)
    Wrapper,
    /// `<a id="c3"></a><h2>`
    AnchorBefore,
    /// `<p id="c3"><b>Title</b></p>` (calibre: no heading)
    Paragraph,
}

/// A book of `chapters` (title words, depth, how it starts, whether it
/// has a subheading of its own), cut into files before the chapters in
/// `cuts`; its NCX names each chapter by file and fragment, a file's first
/// chapter without one when `bare` says so.
fn book_of(chapters: &[(String, usize, Start, bool)], cuts: &[bool], bare: bool) -> Vec<u8> {
    let mut files: Vec<String> = vec![String::new()];
    let mut ncx = String::new();
    let mut open_points = 0;
    for (i, (title, depth, start, sub)) in chapters.iter().enumerate() {
        if i > 0 && cuts[i] {
            files.push(String::new());
        }
        let file = files.len() - 1;
        let first_in_file = files[file].is_empty();
        let id = format!("c{i}");
        let html = files.last_mut().unwrap();
        html.push_str(&match start {
            Start::HeadingId => format!(r#"<h2 id="{id}">{title}</h2>"#),
            Start::AnchorInHeading => format!(r#"<h2><a id="{id}"></a>{title}</h2>"#),
            Start::Wrapper => format!(r#"<section id="{id}"><h2>{title}</h2>"#),
            Start::AnchorBefore => format!(r#"<a id="{id}"></a>\n<h2>{title}</h2>"#),
            Start::Paragraph => format!(r#"<p id="{id}"><b>{title}</b></p>"#),
        });
        html.push_str(&format!("<p>Text of chapter {i}, which goes on.</p>"));
        if *sub {
            html.push_str(&format!("<h3>Aside {i}</h3><p>More of chapter {i}.</p>"));
        }
        if matches!(start, Start::Wrapper) {
            html.push_str("</section>");
        }
        // Close the points this one is not inside.
        while open_points >= *depth {
            ncx.push_str("</navPoint>");
            open_points -= 1;
        }
        let src = if bare && first_in_file {
            format!("f{file}.xhtml")
        } else {
            format!("f{file}.xhtml#{id}")
        };
        ncx.push_str(&format!(
            r#"<navPoint><navLabel><text>{title}</text></navLabel><content src="{src}"/>"#
        ));
        open_points += 1;
    }
    ncx.push_str(&"</navPoint>".repeat(open_points));
    let manifest: String = (0..files.len())
        .map(|f| {
            format!(r#"<item id="f{f}" href="f{f}.xhtml" media-type="application/xhtml+xml"/>"#)
        })
        .collect();
    let spine: String = (0..files.len())
        .map(|f| format!(r#"<itemref idref="f{f}"/>"#))
        .collect();
    let opf = format!(
        r#"<package version="2.0"><metadata><title>Generated</title></metadata><manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>{manifest}</manifest><spine toc="ncx">{spine}</spine></package>"#
    );
    let ncx = format!("<ncx><navMap>{ncx}</navMap></ncx>");
    let names: Vec<String> = (0..files.len())
        .map(|f| format!("OEBPS/f{f}.xhtml"))
        .collect();
    let pages: Vec<Vec<u8>> = files.iter().map(|h| xhtml("x", h)).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", opf.as_bytes()),
        ("OEBPS/toc.ncx", ncx.as_bytes()),
    ];
    entries.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(pages.iter().map(Vec::as_slice)),
    );
    archive(true, &entries)
}

fn chapter() -> impl proptest::strategy::Strategy<Value = (String, usize, Start, bool)> {
    use proptest::prelude::*;
    let words = proptest::collection::vec(
        prop::sample::select(vec![
            "Tide", "Harbour", "of", "Night", "the", "Lamp", "II.", "雨",
        ]),
        1..4,
    );
    let start = prop::sample::select(vec![
        Start::HeadingId,
        Start::AnchorInHeading,
        Start::Wrapper,
        Start::AnchorBefore,
        Start::Paragraph,
    ]);
    (words, 0..3usize, start, any::<bool>())
        .prop_map(|(w, up, start, sub)| (w.join(" "), up, start, sub))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever way the chapters start and however they are cut into
    /// files, the outline is the NCX: its titles, depths and order.
    #[test]
    fn the_outline_is_the_ncx_however_chapters_are_marked(
        raw in proptest::collection::vec(chapter(), 1..10),
        cuts in proptest::collection::vec(proptest::prelude::any::<bool>(), 10),
        bare in proptest::prelude::any::<bool>(),
    ) {
        // Depths that nest: each at most one below the one before.
        let mut depth: usize = 0;
        let chapters: Vec<(String, usize, Start, bool)> = raw
            .into_iter()
            .map(|(title, up, start, sub)| {
                depth = if up == 0 { depth + 1 } else { (depth + 1).saturating_sub(up).max(1) }.min(3);
                (title, depth, start, sub)
            })
            .collect();
        let book = book_of(&chapters, &cuts, bare);
        let text = longform::load::epub::convert(book.clone(), "assets").unwrap().text;
        let doc = longform::parse::parse(&text);
        let outline: Vec<(usize, String)> = doc
            .headings
            .iter()
            .map(|h| (usize::from(h.level), h.text.clone()))
            .collect();
        let nav: Vec<(usize, String)> = chapters.iter().map(|(t, d, _, _)| (*d, t.clone())).collect();
        proptest::prop_assert_eq!(&outline, &nav, "{}", text);
        for (i, _) in chapters.iter().enumerate() {
            let here = format!("Text of chapter {i},");
            proptest::prop_assert!(text.contains(&here), "{}", text);
        }
        let again = longform::load::epub::convert(book, "assets").unwrap().text;
        proptest::prop_assert_eq!(again, text);
    }
}

/// An image whose address leaves the archive (`../..`, `file:`) is never
/// read from the disk: it is shown as an image without a picture. An image
/// on the web keeps its address.
#[test]
fn images_outside_the_archive_are_never_read() {
    let env = Env::new();
    // A picture beside the book, which a path out of the archive names.
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/epub/machine.png"),
        env.dir.path().join("outside.png"),
    )
    .unwrap();
    let opf = br#"<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#;
    let page = xhtml(
        "A",
        r#"<p>Before.</p><p><img src="../../outside.png" alt="Out"/></p><p><img src="file:///etc/hostname" alt="File"/></p><p><img src="https://example.com/w.png" alt="Web"/></p><p>After.</p>"#,
    );
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/a.xhtml", &page),
        ],
    );
    let book = longform::load::epub::convert(bytes.clone(), "assets").unwrap();
    assert!(book.images.is_empty());
    let text = book.text;
    assert!(
        !text.contains("outside.png") && !text.contains("file:"),
        "{text}"
    );
    assert!(
        text.contains("![Out]()") && text.contains("![File]()"),
        "{text}"
    );
    assert!(text.contains("![Web](https://example.com/w.png)"), "{text}");
    let file = env.write("book.epub", &bytes);
    let shown = env.cat(&file);
    assert!(shown.contains("[image: Out]"), "{shown}");
    assert!(shown.contains("[image: File]"), "{shown}");
}

/// A document without an XML declaration, in Shift_JIS as its `<meta>`
/// says, and one in UTF-16 with a byte order mark, are read as written.
#[test]
fn documents_are_decoded_as_their_meta_charset_or_bom_says() {
    let opf = br#"<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>"#;
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(
        r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"/></head><body><p>雨が降っていた。町は静かだった。</p></body></html>"#,
    );
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "<html><body><p>Le café est prêt.</p></body></html>".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/a.xhtml", &sjis),
            ("OEBPS/b.xhtml", &utf16),
        ],
    );
    let env = Env::new();
    let text = env.cat(&env.write("encodings.epub", &bytes));
    assert!(text.contains("雨が降っていた。町は静かだった。"), "{text}");
    assert!(text.contains("Le café est prêt."), "{text}");
}

/// Documents the table of contents leaves out (a cover, a copyright page)
/// add no section: their text goes on in the section before, their
/// headings in bold, so the outline is the table's alone.
#[test]
fn documents_the_table_leaves_out_add_no_sections() {
    let opf = br#"<package version="3.0"><metadata><title>Two Tales</title></metadata><manifest>
      <item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>
      <item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
      <item id="a" href="a.xhtml" media-type="application/xhtml+xml"/>
      <item id="copy" href="copyright.xhtml" media-type="application/xhtml+xml"/>
      <item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest>
      <spine><itemref idref="cover"/><itemref idref="a"/><itemref idref="copy"/><itemref idref="b"/></spine></package>"#;
    let nav = br#"<html><body><nav epub:type="toc"><ol><li><a href="a.xhtml">The First Tale</a></li><li><a href="b.xhtml">The Second Tale</a></li></ol></nav></body></html>"#;
    let cover = xhtml("Cover", "<h1>Cover</h1><p>A drawing of two lamps.</p>");
    let a = xhtml("A", "<h1>The First Tale</h1><p>Once there was a lamp.</p>");
    let copyright = xhtml(
        "Copyright",
        r#"<h2>Copyright</h2><p>All rights kept.</p><p><a href="a.xhtml">Back to the first tale</a></p>"#,
    );
    let b = xhtml("B", "<h1>The Second Tale</h1><p>Then there were two.</p>");
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/nav.xhtml", nav),
            ("OEBPS/cover.xhtml", &cover),
            ("OEBPS/a.xhtml", &a),
            ("OEBPS/copyright.xhtml", &copyright),
            ("OEBPS/b.xhtml", &b),
        ],
    );
    let env = Env::new();
    let file = env.write("tales.epub", &bytes);
    assert_eq!(
        toc(&env, &file),
        owned(&[(1, "The First Tale"), (1, "The Second Tale")])
    );
    let text = longform::load::epub::convert(bytes, "assets").unwrap().text;
    let order = [
        "**Cover**",
        "A drawing of two lamps.",
        "# The First Tale {#epub-a}",
        "Once there was a lamp.",
        "**Copyright**",
        "All rights kept.",
        "[Back to the first tale](#epub-a)",
        "# The Second Tale",
        "Then there were two.",
    ];
    let at: Vec<usize> = order.iter().map(|s| text.find(s).expect(s)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
}

/// A periodical as calibre's news fetchers write one: feeds holding
/// articles in the NCX, each article a file with navigation bars at its
/// top and bottom, which are not read as its text.
#[test]
fn a_calibre_news_book_reads_as_its_feeds_and_articles() {
    let opf = br#"<package version="2.0"><metadata><title>The Harbour Gazette [Sat, 05 Dec 2026]</title><creator>calibre</creator></metadata><manifest>
      <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
      <item id="a0" href="feed_0/article_0/index.html" media-type="application/xhtml+xml"/>
      <item id="a1" href="feed_0/article_1/index.html" media-type="application/xhtml+xml"/>
      <item id="b0" href="feed_1/article_0/index.html" media-type="application/xhtml+xml"/></manifest>
      <spine toc="ncx"><itemref idref="a0"/><itemref idref="a1"/><itemref idref="b0"/></spine></package>"#;
    let ncx = br#"<ncx><navMap>
      <navPoint><navLabel><text>Local News</text></navLabel><content src="feed_0/article_0/index.html"/>
        <navPoint><navLabel><text>New Lamp on the Pier</text></navLabel><content src="feed_0/article_0/index.html"/></navPoint>
        <navPoint><navLabel><text>Ferry Times Change</text></navLabel><content src="feed_0/article_1/index.html"/></navPoint>
      </navPoint>
      <navPoint><navLabel><text>Weather</text></navLabel><content src="feed_1/article_0/index.html"/>
        <navPoint><navLabel><text>Fog Until Friday</text></navLabel><content src="feed_1/article_0/index.html"/></navPoint>
      </navPoint></navMap></ncx>"#;
    let article = |title: &str, text: &str| {
        xhtml(
            title,
            &format!(
                r#"<div class="calibre_navbar calibre_rescale_70" style="text-align:center"><a href="../index.html">Section menu</a> | <a href="../../index.html">Main menu</a> | <a href="../article_1/index.html">Next</a> |</div>
<h2 class="article_title">{title}</h2><p>{text}</p>
<div class="calibre_navbar calibre_rescale_70"><hr/>This article was downloaded by <b>calibre</b> from <a href="https://example.com/a">https://example.com/a</a></div>"#
            ),
        )
    };
    let a0 = article("New Lamp on the Pier", "The lamp was lit on Tuesday.");
    let a1 = article("Ferry Times Change", "The ferry leaves at seven.");
    let b0 = article("Fog Until Friday", "Expect fog.");
    let bytes = archive(
        true,
        &[
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf),
            ("OEBPS/toc.ncx", ncx),
            ("OEBPS/feed_0/article_0/index.html", &a0),
            ("OEBPS/feed_0/article_1/index.html", &a1),
            ("OEBPS/feed_1/article_0/index.html", &b0),
        ],
    );
    let env = Env::new();
    let file = env.write("gazette.epub", &bytes);
    assert_eq!(
        toc(&env, &file),
        owned(&[
            (1, "Local News"),
            (2, "New Lamp on the Pier"),
            (2, "Ferry Times Change"),
            (1, "Weather"),
            (2, "Fog Until Friday"),
        ])
    );
    let text = env.cat(&file);
    for furniture in ["Main menu", "Section menu", "downloaded by", "Next"] {
        assert!(!text.contains(furniture), "{furniture}: {text}");
    }
    for title in [
        "New Lamp on the Pier",
        "Ferry Times Change",
        "Fog Until Friday",
    ] {
        assert_eq!(text.matches(title).count(), 1, "{title}: {text}");
    }
    assert!(text.contains("The lamp was lit on Tuesday."), "{text}");
}
