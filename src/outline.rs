//! The article's sections as a tree: what the outline shows and what the
//! heading jumps and the breadcrumb walk. Built from `Document::headings`;
//! no layout and no terminal here.

use std::collections::HashSet;

use crate::document::Document;
use crate::position::Position;

/// One heading and the section it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Index into `Document::headings`.
    pub heading: usize,
    pub level: u8,
    /// Nesting in the tree, 0 at the top. Skipped levels do not add depth:
    /// an H3 straight under an H1 is its child.
    pub depth: usize,
    pub parent: Option<usize>,
    pub title: String,
    pub slug: String,
    /// Source bytes of the section: from its heading up to the next heading
    /// of the same or a higher level.
    pub start: usize,
    pub end: usize,
    /// Where the heading itself ends: a reader at or after it is inside the
    /// section's text, before it is on the heading.
    pub heading_end: usize,
    /// Words in the section, its subsections included.
    pub words: usize,
}

impl Section {
    /// Reading time in whole minutes, at least one.
    pub fn minutes(&self, wpm: usize) -> usize {
        self.words.div_ceil(wpm.max(1)).max(1)
    }
}

/// The section tree of a document, in article order.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    pub sections: Vec<Section>,
}

impl Outline {
    pub fn new(doc: &Document) -> Outline {
        let headings = doc.headings.iter().map(|h| {
            let source = &doc.blocks[h.block].source();
            (h.level, h.text.clone(), h.slug.clone(), source.clone())
        });
        let mut outline = Outline::build(headings, doc.source_len);
        for s in &mut outline.sections {
            s.words = doc
                .words_before(Position(s.end))
                .saturating_sub(doc.words_before(Position(s.start)));
        }
        outline
    }

    /// The outline of an article of `source_len` bytes from its headings
    /// found without the whole parse (`WindowIndex::headings`), with the
    /// words of each section estimated at `words_per_byte`.
    pub fn from_found(
        found: &[crate::parse::window::FoundHeading],
        source_len: usize,
        words_per_byte: f64,
    ) -> Outline {
        let headings = found
            .iter()
            .map(|h| (h.level, h.text.clone(), h.slug.clone(), h.source.clone()));
        let mut outline = Outline::build(headings, source_len);
        for s in &mut outline.sections {
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let words = ((s.end - s.start) as f64 * words_per_byte).round() as usize;
            s.words = words;
        }
        outline
    }

    /// The section tree of headings `(level, text, slug, source)` in
    /// article order, without the words of each section.
    fn build(
        headings: impl ExactSizeIterator<Item = (u8, String, String, std::ops::Range<usize>)>,
        source_len: usize,
    ) -> Outline {
        let mut sections: Vec<Section> = Vec::with_capacity(headings.len());
        // The open sections, their levels rising. A heading closes every
        // open section of its level or deeper, so each section's end is set
        // once, when it is popped: linear, where a search ahead for the
        // next heading of the same level is quadratic in a file of one H1
        // and 100,000 H2s.
        let mut stack: Vec<usize> = Vec::new();
        for (i, (level, title, slug, source)) in headings.enumerate() {
            let start = source.start;
            while let Some(&p) = stack.last()
                && sections[p].level >= level
            {
                sections[p].end = start.max(sections[p].start);
                stack.pop();
            }
            // A heading that is only a picture (a README's logo) is named
            // by what its image says, not `[image: …]`.
            let title = match crate::document::image_alts(&title) {
                Some(alts) if alts.iter().any(|a| !a.trim().is_empty()) => alts.join(" "),
                _ => title,
            };
            sections.push(Section {
                heading: i,
                level,
                depth: stack.len(),
                parent: stack.last().copied(),
                title,
                slug,
                start,
                end: source_len.max(start),
                heading_end: source.end.max(start + 1),
                words: 0,
            });
            stack.push(i);
        }
        Outline { sections }
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The innermost section that `pos` is in.
    pub fn current(&self, pos: Position) -> Option<usize> {
        self.sections
            .partition_point(|s| s.start <= pos.0)
            .checked_sub(1)
    }

    /// The path from the top-level section down to the one at `pos`.
    pub fn path(&self, pos: Position) -> Vec<&Section> {
        let mut path = Vec::new();
        let mut s = self.current(pos);
        while let Some(i) = s {
            path.push(&self.sections[i]);
            s = self.sections[i].parent;
        }
        path.reverse();
        path
    }

    /// The next heading of any level after `pos`.
    pub fn next(&self, pos: Position) -> Option<&Section> {
        self.sections.iter().find(|s| s.start > pos.0)
    }

    /// The previous heading before `pos`: from inside a section, its own.
    /// A reader on a heading line is at that heading, not inside it.
    pub fn prev(&self, pos: Position) -> Option<&Section> {
        self.sections.iter().rev().find(|s| s.heading_end <= pos.0)
    }

    /// The next heading of the same or a higher level than the current
    /// section, skipping subsections.
    pub fn next_peer(&self, pos: Position) -> Option<&Section> {
        let level = self
            .current(pos)
            .map_or(u8::MAX, |i| self.sections[i].level);
        self.sections
            .iter()
            .find(|s| s.start > pos.0 && s.level <= level)
    }

    /// The previous heading of the same or a higher level: from inside a
    /// section, its own heading first.
    pub fn prev_peer(&self, pos: Position) -> Option<&Section> {
        let level = self
            .current(pos)
            .map_or(u8::MAX, |i| self.sections[i].level);
        self.sections
            .iter()
            .rev()
            .find(|s| s.heading_end <= pos.0 && s.level <= level)
    }

    /// Whether section `i` has subsections.
    pub fn has_children(&self, i: usize) -> bool {
        self.sections
            .get(i + 1)
            .is_some_and(|s| s.parent == Some(i))
    }

    /// The section whose slug is `slug`.
    pub fn by_slug(&self, slug: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.slug == slug)
    }

    /// The first heading matching `query`, case-insensitively, by text or
    /// slug: an exact match first, then a prefix, then a substring.
    pub fn find(&self, query: &str) -> Option<&Section> {
        let q = query.trim().to_lowercase();
        let q = q.strip_prefix('#').unwrap_or(&q);
        let keys = |s: &Section| [s.title.to_lowercase(), s.slug.to_lowercase()];
        let by = |test: &dyn Fn(&str) -> bool| {
            self.sections
                .iter()
                .find(|s| keys(s).iter().any(|k| test(k)))
        };
        by(&|k| k == q)
            .or_else(|| by(&|k| k.starts_with(q)))
            .or_else(|| by(&|k| k.contains(q)))
    }

    /// Headings closest to `query`, for a "did you mean" list.
    pub fn closest(&self, query: &str, n: usize) -> Vec<&Section> {
        let q = query.to_lowercase();
        let mut scored: Vec<(usize, &Section)> = self
            .sections
            .iter()
            .map(|s| (edit_distance(&q, &s.title.to_lowercase()), s))
            .collect();
        scored.sort_by_key(|(d, _)| *d);
        scored.into_iter().take(n).map(|(_, s)| s).collect()
    }
}

/// The outline as a list to move through: subtrees can be collapsed, levels
/// below a limit hidden, and headings filtered by a fuzzy query.
#[derive(Clone, Debug)]
pub struct OutlineList {
    /// Index of the selected row among `entries()`.
    pub cursor: usize,
    /// The filter being typed, when filtering.
    pub filter: Option<String>,
    pub collapsed: HashSet<usize>,
    /// Headings deeper than this level are hidden.
    pub max_level: u8,
}

/// One visible row of the outline list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Index into `Outline::sections`.
    pub section: usize,
    /// Char indices of the title that the filter matched.
    pub hits: Vec<usize>,
    /// How well the filter matched: the best match gets the cursor.
    pub score: i64,
}

impl OutlineList {
    /// A list opened with the cursor on `current`, or on the nearest of its
    /// ancestors that is shown.
    pub fn open_at(outline: &Outline, current: Option<usize>) -> OutlineList {
        let mut list = OutlineList {
            cursor: 0,
            filter: None,
            collapsed: HashSet::new(),
            max_level: 6,
        };
        list.select_section(outline, current);
        list
    }

    /// Put the cursor on `section`, or its nearest shown ancestor.
    pub fn select_section(&mut self, outline: &Outline, section: Option<usize>) {
        let entries = self.entries(outline);
        let mut s = section;
        while let Some(i) = s {
            if let Some(row) = entries.iter().position(|e| e.section == i) {
                self.cursor = row;
                return;
            }
            s = outline.sections[i].parent;
        }
        self.cursor = 0;
    }

    fn hidden(&self, outline: &Outline, i: usize) -> bool {
        if outline.sections[i].level > self.max_level {
            return true;
        }
        let mut p = outline.sections[i].parent;
        while let Some(a) = p {
            if self.collapsed.contains(&a) {
                return true;
            }
            p = outline.sections[a].parent;
        }
        false
    }

    /// The rows shown now, in article order.
    pub fn entries(&self, outline: &Outline) -> Vec<Entry> {
        match self.filter.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => {
                let mut fuzzy = crate::fuzzy::Fuzzy::new(q);
                outline
                    .sections
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| {
                        fuzzy.indices(&s.title).map(|(score, hits)| Entry {
                            section: i,
                            hits,
                            score: i64::from(score),
                        })
                    })
                    .collect()
            }
            None => (0..outline.sections.len())
                .filter(|&i| !self.hidden(outline, i))
                .map(|section| Entry {
                    section,
                    hits: Vec::new(),
                    score: 0,
                })
                .collect(),
        }
    }

    /// The section under the cursor.
    pub fn selected(&self, outline: &Outline) -> Option<usize> {
        self.entries(outline).get(self.cursor).map(|e| e.section)
    }

    pub fn move_by(&mut self, outline: &Outline, n: isize) {
        let len = self.entries(outline).len();
        let max = len.saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(n).min(max);
    }

    pub fn first(&mut self) {
        self.cursor = 0;
    }

    pub fn last(&mut self, outline: &Outline) {
        self.cursor = self.entries(outline).len().saturating_sub(1);
    }

    /// Collapse the subtree under the cursor; on a leaf or a collapsed one,
    /// go to its parent.
    pub fn collapse(&mut self, outline: &Outline) {
        let Some(i) = self.selected(outline) else {
            return;
        };
        if outline.has_children(i) && !self.collapsed.contains(&i) {
            self.collapsed.insert(i);
            self.select_section(outline, Some(i));
        } else if let Some(p) = outline.sections[i].parent {
            self.select_section(outline, Some(p));
        }
    }

    /// Expand the subtree under the cursor.
    pub fn expand(&mut self, outline: &Outline) {
        if let Some(i) = self.selected(outline) {
            self.collapsed.remove(&i);
        }
    }

    /// Show headings down to `level` only.
    pub fn set_level(&mut self, outline: &Outline, level: u8) {
        let keep = self.selected(outline);
        self.max_level = level.clamp(1, 6);
        self.select_section(outline, keep);
    }

    /// Start filtering, or change the filter. The rows stay in article
    /// order; the cursor goes to the best match (the first of equals).
    pub fn set_filter(&mut self, outline: &Outline, filter: Option<String>) {
        self.filter = filter;
        let entries = self.entries(outline);
        self.cursor = entries
            .iter()
            .enumerate()
            .max_by_key(|(i, e)| (e.score, std::cmp::Reverse(*i)))
            .map_or(0, |(i, _)| i);
    }
}

/// Levenshtein distance over chars, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A path of sections as a breadcrumb, `A › B › C`, shortened from the left
/// with `…` to fit `width` columns.
pub fn breadcrumb(path: &[&Section], width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let parts: Vec<&str> = path.iter().map(|s| s.title.as_str()).collect();
    let full = parts.join(" › ");
    if full.width() <= width {
        return full;
    }
    for skip in 1..parts.len() {
        let s = format!("… › {}", parts[skip..].join(" › "));
        if s.width() <= width {
            return s;
        }
    }
    // Even the last part is too long: keep its end. Measured by grapheme
    // cluster with the same function as the whole string above, so the
    // result is never wider than `width` (char by char, a control or a
    // combining sequence measured differently and overflowed the bar).
    use unicode_segmentation::UnicodeSegmentation;
    let last = parts.last().copied().unwrap_or("");
    let mut tail: Vec<&str> = Vec::new();
    let mut used = 1;
    for g in last.graphemes(true).rev() {
        let w = g.width();
        if used + w > width {
            break;
        }
        used += w;
        tail.push(g);
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::from("…");
    out.extend(tail.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    const SRC: &str = "Intro words here.\n\n# Part I\n\none two\n\n### Deep\n\nthree four five\n\n## Middle\n\nsix\n\n# Part II\n\nseven eight\n";

    #[test]
    fn skipped_levels_nest_one_deep() {
        let o = Outline::new(&parse(SRC));
        let shape: Vec<(&str, usize, Option<usize>)> = o
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.depth, s.parent))
            .collect();
        assert_eq!(
            shape,
            [
                ("Part I", 0, None),
                ("Deep", 1, Some(0)),
                ("Middle", 1, Some(0)),
                ("Part II", 0, None)
            ]
        );
        // Part I holds its heading, "one two", Deep and Middle.
        assert_eq!(o.sections[0].words, 2 + 2 + 1 + 3 + 1 + 1);
        assert_eq!(o.sections[3].words, 2 + 2);
    }

    #[test]
    fn current_section_at_any_position() {
        let doc = parse(SRC);
        let o = Outline::new(&doc);
        assert_eq!(o.current(Position(0)), None);
        for (i, s) in o.sections.iter().enumerate() {
            assert_eq!(o.current(Position(s.start)), Some(i));
            let inside = Position((s.start + 3).min(doc.source_len));
            assert_eq!(o.current(inside), Some(i));
        }
        let path: Vec<&str> = o
            .path(Position(o.sections[1].start + 2))
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(path, ["Part I", "Deep"]);
    }

    #[test]
    fn jumps_by_heading_and_by_peer() {
        let o = Outline::new(&parse(SRC));
        let starts: Vec<usize> = o.sections.iter().map(|s| s.start).collect();
        assert_eq!(o.next(Position(0)).map(|s| s.start), Some(starts[0]));
        assert_eq!(
            o.next(Position(starts[0])).map(|s| s.start),
            Some(starts[1])
        );
        assert_eq!(
            o.prev(Position(o.sections[1].heading_end + 2))
                .map(|s| s.start),
            Some(starts[1])
        );
        assert_eq!(
            o.prev(Position(starts[1])).map(|s| s.start),
            Some(starts[0])
        );
        // From Part I, } skips its subsections to Part II.
        assert_eq!(
            o.next_peer(Position(starts[0] + 2)).map(|s| s.start),
            Some(starts[3])
        );
        // From inside Deep (an H3), } goes to Middle (an H2, higher).
        assert_eq!(
            o.next_peer(Position(starts[1] + 2)).map(|s| s.start),
            Some(starts[2])
        );
        let body = Position(o.sections[3].heading_end);
        assert_eq!(o.prev_peer(body).map(|s| s.start), Some(starts[3]));
        // On the heading line itself, { goes to the one before.
        assert_eq!(
            o.prev_peer(Position(starts[3] + 2)).map(|s| s.start),
            Some(starts[0])
        );
        assert_eq!(
            o.prev_peer(Position(starts[3])).map(|s| s.start),
            Some(starts[0])
        );
    }

    #[test]
    fn a_heading_that_is_a_picture_is_named_by_it() {
        let o = Outline::new(&parse(
            "# Name\n\n<h1><img src=\"logo.png\" alt=\"The Logo\"></h1>\n\n# ![](x.png)\n",
        ));
        let titles: Vec<&str> = o.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Name", "The Logo", "[image]"]);
    }

    #[test]
    fn find_prefers_exact_then_prefix_then_substring() {
        let o = Outline::new(&parse("# Part II\n\n# Part\n\n# Apart\n"));
        assert_eq!(o.find("part").map(|s| s.title.as_str()), Some("Part"));
        assert_eq!(o.find("PART I").map(|s| s.title.as_str()), Some("Part II"));
        assert_eq!(o.find("apa").map(|s| s.title.as_str()), Some("Apart"));
        assert_eq!(
            o.find("#part-ii").map(|s| s.title.as_str()),
            Some("Part II")
        );
        assert!(o.find("zzz").is_none());
        assert_eq!(o.closest("Prat", 1)[0].title, "Part");
    }

    #[test]
    fn list_collapses_filters_and_limits_levels() {
        let o = Outline::new(&parse(SRC));
        let titles = |l: &OutlineList| -> Vec<String> {
            l.entries(&o)
                .iter()
                .map(|e| o.sections[e.section].title.clone())
                .collect()
        };
        let mut list = OutlineList::open_at(&o, Some(2));
        assert_eq!(list.selected(&o), Some(2));
        list.move_by(&o, -2);
        list.collapse(&o);
        assert_eq!(titles(&list), ["Part I", "Part II"]);
        list.expand(&o);
        assert_eq!(titles(&list).len(), 4);
        list.set_level(&o, 1);
        assert_eq!(titles(&list), ["Part I", "Part II"]);
        list.set_level(&o, 6);
        list.set_filter(&o, Some("mid".into()));
        assert_eq!(titles(&list), ["Middle"]);
        assert_eq!(list.entries(&o)[0].hits, [0, 1, 2]);
        list.set_filter(&o, None);
        list.last(&o);
        assert_eq!(list.selected(&o), Some(3));
        // Collapsing a leaf goes to its parent.
        let mut list = OutlineList::open_at(&o, Some(1));
        list.collapse(&o);
        assert_eq!(list.selected(&o), Some(0));
    }

    #[test]
    fn the_best_match_gets_the_cursor() {
        let o = Outline::new(&parse("# The rag and the break\n\n# Reader mode\n"));
        let mut list = OutlineList::open_at(&o, None);
        list.set_filter(&o, Some("rdr".into()));
        assert_eq!(list.entries(&o).len(), 2);
        assert_eq!(list.selected(&o), Some(1));
    }

    #[test]
    fn breadcrumb_shortens_from_the_left() {
        let o = Outline::new(&parse(SRC));
        let path = o.path(Position(o.sections[1].start + 1));
        assert_eq!(breadcrumb(&path, 40), "Part I › Deep");
        assert_eq!(breadcrumb(&path, 10), "… › Deep");
        assert_eq!(breadcrumb(&path, 3), "…ep");
    }
}
