//! The bounded fuzzing pass that CI runs (issue 8): no open-ended fuzzing.
//! - Every crash input found by the fuzz targets, kept under
//!   `tests/fuzz_regressions/TARGET/`, is replayed through the same checks
//!   (`fuzz/src/lib.rs`, included below).
//! - A fixed number of proptest cases feed hostile Markdown and random
//!   bytes to the same checks.

use std::path::PathBuf;

use proptest::prelude::*;

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

/// The saved inputs of one target, sorted; none is fine.
fn saved(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("dir entry").path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read a saved input");
            (p, bytes)
        })
        .collect()
}

/// Run `check` on every saved input of `target`, naming the one that fails.
fn replay(target: &str, check: fn(&[u8])) {
    for (path, bytes) in saved(target) {
        let run = std::panic::catch_unwind(|| check(&bytes));
        assert!(run.is_ok(), "{} fails again", path.display());
    }
}

#[test]
fn render_regressions() {
    replay("render", checks::render);
}

#[test]
fn plaintext_regressions() {
    replay("plaintext", checks::plaintext);
}

#[test]
fn store_regressions() {
    replay("store", checks::store);
}

#[test]
fn pieces_regressions() {
    replay("pieces", checks::pieces);
}

#[test]
fn highlight_regressions() {
    replay("highlight", checks::highlight);
}

/// Pieces of Markdown that stress the parser, the layout and the screen.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,10}",
        "[ \t\n]{1,3}",
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("# ".to_string()),
        Just("[".to_string()),
        Just("](#x)".to_string()),
        Just("[^1]".to_string()),
        Just("\n[^1]: note\n".to_string()),
        Just("\n| a | b |\n|---|:-:|\n| c |\n".to_string()),
        Just("\n```\n\tcode\n```\n".to_string()),
        Just("---\ntitle: T\n---\n".to_string()),
        Just("**".to_string()),
        Just("`".to_string()),
        Just("<div>".to_string()),
        Just("&#27;".to_string()),
        Just("&#155;".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{2066}".to_string()),
        Just("\r".to_string()),
        Just("\u{feff}".to_string()),
        Just("👩‍🔬".to_string()),
        Just("\u{200d}".to_string()),
        Just("漢字".to_string()),
        Just("e\u{301}".to_string()),
        Just("\n```rust\n".to_string()),
        Just("\n```python\n".to_string()),
        Just("\n```sh\n".to_string()),
        Just("\n```js\n".to_string()),
        Just("\n```json\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("r#\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("/*".to_string()),
        Just("${".to_string()),
        Just("<<EOF\n".to_string()),
        Just("\\".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn render_holds_for_hostile_markdown(
        head in prop::array::uniform5(any::<u8>()),
        tokens in prop::collection::vec(token(), 0..60),
    ) {
        let mut data = head.to_vec();
        data.extend_from_slice(tokens.concat().as_bytes());
        checks::render(&data);
    }

    #[test]
    fn plaintext_holds_for_hostile_text(
        first in any::<u8>(),
        tokens in prop::collection::vec(token(), 0..60),
    ) {
        let mut data = vec![first];
        data.extend_from_slice(tokens.concat().as_bytes());
        checks::plaintext(&data);
    }

    #[test]
    fn render_holds_for_random_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        checks::render(&data);
    }

    #[test]
    fn store_holds_for_hostile_anchors(
        byte in any::<usize>(),
        len in any::<usize>(),
        same_text in any::<bool>(),
        section in prop::option::of(prop_oneof![
            Just("one".to_string()), Just("two".to_string()), "[a-z]{0,5}"
        ]),
        quote in "[a-zA-Zé漢字 ]{0,80}",
    ) {
        checks::store(&record(byte, len, same_text, section, &quote));
    }

    #[test]
    fn highlight_holds_for_code_like_text(
        lang in any::<u8>(),
        text in "[a-zA-Z0-9_ \t\n'\"`#$@!{}()<>\\[\\]/*\\\\.:;,=+|&%-é漢😀]{0,300}",
    ) {
        let mut data = vec![lang];
        data.extend_from_slice(text.as_bytes());
        checks::highlight(&data);
    }

    #[test]
    fn store_holds_for_random_bytes(data in prop::collection::vec(any::<u8>(), 0..200)) {
        checks::store(&data);
    }
}

/// A well-formed record whose position may point anywhere, in the article
/// the store check restores it in (`same_text`) or in another one.
fn record(
    byte: usize,
    len: usize,
    same_text: bool,
    section: Option<String>,
    quote: &str,
) -> Vec<u8> {
    use longform::position::Anchor;
    use longform::store::ReadingState;
    let doc = longform::parse::parse(checks::STORE_ARTICLE);
    let (fingerprint, len) = if same_text {
        (doc.fingerprint, checks::STORE_ARTICLE.len())
    } else {
        (doc.fingerprint ^ 1, len)
    };
    let mut state = ReadingState::new("/a.md".into(), "A".into(), fingerprint, 1);
    state.position = Some(Anchor {
        byte,
        len,
        fingerprint,
        section,
        section_title: None,
        quote: quote.to_string(),
    });
    serde_json::to_vec(&state).expect("a record serialises")
}
