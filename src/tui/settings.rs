//! The settings the screens run with, made from the config: the theme with
//! the colours of `[colors]`, and the reading keymap with the keys of
//! `[keys]`. The config reads the file; the theme and the keymap check the
//! names they own; this puts the two together, with every warning in the
//! order of the file.

use std::io::IsTerminal;
use std::path::Path;

use super::background;
use super::keymap::Keymap;
use super::theme::{Palette, Theme};
use crate::config::{Config, Warning};
use crate::store::Store;

/// The theme and the reading keys in effect.
#[derive(Clone, Debug)]
pub struct Settings {
    pub theme: Theme,
    pub keymap: Keymap,
    /// Problems with `[colors]` and `[keys]`, by line.
    pub warnings: Vec<Warning>,
}

impl Settings {
    /// The settings of `config`. `background` is the palette that suits
    /// the terminal, when it was asked (see `asks_background`).
    pub fn new(config: &Config, background: Option<Palette>) -> Settings {
        let (theme, mut warnings) =
            Theme::choose(config.theme, background).with_colors(&config.colors);
        let (keymap, more) = Keymap::from_config(&config.keys);
        warnings.extend(more);
        warnings.sort_by_key(|w| w.line);
        Settings {
            theme,
            keymap,
            warnings,
        }
    }
}

/// The store and config for the reader. Neither is required to read: a
/// missing config dir means nothing is saved, with a warning.
pub fn reading_setup() -> (Option<Store>, Config, Option<String>) {
    match crate::paths::config_dir() {
        Ok(dir) => {
            let file = crate::paths::config_file(&dir);
            let (config, warnings) = load(&file);
            let warning = crate::config::describe(&file, &warnings);
            (Some(Store::new(&dir)), config, warning)
        }
        Err(err) => (
            None,
            Config::default(),
            Some(format!("Progress will not be saved: {err:#}")),
        ),
    }
}

/// The config at `path` and every problem with it: those the config finds
/// and those the theme and the keymap find, by line.
pub fn load(path: &Path) -> (Config, Vec<Warning>) {
    let (config, mut warnings) = Config::load(path);
    warnings.extend(Settings::new(&config, None).warnings);
    warnings.sort_by_key(|w| w.line);
    (config, warnings)
}

/// Whether to ask the terminal for its background colour: only when it
/// can matter and cannot hurt. The config names no theme, `NO_COLOR` is
/// not set, and both stdin and stdout are the terminal (a pipe could be
/// the article, or a pager).
pub fn asks_background(config: &Config) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    config.theme.is_none()
        && !no_color
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
}

/// Whether stdin and stdout are both the terminal, so that it can be
/// asked (a pipe could be the article, or a pager).
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The palette an answer to the background query (an OSC body) asks for.
pub fn palette_of(answer: &[u8]) -> Option<Palette> {
    background::is_light(answer).map(|light| if light { Palette::Light } else { Palette::Dark })
}
