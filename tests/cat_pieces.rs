//! `longform cat` parses long Markdown in pieces cut where blocks start,
//! a few at a time, and never holds the whole document (issue 7). Its
//! output must be byte for byte the output of the whole document.

use longform::cli::{CatStyle, cat_linked, cat_source};
use longform::layout::LayoutOptions;
use longform::tui::theme::Theme;

fn whole(text: &str, style: CatStyle) -> Vec<u8> {
    let doc = longform::parse::parse(text);
    let mut out = Vec::new();
    cat_linked(
        &doc,
        style.width,
        style.options,
        style.theme,
        style.osc8,
        &mut out,
    )
    .unwrap();
    out
}

fn pieces(text: &str, piece: usize, style: CatStyle) -> Vec<u8> {
    let mut out = Vec::new();
    cat_source(text, None, piece, style, &mut out).unwrap();
    out
}

fn styles() -> [CatStyle; 2] {
    [
        CatStyle {
            width: 80,
            options: LayoutOptions::default(),
            theme: Some(Theme::Dark),
            osc8: true,
        },
        CatStyle {
            width: 47,
            options: LayoutOptions {
                justify: true,
                plain_code: true,
            },
            theme: None,
            osc8: false,
        },
    ]
}

fn check(name: &str, text: &str, piece: usize) {
    for style in styles() {
        let a = whole(text, style);
        let b = pieces(text, piece, style);
        if a != b {
            let a = String::from_utf8_lossy(&a);
            let b = String::from_utf8_lossy(&b);
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            let around = |t: &str| {
                t.lines()
                    .skip(line.saturating_sub(4))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "{name}, pieces of {piece}: line {line} differs:\n--- whole:\n{}\n--- pieces:\n{}",
                around(&a),
                around(&b)
            );
        }
    }
}

#[test]
fn real_articles_in_small_pieces_match_the_whole() {
    for dir in ["tests/corpus", "articles"] {
        let dir = format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in [1, 700, 4096] {
                check(&path.display().to_string(), &text, piece);
            }
        }
    }
}

#[test]
fn a_generated_article_in_pieces_matches_the_whole() {
    let text = longform::testgen::article(longform::testgen::SEED, 400 * 1024);
    for piece in [3000, 64 * 1024] {
        check("generated", &text, piece);
    }
}

#[test]
fn every_element_in_pieces_matches_the_whole() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/elements.md");
    let text = std::fs::read_to_string(path).unwrap();
    for piece in [1, 50, 500] {
        check("elements.md", &text, piece);
    }
}
