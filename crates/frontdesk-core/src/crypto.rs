//! Secrets at rest (promise S3): AES-256-GCM with a fresh random 96-bit nonce per value, the key
//! id stored beside the ciphertext, and the tenant and field bound as associated data, so a value
//! copied to another tenant or column fails to decrypt.
//!
//! Envelope text: `v1.<kid>.<base64url(nonce ‖ ciphertext+tag)>`.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as B64STD, URL_SAFE_NO_PAD as B64};
use secrecy::{ExposeSecret, SecretBox};
use serde::{Deserialize, Serialize};

/// Errors of the envelope.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The text is not an envelope.
    #[error("malformed secret envelope")]
    Malformed,
    /// The envelope names a key this keyring does not hold.
    #[error("unknown key id {0}")]
    UnknownKey(String),
    /// Authentication failed: wrong key, wrong tenant/field, or tampered data.
    #[error("secret failed to decrypt")]
    Decrypt,
    /// A key in configuration is not 32 bytes of base64.
    #[error("invalid master key: {0}")]
    BadKey(String),
}

/// A set of master keys: one active (used to encrypt) and older ones (still decrypt).
pub struct Keyring {
    active: String,
    keys: BTreeMap<String, SecretBox<[u8; 32]>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("active", &self.active)
            .field("kids", &self.keys.keys())
            .finish()
    }
}

/// The on-disk form of a keyring (`keyring.json`, mode 0600).
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyringFile {
    /// Key id used for new encryptions.
    pub active: String,
    /// Key id → base64 (standard) of 32 bytes.
    pub keys: BTreeMap<String, String>,
}

impl KeyringFile {
    /// A new file with one freshly generated key.
    pub fn generate() -> Self {
        let mut f = Self {
            active: String::new(),
            keys: BTreeMap::new(),
        };
        f.add_new_key();
        f
    }

    /// Adds a freshly generated key and makes it active; returns its id.
    pub fn add_new_key(&mut self) -> String {
        let key: [u8; 32] = rand::random();
        let kid = kid_for(&key);
        self.keys.insert(kid.clone(), B64STD.encode(key));
        self.active = kid.clone();
        kid
    }
}

/// A short key id derived from the key itself (first 8 hex digits of SHA-256), so the same key
/// always gets the same id whether it comes from a file or the environment.
pub fn kid_for(key: &[u8; 32]) -> String {
    use sha2::Digest;
    format!("k{}", &hex::encode(sha2::Sha256::digest(key))[..8])
}

fn hmac_sha256(key: &[u8], data: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac};
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for d in data {
        m.update(d);
    }
    m.finalize().into_bytes().into()
}

/// HMAC-SHA256 of `data` under a subkey for `purpose` (itself an HMAC of the purpose under the
/// master key), so keys of different purposes are independent.
fn mac_with(master: &[u8; 32], purpose: &str, data: &[u8]) -> [u8; 32] {
    let sub = hmac_sha256(master, &[b"frontdesk-mac:", purpose.as_bytes()]);
    hmac_sha256(&sub, &[data])
}

/// Decodes a base64 master key (standard or url-safe alphabet) of exactly 32 bytes.
pub fn decode_key(text: &str) -> Result<[u8; 32], CryptoError> {
    let t = text.trim();
    let raw = B64STD
        .decode(t)
        .or_else(|_| B64.decode(t.trim_end_matches('=')))
        .map_err(|_| CryptoError::BadKey("not base64".into()))?;
    raw.try_into()
        .map_err(|_| CryptoError::BadKey("must be 32 bytes".into()))
}

impl Keyring {
    /// A keyring from an active key and older keys (all raw 32-byte keys).
    pub fn new(active: [u8; 32], older: impl IntoIterator<Item = [u8; 32]>) -> Self {
        let kid = kid_for(&active);
        let mut keys = BTreeMap::new();
        keys.insert(kid.clone(), SecretBox::new(Box::new(active)));
        for k in older {
            keys.entry(kid_for(&k))
                .or_insert_with(|| SecretBox::new(Box::new(k)));
        }
        Self { active: kid, keys }
    }

    /// A keyring from its file form.
    pub fn from_file(f: &KeyringFile) -> Result<Self, CryptoError> {
        let mut keys = BTreeMap::new();
        for (kid, b64) in &f.keys {
            let key = decode_key(b64)?;
            if kid_for(&key) != *kid {
                return Err(CryptoError::BadKey(format!(
                    "key id {kid} does not match its key"
                )));
            }
            keys.insert(kid.clone(), SecretBox::new(Box::new(key)));
        }
        if !keys.contains_key(&f.active) {
            return Err(CryptoError::BadKey("the active key is missing".into()));
        }
        Ok(Self {
            active: f.active.clone(),
            keys,
        })
    }

    /// Adds the keys of `other` that this keyring lacks (used when reloading after a rotation).
    pub fn merge_from(&mut self, other: Keyring, take_active: bool) {
        if take_active {
            self.active = other.active.clone();
        }
        for (kid, key) in other.keys {
            self.keys.entry(kid).or_insert(key);
        }
    }

    /// The id of the key used for new encryptions.
    pub fn active_kid(&self) -> &str {
        &self.active
    }

    /// Whether the keyring can decrypt values made with `kid`.
    pub fn has(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    /// Encrypts `plaintext` for `tenant` and `field` under the active key.
    pub fn encrypt(&self, tenant: &str, field: &str, plaintext: &[u8]) -> String {
        let key = self.keys.get(&self.active).expect("active key present");
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.expose_secret()));
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        let aad = format!("{tenant}|{field}");
        let ct = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut raw = Vec::with_capacity(12 + ct.len());
        raw.extend_from_slice(&nonce_bytes);
        raw.extend_from_slice(&ct);
        format!("v1.{}.{}", self.active, B64.encode(raw))
    }

    /// A keyed hash (HMAC-SHA256) of `data` for `purpose` under a key derived from the active
    /// master key: `m1.<kid>.<hex>`. For short secrets such as one-time codes, whose plain or
    /// salted hash anyone holding a copy of the database could reverse by trying every value;
    /// without the master key a stolen database reveals nothing.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> String {
        let key = self.keys.get(&self.active).expect("active key present");
        format!(
            "m1.{}.{}",
            self.active,
            hex::encode(mac_with(key.expose_secret(), purpose, data))
        )
    }

    /// Checks `data` against a [`mac`](Self::mac) in constant time (with whichever key of the
    /// keyring made it). False for anything malformed or made with an unknown key.
    pub fn verify_mac(&self, stored: &str, purpose: &str, data: &[u8]) -> bool {
        let mut parts = stored.splitn(3, '.');
        let (Some("m1"), Some(kid), Some(hex_mac)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Some(key), Ok(expected)) = (self.keys.get(kid), hex::decode(hex_mac)) else {
            return false;
        };
        let got = mac_with(key.expose_secret(), purpose, data);
        crate::token::ct_eq(&got, &expected)
    }

    /// The key id an envelope was made with.
    pub fn kid_of(envelope: &str) -> Result<&str, CryptoError> {
        let mut parts = envelope.splitn(3, '.');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("v1"), Some(kid), Some(_)) if !kid.is_empty() => Ok(kid),
            _ => Err(CryptoError::Malformed),
        }
    }

    /// Decrypts an envelope made for `tenant` and `field`.
    pub fn decrypt(
        &self,
        tenant: &str,
        field: &str,
        envelope: &str,
    ) -> Result<Vec<u8>, CryptoError> {
        let mut parts = envelope.splitn(3, '.');
        let (Some("v1"), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CryptoError::Malformed);
        };
        let key = self
            .keys
            .get(kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_string()))?;
        let raw = B64.decode(body).map_err(|_| CryptoError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Malformed);
        }
        let nonce = Nonce::try_from(&raw[..12]).map_err(|_| CryptoError::Malformed)?;
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.expose_secret()));
        let aad = format!("{tenant}|{field}");
        cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &raw[12..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ring() -> Keyring {
        Keyring::from_file(&KeyringFile::generate()).unwrap()
    }

    #[test]
    fn macs_are_keyed_and_verify_with_older_keys() {
        let r = ring();
        let m = r.mac("otp", b"t|b|123456");
        assert!(m.starts_with(&format!("m1.{}.", r.active_kid())));
        assert!(!m.contains("123456"));
        assert!(r.verify_mac(&m, "otp", b"t|b|123456"));
        assert!(!r.verify_mac(&m, "otp", b"t|b|123457"));
        assert!(
            !r.verify_mac(&m, "other", b"t|b|123456"),
            "purposes are separate"
        );
        assert!(
            !ring().verify_mac(&m, "otp", b"t|b|123456"),
            "another key cannot check it"
        );
        assert!(!r.verify_mac("garbage", "otp", b"x"));
        // After a rotation the older key still verifies what it made.
        let mut f = KeyringFile::generate();
        let old = Keyring::from_file(&f).unwrap();
        let m = old.mac("otp", b"x");
        f.add_new_key();
        let rotated = Keyring::from_file(&f).unwrap();
        assert_ne!(rotated.active_kid(), old.active_kid());
        assert!(rotated.verify_mac(&m, "otp", b"x"));
    }

    #[test]
    fn round_trip_and_fresh_nonce() {
        let k = ring();
        let a = k.encrypt("ten_a", "smtp_password", b"hunter2");
        let b = k.encrypt("ten_a", "smtp_password", b"hunter2");
        assert_ne!(a, b, "a fresh nonce per value");
        assert!(a.starts_with(&format!("v1.{}.", k.active_kid())));
        assert_eq!(k.decrypt("ten_a", "smtp_password", &a).unwrap(), b"hunter2");
    }

    #[test]
    fn tenant_and_field_are_bound() {
        let k = ring();
        let a = k.encrypt("ten_a", "token", b"x");
        assert_eq!(k.decrypt("ten_b", "token", &a), Err(CryptoError::Decrypt));
        assert_eq!(k.decrypt("ten_a", "other", &a), Err(CryptoError::Decrypt));
    }

    #[test]
    fn old_keys_still_decrypt_after_rotation() {
        let mut f = KeyringFile::generate();
        let old = Keyring::from_file(&f).unwrap();
        let env = old.encrypt("t", "f", b"secret");
        f.add_new_key();
        let new = Keyring::from_file(&f).unwrap();
        assert_ne!(new.active_kid(), old.active_kid());
        assert_eq!(new.decrypt("t", "f", &env).unwrap(), b"secret");
        assert!(new.encrypt("t", "f", b"s").contains(new.active_kid()));
        let other = ring();
        assert!(matches!(
            other.decrypt("t", "f", &env),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn tampering_fails() {
        let k = ring();
        let env = k.encrypt("t", "f", b"secret");
        let mut bytes = env.into_bytes();
        let last = bytes.len() - 3;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(k.decrypt("t", "f", &tampered).is_err());
        assert_eq!(k.decrypt("t", "f", "v2.x.y"), Err(CryptoError::Malformed));
    }

    proptest! {
        #[test]
        fn any_plaintext_round_trips(data in proptest::collection::vec(any::<u8>(), 0..512)) {
            let k = Keyring::new([7u8; 32], []);
            let env = k.encrypt("t", "f", &data);
            prop_assert_eq!(k.decrypt("t", "f", &env).unwrap(), data);
        }

        #[test]
        fn garbage_never_panics(s in ".{0,200}") {
            let k = Keyring::new([7u8; 32], []);
            let _ = k.decrypt("t", "f", &s);
        }
    }
}
