//! A long article parsed in pieces on the machine's cores and joined into
//! one document: the document one parse of the whole gives (the tests hold
//! it to that), without ever holding pulldown-cmark's block tree of the
//! whole text, which takes about five bytes for each byte of Markdown.
//!
//! The reader parses on the cores it leaves free: the first frame and
//! the keys must not wait for a core.
//!
//! The pieces are `window::Pieces`, cut where a block surely starts and
//! parsed with the link definitions and footnote numbers of the whole
//! text, as `longform cat` writes them. Joining them renumbers what each
//! piece numbered on its own: containers, links and heading slugs.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use super::Slugs;
use super::window::{Numbering, Pieces, Scan};
use crate::document::{Document, Link, LinkId, for_each_span_mut};

/// The size of the pieces the reader parses a long article in. The
/// parse peaks as the last piece is parsed, when the document is nearly
/// whole and pulldown-cmark's tree of that piece is held beside it (about
/// five bytes for each byte of the piece): pieces of 64 KiB rather than
/// 256 KiB take 0.7 MiB off the reader's peak at 10 MB, in about the same
/// time. `cat`, which holds a few pieces and never the whole, keeps
/// `cli::CAT_PIECE`.
pub const PIECE: usize = 64 * 1024;

/// Parse `text` in pieces of about `size` bytes, side by side on up to
/// `workers` threads; `None` when `stop` was set before the end.
pub fn parse_in_pieces(
    source: &Arc<str>,
    size: usize,
    workers: usize,
    stop: &AtomicBool,
) -> Option<Document> {
    parse_scanned(source, size, workers, stop, None)
}

/// `parse_in_pieces`, with the scan of the text as the parser reads it
/// (`parse::prepared`) already made, when `scan` is given.
pub fn parse_scanned(
    source: &Arc<str>,
    size: usize,
    workers: usize,
    stop: &AtomicBool,
    scan: Option<Scan>,
) -> Option<Document> {
    let mut joined = Joined::new(source);
    // The pieces are cut at line ends, and a lone CR ends a line too: as
    // one parse sees them (one byte for one, so no offset moves).
    let text = &super::prepared(source);
    let pieces = match scan {
        Some(scan) => Pieces::scanned(text, size, workers, scan),
        None => Pieces::new(text, size, workers),
    };
    let count = pieces.ranges.len();
    let workers = workers.clamp(1, count.max(1));
    if workers == 1 {
        // One after the other, each piece is numbered from what the ones
        // before really numbered: never parsed twice.
        for i in 0..count {
            let (doc, first, after) = pieces.parse_after(text, i, &joined.numbering, stop)?;
            pieces.advance(text, &mut joined.numbering, after);
            joined.add(doc, first, pieces.ranges[i].clone());
            if i % TRIM_EVERY == TRIM_EVERY - 1 || i + 2 == count {
                give_back_free_memory();
            }
        }
        // The pieces' index goes before the document's last lists are
        // made: the parse's peak is at its end.
        drop(pieces);
        return Some(joined.finish(text));
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Parsed)>();
    let done = std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (pieces, next) = (&pieces, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return;
                    }
                    let Some(parsed) = pieces.parse_unless(text, i, stop) else {
                        return;
                    };
                    if tx.send((i, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Pieces are joined in order as they come; one that comes early
        // waits here.
        let mut waiting = std::collections::BTreeMap::new();
        let mut want = 0;
        for (i, parsed) in &rx {
            waiting.insert(i, parsed);
            while let Some(parsed) = waiting.remove(&want) {
                if joined.push(&pieces, text, want, parsed, stop).is_none() {
                    return false;
                }
                if want % TRIM_EVERY == TRIM_EVERY - 1 {
                    give_back_free_memory();
                }
                want += 1;
            }
        }
        want == count
    });
    drop(pieces);
    (done && !stop.load(Ordering::Relaxed)).then(|| joined.finish(text))
}

/// A piece parsed: its document, the index of its first block, and the
/// footnote labels it numbered (see `Pieces::parse`).
type Parsed = (Document, usize, Vec<String>);

/// The document being joined, piece after piece.
struct Joined {
    doc: Document,
    slugs: Slugs,
    /// The link of the front matter's URL, which one parse adds last.
    url_link: Option<Link>,
    fingerprint: u64,
    /// The footnote labels numbered so far.
    numbering: Numbering,
}

impl Joined {
    fn new(text: &str) -> Joined {
        Joined {
            doc: Document {
                source_len: text.len(),
                ..Document::default()
            },
            slugs: Slugs::default(),
            url_link: None,
            fingerprint: super::fingerprint(text),
            numbering: Numbering::default(),
        }
    }

    /// Join piece `i` of `text`, parsed. A piece numbered from other
    /// footnotes than the pieces before it numbered is parsed again first.
    /// `None` when `stop` was set during that parse.
    fn push(
        &mut self,
        pieces: &Pieces,
        text: &Arc<str>,
        i: usize,
        parsed: Parsed,
        stop: &AtomicBool,
    ) -> Option<()> {
        let (doc, first, after) = if pieces.numbered_as(&self.numbering, i) {
            parsed
        } else {
            pieces.parse_after(text, i, &self.numbering, stop)?
        };
        pieces.advance(text, &mut self.numbering, after);
        self.add(doc, first, pieces.ranges[i].clone());
        Some(())
    }

    /// Add the piece `range`, parsed into `doc` whose blocks from `first`
    /// on are the piece's (those before are there for their spacing).
    fn add(&mut self, doc: Document, first: usize, range: Range<usize>) {
        let Document {
            meta,
            blocks,
            containers,
            headings,
            links,
            footnotes,
            words_before_block,
            anchors,
            ..
        } = doc;
        let first_piece = range.start == 0;
        let url_link = meta.url_link.map(|l| l as usize);
        // The lists are sized for the whole text as the pieces so far
        // foretell it: grown by doubling, a list of 40,000 blocks took
        // room for 65,536, and twice that while it was moved.
        let whole = self.doc.source_len;
        reserve_for_whole(&mut self.doc.blocks, blocks.len() - first, range.end, whole);
        let counts = blocks.len() - first + usize::from(self.doc.blocks.is_empty());
        reserve_for_whole(&mut self.doc.words_before_block, counts, range.end, whole);
        reserve_for_whole(&mut self.doc.containers, containers.len(), range.end, whole);
        reserve_for_whole(&mut self.doc.links, links.len(), range.end, whole);
        reserve_for_whole(&mut self.doc.headings, headings.len(), range.end, whole);
        if first_piece {
            self.doc.meta = meta;
            self.doc.meta.url_link = None;
        }
        // Links, in the order they were met, are the piece's from where it
        // starts: those before belong to the piece before.
        let mut link_at = vec![None; links.len()];
        for (i, link) in links.into_iter().enumerate() {
            if first_piece && Some(i) == url_link {
                self.url_link = Some(link);
            } else if range.contains(&link.source()) {
                link_at[i] = u32::try_from(self.doc.links.len()).ok();
                self.doc.links.push(link);
            }
        }
        // Containers are the piece's when their first block is (a piece
        // starts outside any container): not those of the blocks before,
        // nor the stand-in definitions after it.
        let offset = self.doc.blocks.len();
        let kept = first..blocks.len();
        let mut container_at = vec![None; containers.len()];
        for (i, mut c) in containers.into_iter().enumerate() {
            if let Some(block) = c.first_block().filter(|b| kept.contains(b)) {
                container_at[i] = Some(self.doc.containers.len());
                c.set_parent(c.parent().and_then(|p| container_at[p]));
                c.set_first_block(Some(block - first + offset));
                self.doc.containers.push(c);
            }
        }
        let words_at = |i: usize| words_before_block.get(i).map_or(0, |&w| w as usize);
        for (i, mut block) in blocks.into_iter().enumerate().skip(first) {
            block.set_container(block.container().and_then(|c| container_at[c]));
            for_each_span_mut(&mut block.kind, |span| {
                span.set_link(
                    span.link()
                        .and_then(|l| link_at[l.index() as usize])
                        .and_then(LinkId::new),
                );
            });
            let words = words_at(i + 1).saturating_sub(words_at(i));
            self.doc.push_block(block, words);
        }
        for mut heading in headings.into_iter().filter(|h| h.block >= first) {
            heading.block = heading.block - first + offset;
            let base = match heading.base.take() {
                Some(base) => base,
                None => std::mem::take(&mut heading.slug),
            };
            heading.slug = self.slugs.unique(base.clone());
            heading.base = (heading.slug != base).then_some(base);
            self.doc.headings.push(heading);
        }
        // The piece's own: not the blocks' before it.
        self.doc
            .anchors
            .extend(anchors.into_iter().filter(|(_, at)| range.contains(at)));
        // Numbered definitions with nothing in them keep their place.
        self.doc.footnotes.reach(footnotes.len());
        for (n, container) in footnotes.defined() {
            if let Some(c) = container_at[container] {
                self.doc.footnotes.define(n, c);
            }
        }
    }

    fn finish(mut self, text: &Arc<str>) -> Document {
        if let Some(link) = self.url_link {
            self.doc.meta.url_link = u32::try_from(self.doc.links.len()).ok();
            self.doc.links.push(link);
        }
        // The lists grew by doubling as pieces came.
        self.doc.blocks.shrink_to_fit();
        self.doc.words_before_block.shrink_to_fit();
        self.doc.containers.shrink_to_fit();
        self.doc.links.shrink_to_fit();
        self.doc.headings.shrink_to_fit();
        self.doc.anchors.shrink_to_fit();
        self.doc.footnotes.shrink_to_fit();
        self.doc.fingerprint = self.fingerprint;
        self.doc.text = Arc::clone(text);
        self.doc
    }
}

/// Return to the system the pages the parse freed: the pieces' parse
/// trees leave holes between the spans they made, 8 MB for a 10 MB article,
/// that the allocator keeps unless asked. Asked after every few pieces, it
/// keeps the parse's peak near what the document itself takes.
pub fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own heaps, under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Have every thread allocate from one heap on a machine of two cores or
/// fewer. glibc gives each thread an arena of its own, and the reader's
/// document, built on the parse thread, then sits in a second heap beside
/// the first, with the free space of both: about a megabyte more at 10
/// MB. One heap suits a reader parsing on one thread (two cores), whose
/// threads rarely allocate at the same time; not several parse workers,
/// nor `cat`'s, which do. It holds for the threads that allocate after
/// it: the reader calls it before it starts any.
pub fn use_one_heap_on_few_cores() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // The cores this thread may run on, asked in one call; std's count,
        // which also reads the cgroup's CPU quota (a few files, 30–50 µs
        // before the reader's first frame), only when there are more.
        if affinity_cores().is_none_or(|cores| cores > 2)
            && std::thread::available_parallelism().map_or(1, usize::from) > 2
        {
            return;
        }
        // SAFETY: mallopt only sets a parameter of glibc's allocator, which
        // takes its own lock to do so.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

/// How many cores this thread may run on (`sched_getaffinity`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn affinity_cores() -> Option<usize> {
    // SAFETY: a zeroed `cpu_set_t` is an empty set; the call writes at
    // most its size into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        let asked =
            libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &raw mut set);
        (asked == 0).then(|| usize::try_from(libc::CPU_COUNT(&set)).unwrap_or(usize::MAX))
    }
}

/// Have glibc map every allocation of `MAPPED` bytes or more apart from
/// its heap, and give it back to the system when it is freed. By default
/// the bar rises to the size of the largest block freed (up to 32 MiB),
/// so that after the first pieces, the lists and parse trees of each
/// piece are taken from the heap, and what they leave free when they go
/// is held in it, between the spans that stay: 14 MiB more at the end of
/// the reader's parse of 100,000 footnotes, 17 MiB more in `cat` of them,
/// 2 MiB at 10 MB.
pub fn map_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of glibc's allocator, which
    // takes its own lock to do so.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED);
    }
}

/// See `map_large_allocations`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAPPED: libc::c_int = 64 * 1024;

/// Pieces joined between two calls of `give_back_free_memory` (about
/// 2 MB of text, a millisecond of trimming each time).
const TRIM_EVERY: usize = 8;

/// Make room in `list` for `more` items, and when it must grow, for as
/// many as the whole text would give at the rate of the first `done` of
/// its `whole` bytes, and a tenth more.
fn reserve_for_whole<T>(list: &mut Vec<T>, more: usize, done: usize, whole: usize) {
    let need = list.len() + more;
    if need <= list.capacity() {
        return;
    }
    let foretold = (need as u128 * whole as u128 * 11 / (done.max(1) as u128 * 10)) as usize;
    list.reserve_exact(foretold.max(need) - list.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_told_to_stop_gives_nothing() {
        let text: Arc<str> = crate::testgen::article(crate::testgen::SEED, 64 * 1024).into();
        let stop = AtomicBool::new(true);
        for workers in [1, 2] {
            assert!(parse_in_pieces(&text, 4096, workers, &stop).is_none());
        }
        let go = AtomicBool::new(false);
        let doc = parse_in_pieces(&text, 4096, 2, &go).unwrap();
        assert_eq!(doc, crate::parse::parse(&text));
    }

    #[test]
    fn a_parse_with_the_index_scan_is_the_parse_without_it() {
        use crate::parse::window::WindowIndex;
        let notes = crate::testgen::many_footnotes(crate::testgen::SEED, 600);
        let texts = [
            crate::testgen::article(crate::testgen::SEED, 96 * 1024),
            // Labels that read otherwise than they are written, used in
            // capitals or with runs of spaces as well.
            notes
                .replace("[^n1", "[^Note  1")
                .replace("[^n2", "[^NOTE 2"),
            notes,
            // A lone CR ends a line for the parser, which the scan is of.
            "# A\r\rText[^a] in [b].\r\r[^a]: A note.\r[b]: /b\r\r```\r[^c]: no\r```\r".into(),
        ];
        let go = AtomicBool::new(false);
        for text in texts {
            let text: Arc<str> = text.into();
            let index = WindowIndex::of(&crate::parse::prepared(&text));
            for (size, workers) in [(4096, 1), (4096, 2), (1 << 20, 2)] {
                let scan = index.scan().expect("a whole index");
                let doc = parse_scanned(&text, size, workers, &go, Some(scan));
                assert_eq!(doc, parse_in_pieces(&text, size, workers, &go));
                assert_eq!(doc.as_ref(), Some(&crate::parse::parse(&text)));
            }
        }
        // An index of the head has no scan of the whole to give, even
        // when the head is the whole: it knows no definitions.
        let text = crate::testgen::article(crate::testgen::SEED, 256 * 1024);
        assert!(WindowIndex::head(&text, 0).scan().is_none());
        assert!(
            WindowIndex::head("Text[^a].\n\n[^a]: A note.\n", 0)
                .scan()
                .is_none()
        );
    }

    #[test]
    fn html_anchors_in_many_pieces_are_those_of_one_parse() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!(
                "<a name=\"n{i}\"></a>\n\nText {i} [back](#n0).\n\n<p id=\"p{i}\">A paragraph.</p>\n\n"
            ));
        }
        let text: Arc<str> = text.into();
        let doc = parse_in_pieces(&text, 1024, 2, &AtomicBool::new(false)).unwrap();
        let whole = crate::parse::parse(&text);
        assert_eq!(doc.anchors.len(), 600);
        assert_eq!(doc.anchors, whole.anchors);
    }

    #[test]
    fn headings_of_one_name_in_many_pieces_are_told_apart_as_in_one_parse() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("## Same\n\nText {i} under it.\n\n## Own {i}\n\n"));
        }
        text.push_str("## Same-1\n");
        let text: Arc<str> = text.into();
        let doc = parse_in_pieces(&text, 1024, 2, &AtomicBool::new(false)).unwrap();
        assert_eq!(doc.headings, crate::parse::parse(&text).headings);
        let same: Vec<&crate::document::Heading> =
            doc.headings.iter().filter(|h| h.text == "Same").collect();
        assert_eq!((same[0].slug.as_str(), &same[0].base), ("same", &None));
        assert_eq!(same[1].slug, "same-1");
        assert_eq!(same[299].slug, "same-299");
        assert!(same[1..].iter().all(|h| h.base.as_deref() == Some("same")));
        // A heading whose own slug was taken by a number before it.
        let last = doc.headings.last().unwrap();
        assert_eq!(
            (last.slug.as_str(), last.base.as_deref()),
            ("same-1-1", Some("same-1"))
        );
        let own = doc.headings.iter().filter(|h| h.text.starts_with("Own"));
        assert!(own.into_iter().all(|h| h.base.is_none()));
    }
}
