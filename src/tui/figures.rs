//! The reader's figures: whether they are drawn and with which protocol,
//! the pictures being made for them (`images::Loader`, on its thread), what
//! the layout learns of each image's size, and the image shown alone
//! (`Enter` on a selected image). The layout places the figures; the view
//! (`view/figure.rs`) draws them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::layout::Size;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::sliced::SlicedProtocol;

use super::graphics::Protocol;
use crate::document::Document;
use crate::images::{Encode, Failure, Loader, News, Want};
use crate::layout::{FigureBox, FigureState, Layout};

/// A picture ready to draw, cropped to the rows on screen when drawn.
pub type Picture = SlicedProtocol;

/// The figures of the open article.
pub struct Figures {
    /// How figures are drawn when shown; `None`: never (`images = "off"`).
    pub protocol: Option<Protocol>,
    /// Shown in this session (`i` turns them off and on).
    pub shown: bool,
    /// A cell's size in pixels, when the terminal said.
    pub cell: Option<(u16, u16)>,
    /// The article's folder, which relative addresses start from.
    base: Option<PathBuf>,
    loader: Option<Loader<Picture>>,
    /// The addresses of the images, by the file each names.
    urls: HashMap<PathBuf, Vec<String>>,
    /// The document whose images were looked at: its fingerprint and
    /// links.
    seen: Option<(u64, usize)>,
    /// The image shown alone, fitted to the screen: its link.
    pub alone: Option<u32>,
}

impl Default for Figures {
    fn default() -> Figures {
        Figures::new(None, None, None)
    }
}

impl Figures {
    /// Figures drawn with `protocol` (`None`: not drawn), in an article
    /// whose folder is `base`.
    pub fn new(
        protocol: Option<Protocol>,
        cell: Option<(u16, u16)>,
        base: Option<PathBuf>,
    ) -> Figures {
        Figures {
            protocol,
            shown: protocol.is_some(),
            cell,
            base,
            loader: None,
            urls: HashMap::new(),
            seen: None,
            alone: None,
        }
    }

    /// Draw with `protocol` from now on, in cells of `cell` pixels.
    pub fn set_protocol(&mut self, protocol: Option<Protocol>, cell: Option<(u16, u16)>) {
        if (self.protocol, self.cell) == (protocol, cell) {
            return;
        }
        // Figures turned off with `i` stay off when the terminal's late
        // answer changes how they would be drawn.
        self.shown = protocol.is_some() && (self.protocol.is_none() || self.shown);
        self.protocol = protocol;
        self.cell = cell;
        // Pictures made for another protocol are of no use.
        self.loader = None;
        self.seen = None;
    }

    /// The room figures take on a screen of `height` rows, when shown.
    pub fn room(&self, height: u16) -> Option<FigureBox> {
        (self.shown && self.protocol.is_some()).then(|| FigureBox::for_screen(height, self.cell))
    }

    /// `i`: figures off, or on again. The message to show.
    pub fn toggle(&mut self) -> String {
        match self.protocol {
            None => "Images are off (images = \"off\" in the config)".into(),
            Some(p) => {
                self.shown = !self.shown;
                if self.shown {
                    format!("Images on ({})", p.name())
                } else {
                    "Images off: each shows as its [image: alt] text (i turns them on)".into()
                }
            }
        }
    }

    /// The file an image's address names.
    pub fn path_of(&self, url: &str) -> Result<PathBuf, Failure> {
        crate::images::resolve(url, self.base.as_deref())
    }

    /// Look at the images of `doc` that were not looked at yet: the ones
    /// that cannot be shown are told to the layout at once, and the sizes
    /// of the others are asked for.
    pub fn learn(&mut self, doc: &Document, layout: &mut Layout) {
        if self.protocol.is_none() {
            return;
        }
        let key = (doc.fingerprint, doc.links.len());
        if self.seen == Some(key) {
            return;
        }
        self.seen = Some(key);
        for link in &doc.links {
            let Some(image) = link.image() else {
                continue;
            };
            match self.path_of(&image.url) {
                Err(failure) => layout.set_figure_state(
                    doc,
                    &image.url,
                    FigureState::Failed(failure.reason().into()),
                ),
                Ok(path) => {
                    let urls = self.urls.entry(path.clone()).or_default();
                    if !urls.contains(&image.url) {
                        urls.push(image.url.clone());
                    }
                    if let Some(size) = self.loader().and_then(|l| l.size(&path)) {
                        layout.set_figure_state(doc, &image.url, state_of(size));
                    }
                }
            }
        }
    }

    /// Take what the loader made: sizes go to the layout, and so do
    /// pictures that could not be made. True when something new is ready
    /// to draw.
    pub fn poll(&mut self, doc: &Document, layout: &mut Layout) -> bool {
        let news = match &mut self.loader {
            Some(loader) => loader.poll(),
            None => return false,
        };
        self.apply(news, doc, layout)
    }

    /// Wait for every picture asked for (tests and `cat --images`).
    pub fn wait(&mut self, doc: &Document, layout: &mut Layout) {
        if let Some(loader) = &mut self.loader {
            let news = loader.wait();
            self.apply(news, doc, layout);
        }
    }

    fn apply(&mut self, news: Vec<News>, doc: &Document, layout: &mut Layout) -> bool {
        let mut redraw = false;
        for news in news {
            let (path, state) = match news {
                News::Size(path, size) => (path, state_of(size)),
                News::Picture(want) => {
                    redraw = true;
                    match self.loader.as_mut().and_then(|l| l.picture(&want)) {
                        Some(Err(f)) => (want.path, FigureState::Failed(f.reason().into())),
                        _ => continue,
                    }
                }
            };
            for url in self.urls.get(&path).into_iter().flatten() {
                layout.set_figure_state(doc, url, state.clone());
            }
            redraw = true;
        }
        redraw
    }

    /// The picture of the image at `url` in a box of `cols` x `rows`:
    /// `None` while it is made, the reason when it cannot be.
    pub fn picture(
        &mut self,
        url: &str,
        cols: u16,
        rows: u16,
    ) -> Option<Result<Arc<Picture>, Failure>> {
        let path = match self.path_of(url) {
            Ok(path) => path,
            Err(f) => return Some(Err(f)),
        };
        let want = Want { path, cols, rows };
        self.loader()?.picture(&want)
    }

    /// The loader, started the first time it is needed.
    fn loader(&mut self) -> Option<&mut Loader<Picture>> {
        if self.loader.is_none() {
            let protocol = self.protocol?;
            self.loader = Loader::start(encoder(protocol, self.cell));
        }
        self.loader.as_mut()
    }
}

/// What the layout makes of an image's size.
fn state_of(size: Result<(u32, u32), Failure>) -> FigureState {
    match size {
        Ok((w, h)) => FigureState::Size(w, h),
        Err(f) => FigureState::Failed(f.reason().into()),
    }
}

/// The picture of `image` in a box of `cols` x `rows`, made now on this
/// thread: for output that waits for it (`cat --images`).
pub fn picture_now(
    protocol: Protocol,
    cell: Option<(u16, u16)>,
    image: &image::DynamicImage,
    cols: u16,
    rows: u16,
) -> Option<Picture> {
    encoder(protocol, cell)(image, cols, rows).map(|(picture, _)| picture)
}

/// How the loader's thread turns an image into a picture for `protocol`,
/// wrapped for tmux's passthrough when this process runs inside tmux (a
/// graphics protocol is only chosen there when passthrough is on).
fn encoder(protocol: Protocol, cell: Option<(u16, u16)>) -> Encode<Picture> {
    encoder_for(protocol, cell, super::graphics::tmux_of_process())
}

/// The encoder, told whether tmux stands between it and the terminal.
///
/// kitty and iTerm2 pictures are made here with the protocol's own type,
/// never with ratatui-image's `Picker`: making a `Picker` inside tmux runs
/// `tmux set -p allow-passthrough on`, and that setting is the user's to
/// make. Sixel is never chosen inside tmux (its DA1 is tmux's own), so a
/// `Picker` made for it finds no tmux.
fn encoder_for(protocol: Protocol, cell: Option<(u16, u16)>, tmux: bool) -> Encode<Picture> {
    use ratatui_image::protocol::{iterm2::Iterm2, kitty::Kitty};
    let cell = cell.unwrap_or((10, 20));
    // Sixel's picker, made once, on the loader's thread.
    let picker: std::sync::OnceLock<Picker> = std::sync::OnceLock::new();
    // kitty names each picture it is sent by a number: a new one for each,
    // random in this process so that two runs of `cat --images` in one
    // terminal do not replace each other's pictures.
    let ids = {
        use std::hash::{BuildHasher, Hasher};
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        std::sync::atomic::AtomicU32::new(seed as u32)
    };
    Arc::new(move |image, cols, rows| {
        let size = Size::new(cols, rows);
        // A graphics picture fills its box exactly, in pixels.
        let pixels = || {
            image.resize_exact(
                u32::from(cols) * u32::from(cell.0),
                u32::from(rows) * u32::from(cell.1),
                image::imageops::FilterType::Triangle,
            )
        };
        let picture = match protocol {
            Protocol::Halfblocks => {
                let fitted = image.resize_exact(
                    u32::from(cols),
                    u32::from(rows) * 2,
                    image::imageops::FilterType::Triangle,
                );
                SlicedProtocol::Halfblocks(Halfblocks::new(fitted, size).ok()?)
            }
            Protocol::Kitty => {
                let id = loop {
                    let id = ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if id != 0 {
                        break id;
                    }
                };
                SlicedProtocol::Kitty(Kitty::new(pixels(), size, id, tmux, false).ok()?)
            }
            Protocol::Iterm2 => {
                // One picture a row, so that a figure cut at the top of
                // the screen draws the rows left.
                let fitted = pixels();
                let band = u32::from(cell.1);
                let rows = (0..u32::from(rows))
                    .map(|r| {
                        let row = fitted.crop_imm(0, r * band, fitted.width(), band);
                        Iterm2::new(row, Size::new(cols, 1), tmux)
                            .ok()
                            .map(ratatui_image::protocol::Protocol::ITerm2)
                    })
                    .collect::<Option<Vec<_>>>()?;
                SlicedProtocol::Sliced(rows)
            }
            Protocol::Sixel => {
                if tmux {
                    return None;
                }
                let picker = picker.get_or_init(|| {
                    #[allow(deprecated)]
                    let mut picker = Picker::from_fontsize(cell.into());
                    picker.set_protocol_type(ProtocolType::Sixel);
                    picker
                });
                SlicedProtocol::new_with_resize(
                    picker,
                    pixels(),
                    size,
                    ratatui_image::Resize::Fit(None),
                )
                .ok()?
            }
        };
        let bytes = match protocol {
            // A colour pair and a character a cell.
            Protocol::Halfblocks => usize::from(cols) * usize::from(rows) * 24,
            // The pixels, base64-encoded or as sixel bands.
            _ => {
                usize::from(cols)
                    * usize::from(cell.0)
                    * usize::from(rows)
                    * usize::from(cell.1)
                    * 4
            }
        };
        Some((picture, bytes))
    })
}

/// The folder of the article at `path`, which relative image addresses
/// start from.
pub fn base_of(path: Option<&Path>) -> Option<PathBuf> {
    let path = path?;
    let dir = path.parent()?;
    Some(if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    })
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use ratatui_image::sliced::{SignedPosition, SlicedImage};

    use super::*;

    /// Everything the picture of a small image writes, cell by cell, for
    /// each protocol, with or without tmux between it and the terminal.
    fn written(protocol: Protocol, tmux: bool) -> Option<String> {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(60, 40, |x, y| {
            image::Rgb([x as u8 * 4, y as u8 * 6, 90])
        }));
        let (picture, _) = encoder_for(protocol, Some((10, 20)), tmux)(&image, 6, 2)?;
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 2));
        SlicedImage::new(&picture, SignedPosition { x: 0, y: 0 }).render(buffer.area, &mut buffer);
        Some(buffer.content.iter().map(|c| c.symbol()).collect())
    }

    fn first_cell(protocol: Protocol) -> String {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(60, 40, |x, y| {
            image::Rgb([x as u8 * 4, y as u8 * 6, 90])
        }));
        let (picture, _) =
            encoder_for(protocol, Some((10, 20)), false)(&image, 6, 2).expect("a picture");
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 2));
        SlicedImage::new(&picture, SignedPosition { x: 0, y: 0 }).render(buffer.area, &mut buffer);
        buffer[(0, 0)].symbol().to_string()
    }

    /// How each protocol's sequences start.
    const KITTY: &str = "\x1b_G";
    const SIXEL: &str = "\x1bP";
    const ITERM2: &str = "]1337;File=";

    #[test]
    fn a_new_protocol_keeps_figures_turned_off_off() {
        let mut figures = Figures::new(Some(Protocol::Halfblocks), None, None);
        assert!(figures.shown);
        figures.toggle();
        figures.set_protocol(Some(Protocol::Kitty), Some((9, 18)));
        assert!(!figures.shown);
        assert!(figures.toggle().contains("kitty graphics"));
        // Off by the setting, then on: shown.
        let mut figures = Figures::new(None, None, None);
        figures.set_protocol(Some(Protocol::Kitty), None);
        assert!(figures.shown);
        figures.set_protocol(None, None);
        assert!(!figures.shown);
    }

    #[test]
    fn each_protocol_writes_its_own_sequence() {
        let kitty = first_cell(Protocol::Kitty);
        assert!(
            kitty.contains("_Gq=2,") && kitty.contains("a=T"),
            "{kitty:?}"
        );
        let sixel = first_cell(Protocol::Sixel);
        assert!(sixel.contains("\x1bP") && sixel.contains('#'), "{sixel:?}");
        assert!(first_cell(Protocol::Iterm2).contains("1337;File="));
        // Half-blocks write no sequence at all: colours and a character.
        let half = first_cell(Protocol::Halfblocks);
        assert!(
            !half.contains('\x1b') && half.chars().count() == 1,
            "{half:?}"
        );
    }

    #[test]
    fn each_protocol_writes_nothing_of_the_others() {
        let kitty = written(Protocol::Kitty, false).unwrap();
        assert!(kitty.contains(KITTY) && !kitty.contains(SIXEL) && !kitty.contains(ITERM2));
        let sixel = written(Protocol::Sixel, false).unwrap();
        assert!(sixel.contains(SIXEL) && !sixel.contains(KITTY) && !sixel.contains(ITERM2));
        // A sixel picture: DCS, parameters, `q`, and the bands.
        let dcs = &sixel[sixel.find(SIXEL).unwrap()..];
        assert!(
            dcs[2..]
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                .starts_with('q')
        );
        let iterm2 = written(Protocol::Iterm2, false).unwrap();
        assert!(iterm2.contains(ITERM2) && !iterm2.contains(KITTY) && !iterm2.contains(SIXEL));
        // Two rows, a picture each.
        assert_eq!(iterm2.matches(ITERM2).count(), 2, "{iterm2:?}");
        let half = written(Protocol::Halfblocks, false).unwrap();
        assert!(!half.contains('\x1b'), "{half:?}");
    }

    #[test]
    fn inside_tmux_pictures_go_through_its_passthrough() {
        // Every escape of the picture is doubled inside tmux's own DCS.
        let kitty = written(Protocol::Kitty, true).unwrap();
        assert!(kitty.starts_with("\x1bPtmux;\x1b\x1b_G"), "{kitty:?}");
        // No kitty sequence outside the passthrough.
        assert!(
            !kitty.replace("\x1b\x1b_G", "").contains(KITTY),
            "{kitty:?}"
        );
        let iterm2 = written(Protocol::Iterm2, true).unwrap();
        assert!(iterm2.contains("\x1bPtmux;"), "{iterm2:?}");
        assert!(iterm2.contains("\x1b\x1b]1337;File="), "{iterm2:?}");
        // Sixel is never sent through tmux: its DA1 is tmux's own.
        assert!(written(Protocol::Sixel, true).is_none());
        // Half-blocks are the same anywhere.
        assert_eq!(
            written(Protocol::Halfblocks, true),
            written(Protocol::Halfblocks, false)
        );
    }
}
