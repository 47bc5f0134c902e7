//! Conflict copies that sync tools leave beside a record: Syncthing's
//! `<id>.sync-conflict-<date>-<time>-<device>.json` and Dropbox's
//! `<id> (conflicted copy <date>).json`. Records merge without loss, so a
//! copy is merged into its record when the record is next loaded, and then
//! removed. A copy that cannot be read is set aside like a corrupt record,
//! never deleted; one from a newer longform is left alone.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;

use super::{OnDisk, Store, check_id, merge, move_aside, read};

/// The record id a file name is a conflict copy of, if it is one.
pub fn conflict_copy_of(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".json")?;
    let id = syncthing(stem).or_else(|| dropbox(stem))?;
    check_id(id).ok().map(|()| id)
}

/// `<id>.sync-conflict-20261204-153000-ABCDEF1`.
fn syncthing(stem: &str) -> Option<&str> {
    let (id, rest) = stem.split_once(".sync-conflict-")?;
    let mut parts = rest.splitn(3, '-');
    let date = parts.next()?;
    let time = parts.next()?;
    let device = parts.next()?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    (digits(date, 8)
        && digits(time, 6)
        && !device.is_empty()
        && device.bytes().all(|b| b.is_ascii_alphanumeric()))
    .then_some(id)
}

/// `<id> (conflicted copy 2026-12-04)`, also `(Ann's conflicted copy …)`
/// and a numbered `(conflicted copy 2026-12-04 (1))`.
fn dropbox(stem: &str) -> Option<&str> {
    let (id, rest) = stem.split_once(" (")?;
    (rest.ends_with(')') && rest.contains("conflicted copy ")).then_some(id)
}

/// What merging the conflict copies of a record did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Copies merged into the record and removed.
    pub merged: Vec<PathBuf>,
    /// Copies that could not be read, moved aside to these paths.
    pub set_aside: Vec<PathBuf>,
}

impl Store {
    /// The conflict copies of record `id` in the folder.
    fn conflict_copies(&self, id: &str) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut copies: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .and_then(conflict_copy_of)
                    .is_some_and(|of| of == id)
            })
            .map(|e| e.path())
            .collect();
        copies.sort();
        copies
    }

    /// Merge the conflict copies of record `id` into it, under its lock,
    /// write it, and remove the copies merged. Nothing is removed unless
    /// the merged record was written.
    pub fn merge_conflict_copies(&self, id: &str) -> Result<Merged> {
        check_id(id)?;
        let mut done = Merged::default();
        if self.conflict_copies(id).is_empty() {
            return Ok(done);
        }
        let _lock = self.lock(id)?;
        let path = self.record_path(id);
        let mut record = match read(&path)? {
            OnDisk::Valid(state) => Some(*state),
            OnDisk::Missing => None,
            OnDisk::Bad(_) => {
                move_aside(&path)?;
                None
            }
            // A newer longform owns this record and its copies.
            OnDisk::Newer(..) => return Ok(done),
        };
        for copy in self.conflict_copies(id) {
            match read(&copy)? {
                OnDisk::Valid(theirs) => {
                    record = Some(match record {
                        // The record's path and title are this machine's.
                        Some(ours) => merge(&theirs, &ours),
                        None => *theirs,
                    });
                    done.merged.push(copy);
                }
                OnDisk::Bad(_) => done.set_aside.push(move_aside(&copy)?),
                OnDisk::Newer(..) | OnDisk::Missing => {}
            }
        }
        if let Some(record) = record.filter(|_| !done.merged.is_empty()) {
            self.write_atomically(id, &path, &record)?;
            for copy in &done.merged {
                fs::remove_file(copy)?;
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_copy_names() {
        let id = "0123456789abcdef";
        for name in [
            "0123456789abcdef.sync-conflict-20261204-153000-ABCDEF1.json",
            "0123456789abcdef.sync-conflict-20261204-153000-7Q3NX2B.json",
            "0123456789abcdef (conflicted copy 2026-12-04).json",
            "0123456789abcdef (Ann's conflicted copy 2026-12-04).json",
            "0123456789abcdef (conflicted copy 2026-12-04 (1)).json",
        ] {
            assert_eq!(conflict_copy_of(name), Some(id), "{name}");
        }
        for name in [
            "0123456789abcdef.json",
            "0123456789abcdef.lock",
            ".0123456789abcdef.x1y2.tmp",
            "0123456789abcdef.json.corrupt-1796390000",
            "0123456789abcdef.sync-conflict-20261204-153000-ABCDEF1.json.corrupt-1",
            "0123456789abcdef.sync-conflict-2026124-153000-ABCDEF1.json",
            "0123456789abcdef.sync-conflict-20261204-153000-.json",
            "0123456789abcdef.sync-conflict-20261204-153000-ABC.json.tmp",
            "0123456789abcdef (copy 2026-12-04).json",
            "../x.sync-conflict-20261204-153000-ABCDEF1.json",
            "a b (conflicted copy 2026-12-04).json",
            " (conflicted copy 2026-12-04).json",
        ] {
            assert_eq!(conflict_copy_of(name), None, "{name}");
        }
    }

    fn anchor(byte: usize) -> crate::position::Anchor {
        crate::position::Anchor {
            byte,
            len: 1000,
            fingerprint: 7,
            section: None,
            section_title: None,
            quote: "words".into(),
        }
    }

    fn record(now: u64) -> crate::store::ReadingState {
        crate::store::ReadingState::new("/a/b.md".into(), "B".into(), 7, now)
    }

    fn write(path: &std::path::Path, state: &crate::store::ReadingState) {
        fs::write(path, serde_json::to_vec(state).unwrap()).unwrap();
    }

    #[test]
    fn a_syncthing_copy_is_merged_into_the_record_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let id = "00112233aabbccdd";
        let mut ours = record(10);
        ours.set_position(anchor(100), 20);
        ours.add_bookmark(anchor(50), "ours".into(), None, 10);
        store.save(id, &ours).unwrap();

        // Another machine's copy: a bookmark ours lacks, a newer place.
        let mut theirs = record(10);
        theirs.set_position(anchor(300), 30);
        theirs.add_bookmark(anchor(200), "theirs".into(), None, 15);
        let copy = store
            .dir()
            .join(format!("{id}.sync-conflict-20261204-153000-ABCDEF1.json"));
        write(&copy, &theirs);

        let crate::store::Load::Found(merged) = store.load(id).unwrap() else {
            panic!("the record");
        };
        let labels: Vec<&str> = merged.bookmarks.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["ours", "theirs"]);
        assert_eq!(merged.position.map(|a| a.byte), Some(300));
        assert_eq!(merged.path, std::path::PathBuf::from("/a/b.md"));
        assert!(!copy.exists(), "the copy is removed once merged");
        // The merge is on disk, not only in what load returned.
        let again = fs::read(store.record_path(id)).unwrap();
        assert!(String::from_utf8_lossy(&again).contains("theirs"));
    }

    #[test]
    fn a_dropbox_copy_of_a_missing_record_becomes_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        fs::create_dir_all(store.dir()).unwrap();
        let id = "00112233aabbccdd";
        let mut theirs = record(10);
        theirs.add_bookmark(anchor(200), "theirs".into(), None, 15);
        let copy = store
            .dir()
            .join(format!("{id} (Ann's conflicted copy 2026-12-04).json"));
        write(&copy, &theirs);
        let crate::store::Load::Found(state) = store.load(id).unwrap() else {
            panic!("the record");
        };
        assert_eq!(state.bookmarks.len(), 1);
        assert!(!copy.exists());
    }

    #[test]
    fn an_unreadable_copy_is_set_aside_never_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let id = "00112233aabbccdd";
        let mut ours = record(10);
        ours.add_bookmark(anchor(50), "ours".into(), None, 10);
        store.save(id, &ours).unwrap();
        let copy = store
            .dir()
            .join(format!("{id}.sync-conflict-20261204-153000-ABCDEF1.json"));
        fs::write(&copy, b"{ torn").unwrap();
        let done = store.merge_conflict_copies(id).unwrap();
        assert!(done.merged.is_empty());
        assert_eq!(done.set_aside.len(), 1);
        assert!(!copy.exists());
        assert_eq!(fs::read(&done.set_aside[0]).unwrap(), b"{ torn");
        let crate::store::Load::Found(state) = store.load(id).unwrap() else {
            panic!("the record");
        };
        assert_eq!(state.bookmarks.len(), 1, "the record is untouched");
    }
}
