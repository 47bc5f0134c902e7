//! Terminal styles as SGR escape sequences, for `longform cat` output.
//! The escapes are built from the theme only: text from the file has had its
//! control characters replaced at parse time, so it cannot add any.

use std::fmt::Write as _;

use ratatui::style::{Color, Modifier, Style};

/// The SGR sequence that sets `style` from a reset state; empty for none.
pub fn sgr(style: Style) -> String {
    let mut codes: Vec<String> = Vec::new();
    let m = style.add_modifier;
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(c) = style.fg.and_then(|c| color(c, 38)) {
        codes.push(c);
    }
    if let Some(c) = style.bg.and_then(|c| color(c, 48)) {
        codes.push(c);
    }
    if codes.is_empty() {
        return String::new();
    }
    let mut out = String::from("\x1b[");
    out.push_str(&codes.join(";"));
    out.push('m');
    out
}

/// The reset that ends a styled run.
pub const RESET: &str = "\x1b[0m";

fn color(c: Color, base: u8) -> Option<String> {
    let mut s = String::new();
    match c {
        Color::Indexed(i) => write!(s, "{base};5;{i}").ok()?,
        Color::Rgb(r, g, b) => write!(s, "{base};2;{r};{g};{b}").ok()?,
        _ => return None,
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_and_indexed() {
        let s = Style::new()
            .fg(Color::Indexed(215))
            .add_modifier(Modifier::BOLD);
        assert_eq!(sgr(s), "\x1b[1;38;5;215m");
        assert_eq!(sgr(Style::new()), "");
    }
}
