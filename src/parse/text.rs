//! Plain text → `Document`: structure inferred from a page copied out of a
//! browser, a `.txt` export, a Project Gutenberg book or an RFC. Paragraphs
//! are runs of lines between blank lines, with their hard wraps joined (a
//! word split by a hyphen at a line end is joined again); indented verse and
//! blocks laid out in columns keep their lines. A short line standing alone
//! at the top is the title, a "By …" line under it the byline, bulleted
//! lines are list items, and section headings are found by weighing the
//! evidence for each line that stands alone (`heading`). Page furniture
//! (`furniture`) and trailing comment forms are dimmed and kept out of the
//! outline and the word count. Nothing is ever dropped: whatever is not
//! recognised stays a paragraph.
//!
//! This module only decides the structure. It states it as the same event
//! stream that pulldown-cmark gives the Markdown builder in `parse`, and lets
//! that builder make the `Document`. So a plain-text article gets exactly the
//! Markdown rules for stand-ins, exact source mapping, spacing, list markers,
//! heading slugs, words and the fingerprint, with no second copy of them.

mod code;
mod emphasis;
mod furniture;
mod heading;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Builder, sanitize};
use crate::document::{Document, Flags, Set, block_spans, count_words};
use heading::{Context, Placement};

/// A title has fewer characters than this.
const TITLE_MAX: usize = 100;

/// Parse a plain-text article. Offsets in the result are offsets into
/// `source`, which the caller has already stripped of any byte order mark (a
/// leading one is tolerated and shown as nothing).
pub fn parse_text(source: &str) -> Document {
    parse_text_shared(&std::sync::Arc::from(source))
}

/// How a chunk of lines is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Body,
    Furniture,
    Site,
    Title,
    Byline,
    Rule,
    /// A heading of this level, of the chunk's first line, its first two
    /// lines (a number over its title, a wrapped title), or its first line
    /// over an underline.
    Heading(u8, HeadingForm),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeadingForm {
    OneLine,
    TwoLines,
    Underlined,
}

/// `parse_text` of a shared text, which the document's spans read their
/// text from (`Document::text`).
pub fn parse_text_shared(shared: &std::sync::Arc<str>) -> Document {
    let source: &str = shared;
    let lines = split_lines(source);
    let text = |l: &Line| &source[l.text.clone()];
    let texts: Vec<&str> = lines.iter().map(text).collect();
    let raws: Vec<&str> = lines.iter().map(|l| &source[l.line.clone()]).collect();
    let dim_lines = furniture::furniture(&raws, &texts);
    let mut chunks = chunks(&lines, &texts, &dim_lines);
    split_title_block(&mut chunks, &lines, &dim_lines, &text);
    let chunk_lines = |c: usize| &lines[chunks[c].clone()];
    let mut shapes: Vec<Shape> = (0..chunks.len())
        .map(|c| Shape::of(chunk_lines(c), &text))
        .collect();
    literal_blocks(&mut shapes, &chunks, &lines, &text);
    let mut roles: Vec<Role> = (0..chunks.len())
        .map(|c| {
            if dim_lines[chunks[c].start] {
                Role::Furniture
            } else if shapes[c].rule {
                Role::Rule
            } else {
                Role::Body
            }
        })
        .collect();
    // The article's own chunks, furniture left out: what the title,
    // headings and their neighbours are looked for in.
    let body: Vec<usize> = (0..chunks.len())
        .filter(|&c| roles[c] != Role::Furniture)
        .collect();
    let body_chunks: Vec<Range<usize>> = body.iter().map(|&c| chunks[c].clone()).collect();
    let body_shapes: Vec<Shape> = body.iter().map(|&c| shapes[c]).collect();
    let header = Header::infer(&body_shapes, &body_chunks, &lines, &text);
    for (chunk, role) in [
        (header.site, Role::Site),
        (header.title, Role::Title),
        (header.byline, Role::Byline),
    ] {
        if let Some(k) = chunk {
            roles[body[k]] = role;
        }
    }
    let header_end = header.end();

    let measure = Measure::of(&body, &chunks, &shapes, &lines, &text);
    let glued: Vec<bool> = chunks
        .iter()
        .map(|r| r.start > 0 && dim_lines[r.start - 1] && !lines[r.start - 1].is_blank())
        .collect();
    // A line that a page break cuts from the rest of its paragraph is no
    // heading, however short it is left.
    let cut: HashSet<usize> = page_joins(&roles, &chunks, &shapes, &lines, &raws, &text)
        .into_iter()
        .flat_map(|(c, d)| [c, d])
        .collect();
    let found = Found {
        cut: &cut,
        titled: header.title.is_some(),
        glued: &glued,
    };
    let headings = find_headings(
        &found,
        &body[header_end.min(body.len())..],
        &chunks,
        &shapes,
        &lines,
        &text,
        &measure,
    );
    for (c, level, form) in headings {
        roles[c] = Role::Heading(level, form);
    }

    // Trailing page furniture: only looked for in the second half of the
    // text and after the article has begun, so that a paragraph that
    // mentions "Comments" early on is never taken for it.
    let first_prose = body[header_end.min(body.len())..]
        .iter()
        .copied()
        .find(|&c| shapes[c].prose && roles[c] == Role::Body);
    // A line of the second half, by bytes or by lines: a long comment
    // thread can outweigh the article.
    let trailer = first_prose.and_then(|p| {
        (p + 1..chunks.len()).find(|&c| {
            chunks[c].clone().any(|i| {
                let late = lines[i].line.start * 2 >= source.len() || i * 2 >= lines.len();
                late && furniture::starts_trailer(texts[i])
            })
        })
    });
    if let Some(t) = trailer {
        roles[t..].fill(Role::Furniture);
    }
    // The publisher's notices under their own heading (an RFC's status and
    // copyright): the heading stays in the outline, its text is dimmed.
    let mut notice = false;
    for (role, range) in roles.iter_mut().zip(&chunks) {
        match role {
            Role::Heading(..) => notice = furniture::is_notice_section(text(&lines[range.start])),
            Role::Body if notice => *role = Role::Furniture,
            _ => {}
        }
    }

    let joins = page_joins(&roles, &chunks, &shapes, &lines, &raws, &text);

    let split_words = hyphen_words(source, &lines);
    let mut out = Emitter {
        src: source,
        builder: Builder::new(source),
        words: &split_words,
        page_furniture: HashSet::new(),
        body_indent: measure.indent,
        gaps: false,
        kept: None,
    };
    let mut c = 0;
    while c < chunks.len() {
        let range = &chunks[c];
        // A paragraph that a page break cut goes on in a later chunk: its
        // halves are one paragraph, with the page's furniture between
        // them kept in its place, dimmed.
        let mut joined: Vec<Line> = Vec::new();
        let mut next = c + 1;
        if let Some(&to) = joins.get(&c) {
            joined.extend(lines[range.clone()].iter().cloned());
            let (mut from, mut at) = (c + 1, to);
            loop {
                for line in lines[chunks[from].start..chunks[at].start]
                    .iter()
                    .filter(|l| !l.is_blank())
                {
                    out.page_furniture.insert(line.line.start);
                    joined.push(line.clone());
                }
                joined.extend(lines[chunks[at].clone()].iter().cloned());
                next = at + 1;
                match joins.get(&at) {
                    Some(&more) => (from, at) = (at + 1, more),
                    None => break,
                }
            }
        }
        let chunk = if joined.is_empty() {
            &lines[range.clone()]
        } else {
            &joined[..]
        };
        // Whether the lines are kept is the text's to say, not a page's.
        let own: Vec<Line> = chunk
            .iter()
            .filter(|l| !out.page_furniture.contains(&l.line.start))
            .cloned()
            .collect();
        let kept = measure.kept_lines(&own, &text);
        let keep = kept.is_some();
        out.kept = kept;
        match roles[c] {
            Role::Site => out.paragraph(chunk, Join::Soft, true),
            Role::Title => {
                out.heading(HeadingLevel::H1, &chunk[..1]);
                if chunk.len() > 1 {
                    out.paragraph(&chunk[1..], Join::Hard, false);
                }
            }
            Role::Byline => out.paragraph(chunk, Join::Hard, false),
            Role::Rule => out.rule(&chunk[0]),
            Role::Heading(level, form) => {
                let n = if form == HeadingForm::TwoLines { 2 } else { 1 };
                out.heading(heading_level(level), &chunk[..n]);
                // An underline is markup, as in Markdown.
                let rest = if form == HeadingForm::Underlined {
                    2
                } else {
                    n
                };
                if chunk.len() > rest {
                    out.body(&chunk[rest..], false, keep, &text);
                }
            }
            Role::Furniture => out.body(chunk, true, keep, &text),
            Role::Body if shapes[c].code && joined.is_empty() => out.code(chunk),
            Role::Body => out.body(chunk, false, keep, &text),
        }
        out.kept = None;
        c = next;
    }
    let mut doc = out.builder.finish();
    // Dimmed text is not the article's: its words are not counted.
    doc.recount_words(|block| {
        let shown: String = block_spans(&block.kind)
            .filter(|s| !s.flags.contains(Flags::HTML))
            .map(|s| s.text(source))
            .collect();
        count_words(&shown)
    });
    doc.fingerprint = super::fingerprint(source);
    doc.text = std::sync::Arc::clone(shared);
    // The title and byline are blocks of the text already: no header.
    doc.meta.inline = true;
    if header.title.is_some() {
        // The title is the heading's own text, as for Markdown.
        doc.meta.title = doc
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.clone());
    }
    doc.meta.author = header.author_line.and_then(|l| author(text(&lines[l])));
    if doc.meta.author.is_some()
        && let Some(l) = header.author_line
    {
        // The byline's block, drawn as a Markdown article's byline is:
        // in its style and, under the title, right under the title's rule.
        let at = lines[l].text.start;
        let mut under_title = false;
        for block in &mut doc.blocks {
            if block.source().contains(&at) {
                crate::document::for_each_span_mut(&mut block.kind, |s| {
                    s.flags = s.flags.with(Flags::BYLINE);
                });
                if under_title {
                    block.space_before = 0;
                }
            }
            under_title = block.is_title();
        }
    }
    // A Project Gutenberg header names the book and its author, whatever
    // its title page looks like; a mail-style header names them when the
    // text does not.
    if let Some(title) = furniture::gutenberg_field(&texts, "title") {
        doc.meta.title = Some(sanitize(title));
    }
    if let Some(author) = furniture::gutenberg_field(&texts, "author") {
        doc.meta.author = Some(sanitize(author));
    }
    if doc.meta.title.is_none() {
        doc.meta.title = furniture::header_field(&texts, "title").map(sanitize);
    }
    if doc.meta.author.is_none() {
        doc.meta.author = furniture::header_field(&texts, "author")
            .map(|a| sanitize(a.split(" <").next().unwrap_or(a)));
    }
    doc
}

/// The paragraphs that a page break cuts in two: for a chunk of running
/// text, the chunk its second half is, past the furniture of a page break
/// (a footer or a form feed, the next page's running head). The halves are
/// one paragraph when they are set alike (the same indent, neither a list)
/// and the first does not end a sentence or the second starts in lower
/// case; a page that ends with a paragraph keeps the two apart.
fn page_joins<'s>(
    roles: &[Role],
    chunks: &[Range<usize>],
    shapes: &[Shape],
    lines: &[Line],
    raws: &[&str],
    text: &impl Fn(&Line) -> &'s str,
) -> HashMap<usize, usize> {
    let mut joins = HashMap::new();
    for c in 0..chunks.len() {
        // Code, a drawing or a table of contents is not a paragraph: a page
        // break that cuts one leaves two, each as written.
        if roles[c] != Role::Body || shapes[c].list || shapes[c].code {
            continue;
        }
        let Some(d) = (c + 1..chunks.len()).find(|&d| roles[d] != Role::Furniture) else {
            break;
        };
        let between = chunks[c].end..chunks[d].start;
        let page_break = between
            .clone()
            .any(|i| furniture::is_page_break(raws[i], text(&lines[i])));
        // Only a page's furniture and blank lines between them.
        let only_page = (c + 1..d).all(|f| chunks[f].len() <= 3);
        if roles[d] != Role::Body || shapes[d].list || shapes[d].code || !page_break || !only_page {
            continue;
        }
        let (last, first) = (&lines[chunks[c].end - 1], &lines[chunks[d].start]);
        let ends = ends_sentence(text(last));
        // An RFC's bullet is an `o` and two spaces: not a lower-case word.
        let item = |l: &str| bullet(l).is_some() || number(l).is_some() || l.starts_with("o  ");
        let lower = text(first).starts_with(char::is_lowercase) && !item(text(first));
        if last.indent == first.indent && (!ends || lower) {
            joins.insert(c, d);
        }
    }
    joins
}

/// Whether a line ends a sentence: with `.`, `!`, `?` or `:`, maybe
/// inside a closing quote or bracket.
fn ends_sentence(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    end.ends_with(['.', '!', '?', ':'])
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The column of the body text, and its width: what a heading's place is
/// judged against, and what tells verse and laid-out blocks from prose.
struct Measure {
    /// The indent of most lines of running text.
    indent: usize,
    /// The width of the text, indent included: the longer lines of running
    /// text.
    width: usize,
}

impl Measure {
    fn of<'s>(
        body: &[usize],
        chunks: &[Range<usize>],
        shapes: &[Shape],
        lines: &[Line],
        text: &impl Fn(&Line) -> &'s str,
    ) -> Measure {
        let mut indents: HashMap<usize, usize> = HashMap::new();
        let mut widths = Vec::new();
        for &c in body
            .iter()
            .filter(|&&c| shapes[c].prose && chunks[c].len() > 1)
        {
            for line in &lines[chunks[c].clone()] {
                *indents.entry(line.indent).or_default() += 1;
                widths.push(line.indent + text(line).chars().count());
            }
        }
        let indent = indents
            .into_iter()
            .max_by_key(|&(indent, n)| (n, std::cmp::Reverse(indent)))
            .map_or(0, |(indent, _)| indent);
        widths.sort_unstable();
        let width = widths.get(widths.len() * 9 / 10).copied().unwrap_or(72);
        Measure { indent, width }
    }

    /// In from the body and centred in the column, however little in: a
    /// long line centred.
    fn about_centred(&self, indent: usize, chars: usize) -> bool {
        let slack = (self.width / 8).max(3);
        indent > self.indent && (indent + chars / 2).abs_diff(self.width / 2) <= slack
    }

    fn placement(&self, indent: usize, chars: usize) -> Placement {
        if indent < self.indent {
            return Placement::Outdented;
        }
        if indent < self.indent + 2 {
            return Placement::Body;
        }
        let centre = indent + chars / 2;
        let slack = (self.width / 8).max(3);
        if indent >= self.indent + 4 && centre.abs_diff(self.width / 2) <= slack {
            Placement::Centred
        } else {
            Placement::Indented
        }
    }

    /// Lines that mean to be lines: every one indented past the body
    /// (verse, a quotation, code; a quotation mark may stand out by a
    /// column), laid out in columns, or three or more each ending well
    /// before the measure (an address, a list of chapters, a header of
    /// fields): text wrapped to the measure has lines that reach it; or
    /// three or more that each start with the same word (`CHAPTER`).
    fn keeps_lines<'s>(&self, chunk: &[Line], text: &impl Fn(&Line) -> &'s str) -> bool {
        self.kept_lines(chunk, text).is_some()
    }

    /// `keeps_lines`, and if so whether its lines are set by hand (verse,
    /// an address, a header of fields), not text wrapped at the measure
    /// and kept for being set in or in columns: a line of the first kind
    /// that is too long for the screen turns over with a hang, which
    /// would cut wrapped text into steps.
    fn kept_lines<'s>(&self, chunk: &[Line], text: &impl Fn(&Line) -> &'s str) -> Option<Kept> {
        // A list's items are a list's, not lines.
        let item = |l: &Line| {
            let t = text(l).trim_start();
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            ["- ", "* ", "+ ", "• ", "– "]
                .iter()
                .any(|m| t.starts_with(m))
                || (digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") ")))
        };
        let short = |l: &Line| text(l).trim_end().chars().count() * 2 <= self.width && !item(l);
        // A list of chapters (`CHAPTER I. …`, `CHAPTER II. …`): every line
        // starts with one word, which wrapped prose never does.
        let first_word = |l: &Line| text(l).split_whitespace().next().unwrap_or("");
        let one_lead = first_word(&chunk[0]);
        let led = one_lead.chars().count() >= 3
            && one_lead.chars().all(char::is_alphabetic)
            && chunk.iter().all(|l| first_word(l) == one_lead);
        // A header of fields (`From: …`, `Subject: …`, `Date: …`): two or
        // more, each line a field or the indented go-on of the one above.
        let field = |l: &Line| is_field(text(l));
        let fields = field(&chunk[0])
            && chunk.iter().filter(|l| field(l)).count() >= 2
            && chunk.iter().all(|l| field(l) || l.indent > chunk[0].indent);
        if chunk.len() < 2 {
            return None;
        }
        let by_hand = || {
            fields
                || (chunk.len() >= 3 && (chunk.iter().all(short) || led))
                || (!chunk.iter().any(item) && self.broken_by_hand(chunk, text))
        };
        let indented = chunk.iter().all(|l| l.indent > self.indent);
        let columns = chunk.iter().filter(|l| text(l).contains("   ")).count() * 2 >= chunk.len();
        if !(fields || indented || columns || (chunk.len() >= 3 && by_hand())) {
            return None;
        }
        // Set in, items and all (a contents list with numbered parts), most
        // of its lines ended where the next word would have fitted within
        // its longest: set by hand. Text wrapped at its own measure ends a
        // line only where the next word does not fit.
        let width = |l: &Line| l.indent + text(l).trim_end().chars().count();
        let longest = chunk.iter().map(width).max().unwrap_or(0);
        let room = chunk
            .windows(2)
            .filter(|pair| {
                let word = text(&pair[1])
                    .split_whitespace()
                    .next()
                    .map_or(0, |w| w.chars().count());
                word > 0 && width(&pair[0]) + 1 + word <= longest
            })
            .count();
        let uneven = room * 3 >= (chunk.len() - 1) * 2;
        // Verse starts each line with a capital, which wrapped prose
        // does only by chance.
        let capitals = chunk[1..].iter().all(|l| {
            text(l)
                .chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        });
        let hand = by_hand() || (indented && (uneven || capitals));
        Some(if hand {
            Kept::ByHand
        } else if indented && !columns {
            Kept::SetIn
        } else {
            Kept::Columns
        })
    }

    /// Whether every line of `chunk` but the last ends where wrapping
    /// would not have ended it: the next line's first word would have
    /// fitted on it, with room to spare (verse: `Shall I compare thee to
    /// a summer's day? / Thou art …`). Text wrapped to the measure ends a
    /// line only when the next word does not fit.
    fn broken_by_hand<'s>(&self, chunk: &[Line], text: &impl Fn(&Line) -> &'s str) -> bool {
        // Room for a word and more: a measure taken a little short of
        // the true one (a tenth of the lines are longer) still calls
        // wrapped text wrapped.
        const SPARE: usize = 6;
        let width = |l: &Line| l.indent + text(l).trim_end().chars().count();
        let next_word = |l: &Line| {
            text(l)
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count())
        };
        // Text wrapped at its own, narrower width (a file that joins texts
        // wrapped at 60 and at 100 columns) fills its lines too: no line of
        // it has room for the next word within its own longest line.
        let longest = chunk.iter().map(width).max().unwrap_or(0);
        let fits = |pair: &[Line], room: usize| {
            let word = next_word(&pair[1]);
            word > 0 && width(&pair[0]) + 1 + word <= room
        };
        chunk
            .windows(2)
            .all(|pair| fits(pair, self.width.saturating_sub(SPARE)))
            && chunk.windows(2).any(|pair| fits(pair, longest))
    }
}

/// The chunks among `body` (in order, furniture left out) that are
/// headings, with their level and form.
/// What is known of the chunks before their headings are looked for.
struct Found<'a> {
    /// Chunks that a page break cuts from the rest of their paragraph.
    cut: &'a HashSet<usize>,
    /// The article's title was found.
    titled: bool,
    /// Chunks glued to page furniture above them, with no blank line.
    glued: &'a [bool],
}

fn find_headings<'s>(
    found: &Found<'_>,
    body: &[usize],
    chunks: &[Range<usize>],
    shapes: &[Shape],
    lines: &[Line],
    text: &impl Fn(&Line) -> &'s str,
    measure: &Measure,
) -> Vec<(usize, u8, HeadingForm)> {
    let first = |c: usize| &lines[chunks[c].start];
    // The text a heading candidate is judged by, and its form.
    let candidate = |c: usize| -> Option<(String, HeadingForm)> {
        let chunk = &lines[chunks[c].clone()];
        let shape = &shapes[c];
        if shape.rule || shape.list || shape.code || found.cut.contains(&c) {
            return None;
        }
        if chunk.len() >= 2 && heading::underline(text(&chunk[1]), text(&chunk[0])).is_some() {
            return Some((text(&chunk[0]).to_string(), HeadingForm::Underlined));
        }
        if chunk.len() == 1 {
            return Some((text(&chunk[0]).to_string(), HeadingForm::OneLine));
        }
        let (a, b) = (&chunk[0], &chunk[1]);
        (chunk.len() == 2 && heading::two_line_heading(text(a), a.indent, text(b), b.indent))
            .then(|| (format!("{} {}", text(a), text(b)), HeadingForm::TwoLines))
    };
    let candidates: Vec<Option<(String, HeadingForm)>> =
        body.iter().map(|&c| candidate(c)).collect();
    // Lines laid out mostly in signs: a diagram, a table of figures.
    let figure = |k: usize| {
        body.get(k).is_some_and(|&c| {
            let chunk = &lines[chunks[c].clone()];
            let letters: usize = chunk
                .iter()
                .map(|l| text(l).chars().filter(|c| c.is_alphabetic()).count())
                .sum();
            let all: usize = chunk.iter().map(|l| text(l).chars().count()).sum();
            measure.keeps_lines(chunk, text) && letters * 2 < all
        })
    };
    // Running text, not a figure.
    let prose = |k: usize| body.get(k).is_some_and(|&c| shapes[c].prose) && !figure(k);
    let avg_line = |k: usize| -> Option<usize> {
        let &c = body.get(k)?;
        if !prose(k) {
            return None;
        }
        let chunk = &lines[chunks[c].clone()];
        Some(chunk.iter().map(|l| text(l).chars().count()).sum::<usize>() / chunk.len())
    };
    let mut seen_prose = false;
    let contexts: Vec<Context> = (0..body.len())
        .map(|k| {
            let c = body[k];
            let before = seen_prose;
            seen_prose |= prose(k);
            let Some((line, form)) = &candidates[k] else {
                return Context::default();
            };
            let chars = line.chars().count();
            let two_lines = *form == HeadingForm::TwoLines;
            // A title of two lines each centred is centred, however long
            // the two together (the longer may be in by a column or two).
            let two: Vec<(usize, usize)> = lines[chunks[c].clone()]
                .iter()
                .take(2)
                .map(|l| (l.indent, text(l).chars().count()))
                .collect();
            let centred_lines = two_lines
                && two.iter().all(|&(i, n)| measure.about_centred(i, n))
                && two
                    .iter()
                    .any(|&(i, n)| measure.placement(i, n) == Placement::Centred);
            let blank_lines_before = chunks[c].start.checked_sub(1).map_or(2, |i| {
                lines[..=i]
                    .iter()
                    .rev()
                    .take_while(|l| l.is_blank())
                    .count()
            });
            let neighbours: Vec<usize> = [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter_map(avg_line)
                .collect();
            let much_shorter = !neighbours.is_empty()
                && chars * 2 < neighbours.iter().sum::<usize>() / neighbours.len();
            // Under a title that was found, the article has begun: what
            // follows it is its text or its first section. (A book's title
            // page is centred, with no running text under its lines: a
            // centred line over text is a section, unless it is all in
            // italics, as a title page's `_Publishers_`. A name alone under
            // the title is its author's.)
            let emphasised = line.len() > 2
                && (line.starts_with('_') && line.ends_with('_')
                    || line.starts_with('*') && line.ends_with('*'));
            let begun = found.titled
                && bare_name(line).is_none()
                && (prose(k + 1) && !emphasised
                    || matches!(
                        measure.placement(first(c).indent, chars),
                        Placement::Body | Placement::Outdented
                    ));
            let prev_single = k
                .checked_sub(1)
                .filter(|&p| chunks[body[p]].len() == 1)
                .map(|p| text(first(body[p])));
            Context {
                followed_by_prose: prose(k + 1),
                followed_by_heading: candidates.get(k + 1).is_some_and(Option::is_some)
                    && prose(k + 2),
                follows_prose: k
                    .checked_sub(1)
                    .is_some_and(|p| prose(p) || shapes[body[p]].list || shapes[body[p]].rule),
                before_article: !before && !begun,
                blank_lines_before,
                placement: if centred_lines {
                    Placement::Centred
                } else {
                    measure.placement(first(c).indent, chars)
                },
                two_lines,
                longer_line: two.iter().map(|&(_, n)| n).max().unwrap_or(0),
                siblings: false,
                much_shorter,
                after_number: prev_single.is_some_and(|p| {
                    heading::is_bare_number(p)
                        && !matches!(
                            heading::section_number(p),
                            Some((heading::Numbering::Arabic(_), _))
                        )
                }),
                off_pattern: false,
                by_figure: k.checked_sub(1).is_some_and(figure)
                    || body
                        .get(k + 1)
                        .is_some_and(|&n| heading::is_caption(text(first(n)))),
                // A page pasted out of a browser has no blank lines in its
                // header: there, being glued to it says nothing. In the
                // text, a line glued under furniture goes on a page.
                glued: found.glued[c] && before,
                spaced_list: heading::arabic_number(line).is_some_and(|(depth, n)| {
                    let neighbour = |j: Option<usize>, want: u32| {
                        j.and_then(|j| candidates.get(j)?.as_ref())
                            .and_then(|(l, _)| heading::arabic_number(l))
                            == Some((depth, want))
                    };
                    neighbour(k.checked_sub(1), n.wrapping_sub(1)) || neighbour(Some(k + 1), n + 1)
                }),
            }
        })
        .collect();
    // Siblings: lines of one pattern that each have some evidence already.
    let mut patterns: HashMap<heading::Pattern, usize> = HashMap::new();
    let pattern_of = |k: usize| {
        let (line, _) = candidates[k].as_ref()?;
        heading::pattern(line, contexts[k].placement)
    };
    let mut patterned_at: Vec<(usize, heading::Pattern)> = Vec::new();
    for k in 0..body.len() {
        let Some(p) = pattern_of(k) else { continue };
        let (line, _) = candidates[k].as_ref().expect("a pattern has a line");
        if heading::evidence(line, &contexts[k]) >= 1.5 {
            *patterns.entry(p).or_default() += 1;
            patterned_at.push((k, p));
        }
    }
    let sibling =
        |k: usize| pattern_of(k).is_some_and(|p| patterns.get(&p).is_some_and(|&n| n >= 3));
    // An article whose headings share a pattern asks more of a line that
    // shares none, between the first and the last of them: the label of a
    // box inside a section (`Summary`, `Key points`). Before the first and
    // after the last, such a line frames the list (`About this article`,
    // `Wrap-up`, `Which method is best for you?`), unless it is one of the
    // labels found inside.
    let mut run = patterned_at
        .iter()
        .filter(|(_, p)| patterns[p] >= 3)
        .map(|&(k, _)| k);
    let first_sibling = run.next();
    let run = first_sibling.map(|f| f..=run.next_back().unwrap_or(f));
    let inside = |k: usize| run.as_ref().is_some_and(|r| r.contains(&k));
    let labels: HashSet<String> = (0..body.len())
        .filter(|&k| inside(k) && !sibling(k))
        .filter_map(|k| Some(candidates[k].as_ref()?.0.to_lowercase()))
        .collect();
    let mut levels: Vec<char> = Vec::new();
    // The depth and indent of the last numbered heading (an RFC's
    // `3.2.  Discussion`): a heading without a number set further in
    // under it (`  Addressing`) is one of its parts, not a sibling of the
    // numbered sections.
    let mut numbered: Option<(usize, usize)> = None;
    let mut out = Vec::new();
    for k in 0..body.len() {
        let Some((line, form)) = &candidates[k] else {
            continue;
        };
        let c = body[k];
        let level = match form {
            HeadingForm::Underlined => {
                let mark = heading::underline(text(&lines[chunks[c].start + 1]), text(first(c)))
                    .unwrap_or('=');
                let at = levels.iter().position(|&m| m == mark).unwrap_or_else(|| {
                    levels.push(mark);
                    levels.len() - 1
                });
                out.push((c, (at + 2).min(6) as u8, *form));
                continue;
            }
            _ => match heading::section_number(line) {
                Some((heading::Numbering::Arabic(depth), _)) => (depth + 1).min(6) as u8,
                _ if contexts[k].after_number => 3,
                _ => match numbered {
                    Some((depth, indent))
                        if first(c).indent > indent
                            && contexts[k].placement != Placement::Centred =>
                    {
                        (depth + 2).min(6) as u8
                    }
                    _ => 2,
                },
            },
        };
        let mut cx = contexts[k];
        cx.siblings = sibling(k);
        cx.off_pattern =
            run.is_some() && !cx.siblings && (inside(k) || labels.contains(&line.to_lowercase()));
        if heading::evidence(line, &cx) >= heading::THRESHOLD {
            let indent = first(c).indent;
            match heading::section_number(line) {
                Some((heading::Numbering::Arabic(depth), _))
                    if contexts[k].placement != Placement::Centred =>
                {
                    numbered = Some((depth, indent));
                }
                // An unnumbered heading as far out as the numbered ones
                // (`APPENDIX A`, `Authors' Addresses`) ends their part.
                None if numbered.is_some_and(|(_, at)| indent <= at)
                    && contexts[k].placement != Placement::Centred =>
                {
                    numbered = None;
                }
                _ => {}
            }
            out.push((c, level, *form));
        }
    }
    out
}

/// The words of the text that a hyphen at a line end might have split:
/// every word of the text, in lower case, when any line ends in a
/// hyphenated word.
fn hyphen_words(source: &str, lines: &[Line]) -> HashSet<String> {
    let any = lines
        .iter()
        .any(|l| split_at_end(&source[l.text.clone()]).is_some());
    if !any {
        return HashSet::new();
    }
    source
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

/// The letters before a hyphen that ends a line (`exam-`), if it does.
fn split_at_end(line: &str) -> Option<&str> {
    let stem = line.strip_suffix('-')?;
    let start = stem
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    Some(&stem[start..])
}

/// The letters a line starts with, when it starts in lower case.
fn lower_start(line: &str) -> Option<&str> {
    let end = line
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(line.len(), |(i, _)| i);
    let word = &line[..end];
    word.starts_with(char::is_lowercase).then_some(word)
}

/// One line of the source.
#[derive(Clone, Debug)]
struct Line {
    /// The whole line, without its line end.
    line: Range<usize>,
    /// The line without the whitespace around it: the text that is kept.
    text: Range<usize>,
    /// The columns before the text (a tab to the next multiple of 8).
    indent: usize,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Whitespace that is not text: what surrounds a line or fills a blank one.
/// A byte order mark that the caller did not strip counts too.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Split on `\n`, `\r\n` and a lone `\r`, the line ends of every platform a
/// saved page may come from.
fn split_lines(src: &str) -> Vec<Line> {
    let bytes = src.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    loop {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            let raw = &src[start..i];
            let body = raw.trim_start_matches(is_space);
            let lead = raw.len() - body.len();
            let indent = raw[..lead].chars().fold(0, |col, c| match c {
                '\t' => (col / 8 + 1) * 8,
                '\u{feff}' | '\u{c}' => col,
                _ => col + 1,
            });
            let body = body.trim_end_matches(is_space);
            lines.push(Line {
                line: start..i,
                text: start + lead..start + lead + body.len(),
                indent,
            });
            if at_end {
                break;
            }
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    lines
}

/// A line this long is a paragraph of its own, not a hard wrap: a page
/// pasted out of a browser has a paragraph on each line.
const PARAGRAPH_LINE: usize = 120;

/// The runs of non-blank lines, as ranges of line indices. A run is also
/// cut where furniture starts or ends, so that a chunk is all furniture or
/// none, and on either side of a line as long as a paragraph, so that the
/// short line over a pasted paragraph (a heading, a caption) stands alone.
fn chunks(lines: &[Line], texts: &[&str], furniture: &[bool]) -> Vec<Range<usize>> {
    let long = |l: &Line| l.text.len() >= PARAGRAPH_LINE;
    // A line of underscores is a rule wherever it is: unlike `---` or
    // `===`, it underlines no heading, so it stands alone even with no
    // blank line around it.
    let rule = |i: usize| texts[i].starts_with('_') && is_rule(texts[i]);
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(s) = start
            && (line.is_blank()
                || furniture[i] != furniture[s]
                || long(line)
                || long(&lines[i - 1])
                || rule(i)
                || rule(i - 1))
        {
            out.push(s..i);
            start = None;
        }
        if !line.is_blank() && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..lines.len());
    }
    out
}

/// A pasted page's header on lines of its own, with no blank line between
/// them: a kicker or two (the section, a badge), the title, then the
/// byline (`Nutrition` / `Evidence Based` / the title / `Written by …`).
/// The first such chunk of the text is cut before its title line, so that
/// the kicker is a chunk of its own over a title with its byline, as when
/// blank lines part them. Only short lines that end no sentence come
/// before the byline.
fn split_title_block<'s>(
    chunks: &mut Vec<Range<usize>>,
    lines: &[Line],
    furniture: &[bool],
    text: &impl Fn(&Line) -> &'s str,
) {
    let Some(c) = chunks.iter().position(|r| !furniture[r.start]) else {
        return;
    };
    let r = chunks[c].clone();
    let Some(by) =
        (r.start + 2..r.end.min(r.start + 5)).find(|&i| byline(text(&lines[i])).is_some())
    else {
        return;
    };
    if lines[r.start..by].iter().all(|l| is_title_line(text(l))) {
        chunks[c] = r.start..by - 1;
        chunks.insert(c + 1, by - 1..r.end);
    }
}

/// reStructuredText's literal blocks (PEP 8, Python's docs): the chunks
/// indented under a paragraph that ends with `::` are shown as written,
/// down to the first one that is not, even a chunk that alone would read
/// as a line of text (`# Correct:` over the code it labels).
fn literal_blocks<'s>(
    shapes: &mut [Shape],
    chunks: &[Range<usize>],
    lines: &[Line],
    text: &impl Fn(&Line) -> &'s str,
) {
    let mut c = 0;
    while c < chunks.len() {
        let r = chunks[c].clone();
        let ends = r
            .clone()
            .next_back()
            .is_some_and(|l| text(&lines[l]).ends_with("::"));
        c += 1;
        if !ends {
            continue;
        }
        // The column the paragraph's text starts at: after a list's mark.
        let first = text(&lines[r.start]);
        let mark = first
            .find(' ')
            .filter(|&n| {
                let m = &first[..n];
                ["-", "*", "+", "•"].contains(&m)
                    || (m.len() > 1
                        && m.ends_with(['.', ')'])
                        && m[..m.len() - 1].bytes().all(|b| b.is_ascii_digit()))
            })
            .map_or(0, |n| n + 1);
        let base = (lines[r.start].indent + mark).max(lines[r.end - 1].indent);
        while c < chunks.len()
            && lines[chunks[c].clone()]
                .iter()
                .all(|l| l.is_blank() || l.indent > base)
        {
            shapes[c] = Shape {
                prose: false,
                title: false,
                list: false,
                rule: false,
                code: true,
            };
            c += 1;
        }
    }
}

/// A table of contents: two entries or more (a title, dot leaders or
/// spaces, a page number), and two lines in three entries (a long title
/// goes on over a second line). Shown as written, as a drawing is: joined
/// into a paragraph, its entries run together.
fn is_contents(lines: &[&str]) -> bool {
    let entries = lines.iter().filter(|l| heading::is_toc_entry(l)).count();
    entries >= 2 && entries * 3 >= lines.len() * 2
}

/// What a chunk looks like, judged on its own.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// Running text: what a heading must be followed by.
    prose: bool,
    /// One line that could be a title, or the site name above one.
    title: bool,
    /// Starts with a list.
    list: bool,
    /// A line of `* * *` or `-----`: a scene break.
    rule: bool,
    /// Code or a drawing: shown as written.
    code: bool,
}

impl Shape {
    fn of<'s>(lines: &[Line], text: &impl Fn(&Line) -> &'s str) -> Shape {
        let first = text(&lines[0]);
        let single = lines.len() == 1;
        let rule = single && is_rule(first);
        let list = list_start(lines, text).is_some_and(|(at, _)| at == 0);
        // A line alone is running text when it is long or ends a sentence.
        // A line of four words or more that ends with a colon brings in
        // what follows it (`Suppose you have the following code:`).
        let lead_in = first.ends_with(':')
            && !first.ends_with("::")
            && first.starts_with(char::is_uppercase)
            && first.split_whitespace().count() >= 4
            && first
                .split_whitespace()
                .skip(1)
                .any(|w| w.starts_with(char::is_lowercase));
        let sentence = first.chars().count() >= 60
            || matches!(last_significant(first), Some('.' | ',' | ';' | '…'))
            || first.starts_with(['"', '“', '‘', '\''])
            || lead_in;
        let texts: Vec<&str> = lines.iter().map(text).collect();
        let code = !rule && (code::is_preformatted(&texts) || is_contents(&texts));
        Shape {
            prose: !rule && !list && !code && (!single || sentence),
            code,
            title: !rule && !list && is_title_line(first),
            list,
            rule,
        }
    }
}

/// The top of the article: an optional site name, the title, and a byline.
#[derive(Debug, Default)]
struct Header {
    site: Option<usize>,
    /// The chunk whose first line is the title; the lines under it, if any,
    /// start with the byline.
    title: Option<usize>,
    /// A chunk of its own that starts with the byline.
    byline: Option<usize>,
    /// The line the author is read from.
    author_line: Option<usize>,
}

impl Header {
    fn infer<'s>(
        shapes: &[Shape],
        chunks: &[Range<usize>],
        lines: &[Line],
        text: &impl Fn(&Line) -> &'s str,
    ) -> Header {
        // The byline under a candidate title: the second line of its own
        // chunk, or the first line of the next chunk.
        // The line that names the author, from line `i` of a chunk that
        // ends before `end`: a byline or a name, or `by` alone over a name
        // (a book's title page).
        let author_at = |i: usize, end: usize| -> Option<usize> {
            if author(text(&lines[i])).is_some() {
                return Some(i);
            }
            let by = text(&lines[i]).trim_matches(['_', '*']);
            (by.eq_ignore_ascii_case("by")
                && i + 1 < end
                && bare_name(text(&lines[i + 1])).is_some())
            .then_some(i + 1)
        };
        let byline_of = |c: usize| -> Option<(Option<usize>, usize)> {
            let own = chunks[c].start + 1;
            if chunks[c].len() > 1 {
                return author_at(own, chunks[c].end).map(|l| (None, l));
            }
            let next = chunks.get(c + 1)?;
            byline(text(&lines[next.start])).map(|_| (Some(c + 1), next.start))
        };
        // A title is one line standing alone, or one line with its byline.
        let titled = |c: usize| -> bool {
            chunks.get(c).is_some_and(|r| {
                shapes[c].title
                    && (r.len() == 1
                        || author_at(r.start + 1, r.end).is_some()
                        || r.len() <= 3 && is_edition(text(&lines[r.start + 1])))
            })
        };
        let header = |site: Option<usize>, title: usize| {
            let (byline, author_line) = match byline_of(title) {
                Some((chunk, line)) => (chunk, Some(line)),
                None => (None, None),
            };
            Header {
                site,
                title: Some(title),
                byline,
                author_line,
            }
        };
        // A kicker (a section or site name) over the title, hard-wrapped
        // onto a few short lines.
        // (Not a title over `by` and its author's name, or over its
        // edition.)
        let by = |l: &Line| {
            text(l).trim_matches(['_', '*']).eq_ignore_ascii_case("by")
                || byline(text(l)).is_some()
                || is_edition(text(l))
        };
        let kicker = chunks.len() > 1
            && (2..=3).contains(&chunks[0].len())
            && !lines[chunks[0].start + 1..chunks[0].end].iter().any(by)
            && lines[chunks[0].clone()]
                .iter()
                .all(|l| is_title_line(text(l)))
            && titled(1);
        if kicker {
            return header(Some(0), 1);
        }
        if !titled(0) || chunks.len() == 1 && chunks[0].len() == 1 {
            // A lone line is not a title either: there is nothing for it to
            // stand above.
            return Header::default();
        }
        if chunks[0].len() > 1 || byline_of(0).is_some() {
            return header(None, 0);
        }
        // Two short lines before the article: the first is the site name
        // when the second looks more like a title than it does.
        let first = text(&lines[chunks[0].start]);
        if titled(1) {
            let second = text(&lines[chunks[1].start]);
            let longer = second.chars().count() > first.chars().count();
            // A shorter line under the title is its subtitle, even with a
            // byline under it (a book's title page). The same line again,
            // with the byline under it, is the title: the first was the
            // page's header (a breadcrumb, a share bar's).
            // Both set well in, as on a book's or an RFC's title page, the
            // first is the title however short: a site's name is not
            // centred over a page copied out of a browser.
            let title_page = [0, 1].iter().all(|&c| lines[chunks[c].start].indent >= 8);
            if (longer && !title_page) || first == second || is_site_name(first) {
                return header(Some(0), 1);
            }
        }
        header(None, 0)
    }

    /// The first chunk after the header.
    fn end(&self) -> usize {
        [self.site, self.title, self.byline]
            .into_iter()
            .flatten()
            .max()
            .map_or(0, |c| c + 1)
    }
}

/// Why a chunk keeps its lines (`kept_lines`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kept {
    /// Set by hand: verse, an address, a header of fields.
    ByHand,
    /// Text wrapped at the measure and set in from the body.
    SetIn,
    /// Laid out in columns.
    Columns,
}

/// How the lines of a paragraph are joined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Join {
    /// Hard wraps: joined by a space.
    Soft,
    /// Lines that mean to be lines, such as a byline over a date.
    Hard,
}

/// Feeds the Markdown builder the events that describe the structure.
struct Emitter<'s, 'w> {
    src: &'s str,
    builder: Builder<'s>,
    /// The words of the article, for a word split at a line end.
    words: &'w HashSet<String>,
    /// The lines (by where they start) of a page's furniture inside a
    /// paragraph that its page break cut: dimmed there.
    page_furniture: HashSet<usize>,
    /// The column the body text starts at.
    body_indent: usize,
    /// Lines that keep their breaks are being set: a gap of three spaces
    /// or more inside one (two columns, `Network Working Group      G.
    /// Klyne`) stays a gap, which the layout would close to one space.
    gaps: bool,
    /// Why the chunk being set keeps its lines, if it does (see
    /// `kept_lines`).
    kept: Option<Kept>,
}

impl<'s> Emitter<'s, '_> {
    fn event(&mut self, event: Event<'s>, range: Range<usize>) {
        self.builder.event(event, range);
    }

    fn start(&mut self, tag: Tag<'s>, range: Range<usize>) {
        self.event(Event::Start(tag), range);
    }

    fn end(&mut self, tag: &Tag<'s>, range: Range<usize>) {
        self.event(Event::End(tag.to_end()), range);
    }

    /// A piece of a line. Passed as a slice of the source at its own range,
    /// so the builder maps it exactly; dimmed text goes as inline HTML,
    /// which the builder flags for the theme to dim.
    fn piece(&mut self, mut range: Range<usize>, dim: bool) {
        // A wide gap between columns: two no-break spaces and a space,
        // where a narrow screen may still break the line.
        while self.gaps
            && let Some((at, len)) = wide_gap(&self.src[range.clone()])
        {
            let gap = range.start + at..range.start + at + len;
            self.piece(range.start..gap.start, dim);
            let wide = CowStr::Borrowed("\u{a0}\u{a0} ");
            let event = if dim {
                Event::InlineHtml(wide)
            } else {
                Event::Text(wide)
            };
            self.event(event, gap.clone());
            range.start = gap.end;
        }
        if range.is_empty() {
            return;
        }
        let text = CowStr::Borrowed(&self.src[range.clone()]);
        let event = if dim {
            Event::InlineHtml(text)
        } else {
            Event::Text(text)
        };
        self.event(event, range);
    }

    /// The lines of a paragraph or list item, from `first` (the start of the
    /// first line's text, after any list marker). A line break maps to the
    /// offset of the line end it replaces.
    fn lines(&mut self, lines: &[Line], first: usize, join: Join, dim: bool, pads: &[usize]) {
        self.gaps = join == Join::Hard;
        self.lines_set(lines, first, join, dim, pads);
        self.gaps = false;
    }

    fn lines_set(&mut self, lines: &[Line], first: usize, join: Join, dim: bool, pads: &[usize]) {
        // Each line's piece of text, and whether a hyphen joins it to the
        // next one.
        let mut pieces: Vec<(Range<usize>, bool)> = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let start = if i == 0 { first } else { line.text.start };
            let mut end = line.text.end;
            // A word split by a hyphen at the line end is joined to the
            // next line's start: without the hyphen when the whole word
            // occurs in the article ("exam-" "ple"), else with it
            // ("self-" "evident").
            let mut joined = false;
            if join == Join::Soft
                && let Some(next) = lines.get(i + 1)
                && let Some(stem) = split_at_end(&self.src[start..end])
                && let Some(tail) = lower_start(&self.src[next.text.clone()])
            {
                joined = true;
                let whole = format!("{stem}{tail}").to_lowercase();
                if self.words.contains(&whole) {
                    end -= 1;
                }
            }
            pieces.push((start..end, joined));
        }
        // Emphasis marks, in the order they come; none in dimmed text.
        let ranges: Vec<Range<usize>> = pieces.iter().map(|(r, _)| r.clone()).collect();
        let mut marks: Vec<(usize, bool)> = if dim {
            Vec::new()
        } else {
            emphasis::pairs(self.src, &ranges)
                .into_iter()
                .flat_map(|(open, close)| [(open, true), (close, false)])
                .collect()
        };
        marks.reverse();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && !pieces[i - 1].1 {
                let eol = lines[i - 1].line.end;
                // A page's furniture inside a paragraph is a line of its
                // own, as a page break is seen between two pages.
                let page = |l: &Line| self.page_furniture.contains(&l.line.start);
                let event = match join {
                    Join::Soft if page(line) == page(&lines[i - 1]) => Event::SoftBreak,
                    _ => Event::HardBreak,
                };
                self.event(event, eol..line.line.start);
            }
            let dim = dim || self.page_furniture.contains(&line.line.start);
            let Range { mut start, end } = pieces[i].0.clone();
            if let Some(&pad) = pads.get(i).filter(|&&p| p > 0) {
                // No-break spaces, which a paragraph does not run together
                // as it does spaces, mapped to the line's start.
                let text = CowStr::Boxed("\u{a0}".repeat(pad).into_boxed_str());
                self.event(Event::Text(text), start..start);
            }
            while let Some(&(at, opens)) = marks.last()
                && at < end
            {
                marks.pop();
                if start < at {
                    self.piece(start..at, dim);
                }
                let event = if opens {
                    Event::Start(Tag::Emphasis)
                } else {
                    Event::End(TagEnd::Emphasis)
                };
                self.event(event, at..at + 1);
                start = at + 1;
            }
            if start < end {
                self.piece(start..end, dim);
            }
        }
    }

    fn paragraph(&mut self, lines: &[Line], join: Join, dim: bool) {
        self.paragraph_padded(lines, join, dim, &[]);
    }

    /// A paragraph whose lines start `pads` columns in.
    fn paragraph_padded(&mut self, lines: &[Line], join: Join, dim: bool, pads: &[usize]) {
        let range = span(lines);
        // Lines the author set by hand turn over with a hang; text wrapped
        // at the measure and set in is joined again on a screen too narrow
        // for its lines.
        self.builder.kept_lines = match self.kept {
            _ if join == Join::Soft || lines.len() < 2 => Set::Flowing,
            Some(Kept::ByHand) => Set::Lines,
            Some(Kept::SetIn) => Set::SetIn,
            _ => Set::Flowing,
        };
        self.start(Tag::Paragraph, range.clone());
        self.lines(lines, range.start, join, dim, pads);
        self.end(&Tag::Paragraph, range);
        self.builder.kept_lines = Set::Flowing;
    }

    /// A heading of one line, or of two lines that are one title.
    fn heading(&mut self, level: HeadingLevel, lines: &[Line]) {
        let tag = Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        let range = span(lines);
        self.start(tag.clone(), range.clone());
        self.lines(lines, range.start, Join::Soft, false, &[]);
        self.end(&tag, range);
    }

    /// Code or a drawing, as written: every space kept, and each line's
    /// indent past the indent the lines share.
    fn code(&mut self, lines: &[Line]) {
        let src = self.src;
        let lead = |l: &Line| &src[l.line.start..l.text.start];
        let shared = lines
            .iter()
            .map(lead)
            .reduce(|a, b| {
                let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                &a[..n]
            })
            .map_or(0, str::len);
        let tag = Tag::CodeBlock(CodeBlockKind::Indented);
        let range = span(lines);
        self.start(tag.clone(), range.clone());
        for line in lines {
            let text = line.line.start + shared..line.text.end;
            self.event(
                Event::Text(CowStr::Borrowed(&src[text.clone()])),
                text.clone(),
            );
            self.event(Event::Text(CowStr::Borrowed("\n")), text.end..text.end);
        }
        self.end(&tag, range);
    }

    /// Verse set in from the body, each line as far in as written past
    /// the body's column (a quotation mark hanging a column out, a refrain
    /// set further in); nothing for lines at the body's column, or set so
    /// far in or so unevenly that they are centred (a title page).
    fn verse_pads(&self, lines: &[Line]) -> Vec<usize> {
        let indents = lines.iter().map(|l| l.indent);
        let (Some(least), Some(most)) = (indents.clone().min(), indents.max()) else {
            return Vec::new();
        };
        // Lines set by hand from the margin keep how far in the others
        // are: a header field's go-on under its value, an address.
        if least <= self.body_indent
            && self.kept == Some(Kept::ByHand)
            && lines[0].indent == least
            && most > least
            && most - least <= 8
        {
            return lines.iter().map(|l| l.indent - least).collect();
        }
        if least <= self.body_indent || most - least > 6 || most - self.body_indent > 10 {
            return Vec::new();
        }
        lines.iter().map(|l| l.indent - self.body_indent).collect()
    }

    fn rule(&mut self, line: &Line) {
        self.event(Event::Rule, line.text.clone());
    }

    /// Running text: a paragraph, or a list, or a paragraph that introduces
    /// a list ("Three things:" over bulleted lines).
    fn body(&mut self, lines: &[Line], dim: bool, keep: bool, text: &impl Fn(&Line) -> &'s str) {
        if keep {
            let pads = self.verse_pads(lines);
            self.paragraph_padded(lines, Join::Hard, dim, &pads);
            return;
        }
        let Some((at, kind)) = list_start(lines, text) else {
            self.paragraph(lines, Join::Soft, dim);
            return;
        };
        if at > 0 {
            self.paragraph(&lines[..at], Join::Soft, dim);
        }
        let lines = &lines[at..];
        let marker = |l: &Line| kind.marker(text(l));
        let list = Tag::List(match kind {
            ListKind::Bullet => None,
            ListKind::Numbered => number(text(&lines[0])).map(|(n, _)| n),
        });
        let range = span(lines);
        self.start(list.clone(), range.clone());
        let mut i = 0;
        while i < lines.len() {
            // An item runs to the next line with a marker: the lines between
            // are its hard wraps.
            let len = 1 + lines[i + 1..]
                .iter()
                .take_while(|l| marker(l).is_none())
                .count();
            let item = &lines[i..i + len];
            let skip = marker(&item[0]).unwrap_or(0);
            let range = span(item);
            self.start(Tag::Item, range.clone());
            self.lines(item, item[0].text.start + skip, Join::Soft, dim, &[]);
            self.end(&Tag::Item, range);
            i += len;
        }
        self.end(&list, range);
    }
}

/// From the start of the first line's text to the end of the last one's.
fn span(lines: &[Line]) -> Range<usize> {
    let start = lines.first().map_or(0, |l| l.text.start);
    let end = lines.last().map_or(start, |l| l.text.end);
    start..end
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListKind {
    Bullet,
    Numbered,
}

impl ListKind {
    /// The length of this kind's marker and the spaces after it.
    fn marker(self, line: &str) -> Option<usize> {
        match self {
            ListKind::Bullet => bullet(line),
            ListKind::Numbered => number(line).map(|(_, len)| len),
        }
    }
}

/// Where a list starts in a chunk, if it has one, and of what kind. A list
/// opens a chunk with a bulleted line or with two numbered ones (a single
/// numbered line is more likely a section line or a sentence). Inside a
/// chunk, it starts with two consecutive marked lines, or with one after a
/// line that ends with a colon; from there it runs to the end of the chunk.
fn list_start<'s>(lines: &[Line], text: &impl Fn(&Line) -> &'s str) -> Option<(usize, ListKind)> {
    let marked = |i: usize, kind: ListKind| lines.get(i).and_then(|l| kind.marker(text(l)));
    for kind in [ListKind::Bullet, ListKind::Numbered] {
        if marked(0, kind).is_some() && (kind == ListKind::Bullet || marked(1, kind).is_some()) {
            return Some((0, kind));
        }
    }
    (1..lines.len()).find_map(|i| {
        [ListKind::Bullet, ListKind::Numbered]
            .into_iter()
            .find(|&kind| {
                marked(i, kind).is_some()
                    && (marked(i + 1, kind).is_some() || text(&lines[i - 1]).ends_with(':'))
            })
            .map(|kind| (i, kind))
    })
}

/// The length of a bullet marker and the spaces after it: `- `, `* `, `• `…
fn bullet(line: &str) -> Option<usize> {
    let c = line.chars().next()?;
    // A row of marks (`*    *    *`, a break between scenes) is no item.
    if !matches!(c, '-' | '*' | '+' | '•' | '◦' | '▪' | '‣') || is_rule(line) {
        return None;
    }
    marker_end(line, c.len_utf8())
}

/// A list number, `12.` or `3)`, and the length of it with the spaces after.
fn number(line: &str) -> Option<(u64, usize)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 || !line[digits..].starts_with(['.', ')']) {
        return None;
    }
    let n = line[..digits].parse().ok()?;
    marker_end(line, digits + 1).map(|len| (n, len))
}

/// The end of a marker of `len` bytes when spaces and some text follow it.
fn marker_end(line: &str, len: usize) -> Option<usize> {
    let rest = &line[len..];
    let body = rest.trim_start_matches([' ', '\t']);
    (body.len() < rest.len() && !body.is_empty()).then(|| line.len() - body.len())
}

/// A line of at least three `*`, `-`, `_`, `=`, `~` or `#`, all the same,
/// spaces allowed between them.
fn is_rule(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !is_space(*c));
    let Some(first) = marks.next() else {
        return false;
    };
    if !matches!(first, '*' | '-' | '_' | '=' | '~' | '#') {
        return false;
    }
    let mut count = 1;
    for c in marks {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// Fewer than `n` characters, without counting all of a long line.
/// Where the first run of three spaces or more inside `text` is, and how
/// long it is: not at its start or end, nor after a marker (`1.   The`,
/// `▼   2016`), which is no column.
fn wide_gap(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    loop {
        let at = from + text[from..].find("   ")?;
        let len = text[at..].bytes().take_while(|&b| b == b' ').count();
        if at + len >= text.len() {
            return None;
        }
        if text[..at].chars().count() >= 4 {
            return Some((at, len));
        }
        from = at + len;
    }
}

/// Whether `line` is a field of a header: a name of one to three words,
/// the first capitalised, then `: ` and a value (`Subject: Minutes`,
/// `Release date: 1995`, `Content-Type: text/plain`).
fn is_field(line: &str) -> bool {
    let line = line.trim_start();
    let Some((name, value)) = line.split_once(": ") else {
        return false;
    };
    let words: Vec<&str> = name.split(' ').collect();
    !value.trim().is_empty()
        && name.chars().count() <= 24
        && words.len() <= 3
        && name.starts_with(|c: char| c.is_uppercase())
        && words.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        })
}

fn shorter_than(line: &str, n: usize) -> bool {
    line.chars().nth(n.saturating_sub(1)).is_none()
}

/// The last character that is not a closing quote or bracket: `"Stop."`
/// ends a sentence as much as `Stop.` does.
fn last_significant(line: &str) -> Option<char> {
    line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*', '_'])
        .chars()
        .next_back()
}

/// A line that could be a title: short, not a sentence, not a list item.
fn is_title_line(line: &str) -> bool {
    shorter_than(line, TITLE_MAX)
        && line.chars().any(char::is_alphanumeric)
        && !matches!(
            last_significant(line),
            Some('.' | '!' | '?' | ':' | ';' | ',' | '…')
        )
        && bullet(line).is_none()
        && heading::section_number(line).is_none()
        && !is_rule(line)
}

/// The line under a title that says which edition it is: a date, or a
/// version (`Version 3, 29 June 2007`, `March 2026`).
fn is_edition(line: &str) -> bool {
    let (first, rest) = line.split_once(' ').unwrap_or((line, ""));
    heading::is_date_like(line)
        || ["version", "edition", "revision", "draft"]
            .iter()
            .any(|w| first.eq_ignore_ascii_case(w))
            && rest.starts_with(|c: char| c.is_ascii_digit())
}

/// A site name such as "example.com" or "www.example.org".
fn is_site_name(line: &str) -> bool {
    !line.contains(char::is_whitespace)
        && line.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty()
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// The author named by the line under a title: a byline (`By Jane Doe`),
/// or a name alone on its line, as a pasted page puts it between the
/// title and the author's one-line biography.
fn author(line: &str) -> Option<String> {
    byline(line).or_else(|| bare_name(line))
}

/// A person's name and nothing else: two to four capitalised words of
/// letters (`Martin Chikilian`, `F. Scott Fitzgerald`, `Jean-Luc van
/// Dam`), not a phrase that opens a subtitle or a section (`A Novel`,
/// `Part Two`, `About Us`).
fn bare_name(line: &str) -> Option<String> {
    const NOT_NAMES: &[&str] = &[
        "a", "an", "the", "part", "chapter", "book", "volume", "section", "appendix", "table",
        "figure", "about", "how", "why", "what", "when", "where", "who", "with", "from", "for",
        "and", "or", "of", "in", "on", "to", "my", "our", "your", "read", "share", "more", "all",
        "new", "top", "best", "last", "first", "next", "home", "log", "sign", "contact",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    if !shorter_than(line, 40) || !(2..=4).contains(&words.len()) {
        return None;
    }
    let particles = [
        "van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin", "al", "el",
    ];
    let name_word = |w: &str| {
        let mut chars = w.chars();
        let first = chars.next().is_some_and(char::is_uppercase);
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let upper = w.chars().filter(|c| c.is_uppercase()).count();
        first
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-'))
            // `F.` and `H.G.` are initials; a word in capitals is not a name.
            && (upper * 2 <= letters || w.ends_with('.') && letters <= 2)
    };
    let (first, last) = (words[0], words[words.len() - 1]);
    let ok = !NOT_NAMES.contains(&first.to_lowercase().as_str())
        && name_word(first)
        && name_word(last)
        && !last.ends_with('.')
        && words[1..words.len() - 1]
            .iter()
            .all(|w| name_word(w) || particles.contains(w));
    ok.then(|| sanitize(&words.join(" ")))
}

/// The author named by a byline such as "By Jane Doe" or "by Jane Doe,
/// Reuters | March 3, 2026": the part before any `|`, `·` or dash.
/// A sentence that happens to start with "By" is told apart by its words:
/// a name's words are capitalised, apart from particles like "van" or "and".
fn byline(line: &str) -> Option<String> {
    if !shorter_than(line, TITLE_MAX) || matches!(last_significant(line), Some('?' | '!' | ':')) {
        return None;
    }
    let mut words = line.splitn(2, char::is_whitespace);
    let mut first = words.next()?;
    let mut rest = words.next()?.trim_start();
    if ["written", "posted", "words", "story"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
    {
        let mut more = rest.splitn(2, char::is_whitespace);
        first = more.next()?;
        rest = more.next()?.trim_start();
    }
    if !first.eq_ignore_ascii_case("by") {
        return None;
    }
    let name = [" | ", " · ", " — ", " – ", " - ", " / "]
        .iter()
        .filter_map(|sep| rest.find(sep))
        .min()
        .map_or(rest, |i| &rest[..i]);
    let name = name.trim().trim_end_matches([',', ';']).trim_end();
    let particles = [
        "and", "&", "van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin",
        "al", "el", "y",
    ];
    let capitalised = |w: &str| {
        w.chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(|c| !c.is_lowercase())
            || particles.contains(&w)
    };
    let before_comma = name.split(',').next().unwrap_or("");
    let first_is_name = before_comma
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase());
    if !first_is_name || !before_comma.split_whitespace().all(capitalised) {
        return None;
    }
    let clean = sanitize(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!clean.is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BlockKind, ContainerKind, Flags, block_spans};

    /// Each block's text as it reads: a line end kept in a paragraph's
    /// text (a soft break) reads as a space.
    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| {
                block_spans(&b.kind)
                    .map(|s| s.shown(&doc.text).into_owned())
                    .collect()
            })
            .collect()
    }

    fn kinds(doc: &Document) -> Vec<&'static str> {
        doc.blocks
            .iter()
            .map(|b| match (&b.kind, b.container()) {
                (BlockKind::Heading { .. }, _) if b.is_title() => "h1",
                (BlockKind::Heading { .. }, _) => "h2",
                (BlockKind::Paragraph { .. }, Some(_)) => "item",
                (BlockKind::Paragraph { .. }, None) => "p",
                (BlockKind::Rule, _) => "rule",
                _ => "other",
            })
            .collect()
    }

    fn dimmed(doc: &Document, block: usize) -> bool {
        block_spans(&doc.blocks[block].kind)
            .filter(|s| s.text(&doc.text).trim() != "")
            .all(|s| s.flags.contains(Flags::HTML))
    }

    const PARA: &str = "This paragraph is long enough to be running text, and it\nis hard-wrapped the way a saved page is.";

    /// An RFC-like text: a paragraph, then `first` and `second` on either
    /// side of a page break (footer, form feed, running head).
    fn paged(first: &str, second: &str) -> String {
        format!(
            "RFC 9999                 A Test Protocol                 May 2030\n\n1.  Introduction\n\n   This memo is long enough to be running text, and its lines are\n   hard-wrapped as an RFC's are.\n\n{first}\n\n\n\nDoe & Roe                    Standards Track                    [Page 1]\n\u{c}\nRFC 9999                 A Test Protocol                 May 2030\n\n\n{second}\n\n2.  Next\n\n   More text.\n"
        )
    }

    #[test]
    fn a_kicker_title_and_byline_without_blank_lines_are_told_apart() {
        let src = format!(
            "Subscribe\nNutrition\nEvidence Based\nThe Ten Best Ways to Measure Body Fat\nBy Grant Tinsley\n\n{PARA}\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(
            doc.meta.title.as_deref(),
            Some("The Ten Best Ways to Measure Body Fat")
        );
        assert_eq!(doc.meta.author.as_deref(), Some("Grant Tinsley"));
        let t = texts(&doc);
        let kicker = t
            .iter()
            .position(|t| t == "Nutrition Evidence Based")
            .unwrap();
        assert!(dimmed(&doc, kicker), "{t:?}");
        // Lines that are not a header's stay one paragraph.
        let src = format!(
            "One line of a poem,\nand its second line.\nThe third line\nby the river\n\n{PARA}\n"
        );
        let t = texts(&parse_text(&src));
        assert!(
            t.iter().any(|t| t.starts_with("One line of a poem")),
            "{t:?}"
        );
    }

    #[test]
    fn a_paragraph_cut_by_a_page_break_is_one_paragraph() {
        let src = paged(
            "   The protocol has two parts, and implementations could use a simpler\n   handshake over a",
            "   dedicated port without reinventing the entire protocol.  This last\n   point matters.",
        );
        let doc = parse_text(&src);
        let joined = texts(&doc)
            .into_iter()
            .find(|t| t.starts_with("The protocol"))
            .unwrap();
        assert_eq!(
            joined,
            "The protocol has two parts, and implementations could use a simpler handshake over a\nDoe & Roe                    Standards Track                    [Page 1] RFC 9999                 A Test Protocol                 May 2030\ndedicated port without reinventing the entire protocol.  This last point matters."
        );
        // The page's footer and running head stay in their place in it,
        // dimmed, and out of the words.
        let block = doc
            .blocks
            .iter()
            .position(|b| b.source().contains(&src.find("[Page 1]").unwrap()))
            .unwrap();
        assert!(texts(&doc)[block].starts_with("The protocol"));
        for span in block_spans(&doc.blocks[block].kind) {
            let text = span.text(&doc.text);
            let page = text.contains("Standards") || text.contains("RFC 9999");
            assert_eq!(span.flags.contains(Flags::HTML), page, "{text:?}");
        }
        let body = "The protocol has two parts, and implementations could use a simpler handshake over a dedicated port without reinventing the entire protocol.  This last point matters.";
        assert_eq!(doc.block_words(block), body.split_whitespace().count());
        // The outline is the same.
        let heads: Vec<&str> = doc.headings.iter().map(|h| h.text.as_str()).collect();
        assert!(
            heads.ends_with(&["1. Introduction", "2. Next"])
                || heads.ends_with(&["Introduction", "Next"]),
            "{heads:?}"
        );
    }

    #[test]
    fn a_page_that_ends_a_paragraph_keeps_the_next_apart() {
        let src = paged(
            "   The protocol has two parts, and this paragraph ends on this page.",
            "   The next paragraph starts on the next page, in capitals.",
        );
        let doc = parse_text(&src);
        let t = texts(&doc);
        assert!(
            t.iter()
                .any(|t| t == "The protocol has two parts, and this paragraph ends on this page."),
            "{t:?}"
        );
        assert!(
            t.iter()
                .any(|t| t == "The next paragraph starts on the next page, in capitals."),
            "{t:?}"
        );
        // The furniture between them is there, dimmed.
        let footer = t.iter().position(|t| t.contains("[Page 1]")).unwrap();
        assert!(dimmed(&doc, footer));
    }

    #[test]
    fn list_items_on_either_side_of_a_page_break_stay_apart() {
        let src = paged(
            "   o  Use a clock that is set to the right time.",
            "   o  Use another host in the same zone as a gateway to the\n      right time.",
        );
        let t = texts(&parse_text(&src));
        assert!(
            !t.iter()
                .any(|t| t.contains("time. o") || t.contains("time. Use another")),
            "{t:?}"
        );
        // A sentence cut by the page, its second half in lower case, joins
        // even when the first half could end one.
        let src = paged(
            "   The value is set to 42 in the header (see Section 3.",
            "   for its other values) and never changes.",
        );
        let t = texts(&parse_text(&src));
        assert!(
            t.iter().any(|t| t.starts_with("The value is set to 42")
                && t.ends_with("May 2030\nfor its other values) and never changes.")),
            "{t:?}"
        );
    }

    #[test]
    fn lines_split_on_every_line_end() {
        let src = "a\r\nb\rc\n\n  d\t \n";
        let lines = split_lines(src);
        let t: Vec<&str> = lines.iter().map(|l| &src[l.text.clone()]).collect();
        assert_eq!(t, ["a", "b", "c", "", "d", ""]);
        assert_eq!(lines[1].line, 3..4);
    }

    #[test]
    fn hard_wraps_are_joined_with_a_space_at_the_line_end() {
        let src = "one two\r\nthree\rfour\n";
        let doc = parse_text(src);
        assert_eq!(texts(&doc), ["one two three four"]);
        let spans: Vec<_> = block_spans(&doc.blocks[0].kind).collect();
        assert_eq!(spans.len(), 5);
        assert_eq!((spans[1].text(src), spans[1].source()), (" ", 7));
        assert!(!spans[1].exact());
        assert_eq!((spans[3].text(src), spans[3].source()), (" ", 14));
        assert!(spans.iter().filter(|s| s.exact()).count() >= 3);
        for s in spans.iter().filter(|s| s.exact()) {
            assert_eq!(&src[s.source()..s.source() + s.len()], s.text(&doc.text));
        }
    }

    #[test]
    fn title_alone_then_byline() {
        let src = format!("A Quiet Harbour\n\nBy Jane Doe, Reuters\n\n{PARA}\n");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
        assert_eq!(doc.meta.title.as_deref(), Some("A Quiet Harbour"));
        assert_eq!(doc.meta.author.as_deref(), Some("Jane Doe, Reuters"));
        assert_eq!(texts(&doc)[1], "By Jane Doe, Reuters");
        let byline =
            |b: usize| block_spans(&doc.blocks[b].kind).all(|s| s.flags.contains(Flags::BYLINE));
        assert!(byline(1) && !byline(2));
        assert_eq!(doc.headings[0].slug, "a-quiet-harbour");
    }

    #[test]
    fn byline_right_under_the_title_keeps_its_lines() {
        let src = format!("A Quiet Harbour\nby Jane Doe | Reuters\nMarch 3, 2026\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
        assert_eq!(doc.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(texts(&doc)[1], "by Jane Doe | Reuters\nMarch 3, 2026");
    }

    #[test]
    fn a_sentence_starting_with_by_is_not_a_byline() {
        assert_eq!(byline("By Jane Doe"), Some("Jane Doe".into()));
        assert_eq!(
            byline("Written by Ana de la Cruz"),
            Some("Ana de la Cruz".into())
        );
        assert_eq!(byline("by the way"), None);
        assert_eq!(byline("By Tuesday everything had changed"), None);
        assert_eq!(byline("Bygones"), None);
    }

    #[test]
    fn site_name_before_the_title_is_dimmed() {
        let src = format!("example.com\n\nHarbour Bridge to Close\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h1", "p"]);
        assert!(dimmed(&doc, 0));
        assert_eq!(doc.meta.title.as_deref(), Some("Harbour Bridge to Close"));
        // The longer second line wins even without a dot in the first.
        let src = format!("The Daily Example\n\nCouncil Votes to Rebuild the Bridge\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h1", "p"]);
        // A shorter second line is not the title: it stays a paragraph.
        let src = format!("A Long Title About Harbours\n\nJane Doe\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
    }

    #[test]
    fn a_title_repeated_over_its_byline_is_the_title_there() {
        let src = format!(
            "Physics\nMathematics\nBiology\nComputer Science\nAll Articles\nThe Hidden Heroines\nRead Later\nShare\nchaos theory\nThe Hidden Heroines\nBy Ann Lee\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(doc.meta.title.as_deref(), Some("The Hidden Heroines"));
        assert_eq!(doc.meta.author.as_deref(), Some("Ann Lee"));
        assert_eq!(doc.headings.len(), 1);
        // The first copy is dimmed, the second is the heading, with the
        // byline under it.
        let heading = doc.headings[0].block;
        assert!(
            doc.blocks[..heading]
                .iter()
                .enumerate()
                .all(|(i, _)| dimmed(&doc, i))
        );
        assert_eq!(texts(&doc)[heading + 1], "By Ann Lee");
        assert!(!dimmed(&doc, heading + 1));
    }

    #[test]
    fn a_shorter_subtitle_under_the_title_is_not_the_title() {
        let src = format!("The Time Machine\n\nAn Invention\n\nby H. G. Wells\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(doc.meta.title.as_deref(), Some("The Time Machine"));
        // A hard-wrapped kicker over the title is dimmed, the title kept.
        let src = format!("Science and\nTechnology\n\nThe Hidden Heroines of Chaos\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h1", "p"]);
        assert!(dimmed(&doc, 0));
        assert_eq!(
            doc.meta.title.as_deref(),
            Some("The Hidden Heroines of Chaos")
        );
    }

    #[test]
    fn a_pasted_page_has_a_paragraph_on_each_line() {
        let long = "This paragraph was one line of the page, as a browser's copy gives it, and it runs on well past a hundred and twenty characters.";
        let src = format!("{long}\n\nGreat! How does it work?\n{long}\n{long}\n");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h2", "p", "p"]);
        assert_eq!(doc.headings[0].text, "Great! How does it work?");
    }

    #[test]
    fn a_word_split_at_a_line_end_is_joined() {
        let src = "An example comes first, and then\nanother exam-\nple, and a self-\nevident one.";
        let doc = parse_text(src);
        assert_eq!(
            texts(&doc),
            ["An example comes first, and then another example, and a self-evident one."]
        );
        assert_eq!(doc.words, 13);
    }

    #[test]
    fn verse_keeps_its_lines() {
        let src = format!(
            "{PARA}\n\n    Underneath the juniper-tree\n    my little sister lies\n\n{PARA}"
        );
        let doc = parse_text(&src);
        assert_eq!(
            texts(&doc)[1],
            "\u{a0}\u{a0}\u{a0}\u{a0}Underneath the juniper-tree\n\
             \u{a0}\u{a0}\u{a0}\u{a0}my little sister lies"
        );
        let src =
            format!("{PARA}\n\n 'My mother killed her little son;\n  My father grieved\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(
            texts(&doc)[1],
            "\u{a0}'My mother killed her little son;\n\u{a0}\u{a0}My father grieved"
        );
    }

    #[test]
    fn underscores_and_asterisks_around_words_are_italics() {
        let src = format!(
            "{PARA}\n\nA line of thickness _nil_ has no *real*\nexistence, and snake_case stays.\n\n{PARA}"
        );
        let doc = parse_text(&src);
        assert_eq!(
            texts(&doc)[1],
            "A line of thickness nil has no real existence, and snake_case stays."
        );
        let italic: Vec<&str> = block_spans(&doc.blocks[1].kind)
            .filter(|s| s.flags.contains(Flags::EMPHASIS))
            .map(|s| s.text(&doc.text))
            .collect();
        assert_eq!(italic, ["nil", "real"]);
        // The marks are in no span: a highlight or search hit maps to the
        // words themselves.
        let nil = src.find("_nil_").unwrap();
        assert!(
            block_spans(&doc.blocks[1].kind)
                .any(|s| s.source() == nil + 1 && s.text(&doc.text) == "nil")
        );
    }

    #[test]
    fn verse_keeps_how_far_in_each_line_is_set() {
        // A song in a tale: its quotation mark hangs a column out.
        let src = format!(
            "{PARA}\n\n 'The ring-dove sang from the willow spray,\n  Well-a-day! Well-a-day!\n  Well-a-day!'\n\n{PARA}"
        );
        let doc = parse_text(&src);
        assert_eq!(
            texts(&doc)[1],
            "\u{a0}'The ring-dove sang from the willow spray,\n\u{a0}\u{a0}Well-a-day! Well-a-day!\n\u{a0}\u{a0}Well-a-day!'"
        );
        // Lines centred on a title page are not verse.
        let src = format!(
            "{PARA}\n\n                NEW YORK\n\n          GROSSET & DUNLAP\n            Publishers\n\n{PARA}"
        );
        assert!(
            texts(&parse_text(&src))
                .iter()
                .all(|t| !t.starts_with('\u{a0}')),
            "{:?}",
            texts(&parse_text(&src))
        );
    }

    #[test]
    fn a_header_of_fields_keeps_its_lines() {
        // Long fields, with an indented go-on under one of them.
        let src = format!(
            "{PARA}\n\nFrom: Someone Else <someone@example.org>\n\
             Subject: A subject long enough to reach past half of the measure here\n\
             Release date: October 1, 1995 [eBook #345]\n\
             \x20               Most recently updated: September 24, 2025\n\n{PARA}"
        );
        assert_eq!(
            texts(&parse_text(&src))[1],
            "From: Someone Else <someone@example.org>\n\
             Subject: A subject long enough to reach past half of the measure here\n\
             Release date: October 1, 1995 [eBook #345]\n\
             Most recently updated: September 24, 2025"
        );
        // Go-on lines set a little in keep how far in they are.
        let src = format!(
            "{PARA}\n\nAuthor: Guido van Rossum <guido@python.org>,\n        \
             Barry Warsaw <barry@python.org>\nStatus: Active\n\n{PARA}"
        );
        assert_eq!(
            texts(&parse_text(&src))[1],
            "Author: Guido van Rossum <guido@python.org>,\n\
             \u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}Barry Warsaw <barry@python.org>\n\
             Status: Active"
        );
        // Prose that starts with a label is prose: its lines are wrapped.
        let src = format!(
            "{PARA}\n\nNote: the lines of this paragraph were wrapped at the measure of\n\
             the text, and the label at its start makes it no header of fields.\n\n{PARA}"
        );
        assert_eq!(
            texts(&parse_text(&src))[1],
            "Note: the lines of this paragraph were wrapped at the measure of \
             the text, and the label at its start makes it no header of fields."
        );
        for (line, field) in [
            ("Subject: Minutes", true),
            ("Content-Type: text/plain", true),
            ("Posting Date: December 14, 2008", true),
            ("see: this", false),
            ("It was late, and he said: come", false),
            ("https://example.org/a", false),
            ("Title:", false),
        ] {
            assert_eq!(is_field(line), field, "{line:?}");
        }
    }

    #[test]
    fn a_row_of_asterisks_is_no_list_item() {
        assert_eq!(bullet("*       *       *       *       *"), None);
        assert_eq!(bullet("- - -"), None);
        assert!(bullet("* an item").is_some());
        assert!(bullet("- * *").is_some());
    }

    #[test]
    fn set_in_text_wrapped_at_its_measure_is_joined_on_a_narrow_screen() {
        use crate::document::Set;
        // A letter set in, wrapped at the text's measure.
        let letter = "     “My Friend.--Welcome to the Carpathians. I am\n     \
                      anxiously expecting you. Sleep well to-night. At\n     \
                      three to-morrow the diligence will start for\n     \
                      Bukovina; a place on it is kept for you.";
        // A list set in: lines ended well before their longest.
        let list = "     THE GOLDEN BIRD\n     HANS IN LUCK\n     \
                    THE STRAW, THE COAL, AND THE BEAN\n     OLD SULTAN";
        // The body is most of the text, as in a book.
        let body = [PARA; 4].join("\n\n");
        let src = format!("{body}\n\n{letter}\n\n{body}\n\n{list}\n\n{body}");
        let doc = parse_text(&src);
        let mut sets: Vec<Set> = doc.blocks.iter().map(|b| b.set).collect();
        sets.dedup();
        assert_eq!(
            sets,
            [
                Set::Flowing,
                Set::SetIn,
                Set::Flowing,
                Set::Lines,
                Set::Flowing
            ]
        );
        let narrow = crate::layout::render_to_string(&doc, 40).replace('\u{a0}', " ");
        // One paragraph again, every line set in as far as the first.
        assert!(
            narrow.contains(
                "     “My Friend.--Welcome to the\n     Carpathians. I am anxiously\n     expecting you."
            ),
            "{narrow}"
        );
        // Where its lines fit, they are kept as the author ended them.
        let wide = crate::layout::render_to_string(&doc, 60).replace('\u{a0}', " ");
        assert!(wide.contains("Carpathians. I am\n     anxiously"), "{wide}");
        for line in narrow.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 40,
                "{line:?}"
            );
        }
    }

    #[test]
    fn lines_set_by_hand_turn_over_with_a_hang() {
        use crate::document::Set;
        let verse = "    Shall I compare thee to a summer's day?\n    \
                     Thou art more lovely and more temperate:\n    \
                     Rough winds do shake the darling buds of May,";
        // A quotation set in from the body, wrapped at the measure.
        let quoted = "    The body of a quotation set in from the margin, whose lines\n    \
                      were wrapped at the measure of the text by the one who typed\n    \
                      it, and are kept only because they are set in from the body.";
        let src = format!("{PARA}\n\n{verse}\n\n{PARA}\n\n{quoted}\n\n{PARA}");
        let doc = parse_text(&src);
        let sets: Vec<Set> = doc.blocks.iter().map(|b| b.set).collect();
        assert_eq!(
            sets,
            [
                Set::Flowing,
                Set::Lines,
                Set::Flowing,
                Set::SetIn,
                Set::Flowing
            ]
        );
        // A verse line too long for the screen turns over past its start;
        // the next line starts where it did.
        // Its own indent is of no-break spaces.
        let shown = crate::layout::render_to_string(&doc, 30).replace('\u{a0}', " ");
        assert!(
            shown.contains(
                "    Shall I compare thee to a\n       summer's day?\n    Thou art more lovely and\n"
            ),
            "{shown}"
        );
    }

    #[test]
    fn short_lines_at_the_margin_keep_their_breaks() {
        // An address, a list of chapters: each line well short of the
        // measure the paragraphs wrap at.
        let src = format!(
            "{PARA}\n\nAlexey Melnikov\nIsode Ltd.\n5 Castle Business Village\nUK\n\n{PARA}\n\n\
             I\nII\nIII\n\n{PARA}"
        );
        let doc = parse_text(&src);
        let shown = texts(&doc);
        assert!(
            shown.contains(
                &"Alexey Melnikov\nIsode Ltd.\n5 Castle Business Village\nUK".to_string()
            ),
            "{shown:?}"
        );
        assert!(shown.contains(&"I\nII\nIII".to_string()), "{shown:?}");
        // Lines that each start with one word, however long.
        let src = format!(
            "{PARA}\n\nCHAPTER I. Jonathan Harker’s Journal, kept in shorthand\n\
             CHAPTER II. Letters and telegrams from Whitby\nCHAPTER III. Mina Murray’s Journal\n\n{PARA}"
        );
        assert_eq!(
            texts(&parse_text(&src))[1],
            "CHAPTER I. Jonathan Harker’s Journal, kept in shorthand\n\
             CHAPTER II. Letters and telegrams from Whitby\nCHAPTER III. Mina Murray’s Journal"
        );
        // Two short lines, or wrapped lines that reach the measure, are
        // a paragraph.
        let src = format!("{PARA}\n\nIt was late.\nWe left.\n\n{PARA}");
        assert_eq!(texts(&parse_text(&src))[1], "It was late. We left.");
    }

    #[test]
    fn a_gap_between_columns_stays_a_gap() {
        // An RFC's title block: the left column's words, a gap, the right
        // column's; not after a marker, which is no column.
        let src = format!(
            "{PARA}\n\nNetwork Working Group                 G. Klyne\n\
             Request for Comments: 3339      Clearswift Corporation\n\
             1.   Category: Standards Track        C. Newman\n\n{PARA}"
        );
        let shown = texts(&parse_text(&src));
        assert_eq!(
            shown[1],
            "Network Working Group\u{a0}\u{a0} G. Klyne\n\
             Request for Comments: 3339\u{a0}\u{a0} Clearswift Corporation\n\
             1.   Category: Standards Track\u{a0}\u{a0} C. Newman",
            "{shown:?}"
        );
    }

    #[test]
    fn lines_ended_before_the_next_word_would_wrap_keep_their_breaks() {
        // Verse longer than half the measure: each line ends where the
        // next one's first word would still have fitted.
        let sonnet = "Shall I compare thee to a summer's day?\n\
                      Thou art more lovely and more temperate:\n\
                      Rough winds do shake the darling buds of May,\n\
                      And summer's lease hath all too short a date;";
        let src = format!("{PARA}\n\n{sonnet}\n\n{PARA}");
        assert_eq!(texts(&parse_text(&src))[1], sonnet);
        // Prose wrapped narrower than the rest of the file is still
        // wrapped prose.
        let narrow = "This paragraph is wrapped at a width of forty\n\
                      columns, narrower than the rest of the file,\n\
                      and each of its lines is still full to that\n\
                      width, so it is joined as a paragraph is.";
        let src = format!("{PARA}\n\n{narrow}\n\n{PARA}");
        assert!(!texts(&parse_text(&src))[1].contains('\n'));
        // Wrapped prose, each line ended by a word that did not fit, is a
        // paragraph; so is a list, which is a list's.
        let shown = texts(&parse_text(&format!("{PARA}\n\n{PARA}")));
        assert!(shown.iter().all(|t| !t.contains('\n')), "{shown:?}");
        let src = format!("{PARA}\n\nTo buy:\n- a kettle for the kitchen\n- two chairs\n\n{PARA}");
        assert!(
            texts(&parse_text(&src))
                .iter()
                .any(|t| t == "a kettle for the kitchen"),
            "{:?}",
            texts(&parse_text(&src))
        );
    }

    #[test]
    fn a_long_comment_thread_after_the_article_is_dimmed() {
        // Most of the bytes are the comments', most of the lines the article's.
        let mut src = format!("{PARA}\n\n").repeat(30) + "Hire Martin\nComments\n";
        for i in 0..40 {
            src.push_str(&format!("Reader {i}\nThanks, this was a helpful and thorough article about the subject at hand.\n"));
        }
        let doc = parse_text(&src);
        assert!(doc.headings.is_empty(), "{:?}", doc.headings);
        assert!(!dimmed(&doc, 0) && dimmed(&doc, doc.blocks.len() - 1));
    }

    #[test]
    fn no_title_when_the_text_starts_with_prose() {
        let doc = parse_text(&format!("{PARA}\n\nShort Line\n\n{PARA}"));
        assert_eq!(doc.meta.title, None);
        assert_eq!(kinds(&doc), ["p", "h2", "p"]);
        assert_eq!(parse_text("Just a line").meta.title, None);
        assert_eq!(parse_text("I went home.\n\nThen slept.").meta.title, None);
    }

    fn headings(doc: &Document) -> Vec<&str> {
        doc.headings.iter().map(|h| h.text.as_str()).collect()
    }

    /// A 1981 RFC: numbered sections at the margin, and under them parts
    /// without a number set in with the body (`  Addressing`), which are
    /// their subsections; a heading at the margin again (`APPENDIX A`)
    /// is a section of its own. Its title page sets the title over a
    /// longer line, both centred: the first is the title.
    #[test]
    fn unnumbered_parts_set_in_are_subsections_of_the_numbered_one() {
        let body = "  The text of this part runs on for a while, as the body of\n  an RFC does, indented by two columns from the margin here.";
        let sub = format!("  {}", body.replace("\n  ", "\n    "));
        let sub = format!("{sub}\n\n{sub}\n\n{sub}");
        let src = format!(
            "                           INTERNET PROTOCOL\n\n\n                         DARPA INTERNET PROGRAM\n\n\
             \x20                        PROTOCOL SPECIFICATION\n\n\n\
             \x20                            September 1981\n\n\n\
             {body}\n\n1.  INTRODUCTION\n\n{body}\n\n1.1.  Motivation\n\n{body}\n\n\
             2.  OVERVIEW\n\n{body}\n\n2.1.  Function Description\n\n{body}\n\n\
             \x20 Addressing\n\n{sub}\n\n  Fragmentation\n\n{sub}\n\n  Options\n\n{sub}\n\n\
             2.2.  Gateways\n\n{body}\n\nAPPENDIX A:  Examples\n\n{body}\n"
        );
        let doc = parse_text(&src);
        // The title page's other lines aside.
        let levels: Vec<(u8, &str)> = doc
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .skip_while(|&(_, t)| t != "1. INTRODUCTION")
            .collect();
        assert_eq!(
            levels,
            [
                (2, "1. INTRODUCTION"),
                (3, "1.1. Motivation"),
                (2, "2. OVERVIEW"),
                (3, "2.1. Function Description"),
                (4, "Addressing"),
                (4, "Fragmentation"),
                (4, "Options"),
                (3, "2.2. Gateways"),
                (2, "APPENDIX A: Examples"),
            ]
        );
        assert_eq!(doc.meta.title.as_deref(), Some("INTERNET PROTOCOL"));
        assert_eq!(doc.headings[0].level, 1);
    }

    /// A centred title of two lines in capitals, the longer one in by a
    /// few columns only, over numbered prose: one heading (licences set
    /// their terms so).
    #[test]
    fn a_centred_title_of_two_lines_in_capitals() {
        let para = "Lines of running text fill the column from one edge to the other, as\n\
                    the body of a licence does, with more words after them on the next\n\
                    line, and more again, until the paragraph ends with a full stop.";
        let text = format!(
            "                      A MADE-UP PUBLIC LICENCE\n\n{para}\n\n{para}\n\n\
             \x20                     A MADE-UP PUBLIC LICENCE\n\
             \x20  TERMS AND CONDITIONS FOR COPYING, SHARING AND CHANGING\n\n\
             \x20 0. {para}\n\n  1. {para}\n\n{para}\n"
        );
        let doc = parse_text(&text);
        let found = headings(&doc);
        assert!(
            found.contains(
                &"A MADE-UP PUBLIC LICENCE TERMS AND CONDITIONS FOR COPYING, SHARING AND CHANGING"
            ),
            "{found:?}"
        );
        // Not centred, two lines in capitals are a notice, not a title.
        let notice = format!(
            "{para}\n\nURGENT: PLEASE READ BEFORE THE MEETING\nALL STAFF MUST ATTEND\n\n{para}\n\n{para}\n"
        );
        let found = headings(&parse_text(&notice)).len();
        assert_eq!(found, 0, "{:?}", headings(&parse_text(&notice)));
    }

    #[test]
    fn a_title_case_heading_ending_in_a_bang_right_under_the_title() {
        // Two sentences and a final `!` weigh a little against it; that it
        // stands alone over the text, under the title, weighs more.
        let para = "GNU, which stands for Gnu's Not Unix, is the name for the complete\nUnix-compatible software system which I am writing so that I can give it\naway free to everyone who can use it.";
        let src = format!(
            "The Manifesto\n\nWhat's GNU?  Gnu's Not Unix!\n\n{para}\n\nWho Am I?\n\n{para}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(
            headings(&doc),
            ["The Manifesto", "What's GNU? Gnu's Not Unix!", "Who Am I?"]
        );
        // A name alone under the title is not a section, nor is a line of
        // a centred title page.
        let src = format!("A Long Title About Harbours\n\nJane Doe\n\n{PARA}\n");
        assert_eq!(headings(&parse_text(&src)), ["A Long Title About Harbours"]);
    }

    #[test]
    fn a_numbered_list_article_keeps_its_opening_and_closing_sections() {
        // Headings numbered `Common Mistake #N:` ask more of a line that is
        // not numbered between them (a box's `Summary`), not of the
        // sections that frame them, unless such a line is one of the
        // labels found inside.
        let mut src = format!("About this article\n\n{PARA}\n\n");
        for n in 1..=4 {
            src +=
                &format!("Common Mistake #{n}: Doing thing {n}\n\n{PARA}\n\nSummary\n\n{PARA}\n\n");
        }
        src += &format!("Wrap-up\n\n{PARA}\n\nSummary\n\n{PARA}\n");
        let doc = parse_text(&src);
        let mut want = vec!["About this article".to_string()];
        want.extend((1..=4).map(|n| format!("Common Mistake #{n}: Doing thing {n}")));
        want.push("Wrap-up".into());
        assert_eq!(headings(&doc), want);
    }

    #[test]
    fn a_name_alone_under_the_title_is_its_author() {
        let src = format!(
            "Accept Cookies\nBuggy Code: The Ten Most Common Mistakes\nMartin Chikilian\nMartin is an engineer and has written code since 2007.\n\nAbout Python\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(
            doc.meta.title.as_deref(),
            Some("Buggy Code: The Ten Most Common Mistakes")
        );
        assert_eq!(doc.meta.author.as_deref(), Some("Martin Chikilian"));
        let byline = doc
            .blocks
            .iter()
            .find(|b| block_spans(&b.kind).any(|s| s.text(&doc.text) == "Martin Chikilian"))
            .unwrap();
        assert!(block_spans(&byline.kind).all(|s| s.flags.contains(Flags::BYLINE)));
        assert_eq!(headings(&doc)[1..], ["About Python"]);
        // Words that open a subtitle or a section are no name.
        for line in [
            "A Novel",
            "Part Two",
            "About Us",
            "THE AUTHOR",
            "Jane",
            "Jane Doe.",
        ] {
            assert_eq!(bare_name(line), None, "{line}");
        }
        for line in [
            "Jane Doe",
            "F. Scott Fitzgerald",
            "Jean-Luc van Dam",
            "Mary O'Brien",
        ] {
            assert_eq!(bare_name(line).as_deref(), Some(line));
        }
    }

    #[test]
    fn a_title_page_with_by_on_its_own_line() {
        let src = format!(
            "                 The Great Gatsby\n                        by\n                F. Scott Fitzgerald\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(doc.meta.title.as_deref(), Some("The Great Gatsby"));
        assert_eq!(doc.meta.author.as_deref(), Some("F. Scott Fitzgerald"));
    }

    #[test]
    fn a_gutenberg_header_names_the_book_and_its_author() {
        let src = format!(
            "The Project Gutenberg eBook of Dracula\n\nTitle: Dracula\n\nAuthor: Bram Stoker\n\n*** START OF THE PROJECT GUTENBERG EBOOK DRACULA ***\n\n\n                DRACULA\n\n                 _by_\n\n              Bram Stoker\n\n\nCHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n\nCHAPTER III\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(doc.meta.title.as_deref(), Some("Dracula"));
        assert_eq!(doc.meta.author.as_deref(), Some("Bram Stoker"));
    }

    #[test]
    fn a_line_that_a_page_break_cuts_from_its_paragraph_is_no_heading() {
        let src = paged(
            "   In the ARPANET case, for example, the module would call on a",
            "   local net module which would add the leader to the datagram.",
        );
        let doc = parse_text(&src);
        assert!(
            !headings(&doc)
                .iter()
                .any(|h| h.starts_with("In the ARPANET")),
            "{:?}",
            headings(&doc)
        );
        assert!(
            texts(&doc).iter().any(|t| t.starts_with("In the ARPANET")
                && t.ends_with("local net module which would add the leader to the datagram.")),
            "{:?}",
            texts(&doc)
        );
    }

    #[test]
    fn numbered_titles_ending_with_a_full_stop() {
        let mut src = String::from("TERMS AND CONDITIONS\n\n");
        for title in [
            "0. Definitions.",
            "1. Source Code.",
            "2. Protecting Users' Legal Rights From Anti-Circumvention Law.",
            "3. the work is conveyed with a notice that says so and nothing more.",
        ] {
            src += &format!("  {title}\n\n  {PARA}\n\n");
        }
        let doc = parse_text(&src);
        let heads = headings(&doc);
        assert!(heads.contains(&"0. Definitions."), "{heads:?}");
        assert!(heads.contains(&"1. Source Code."), "{heads:?}");
        assert!(
            heads.contains(&"2. Protecting Users' Legal Rights From Anti-Circumvention Law."),
            "{heads:?}"
        );
        // A numbered sentence is not a title.
        assert!(!heads.iter().any(|h| h.starts_with("3.")), "{heads:?}");
    }

    #[test]
    fn a_centred_title_over_its_edition_and_a_centred_section() {
        let src = format!(
            "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n                            Preamble\n\n  {PARA}\n\n                       TERMS AND CONDITIONS\n\n  {PARA}\n"
        );
        let doc = parse_text(&src);
        assert_eq!(
            doc.meta.title.as_deref(),
            Some("GNU GENERAL PUBLIC LICENSE")
        );
        assert_eq!(
            headings(&doc),
            [
                "GNU GENERAL PUBLIC LICENSE",
                "Preamble",
                "TERMS AND CONDITIONS"
            ]
        );
        assert!(texts(&doc).contains(&"Version 3, 29 June 2007".to_string()));
    }

    /// The lines of each code block of `doc`, as shown.
    fn code_blocks(doc: &Document) -> Vec<Vec<String>> {
        doc.blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Code(code) => Some(
                    code.lines
                        .iter()
                        .map(|l| l.iter().map(|s| s.text(&doc.text)).collect())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_table_of_contents_cut_by_a_page_break_is_shown_as_written() {
        let src = format!(
            "{PARA}\n\nTable of Contents\n\n\
             \x20  1.  Introduction . . . . . . . . . . . . . . . . . .  4\n\
             \x20    1.1.  Background . . . . . . . . . . . . . . . . .  4\n\
             \x20    1.2.  Protocol Overview  . . . . . . . . . . . . .  5\n\n\n\
             Doe & Roe                    Standards Track                    [Page 2]\n\u{c}\n\
             RFC 9999                 A Test Protocol                 May 2030\n\n\n\
             \x20    1.3.  Opening Handshake  . . . . . . . . . . . . .  6\n\
             \x20  2.  Conformance Requirements . . . . . . . . . . . . 12\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        let code = code_blocks(&doc);
        assert_eq!(
            code,
            [
                vec![
                    "1.  Introduction . . . . . . . . . . . . . . . . . .  4",
                    "  1.1.  Background . . . . . . . . . . . . . . . . .  4",
                    "  1.2.  Protocol Overview  . . . . . . . . . . . . .  5",
                ],
                vec![
                    "  1.3.  Opening Handshake  . . . . . . . . . . . . .  6",
                    "2.  Conformance Requirements . . . . . . . . . . . . 12",
                ],
            ]
        );
        assert!(is_contents(&[
            "Month   Days",
            "01 January   31",
            "02 February   28"
        ]));
        assert!(!is_contents(&[
            "It was 1984 and the",
            "year went on to 1985"
        ]));
    }

    #[test]
    fn the_chunks_under_a_double_colon_are_shown_as_written() {
        let src = format!(
            "{PARA}\n\nA continuation line is indented::\n\n    # Correct:\n\n    foo = bar(one,\n              two)\n\n\
             - Imports go on lines of their own::\n\n       # Wrong:\n       import sys, os\n\n  \
             It's fine to say this though.\n\n{PARA}\n"
        );
        let doc = parse_text(&src);
        let kinds: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Code(code) => format!(
                    "code: {}",
                    code.lines
                        .iter()
                        .map(|l| l.iter().map(|s| s.text(&doc.text)).collect::<String>())
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
                BlockKind::Paragraph { spans } => {
                    let t: String = spans.iter().map(|s| s.text(&doc.text)).collect();
                    format!("text: {}", t.chars().take(28).collect::<String>())
                }
                other => format!("{other:?}").chars().take(20).collect(),
            })
            .collect();
        assert_eq!(
            kinds[1..4],
            [
                "text: A continuation line is inden",
                "code: # Correct:",
                "code: foo = bar(one, /           two)",
            ],
            "{kinds:#?}"
        );
        assert!(
            kinds.contains(&"code: # Wrong: / import sys, os".to_string()),
            "{kinds:#?}"
        );
        assert!(
            kinds.iter().any(|k| k.starts_with("text: It's fine")),
            "{kinds:#?}"
        );
    }

    #[test]
    fn code_and_drawings_are_shown_as_written() {
        let src = format!(
            "{PARA}\n\n>>> def foo(bar=[]):\n...    bar.append(\"baz\")   # mutable\n...    return bar\n>>> foo()\n[\"baz\"]\n\n{PARA}\n\n   +-+-+-+-+\n   |Ver|  IHL|\n   +-+-+-+-+\n"
        );
        let doc = parse_text(&src);
        let code = code_blocks(&doc);
        assert_eq!(
            code,
            [
                vec![
                    ">>> def foo(bar=[]):",
                    "...    bar.append(\"baz\")   # mutable",
                    "...    return bar",
                    ">>> foo()",
                    "[\"baz\"]"
                ],
                vec!["+-+-+-+-+", "|Ver|  IHL|", "+-+-+-+-+"],
            ]
        );
        // Each line is its bytes in the source.
        for block in &doc.blocks {
            if let BlockKind::Code(code) = &block.kind {
                for span in code.lines.spans() {
                    let text = span.text(&doc.text);
                    assert_eq!(&src[span.source()..span.source() + text.len()], text);
                }
            }
        }
    }

    #[test]
    fn headings_need_prose_around_them() {
        // Followed by another short line, by a list, or by nothing: no heading.
        let src = format!("{PARA}\n\nOne\n\nTwo\n\n- a\n- b\n\nThree");
        let doc = parse_text(&src);
        assert!(doc.headings.is_empty(), "{:?}", doc.headings);
        // A short sentence with a full stop is a paragraph.
        let src = format!("{PARA}\n\nThat was all.\n\n{PARA}");
        assert!(parse_text(&src).headings.is_empty());
        // Lower case first: a fragment, not a heading.
        let src = format!("{PARA}\n\nand then some\n\n{PARA}");
        assert!(parse_text(&src).headings.is_empty());
        // A question may be a heading.
        let src = format!("{PARA}\n\nWhat Went Wrong?\n\n{PARA}");
        assert_eq!(parse_text(&src).headings[0].slug, "what-went-wrong");
    }

    #[test]
    fn a_dateline_before_the_article_is_not_a_heading() {
        let src = format!("The Title\n\nBy Ann Lee\n\nMarch 3, 2026\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p", "p"]);
    }

    #[test]
    fn numbered_section_lines() {
        for line in [
            "1. Beginnings",
            "2.3 Results",
            "II. The Argument",
            "Part One",
            "Chapter 3: The Storm",
        ] {
            assert!(heading::section_number(line).is_some(), "{line}");
        }
        for line in ["C. S. Lewis", "Part of it", "1234", "2024 in review"] {
            assert!(heading::section_number(line).is_none(), "{line}");
        }
        let src = format!("On Walking\n\n1. Beginnings\n\n{PARA}\n\nII. The Argument\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "h2", "p", "h2", "p"]);
        assert_eq!(doc.headings[1].slug, "1-beginnings");
    }

    #[test]
    fn numbered_lines_spaced_out_are_not_headings() {
        let src = format!("{PARA}\n\n1. Apples\n\n2. Pears\n\n{PARA}");
        let doc = parse_text(&src);
        assert!(doc.headings.is_empty(), "{:?}", doc.headings);
    }

    #[test]
    fn lists() {
        let src = "Three things:\n- one\n- two that wraps\n  onto a second line\n* three\n\n1. first\n2) second\n";
        let doc = parse_text(src);
        assert_eq!(kinds(&doc), ["p", "item", "item", "item", "item", "item"]);
        assert_eq!(
            texts(&doc),
            [
                "Three things:",
                "one",
                "two that wraps onto a second line",
                "three",
                "first",
                "second"
            ]
        );
        let markers: Vec<&str> = doc
            .containers
            .iter()
            .map(|c| match &c.kind {
                ContainerKind::Item { marker, .. } => marker.as_str(),
                ContainerKind::Quote { .. } => "quote",
            })
            .collect();
        assert_eq!(markers, ["•", "•", "•", "1.", "2."]);
        // Tight inside a chunk, a blank line between the two lists.
        let space: Vec<u8> = doc.blocks.iter().map(|b| b.space_before).collect();
        assert_eq!(space, [0, 1, 0, 0, 1, 0]);
    }

    #[test]
    fn a_wrapped_dash_inside_a_paragraph_is_not_a_list() {
        let doc = parse_text("It was late\n- too late - and cold.\nWe left.");
        assert_eq!(kinds(&doc), ["p"]);
    }

    #[test]
    fn scene_breaks_are_rules() {
        let doc = parse_text(&format!("{PARA}\n\n* * *\n\n{PARA}"));
        assert_eq!(kinds(&doc), ["p", "rule", "p"]);
    }

    #[test]
    fn a_line_of_underscores_is_a_rule_even_under_a_paragraph() {
        let rule = "_".repeat(60);
        let doc = parse_text(&format!("   {PARA}\n     {rule}\n\n{PARA}"));
        assert_eq!(kinds(&doc), ["p", "rule", "p"]);
        assert!(!texts(&doc)[0].contains('_'));
        // Dashes under a line still underline a heading.
        let doc = parse_text(&format!("Introduction\n------------\n\n{PARA}"));
        assert_eq!(doc.headings[0].text, "Introduction");
    }

    #[test]
    fn trailing_boilerplate_is_dimmed_not_dropped() {
        let src = format!(
            "{PARA}\n\n{PARA}\n\nLeave a Reply Cancel reply\n\nYour email address will not be published.\n\nName *\n\nPost Comment\n"
        );
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "p", "p", "p", "p", "p"]);
        assert!(!dimmed(&doc, 1));
        assert!((2..6).all(|b| dimmed(&doc, b)));
        assert!(doc.headings.is_empty());
        assert_eq!(texts(&doc)[2], "Leave a Reply Cancel reply");
    }

    #[test]
    fn comments_early_in_the_text_are_not_boilerplate() {
        let src = format!("{PARA}\n\nComments\n\n{PARA}\n\n{PARA}\n\n{PARA}");
        let doc = parse_text(&src);
        assert!(!(0..doc.blocks.len()).any(|b| dimmed(&doc, b)));
        assert_eq!(doc.headings[0].text, "Comments");
    }

    #[test]
    fn control_characters_become_stand_ins() {
        let src = "Title \u{1b}[2J\n\nA line \u{202e}with\u{7}controls\u{0c}in it, long enough.\n";
        let doc = parse_text(src);
        for t in texts(&doc) {
            assert!(
                !t.chars().any(|c| super::super::stand_in(c).is_some()),
                "{t:?}"
            );
        }
        assert_eq!(doc.meta.title.as_deref(), Some("Title ␛[2J"));
    }

    #[test]
    fn leading_bom_tabs_and_whitespace_only_lines() {
        let src = "\u{feff}The Title\n \t \n\tIndented\tprose that runs on,\n\tand on.\n";
        let doc = parse_text(src);
        assert_eq!(doc.meta.title.as_deref(), Some("The Title"));
        assert_eq!(texts(&doc)[1], "Indented\tprose that runs on, and on.");
    }

    #[test]
    fn duplicate_headings_get_unique_slugs_and_words_add_up() {
        let src = format!("Title\n\n{PARA}\n\nNotes\n\n{PARA}\n\nNotes\n\n{PARA}");
        let doc = parse_text(&src);
        let slugs: Vec<&str> = doc.headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(slugs, ["title", "notes", "notes-1"]);
        assert_eq!(
            doc.words,
            (0..doc.blocks.len())
                .map(|b| doc.block_words(b))
                .sum::<usize>()
        );
        assert_eq!(doc.words_before_block.len(), doc.blocks.len() + 1);
        assert_eq!(doc.fingerprint, super::super::fingerprint(&src));
        assert_eq!(doc.source_len, src.len());
    }

    #[test]
    fn empty_and_blank_input() {
        for src in ["", "\n", "\r\n\r\n", " \t "] {
            let doc = parse_text(src);
            assert!(doc.blocks.is_empty(), "{src:?}");
            assert_eq!(doc.words, 0);
        }
    }
}
