#![no_main]
//! See checks.rs: `api_json`.

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::api_json(data));
