//! The user's settings, read from `config.toml`. A missing file means the
//! defaults; a file that cannot be used also means the defaults, plus one
//! warning that names the line, so a typo never stops the reader.

use std::io;
use std::path::Path;

use serde::{Deserialize, Deserializer, de::Error};

/// Settings from `config.toml`. Every field is optional: `None` means the
/// built-in default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Reading speed for the time left; overrides the learned speed.
    #[serde(deserialize_with = "positive")]
    pub words_per_minute: Option<u32>,
    /// The text width in columns.
    #[serde(deserialize_with = "positive")]
    pub width: Option<u16>,
    /// The folders `longform` with no argument shows; `~/` is the home.
    pub library: Option<Vec<String>>,
    /// `dark`, `light` or `mono`.
    pub theme: Option<ThemeName>,
}

/// The themes a config can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

impl Config {
    /// Read the config at `path`. Returns the defaults and a warning for
    /// the user when the file exists but cannot be used.
    pub fn load(path: &Path) -> (Config, Option<String>) {
        let name = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (Config::default(), None),
            Err(e) => {
                let why = match e.kind() {
                    io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
                    _ => e.to_string(),
                };
                return (
                    Config::default(),
                    Some(format!(
                        "{name}: cannot read it ({why}); using the defaults"
                    )),
                );
            }
        };
        match Config::parse(&text) {
            Ok(config) => (config, None),
            Err(problem) => (
                Config::default(),
                Some(format!("{name}: {problem}; using the defaults")),
            ),
        }
    }

    /// Parse the text of a config file. The error names the line.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            match e.span() {
                Some(span) => format!("line {}: {message}", line_of(text, span.start)),
                None => message,
            }
        })
    }
}

/// A config file with every setting at its default, commented: what
/// `longform config --default` prints. It parses as a valid config.
pub const DEFAULT_CONFIG: &str = r#"# longform's settings: config.toml in the folder `longform where` shows.
# Every line below is commented out, so the defaults apply; remove the #
# before a setting to change it.

# The widest text column, in columns. + and - in the reader change it and
# remember the choice here.
# width = 80

# dark, light or mono (bold, italic, underline and reverse only).
# NO_COLOR in the environment always means mono.
# theme = "dark"

# Your reading speed, for the minutes left. Without it, longform uses 238
# until it has seen ten minutes of your own reading, then your speed.
# words_per_minute = 238

# The folders `longform` with no argument shows; ~/ is your home. Without
# it: ./articles when there is one, else the default library.
# library = ["~/reading"]
"#;

/// Remember `width` in the config file at `path` (`None` forgets it),
/// changing only the `width` line: the user's comments and other settings
/// stay as they are. The file is replaced atomically.
pub fn save_width(path: &Path, width: Option<u16>) -> anyhow::Result<()> {
    use anyhow::Context;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let text = with_width(&text, width);
    let dir = path.parent().context("the config has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    io::Write::write_all(&mut tmp, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
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

/// An optional number that must not be zero: zero words a minute or a zero
/// measure would divide by zero or show nothing.
fn positive<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    let value = T::deserialize(d)?;
    if value == T::default() {
        return Err(D::Error::custom("must be greater than 0"));
    }
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_the_defaults_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (config, warning) = Config::load(&dir.path().join("config.toml"));
        assert_eq!(config, Config::default());
        assert_eq!(warning, None);
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

    #[test]
    fn the_default_config_is_valid_and_the_defaults() {
        assert_eq!(Config::parse(DEFAULT_CONFIG).unwrap(), Config::default());
        let uncommented: String = DEFAULT_CONFIG
            .lines()
            .filter_map(|l| l.strip_prefix("# ").filter(|l| l.contains(" = ")))
            .map(|l| format!("{l}\n"))
            .collect();
        let config = Config::parse(&uncommented).unwrap();
        assert_eq!(config.width, Some(80));
        assert_eq!(config.words_per_minute, Some(238));
    }

    #[test]
    fn themes_by_name() {
        assert_eq!(
            Config::parse("theme = \"light\"\n").unwrap().theme,
            Some(ThemeName::Light)
        );
        let err = Config::parse("width = 70\ntheme = \"sepia\"\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }

    #[test]
    fn library_folders() {
        let config = Config::parse("library = [\"~/reading\", \"/srv/articles\"]\n").unwrap();
        assert_eq!(
            config.library,
            Some(vec!["~/reading".to_string(), "/srv/articles".to_string()])
        );
    }

    #[test]
    fn a_valid_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# mine\nwords_per_minute = 300\nwidth = 72\n").unwrap();
        let (config, warning) = Config::load(&path);
        assert_eq!(warning, None);
        assert_eq!(config.words_per_minute, Some(300));
        assert_eq!(config.width, Some(72));
    }

    #[test]
    fn an_invalid_file_gives_the_defaults_and_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "width = 72\n\nwords_per_minute = \"fast\"\n").unwrap();
        let (config, warning) = Config::load(&path);
        assert_eq!(config, Config::default());
        let warning = warning.unwrap();
        assert!(warning.contains("config.toml: line 3:"), "{warning}");
        assert!(warning.ends_with("using the defaults"), "{warning}");
    }

    #[test]
    fn syntax_errors_unknown_keys_and_zero_name_their_line() {
        let cases = [
            ("width = 72\nwords_per_minute = = 3\n", 2),
            ("\n\nmesure = 72\n", 3),
            ("words_per_minute = 0\n", 1),
            ("width = 100000\n", 1),
        ];
        for (text, line) in cases {
            let err = Config::parse(text).unwrap_err();
            assert!(
                err.starts_with(&format!("line {line}: ")),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn a_file_that_is_not_text_gives_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, b"width = \xff\n").unwrap();
        let (config, warning) = Config::load(&path);
        assert_eq!(config, Config::default());
        assert!(warning.unwrap().contains("not UTF-8"));
        // A folder where the file should be is reported too.
        let (_, warning) = Config::load(dir.path());
        assert!(warning.is_some());
    }
}
