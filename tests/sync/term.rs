//! The reader in a pseudo-terminal, for the sync tests: the real binary,
//! its screen read back through vt100. A smaller cousin of the driver in
//! `tests/pty.rs`: it polls for each state it expects, never sleeping a
//! fixed time, and a failure prints the screen. Like every terminal, it
//! answers DA1 (and no other query), which ends longform's start-up query.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_longform");
const TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(20);

/// DA1 and the answer of a VT220 with no graphics.
const DA1: &[u8] = b"\x1b[c";
const DA1_ANSWER: &[u8] = b"\x1b[?62;22c";

/// The keyboard side of the terminal, shared with the reader thread that
/// answers DA1.
type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

pub struct Term {
    writer: Writer,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Term {
    /// `longform FILE` with the config folder `config`, in a terminal of
    /// `rows` × `cols`.
    pub fn open(config: &Path, home: &Path, file: &Path, rows: u16, cols: u16) -> Term {
        Term::open_with(config, home, file, &[], (rows, cols))
    }

    /// `longform FILE ARGS…`, as `open`.
    pub fn open_with(
        config: &Path,
        home: &Path,
        file: &Path,
        args: &[&str],
        (rows, cols): (u16, u16),
    ) -> Term {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pty = native_pty_system().openpty(size).expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg(file);
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("LONGFORM_CONFIG_DIR", config);
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("xdg"));
        cmd.env("TERM", "xterm-256color");
        for var in [
            "NO_COLOR",
            "COLORTERM",
            "LINES",
            "COLUMNS",
            "TMUX",
            "LONGFORM_SYNC_PASSWORD",
        ] {
            cmd.env_remove(var);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        drop(pty.slave);
        let mut source = pty.master.try_clone_reader().expect("pty reader");
        let writer: Writer = Arc::new(Mutex::new(pty.master.take_writer().expect("pty writer")));
        let answerer = Arc::clone(&writer);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let shared = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // The last bytes of the previous read: a DA1 cut in two.
            let mut tail: Vec<u8> = Vec::new();
            while let Ok(n) = source.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                let asked = tail.windows(DA1.len()).filter(|w| *w == DA1).count();
                for _ in 0..asked {
                    let mut w = answerer.lock().unwrap_or_else(PoisonError::into_inner);
                    let _ = w.write_all(DA1_ANSWER).and_then(|()| w.flush());
                }
                let keep = if asked > 0 { 0 } else { DA1.len() - 1 };
                let cut = tail.len().saturating_sub(keep);
                tail.drain(..cut);
                shared
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .process(&buf[..n]);
            }
        });
        Term {
            writer,
            child,
            parser,
            _master: pty.master,
        }
    }

    /// The rows of the screen, trailing blanks cut.
    pub fn rows(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap_or_else(PoisonError::into_inner);
        let (_, cols) = parser.screen().size();
        parser
            .screen()
            .rows(0, cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    /// Poll until the screen satisfies `ok`; fail with the screen.
    pub fn wait_for(&mut self, what: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
        let start = Instant::now();
        loop {
            let rows = self.rows();
            if ok(&rows) {
                return rows;
            }
            let exited = matches!(self.child.try_wait(), Ok(Some(_)));
            assert!(
                !exited && start.elapsed() < TIMEOUT,
                "timed out waiting for {what}{}\n--- screen ---\n{}\n--- end ---",
                if exited { " (the program exited)" } else { "" },
                rows.join("\n")
            );
            std::thread::sleep(POLL);
        }
    }

    /// The screen once it has stopped changing: a frame read in two
    /// parts (under load) is whole then.
    pub fn wait_still(&mut self) -> Vec<String> {
        let start = Instant::now();
        let mut rows = self.rows();
        loop {
            std::thread::sleep(5 * POLL);
            let now = self.rows();
            if now == rows || start.elapsed() > TIMEOUT {
                return now;
            }
            rows = now;
        }
    }

    pub fn send(&mut self, keys: &str) {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        writer.write_all(keys.as_bytes()).expect("write to the pty");
        writer.flush().expect("flush the pty");
    }

    /// Wait for the program to exit, and its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.exit_code();
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the program did not exit\n{}",
                self.rows().join("\n")
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The status bar: the last row.
pub fn status(rows: &[String]) -> &str {
    rows.last().map_or("", String::as_str)
}
