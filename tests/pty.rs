//! End-to-end tests: the real `longform` binary in a pseudo-terminal, with the
//! screen read back through a terminal emulator (vt100).
//!
//! Every test is hermetic: the config folder, `HOME` and `XDG_CONFIG_HOME`
//! point into a fresh temporary folder, and `TERM` is fixed. Nothing sleeps a
//! fixed time: every step polls for the state it expects, with a generous
//! timeout, and a failure prints the screen as it was.

#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_longform");
const GUIDE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/articles/reading-with-longform.md"
);
const SLOW_WEB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/articles/the-slow-web.md");
const TEA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/articles/field-notes-on-tea.md"
);

/// How long to wait for any expected state: long, because the machine may be
/// busy building; a passing test never waits this long.
const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(20);

/// What crossterm writes to hide or show the cursor, which ratatui does at the
/// end of every frame.
const FRAME_ENDS: [&[u8]; 2] = [b"\x1b[?25l", b"\x1b[?25h"];
/// What crossterm writes for `DisableMouseCapture`.
const DISABLE_MOUSE: &[u8] = b"\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l";
const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// Records what the program asked the terminal outside the screen itself.
#[derive(Default)]
struct Recorder {
    titles: Vec<Vec<u8>>,
    bells: usize,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
}

/// Everything read from the master side so far.
struct Output {
    raw: Vec<u8>,
    parser: vt100::Parser<Recorder>,
    /// The reader thread saw the end of the output.
    eof: bool,
    /// Tells the reader thread to stop once it has read a whole frame.
    stop: bool,
}

/// A snapshot of the emulated screen.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Screen {
    rows: Vec<String>,
}

impl Screen {
    fn text(&self) -> String {
        self.rows.join("\n")
    }

    fn contains(&self, s: &str) -> bool {
        self.rows.iter().any(|r| r.contains(s))
    }

    /// The bottom row: the status bar.
    fn status(&self) -> &str {
        self.rows.last().map_or("", String::as_str)
    }

    /// The rows above the status bar.
    fn body(&self) -> &[String] {
        &self.rows[..self.rows.len().saturating_sub(1)]
    }

    /// The percentage shown in the status bar, if there is one.
    fn percent(&self) -> Option<u32> {
        let status = self.status();
        let end = status.find('%')?;
        let digits = status[..end].rsplit(|c: char| !c.is_ascii_digit()).next()?;
        digits.parse().ok()
    }
}

/// The binary running in a pseudo-terminal.
struct Term {
    /// The master side; `None` once the terminal has been hung up.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Writer>,
    child: Box<dyn Child + Send + Sync>,
    out: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    _dir: TempDir,
}

/// A command to run in a terminal, with the test's environment; `dir` is its
/// temporary folder, removed when the test ends.
struct Spawn {
    cmd: CommandBuilder,
    dir: TempDir,
    /// The terminal answers DA1, which ends longform's start-up query, as
    /// every terminal does (and nothing else: it tells no colour and no
    /// graphics). Tests of the answers themselves turn it off and answer
    /// as they like.
    answers_da1: bool,
}

/// The keyboard side of the terminal, shared by the test and the reader
/// thread that answers DA1.
type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

/// DA1 and the answer of a VT220 with no graphics.
const DA1: &[u8] = b"\x1b[c";
const DA1_ANSWER: &[u8] = b"\x1b[?62;22c";

impl Spawn {
    /// `longform ARGS...`.
    fn longform(args: &[&str]) -> Spawn {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        Spawn::with(cmd, dir)
    }

    /// A command whose environment is set up like `longform`'s.
    fn with(mut cmd: CommandBuilder, dir: TempDir) -> Spawn {
        let config = dir.path().join("config");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&config).expect("config dir");
        std::fs::create_dir_all(&home).expect("home dir");
        cmd.cwd(dir.path());
        cmd.env("LONGFORM_CONFIG_DIR", &config);
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", dir.path().join("xdg"));
        cmd.env("TERM", "xterm-256color");
        // No display: a copy goes through the terminal only, never to the
        // clipboard of the machine running the tests. No tmux and no
        // terminal named by the environment of the tests' own terminal:
        // pictures are drawn as the test's terminal answers.
        for var in [
            "NO_COLOR",
            "COLORTERM",
            "LINES",
            "COLUMNS",
            "TMUX",
            "TMUX_PANE",
            "TERM_PROGRAM",
            "LC_TERMINAL",
            "DISPLAY",
            "WAYLAND_DISPLAY",
        ] {
            cmd.env_remove(var);
        }
        Spawn {
            cmd,
            dir,
            answers_da1: true,
        }
    }

    /// A terminal that answers no query by itself.
    fn silent(mut self) -> Spawn {
        self.answers_da1 = false;
        self
    }

    fn run(self, rows: u16, cols: u16) -> Term {
        let pty = native_pty_system()
            .openpty(size(rows, cols))
            .expect("open a pty");
        let child = pty.slave.spawn_command(self.cmd).expect("spawn");
        // Only the child holds the slave now, so its exit ends the output.
        drop(pty.slave);
        let mut source = pty.master.try_clone_reader().expect("pty reader");
        let writer: Writer = Arc::new(Mutex::new(pty.master.take_writer().expect("pty writer")));
        let answerer = self.answers_da1.then(|| Arc::clone(&writer));
        let out = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            parser: vt100::Parser::new_with_callbacks(rows, cols, 0, Recorder::default()),
            eof: false,
            stop: false,
        }));
        let shared = Arc::clone(&out);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Bytes after the last complete frame, held back from the screen.
            let mut pending = Vec::new();
            // Where in the output to look for the next DA1.
            let mut asked = 0;
            loop {
                match source.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = shared.lock().unwrap_or_else(PoisonError::into_inner);
                        out.raw.extend_from_slice(&buf[..n]);
                        if let Some(writer) = &answerer {
                            while let Some(at) =
                                out.raw[asked..].windows(DA1.len()).position(|w| w == DA1)
                            {
                                asked += at + DA1.len();
                                let mut w = writer.lock().unwrap_or_else(PoisonError::into_inner);
                                let _ = w.write_all(DA1_ANSWER).and_then(|()| w.flush());
                            }
                            // A DA1 cut by this read is found by the next.
                            asked = asked.max(out.raw.len().saturating_sub(DA1.len() - 1));
                        }
                        pending.extend_from_slice(&buf[..n]);
                        if let Some(end) = frames_end(&pending) {
                            out.parser.process(&pending[..end]);
                            pending.drain(..end);
                        }
                        // Stop when asked, between two frames.
                        if out.stop && pending.is_empty() {
                            break;
                        }
                    }
                }
            }
            let mut out = shared.lock().unwrap_or_else(PoisonError::into_inner);
            out.parser.process(&pending);
            out.eof = true;
        });
        Term {
            master: Some(pty.master),
            writer: Some(writer),
            child,
            out,
            reader: Some(reader),
            status: None,
            _dir: self.dir,
        }
    }
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Term {
    /// `longform ARGS...` in a terminal of `rows` × `cols`.
    fn open(args: &[&str], rows: u16, cols: u16) -> Term {
        Spawn::longform(args).run(rows, cols)
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.out.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn screen(&self) -> Screen {
        let out = self.output();
        let screen = out.parser.screen();
        let (_, cols) = screen.size();
        Screen {
            rows: screen
                .rows(0, cols)
                .map(|r| r.trim_end().to_string())
                .collect(),
        }
    }

    /// Everything the program wrote to the terminal so far.
    fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// Poll until the screen satisfies `ok`, and return it; fail with the
    /// screen as it was after `TIMEOUT`.
    fn wait_for(&mut self, what: &str, ok: impl Fn(&Screen) -> bool) -> Screen {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if self.poll_exit().is_some() || start.elapsed() > TIMEOUT {
                // One last look: the output may have caught up meanwhile.
                let screen = self.screen();
                if ok(&screen) {
                    return screen;
                }
                panic!(
                    "timed out waiting for {what}{}\n--- screen ---\n{}\n--- end ---",
                    match &self.status {
                        Some(s) => format!(" (the program exited: {s})"),
                        None => String::new(),
                    },
                    screen.text()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Type `bytes` as if at the keyboard.
    fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let mut writer = self
            .writer
            .as_ref()
            .expect("the terminal is open")
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        writer.write_all(bytes.as_ref()).expect("write to the pty");
        writer.flush().expect("flush the pty");
    }

    /// Resize the terminal, as a window manager would.
    fn resize(&mut self, rows: u16, cols: u16) {
        // Resize the emulator first and under the lock, so that everything
        // drawn for the new size lands on a screen of that size.
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        out.parser.screen_mut().set_size(rows, cols);
        self.master()
            .resize(size(rows, cols))
            .expect("resize the pty");
        drop(out);
    }

    /// Resize only the program's terminal, leaving the emulator as it is.
    /// For a resize storm: vt100 itself panics (an overflow in its line
    /// wrapping) when a frame drawn for a wide terminal reaches it while it
    /// is one column wide, which is bound to happen when sizes change faster
    /// than frames are drawn. Only the screen after the storm is read.
    fn resize_program(&mut self, rows: u16, cols: u16) {
        self.master()
            .resize(size(rows, cols))
            .expect("resize the pty");
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    fn master(&self) -> &dyn MasterPty {
        self.master.as_deref().expect("the terminal is open")
    }

    /// The program's exit status, polling up to `TIMEOUT`; then wait until
    /// all of its output has been read.
    fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.poll_exit() {
                break status;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the program did not exit\n--- screen ---\n{}\n--- end ---",
                self.screen().text()
            );
            std::thread::sleep(POLL);
        };
        while !self.output().eof && self.reader.is_some() {
            assert!(
                start.elapsed() < TIMEOUT * 2,
                "the output did not end after the program exited"
            );
            std::thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        status
    }

    /// The exit status, once the program has exited.
    fn poll_exit(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            match self.child.try_wait() {
                Ok(status) => self.status = status,
                Err(e) => panic!("cannot wait for the program: {e}"),
            }
        }
        self.status.clone()
    }

    /// Whether the program is still running.
    fn alive(&mut self) -> bool {
        self.poll_exit().is_none()
    }

    /// Close the terminal, like closing a terminal window: the kernel sends
    /// SIGHUP to the program, and its terminal is gone.
    fn hang_up(&mut self) {
        // The reader thread holds a copy of the master; it must let go
        // first. It stops once it has read a whole frame, and a resize makes
        // the program draw one.
        self.output().stop = true;
        let (rows, cols) = self.output().parser.screen().size();
        self.resize(rows + 1, cols + 1);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        self.output().eof = true;
        drop(self.writer.take());
        drop(self.master.take());
    }

    /// Whether the terminal is in canonical ("cooked") mode: false in raw
    /// mode. Read from the pty's termios, without naming `nix`'s types.
    fn canonical(&self) -> bool {
        let termios = self.master().get_termios().expect("termios of the pty");
        format!("{:?}", termios.local_flags).contains("ICANON")
    }

    /// Send a signal to the program with the `kill` command.
    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Check that the terminal was put back as it was found.
    fn assert_restored(&self) {
        let raw = self.raw();
        let out = self.output();
        let screen = out.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "the cursor is still hidden");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse reporting is still on"
        );
        assert!(
            contains(&raw, b"\x1b[?1049h"),
            "never entered the alternate screen"
        );
        assert!(
            contains(&raw, b"\x1b[?1000h"),
            "never enabled mouse capture"
        );
        assert!(
            contains(&raw, LEAVE_ALT_SCREEN),
            "no leave-alternate-screen"
        );
        assert!(contains(&raw, SHOW_CURSOR), "no show-cursor");
        assert!(contains(&raw, DISABLE_MOUSE), "no disable-mouse-capture");
        drop(out);
        assert!(self.canonical(), "the terminal was left in raw mode");
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // Never leave a stray process behind when a test fails.
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Where the last complete frame in `bytes` ends. ratatui ends every frame
/// by hiding (or showing) the cursor, after all the cells of the frame; the
/// screen is only updated up to there, so a test never sees half a frame.
fn frames_end(bytes: &[u8]) -> Option<usize> {
    FRAME_ENDS
        .iter()
        .filter_map(|end| {
            let at = bytes.windows(end.len()).rposition(|w| w == *end)?;
            Some(at + end.len())
        })
        .max()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The reader is showing an article, at the start: the status bar says 0%.
fn at_start(title: &str) -> impl Fn(&Screen) -> bool + '_ {
    move |s: &Screen| s.contains(title) && s.status().contains(title) && s.percent() == Some(0)
}

#[test]
fn open_scroll_resize_quit() {
    let mut t = Term::open(&[GUIDE], 30, 100);
    let first = t.wait_for("the guide at 0%", at_start("Reading with longform"));
    assert!(
        first.status().starts_with(" Reading with longform"),
        "{}",
        first.status()
    );
    assert!(
        first.status().contains("min in article"),
        "{}",
        first.status()
    );
    assert!(!t.canonical(), "the reader runs in raw mode");
    assert!(first.contains("Opening an article"), "{}", first.text());
    // The text column is 80 wide and centred: 10 blank columns either side.
    let body = first.body();
    let rows = body.len();
    assert_eq!(rows, 29);
    for row in body {
        assert!(row.chars().take(10).all(|c| c == ' '), "{row:?}");
        assert!(row.chars().count() <= 90, "{row:?}");
    }
    assert!(
        body.iter()
            .any(|r| r.chars().nth(10).is_some_and(|c| c != ' ')),
        "no text starts in column 10:\n{}",
        first.text()
    );

    // Three lines down: every row moves up by three.
    t.send("jjj");
    let down = t.wait_for("three lines down", |s| {
        s.body()[..rows - 3] == first.body()[3..]
    });
    // A page down keeps one line of the last page on top.
    let last = down.body().last().cloned().unwrap_or_default();
    let before = down.percent().expect("a percentage");
    t.send(" ");
    let paged = t.wait_for("a page down", |s| {
        s.body()[0] == last && s.body() != down.body()
    });
    let after = paged.percent().expect("a percentage");
    assert!(after > before, "the progress grew: {before}% → {after}%");

    // Make sure a line of text is on top, to recognise it at other sizes.
    let mut screen = paged;
    for _ in 0..5 {
        if !screen.body()[0].trim().is_empty() {
            break;
        }
        let next = screen.body()[1].clone();
        t.send("j");
        screen = t.wait_for("one more line down", |s| s.body()[0] == next);
    }
    let top = screen.body()[0].trim().to_string();
    assert!(!top.is_empty(), "a line of text on top:\n{}", screen.text());
    let word = top
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();

    // Narrower: the same text stays on the top line.
    t.resize(20, 60);
    let narrow = t.wait_for("the 60×20 layout", |s| {
        s.rows.len() == 20 && s.percent().is_some() && s.body()[0].contains(&word)
    });
    for row in narrow.body() {
        assert!(row.chars().count() <= 60, "{row:?}");
    }
    // And back: the very same screen as before the resize.
    t.resize(30, 100);
    t.wait_for("the same screen back at 100×30", |s| *s == screen);

    // Help opens over the text and Esc closes it.
    t.send("?");
    let help = t.wait_for("the help overlay", |s| s.contains("Keys · Esc close"));
    assert!(help.contains("half page down"), "{}", help.text());
    assert!(help.contains("quit"), "{}", help.text());
    t.send("\x1b");
    t.wait_for("the help closed", |s| *s == screen);
    // `?` closes it too.
    t.send("?");
    t.wait_for("the help overlay again", |s| s.contains("Keys · Esc close"));
    t.send("?");
    t.wait_for("the help closed again", |s| *s == screen);

    // To the end.
    t.send("G");
    let end = t.wait_for("the end", |s| s.status().contains("100% · end"));
    assert!(!end.status().contains(" min "), "{}", end.status());
    // And back to the start.
    t.send("g");
    t.wait_for("the start again", |s| *s == first);

    t.send("q");
    let status = t.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_eq!(status.exit_code(), 0);
    t.assert_restored();
}

#[test]
fn keys_move_as_documented() {
    let mut t = Term::open(&[SLOW_WEB], 24, 80);
    let first = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    let rows = first.body().len();
    // Down arrow, Ctrl-d (half page: 11 rows of 23), PgDn, then back up.
    t.send("\x1b[B");
    let one = t.wait_for("a line down", |s| s.body()[..rows - 1] == first.body()[1..]);
    t.send("\x04");
    let half = rows / 2;
    let halfway = t.wait_for("half a page down", |s| {
        s.body()[..rows - half] == one.body()[half..]
    });
    t.send("\x1b[6~");
    let last = halfway.body()[rows - 1].clone();
    let paged = t.wait_for("a page down", |s| {
        s.body()[0] == last && s.body() != halfway.body()
    });
    t.send("b");
    t.wait_for("a page up", |s| *s == halfway);
    t.send("\x15");
    t.wait_for("half a page up", |s| *s == one);
    t.send("\x1b[A");
    t.wait_for("a line up", |s| *s == first);
    // The mouse wheel (SGR reports): three lines down, three lines up.
    t.send("\x1b[<65;40;10M");
    t.wait_for("the wheel down", |s| {
        s.body()[..rows - 3] == first.body()[3..]
    });
    t.send("\x1b[<64;40;10M");
    t.wait_for("the wheel up", |s| *s == first);
    // End and Home.
    t.send("\x1b[F");
    t.wait_for("the end", |s| s.status().contains("100% · end"));
    t.send("\x1b[H");
    t.wait_for("the start", |s| *s == first);
    assert_ne!(paged, first);
    // Ctrl-c quits like q.
    t.send("\x03");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    t.assert_restored();
}

#[test]
fn invalid_utf8_notice() {
    let mut spawn = Spawn::longform(&[]);
    // UTF-8 (the title's "é" is valid) with one damaged byte.
    let article = spawn.dir.path().join("damaged.md");
    std::fs::write(&article, b"# Caf\xc3\xa9\n\nCaf\xe9 au lait, twice.\n").expect("write");
    spawn.cmd.arg(&article);
    let mut t = spawn.run(24, 80);
    // The notice takes the place of the title until the next key. (vt100
    // drops U+FFFD, so the � itself is checked in the raw output.)
    let screen = t.wait_for("the notice", |s| {
        s.status()
            .contains("damaged.md: invalid UTF-8 was replaced with")
    });
    assert!(screen.contains("au lait, twice."), "{}", screen.text());
    assert!(
        contains(&t.raw(), "Caf\u{fffd}".as_bytes()),
        "the bad byte is shown as �"
    );
    t.send("j");
    t.wait_for("the title back", |s| {
        s.status().starts_with(" Caf") && !s.status().contains("UTF-8")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

fn signal_restores(signal: &str, code: u32) {
    let mut t = Term::open(&[TEA], 24, 80);
    t.wait_for("the article", |s| s.percent() == Some(0));
    assert!(t.output().parser.screen().alternate_screen());
    t.signal(signal);
    let status = t.wait_exit();
    assert_eq!(
        (status.exit_code(), status.signal()),
        (code, None),
        "SIG{signal} should end the program with status {code}, not {status}"
    );
    t.assert_restored();
}

#[test]
fn sigterm_restores_terminal() {
    signal_restores("TERM", 143);
}

#[test]
fn sighup_restores_terminal() {
    signal_restores("HUP", 129);
}

#[test]
fn sigint_restores_terminal() {
    signal_restores("INT", 130);
}

#[test]
fn sigquit_restores_terminal() {
    signal_restores("QUIT", 131);
}

#[test]
fn sigusr1_restores_terminal() {
    signal_restores("USR1", 138);
}

#[test]
fn sigalrm_restores_terminal() {
    signal_restores("ALRM", 142);
}

/// Whether process `pid` is stopped (state `T` in `/proc`).
fn stopped(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // The state follows the command name, which is in brackets.
            let after = &stat[stat.rfind(')')? + 1..];
            after.split_whitespace().next().map(|s| s == "T")
        })
        .unwrap_or(false)
}

/// `kill -TSTP` from outside gives the terminal back (main screen, mouse
/// off, cooked mode) and then stops; SIGCONT takes the terminal again and
/// redraws the same place, and the keys work.
#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_redraws() {
    let mut t = Term::open(&[SLOW_WEB], 24, 80);
    let first = t.wait_for("the essay", at_start("The Slow Web"));
    t.signal("TSTP");
    // The output may reach the emulator after the stop: poll for all of it.
    let start = Instant::now();
    loop {
        let (alternate, hidden, mouse) = {
            let out = t.output();
            let screen = out.parser.screen();
            (
                screen.alternate_screen(),
                screen.hide_cursor(),
                screen.mouse_protocol_mode(),
            )
        };
        let state = (stopped(t.pid()), t.canonical(), alternate, hidden, mouse);
        if state == (true, true, false, false, vt100::MouseProtocolMode::None) {
            break;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "not given back and stopped: (stopped, cooked, alternate screen, \
             cursor hidden, mouse) = {state:?}"
        );
        std::thread::sleep(POLL);
    }
    t.signal("CONT");
    let again = t.wait_for("the essay redrawn", |s| s.body() == first.body());
    assert!(
        again.status().contains("The Slow Web"),
        "{}",
        again.status()
    );
    assert!(t.output().parser.screen().alternate_screen());
    assert!(!t.canonical(), "raw mode was not taken again");
    t.send("j");
    t.wait_for("a line down", |s| s.body()[0] == first.body()[1]);
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

#[test]
fn tiny_terminal() {
    let mut t = Term::open(&[GUIDE], 3, 10);
    let small = t.wait_for("the too-small notice", |s| s.contains("Terminal"));
    assert!(small.contains("too small"), "{}", small.text());
    assert!(!small.contains("Reading"), "{}", small.text());

    t.resize(30, 100);
    t.wait_for("the guide", at_start("Reading with longform"));

    // 1×1: the notice, cut to its first letter; then the article again.
    t.resize(1, 1);
    t.wait_for("the notice at 1×1", |s| s.rows == ["T"]);
    assert!(t.alive(), "the program survived a 1×1 terminal");
    t.resize(5, 19);
    t.wait_for("the notice at 19×5", |s| s.contains("Terminal too small"));
    t.resize(5, 20);
    t.wait_for("the smallest reader, 20×5", |s| {
        !s.contains("too small") && s.percent() == Some(0)
    });
    t.resize(30, 100);
    t.wait_for("the guide again", at_start("Reading with longform"));
    assert!(t.alive(), "the program is still running");

    t.send("q");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    t.assert_restored();
}

#[test]
fn escape_injection() {
    let mut spawn = Spawn::longform(&[]);
    let article = spawn.dir.path().join("evil.md");
    std::fs::write(
        &article,
        "---\ntitle: Evil \x1b]2;hacked\x07 title\n---\n\n\
         # Hi\n\n\
         A \x1b]0;pwned\x07 title and \x1b[2J clear and &#27;[31m entity and \u{202e}rev.\n",
    )
    .expect("write the article");
    spawn.cmd.arg(&article);
    let mut t = spawn.run(24, 100);
    let screen = t.wait_for("the article", |s| s.contains("Hi") && s.contains("rev."));
    let text = screen.text();
    // Every control character is shown as a visible stand-in.
    assert!(text.contains("A ␛]0;pwned␇ title and"), "{text}");
    assert!(text.contains("␛[2J clear and"), "{text}");
    assert!(text.contains("␛[31m entity and"), "{text}");
    assert!(text.contains("<U+202E>rev."), "{text}");
    assert!(screen.status().contains("Evil ␛]2;hacked␇ title"), "{text}");

    t.send("q");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    let raw = t.raw();
    for bad in [
        &b"\x1b]0;pwned"[..],
        b"\x1b]2;hacked",
        b"\x1b[2J clear",
        b"\x1b[31m entity",
        "\u{202e}".as_bytes(),
        b"\x07",
    ] {
        assert!(
            !contains(&raw, bad),
            "the output holds {:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let out = t.output();
    assert!(
        out.parser.callbacks().titles.is_empty(),
        "the window title was set to {:?}",
        out.parser
            .callbacks()
            .titles
            .iter()
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(out.parser.callbacks().bells, 0, "the bell rang");
    drop(out);
    t.assert_restored();
}

#[test]
fn stdin_article() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = CommandBuilder::new("sh");
    // The article comes through a pipe; the keys come from the terminal.
    cmd.args(["-c", "cat \"$1\" | \"$0\" -", BIN, TEA]);
    let mut t = Spawn::with(cmd, dir).run(24, 80);
    let first = t.wait_for("the article from stdin", at_start("Field Notes on Tea"));
    t.send("j");
    t.wait_for("a line down", |s| s.body()[..22] == first.body()[1..]);
    t.send("q");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    t.assert_restored();
}

/// A link to a file beside the article opens it in the reader, and
/// Backspace comes back to the first article with the link selected.
#[test]
fn a_local_link_opens_the_other_article_and_backspace_comes_back() {
    let spawn = Spawn::longform(&["index.md"]);
    let root = spawn.dir.path();
    std::fs::create_dir_all(root.join("docs")).expect("docs dir");
    std::fs::write(
        root.join("index.md"),
        "# Index of notes\n\nRead [the guide](docs/guide.md) next.\n",
    )
    .expect("write");
    std::fs::write(
        root.join("docs/guide.md"),
        "# The guide\n\nBack to [the index](../index.md).\n",
    )
    .expect("write");
    let mut t = spawn.run(24, 80);
    t.wait_for("the index", |s| s.contains("Index of notes"));
    t.send("\t");
    t.wait_for("the link described", |s| {
        s.status().contains("opens docs/guide.md here")
    });
    t.send("\r");
    t.wait_for("the guide", |s| {
        s.contains("The guide") && !s.contains("Index of notes")
    });
    t.send("\x7f");
    t.wait_for("back at the index", |s| {
        s.contains("Index of notes") && s.status().contains("Back to Index of notes")
    });
    t.send("q");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    t.assert_restored();
}

#[test]
fn missing_file_is_a_plain_error() {
    // A missing file is one line on stderr, with no terminal set-up at all.
    let mut spawn = Spawn::longform(&[]);
    let missing = spawn.dir.path().join("missing.md");
    spawn.cmd.arg(&missing);
    let mut t = spawn.run(24, 80);
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 1, "exit status {status}");
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(raw.contains("longform: cannot open"), "{raw:?}");
    assert!(raw.contains("no such file"), "{raw:?}");
    assert!(!raw.contains("\x1b[?1049h"), "{raw:?}");
}

/// Closing the terminal window: the kernel hangs the terminal up and sends
/// SIGHUP. The program exits with 129 like on `kill -HUP`, even though
/// crossterm's read of keys keeps retrying on a hung-up terminal
/// (crossterm-rs/crossterm#793): the signal watcher ends it after a grace
/// period, and nothing panics writing to the dead terminal.
#[test]
fn hangup_exits() {
    let mut t = Term::open(&[TEA], 24, 80);
    t.wait_for("the article", |s| s.percent() == Some(0));
    t.hang_up();
    let status = t.wait_exit();
    assert_eq!(
        (status.exit_code(), status.signal()),
        (129, None),
        "a hangup should end the program with status 129, not {status}"
    );
}

/// A resize keeps the text at the top position on the top row, also when
/// that position falls inside the first line of a paragraph at the new
/// width: the blank line that shares the paragraph's position is skipped.
#[test]
fn resize_keeps_mid_paragraph_text_on_top() {
    let mut t = Term::open(&[SLOW_WEB], 20, 60);
    let mut screen = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    for _ in 0..20 {
        if screen.body()[0]
            .trim_start()
            .starts_with("person reading something long")
        {
            break;
        }
        let next = screen.body()[1].clone();
        t.send("j");
        screen = t.wait_for("a line down", |s| s.body()[0] == next);
    }
    assert!(
        screen.body()[0]
            .trim_start()
            .starts_with("person reading something long"),
        "{}",
        screen.text()
    );
    t.resize(30, 100);
    let wide = t.wait_for("the 100×30 layout", |s| {
        s.rows.len() == 30 && s.contains("There is a particular kind of quiet")
    });
    assert!(
        wide.body()[0].contains("a person reading something"),
        "the line with the top position is not on top:\n{}",
        wide.text()
    );
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// Section navigation as a reader uses it: three heading jumps, then the
/// outline with a filter, a jump, and Backspace back to where we were.
#[test]
fn heading_jumps_outline_filter_and_back() {
    let mut t = Term::open(&[SLOW_WEB], 30, 100);
    t.wait_for("the essay at 0%", at_start("The Slow Web"));
    // The title is on top already: two ] go to the third heading.
    t.send("]]");
    let third = t.wait_for("the third heading on top", |s| {
        s.body()[0].trim() == "Eighty columns"
    });
    assert!(
        third
            .status()
            .contains("Glass before paper › Eighty columns"),
        "{}",
        third.status()
    );
    t.send("t");
    t.wait_for("the outline", |s| s.contains("┌ Outline"));
    t.send("/rdr");
    let filtered = t.wait_for("the filtered outline", |s| s.contains("/rdr"));
    assert!(filtered.contains("Reader mode"), "{}", filtered.text());
    assert!(!filtered.contains("Measure"), "{}", filtered.text());
    t.send("\r");
    let jumped = t.wait_for("Reader mode on top", |s| {
        s.body()[0].trim() == "Reader mode" && !s.contains("┌ Outline")
    });
    assert!(
        jumped.status().contains("Reader mode"),
        "{}",
        jumped.status()
    );
    // Backspace goes back along the jump list.
    t.send("\x7f");
    let back = t.wait_for("back at Eighty columns", |s| {
        s.body()[0].trim() == "Eighty columns"
    });
    assert_eq!(back.body(), third.body());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// `--section` opens with that heading on the top line.
#[test]
fn open_at_a_section() {
    let mut t = Term::open(&[SLOW_WEB, "--section", "coda"], 30, 100);
    let s = t.wait_for("Coda on top", |s| s.body()[0].trim() == "Coda");
    assert!(s.status().contains("Coda"), "{}", s.status());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// Progress survives quitting: page down, bookmark, quit; reopen at another
/// size and the same sentence is on top; the bookmark is listed by
/// `longform bookmarks FILE --json`.
#[test]
fn bookmark_quit_reopen_at_another_size() {
    let shared = tempfile::tempdir().expect("shared config");
    let article = shared.path().join("the-slow-web.md");
    std::fs::copy(SLOW_WEB, &article).expect("copy the article");
    let config = shared.path().join("config");
    let open = |rows: u16, cols: u16| {
        let mut spawn = Spawn::longform(&[article.to_str().expect("utf-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(rows, cols)
    };

    let mut t = open(30, 100);
    let mut screen = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    for _ in 0..5 {
        let last = screen.body().last().cloned().unwrap_or_default();
        t.send(" ");
        screen = t.wait_for("a page down", |s| s.body()[0] == last);
    }
    let top_words: Vec<String> = screen.body()[0]
        .split_whitespace()
        .take(4)
        .map(str::to_string)
        .collect();
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    t.wait_for("the bookmark saved", |s| {
        s.status().contains("Bookmarked: ")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    let mut t = open(20, 60);
    let again = t.wait_for("resumed", |s| s.status().contains("Resumed at"));
    let first = again.body()[0].clone();
    let joined = again.body()[..2].join(" ");
    assert!(
        top_words.iter().all(|w| joined.contains(w.as_str())),
        "{top_words:?} not at the top of:\n{}",
        again.text()
    );
    assert!(!first.trim().is_empty());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    let out = std::process::Command::new(BIN)
        .args(["bookmarks", article.to_str().expect("utf-8 path"), "--json"])
        .env("LONGFORM_CONFIG_DIR", &config)
        .output()
        .expect("run bookmarks");
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(
        list[0]["label"].as_str().is_some_and(|l| !l.is_empty()),
        "{list:?}"
    );
}

/// An EPUB book of four chapters, built here: `t` lists its chapters, Enter
/// on the third jumps there, a bookmark is made a few lines in; a reopen at
/// another size shows the same sentence on top, search finds text in the
/// fourth chapter, and `longform bookmarks` lists the bookmark there.
#[test]
fn an_epub_opens_jumps_to_chapter_3_and_resumes_at_another_size() {
    use std::io::Write as _;
    let shared = tempfile::tempdir().expect("shared config");
    let book = shared.path().join("four.epub");
    {
        let file = std::fs::File::create(&book).expect("create the book");
        let mut zip = zip::ZipWriter::new(file);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut add = |name: &str, text: &str| {
            zip.start_file(name, stored).expect("entry");
            zip.write_all(text.as_bytes()).expect("write entry");
        };
        add("mimetype", "application/epub+zip");
        add(
            "META-INF/container.xml",
            r#"<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>"#,
        );
        let names = ["Anchors", "Bells", "Cliffs", "Dunes"];
        let mut manifest = String::from(r#"<item id="nav" href="nav.xhtml" properties="nav"/>"#);
        let mut spine = String::new();
        let mut nav = String::new();
        for (i, name) in names.iter().enumerate() {
            manifest.push_str(&format!(r#"<item id="c{i}" href="c{i}.xhtml"/>"#));
            spine.push_str(&format!(r#"<itemref idref="c{i}"/>"#));
            nav.push_str(&format!(
                r#"<li><a href="c{i}.xhtml">Chapter of {name}</a></li>"#
            ));
        }
        add(
            "content.opf",
            &format!(
                r#"<package><metadata xmlns:dc="dc"><dc:title>Four Chapters</dc:title></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"#
            ),
        );
        add(
            "nav.xhtml",
            &format!(r#"<html><body><nav epub:type="toc"><ol>{nav}</ol></nav></body></html>"#),
        );
        for (i, name) in names.iter().enumerate() {
            let paras: String = (0..40)
                .map(|n| format!("<p>{name} paragraph {n} tells of the {name} at length, one sentence after another.</p>"))
                .collect();
            add(
                &format!("c{i}.xhtml"),
                &format!("<html><body>{paras}</body></html>"),
            );
        }
        zip.finish().expect("finish the book");
    }
    let config = shared.path().join("config");
    let open = |rows: u16, cols: u16| {
        let mut spawn = Spawn::longform(&[book.to_str().expect("utf-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(rows, cols)
    };
    let mut t = open(30, 100);
    t.wait_for("the book at 0%", at_start("Four Chapters"));
    t.send("t");
    t.wait_for("the chapters in the outline", |s| {
        s.contains("Chapter of Anchors") && s.contains("Chapter of Dunes")
    });
    t.send("jj\r");
    t.wait_for("chapter 3 on top", |s| {
        s.status().contains("Chapter of Cliffs") && s.body()[0].contains("Chapter of Cliffs")
    });
    // A few lines into the chapter, so that a paragraph, not the heading,
    // is on top.
    t.send("jjjjj");
    t.wait_for("a paragraph of chapter 3 on top", |s| {
        s.body()[0].trim_start().starts_with("Cliffs paragraph")
    });
    // The top line is read once the bookmark is saved: every `j` was
    // handled before `m`, so the screen then is the place that is saved
    // (read earlier, a `j` still on its way could move it after).
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    let screen = t.wait_for("the bookmark saved", |s| {
        s.status().contains("Bookmarked: ")
    });
    // "Cliffs paragraph N tells": the sentence, by its number, without
    // a bookmark's mark in the gutter.
    let top: Vec<String> = screen.body()[0]
        .split_whitespace()
        .filter(|w| *w != "▍")
        .take(4)
        .map(str::to_string)
        .collect();
    assert_eq!(top[..2], ["Cliffs", "paragraph"], "{}", screen.text());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    // At another size the same sentence starts the top line.
    let mut t = open(20, 60);
    let again = t.wait_for("resumed", |s| s.status().contains("Chapter of Cliffs"));
    // Without the mark of the bookmark just made, in the gutter.
    let first: Vec<String> = again.body()[0]
        .split_whitespace()
        .filter(|w| *w != "▍")
        .take(4)
        .map(str::to_string)
        .collect();
    assert_eq!(first, top, "not at the top of:\n{}", again.text());
    // Search finds text in a later chapter of the book.
    t.send("/Dunes paragraph 7 ");
    t.wait_for("the search prompt with a count", |s| {
        s.status().contains("Search: Dunes paragraph 7") && s.status().contains("match")
    });
    t.send("\r");
    t.wait_for("the match in chapter 4", |s| {
        s.status().contains("match 1/") && s.body().iter().any(|l| l.contains("Dunes paragraph 7 "))
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    // The bookmark is the book's, at that sentence.
    let out = std::process::Command::new(BIN)
        .args(["bookmarks", book.to_str().expect("utf-8 path"), "--json"])
        .env("LONGFORM_CONFIG_DIR", &config)
        .output()
        .expect("run bookmarks");
    assert!(out.status.success(), "{out:?}");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        list[0]["section"].as_str(),
        Some("Chapter of Cliffs"),
        "{list:?}"
    );
    assert!(
        list[0]["snippet"]
            .as_str()
            .is_some_and(|s| s.starts_with(&top.join(" "))),
        "{top:?} {list:?}"
    );
}

/// SIGTERM saves the position before the program exits.
#[test]
fn sigterm_saves_the_position() {
    signal_saves_the_position("TERM", 143);
}

/// SIGQUIT, SIGUSR1 and SIGALRM end the reader as SIGTERM does.
#[test]
fn other_ending_signals_save_the_position() {
    signal_saves_the_position("QUIT", 131);
    signal_saves_the_position("USR1", 138);
    signal_saves_the_position("ALRM", 142);
}

fn signal_saves_the_position(signal: &str, code: u32) {
    let shared = tempfile::tempdir().expect("shared config");
    let config = shared.path().join("config");
    let mut spawn = Spawn::longform(&[SLOW_WEB]);
    spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
    let mut t = spawn.run(30, 100);
    let first = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    let last = first.body().last().cloned().unwrap_or_default();
    t.send(" ");
    t.wait_for("a page down", |s| s.body()[0] == last);
    t.signal(signal);
    assert_eq!(t.wait_exit().exit_code(), code, "SIG{signal}");
    t.assert_restored();
    let records: Vec<_> = std::fs::read_dir(config.join("reading"))
        .expect("a reading folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(records.len(), 1);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(records[0].path()).expect("read")).expect("JSON");
    assert!(
        record["position"]["byte"].as_u64().unwrap_or(0) > 0,
        "{record}"
    );
}

/// The library of a folder: open an article, read a little, `q` back and
/// its progress shows; relaunch and `c` continues at the same place.
#[test]
fn library_open_back_and_continue() {
    let shared = tempfile::tempdir().expect("shared dir");
    let shelf = shared.path().join("shelf");
    std::fs::create_dir_all(&shelf).expect("shelf");
    for name in [
        "the-slow-web.md",
        "field-notes-on-tea.md",
        "reading-with-longform.md",
    ] {
        let from = format!("{}/articles/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(from, shelf.join(name)).expect("copy an article");
    }
    let config = shared.path().join("config");
    let open = || {
        let mut spawn = Spawn::longform(&[shelf.to_str().expect("utf-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(24, 110)
    };

    let mut t = open();
    t.wait_for("the library", |s| {
        s.contains("Library · 3 articles") && s.contains("The Slow Web") && !s.contains("scanning")
    });
    // Sorted by recent, none read: path order. Select The Slow Web.
    t.send("/slow\r");
    let mut reading = t.wait_for("the essay", at_start("The Slow Web"));
    for _ in 0..3 {
        let last = reading.body().last().cloned().unwrap_or_default();
        t.send(" ");
        reading = t.wait_for("a page down", |s| s.body()[0] == last);
    }
    let percent = reading.percent().expect("a percent");
    assert!(percent > 0);
    t.send("q");
    let back = t.wait_for("the library again", |s| s.contains("Library · "));
    let row = back
        .rows
        .iter()
        .find(|r| r.contains("The Slow Web"))
        .expect("the essay's row");
    assert!(row.contains(&format!("{percent}%")), "{row}");
    assert!(row.contains("just now"), "{row}");
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    let mut t = open();
    t.wait_for("the library", |s| s.contains("Library · 3 articles"));
    t.send("c");
    let resumed = t.wait_for("resumed", |s| s.status().contains("Resumed at"));
    assert_eq!(resumed.body()[0], reading.body()[0], "\n{}", resumed.text());
    t.send("q");
    t.wait_for("the library again", |s| s.contains("Library · "));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A resize storm, as when a window is dragged: 200 sizes in about two
/// seconds, tiny ones included. The program keeps up without dying, and
/// back at the first size it shows exactly what it showed before.
#[test]
fn resize_storm_keeps_the_place() {
    let (rows, cols) = (20, 60);
    let mut t = Term::open(&[SLOW_WEB], rows, cols);
    let mut screen = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    // Into the text, so that a lost position would show.
    for _ in 0..5 {
        let next = screen.body()[1].clone();
        t.send("j");
        screen = t.wait_for("a line down", |s| s.body()[0] == next);
    }
    let before = screen;
    let sizes: [(u16, u16); 8] = [
        (1, 1),
        (5, 20),
        (40, 160),
        (2, 1),
        (24, 80),
        (50, 1),
        (150, 400),
        (12, 33),
    ];
    let start = Instant::now();
    for i in 0..200 {
        let (r, c) = sizes[i % sizes.len()];
        t.resize_program(r, c);
        std::thread::sleep(Duration::from_millis(10));
    }
    let storm = start.elapsed();
    assert!(t.alive(), "the program died in the storm");
    t.resize(rows, cols);
    t.wait_for("the screen from before the storm", |s| {
        s.rows == before.rows
    });
    assert!(
        storm < Duration::from_secs(5),
        "200 resizes took {storm:?}: not a storm"
    );
    t.send("q");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 0, "exit status {status}");
    t.assert_restored();
}

/// The runs of text that the screen shows in reverse video in the search
/// colour: the highlighted matches, top to bottom.
fn search_highlights(t: &Term) -> Vec<String> {
    let out = t.output();
    let screen = out.parser.screen();
    let (rows, cols) = screen.size();
    let mut runs = Vec::new();
    for row in 0..rows {
        let mut run: Option<String> = None;
        for col in 0..cols {
            let lit = screen
                .cell(row, col)
                .filter(|c| c.inverse() && c.fgcolor() == vt100::Color::Idx(222));
            match (lit, &mut run) {
                (Some(c), Some(r)) => r.push_str(c.contents()),
                (Some(c), None) => run = Some(c.contents().to_string()),
                (None, Some(_)) => runs.extend(run.take()),
                (None, None) => {}
            }
        }
        runs.extend(run);
    }
    runs
}

/// `/` searches: matches are highlighted while typing, Enter jumps and the
/// status bar counts, `n` goes to the next match and Backspace goes back to
/// where the search began.
#[test]
fn search_highlights_counts_and_goes_back() {
    let mut t = Term::open(&[SLOW_WEB], 30, 100);
    let start = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    t.send("/measure");
    t.wait_for("the search prompt with a count", |s| {
        s.status().contains("Search: measure") && s.status().contains(" matches")
    });
    let lit = search_highlights(&t);
    assert!(!lit.is_empty(), "{}", t.screen().text());
    assert!(
        lit.iter().all(|r| r.eq_ignore_ascii_case("measure")),
        "{lit:?}"
    );
    t.send("\r");
    let first = t.wait_for("the first match counted", |s| {
        s.status().contains("match 1/")
    });
    let total: usize = {
        let status = first.status();
        let after = &status[status.find("match 1/").unwrap() + "match 1/".len()..];
        after
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(total >= 5, "{}", first.status());
    let lit = search_highlights(&t);
    assert!(
        !lit.is_empty() && lit.iter().all(|r| r.eq_ignore_ascii_case("measure")),
        "{lit:?}\n{}",
        first.text()
    );
    t.send("n");
    t.wait_for("the second match", |s| {
        s.status().contains(&format!("match 2/{total}"))
    });
    assert!(!search_highlights(&t).is_empty());
    t.send("\x7f");
    let back = t.wait_for("back where the search began", |s| {
        s.body()[0].contains("The Slow Web") && s.percent() == Some(0)
    });
    assert_eq!(back.body(), start.body());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A crash restores the terminal first, then says in one line where the
/// details went; no backtrace is printed over the screen.
#[test]
fn a_crash_restores_the_terminal_and_leaves_a_log() {
    let logs = tempfile::tempdir().expect("temp dir");
    let mut spawn = Spawn::longform(&[SLOW_WEB, "--crash-test"]);
    spawn.cmd.env("TMPDIR", logs.path());
    let config = spawn.dir.path().join("config");
    let mut t = spawn.run(24, 80);
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 101, "{status}");
    t.assert_restored();
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(
        raw.contains("longform: internal error, sorry; details are in"),
        "{raw:?}"
    );
    assert!(!raw.contains("stack backtrace"), "{raw:?}");
    // In the config dir, not in the shared temporary folder.
    assert_eq!(
        std::fs::read_dir(logs.path()).expect("read TMPDIR").count(),
        0,
        "something was written to TMPDIR"
    );
    let crashes = config.join("crashes");
    let log = std::fs::read_dir(&crashes)
        .expect("read the crash folder")
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("longform-crash-")
        })
        .expect("a crash log");
    assert!(raw.contains(&log.path().display().to_string()), "{raw:?}");
    let text = std::fs::read_to_string(log.path()).expect("read the log");
    assert!(text.contains("crash test requested"), "{text}");
    // `longform where` lists it.
    let out = std::process::Command::new(BIN)
        .arg("where")
        .env("LONGFORM_CONFIG_DIR", &config)
        .output()
        .expect("run longform where");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!(
            "crash logs   {} (1 log, the latest {})",
            crashes.display(),
            log.path().display()
        )),
        "{out}"
    );
}

/// Ctrl-z gives the terminal back; when the program runs again it takes
/// the terminal again and redraws the same place.
#[test]
fn ctrl_z_gives_the_terminal_back_and_redraws() {
    let mut t = Term::open(&[SLOW_WEB], 24, 80);
    let first = t.wait_for("the essay", at_start("The Slow Web"));
    t.send("\x1a");
    // The program stops once it has given the terminal back: continue it
    // only then, since a SIGCONT that comes first is lost. Without a
    // job-control shell the stop may be ignored; either way the program
    // must come back to the same screen when continued.
    let start = Instant::now();
    while !stopped(t.pid()) && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(POLL);
    }
    t.signal("CONT");
    t.send("j");
    t.wait_for("a line down", |s| s.body()[0] == first.body()[1]);
    let raw = t.raw();
    let left = raw.windows(8).filter(|w| *w == b"\x1b[?1049l").count();
    assert!(left >= 1, "the alternate screen was not left on Ctrl-z");
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// On a dumb terminal the reader does not start: it says to use cat.
#[test]
fn a_dumb_terminal_is_refused_with_advice() {
    let mut spawn = Spawn::longform(&[SLOW_WEB]);
    spawn.cmd.env("TERM", "dumb");
    let mut t = spawn.run(24, 80);
    assert_eq!(t.wait_exit().exit_code(), 2);
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(raw.contains("needs an interactive terminal"), "{raw:?}");
    assert!(raw.contains("longform cat"), "{raw:?}");
    assert!(!raw.contains("\x1b[?1049h"), "{raw:?}");
}

/// An edit saved by another program while reading: the reader notices,
/// reads the file again and keeps the same text on top.
#[test]
fn an_edit_on_disk_is_reloaded_in_place() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("essay.md");
    std::fs::copy(SLOW_WEB, &path).expect("copy");
    let mut t = Term::open(&[path.to_str().expect("utf-8 path")], 30, 100);
    let mut screen = t.wait_for("the essay", at_start("The Slow Web"));
    for _ in 0..3 {
        let last = screen.body().last().cloned().unwrap_or_default();
        t.send(" ");
        screen = t.wait_for("a page down", |s| s.body()[0] == last);
    }
    let text = std::fs::read_to_string(&path).expect("read");
    let at = text
        .find("There is a particular")
        .expect("the first paragraph");
    let edited = format!(
        "{}{}{}",
        &text[..at],
        "Inserted.\n\n".repeat(30),
        &text[at..]
    );
    // Written aside and renamed over, as editors do.
    let aside = dir.path().join(".essay.md.tmp");
    std::fs::write(&aside, edited).expect("write");
    std::fs::rename(&aside, &path).expect("rename");
    let reloaded = t.wait_for("the reload", |s| s.status().contains("Article reloaded"));
    assert_eq!(reloaded.body(), screen.body());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// The open article replaced by a named pipe: the reload is refused
/// without opening the pipe (which would wait for a writer), the loaded
/// text stays, and the keys still work.
#[test]
fn a_named_pipe_in_place_of_the_article_is_not_reloaded() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("essay.md");
    std::fs::copy(SLOW_WEB, &path).expect("copy");
    let mut t = Term::open(&[path.to_str().expect("utf-8 path")], 30, 100);
    let mut screen = t.wait_for("the essay", at_start("The Slow Web"));
    let last = screen.body().last().cloned().unwrap_or_default();
    t.send(" ");
    screen = t.wait_for("a page down", |s| s.body()[0] == last);
    std::fs::remove_file(&path).expect("remove");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let kept = t.wait_for("the refusal", |s| {
        s.status().contains("showing the text loaded before")
    });
    assert_eq!(kept.body(), screen.body());
    let next = kept.body().last().cloned().unwrap_or_default();
    t.send(" ");
    t.wait_for("another page down", |s| s.body()[0] == next);
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A named pipe and a link to a device in the library are dimmed rows,
/// `not a regular file`: the scan never opens them, opening one says why,
/// and the keys still work.
#[test]
fn special_files_in_the_library_are_rows_that_never_block() {
    let shared = tempfile::tempdir().expect("shared dir");
    let shelf = shared.path().join("shelf");
    std::fs::create_dir_all(&shelf).expect("shelf");
    std::fs::copy(SLOW_WEB, shelf.join("the-slow-web.md")).expect("copy");
    let made = std::process::Command::new("mkfifo")
        .arg(shelf.join("pipe.md"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", shelf.join("zero.md")).expect("symlink");
    let mut spawn = Spawn::longform(&[shelf.to_str().expect("utf-8 path")]);
    spawn
        .cmd
        .env("LONGFORM_CONFIG_DIR", shared.path().join("config"));
    let mut t = spawn.run(24, 110);
    let screen = t.wait_for("the library", |s| {
        s.contains("Library · 3 articles") && s.contains("The Slow Web") && !s.contains("scanning")
    });
    for name in ["pipe", "zero"] {
        let row = screen
            .rows
            .iter()
            .find(|r| r.contains(name))
            .unwrap_or_else(|| panic!("{name}'s row:\n{}", screen.text()));
        assert!(row.contains("not a regular file"), "{row}");
    }
    // Path order: the pipe's row is the first, and selected.
    assert!(screen.rows[2].contains("pipe"), "{}", screen.text());
    t.send("\r");
    t.wait_for("the refusal", |s| {
        s.contains("Cannot open it: not a regular file")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// An external link opens with the system's opener (here a stand-in
/// `xdg-open` first on the PATH) only after a second Enter; a `file:` link
/// is refused; with `links.osc8` the link is also written as an OSC 8
/// hyperlink.
#[test]
fn external_links_open_after_a_second_enter_and_only_for_web_schemes() {
    let mut spawn = Spawn::longform(&["links.md"]);
    let dir = spawn.dir.path().to_path_buf();
    std::fs::write(
        dir.join("links.md"),
        "# Links\n\nRead [the page](https://example.com/page) or [a file](file:///etc/passwd).\n",
    )
    .unwrap();
    std::fs::write(dir.join("config/config.toml"), "links.osc8 = true\n").unwrap();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = dir.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    spawn.cmd.env("PATH", format!("{}:{path}", bin.display()));
    let mut t = spawn.run(24, 80);
    t.wait_for("the article", |s| s.contains("the page"));
    let osc8 = b"\x1b]8;;https://example.com/page\x1b\\";
    let start = Instant::now();
    while !t.raw().windows(osc8.len()).any(|w| w == osc8) {
        assert!(start.elapsed() < TIMEOUT, "no OSC 8 hyperlink was written");
        std::thread::sleep(POLL);
    }
    assert!(
        !t.raw().windows(9).any(|w| w == b"]8;;file:"),
        "a file: link is never a hyperlink"
    );
    t.send("\t");
    t.wait_for("the link selected", |s| {
        s.status().contains("https://example.com/page")
    });
    t.send("\r");
    t.wait_for("the confirmation", |s| s.contains("Open this link?"));
    assert!(!opened.exists(), "nothing opens before the second Enter");
    t.send("\r");
    t.wait_for("opened", |s| {
        s.status().contains("Opened https://example.com/page")
    });
    let start = Instant::now();
    while std::fs::read_to_string(&opened).unwrap_or_default() != "https://example.com/page\n" {
        assert!(start.elapsed() < TIMEOUT, "the opener was not run");
        std::thread::sleep(POLL);
    }
    // The file: link is refused with a message.
    t.send("\t");
    t.wait_for("the file link selected", |s| {
        s.status().contains("file:///etc/passwd")
    });
    t.send("\r");
    t.wait_for("the refusal", |s| {
        s.status().contains("only http, https and mailto")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://example.com/page\n"
    );
}

/// When the system's opener fails, the status bar says why in a few words
/// (the opener's name and its exit status, or that there is none), the
/// confirmation stays open, and `y` copies the link instead.
#[test]
fn a_failing_opener_says_why_and_y_copies_the_link() {
    let open_link = |path: String, expect: &str| {
        let mut spawn = Spawn::longform(&[LINKS]);
        spawn.cmd.env("PATH", path);
        let mut t = spawn.run(24, 120);
        t.wait_for("the article", |s| s.contains("Links in an article"));
        t.send("\t\t");
        t.wait_for("the link selected", |s| {
            s.status().contains("https://example.com/longform")
        });
        t.send("\r");
        t.wait_for("the confirmation", |s| s.contains("Open this link?"));
        t.send("\r");
        t.wait_for("the reason", |s| {
            s.status()
                .contains(&format!("Could not open the link: {expect} · y copies it"))
        });
        assert!(t.screen().contains("Open this link?"), "the box stays open");
        t.send("y");
        t.wait_for("the copy", |s| {
            s.status().contains("Copied link · 28 characters")
        });
        assert_eq!(
            last_copy(&t.raw()).as_deref(),
            Some("https://example.com/longform")
        );
        t.send("q");
        assert_eq!(t.wait_exit().exit_code(), 0);
        t.assert_restored();
    };
    // An opener that fails: its name and its status, not its command line.
    let bin = tempfile::tempdir().expect("bin dir");
    let script = bin.path().join("xdg-open");
    std::fs::write(&script, "#!/bin/sh\nexit 4\n").unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    open_link(
        bin.path().display().to_string(),
        "xdg-open failed (exit status 4)",
    );
    // No opener on the PATH at all.
    let empty = tempfile::tempdir().expect("empty dir");
    open_link(
        empty.path().display().to_string(),
        "no opener found (xdg-open)",
    );
}

/// The reading speed learned from the records (read on a thread at start)
/// reaches the status bar's minutes left.
#[test]
fn the_learned_reading_speed_sets_the_minutes_left() {
    let spawn = Spawn::longform(&["words.md"]);
    let dir = spawn.dir.path().to_path_buf();
    // 2,001 words with the heading: 21 minutes at 100 words a minute, 9
    // at the default 238.
    let words = vec!["word"; 2000].join(" ");
    std::fs::write(dir.join("words.md"), format!("# Words\n\n{words}\n")).unwrap();
    let store = longform::store::Store::new(&dir.join("config"));
    let mut state =
        longform::store::ReadingState::new(dir.join("elsewhere.md"), "Elsewhere".into(), 7, 1);
    state.words_read = 1_500;
    state.active_seconds = 900;
    store
        .save(
            &longform::store::record_id(&dir.join("elsewhere.md")),
            &state,
        )
        .unwrap();
    let mut t = spawn.run(24, 80);
    t.wait_for("21 minutes at the learned 100 words a minute", |s| {
        s.status().ends_with(" 21 min in article")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// `o` puts letter hints on the links of the screen and typing one follows
/// it; `L` lists every link and Enter follows the selected one; a click on
/// a link follows it. Through the real binary and terminal.
#[test]
fn hints_the_link_list_and_clicks_follow_links() {
    let spawn = Spawn::longform(&["links.md"]);
    let dir = spawn.dir.path().to_path_buf();
    let filler: String = (1..=40)
        .map(|i| format!("Filler paragraph {i} keeps the second part off the first screen.\n\n"))
        .collect();
    std::fs::write(
        dir.join("links.md"),
        format!(
            "# First part\n\nGo to [the second part](#second-part) or [the web](https://example.com).\n\n\
             {filler}# Second part\n\nBack to [the first part](#first-part).\n\n{filler}"
        ),
    )
    .unwrap();
    let mut t = spawn.run(24, 80);
    t.wait_for("the article", |s| s.contains("the second part"));
    // The hints: the first link gets `a`, a label in the gap before it,
    // so the link's own text stays whole.
    t.send("o");
    t.wait_for("the hints", |s| {
        s.status().contains("Type a link's letters") && s.contains("Go toathe second part")
    });
    t.send("a");
    t.wait_for("the second part on top", |s| {
        s.body()[0].contains("Second part")
    });
    // Back, then the link list.
    t.send("\x7f");
    t.wait_for("back at the start", |s| s.body()[0].contains("First part"));
    t.send("L");
    t.wait_for("the link list", |s| s.contains("Links (3)"));
    t.send("G");
    t.send("\r");
    t.wait_for("the last link followed", |s| {
        s.body()[0].contains("First part") && !s.contains("Links (3)")
    });
    // A click on a link: SGR mouse report of a left press at its cell.
    let screen = t.screen();
    let (row, line) = screen
        .body()
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains("the second part"))
        .map(|(r, l)| (r, l.clone()))
        .unwrap();
    let col = line.find("the second part").unwrap() + 1;
    t.send(format!(
        "\x1b[<0;{};{}M\x1b[<0;{};{}m",
        col + 1,
        row + 1,
        col + 1,
        row + 1
    ));
    t.wait_for("the click followed the link", |s| {
        s.body()[0].contains("Second part")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// Code is drawn plain the first time and coloured right after (the
/// reader defers the grammar engine past the frame): in the real binary the
/// keyword ends up coloured.
#[test]
fn code_blocks_are_coloured_once_shown() {
    let spawn = Spawn::longform(&["code.md"]);
    let dir = spawn.dir.path().to_path_buf();
    std::fs::write(
        dir.join("code.md"),
        "# Code\n\nSome Rust:\n\n```rust\nfn main() {\n    let answer = 42;\n}\n```\n",
    )
    .unwrap();
    std::fs::write(dir.join("config/config.toml"), "theme = \"dark\"\n").unwrap();
    let mut t = spawn.run(24, 80);
    t.wait_for("the code", |s| s.contains("fn main()"));
    let start = Instant::now();
    loop {
        let coloured = {
            let out = t.output();
            let screen = out.parser.screen();
            let (rows, cols) = screen.size();
            (0..rows).any(|row| {
                (0..cols.saturating_sub(1)).any(|col| {
                    let (a, b) = (screen.cell(row, col), screen.cell(row, col + 1));
                    matches!((a, b), (Some(a), Some(b))
                        if a.contents() == "f" && b.contents() == "n"
                            && a.fgcolor() == vt100::Color::Idx(176))
                })
            })
        };
        if coloured {
            break;
        }
        assert!(start.elapsed() < TIMEOUT, "the keyword was never coloured");
        std::thread::sleep(POLL);
    }
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// The status bar's background in the dark palette, which the reader
/// starts with when the terminal has not told its colour.
const DARK_STATUS: vt100::Color = vt100::Color::Idx(236);

/// The terminal answers the background-colour query late, as over a slow
/// link, ended by `end` (BEL or ST), with its DA1 answer after it. The
/// theme follows the answer whenever it comes, and no part of it is read
/// as keys: the place is the same, no prompt opens, and `q` still quits.
fn late_answer(late: Duration, end: &str) {
    let mut t = Spawn::longform(&[SLOW_WEB, "--section", "coda"])
        .silent()
        .run(30, 100);
    let start = Instant::now();
    while !contains(&t.raw(), b"\x1b]11;?") {
        assert!(start.elapsed() < TIMEOUT, "the colour was never asked");
        std::thread::sleep(POLL);
    }
    std::thread::sleep(late);
    // A white background: every letter of `rgb:ffff/ffff/ffff` that is a
    // key (`g` goes to the top, `b` back a page) and the `/` (search)
    // would show if read as keys.
    t.send(format!("\x1b]11;rgb:ffff/ffff/ffff{end}\x1b[?62;22c"));
    let light = t.wait_for("the light theme, Coda on top", |s| {
        s.body()[0].trim() == "Coda"
    });
    let start = Instant::now();
    loop {
        let bg = {
            let out = t.output();
            let screen = out.parser.screen();
            screen.cell(29, 0).map(vt100::Cell::bgcolor)
        };
        if bg.is_some_and(|c| c != DARK_STATUS && c != vt100::Color::Default) {
            break;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "the answer {late:?} late was not taken: the status bar is {bg:?}"
        );
        std::thread::sleep(POLL);
    }
    let after = t.screen();
    assert_eq!(after.body(), light.body(), "the place moved");
    assert!(after.status().contains("Coda"), "{}", after.status());
    assert!(!after.status().contains("Search"), "{}", after.status());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0, "{late:?} {end:?}");
    t.assert_restored();
}

#[test]
fn an_answer_50ms_late_is_no_keys() {
    late_answer(Duration::from_millis(50), "\x07");
    late_answer(Duration::from_millis(50), "\x1b\\");
}

#[test]
fn an_answer_400ms_late_is_no_keys() {
    late_answer(Duration::from_millis(400), "\x07");
    late_answer(Duration::from_millis(400), "\x1b\\");
}

#[test]
fn an_answer_1500ms_late_is_no_keys() {
    late_answer(Duration::from_millis(1500), "\x07");
    late_answer(Duration::from_millis(1500), "\x1b\\");
}

/// Keys typed before the terminal has answered the start-up query (typed
/// ahead, while the shell started the program) are read with the answers,
/// and are keys all the same: `G` goes to the end.
#[test]
fn keys_typed_before_the_answers_are_kept() {
    let mut t = Spawn::longform(&[SLOW_WEB]).silent().run(30, 100);
    let start = Instant::now();
    while !contains(&t.raw(), b"\x1b[c") {
        assert!(start.elapsed() < TIMEOUT, "the terminal was never asked");
        std::thread::sleep(POLL);
    }
    t.send("G");
    std::thread::sleep(Duration::from_millis(20));
    t.send("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c");
    let end = t.wait_for("the end, by the key typed ahead", |s| {
        s.percent() == Some(100)
    });
    assert!(!end.status().contains("Search"), "{}", end.status());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// The first screen does not wait for the terminal's answers: with none
/// yet, it is drawn at once without colour, which reads on any
/// background; a terminal that never tells its colour then gets the dark
/// theme, as before, and one that tells it later gets its own.
#[test]
fn the_first_screen_is_drawn_before_the_answers_and_coloured_after() {
    let mut t = Spawn::longform(&[SLOW_WEB]).silent().run(30, 100);
    t.wait_for("the first screen", at_start("The Slow Web"));
    // The first frame as it was written, whatever came after it.
    let raw = t.raw();
    let query = raw
        .windows(3)
        .position(|w| w == b"\x1b[c")
        .expect("the start-up query");
    let end = (query..raw.len())
        .find(|&i| FRAME_ENDS.iter().any(|e| raw[i..].starts_with(e)))
        .expect("a frame");
    let mut first = vt100::Parser::new(30, 100, 0);
    first.process(&raw[..end]);
    let screen = first.screen();
    assert!(
        screen.contents().contains("The Slow Web"),
        "{}",
        screen.contents()
    );
    for row in 0..30 {
        for col in 0..100 {
            let cell = screen.cell(row, col).expect("a cell");
            assert_eq!(
                (cell.fgcolor(), cell.bgcolor()),
                (vt100::Color::Default, vt100::Color::Default),
                "a colour at {row},{col} before the terminal told its background"
            );
        }
    }
    // No answer: the dark theme once the wait for one is over.
    let status_bg = |t: &Term| {
        t.output()
            .parser
            .screen()
            .cell(29, 0)
            .map(vt100::Cell::bgcolor)
    };
    let start = Instant::now();
    while status_bg(&t) != Some(DARK_STATUS) {
        assert!(start.elapsed() < TIMEOUT, "never the dark theme");
        std::thread::sleep(POLL);
    }
    // The answer, late: the light theme.
    t.send("\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c");
    let start = Instant::now();
    loop {
        let bg = status_bg(&t);
        if bg.is_some_and(|c| c != DARK_STATUS && c != vt100::Color::Default) {
            break;
        }
        assert!(start.elapsed() < TIMEOUT, "never the light theme: {bg:?}");
        std::thread::sleep(POLL);
    }
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

// ---------------------------------------------------------------------------
// What is read, finished and kept: the record tells what the reader did.

/// An article copied into a fresh folder with its own config dir, opened as
/// many times as a test needs.
struct Shelf {
    dir: TempDir,
    article: std::path::PathBuf,
}

impl Shelf {
    fn with(source: &str) -> Shelf {
        let dir = tempfile::tempdir().expect("shelf dir");
        let name = std::path::Path::new(source).file_name().expect("a name");
        let article = dir.path().join(name);
        std::fs::copy(source, &article).expect("copy the article");
        Shelf { dir, article }
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("config")
    }

    fn open(&self, extra: &[&str]) -> Term {
        let mut args = vec![self.article.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        let mut spawn = Spawn::longform(&args);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", self.config());
        spawn.run(30, 100)
    }

    /// The article's entry in `longform progress --json`.
    fn progress(&self) -> serde_json::Value {
        let out = std::process::Command::new(BIN)
            .args(["progress", "--json"])
            .env("LONGFORM_CONFIG_DIR", self.config())
            .output()
            .expect("run progress");
        assert!(out.status.success());
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
        list[0].clone()
    }
}

/// Page down with Space until the end is on screen.
fn space_to_the_end(t: &mut Term, mut screen: Screen) -> Screen {
    for _ in 0..200 {
        if screen.status().contains("end") {
            return screen;
        }
        let before = screen.clone();
        t.send(" ");
        screen = t.wait_for("a page down", |s| *s != before);
    }
    panic!("never reached the end:\n{}", screen.text());
}

#[test]
fn a_peek_at_the_end_leaves_the_article_unfinished_and_backspace_comes_back() {
    let shelf = Shelf::with(TEA);
    let mut t = shelf.open(&[]);
    let first = t.wait_for("the notes at 0%", at_start("Field Notes on Tea"));
    t.send("G");
    t.wait_for("the end", |s| s.status().contains("100% · end"));
    t.send("\x7f");
    t.wait_for("back at the start", |s| *s == first);
    t.send("G");
    t.wait_for("the end again", |s| s.status().contains("100% · end"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    let p = shelf.progress();
    assert_eq!(p["finished"], false, "{p}");
    assert!(p["read"].as_u64().is_some_and(|r| r < 20), "{p}");
}

#[test]
fn reading_with_space_to_the_end_finishes_the_article() {
    let shelf = Shelf::with(TEA);
    let mut t = shelf.open(&[]);
    let first = t.wait_for("the notes at 0%", at_start("Field Notes on Tea"));
    space_to_the_end(&mut t, first);
    t.wait_for("the finish said", |s| s.status().contains("Finished"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    let p = shelf.progress();
    assert_eq!(p["finished"], true, "{p}");
    assert_eq!(p["read"], 100, "{p}");
    assert_eq!(p["percent"], 100, "{p}");
}

#[test]
fn from_start_then_quit_keeps_the_saved_place() {
    let shelf = Shelf::with(SLOW_WEB);
    let mut t = shelf.open(&[]);
    let mut screen = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    for _ in 0..6 {
        let before = screen.clone();
        t.send(" ");
        screen = t.wait_for("a page down", |s| *s != before);
    }
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    let saved = shelf.progress()["percent"].as_u64().expect("a percent");
    assert!(saved > 10, "{saved}");

    let mut t = shelf.open(&["--from-start"]);
    let told = format!("From the start · your place at {saved}% is kept (Backspace goes there)");
    let screen = t.wait_for("the note", |s| s.status().contains(&told));
    assert!(!screen.status().contains("Resumed"), "{}", screen.status());
    assert!(
        screen.status().ends_with(" 0% · 11 min in article"),
        "{}",
        screen.status()
    );
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    assert_eq!(shelf.progress()["percent"], saved);
}

#[test]
fn the_first_bracket_in_a_front_matter_article_moves_to_the_first_section() {
    let mut t = Term::open(&[SLOW_WEB], 30, 100);
    let first = t.wait_for("the essay at 0%", at_start("The Slow Web"));
    t.send("]");
    let moved = t.wait_for("the first section on top", |s| {
        s.body()[0].trim() == "Glass before paper"
    });
    assert_ne!(moved.body(), first.body());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// Two longform processes on one article, each reading one half: the
/// record holds both halves read.
#[test]
fn two_readers_of_one_article_each_reading_a_half_merge_what_they_read() {
    let shelf = Shelf::with(TEA);
    let mut first = shelf.open(&[]);
    let start = first.wait_for("the notes at 0%", at_start("Field Notes on Tea"));
    // The second opens at the second half before the first has saved.
    let mut second = shelf.open(&["--section", "japan"]);
    let japan = second.wait_for("Japan on top", |s| s.body()[0].contains("Japan"));
    // The first reads up to Japan, the second from there to the end.
    let mut screen = start;
    for _ in 0..200 {
        if screen.body().iter().any(|r| r.contains("Japan")) {
            break;
        }
        let before = screen.clone();
        first.send(" ");
        screen = first.wait_for("a page down", |s| *s != before);
    }
    first.send("q");
    assert_eq!(first.wait_exit().exit_code(), 0);
    let half = shelf.progress();
    assert_eq!(half["finished"], false, "{half}");
    let read_first = half["read"].as_u64().expect("read");
    assert!((30..90).contains(&read_first), "{half}");

    space_to_the_end(&mut second, japan);
    second.send("q");
    assert_eq!(second.wait_exit().exit_code(), 0);
    let both = shelf.progress();
    let read = both["read"].as_u64().expect("read");
    assert!(read >= 95, "both halves are read: {both}");
    // The second reached the end by reading: with the first half merged,
    // the article is finished.
    assert_eq!(both["finished"], true, "{both}");
    let records: Vec<_> = std::fs::read_dir(shelf.config().join("reading"))
        .expect("a reading folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(records.len(), 1);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(records[0].path()).expect("read")).expect("JSON");
    assert_eq!(record["version"], longform::store::VERSION, "{record}");
    let coverage = record["coverage"].as_array().expect("coverage");
    assert!(coverage.len() <= 2, "a few intervals: {record}");
    assert_eq!(coverage[0][0], 0, "{record}");
}

/// Another process holds the article's record lock and never lets it go:
/// quitting and SIGTERM still end the reader (the lock is waited for a
/// short while), the place is kept in the record's `.pending` file with a
/// word on stderr, and the next open, with the lock free, takes it in.
#[test]
fn a_held_record_lock_does_not_hang_quit_or_sigterm() {
    let shared = tempfile::tempdir().expect("shared dir");
    let article = shared.path().join("the-slow-web.md");
    std::fs::copy(SLOW_WEB, &article).expect("copy the article");
    let config = shared.path().join("config");
    let reading = config.join("reading");
    std::fs::create_dir_all(&reading).expect("reading dir");
    let id = longform::store::record_id(&std::fs::canonicalize(&article).expect("canonical"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(reading.join(format!("{id}.lock")))
        .expect("the lock file");
    lock.lock().expect("hold the lock");
    let pending = reading.join(format!("{id}.pending"));
    let open = || {
        let mut spawn = Spawn::longform(&[article.to_str().expect("UTF-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(30, 100)
    };
    for (end, code) in [("q", 0), ("TERM", 143)] {
        let _ = std::fs::remove_file(&pending);
        let mut t = open();
        let first = t.wait_for("the essay at 0%", at_start("The Slow Web"));
        let last = first.body().last().cloned().unwrap_or_default();
        t.send(" ");
        t.wait_for("a page down", |s| s.body()[0] == last);
        if end == "q" {
            t.send("q");
        } else {
            t.signal(end);
        }
        assert_eq!(t.wait_exit().exit_code(), code, "ended by {end}");
        t.assert_restored();
        let raw = String::from_utf8_lossy(&t.raw()).into_owned();
        assert!(
            raw.contains(".pending"),
            "no word of the pending save: {raw:?}"
        );
        assert!(pending.exists(), "nothing was kept after {end}");
    }
    drop(lock);
    let mut t = open();
    t.wait_for("the saved place, taken from the pending file", |s| {
        s.percent().is_some_and(|p| p > 0)
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    assert!(!pending.exists(), "the pending file was not merged");
}

/// Rename a bookmark: Ctrl-u clears the pre-filled label, the typed one is
/// saved with Enter.
#[test]
fn rename_a_bookmark_with_ctrl_u() {
    let shared = tempfile::tempdir().expect("shared config");
    let config = shared.path().join("config");
    let mut spawn = Spawn::longform(&[SLOW_WEB]);
    spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
    let mut t = spawn.run(24, 80);
    t.wait_for("the essay", at_start("The Slow Web"));
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    t.wait_for("the bookmark saved", |s| {
        s.status().contains("Bookmarked: ")
    });
    t.send("'");
    t.wait_for("the bookmarks", |s| s.contains("Bookmarks"));
    t.send("r");
    t.wait_for("the rename prompt", |s| s.status().contains("Rename: "));
    // Ctrl-u, then a label with a word deleted by Ctrl-w on the way.
    t.send("\x15Mine extra\x17");
    t.wait_for("the typed label", |s| {
        s.status().contains("Rename: Mine ") && !s.status().contains("extra")
    });
    t.send("label\r");
    t.wait_for("the renamed bookmark", |s| s.contains("Mine label"));
    // `q` closes the list, then quits.
    t.send("q");
    t.wait_for("the list closed", |s| !s.contains("Bookmarks"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);

    let out = std::process::Command::new(BIN)
        .args(["bookmarks", SLOW_WEB, "--json"])
        .env("LONGFORM_CONFIG_DIR", &config)
        .output()
        .expect("run bookmarks");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(list[0]["label"], "Mine label", "{list}");
}

/// A paste is text: keys inside it (ESC, q, Enter) do nothing, in the
/// search prompt or while reading.
#[test]
fn a_pasted_escape_triggers_no_key() {
    let mut t = Term::open(&[SLOW_WEB], 24, 80);
    t.wait_for("the essay", at_start("The Slow Web"));
    // While reading, a paste is ignored: its q does not quit.
    t.send("\x1b[200~q\x1b[201~");
    t.send("/");
    t.wait_for("the search prompt", |s| s.status().contains("Search: "));
    t.send("\x1b[200~sl\x1bq\row\x1b[201~");
    let screen = t.wait_for("the pasted text", |s| s.status().contains("Search: slq ow"));
    assert!(t.alive(), "{}", screen.text());
    // The prompt is still open: Esc now cancels it, q quits.
    t.send("\x1b");
    t.wait_for("the prompt closed", |s| !s.status().contains("Search: "));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

const LINKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/links.md");

/// Standard base64, decoded: the test reads back what the reader encoded.
fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for b in text.bytes().take_while(|&b| b != b'=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a == b)
            .expect("a base64 digit");
        bits = (bits << 6) | u32::try_from(v).expect("small");
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).expect("a byte"));
        }
    }
    out
}

/// `y` on a selected link writes one OSC 52 sequence whose payload is the
/// link's address, and nothing of the address as text.
#[test]
fn y_on_a_link_writes_osc52() {
    let mut t = Term::open(&[LINKS], 24, 80);
    t.wait_for("the article", |s| s.contains("Links in an article"));
    // The second link on screen is the external one.
    t.send("\t\t");
    t.send("y");
    t.wait_for("the copy said", |s| {
        s.status().contains("Copied link · 28 characters")
    });
    let raw = t.raw();
    let start = b"\x1b]52;c;";
    let at = raw
        .windows(start.len())
        .position(|w| w == start)
        .expect("an OSC 52 sequence");
    let rest = &raw[at + start.len()..];
    let end = rest.iter().position(|&b| b == 0x07).expect("its end");
    let payload = std::str::from_utf8(&rest[..end]).expect("ASCII");
    assert_eq!(decode_base64(payload), b"https://example.com/longform");
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// A problem in the config is said after where the article resumed, not
/// in its place.
#[test]
fn a_config_problem_is_said_after_the_resume_note() {
    let shared = tempfile::tempdir().expect("shared dir");
    let article = shared.path().join("the-slow-web.md");
    std::fs::copy(SLOW_WEB, &article).expect("copy the article");
    let config = shared.path().join("config");
    let open = || {
        let mut spawn = Spawn::longform(&[article.to_str().expect("utf-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(30, 160)
    };
    let mut t = open();
    t.wait_for("the article", |s| s.status().contains('%'));
    t.send("   ");
    t.wait_for("a page down", |s| !s.status().contains(" 0%"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    std::fs::write(config.join("config.toml"), "width = \"wide\"\n").expect("config");
    let mut t = open();
    t.wait_for("the resume note, then the config's problem", |s| {
        let status = s.status();
        status.contains("Resumed at ") && status.find("Resumed at ") < status.find("config.toml")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// A save that fails keeps saying so: each bookmark says "(not saved)",
/// the status bar keeps a mark, and stderr says at exit what was lost.
/// Once saving works again, everything is saved. The failure is a folder
/// in place of the record's lock file: it cannot be opened for writing
/// even by root, which a read-only folder would not stop.
#[test]
fn a_failing_save_is_said_until_exit_and_recovers() {
    let shared = tempfile::tempdir().expect("shared dir");
    let article = shared.path().join("the-slow-web.md");
    std::fs::copy(SLOW_WEB, &article).expect("copy the article");
    let config = shared.path().join("config");
    let store = longform::store::Store::new(&config);
    let id = longform::store::record_id(&std::fs::canonicalize(&article).expect("canonical"));
    let lock = store.dir().join(format!("{id}.lock"));
    std::fs::create_dir_all(&lock).expect("a folder as the lock file");
    let open = || {
        let mut spawn = Spawn::longform(&[article.to_str().expect("utf-8 path")]);
        spawn.cmd.env("LONGFORM_CONFIG_DIR", &config);
        spawn.run(30, 100)
    };

    let mut t = open();
    t.wait_for("the first save failing", |s| {
        s.status().contains("Progress will not be saved")
    });
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    t.wait_for("the bookmark, not saved", |s| {
        s.status().contains("Bookmarked: ") && s.status().contains("(not saved)")
    });
    t.send("j");
    t.wait_for("the lasting mark", |s| {
        s.status().contains("⚠ not saved") && !s.status().contains("Bookmarked")
    });
    t.send("q");
    // What was lost is said, and the exit status says it too.
    assert_eq!(t.wait_exit().exit_code(), 1);
    t.assert_restored();
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(
        raw.contains(
            "longform: warning: 1 bookmark and your place were not saved: cannot open the lock file"
        ),
        "no word at exit of what was lost: {raw:?}"
    );

    // Saving works again: the idle save clears the mark and keeps the
    // bookmark made now.
    let mut t = open();
    t.wait_for("the first save failing", |s| {
        s.status().contains("Progress will not be saved")
    });
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    t.wait_for("the bookmark, not saved", |s| {
        s.status().contains("(not saved)")
    });
    std::fs::remove_dir(&lock).expect("the lock folder removed");
    t.send("j");
    t.wait_for("the mark gone after an idle save", |s| {
        !s.status().contains("not saved")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(!raw.contains("were not saved"), "{raw:?}");
    let Ok(longform::store::Load::Found(saved)) = store.load(&id) else {
        panic!("no record saved");
    };
    assert_eq!(saved.bookmarks.len(), 1, "the bookmark made while failing");
}

/// The text of the last OSC 52 copy the program wrote.
fn last_copy(raw: &[u8]) -> Option<String> {
    let start = b"\x1b]52;c;";
    let at = raw.windows(start.len()).rposition(|w| w == start)?;
    let rest = &raw[at + start.len()..];
    let end = rest.iter().position(|&b| b == 0x07)?;
    let payload = std::str::from_utf8(&rest[..end]).ok()?;
    String::from_utf8(decode_base64(payload)).ok()
}

/// Search a phrase, `v` starts the selection at the match, `)` takes it to
/// the end of the sentence, and `y` copies exactly that sentence (OSC 52).
#[test]
fn v_at_a_match_and_a_sentence_copied() {
    let mut t = Term::open(&[TEA], 30, 100);
    t.wait_for("the article", |s| s.contains("Field Notes on Tea"));
    t.send("/That smell\r");
    t.wait_for("the match", |s| s.status().contains("match 1/1"));
    t.send("v");
    t.wait_for("the selection", |s| {
        s.status()
            .contains("Selected 2 words · h highlight · n note · y copy")
    });
    t.send(")");
    t.wait_for("the sentence selected", |s| {
        s.status().contains("Selected 5 words")
    });
    t.send("y");
    t.wait_for("the copy said", |s| {
        s.status().contains("Copied selection · 22 characters")
    });
    assert_eq!(
        last_copy(&t.raw()).as_deref(),
        Some("That smell is the pan.")
    );
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A mouse drag from one word to another selects both, whole; `y` copies
/// them.
#[test]
fn a_mouse_drag_selects_by_word() {
    let mut t = Term::open(&[TEA], 30, 100);
    let screen = t.wait_for("the article", |s| s.contains("Freshly picked"));
    let (row, line) = screen
        .body()
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains("Freshly picked"))
        .map(|(r, l)| (r, l.clone()))
        .expect("the row");
    // Columns are 1-based in mouse reports; press inside the first word
    // and let go inside the second.
    let from = line.find("Freshly").expect("first word") + 3;
    let to = line.find("picked").expect("second word") + 2;
    let (y, a, b) = (row + 1, from + 1, to + 1);
    t.send(format!("\x1b[<0;{a};{y}M"));
    t.send(format!("\x1b[<32;{};{y}M", a + 2));
    t.send(format!("\x1b[<32;{b};{y}M"));
    t.send(format!("\x1b[<0;{b};{y}m"));
    t.wait_for("two words selected", |s| {
        s.status().contains("Selected 2 words")
    });
    t.send("y");
    t.wait_for("the copy said", |s| s.status().contains("Copied selection"));
    assert_eq!(last_copy(&t.raw()).as_deref(), Some("Freshly picked"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A drag to the bottom row, the pointer then held still: the text goes
/// on scrolling with no more reports from the mouse, the selection
/// growing, until the button is let go.
#[test]
fn a_drag_held_at_the_bottom_goes_on_scrolling() {
    let mut t = Term::open(&[TEA], 24, 80);
    let screen = t.wait_for("the article", |s| s.contains("Notes from two"));
    let (row, line) = screen
        .body()
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains("Notes from two"))
        .map(|(r, l)| (r, l.clone()))
        .expect("the row");
    let x = line.find("Notes from").expect("first word") + 3;
    let (a, y) = (x + 1, row + 1);
    let bottom = screen.body().len();
    t.send(format!("\x1b[<0;{a};{y}M"));
    t.send(format!("\x1b[<32;{a};{bottom}M"));
    let first = t.wait_for("a selection", |s| s.status().contains("Selected"));
    let words = |s: &Screen| -> usize {
        s.status()
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let from = words(&first);
    // No more mouse reports: the text scrolls on by itself.
    let later = t.wait_for("the text scrolled on", |s| {
        words(s) > from + 40 && !s.contains("Notes from two")
    });
    t.send(format!("\x1b[<0;{a};{bottom}m"));
    let held = words(&t.wait_for("let go", |s| s.status().contains("Selected")));
    assert!(held >= words(&later));
    t.send("y");
    t.wait_for("the copy said", |s| s.status().contains("Copied selection"));
    let copied = last_copy(&t.raw()).expect("a copy");
    assert!(copied.starts_with("Notes from two"), "{copied}");
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// A shelf of the essay and the tea notes in a shared temporary folder,
/// with the config and the data home beside it.
fn library_shelf() -> (TempDir, std::path::PathBuf) {
    let shared = tempfile::tempdir().expect("shared dir");
    let shelf = shared.path().join("shelf");
    std::fs::create_dir_all(&shelf).expect("shelf");
    for from in [SLOW_WEB, TEA] {
        let name = std::path::Path::new(from).file_name().expect("a name");
        std::fs::copy(from, shelf.join(name)).expect("copy an article");
    }
    (shared, shelf)
}

/// The library of `shelf` with the config and the data home (where the
/// trash is) in `shared`.
fn open_library(shared: &TempDir, shelf: &std::path::Path) -> Term {
    let mut spawn = Spawn::longform(&[shelf.to_str().expect("utf-8 path")]);
    spawn
        .cmd
        .env("LONGFORM_CONFIG_DIR", shared.path().join("config"));
    spawn.cmd.env("XDG_DATA_HOME", shared.path().join("data"));
    // Wide enough for the column of bookmarks.
    let mut t = spawn.run(24, 160);
    t.wait_for("the library", |s| s.contains("Library · 2 articles"));
    t
}

/// `d` in the library asks, naming the article, then moves it to the
/// trash (`$XDG_DATA_HOME/Trash/files`); its reading record stays; `u`
/// puts it back where it was.
#[test]
fn library_d_moves_an_article_to_the_trash_and_u_puts_it_back() {
    let (shared, shelf) = library_shelf();
    let mut t = open_library(&shared, &shelf);
    // Read a page of the essay, so that it has a record.
    t.send("/slow\r");
    t.wait_for("the essay", at_start("The Slow Web"));
    t.send(" ");
    t.wait_for("a page down", |s| s.percent().is_some_and(|p| p > 0));
    t.send("q");
    t.wait_for("the library again", |s| s.contains("Library · "));
    let records = shared.path().join("config/reading");
    let count = || {
        std::fs::read_dir(&records).map_or(0, |d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
    };
    assert_eq!(count(), 1);
    // Any key but y keeps it.
    t.send("d");
    t.wait_for("the question", |s| {
        s.status()
            .contains("Move “The Slow Web” (the-slow-web.md) to the trash? y moves it")
    });
    t.send("n");
    t.wait_for("kept", |s| s.status().contains("Kept “The Slow Web”"));
    assert!(shelf.join("the-slow-web.md").exists());
    t.send("d");
    t.wait_for("the question", |s| s.status().contains("to the trash?"));
    t.send("y");
    let screen = t.wait_for("moved", |s| {
        s.status()
            .contains("Moved “The Slow Web” to the trash · u puts it back")
    });
    assert!(!screen.contains("The Slow Web —"), "{}", screen.text());
    let trashed = shared.path().join("data/Trash/files/the-slow-web.md");
    assert!(trashed.exists(), "not in the trash");
    assert!(!shelf.join("the-slow-web.md").exists());
    assert_eq!(count(), 1, "the reading record stays");
    // A file in its place: not put back, and `u` stays ready.
    std::fs::write(shelf.join("the-slow-web.md"), "# In the way\n").expect("write");
    t.send("u");
    t.wait_for("not put back", |s| {
        s.status().contains("Cannot put back “The Slow Web”")
            && s.status().contains("u tries again")
    });
    assert!(trashed.exists(), "still in the trash");
    std::fs::remove_file(shelf.join("the-slow-web.md")).expect("remove");
    t.send("u");
    t.wait_for("put back", |s| {
        s.status().contains("Put back “The Slow Web”") && s.contains("The Slow Web —")
    });
    assert!(shelf.join("the-slow-web.md").exists());
    assert!(!trashed.exists());
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// When no trash can be had (here the data home is a file, so its
/// `Trash` folder cannot be made), `d` says why in a few words and the
/// article stays where it is.
#[test]
fn library_d_without_a_trash_says_why_and_keeps_the_file() {
    let (shared, shelf) = library_shelf();
    let not_a_folder = shared.path().join("data");
    std::fs::write(&not_a_folder, "a file, not a folder\n").expect("a file as the data home");
    let mut t = open_library(&shared, &shelf);
    t.send("d");
    t.wait_for("the question", |s| s.status().contains("to the trash?"));
    t.send("y");
    let screen = t.wait_for("the reason", |s| {
        s.status().contains("Cannot move “") && s.status().contains("to the trash: ")
    });
    let status = screen.status().to_string();
    assert!(status.contains("it stays where it is"), "{status}");
    assert!(!status.contains("FileSystem {"), "{status}");
    assert!(screen.contains("Library · 2 articles"), "{}", screen.text());
    for name in ["the-slow-web.md", "field-notes-on-tea.md"] {
        assert!(shelf.join(name).exists(), "{name} was moved");
    }
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
}

/// `b` in the library shows the selected article's bookmarks: Enter opens
/// it at the one chosen, Esc goes back to the library.
#[test]
fn library_b_opens_an_article_at_a_bookmark() {
    let (shared, shelf) = library_shelf();
    let mut t = open_library(&shared, &shelf);
    t.send("/slow\r");
    t.wait_for("the essay", at_start("The Slow Web"));
    t.send("  ");
    t.wait_for("two pages down", |s| s.percent().is_some_and(|p| p > 5));
    t.send("m");
    t.wait_for("the bookmark prompt", |s| s.status().contains("Bookmark: "));
    t.send("\r");
    // The top line when the bookmark is saved is the one it marks.
    let marked = t.wait_for("the bookmark saved", |s| {
        s.status().contains("Bookmarked: ")
    });
    t.send("gq");
    t.wait_for("the library again", |s| {
        s.rows
            .iter()
            .any(|r| r.contains("The Slow Web") && r.contains("1 ◆"))
    });
    // Esc closes the bookmarks and comes back.
    t.send("b");
    t.wait_for("the bookmarks", |s| s.contains("Bookmarks"));
    t.send("\x1b");
    t.wait_for("the library again", |s| s.contains("Library · "));
    // Enter opens the article at the bookmark.
    t.send("b");
    t.wait_for("the bookmarks", |s| s.contains("Bookmarks"));
    t.send("\r");
    let at = t.wait_for("the article at the bookmark", |s| {
        !s.contains("Bookmarks") && s.percent().is_some()
    });
    // The same line at the top (the bookmark's mark aside).
    assert_eq!(
        at.body()[0].replace('▍', " "),
        marked.body()[0].replace('▍', " "),
        "\n{}",
        at.text()
    );
    t.send("q");
    t.wait_for("the library again", |s| s.contains("Library · "));
    // The tea notes have none: b says so.
    t.send("\x1b");
    t.wait_for("the whole library", |s| s.contains("Field Notes on Tea"));
    t.send("G");
    t.send("b");
    t.wait_for("none", |s| {
        s.status().contains("No bookmarks in “Field Notes on Tea”")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
}

/// Search a phrase, `v`, `)` to the end of its sentence, `h`, quit: then
/// `longform highlights FILE --json` lists exactly that sentence, at the
/// source bytes that hold it.
#[test]
fn a_sentence_highlighted_by_keys_is_kept() {
    let spawn = Spawn::longform(&[TEA]);
    let dir = spawn.dir.path().to_path_buf();
    let mut t = spawn.run(30, 100);
    select_that_smell(&mut t);
    t.send(")");
    t.wait_for("the sentence", |s| s.status().contains("Selected 5 words"));
    t.send("h");
    t.wait_for("the highlight said", |s| {
        s.status().contains("Highlighted 5 words")
    });
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
    let out = tea_highlights(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{list:?}");
    let h = &list[0];
    assert_eq!(h["text"], "That smell is the pan.", "{h}");
    assert_eq!(h["found"], "exact", "{h}");
    assert_eq!(h["title"], "Field Notes on Tea", "{h}");
    // Its bytes in the article are that sentence and nothing else.
    let source = std::fs::read_to_string(TEA).expect("the article");
    let byte = |k: &str| {
        h[k].as_u64()
            .and_then(|b| usize::try_from(b).ok())
            .expect("a byte")
    };
    assert_eq!(
        &source[byte("start")..byte("end")],
        "That smell is the pan."
    );
}

/// Whether a row shows part of a half-block picture.
fn half_blocks(row: &str) -> bool {
    row.contains('▀') || row.contains('▄')
}

#[test]
fn a_png_figure_in_half_blocks_and_i_turns_it_off() {
    let spawn = Spawn::longform(&["figure.md"]);
    let dir = spawn.dir.path();
    std::fs::create_dir_all(dir.join("fig")).expect("fig dir");
    // A light square in a dark frame, 300x150 pixels.
    let image = image::RgbImage::from_fn(300, 150, |x, y| {
        if (75..225).contains(&x) && (38..112).contains(&y) {
            image::Rgb([240, 240, 240])
        } else {
            image::Rgb([20, 40, 160])
        }
    });
    image
        .save(dir.join("fig/square.png"))
        .expect("write the PNG");
    std::fs::write(
        dir.join("figure.md"),
        "# Figure test\n\nBefore the figure.\n\n![A framed square](fig/square.png)\n\n\
         After the figure.\n",
    )
    .expect("write the article");
    // A terminal that answers no query: no graphics, half-blocks.
    let mut t = spawn.run(30, 80);
    let screen = t.wait_for("the figure in half-blocks", |s| {
        s.contains("A framed square") && s.body().iter().any(|r| half_blocks(r))
    });
    let caption = screen
        .body()
        .iter()
        .position(|r| r.contains("A framed square"))
        .expect("the caption");
    let drawn: Vec<usize> = (0..caption)
        .filter(|&i| half_blocks(&screen.body()[i]))
        .collect();
    assert!(!drawn.is_empty(), "{}", screen.text());
    // The picture is in the rows between the text before and the caption.
    let before = screen
        .body()
        .iter()
        .position(|r| r.contains("Before the figure."))
        .expect("the text before");
    assert!(drawn.iter().all(|&i| i > before && i < caption));
    t.send("i");
    let off = t.wait_for("the figure as its text", |s| {
        s.contains("[image: A framed square]") && !s.body().iter().any(|r| half_blocks(r))
    });
    assert!(off.status().contains("Images off"), "{}", off.text());
    t.send("i");
    t.wait_for("the figure again", |s| {
        s.body().iter().any(|r| half_blocks(r)) && s.status().contains("Images on")
    });
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_restored();
}

/// `longform toc` writing to a terminal fits its lines to the terminal's
/// width: at 40 columns each heading is one row, its title cut with `…`.
#[test]
fn toc_in_a_terminal_fits_its_width() {
    let names = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/long-names.md");
    let mut t = Spawn::longform(&["toc", names]).run(30, 40);
    assert!(t.wait_exit().success());
    let screen = t.screen();
    let rows: Vec<&String> = screen
        .rows
        .iter()
        .filter(|r| !r.trim().is_empty())
        .collect();
    assert!(rows.len() >= 4, "{}", screen.text());
    // No row is the wrapped end of another: each has its title, words and
    // minutes.
    for row in &rows {
        assert!(
            row.contains(" words ") && row.trim_end().ends_with(" min"),
            "{}",
            screen.text()
        );
    }
    assert!(rows.iter().any(|r| r.contains('…')), "{}", screen.text());

    // With --ids, an id too long to go beside its title goes under it,
    // whole: no row is the wrapped end of another.
    let spawn = Spawn::longform(&["toc", "--ids", "ids.md"]);
    std::fs::write(
        spawn.dir.path().join("ids.md"),
        "# Reading in a small town\n\nText.\n\n## Letters carried by the railway\n\nText.\n\n\
         ### The station and its evenings\n\nText.\n\n## A library at last\n\nText.\n",
    )
    .unwrap();
    let mut t = spawn.run(30, 40);
    assert!(t.wait_exit().success());
    let screen = t.screen();
    let rows: Vec<&String> = screen
        .rows
        .iter()
        .filter(|r| !r.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 8, "{}", screen.text());
    for pair in rows.chunks(2) {
        assert!(
            pair[0].contains(" words ") && pair[0].trim_end().ends_with(" min"),
            "{}",
            screen.text()
        );
        assert!(pair[1].trim_start().starts_with('#'), "{}", screen.text());
    }
}

/// `cat --images` with a terminal on stdout draws the figure (half-blocks
/// here: the emulator answers no query) with its caption under it.
#[test]
fn cat_images_draws_the_figure_for_a_terminal() {
    let spawn = Spawn::longform(&["cat", "figure.md", "--images", "--width", "40"]).silent();
    let dir = spawn.dir.path();
    image::RgbImage::from_pixel(200, 100, image::Rgb([200, 30, 30]))
        .save(dir.join("red.png"))
        .expect("write the PNG");
    std::fs::write(
        dir.join("figure.md"),
        "Before.\n\n![A red block](red.png)\n\nAfter.\n",
    )
    .expect("write the article");
    let mut t = spawn.run(30, 80);
    assert!(t.wait_exit().success());
    let screen = t.screen();
    let rows = &screen.rows;
    let before = rows.iter().position(|r| r == "Before.").expect("before");
    let caption = rows
        .iter()
        .position(|r| r.trim() == "A red block")
        .expect("the caption");
    let after = rows.iter().position(|r| r == "After.").expect("after");
    assert!(before < caption && caption < after, "{}", screen.text());
    // The picture is coloured cells between the text and the caption.
    let out = t.output();
    let vt = out.parser.screen();
    let red = (before + 1..caption).any(|y| {
        (0..40).any(|x| {
            vt.cell(u16::try_from(y).unwrap(), x)
                .is_some_and(|c| c.bgcolor() == vt100::Color::Rgb(200, 30, 30))
        })
    });
    assert!(red, "{}", screen.text());
}

// ---------------------------------------------------------------------------
// Figures in each terminal: the terminal answers the start-up query as kitty,
// as an xterm with sixel, as iTerm2 or through tmux, and the bytes written
// after the query hold the picture in that protocol's sequences and in no
// other's.

/// How a picture starts in each protocol: kitty's transmission (not its
/// query, which is `_Gi=31,s=1`), iTerm2's inline file.
const KITTY_PICTURE: &[u8] = b"\x1b_Gq=2,";
const ITERM2_PICTURE: &[u8] = b"\x1b]1337;File=inline=1";

/// Whether `bytes` hold a sixel picture: DCS, numeric parameters, `q`.
fn has_sixel(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, w)| {
        w == b"\x1bP" && {
            let rest = &bytes[i + 2..];
            let params = rest
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            rest.get(params) == Some(&b'q')
        }
    })
}

/// Which protocol's pictures `bytes` hold.
fn protocols_in(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    // kitty's own, not one escaped for tmux (`ESC ESC _G`).
    let direct = bytes
        .windows(3)
        .enumerate()
        .any(|(i, w)| w == b"\x1b_G" && (i == 0 || bytes[i - 1] != 0x1b));
    if direct {
        found.push("kitty");
    }
    if contains(bytes, b"\x1b\x1b_G") {
        found.push("kitty through tmux");
    }
    if has_sixel(bytes) {
        found.push("sixel");
    }
    if contains(bytes, b"]1337;File=") {
        found.push("iTerm2");
    }
    found
}

/// A terminal as a kind of terminal is: its environment, and its answers to
/// the start-up query (typed ahead, so that they are there however busy
/// the machine is when the query is read).
struct Kind {
    env: &'static [(&'static str, &'static str)],
    answer: &'static [u8],
    /// What tmux says of `allow-passthrough`, inside tmux.
    passthrough: Option<&'static str>,
}

const KITTY: Kind = Kind {
    env: &[("TERM", "xterm-kitty")],
    answer: b"\x1b]11;rgb:0000/0000/0000\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?62;c",
    passthrough: None,
};
const SIXEL_XTERM: Kind = Kind {
    env: &[("TERM", "xterm-256color")],
    answer: b"\x1b[6;20;10t\x1b[?63;1;2;4;6;9;15;22c",
    passthrough: None,
};
const ITERM2: Kind = Kind {
    env: &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")],
    answer: b"\x1b[6;20;10t\x1b[?62;4c",
    passthrough: None,
};
/// tmux in kitty: tmux answers DA1 itself (with sixel), and passes kitty's
/// answer on only when passthrough is on.
const TMUX_ENV: &[(&str, &str)] = &[
    ("TERM", "tmux-256color"),
    ("TERM_PROGRAM", "tmux"),
    ("TMUX", "/tmp/tmux-test/default,1,0"),
    ("TMUX_PANE", "%7"),
];
const TMUX_CLOSED: Kind = Kind {
    env: TMUX_ENV,
    answer: b"\x1b[6;20;10t\x1b[?64;4;22c",
    passthrough: Some("off"),
};
const TMUX_PASSTHROUGH: Kind = Kind {
    env: TMUX_ENV,
    answer: b"\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?64;4;22c",
    passthrough: Some("on"),
};

/// `longform ARGS...` in a terminal of `kind`, in a folder with
/// `figure.md` and its PNG; inside tmux, a `tmux` on the PATH answers for
/// `allow-passthrough` and writes what it was asked to `tmux.log`.
fn figure_terminal(kind: &Kind, args: &[&str]) -> Term {
    let mut spawn = Spawn::longform(args).silent();
    let dir = spawn.dir.path().to_path_buf();
    image::RgbImage::from_fn(200, 100, |x, _| {
        image::Rgb([200, if x < 100 { 30 } else { 160 }, 30])
    })
    .save(dir.join("red.png"))
    .expect("write the PNG");
    std::fs::write(
        dir.join("figure.md"),
        "# Figure test\n\nBefore the figure.\n\n![A red block](red.png)\n\nAfter the figure.\n",
    )
    .expect("write the article");
    for (name, value) in kind.env {
        spawn.cmd.env(name, value);
    }
    if let Some(answer) = kind.passthrough {
        use std::os::unix::fs::PermissionsExt;
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        let tmux = bin.join("tmux");
        std::fs::write(
            &tmux,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nif [ \"$1\" = show ]; then echo {answer}; fi\n",
                dir.join("tmux.log").display()
            ),
        )
        .expect("write tmux");
        std::fs::set_permissions(&tmux, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = std::env::var("PATH").unwrap_or_default();
        spawn.cmd.env("PATH", format!("{}:{path}", bin.display()));
    }
    let mut t = spawn.run(30, 80);
    t.send(kind.answer);
    t
}

/// What was written after the start-up query (which ends with DA1).
fn after_query(raw: &[u8]) -> &[u8] {
    let da1 = raw
        .windows(3)
        .position(|w| w == b"\x1b[c")
        .expect("the start-up query");
    &raw[da1 + 3..]
}

/// The reader in a terminal of `kind` draws the figure with the protocol
/// whose picture starts with `picture`, the caption under it, and writes
/// nothing of the other protocols.
fn reader_draws(kind: &Kind, picture: &[u8], name: &str) -> Term {
    let mut t = figure_terminal(kind, &["figure.md"]);
    let start = Instant::now();
    while !contains(&t.raw(), picture) {
        assert!(
            start.elapsed() < TIMEOUT,
            "no {name} picture: {:?}",
            String::from_utf8_lossy(&t.raw())
        );
        std::thread::sleep(POLL);
    }
    t.wait_for("the caption", |s| s.contains("A red block"));
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_restored();
    let raw = t.raw();
    assert_eq!(protocols_in(after_query(&raw)), [name]);
    t
}

#[test]
fn kitty_gets_kitty_graphics() {
    reader_draws(&KITTY, KITTY_PICTURE, "kitty");
}

/// Over a slow link the answer to the graphics query comes after the
/// first frame: the figure is drawn in half-blocks first, and in kitty
/// graphics once kitty's answer arrives.
#[test]
fn a_late_kitty_answer_switches_to_kitty_graphics() {
    let late = Kind {
        answer: b"",
        ..KITTY
    };
    let mut t = figure_terminal(&late, &["figure.md"]);
    t.wait_for("the caption", |s| s.contains("A red block"));
    let start = Instant::now();
    while !coloured_cells(&t) {
        assert!(
            start.elapsed() < TIMEOUT,
            "no half-blocks: {}",
            t.screen().text()
        );
        std::thread::sleep(POLL);
    }
    assert!(!contains(&t.raw(), KITTY_PICTURE));
    t.send(b"\x1b_Gi=31;OK\x1b\\");
    let start = Instant::now();
    while !contains(&t.raw(), KITTY_PICTURE) {
        assert!(
            start.elapsed() < TIMEOUT,
            "no kitty picture after the late answer: {:?}",
            String::from_utf8_lossy(&t.raw())
        );
        std::thread::sleep(POLL);
    }
    // The answer was taken as an answer, not as keys: still reading.
    t.wait_for("the caption", |s| s.contains("A red block"));
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_restored();
}

#[test]
fn an_xterm_with_sixel_gets_sixel() {
    let t = reader_draws(&SIXEL_XTERM, b"\x1bP", "sixel");
    // The query asked kitty too, which this terminal did not answer.
    assert!(contains(&t.raw(), b"\x1b_Gi=31,s=1,v=1,a=q"));
}

#[test]
fn iterm2_gets_iterm2_images() {
    reader_draws(&ITERM2, ITERM2_PICTURE, "iTerm2");
}

#[test]
fn tmux_with_passthrough_passes_kitty_graphics_through() {
    let t = reader_draws(
        &TMUX_PASSTHROUGH,
        b"\x1bPtmux;\x1b\x1b_Gq=2,",
        "kitty through tmux",
    );
    let raw = t.raw();
    // The kitty query went through tmux too.
    assert!(contains(&raw, b"\x1bPtmux;\x1b\x1b_Gi=31"));
    // tmux was only asked, never told: allow-passthrough is the user's.
    let log = std::fs::read_to_string(t._dir.path().join("tmux.log")).expect("tmux was asked");
    assert!(
        log.lines()
            .all(|l| l == "show -Apv -t %7 allow-passthrough"),
        "{log}"
    );
}

#[test]
fn tmux_without_passthrough_gets_half_blocks_only() {
    let mut t = figure_terminal(&TMUX_CLOSED, &["figure.md"]);
    t.wait_for("the caption", |s| s.contains("A red block"));
    let start = Instant::now();
    while !coloured_cells(&t) {
        assert!(
            start.elapsed() < TIMEOUT,
            "no half-blocks: {}",
            t.screen().text()
        );
        std::thread::sleep(POLL);
    }
    t.send("q");
    assert!(t.wait_exit().success());
    let raw = t.raw();
    // Not even asked: the kitty query would not get through.
    assert!(
        !contains(&raw, b"_Gi=31"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    assert!(!contains(&raw, b"\x1bPtmux;"));
    assert_eq!(protocols_in(after_query(&raw)), Vec::<&str>::new());
    let log = std::fs::read_to_string(t._dir.path().join("tmux.log")).expect("tmux was asked");
    assert_eq!(log.trim(), "show -Apv -t %7 allow-passthrough");
}

/// `cat --images` in a terminal of `kind`: the picture in that protocol
/// only, between the text around it.
fn cat_draws(kind: &Kind, picture: &[u8], name: &str) {
    let mut t = figure_terminal(kind, &["cat", "figure.md", "--images", "--width", "40"]);
    assert!(t.wait_exit().success());
    let raw = t.raw();
    let after = after_query(&raw);
    assert!(
        contains(after, picture),
        "no {name} picture: {:?}",
        String::from_utf8_lossy(after)
    );
    assert_eq!(protocols_in(after), [name]);
    let at = |needle: &[u8]| {
        after
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap_or_else(|| {
                panic!(
                    "{:?} not in {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(after)
                )
            })
    };
    let order = [
        at(b"Before the figure."),
        at(picture),
        at(b"A red block"),
        at(b"After the figure."),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn cat_images_draws_in_each_terminals_protocol() {
    cat_draws(&KITTY, KITTY_PICTURE, "kitty");
    cat_draws(&SIXEL_XTERM, b"\x1bP", "sixel");
    cat_draws(&ITERM2, ITERM2_PICTURE, "iTerm2");
    cat_draws(
        &TMUX_PASSTHROUGH,
        b"\x1bPtmux;\x1b\x1b_Gq=2,",
        "kitty through tmux",
    );
}

#[test]
fn cat_images_in_tmux_without_passthrough_is_half_blocks() {
    let mut t = figure_terminal(
        &TMUX_CLOSED,
        &["cat", "figure.md", "--images", "--width", "40"],
    );
    assert!(t.wait_exit().success());
    let raw = t.raw();
    assert_eq!(protocols_in(after_query(&raw)), Vec::<&str>::new());
    // The picture's cells: its red in the foreground and background.
    assert!(coloured_cells(&t), "{}", t.screen().text());
}

/// Whether the screen shows the red block's cells (half-blocks: a space or
/// `▀` on its colour).
fn coloured_cells(t: &Term) -> bool {
    let out = t.output();
    let screen = out.parser.screen();
    let (rows, cols) = screen.size();
    (0..rows).any(|y| {
        (0..cols).any(|x| {
            screen
                .cell(y, x)
                .is_some_and(|c| matches!(c.bgcolor(), vt100::Color::Rgb(200, _, 30)))
        })
    })
}

/// `longform long.md` at 120x40, the article being `text`, with the
/// folder its record goes to.
fn long_article(text: &[u8]) -> (Term, std::path::PathBuf) {
    let mut spawn = Spawn::longform(&[]);
    let article = spawn.dir.path().join("long.md");
    std::fs::write(&article, text).expect("write");
    let records = spawn.dir.path().join("config").join("reading");
    spawn.cmd.arg(&article);
    (spawn.run(40, 120), records)
}

/// The text of the one record in the folder `records`.
fn the_record(records: &std::path::Path) -> String {
    let record = std::fs::read_dir(records)
        .expect("records")
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "json"))
        .expect("a record");
    std::fs::read_to_string(record.path()).expect("read the record")
}

#[test]
fn a_long_article_shows_its_head_and_then_the_whole() {
    // Longer than the head the reader draws its first screen from, with a
    // damaged byte far past it: the notice comes with the whole.
    let mut text = longform::testgen::article(longform::testgen::SEED, 3 << 20).into_bytes();
    text.extend_from_slice(b"\n\nThe last words, caf\xe9.\n");
    let (mut t, records) = long_article(&text);
    t.wait_for("the notice of the whole", |s| {
        s.status()
            .contains("long.md: invalid UTF-8 was replaced with")
    });
    t.send("G");
    let end = t.wait_for("the end", |s| s.status().contains("100% · end"));
    assert!(end.contains("The last words, caf"), "{}", end.text());
    t.send("m\r");
    t.wait_for("the bookmark", |s| s.status().contains("Bookmarked"));
    t.send("q");
    assert_eq!(t.wait_exit().exit_code(), 0);
    t.assert_restored();
    // The record is the whole text's: its fingerprint, the place at the end.
    let whole = String::from_utf8_lossy(&text);
    let fingerprint = format!("{:016x}", longform::parse::fingerprint(&whole));
    let saved = the_record(&records);
    assert!(saved.contains(&fingerprint), "{saved}");
    // The record's, the place's and the bookmark's, and never a stand-in.
    assert!(saved.matches(&fingerprint).count() >= 3, "{saved}");
    assert!(!saved.contains("0000000000000000"), "{saved}");
}

#[test]
fn a_jump_far_into_a_long_article_right_after_the_first_screen_lands_and_stays() {
    // The keys come right after the first screen, while the rest of the
    // file is still being read: the middle and the end are shown from the
    // bytes around them, and the whole then takes over at the same byte.
    let text = longform::testgen::article(longform::testgen::SEED, 3 << 20);
    for (keys, lowest, want, there, back) in [("50%", 45, 50, "j", "k"), ("G", 100, 100, "k", "j")]
    {
        let (mut t, records) = long_article(text.as_bytes());
        t.wait_for("the first screen", |s| s.percent().is_some());
        t.send(keys);
        let far = t.wait_for("the place", |s| {
            s.percent().is_some_and(|p| p >= lowest && p <= lowest + 10)
        });
        // The text shown is the article's there.
        let near = text.len() / 100 * want;
        let around = near.saturating_sub(64 * 1024)..(near + 64 * 1024).min(text.len());
        // Three plain words of a line, found in the text around the place.
        let (words, found) = far
            .body()
            .iter()
            .filter_map(|row| {
                let plain: Vec<&str> = row
                    .split_whitespace()
                    .filter(|w| w.len() > 2 && w.chars().all(char::is_alphabetic))
                    .take(3)
                    .collect();
                let words = plain.join(" ");
                let at = text[around.clone()].find(&words)? + around.start;
                (plain.len() == 3).then_some((words, at))
            })
            .next()
            .expect("a line of the text on screen");
        assert!(around.contains(&found), "{words:?} at {found}");
        // A line away and back, on the whole: the same lines (but for the
        // numbers of notes, counted from 1 in the window, and the indent
        // that their width gives the lines of a note).
        let lines = |s: &Screen| -> Vec<String> {
            s.body()
                .iter()
                .map(|r| {
                    let words: String = r.chars().filter(|c| !c.is_ascii_digit()).collect();
                    words.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        };
        t.send(there);
        t.wait_for("a line away", |s| lines(s) != lines(&far));
        t.send(back);
        t.wait_for("back", |s| lines(s) == lines(&far));
        t.send("q");
        assert_eq!(t.wait_exit().exit_code(), 0);
        t.assert_restored();
        let saved = the_record(&records);
        let fingerprint = format!("{:016x}", longform::parse::fingerprint(&text));
        assert!(saved.contains(&fingerprint), "{saved}");
        let byte: usize = saved
            .split("\"byte\": ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|d| d.parse().ok())
            .expect("the place");
        assert!(
            byte.abs_diff(found) < 16 * 1024,
            "saved {byte}, shown {found}"
        );
    }
}

/// The terminal closes (SIGHUP) or the reader is told to end (SIGTERM)
/// while a highlight's note is being typed: the note is kept, as Enter
/// would keep it, and stderr says so.
#[test]
fn a_note_being_typed_is_kept_when_the_reader_is_ended() {
    for signal in ["TERM", "HUP"] {
        let spawn = Spawn::longform(&[TEA]);
        let dir = spawn.dir.path().to_path_buf();
        let mut t = spawn.run(30, 100);
        select_that_smell(&mut t);
        t.send("n");
        t.wait_for("the note prompt", |s| s.status().contains("Note: "));
        t.send("half a thought");
        t.wait_for("the typed note", |s| s.status().contains("half a thought"));
        t.signal(signal);
        let code = t.wait_exit().exit_code();
        assert!(code == 143 || code == 129, "{signal}: {code}");
        let raw = String::from_utf8_lossy(&t.raw()).into_owned();
        assert!(
            raw.contains("longform: the note being typed was kept"),
            "{signal}: {raw:?}"
        );
        let out = tea_highlights(&dir);
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(list[0]["note"], "half a thought", "{signal}: {list}");
    }
}

/// Search "That smell" in the tea notes and start a selection on it.
fn select_that_smell(t: &mut Term) {
    t.wait_for("the article", |s| s.contains("Field Notes on Tea"));
    t.send("/That smell\r");
    t.wait_for("the match", |s| s.status().contains("match 1/1"));
    t.send("v");
    t.wait_for("the selection", |s| s.status().contains("Selected 2 words"));
}

/// `longform highlights TEA --json` with the config and homes of a
/// spawn's folder `dir`.
fn tea_highlights(dir: &std::path::Path) -> std::process::Output {
    let xdg = dir.join("xdg");
    std::process::Command::new(BIN)
        .args(["highlights", TEA, "--json"])
        .env("LONGFORM_CONFIG_DIR", dir.join("config"))
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", &xdg)
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .output()
        .expect("run highlights")
}
