//! Every colour and modifier in one place: semantic styles from the core in,
//! terminal styles out. `mono` uses modifiers only, and is what `NO_COLOR`
//! gives.

use ratatui::style::{Color, Modifier, Style};

use crate::document::{Flags, Role, Style as DocStyle};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Dark,
    /// For terminals with a light background: the same roles in darker
    /// inks.
    Light,
    Mono,
}

impl Theme {
    /// The theme for this environment: mono when `NO_COLOR` is set to
    /// anything non-empty (no-color.org), dark otherwise.
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::Mono,
            _ => Theme::Dark,
        }
    }

    /// The theme a config names; `NO_COLOR` still means mono.
    pub fn named(name: crate::config::ThemeName) -> Theme {
        if Theme::from_env() == Theme::Mono {
            return Theme::Mono;
        }
        match name {
            crate::config::ThemeName::Dark => Theme::Dark,
            crate::config::ThemeName::Light => Theme::Light,
            crate::config::ThemeName::Mono => Theme::Mono,
        }
    }

    /// A colour of the dark palette, or its counterpart on a light
    /// background (256-colour indices).
    fn ink(self, c: u8) -> Color {
        if self != Theme::Light {
            return Color::Indexed(c);
        }
        Color::Indexed(match c {
            215 | 222 => 130,
            180 => 94,
            110 | 109 => 25,
            250 => 238,
            240 | 242 | 244 | 245 | 246 => 243,
            151 => 22,
            75 => 26,
            176 => 90,
            203 => 160,
            252 => 235,
            236 => 254,
            other => other,
        })
    }

    fn color(self, c: u8) -> Style {
        match self {
            Theme::Dark | Theme::Light => Style::new().fg(self.ink(c)),
            Theme::Mono => Style::new(),
        }
    }

    /// The terminal style of a piece of article text.
    pub fn text(self, style: DocStyle) -> Style {
        let base = match style.role {
            Role::Text => Style::new(),
            Role::TableHeader => Style::new().add_modifier(Modifier::BOLD),
            Role::Heading(1) | Role::Title => self.color(215).add_modifier(Modifier::BOLD),
            Role::Heading(2) => self.color(180).add_modifier(Modifier::BOLD),
            Role::Heading(3) => self.color(110).add_modifier(Modifier::BOLD),
            Role::Heading(_) => self
                .color(109)
                .add_modifier(Modifier::BOLD | Modifier::ITALIC),
            Role::HeadingRule(1) => self.color(215),
            Role::HeadingRule(_) => self.color(180),
            Role::Quote => self.color(250).add_modifier(Modifier::ITALIC),
            Role::QuoteBar | Role::TableBorder | Role::Rule | Role::Continuation => {
                self.color(240).add_modifier(self.dim())
            }
            Role::ListMarker | Role::FootnoteLabel | Role::Alert => self.color(110),
            Role::CodeBlock => self.color(151),
            Role::CodeLang => self.color(242).add_modifier(Modifier::ITALIC),
            Role::Html => self.color(242).add_modifier(self.dim()),
            Role::Byline => self.color(245).add_modifier(Modifier::ITALIC),
        };
        self.flags(base, style.flags)
    }

    fn dim(self) -> Modifier {
        match self {
            Theme::Dark | Theme::Light => Modifier::empty(),
            Theme::Mono => Modifier::DIM,
        }
    }

    fn flags(self, mut s: Style, flags: Flags) -> Style {
        if flags.contains(Flags::EMPHASIS) {
            s = s.add_modifier(Modifier::ITALIC);
        }
        if flags.contains(Flags::STRONG) {
            s = s.add_modifier(Modifier::BOLD);
        }
        if flags.contains(Flags::STRIKE) {
            s = s.add_modifier(Modifier::CROSSED_OUT);
        }
        if flags.contains(Flags::CODE) {
            s = s.patch(self.color(151));
            if self == Theme::Mono {
                s = s.add_modifier(Modifier::BOLD);
            }
        }
        if flags.contains(Flags::LINK) {
            s = s.patch(self.color(75)).add_modifier(Modifier::UNDERLINED);
        }
        if flags.contains(Flags::IMAGE) {
            s = s.patch(self.color(176)).add_modifier(Modifier::ITALIC);
        }
        if flags.contains(Flags::FOOTNOTE_REF) {
            s = s.patch(self.color(110));
        }
        if flags.contains(Flags::HTML) {
            s = s.patch(self.color(242)).add_modifier(self.dim());
        }
        if flags.contains(Flags::STAND_IN) {
            s = s.patch(self.color(203)).add_modifier(Modifier::REVERSED);
        }
        s
    }

    /// The status bar.
    pub fn status(self) -> Style {
        match self {
            Theme::Dark | Theme::Light => Style::new().fg(self.ink(252)).bg(self.ink(236)),
            Theme::Mono => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The quieter half of the status bar: section and progress.
    pub fn status_dim(self) -> Style {
        match self {
            Theme::Dark | Theme::Light => Style::new().fg(self.ink(246)).bg(self.ink(236)),
            Theme::Mono => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// A warning or notice in the status bar.
    pub fn message(self) -> Style {
        match self {
            Theme::Dark | Theme::Light => Style::new().fg(self.ink(222)).bg(self.ink(236)),
            Theme::Mono => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// Keys in the help overlay.
    pub fn key(self) -> Style {
        self.color(215).add_modifier(Modifier::BOLD)
    }

    pub fn border(self) -> Style {
        self.color(240)
    }

    /// An outline row, by heading level.
    pub fn outline_entry(self, level: u8) -> Style {
        match level {
            1 => Style::new().add_modifier(Modifier::BOLD),
            2 => Style::new(),
            _ => self.color(250),
        }
    }

    /// The outline row of the section being read.
    pub fn outline_current(self) -> Style {
        self.color(215).add_modifier(Modifier::BOLD)
    }

    /// Minutes and progress in an outline row.
    pub fn outline_meta(self) -> Style {
        self.color(244)
    }

    /// Letters matched by a filter.
    pub fn matched(self) -> Style {
        self.color(222)
            .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    }

    /// A match of the search in the text: the filter's colours, reversed
    /// so that it stands out of underlined links too.
    pub fn search_match(self) -> Style {
        self.matched().add_modifier(Modifier::REVERSED)
    }

    /// The mark beside a bookmarked line.
    pub fn bookmark(self) -> Style {
        match self {
            Theme::Dark | Theme::Light => Style::new().fg(self.ink(215)),
            Theme::Mono => Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// The link selected with Tab.
    pub fn selected_link(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}
