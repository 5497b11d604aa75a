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

/// What a kept message shows in place of a personal link's token. The outbox, the API,
/// the staff pages and backups hold this; the sending step puts a token made at that
/// moment in its place, in the bytes that go to the mail server and nowhere else.
pub const MASKED_TOKEN: &str = "••••••";

/// The path of a personal link whose token is masked.
pub fn masked_link_path() -> String {
    format!("/c/{MASKED_TOKEN}")
}

/// The path of a staff invitation's link whose token is masked: made live when its
/// message is sent, like a customer's link.
pub fn masked_join_path() -> String {
    format!("/join/{MASKED_TOKEN}")
}

/// Whether a kept message carries a masked link (a customer's or an invitation's).
pub fn has_masked_link(text: &str) -> bool {
    text.contains(&masked_link_path()) || text.contains(&masked_join_path())
}

/// `text` with every personal link's token (`/c/` and 64 hex digits) masked, and the
/// tokens found, in order. Used once, on messages kept before tokens were masked.
pub fn mask_link_tokens(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("/c/") {
        let after = &rest[at + 3..];
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        out.push_str(&rest[..at + 3]);
        if hex == 64 {
            tokens.push(after[..64].to_owned());
            out.push_str(MASKED_TOKEN);
            rest = &after[64..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    (out, tokens)
}

/// A kept message's text as it leaves: each masked link carries `token`.
pub fn unmask_link(text: &str, token: &str) -> String {
    text.replace(&masked_link_path(), &format!("/c/{token}")).replace(&masked_join_path(), &format!("/join/{token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_and_put_back() {
        let token = "0123456789abcdef".repeat(4);
        let text = format!("See https://desk.example/c/{token} or a/c/d and /c/{token}.");
        let (masked, found) = mask_link_tokens(&text);
        assert_eq!(masked, "See https://desk.example/c/•••••• or a/c/d and /c/••••••.");
        assert_eq!(found, vec![token.clone(), token.clone()]);
        assert_eq!(unmask_link(&masked, &token), text);
        assert_eq!(mask_link_tokens("no link /c/abc").0, "no link /c/abc");
        let invitation = format!("Choose your password: https://desk.example{}", masked_join_path());
        assert!(has_masked_link(&invitation));
        assert_eq!(
            unmask_link(&invitation, &token),
            format!("Choose your password: https://desk.example/join/{token}")
        );
    }
}
