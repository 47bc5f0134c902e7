//! How the `longform` binary is linked.
//!
//! Release builds on Linux are linked as position-dependent executables
//! (`-no-pie`). A position-independent one is relocated by the dynamic
//! loader at every start: about 61,000 pointers (mostly the file names
//! and lines that panics report, one for each check that can fail), over
//! 1.2 MB of pages that are copied on first write. That took 0.7 ms of
//! the 1.5 ms a start of the 15 MB binary cost before `main`, for every
//! launch; linked at a fixed address there is nothing to relocate. The
//! code is unchanged (compiled as position-independent, as always); only
//! the executable's own address is no longer randomised, while the
//! libraries, the stack and the heap still are.
//!
//! `LONGFORM_PIE=1` keeps the default position-independent executable,
//! for a packaging policy that asks for one.
//!
//! On Linux, when the linker is LLD (Rust's own on x86-64; `links_with`
//! tries it), release builds also put the functions that reading an
//! article runs next to each other, in the order `link/hot-functions.txt`
//! lists them (LLD's
//! `--symbol-ordering-file`; `scripts/hot_functions.py` makes the list
//! by running the reader under callgrind). Reading runs about a thousand
//! of the binary's ten thousand functions, 1.5 MB of its 9.5 MB of code,
//! scattered all through it; the kernel maps a program's code 64 KiB at
//! a time around each page first run, so 5 to 6.7 MB of the code was
//! resident in the reader, depending on where a build happened to put
//! things (a third of the reader's memory on 100,000 footnotes). A name
//! the list has and the build does not (a function changed or gone, or
//! another toolchain's names) is skipped: the build is the same, its
//! functions placed as the compiler put them. `LONGFORM_NO_ORDER=1`
//! leaves the order alone.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LONGFORM_PIE");
    println!("cargo:rerun-if-env-changed=LONGFORM_NO_ORDER");
    println!("cargo:rerun-if-changed=link/hot-functions.txt");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    // `release` for every profile that inherits from it (`measure`).
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let pie = set("LONGFORM_PIE");
    if linux && release && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    if linux && release && !set("LONGFORM_NO_ORDER") {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let list = Path::new(&dir).join("link/hot-functions.txt");
        let order = ordering(&list);
        if list.is_file() && links_with(&order) {
            for arg in &order {
                println!("cargo:rustc-link-arg-bins={arg}");
            }
        }
    }
}

/// Whether an environment variable is set to something other than 0.
fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The arguments that have the linker place functions in the order of
/// `list` (LLD's `--symbol-ordering-file`), saying nothing of the names it
/// does not find; each goes to the linker as it is (`-Xlinker`), so that
/// a comma in the path does not cut it in two.
fn ordering(list: &Path) -> Vec<String> {
    vec![
        "-Xlinker".into(),
        format!("--symbol-ordering-file={}", list.display()),
        "-Xlinker".into(),
        "--no-warn-symbol-ordering".into(),
    ]
}

/// Whether the linker this build uses takes `args`: an empty program is
/// linked with them by the same compiler, for the same target, with the
/// same flags and linker. Rust links with LLD on x86-64 Linux by default
/// since 1.90, but a compiler built otherwise (as some distributions
/// build theirs) or a linker chosen in a config links with GNU ld or
/// gold, which do not know the option: then the order is left alone.
fn links_with(args: &[String]) -> bool {
    let (Some(out), Some(rustc)) = (std::env::var_os("OUT_DIR"), std::env::var_os("RUSTC")) else {
        return false;
    };
    let out = PathBuf::from(out);
    let source = out.join("order_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut rustc = Command::new(rustc);
    rustc
        .arg(&source)
        .arg("-o")
        .arg(out.join("order_probe"))
        .args(["--crate-type", "bin"]);
    if let Ok(target) = std::env::var("TARGET") {
        rustc.args(["--target", &target]);
    }
    if let Ok(flags) = std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        rustc.args(flags.split('\x1f').filter(|flag| !flag.is_empty()));
    }
    if let Some(linker) = std::env::var_os("RUSTC_LINKER") {
        let mut choice = OsString::from("linker=");
        choice.push(linker);
        rustc.arg("-C").arg(choice);
    }
    for arg in args {
        rustc.arg("-C").arg(format!("link-arg={arg}"));
    }
    rustc
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
