//! Write a generated benchmark article to stdout, the same bytes the
//! benchmarks read:
//!
//! ```sh
//! cargo run --release --example gen -- 10m > gen10mb.md
//! ```
//!
//! Sizes: `100k`, `1m`, `10m` (articles), `line` (the 2 MiB single-line
//! paragraph), `quotes` (10,000 nested block quotes), `epub` (an EPUB
//! book of 2 MiB of text, to write to a `.epub` file), `table30m` (one
//! table of about 30 MB), `table200k` (a table of 200,000 rows) and
//! `footnotes` (100,000 footnotes). An optional second
//! argument is the seed.

use std::io::Write;

use longform::testgen::{self, SEED};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "1m".into());
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(SEED);
    let text = match kind.as_str() {
        "100k" => testgen::article(seed, testgen::SIZE_100K),
        "1m" => testgen::article(seed, testgen::SIZE_1M),
        "10m" => testgen::article(seed, testgen::SIZE_10M),
        "line" => testgen::single_line(seed, testgen::SIZE_SINGLE_LINE),
        "quotes" => testgen::nested_quotes(testgen::QUOTE_DEPTH),
        "epub" => {
            let book = testgen::epub(seed, testgen::SIZE_EPUB);
            return std::io::stdout().lock().write_all(&book);
        }
        // The shapes issue 20 measured memory on: a 30 MB table, a table
        // of 200,000 rows, 100,000 footnotes.
        "table30m" => testgen::big_table(seed, 640_000),
        "table200k" => testgen::big_table(seed, 200_000),
        "footnotes" => testgen::many_footnotes(seed, 100_000),
        other => {
            eprintln!(
                "gen: unknown size {other:?}: use 100k, 1m, 10m, line, quotes, epub, table30m, table200k or footnotes"
            );
            std::process::exit(2);
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())
}
