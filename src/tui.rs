//! The terminal shell: set the terminal up, run the draw–read–update loop,
//! and put the terminal back as it was found, on quit, on error, on panic and
//! on SIGTERM, SIGHUP or SIGINT.

pub mod action;
pub mod ansi;
pub mod app;
pub mod keymap;
pub mod theme;
pub mod view;

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use app::App;
use keymap::{key_action, mouse_action};
use theme::Theme;

use crate::config::Config;
use crate::load::Source;
use crate::position::Position;
use crate::store::{ReadingState, Store, learned_wpm};

/// How often the loop wakes to notice a signal when no key comes.
const TICK: Duration = Duration::from_millis(100);

/// How a reading session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Ended by this signal number.
    Signal(i32),
}

/// How the reader opens an article.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Open at this section instead of the saved position.
    pub section: Option<Position>,
    /// Ignore the saved position for this run.
    pub from_start: bool,
    /// Where reading state is kept; `None` when there is no config dir.
    pub store: Option<Store>,
    pub config: Config,
    /// A problem with the config, to show once.
    pub warning: Option<String>,
}

/// The record to save if the loop cannot answer a signal.
type Emergency = Arc<Mutex<Option<(Store, String, ReadingState)>>>;

/// Open `source` full screen and read until the user quits. Progress is
/// saved on quit, on signals, and in the background when idle.
pub fn run(source: Source, options: Options) -> Result<Exit> {
    let emergency: Emergency = Arc::default();
    let signal = watch_signals(Arc::clone(&emergency))?;
    let mut app = App::open(
        &source,
        Theme::from_env(),
        options.store.clone(),
        options.from_start,
    );
    drop(source);
    if let Some(pos) = options.section {
        app.start_at(pos);
    }
    if let Some(m) = options.config.width {
        app.max_measure = usize::from(m).max(1);
    }
    let learned = options
        .store
        .as_ref()
        .and_then(|s| learned_wpm(s.all().iter().map(|(_, r)| r)));
    if let Some(wpm) = options.config.words_per_minute.or(learned) {
        app.set_wpm(wpm);
    }
    if let Some(w) = options.warning {
        app.message = Some(w);
    }
    let guard = TerminalGuard::enter()?;
    let result = event_loop(&mut app, &signal, &emergency);
    drop(guard);
    // The terminal is back: a failed save can be said on stderr.
    if let Some(warning) = app.save_now() {
        let _ = writeln!(io::stderr(), "longform: warning: {warning}");
    }
    result
}

/// What the event loop stores once it has taken a signal to handle.
const SIGNAL_TAKEN: usize = usize::MAX;

/// How long the loop may take to notice a signal before the watcher
/// restores the terminal and exits itself.
const SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// Watch for SIGTERM, SIGHUP and SIGINT. The event loop sees the returned
/// number and ends cleanly. When it cannot (a closed terminal can leave the
/// read of keys retrying forever), the watcher restores what it can and
/// exits with 128 + the signal.
fn watch_signals(emergency: Emergency) -> Result<Arc<AtomicUsize>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let signal = Arc::new(AtomicUsize::new(0));
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("cannot watch for signals")?;
    let seen = Arc::clone(&signal);
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            seen.store(usize::try_from(sig).unwrap_or(15), Ordering::SeqCst);
            std::thread::sleep(SIGNAL_GRACE);
            if seen.load(Ordering::SeqCst) != SIGNAL_TAKEN {
                restore();
                // The loop is stuck: save the last state it published.
                if let Ok(mut slot) = emergency.lock()
                    && let Some((store, id, state)) = slot.take()
                {
                    let _ = store.save(&id, &state);
                }
                std::process::exit(128 + sig);
            }
        }
    });
    Ok(signal)
}

fn event_loop(app: &mut App, signal: &AtomicUsize, emergency: &Emergency) -> Result<Exit> {
    let result = read_and_draw(app, signal, emergency);
    match result {
        // A hung-up terminal fails to draw or read just before SIGHUP
        // arrives: report the hangup, not the I/O error it caused.
        Err(err) => match wait_for_signal(signal, HANGUP_WAIT) {
            Some(sig) => Ok(Exit::Signal(sig)),
            None => Err(err),
        },
        ok => ok,
    }
}

/// How long an I/O error on the terminal waits for the signal that
/// usually follows it.
const HANGUP_WAIT: Duration = Duration::from_millis(300);

/// Take a pending signal, waiting up to `wait` for one.
fn wait_for_signal(signal: &AtomicUsize, wait: Duration) -> Option<i32> {
    let until = std::time::Instant::now() + wait;
    loop {
        let sig = signal.load(Ordering::SeqCst);
        if sig != 0
            && sig != SIGNAL_TAKEN
            && signal
                .compare_exchange(sig, SIGNAL_TAKEN, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            return Some(i32::try_from(sig).unwrap_or(15));
        }
        if std::time::Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn read_and_draw(app: &mut App, signal: &AtomicUsize, emergency: &Emergency) -> Result<Exit> {
    // Never dropped: the guard restores the terminal, and ratatui's own drop
    // would print (and so panic) when the terminal is already gone.
    let mut terminal = std::mem::ManuallyDrop::new(
        Terminal::new(CrosstermBackend::new(io::stdout())).context("cannot use the terminal")?,
    );
    loop {
        terminal
            .draw(|frame| view::draw(frame, app))
            .context("cannot draw")?;
        if app.quit {
            return Ok(Exit::Quit);
        }
        // Wait for the next event, waking to notice signals.
        loop {
            if let Some(sig) = wait_for_signal(signal, Duration::ZERO) {
                return Ok(Exit::Signal(sig));
            }
            if event::poll(TICK).context("cannot read the terminal")? {
                break;
            }
            app.tick(Instant::now());
            if app.message.is_some() && app.session.save_error.is_some() {
                terminal
                    .draw(|frame| view::draw(frame, app))
                    .context("cannot draw")?;
            }
        }
        let action = match event::read().context("cannot read the terminal")? {
            Event::Key(key) if key.kind != KeyEventKind::Release => key_action(app.mode, key),
            Event::Mouse(mouse) => mouse_action(mouse),
            // A resize is handled by the next draw, at the new size.
            _ => None,
        };
        if let Some(action) = action {
            let before = app.top();
            app.update(action);
            app.after_key(before, Instant::now());
            if let Ok(mut slot) = emergency.lock() {
                *slot = app.session.snapshot();
            }
        }
    }
}

/// Raw mode, the alternate screen and mouse reporting, for as long as it
/// lives. Dropping it, or a panic, restores the terminal.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let guard = TerminalGuard;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            crossterm::cursor::Hide
        )
        .context("cannot set up the terminal")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let mut out: Stdout = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}
