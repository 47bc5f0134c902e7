//! Speed work must not change a byte of what longform writes: `longform
//! cat` of every corpus file (tests/corpus, tests/plaintext) and of the
//! generated articles, at widths 33, 80 and 120, justified and not, styled
//! (and plain at 80), is hashed and compared with the hashes committed in
//! `tests/same_output.hashes`, taken before the work.
//!
//! After a change that is meant to alter the output, write the hashes
//! again with `LONGFORM_BLESS=1 cargo test --test same_output` and say why
//! in the commit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use longform::cli::{CAT_PIECE, CatStyle, cat_source};
use longform::layout::LayoutOptions;
use longform::load::decode;
use longform::testgen;
use longform::tui::theme::Theme;

const WIDTHS: [usize; 3] = [33, 80, 120];
const HASHES: &str = "tests/same_output.hashes";

/// FNV-1a, 64 bits: stable across Rust versions, unlike std's hasher.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every article checked: its name (a file name, or `gen:` and a kind)
/// and its text, as `cat` reads it.
fn articles() -> Vec<(String, Option<PathBuf>, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for (dir, ext) in [("tests/corpus", "md"), ("tests/plaintext", "txt")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect(dir)
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == ext) && !p.ends_with("SOURCES.md"))
            .collect();
        files.sort();
        for path in files {
            let bytes = std::fs::read(&path).expect("corpus file");
            let name = format!("{dir}/{}", file_name(&path));
            let source = decode(bytes, name.clone(), Some(path.clone())).expect("decodes");
            out.push((name, Some(path), source.text));
        }
    }
    let generated = [
        (
            "gen:100k",
            testgen::article(testgen::SEED, testgen::SIZE_100K),
        ),
        ("gen:1m", testgen::article(testgen::SEED, testgen::SIZE_1M)),
        (
            "gen:line",
            testgen::single_line(testgen::SEED, testgen::SIZE_SINGLE_LINE / 4),
        ),
        (
            "gen:quotes",
            testgen::nested_quotes(testgen::QUOTE_DEPTH / 10),
        ),
    ];
    for (name, text) in generated {
        out.push((name.to_string(), None, text));
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The styles `cat` is checked in: each width, justified and not, styled
/// (as `--color always`); and plain (as when piped, code not coloured) at
/// 80 columns, which is enough for the one thing plain output does apart.
fn styles() -> Vec<(String, CatStyle)> {
    let mut out = Vec::new();
    for width in WIDTHS {
        for justify in [false, true] {
            for theme in [None, Some(Theme::Dark)] {
                if theme.is_none() && width != 80 {
                    continue;
                }
                let label = format!(
                    "w{width} {} {}",
                    if justify { "justified" } else { "ragged" },
                    if theme.is_some() { "styled" } else { "plain" }
                );
                let style = CatStyle {
                    width,
                    options: LayoutOptions {
                        justify,
                        plain_code: theme.is_none(),
                        defer_code: false,
                    },
                    theme,
                    osc8: false,
                };
                out.push((label, style));
            }
        }
    }
    out
}

/// The hash of every article in every style, one line each.
fn hashes() -> String {
    let articles = articles();
    let styles = styles();
    // The cases are shared between two threads: a debug build is slow.
    let jobs: Vec<(usize, usize)> = (0..articles.len())
        .flat_map(|a| (0..styles.len()).map(move |s| (a, s)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![0u64; jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(a, s)) = jobs.get(i) else {
                        break;
                    };
                    let (_, path, text) = &articles[a];
                    let text: Arc<str> = Arc::from(text.as_str());
                    let mut out = Vec::new();
                    cat_source(&text, path.as_deref(), CAT_PIECE, styles[s].1, &mut out)
                        .expect("cat writes to a vector");
                    results.lock().expect("no panic")[i] = fnv(&out);
                }
            });
        }
    });
    let results = results.into_inner().expect("no panic");
    let mut text = String::new();
    for (i, &(a, s)) in jobs.iter().enumerate() {
        let _ = writeln!(
            text,
            "{:016x} {} · {}",
            results[i], articles[a].0, styles[s].0
        );
    }
    text
}

#[test]
fn cat_writes_the_same_bytes_as_before() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(HASHES);
    let now = hashes();
    if std::env::var_os("LONGFORM_BLESS").is_some() {
        std::fs::write(&path, &now).expect("write the hashes");
        return;
    }
    let before = std::fs::read_to_string(&path).expect("tests/same_output.hashes");
    // Each case by its name: the hash, then the name.
    let cases = |text: &str| -> std::collections::BTreeMap<String, String> {
        text.lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(hash, name)| (name.to_string(), hash.to_string()))
            .collect()
    };
    let (now, before) = (cases(&now), cases(&before));
    let mut changed: Vec<String> = now
        .iter()
        .filter(|(name, hash)| before.get(*name) != Some(hash))
        .map(|(name, hash)| match before.get(name) {
            Some(was) => format!("  {name}: {was} → {hash}"),
            None => format!("  {name}: new, {hash}"),
        })
        .collect();
    changed.extend(
        before
            .keys()
            .filter(|name| !now.contains_key(*name))
            .map(|name| format!("  {name}: no longer checked")),
    );
    assert!(
        changed.is_empty(),
        "cat's output changed ({} of {} cases):\n{}",
        changed.len(),
        now.len(),
        changed.join("\n")
    );
}
