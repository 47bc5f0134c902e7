//! Start-up overhead (issue 7), measured apart from the article: reading
//! the command line (clap), the config file with its colours and keys, and
//! the reading records (the store), with a config dir that holds 2,000 of
//! them. The target for all of it together is under 5 ms.
//!
//! Run with `cargo bench --locked --bench startup`.

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use divan::black_box;
use longform::cli::Cli;
use longform::store::{ReadingState, Store, learned_wpm, record_id};

fn main() {
    // Write the config dir before timing anything.
    home();
    divan::main();
}

const RECORDS: usize = 2000;

/// A config dir with a full config file and 2,000 reading records.
struct Home {
    _dir: tempfile::TempDir,
    config_dir: PathBuf,
    config_file: PathBuf,
    article: PathBuf,
}

fn home() -> &'static Home {
    static HOME: OnceLock<Home> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let config_dir = dir.path().join("config");
        std::fs::create_dir_all(&config_dir).expect("config dir");
        let config_file = config_dir.join("config.toml");
        std::fs::write(
            &config_file,
            "width = 72\ntheme = \"light\"\nwords_per_minute = 250\njustify = true\n\
             library = [\"~/reading\"]\nlinks.osc8 = true\n\n[colors]\nheading1 = \"#e5a50a\"\n\
             link = \"light blue\"\nstatus_background = 17\n\n[keys]\n\
             next_section = [\"]\", \"J\"]\nprev_section = [\"[\", \"K\"]\nquit = [\"q\", \"Ctrl-q\"]\n",
        )
        .expect("config file");
        let store = Store::new(&config_dir);
        for n in 0..RECORDS {
            let path = dir.path().join(format!("article-{n:04}.md"));
            let mut state = ReadingState::new(path.clone(), format!("Article {n}"), n as u64, 1);
            state.words_read = 2_000;
            state.active_seconds = 600;
            store.save(&record_id(&path), &state).expect("a record");
        }
        let article = dir.path().join("article-0001.md");
        std::fs::write(&article, "# An article\n\nWith a paragraph.\n").expect("article");
        Home {
            _dir: dir,
            config_dir,
            config_file,
            article,
        }
    })
}

/// The command line of `longform FILE`.
#[divan::bench]
fn command_line() -> Cli {
    Cli::parse_from(black_box(["longform", "article.md"]))
}

/// The config file, with its colours and keys checked (the theme and the
/// keymap are built from it).
#[divan::bench]
fn config_file() {
    let home = home();
    black_box(longform::tui::settings::load(black_box(&home.config_file)));
}

/// The record of the article being opened.
#[divan::bench]
fn own_record() {
    let home = home();
    let store = Store::new(&home.config_dir);
    let id = record_id(&std::fs::canonicalize(&home.article).expect("canonical"));
    black_box(store.load(&id).expect("load"));
}

/// The reading speed learned from every record: read on a thread when the
/// reader starts (the status bar uses 238 words a minute until it lands),
/// so it is not part of start-up, but measured here.
#[divan::bench(sample_count = 10)]
fn learned_speed_from_2000_records() -> Option<u32> {
    let store = Store::new(&home().config_dir);
    learned_wpm(store.all().iter().map(|(_, r)| r))
}
