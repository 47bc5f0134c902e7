//! Sync in the reader: the place another device pushed is pulled when an
//! article opens, and this machine's place is pushed when it is saved,
//! each on a thread under the client's 3 s deadline, so that no frame
//! waits for the network. The push made on quit runs in a detached
//! `longform sync push`, so that quitting does not wait either. A newer
//! place from another device moves the reader (Backspace returns), or is
//! offered first with `sync.ask = true`. A fault is said once a session
//! in the status bar and logged in `sync.log`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use anyhow::Result;

use crate::config::Config;
use crate::position::{Anchor, Position};
use crate::store;
use crate::sync::account::{self, Event};
use crate::sync::client::Remote;
use crate::sync::{self, Landing, Syncer};

use super::app::{App, IDLE_SAVE};

/// What the pull thread finds: the document's key and the place another
/// device pushed, if any.
type Pulled = Result<(String, Option<Remote>)>;

/// The sync of the article being read.
pub struct ReaderSync {
    syncer: Syncer,
    dir: PathBuf,
    path: PathBuf,
    /// The document's key, once the pull made it.
    document: Option<String>,
    pulling: Option<Receiver<Pulled>>,
    /// A pulled place waiting for the whole article to be parsed.
    pulled: Option<Remote>,
    /// A push running: the place it sends, and its percent once sent.
    pushing: Option<Receiver<(String, Result<u8>)>>,
    /// The place the server has (pushed or pulled here): the quit pushes
    /// only another one.
    synced: Option<String>,
    /// The place last tried: a push that failed is not tried again until
    /// the reader moves, which would make a storm of requests offline.
    tried: Option<String>,
    /// A place offered with `sync.ask = true`, or when the reader was
    /// opened at a place asked for: `y` goes there.
    pub offer: Option<Landing>,
    /// The reader was opened at a place asked for (a section, the start).
    asked: bool,
    /// This machine's place when another device's newer one came: not
    /// pushed over it while the reader stays there (it declined the
    /// offer, or went back with Backspace), only once it reads on.
    held: Option<String>,
    /// A fault was shown already this session.
    warned: bool,
}

impl ReaderSync {
    /// Start syncing the article at `path` (`None` for stdin, which is not
    /// synced): the pull begins on a thread. `None` when logged out.
    /// `asked`: the reader opens at a place asked for, which another
    /// device's place does not replace unasked.
    pub fn start(
        dir: &Path,
        config: &Config,
        path: Option<&Path>,
        asked: bool,
        app: &mut App,
    ) -> Option<ReaderSync> {
        let path = path?.to_path_buf();
        if !app.session.saves() {
            return None;
        }
        let syncer = match Syncer::open(dir, &config.sync) {
            Ok(Some(s)) => s,
            Ok(None) => return None,
            Err(e) => {
                let line = format!("Sync: {e:#}");
                account::log(dir, store::now(), &line);
                app.message.get_or_insert(line);
                return None;
            }
        };
        if let Some(w) = &syncer.warning {
            app.message.get_or_insert_with(|| format!("Sync: {w}"));
        }
        let (tx, rx) = channel();
        let (client, how, file) = (syncer.client.clone(), syncer.document, path.clone());
        std::thread::Builder::new()
            .name("sync-pull".into())
            .spawn(move || {
                let pulled = sync::document_key(&file, how).and_then(|key| {
                    let remote = client.pull(&key)?;
                    Ok((key, remote))
                });
                let _ = tx.send(pulled);
            })
            .ok()?;
        Some(ReaderSync {
            syncer,
            dir: dir.to_path_buf(),
            path,
            document: None,
            pulling: Some(rx),
            pulled: None,
            pushing: None,
            synced: None,
            tried: None,
            offer: None,
            asked,
            warned: false,
            held: None,
        })
    }

    /// Take in what the threads did, move the reader to a newer place, and
    /// push once the reader has been idle.
    pub fn tick(&mut self, app: &mut App, now: Instant) {
        if let Some(result) = take(&mut self.pulling) {
            match result {
                Ok((key, remote)) => {
                    self.document = Some(key);
                    self.pulled = remote;
                }
                Err(e) => self.fault(app, &e),
            }
        }
        if self.pulled.is_some() && !app.is_partial() {
            let remote = self.pulled.take().unwrap_or_else(|| unreachable!());
            self.arrive(app, &remote);
        }
        if let Some((progress, result)) = take(&mut self.pushing) {
            match result {
                Ok(percent) => {
                    self.synced = Some(progress);
                    self.note(false, app, percent, String::new());
                }
                Err(e) => self.fault(app, &e),
            }
        }
        if self.pushing.is_none() && app.session.idle(now) >= IDLE_SAVE {
            self.push(app);
        }
    }

    /// A pulled place: go there when it is newer and elsewhere.
    fn arrive(&mut self, app: &mut App, remote: &Remote) {
        let landing = sync::landing(&app.doc, app.session.text(), remote);
        self.synced = Some(remote.progress.clone());
        let updated = app.session.state.position_updated;
        if !sync::worth_jumping(remote, &landing, &self.syncer.device_id, updated, app.top()) {
            return;
        }
        // Newer than the place here, which is then not sent back over it.
        self.held = app
            .session
            .state
            .position
            .as_ref()
            .map(sync::progress::encode);
        if self.syncer.ask || self.asked {
            app.message = Some(format!(
                "{} is at {}%{}: y goes there, any other key stays",
                landing.device,
                landing.percent,
                if landing.exact { "" } else { " (approximate)" }
            ));
            self.offer = Some(landing);
        } else {
            self.go(app, landing);
        }
    }

    /// Take the offered place (`y` after `sync.ask`).
    pub fn accept(&mut self, app: &mut App) {
        if let Some(landing) = self.offer.take() {
            self.go(app, landing);
        }
    }

    fn go(&mut self, app: &mut App, mut landing: Landing) {
        let before = app.top();
        app.jump(landing.pos);
        // A move like a key's: the place is saved once the reader rests.
        app.after_key(before, Instant::now());
        // An exact place: the percent the status bar shows there (100
        // with the end on screen), not the byte's. An approximate one
        // keeps the other device's.
        if landing.exact {
            let screen = app.reader.screen(&app.doc, &mut app.layout);
            landing.percent = app.reader.percent(&app.doc, &screen);
        }
        app.message = Some(format!(
            "{} · Backspace returns",
            sync::synced_message(&landing)
        ));
        self.note(true, app, landing.percent, landing.device);
    }

    /// The saved place to push, when it is not the one last synced.
    fn place(&self, app: &App) -> Option<(Anchor, String)> {
        let anchor = app.session.state.position.clone()?;
        if anchor.fingerprint != app.doc.fingerprint || app.is_partial() {
            return None;
        }
        let progress = sync::progress::encode(&anchor);
        let known = [self.synced.as_deref(), self.held.as_deref()];
        (!known.contains(&Some(progress.as_str()))).then_some((anchor, progress))
    }

    /// Push the saved place on a thread.
    fn push(&mut self, app: &App) {
        let Some(document) = self.document.clone() else {
            return;
        };
        let Some((anchor, progress)) = self.place(app) else {
            return;
        };
        if self.tried.as_deref() == Some(progress.as_str()) {
            return;
        }
        let at_end = app.session.state.percent == 100;
        let push = self
            .syncer
            .push_of(&document, &app.doc, &anchor, Position(anchor.byte), at_end);
        let percent = (push.percentage * 100.0).floor() as u8;
        let client = self.syncer.client.clone();
        let (tx, rx) = channel();
        let sent = progress.clone();
        let spawned = std::thread::Builder::new()
            .name("sync-push".into())
            .spawn(move || {
                let result = client.push(&push).map(|_| percent).map_err(Into::into);
                let _ = tx.send((sent, result));
            });
        if spawned.is_ok() {
            self.tried = Some(progress);
            self.pushing = Some(rx);
            // Read on from the place held: from now on it is a place like
            // any other, sent when the reader comes back to it.
            self.held = None;
        }
    }

    /// The reader closes, its place saved: push it with a detached
    /// `longform sync push`, which outlives this process, so that quitting
    /// never waits for the network.
    pub fn finish(self, app: &App) {
        if self.place(app).is_none() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("sync")
            .arg("push")
            .arg(&self.path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        #[cfg(unix)]
        {
            // Out of the terminal's process group: a hang-up or Ctrl-C
            // there does not stop it.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        if let Err(e) = cmd.spawn() {
            account::log(&self.dir, store::now(), &format!("sync: cannot push: {e}"));
        }
    }

    fn note(&self, pull: bool, app: &App, percent: u8, device: String) {
        let event = Event {
            time: store::now(),
            title: app.title.clone(),
            percent,
            device,
        };
        if let Err(e) = account::note_activity(&self.dir, pull, event) {
            account::log(&self.dir, store::now(), &format!("sync: {e:#}"));
        }
    }

    /// Say a fault once a session; log every one.
    fn fault(&mut self, app: &mut App, err: &anyhow::Error) {
        let line = format!("Sync: {err:#}");
        account::log(&self.dir, store::now(), &line);
        if !self.warned {
            self.warned = true;
            // After what opening said (where it resumed), not over it.
            super::say_after(&mut app.message, line);
        }
    }
}

/// A thread's result, once it is there; a thread that died is forgotten.
fn take<T>(rx: &mut Option<Receiver<T>>) -> Option<T> {
    match rx.as_ref()?.try_recv() {
        Ok(value) => {
            *rx = None;
            Some(value)
        }
        Err(TryRecvError::Empty) => None,
        Err(TryRecvError::Disconnected) => {
            *rx = None;
            None
        }
    }
}
