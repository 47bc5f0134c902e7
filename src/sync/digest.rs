//! Document identity as KOReader knows it, so that the same file read in
//! KOReader and in longform is one document on the sync server: the
//! partial MD5 of the file's bytes (KOReader's `util.partialMD5`), or the
//! MD5 of the file's name. Also the MD5 of a password, which KOReader
//! sends as the user's key.

use std::io::{self, Read, Seek, SeekFrom};

use md5::{Digest, Md5};

/// How many bytes each sample of the partial MD5 reads, and the step its
/// offsets grow from.
const SAMPLE: usize = 1024;

/// The offsets KOReader samples: `bit.lshift(1024, 2*i)` for i = -1..=10.
/// LuaJIT's shift takes its count modulo 32 on 32-bit integers, so i = -1
/// shifts by 30 and truncates to 0: the first sample is the file's head.
fn offsets() -> impl Iterator<Item = u64> {
    (-1i32..=10).map(|i| {
        let shift = (2 * i).rem_euclid(32) as u32;
        // A u32 shift drops what passes bit 31, as LuaJIT's does.
        u64::from((SAMPLE as u32).wrapping_shl(shift))
    })
}

/// The MD5 of `bytes` as 32 lowercase hex digits.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// KOReader's partial MD5 of a file's bytes.
pub fn partial_md5(bytes: &[u8]) -> String {
    let mut md5 = Md5::new();
    for offset in offsets() {
        let Some(start) = usize::try_from(offset).ok().filter(|&o| o < bytes.len()) else {
            // Lua's read returns nil past the end: KOReader stops there.
            break;
        };
        md5.update(&bytes[start..bytes.len().min(start + SAMPLE)]);
    }
    hex(&md5.finalize())
}

/// KOReader's partial MD5 read from a file without loading it: a seek and
/// a read of at most 1 KiB per sample.
pub fn partial_md5_of(mut file: impl Read + Seek) -> io::Result<String> {
    let len = file.seek(SeekFrom::End(0))?;
    let mut md5 = Md5::new();
    let mut buf = [0u8; SAMPLE];
    for offset in offsets() {
        if offset >= len {
            break;
        }
        file.seek(SeekFrom::Start(offset))?;
        let want = usize::try_from(len - offset).map_or(SAMPLE, |n| n.min(SAMPLE));
        file.read_exact(&mut buf[..want])?;
        md5.update(&buf[..want]);
    }
    Ok(hex(&md5.finalize()))
}

/// KOReader's "filename" document key: the MD5 of the file's name, without
/// its folder.
pub fn filename_md5(name: &str) -> String {
    md5_hex(name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes `scripts/partial_md5_vectors.py` hashes.
    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| ((i * 31) ^ (i >> 10)) as u8).collect()
    }

    /// Made by `scripts/partial_md5_vectors.py`, a separate Python
    /// reimplementation of KOReader's `util.partialMD5` (with LuaJIT's
    /// 32-bit `bit.lshift`), run once.
    const VECTORS: [(usize, &str); 19] = [
        (0, "d41d8cd98f00b204e9800998ecf8427e"),
        (1, "93b885adfe0da089cdf634904fd59f71"),
        (1023, "bb168571bc7ecc96a1da505efe605c9d"),
        (1024, "3b8c05811968feb743bfe7ba3189fc03"),
        (1025, "07fd8a8d6764fc06f536c710f432b563"),
        (2048, "d545020e2ee7f039b4e67b6be341ca06"),
        (4096, "d545020e2ee7f039b4e67b6be341ca06"),
        (4097, "841d71db1ebffdd396af1e3950a9550b"),
        (5120, "539d314e92b716a3d840e2c1d773920c"),
        (16384, "539d314e92b716a3d840e2c1d773920c"),
        (17000, "9984b08cb591243414c7da356f23ca6c"),
        (65536, "b98446007fcfdd9f89c6f7a7a8d392ac"),
        (70000, "982a0017f9d562d11a6b3215f5c5d683"),
        (262144, "982a0017f9d562d11a6b3215f5c5d683"),
        (300000, "e05d1272b61ec30e4b5e6238ec1e2ebf"),
        (1048576, "e05d1272b61ec30e4b5e6238ec1e2ebf"),
        (1100000, "ac8b6e17d076dbdf53b83be722c2928e"),
        (4194304, "ac8b6e17d076dbdf53b83be722c2928e"),
        (4200000, "8a04f8113834b8ece97d7f046791e116"),
    ];

    #[test]
    fn the_offsets_are_koreaders() {
        let got: Vec<u64> = offsets().collect();
        let mut want = vec![0];
        want.extend((0..=10).map(|i| 1024u64 << (2 * i)));
        assert_eq!(got, want);
    }

    #[test]
    fn partial_md5_matches_the_vectors() {
        for (n, want) in VECTORS {
            let bytes = sample(n);
            assert_eq!(partial_md5(&bytes), want, "{n} bytes");
            let read = partial_md5_of(std::io::Cursor::new(&bytes)).unwrap();
            assert_eq!(read, want, "{n} bytes, read with seeks");
        }
    }

    #[test]
    fn names_and_passwords_are_plain_md5() {
        // From Python's hashlib.
        assert_eq!(
            filename_md5("the-slow-web.md"),
            "f8f26c49afd9546b5fde8f4801b7636d"
        );
        assert_eq!(
            filename_md5("Les Misérables.epub"),
            "b52243e30c4613e8e83d76d2e7e671e4"
        );
        assert_eq!(md5_hex(b"secret"), "5ebe2294ecd0e0f08eab7690d2a6ee69");
    }
}
