//! The user's settings, read from `config.toml`. Each setting is checked on
//! its own: a TOML syntax error, an unknown key or a bad value is a warning
//! that names its line, and only that setting falls back to its default, so
//! a typo never stops the reader. `[colors]` and `[keys]` are read here as
//! names and values; the theme and the keymap, which own those names, check
//! them.

use std::fmt;
use std::io;
use std::path::Path;

use toml::de::{DeTable, DeValue};

/// Settings from `config.toml`. Every field is optional: `None` (or empty)
/// means the built-in default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Reading speed for the time left; overrides the learned speed.
    pub words_per_minute: Option<u32>,
    /// The text width in columns.
    pub width: Option<u16>,
    /// The folders `longform` with no argument shows; `~/` is the home.
    pub library: Option<Vec<String>>,
    /// `dark`, `light` or `mono`; `None` asks the terminal.
    pub theme: Option<ThemeName>,
    /// Justify paragraphs to both edges of the measure.
    pub justify: Option<bool>,
    /// How figures are drawn; `None` is `Auto`.
    pub images: Option<Images>,
    /// How links are shown: `[links]` in the file.
    pub links: Links,
    /// Progress sync: `[sync]` in the file.
    pub sync: Sync,
    /// `[colors]`: a style name and its colour, for the theme to check.
    pub colors: Vec<Entry>,
    /// `[keys]`: an action name and its keys, for the keymap to check.
    pub keys: Vec<Entry>,
}

/// How the reader draws figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Images {
    /// With the best graphics the terminal answers for (kitty, sixel,
    /// iTerm2), else half-blocks.
    #[default]
    Auto,
    /// With coloured half-blocks (`▀`) only.
    Halfblocks,
    /// Not at all: each image is its `[image: alt]` text.
    Off,
}

/// The `[links]` table (or dotted `links.osc8` keys).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// Emit OSC 8 hyperlinks so the terminal can open them.
    pub osc8: Option<bool>,
}

/// The `[sync]` table: how progress is synced through a kosync server
/// (the login itself is kept apart, never in the config).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sync {
    /// How documents are known to the server; `None` is `Binary`.
    pub document: Option<DocumentKey>,
    /// Ask before jumping to a newer place from another device.
    pub ask: Option<bool>,
    /// Allow a plain `http://` server on another machine.
    pub insecure_http: Option<bool>,
    /// This machine's name on the server; `None` is the host name.
    pub device: Option<String>,
}

/// How a document is known to the sync server, as KOReader offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocumentKey {
    /// KOReader's partial MD5 of the file's bytes: the same file anywhere.
    #[default]
    Binary,
    /// The MD5 of the file's name: the same name anywhere.
    Filename,
}

/// The themes a config can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

/// One line of `[colors]` or `[keys]` as written: a name and its values
/// (a colour, or one or more keys), with the line for warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub values: Vec<String>,
    pub line: usize,
}

/// A problem with the config file: what is wrong, and on which line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// `None` when the whole file is concerned (it cannot be read).
    pub line: Option<usize>,
    pub message: String,
}

impl Warning {
    pub fn at(line: usize, message: impl Into<String>) -> Warning {
        Warning {
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One line for the status bar about the config at `path`: the first
/// warning, and how many more there are. `None` when there are none.
pub fn describe(path: &Path, warnings: &[Warning]) -> Option<String> {
    let first = warnings.first()?;
    // The file's name only: the status bar is one line, and the count
    // comes before the detail so that a long one never hides it; where to
    // see the rest comes last, so that a narrow bar still shows the first.
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Only what is wrong falls back: the rest of the file is in effect.
    let (more, rest, those) = match warnings.len() {
        1 => (String::new(), "", "that"),
        n => (
            format!(" (+{} more)", n - 1),
            " (longform config lists them)",
            "those",
        ),
    };
    Some(format!(
        "{name}{more}: {first}; default used for {those}{rest}"
    ))
}

impl Config {
    /// Read the config at `path`: what could be used, and a warning for
    /// each problem. A missing file is the defaults without a warning.
    pub fn load(path: &Path) -> (Config, Vec<Warning>) {
        // A named pipe or a device is never opened: reading one would hold
        // every command until something writes to it, or forever.
        if let Err(crate::load::Unopenable::Special(what)) = crate::load::open_regular(path) {
            let warning = Warning {
                line: None,
                message: format!("cannot read it (not a regular file: {what})"),
            };
            return (Config::default(), vec![warning]);
        }
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (Config::default(), Vec::new()),
            Err(e) => {
                let why = match e.kind() {
                    io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
                    _ => e.to_string(),
                };
                let warning = Warning {
                    line: None,
                    message: format!("cannot read it ({why})"),
                };
                (Config::default(), vec![warning])
            }
        }
    }

    /// Parse the text of a config file, setting by setting. The warnings
    /// name their lines and come in the order of the file.
    pub fn parse(text: &str) -> (Config, Vec<Warning>) {
        let mut warnings = Vec::new();
        let mut config = Config::default();
        let mut text = text.to_string();
        // A syntax error: say so, blank out its line and try again, so the
        // rest of the file still counts.
        for _ in 0..=text.lines().count() {
            let err = match DeTable::parse(&text) {
                Ok(table) => {
                    config.read(table.get_ref(), &text, &mut warnings);
                    break;
                }
                Err(err) => err,
            };
            let at = line_of(&text, err.span().map_or(0, |s| s.start));
            let Some(line) = drop_line(&mut text, at) else {
                break;
            };
            let what = if text.lines().nth(line - 1).is_some_and(is_ignored_header) {
                "the table is ignored"
            } else {
                "the line is ignored"
            };
            let message = err.message().trim_end().trim_end_matches('.');
            warnings.push(Warning::at(line, format!("{message}; {what}")));
        }
        warnings.sort_by_key(|w| w.line);
        (config, warnings)
    }

    /// Take each setting of `table` that is valid; warn about the others.
    fn read(&mut self, table: &DeTable<'_>, text: &str, warnings: &mut Vec<Warning>) {
        for (key, value) in table {
            let line = line_of(text, value.span().start);
            let name: &str = key.get_ref();
            let value = value.get_ref();
            let problem = match name {
                "width" => whole(value, 1, u16::MAX).map(|w| self.width = Some(w)),
                "words_per_minute" => {
                    whole(value, 1, u32::MAX).map(|w| self.words_per_minute = Some(w))
                }
                "theme" => theme(value).map(|t| self.theme = Some(t)),
                "justify" => boolean(value).map(|b| self.justify = Some(b)),
                "images" => images(value).map(|i| self.images = Some(i)),
                "library" => folders(value).map(|l| self.library = Some(l)),
                "links" => {
                    self.read_links(value, line, text, warnings);
                    Ok(())
                }
                "sync" => {
                    self.read_sync(value, line, text, warnings);
                    Ok(())
                }
                "colors" => {
                    self.colors = entries("colors", value, line, text, warnings, colour);
                    Ok(())
                }
                "keys" => {
                    self.keys = entries("keys", value, line, text, warnings, keys);
                    Ok(())
                }
                ignored if ignored.starts_with(IGNORED) => Ok(()),
                _ => {
                    let line = line_of(text, key.span().start);
                    warnings.push(Warning::at(line, format!("unknown setting `{name}`")));
                    Ok(())
                }
            };
            if let Err(problem) = problem {
                warnings.push(Warning::at(line, format!("{name}: {problem}")));
            }
        }
    }

    fn read_links(
        &mut self,
        value: &DeValue<'_>,
        line: usize,
        text: &str,
        warnings: &mut Vec<Warning>,
    ) {
        let links = &mut self.links;
        subtable(
            "links",
            value,
            line,
            text,
            warnings,
            |name, value| match name {
                "osc8" => boolean(value).map(|b| links.osc8 = Some(b)),
                _ => Err("unknown setting".to_string()),
            },
        );
    }

    fn read_sync(
        &mut self,
        value: &DeValue<'_>,
        line: usize,
        text: &str,
        warnings: &mut Vec<Warning>,
    ) {
        let sync = &mut self.sync;
        subtable(
            "sync",
            value,
            line,
            text,
            warnings,
            |name, value| match name {
                "document" => document_key(value).map(|d| sync.document = Some(d)),
                "ask" => boolean(value).map(|b| sync.ask = Some(b)),
                "insecure_http" => boolean(value).map(|b| sync.insecure_http = Some(b)),
                "device" => device(value).map(|d| sync.device = Some(d)),
                _ => Err("unknown setting".to_string()),
            },
        );
    }
}

/// Read the settings of the table `[name]` one by one with `set`; a
/// setting `set` refuses is a warning naming its line, and the others
/// still count.
fn subtable(
    name: &str,
    value: &DeValue<'_>,
    line: usize,
    text: &str,
    warnings: &mut Vec<Warning>,
    mut set: impl FnMut(&str, &DeValue<'_>) -> Result<(), String>,
) {
    let Some(table) = value.as_table() else {
        let found = found(value);
        warnings.push(Warning::at(
            line,
            format!("{name}: expected a table, found {found}"),
        ));
        return;
    };
    for (key, value) in table {
        let line = line_of(text, value.span().start);
        let key: &str = key.get_ref();
        if let Err(problem) = set(key, value.get_ref()) {
            warnings.push(Warning::at(line, format!("{name}.{key}: {problem}")));
        }
    }
}

fn document_key(value: &DeValue<'_>) -> Result<DocumentKey, String> {
    match value.as_str() {
        Some("binary") => Ok(DocumentKey::Binary),
        Some("filename") => Ok(DocumentKey::Filename),
        _ => Err(format!(
            "expected \"binary\" or \"filename\", found {}",
            found(value)
        )),
    }
}

/// A device name: one line of text, not empty.
fn device(value: &DeValue<'_>) -> Result<String, String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.chars().any(char::is_control))
        .map(str::to_string)
        .ok_or_else(|| format!("expected a name, found {}", found(value)))
}

/// What a table that stood under a broken header is renamed to: its
/// entries are ignored with the header's warning, not one by one.
const IGNORED: &str = "longform-ignored-line-";

fn is_ignored_header(line: &str) -> bool {
    line.contains(IGNORED)
}

/// Blank out line `line` (1-based) of `text` so that it parses, or the
/// nearest line above it that has anything on it: an error at the end of
/// the file or of a blank line belongs to what came before. A table header
/// becomes a header of an ignored table, so its keys do not fall into the
/// table above. Returns the line dropped.
fn drop_line(text: &mut String, line: usize) -> Option<usize> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let index = (0..line.min(lines.len()))
        .rev()
        .find(|&i| !lines[i].trim().is_empty() && !is_ignored_header(lines[i]))?;
    let header = format!("[{IGNORED}{}]", index + 1);
    lines[index] = if lines[index].trim_start().starts_with('[') {
        &header
    } else {
        ""
    };
    *text = lines.join("\n");
    Some(index + 1)
}

/// A value as a warning shows it: strings quoted, numbers as written.
fn found(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => format!(
            "a{} {}",
            if other.is_array() { "n" } else { "" },
            other.type_str()
        ),
    }
}

/// A whole number from `low` to `high`: zero words a minute or a zero
/// measure would divide by zero or show nothing.
fn whole<T: TryFrom<i64>>(value: &DeValue<'_>, low: i64, high: T) -> Result<T, String>
where
    i64: TryFrom<T>,
{
    let high = i64::try_from(high).unwrap_or(i64::MAX);
    let wanted = || format!("expected a whole number from {low} to {high}");
    let DeValue::Integer(i) = value else {
        return Err(format!("{}, found {}", wanted(), found(value)));
    };
    i64::from_str_radix(i.as_str(), i.radix())
        .ok()
        .filter(|n| (low..=high).contains(n))
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("{}, found {}", wanted(), found(value)))
}

fn boolean(value: &DeValue<'_>) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("expected true or false, found {}", found(value)))
}

fn theme(value: &DeValue<'_>) -> Result<ThemeName, String> {
    match value.as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("dark") => Ok(ThemeName::Dark),
        Some("light") => Ok(ThemeName::Light),
        Some("mono") => Ok(ThemeName::Mono),
        _ => Err(format!(
            "expected \"dark\", \"light\" or \"mono\", found {}",
            found(value)
        )),
    }
}

fn images(value: &DeValue<'_>) -> Result<Images, String> {
    match value.as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("auto") => Ok(Images::Auto),
        Some("halfblocks") => Ok(Images::Halfblocks),
        Some("off") => Ok(Images::Off),
        _ => Err(format!(
            "expected \"auto\", \"halfblocks\" or \"off\", found {}",
            found(value)
        )),
    }
}

/// A list of folders; one folder on its own is taken as a list of one.
fn folders(value: &DeValue<'_>) -> Result<Vec<String>, String> {
    if let Some(one) = value.as_str() {
        return Ok(vec![one.to_string()]);
    }
    let wanted = || format!("expected a list of folders, found {}", found(value));
    let list = value.as_array().ok_or_else(wanted)?;
    list.iter()
        .map(|v| v.get_ref().as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(wanted)
}

/// A colour as written: a string, or a number for a palette index.
fn colour(value: &DeValue<'_>) -> Option<Vec<String>> {
    match value {
        DeValue::String(s) => Some(vec![s.to_string()]),
        DeValue::Integer(i) => Some(vec![i.to_string()]),
        _ => None,
    }
}

/// One key or a list of keys, as written.
fn keys(value: &DeValue<'_>) -> Option<Vec<String>> {
    if let Some(one) = value.as_str() {
        return Some(vec![one.to_string()]);
    }
    value
        .as_array()?
        .iter()
        .map(|v| v.get_ref().as_str().map(str::to_string))
        .collect()
}

/// The entries of the table `[name]`, each read by `read`; a value `read`
/// cannot take is a warning, and the other entries still count.
fn entries(
    name: &str,
    value: &DeValue<'_>,
    line: usize,
    text: &str,
    warnings: &mut Vec<Warning>,
    read: fn(&DeValue<'_>) -> Option<Vec<String>>,
) -> Vec<Entry> {
    let Some(table) = value.as_table() else {
        let found = found(value);
        warnings.push(Warning::at(
            line,
            format!("{name}: expected a table, found {found}"),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in table {
        let line = line_of(text, key.span().start);
        match read(value.get_ref()) {
            Some(values) => out.push(Entry {
                name: key.get_ref().to_string(),
                values,
                line,
            }),
            None => {
                let wanted = if name == "keys" {
                    "a key or a list of keys"
                } else {
                    "a colour"
                };
                let found = found(value.get_ref());
                warnings.push(Warning::at(
                    line,
                    format!("{name}.{}: expected {wanted}, found {found}", key.get_ref()),
                ));
            }
        }
    }
    out.sort_by_key(|e| e.line);
    out
}

/// A config file with every setting at its default, commented: the top
/// of what `longform config --default` prints, before the `[colors]` and
/// `[keys]` tables that the theme and the keymap write. It parses as a
/// valid config.
pub const DEFAULT_CONFIG: &str = r#"# longform's settings: config.toml in the folder `longform where` shows.
# Every line below is commented out, so the defaults apply; remove the #
# before a setting to change it. A setting that is wrong is reported with
# its line when longform starts (and by `longform config`); that setting
# keeps its default and the others still apply.

# The widest text column, in columns. + and - in the reader change it and
# remember the choice here.
# width = 80

# dark, light or mono (bold, italic, underline and reverse only). Without
# it, longform asks the terminal for its background colour and picks dark
# or light; dark when the terminal does not say. NO_COLOR in the
# environment always means mono.
# theme = "dark"

# Your reading speed, for the minutes left. Without it, longform uses 238
# until it has seen ten minutes of your own reading, then your speed.
# words_per_minute = 238

# Spread the words of paragraphs to fill the column, flush on both sides.
# justify = false

# How figures (an image alone in its paragraph) are drawn: "auto" (with
# kitty, sixel or iTerm2 graphics when the terminal answers for them,
# else coloured half-blocks), "halfblocks", or "off" (the [image: alt]
# text). i in the reader turns them off and on.
# images = "auto"

# The folders `longform` with no argument shows; ~/ is your home. Without
# it: ./articles when there is one, else the default library.
# library = ["~/reading"]

# [links]
# Send the links of the article to the terminal as OSC 8 hyperlinks, so
# that a click (or Ctrl-click) opens them in terminals that support it.
# osc8 = false

# [sync]
# Progress sync through a KOReader sync server (kosync); log in with
# `longform sync login --server URL --user NAME`.
# How documents are known to the server: "binary" (KOReader's partial MD5
# of the file: the same file on every device) or "filename" (the same file
# name on every device).
# document = "binary"
# Ask before jumping to a newer place pushed by another device.
# ask = false
# Allow a plain http:// server on another machine (your password key
# would travel unencrypted). http://localhost is always allowed.
# insecure_http = false
# This machine's name on the server (default: the host name).
# device = "laptop"
"#;

/// Remember `width` in the config file at `path` (`None` forgets it),
/// changing only the `width` line: the user's comments and other settings
/// stay as they are. The file is replaced atomically. A config that is a
/// symlink (into a dotfiles repository, say) is written through the link,
/// to its target, which keeps its mode; a read-only one is refused, never
/// replaced.
pub fn save_width(path: &Path, width: Option<u16>) -> anyhow::Result<()> {
    use anyhow::Context;
    let target =
        through_links(path).with_context(|| format!("cannot follow {}", path.display()))?;
    let (text, old) = match std::fs::read_to_string(&target) {
        Ok(t) => {
            let meta = std::fs::metadata(&target)
                .with_context(|| format!("cannot read {}", target.display()))?;
            (t, Some(meta))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => (String::new(), None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", target.display())),
    };
    // The write bits are checked as well as the access: the superuser may
    // open any file for writing, but a file made read-only is meant to stay.
    if let Some(meta) = &old
        && (meta.permissions().readonly()
            || std::fs::OpenOptions::new()
                .append(true)
                .open(&target)
                .is_err())
    {
        anyhow::bail!("{} is read-only", target.display());
    }
    let new_text = with_width(&text, width);
    if new_text == text && (old.is_some() || width.is_none()) {
        // Nothing to change: no file is made to hold nothing.
        return Ok(());
    }
    let text = new_text;
    let dir = target.parent().context("the config has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    // A new config is an ordinary file (0644 under a 022 umask) that the
    // user edits, not a private temporary one: the umask applies.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    // Written to the file itself: the temporary file's own errors name
    // its path again after the reason.
    io::Write::write_all(tmp.as_file_mut(), text.as_bytes())
        .with_context(|| format!("cannot write {}", target.display()))?;
    if let Some(meta) = &old {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}

/// The file that `path` names once every symlink on the way is followed,
/// also to a target that does not exist yet.
fn through_links(path: &Path) -> io::Result<std::path::PathBuf> {
    let mut at = path.to_path_buf();
    // As many links as the system itself follows.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&at)?;
                // A relative link is relative to its folder; `join` keeps
                // an absolute one as it is.
                at = match at.parent() {
                    Some(dir) => dir.join(next),
                    None => next,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// `text` with its top-level `width` line set to `width`, added at the top
/// when there is none, or removed for `None`.
fn with_width(text: &str, width: Option<u16>) -> String {
    let mut out = Vec::new();
    let mut top_level = true;
    let mut done = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            top_level = false;
        }
        let is_width = top_level
            && trimmed
                .strip_prefix("width")
                .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_width {
            if let (Some(w), false) = (width, done) {
                out.push(format!("width = {w}"));
            }
            done = true;
            continue;
        }
        out.push(line.to_string());
    }
    if let (Some(w), false) = (width, done) {
        out.insert(0, format!("width = {w}"));
    }
    let mut joined = out.join("\n");
    if !joined.is_empty() {
        joined.push('\n');
    }
    joined
}

/// The 1-based line that byte `at` of `text` is on.
fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of the warnings for `text`, and the config read from it.
    fn lines(text: &str) -> (Config, Vec<usize>) {
        let (config, warnings) = Config::parse(text);
        (config, warnings.iter().filter_map(|w| w.line).collect())
    }

    #[test]
    fn images_is_auto_halfblocks_or_off_and_anything_else_is_named() {
        for (value, want) in [
            ("auto", Images::Auto),
            ("halfblocks", Images::Halfblocks),
            ("Off", Images::Off),
        ] {
            let (config, warnings) = Config::parse(&format!("images = \"{value}\"\n"));
            assert_eq!(config.images, Some(want), "{value}");
            assert!(warnings.is_empty(), "{warnings:?}");
        }
        assert_eq!(Config::parse("").0.images.unwrap_or_default(), Images::Auto);
        let (config, warnings) = Config::parse("width = 70\nimages = \"sixel\"\n");
        assert_eq!(config.images, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, Some(2));
        assert!(
            warnings[0]
                .message
                .contains("\"auto\", \"halfblocks\" or \"off\""),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn a_missing_file_is_the_defaults_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (config, warnings) = Config::load(&dir.path().join("config.toml"));
        assert_eq!(config, Config::default());
        assert_eq!(warnings, Vec::new());
    }

    #[test]
    fn the_width_line_is_changed_and_the_rest_kept() {
        let text = "# mine\nwords_per_minute = 300\nwidth = 80\n\n[other]\nwidth = 1\n";
        assert_eq!(
            with_width(text, Some(72)),
            "# mine\nwords_per_minute = 300\nwidth = 72\n\n[other]\nwidth = 1\n"
        );
        assert_eq!(
            with_width(text, None),
            "# mine\nwords_per_minute = 300\n\n[other]\nwidth = 1\n"
        );
        assert_eq!(with_width("", Some(60)), "width = 60\n");
        assert_eq!(with_width("# note\n", Some(60)), "width = 60\n# note\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        save_width(&path, Some(64)).unwrap();
        assert_eq!(Config::load(&path).0.width, Some(64));
    }

    #[cfg(unix)]
    #[test]
    fn the_width_is_written_through_a_symlink_and_a_read_only_config_is_kept() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let set_mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        };
        let dir = tempfile::tempdir().unwrap();
        let dotfiles = dir.path().join("dotfiles");
        let config = dir.path().join("config");
        std::fs::create_dir_all(&dotfiles).unwrap();
        std::fs::create_dir_all(&config).unwrap();
        let real = dotfiles.join("longform.toml");
        std::fs::write(&real, "# mine\nwidth = 80\n").unwrap();
        set_mode(&real, 0o640);
        let link = config.join("config.toml");
        symlink("../dotfiles/longform.toml", &link).unwrap();

        save_width(&link, Some(64)).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "# mine\nwidth = 64\n"
        );
        assert_eq!(mode(&real), 0o640);

        // Read-only: a message, and the file and the link as they were.
        set_mode(&real, 0o444);
        let err = save_width(&link, Some(70)).unwrap_err();
        assert!(format!("{err:#}").contains("is read-only"), "{err:#}");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "# mine\nwidth = 64\n"
        );
        assert_eq!(mode(&real), 0o444);

        // A plain file keeps its mode too.
        let plain = config.join("plain.toml");
        std::fs::write(&plain, "width = 80\n").unwrap();
        set_mode(&plain, 0o644);
        save_width(&plain, None).unwrap();
        assert_eq!(std::fs::read_to_string(&plain).unwrap(), "");
        assert_eq!(mode(&plain), 0o644);

        // A new config has the mode any new file gets (0644 under a 022
        // umask), not a temporary file's 0600; `=` with no config makes none.
        let usual = config.join("usual");
        std::fs::write(&usual, "").unwrap();
        let fresh = config.join("fresh.toml");
        save_width(&fresh, None).unwrap();
        assert!(!fresh.exists(), "nothing to remember, no file");
        save_width(&fresh, Some(60)).unwrap();
        assert_eq!(mode(&fresh), mode(&usual));

        // A link to a file not made yet: it is made where the link points.
        let dangling = config.join("new.toml");
        let absent = dotfiles.join("new.toml");
        symlink(&absent, &dangling).unwrap();
        save_width(&dangling, Some(50)).unwrap();
        assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&absent).unwrap(), "width = 50\n");
    }

    #[test]
    fn the_default_config_is_valid_and_the_defaults() {
        assert_eq!(
            Config::parse(DEFAULT_CONFIG),
            (Config::default(), Vec::new())
        );
        // Uncommented, every setting and table header is read, without a
        // warning.
        let uncommented: String = DEFAULT_CONFIG
            .lines()
            .filter_map(|l| {
                l.strip_prefix("# ")
                    .filter(|l| l.contains(" = ") || l.starts_with('['))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let (config, warnings) = Config::parse(&uncommented);
        assert_eq!(warnings, Vec::new(), "{uncommented}");
        assert_eq!(config.width, Some(80));
        assert_eq!(config.words_per_minute, Some(238));
        assert_eq!(config.theme, Some(ThemeName::Dark));
        assert_eq!(config.justify, Some(false));
        assert_eq!(config.links.osc8, Some(false));
        assert_eq!(config.library, Some(vec!["~/reading".to_string()]));
        assert_eq!(
            config.sync,
            Sync {
                document: Some(DocumentKey::Binary),
                ask: Some(false),
                insecure_http: Some(false),
                device: Some("laptop".to_string()),
            }
        );
    }

    #[test]
    fn the_sync_table_is_read_setting_by_setting() {
        let text = "[sync]\ndocument = \"filename\"\nask = true\ninsecure_http = 1\n\
                    device = \"\"\nserver = \"x\"\n";
        let (config, lines) = lines(text);
        assert_eq!(config.sync.document, Some(DocumentKey::Filename));
        assert_eq!(config.sync.ask, Some(true));
        assert_eq!(config.sync.insecure_http, None);
        assert_eq!(config.sync.device, None);
        assert_eq!(lines, [4, 5, 6]);
        let (config, warnings) = Config::parse("sync = 3\n");
        assert_eq!(config.sync, Sync::default());
        assert!(
            warnings[0].message.contains("expected a table"),
            "{warnings:?}"
        );
    }

    #[test]
    fn themes_by_name() {
        assert_eq!(
            Config::parse("theme = \"light\"\n").0.theme,
            Some(ThemeName::Light)
        );
        let (config, warnings) = Config::parse("width = 70\ntheme = \"sepia\"\n");
        assert_eq!(config.width, Some(70));
        assert_eq!(config.theme, None);
        assert_eq!(warnings[0].line, Some(2));
        assert!(warnings[0].message.contains("\"sepia\""), "{warnings:?}");
    }

    #[test]
    fn library_folders() {
        let (config, _) = Config::parse("library = [\"~/reading\", \"/srv/articles\"]\n");
        assert_eq!(
            config.library,
            Some(vec!["~/reading".to_string(), "/srv/articles".to_string()])
        );
        let (config, _) = Config::parse("library = \"~/reading\"\n");
        assert_eq!(config.library, Some(vec!["~/reading".to_string()]));
    }

    #[test]
    fn links_as_a_table_or_a_dotted_key() {
        for text in ["links.osc8 = true\n", "[links]\nosc8 = true\n"] {
            assert_eq!(Config::parse(text), {
                let mut c = Config::default();
                c.links.osc8 = Some(true);
                (c, Vec::new())
            });
        }
        let (config, lines) = lines("justify = true\n[links]\nosc8 = \"yes\"\nosc9 = true\n");
        assert_eq!(config.justify, Some(true));
        assert_eq!(config.links.osc8, None);
        assert_eq!(lines, [3, 4]);
    }

    #[test]
    fn a_valid_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# mine\nwords_per_minute = 300\nwidth = 72\n").unwrap();
        let (config, warnings) = Config::load(&path);
        assert_eq!(warnings, Vec::new());
        assert_eq!(config.words_per_minute, Some(300));
        assert_eq!(config.width, Some(72));
    }

    #[test]
    fn a_bad_setting_loses_only_itself_and_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "width = 72\n\nwords_per_minute = \"fast\"\n").unwrap();
        let (config, warnings) = Config::load(&path);
        assert_eq!(config.width, Some(72));
        assert_eq!(config.words_per_minute, None);
        let shown = describe(&path, &warnings).unwrap();
        assert!(
            shown.contains("config.toml: line 3: words_per_minute:"),
            "{shown}"
        );
        assert!(shown.contains("\"fast\""), "{shown}");
        assert!(shown.ends_with("; default used for that"), "{shown}");
    }

    #[test]
    fn syntax_errors_unknown_keys_and_zero_name_their_line() {
        let cases = [
            ("width = 72\nwords_per_minute = = 3\n", 2),
            ("\n\nmesure = 72\n", 3),
            ("words_per_minute = 0\n", 1),
            ("width = 100000\n", 1),
            ("width = 72.5\n", 1),
            ("justify = \"yes\"\n", 1),
            ("theme = \"dark\"\nwidth = 72\nwidth = 80\n", 3),
            ("library = [\"~/a\", 3]\n", 1),
        ];
        for (text, line) in cases {
            let (_, warnings) = Config::parse(text);
            assert_eq!(warnings.len(), 1, "{text:?}: {warnings:?}");
            let shown = warnings[0].to_string();
            assert!(
                shown.starts_with(&format!("line {line}: ")),
                "{text:?}: {shown}"
            );
        }
    }

    #[test]
    fn a_syntax_error_keeps_the_rest_of_the_file() {
        let text = "width = 72\nwords_per_minute = = 3\ntheme = \"light\"\n";
        let (config, lines) = lines(text);
        assert_eq!(config.width, Some(72));
        assert_eq!(config.words_per_minute, None);
        assert_eq!(config.theme, Some(ThemeName::Light));
        assert_eq!(lines, [2]);
        // An unclosed string, then a table that is fine.
        let (config, lines) = self::lines("width = 72\ntheme = \"light\n[keys]\nquit = \"x\"\n");
        assert_eq!((config.width, config.theme), (Some(72), None));
        assert_eq!(config.keys.len(), 1);
        assert_eq!(lines, [2]);
        // A broken table header: its keys are ignored with it, not read
        // into the table above.
        let text = "[links]\nosc8 = true\n[keys\nquit = \"x\"\n\njustify = true\n";
        let (config, warnings) = Config::parse(text);
        assert_eq!(config.links.osc8, Some(true));
        assert_eq!(config.keys, Vec::new());
        assert_eq!(config.justify, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].line, Some(3));
        assert!(
            warnings[0].message.ends_with("the table is ignored"),
            "{warnings:?}"
        );
        // An array left open takes the lines after it down with it; what
        // came before stays.
        let (config, lines) = self::lines("width = 70\nlibrary = [\"a\",\njustify = true\n");
        assert_eq!(config.width, Some(70));
        assert_eq!(config.library, None);
        assert!(
            !lines.is_empty() && lines.iter().all(|&l| l >= 2),
            "{lines:?}"
        );
        // Nothing usable at all.
        let (config, warnings) = Config::parse("= = =\n[[[\n\"\n");
        assert_eq!(config, Config::default());
        assert!(!warnings.is_empty());
    }

    #[test]
    fn colours_and_keys_are_kept_for_their_owners() {
        let text = "[colors]\nlink = \"light blue\"\nheading1 = 215\ntext = true\n\n\
                    [keys]\nquit = \"x\"\nnext_section = [\"]\", \"J\"]\ntop = 3\n";
        let (config, warnings) = Config::parse(text);
        let entry = |name: &str, values: &[&str], line| Entry {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            line,
        };
        assert_eq!(
            config.colors,
            [
                entry("link", &["light blue"], 2),
                entry("heading1", &["215"], 3)
            ]
        );
        assert_eq!(
            config.keys,
            [
                entry("quit", &["x"], 7),
                entry("next_section", &["]", "J"], 8)
            ]
        );
        let lines: Vec<_> = warnings.iter().filter_map(|w| w.line).collect();
        assert_eq!(lines, [4, 9], "{warnings:?}");
    }

    #[test]
    fn several_warnings_are_summed_up() {
        let path = Path::new("/c/config.toml");
        let (_, warnings) = Config::parse("width = 0\ntheme = 1\nfoo = 2\n");
        assert_eq!(warnings.len(), 3);
        let shown = describe(path, &warnings).unwrap();
        assert!(
            shown.starts_with("config.toml (+2 more): line 1: width:"),
            "{shown}"
        );
        assert!(
            shown.ends_with("; default used for those (longform config lists them)"),
            "{shown}"
        );
        let one = describe(path, &warnings[..1]).unwrap();
        assert!(one.ends_with("; default used for that"), "{one}");
        assert_eq!(describe(path, &[]), None);
    }

    #[test]
    fn a_file_that_is_not_text_gives_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, b"width = \xff\n").unwrap();
        let (config, warnings) = Config::load(&path);
        assert_eq!(config, Config::default());
        assert!(warnings[0].message.contains("not UTF-8"));
        assert_eq!(warnings[0].line, None);
        // A folder where the file should be is reported too.
        let (_, warnings) = Config::load(dir.path());
        assert_eq!(warnings.len(), 1);
    }
}
