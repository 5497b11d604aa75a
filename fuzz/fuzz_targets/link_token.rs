#![no_main]
//! See checks.rs: `link_token`.

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::link_token(data));
