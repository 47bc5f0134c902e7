//! Whether a line standing alone in a plain-text article is a section
//! heading: the evidence for and against it, weighed together. No single
//! sign decides. A line is a heading because it stands alone, is followed
//! by prose, is much shorter than the paragraphs around it, is numbered or
//! written in capitals like its siblings, sits left of the body text, and
//! does not read like a sentence; a final `!`, `?` or `:` counts a little
//! against it, a full stop, an opening quote or a lower-case start a lot.
//! This module only weighs a line in the context the parser describes.

/// A line is a heading when its evidence reaches this.
pub(super) const THRESHOLD: f32 = 3.0;

/// Where a line sits across the column, compared with the body text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(super) enum Placement {
    /// Left of the body text, as RFC section titles are.
    Outdented,
    #[default]
    Body,
    /// Centred in the column, as a book's chapter numbers are.
    Centred,
    /// Further in than the body, and not centred: verse, a quotation, code.
    Indented,
}

/// What the neighbourhood of a line says.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Context {
    /// The next block is running text.
    pub followed_by_prose: bool,
    /// The next block is a heading-like line, and running text follows it:
    /// a chapter number over its title.
    pub followed_by_heading: bool,
    /// The block before is running text, a list or a scene break.
    pub follows_prose: bool,
    /// No running text has come yet: a dateline or a caption is likelier.
    pub before_article: bool,
    pub blank_lines_before: usize,
    pub placement: Placement,
    /// Shares its pattern (numbering, capitals, placement) with two or
    /// more other lines that stand alone.
    pub siblings: bool,
    /// Less than half as long as the lines of the paragraphs around it.
    pub much_shorter: bool,
    /// Comes right after a bare section number (`CHAPTER IV`, `II.`): it is
    /// that section's title.
    pub after_number: bool,
    /// The article's headings share patterns, and this line shares none.
    pub off_pattern: bool,
    /// Right under a figure or over its label (`Figure 3.`): a caption.
    pub by_figure: bool,
    /// Glued to page furniture with no blank line between.
    pub glued: bool,
    /// Two lines that are one title (see `two_line_heading`): each is
    /// short, not the two together.
    pub two_lines: bool,
    /// For a title of two lines, the characters of the longer.
    pub longer_line: usize,
    /// Numbered one after the other with its neighbour and no text between:
    /// the items of a list spaced out with blank lines.
    pub spaced_list: bool,
}

/// How a section is numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Numbering {
    /// `1.`, `4.2.1.`, `2.3`: with its depth.
    Arabic(usize),
    /// `II.`, `XIV`.
    Roman,
    /// `Chapter 3`, `Part Two`, `Appendix A`, `BOOK IV`.
    Named,
}

/// The pattern a heading shares with its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Pattern {
    numbering: Option<Numbering>,
    caps: bool,
    placement: Placement,
}

/// The pattern of a line that could have siblings: numbered, in capitals,
/// left of the body or centred.
pub(super) fn pattern(line: &str, placement: Placement) -> Option<Pattern> {
    let numbering = section_number(line).map(|(n, _)| n);
    let caps = is_caps(line);
    let placed = matches!(placement, Placement::Outdented | Placement::Centred);
    (numbering.is_some() || caps || placed).then_some(Pattern {
        numbering,
        caps,
        placement,
    })
}

/// The weight of evidence that `line` is a heading.
pub(super) fn evidence(line: &str, cx: &Context) -> f32 {
    let chars = line.chars().count();
    // The length of one line of the title.
    let line_chars = if cx.two_lines { cx.longer_line } else { chars };
    if line_chars > 100
        || few_letters(line)
        || is_toc_entry(line)
        || has_address(line)
        || is_closing(line)
    {
        return f32::NEG_INFINITY;
    }
    let number = section_number(line);
    // Two unnumbered lines in capitals are a title only when centred, as
    // a title page sets one: not a notice in capitals between paragraphs.
    if cx.two_lines && number.is_none() && cx.placement != Placement::Centred {
        return f32::NEG_INFINITY;
    }
    let bare = number.is_some_and(|(_, rest)| rest.is_empty());
    let mut e = 1.0;
    if cx.followed_by_prose {
        e += 1.5;
    } else if cx.followed_by_heading {
        e += 0.5;
    } else {
        // Nothing to read under it: a dedication, a salutation, a label.
        e -= 1.0;
    }
    if cx.follows_prose {
        e += 0.5;
    }
    if cx.blank_lines_before >= 2 {
        e += 0.5;
    }
    if cx.before_article {
        e -= if number.is_some() { 0.5 } else { 1.5 };
    }
    if number.is_some() {
        e += 2.0;
    }
    if is_caps(line) {
        e += 1.0;
    } else if is_title_case(line) {
        e += 0.5;
    }
    match cx.placement {
        Placement::Outdented => e += 1.0,
        Placement::Indented => e -= 1.5,
        Placement::Body | Placement::Centred => {}
    }
    if cx.siblings {
        e += 1.0;
    }
    if cx.much_shorter {
        e += 0.5;
    }
    if cx.after_number {
        e += 2.0;
    }
    if cx.off_pattern {
        e -= 1.5;
    }
    if cx.by_figure {
        e -= 2.5;
    }
    if cx.glued {
        e -= 1.0;
    }
    if cx.spaced_list {
        e -= 3.0;
    }
    // A numbered title of a few words, or in title case, may end with a
    // full stop (`1. Source Code.`, as licences and reports write them); a
    // sentence is longer, and not in title case.
    let short_numbered = number.is_some_and(|(_, rest)| {
        let n = words(rest).count();
        n <= 5 || n <= 10 && is_title_case(rest)
    });
    match ending(line) {
        Ending::Sentence if short_numbered && !bare && line.ends_with('.') => e -= 1.0,
        Ending::Sentence if !bare && !cx.after_number => e -= 3.0,
        Ending::Ellipsis | Ending::Question => e -= 0.5,
        Ending::Colon => e -= 1.5,
        _ => {}
    }
    if is_dialogue(line) || looks_like_code(line) || is_caption(line) {
        e -= 4.0;
    }
    if is_definition(line) {
        e -= 6.0;
    }
    if two_sentences(line) {
        e -= 1.0;
    }
    if starts_lowercase(line) {
        e -= 3.0;
    }
    if number.is_none() && line_chars > 70 {
        e -= 1.5;
    }
    if reads_like_sentence(number.map_or(line, |(_, rest)| rest)) {
        e -= 1.5;
    }
    if is_date_like(line) {
        e -= 2.0;
    }
    e
}

/// The words that close a book: `THE END`, `Finis`.
fn is_closing(line: &str) -> bool {
    let bare = line.trim_end_matches(['.', '!']);
    ["the end", "finis", "fin"]
        .iter()
        .any(|w| bare.eq_ignore_ascii_case(w))
}

/// A line that is only a section number: `CHAPTER IV`, `II.`, `12`.
pub(super) fn is_bare_number(line: &str) -> bool {
    section_number(line).is_some_and(|(_, rest)| rest.is_empty())
}

/// The section number a line starts with, and the title after it:
/// `1. Beginnings`, `4.2.1.  Reading`, `2.3 Results`, `II. The Argument`,
/// `XIV`, `CHAPTER I`, `Part Two: Home`, `Appendix A. Grammar`.
pub(super) fn section_number(line: &str) -> Option<(Numbering, &str)> {
    let (first, rest) = split_word(line);
    let bare = first.trim_end_matches(['.', ')', ':']);
    let marked = bare.len() < first.len();
    let parts: Vec<&str> = bare.split('.').collect();
    let arabic = parts
        .iter()
        .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if arabic && (marked || parts.len() > 1 || rest.is_empty()) {
        return Some((Numbering::Arabic(parts.len()), rest));
    }
    if is_roman(bare) && (marked || rest.is_empty()) {
        return Some((Numbering::Roman, rest));
    }
    const NAMES: &[&str] = &[
        "chapter", "part", "book", "section", "act", "appendix", "canto", "volume",
    ];
    if let Some(rest) = labelled_number(line) {
        return Some((Numbering::Named, rest));
    }
    if NAMES.iter().any(|w| first.eq_ignore_ascii_case(w)) {
        let (second, rest) = split_word(rest);
        let n = second.trim_end_matches([':', '.', ',']);
        let letter = n.len() == 1 && n.bytes().all(|b| b.is_ascii_uppercase());
        let numbered = (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            || is_roman(n)
            || letter
            || NUMBER_WORDS.iter().any(|w| n.eq_ignore_ascii_case(w));
        if numbered {
            return Some((Numbering::Named, rest));
        }
    }
    None
}

/// The depth and the last number of an Arabic section number: `4.2.` is
/// (2, 2).
pub(super) fn arabic_number(line: &str) -> Option<(usize, u32)> {
    let (Numbering::Arabic(depth), _) = section_number(line)? else {
        return None;
    };
    let (first, _) = split_word(line);
    let last = first
        .trim_end_matches(['.', ')', ':'])
        .rsplit('.')
        .next()?
        .parse()
        .ok()?;
    Some((depth, last))
}

/// A label of one to three capitalised words and a number with a colon or
/// a full stop: `Common Mistake #3: …`, `Step 2. …`, `Tip #10:`. The title
/// after it.
fn labelled_number(line: &str) -> Option<&str> {
    let mut rest = line;
    for i in 0..4 {
        let (word, after) = split_word(rest);
        let number = word
            .strip_suffix([':', '.'])
            .map(|n| n.strip_prefix('#').unwrap_or(n))
            .is_some_and(|n| (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
        // A title follows: `Figure 5.` alone is a caption's label.
        if number && i > 0 {
            return (!after.is_empty()).then_some(after);
        }
        if !word.starts_with(|c: char| c.is_uppercase()) || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        rest = after;
    }
    None
}

/// The first word, and what follows it without the spaces between.
fn split_word(line: &str) -> (&str, &str) {
    match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim_start()),
        None => (line, ""),
    }
}

const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "last",
];

/// An upper-case Roman numeral. A single letter counts only for I, V and X,
/// so that an initial such as "C. S. Lewis" is not a section number.
pub(super) fn is_roman(s: &str) -> bool {
    (1..=7).contains(&s.len())
        && s.bytes().all(|b| b"IVXLCDM".contains(&b))
        && (s.len() > 1 || matches!(s, "I" | "V" | "X"))
}

/// Written in capitals: four letters or more, nearly all of them upper case.
fn is_caps(line: &str) -> bool {
    let (upper, lower) = line.chars().fold((0, 0), |(u, l), c| {
        (
            u + usize::from(c.is_uppercase()),
            l + usize::from(c.is_lowercase()),
        )
    });
    upper >= 4 && lower * 10 <= upper && !section_number(line).is_some_and(|(_, r)| r.is_empty())
}

/// Most words of four letters or more start with a capital.
fn is_title_case(line: &str) -> bool {
    let long: Vec<&str> = words(line).filter(|w| w.chars().count() >= 4).collect();
    let capital = long.iter().filter(|w| starts_upper(w)).count();
    !long.is_empty() && capital * 10 >= long.len() * 7
}

/// Six words or more, few of the longer ones after the first capitalised,
/// and no colon that sets off a subtitle: the shape of a sentence rather
/// than a title.
fn reads_like_sentence(line: &str) -> bool {
    let all: Vec<&str> = words(line).collect();
    // `Title: subtitle` is a title's shape, whatever the case after it.
    if all.len() < 6 || line.contains(": ") {
        return false;
    }
    let long: Vec<&&str> = all[1..].iter().filter(|w| w.chars().count() >= 4).collect();
    let capital = long.iter().filter(|w| starts_upper(w)).count();
    capital * 3 < long.len()
}

/// The words of a line, without the punctuation around them.
fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| !c.is_lowercase())
}

fn starts_lowercase(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

#[derive(Debug, PartialEq, Eq)]
enum Ending {
    None,
    /// `.`, `,`, `;`, or a dash: a sentence or a fragment of one.
    Sentence,
    /// `…`, `...`, `. . .`: a title may trail off.
    Ellipsis,
    /// `?` or `!`.
    Question,
    Colon,
}

/// How a line ends, past closing quotes, brackets and emphasis marks.
fn ending(line: &str) -> Ending {
    let end = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*', '_']);
    if end.ends_with("...") || end.ends_with(". . .") || end.ends_with('…') {
        return Ending::Ellipsis;
    }
    match end.chars().next_back() {
        Some('.' | ',' | ';' | '-' | '—' | '–') => Ending::Sentence,
        Some('?' | '!') => Ending::Question,
        Some(':') => Ending::Colon,
        _ => Ending::None,
    }
}

/// Spoken words: a line that opens with a quotation mark, or ends with a
/// quotation brought in by a comma (`He asked, 'Why?'`), unlike a title
/// that quotes (`The last appeal: ‘get rid of him!’`).
fn is_dialogue(line: &str) -> bool {
    let line = line.trim_start_matches(['_', '*']);
    if line.starts_with(['"', '\'', '“', '‘', '«', '„', '(']) {
        return true;
    }
    let mut rev = line.chars().rev();
    let closes = rev
        .next()
        .is_some_and(|c| matches!(c, '"' | '\'' | '”' | '’'));
    let said = [", '", ", \"", ", “", ", ‘"]
        .iter()
        .any(|q| line.contains(q));
    closes
        && said
        && rev
            .next()
            .is_some_and(|c| matches!(c, '.' | ',' | '?' | '!'))
}

/// Code or markup: signs that titles do not use, a reStructuredText
/// directive or citation (`.. [1] …`).
fn looks_like_code(line: &str) -> bool {
    line.contains(['{', '}', '|', '=', '<', '>', '`'])
        || line.ends_with("::")
        || line.starts_with(".. ")
}

/// A term and its definition, `Version: 4 bits`, `Options: variable`:
/// a short label, a colon, and a value in lower case or figures.
fn is_definition(line: &str) -> bool {
    section_number(line).is_none()
        && line.split_once(": ").is_some_and(|(label, value)| {
            label.split_whitespace().count() <= 4
                && value
                    .trim_start()
                    .starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit())
        })
}

/// The label of a figure or a table: `Figure 3.`, `Fig. 2`, `Table 1:`.
pub(super) fn is_caption(line: &str) -> bool {
    let (first, rest) = split_word(line);
    let (number, _) = split_word(rest);
    ["figure", "fig.", "table", "plate"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
        && number
            .trim_end_matches(['.', ':'])
            .bytes()
            .all(|b| b.is_ascii_digit())
        && !number.is_empty()
}

/// Two sentences: a full stop after a word in lower case, then a capital.
fn two_sentences(line: &str) -> bool {
    line.match_indices(". ").any(|(i, _)| {
        let word = line[..i].rsplit(' ').next().unwrap_or("");
        let after = line[i + 2..].trim_start();
        word.chars().count() >= 2
            && word.chars().all(char::is_lowercase)
            && after.starts_with(char::is_uppercase)
    })
}

/// Mostly digits and signs: a timestamp, a figure, a row of a table.
fn few_letters(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let marks = line.chars().filter(|c| !c.is_whitespace()).count();
    letters < 2 && !is_bare_number(line) || letters * 5 < marks * 2
}

/// An entry of a table of contents: a title, dot leaders or spaces, and a
/// page number.
pub(super) fn is_toc_entry(line: &str) -> bool {
    let Some((before, page)) = line.rsplit_once(' ') else {
        return false;
    };
    let numeric = !page.is_empty()
        && (page.bytes().all(|b| b.is_ascii_digit())
            || page.bytes().all(|b| b"ivxlc".contains(&b)));
    numeric && (before.ends_with('.') || before.ends_with("  ") || before.contains(". . ."))
}

/// An e-mail address or a web address: a contact line, not a title.
fn has_address(line: &str) -> bool {
    line.contains("://")
        || line.contains("www.")
        || line.split_whitespace().any(|w| {
            w.split_once('@')
                .is_some_and(|(u, h)| !u.is_empty() && h.contains('.'))
        })
}

/// A date or a dateline: `March 3, 2026`, `Sunday, May 8, 2016`.
pub(super) fn is_date_like(line: &str) -> bool {
    let all: Vec<String> = words(line).map(str::to_lowercase).collect();
    all.len() <= 6
        && all.iter().any(|w| crate::calendar::is_month(w))
        && line.chars().any(|c| c.is_ascii_digit())
}

/// An underline of `=`, `-`, `~`, `^` or `*` about as long as the line
/// above it: a Setext or reStructuredText heading. The character, if so.
pub(super) fn underline(line: &str, above: &str) -> Option<char> {
    let c = line.chars().next()?;
    if !matches!(c, '=' | '-' | '~' | '^' | '*' | '#') || !line.chars().all(|x| x == c) {
        return None;
    }
    let (n, m) = (line.chars().count(), above.chars().count());
    (n >= 3 && n + 2 >= m && n <= m + 4 && !above.is_empty()).then_some(c)
}

/// Two lines that are one heading: a section number over its title
/// (` I.` / ` Introduction`), or a numbered title that wraps, its second
/// line aligned under the first one's text.
pub(super) fn two_line_heading(
    first: &str,
    first_indent: usize,
    second: &str,
    second_indent: usize,
) -> bool {
    let short = |l: &str| {
        l.chars().count() <= 72 && !few_letters(l) && !is_dialogue(l) && !looks_like_code(l)
    };
    if !short(first) || !short(second) || ending(second) == Ending::Sentence {
        return false;
    }
    match section_number(first) {
        Some((_, "")) => !starts_lowercase(second) && second.chars().count() <= 60,
        Some((_, rest)) => {
            let title_column = first_indent + first.len() - rest.len();
            second_indent.abs_diff(title_column) <= 1 && second_indent > first_indent
        }
        // Two lines in capitals, each short: a title over its subtitle
        // (`GNU GENERAL PUBLIC LICENSE` / `TERMS AND CONDITIONS …`).
        None => is_caps(first) && is_caps(second) && section_number(second).is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line standing alone between paragraphs, followed by prose.
    fn between_paragraphs() -> Context {
        Context {
            followed_by_prose: true,
            follows_prose: true,
            much_shorter: true,
            ..Context::default()
        }
    }

    fn heading(line: &str, cx: &Context) -> bool {
        evidence(line, cx) >= THRESHOLD
    }

    #[test]
    fn a_short_line_between_paragraphs_is_a_heading() {
        let cx = between_paragraphs();
        for line in [
            "What Happens Next",
            "Flight Checks",
            "The Birth of Chaos",
            "Why I Must Write GNU",
            "Who Am I?",
            "What's GNU?  Gnu's Not Unix!",
            "The last appeal: ‘get rid of him!’",
            "So what's a GreenPak?",
            "Great, let's get started!",
        ] {
            assert!(heading(line, &cx), "{line}: {}", evidence(line, &cx));
        }
    }

    #[test]
    fn sentences_dialogue_and_fragments_are_not() {
        let cx = between_paragraphs();
        for line in [
            "That was all.",
            "and then some",
            "“She’s asleep. She’s three years old. Haven’t you ever seen her?”",
            "'Who is there?'",
            "The father again asked, 'Where is my son?'",
            "When I had finished, he said:--",
            "VAN HELSING.",
            "1985-04-12T23:20:50.52Z",
            "EMail: chris.newman@sun.com",
            "1. INTRODUCTION ..................................... 1",
            "4.1.  Client Requirements  . . . . . . . . . . . 14",
            "There are many reasons why the bridge could not be rebuilt",
            "Version: 4 bits",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "SEND (src, dst, prot => result)",
            "2. A |Host| header field containing the server's authority.",
            "Optional::",
            "THE END",
            ".. [1] PEP 7, Style Guide for C Code, van Rossum",
        ] {
            assert!(!heading(line, &cx), "{line}: {}", evidence(line, &cx));
        }
    }

    #[test]
    fn a_final_mark_is_weak_evidence_only() {
        let cx = between_paragraphs();
        let plain = evidence("Why It Matters", &cx);
        assert!(evidence("Why It Matters?", &cx) < plain);
        assert!(evidence("Why It Matters!", &cx) >= THRESHOLD);
        assert!(evidence("Why It Matters:", &cx) < evidence("Why It Matters!", &cx));
        assert!(evidence("Why It Matters.", &cx) < THRESHOLD);
    }

    #[test]
    fn prose_after_it_counts() {
        let alone = Context::default();
        assert!(!heading("Notes", &alone));
        assert!(heading("Notes", &between_paragraphs()));
    }

    #[test]
    fn numbering_counts_even_before_another_heading() {
        let cx = Context {
            followed_by_heading: true,
            ..Context::default()
        };
        for line in [
            "4. Local Time",
            "CHAPTER I",
            "II.",
            "1.  INTRODUCTION",
            "Appendix A. Grammar",
        ] {
            assert!(heading(line, &cx), "{line}: {}", evidence(line, &cx));
        }
        assert!(!heading("Local Time", &cx));
    }

    #[test]
    fn placement_counts() {
        let cx = |placement| Context {
            followed_by_prose: true,
            placement,
            ..Context::default()
        };
        assert!(heading("Abstract", &cx(Placement::Outdented)));
        assert!(!heading("Underneath", &cx(Placement::Indented)));
        assert!(
            evidence("Abstract", &cx(Placement::Outdented))
                > evidence("Abstract", &cx(Placement::Body))
        );
    }

    #[test]
    fn siblings_and_a_number_above_count() {
        let mut cx = Context {
            followed_by_heading: true,
            ..Context::default()
        };
        assert!(!heading("THE WEDDING OF MRS FOX", &cx));
        cx.siblings = true;
        assert!(heading("THE WEDDING OF MRS FOX", &cx));
        let title = Context {
            followed_by_prose: true,
            after_number: true,
            ..Context::default()
        };
        assert!(heading(
            "_Letter from Miss Mina Murray to Miss Lucy Westenra._",
            &title
        ));
    }

    #[test]
    fn datelines_and_captions_before_the_article_are_not() {
        let cx = Context {
            followed_by_prose: true,
            before_article: true,
            ..Context::default()
        };
        assert!(!heading("March 3, 2026", &cx));
        assert!(!heading("Sunday, May 8, 2016", &cx));
    }

    #[test]
    fn a_line_off_the_pattern_of_the_others_needs_more() {
        let mut cx = between_paragraphs();
        assert!(heading("The coffin was empty!", &cx));
        cx.off_pattern = true;
        assert!(!heading("The coffin was empty!", &cx));
        assert!(!heading(
            "Let me not think of it. Action!",
            &between_paragraphs()
        ));
        assert!(heading("Descriptive: Naming Styles", &between_paragraphs()));
    }

    #[test]
    fn section_numbers() {
        for (line, n, rest) in [
            ("1. Beginnings", Numbering::Arabic(1), "Beginnings"),
            ("4.2.1.  Reading", Numbering::Arabic(3), "Reading"),
            ("2.3 Results", Numbering::Arabic(2), "Results"),
            ("II. The Argument", Numbering::Roman, "The Argument"),
            ("XIV", Numbering::Roman, ""),
            ("CHAPTER I", Numbering::Named, ""),
            ("Part Two: Home", Numbering::Named, "Home"),
            ("APPENDIX A:  Examples", Numbering::Named, "Examples"),
            ("Common Mistake #3: Scope", Numbering::Named, "Scope"),
            ("Step 2. Mix", Numbering::Named, "Mix"),
        ] {
            assert_eq!(section_number(line), Some((n, rest)), "{line}");
        }
        for line in [
            "C. S. Lewis",
            "Part of it",
            "2024 in review",
            "I went home",
            "Chapters",
            "In 2016: a year",
            "Version 2 of it",
        ] {
            assert_eq!(section_number(line), None, "{line}");
        }
        assert!(is_bare_number("CHAPTER XXVII") && is_bare_number(" I.".trim()));
        assert!(is_caption("Figure 10.") && is_caption("Table 2: Costs"));
        assert!(!is_caption("Figure of Speech"));
        assert_eq!(arabic_number("4.2.  Reading"), Some((2, 2)));
        assert_eq!(arabic_number("12. Apples"), Some((1, 12)));
        assert_eq!(arabic_number("II. Pears"), None);
        assert!(!is_bare_number("I. Introduction"));
    }

    #[test]
    fn patterns_of_siblings() {
        let p = |l| pattern(l, Placement::Body);
        assert_eq!(p("1. Beginnings"), p("12. Coming Home"));
        assert_ne!(p("1. Beginnings"), p("1.1. Background"));
        assert_eq!(p("THE GOLDEN BIRD"), p("HANS IN LUCK"));
        assert_eq!(p("The Golden Bird"), None);
        assert_ne!(
            pattern("Introduction", Placement::Outdented),
            pattern("INTRODUCTION", Placement::Outdented)
        );
    }

    #[test]
    fn underlines_and_two_line_headings() {
        assert_eq!(underline("============", "Introduction"), Some('='));
        assert_eq!(underline("~~~~~~~~~~~", "Indentation"), Some('~'));
        assert_eq!(underline("---", "A much longer line of text"), None);
        assert_eq!(underline("==== x", "Title"), None);
        assert!(two_line_heading("I.", 1, "Introduction", 1));
        assert!(two_line_heading(
            "11.3.1.  Registration of the",
            0,
            "Sec-WebSocket-Key Field",
            9
        ));
        assert!(!two_line_heading("I.", 1, "it was late, and cold.", 1));
        assert!(!two_line_heading("The sun rose", 0, "over the hill", 0));
    }
}
