//! Process-level tests of the reading store: writers killed with SIGKILL at
//! random moments never leave a torn record, and two processes adding
//! bookmarks to one article lose none. The child processes are this test
//! binary run again on an ignored test, told what to do by environment
//! variables; everything lives in a temporary dir, never the real home.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use longform::parse::parse;
use longform::position::{Anchor, Position};
use longform::store::{Load, ReadingState, Store};

const ID: &str = "5eed5eed5eed5eed";
/// The store dir a child works in; children do nothing without it.
const DIR_VAR: &str = "LONGFORM_STORE_TEST_DIR";
/// The label prefix of a bookmarking child.
const TAG_VAR: &str = "LONGFORM_STORE_TEST_TAG";
const BOOKMARKS_PER_CHILD: usize = 20;
/// Bookmarks in the record a killed writer rewrites: enough to make a
/// write take a while, so kills land in the middle of some.
const BIG: usize = 400;

fn anchor(byte: usize) -> Anchor {
    let src = "# Title\n\nSome text to anchor in, long enough for a quote of it.\n";
    Anchor::at(&parse(src), Position(byte))
}

fn big_state() -> ReadingState {
    let mut state = ReadingState::new("/articles/big.md".into(), "Big".into(), 7, 1);
    for i in 0..BIG {
        let note = format!("note {i}: {}", "lorem ipsum ".repeat(10));
        state.add_bookmark(anchor(i % 60), format!("mark {i}"), Some(note), 1);
    }
    state
}

fn child(test: &str, dir: &Path, tag: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(DIR_VAR, dir)
    .env(TAG_VAR, tag)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

/// Child: rewrite the big record as fast as it can, forever, counting
/// its saves in `seconds_read` so the parent sees progress.
#[test]
#[ignore = "a child process of killed_writers_never_leave_a_torn_record"]
fn writer_child() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let store = Store::new(Path::new(&dir));
    let mut state = match store.load(ID).expect("load") {
        Load::Found(state) => state,
        other => panic!("{other:?}"),
    };
    loop {
        state.seconds_read += 1;
        state = store.save(ID, &state).expect("save");
    }
}

/// Child: add bookmarks one by one, saving after each, as a reader would.
#[test]
#[ignore = "a child process of two_processes_adding_bookmarks_lose_none"]
fn bookmark_child() {
    let (Some(dir), Ok(tag)) = (std::env::var_os(DIR_VAR), std::env::var(TAG_VAR)) else {
        return;
    };
    let store = Store::new(Path::new(&dir));
    // Both children opened the article before either saved.
    let mut state = ReadingState::new("/articles/a.md".into(), "A".into(), 9, 1);
    for i in 0..BOOKMARKS_PER_CHILD {
        state.add_bookmark(anchor(i), format!("{tag}-{i}"), None, 1);
        state = store.save(ID, &state).expect("save");
    }
}

#[test]
fn killed_writers_never_leave_a_torn_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(ID, &big_state()).unwrap();
    let mut last = 0;
    for round in 0..25u64 {
        let mut writer = child("writer_child", dir.path(), "").spawn().unwrap();
        // Once it has saved (a loaded machine can take long to start it,
        // and a kill before the first save would prove nothing), vary the
        // moment of the kill so it lands in every phase of a save.
        let started = Instant::now();
        while !matches!(store.load(ID), Ok(Load::Found(s)) if s.seconds_read > last) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "round {round}: the writer never saved"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis((round * 17) % 70));
        // `Child::kill` sends SIGKILL on Unix: no destructor, no cleanup.
        writer.kill().unwrap();
        writer.wait().unwrap();
        let state = match store.load(ID).unwrap() {
            Load::Found(state) => state,
            other => panic!("round {round}: {other:?}"),
        };
        assert_eq!(state.bookmarks.len(), BIG, "round {round}");
        assert!(state.seconds_read > last, "round {round}: went back");
        last = state.seconds_read;
    }
    assert!(last > 0, "the writers never saved: the test proved nothing");
    let names: Vec<String> = std::fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("corrupt")), "{names:?}");
}

#[test]
fn two_processes_adding_bookmarks_lose_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let started = Instant::now();
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|tag| child("bookmark_child", dir.path(), tag).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "a child failed");
    }
    assert!(started.elapsed() < Duration::from_secs(60));
    let Load::Found(state) = store.load(ID).unwrap() else {
        panic!("no record");
    };
    let mut labels: Vec<String> = state.bookmarks.into_iter().map(|b| b.label).collect();
    labels.sort();
    let mut expected: Vec<String> = ["a", "b"]
        .iter()
        .flat_map(|t| (0..BOOKMARKS_PER_CHILD).map(move |i| format!("{t}-{i}")))
        .collect();
    expected.sort();
    assert_eq!(labels, expected);
}

/// Records written by older longforms, as fixtures: version 1 (before
/// coverage) and version 2 (before highlights). Each is read through the
/// store and comes out as the current version once saved.
fn migrated(fixture: &str) -> (tempfile::TempDir, Store, ReadingState) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path());
    std::fs::create_dir_all(store.dir()).expect("reading dir");
    let text = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/records")
            .join(fixture),
    )
    .expect("fixture");
    std::fs::write(store.record_path(ID), text).expect("record");
    let Load::Found(state) = store.load(ID).expect("load") else {
        panic!("{fixture}: not read as a record");
    };
    (dir, store, state)
}

#[test]
fn a_v1_record_counts_everything_before_its_place_as_read() {
    let (_dir, store, state) = migrated("v1-midway.json");
    assert_eq!(state.version, 3);
    assert_eq!(state.coverage.pairs(), [[0, 4210]]);
    assert_eq!((state.percent, state.read), (47, 47));
    assert!(!state.finished);
    assert_eq!(state.bookmarks.len(), 1);
    assert_eq!(state.bookmarks[0].note.as_deref(), Some("quote this"));
    assert_eq!(state.seconds_read, 540);
    // Saved again, it is a version 3 record with the same contents.
    store.save(ID, &state).expect("save");
    let text = std::fs::read_to_string(store.record_path(ID)).expect("read");
    assert!(text.contains("\"version\": 3"), "{text}");
    assert_eq!(store.load(ID).expect("load"), Load::Found(state));
}

#[test]
fn a_v1_finish_from_a_jump_to_the_end_is_not_kept() {
    // Version 1 marked an article finished when its end was on screen at
    // all, even after a peek at the end and back.
    let (_dir, _store, state) = migrated("v1-peeked-at-the-end.json");
    assert_eq!(state.coverage.pairs(), [[0, 310]]);
    assert_eq!(state.read, 3);
    assert!(!state.finished);
}

#[test]
fn a_v1_finish_chosen_by_hand_is_kept() {
    let (_dir, _store, state) = migrated("v1-finished-by-hand.json");
    assert!(state.finished);
    assert!(state.coverage.is_empty());
    assert_eq!(state.position, None);
}

#[test]
fn a_v2_record_reads_as_it_is_and_is_saved_as_v3_with_highlights() {
    let (_dir, store, mut state) = migrated("v2-with-coverage.json");
    // Nothing to migrate: read as written, without highlights.
    assert_eq!(state.version, 2);
    assert_eq!(state.coverage.pairs(), [[0, 1800], [2400, 3900]]);
    assert_eq!((state.percent, state.read), (38, 35));
    assert_eq!(state.bookmarks.len(), 1);
    assert_eq!(state.tombstones.len(), 1);
    assert!(state.highlights.is_empty());
    assert!(state.unknown.is_empty(), "{:?}", state.unknown);
    let src = "# The Slow Web\n\nA feed is a promise kept quietly.\n";
    let h = longform::annotations::Highlight::new(&parse(src), 16..22, 3, 1_764_600_000)
        .expect("a passage");
    let id = state.highlights.add(h);
    let saved = store.save(ID, &state).expect("save");
    let text = std::fs::read_to_string(store.record_path(ID)).expect("read");
    assert!(text.contains("\"version\": 3"), "{text}");
    assert!(text.contains("\"highlights\": ["), "{text}");
    let Load::Found(again) = store.load(ID).expect("load") else {
        panic!("not read back");
    };
    assert_eq!(again, saved);
    assert_eq!(
        again.highlights.get(&id).map(|h| h.text.as_str()),
        Some("A feed")
    );
    assert_eq!(again.coverage.pairs(), [[0, 1800], [2400, 3900]]);
}
