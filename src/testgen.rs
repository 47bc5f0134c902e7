//! Generated articles for benchmarks and tests: seeded, deterministic,
//! realistic long-form Markdown of a target size, and the pathological
//! inputs a reader must survive.
//!
//! The same seed and size always give the same bytes on every machine, so a
//! benchmark measured today and one measured next month read the same text.
//! The randomness is a tiny xorshift generator on purpose: a crate such as
//! `rand` could change its streams between versions, and this module must
//! not add a runtime dependency.
//!
//! An article has what long-form reading brings: front matter, a title,
//! sections every few dozen blocks with two or three heading levels, prose
//! with emphasis, strong text, inline code, links (inline, internal and
//! reference-style, the definitions at the very end), footnotes, nested and
//! task lists, quotes, fenced code, tables, and lines of CJK and emoji.

use std::fmt::Write as _;

/// 100 KiB, the smallest benchmark size.
pub const SIZE_100K: usize = 100 * 1024;
/// 1 MiB.
pub const SIZE_1M: usize = 1024 * 1024;
/// 10 MiB.
pub const SIZE_10M: usize = 10 * 1024 * 1024;
/// The size of the single-line paragraph.
pub const SIZE_SINGLE_LINE: usize = 2 * 1024 * 1024;
/// How deep the pathological block quote nests.
pub const QUOTE_DEPTH: usize = 10_000;

/// The seed the benchmarks and the README figures use.
pub const SEED: u64 = 0x6c6f_6e67_666f_726d; // "longform"

/// A xorshift64* generator: fast, small, and stable forever because it is
/// ours. Not for anything that needs real randomness.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Zero is xorshift's one fixed point; any other seed works.
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `lo..hi` (`hi` excluded); `lo` when the range is empty.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        // The modulo bias is far below what a text generator can show.
        lo + (self.next_u64() % (hi - lo) as u64) as usize
    }

    /// True with a probability of `percent` in 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.range(0, 100) < percent as usize
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.range(0, items.len())]
    }
}

/// The words prose is drawn from: frequent function words are drawn far more
/// often, as in English, so that a common word such as "the" has many hits.
const FUNCTION_WORDS: &[&str] = &[
    "the", "the", "the", "of", "and", "to", "a", "in", "that", "is", "was", "it", "for", "on",
    "as", "with", "by", "at", "from", "this", "but", "not", "or", "which", "were", "their", "had",
    "they", "been", "there", "would", "when", "into", "than", "its", "then", "so", "about",
];

const CONTENT_WORDS: &[&str] = &[
    "river",
    "morning",
    "library",
    "reader",
    "chapter",
    "harbour",
    "lantern",
    "garden",
    "letter",
    "winter",
    "station",
    "mountain",
    "kettle",
    "window",
    "history",
    "silence",
    "journey",
    "market",
    "village",
    "archive",
    "notebook",
    "teacher",
    "evening",
    "question",
    "language",
    "paper",
    "stone",
    "bridge",
    "memory",
    "island",
    "season",
    "harvest",
    "weather",
    "distance",
    "voice",
    "pattern",
    "engine",
    "signal",
    "measure",
    "column",
    "margin",
    "printer",
    "ink",
    "ledger",
    "patience",
    "attention",
    "argument",
    "reason",
    "century",
    "decade",
    "morning",
    "afternoon",
    "quietly",
    "slowly",
    "carefully",
    "rarely",
    "often",
    "almost",
    "nearly",
    "perhaps",
    "indeed",
    "remembered",
    "walked",
    "wrote",
    "carried",
    "noticed",
    "described",
    "believed",
    "returned",
    "opened",
    "closed",
    "measured",
    "printed",
    "gathered",
    "followed",
    "considered",
    "explained",
    "old",
    "narrow",
    "bright",
    "heavy",
    "patient",
    "careful",
    "distant",
    "ordinary",
    "strange",
    "familiar",
    "small",
    "long",
    "quiet",
    "green",
    "grey",
    "early",
    "late",
    "whole",
    "simple",
    "difficult",
    "important",
    "uncertain",
    "written",
    "spoken",
    "borrowed",
    "forgotten",
    "typesetting",
    "monospaced",
    "hyphenation",
    "readability",
    "paragraphs",
    "footnotes",
];

const CODE_WORDS: &[&str] = &[
    "Vec<String>",
    "layout()",
    "--width",
    "Option<T>",
    "git log",
    "0x1f",
    "README.md",
    "&str",
    "cargo bench",
    "usize",
    "HashMap",
    "fn main",
    "Ctrl-d",
    "utf-8",
    "$HOME",
    "ls -la",
];

const CJK_LINES: &[&str] = &[
    "漢字と仮名が混じった文章は、単語の間に空白を置かずに書かれる。",
    "长篇文章的阅读需要安静的环境和耐心，尤其是在屏幕上。",
    "茶の湯の作法は、客をもてなす心から生まれたと言われている。",
    "图书馆里的旧报纸记录了这座城市一百年的变化。",
    "한국어 문장은 띄어쓰기를 사용하지만 한자도 가끔 섞여 있다.",
    "縦書きの本を横書きの画面で読むと、行の長さが気になる。",
];

const EMOJI_LINES: &[&str] = &[
    "🍵 Tea break: 🫖 ☕ 🍰 — and a 👩‍🔬 reading the notes 📚.",
    "Flags along the route: 🇯🇵 🇨🇳 🇰🇷 🇫🇷 🇬🇧 🇧🇷 🇮🇳.",
    "Weather log: ☀️ 🌤️ ⛅ 🌧️ ⛈️ 🌈 — then 🌙 and ✨.",
    "Family of readers: 👨‍👩‍👧 👩‍👩‍👦 👨‍👨‍👧‍👦, each with a 📖.",
    "Mood of the chapter: 😌 🤔 😮 😢 🙂 👍🏽 ✅.",
];

const LANGS: &[&str] = &["rust", "python", "sh", "toml", "json", ""];

/// Builds one article, block by block, into a string.
struct Writer {
    rng: Rng,
    out: String,
    footnote: usize,
    sections: Vec<String>,
}

impl Writer {
    fn word(&mut self) -> &'static str {
        if self.rng.chance(45) {
            self.rng.pick(FUNCTION_WORDS)
        } else {
            self.rng.pick(CONTENT_WORDS)
        }
    }

    /// Words in title case, for headings and the title.
    fn title(&mut self, n: usize) -> String {
        let mut t = String::new();
        for i in 0..n {
            let w = self.rng.pick(CONTENT_WORDS);
            if i > 0 {
                t.push(' ');
            }
            let mut cs = w.chars();
            if let Some(c) = cs.next() {
                t.extend(c.to_uppercase());
                t.push_str(cs.as_str());
            }
        }
        t
    }

    /// One sentence with inline markup now and then. `notes` allows
    /// footnote references; their definitions are returned to be written
    /// after the block.
    fn sentence(&mut self, s: &mut String, notes: &mut Vec<usize>, allow_notes: bool) {
        let n = self.rng.range(6, 24);
        for i in 0..n {
            if i > 0 {
                s.push(if self.rng.chance(6) { ',' } else { ' ' });
                if s.ends_with(',') {
                    s.push(' ');
                }
            }
            let w = self.word();
            let w = if i == 0 {
                let mut cs = w.chars();
                let first: String = cs
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default();
                format!("{first}{}", cs.as_str())
            } else {
                w.to_string()
            };
            match self.rng.range(0, 100) {
                0..=2 => {
                    let _ = write!(s, "*{w}*");
                }
                3..=4 => {
                    let _ = write!(s, "**{w}**");
                }
                5 => {
                    let code = self.rng.pick(CODE_WORDS);
                    let _ = write!(s, "`{code}`");
                }
                6 => {
                    let page = self.rng.range(1, 5000);
                    let _ = write!(s, "[{w}](https://example.org/notes/{page}.html)");
                }
                7 if !self.sections.is_empty() && self.rng.chance(30) => {
                    let k = self.rng.range(0, self.sections.len());
                    let _ = write!(s, "[{w}](#{})", self.sections[k]);
                }
                8 if self.rng.chance(20) => {
                    let k = self.rng.range(0, 8);
                    let _ = write!(s, "[{w}][ref{k}]");
                }
                _ => s.push_str(&w),
            }
        }
        if allow_notes && self.rng.chance(4) {
            self.footnote += 1;
            let _ = write!(s, "[^{}]", self.footnote);
            notes.push(self.footnote);
        }
        s.push_str(match self.rng.range(0, 20) {
            0 => "?",
            1 => "!",
            2 => "…",
            _ => ".",
        });
    }

    /// A paragraph's text without a trailing newline, and its footnotes.
    fn prose(&mut self, sentences: usize, allow_notes: bool) -> (String, Vec<usize>) {
        let mut s = String::new();
        let mut notes = Vec::new();
        for i in 0..sentences {
            if i > 0 {
                s.push(' ');
            }
            self.sentence(&mut s, &mut notes, allow_notes);
        }
        (s, notes)
    }

    /// A paragraph wrapped at about 72 columns, as people write Markdown,
    /// then the definitions of the footnotes it refers to.
    fn paragraph(&mut self) {
        let n = self.rng.range(2, 8);
        let (text, notes) = self.prose(n, true);
        let mut col = 0;
        for w in text.split(' ') {
            if col > 0 && col + w.len() > 72 {
                self.out.push('\n');
                col = 0;
            } else if col > 0 {
                self.out.push(' ');
                col += 1;
            }
            self.out.push_str(w);
            col += w.len();
        }
        self.out.push_str("\n\n");
        for n in notes {
            let (note, _) = self.prose(1, false);
            let _ = write!(self.out, "[^{n}]: {note}\n\n");
        }
    }

    fn heading(&mut self, level: usize) {
        let words = self.rng.range(2, 6);
        let title = self.title(words);
        // Internal links point at earlier sections by their GitHub slug.
        self.sections.push(title.to_lowercase().replace(' ', "-"));
        let _ = write!(self.out, "{} {title}\n\n", "#".repeat(level));
    }

    fn list(&mut self) {
        let ordered = self.rng.chance(35);
        let tasks = !ordered && self.rng.chance(20);
        let items = self.rng.range(3, 7);
        for i in 0..items {
            let marker = if ordered {
                format!("{}.", i + 1)
            } else if tasks {
                if self.rng.chance(50) {
                    "- [x]".into()
                } else {
                    "- [ ]".into()
                }
            } else {
                "-".into()
            };
            let (text, _) = self.prose(1, false);
            let _ = writeln!(self.out, "{marker} {text}");
            if self.rng.chance(25) {
                let indent = " ".repeat(if ordered { 3 } else { 2 });
                for _ in 0..self.rng.range(1, 4) {
                    let (sub, _) = self.prose(1, false);
                    let _ = writeln!(self.out, "{indent}- {sub}");
                    if self.rng.chance(20) {
                        let (deep, _) = self.prose(1, false);
                        let _ = writeln!(self.out, "{indent}  - {deep}");
                    }
                }
            }
        }
        self.out.push('\n');
    }

    fn quote(&mut self) {
        for p in 0..self.rng.range(1, 4) {
            if p > 0 {
                self.out.push_str(">\n");
            }
            let n = self.rng.range(1, 4);
            let (text, _) = self.prose(n, false);
            let _ = writeln!(self.out, "> {text}");
        }
        if self.rng.chance(20) {
            let (text, _) = self.prose(1, false);
            let _ = writeln!(self.out, ">\n> > {text}");
        }
        if self.rng.chance(30) {
            let who = self.title(2);
            let _ = writeln!(self.out, ">\n> — {who}");
        }
        self.out.push('\n');
    }

    /// A fenced block of code in one of `LANGS`, written as that language
    /// is written (a highlighter is slower on text its grammar does not
    /// expect, so code in the wrong language would measure the wrong thing).
    fn code(&mut self) {
        let lang = self.rng.pick(LANGS);
        let _ = writeln!(self.out, "```{lang}");
        let lines = self.rng.range(4, 16);
        match lang {
            "rust" => self.rust(lines),
            "python" => self.python(lines),
            "sh" => self.shell(lines),
            "toml" => self.toml(lines),
            "json" => self.json(lines),
            _ => self.output(lines),
        }
        self.out.push_str("```\n\n");
    }

    fn rust(&mut self, lines: usize) {
        let mut depth = 0usize;
        for _ in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let b = self.rng.pick(CONTENT_WORDS);
            let indent = "    ".repeat(depth);
            match self.rng.range(0, 7) {
                0 => {
                    let _ = writeln!(self.out, "{indent}fn {a}_{b}(input: &str) -> usize {{");
                    depth = (depth + 1).min(3);
                }
                1 if depth > 0 => {
                    depth -= 1;
                    let _ = writeln!(self.out, "{}}}", "    ".repeat(depth));
                }
                2 => {
                    let _ = writeln!(self.out, "{indent}// {a} then {b}, measured in columns");
                }
                3 => {
                    let _ = writeln!(
                        self.out,
                        "{indent}let {a}: Vec<String> = {b}.lines().map(str::to_owned).collect();"
                    );
                }
                4 => {
                    let _ = writeln!(
                        self.out,
                        "{indent}println!(\"{a} {{}} of {{}}\", {b}, \"{a}\".len());"
                    );
                }
                _ => {
                    let n = self.rng.range(0, 1000);
                    let _ = writeln!(self.out, "{indent}let {a} = {b}.len() * {n};");
                }
            }
        }
        for d in (0..depth).rev() {
            let _ = writeln!(self.out, "{}}}", "    ".repeat(d));
        }
    }

    fn python(&mut self, lines: usize) {
        let mut depth = 0usize;
        for i in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let b = self.rng.pick(CONTENT_WORDS);
            let indent = "    ".repeat(depth);
            match self.rng.range(0, 7) {
                0 if i == 0 => {
                    let _ = writeln!(self.out, "import {a}");
                }
                0 | 1 => {
                    let _ = writeln!(self.out, "{indent}def {a}_{b}(text, width=80):");
                    depth = (depth + 1).min(3);
                    let _ = writeln!(
                        self.out,
                        "{}\"\"\"The {a} of the {b}.\"\"\"",
                        "    ".repeat(depth)
                    );
                }
                2 => {
                    let _ = writeln!(self.out, "{indent}# {a} then {b}, measured in columns");
                }
                3 => {
                    let _ = writeln!(self.out, "{indent}for {a} in {b}.split():");
                    let _ = writeln!(
                        self.out,
                        "{indent}    print(f\"{{{a}!r}} is {b}\", len({a}))"
                    );
                }
                4 if depth > 0 => {
                    let _ = writeln!(self.out, "{indent}return {{\"{a}\": {b}, \"done\": True}}");
                    depth -= 1;
                }
                _ => {
                    let n = self.rng.range(0, 1000);
                    let _ = writeln!(self.out, "{indent}{a} = len({b}) * {n} if {b} else None");
                }
            }
        }
    }

    fn shell(&mut self, lines: usize) {
        for _ in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let b = self.rng.pick(CONTENT_WORDS);
            match self.rng.range(0, 6) {
                0 => {
                    let _ = writeln!(self.out, "# {a} the {b} first");
                }
                1 => {
                    let _ = writeln!(self.out, "export {}_DIR=\"$HOME/{a}\"", a.to_uppercase());
                }
                2 => {
                    let _ = writeln!(self.out, "grep -n '{a}' {b}.md | wc -l");
                }
                3 => {
                    let _ = writeln!(self.out, "for f in {a}/*.md; do echo \"$f\"; done");
                }
                _ => {
                    let n = self.rng.range(1, 100);
                    let _ = writeln!(self.out, "longform cat {a}.md --width {n} > /tmp/{b}.txt");
                }
            }
        }
    }

    fn toml(&mut self, lines: usize) {
        for i in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let b = self.rng.pick(CONTENT_WORDS);
            match self.rng.range(0, 5) {
                _ if i == 0 => {
                    let _ = writeln!(self.out, "[{a}]");
                }
                0 => {
                    let _ = writeln!(self.out, "\n[{a}.{b}]");
                }
                1 => {
                    let _ = writeln!(self.out, "{a} = true  # {b}");
                }
                2 => {
                    let n = self.rng.range(0, 1000);
                    let _ = writeln!(self.out, "{a} = [{n}, {}]", n * 2);
                }
                _ => {
                    let _ = writeln!(self.out, "{a} = \"{b}\"");
                }
            }
        }
    }

    fn json(&mut self, lines: usize) {
        self.out.push_str("{\n");
        for i in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let b = self.rng.pick(CONTENT_WORDS);
            let comma = if i + 1 < lines { "," } else { "" };
            match self.rng.range(0, 4) {
                0 => {
                    let n = self.rng.range(0, 100_000);
                    let _ = writeln!(self.out, "  \"{a}\": {n}.{}{comma}", n % 10);
                }
                1 => {
                    let _ = writeln!(self.out, "  \"{a}\": [\"{b}\", null, false]{comma}");
                }
                2 => {
                    let _ = writeln!(self.out, "  \"{a}\": {{ \"{b}\": true }}{comma}");
                }
                _ => {
                    let _ = writeln!(self.out, "  \"{a}\": \"{b}\"{comma}");
                }
            }
        }
        self.out.push_str("}\n");
    }

    /// A block without a language: a program's output.
    fn output(&mut self, lines: usize) {
        for _ in 0..lines {
            let a = self.rng.pick(CONTENT_WORDS);
            let n = self.rng.range(0, 10_000);
            let _ = writeln!(self.out, "{a:<12} {n:>6}  ok");
        }
    }

    fn table(&mut self) {
        let cols = self.rng.range(3, 6);
        let rows = self.rng.range(3, 9);
        let head: Vec<String> = (0..cols).map(|_| self.title(1)).collect();
        let _ = writeln!(self.out, "| {} |", head.join(" | "));
        let aligns: Vec<&str> = (0..cols)
            .map(|_| self.rng.pick(&["---", ":--", "--:", ":-:"]))
            .collect();
        let _ = writeln!(self.out, "|{}|", aligns.join("|"));
        for _ in 0..rows {
            let cells: Vec<String> = (0..cols)
                .map(|c| match (c, self.rng.range(0, 4)) {
                    (0, _) => self.title(1),
                    (_, 0) => format!("{}", self.rng.range(0, 100_000)),
                    (_, 1) => format!("*{}*", self.word()),
                    (_, _) => {
                        let n = self.rng.range(1, 5);
                        (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
                    }
                })
                .collect();
            let _ = writeln!(self.out, "| {} |", cells.join(" | "));
        }
        self.out.push('\n');
    }

    fn cjk(&mut self) {
        let n = self.rng.range(1, 4);
        for _ in 0..n {
            let line = self.rng.pick(CJK_LINES);
            self.out.push_str(line);
        }
        self.out.push_str("\n\n");
    }

    fn emoji(&mut self) {
        let line = self.rng.pick(EMOJI_LINES);
        self.out.push_str(line);
        self.out.push_str("\n\n");
    }
}

/// A long-form article of about `target` bytes (within a few hundred bytes
/// above it), the same for the same seed and target.
pub fn article(seed: u64, target: usize) -> String {
    let mut w = Writer {
        rng: Rng::new(seed ^ target as u64),
        out: String::with_capacity(target + 4096),
        footnote: 0,
        sections: Vec::new(),
    };
    let title = w.title(4);
    let _ = write!(
        w.out,
        "---\ntitle: {title}\nauthor: A. Generated Writer\ndate: 2026-01-02\nurl: https://example.org/articles/{seed:x}\n---\n\n# {title}\n\n"
    );
    // The reference-link definitions go at the very end, so that they are
    // defined further down than most of their uses.
    let refs: String = (0..8)
        .map(|k| format!("[ref{k}]: https://example.org/reference/{k} \"Reference {k}\"\n"))
        .collect();
    let budget = target.saturating_sub(refs.len() + 1);
    // Blocks left in this section and subsection.
    let mut section_left = 0usize;
    let mut sub_left = 0usize;
    while w.out.len() < budget {
        if section_left == 0 {
            w.heading(2);
            section_left = w.rng.range(24, 60);
            sub_left = w.rng.range(6, 16);
        } else if sub_left == 0 {
            let level = if w.rng.chance(20) { 4 } else { 3 };
            w.heading(level);
            sub_left = w.rng.range(6, 16);
        }
        match w.rng.range(0, 100) {
            0..=69 => w.paragraph(),
            70..=77 => w.list(),
            78..=83 => w.quote(),
            84..=88 => w.code(),
            89..=91 => w.table(),
            92..=95 => w.cjk(),
            _ => w.emoji(),
        }
        section_left -= 1;
        sub_left = sub_left.saturating_sub(1);
    }
    w.out.push('\n');
    w.out.push_str(&refs);
    w.out
}

/// One paragraph of about `target` bytes on a single line: prose with its
/// inline markup and no newline until the very end.
pub fn single_line(seed: u64, target: usize) -> String {
    let mut w = Writer {
        rng: Rng::new(seed ^ 0x51_4e61_e11e),
        out: String::with_capacity(target + 1024),
        footnote: 0,
        sections: Vec::new(),
    };
    let mut notes = Vec::new();
    let mut s = String::with_capacity(target + 1024);
    while s.len() < target.saturating_sub(1) {
        if !s.is_empty() {
            s.push(' ');
        }
        w.sentence(&mut s, &mut notes, false);
    }
    s.push('\n');
    s
}

/// `depth` block quotes nested in one another, with a line of text inside
/// the deepest. Deep nesting must neither overflow the stack nor take
/// quadratic time.
pub fn nested_quotes(depth: usize) -> String {
    let mut s = "> ".repeat(depth);
    s.push_str("The bottom of a very deep quote.\n");
    s
}

/// About 2 MB of text, the size of the EPUB benchmark's book.
pub const SIZE_EPUB: usize = 2 * 1024 * 1024;

/// An EPUB 3 book of about `target` bytes of text: the article of the same
/// seed and size, each of its sections an XHTML chapter named in the
/// navigation document, its blocks paragraphs, headings and code (inline
/// markup is left as its characters). The same bytes for the same seed and
/// target.
pub fn epub(seed: u64, target: usize) -> Vec<u8> {
    use std::io::Write as _;
    let md = article(seed, target);
    let body = md
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n").map(|(_, b)| b))
        .unwrap_or(&md);
    let mut chapters: Vec<String> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    let mut html = String::new();
    let mut para: Vec<&str> = Vec::new();
    let mut code = false;
    let flush = |html: &mut String, para: &mut Vec<&str>| {
        if !para.is_empty() {
            let _ = writeln!(html, "<p>{}</p>", escape_xml(&para.join(" ")));
            para.clear();
        }
    };
    for line in body.lines() {
        if line.starts_with("```") {
            flush(&mut html, &mut para);
            html.push_str(if code {
                "</code></pre>\n"
            } else {
                "<pre><code>"
            });
            code = !code;
        } else if code {
            html.push_str(&escape_xml(line));
            html.push('\n');
        } else if line.trim().is_empty() {
            flush(&mut html, &mut para);
        } else if let Some(title) = line.strip_prefix("## ") {
            flush(&mut html, &mut para);
            if !html.is_empty() {
                chapters.push(std::mem::take(&mut html));
            }
            titles.push(title.to_string());
            let _ = writeln!(html, "<h1>{}</h1>", escape_xml(title));
        } else if let Some(n) = (1..=6).find(|&n| {
            line.len() > n
                && line.as_bytes()[..n].iter().all(|&b| b == b'#')
                && line.as_bytes()[n] == b' '
        }) {
            flush(&mut html, &mut para);
            let level = (n - 1).max(1);
            let _ = writeln!(
                html,
                "<h{level}>{}</h{level}>",
                escape_xml(line[n..].trim())
            );
        } else {
            para.push(line);
        }
    }
    flush(&mut html, &mut para);
    if !html.is_empty() {
        chapters.push(html);
    }
    // Text before the first section is a chapter of its own.
    while titles.len() < chapters.len() {
        titles.insert(0, "Opening".to_string());
    }
    let mut manifest = String::from(
        r#"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#,
    );
    let mut spine = String::new();
    let mut nav = String::new();
    for (i, title) in titles.iter().enumerate() {
        let _ = write!(
            manifest,
            r#"<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>"#
        );
        let _ = write!(spine, r#"<itemref idref="c{i}"/>"#);
        let _ = write!(
            nav,
            r#"<li><a href="c{i}.xhtml">{}</a></li>"#,
            escape_xml(title)
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
        let mut add = |name: &str, text: &str, options| {
            // Writing to memory cannot fail but for a bug here.
            zip.start_file(name, options).expect("a zip entry");
            zip.write_all(text.as_bytes()).expect("a zip entry's bytes");
        };
        add("mimetype", "application/epub+zip", stored);
        add(
            "META-INF/container.xml",
            r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
            deflated,
        );
        add(
            "OEBPS/content.opf",
            &format!(
                r#"<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Generated Book</dc:title><dc:creator>A. Generated Writer</dc:creator><dc:language>en</dc:language></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"#
            ),
            deflated,
        );
        add(
            "OEBPS/nav.xhtml",
            &format!(
                r#"<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>{nav}</ol></nav></body></html>"#
            ),
            deflated,
        );
        for (i, chapter) in chapters.iter().enumerate() {
            add(
                &format!("OEBPS/c{i}.xhtml"),
                &format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>{}</title></head><body>\n{chapter}</body></html>\n",
                    escape_xml(&titles[i])
                ),
                deflated,
            );
        }
        zip.finish().expect("a finished zip");
    }
    out.into_inner()
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One table of `rows` rows of four short cells, under a title: the
/// shape that costs layout the most memory for its size.
pub fn big_table(seed: u64, rows: usize) -> String {
    let mut rng = Rng::new(seed ^ 0x7ab1e);
    let mut s = String::with_capacity(rows * 48 + 128);
    s.push_str("# A long table\n\n| Id | Name | Count | Note |\n|---:|:---|---:|---|\n");
    for row in 0..rows {
        let word = rng.pick(CONTENT_WORDS);
        let note = rng.pick(CONTENT_WORDS);
        let _ = writeln!(
            s,
            "| {row} | {word} | {} | *{note}* |",
            rng.range(0, 100_000)
        );
    }
    s
}

/// A paragraph with `notes` footnote references, each defined after it,
/// as a long annotated text has them.
pub fn many_footnotes(seed: u64, notes: usize) -> String {
    let mut rng = Rng::new(seed ^ 0xf007);
    let mut s = String::with_capacity(notes * 48 + 128);
    s.push_str("# Notes\n\n");
    for n in 1..=notes {
        let _ = write!(
            s,
            "{} {}[^n{n}] ",
            rng.pick(CONTENT_WORDS),
            rng.pick(CONTENT_WORDS)
        );
        if n % 16 == 0 {
            s.push_str("\n\n");
        }
    }
    s.push_str("\n\n");
    for n in 1..=notes {
        let _ = writeln!(
            s,
            "[^n{n}]: The {} note, {}.",
            rng.pick(CONTENT_WORDS),
            rng.pick(CONTENT_WORDS)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::BlockKind;
    use crate::parse::parse;

    fn within_5_percent(len: usize, target: usize) -> bool {
        len.abs_diff(target) * 20 <= target
    }

    #[test]
    fn the_same_seed_gives_the_same_article() {
        assert_eq!(article(7, SIZE_100K), article(7, SIZE_100K));
        assert_ne!(article(7, SIZE_100K), article(8, SIZE_100K));
        assert_eq!(single_line(7, 10_000), single_line(7, 10_000));
    }

    #[test]
    fn the_benchmark_article_is_stable() {
        // A change here changes every benchmark's input, and so the figures
        // in the README: rerun `cargo bench` and update them with it.
        let a = article(SEED, SIZE_100K);
        assert!(
            a.starts_with("---\ntitle: Century Whole Strange Bridge\n"),
            "{}",
            &a[..60]
        );
        assert_eq!(a.len(), 103_046);
    }

    #[test]
    fn articles_hit_their_target_size() {
        for target in [SIZE_100K, SIZE_1M] {
            let len = article(SEED, target).len();
            assert!(within_5_percent(len, target), "{len} for {target}");
        }
        let line = single_line(SEED, SIZE_SINGLE_LINE);
        assert!(within_5_percent(line.len(), SIZE_SINGLE_LINE));
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
    }

    #[test]
    fn an_article_has_every_kind_of_block() {
        let doc = parse(&article(SEED, SIZE_100K));
        let has = |f: fn(&BlockKind) -> bool| doc.blocks.iter().any(|b| f(&b.kind));
        assert!(has(|k| matches!(k, BlockKind::Paragraph { .. })));
        assert!(has(|k| matches!(k, BlockKind::Code { .. })));
        assert!(has(|k| matches!(k, BlockKind::Table { .. })));
        assert!(doc.meta.title.is_some());
        assert!(doc.headings.iter().any(|h| h.level == 2));
        assert!(doc.headings.iter().any(|h| h.level == 3));
        assert!(!doc.links.is_empty());
        assert!(doc.footnotes.iter().any(|c| c.is_some()));
        // Quotes, list items and footnotes become containers.
        assert!(doc.containers.len() > 20);
        let sections = doc.headings.len();
        assert!(sections > 10, "{sections} headings");
        let text = article(SEED, SIZE_100K);
        assert!(text.contains("漢字") && text.contains("👩‍🔬"));
    }

    #[test]
    fn nested_quotes_are_as_deep_as_asked() {
        let src = nested_quotes(QUOTE_DEPTH);
        assert_eq!(src.matches('>').count(), QUOTE_DEPTH);
        assert_eq!(src.lines().count(), 1);
    }
}
