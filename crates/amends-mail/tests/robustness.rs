//! `parse_incoming` takes bytes from anyone on the internet: it must answer
//! (Ok or Err) for every input and never panic. A deterministic mutation run
//! over the corpus, random bytes, and a few hostile shapes; the `fuzz/` folder
//! has the same target for cargo-fuzz.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use amends_mail::{check_attachment_limits, find_case_reference, parse_incoming};

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn exercise(bytes: &[u8]) {
    if let Ok(mail) = parse_incoming(bytes) {
        let _ = check_attachment_limits(&mail, 1024, 4096);
        if let Some(subject) = &mail.subject {
            let _ = find_case_reference(subject);
        }
        assert!(!mail.text.contains('\r'), "line endings are normalised");
    }
}

const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n",
    b"\r",
    b"=",
    b"=\r\n",
    b"=?",
    b"?=",
    b"=?utf-8?B?",
    b"=?iso-8859-1?Q?",
    b"<",
    b">",
    b"\"",
    b";",
    b":",
    b"--",
    b"\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"--x\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"&#",
    b"&amp",
    b"<style>",
    b"{",
    b"\xff",
    b"\xc3",
    b"\0",
];

#[test]
fn mutated_corpus_messages_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut rng = Rng(0x5EED_1042);
    let mut runs = 0usize;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let original = std::fs::read(&path).unwrap();
        // Keep big files to their first 64 KiB: the shapes are in the headers and first parts.
        let original = &original[..original.len().min(64 * 1024)];
        let step = (original.len() / 40).max(1);
        for cut in (0..original.len()).step_by(step) {
            exercise(&original[..cut]);
            exercise(&original[cut..]);
            runs += 2;
        }
        for _ in 0..150 {
            let mut bytes = original.to_vec();
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if !bytes.is_empty() => {
                        let i = rng.below(bytes.len());
                        bytes[i] ^= 1 << rng.below(8);
                    }
                    1 if !bytes.is_empty() => {
                        let end = (at + rng.below(64)).min(bytes.len());
                        bytes.drain(at.min(end)..end);
                    }
                    _ => {
                        let token = TOKENS[rng.below(TOKENS.len())];
                        bytes.splice(at..at, token.iter().copied());
                    }
                }
            }
            exercise(&bytes);
            runs += 1;
        }
    }
    assert!(runs > 5_000, "only {runs} inputs were tried");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xBAD_5EED);
    for _ in 0..3_000 {
        let len = rng.below(1_500);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&bytes);
        // Random bytes behind a plausible header, so the parser goes deeper.
        let mut framed = b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\n".to_vec();
        framed.extend_from_slice(&bytes);
        exercise(&framed);
    }
}

#[test]
fn hostile_shapes_are_answered() {
    let header = b"From: a@b.example\r\nSubject: [AM-1] x\r\n".to_vec();

    // Thousands of nested multiparts.
    let mut nested = header.clone();
    for i in 0..5_000 {
        nested.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n").as_bytes(),
        );
    }
    nested.extend_from_slice(b"Content-Type: text/plain\r\n\r\ndeep\r\n");
    exercise(&nested);

    // Thousands of nested forwarded messages.
    let mut forwarded = header.clone();
    for _ in 0..5_000 {
        forwarded.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\nFrom: c@d.example\r\n");
    }
    exercise(&forwarded);

    // One header line of a megabyte, a subject of encoded words, and a body of '='.
    let mut long = header.clone();
    long.extend_from_slice(b"X-Long: ");
    long.extend(std::iter::repeat_n(b'a', 1 << 20));
    long.extend_from_slice(b"\r\nSubject: ");
    for _ in 0..20_000 {
        long.extend_from_slice(b"=?utf-8?q?=C3=A9?= ");
    }
    long.extend_from_slice(b"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
    long.extend(std::iter::repeat_n(b'=', 100_000));
    exercise(&long);

    // HTML that never closes its tags.
    let mut html = b"From: a@b.example\r\nContent-Type: text/html\r\n\r\n".to_vec();
    for _ in 0..50_000 {
        html.extend_from_slice(b"<div><p class=\"x");
    }
    exercise(&html);

    // Shapes that would make a careless scan quadratic: these must stay fast.
    let started = std::time::Instant::now();
    for unit in [&b"<style>x</style>"[..], b"<a<b", b"&amp", b"<!-- -->", b"<td>"] {
        let mut html = b"From: a@b.example\r\nContent-Type: text/html\r\n\r\n".to_vec();
        for _ in 0..100_000 {
            html.extend_from_slice(unit);
        }
        exercise(&html);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}
