//! The `longform` binary: parse the arguments, run the command, and decide
//! the exit code. Errors are one line on stderr; a closed pipe is a quiet
//! success; a crash writes its details to a log in the config dir and says
//! where, in one line, instead of a backtrace over the reader's screen.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use longform::cli::{self, Cli, NeedsTerminal};
use longform::tui::Exit;

fn main() -> ExitCode {
    // Installed first: the terminal guard chains its own hook in front of
    // it, so the terminal is restored before this message is printed.
    std::panic::set_hook(Box::new(crash_report));
    longform::parse::join::map_large_allocations();
    let cli = Cli::from_args(std::env::args_os());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let interactive = io::stdout().is_terminal() && !dumb;
    match cli::run(cli, interactive) {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Unsaved) => ExitCode::from(1),
        Ok(Exit::Signal(sig)) => ExitCode::from(u8::try_from(128 + sig).unwrap_or(1)),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<NeedsTerminal>().is_some() => {
            let _ = writeln!(io::stderr(), "longform: {}", one_line(&err));
            ExitCode::from(2)
        }
        Err(err) => {
            // A closed stderr must not turn an error into a crash.
            let _ = writeln!(io::stderr(), "longform: {}", one_line(&err));
            ExitCode::from(1)
        }
    }
}

/// The panic hook: the details and a backtrace go to a new crash log in
/// the config dir (`longform where` lists them); the user sees one line
/// saying where.
fn crash_report(info: &std::panic::PanicHookInfo<'_>) {
    let backtrace = std::backtrace::Backtrace::force_capture();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let report = format!(
        "longform {} crashed\n{info}\n\nbacktrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION")
    );
    let written = longform::paths::config_dir().ok().and_then(|dir| {
        let stamp = format!("{secs}-{}", std::process::id());
        longform::crash::write_log(&longform::crash::dir(&dir), &stamp, &report).ok()
    });
    let line = match written {
        Some(path) => format!(
            "longform: internal error, sorry; details are in {}",
            longform::parse::sanitize(&path.display().to_string())
        ),
        None => format!("longform: internal error, sorry: {info}"),
    };
    let _ = writeln!(io::stderr(), "{line}");
}

/// An error as one line: whatever of it came from outside (a file name, a
/// path from the config) gets its stand-ins, line breaks and tabs too.
fn one_line(err: &anyhow::Error) -> String {
    longform::parse::sanitize_line(&format!("{err:#}"))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
