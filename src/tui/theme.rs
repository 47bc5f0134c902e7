//! Every colour and modifier in one place: semantic styles from the core in,
//! terminal styles out. A theme is a palette (`dark`, `light` or `mono`)
//! with the colours `[colors]` in the config puts in place of the
//! palette's own. `mono` uses modifiers only, is what `NO_COLOR` gives, and
//! keeps no colours from `[colors]`.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Entry, ThemeName, Warning};
use crate::document::{AlertKind, Flags, Role, Style as DocStyle, Token};

/// The palettes a theme starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Palette {
    Dark,
    /// For terminals with a light background: the same roles in darker
    /// inks.
    Light,
    /// No colour: bold, italic, underline and reverse only.
    Mono,
}

/// A palette, and the colours the config gives some of its styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub palette: Palette,
    /// By `Slot`; `None` keeps the palette's colour.
    colors: [Option<Color>; SLOTS.len()],
}

/// The styles `[colors]` can change. Each is one entry of `SLOTS`, in the
/// same order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Text,
    Heading1,
    Heading2,
    Heading3,
    Heading4,
    Heading5,
    Heading6,
    Quote,
    Code,
    Link,
    Image,
    Marker,
    AlertNote,
    AlertTip,
    AlertImportant,
    AlertWarning,
    AlertCaution,
    Border,
    Dim,
    Byline,
    StandIn,
    Status,
    StatusBackground,
    StatusDim,
    Message,
    Key,
    Current,
    Meta,
    Match,
    Bookmark,
    SelectedLink,
    Hint,
    Highlight1,
    Highlight2,
    Highlight3,
    Highlight4,
}

/// Each style `[colors]` can change: its name there, its colour in the
/// dark palette (a 256-colour index; `None` is the terminal's own), and
/// what it colours.
const SLOTS: [(Slot, &str, Option<u8>, &str); 36] = [
    (Slot::Text, "text", None, "body text"),
    (
        Slot::Heading1,
        "heading1",
        Some(215),
        "title and level 1 headings",
    ),
    (Slot::Heading2, "heading2", Some(180), "level 2 headings"),
    (Slot::Heading3, "heading3", Some(110), "level 3 headings"),
    (Slot::Heading4, "heading4", Some(109), "level 4 headings"),
    (Slot::Heading5, "heading5", Some(109), "level 5 headings"),
    (Slot::Heading6, "heading6", Some(109), "level 6 headings"),
    (Slot::Quote, "quote", Some(250), "block quotes"),
    (Slot::Code, "code", Some(151), "code blocks and inline code"),
    (Slot::Link, "link", Some(75), "links"),
    (Slot::Image, "image", Some(176), "images (their text)"),
    (
        Slot::Marker,
        "marker",
        Some(110),
        "list markers and footnotes",
    ),
    (Slot::AlertNote, "alert_note", Some(75), "> [!NOTE] alerts"),
    (Slot::AlertTip, "alert_tip", Some(114), "> [!TIP] alerts"),
    (
        Slot::AlertImportant,
        "alert_important",
        Some(141),
        "> [!IMPORTANT] alerts",
    ),
    (
        Slot::AlertWarning,
        "alert_warning",
        Some(179),
        "> [!WARNING] alerts",
    ),
    (
        Slot::AlertCaution,
        "alert_caution",
        Some(167),
        "> [!CAUTION] alerts",
    ),
    (
        Slot::Border,
        "border",
        Some(240),
        "rules, quote bars, table and box borders",
    ),
    (Slot::Dim, "dim", Some(242), "code languages and raw HTML"),
    (Slot::Byline, "byline", Some(245), "author and date"),
    (
        Slot::StandIn,
        "stand_in",
        Some(203),
        "control characters from the file, shown as symbols",
    ),
    (Slot::Status, "status", Some(252), "status bar text"),
    (
        Slot::StatusBackground,
        "status_background",
        Some(236),
        "status bar background",
    ),
    (
        Slot::StatusDim,
        "status_dim",
        Some(246),
        "section and progress in the status bar",
    ),
    (
        Slot::Message,
        "message",
        Some(222),
        "notices in the status bar",
    ),
    (Slot::Key, "key", Some(215), "keys in the help, prompts"),
    (
        Slot::Current,
        "current",
        Some(215),
        "the section being read, list titles",
    ),
    (
        Slot::Meta,
        "meta",
        Some(244),
        "minutes, progress and details in lists",
    ),
    (
        Slot::Match,
        "match",
        Some(222),
        "search matches and filtered letters",
    ),
    (Slot::Bookmark, "bookmark", Some(215), "the bookmark mark"),
    (
        Slot::SelectedLink,
        "selected_link",
        None,
        "background of the link selected with Tab (else reverse video)",
    ),
    (
        Slot::Hint,
        "hint",
        Some(170),
        "the letter hints of links, in reverse video",
    ),
    (
        Slot::Highlight1,
        "highlight1",
        Some(186),
        "background of highlights in colour 1 (yellow) and the default",
    ),
    (
        Slot::Highlight2,
        "highlight2",
        Some(150),
        "background of highlights in colour 2 (green)",
    ),
    (
        Slot::Highlight3,
        "highlight3",
        Some(111),
        "background of highlights in colour 3 (blue)",
    ),
    (
        Slot::Highlight4,
        "highlight4",
        Some(182),
        "background of highlights in colour 4 (pink)",
    ),
];

#[allow(non_upper_case_globals)]
impl Theme {
    pub const Dark: Theme = Theme::of(Palette::Dark);
    pub const Light: Theme = Theme::of(Palette::Light);
    pub const Mono: Theme = Theme::of(Palette::Mono);

    /// A palette with its own colours.
    pub const fn of(palette: Palette) -> Theme {
        Theme {
            palette,
            colors: [None; SLOTS.len()],
        }
    }

    /// The theme for this environment: mono when `NO_COLOR` is set to
    /// anything non-empty (no-color.org), dark otherwise.
    pub fn from_env() -> Theme {
        Theme::choose(None, None)
    }

    /// The theme a config names; `NO_COLOR` still means mono.
    pub fn named(name: ThemeName) -> Theme {
        Theme::choose(Some(name), None)
    }

    /// Mono when `NO_COLOR` is set; else the palette the config names;
    /// else the one that suits the terminal's background, when it is
    /// known; else dark.
    pub fn choose(name: Option<ThemeName>, background: Option<Palette>) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let palette = match name {
            _ if no_color => Palette::Mono,
            Some(ThemeName::Dark) => Palette::Dark,
            Some(ThemeName::Light) => Palette::Light,
            Some(ThemeName::Mono) => Palette::Mono,
            None => background.unwrap_or(Palette::Dark),
        };
        Theme::of(palette)
    }

    /// This theme with the colours of `[colors]`. A style name or a colour
    /// that cannot be read is a warning, and that style keeps its colour.
    /// Mono checks them but keeps no colour.
    pub fn with_colors(mut self, entries: &[Entry]) -> (Theme, Vec<Warning>) {
        let mut warnings = Vec::new();
        for entry in entries {
            let name = entry.name.as_str();
            let Some(index) = SLOTS.iter().position(|(_, n, _, _)| *n == name) else {
                let message = format!(
                    "colors: unknown style `{name}` (the styles are listed by longform config --default)"
                );
                warnings.push(Warning::at(entry.line, message));
                continue;
            };
            let value = entry.values.first().map_or("", String::as_str);
            match parse_color(value) {
                Some(color) if self.palette != Palette::Mono => self.colors[index] = Some(color),
                Some(_) => {}
                None => {
                    let message = format!(
                        "colors.{name}: {value:?} is not a colour; use a name like \"light blue\", \
                         \"#rrggbb\", or a number from 0 to 255"
                    );
                    warnings.push(Warning::at(entry.line, message));
                }
            }
        }
        (self, warnings)
    }

    /// The `[colors]` table of the default config: every style with its
    /// colour in the dark palette, commented out.
    pub fn default_config() -> String {
        let mut out = String::from(
            "\n# [colors]\n\
             # Colours for single styles of the dark and light themes (mono keeps\n\
             # none). A colour is a name (red, light blue, dark gray, white…),\n\
             # \"#rrggbb\", a number from 0 to 255 (the terminal's 256 colours), or\n\
             # \"default\" for the terminal's own. The values below are the dark\n\
             # theme's. selected_link has no colour of its own: it is the link in\n\
             # reverse video until it is given a background colour here.\n",
        );
        for (_, name, dark, what) in SLOTS {
            let value = dark.map_or_else(|| "\"default\"".to_string(), |c| c.to_string());
            if name != "selected_link" {
                let setting = format!("{name} = {value}");
                out.push_str(&format!("# {setting:<24} # {what}\n"));
            }
        }
        out
    }

    /// A colour of the dark palette, or its counterpart on a light
    /// background (256-colour indices).
    fn ink(self, c: u8) -> Color {
        if self.palette != Palette::Light {
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
            170 => 127,
            203 => 160,
            114 => 28,
            141 => 91,
            179 => 136,
            167 => 124,
            252 => 235,
            236 => 254,
            // Highlight backgrounds: paler tints than the dark palette's.
            186 => 229,
            150 => 194,
            111 => 153,
            182 => 225,
            other => other,
        })
    }

    /// The colour of `slot`: the config's, else the palette's; none in
    /// mono, nor for a style that keeps the terminal's own.
    fn ink_of(self, slot: Slot) -> Option<Color> {
        if self.palette == Palette::Mono {
            return None;
        }
        let (_, _, dark, _) = SLOTS[slot as usize];
        self.colors[slot as usize].or_else(|| dark.map(|c| self.ink(c)))
    }

    /// The foreground of `slot`.
    fn color(self, slot: Slot) -> Style {
        match self.ink_of(slot) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    /// The terminal style of a piece of article text.
    pub fn text(self, style: DocStyle) -> Style {
        let base = match style.role {
            Role::Text => self.color(Slot::Text),
            Role::TableHeader => self.color(Slot::Text).add_modifier(Modifier::BOLD),
            Role::Heading(1) | Role::Title => {
                self.color(Slot::Heading1).add_modifier(Modifier::BOLD)
            }
            Role::Heading(2) => self.color(Slot::Heading2).add_modifier(Modifier::BOLD),
            Role::Heading(3) => self.color(Slot::Heading3).add_modifier(Modifier::BOLD),
            Role::Heading(level) => {
                let slot = match level {
                    4 => Slot::Heading4,
                    5 => Slot::Heading5,
                    _ => Slot::Heading6,
                };
                self.color(slot)
                    .add_modifier(Modifier::BOLD | Modifier::ITALIC)
            }
            Role::HeadingRule(1) => self.color(Slot::Heading1),
            Role::HeadingRule(_) => self.color(Slot::Heading2),
            Role::Quote => self.color(Slot::Quote).add_modifier(Modifier::ITALIC),
            Role::QuoteBar | Role::TableBorder | Role::Rule | Role::Continuation => {
                self.color(Slot::Border).add_modifier(self.dim())
            }
            Role::ListMarker | Role::FootnoteLabel => self.color(Slot::Marker),
            Role::Alert(kind) => self.color(match kind {
                AlertKind::Note => Slot::AlertNote,
                AlertKind::Tip => Slot::AlertTip,
                AlertKind::Important => Slot::AlertImportant,
                AlertKind::Warning => Slot::AlertWarning,
                AlertKind::Caution => Slot::AlertCaution,
            }),
            Role::CodeBlock => self.color(Slot::Code),
            Role::Syntax(token) => self.syntax(token),
            Role::CodeLang => self.color(Slot::Dim).add_modifier(Modifier::ITALIC),
            Role::Html | Role::Caption => self.color(Slot::Dim).add_modifier(self.dim()),
            Role::Byline => self.color(Slot::Byline).add_modifier(Modifier::ITALIC),
        };
        self.flags(base, style.flags)
    }

    /// A token of highlighted code (256-colour indices). Mono keeps the
    /// two that matter most to a reader: keywords bold, comments italic.
    fn syntax(self, token: Token) -> Style {
        let (dark, light) = match token {
            Token::Keyword => (176, 90),
            Token::String => (180, 94),
            Token::Comment => (244, 243),
            Token::Constant => (215, 130),
            Token::Function => (110, 25),
            Token::Type => (116, 30),
            Token::Punctuation => (247, 240),
        };
        let style = match self.palette {
            Palette::Dark => Style::new().fg(Color::Indexed(dark)),
            Palette::Light => Style::new().fg(Color::Indexed(light)),
            Palette::Mono => Style::new(),
        };
        match token {
            Token::Keyword if self.palette == Palette::Mono => style.add_modifier(Modifier::BOLD),
            Token::Comment => style.add_modifier(Modifier::ITALIC),
            _ => style,
        }
    }

    fn dim(self) -> Modifier {
        match self.palette {
            Palette::Dark | Palette::Light => Modifier::empty(),
            Palette::Mono => Modifier::DIM,
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
            s = s.patch(self.color(Slot::Code));
            if self.palette == Palette::Mono {
                s = s.add_modifier(Modifier::BOLD);
            }
        }
        if flags.contains(Flags::LINK) {
            s = s
                .patch(self.color(Slot::Link))
                .add_modifier(Modifier::UNDERLINED);
        }
        if flags.contains(Flags::IMAGE) {
            s = s
                .patch(self.color(Slot::Image))
                .add_modifier(Modifier::ITALIC);
        }
        if flags.contains(Flags::FOOTNOTE_REF) {
            s = s.patch(self.color(Slot::Marker));
        }
        if flags.contains(Flags::HTML) {
            s = s.patch(self.color(Slot::Dim)).add_modifier(self.dim());
        }
        if flags.contains(Flags::BYLINE) {
            s = s
                .patch(self.color(Slot::Byline))
                .add_modifier(Modifier::ITALIC);
        }
        if flags.contains(Flags::STAND_IN) {
            s = s
                .patch(self.color(Slot::StandIn))
                .add_modifier(Modifier::REVERSED);
        }
        s
    }

    /// A bar style: `slot`'s colour on the status bar's background, or
    /// reverse video in mono.
    fn bar(self, slot: Slot) -> Style {
        match (self.ink_of(slot), self.ink_of(Slot::StatusBackground)) {
            (Some(fg), Some(bg)) => Style::new().fg(fg).bg(bg),
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The status bar.
    pub fn status(self) -> Style {
        self.bar(Slot::Status)
    }

    /// The quieter half of the status bar: section and progress.
    pub fn status_dim(self) -> Style {
        self.bar(Slot::StatusDim)
    }

    /// A warning or notice in the status bar.
    pub fn message(self) -> Style {
        match self.palette {
            Palette::Dark | Palette::Light => self.bar(Slot::Message),
            Palette::Mono => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// Keys in the help overlay.
    pub fn key(self) -> Style {
        self.color(Slot::Key).add_modifier(Modifier::BOLD)
    }

    pub fn border(self) -> Style {
        self.color(Slot::Border)
    }

    /// An outline row, by heading level.
    pub fn outline_entry(self, level: u8) -> Style {
        match level {
            1 => Style::new().add_modifier(Modifier::BOLD),
            2 => Style::new(),
            _ => match self.palette {
                Palette::Mono => Style::new(),
                _ => Style::new().fg(self.ink(250)),
            },
        }
    }

    /// The outline row of the section being read.
    pub fn outline_current(self) -> Style {
        self.color(Slot::Current).add_modifier(Modifier::BOLD)
    }

    /// Minutes and progress in an outline row.
    pub fn outline_meta(self) -> Style {
        self.color(Slot::Meta)
    }

    /// Letters matched by a filter.
    pub fn matched(self) -> Style {
        self.color(Slot::Match)
            .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    }

    /// A match of the search in the text: the filter's colours, reversed
    /// so that it stands out of underlined links too.
    pub fn search_match(self) -> Style {
        self.matched().add_modifier(Modifier::REVERSED)
    }

    /// The selection being made: reverse video in every palette, so the
    /// text keeps its own colours, swapped.
    pub fn selection(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The mark beside a bookmarked line.
    pub fn bookmark(self) -> Style {
        match self.palette {
            Palette::Dark | Palette::Light => self.color(Slot::Bookmark),
            Palette::Mono => Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// A letter hint beside a link (`o`): a label of its own, in reverse
    /// video, so that it never reads as part of the link's text.
    pub fn hint(self) -> Style {
        self.color(Slot::Hint)
            .add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The slot of highlight colour `color`; the default (0) is the first.
    fn highlight_slot(color: u8) -> Slot {
        match color {
            2 => Slot::Highlight2,
            3 => Slot::Highlight3,
            4 => Slot::Highlight4,
            _ => Slot::Highlight1,
        }
    }

    /// Text of style `text` in a highlight of colour `color` (0 the
    /// default): a tint behind it, patched over its style; underlined in
    /// mono. The text keeps its ink where that reads on the tint as well as
    /// on the page (a contrast of 4.5:1, or the page's own when lower);
    /// else it takes the light palette's counterpart of its ink (dark on a
    /// pale tint, so links and code keep their colour), else the plain
    /// ink that reads best.
    pub fn highlight(self, color: u8, text: Style) -> Style {
        let Some(bg) = self.ink_of(Theme::highlight_slot(color)) else {
            return Style::new().add_modifier(Modifier::UNDERLINED);
        };
        let style = Style::new().bg(bg);
        match self.ink_on(text.fg, bg) {
            Some(fg) => style.fg(fg),
            None => style,
        }
    }

    /// The ink for text of ink `fg` (`None`: the terminal's) on `bg`:
    /// `None` to keep it. See `highlight`.
    fn ink_on(self, fg: Option<Color>, bg: Color) -> Option<Color> {
        let bg_rgb = rgb(bg)?;
        // The page is the terminal's background: dark unless the palette
        // is for a light one; the terminal's ink is the other way.
        let (page, default_ink) = match self.palette {
            Palette::Light => ((255, 255, 255), Color::Indexed(235)),
            _ => ((0, 0, 0), Color::Indexed(252)),
        };
        let ink = match fg {
            None | Some(Color::Reset) => default_ink,
            Some(c) => c,
        };
        let ink_rgb = rgb(ink)?;
        let need = contrast(ink_rgb, page).min(4.5);
        if contrast(ink_rgb, bg_rgb) >= need {
            return None;
        }
        let counterpart = match ink {
            Color::Indexed(c) => Some(Theme::Light.ink(c)),
            _ => None,
        };
        let plain = [Color::Indexed(235), Color::Indexed(252)];
        let reads = |c: &Color| rgb(*c).map_or(0.0, |c| contrast(c, bg_rgb));
        counterpart
            .into_iter()
            .find(|c| reads(c) >= need)
            .or_else(|| {
                plain
                    .into_iter()
                    .max_by(|a, b| reads(a).total_cmp(&reads(b)))
            })
    }

    /// The margin mark beside a line with a highlight of colour `color`:
    /// that colour as ink; bold in mono.
    pub fn highlight_mark(self, color: u8) -> Style {
        match self.ink_of(Theme::highlight_slot(color)) {
            Some(c) => Style::new().fg(c),
            None => Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// The link selected with Tab: reverse video, or the configured
    /// background.
    pub fn selected_link(self) -> Style {
        match self.ink_of(Slot::SelectedLink) {
            Some(bg) => Style::new().bg(bg),
            None => Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}

/// The red, green and blue of a colour: xterm's values for the 256
/// indices (the first 16 as most terminals have them). `None` for the
/// terminal's own colour, which is not known.
fn rgb(color: Color) -> Option<(u8, u8, u8)> {
    const BASE: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match color {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i @ 0..16) => Some(BASE[usize::from(i)]),
        Color::Indexed(i @ 16..232) => {
            let i = usize::from(i - 16);
            Some((LEVELS[i / 36], LEVELS[i / 6 % 6], LEVELS[i % 6]))
        }
        Color::Indexed(i) => {
            let grey = 8 + 10 * (i - 232);
            Some((grey, grey, grey))
        }
        _ => None,
    }
}

/// The contrast ratio of two colours, 1 to 21 (WCAG 2's relative
/// luminance).
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// A colour as `[colors]` writes it: a name (`red`, `light blue`,
/// `dark gray`…), `#rrggbb`, a 256-colour index, or `default` for the
/// terminal's own. Named colours become their index (0 to 15), which every
/// output, `longform cat` included, can write.
fn parse_color(text: &str) -> Option<Color> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("default") {
        return Some(Color::Reset);
    }
    let color: Color = text.parse().ok()?;
    let index = match color {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        other => return Some(other),
    };
    Some(Color::Indexed(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_in_their_order() {
        for (i, (slot, _, _, _)) in SLOTS.iter().enumerate() {
            assert_eq!(*slot as usize, i, "{slot:?}");
        }
    }

    #[test]
    fn highlights_are_backgrounds_in_colour_and_underlines_in_mono() {
        let body = Style::new();
        for color in 0..=crate::annotations::COLORS {
            for theme in [Theme::Dark, Theme::Light] {
                let style = theme.highlight(color, body);
                assert!(style.bg.is_some(), "{color} {style:?}");
                assert!(theme.highlight_mark(color).fg.is_some());
            }
            let mono = Theme::Mono.highlight(color, body);
            assert_eq!((mono.bg, mono.fg), (None, None));
            assert!(mono.add_modifier.contains(Modifier::UNDERLINED));
        }
        // The default is colour 1; the four differ, and differ by theme.
        assert_eq!(
            Theme::Dark.highlight(0, body),
            Theme::Dark.highlight(1, body)
        );
        let dark: Vec<_> = (1..=4).map(|c| Theme::Dark.highlight(c, body).bg).collect();
        let light: Vec<_> = (1..=4)
            .map(|c| Theme::Light.highlight(c, body).bg)
            .collect();
        for (i, bg) in dark.iter().enumerate() {
            assert!(
                !dark[i + 1..].contains(bg) && !light.contains(bg),
                "{dark:?} {light:?}"
            );
        }
        // `[colors]` sets them.
        let entry = Entry {
            name: "highlight3".into(),
            values: vec!["#102030".into()],
            line: 1,
        };
        let (theme, warnings) = Theme::Dark.with_colors(&[entry]);
        assert!(warnings.is_empty());
        assert_eq!(theme.highlight(3, body).bg, Some(Color::Rgb(16, 32, 48)));
        // The text's ink is kept where it reads on it: light ink on that
        // dark blue.
        assert_eq!(theme.highlight(3, body).fg, None);
    }

    /// Every ink of the article's text reads on every highlight as well as
    /// on the page: a contrast of 4.5:1, or the page's own when that is
    /// lower (dark palette: a black page, light: a white one).
    #[test]
    fn highlighted_text_reads_as_well_as_the_text_around_it() {
        for (theme, page) in [(Theme::Dark, (0, 0, 0)), (Theme::Light, (255, 255, 255))] {
            let default_ink = if theme == Theme::Light { 235 } else { 252 };
            let inks = std::iter::once(None).chain(
                SLOTS
                    .iter()
                    .filter(|(slot, ..)| (*slot as usize) <= Slot::Dim as usize)
                    .map(|(slot, ..)| theme.ink_of(*slot)),
            );
            for ink in inks {
                let on_page = rgb(ink.unwrap_or(Color::Indexed(default_ink))).unwrap();
                let need = contrast(on_page, page).min(4.5);
                for color in 1..=crate::annotations::COLORS {
                    let style = theme.highlight(
                        color,
                        Style {
                            fg: ink,
                            ..Style::new()
                        },
                    );
                    let drawn = style.fg.or(ink).unwrap_or(Color::Indexed(default_ink));
                    let reads = contrast(rgb(drawn).unwrap(), rgb(style.bg.unwrap()).unwrap());
                    assert!(
                        reads >= need,
                        "{:?} {ink:?} on colour {color}: {reads:.1} < {need:.1}",
                        theme.palette
                    );
                }
            }
        }
        // On the light palette's tints a link keeps its own ink; on the
        // dark palette's, the terminal's light ink turns dark.
        let link = DocStyle {
            flags: Flags::LINK,
            ..DocStyle::default()
        };
        let light = Theme::Light.text(link);
        assert_eq!(Theme::Light.highlight(1, light).fg, None);
        assert_eq!(
            Theme::Dark.highlight(1, Style::new()).fg,
            Some(Color::Indexed(235))
        );
        assert_eq!(rgb(Color::Indexed(196)), Some((255, 0, 0)));
        assert_eq!(rgb(Color::Indexed(244)), Some((128, 128, 128)));
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn colours_as_written() {
        let cases = [
            ("red", Some(Color::Indexed(1))),
            ("light blue", Some(Color::Indexed(12))),
            ("Bright-Green", Some(Color::Indexed(10))),
            ("dark grey", Some(Color::Indexed(8))),
            ("#ff8000", Some(Color::Rgb(255, 128, 0))),
            ("75", Some(Color::Indexed(75))),
            ("default", Some(Color::Reset)),
            ("256", None),
            ("#ff80", None),
            ("bleu", None),
            ("", None),
        ];
        for (text, color) in cases {
            assert_eq!(parse_color(text), color, "{text:?}");
        }
    }
}
