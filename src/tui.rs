//! The terminal shell: set the terminal up, run the draw–read–update loop,
//! and put the terminal back as it was found, on quit, on error, on panic and
//! on SIGTERM, SIGHUP or SIGINT.

pub mod action;
pub mod ansi;
pub mod app;
pub mod keymap;
pub mod theme;
pub mod view;

use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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

use crate::load::Source;

/// How often the loop wakes to notice a signal when no key comes.
const TICK: Duration = Duration::from_millis(100);

/// How a reading session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Ended by this signal number.
    Signal(i32),
}

/// Open `source` full screen and read until the user quits.
pub fn run(source: &Source) -> Result<Exit> {
    let signal = Arc::new(AtomicUsize::new(0));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register_usize(sig, Arc::clone(&signal), sig as usize)
            .context("cannot watch for signals")?;
    }
    let mut app = App::new(source, Theme::from_env());
    let guard = TerminalGuard::enter()?;
    let result = event_loop(&mut app, &signal);
    drop(guard);
    result
}

fn event_loop(app: &mut App, signal: &AtomicUsize) -> Result<Exit> {
    let mut terminal =
        Terminal::new(CrosstermBackend::new(io::stdout())).context("cannot use the terminal")?;
    loop {
        terminal
            .draw(|frame| view::draw(frame, app))
            .context("cannot draw")?;
        if app.quit {
            return Ok(Exit::Quit);
        }
        // Wait for the next event, waking to notice signals.
        loop {
            let sig = signal.load(Ordering::Relaxed);
            if sig != 0 {
                return Ok(Exit::Signal(i32::try_from(sig).unwrap_or(15)));
            }
            if event::poll(TICK).context("cannot read the terminal")? {
                break;
            }
        }
        let action = match event::read().context("cannot read the terminal")? {
            Event::Key(key) if key.kind != KeyEventKind::Release => key_action(app.mode, key),
            Event::Mouse(mouse) => mouse_action(mouse),
            // A resize is handled by the next draw, at the new size.
            _ => None,
        };
        if let Some(action) = action {
            app.update(action);
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
