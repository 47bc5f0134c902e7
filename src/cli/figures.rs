//! `longform cat --images`: the article printed as `cat` prints it, with
//! each figure drawn in the terminal's own protocol (kitty, sixel, iTerm2)
//! or in half-blocks, as `mdcat` does. Only with a terminal on stdout: the
//! terminal is asked what it draws (the reader's start-up query, in raw
//! mode for as long as the answer takes) and nothing is ever written in a
//! protocol it did not answer for. A figure that cannot be shown prints
//! its `[image: alt · reason]` line.

use std::io::{self, Write};
use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use super::{CatStyle, cat_blocks};
use crate::config::Images;
use crate::document::Document;
use crate::layout::{FigureBox, fit_figure};
use crate::tui::background;
use crate::tui::figures::{base_of, picture_now};
use crate::tui::graphics::{self, Protocol};

/// How figures are drawn on this terminal, asked now; `None` when they
/// are off in the config.
pub fn detect(images: Images) -> (Option<Protocol>, Option<(u16, u16)>) {
    let env = graphics::Env::of_process();
    let asked = images == Images::Auto && crate::tui::settings::on_terminal();
    let answers = if asked && crossterm::terminal::enable_raw_mode().is_ok() {
        let mut replies = crate::tui::replies::Replies::default();
        background::ask(false, &graphics::query(&env)).collect(&mut replies, background::WAIT);
        let _ = crossterm::terminal::disable_raw_mode();
        replies.graphics()
    } else {
        crate::tui::replies::Graphics::default()
    };
    let cell = answers.cell.or_else(crate::tui::cell_size);
    (graphics::choose(images, answers, &env), cell)
}

/// Print `doc` (the article at `path`) with its figures drawn with
/// `protocol` in cells of `cell` pixels, on a screen `height` rows high.
pub fn cat_with_figures(
    doc: &Document,
    path: Option<&Path>,
    (protocol, cell): (Protocol, Option<(u16, u16)>),
    height: u16,
    style: CatStyle,
    out: &mut impl Write,
) -> io::Result<()> {
    let base = base_of(path);
    let room = FigureBox::for_screen(height, cell);
    let mut from = 0;
    for b in 0..doc.blocks.len() {
        let Some((_, image)) = doc.figure(b) else {
            continue;
        };
        cat_blocks(doc, from..b, style, out)?;
        from = b + 1;
        for _ in 0..doc.blocks[b].space_before {
            writeln!(out)?;
        }
        let caption = image.caption();
        let shown = crate::images::resolve(&image.url, base.as_deref())
            .and_then(|path| crate::images::decode(&path))
            .and_then(|picture| {
                let (cols, rows) = fit_figure(picture.width(), picture.height(), style.width, room);
                let made = picture_now(protocol, cell, &picture, cols, rows)
                    .ok_or(crate::images::Failure::CannotDecode)?;
                Ok((made, cols, rows))
            });
        match shown {
            Ok((picture, cols, rows)) => {
                let left =
                    u16::try_from(style.width.saturating_sub(usize::from(cols)) / 2).unwrap_or(0);
                let area = Rect::new(0, 0, left + cols, rows);
                let mut buffer = Buffer::empty(area);
                SlicedImage::new(&picture, SignedPosition { x: 0, y: 0 })
                    .render(Rect::new(left, 0, cols, rows), &mut buffer);
                write_buffer(&buffer, protocol, out)?;
                if !caption.is_empty() {
                    line(out, caption, style, true)?;
                }
            }
            Err(failure) => {
                let text = if caption.is_empty() {
                    format!("[image · {}]", failure.reason())
                } else {
                    format!("[image: {caption} · {}]", failure.reason())
                };
                line(out, &text, style, false)?;
            }
        }
    }
    cat_blocks(doc, from..doc.blocks.len(), style, out)
}

/// A line of text under or in place of a figure: a caption centred and
/// dimmed, a failure as it is.
fn line(out: &mut impl Write, text: &str, style: CatStyle, caption: bool) -> io::Result<()> {
    let text = crate::parse::sanitize_line(text);
    let width = unicode_width::UnicodeWidthStr::width(text.as_str());
    let pad = if caption {
        style.width.saturating_sub(width) / 2
    } else {
        0
    };
    let dim = style.theme.is_some() && caption;
    writeln!(
        out,
        "{}{}{text}{}",
        " ".repeat(pad),
        if dim { "\x1b[2m" } else { "" },
        if dim { "\x1b[0m" } else { "" }
    )
}

/// Write the cells of a picture drawn into `buffer`, row by row. Half-
/// blocks and kitty's placeholders are cells with colours; a sixel or
/// iTerm2 picture is one sequence drawn at the cursor in rows made room
/// for first, so that it never scrolls what it was drawn over.
fn write_buffer(buffer: &Buffer, protocol: Protocol, out: &mut impl Write) -> io::Result<()> {
    let area = buffer.area;
    if matches!(protocol, Protocol::Sixel | Protocol::Iterm2) {
        for _ in 0..area.height {
            writeln!(out)?;
        }
        // Back to the first row, at the picture's column.
        write!(out, "\x1b[{}A\r", area.height)?;
        for y in 0..area.height {
            for x in 0..area.width {
                let cell = &buffer[(x, y)];
                if cell.symbol().len() > 4 {
                    write!(out, "\x1b[{}G\x1b7{}\x1b8", x + 1, cell.symbol())?;
                }
            }
        }
        write!(out, "\x1b[{}B\r", area.height)?;
        return Ok(());
    }
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if cell.diff_option == ratatui::buffer::CellDiffOption::Skip {
                continue;
            }
            write!(
                out,
                "{}{}{}",
                colour(cell.fg, 38),
                colour(cell.bg, 48),
                cell.symbol()
            )?;
        }
        writeln!(out, "\x1b[0m")?;
    }
    Ok(())
}

/// The SGR sequence of a cell's colour (`base` 38 for the foreground, 48
/// for the background); nothing for the terminal's own.
fn colour(colour: ratatui::style::Color, base: u8) -> String {
    use ratatui::style::Color;
    match colour {
        Color::Rgb(r, g, b) => format!("\x1b[{base};2;{r};{g};{b}m"),
        Color::Indexed(i) => format!("\x1b[{base};5;{i}m"),
        Color::Reset => format!("\x1b[{}m", base + 1),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_block_figure_prints_as_coloured_cells_with_its_caption() {
        let dir = tempfile::tempdir().unwrap();
        image::RgbImage::from_pixel(40, 20, image::Rgb([200, 10, 10]))
            .save(dir.path().join("red.png"))
            .unwrap();
        let path = dir.path().join("a.md");
        let text = "Before.\n\n![Red](red.png)\n\n![Gone](gone.png)\n\nAfter.\n";
        let doc = crate::parse::parse(text);
        let style = CatStyle {
            width: 20,
            options: crate::layout::LayoutOptions::default(),
            theme: None,
            osc8: false,
        };
        let mut out = Vec::new();
        cat_with_figures(
            &doc,
            Some(&path),
            (Protocol::Halfblocks, None),
            30,
            style,
            &mut out,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("Before.\n\n"), "{out:?}");
        // 40x20 pixels in cells of 10x20: 4 columns, 1 row, red.
        assert!(out.contains("\x1b[48;2;200;10;10m"), "{out:?}");
        assert!(out.contains("        Red\n"), "{out:?}");
        assert!(out.contains("[image: Gone · missing]\n"), "{out:?}");
        assert!(out.ends_with("After.\n"), "{out:?}");
    }
}
