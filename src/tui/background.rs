//! Ask the terminal for its background colour (OSC 11), so that the theme
//! can suit it when the config names none. The query is followed by DA1,
//! which every terminal answers, in order: an answer to DA1 alone means the
//! terminal does not tell its colour, and there is nothing to wait for. A
//! terminal that answers neither costs `WAIT` at startup, once.
//!
//! The query ends with ST, not BEL: nothing longform writes rings the bell.

use std::time::Duration;

/// How long to wait for the answers.
const WAIT: Duration = Duration::from_millis(100);

/// Whether the terminal's background is light; `None` when the terminal
/// does not say in time. The caller makes sure stdin and stdout are the
/// terminal.
pub fn query() -> Option<bool> {
    #[cfg(unix)]
    {
        crossterm::terminal::enable_raw_mode().ok()?;
        let answer = unix::ask(WAIT);
        let _ = crossterm::terminal::disable_raw_mode();
        answer.as_deref().and_then(is_light)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(unix)]
mod unix {
    use std::io::{self, Write};
    use std::os::fd::AsFd;
    use std::time::{Duration, Instant};

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    /// Send the queries and read what comes back until DA1 is answered or
    /// `wait` is over. The bytes are read from the file descriptor itself,
    /// not through a buffer that could keep keys typed meanwhile from the
    /// event loop.
    pub(super) fn ask(wait: Duration) -> Option<Vec<u8>> {
        let mut out = io::stdout().lock();
        out.write_all(b"\x1b]11;?\x1b\\\x1b[c").ok()?;
        out.flush().ok()?;
        drop(out);
        let stdin = io::stdin();
        let fd = stdin.as_fd();
        let until = Instant::now() + wait;
        let mut got = Vec::new();
        while !super::answered_da1(&got) {
            let left = until.saturating_duration_since(Instant::now());
            let Ok(timeout) = Timespec::try_from(left) else {
                break;
            };
            if left.is_zero() {
                break;
            }
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                Ok(0) => break,
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => break,
            }
            let mut buf = [0u8; 256];
            match rustix::io::read(fd, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        Some(got)
    }
}

/// Whether `bytes` hold the answer to DA1: `ESC [ ? … c`.
fn answered_da1(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .position(|w| w == b"\x1b[?")
        .is_some_and(|at| bytes[at..].contains(&b'c'))
}

/// Whether the colour in an answer to OSC 11 is light:
/// `ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by ST or BEL, with one to four
/// hex digits a channel. `None` when there is no such answer.
fn is_light(bytes: &[u8]) -> Option<bool> {
    let start = bytes.windows(5).position(|w| w == b"\x1b]11;")? + 5;
    let rest = &bytes[start..];
    let end = rest.iter().position(|&b| b == 0x07 || b == 0x1b)?;
    let body = std::str::from_utf8(&rest[..end]).ok()?;
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
            assert_eq!(is_light(bytes), light, "{bytes:?}");
        }
        assert!(answered_da1(b"\x1b]11;rgb:0/0/0\x07\x1b[?62;22c"));
        assert!(!answered_da1(b"\x1b]11;rgb:0/0/0\x07\x1b[?62;2"));
    }
}
