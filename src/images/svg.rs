//! SVG figures, drawn with resvg: the file is read whole (at most
//! `MAX_SVG_BYTES`; a compressed `.svgz` is not read, so nothing can swell
//! past that), parsed without fonts and without any other file or address
//! it names, and rendered on white, as a page shows it, no larger than
//! `KEPT_SIDE` on its longest side. Text in an SVG is not drawn: resvg is
//! built without its text support, which would need fonts.

use std::io::Read;
use std::path::Path;

use image::{DynamicImage, RgbaImage};
use resvg::{tiny_skia, usvg};

use super::{Failure, KEPT_SIDE};

/// The most bytes of an SVG file read: its XML is parsed whole.
pub const MAX_SVG_BYTES: u64 = 4 << 20;

/// Whether `path` names an SVG file, by its extension.
pub fn is_svg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"))
}

/// The SVG at `path`, parsed.
fn tree(path: &Path) -> Result<usvg::Tree, Failure> {
    let (file, meta) = crate::load::open_regular(path).map_err(super::unopenable)?;
    if meta.len() > MAX_SVG_BYTES {
        return Err(Failure::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(MAX_SVG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| Failure::Unreadable)?;
    parse(&bytes)
}

/// The SVG in `bytes`, parsed with nothing fetched: no image it names is
/// read, from a file or from the web, and no font is loaded.
pub fn parse(bytes: &[u8]) -> Result<usvg::Tree, Failure> {
    if bytes.len() as u64 > MAX_SVG_BYTES {
        return Err(Failure::TooLarge);
    }
    // gzip: a small file that may unpack to any size.
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(Failure::CannotDecode);
    }
    let options = usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(bytes, &options).map_err(|_| Failure::CannotDecode)
}

/// The size the SVG is drawn at: its own, made no larger than `KEPT_SIDE`
/// on its longest side, and at least a pixel on each.
fn drawn_size(tree: &usvg::Tree) -> Result<(u32, u32), Failure> {
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(Failure::CannotDecode);
    }
    let scale = (KEPT_SIDE as f32 / w.max(h)).min(1.0);
    let side = |x: f32| ((x * scale).round() as u32).clamp(1, KEPT_SIDE);
    Ok((side(w), side(h)))
}

/// The size of the SVG at `path` as it is drawn.
pub fn probe(path: &Path) -> Result<(u32, u32), Failure> {
    drawn_size(&tree(path)?)
}

/// The SVG at `path`, drawn.
pub fn decode(path: &Path) -> Result<DynamicImage, Failure> {
    render(&tree(path)?)
}

/// `tree` drawn on white at its drawn size.
pub fn render(tree: &usvg::Tree) -> Result<DynamicImage, Failure> {
    let (w, h) = drawn_size(tree)?;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(Failure::TooLarge)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform =
        tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(tree, transform, &mut pixmap.as_mut());
    let mut rgba = Vec::with_capacity(pixmap.data().len());
    for pixel in pixmap.pixels() {
        let c = pixel.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    RgbaImage::from_raw(w, h, rgba)
        .map(DynamicImage::ImageRgba8)
        .ok_or(Failure::CannotDecode)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 20 10">
  <rect x="0" y="0" width="10" height="10" fill="#c81e1e"/>
  <text x="12" y="5">words are not drawn</text>
</svg>"##;

    #[test]
    fn an_svg_is_drawn_at_its_size_on_white() {
        let image = render(&parse(CHART.as_bytes()).unwrap()).unwrap();
        assert_eq!((image.width(), image.height()), (200, 100));
        let rgba = image.to_rgba8();
        assert_eq!(rgba.get_pixel(50, 50).0, [200, 30, 30, 255]);
        // The right half is the page: the text is not drawn.
        assert!(
            rgba.enumerate_pixels()
                .filter(|(x, _, _)| *x >= 100)
                .all(|(_, _, p)| p.0 == [255, 255, 255, 255])
        );
    }

    #[test]
    fn a_huge_svg_is_drawn_no_larger_than_the_kept_side() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="50000" height="25000"><rect width="50000" height="25000" fill="red"/></svg>"#;
        let tree = parse(svg.as_bytes()).unwrap();
        assert_eq!(drawn_size(&tree), Ok((KEPT_SIDE, KEPT_SIDE / 2)));
    }

    #[test]
    fn nothing_outside_the_svg_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("secret.png");
        image::RgbImage::from_pixel(10, 10, image::Rgb([0, 0, 0]))
            .save(&png)
            .unwrap();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
  <image width="10" height="10" href="{}"/>
  <image width="10" height="10" xlink:href="http://127.0.0.1:9/x.png"/>
</svg>"#,
            png.display()
        );
        let image = render(&parse(svg.as_bytes()).unwrap()).unwrap();
        // Only the white page: the black image was never read.
        assert!(
            image
                .to_rgba8()
                .pixels()
                .all(|p| p.0 == [255, 255, 255, 255])
        );
    }

    #[test]
    fn bad_svgs_have_their_reason() {
        assert_eq!(parse(b"<svg><g></svg>").err(), Some(Failure::CannotDecode));
        assert_eq!(
            parse(b"\x1f\x8b\x08\x00rest").err(),
            Some(Failure::CannotDecode)
        );
        assert_eq!(
            parse(&vec![b' '; MAX_SVG_BYTES as usize + 1]).err(),
            Some(Failure::TooLarge)
        );
        // Entities that would expand a billion times are refused by the
        // XML parser.
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>&i;</title></svg>"#;
        assert_eq!(parse(laughs.as_bytes()).err(), Some(Failure::CannotDecode));
        // No size at all.
        assert!(
            parse(br#"<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>"#)
                .and_then(|t| render(&t))
                .is_err()
        );
    }
}
