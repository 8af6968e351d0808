//! Secrets given to people: API keys, staff keys, link tokens and session cookies.
//!
//! A credential is `prefix_` + base64url(tenant or owner id ‖ record id ‖ 32 random bytes). The ids
//! let the server find the one record (inside its tenant, promise T1) without searching; the random
//! part is stored only as a salted SHA-256 (promise A3) and compared in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// Random bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    rand::random::<[u8; N]>()
}

/// The parts of a credential string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The scope the record lives in (a tenant, or a user for user-level tokens).
    pub scope: Uuid,
    /// The record's id.
    pub id: Uuid,
    /// The secret part (32 bytes).
    pub secret: [u8; 32],
}

impl Credential {
    /// A new credential for the record `id` in `scope`, with a fresh random secret.
    pub fn generate(scope: Uuid, id: Uuid) -> Self {
        Self {
            scope,
            id,
            secret: random_bytes(),
        }
    }

    /// The text shown once to the person: `prefix_…`.
    pub fn render(&self, prefix: &str) -> String {
        let mut raw = Vec::with_capacity(64);
        raw.extend_from_slice(self.scope.as_bytes());
        raw.extend_from_slice(self.id.as_bytes());
        raw.extend_from_slice(&self.secret);
        format!("{prefix}_{}", B64.encode(raw))
    }

    /// Parses a credential with the given prefix; `None` for anything malformed.
    pub fn parse(prefix: &str, text: &str) -> Option<Self> {
        let rest = text.strip_prefix(prefix)?.strip_prefix('_')?;
        if rest.len() != 86 {
            return None;
        }
        let raw = B64.decode(rest).ok()?;
        if raw.len() != 64 {
            return None;
        }
        Some(Self {
            scope: Uuid::from_slice(&raw[..16]).ok()?,
            id: Uuid::from_slice(&raw[16..32]).ok()?,
            secret: raw[32..].try_into().ok()?,
        })
    }
}

/// A salted SHA-256 of a secret: `salt_hex$hash_hex`.
pub fn salted_hash(secret: &[u8]) -> String {
    let salt: [u8; 16] = random_bytes();
    format!(
        "{}${}",
        hex::encode(salt),
        hex::encode(hash_with_salt(&salt, secret))
    )
}

fn hash_with_salt(salt: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(secret);
    h.finalize().into()
}

/// Checks `secret` against a stored [`salted_hash`] in constant time.
pub fn verify_salted(stored: &str, secret: &[u8]) -> bool {
    let Some((salt_hex, hash_hex)) = stored.split_once('$') else {
        return false;
    };
    let (Ok(salt), Ok(expected)) = (hex::decode(salt_hex), hex::decode(hash_hex)) else {
        return false;
    };
    let got = hash_with_salt(&salt, secret);
    expected.len() == 32 && bool::from(got.ct_eq(&expected[..]))
}

/// Plain SHA-256 hex of a high-entropy token (session cookies): unsalted so it can be looked up.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A new session cookie value: 32 random bytes, base64url.
pub fn new_session_token() -> String {
    B64.encode(random_bytes::<32>())
}

/// Constant-time equality of two byte strings.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_and_reject_tampering() {
        let c = Credential::generate(Uuid::now_v7(), Uuid::now_v7());
        let text = c.render("ak");
        assert!(text.starts_with("ak_"));
        assert_eq!(Credential::parse("ak", &text), Some(c.clone()));
        assert_eq!(Credential::parse("sk", &text), None, "prefix is checked");
        assert_eq!(Credential::parse("ak", &text[..text.len() - 1]), None);
        assert_eq!(Credential::parse("ak", "ak_!!"), None);
    }

    #[test]
    fn salted_hashes_verify_and_differ() {
        let secret = random_bytes::<32>();
        let a = salted_hash(&secret);
        let b = salted_hash(&secret);
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify_salted(&a, &secret));
        assert!(!verify_salted(&a, b"other"));
        assert!(!verify_salted("garbage", &secret));
    }
}
