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

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LONGFORM_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    // `release` for every profile that inherits from it (`measure`).
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let pie = std::env::var_os("LONGFORM_PIE").is_some_and(|v| !v.is_empty() && v != "0");
    if linux && release && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
