//! The library scan (issues 5, 7 and 26): 2,000 generated articles of
//! 100 KiB each, about 200 MB, found and summarised cold (no cache: the
//! head of every file is read and parsed, on every core) and warm (the
//! cache from the config dir is valid: only file metadata is read). The
//! targets are under 1.5 s cold on two cores and under 1 s warm.
//! `scripts/library_scan.py` times the same shelf through the binary, with
//! the library's first screen.
//!
//! Run with `cargo bench --locked --bench library`. Setting up writes the
//! articles to a temporary folder once; twenty distinct articles are
//! written under a hundred names each, which costs the scan the same as
//! two thousand different ones (the cache is keyed by path).

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::black_box;
use longform::library::{Cache, find_articles, scan};
use longform::testgen::{self, SEED};

fn main() {
    divan::main();
}

const ARTICLES: usize = 2000;
const DISTINCT: usize = 20;
const SIZE: usize = 100 * 1024;

/// The shelf of articles and a config dir holding a warm cache.
struct Shelf {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache_file: PathBuf,
}

fn shelf() -> &'static Shelf {
    static SHELF: OnceLock<Shelf> = OnceLock::new();
    SHELF.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("articles");
        let texts: Vec<String> = (0..DISTINCT)
            .map(|i| testgen::article(SEED + i as u64, SIZE))
            .collect();
        for n in 0..ARTICLES {
            let folder = root.join(format!("shelf-{:02}", n % 40));
            std::fs::create_dir_all(&folder).expect("folder");
            std::fs::write(
                folder.join(format!("article-{n:04}.md")),
                &texts[n % DISTINCT],
            )
            .expect("write an article");
        }
        let cache_file = Cache::path(&dir.path().join("config"));
        let mut cache = Cache::default();
        let paths = find_articles(&root);
        scan(&paths, &mut cache, |_| {});
        cache.save(&cache_file).expect("save the cache");
        Shelf {
            _dir: dir,
            root,
            cache_file,
        }
    })
}

/// A start with the cache on disk: load it, walk the folders, check every
/// file's size and time.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn warm() {
    let s = shelf();
    let mut cache = Cache::load(&s.cache_file);
    let paths = find_articles(&s.root);
    let rows = scan(&paths, &mut cache, |_| {});
    assert_eq!(rows.len(), ARTICLES);
    black_box(rows);
}

/// No cache: the head of every file is read and parsed.
#[divan::bench(sample_count = 2, sample_size = 1)]
fn cold() {
    let s = shelf();
    let mut cache = Cache::default();
    let paths = find_articles(&s.root);
    black_box(scan(&paths, &mut cache, |_| {}));
}
