//! Bytes → `longform cat` in pieces against the whole document, and the
//! reader's window. The checks are in `src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| longform_fuzz::pieces(data));
