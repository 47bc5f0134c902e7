//! An invalid config: each problem is a warning naming its line, only the
//! broken setting falls back to its default, and the rest applies. Also the
//! commented default config, which must read back as the defaults.

use std::path::Path;
use std::process::Command;

use longform::cli::default_config;
use longform::config::{Config, ThemeName, describe};
use longform::tui::action::Action;
use longform::tui::keymap::{Key, Keymap};
use longform::tui::settings::{Settings, load};
use longform::tui::theme::{Palette, Theme};

const BIN: &str = env!("CARGO_BIN_EXE_longform");

/// Write `text` as the config in a temporary folder and load it as the
/// reader does: the config, and every warning's line and message.
fn loaded(text: &str) -> (Config, Vec<(usize, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let (config, warnings) = load(&path);
    let warnings = warnings
        .iter()
        .map(|w| (w.line.expect("a line"), w.message.clone()))
        .collect();
    (config, warnings)
}

/// The settings every case below keeps, whatever else is broken.
const GOOD: &str = "width = 72\ntheme = \"light\"\n";

#[test]
fn each_problem_names_its_line_and_keeps_the_other_settings() {
    // (text after GOOD, the line of the one warning, words it holds)
    let cases = [
        ("words_per_minute = = 300\n", 3, "="),
        ("mesure = 60\n", 3, "unknown setting `mesure`"),
        ("justify = \"yes\"\n", 3, "justify"),
        ("[links]\nosc8 = 1\n", 4, "links.osc8"),
        (
            "[keys]\nnext_sectoin = \"J\"\n",
            4,
            "unknown action `next_sectoin`",
        ),
        ("[keys]\nquit = \"Ctl-q\"\n", 4, "\"Ctl-q\""),
        ("[colors]\nlink = \"bleu\"\n", 4, "\"bleu\" is not a colour"),
        ("[colors]\nlinks = \"blue\"\n", 4, "unknown style `links`"),
        (
            "[colours]\nlink = \"blue\"\n",
            3,
            "unknown setting `colours`",
        ),
    ];
    for (rest, line, words) in cases {
        let text = format!("{GOOD}{rest}");
        let (config, warnings) = loaded(&text);
        assert_eq!(warnings.len(), 1, "{text}: {warnings:?}");
        assert_eq!(warnings[0].0, line, "{text}: {warnings:?}");
        assert!(warnings[0].1.contains(words), "{text}: {warnings:?}");
        assert_eq!(config.width, Some(72), "{text}");
        assert_eq!(config.theme, Some(ThemeName::Light), "{text}");
    }
}

#[test]
fn a_bad_width_loses_the_width_and_keeps_the_theme() {
    let (config, warnings) = loaded("width = \"wide\"\ntheme = \"light\"\n");
    assert_eq!(config.width, None);
    assert_eq!(config.theme, Some(ThemeName::Light));
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].0, 1);
    assert!(warnings[0].1.starts_with("width: "), "{warnings:?}");
}

#[test]
fn good_colours_and_keys_apply_around_bad_ones() {
    let text = "theme = \"dark\"\n\
                [colors]\n\
                link = \"bleu\"\n\
                heading1 = \"#336699\"\n\
                [keys]\n\
                jump = \"J\"\n\
                next_section = [\"]\", \"Shift-]\", \"J\"]\n";
    let (config, warnings) = loaded(text);
    let lines: Vec<usize> = warnings.iter().map(|w| w.0).collect();
    assert_eq!(lines, [3, 6, 7], "{warnings:?}");
    let settings = Settings::new(&config, None);
    assert_eq!(
        settings.keymap.action(Key::parse("J").unwrap()),
        Some(Action::NextHeading)
    );
    assert_eq!(
        settings.keymap.action(Key::parse("]").unwrap()),
        Some(Action::NextHeading)
    );
    assert_ne!(settings.theme, Theme::Dark, "heading1 applies");
    assert_eq!(settings.theme.palette, Palette::Dark);
}

#[test]
fn a_syntax_error_loses_its_line_only() {
    let (config, warnings) = loaded("width = 72\ntheme = \"light\nwords_per_minute = 300\n");
    assert_eq!(config.width, Some(72));
    assert_eq!(config.theme, None);
    assert_eq!(config.words_per_minute, Some(300));
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].0, 2);
    assert!(
        warnings[0].1.ends_with("the line is ignored"),
        "{warnings:?}"
    );
}

#[test]
fn the_status_line_shows_the_first_problem_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "width = 0\n[keys]\nfoo = \"x\"\n[colors]\nbar = 1\n").unwrap();
    let (_, warnings) = load(&path);
    let shown = describe(&path, &warnings).unwrap();
    assert!(shown.contains("config.toml (+2 more"), "{shown}");
    assert!(shown.contains("line 1: width:"), "{shown}");
}

/// Every commented setting and table header of `text`, uncommented.
fn uncommented(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with('[') || l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_default_config_lists_every_key_and_reads_back_as_the_defaults() {
    let text = default_config();
    for key in [
        "width",
        "theme",
        "words_per_minute",
        "justify",
        "library",
        "osc8",
        "link",
        "heading1",
        "status_background",
    ] {
        assert!(text.contains(&format!("# {key} = ")), "{key}: {text}");
    }
    for header in ["# [links]", "# [colors]", "# [keys]"] {
        assert!(text.contains(header), "{header}");
    }
    for &(name, _) in Action::NAMED {
        assert!(text.contains(&format!("# {name} = [")), "{name}");
    }
    // As it is, everything is commented out.
    assert_eq!(Config::parse(&text), (Config::default(), Vec::new()));
    // Uncommented, it reads without a warning, and its keys are the
    // default keys.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, uncommented(&text)).unwrap();
    let (config, warnings) = load(&path);
    assert_eq!(warnings, Vec::new());
    assert_eq!(config.keys.len(), Action::NAMED.len());
    let (keymap, _) = Keymap::from_config(&config.keys);
    assert_eq!(keymap, Keymap::default());
    assert_eq!(config.width, Some(80));
    assert_eq!(config.links.osc8, Some(false));
}

fn longform(config_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("LONGFORM_CONFIG_DIR", config_dir)
        .env("HOME", config_dir)
        .env("XDG_CONFIG_HOME", config_dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run longform")
}

#[test]
fn longform_config_lists_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "width = 70\ntheme = \"sepia\"\n[keys]\nnext_section = \"Ctrl-c\"\n",
    )
    .unwrap();
    let out = longform(dir.path(), &["config"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml: line 2: theme:"), "{err}");
    assert!(
        err.contains("config.toml: line 4: keys.next_section:"),
        "{err}"
    );
    assert!(err.contains("2 problems"), "{err}");
    // `where` sums them up on one line.
    let out = longform(dir.path(), &["where"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(invalid: line 2: theme:"), "{text}");
    assert!(text.contains("(+1 more)"), "{text}");
    // A valid file is printed as it is.
    std::fs::write(dir.path().join("config.toml"), "width = 70\n").unwrap();
    let out = longform(dir.path(), &["config"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "width = 70\n");
}

#[test]
fn cat_uses_the_configured_colours() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "theme = \"dark\"\n[colors]\nheading1 = \"#102030\"\n",
    )
    .unwrap();
    let article = dir.path().join("a.md");
    std::fs::write(&article, "# Title\n\nText.\n").unwrap();
    let out = longform(
        dir.path(),
        &["cat", "--color", "always", article.to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("38;2;16;32;48"), "{text:?}");
}
