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
    hex::encode(bytes)
}

pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The letters of a printed notice's short code: Crockford's base 32, without I, L, O
/// and U, so nothing reads as something else (an O typed is taken as 0, an I or L as 1).
const CODE_LETTERS: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Letters in a short code: 40 random bits. Few enough to type from paper; with the
/// stricter rate limit on codes and their expiry, too many to find a notice by guessing.
pub const CODE_LENGTH: usize = 8;

/// A new short code for a printed notice, e.g. `7KQM3XPA`.
pub fn short_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..CODE_LENGTH).map(|_| CODE_LETTERS[rng.gen_range(0..CODE_LETTERS.len())] as char).collect()
}

/// A short code as it is printed, in two groups: `7KQM-3XPA`.
pub fn short_code_printed(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(CODE_LENGTH / 2));
    format!("{a}-{b}")
}

/// A short code as typed (any case, with dashes or spaces, O for 0, I or L for 1) in
/// its one written form, or `None` when it cannot be one.
pub fn short_code_normal(typed: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LENGTH);
    for c in typed.trim().chars() {
        match c.to_ascii_uppercase() {
            '-' | ' ' => {}
            'O' => code.push('0'),
            'I' | 'L' => code.push('1'),
            c if c.is_ascii() && CODE_LETTERS.contains(&(c as u8)) => code.push(c),
            _ => return None,
        }
    }
    (code.len() == CODE_LENGTH).then_some(code)
}

/// The stored hash a short code is looked up by (kept where a link's hash is).
pub fn short_code_hash(typed: &str) -> Option<String> {
    short_code_normal(typed).map(|code| secret_hash(&format!("code:{code}")))
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

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn a_short_code_is_read_as_people_type_it() {
        let code = short_code();
        assert_eq!(code.len(), CODE_LENGTH);
        assert_eq!(short_code_normal(&short_code_printed(&code)).as_deref(), Some(code.as_str()));
        assert_eq!(short_code_normal(" 7kqm 3xpa ").as_deref(), Some("7KQM3XPA"));
        assert_eq!(short_code_hash("OIL2-3456"), short_code_hash("0112-3456"), "O, I and L read as 0 and 1");
        assert!(short_code_normal("7KQM-3XP").is_none() && short_code_normal("7KQM-3XPU").is_none());
        assert_ne!(short_code(), short_code());
    }
}
