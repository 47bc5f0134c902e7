//! Loading images: addresses, sizes, decoding, and hostile files.

use std::io::Write;

use super::*;

/// A PNG of `w`x`h` pixels, made here rather than kept as a file.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (u32::try_from(data.len()).unwrap()).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG that declares `w`x`h` pixels and holds a few bytes of them: a
/// decompression bomb, as far as its header goes.
pub fn bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend(chunk(b"IHDR", &ihdr));
    // A zlib stream of zeros: it inflates to as much as is asked.
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

#[test]
fn addresses_resolve_to_files_beside_the_article_and_nothing_remote() {
    let base = Path::new("/articles/essay");
    assert_eq!(
        resolve("fig/chart.png", Some(base)),
        Ok(base.join("fig/chart.png"))
    );
    assert_eq!(
        resolve("/abs/a.png", Some(base)),
        Ok(PathBuf::from("/abs/a.png"))
    );
    assert_eq!(resolve("../up.png", Some(base)), Ok(base.join("../up.png")));
    assert_eq!(
        resolve("a%20b.png?x=1#y", Some(base)),
        Ok(base.join("a b.png"))
    );
    assert_eq!(
        resolve("file:///tmp/x.png", Some(base)),
        Ok(PathBuf::from("/tmp/x.png"))
    );
    assert_eq!(
        resolve("https://e.com/a.png", Some(base)),
        Err(Failure::Remote)
    );
    assert_eq!(resolve("HTTP://e.com/a.png", None), Err(Failure::Remote));
    assert_eq!(resolve("//cdn.e.com/a.png", None), Err(Failure::Remote));
    assert_eq!(
        resolve("data:image/png;base64,AAAA", None),
        Err(Failure::Unsupported)
    );
    assert_eq!(resolve("  ", None), Err(Failure::Unsupported));
    assert_eq!(resolve("c.png", None), Ok(PathBuf::from("c.png")));
}

#[test]
fn sizes_come_from_the_header_and_pictures_decode() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.png", &png(40, 30));
    assert_eq!(probe(&path), Ok((40, 30)));
    let image = decode(&path).unwrap();
    assert_eq!((image.width(), image.height()), (40, 30));
    // JPEG, GIF and WebP too, the GIF's first frame.
    for format in [
        image::ImageFormat::Jpeg,
        image::ImageFormat::Gif,
        image::ImageFormat::WebP,
    ] {
        let mut bytes = Vec::new();
        image::DynamicImage::ImageRgba8(image.to_rgba8())
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .or_else(|_| {
                image::DynamicImage::ImageRgb8(image.to_rgb8())
                    .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            })
            .unwrap();
        let path = write(dir.path(), &format!("a.{format:?}"), &bytes);
        assert_eq!(probe(&path), Ok((40, 30)), "{format:?}");
        let image = decode(&path).unwrap();
        assert_eq!((image.width(), image.height()), (40, 30), "{format:?}");
    }
    // A large one is kept at a screen's size.
    let path = write(dir.path(), "big.png", &png(4000, 1000));
    let image = decode(&path).unwrap();
    assert_eq!((image.width(), image.height()), (KEPT_SIDE, KEPT_SIDE / 4));
}

#[test]
fn hostile_images_fail_with_a_reason_and_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    // A bomb: 50000x50000 declared.
    let path = write(dir.path(), "bomb.png", &bomb(50_000, 50_000));
    assert_eq!(probe(&path), Err(Failure::TooLarge));
    assert_eq!(decode(&path).err(), Some(Failure::TooLarge));
    // Within the sides, over the memory: still refused by the limits.
    let path = write(dir.path(), "wide.png", &bomb(MAX_SIDE, MAX_SIDE));
    assert_eq!(decode(&path).err(), Some(Failure::TooLarge));
    // A truncated PNG.
    let whole = png(64, 64);
    let path = write(dir.path(), "cut.png", &whole[..whole.len() / 2]);
    assert_eq!(decode(&path).err(), Some(Failure::CannotDecode));
    // Random bytes, with and without an image's name.
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for name in ["noise.png", "noise.jpg", "noise"] {
        let path = write(dir.path(), name, &noise);
        assert_eq!(probe(&path), Err(Failure::CannotDecode), "{name}");
        assert_eq!(decode(&path).err(), Some(Failure::CannotDecode), "{name}");
    }
    // Text served as a PNG, an empty file, a broken SVG.
    let path = write(dir.path(), "text.png", b"<html>not found</html>");
    assert_eq!(decode(&path).err(), Some(Failure::CannotDecode));
    let path = write(dir.path(), "empty.png", b"");
    assert_eq!(decode(&path).err(), Some(Failure::CannotDecode));
    let path = write(
        dir.path(),
        "d.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'><g>",
    );
    assert_eq!(probe(&path), Err(Failure::CannotDecode));
    let path = write(
        dir.path(),
        "e.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='30' height='20'/>",
    );
    assert_eq!(probe(&path), Ok((30, 20)));
    assert_eq!(decode(&path).map(|i| (i.width(), i.height())), Ok((30, 20)));
    // Missing, a folder, a path out through `..` that is not there.
    assert_eq!(probe(&dir.path().join("none.png")), Err(Failure::Missing));
    assert_eq!(probe(dir.path()), Err(Failure::NotAFile));
    assert_eq!(
        probe(&dir.path().join("../../no/such/place.png")),
        Err(Failure::Missing)
    );
    assert_eq!(decode_bytes(&noise).err(), Some(Failure::CannotDecode));
    assert!(decode_bytes(&png(3, 3)).is_ok());
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_device_or_a_pipe_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.png");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    assert_eq!(probe(&link), Err(Failure::NotAFile));
    assert_eq!(decode(&link).err(), Some(Failure::NotAFile));
    let fifo = dir.path().join("pipe.png");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    assert_eq!(probe(&fifo), Err(Failure::NotAFile));
}

#[test]
fn the_loader_answers_on_its_thread_and_caches_what_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "a.png", &png(40, 20));
    let bad = write(dir.path(), "b.png", b"junk");
    let encode: Encode<(u32, u32, u16, u16)> = Arc::new(|image: &DynamicImage, cols, rows| {
        Some(((image.width(), image.height(), cols, rows), 16))
    });
    let mut loader = Loader::start(encode).unwrap();
    assert_eq!(loader.size(&good), None);
    assert_eq!(loader.size(&bad), None);
    let want = Want {
        path: good.clone(),
        cols: 4,
        rows: 2,
    };
    assert!(loader.picture(&want).is_none());
    let news = loader.wait();
    assert!(!loader.busy());
    assert!(news.contains(&News::Size(good.clone(), Ok((40, 20)))));
    assert!(news.contains(&News::Size(bad.clone(), Err(Failure::CannotDecode))));
    assert!(news.contains(&News::Picture(want.clone())));
    assert_eq!(loader.size(&good), Some(Ok((40, 20))));
    let made = loader.picture(&want).unwrap().unwrap();
    assert_eq!(*made, (40, 20, 4, 2));
}
