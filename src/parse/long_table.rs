//! Long tables, a stretch of rows at a time. pulldown-cmark builds the
//! block tree of all it is given before its first event, about a kilobyte
//! for each row of a table: a table longer than `TABLE_STRETCH` is given
//! to it a stretch of rows at a time, each after a copy of the table's
//! header (`feed_rows`). The events are those of one parse, so the
//! document is the same.
//!
//! `longform cat` goes further and never holds a long table's rows at
//! once: a first pass (`measure`) reads the table's cells for what the
//! layout needs from all of them (the column widths, `TableShape`) and
//! keeps none, then each stretch of rows is parsed with that shape
//! (`parse_rows`), laid out, written and dropped (see
//! `window::Pieces::streaming`).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Builder, events, feed_part, options};
use crate::document::{
    Align, Document, Span, TABLE_PART_ROWS, TableShape, cell_min_width, cell_width,
};

/// Bytes of a table's rows that one parser is given (see `feed_rows`).
pub(super) const TABLE_STRETCH: usize = 64 * 1024;

/// The shape of a long table measured by a first pass over all its rows,
/// for a parse of some of them (`Builder::known_table`): their parts are
/// laid out as the whole table's.
#[derive(Clone, Debug)]
pub(crate) struct Known {
    /// Where the table starts, in the text the builder is given.
    pub start: usize,
    pub shape: Arc<TableShape>,
    /// The first row after the header rows that the text holds: the rows
    /// before it are not in the text given (a multiple of
    /// `TABLE_PART_ROWS`, or 0).
    pub first_row: usize,
}

/// A long table measured (`measure`).
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    pub shape: Arc<TableShape>,
    /// Where each part of `TABLE_PART_ROWS` rows starts: the table's start,
    /// then the start of rows 64, 128…
    pub part_starts: Vec<usize>,
    /// Where each row starts, when asked for (`Measure::every_row`).
    row_starts: Vec<u32>,
}

/// A table's cells measured as they are read, none of them kept
/// (`Table::measure`).
#[derive(Debug, Default)]
pub(crate) struct Measure {
    natural: Vec<usize>,
    narrowest: Vec<usize>,
    /// The widest cell of each column below the header rows.
    body: Vec<usize>,
    /// Whether the header rows are read.
    head_read: bool,
    /// Cells read so far in the row.
    cells: usize,
    /// Where each row that starts a part starts.
    part_starts: Vec<usize>,
    rows: usize,
    /// Where every row starts, for rows of a stretch measured on their own
    /// (`measure_on`), whose index in the table is not known yet.
    row_starts: Option<Vec<u32>>,
}

impl Measure {
    /// A measure that also keeps where every row starts.
    fn every_row() -> Measure {
        Measure {
            row_starts: Some(Vec::new()),
            ..Measure::default()
        }
    }

    /// Row `r` starts at `at`.
    pub(super) fn row(&mut self, r: usize, at: usize) {
        if let Some(starts) = &mut self.row_starts {
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        } else if r.is_multiple_of(TABLE_PART_ROWS) {
            self.part_starts.push(at);
        }
        self.rows = r + 1;
        self.cells = 0;
    }

    /// The next cell of the row, read from `src`: as `TableShape::measure`
    /// measures it.
    pub(super) fn cell(&mut self, cell: &[Span], src: &str) {
        let c = self.cells;
        self.cells += 1;
        if self.natural.len() <= c {
            self.natural.resize(c + 1, 1);
            self.narrowest.resize(c + 1, 1);
        }
        let width = cell_width(cell, src);
        self.natural[c] = self.natural[c].max(width);
        self.narrowest[c] = self.narrowest[c].max(cell_min_width(cell, src));
        if self.head_read {
            if self.body.len() <= c {
                self.body.resize(c + 1, 1);
            }
            self.body[c] = self.body[c].max(width);
        }
    }

    /// The header rows are read: the cells after them are the body's.
    pub(super) fn end_head(&mut self) {
        self.head_read = true;
    }

    /// Add the rows after the header rows of a stretch measured on its own
    /// (`every_row`), and its widths.
    fn add(&mut self, stretch: &Measured) {
        for &at in stretch.row_starts.iter().skip(stretch.shape.header_rows) {
            self.row(self.rows, at as usize);
        }
        let shape = &stretch.shape;
        if self.natural.len() < shape.natural.len() {
            self.natural.resize(shape.natural.len(), 1);
            self.narrowest.resize(shape.natural.len(), 1);
        }
        for (c, (&n, &w)) in shape.natural.iter().zip(&shape.narrowest).enumerate() {
            self.natural[c] = self.natural[c].max(n);
            self.narrowest[c] = self.narrowest[c].max(w);
        }
        if self.body.len() < shape.body.len() {
            self.body.resize(shape.body.len(), 1);
        }
        for (c, &b) in shape.body.iter().enumerate() {
            self.body[c] = self.body[c].max(b);
        }
    }

    /// The table that starts at `start`, measured.
    pub(super) fn finish(
        mut self,
        aligns: Vec<Align>,
        header_rows: usize,
        start: usize,
    ) -> Measured {
        let columns = self.natural.len().max(aligns.len());
        self.natural.resize(columns, 1);
        self.narrowest.resize(columns, 1);
        let body = if header_rows == 0 {
            self.natural.clone()
        } else {
            self.body.resize(columns, 1);
            self.body
        };
        if let Some(first) = self.part_starts.first_mut() {
            *first = start;
        }
        Measured {
            shape: Arc::new(TableShape {
                aligns,
                header_rows,
                rows: self.rows,
                columns,
                natural: self.natural,
                narrowest: self.narrowest,
                body,
            }),
            part_starts: self.part_starts,
            row_starts: self.row_starts.unwrap_or_default(),
        }
    }
}

/// The tables of `text` longer than `TABLE_STRETCH` that start where a
/// block surely starts (outside containers, code and HTML): the range of
/// the header and alignment lines of each.
pub(super) fn long_tables(text: &str) -> Vec<Range<usize>> {
    super::window::block_starts(text, 0, text.len())
        .into_iter()
        .filter_map(|start| table_head(text, start, TABLE_STRETCH))
        .collect()
}

/// The header and alignment lines of the table at `start`, a block start
/// outside containers, code and HTML, if one starts there whose lines run
/// on for more than `longer` bytes.
pub(crate) fn table_head(text: &str, start: usize, longer: usize) -> Option<Range<usize>> {
    let line_end =
        |from: usize| memchr::memchr(b'\n', &text.as_bytes()[from..]).map(|n| from + n + 1);
    let second = line_end(start)?;
    let body = line_end(second)?;
    let delimiters = text[second..body].trim();
    if !text[start..second].contains('|')
        || !delimiters.contains('-')
        || !delimiters.bytes().all(|b| b"|:- \t".contains(&b))
    {
        return None;
    }
    // Its rows run to a blank line (or another block, which a shorter
    // table would then be).
    let mut end = body;
    while end - start <= longer {
        match line_end(end) {
            Some(next) if !text[end..next].trim().is_empty() => end = next,
            _ => break,
        }
    }
    if end - start <= longer {
        return None;
    }
    let head = &text[start..body];
    matches!(
        Parser::new_ext(head, options()).next(),
        Some(Event::Start(Tag::Table(_)))
    )
    .then_some(start..body)
}

/// Give `builder` the events of the rows `rows` of the table whose header
/// and alignment lines are `head`, a stretch at a time: the rows right
/// after the header as the text has them, others after a copy of the
/// header. The header's events are given only with `keep_head`, before
/// the first stretch. `rows` start and end at line starts (or the end of
/// the text). Gives where the table ends, `None` when it goes on past
/// `rows` (its end is not given then); `None` outside when `stop` was set.
pub(super) fn feed_rows(
    builder: &mut Builder<'_>,
    text: &str,
    head: Range<usize>,
    rows: Range<usize>,
    keep_head: bool,
    references: Option<&HashMap<String, String>>,
    stop: &AtomicBool,
) -> Option<Option<usize>> {
    let bytes = text.as_bytes();
    let mut at = rows.start;
    let mut first = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let reach = (at + TABLE_STRETCH).min(rows.end);
        let cut = if reach >= rows.end {
            rows.end
        } else {
            memchr::memchr(b'\n', &bytes[reach..rows.end]).map_or(rows.end, |n| reach + n + 1)
        };
        let copy;
        let part = if at == head.end {
            &text[head.start..cut]
        } else {
            copy = [&text[head.clone()], &text[at..cut]].concat();
            copy.as_str()
        };
        // Offsets of the part in the text: a copy of the header stands at
        // the start of the rows.
        let skip = head.len();
        let map = |o: usize| {
            if o < skip {
                head.start + o
            } else {
                at + (o - skip)
            }
        };
        let mut in_head = !(keep_head && first);
        let mut ended = None;
        for (event, r) in events(part, references) {
            if in_head {
                in_head = !matches!(event, Event::End(TagEnd::TableHead));
                continue;
            }
            if matches!(event, Event::End(TagEnd::Table)) {
                let end = map(r.end);
                if end < cut || cut == text.len() {
                    builder.event(event, map(r.start)..end);
                    ended = Some(end);
                }
                break;
            }
            builder.event(event, map(r.start)..map(r.end));
        }
        if ended.is_some() {
            return Some(ended);
        }
        if cut >= rows.end {
            return Some(None);
        }
        at = cut;
        first = false;
    }
}

/// How the rows of a long table are read: as the parse of the piece of
/// text they are in reads them.
#[derive(Clone, Copy)]
pub(crate) struct Reading<'a> {
    /// The link definitions of the whole text.
    pub references: &'a HashMap<String, String>,
    /// They win over the text's own (see `Part::references_win`).
    pub references_win: bool,
    /// Count the words of each block.
    pub count: bool,
}

/// A builder of `text` set up for `how`.
fn builder<'s>(text: &'s str, how: Reading<'s>) -> Builder<'s> {
    let mut builder = Builder::new(text);
    builder.markdown = true;
    builder.count = how.count;
    builder.references = how.references_win.then_some(how.references);
    builder
}

/// Measure the table whose header and alignment lines are `head`, with
/// its rows up to `until` at most, without keeping their spans.
pub(crate) fn measure(
    text: &str,
    head: Range<usize>,
    until: usize,
    how: Reading<'_>,
) -> Option<Measured> {
    measure_rows(text, head.clone(), head.end..until, how, Measure::default()).map(|(m, _)| m)
}

/// `measure` on up to `workers` threads: the rows are cut into stretches
/// at line starts, each measured after a copy of the header, and the
/// measures of the stretches up to the one where the table ends are put
/// together. The same shape, in a fraction of the time.
pub(crate) fn measure_on(
    text: &str,
    head: Range<usize>,
    until: usize,
    how: Reading<'_>,
    workers: usize,
) -> Option<Measured> {
    let bytes = text.as_bytes();
    let each = (until - head.end)
        .div_ceil(workers.max(1))
        .max(TABLE_STRETCH);
    let mut cuts = vec![head.end];
    let mut at = head.end;
    while at + each < until {
        at = memchr::memchr(b'\n', &bytes[at + each..until]).map_or(until, |n| at + each + n + 1);
        cuts.push(at);
    }
    if cuts.last() != Some(&until) {
        cuts.push(until);
    }
    if cuts.len() <= 2 {
        return measure(text, head, until, how);
    }
    let stretches: Vec<Option<(Measured, bool)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let (head, rows) = (head.clone(), w[0]..w[1]);
                scope.spawn(move || measure_rows(text, head, rows, how, Measure::every_row()))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut stretches = stretches.into_iter();
    let (first, mut ended) = stretches.next()??;
    let header_rows = first.shape.header_rows;
    let mut whole = Measure::default();
    // The header rows, then the rows of each stretch up to the table's end.
    for r in 0..header_rows {
        let at = first.row_starts.get(r).map_or(head.start, |&s| s as usize);
        whole.row(r, at);
    }
    whole.add(&first);
    for stretch in stretches {
        if ended {
            break;
        }
        let (m, end) = stretch?;
        whole.add(&m);
        ended = end;
    }
    Some(whole.finish(first.shape.aligns.clone(), header_rows, head.start))
}

/// Measure the rows `rows` of the table whose header and alignment lines
/// are `head` with `measure`, and whether the table ends there.
fn measure_rows(
    text: &str,
    head: Range<usize>,
    rows: Range<usize>,
    how: Reading<'_>,
    measure: Measure,
) -> Option<(Measured, bool)> {
    let mut builder = builder(text, how);
    builder.measure_tables = Some(measure);
    let until = rows.end;
    let references = Some(how.references);
    let ended = feed_rows(
        &mut builder,
        text,
        head,
        rows,
        true,
        references,
        &super::NEVER,
    )?;
    if ended.is_none() {
        builder.event(Event::End(TagEnd::Table), until..until);
    }
    builder.measured.map(|m| (m, ended.is_some()))
}

/// The rows `rows` of the long table `table` measured at `head`, from its
/// row `first_row` (a multiple of `TABLE_PART_ROWS` past the header), with
/// what follows the table up to `rows.end`, parsed as parts of the whole
/// table. The document's first block is a part that holds only the
/// header rows, which a narrow table's records are led by (see
/// `Document::table_header`): the rows are from its second block on.
pub(crate) fn parse_rows(
    text: &Arc<str>,
    head: Range<usize>,
    table: &Measured,
    first_row: usize,
    rows: Range<usize>,
    how: Reading<'_>,
) -> Document {
    let mut builder = builder(text, how);
    builder.at_end = rows.end == text.len();
    builder.known_table = Some(Known {
        start: head.start,
        shape: Arc::clone(&table.shape),
        first_row,
    });
    let end = rows.end;
    let references = Some(how.references);
    match feed_rows(
        &mut builder,
        text,
        head,
        rows,
        true,
        references,
        &super::NEVER,
    ) {
        Some(Some(ended)) => {
            let _ = feed_part(&mut builder, text, ended..end, references, &super::NEVER);
        }
        _ => builder.event(Event::End(TagEnd::Table), end..end),
    }
    let mut doc = builder.finish();
    doc.source_len = text.len();
    doc.text = Arc::clone(text);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::BlockKind;

    /// The shape and part starts of the table the whole parse finds.
    fn whole(text: &str) -> (TableShape, Vec<usize>) {
        let doc = crate::parse::parse(text);
        let parts: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Table { shape, .. } => Some((shape, b.source().start)),
                _ => None,
            })
            .collect();
        ((**parts[0].0).clone(), parts.iter().map(|p| p.1).collect())
    }

    const HEAD: &str = "| the row's index | b |\n|:-:|--:|\n";

    #[test]
    fn the_first_pass_measures_what_the_whole_parse_does() {
        let references = HashMap::from([("far".to_string(), "https://example.com".to_string())]);
        let how = Reading {
            references: &references,
            references_win: true,
            count: false,
        };
        for rows in [1, 63, 64, 65, 200, 3000, 12_000] {
            // A header wider than the cells under it: measured apart.
            let mut table = format!("Before.\n\n{HEAD}");
            for i in 0..rows {
                match i % 5 {
                    0 => table.push_str(&format!("| {i} | *x* `y\\|z` |\n")),
                    1 => table.push_str(&format!("| {i} |\n")),
                    2 => table.push_str(&format!("| {i} | 日本語 | three | four |\n")),
                    3 => table.push_str(&format!("| {i} | [a link](https://example.com/{i}) |\n")),
                    _ => table.push_str(&format!("| {i} | \"quoted\" -- words of a cell |\n")),
                }
            }
            // Lines after the table that would be rows under a header.
            let lines = format!("\n{}", "| not | a row |\n".repeat(8000));
            for after in ["", "\nAfter.\n", "# Heading\n", &lines] {
                let text = format!("{table}{after}");
                let start = "Before.\n\n".len();
                let head = start..start + HEAD.len();
                let (shape, starts) = whole(&text);
                assert!(shape.body[0] < shape.natural[0], "{shape:?}");
                let alone = measure(&text, head.clone(), text.len(), how).unwrap();
                assert_eq!(*alone.shape, shape, "{rows} rows, then {after:?}");
                assert_eq!(alone.part_starts, starts, "{rows} rows, then {after:?}");
                // On threads, the rows cut into stretches, one of which
                // may end the table before the text does.
                for workers in [2, 3, 7] {
                    let side = measure_on(&text, head.clone(), text.len(), how, workers).unwrap();
                    assert_eq!(
                        *side.shape, shape,
                        "{rows} rows on {workers}, then {after:?}"
                    );
                    assert_eq!(side.part_starts, starts, "{rows} rows on {workers}");
                }
            }
        }
    }
}
