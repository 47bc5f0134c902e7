//! Copying to the system clipboard through the terminal: the OSC 52
//! sequence, which terminals, SSH sessions and tmux (with
//! `set-clipboard on`) carry to the clipboard of the machine the reader
//! sits at. Only the sequence is written, its text base64-encoded, so
//! nothing copied ever reaches the terminal as text or controls. Where
//! there is a display, the text also goes to the system clipboard with
//! `arboard`, for the terminals that ignore OSC 52.

use std::sync::mpsc::{Sender, channel};

/// The most text one copy takes: a terminal drops longer OSC 52 sequences
/// (xterm and tmux cap them near a megabyte of base64).
pub const MAX_COPY: usize = 600_000;

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// The system clipboard, as a fallback beside OSC 52: a thread that owns
/// an `arboard` clipboard, started at the first copy where there is a
/// display. On X11 the clipboard's text is served by the program that set
/// it, so the thread keeps it while longform runs. Connecting to a
/// display that does not answer never holds up the screen, and a failure
/// is silent: OSC 52 has already been written.
#[derive(Default)]
pub struct Local {
    sender: Option<Sender<String>>,
}

impl Local {
    /// Put `text` on the system clipboard too, when there is a display.
    pub fn copy(&mut self, text: &str) {
        if !has_display(|var| std::env::var_os(var)) {
            return;
        }
        let sender = self.sender.get_or_insert_with(|| {
            let (sender, texts) = channel::<String>();
            let _ = std::thread::Builder::new()
                .name("clipboard".into())
                .spawn(move || {
                    let Ok(mut clipboard) = arboard::Clipboard::new() else {
                        return;
                    };
                    for text in texts {
                        let _ = clipboard.set_text(text);
                    }
                });
            sender
        });
        let _ = sender.send(text.to_string());
    }
}

/// Whether a system clipboard can be reached: always on macOS and
/// Windows; on other systems, when an X display is named (`arboard` uses
/// X11, which Wayland desktops also offer).
fn has_display(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    cfg!(any(target_os = "macos", target_os = "windows"))
        || var("DISPLAY").is_some_and(|d| !d.is_empty())
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    #[test]
    fn the_system_clipboard_is_used_only_with_a_display() {
        use std::ffi::OsString;
        assert!(!has_display(|_| None));
        assert!(!has_display(|_| Some(OsString::new())));
        assert!(has_display(|v| (v == "DISPLAY").then(|| ":0".into())));
        // Without a display, copying starts nothing.
        if std::env::var_os("DISPLAY").is_none() {
            let mut local = Local::default();
            local.copy("text");
            assert!(local.sender.is_none());
        }
    }

    #[test]
    fn base64_of_the_rfc_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn the_sequence_holds_no_control_but_its_own() {
        let seq = osc52("a\u{1b}]52;c;evil\u{7}\n例");
        let body = &seq["\x1b]52;c;".len()..seq.len() - 1];
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        assert!(seq.ends_with('\x07'));
    }
}
