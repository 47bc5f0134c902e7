//! Tokenisers of our own for the languages articles show most: Rust,
//! Python, JavaScript (TypeScript is shown with it), shell and JSON.
//!
//! syntect's grammars run dozens of regular expressions from every token
//! and parse code at about 1 MB/s; these read each byte once, about fifty
//! times faster, so `longform cat` of a code-heavy article is not spent in
//! the highlighter and a long listing is coloured to its end. They sort
//! text into the same few classes as the grammars do (`Token`), following
//! the grammars' choices where they are consistent: a test holds them to
//! agree with syntect on most of the bytes of real code (the corpus's), and
//! the rest of the languages still go to syntect.
//!
//! Each line is read on its own, with `State` carrying what the previous
//! one left open: a block comment, a string, a here-document.

use super::{Run, Runs};
use crate::document::Token;

/// A language with a tokeniser here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lang {
    Rust,
    Python,
    Js,
    Shell,
    Json,
}

impl Lang {
    /// The language a fence names, once `fence_token` has tidied it.
    pub(super) fn of(token: &str) -> Option<Lang> {
        Some(match token {
            "rust" | "rs" => Lang::Rust,
            "python" | "py" | "pyw" | "pyi" | "python2" | "py2" => Lang::Python,
            "javascript" | "js" | "jsx" | "mjs" | "cjs" => Lang::Js,
            "sh" | "bash" | "zsh" | "ksh" | "ash" | "dash" | "bash-script" => Lang::Shell,
            "json" | "geojson" | "jsonl" | "ndjson" | "webmanifest" => Lang::Json,
            _ => return None,
        })
    }
}

/// What a line leaves open for the next one.
#[derive(Clone, Debug, Default)]
pub(super) struct State {
    open: Open,
}

#[derive(Clone, Debug, Default)]
enum Open {
    #[default]
    Code,
    /// Inside a block comment, `depth` deep (Rust's nest).
    Comment {
        depth: u32,
    },
    Str(Quote),
    /// Inside a shell here-document, which ends at a line that is `end`
    /// (after its leading tabs when `tabs`, as `<<-` allows).
    Heredoc {
        end: String,
        tabs: bool,
    },
}

/// How a string ends and what it holds.
#[derive(Clone, Copy, Debug)]
struct Quote {
    /// The quote byte, and how many of them close the string (1 or 3).
    quote: u8,
    count: u8,
    /// Rust's raw strings: the `#`s after the closing quote.
    hashes: u8,
    escapes: bool,
    interp: Interp,
    /// A Python docstring is shown as a comment, as the grammar does.
    class: Token,
    /// The string goes on past the end of the line (else it ends there).
    lines: bool,
}

impl Quote {
    /// A string closed by one `quote` that goes on past the end of its
    /// line, with no interpolation: the kind most strings are.
    fn multiline(quote: u8, escapes: bool) -> Quote {
        Quote {
            quote,
            count: 1,
            hashes: 0,
            escapes,
            interp: Interp::None,
            class: Token::String,
            lines: true,
        }
    }
}

/// What a string interpolates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interp {
    None,
    /// Python's f-strings: `{expression}`, with `{{` for a brace.
    Braces,
    /// JavaScript's templates (`${expression}`) and the shell's double
    /// quotes (`$name`, `${name}`, `$(command)`).
    Dollar,
}

/// What the last word says of the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Names {
    Nothing,
    /// After `fn`, `def`, `function`.
    Function,
    /// After `struct`, `class`, `extends`...
    Type,
    /// After Rust's `const` and `static`.
    Constant,
}

/// The runs of one line of `lang`, going on from `state`.
pub(super) fn line(lang: Lang, text: &str, state: &mut State) -> Vec<Run> {
    let mut lexer = Lexer {
        text,
        b: text.as_bytes(),
        i: 0,
        out: Runs::new(text.len()),
        lang,
        open: std::mem::take(&mut state.open),
        names: Names::Nothing,
        command: true,
        prev: 0,
        heredoc: None,
    };
    lexer.run();
    state.open = lexer.open;
    lexer.out.done()
}

struct Lexer<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    out: Runs,
    lang: Lang,
    /// What is open: on entry, what the previous line left; on return,
    /// what this one leaves.
    open: Open,
    names: Names,
    /// Shell: the next word is a command.
    command: bool,
    /// The last byte of the last token that was not a space.
    prev: u8,
    /// Shell: a here-document announced on this line, read from the next.
    heredoc: Option<(String, bool)>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// A byte that ends a shell word.
fn ends_shell_word(c: u8) -> bool {
    c.is_ascii_whitespace() || b"|&;()<>\"'`$".contains(&c)
}

impl Lexer<'_> {
    fn run(&mut self) {
        match std::mem::take(&mut self.open) {
            Open::Code => {}
            Open::Comment { depth } => {
                self.out.put(0, Some(Token::Comment));
                if !self.block_comment(depth) {
                    return;
                }
            }
            Open::Str(quote) => {
                // What follows the string's end is not a command.
                self.command = false;
                self.out.put(0, Some(quote.class));
                if !self.string_body(quote) {
                    return;
                }
            }
            Open::Heredoc { end, tabs } => {
                let text = if tabs {
                    self.text.trim_start_matches('\t')
                } else {
                    self.text
                };
                if text.trim_end() == end {
                    let lead = self.text.len() - text.len();
                    self.out.put(0, None);
                    self.out.put(lead, Some(Token::Keyword));
                } else {
                    self.out.put(0, Some(Token::String));
                    self.open = Open::Heredoc { end, tabs };
                }
                return;
            }
        }
        while self.i < self.b.len() {
            self.token();
        }
        if let Some((end, tabs)) = self.heredoc.take()
            && matches!(self.open, Open::Code)
        {
            self.open = Open::Heredoc { end, tabs };
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn starts(&self, s: &str) -> bool {
        self.b[self.i..].starts_with(s.as_bytes())
    }

    /// The byte length of the char at `i`.
    fn char_len(&self, i: usize) -> usize {
        self.text[i..].chars().next().map_or(1, char::len_utf8)
    }

    /// The next byte after `i` that is not a space or tab.
    fn next_solid(&self, mut i: usize) -> u8 {
        while matches!(self.at(i), b' ' | b'\t') {
            i += 1;
        }
        self.at(i)
    }

    fn put(&mut self, at: usize, token: Option<Token>) {
        self.out.put(at, token);
    }

    fn token(&mut self) {
        let i = self.i;
        let c = self.b[i];
        if c.is_ascii_whitespace() {
            self.put(i, None);
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            return;
        }
        if self.comment() {
            return;
        }
        let lang = self.lang;
        if lang == Lang::Shell {
            self.shell_token();
            return;
        }
        if let Some(quote) = self.quote_at(i, c) {
            self.put(i, Some(quote.class));
            self.i += usize::from(quote.count);
            self.string_body(quote);
            self.prev = c;
            self.names = Names::Nothing;
            return;
        }
        if c.is_ascii_digit()
            || (lang == Lang::Json && c == b'-' && self.at(i + 1).is_ascii_digit())
        {
            self.number();
            return;
        }
        if lang == Lang::Rust && c == b'\'' {
            self.rust_quote();
            return;
        }
        if is_ident_start(c) {
            self.word();
            return;
        }
        if lang == Lang::Python && c == b'@' && self.b[..i].iter().all(u8::is_ascii_whitespace) {
            // A decorator: the name after it is the function it applies.
            self.put(i, Some(Token::Punctuation));
            self.i += 1;
            self.names = Names::Function;
            self.prev = c;
            return;
        }
        let token = if lang == Lang::Js && self.starts("=>") {
            self.i += 2;
            Token::Keyword
        } else {
            self.i += 1;
            Token::Punctuation
        };
        self.put(i, Some(token));
        self.prev = c;
    }

    /// A comment starting here, to the end of the line or of the comment.
    fn comment(&mut self) -> bool {
        let i = self.i;
        let c = self.b[i];
        let line = match self.lang {
            Lang::Rust | Lang::Js | Lang::Json => c == b'/' && self.at(i + 1) == b'/',
            Lang::Python => c == b'#',
            // Only at the start of a word: `$#`, `${#x}` and `a#b` are not.
            Lang::Shell => c == b'#' && (i == 0 || ends_shell_word(self.b[i - 1])),
        };
        if line {
            self.put(i, Some(Token::Comment));
            self.i = self.b.len();
            return true;
        }
        let block = matches!(self.lang, Lang::Rust | Lang::Js | Lang::Json)
            && c == b'/'
            && self.at(i + 1) == b'*';
        if block {
            self.put(i, Some(Token::Comment));
            self.i += 2;
            self.block_comment(1);
        }
        block
    }

    /// The rest of a block comment `depth` deep; false when the line ends
    /// inside it.
    fn block_comment(&mut self, mut depth: u32) -> bool {
        let nests = self.lang == Lang::Rust;
        while self.i < self.b.len() {
            if self.starts("*/") {
                self.i += 2;
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            } else if nests && self.starts("/*") {
                self.i += 2;
                depth += 1;
            } else {
                self.i += 1;
            }
        }
        self.open = Open::Comment { depth };
        false
    }

    /// The string that a quote at `i` opens, if one does (JSON's, Python's
    /// and JavaScript's; Rust's are found with their prefixes in `word`).
    fn quote_at(&self, i: usize, c: u8) -> Option<Quote> {
        let mut quote = Quote {
            lines: false,
            ..Quote::multiline(c, true)
        };
        match (self.lang, c) {
            (Lang::Json, b'"') | (Lang::Js, b'"' | b'\'') => {}
            (Lang::Js, b'`') => {
                quote.interp = Interp::Dollar;
                quote.lines = true;
            }
            (Lang::Rust, b'"') => quote.lines = true,
            (Lang::Python, b'"' | b'\'') => {
                if self.at(i + 1) == c && self.at(i + 2) == c {
                    quote.count = 3;
                    quote.lines = true;
                    // A string that stands as a statement of its own is
                    // a docstring.
                    if self.b[..i].iter().all(u8::is_ascii_whitespace) {
                        quote.class = Token::Comment;
                    }
                }
            }
            _ => return None,
        }
        Some(quote)
    }

    /// The rest of a string from `self.i`; false when the line ends inside
    /// it.
    fn string_body(&mut self, quote: Quote) -> bool {
        let class = Some(quote.class);
        while self.i < self.b.len() {
            let i = self.i;
            let c = self.b[i];
            if c == quote.quote && self.closes(quote) {
                self.i += usize::from(quote.count) + usize::from(quote.hashes);
                return true;
            }
            if c == b'\\' && quote.escapes {
                let len = self.escape_len(i);
                self.put(i, Some(Token::Constant));
                self.i += len;
                self.put(self.i, class);
                continue;
            }
            match quote.interp {
                Interp::Braces if c == b'{' => {
                    if self.at(i + 1) == b'{' {
                        self.i += 2;
                    } else {
                        self.interpolation(i, 1, b'}', true, class);
                    }
                    continue;
                }
                Interp::Dollar if c == b'$' => {
                    self.dollar_in_string(i, class);
                    continue;
                }
                _ => {}
            }
            self.i += if c < 0x80 { 1 } else { self.char_len(i) };
        }
        if quote.lines {
            self.open = Open::Str(quote);
        }
        false
    }

    fn closes(&self, quote: Quote) -> bool {
        let i = self.i;
        let n = usize::from(quote.count);
        self.b[i..].len() >= n + usize::from(quote.hashes)
            && self.b[i..i + n].iter().all(|&b| b == quote.quote)
            && self.b[i + n..i + n + usize::from(quote.hashes)]
                .iter()
                .all(|&b| b == b'#')
    }

    /// The bytes of the escape at `i` (a backslash): the char after it,
    /// and the hex digits or braces of `\x41`, `\u{1F600}`, `\u00e9`.
    fn escape_len(&self, i: usize) -> usize {
        let next = self.at(i + 1);
        if next == 0 {
            return 1;
        }
        let mut end = i + 1 + self.char_len(i + 1);
        match next {
            b'x' => end += self.hex_run(end, 2),
            b'u' if self.at(end) == b'{' => {
                while end < self.b.len() && self.b[end] != b'}' && self.b[end] != b'"' {
                    end += 1;
                }
                if self.at(end) == b'}' {
                    end += 1;
                }
            }
            b'u' => end += self.hex_run(end, 4),
            b'U' => end += self.hex_run(end, 8),
            _ => {}
        }
        end - i
    }

    fn hex_run(&self, from: usize, max: usize) -> usize {
        self.b[from..]
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_hexdigit())
            .count()
    }

    /// An interpolation from `i`: its `open` bytes and its closing bracket
    /// are punctuation, and what is between them is code, tokenised as
    /// such when `code` (an f-string's expression, a template's, a shell
    /// command's), else plain (the shell's `${name%.md}`).
    fn interpolation(
        &mut self,
        i: usize,
        open: usize,
        close: u8,
        code: bool,
        class: Option<Token>,
    ) {
        self.put(i, Some(Token::Punctuation));
        self.put(i + open, None);
        let mut j = i + open;
        let mut depth = 1;
        let opener = if close == b')' { b'(' } else { b'{' };
        while j < self.b.len() {
            let c = self.b[j];
            if c == opener {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j += 1;
        }
        if code {
            // The line up to the bracket, read from the expression on.
            let mut inner = Lexer {
                text: &self.text[..j],
                b: &self.b[..j],
                i: i + open,
                out: std::mem::replace(&mut self.out, Runs::new(0)),
                lang: self.lang,
                open: Open::Code,
                names: Names::Nothing,
                command: true,
                prev: 0,
                heredoc: None,
            };
            while inner.i < inner.b.len() {
                inner.token();
            }
            self.out = inner.out;
        }
        if j < self.b.len() {
            self.put(j, Some(Token::Punctuation));
            j += 1;
        }
        self.i = j;
        self.put(j, class);
    }

    /// `$` inside a string: the shell's `$name`, `${name}` and `$(command)`,
    /// JavaScript's `${expression}`.
    fn dollar_in_string(&mut self, i: usize, class: Option<Token>) {
        match self.at(i + 1) {
            b'{' => self.interpolation(i, 2, b'}', self.lang != Lang::Shell, class),
            b'(' if self.lang == Lang::Shell => self.interpolation(i, 2, b')', true, class),
            c if self.lang == Lang::Shell && (is_ident(c) || b"@*#?$!-".contains(&c)) => {
                // The sign is punctuation; the name keeps the string's
                // colour, as in the grammar.
                self.put(i, Some(Token::Punctuation));
                self.put(i + 1, class);
                self.i = i + 2;
                if is_ident_start(c) {
                    while self.i < self.b.len() && is_ident(self.b[self.i]) {
                        self.i += 1;
                    }
                }
            }
            _ => self.i += 1,
        }
    }

    fn number(&mut self) {
        let i = self.i;
        let mut j = i + 1;
        let b = self.b;
        let radix = b[i] == b'0' && matches!(self.at(i + 1), b'x' | b'X' | b'o' | b'O' | b'b');
        if radix {
            j = i + 2;
        }
        loop {
            let c = self.at(j);
            if c.is_ascii_alphanumeric() || c == b'_' {
                // An exponent's sign belongs to the number.
                if !radix && matches!(c, b'e' | b'E') && matches!(self.at(j + 1), b'+' | b'-') {
                    j += 1;
                }
                j += 1;
            } else if c == b'.' && self.at(j + 1).is_ascii_digit() && !radix {
                j += 1;
            } else {
                break;
            }
        }
        self.put(i, Some(Token::Constant));
        self.i = j;
        self.prev = b'0';
        self.names = Names::Nothing;
    }

    /// Rust's `'`: a char (`'a'`, `'\n'`) or a lifetime (`'a`).
    fn rust_quote(&mut self) {
        let i = self.i;
        let next = self.at(i + 1);
        let char_end = if next == b'\\' {
            let e = i + 1 + self.escape_len(i + 1);
            (self.at(e) == b'\'').then_some(e + 1)
        } else if next != 0 && next != b'\'' {
            let e = i + 1 + self.char_len(i + 1);
            (self.at(e) == b'\'').then_some(e + 1)
        } else {
            None
        };
        if let Some(end) = char_end {
            self.put(i, Some(Token::String));
            if next == b'\\' {
                self.put(i + 1, Some(Token::Constant));
                self.put(end - 1, Some(Token::String));
            }
            self.i = end;
        } else {
            // A lifetime or a loop label.
            let mut j = i + 1;
            while j < self.b.len() && is_ident(self.b[j]) {
                j += 1;
            }
            self.put(i, Some(Token::Keyword));
            self.i = j.max(i + 1);
        }
        self.prev = b'\'';
    }

    /// An identifier, keyword or string prefix.
    fn word(&mut self) {
        let i = self.i;
        let mut j = i + 1;
        while j < self.b.len() && is_ident(self.b[j]) {
            j += 1;
        }
        let text = self.text;
        let w = &text[i..j];
        let next = self.at(j);
        if self.prefixed_string(i, j, w, next) {
            return;
        }
        let token = match self.lang {
            Lang::Rust => self.rust_word(w, j, next),
            Lang::Python => self.python_word(w, j),
            Lang::Js => self.js_word(w, j),
            Lang::Json => match w {
                "true" | "false" | "null" => Some(Token::Constant),
                _ => None,
            },
            Lang::Shell => None,
        };
        self.put(i, token);
        self.i = j;
        if self.lang == Lang::Rust && token == Some(Token::Function) && next == b'!' {
            // A macro's bang belongs to its name.
            self.i += 1;
        }
        self.prev = b'a';
    }

    /// A string with a prefix: Rust's `r#"…"#`, `b"…"`, `br"…"`, `b'x'`,
    /// Python's `f"…"`, `rb'…'`.
    fn prefixed_string(&mut self, i: usize, j: usize, w: &str, next: u8) -> bool {
        let quote = match self.lang {
            Lang::Rust => {
                let raw = matches!(w, "r" | "br" | "cr");
                let mut hashes = 0;
                if raw {
                    while self.at(j + hashes) == b'#' {
                        hashes += 1;
                    }
                }
                let at = self.at(j + hashes);
                if raw && at == b'"' {
                    Quote {
                        hashes: u8::try_from(hashes).unwrap_or(u8::MAX),
                        ..Quote::multiline(b'"', false)
                    }
                } else if matches!(w, "b" | "c") && next == b'"' {
                    Quote::multiline(b'"', true)
                } else if w == "b" && next == b'\'' {
                    self.put(i, Some(Token::String));
                    self.i = j;
                    self.rust_quote();
                    return true;
                } else {
                    return false;
                }
            }
            Lang::Python => {
                if w.len() > 2
                    || !w.bytes().all(|c| b"rRbBuUfF".contains(&c))
                    || !(next == b'"' || next == b'\'')
                {
                    return false;
                }
                let Some(mut quote) = self.quote_at(j, next) else {
                    return false;
                };
                quote.class = Token::String;
                quote.escapes = !w.bytes().any(|c| c == b'r' || c == b'R');
                if w.bytes().any(|c| c == b'f' || c == b'F') {
                    quote.interp = Interp::Braces;
                }
                quote
            }
            _ => return false,
        };
        self.put(i, Some(Token::String));
        // Past the prefix, a raw string's `#`s and the opening quotes.
        self.i = j + usize::from(quote.hashes) + usize::from(quote.count);
        self.string_body(quote);
        self.prev = b'"';
        self.names = Names::Nothing;
        true
    }

    /// What the words after `w` are, and `w`'s own class from `names`.
    fn named(&mut self, then: Names) -> Option<Token> {
        let token = match self.names {
            Names::Function => Some(Token::Function),
            Names::Type => Some(Token::Type),
            Names::Constant => Some(Token::Constant),
            Names::Nothing => None,
        };
        self.names = then;
        token
    }

    fn rust_word(&mut self, w: &str, j: usize, next: u8) -> Option<Token> {
        let keyword = |then| (Some(Token::Keyword), then);
        let (token, then) = match w {
            "fn" => keyword(Names::Function),
            "struct" | "enum" | "trait" | "type" | "union" | "impl" => keyword(Names::Type),
            "const" | "static" => keyword(Names::Constant),
            // `static mut NAME`: the name is still the static's.
            "mut" => keyword(self.names),
            "as" | "async" | "await" | "break" | "continue" | "crate" | "dyn" | "else"
            | "extern" | "for" | "if" | "in" | "let" | "loop" | "match" | "mod" | "move"
            | "pub" | "ref" | "return" | "self" | "Self" | "super" | "unsafe" | "use" | "where"
            | "while" | "yield" | "box" | "bool" | "char" | "str" | "u8" | "u16" | "u32"
            | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize"
            | "f32" | "f64" => keyword(Names::Nothing),
            "true" | "false" => (Some(Token::Constant), Names::Nothing),
            _ => {
                let named = self.named(Names::Nothing);
                let bang = next == b'!' && self.at(j + 1) != b'=';
                let method = self.prev == b'.' && (next == b'(' || self.starts_at(j, "::<"));
                let token = if bang || method {
                    Some(Token::Function)
                } else if named.is_some() {
                    named
                } else if next == b'(' || self.starts_at(j, "::") {
                    // As the grammar does: a name is a type where it is
                    // called or a path goes through it, not in a signature.
                    capitals(w)
                } else {
                    None
                };
                return token;
            }
        };
        self.names = then;
        token
    }

    fn starts_at(&self, i: usize, s: &str) -> bool {
        self.b[i..].starts_with(s.as_bytes())
    }

    /// A word that is no keyword of the language: the name a keyword
    /// before it announced, else a function where a call follows it.
    fn name_or_call(&mut self, j: usize) -> Option<Token> {
        let named = self.named(Names::Nothing);
        if named.is_some() {
            named
        } else if self.next_solid(j) == b'(' {
            Some(Token::Function)
        } else {
            None
        }
    }

    fn python_word(&mut self, w: &str, j: usize) -> Option<Token> {
        let (token, then) = match w {
            "def" => (Some(Token::Keyword), Names::Function),
            "class" => (Some(Token::Keyword), Names::Type),
            "as" | "assert" | "async" | "await" | "break" | "continue" | "del" | "elif"
            | "else" | "except" | "finally" | "for" | "from" | "global" | "if" | "import"
            | "in" | "is" | "lambda" | "nonlocal" | "pass" | "raise" | "return" | "try"
            | "while" | "with" | "yield" => (Some(Token::Keyword), Names::Nothing),
            // Operators, as the grammar has them.
            "and" | "or" | "not" => (Some(Token::Punctuation), Names::Nothing),
            // The grammar marks them where an attribute follows.
            "self" | "cls" if self.at(j) == b'.' => (Some(Token::Keyword), Names::Nothing),
            "True" | "False" | "None" | "NotImplemented" | "Ellipsis" => {
                (Some(Token::Constant), Names::Nothing)
            }
            "int" | "str" | "float" | "bool" | "bytes" | "list" | "dict" | "set" | "tuple"
            | "object" | "type" | "complex" | "frozenset" | "bytearray" => {
                (Some(Token::Type), Names::Nothing)
            }
            _ => return self.name_or_call(j),
        };
        self.names = then;
        token
    }

    fn js_word(&mut self, w: &str, j: usize) -> Option<Token> {
        let (token, then) = match w {
            "function" => (Some(Token::Keyword), Names::Function),
            "class" | "extends" | "implements" | "interface" | "new" => {
                (Some(Token::Keyword), Names::Type)
            }
            "async" | "await" | "break" | "case" | "catch" | "const" | "continue" | "debugger"
            | "default" | "delete" | "do" | "else" | "export" | "finally" | "for" | "from"
            | "if" | "import" | "in" | "instanceof" | "let" | "of" | "return" | "static"
            | "super" | "switch" | "this" | "throw" | "try" | "typeof" | "var" | "void"
            | "while" | "with" | "yield" | "as" => (Some(Token::Keyword), Names::Nothing),
            "true" | "false" | "null" | "undefined" | "NaN" | "Infinity" => {
                (Some(Token::Constant), Names::Nothing)
            }
            _ => return self.name_or_call(j),
        };
        self.names = then;
        token
    }

    /// One token of shell, where words are commands or arguments.
    fn shell_token(&mut self) {
        let i = self.i;
        let c = self.b[i];
        match c {
            b'\'' | b'"' => {
                let quote = Quote {
                    interp: if c == b'"' {
                        Interp::Dollar
                    } else {
                        Interp::None
                    },
                    ..Quote::multiline(c, c == b'"')
                };
                self.put(i, Some(Token::String));
                self.i += 1;
                self.string_body(quote);
                self.command = false;
            }
            b'$' => self.shell_dollar(),
            b'<' if self.starts("<<") && !self.starts("<<<") => self.heredoc_start(),
            b'|' | b'&' | b';' | b'(' | b'`' | b'{' => {
                self.put(i, Some(Token::Punctuation));
                self.i += 1;
                while self.i < self.b.len() && b"|&;".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                // `>&` and `2>&1` redirect; the others start a command.
                self.command = !(c == b'&' && self.prev == b'>');
                self.prev = c;
            }
            b')' | b'}' | b'<' | b'>' => {
                self.put(i, Some(Token::Punctuation));
                self.i += 1;
                self.prev = c;
            }
            _ => self.shell_word(),
        }
    }

    fn shell_dollar(&mut self) {
        let i = self.i;
        let next = self.at(i + 1);
        if next == b'\'' {
            // ANSI-C quoting: `$'a\tb'`.
            let quote = Quote::multiline(b'\'', true);
            self.put(i, Some(Token::String));
            self.i += 2;
            self.string_body(quote);
        } else if next == b'(' {
            self.put(i, Some(Token::Punctuation));
            self.i += 2;
            if self.at(self.i) == b'(' {
                self.i += 1;
            }
            self.command = true;
            self.prev = b'(';
            return;
        } else if next == b'{' {
            self.interpolation(i, 2, b'}', false, None);
        } else {
            self.put(i, Some(Token::Punctuation));
            self.put(i + 1, None);
            self.i += 1;
            if is_ident_start(next) {
                while self.i < self.b.len() && is_ident(self.b[self.i]) {
                    self.i += 1;
                }
            } else if next != 0 && b"@*#?$!-0123456789".contains(&next) {
                self.i += 1;
            }
        }
        self.command = false;
        self.prev = b'a';
    }

    /// `<<EOF`, `<<-EOF`, `<<'EOF'`: the body is on the next lines.
    fn heredoc_start(&mut self) {
        let i = self.i;
        self.put(i, Some(Token::Punctuation));
        let mut j = i + 2;
        let tabs = self.at(j) == b'-';
        if tabs {
            j += 1;
        }
        while self.at(j) == b' ' {
            j += 1;
        }
        let start = j;
        while j < self.b.len()
            && !self.b[j].is_ascii_whitespace()
            && !b"|&;<>()".contains(&self.b[j])
        {
            j += 1;
        }
        let text = self.text;
        let word = &text[start..j];
        let end = word.trim_matches(['\'', '"']);
        if !end.is_empty() {
            self.put(start, Some(Token::Keyword));
            self.heredoc = Some((end.to_string(), tabs));
        }
        self.i = j;
        self.prev = b'a';
    }

    fn shell_word(&mut self) {
        let i = self.i;
        let mut j = i + 1;
        while j < self.b.len() && !ends_shell_word(self.b[j]) {
            j += 1;
        }
        let text = self.text;
        let w = &text[i..j];
        self.i = j;
        self.prev = b'a';
        if self.command {
            if let Some(name) = assignment(w) {
                // `name=value`: still a command to come.
                self.put(i, None);
                self.put(i + name, Some(Token::Punctuation));
                self.put(i + name + 1, None);
                return;
            }
            let (token, command) = match w {
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "time" => {
                    (Token::Keyword, true)
                }
                "fi" | "done" | "esac" | "in" | "for" | "case" | "select" | "export" | "local"
                | "readonly" | "declare" | "typeset" | "return" | "exit" | "unset" | "shift"
                | "break" | "continue" | "[[" | "]]" => (Token::Keyword, false),
                "function" => {
                    self.put(i, Some(Token::Keyword));
                    self.names = Names::Function;
                    self.command = false;
                    return;
                }
                _ => (Token::Function, false),
            };
            self.put(i, Some(token));
            self.command = command;
            return;
        }
        if self.names == Names::Function {
            self.names = Names::Nothing;
            let name = w.find('(').unwrap_or(w.len());
            self.put(i, Some(Token::Function));
            self.put(i + name, Some(Token::Punctuation));
            return;
        }
        if matches!(w, "in" | "do" | "then" | "esac" | "done" | "fi") {
            self.put(i, Some(Token::Keyword));
            self.command = w != "in";
            return;
        }
        let dashes = w.bytes().take(2).take_while(|&b| b == b'-').count();
        if dashes > 0 && dashes < w.len() {
            self.put(i, Some(Token::Punctuation));
            self.put(i + dashes, None);
        } else {
            self.put(i, None);
        }
    }
}

/// Rust's names by their capitals: `Reader` is a type,
/// `MAX_LEN` a constant.
fn capitals(w: &str) -> Option<Token> {
    let b = w.as_bytes();
    if !b[0].is_ascii_uppercase() {
        return None;
    }
    if b.len() > 1 && !b.iter().any(u8::is_ascii_lowercase) {
        return Some(Token::Constant);
    }
    Some(Token::Type)
}

/// The length of the name in a shell assignment `name=value`.
fn assignment(w: &str) -> Option<usize> {
    let eq = w.find('=')?;
    let name = &w[..eq];
    let b = name.as_bytes();
    (!b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_'))
    .then_some(eq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::tests::{class_of, classes};
    use Token::{Comment, Constant, Function, Keyword, Punctuation, String, Type};
    use proptest::prelude::*;

    #[test]
    fn rust_strings_chars_lifetimes_and_comments() {
        let src = "let r = r##\"a \"# b\"##; let c = '\\''; let e = 'é';\n\
                   fn f<'a>(x: &'a str) -> u8 { 'outer: loop { break 'outer; } b'x' }\n\
                   /* one /* nested */ still\n\
                   comment */ let s = \"two\n\
                   lines \\u{1F600}\";\n\
                   Vec::new(); x.len(); vec![1]; MAX; Some(1);\n";
        let all = classes("rust", src);
        assert_eq!(class_of(&all, "r##\"a \"# b\"##"), Some(String));
        assert_eq!(class_of(&all, "\\'"), Some(Constant));
        assert_eq!(class_of(&all, "'é'"), Some(String));
        assert_eq!(class_of(&all, "'a"), Some(Keyword));
        assert_eq!(class_of(&all, "'outer"), Some(Keyword));
        assert_eq!(class_of(&all, "b'x'"), Some(String));
        assert_eq!(class_of(&all, "/* one /* nested */ still"), Some(Comment));
        assert_eq!(class_of(&all, "comment */"), Some(Comment));
        assert_eq!(class_of(&all, "\"two"), Some(String));
        assert_eq!(class_of(&all, "\\u{1F600}"), Some(Constant));
        assert_eq!(class_of(&all, "Vec"), Some(Type));
        assert_eq!(class_of(&all, "len"), Some(Function));
        assert_eq!(class_of(&all, "vec!"), Some(Function));
        assert_eq!(class_of(&all, "Some"), Some(Type));
        assert_eq!(class_of(&all, "f"), Some(Function));
        let all = classes(
            "rust",
            "const MAX: usize = 1;\nstatic mut COUNT: u8 = 0;\nconst fn g() {}\n",
        );
        assert_eq!(class_of(&all, "MAX"), Some(Constant));
        assert_eq!(class_of(&all, "COUNT"), Some(Constant));
        assert_eq!(class_of(&all, "g"), Some(Function));
    }

    #[test]
    fn python_docstrings_f_strings_and_decorators() {
        let src = "@cache\ndef f(this):\n    \"\"\"Doc\n    string.\"\"\"\n    \
                   text = '''not a\n    docstring'''\n    \
                   return f\"{self.n + 1:>4} {{literal}} {d['k']}\" and rb'\\d'\n";
        let all = classes("python", src);
        assert_eq!(class_of(&all, "cache"), Some(Function));
        assert_eq!(class_of(&all, "\"\"\"Doc"), Some(Comment));
        assert_eq!(class_of(&all, "string.\"\"\""), Some(Comment));
        assert_eq!(class_of(&all, "'''not a"), Some(String));
        assert_eq!(class_of(&all, "docstring'''"), Some(String));
        assert_eq!(class_of(&all, "self"), Some(Keyword));
        assert_eq!(class_of(&all, "1"), Some(Constant));
        assert_eq!(class_of(&all, "'k'"), Some(String));
        assert_eq!(class_of(&all, "rb'\\d'"), Some(String));
        assert_eq!(class_of(&all, "and"), Some(Punctuation));
    }

    #[test]
    fn shell_commands_strings_and_here_documents() {
        let src = "FOO=1 make -j2 && echo \"$(date +%F) ${HOME%/} $USER\" | tr a-z A-Z # done\n\
                   if [ -f x ]; then cat <<-'EOF' > out; fi\n\
                   \tbody $not_expanded\n\
                   \tEOF\n\
                   echo 'one\n\
                   two' a#b\n";
        let all = classes("bash", src);
        assert_eq!(class_of(&all, "FOO"), None);
        assert_eq!(class_of(&all, "make"), Some(Function));
        assert_eq!(class_of(&all, "echo"), Some(Function));
        assert_eq!(class_of(&all, "date"), Some(Function));
        assert_eq!(class_of(&all, "HOME%/"), None);
        assert_eq!(class_of(&all, "tr"), Some(Function));
        assert_eq!(class_of(&all, "a-z A-Z"), None);
        assert_eq!(class_of(&all, "# done"), Some(Comment));
        assert_eq!(class_of(&all, "if"), Some(Keyword));
        assert_eq!(class_of(&all, "then"), Some(Keyword));
        assert_eq!(class_of(&all, "cat"), Some(Function));
        assert_eq!(class_of(&all, "'EOF'"), Some(Keyword));
        assert_eq!(class_of(&all, "body $not_expanded"), Some(String));
        assert_eq!(class_of(&all, "EOF"), Some(Keyword));
        assert_eq!(class_of(&all, "'one"), Some(String));
        assert_eq!(class_of(&all, "two'"), Some(String));
        assert_eq!(class_of(&all, "a#b"), None);
    }

    #[test]
    fn javascript_templates_and_json_values() {
        let src = "const s = `a ${user.name(1)} b\nc`; // end\nclass A extends B {}\n";
        let all = classes("js", src);
        assert_eq!(class_of(&all, "`a"), Some(String));
        assert_eq!(class_of(&all, "${"), Some(Punctuation));
        assert_eq!(class_of(&all, "name"), Some(Function));
        assert_eq!(class_of(&all, "c`"), Some(String));
        assert_eq!(class_of(&all, "// end"), Some(Comment));
        assert_eq!(class_of(&all, "A"), Some(Type));
        assert_eq!(class_of(&all, "B"), Some(Type));
        let all = classes("json", "{\"k\": [-3e2, true, null, \"a\\\"b\"]}");
        assert_eq!(class_of(&all, "-3e2"), Some(Constant));
        assert_eq!(class_of(&all, "true"), Some(Constant));
        assert_eq!(class_of(&all, "\"a"), Some(String));
        assert_eq!(class_of(&all, "\\\""), Some(Constant));
    }

    const LANGS: [Lang; 5] = [Lang::Rust, Lang::Python, Lang::Js, Lang::Shell, Lang::Json];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the text, the runs of each line are in order, start
        /// inside it on char boundaries and never repeat a class, and
        /// the state goes on from line to line.
        #[test]
        fn runs_are_well_formed(
            lines in proptest::collection::vec(
                "[a-zA-Z0-9_ \t'\"`#$@!{}()<>\\[\\]/*\\\\.:;,=+|&%-éñ漢😀]{0,40}",
                1..8,
            ),
            lang in 0..LANGS.len(),
        ) {
            let mut state = State::default();
            for text in &lines {
                let runs = line(LANGS[lang], text, &mut state);
                for (i, run) in runs.iter().enumerate() {
                    prop_assert!(run.start < text.len());
                    prop_assert!(text.is_char_boundary(run.start));
                    if i > 0 {
                        prop_assert!(runs[i - 1].start < run.start);
                        prop_assert_ne!(runs[i - 1].token, run.token);
                    }
                }
            }
        }
    }
}
