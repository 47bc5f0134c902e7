//! The plain-text inference measured on real articles: for every `FILE.txt`
//! in `tests/plaintext/` with its `FILE.txt.expect.json` (the headings a
//! careful reader lists, the page furniture to dim), heading recall and
//! precision over the whole set, and the share of furniture found dimmed.
//! The figures are printed (`cargo test --test plaintext_corpus -- --nocapture`)
//! and held to 0.95. `LONGFORM_PLAINTEXT_DIR=DIR` measures another folder of
//! the same shape with the ignored test `measure_another_folder`.

use std::path::Path;

use longform::document::{BlockKind, Document, Flags, block_spans};
use longform::parse::text::parse_text;
use serde_json::Value;

/// Text compared with case, quotes, dashes and runs of spaces folded, and
/// the marks of emphasis (`_Letter._`, `--_continued_`, which are shown in
/// italics) left out.
fn fold(s: &str) -> String {
    let mapped: String = s
        .chars()
        .filter(|&c| c != '_' && c != '*')
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '‘' | '’' | '‚' | '‛' | '`' | '´' | '′' => '\'',
            '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let dashes = mapped.replace("--", "-");
    dashes.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What one article scored.
#[derive(Default)]
struct Score {
    expected: usize,
    found: usize,
    right: usize,
    missed: Vec<String>,
    wrong: Vec<String>,
    furniture: usize,
    furniture_dimmed: usize,
    undimmed: Vec<String>,
}

fn headings_of(exp: &Value, key: &str) -> Vec<String> {
    exp[key]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|h| fold(h[1].as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the text at `at` in the source is drawn dimmed, or drawn as a
/// rule (a line of underscores is decoration, not text).
fn dimmed_at(doc: &Document, at: usize) -> bool {
    doc.blocks.iter().any(|b| {
        matches!(b.kind, BlockKind::Rule) && b.source().contains(&at)
            || block_spans(&b.kind).any(|s| {
                s.flags.contains(Flags::HTML)
                    && s.exact()
                    && (s.source()..s.source() + s.len()).contains(&at)
            })
    })
}

/// The source offset where `needle` starts, matched with every run of
/// whitespace taken as one space (hard wraps break furniture across lines).
fn find_loose(src: &str, needle: &str) -> Option<usize> {
    let mut flat = String::new();
    let mut at = Vec::new();
    let mut space = false;
    for (i, c) in src.char_indices() {
        if c.is_whitespace() {
            space = !flat.is_empty();
            continue;
        }
        if space {
            flat.push(' ');
            at.push(i);
            space = false;
        }
        flat.push(c);
        at.extend(std::iter::repeat_n(i, c.len_utf8()));
    }
    let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.find(&needle).map(|i| at[i])
}

fn score(src: &str, exp: &Value) -> Score {
    let doc = parse_text(src);
    let mut expected = headings_of(exp, "headings");
    let mut optional = headings_of(exp, "optional_headings");
    let mut s = Score {
        expected: expected.len(),
        ..Score::default()
    };
    let title = doc.meta.title.as_deref().map(fold);
    for (i, h) in doc.headings.iter().enumerate() {
        // The article's title is a heading of its own, not a section (a
        // book's title page may set it in capitals).
        if i == 0 && h.level == 1 && Some(fold(&h.text)) == title {
            continue;
        }
        let text = fold(&h.text);
        s.found += 1;
        if let Some(j) = expected.iter().position(|e| *e == text) {
            expected.remove(j);
            s.right += 1;
        } else if let Some(j) = optional.iter().position(|e| *e == text) {
            optional.remove(j);
            s.found -= 1;
        } else {
            s.wrong.push(h.text.clone());
        }
    }
    s.missed = expected;
    for b in exp["boilerplate"].as_array().into_iter().flatten() {
        let b = b.as_str().unwrap_or_default();
        s.furniture += 1;
        match find_loose(src, b) {
            Some(at) if dimmed_at(&doc, at) => s.furniture_dimmed += 1,
            _ => s.undimmed.push(b.to_string()),
        }
    }
    s
}

/// Scores every article of `dir`, prints them, and returns recall,
/// precision and the share of furniture dimmed over the whole set.
fn measure(dir: &Path) -> (f64, f64, f64) {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".txt").then_some(name)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no .txt files in {}", dir.display());
    let verbose = std::env::var_os("LONGFORM_PLAINTEXT_VERBOSE").is_some();
    let mut total = Score::default();
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let src = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let exp: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.expect.json"))).unwrap(),
        )
        .unwrap();
        let s = score(src, &exp);
        println!(
            "{name:48} headings {:3}/{:3} found, {:3} wrong; furniture {:2}/{:2} dimmed",
            s.right,
            s.expected,
            s.found - s.right,
            s.furniture_dimmed,
            s.furniture
        );
        if verbose {
            for m in &s.missed {
                println!("    missed: {m}");
            }
            for w in &s.wrong {
                println!("    wrong:  {w}");
            }
            for u in &s.undimmed {
                println!("    not dimmed: {u}");
            }
        }
        total.expected += s.expected;
        total.found += s.found;
        total.right += s.right;
        total.furniture += s.furniture;
        total.furniture_dimmed += s.furniture_dimmed;
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let recall = ratio(total.right, total.expected);
    let precision = ratio(total.right, total.found);
    let dimmed = ratio(total.furniture_dimmed, total.furniture);
    println!(
        "{} articles: heading recall {recall:.3} ({}/{}), precision {precision:.3} ({}/{}), furniture dimmed {dimmed:.3} ({}/{})",
        names.len(),
        total.right,
        total.expected,
        total.right,
        total.found,
        total.furniture_dimmed,
        total.furniture
    );
    (recall, precision, dimmed)
}

#[test]
fn headings_of_real_articles_are_found_and_nothing_else() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plaintext");
    let (recall, precision, _) = measure(&dir);
    assert!(recall >= 0.95, "recall {recall:.3}");
    assert!(precision >= 0.95, "precision {precision:.3}");
}

#[test]
#[ignore = "needs LONGFORM_PLAINTEXT_DIR, a folder of FILE.txt and FILE.txt.expect.json"]
fn measure_another_folder() {
    let dir = std::env::var_os("LONGFORM_PLAINTEXT_DIR").expect("LONGFORM_PLAINTEXT_DIR");
    measure(Path::new(&dir));
}

#[test]
fn folding_ignores_case_quotes_dashes_and_spaces() {
    assert_eq!(
        fold("JONATHAN HARKER’S  Journal—continued"),
        fold("jonathan harker's journal-continued")
    );
    assert_eq!(fold("“Big”  boards--Genie"), fold("\"big\" boards-genie"));
    assert_ne!(fold("Who Am I?"), fold("Who Am I"));
    assert_eq!(find_loose("a  b\n  c d", "b c"), Some(3));
}
