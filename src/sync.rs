//! Reading progress that follows the reader across machines, through a
//! KOReader sync server (kosync): the document's key as KOReader makes it,
//! what a place becomes when pushed, and where a pulled place puts the
//! reader. The protocol is in `client`, the files kept for it in
//! `account`. Nothing here draws on the screen: the reader and the
//! `longform sync` commands call these and say what happened.

pub mod account;
pub mod client;
pub mod digest;
pub mod progress;

use std::path::Path;

use anyhow::{Context, Result};

use crate::config::{DocumentKey, Sync as SyncConfig};
use crate::document::Document;
use crate::position::{Anchor, Position};
use client::{Client, Push, Remote, Server};

/// The key the server knows the file at `path` by.
pub fn document_key(path: &Path, how: DocumentKey) -> Result<String> {
    match how {
        DocumentKey::Binary => {
            // Checked before it is opened: a named pipe put in the
            // article's place would wait for a writer.
            let (file, _) = crate::load::open_regular(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read {}: {}",
                    crate::parse::sanitize_line(&path.to_string_lossy()),
                    e.describe("an article")
                )
            })?;
            digest::partial_md5_of(std::io::BufReader::new(file))
                .with_context(|| format!("cannot read {}", path.display()))
        }
        DocumentKey::Filename => {
            let name = path
                .file_name()
                .with_context(|| format!("{} has no file name", path.display()))?;
            Ok(digest::filename_md5(&name.to_string_lossy()))
        }
    }
}

/// A logged-in user on a server, with this machine's names: what a push or
/// a pull needs.
#[derive(Clone, Debug)]
pub struct Syncer {
    pub client: Client,
    pub device: String,
    pub device_id: String,
    pub document: DocumentKey,
    /// Ask before jumping to another device's place.
    pub ask: bool,
    /// What to say about the server once (plain http allowed by the
    /// config).
    pub warning: Option<String>,
}

impl Syncer {
    /// The syncer of the config dir `dir`; `None` when logged out.
    pub fn open(dir: &Path, config: &SyncConfig) -> Result<Option<Syncer>> {
        let Some(login) = account::load_login(dir)? else {
            return Ok(None);
        };
        let server = Server::parse(&login.server, config.insecure_http.unwrap_or(false))?;
        let warning = server.warning();
        Ok(Some(Syncer {
            client: Client::new(server, &login.user, &login.key),
            device: device_name(config),
            device_id: account::device_id(dir)?,
            document: config.document.unwrap_or_default(),
            ask: config.ask.unwrap_or(false),
            warning,
        }))
    }

    /// What to push for the place `anchor` (at `pos` in `doc`).
    pub fn push_of(
        &self,
        document: &str,
        doc: &Document,
        anchor: &Anchor,
        pos: Position,
        at_end: bool,
    ) -> Push {
        Push {
            document: document.to_string(),
            progress: progress::encode(anchor),
            percentage: progress::fraction_at(doc, pos, at_end),
            device: self.device.clone(),
            device_id: self.device_id.clone(),
        }
    }
}

/// This machine's name on the server: `sync.device`, else the host name.
pub fn device_name(config: &SyncConfig) -> String {
    config
        .device
        .clone()
        .or_else(account::host_name)
        .unwrap_or_else(|| "longform".to_string())
}

/// Where a pulled place puts the reader.
#[derive(Clone, Debug, PartialEq)]
pub struct Landing {
    pub pos: Position,
    /// longform's own anchor was found; otherwise only the fraction of
    /// the words was known (a KOReader XPointer).
    pub exact: bool,
    /// Percent of the article's words.
    pub percent: u8,
    pub device: String,
}

/// Where `remote` puts the reader in `doc` (parsed from `text`).
pub fn landing(doc: &Document, text: &str, remote: &Remote) -> Landing {
    let device = if remote.device.trim().is_empty() {
        "another device".to_string()
    } else {
        crate::parse::sanitize(remote.device.trim())
    };
    match progress::decode(&remote.progress) {
        Some(anchor) => {
            let (pos, _) = anchor.restore(doc, text);
            Landing {
                pos,
                exact: true,
                percent: doc.percent_at(pos),
                device,
            }
        }
        None => Landing {
            pos: progress::position_at_fraction(doc, remote.percentage),
            exact: false,
            percent: (remote.percentage * 100.0).round().clamp(0.0, 100.0) as u8,
            device,
        },
    }
}

/// `Synced from laptop: 63%`, `(approximate)` when only the fraction was
/// known.
pub fn synced_message(landing: &Landing) -> String {
    let approximate = if landing.exact { "" } else { " (approximate)" };
    format!(
        "Synced from {}: {}%{approximate}",
        landing.device, landing.percent
    )
}

/// Whether a pulled place should move a reader whose own place was set
/// at `local_updated` (unix seconds) and is `local`: it came from another
/// device, later, and puts the reader somewhere else.
pub fn worth_jumping(
    remote: &Remote,
    landing: &Landing,
    own_device_id: &str,
    local_updated: u64,
    local: Position,
) -> bool {
    remote.device_id != own_device_id && remote.timestamp > local_updated && landing.pos != local
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_has_no_document_key() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        let e = document_key(&pipe, DocumentKey::Binary).unwrap_err();
        assert!(
            format!("{e:#}").ends_with("pipe.md: not a regular file (a named pipe)"),
            "{e:#}"
        );
    }

    const TEXT: &str = "# Title\n\nOne two three four five six seven eight nine ten.\n\n\
                        ## Second\n\nEleven twelve thirteen fourteen fifteen sixteen seventeen.\n";

    fn remote(progress: String, percentage: f64, device: &str) -> Remote {
        Remote {
            progress,
            percentage,
            device: device.to_string(),
            device_id: "B".to_string(),
            timestamp: 100,
        }
    }

    #[test]
    fn a_longform_place_lands_exactly_and_a_koreader_one_by_its_fraction() {
        let doc = crate::parse::parse(TEXT);
        let at = Position(TEXT.find("Eleven").unwrap());
        let anchor = Anchor::at(&doc, at);
        let ours = landing(
            &doc,
            TEXT,
            &remote(progress::encode(&anchor), 0.6, "laptop"),
        );
        assert_eq!(ours.pos, at);
        assert!(ours.exact);
        assert_eq!(
            synced_message(&ours),
            format!("Synced from laptop: {}%", doc.percent_at(at))
        );

        let theirs = landing(
            &doc,
            TEXT,
            &remote(
                "/body/DocFragment[2]/body/p[3]/text().0".into(),
                0.63,
                "Kobo",
            ),
        );
        assert!(!theirs.exact);
        assert_eq!(
            synced_message(&theirs),
            "Synced from Kobo: 63% (approximate)"
        );
        let words = doc.words_before(theirs.pos) as f64 / doc.words as f64;
        assert!((words - 0.63).abs() < 0.06, "{words}");
    }

    #[test]
    fn only_a_newer_place_from_elsewhere_moves_the_reader() {
        let doc = crate::parse::parse(TEXT);
        let r = remote("x".into(), 0.5, "Kobo");
        let l = landing(&doc, TEXT, &r);
        assert!(worth_jumping(&r, &l, "A", 50, Position(0)));
        assert!(!worth_jumping(&r, &l, "B", 50, Position(0)), "our own push");
        assert!(!worth_jumping(&r, &l, "A", 100, Position(0)), "not newer");
        assert!(!worth_jumping(&r, &l, "A", 50, l.pos), "the same place");
    }

    #[test]
    fn document_keys_by_bytes_or_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("the-slow-web.md");
        std::fs::write(&path, "x").unwrap();
        assert_eq!(
            document_key(&path, DocumentKey::Filename).unwrap(),
            "f8f26c49afd9546b5fde8f4801b7636d"
        );
        assert_eq!(
            document_key(&path, DocumentKey::Binary).unwrap(),
            digest::partial_md5(b"x")
        );
        assert!(document_key(&dir.path().join("gone.md"), DocumentKey::Binary).is_err());
    }
}
