//! Parses on other threads stand aside while the reader answers a key.
//!
//! On a machine of two cores, the whole article is parsed on the one the
//! reader does not draw on, but the reader's key then still took about
//! 1.5 ms longer than with the parse stopped (`50%` pressed 200 ms after
//! the first screen of a 10 MB article: 3.4–3.8 ms against 2.2–2.5 in a
//! pseudo-terminal): the two share caches, memory and often one physical
//! core, and the terminal and its program want a core too. A `Hold`,
//! taken while a key is answered, pauses the parses of threads that said
//! they may be paused (`pausable`), between a few of their events, for at
//! most `HOLD_MAX`: a hold that is never given back costs the parse that
//! long, no more.

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The longest a hold pauses the parses.
const HOLD_MAX: Duration = Duration::from_millis(20);

/// How long a paused parse sleeps before it looks again.
const NAP: Duration = Duration::from_micros(100);

/// When the hold ends, in nanoseconds from `epoch`; 0 for no hold.
struct Gate(AtomicU64);

/// The reader's holds.
static GATE: Gate = Gate::new();

thread_local! {
    static PAUSABLE: Cell<bool> = const { Cell::new(false) };
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

impl Gate {
    const fn new() -> Gate {
        Gate(AtomicU64::new(0))
    }

    fn hold(&'static self) -> Hold {
        let until = nanos().saturating_add(u64::try_from(HOLD_MAX.as_nanos()).unwrap_or(0));
        self.0.store(until.max(1), Ordering::Relaxed);
        Hold(self)
    }

    fn let_go(&self) {
        self.0.store(0, Ordering::Relaxed);
    }

    fn stand_aside(&self) {
        if self.0.load(Ordering::Relaxed) == 0 || !PAUSABLE.with(Cell::get) {
            return;
        }
        loop {
            let until = self.0.load(Ordering::Relaxed);
            if until == 0 || nanos() >= until {
                return;
            }
            std::thread::sleep(NAP);
        }
    }
}

/// The parses of this thread may be paused by a hold.
pub fn pausable() {
    PAUSABLE.with(|p| p.set(true));
}

/// Parses on pausable threads pause while it is held, for at most
/// `HOLD_MAX`.
#[must_use = "the parses pause only while the hold is held"]
pub struct Hold(&'static Gate);

impl Hold {
    pub fn take() -> Hold {
        GATE.hold()
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.0.let_go();
    }
}

/// End any hold: a thread is about to wait for the parses.
pub fn let_go() {
    GATE.let_go();
}

/// On a pausable thread, wait while a hold is held.
#[inline]
pub fn stand_aside() {
    GATE.stand_aside();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gate of the test's own: other tests let the reader's go.
    static TEST: Gate = Gate::new();

    /// A new pausable thread that stands aside once it has said it is
    /// about to; it gives how long that took, and when it went on.
    fn stood_aside() -> (
        std::sync::mpsc::Receiver<()>,
        std::thread::JoinHandle<(Duration, Instant)>,
    ) {
        let (ready, about) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            pausable();
            let _ = ready.send(());
            let start = Instant::now();
            TEST.stand_aside();
            (start.elapsed(), Instant::now())
        });
        (about, thread)
    }

    /// No bound here is on how soon a thread runs, which a busy machine
    /// puts off: only on what it does once it runs.
    #[test]
    fn a_pausable_thread_waits_while_held_and_no_longer() {
        let held = Instant::now();
        let hold = TEST.hold();
        // This thread is not pausable: it never waits.
        let start = Instant::now();
        TEST.stand_aside();
        assert!(start.elapsed() < HOLD_MAX);
        // Held: it goes on only once the hold is given back (or has
        // ended by itself, if this thread was kept from running so long).
        let (about, waiting) = stood_aside();
        about.recv().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let given_back = Instant::now();
        drop(hold);
        let (_, went_on) = waiting.join().unwrap();
        assert!(went_on >= given_back.min(held + HOLD_MAX));
        // Let go: it goes on at once.
        let hold = TEST.hold();
        TEST.let_go();
        let (_, thread) = stood_aside();
        assert!(thread.join().unwrap().0 < HOLD_MAX);
        drop(hold);
        // A hold never given back ends by itself, and not before.
        let held = Instant::now();
        std::mem::forget(TEST.hold());
        let (_, thread) = stood_aside();
        let (_, went_on) = thread.join().unwrap();
        assert!(
            went_on.duration_since(held) >= HOLD_MAX,
            "{:?}",
            went_on - held
        );
    }
}
