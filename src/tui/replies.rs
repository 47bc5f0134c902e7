//! Tell the terminal's answers from keys. The terminal answers a query
//! (the background colour, OSC 11, and DA1) on the same input as the keys,
//! and over a slow link the answer can come long after the first frame.
//! Every answer-shaped sequence that reaches the input (`ESC ] … BEL|ST`,
//! `ESC P … ST` and the other control strings, `ESC [ … final`) is taken
//! out whole, whenever it comes: no part of one ever becomes a key. The
//! OSC answers are kept for whoever asked.
//!
//! The input is seen in two forms: as raw bytes while the first answer is
//! awaited (`background`), and as crossterm's key events after that. Both
//! feed the same byte-level recogniser, so an answer cut in two by the
//! hand-over is still recognised whole.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;

/// The longest control string kept; a longer one is no answer, and what
/// follows it counts as keys again.
const MAX_LEN: usize = 4096;

/// A terminal writes an answer in one piece, so its parts reach the input
/// together. A sequence that stalls for longer than this is given up, and
/// what comes next counts as keys again.
pub const GAP: Duration = Duration::from_millis(250);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    /// After an ESC.
    Escape,
    /// Inside `ESC [`, up to the final byte.
    Csi,
    /// Inside a control string, up to ST (or BEL, for OSC).
    Text(Kind),
    /// An ESC inside a control string: ST when `\` follows.
    TextEscape(Kind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `ESC ]`, whose body is kept.
    Osc,
    /// `ESC _`: the kitty graphics answer is looked for in it.
    Apc,
    /// `ESC P`, `ESC ^` and `ESC X`.
    Other,
}

/// What the terminal said of its graphics, from the answers to the
/// start-up query (see `background`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Graphics {
    /// The kitty graphics query was answered `OK`.
    pub kitty: bool,
    /// DA1 lists attribute 4: sixel graphics.
    pub sixel: bool,
    /// A cell's width and height in pixels (`CSI 16 t`).
    pub cell: Option<(u16, u16)>,
}

/// The byte-level recogniser of answers.
#[derive(Debug, Default)]
pub struct Replies {
    state: State,
    body: Vec<u8>,
    /// The bodies of the OSC answers finished and not yet taken, such as
    /// `11;rgb:ffff/ffff/ffff`.
    answers: Vec<Vec<u8>>,
    /// Whether an answer to DA1 (`ESC [ ? … c`) was seen.
    da1: bool,
    graphics: Graphics,
    /// The bytes of keys read with the answers before the event loop
    /// (`take_byte`), handed to it as keys: keys typed ahead are kept.
    typed: Vec<u8>,
}

impl Replies {
    /// Feed one byte. True when it is part of an answer (an ESC is, until
    /// the next byte says otherwise), false when it is a key's.
    pub fn feed(&mut self, byte: u8) -> bool {
        match self.state {
            State::Ground => {
                if byte == ESC {
                    self.state = State::Escape;
                }
                byte == ESC
            }
            State::Escape => {
                self.body.clear();
                self.state = match byte {
                    b']' => State::Text(Kind::Osc),
                    b'_' => State::Text(Kind::Apc),
                    b'P' | b'^' | b'X' => State::Text(Kind::Other),
                    b'[' => State::Csi,
                    ESC => State::Escape,
                    // A stray ST ends nothing, and is no key either.
                    b'\\' => State::Ground,
                    // ESC and a key: Alt with that key.
                    _ => {
                        self.state = State::Ground;
                        return false;
                    }
                };
                true
            }
            State::Csi => {
                match byte {
                    0x20..=0x3f if self.body.len() < MAX_LEN => self.body.push(byte),
                    0x40..=0x7e => {
                        if byte == b'c' && self.body.first() == Some(&b'?') {
                            self.da1 = true;
                            self.graphics.sixel |= numbers(&self.body[1..]).contains(&4);
                        }
                        // `CSI 6 ; height ; width t`: the cell size.
                        if byte == b't'
                            && let [6, h, w] = numbers(&self.body)[..]
                            && h > 0
                            && w > 0
                        {
                            self.graphics.cell = Some((w, h));
                        }
                        self.state = State::Ground;
                    }
                    _ => self.state = State::Ground,
                }
                true
            }
            State::Text(kind) => {
                match byte {
                    BEL if kind == Kind::Osc => self.finish(kind),
                    ESC => self.state = State::TextEscape(kind),
                    // CAN and SUB cancel a control string.
                    0x18 | 0x1a => self.state = State::Ground,
                    _ if self.body.len() >= MAX_LEN => self.state = State::Ground,
                    _ => self.body.push(byte),
                }
                true
            }
            State::TextEscape(kind) => {
                if byte == b'\\' {
                    self.finish(kind);
                    true
                } else {
                    // An ESC that begins something else: the string is
                    // over, unfinished.
                    self.state = State::Escape;
                    self.feed(byte)
                }
            }
        }
    }

    /// Feed a byte read from the input before the event loop reads it:
    /// a key's byte is kept for the loop (`ReplyFilter::take_typed`).
    /// Alt with a key, and the keys whose bytes are sequences (arrows),
    /// cannot be told from an answer this way and are dropped.
    pub fn take_byte(&mut self, byte: u8) {
        // A byte after an ESC (one that may end a control string too)
        // is Alt with a key, or the start of another sequence.
        let after_escape = matches!(self.state, State::Escape | State::TextEscape(_));
        if !self.feed(byte) && !after_escape {
            self.typed.push(byte);
        }
    }

    fn finish(&mut self, kind: Kind) {
        match kind {
            Kind::Osc => self.answers.push(std::mem::take(&mut self.body)),
            // `ESC _ G i=31;OK ESC \`: the answer to the kitty query.
            Kind::Apc if self.body.first() == Some(&b'G') => {
                self.graphics.kitty |= self.body.ends_with(b";OK");
            }
            Kind::Apc | Kind::Other => {}
        }
        self.state = State::Ground;
    }

    /// Whether the bytes so far end inside a sequence.
    pub fn inside(&self) -> bool {
        self.state != State::Ground
    }

    /// Give up the sequence under way.
    fn reset(&mut self) {
        self.state = State::Ground;
        self.body.clear();
    }

    /// Whether DA1 has been answered.
    pub fn answered_da1(&self) -> bool {
        self.da1
    }

    /// The OSC answers finished since the last call, oldest first.
    pub fn take_answers(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.answers)
    }

    /// What the answers said of the terminal's graphics.
    pub fn graphics(&self) -> Graphics {
        self.graphics
    }
}

/// The numbers of a CSI body, `62;4;22` → 62, 4, 22; anything else in a
/// place reads as 0.
fn numbers(body: &[u8]) -> Vec<u16> {
    body.split(|&b| b == b';')
        .map(|n| {
            std::str::from_utf8(n)
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        })
        .collect()
}

/// Takes the answers out of crossterm's events. crossterm reads the bytes
/// of an answer as keys: `ESC ]` as Alt-], each character as itself, BEL
/// as Ctrl-g and ST as Alt-\. (It drops DA1 answers and cursor reports
/// itself.)
#[derive(Debug)]
pub struct ReplyFilter {
    replies: Replies,
    /// Keys typed before the loop began, read with the answers.
    typed: Vec<Event>,
    /// An Esc key held back until the next event says whether it begins
    /// an answer.
    held: Option<Event>,
    /// When the last key went into an answer.
    last: Instant,
}

impl ReplyFilter {
    /// A filter that goes on from `replies`, which may end inside an
    /// answer that is still arriving.
    pub fn new(mut replies: Replies, now: Instant) -> ReplyFilter {
        ReplyFilter {
            typed: typed_keys(&std::mem::take(&mut replies.typed)),
            replies,
            held: None,
            last: now,
        }
    }

    /// The events that `event` lets through, at `now`. `more` says whether
    /// another event is already waiting: an answer arrives in one piece,
    /// so an Esc or an Alt key with nothing after it is a key typed alone,
    /// never the start of an answer.
    pub fn take(&mut self, event: Event, more: bool, now: Instant) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        // A sequence that stalled is given up here too, not only when the
        // loop wakes with no event.
        out.extend(self.expire(now));
        let bytes = match &event {
            Event::Key(key) => key_bytes(key),
            // Mouse, resize, focus and paste events are never part of an
            // answer's bytes.
            _ => {
                out.extend(self.held.take());
                out.push(event);
                return out;
            }
        };
        let Some(bytes) = bytes else {
            // A key that no answer contains (an arrow, F1): whatever was
            // under way was not an answer.
            self.replies.reset();
            out.extend(self.held.take());
            out.push(event);
            return out;
        };
        if self.replies.inside() {
            if self.feed_all(&bytes, now) {
                return out;
            }
            // The held Esc began no answer: it and this key are keys.
            self.replies.reset();
            out.extend(self.held.take());
        }
        if bytes.first() != Some(&ESC) || !more {
            out.push(event);
            return out;
        }
        if !self.feed_all(&bytes, now) {
            // Alt with an ordinary key.
            self.replies.reset();
            out.push(event);
            return out;
        }
        if bytes == [ESC] {
            self.held = Some(event);
        }
        out
    }

    /// Feed a key's bytes; false when they turn out to be a key's.
    fn feed_all(&mut self, bytes: &[u8], now: Instant) -> bool {
        self.last = now;
        bytes.iter().all(|&b| self.replies.feed(b))
    }

    /// The keys typed before the loop began, once.
    pub fn take_typed(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.typed)
    }

    /// Give up an answer that stalled for `GAP`; the Esc held for it, if
    /// any, is a key after all.
    pub fn expire(&mut self, now: Instant) -> Option<Event> {
        if self.replies.inside() && now.saturating_duration_since(self.last) >= GAP {
            self.replies.reset();
            return self.held.take();
        }
        None
    }

    /// The OSC answers finished since the last call.
    pub fn take_answers(&mut self) -> Vec<Vec<u8>> {
        self.replies.take_answers()
    }

    /// What the answers said of the terminal's graphics so far, those
    /// read at start-up and those that came after.
    pub fn graphics(&self) -> Graphics {
        self.replies.graphics()
    }
}

/// The bytes the terminal sent for `key`, for the keys an answer can be
/// made of; `None` for the others.
fn key_bytes(key: &KeyEvent) -> Option<Vec<u8>> {
    let mods = key.modifiers;
    let alt = mods.contains(KeyModifiers::ALT);
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    let mut bytes = Vec::with_capacity(5);
    if alt {
        bytes.push(ESC);
    }
    match key.code {
        KeyCode::Char(c) if ctrl => bytes.push(match c {
            'a'..='z' => c as u8 - b'a' + 1,
            '4'..='7' => c as u8 - b'4' + 0x1c,
            ' ' => 0,
            _ => return None,
        }),
        KeyCode::Char(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        KeyCode::Esc if !alt => bytes.push(ESC),
        KeyCode::Enter => bytes.push(b'\r'),
        KeyCode::Tab => bytes.push(b'\t'),
        KeyCode::Backspace => bytes.push(0x7f),
        _ => return None,
    }
    Some(bytes)
}

/// The keys of `bytes` typed on a terminal in raw mode, as crossterm
/// reads them: the inverse of `key_bytes`. Bytes that are no key (an
/// unfinished character) are dropped.
fn typed_keys(bytes: &[u8]) -> Vec<Event> {
    let key = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
    String::from_utf8_lossy(bytes)
        .chars()
        .filter_map(|c| {
            Some(match c {
                '\r' => key(KeyCode::Enter, KeyModifiers::NONE),
                '\t' => key(KeyCode::Tab, KeyModifiers::NONE),
                '\x7f' => key(KeyCode::Backspace, KeyModifiers::NONE),
                '\0' => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
                '\x01'..='\x1a' => {
                    let letter = char::from(c as u8 - 1 + b'a');
                    key(KeyCode::Char(letter), KeyModifiers::CONTROL)
                }
                '\x1c'..='\x1f' => {
                    let digit = char::from(c as u8 - 0x1c + b'4');
                    key(KeyCode::Char(digit), KeyModifiers::CONTROL)
                }
                char::REPLACEMENT_CHARACTER => return None,
                c if c.is_control() => return None,
                c if c.is_uppercase() => key(KeyCode::Char(c), KeyModifiers::SHIFT),
                c => key(KeyCode::Char(c), KeyModifiers::NONE),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyEventKind, MouseEvent, MouseEventKind};
    use proptest::prelude::*;

    use super::*;

    /// The key events crossterm makes of `bytes` when they arrive in one
    /// read, for the bytes that answers and typed keys are made of.
    fn events(bytes: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            // crossterm keeps a DA1 answer to itself.
            if c == '\x1b' && chars.next_if_eq(&'[').is_some() {
                assert_eq!(chars.next(), Some('?'));
                while chars.next().is_some_and(|c| c != 'c') {}
                continue;
            }
            let key = match c {
                '\x1b' => match chars.next_if(|&n| n != '\x1b') {
                    Some(n) => KeyEvent::new(KeyCode::Char(n), alt_mods(n)),
                    None => KeyEvent::from(KeyCode::Esc),
                },
                '\r' => KeyEvent::from(KeyCode::Enter),
                '\t' => KeyEvent::from(KeyCode::Tab),
                '\x7f' => KeyEvent::from(KeyCode::Backspace),
                '\x01'..='\x1a' => KeyEvent::new(
                    KeyCode::Char((c as u8 - 1 + b'a') as char),
                    KeyModifiers::CONTROL,
                ),
                c if c.is_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
                c => KeyEvent::from(KeyCode::Char(c)),
            };
            out.push(Event::Key(key));
        }
        out
    }

    fn alt_mods(c: char) -> KeyModifiers {
        if c.is_uppercase() {
            KeyModifiers::ALT | KeyModifiers::SHIFT
        } else {
            KeyModifiers::ALT
        }
    }

    /// Run `input` through a filter as one read: every event but the last
    /// has another waiting after it.
    fn filter(f: &mut ReplyFilter, input: &[Event], now: Instant) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, e) in input.iter().enumerate() {
            out.extend(f.take(e.clone(), i + 1 < input.len(), now));
        }
        out
    }

    fn keys(s: &str) -> Vec<Event> {
        events(s.as_bytes())
    }

    const ANSWERS: [&str; 4] = [
        "\x1b]11;rgb:ffff/ffff/ffff\x07",
        "\x1b]11;rgb:0000/0000/0000\x1b\\",
        "\x1bP1$r0m\x1b\\",
        "\x1b_Gi=1;OK\x1b\\",
    ];

    #[test]
    fn answers_in_bytes_are_no_keys_and_osc_bodies_are_kept() {
        let mut r = Replies::default();
        let input = b"j\x1b]11;rgb:ffff/ffff/ffff\x07\x1b[?62;22ck\x1bP1$r\x1b\\\x1bxq";
        let keys: Vec<u8> = input.iter().copied().filter(|&b| !r.feed(b)).collect();
        // Alt-x loses its ESC here, which is fine for the bytes read
        // while waiting: they are dropped anyway.
        assert_eq!(keys, b"jkxq");
        assert!(r.answered_da1());
        assert_eq!(r.take_answers(), vec![b"11;rgb:ffff/ffff/ffff".to_vec()]);
        assert!(r.take_answers().is_empty());
        assert!(!r.inside());
    }

    #[test]
    fn late_answers_in_events_are_no_keys() {
        let now = Instant::now();
        for answer in ANSWERS {
            let mut f = ReplyFilter::new(Replies::default(), now);
            let input = [keys("j"), keys(answer), keys("q")].concat();
            let out = filter(&mut f, &input, now);
            assert_eq!(out, keys("jq"), "{answer:?}");
            let answers = f.take_answers();
            assert_eq!(answers.len(), usize::from(answer.starts_with("\x1b]")));
        }
    }

    #[test]
    fn an_answer_cut_by_the_hand_over_is_still_whole() {
        let now = Instant::now();
        let answer = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c";
        for cut in 0..=answer.len() {
            let mut r = Replies::default();
            for &b in &answer[..cut] {
                assert!(r.feed(b));
            }
            let mut f = ReplyFilter::new(r, now);
            // crossterm reads the rest, and a key typed after, afresh.
            let rest = [&answer[cut..], b"g".as_slice()].concat();
            let out = filter(&mut f, &events(&rest), now);
            assert_eq!(out, keys("g"), "cut at {cut}");
            assert_eq!(f.take_answers().len(), 1, "cut at {cut}");
        }
    }

    #[test]
    fn keys_typed_alone_stay_keys() {
        let now = Instant::now();
        let mut f = ReplyFilter::new(Replies::default(), now);
        // Each typed alone: nothing waits behind it.
        for key in [
            "\x1b", "\x1b]", "\x1bP", "\x1b\\", "/", "g", "\x07", "\x1bx", "q",
        ] {
            let input = keys(key);
            assert_eq!(input.len(), 1, "{key:?}");
            assert_eq!(f.take(input[0].clone(), false, now), input, "{key:?}");
        }
        // Esc then a key, in one read (a fast typist, a paste): both keys.
        let input = keys("\x1bj");
        assert_eq!(input.len(), 1);
        let esc = Event::Key(KeyEvent::from(KeyCode::Esc));
        let j = keys("j")[0].clone();
        assert!(f.take(esc.clone(), true, now).is_empty());
        assert_eq!(f.take(j.clone(), false, now), vec![esc.clone(), j.clone()]);
        // Alt-x with more behind it is still Alt-x.
        let input = [keys("\x1bx"), keys("q")].concat();
        assert_eq!(filter(&mut f, &input, now), input);
        // A mouse event or an arrow is never part of an answer.
        let mouse = Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        });
        assert!(f.take(esc.clone(), true, now).is_empty());
        assert_eq!(f.take(mouse.clone(), false, now), vec![esc, mouse]);
        let down = Event::Key(KeyEvent::new_with_kind(
            KeyCode::Down,
            KeyModifiers::NONE,
            KeyEventKind::Press,
        ));
        let input = [keys("\x1b]11;rgb:"), vec![down.clone()]].concat();
        assert_eq!(filter(&mut f, &input, now), vec![down]);
    }

    #[test]
    fn a_stalled_sequence_is_given_up() {
        let now = Instant::now();
        let mut f = ReplyFilter::new(Replies::default(), now);
        assert!(filter(&mut f, &keys("\x1b]11;rgb:ff"), now).is_empty());
        // Still coming: the rest is part of it.
        assert_eq!(f.expire(now + GAP / 2), None);
        let later = now + GAP / 2;
        assert!(filter(&mut f, &keys("ff/0/0"), later).is_empty());
        // Then nothing for `GAP`: keys are keys again.
        assert_eq!(f.expire(later + GAP), None);
        let after = later + GAP * 2;
        assert_eq!(f.take(keys("g")[0].clone(), false, after), keys("g"));
        // Also when the next key comes before the loop had a moment to
        // give the sequence up.
        assert!(filter(&mut f, &keys("\x1b]11;rgb:ff"), after).is_empty());
        assert_eq!(f.take(keys("j")[0].clone(), false, after + GAP), keys("j"));
        // A held Esc whose answer stalled is a key after all.
        let esc = Event::Key(KeyEvent::from(KeyCode::Esc));
        assert!(f.take(esc.clone(), true, after).is_empty());
        assert_eq!(f.expire(after + GAP), Some(esc));
    }

    #[test]
    fn keys_typed_while_the_answers_are_awaited_are_kept() {
        let mut r = Replies::default();
        let input = b"G\x1b]11;rgb:ffff/ffff/ffff\x075\x1b[?62;22c0%\x1bx j\x1b]11;rgb\x1bq\r";
        for &b in input {
            r.take_byte(b);
        }
        assert!(r.answered_da1());
        let mut f = ReplyFilter::new(r, Instant::now());
        // Alt-x cannot be told from an answer's start there: dropped.
        assert_eq!(f.take_typed(), keys("G50% j\r"));
        assert!(f.take_typed().is_empty());
        assert_eq!(f.take_answers(), vec![b"11;rgb:ffff/ffff/ffff".to_vec()]);
    }

    proptest! {
        /// Bytes of keys typed ahead are the keys crossterm reads of them.
        #[test]
        fn typed_bytes_are_the_keys_crossterm_reads(
            text in prop::collection::vec(
                prop::sample::select(vec![
                    'j', 'G', '5', '%', ' ', '/', 'é', 'Ä', '例', '\r', '\t', '\x7f',
                    '\x01', '\x04', '\x08', '\x0c', '\x1a',
                ]),
                0..16,
            )
        ) {
            let text: String = text.into_iter().collect();
            prop_assert_eq!(typed_keys(text.as_bytes()), events(text.as_bytes()));
        }

        /// Typed keys around answers come through in order, and every
        /// answer comes out whole.
        #[test]
        fn keys_between_answers_survive(
            parts in prop::collection::vec(
                (prop::sample::select(vec!["j", "k", "g", "/", "q", " ", "G", "?", "\x1bx"]),
                 prop::option::of(prop::sample::select(ANSWERS.to_vec()))),
                0..12,
            )
        ) {
            let now = Instant::now();
            let mut f = ReplyFilter::new(Replies::default(), now);
            let mut out = Vec::new();
            let mut typed = Vec::new();
            let mut oscs = 0;
            for (key, answer) in &parts {
                // A key is its own read; an answer is another.
                let key = keys(key);
                typed.extend(key.clone());
                out.extend(filter(&mut f, &key, now));
                if let Some(answer) = answer {
                    oscs += usize::from(answer.starts_with("\x1b]"));
                    out.extend(filter(&mut f, &keys(answer), now));
                }
            }
            prop_assert_eq!(out, typed);
            prop_assert_eq!(f.take_answers().len(), oscs);
        }
    }
}
