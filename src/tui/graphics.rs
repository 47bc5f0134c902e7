//! Which way the terminal can draw pictures, chosen from its answers to the
//! start-up query (the kitty graphics query, DA1's sixel attribute, the
//! cell size; see `background`) and from what the environment says
//! (`TERM`, `TERM_PROGRAM`, `LC_TERMINAL`, tmux and its
//! `allow-passthrough`). Nothing is ever written in a protocol the
//! terminal did not answer for: in doubt, half-blocks, which every
//! terminal with colours draws.

use super::replies::Graphics;
use crate::config::Images;

/// How pictures reach the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Coloured `▀` cells: any terminal.
    Halfblocks,
    Kitty,
    Sixel,
    Iterm2,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Halfblocks => "half-blocks",
            Protocol::Kitty => "kitty graphics",
            Protocol::Sixel => "sixel",
            Protocol::Iterm2 => "iTerm2 images",
        }
    }
}

/// What the environment says of the terminal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    pub term: String,
    pub term_program: String,
    pub lc_terminal: String,
    /// Inside tmux (`TMUX`, or a `TERM` of tmux or screen).
    pub tmux: bool,
    /// tmux lets graphics through to the terminal outside it
    /// (`allow-passthrough` is `on` or `all`).
    pub passthrough: bool,
}

impl Env {
    /// The environment of this process; asks tmux for `allow-passthrough`
    /// only inside tmux.
    pub fn of_process() -> Env {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        let term = var("TERM");
        let term_program = var("TERM_PROGRAM");
        let tmux = in_tmux(&term, &term_program, &var("TMUX"));
        Env {
            passthrough: tmux && tmux_passthrough(),
            term,
            term_program,
            lc_terminal: var("LC_TERMINAL"),
            tmux,
        }
    }
}

/// Whether the environment says tmux (or screen) stands between this
/// process and the terminal: `TMUX` set, a `TERM` of tmux or screen, or a
/// `TERM_PROGRAM` of tmux.
pub fn in_tmux(term: &str, term_program: &str, tmux_var: &str) -> bool {
    !tmux_var.is_empty()
        || term.starts_with("tmux")
        || term.starts_with("screen")
        || term_program == "tmux"
}

/// Whether this process runs inside tmux, as `Env::of_process` says,
/// without asking tmux anything.
pub fn tmux_of_process() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    in_tmux(&var("TERM"), &var("TERM_PROGRAM"), &var("TMUX"))
}

/// Whether tmux lets graphics through from this pane: `allow-passthrough`
/// as it applies to the pane, set on the pane, its window or globally
/// (`tmux show -Apv`, with `-t $TMUX_PANE` when tmux said which pane).
/// Never set here: that is the user's choice.
fn tmux_passthrough() -> bool {
    let pane = std::env::var("TMUX_PANE").unwrap_or_default();
    std::process::Command::new("tmux")
        .args(passthrough_query(&pane))
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| passthrough_on(&String::from_utf8_lossy(&o.stdout)))
}

/// The arguments that ask tmux for `allow-passthrough` in pane `pane`
/// (`%3`; empty: the pane tmux takes for the caller's). `-A` includes
/// what the pane inherits from its window and the global options, so a
/// user's `set -g` and `set -p` both count, and a window that turned it
/// off is off. tmux has `-A` and pane options since 3.0, before
/// `allow-passthrough` itself (3.3).
pub fn passthrough_query(pane: &str) -> Vec<String> {
    let mut args = vec!["show".to_string(), "-Apv".to_string()];
    if !pane.is_empty() {
        args.extend(["-t".to_string(), pane.to_string()]);
    }
    args.push("allow-passthrough".to_string());
    args
}

/// tmux's answer for `allow-passthrough`: `on` or `all` let it through.
pub fn passthrough_on(answer: &str) -> bool {
    matches!(answer.trim(), "on" | "all")
}

/// The protocol for the setting `images`, the terminal's answers and the
/// environment; `None` when figures are off.
pub fn choose(images: Images, answers: Graphics, env: &Env) -> Option<Protocol> {
    match images {
        Images::Off => return None,
        Images::Halfblocks => return Some(Protocol::Halfblocks),
        Images::Auto => {}
    }
    // The Linux console and dumb terminals draw no graphics; tmux passes
    // them on only when allowed to.
    if matches!(env.term.as_str(), "linux" | "dumb" | "") && !env.tmux
        || env.tmux && !env.passthrough
    {
        return Some(Protocol::Halfblocks);
    }
    if answers.kitty {
        return Some(Protocol::Kitty);
    }
    let iterm2 = ["iTerm", "WezTerm", "mintty", "vscode"]
        .iter()
        .any(|p| env.term_program.contains(p))
        || env.lc_terminal.contains("iTerm");
    if iterm2 {
        return Some(Protocol::Iterm2);
    }
    // Inside tmux, DA1 is tmux's own answer, not the terminal's.
    if answers.sixel && !env.tmux {
        return Some(Protocol::Sixel);
    }
    Some(Protocol::Halfblocks)
}

/// The start-up query's part for graphics: the kitty graphics query (a
/// 1x1 image the terminal is asked about, never shown) and the cell size
/// in pixels. DA1, which every terminal answers, follows it (see
/// `background`). Inside tmux with passthrough, the kitty query goes
/// through to the terminal outside.
pub fn query(env: &Env) -> String {
    // The Linux console shows what it does not know of an APC string:
    // it is not asked at all.
    if matches!(env.term.as_str(), "linux" | "dumb") && !env.tmux {
        return String::new();
    }
    let kitty = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\";
    let kitty = if env.tmux {
        if env.passthrough {
            format!("\x1bPtmux;{}\x1b\\", kitty.replace('\x1b', "\x1b\x1b"))
        } else {
            String::new()
        }
    } else {
        kitty.to_string()
    };
    format!("{kitty}\x1b[16t")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::replies::Replies;

    /// What the recogniser makes of a terminal's recorded answers.
    fn answers(bytes: &[u8]) -> Graphics {
        let mut r = Replies::default();
        for &b in bytes {
            r.feed(b);
        }
        assert!(r.answered_da1(), "{bytes:?}");
        r.graphics()
    }

    fn env(term: &str, program: &str) -> Env {
        Env {
            term: term.into(),
            term_program: program.into(),
            ..Env::default()
        }
    }

    #[test]
    fn each_terminal_gets_the_protocol_it_answered_for() {
        // kitty: answers the graphics query, reports its cells.
        let kitty =
            answers(b"\x1b]11;rgb:0000/0000/0000\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?62;c");
        assert_eq!(
            kitty,
            Graphics {
                kitty: true,
                sixel: false,
                cell: Some((10, 20))
            }
        );
        let e = env("xterm-kitty", "");
        assert_eq!(choose(Images::Auto, kitty, &e), Some(Protocol::Kitty));

        // xterm with sixel: attribute 4 in DA1, no kitty answer.
        let xterm = answers(b"\x1b[6;17;8t\x1b[?63;1;2;4;6;9;15;22c");
        assert!(xterm.sixel && !xterm.kitty);
        assert_eq!(xterm.cell, Some((8, 17)));
        assert_eq!(
            choose(Images::Auto, xterm, &env("xterm-256color", "")),
            Some(Protocol::Sixel)
        );

        // iTerm2: told by its environment.
        let iterm = answers(b"\x1b[?62;4c");
        assert_eq!(
            choose(Images::Auto, iterm, &env("xterm-256color", "iTerm.app")),
            Some(Protocol::Iterm2)
        );
        let over_ssh = Env {
            lc_terminal: "iTerm2".into(),
            ..env("xterm-256color", "")
        };
        assert_eq!(
            choose(Images::Auto, Graphics::default(), &over_ssh),
            Some(Protocol::Iterm2)
        );

        // The Linux console: DA1 without graphics.
        let console = answers(b"\x1b[?6c");
        assert_eq!(console, Graphics::default());
        assert_eq!(
            choose(Images::Auto, console, &env("linux", "")),
            Some(Protocol::Halfblocks)
        );
        // A plain xterm without sixel.
        assert_eq!(
            choose(Images::Auto, answers(b"\x1b[?1;2c"), &env("xterm", "")),
            Some(Protocol::Halfblocks)
        );
    }

    #[test]
    fn tmux_draws_graphics_only_through_passthrough() {
        let tmux = Env {
            tmux: true,
            ..env("tmux-256color", "tmux")
        };
        // tmux's own DA1 (with sixel) and the kitty answer, forwarded.
        let through = answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?64;4;22c");
        assert_eq!(
            choose(Images::Auto, through, &tmux),
            Some(Protocol::Halfblocks),
            "passthrough is off"
        );
        let open = Env {
            passthrough: true,
            ..tmux.clone()
        };
        assert_eq!(choose(Images::Auto, through, &open), Some(Protocol::Kitty));
        // tmux's DA1 says sixel, but that is tmux: half-blocks.
        let sixel_only = answers(b"\x1b[?64;4;22c");
        assert_eq!(
            choose(Images::Auto, sixel_only, &open),
            Some(Protocol::Halfblocks)
        );
        // The query goes through only with passthrough, escaped.
        assert!(!query(&tmux).contains("_G"));
        assert!(query(&open).starts_with("\x1bPtmux;\x1b\x1b_G"));
        assert!(query(&env("xterm", "")).starts_with("\x1b_Gi=31"));
        assert_eq!(query(&env("linux", "")), "");
        assert!(passthrough_on("on\n") && passthrough_on("all") && !passthrough_on("off"));
        // The pane's own value, with what it inherits.
        assert_eq!(
            passthrough_query("%3"),
            ["show", "-Apv", "-t", "%3", "allow-passthrough"]
        );
        assert_eq!(passthrough_query(""), ["show", "-Apv", "allow-passthrough"]);
    }

    #[test]
    fn the_setting_wins() {
        let kitty = answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?62c");
        let e = env("xterm-kitty", "");
        assert_eq!(
            choose(Images::Halfblocks, kitty, &e),
            Some(Protocol::Halfblocks)
        );
        assert_eq!(choose(Images::Off, kitty, &e), None);
        // A kitty answer that is an error is no kitty.
        let refused = answers(b"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?62c");
        assert!(!refused.kitty);
    }
}
