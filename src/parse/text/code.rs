//! Whether a run of lines in a plain-text article is preformatted: code
//! (a program, an interactive session, a traceback) or a diagram drawn in
//! characters (an RFC's packet layout). Such lines are shown as written,
//! every space kept, as a Markdown code block is, instead of being joined
//! into a paragraph. This module only judges the lines it is given.

/// Whether `lines` (their text, without the indent common to all of them
/// and with each line's own further indent kept) are preformatted.
pub(super) fn is_preformatted(lines: &[&str]) -> bool {
    let lines: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    if lines.is_empty() || lines.iter().all(|l| l.is_empty()) {
        return false;
    }
    is_diagram(&lines) || is_code(&lines)
}

/// Lines drawn mostly in signs: box corners, rules, bit numbers.
fn is_diagram(lines: &[&str]) -> bool {
    if lines.len() < 3 {
        return false;
    }
    let (letters, marks) = lines
        .iter()
        .flat_map(|l| l.chars())
        .fold((0, 0), |(l, m), c| {
            (
                l + usize::from(c.is_alphabetic()),
                m + usize::from(!c.is_whitespace()),
            )
        });
    let drawn = lines.iter().filter(|l| is_drawing(l)).count();
    letters * 2 < marks && drawn * 3 >= lines.len()
}

/// A line of a drawing: `+-+-+`, `|  x  |`, `+------+`, `0 1 2 3`.
fn is_drawing(line: &str) -> bool {
    let t = line.trim();
    let signs = t
        .chars()
        .filter(|c| "+-|=_*/\\<>^v.:#".contains(*c))
        .count();
    t.starts_with(['+', '|']) || (t.chars().count() >= 3 && signs * 2 > t.chars().count())
}

/// Lines of a program or a session: at least one line that only code
/// writes, and none that reads as prose.
fn is_code(lines: &[&str]) -> bool {
    let session = lines.iter().any(|l| is_prompt(l));
    let strong = lines.iter().filter(|l| is_code_line(l, session)).count();
    strong > 0
        && (lines.len() > 1 || session)
        && lines
            .iter()
            .all(|l| l.is_empty() || is_code_line(l, session) || is_code_like(l))
}

/// An interactive prompt: Python's `>>>`, a shell's `$ `.
fn is_prompt(line: &str) -> bool {
    line == ">>>"
        || line.starts_with(">>> ")
        || line.starts_with("$ ") && line[2..].starts_with(|c: char| c.is_ascii_lowercase())
}

/// A line that only code writes.
fn is_code_line(line: &str, session: bool) -> bool {
    let t = line.trim_start();
    if is_prompt(t) || session && (t == "..." || t.starts_with("... ")) {
        return true;
    }
    if t.starts_with("Traceback (most recent call last)") || t.starts_with("File \"") {
        return true;
    }
    if reads_as_prose(t) {
        return false;
    }
    const OPENERS: &[&str] = &[
        "def ",
        "class ",
        "import ",
        "from ",
        "return",
        "elif ",
        "else:",
        "try:",
        "except",
        "finally:",
        "with ",
        "while ",
        "for ",
        "if ",
        "print(",
        "print ",
        "#include",
        "#define",
        "function ",
        "var ",
        "let ",
        "const ",
        "fn ",
        "pub ",
        "public ",
        "private ",
        "static ",
        "void ",
        "int ",
        "struct ",
        "package ",
        "func ",
        "raise ",
        "assert ",
        "lambda ",
        "yield ",
        "async ",
        "await ",
        "echo ",
        "cd ",
        "sudo ",
        "//",
        "/*",
        "*/",
    ];
    let opener = OPENERS.iter().any(|o| t.starts_with(o));
    let ends_block = t.ends_with(['{', '}', ';']) || t == "}" || t.ends_with("):");
    let colon_block = opener && t.ends_with(':');
    let call = t.ends_with(')') && {
        let head = t.split('(').next().unwrap_or("");
        !head.is_empty()
            && !head.contains(' ')
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '$'))
    };
    let assignment = t.split_once(" = ").is_some_and(|(name, _)| {
        let name = name.trim_end();
        !name.is_empty()
            && name.chars().all(|c| {
                c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '"' | '\'')
            })
    });
    ends_block || colon_block || (opener && t.contains(['(', '=', '.', ':'])) || call || assignment
}

/// A line that may be code when code is around it: signs that prose does
/// not use, an indented continuation, a value (`["baz"]`, `1 2 1`), a
/// comment, an error message (`IndexError: …`).
fn is_code_like(line: &str) -> bool {
    let t = line.trim_start();
    let error = t
        .split_once(": ")
        .is_some_and(|(name, _)| !name.contains(' ') && name.ends_with("Error"));
    if t.starts_with("# ") || t.starts_with("// ") || t == "#" || error {
        return true;
    }
    if reads_as_prose(t) {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let marks = t.chars().filter(|c| !c.is_whitespace()).count();
    t.contains([
        '(', ')', '[', ']', '{', '}', '=', ';', '<', '>', '#', '"', '_',
    ]) || letters * 2 < marks
}

/// Words in a row that end a sentence: prose, not code.
fn reads_as_prose(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let words = tokens
        .iter()
        .filter(|w| {
            let w = w.trim_end_matches([',', '.', ';', ':', '?', '!']);
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'))
        })
        .count();
    words >= 6 && words * 10 >= tokens.len() * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pre(src: &str) -> bool {
        let lines: Vec<&str> = src.lines().collect();
        is_preformatted(&lines)
    }

    #[test]
    fn an_interactive_session_is_code() {
        assert!(pre(">>> foo()\n[\"baz\"]\n>>> foo()\n[\"baz\", \"baz\"]"));
        assert!(pre(
            ">>> def foo(bar=[]):\n...    bar.append(\"baz\")\n...    return bar"
        ));
        assert!(pre(
            "Traceback (most recent call last):\n  File \"<stdin>\", line 3, in <module>\nIndexError: list index out of range"
        ));
        assert!(pre("$ cargo install longform"));
    }

    #[test]
    fn a_program_is_code() {
        assert!(pre(
            "class Bar(object):\n    def __init__(self):\n        atexit.register(cleanup, self.myhandle)"
        ));
        assert!(pre(
            "foo = long_function_name(var_one, var_two,\n                         var_three, var_four)"
        ));
        assert!(pre("int main(void) {\n    return 0;\n}"));
        // A grammar (an RFC's ABNF).
        assert!(pre(
            "date-fullyear   = 4DIGIT\ndate-mday       = 2DIGIT  ; 01-28, 01-29, 01-30, 01-31 based on\n                          ; month/year\ntime-secfrac    = \".\" 1*DIGIT"
        ));
        // Comments in the words of prose, among code.
        assert!(pre(
            "# Add a comment, which will provide some distinction in editors\n# supporting syntax highlighting.\nif (this_is_one_thing and\n    that_is_another_thing):\n    do_something()"
        ));
    }

    #[test]
    fn a_drawing_is_preformatted() {
        assert!(pre(
            " 0                   1\n 0 1 2 3 4 5 6 7 8 9 0 1\n+-+-+-+-+-+-+-+-+-+-+-+-+\n|Version|  IHL  |Type   |\n+-+-+-+-+-+-+-+-+-+-+-+-+"
        ));
    }

    #[test]
    fn prose_and_verse_are_not() {
        assert!(!pre(
            "This paragraph is long enough to be running text, and it\nis hard-wrapped the way a saved page is."
        ));
        assert!(!pre(
            "Then wear the gold hat, if that will move her;\nIf you can bounce high, bounce for her too,"
        ));
        // A sentence that mentions code is prose.
        assert!(!pre("Consider the following example:"));
        assert!(!pre(
            "For example, the value of x = 3 is set when the function foo() is\ncalled for the first time, and it stays."
        ));
        assert!(!pre("Chapter 1\nThe beginning"));
    }
}
