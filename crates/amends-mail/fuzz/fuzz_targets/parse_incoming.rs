#![no_main]
//! Any bytes: an answer, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mail) = amends_mail::parse_incoming(data) {
        let _ = amends_mail::check_attachment_limits(&mail, 1024, 4096);
    }
});
