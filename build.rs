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
//! On x86-64 Linux, where Rust links with LLD, release builds also put the
//! functions that reading an article runs next to each other, in the
//! order `link/hot-functions.txt` lists them (LLD's
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
    if linux && release && links_with_lld() && !set("LONGFORM_NO_ORDER") {
        let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        let list = std::path::Path::new(&dir).join("link/hot-functions.txt");
        if list.is_file() {
            println!(
                "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
                list.display()
            );
            println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        }
    }
}

/// Whether an environment variable is set to something other than 0.
fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether the binary is linked with LLD: Rust's default on x86-64 Linux
/// with glibc since 1.90 (this crate needs 1.92), unless a linker or its
/// flavour is chosen otherwise, through the flags or the target's linker.
fn links_with_lld() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && !flags.contains("linker")
        && !flags.contains("link-self-contained")
        && !flags.contains("fuse-ld")
        && std::env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_none()
        && std::env::var_os("RUSTC_LINKER").is_none()
}
