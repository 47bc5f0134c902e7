//! `longform sync …`: log in to a KOReader sync server (or register), say
//! how sync stands, push this machine's place in an article and pull
//! another device's. Each fault is one line on stderr and exit code 1,
//! and it leaves the reading record as it was; faults are also written to
//! `sync.log` in the config dir.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use crate::config::{Config, DocumentKey};
use crate::document::Document;
use crate::library::parse_article;
use crate::load::load;
use crate::parse::sanitize;
use crate::paths;
use crate::position::Position;
use crate::store::{self, Load, ReadingState, Store};
use crate::sync::account::{self, Event, Login};
use crate::sync::client::{Client, Server};
use crate::sync::{self, Syncer, digest};

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Log in to a KOReader sync server (the password is asked for, or
    /// read from LONGFORM_SYNC_PASSWORD)
    Login {
        /// The server, such as https://sync.example.org
        #[arg(long)]
        server: String,
        /// Your user name on it
        #[arg(long)]
        user: String,
    },
    /// Create an account on a KOReader sync server, and log in
    Register {
        /// The server, such as https://sync.example.org
        #[arg(long)]
        server: String,
        /// The user name to create
        #[arg(long)]
        user: String,
    },
    /// Show the server, the user, this device, and the last push and pull
    Status,
    /// Send your place in an article to the server (default: the article
    /// read last)
    Push {
        /// The article
        file: Option<PathBuf>,
    },
    /// Take the place another device pushed for an article (default: the
    /// article read last); the reader opens there
    Pull {
        /// The article
        file: Option<PathBuf>,
    },
    /// Forget the login
    Logout,
}

/// Run a `longform sync` command.
pub fn run(command: SyncCommand) -> Result<()> {
    let dir = paths::config_dir()?;
    let config = Config::load(&paths::config_file(&dir)).0;
    let result = match command {
        SyncCommand::Login { server, user } => login(&dir, &config, &server, &user, false),
        SyncCommand::Register { server, user } => login(&dir, &config, &server, &user, true),
        SyncCommand::Status => status(&dir, &config, &mut io::stdout().lock()),
        SyncCommand::Push { file } => push(&dir, &config, file.as_deref()),
        SyncCommand::Pull { file } => pull(&dir, &config, file.as_deref()),
        SyncCommand::Logout => logout(&dir),
    };
    if let Err(err) = &result {
        account::log(&dir, store::now(), &format!("sync: {err:#}"));
    }
    result
}

fn login(dir: &Path, config: &Config, url: &str, user: &str, register: bool) -> Result<()> {
    check_user(user)?;
    let server = Server::parse(url, config.sync.insecure_http.unwrap_or(false))?;
    if let Some(warning) = server.warning() {
        let _ = writeln!(io::stderr(), "longform: warning: {warning}");
    }
    let password = match paths::sync_password() {
        Some(p) => p,
        None => read_password(&format!("Password for {user} at {}: ", server.url()))?,
    };
    if password.is_empty() {
        bail!("the password is empty");
    }
    let key = digest::md5_hex(password.as_bytes());
    let client = Client::new(server.clone(), user, &key);
    if register {
        client.register()?;
    }
    // During the login itself, "log in again" is no advice.
    client.login().map_err(|e| match e {
        crate::sync::client::Fault::Unauthorized { server } => anyhow::anyhow!(
            "the sync server {server} refused the user name or password: \
             check them (a new account: longform sync register)"
        ),
        other => other.into(),
    })?;
    account::save_login(
        dir,
        &Login {
            server: server.url().to_string(),
            user: user.to_string(),
            key,
        },
    )?;
    let device = sync::device_name(&config.sync);
    let what = if register {
        "Registered and logged in"
    } else {
        "Logged in"
    };
    println!(
        "{what} to {} as {user}; this machine is {:?}",
        server.url(),
        sanitize(&device)
    );
    Ok(())
}

/// A user name the servers take: kosync keeps names in keys split by `:`.
fn check_user(user: &str) -> Result<()> {
    if user.trim().is_empty() {
        bail!("the user name is empty");
    }
    if user.contains(':') || user.chars().any(char::is_control) {
        bail!("a user name cannot hold ':' or control characters");
    }
    Ok(())
}

/// Read a password: without echo from a terminal, else one line of stdin.
fn read_password(prompt: &str) -> Result<String> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let mut err = io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let line = without_echo(|| {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map(|_| line)
    })
    .context("cannot read the password")?;
    let _ = writeln!(err);
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Run `read` with the terminal's echo off, and put it back after.
#[cfg(unix)]
fn without_echo<T>(read: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = io::stdin();
    let saved = tcgetattr(&stdin)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    tcsetattr(&stdin, OptionalActions::Now, &quiet)?;
    let result = read();
    tcsetattr(&stdin, OptionalActions::Now, &saved)?;
    result
}

#[cfg(not(unix))]
fn without_echo<T>(read: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    read()
}

fn logout(dir: &Path) -> Result<()> {
    let login = account::load_login(dir).ok().flatten();
    if account::remove_login(dir)? {
        match login {
            Some(l) => println!("Logged out of {}", sanitize(&l.server)),
            None => println!("Logged out"),
        }
    } else {
        println!("Not logged in");
    }
    Ok(())
}

/// `longform sync status`.
pub fn status(dir: &Path, config: &Config, out: &mut dyn Write) -> Result<()> {
    match account::load_login(dir)? {
        Some(login) => {
            writeln!(out, "server     {}", sanitize(&login.server))?;
            writeln!(out, "user       {}", sanitize(&login.user))?;
        }
        None => writeln!(
            out,
            "server     not logged in (longform sync login --server URL --user NAME)"
        )?,
    }
    writeln!(
        out,
        "device     {}",
        sanitize(&sync::device_name(&config.sync))
    )?;
    let documents = match config.sync.document.unwrap_or_default() {
        DocumentKey::Binary => "binary (KOReader's partial MD5 of the file)",
        DocumentKey::Filename => "filename (the MD5 of the file's name)",
    };
    writeln!(out, "documents  {documents}")?;
    let activity = account::load_activity(dir);
    for (name, event) in [("last push", &activity.push), ("last pull", &activity.pull)] {
        match event {
            Some(e) => {
                let from = if e.device.is_empty() {
                    String::new()
                } else {
                    format!(" from {}", sanitize(&e.device))
                };
                writeln!(
                    out,
                    "{name}  {}  {} at {}%{from}",
                    crate::import::rfc3339(e.time),
                    sanitize(&e.title),
                    e.percent
                )?;
            }
            None => writeln!(out, "{name}  never")?,
        }
    }
    writeln!(out, "log        {}", account::log_file(dir).display())?;
    Ok(())
}

/// The syncer, or the advice to log in.
fn syncer(dir: &Path, config: &Config) -> Result<Syncer> {
    let syncer = Syncer::open(dir, &config.sync)?
        .context("not logged in: run longform sync login --server URL --user NAME")?;
    if let Some(w) = &syncer.warning {
        let _ = writeln!(io::stderr(), "longform: warning: {w}");
    }
    Ok(syncer)
}

/// The article a push or a pull is about: `file`, or the one read last.
fn article(store: &Store, file: Option<&Path>) -> Result<PathBuf> {
    match file {
        Some(f) if f.as_os_str() == "-" => {
            bail!("an article from stdin is not synced: give the article's path")
        }
        Some(f) => Ok(f.to_path_buf()),
        None => store
            .all()
            .into_iter()
            .map(|(_, state)| state.path)
            .find(|p| p.is_file())
            .context("no article read yet: give the article's path"),
    }
}

/// The article's record id and record (a fresh one when it has none).
fn record(
    store: &Store,
    path: &Path,
    title: &str,
    fingerprint: u64,
) -> Result<(String, ReadingState)> {
    let canonical = std::fs::canonicalize(path)
        .with_context(|| format!("cannot open {}", sanitize(&path.to_string_lossy())))?;
    let id = store::record_id(&canonical);
    let state = match store.load(&id)? {
        Load::Found(state) => state,
        Load::Fresh | Load::Corrupt { .. } => {
            ReadingState::new(canonical, title.to_string(), fingerprint, store::now())
        }
        Load::Newer { version, .. } => bail!(
            "the record of this article is from a newer longform (version {version}); not syncing it"
        ),
    };
    Ok((id, state))
}

/// The article a push or a pull is about, read and parsed, and the key
/// the server knows it by.
struct Article {
    path: PathBuf,
    text: String,
    doc: Document,
    title: String,
    document: String,
}

impl Article {
    /// `file`, or the article read last.
    fn open(store: &Store, syncer: &Syncer, file: Option<&Path>) -> Result<Article> {
        let path = article(store, file)?;
        let source = load(&path)?;
        let doc = parse_article(Some(&path), &source.text);
        let title = doc.title().map_or_else(|| source.stem(), str::to_string);
        let document = sync::document_key(&path, syncer.document)?;
        Ok(Article {
            path,
            text: source.text,
            doc,
            title,
            document,
        })
    }
}

fn push(dir: &Path, config: &Config, file: Option<&Path>) -> Result<()> {
    let syncer = syncer(dir, config)?;
    let store = Store::new(dir);
    let Article {
        path,
        text,
        doc,
        title,
        document,
    } = Article::open(&store, &syncer, file)?;
    let (_, state) = record(&store, &path, &title, doc.fingerprint)?;
    let Some(anchor) = &state.position else {
        bail!(
            "nothing to push: {} has no saved place yet (read it first)",
            sanitize(&title)
        );
    };
    let (pos, _) = anchor.restore(&doc, &text);
    let push = syncer.push_of(&document, &doc, anchor, pos, state.percent == 100);
    syncer.client.push(&push)?;
    let percent = (push.percentage * 100.0).floor() as u8;
    account::note_activity(
        dir,
        false,
        Event {
            time: store::now(),
            title: title.clone(),
            percent,
            device: String::new(),
        },
    )?;
    println!(
        "Pushed {} at {percent}% to {}",
        sanitize(&title),
        syncer.client.server().url()
    );
    Ok(())
}

fn pull(dir: &Path, config: &Config, file: Option<&Path>) -> Result<()> {
    let syncer = syncer(dir, config)?;
    let store = Store::new(dir);
    let Article {
        path,
        text,
        doc,
        title,
        document,
    } = Article::open(&store, &syncer, file)?;
    let Some(remote) = syncer.client.pull(&document)? else {
        println!(
            "No place on {} for {} yet",
            syncer.client.server().url(),
            sanitize(&title)
        );
        return Ok(());
    };
    let landing = sync::landing(&doc, &text, &remote);
    let (id, mut state) = record(&store, &path, &title, doc.fingerprint)?;
    let now = store::now();
    state.set_position(crate::position::Anchor::at(&doc, landing.pos), now);
    state.percent = landing.percent;
    state.last_opened = state.last_opened.max(now);
    store.save(&id, &state)?;
    account::note_activity(
        dir,
        true,
        Event {
            time: now,
            title: title.clone(),
            percent: landing.percent,
            device: landing.device.clone(),
        },
    )?;
    let mut line = sync::synced_message(&landing);
    if let Some(h) = doc
        .section_at(landing.pos)
        .filter(|_| landing.pos > Position::START)
    {
        line.push_str(" · ");
        line.push_str(&sanitize(&h.text));
    }
    println!("{line}");
    Ok(())
}
