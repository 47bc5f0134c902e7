//! Ask the terminal for its background colour (OSC 11), so that the theme
//! can suit it when the config names none, and what it can draw pictures
//! with (`graphics::query`), in one query. The query ends with DA1,
//! which every terminal answers, in order: an answer to DA1 alone means the
//! terminal does not tell its colour, and there is nothing to wait for. A
//! terminal that answers neither costs `WAIT` at startup, once; an answer
//! that comes after `WAIT` is taken in by the event loop, which applies the
//! theme then (`replies`).
//!
//! The query ends with ST, not BEL: nothing longform writes rings the bell.

use std::time::Duration;

use super::replies::Replies;

/// How long to wait for the answers before the first frame. An answer
/// that comes later is still taken in (see `replies`).
pub const WAIT: Duration = Duration::from_millis(100);

/// The queries, sent: the answers are read with `collect`.
pub struct Asked {
    started: std::time::Instant,
    sent: bool,
}

/// Ask the terminal for its background colour when `background`, and
/// what it draws with (`graphics`, the graphics query; empty when figures
/// are off), then DA1, in one query. The caller makes sure
/// stdin and stdout are the terminal, in raw mode, and reads the answers
/// with `collect`, after other work if it likes: the terminal answers
/// meanwhile.
pub fn ask(background: bool, graphics: &str) -> Asked {
    let mut query = String::new();
    if background {
        query.push_str("\x1b]11;?\x1b\\");
    }
    query.push_str(graphics);
    query.push_str("\x1b[c");
    #[cfg(unix)]
    let sent = unix::send(&query);
    #[cfg(not(unix))]
    let sent = {
        let _ = query;
        false
    };
    Asked {
        started: std::time::Instant::now(),
        sent,
    }
}

impl Asked {
    /// Read the terminal's answers into `replies` until DA1 is answered
    /// or `wait` has passed since they were asked; what has come is read
    /// even after that, without waiting. What was read, and any answer
    /// still arriving, is in `replies`, which the event loop goes on
    /// with, and so are the keys typed meanwhile.
    pub fn collect(&self, replies: &mut Replies, wait: Duration) {
        #[cfg(unix)]
        if self.sent {
            unix::collect(replies, self.started + wait);
        }
        #[cfg(not(unix))]
        let _ = (replies, wait, self.sent);
    }
}

#[cfg(unix)]
mod unix {
    use std::io::{self, Write};
    use std::os::fd::AsFd;
    use std::time::Instant;

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    use super::Replies;

    /// Send the queries; false when they could not be written.
    pub(super) fn send(query: &str) -> bool {
        let mut out = io::stdout().lock();
        out.write_all(query.as_bytes()).is_ok() && out.flush().is_ok()
    }

    /// Feed what comes back to `replies` until DA1 is answered or it is
    /// `until`. The bytes are read from the file descriptor itself, not
    /// through a buffer that would keep them from the event loop.
    pub(super) fn collect(replies: &mut Replies, until: Instant) {
        let stdin = io::stdin();
        let fd = stdin.as_fd();
        while !replies.answered_da1() {
            // Past `until`, what has come already is still read (the
            // work done since the queries took long), without waiting.
            let left = until.saturating_duration_since(Instant::now());
            let Ok(timeout) = Timespec::try_from(left) else {
                break;
            };
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                Ok(0) => break,
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => break,
            }
            // One byte at a time: a read must not go past the DA1 answer
            // into keys typed after it.
            let mut byte = [0u8; 1];
            match rustix::io::read(fd, &mut byte) {
                Ok(1) => replies.take_byte(byte[0]),
                _ => break,
            }
        }
    }
}

/// Whether the colour in the body of an answer to OSC 11,
/// `11;rgb:RRRR/GGGG/BBBB` with one to four hex digits a channel, is
/// light. `None` when it is no such answer.
pub fn is_light(answer: &[u8]) -> Option<bool> {
    let body = std::str::from_utf8(answer.strip_prefix(b"11;")?).ok()?;
    let channels = body
        .strip_prefix("rgb:")
        .or_else(|| body.strip_prefix("rgba:"))?;
    let mut values = channels.split('/').map(|hex| {
        let max = 16f64.powi(i32::try_from(hex.len()).ok()?) - 1.0;
        let value = u16::from_str_radix(hex, 16).ok()?;
        (1..=4).contains(&hex.len()).then(|| f64::from(value) / max)
    });
    let (r, g, b) = (values.next()??, values.next()??, values.next()??);
    // Relative luminance (Rec. 709 weights).
    Some(0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read() {
        let cases: [(&[u8], Option<bool>); 7] = [
            (b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c", Some(true)),
            (b"\x1b]11;rgb:0000/0000/0000\x07\x1b[?1;2c", Some(false)),
            (b"\x1b]11;rgb:28/2c/34\x1b\\", Some(false)),
            (b"\x1b]11;rgb:fdf6/e3e3/d0d0\x1b\\", Some(true)),
            (b"\x1b]11;rgba:ffff/ffff/ffff/ffff\x1b\\", Some(true)),
            (b"\x1b[?62;22c", None),
            (b"\x1b]11;rgb:zz/00/00\x1b\\", None),
        ];
        for (bytes, light) in cases {
            let mut replies = Replies::default();
            for &b in bytes {
                replies.feed(b);
            }
            let answers = replies.take_answers();
            assert_eq!(
                answers.first().and_then(|a| is_light(a)),
                light,
                "{bytes:?}"
            );
            assert_eq!(replies.answered_da1(), bytes.ends_with(b"c"), "{bytes:?}");
        }
        assert_eq!(is_light(b"10;rgb:ffff/ffff/ffff"), None);
    }
}
