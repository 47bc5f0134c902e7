//! The `longform` binary: parse the arguments, run the command, and decide
//! the exit code. Errors are one line on stderr; a closed pipe is a quiet
//! success.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use longform::cli::{self, Cli};
use longform::tui::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal(sig)) => ExitCode::from(u8::try_from(128 + sig).unwrap_or(1)),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed stderr must not turn an error into a crash.
            let _ = writeln!(io::stderr(), "longform: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
