//! The command line: clap definitions, and the non-interactive commands.
//! `cat` prints an article wrapped exactly as the reader wraps it, through a
//! writer so that tests can capture it.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::document::Document;
use crate::layout::{Line, layout_block};
use crate::load::{Source, load};
use crate::parse::parse;
use crate::tui::ansi::{RESET, sgr};
use crate::tui::app::DEFAULT_MEASURE;
use crate::tui::theme::Theme;
use crate::tui::{self, Exit};

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the article, wrapped exactly as the reader wraps it
    Cat {
        /// The article: a Markdown file, or - for stdin
        file: PathBuf,
        /// Width of the text column (default: 80, or the terminal if narrower)
        #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
        /// When to use colour and styles
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Styled when stdout is a terminal
    Auto,
    Always,
    Never,
}

/// Run the command line; the exit code is decided by `main`.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Some(Command::Cat { file, width, color }) => {
            cat_command(&load(&file)?, width, color)?;
            Ok(Exit::Quit)
        }
        None => {
            let Some(file) = cli.file else {
                anyhow::bail!("no article given: try 'longform FILE' or 'longform --help'");
            };
            let source = load(&file)?;
            if !io::stdout().is_terminal() {
                // Like less: with no terminal to draw on, print the text.
                cat_command(&source, None, ColorChoice::Never)?;
                return Ok(Exit::Quit);
            }
            tui::run(&source)
        }
    }
}

fn cat_command(source: &Source, width: Option<u16>, color: ColorChoice) -> Result<()> {
    if let Some(w) = source.warning() {
        let _ = writeln!(io::stderr(), "longform: warning: {w}");
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
    let theme = styled.then(Theme::from_env);
    let doc = parse(&source.text);
    let mut out = io::BufWriter::new(stdout.lock());
    cat(&doc, width, theme, &mut out)?;
    out.flush()?;
    Ok(())
}

/// Write the article laid out at `width`; styled with `theme` when given.
pub fn cat(
    doc: &Document,
    width: usize,
    theme: Option<Theme>,
    out: &mut impl Write,
) -> io::Result<()> {
    for b in 0..doc.blocks.len() {
        for line in layout_block(doc, b, width.max(1)) {
            write_line(&line, theme, out)?;
        }
    }
    Ok(())
}

fn write_line(line: &Line, theme: Option<Theme>, out: &mut impl Write) -> io::Result<()> {
    let last = line.segs.len();
    for (i, seg) in line.segs.iter().enumerate() {
        let text = if i + 1 == last {
            seg.text.trim_end()
        } else {
            seg.text.as_str()
        };
        match theme.map(|t| sgr(t.text(seg.style))) {
            Some(code) if !code.is_empty() && !text.trim().is_empty() => {
                write!(out, "{code}{text}{RESET}")?;
            }
            _ => out.write_all(text.as_bytes())?,
        }
    }
    out.write_all(b"\n")
}
