//! Secrets handed to people (API tokens, session ids, customer links) are 256 random
//! bits; the store keeps only their SHA-256. A plain fast hash is enough: there is
//! nothing to guess, and each request stays cheap.

use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex(&buf)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The stored hash a customer link's token is looked up by, when `token` has the shape
/// of one (64 hex digits); `None` for anything else, so a mangled link costs no query.
pub fn link_token_hash(token: &str) -> Option<String> {
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| secret_hash(token))
}
