//! Bytes → a language and lines of code → highlighting. The checks are in
//! `src/lib.rs`, shared with the regression test of the main crate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| longform_fuzz::highlight(data));
