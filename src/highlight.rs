//! Code blocks → token classes.
//!
//! The fence's language picks a tokeniser: one of our own for the
//! languages articles show most (Rust, Python, JavaScript and TypeScript,
//! shell, JSON: `lex`; TOML: `toml_line`), which read each byte once, or
//! else one of syntect's grammars, which parse each line into scopes
//! (`keyword.control.rust`, `string.quoted.double.python`…) at about
//! 1 MB/s, sorted here into the few semantic classes of `Token`. No
//! colours here: the theme colours the classes. Only offsets come out,
//! never text, so what is shown is always the block's own (already
//! sanitised) text, split at token boundaries.
//!
//! The grammars are loaded on the first code block that needs one, so an
//! article without such code never pays for them; `layout` asks for a
//! block's tokens when it lays the block out, which it does lazily and
//! once, so only blocks that are shown are highlighted.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

use crate::document::Token;

mod lex;

/// The bytes of a block that a grammar highlights; the lines after them
/// are shown plain. A block is highlighted whole when it is laid out, and
/// the grammars parse code at only about 1 MB/s (measured on Rust and
/// Python, before they had tokenisers of their own), so this keeps the worst
/// block to about 30 ms once, when it first comes into view: a listing of
/// 50,000 lines opens at once, coloured for its first thousand lines or
/// so. Code in articles is nearly always far shorter.
pub const BUDGET: usize = 32 * 1024;
/// A line longer than this ends the highlighting too: a grammar searches a
/// line again from every token, so one long minified line can cost more
/// than its share of the budget.
pub const MAX_LINE_BYTES: usize = 4 * 1024;

/// Where a token class starts on a line: it runs to the next run's start,
/// or to the end of the line. `None` is plain code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// A byte offset into the line's text.
    pub start: usize,
    pub token: Option<Token>,
}

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

#[cfg(test)]
thread_local! {
    /// How often this thread asked for the grammars: tests run in parallel,
    /// so whether the set is loaded says nothing about one test's layout.
    static ASKED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The grammars, loaded on first use (about a millisecond; each language's
/// rules are then compiled on its first block).
fn syntaxes() -> &'static SyntaxSet {
    #[cfg(test)]
    ASKED.with(|a| a.set(a.get() + 1));
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether the grammars have been loaded in this process.
pub fn is_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// A fence's language as a grammar is looked up: lower case, without the
/// common decorations (`rust,ignore`, `{.python}`, `language-go`), and
/// with a few aliases that neither a grammar's name nor its extensions
/// cover.
fn fence_token(lang: &str) -> String {
    let lang = lang.trim_start_matches(['{', '.']);
    let lang = lang.split([',', '}', ' ']).next().unwrap_or(lang);
    let lang = lang.strip_prefix("language-").unwrap_or(lang);
    let lower = lang.to_ascii_lowercase();
    match lower.as_str() {
        "shell" | "console" | "zsh" | "sh-session" | "shellscript" => "sh".into(),
        "golang" => "go".into(),
        "py3" | "python3" => "py".into(),
        "c++" => "cpp".into(),
        "node" => "js".into(),
        // No TypeScript grammar comes with syntect: JavaScript's colours
        // its keywords, strings, comments and numbers the same way.
        "typescript" | "ts" | "tsx" | "mts" | "cts" => "js".into(),
        "jsonc" | "json5" => "json".into(),
        // Not a language: no need to load the grammars to find that out.
        "text" | "txt" | "plain" | "plaintext" | "output" | "none" => String::new(),
        _ => lower,
    }
}

/// The grammar for a fence's language (see `fence_token`): a grammar's
/// name or one of its file extensions (`rust`, `rs`, `python`, `py`…).
fn syntax_for(token: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    if token.is_empty() {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(token)?;
    // The plain-text grammar would only cost time.
    (syntax.name != "Plain Text").then_some((set, syntax))
}

/// Whether code in `lang` goes to one of syntect's grammars (slow enough
/// that the reader draws it plain first) rather than to a tokeniser of
/// our own or to none.
pub fn needs_grammar(lang: &str) -> bool {
    let token = fence_token(lang);
    token != "toml" && lex::Lang::of(&token).is_none() && !token.is_empty()
}

/// The bytes of a block that the tokenisers of our own (`lex`, and TOML's)
/// highlight: they read code about fifty times faster than the grammars,
/// so a long listing is coloured to its end, and even the largest block
/// costs only milliseconds once.
pub const FAST_BUDGET: usize = 1024 * 1024;

/// The token runs of the lines of a code block in `lang`, or `None` when
/// the language is unknown (the block is shown plain). The runs may stop
/// before the lines do: for a language that syntect's grammars highlight,
/// after `BUDGET` bytes, at a line longer than `MAX_LINE_BYTES` or at one
/// the grammar fails on; for one with a tokeniser of our own, after
/// `FAST_BUDGET` bytes. The lines after that are plain. Lines are taken
/// from `lines` only as far as they are used.
pub fn highlight<'a>(
    lang: &str,
    lines: impl IntoIterator<Item = Cow<'a, str>>,
) -> Option<Vec<Vec<Run>>> {
    let token = fence_token(lang);
    if token == "toml" {
        let mut open = None;
        let lines = within(lines, FAST_BUDGET, usize::MAX);
        return Some(lines.map(|l| toml_line(&l, &mut open)).collect());
    }
    if let Some(lang) = lex::Lang::of(&token) {
        let mut state = lex::State::default();
        let lines = within(lines, FAST_BUDGET, usize::MAX);
        return Some(lines.map(|l| lex::line(lang, &l, &mut state)).collect());
    }
    with_grammar(&token, lines)
}

/// The lines up to `budget` bytes in all, and up to the first one longer
/// than `max_line`.
fn within<'a>(
    lines: impl IntoIterator<Item = Cow<'a, str>>,
    budget: usize,
    max_line: usize,
) -> impl Iterator<Item = Cow<'a, str>> {
    let mut spent = 0;
    lines.into_iter().take_while(move |line| {
        spent += line.len() + 1;
        spent <= budget && line.len() <= max_line
    })
}

/// `highlight` with syntect's grammar for a fence token.
fn with_grammar<'a>(
    token: &str,
    lines: impl IntoIterator<Item = Cow<'a, str>>,
) -> Option<Vec<Vec<Run>>> {
    let (set, syntax) = syntax_for(token)?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut classes = Classes::default();
    let mut out = Vec::new();
    let mut buf = String::new();
    for line in within(lines, BUDGET, MAX_LINE_BYTES) {
        buf.clear();
        buf.push_str(&line);
        // The grammars loaded are the ones that expect the newline.
        buf.push('\n');
        match runs(&mut state, &mut stack, &mut classes, &buf, line.len(), set) {
            Some(r) => out.push(r),
            None => break,
        }
    }
    Some(out)
}

/// Parse one line, newline included, and classify it up to `len`.
fn runs(
    state: &mut ParseState,
    stack: &mut ScopeStack,
    classes: &mut Classes,
    line: &str,
    len: usize,
    set: &SyntaxSet,
) -> Option<Vec<Run>> {
    let ops = state.parse_line(line, set).ok()?;
    let mut out = Runs::new(len);
    out.put(0, classes.of(stack.as_slice()));
    for (at, op) in ops {
        stack.apply(&op).ok()?;
        out.put(at, classes.of(stack.as_slice()));
    }
    Some(out.done())
}

/// A line's runs as they are found: merged when a class goes on, the last
/// word kept when several changes fall on one offset.
struct Runs {
    runs: Vec<Run>,
    len: usize,
}

impl Runs {
    fn new(len: usize) -> Runs {
        Runs {
            runs: Vec::new(),
            len,
        }
    }

    fn put(&mut self, start: usize, token: Option<Token>) {
        let out = &mut self.runs;
        if start >= self.len {
            return;
        }
        if let Some(last) = out.last_mut()
            && last.start == start
        {
            last.token = token;
            let n = out.len();
            if n >= 2 && out[n - 2].token == token {
                out.pop();
            }
            return;
        }
        if out.last().is_none_or(|last| last.token != token) {
            out.push(Run { start, token });
        }
    }

    /// The runs; none for a line that is all plain.
    fn done(mut self) -> Vec<Run> {
        if self.runs.iter().all(|r| r.token.is_none()) {
            self.runs.clear();
        }
        self.runs
    }
}

/// One line of TOML, which syntect's default grammars lack and which is
/// simple enough to tokenise by hand: comments, table headers, keys,
/// strings and values. `open` is the closing quote of a multi-line string
/// that goes on to the next line.
fn toml_line(line: &str, open: &mut Option<&'static str>) -> Vec<Run> {
    use Token::{Comment, Constant, Keyword, Punctuation, String, Type};
    let b = line.as_bytes();
    let mut out = Runs::new(line.len());
    let mut i = 0;
    if let Some(close) = *open {
        out.put(0, Some(String));
        match line.find(close) {
            Some(at) => {
                i = at + close.len();
                *open = None;
            }
            None => return out.done(),
        }
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || b"_-.:+".contains(&c);
    let lead = line.len() - line.trim_start().len();
    let header = i == 0 && b.get(lead) == Some(&b'[') && {
        let rest = line[lead..].trim_end_matches(|c: char| c != ']');
        !rest.contains(',') && !rest.contains('=')
    };
    if header {
        let end = line.rfind(']').map_or(line.len(), |e| e + 1);
        out.put(0, None);
        out.put(lead, Some(Type));
        i = end;
    }
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'#' {
            out.put(i, Some(Comment));
            break;
        } else if c == b'"' || c == b'\'' {
            let quote = if c == b'"' { "\"" } else { "'" };
            let triple = if c == b'"' { "\"\"\"" } else { "'''" };
            out.put(i, Some(String));
            if line[i..].starts_with(triple) {
                match line[i + 3..].find(triple) {
                    Some(at) => i += 3 + at + 3,
                    None => {
                        *open = Some(triple);
                        break;
                    }
                }
            } else {
                i += 1;
                while i < b.len() && !b[i..].starts_with(quote.as_bytes()) {
                    // A basic string's escapes hide its quotes.
                    i += if c == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
            }
        } else if word(c) {
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            let text = &line[start..i];
            let key = line[i..].trim_start().starts_with('=');
            let constant = matches!(text, "true" | "false" | "inf" | "nan" | "+inf" | "-inf")
                || text.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
            out.put(
                start,
                if key {
                    Some(Keyword)
                } else if constant {
                    Some(Constant)
                } else {
                    None
                },
            );
        } else {
            out.put(
                i,
                if c.is_ascii_whitespace() || !c.is_ascii() {
                    None
                } else {
                    Some(Punctuation)
                },
            );
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.done()
}

/// Scope prefixes and what they mean. A scope takes the first rule whose
/// prefix it starts with, so the specific rules come before the general
/// ones; `None` means "plain, whatever the outer scopes say" (the source
/// itself, an interpolation inside a string).
static RULES: LazyLock<Vec<(Scope, Option<Token>)>> = LazyLock::new(|| {
    use Token::{Comment, Constant, Function, Keyword, Punctuation, String, Type};
    [
        ("comment", Some(Comment)),
        ("punctuation.definition.comment", Some(Comment)),
        ("punctuation.definition.string", Some(String)),
        ("string", Some(String)),
        ("constant", Some(Constant)),
        ("storage.type.string", Some(String)),
        ("support.constant", Some(Constant)),
        ("variable.language", Some(Keyword)),
        ("keyword.operator.word", Some(Keyword)),
        ("keyword.operator", Some(Punctuation)),
        ("keyword", Some(Keyword)),
        ("storage", Some(Keyword)),
        ("entity.name.function", Some(Function)),
        ("support.function", Some(Function)),
        ("support.macro", Some(Function)),
        ("variable.function", Some(Function)),
        ("meta.function-call.identifier", Some(Function)),
        ("entity.name.tag", Some(Keyword)),
        ("entity.other.attribute-name", Some(Constant)),
        ("entity.name", Some(Type)),
        ("entity.other.inherited-class", Some(Type)),
        ("support.type", Some(Type)),
        ("support.class", Some(Type)),
        ("punctuation", Some(Punctuation)),
        ("meta.interpolation", None),
        ("source", None),
        ("text", None),
    ]
    .into_iter()
    .filter_map(|(s, t)| Scope::new(s).ok().map(|s| (s, t)))
    .collect()
});

/// The class of the text under a scope stack: the innermost scope that a
/// rule knows decides.
pub fn classify(stack: &[Scope]) -> Option<Token> {
    Classes::default().of(stack)
}

/// `classify`, with the rule each scope takes remembered: a block's lines
/// go through the same few dozen scopes again and again, and finding a
/// scope's rule means trying every prefix in turn.
#[derive(Default)]
struct Classes {
    /// For each scope met, the class of the rule it takes, or `None` when
    /// no rule knows it.
    rules: rustc_hash::FxHashMap<Scope, Option<Option<Token>>>,
}

impl Classes {
    fn of(&mut self, stack: &[Scope]) -> Option<Token> {
        for scope in stack.iter().rev() {
            let rule = *self.rules.entry(*scope).or_insert_with(|| {
                RULES
                    .iter()
                    .find(|(p, _)| p.is_prefix_of(*scope))
                    .map(|(_, token)| *token)
            });
            if let Some(token) = rule {
                return token;
            }
        }
        None
    }
}

/// Laying out asks for the grammars only when a block needs them.
#[cfg(test)]
pub(crate) fn asked_on_this_thread() -> usize {
    ASKED.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each non-blank piece of `src` with its class, line by line.
    pub(super) fn classes(lang: &str, src: &str) -> Vec<(String, Option<Token>)> {
        let lines: Vec<&str> = src.lines().collect();
        let runs = highlight(lang, lines.iter().map(|l| Cow::Borrowed(*l))).expect("known");
        let mut out = Vec::new();
        for (line, runs) in lines.iter().zip(&runs) {
            let mut starts: Vec<(usize, Option<Token>)> =
                runs.iter().map(|r| (r.start, r.token)).collect();
            if starts.first().is_none_or(|r| r.0 > 0) {
                starts.insert(0, (0, None));
            }
            for (i, &(start, token)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(line.len(), |r| r.0);
                let text = line[start..end].trim();
                if !text.is_empty() {
                    out.push((text.to_string(), token));
                }
            }
        }
        out
    }

    pub(super) fn class_of(all: &[(String, Option<Token>)], text: &str) -> Option<Token> {
        all.iter()
            .find(|(t, _)| t == text)
            .unwrap_or_else(|| panic!("no piece {text:?} in {all:?}"))
            .1
    }

    #[test]
    fn rust_tokens() {
        let src = "// greet\nfn main() {\n    let n: u32 = 42;\n    println!(\"hi {}\", n);\n}\n";
        let all = classes("rust", src);
        assert_eq!(class_of(&all, "// greet"), Some(Token::Comment));
        assert_eq!(class_of(&all, "fn"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "main"), Some(Token::Function));
        assert_eq!(class_of(&all, "let"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "u32"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "42"), Some(Token::Constant));
        assert_eq!(class_of(&all, "\"hi {}\""), Some(Token::String));
        assert_eq!(class_of(&all, "="), Some(Token::Punctuation));
    }

    #[test]
    fn python_tokens() {
        let src = "import os\n\nclass Reader(Base):\n    def read(self, n=3):\n        # a comment\n        return 'text' if n else None\n";
        let all = classes("py", src);
        assert_eq!(class_of(&all, "import"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "class"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "Reader"), Some(Token::Type));
        assert_eq!(class_of(&all, "def"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "read"), Some(Token::Function));
        assert_eq!(class_of(&all, "# a comment"), Some(Token::Comment));
        assert_eq!(class_of(&all, "return"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "'text'"), Some(Token::String));
        assert_eq!(class_of(&all, "None"), Some(Token::Constant));
        assert_eq!(class_of(&all, "3"), Some(Token::Constant));
    }

    #[test]
    fn typescript_gets_its_strings_comments_and_keywords_coloured() {
        let src = "const greet = (u: User): string => `hi ${u.name}`; // say hi\n";
        let all = classes("ts", src);
        assert_eq!(class_of(&all, "const"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "// say hi"), Some(Token::Comment));
        assert_eq!(class_of(&all, "`hi"), Some(Token::String));
    }

    #[test]
    fn languages_are_found_by_name_or_extension_in_any_case() {
        for lang in [
            "rust",
            "rs",
            "Rust",
            "py",
            "python",
            "js",
            "javascript",
            "sh",
            "bash",
            "shell",
            "json",
            "c",
            "go",
            "golang",
            "rust,ignore",
            "{.python}",
            "html",
            "yaml",
            "sql",
            "ts",
            "TypeScript",
            "tsx",
            "jsonc",
        ] {
            assert!(syntax_for(&fence_token(lang)).is_some(), "{lang}");
        }
        for lang in ["", "text", "txt", "plain", "no-such-language"] {
            assert!(syntax_for(&fence_token(lang)).is_none(), "{lang}");
        }
    }

    #[test]
    fn toml_tokens() {
        let src = "# settings\n[links]\nosc8 = true # on\nwidth = 72\nname = \"a \\\" b\"\nlist = ['x', 1.5]\ntext = \"\"\"\nmany\nlines\"\"\"\n";
        let all = classes("TOML", src);
        assert_eq!(class_of(&all, "# settings"), Some(Token::Comment));
        assert_eq!(class_of(&all, "[links]"), Some(Token::Type));
        assert_eq!(class_of(&all, "osc8"), Some(Token::Keyword));
        assert_eq!(class_of(&all, "true"), Some(Token::Constant));
        assert_eq!(class_of(&all, "# on"), Some(Token::Comment));
        assert_eq!(class_of(&all, "72"), Some(Token::Constant));
        assert_eq!(class_of(&all, "\"a \\\" b\""), Some(Token::String));
        assert_eq!(class_of(&all, "'x'"), Some(Token::String));
        assert_eq!(class_of(&all, "1.5"), Some(Token::Constant));
        assert_eq!(class_of(&all, "many"), Some(Token::String));
        assert_eq!(class_of(&all, "lines\"\"\""), Some(Token::String));
    }

    /// The code blocks of the corpus's articles (real code, which other
    /// people wrote) whose fence names one of `langs`, line by line.
    fn corpus_blocks(langs: &[&str]) -> Vec<Vec<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        paths.sort();
        let mut blocks = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(path).unwrap();
            let mut open: Option<(usize, bool, Vec<String>)> = None;
            for line in text.lines() {
                let indent = line.len() - line.trim_start().len();
                let fence = line.trim_start().strip_prefix("```");
                match (&mut open, fence) {
                    (Some(_), Some(_)) => {
                        let (_, wanted, block) = open.take().unwrap();
                        if wanted {
                            blocks.push(block);
                        }
                    }
                    (Some((at, _, block)), None) => {
                        let cut = line.len() - line.trim_start().len();
                        block.push(line[cut.min(*at)..].to_string());
                    }
                    (None, Some(info)) => {
                        let lang = info.trim().to_ascii_lowercase();
                        open = Some((indent, langs.contains(&lang.as_str()), Vec::new()));
                    }
                    (None, None) => {}
                }
            }
        }
        blocks
    }

    /// Each byte's class from a line's runs.
    fn per_byte(line: &str, runs: &[Run]) -> Vec<Option<Token>> {
        let mut out = vec![None; line.len()];
        for (i, run) in runs.iter().enumerate() {
            let end = runs.get(i + 1).map_or(line.len(), |r| r.start);
            out[run.start..end].fill(run.token);
        }
        out
    }

    /// How the tokeniser for `lang` classes the non-blank bytes of
    /// `blocks` against syntect's grammar: the share of all bytes classed
    /// the same, and for each class the grammar gives, the share of its
    /// bytes that the tokeniser gives it too.
    fn agreement(lang: &str, blocks: &[Vec<String>]) -> (f64, Vec<(Token, f64)>) {
        let (mut same, mut all) = (0, 0);
        let mut found: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        let mut differences: std::collections::BTreeMap<String, usize> = Default::default();
        for block in blocks {
            let lines = || block.iter().map(|l| Cow::Borrowed(l.as_str()));
            let ours = highlight(lang, lines()).unwrap();
            let theirs = with_grammar(&fence_token(lang), lines()).unwrap();
            for ((line, ours), theirs) in block.iter().zip(&ours).zip(&theirs) {
                let (a, b) = (per_byte(line, ours), per_byte(line, theirs));
                let mut i = 0;
                while i < line.len() {
                    // A stretch with the same two classes, counted once.
                    let mut j = i + 1;
                    while j < line.len() && (a[j], b[j]) == (a[i], b[i]) {
                        j += 1;
                    }
                    let solid = line[i..j]
                        .bytes()
                        .filter(|c| !c.is_ascii_whitespace())
                        .count();
                    all += solid;
                    if let Some(token) = b[i] {
                        let class = found.entry(format!("{token:?}")).or_default();
                        class.1 += solid;
                        if a[i] == b[i] {
                            class.0 += solid;
                        }
                    }
                    if a[i] == b[i] {
                        same += solid;
                    } else if solid > 0 {
                        let key =
                            format!("{:?} ours {:?} syntect {:?}", line[i..j].trim(), a[i], b[i]);
                        *differences.entry(key).or_default() += solid;
                    }
                    i = j;
                }
            }
        }
        let mut worst: Vec<_> = differences.into_iter().collect();
        worst.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let share = |(a, b): (usize, usize)| a as f64 / b.max(1) as f64;
        let classes: Vec<(Token, f64)> = [
            Token::Comment,
            Token::String,
            Token::Keyword,
            Token::Constant,
            Token::Function,
            Token::Type,
            Token::Punctuation,
        ]
        .into_iter()
        .filter_map(|t| found.get(&format!("{t:?}")).map(|&c| (t, share(c))))
        .collect();
        eprintln!(
            "{lang}: {same} of {all} bytes agree; by class {classes:?}; most often apart: {:#?}",
            &worst[..worst.len().min(20)]
        );
        (share((same, all)), classes)
    }

    /// Python as articles show it; the corpus has none.
    const PYTHON: &str = r#"import json
from pathlib import Path

MAX_WIDTH = 72


@dataclass(frozen=True)
class Article(Base):
    """One saved article, and where the reader stopped in it."""

    title: str
    words: int = 0

    def minutes(self, wpm: int = 230) -> float:
        # Round up: a short article still takes a minute.
        return max(1.0, self.words / wpm)

    async def fetch(self, url, *, timeout=10.5, **headers):
        async with session.get(url, timeout=timeout) as response:
            if response.status != 200 and not self.cached:
                raise ValueError(f"cannot fetch {url!r}: {response.status}")
            return await response.text()


def load(path: Path) -> list[Article]:
    """Read the library's index.

    Each line is one JSON object.
    """
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        out.append(Article(data["title"], words=len(data.get('body', ''))))
    print(f'{len(out)} articles, {sum(a.words for a in out)} words', file=sys.stderr)
    return sorted(out, key=lambda a: (a.title.lower(), -a.words)) or None
"#;

    #[test]
    fn the_tokenisers_class_real_code_as_the_grammars_do() {
        let rust = corpus_blocks(&["rust"]);
        let js = corpus_blocks(&["javascript", "js"]);
        let shell = corpus_blocks(&["bash", "console", "sh"]);
        let json = corpus_blocks(&["json"]);
        assert!(rust.len() > 50 && js.len() > 15 && shell.len() > 10 && !json.is_empty());
        let python = vec![PYTHON.lines().map(String::from).collect()];
        for (lang, blocks, least) in [
            // The Rust grammar names a type in some places only: `Vec` in
            // `Vec::new()`, but not `ControlFlow` in
            // `ControlFlow::Continue(())`, nor `None` left of a `=>`. The
            // tokeniser names every capitalised name that is called or
            // that a path goes through.
            ("rust", &rust, 0.8),
            ("js", &js, 0.9),
            ("sh", &shell, 0.9),
            ("json", &json, 0.9),
            ("python", &python, 0.9),
        ] {
            let (share, classes) = agreement(lang, blocks);
            assert!(share >= least, "{lang}: {share}");
            // What stands out on the screen is the same.
            for (token, share) in classes {
                if matches!(token, Token::Comment | Token::String | Token::Keyword) {
                    assert!(share >= 0.97, "{lang} {token:?}: {share}");
                }
            }
        }
    }

    #[test]
    fn unknown_language_is_plain() {
        assert_eq!(highlight("klingon", [Cow::Borrowed("fn x")]), None);
    }

    #[test]
    fn a_huge_block_is_highlighted_only_at_its_start() {
        let many = vec!["x = 1"; 100_000];
        let taken = std::cell::Cell::new(0);
        let runs = highlight(
            "go",
            many.iter().map(|l| {
                taken.set(taken.get() + 1);
                Cow::Borrowed(*l)
            }),
        )
        .unwrap();
        assert_eq!(runs.len(), BUDGET / "x = 1\n".len());
        assert!(runs.iter().all(|r| !r.is_empty()));
        // The lines after the budget are not even read.
        assert!(taken.get() <= runs.len() + 1);
        let long = "1 + ".repeat(MAX_LINE_BYTES);
        let lines = [
            Cow::Borrowed("x = 1"),
            Cow::Owned(long.clone()),
            Cow::Borrowed("y = 2"),
        ];
        assert_eq!(highlight("go", lines.clone()).unwrap().len(), 1);
        // The tokenisers of our own go on much further, long lines too.
        assert_eq!(highlight("py", lines).unwrap().len(), 3);
        let runs = highlight("py", many.iter().map(|l| Cow::Borrowed(*l))).unwrap();
        assert_eq!(runs.len(), 100_000);
        let more = vec!["x = 1"; 300_000];
        let runs = highlight("py", more.iter().map(|l| Cow::Borrowed(*l))).unwrap();
        assert_eq!(runs.len(), FAST_BUDGET / "x = 1\n".len());
        assert!(runs.iter().all(|r| !r.is_empty()));
    }

    #[test]
    fn runs_are_ordered_and_inside_the_line() {
        let lines = ["let s = \"a\\tb\"; // c", "", "    x += 1;"];
        let runs = highlight("rust", lines.iter().map(|l| Cow::Borrowed(*l))).unwrap();
        for (line, runs) in lines.iter().zip(&runs) {
            assert!(
                runs.windows(2)
                    .all(|w| w[0].start < w[1].start && w[0].token != w[1].token)
            );
            assert!(runs.iter().all(|r| r.start < line.len().max(1)));
        }
    }
}
