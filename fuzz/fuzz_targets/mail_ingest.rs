#![no_main]
//! See checks.rs: `mail_ingest`.

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::mail_ingest(data));
