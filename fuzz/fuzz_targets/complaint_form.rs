#![no_main]
//! See checks.rs: `complaint_form`.

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::complaint_form(data));
