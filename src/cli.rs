//! The command line: clap definitions, and the non-interactive commands.
//! `cat` prints an article wrapped exactly as the reader wraps it, through a
//! writer so that tests can capture it.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use serde::Serialize;

use crate::config::Config;
use crate::document::{Document, Flags, Style as DocStyle, Target};
use crate::layout::{LayoutOptions, Line, layout_block};
use crate::library::parse_article;
use crate::load::{Source, load};
use crate::outline::Outline;
use crate::parse::sanitize;
use crate::paths;
use crate::position::Position;
use crate::reader::DEFAULT_WPM;
use crate::tui::ansi::{RESET, sgr};
use crate::tui::app::DEFAULT_MEASURE;
use crate::tui::theme::Theme;
use crate::tui::{self, Exit};
use crate::width::display_width;

mod convert;
pub mod export;
mod figures;
mod report;
pub mod sync;

#[derive(Debug, Parser)]
#[command(
    name = "longform",
    version,
    about = "A terminal e-reader for long-form Markdown articles",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The article to read: a Markdown file, or - for stdin
    pub file: Option<PathBuf>,
    /// Open at the first heading whose text or id matches (exact, then
    /// prefix, then substring; case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub section: Option<String>,
    /// Open at the start, ignoring the saved position (it is still saved
    /// on exit)
    #[arg(long)]
    pub from_start: bool,
    /// Crash on purpose after the first frame: tests the crash handling
    #[arg(long, hide = true)]
    pub crash_test: bool,
}

impl Cli {
    /// The command line, read by clap, but for the reader's own
    /// `longform FILE`: one argument that is no option, no subcommand and
    /// no `help` is the file, read without building clap's command (0.2 ms
    /// of each start, which the first screen waits for).
    pub fn from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Cli {
        let args: Vec<std::ffi::OsString> = args.into_iter().collect();
        if let Some(cli) = Cli::quick(&args) {
            return cli;
        }
        match Cli::try_parse_from(&args) {
            Ok(cli) => cli,
            // Help, asked for or shown for a command that needs one of its
            // own (`longform sync`), is clap's.
            Err(e)
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelp
                        | clap::error::ErrorKind::DisplayVersion
                        | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                ) =>
            {
                e.exit()
            }
            // Help asked for beside two files is help, not their error.
            Err(_) if args.iter().any(|a| a == "--help" || a == "-h") => {
                let _ = <Cli as clap::CommandFactory>::command().print_help();
                std::process::exit(0)
            }
            // Two files: said so, but not when an option was misspelt
            // (`--secton x FILE` takes `x` for a file).
            Err(e) => usage_error(
                &Cli::second_file(&args)
                    .filter(|second| {
                        e.kind() != clap::error::ErrorKind::UnknownArgument
                            || e.to_string().contains(&*second.to_string_lossy())
                    })
                    .map_or(e, |second| {
                        // Clap would call it a subcommand that cannot follow FILE.
                        <Cli as clap::CommandFactory>::command().error(
                            clap::error::ErrorKind::TooManyValues,
                            format!(
                                "it opens one article at a time: {} is a second one \
                         (a command comes first: longform cat FILE)",
                                second.to_string_lossy()
                            ),
                        )
                    }),
            ),
        }
    }

    /// The second of two files on a command line that reads one
    /// (`longform a.md b.md`): a word after the first that is neither an
    /// option, nor the value of `--section`, nor a command.
    fn second_file(args: &[std::ffi::OsString]) -> Option<&std::ffi::OsString> {
        let mut words = args.iter().skip(1).filter({
            let mut value = false;
            move |a| {
                let text = a.to_string_lossy();
                let taken = std::mem::replace(&mut value, text == "--section");
                !taken && (text == "-" || !text.starts_with('-'))
            }
        });
        let first = words.next()?.to_str()?;
        if first == "help" || <Command as clap::Subcommand>::has_subcommand(first) {
            return None;
        }
        words.next()
    }

    /// `longform FILE` as clap reads it; None for any other command line.
    fn quick(args: &[std::ffi::OsString]) -> Option<Cli> {
        let [_, file] = args else {
            return None;
        };
        let name = file.to_str()?;
        let plain = !name.is_empty()
            && !name.starts_with('-')
            && name != "help"
            && !<Command as clap::Subcommand>::has_subcommand(name);
        plain.then(|| Cli {
            command: None,
            file: Some(PathBuf::from(file)),
            section: None,
            from_start: false,
            crash_test: false,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the article, wrapped exactly as the reader wraps it
    Cat {
        /// The article: a Markdown file, or - for stdin
        file: PathBuf,
        /// Width of the text column (default: 80, or the terminal if narrower)
        #[arg(long, short, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
        /// When to use colour and styles
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Draw the figures, with a terminal on stdout (kitty, sixel,
        /// iTerm2 or half-blocks, as the terminal answers)
        #[arg(long)]
        images: bool,
    },
    /// Print the outline: headings by level, with ids, words and minutes
    Toc {
        /// The article: a Markdown file, or - for stdin
        file: PathBuf,
        /// Print a JSON list of {level, title, id, words, minutes, byte}
        #[arg(long)]
        json: bool,
        /// Add each section's id (#slug, as --section and links take it)
        #[arg(long)]
        ids: bool,
    },
    /// Print the config dir and the files longform keeps in it
    Where,
    /// List bookmarks: of one article, or of every article that has any
    Bookmarks {
        /// The article (default: every article with bookmarks)
        file: Option<PathBuf>,
        /// Print a JSON list of {path, title, id, label, note, section,
        /// percent, snippet, created, missing}
        #[arg(long)]
        json: bool,
    },
    /// List highlights: of one article, or of every article that has any
    Highlights {
        /// The article (default: every article with highlights)
        file: Option<PathBuf>,
        /// Print a JSON list of {path, title, id, text, note, color,
        /// color_name, section, percent, start, end, found, created,
        /// missing}
        #[arg(long)]
        json: bool,
    },
    /// Export an article's highlights, notes and bookmarks: Markdown (for
    /// a notes folder), JSON or Readwise CSV
    Export {
        /// The article
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        file: Option<PathBuf>,
        /// Export every article that has highlights
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = export::Format::Markdown)]
        format: export::Format,
        /// Write to this file, or into this folder as <article>.md (only a
        /// file an earlier export wrote is replaced); default: stdout
        #[arg(long, short, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// List the articles of a folder (default: the library) with progress
    List {
        /// The folder to list
        dir: Option<PathBuf>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Import web pages (saved .html files, - for stdin, or http(s) URLs)
    /// as Markdown articles into the library
    Import {
        /// Saved .html/.htm files, - for HTML on stdin, or http(s):// URLs
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<String>,
        /// The folder to write into (default: the library)
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Open the (last) imported article in the reader
        #[arg(long)]
        open: bool,
        /// Keep the images as links to the web instead of downloading them
        #[arg(long)]
        no_images: bool,
        /// Write a new copy even when the page is in the library already
        #[arg(long)]
        again: bool,
        /// Give up on a page after this many seconds (default: 60)
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        timeout: Option<u64>,
    },
    /// Extract the article of the HTML page on stdin (used by import)
    #[command(name = "extract-page", hide = true)]
    ExtractPage {
        /// The page's address, for absolute links
        #[arg(long)]
        url: Option<String>,
        /// When it is imported, for the front matter
        #[arg(long)]
        imported: String,
    },
    /// Write an EPUB book as Markdown: DIR/<slug>.md, images in
    /// DIR/<slug>.assets/
    #[command(override_usage = "longform convert [-o DIR] BOOK.epub")]
    Convert {
        /// The .epub file
        book: PathBuf,
        /// The folder to write into (made when missing)
        #[arg(long, short, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// Print the configuration: --default prints every setting, commented
    Config {
        /// Print a fully commented default config.toml
        #[arg(long)]
        default: bool,
    },
    /// Sync your place with a KOReader sync server (kosync)
    Sync {
        #[command(subcommand)]
        command: sync::SyncCommand,
    },
    /// List the articles read, most recently opened first
    Progress {
        /// Print a JSON list of {path, title, percent, finished,
        /// last_opened, minutes_read, bookmarks, missing}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Styled when stdout is a terminal
    Auto,
    Always,
    Never,
}

/// The reader was asked for where no interactive terminal is: the output
/// is piped, or `TERM=dumb`. `main` exits with 2 for it.
#[derive(Debug)]
pub struct NeedsTerminal(pub String);

impl std::fmt::Display for NeedsTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the reader needs an interactive terminal; to print instead, use: {}",
            self.0
        )
    }
}

impl std::error::Error for NeedsTerminal {}

/// Run the command line; the exit code is decided by `main`.
/// `interactive` is false when stdout is not a terminal or `TERM=dumb`:
/// `main` works that out, since it alone reads the environment.
pub fn run(cli: Cli, interactive: bool) -> Result<Exit> {
    match cli.command {
        Some(Command::Cat {
            file,
            width,
            color,
            images,
        }) => {
            cat_command(load(&file)?, width, color, images)?;
            Ok(Exit::Quit)
        }
        Some(Command::Toc { file, json, ids }) => {
            let source = load(&file)?;
            let doc = parse_article(source.path.as_deref(), &source.text);
            // A terminal's width, else 80 columns, as `cat` does.
            let width = if io::stdout().is_terminal() {
                crossterm::terminal::size().map_or(TOC_WIDTH, |(w, _)| usize::from(w))
            } else {
                TOC_WIDTH
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            toc(&doc, &TocOptions { json, ids, width }, &mut out)?;
            out.flush()?;
            Ok(Exit::Quit)
        }
        Some(Command::Where) => report::where_command().map(|()| Exit::Quit),
        Some(Command::Bookmarks { file, json }) => {
            report::bookmarks_command(file.as_deref(), json).map(|()| Exit::Quit)
        }
        Some(Command::Highlights { file, json }) => {
            report::highlights_command(file.as_deref(), json).map(|()| Exit::Quit)
        }
        Some(Command::Export {
            file,
            all,
            format,
            output,
        }) => export::export_command(file.as_deref(), all, format, output.as_deref())
            .map(|()| Exit::Quit),
        Some(Command::Import {
            sources,
            into,
            open,
            again,
            timeout,
            no_images,
        }) => crate::import::run(
            &sources,
            &crate::import::Options {
                into,
                open,
                again,
                timeout: timeout.map(std::time::Duration::from_secs),
                no_images,
            },
        ),
        Some(Command::ExtractPage { url, imported }) => {
            crate::import::extract_command(url.as_deref(), &imported).map(|()| Exit::Quit)
        }
        Some(Command::Convert { book, out }) => {
            convert::convert_command(&book, &out).map(|()| Exit::Quit)
        }
        Some(Command::Config { default }) => {
            if default {
                io::stdout().write_all(default_config().as_bytes())?;
            } else {
                let dir = paths::config_dir()?;
                let file = paths::config_file(&dir);
                let (_, warnings) = tui::settings::load(&file);
                if !warnings.is_empty() {
                    // Every problem, one a line; the error sums them up.
                    // Names from the file (an unknown setting or action)
                    // get their stand-ins before they reach the terminal.
                    let shown = crate::parse::sanitize_line(&file.to_string_lossy());
                    for w in &warnings {
                        let w = crate::parse::sanitize_line(&w.to_string());
                        let _ = writeln!(io::stderr(), "longform: {shown}: {w}");
                    }
                    let n = warnings.len();
                    let problems = if n == 1 { "problem" } else { "problems" };
                    anyhow::bail!(
                        "{shown}: {n} {problems}; where a setting is invalid, its default is used"
                    );
                }
                match std::fs::read_to_string(&file) {
                    Ok(text) => io::stdout().write_all(text.as_bytes())?,
                    Err(_) => writeln!(
                        io::stdout(),
                        "# {} does not exist: the defaults apply (longform config --default shows them)",
                        crate::parse::sanitize_line(&file.to_string_lossy())
                    )?,
                }
            }
            Ok(Exit::Quit)
        }
        Some(Command::Progress { json }) => report::progress_command(json).map(|()| Exit::Quit),
        Some(Command::Sync { command }) => sync::run(command).map(|()| Exit::Quit),
        Some(Command::List { dir, json }) => {
            let (_, config, warning) = tui::settings::reading_setup();
            if let Some(w) = warning {
                let _ = writeln!(
                    io::stderr(),
                    "longform: warning: {}",
                    crate::parse::sanitize_line(&w)
                );
            }
            let roots = match dir {
                Some(d) => vec![checked_folder(&d)?],
                None => default_roots(&config)?,
            };
            report::list_command(&roots, json).map(|()| Exit::Quit)
        }
        None => {
            let file = match cli.file {
                Some(f) if f.is_dir() => {
                    let dir = checked_folder(&f)?;
                    if !interactive {
                        let name = sanitize(&dir.to_string_lossy());
                        return Err(NeedsTerminal(format!("longform list {name}")).into());
                    }
                    return library(vec![dir]);
                }
                Some(f) => f,
                // `cmd | longform` reads the article from the pipe.
                None if !io::stdin().is_terminal() => PathBuf::from("-"),
                None => {
                    if !interactive {
                        return Err(NeedsTerminal("longform list".into()).into());
                    }
                    let (_, config, _) = tui::settings::reading_setup();
                    return library(default_roots(&config)?);
                }
            };
            // Before the reader starts any thread (see the function).
            crate::parse::join::use_one_heap_on_few_cores();
            // The reader's first screen is drawn from the head of a long
            // article while the rest is read.
            if interactive && cli.section.is_none() {
                let head = crate::load::load_head(&file, HEAD_FROM, HEAD)?;
                let (store, config, warning) = tui::settings::reading_setup();
                let options = tui::Options {
                    section: None,
                    from_start: cli.from_start,
                    crash_test: cli.crash_test,
                    config_file: paths::config_dir().ok().map(|d| paths::config_file(&d)),
                    store,
                    config,
                    warning,
                };
                return match head {
                    Ok(head) => tui::run_head(head, options),
                    Err(source) => tui::run(source, options),
                };
            }
            let source = load(&file)?;
            let start = match &cli.section {
                Some(query) => Some(find_section(
                    &parse_article(source.path.as_deref(), &source.text),
                    query,
                )?),
                None => None,
            };
            if !interactive {
                let name = sanitize(&file.to_string_lossy());
                return Err(NeedsTerminal(format!("longform cat {name}")).into());
            }
            let (store, config, warning) = tui::settings::reading_setup();
            tui::run(
                source,
                tui::Options {
                    section: start,
                    from_start: cli.from_start,
                    crash_test: cli.crash_test,
                    config_file: paths::config_dir().ok().map(|d| paths::config_file(&d)),
                    store,
                    config,
                    warning,
                },
            )
        }
    }
}

fn cat_command(
    mut source: Source,
    width: Option<u16>,
    color: ColorChoice,
    images: bool,
) -> Result<()> {
    if let Some(w) = source.warning() {
        let _ = writeln!(
            io::stderr(),
            "longform: warning: {}",
            crate::parse::sanitize_line(&w)
        );
    }
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let width = width.map_or_else(
        || {
            let term = if tty {
                crossterm::terminal::size().map_or(DEFAULT_MEASURE, |(w, _)| usize::from(w))
            } else {
                DEFAULT_MEASURE
            };
            term.min(DEFAULT_MEASURE)
        },
        usize::from,
    );
    let styled = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty,
    };
    let config = paths::config_dir()
        .ok()
        .map(|d| Config::load(&paths::config_file(&d)).0)
        .unwrap_or_default();
    // The configured theme and colours; never a query to the terminal,
    // whose answer could land in the output.
    let theme = styled.then(|| tui::settings::Settings::new(&config, None).theme);
    let options = LayoutOptions {
        justify: config.justify.unwrap_or(false),
        plain_code: theme.is_none(),
        defer_code: false,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let osc8 = config.links.osc8.unwrap_or(false);
    let style = CatStyle {
        width,
        options,
        theme,
        osc8,
    };
    // The document's spans read their text from one shared copy; the
    // loaded one is freed before the parse begins.
    let text: std::sync::Arc<str> = std::mem::take(&mut source.text).into();
    // Figures are drawn only for a terminal, in what it answers for.
    let figures = (images && tty)
        .then(|| figures::detect(config.images.unwrap_or_default()))
        .and_then(|(protocol, cell)| Some((protocol?, cell)));
    if let Some(figures) = figures {
        let doc = crate::library::parse_shared_article(source.path.as_deref(), &text);
        let height = crossterm::terminal::size().map_or(24, |(_, h)| h);
        figures::cat_with_figures(
            &doc,
            source.path.as_deref(),
            figures,
            height,
            style,
            &mut out,
        )?;
        out.flush()?;
        return Ok(());
    }
    cat_source(&text, source.path.as_deref(), CAT_PIECE, style, &mut out)?;
    out.flush()?;
    Ok(())
}

/// What `longform config --default` prints: every setting, then every
/// style of `[colors]` and every action of `[keys]` with its default keys,
/// all commented out.
pub fn default_config() -> String {
    format!(
        "{}{}{}",
        crate::config::DEFAULT_CONFIG,
        Theme::default_config(),
        tui::keymap::Keymap::default().default_config()
    )
}

/// Open the library screen of `roots`.
fn library(roots: Vec<PathBuf>) -> Result<Exit> {
    let (store, config, warning) = tui::settings::reading_setup();
    let config_dir = paths::config_dir().ok();
    tui::run_library(
        roots,
        tui::Options {
            store,
            config,
            warning,
            config_file: config_dir.as_deref().map(paths::config_file),
            ..tui::Options::default()
        },
        config_dir,
    )
}

/// A folder given on the command line that can be listed, or a clear
/// error.
fn checked_folder(dir: &Path) -> Result<PathBuf> {
    let name = sanitize(&dir.to_string_lossy());
    if dir.is_dir() {
        return match std::fs::read_dir(dir) {
            Ok(_) => Ok(dir.to_path_buf()),
            Err(e) => Err(unlistable(&name, &e)),
        };
    }
    if dir.exists() {
        anyhow::bail!("{name}: is not a folder");
    }
    anyhow::bail!("cannot open {name}: no such folder")
}

/// The error for a folder that cannot be listed.
fn unlistable(name: &str, e: &io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the folder {name}: {}",
        crate::load::describe(e)
    )
}

/// The folders `longform` with no argument shows: `library` from the
/// config, else `./articles`, else the default library, created and seeded
/// with the bundled guide on first use.
fn default_roots(config: &Config) -> Result<Vec<PathBuf>> {
    if let Some(list) = config.library.as_ref().filter(|l| !l.is_empty()) {
        return Ok(list.iter().map(|p| paths::expand_home(p)).collect());
    }
    let local = PathBuf::from("articles");
    if local.is_dir() {
        return Ok(vec![local]);
    }
    let dir = paths::default_library()?;
    if !dir.exists() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the library folder {}", dir.display()))?;
        let guide = dir.join("reading-with-longform.md");
        std::fs::write(&guide, GUIDE)
            .with_context(|| format!("cannot write {}", guide.display()))?;
        // Its figure, beside it where the guide points.
        let (name, svg) = GUIDE_FIGURE;
        let figure = dir.join(name);
        figure
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&figure, svg))
            .with_context(|| format!("cannot write {}", figure.display()))?;
    }
    Ok(vec![dir])
}

/// Our guide, embedded so a fresh install has something to read.
const GUIDE: &str = include_str!("../articles/reading-with-longform.md");
/// The guide's figure: where it points, and the picture.
const GUIDE_FIGURE: (&str, &str) = (
    "reading-with-longform.assets/a-page-with-a-figure.svg",
    include_str!("../articles/reading-with-longform.assets/a-page-with-a-figure.svg"),
);

/// The position of the section `query` names, or an error listing the
/// closest headings.
fn find_section(doc: &Document, query: &str) -> Result<Position> {
    let outline = Outline::new(doc);
    if let Some(s) = outline.find(query) {
        return Ok(Position(s.start));
    }
    let query = sanitize(query);
    if outline.is_empty() {
        anyhow::bail!("no section matches \"{query}\": the article has no headings");
    }
    let closest: Vec<String> = outline
        .closest(&query, 3)
        .iter()
        .map(|s| format!("\"{}\"", s.title))
        .collect();
    anyhow::bail!(
        "no section matches \"{query}\"; closest: {}",
        closest.join(", ")
    )
}

/// One outline row for `toc --json`.
#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    title: &'a str,
    id: &'a str,
    words: usize,
    minutes: usize,
    byte: usize,
}

/// The width of `toc`'s text when it does not write to a terminal.
pub const TOC_WIDTH: usize = 80;

/// How `toc` writes the outline.
#[derive(Clone, Copy, Debug)]
pub struct TocOptions {
    /// JSON, which has every field and ignores the rest.
    pub json: bool,
    /// Each section's id (`#slug`) at the end of its line, or under its
    /// title when the ids do not fit beside the titles.
    pub ids: bool,
    /// The columns a line may take: a title too long is cut with `…`.
    pub width: usize,
}

/// Write the outline of `doc`: indented text within `options.width`
/// columns, or JSON.
pub fn toc(doc: &Document, options: &TocOptions, out: &mut impl Write) -> Result<()> {
    let outline = Outline::new(doc);
    if options.json {
        let entries: Vec<TocEntry<'_>> = outline
            .sections
            .iter()
            .map(|s| TocEntry {
                level: s.level,
                title: &s.title,
                id: &s.slug,
                words: s.words,
                minutes: s.minutes(DEFAULT_WPM),
                byte: s.start,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    if outline.is_empty() {
        writeln!(out, "No sections")?;
        return Ok(());
    }
    let figures: Vec<(String, String)> = outline
        .sections
        .iter()
        .map(|s| (s.words.to_string(), s.minutes(DEFAULT_WPM).to_string()))
        .collect();
    let words_w = figures.iter().map(|f| f.0.len()).max().unwrap_or(0);
    let min_w = figures.iter().map(|f| f.1.len()).max().unwrap_or(0);
    let slug_w = if options.ids {
        outline
            .sections
            .iter()
            .map(|s| display_width(&s.slug) + 1)
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    // "  1234 words  5 min", then "  #slug" when the ids leave a title
    // room enough; else each id goes under its title.
    let inline_w = words_w + min_w + 14 + slug_w + 2;
    let ids_inline = options.ids && options.width >= inline_w + TOC_MIN_TITLE;
    let right_w = words_w + min_w + 14 + if ids_inline { slug_w + 2 } else { 0 };
    // The titles take what the figures leave, and at least a few columns.
    let room = options.width.saturating_sub(right_w).max(TOC_MIN_TITLE);
    // Drawn as seen: a right-to-left title turned, as `cat` draws it (cut
    // at its end, so at its left).
    let heads: Vec<String> = outline
        .sections
        .iter()
        .map(|s| {
            let indent = "  ".repeat(s.depth);
            let title = crate::width::fit(&s.title, room.saturating_sub(indent.len()).max(1));
            indent + &crate::layout::visual_text(&crate::layout::isolate(&title))
        })
        .collect();
    let head_w = heads.iter().map(|h| display_width(h)).max().unwrap_or(0);
    for ((s, head), (words, minutes)) in outline.sections.iter().zip(&heads).zip(&figures) {
        // `1 word ` keeps the column of `2 words`.
        let plural = if words == "1" { " " } else { "s" };
        let mut line = format!(
            "{head}{}  {words:>words_w$} word{plural}  {minutes:>min_w$} min",
            " ".repeat(head_w - display_width(head))
        );
        if options.ids {
            // Last and whole: an id is only useful as it is. Where the ids
            // would run past the width, each goes on a line of its own
            // under its title, rather than wrap.
            if ids_inline {
                line.push_str(&format!("  #{}", s.slug));
            } else {
                line.push_str(&format!("\n{}  #{}", "  ".repeat(s.depth), s.slug));
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Say a command line clap could not read in one line, as every other
/// error is said, with the usage of the command it was for, and exit
/// with clap's code for it (2).
fn usage_error(e: &clap::Error) -> ! {
    eprintln!(
        "longform: {}",
        one_line_usage_error(&e.render().to_string())
    );
    std::process::exit(e.exit_code())
}

/// Clap's rendering of an error in one line: its first paragraph, joined,
/// its tip (`a similar argument exists: '--width'`), and the first line
/// of its usage (`error: unexpected argument '--x' found` … `Usage:
/// longform [OPTIONS] [FILE]` → `unexpected argument '--x' found · Usage:
/// longform [OPTIONS] [FILE]`).
fn one_line_usage_error(rendered: &str) -> String {
    let what: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let mut what = what.join(" ");
    if let Some(rest) = what.strip_prefix("error: ") {
        what = rest.to_string();
    }
    for tip in rendered
        .lines()
        .filter_map(|l| l.trim().strip_prefix("tip: "))
    {
        what.push_str("; ");
        what.push_str(tip);
    }
    match rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
    {
        Some(usage) => format!("{what} · Usage: {usage}"),
        None => what,
    }
}

/// The fewest columns a title keeps in `toc`, however narrow the width.
const TOC_MIN_TITLE: usize = 12;

/// Write the article laid out at `width`; styled with `theme` when given.
pub fn cat(
    doc: &Document,
    width: usize,
    options: LayoutOptions,
    theme: Option<Theme>,
    out: &mut impl Write,
) -> io::Result<()> {
    cat_linked(doc, width, options, theme, false, out)
}

/// Bytes of Markdown `longform cat` parses and writes at a time.
pub const CAT_PIECE: usize = 256 * 1024;

/// Articles at least this long are opened from their head (see
/// `load::load_head`): under it, reading the whole takes a fraction of a
/// millisecond.
const HEAD_FROM: u64 = 1024 * 1024;
/// The head read before the reader's first screen: a few screens of
/// text on a large terminal (a screen that reaches the head's end waits
/// for the whole).
const HEAD: usize = 16 * 1024;

/// How `cat_source` sets the text.
#[derive(Clone, Copy, Debug)]
pub struct CatStyle {
    pub width: usize,
    pub options: LayoutOptions,
    pub theme: Option<Theme>,
    pub osc8: bool,
}

/// `longform cat` of a whole source. Markdown is cut into pieces of about
/// `piece` bytes where blocks start (`parse::window::Pieces`), which are
/// parsed and laid out a few at a time on the machine's cores and written
/// in order: the output is the same as from the whole document, which is
/// never held at once.
pub fn cat_source(
    text: &std::sync::Arc<str>,
    path: Option<&Path>,
    piece: usize,
    style: CatStyle,
    out: &mut impl Write,
) -> io::Result<()> {
    if path.is_some_and(crate::library::is_plain_text) {
        let doc = crate::library::parse_shared_article(path, text);
        return cat_blocks(&doc, 0..doc.blocks.len(), style, out);
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 4);
    // The pieces are cut at line ends, and a lone CR ends a line too.
    let text = &crate::parse::prepared(text);
    let mut pieces = crate::parse::window::Pieces::streaming(text, piece, workers);
    pieces.count_words = false;
    let count = pieces.ranges.len();
    // Workers take the next piece as soon as they are free; the output is
    // written in order, and no worker runs more than `AHEAD` pieces ahead
    // of what is written, so memory stays a few pieces whatever the size.
    let ahead = 2 * workers;
    let next = AtomicUsize::new(0);
    let written = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, io::Result<Vec<u8>>, Vec<String>)>();
    let render = |doc: &Document, first: usize| {
        let mut buf = Vec::new();
        cat_blocks(doc, first..doc.blocks.len(), style, &mut buf).map(|()| buf)
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (pieces, next, written, stop, render) = (&pieces, &next, &written, &stop, &render);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return;
                    }
                    while i >= written.load(Ordering::Acquire) + ahead {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let (doc, first, after) = pieces.parse(text, i);
                    if tx.send((i, render(&doc, first), after)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut want = 0;
        // The footnote labels numbered so far: a piece numbered from
        // others is parsed again here (see `Pieces::parse`).
        let mut numbered = crate::parse::window::Numbering::default();
        let result = (|| {
            for (i, done, after) in &rx {
                waiting.insert(i, (done, after));
                while let Some((mut done, mut after)) = waiting.remove(&want) {
                    if !pieces.numbered_as(&numbered, want) {
                        let never = AtomicBool::new(false);
                        if let Some((doc, first, again)) =
                            pieces.parse_after(text, want, &numbered, &never)
                        {
                            done = render(&doc, first);
                            after = again;
                        }
                    }
                    pieces.advance(text, &mut numbered, after);
                    out.write_all(&done?)?;
                    want += 1;
                    written.store(want, Ordering::Release);
                }
            }
            if want < count {
                return Err(io::Error::other("a worker failed"));
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(rx);
        result
    })
}

/// `cat`, with the web links written as OSC 8 hyperlinks when `osc8` and
/// the output is styled (`links.osc8` in the config).
pub fn cat_linked(
    doc: &Document,
    width: usize,
    options: LayoutOptions,
    theme: Option<Theme>,
    osc8: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let style = CatStyle {
        width,
        options,
        theme,
        osc8,
    };
    cat_blocks(doc, 0..doc.blocks.len(), style, out)
}

/// `cat_linked` of some of the blocks of `doc`.
fn cat_blocks(
    doc: &Document,
    blocks: std::ops::Range<usize>,
    style: CatStyle,
    out: &mut impl Write,
) -> io::Result<()> {
    let CatStyle {
        width,
        options,
        theme,
        osc8,
    } = style;
    // An article uses a handful of styles but has millions of segments:
    // build each escape sequence once, not once per segment.
    let mut out = Styled {
        theme,
        codes: rustc_hash::FxHashMap::default(),
        links: rustc_hash::FxHashMap::default(),
        osc8: osc8 && theme.is_some(),
        doc,
        out,
    };
    for b in blocks {
        for line in layout_block(doc, b, width.max(1), options) {
            out.line(&line)?;
        }
    }
    Ok(())
}

/// Lines written with escape sequences made once per style and link.
struct Styled<'a, W> {
    theme: Option<Theme>,
    codes: rustc_hash::FxHashMap<DocStyle, String>,
    /// The OSC 8 start of each link, `None` for those not written as one.
    links: rustc_hash::FxHashMap<u32, Option<String>>,
    osc8: bool,
    doc: &'a Document,
    out: &'a mut W,
}

impl<W: Write> Styled<'_, W> {
    fn line(&mut self, line: &Line) -> io::Result<()> {
        let last = line.segs.len();
        for (i, seg) in line.segs.iter().enumerate() {
            let text = if i + 1 == last {
                seg.text.trim_end()
            } else {
                seg.text.as_str()
            };
            let link = match seg.link {
                Some(l) if self.osc8 && !text.is_empty() => {
                    let doc = self.doc;
                    self.links
                        .entry(l)
                        .or_insert_with(|| {
                            let link = doc.links.get(usize::try_from(l).ok()?)?;
                            match link.target(&doc.text) {
                                Target::External(url) => crate::links::osc8_start(url),
                                _ => None,
                            }
                        })
                        .as_deref()
                }
                _ => None,
            };
            if let Some(start) = link {
                self.out.write_all(start.as_bytes())?;
            }
            let code = self.theme.map(|t| {
                self.codes
                    .entry(seg.style)
                    .or_insert_with(|| sgr(t.text(seg.style)))
                    .as_str()
            });
            match code {
                Some(code) if !code.is_empty() && !text.trim().is_empty() => {
                    self.out.write_all(code.as_bytes())?;
                    self.out.write_all(text.as_bytes())?;
                    self.out.write_all(RESET.as_bytes())?;
                }
                // Without styles, struck text keeps its meaning with a
                // stroke over each character (U+0336, of no width, so the
                // lines keep their widths): `t̶e̶n̶ five`.
                None if seg.style.flags.contains(Flags::STRIKE) => {
                    self.out.write_all(plain_spaces(&struck(text)).as_bytes())?;
                }
                // Without styles, the no-break spaces that set a line in
                // are spaces, which a search or a copy of the text finds.
                None if text.contains('\u{a0}') => {
                    self.out.write_all(plain_spaces(text).as_bytes())?;
                }
                _ => self.out.write_all(text.as_bytes())?,
            }
            if link.is_some() {
                self.out.write_all(crate::links::OSC8_END.as_bytes())?;
            }
        }
        self.out.write_all(b"\n")
    }
}

/// `text` with its no-break spaces as spaces.
fn plain_spaces(text: &str) -> String {
    text.replace('\u{a0}', " ")
}

/// `text` with a long stroke overlay (U+0336) after each of its
/// clusters but the spaces around it: after the whole of an emoji joined
/// of several, which a stroke inside would part.
fn struck(text: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    let mut out = String::with_capacity(text.len() * 3);
    out.push_str(&text[..start]);
    for cluster in text[start..end].graphemes(true) {
        out.push_str(cluster);
        out.push('\u{336}');
    }
    out.push_str(&text[end..]);
    out
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[test]
    fn a_stroke_goes_after_each_cluster() {
        assert_eq!(super::struck(" ten "), " t\u{336}e\u{336}n\u{336} ");
        // A family of three joined by ZWJ, and a heart with its emoji
        // selector, each struck whole: the width stays.
        let text = "👨\u{200d}👩\u{200d}👧 ❤\u{fe0f}";
        let struck = super::struck(text);
        assert_eq!(
            struck,
            "👨\u{200d}👩\u{200d}👧\u{336} \u{336}❤\u{fe0f}\u{336}"
        );
        assert_eq!(
            crate::width::display_width(&struck),
            crate::width::display_width(text)
        );
    }

    use super::Cli;

    /// `longform FILE` read without clap is what clap reads; every other
    /// command line goes to clap.
    #[test]
    fn the_reader_s_command_line_is_read_as_clap_reads_it() {
        for args in [
            vec!["longform", "article.md"],
            vec!["longform", "notes"],
            vec!["longform", "cat.md"],
            vec!["longform", "dir/sub/a b.markdown"],
            vec!["longform", "例.md"],
        ] {
            let quick = Cli::quick(&args.iter().map(Into::into).collect::<Vec<_>>());
            let quick = format!("{:?}", quick.expect("read without clap"));
            assert_eq!(quick, format!("{:?}", Cli::parse_from(&args)), "{args:?}");
        }
        for args in [
            vec!["longform"],
            vec!["longform", "-"],
            vec!["longform", "--from-start"],
            vec!["longform", "cat"],
            vec!["longform", "where"],
            vec!["longform", "extract-page"],
            vec!["longform", "help"],
            vec!["longform", ""],
            vec!["longform", "a.md", "--from-start"],
            vec!["longform", "cat", "a.md"],
        ] {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            assert!(Cli::quick(&args).is_none(), "{args:?}");
        }
    }

    #[test]
    fn an_unlistable_folder_says_why() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = super::unlistable("books", &denied);
        assert_eq!(
            e.to_string(),
            "cannot read the folder books: permission denied"
        );
    }
}
