//! Meta's webhook mechanics, shared by WhatsApp Cloud API, Messenger and Instagram: the `GET`
//! verification handshake and the `X-Hub-Signature-256` check of the raw body.
//!
//! Both are pure functions so the web layer can call them before it stores anything. The
//! signature is always computed over the bytes Meta sent: parsing and re-serialising the JSON
//! changes them and must fail.

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The largest webhook body to accept (answer 413 beyond it): Meta sends up to 3 MB, so 4 MiB
/// leaves room without letting a caller make us hash arbitrary amounts.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The header carrying the body signature.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

const SIGNATURE_PREFIX: &str = "sha256=";
/// `sha256=` followed by 64 hex digits; anything longer is refused before decoding.
const SIGNATURE_LEN: usize = SIGNATURE_PREFIX.len() + 64;

/// Why a body signature was refused.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, or an empty one.
    #[error("the signature header is missing")]
    Missing,
    /// Not `sha256=` followed by 64 hex digits.
    #[error("the signature header is malformed")]
    Malformed,
    /// Well formed, but not the signature of this body with this secret.
    #[error("the signature does not match the body")]
    Mismatch,
    /// No secret is configured, so nothing can be verified.
    #[error("no secret is configured")]
    NoSecret,
}

/// The header value Meta would send for `raw_body` signed with `app_secret` (`sha256=<hex>`);
/// used by fakes and tests.
pub fn sign(app_secret: &[u8], raw_body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret)
        .expect("HMAC takes keys of any length");
    mac.update(raw_body);
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks the `X-Hub-Signature-256` header (`header`, if present) against the raw body bytes:
/// HMAC-SHA256 keyed with the app secret (the Instagram app secret for Instagram Login),
/// compared in constant time.
pub fn verify_signature(
    app_secret: &[u8],
    raw_body: &[u8],
    header: Option<&[u8]>,
) -> Result<(), SignatureError> {
    if app_secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::Missing)?.trim_ascii();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    if header.len() != SIGNATURE_LEN {
        return Err(SignatureError::Malformed);
    }
    let (prefix, digits) = header.split_at(SIGNATURE_PREFIX.len());
    if !prefix.eq_ignore_ascii_case(SIGNATURE_PREFIX.as_bytes()) {
        return Err(SignatureError::Malformed);
    }
    let expected = hex::decode(digits).map_err(|_| SignatureError::Malformed)?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret)
        .expect("HMAC takes keys of any length");
    mac.update(raw_body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// The query of Meta's verification request:
/// `?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` (deserialisable with axum's `Query`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct HandshakeQuery {
    /// Must be `subscribe`.
    #[serde(rename = "hub.mode")]
    pub mode: Option<String>,
    /// The token configured in the App Dashboard.
    #[serde(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    /// The value to echo back as the plain-text body.
    #[serde(rename = "hub.challenge")]
    pub challenge: Option<String>,
}

/// Why a verification request was refused (answer 403).
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum HandshakeError {
    /// `hub.mode` is missing or not `subscribe`.
    #[error("hub.mode is not subscribe")]
    NotSubscribe,
    /// `hub.verify_token` is missing or wrong.
    #[error("the verify token does not match")]
    BadToken,
    /// `hub.challenge` is missing or empty.
    #[error("hub.challenge is missing")]
    NoChallenge,
    /// No verify token is configured, so no request can pass.
    #[error("no verify token is configured")]
    NoToken,
}

impl HandshakeQuery {
    /// The challenge to answer with (200, plain text) when the request is a subscription with
    /// our verify token; the tokens are compared in constant time (and their lengths not leaked).
    pub fn answer(&self, expected_token: &str) -> Result<&str, HandshakeError> {
        if expected_token.is_empty() {
            return Err(HandshakeError::NoToken);
        }
        if self.mode.as_deref() != Some("subscribe") {
            return Err(HandshakeError::NotSubscribe);
        }
        let given = self.verify_token.as_deref().unwrap_or("");
        if !constant_time_str_eq(given, expected_token) {
            return Err(HandshakeError::BadToken);
        }
        match self.challenge.as_deref() {
            Some(c) if !c.is_empty() => Ok(c),
            _ => Err(HandshakeError::NoChallenge),
        }
    }
}

/// Compares digests of both strings, so neither content nor length leaks through timing.
pub(crate) fn constant_time_str_eq(a: &str, b: &str) -> bool {
    let da = Sha256::digest(a.as_bytes());
    let db = Sha256::digest(b.as_bytes());
    da.as_slice().ct_eq(db.as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 🧮 test vector of protocols.md §1.2 (499 bytes, no trailing newline).
    const BODY: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=","timestamp":"1739321024","text":{"body":"Does it come in another color?"},"type":"text"}]},"field":"messages"}]}]}"#;
    const SECRET: &[u8] = b"test_app_secret";
    const HEADER: &str = "sha256=b31d2dfc17653c5370a9b41e2e558f29d11d8c84502653035c1710abbf03cd95";

    #[test]
    fn the_documented_vector_verifies() {
        assert_eq!(BODY.len(), 499);
        assert_eq!(sign(SECRET, BODY.as_bytes()), HEADER);
        assert_eq!(
            verify_signature(SECRET, BODY.as_bytes(), Some(HEADER.as_bytes())),
            Ok(())
        );
        // Upper-case hex and surrounding whitespace are the same signature.
        let upper = format!("  sha256={} ", HEADER[7..].to_ascii_uppercase());
        assert_eq!(
            verify_signature(SECRET, BODY.as_bytes(), Some(upper.as_bytes())),
            Ok(())
        );
    }

    #[test]
    fn forged_and_wrong_secret_signatures_fail() {
        let mut forged = HEADER.to_string();
        forged.replace_range(70..71, if HEADER.ends_with('5') { "6" } else { "5" });
        assert_eq!(
            verify_signature(SECRET, BODY.as_bytes(), Some(forged.as_bytes())),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(b"other_secret", BODY.as_bytes(), Some(HEADER.as_bytes())),
            Err(SignatureError::Mismatch)
        );
        let tampered = BODY.replace("another color", "another colour");
        assert_eq!(
            verify_signature(SECRET, tampered.as_bytes(), Some(HEADER.as_bytes())),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_reserialised_body_fails() {
        let value: serde_json::Value = serde_json::from_str(BODY).unwrap();
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
        let compact = serde_json::to_vec(&value).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&pretty).unwrap(),
            value
        );
        assert_ne!(pretty, BODY.as_bytes());
        assert_eq!(
            verify_signature(SECRET, &pretty, Some(HEADER.as_bytes())),
            Err(SignatureError::Mismatch)
        );
        // serde_json sorts keys, so even the compact form has different bytes.
        assert_ne!(compact, BODY.as_bytes());
        assert_eq!(
            verify_signature(SECRET, &compact, Some(HEADER.as_bytes())),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_empty_malformed_and_oversized_headers_fail() {
        let b = BODY.as_bytes();
        assert_eq!(
            verify_signature(SECRET, b, None),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(SECRET, b, Some(b"")),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(SECRET, b, Some(b"   ")),
            Err(SignatureError::Missing)
        );
        let oversized = format!("{HEADER}{}", "0".repeat(10_000));
        for bad in [
            &HEADER[7..],                                                              // no prefix
            &HEADER[..70],                                                             // short
            &oversized,                                                                // long
            "sha1=b31d2dfc17653c5370a9b41e2e558f29d11d8c84502653035c1710abbf03cd95ab", // other algo
            "sha256=z31d2dfc17653c5370a9b41e2e558f29d11d8c84502653035c1710abbf03cd95", // not hex
        ] {
            assert_eq!(
                verify_signature(SECRET, b, Some(bad.as_bytes())),
                Err(SignatureError::Malformed),
                "{bad:.80}"
            );
        }
        assert_eq!(
            verify_signature(b"", b, Some(HEADER.as_bytes())),
            Err(SignatureError::NoSecret)
        );
    }

    #[test]
    fn the_handshake_query_reads_the_literal_dotted_keys() {
        let uri: axum::http::Uri = "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock"
            .parse()
            .unwrap();
        let axum::extract::Query(q) =
            axum::extract::Query::<HandshakeQuery>::try_from_uri(&uri).unwrap();
        assert_eq!(q.answer("meatyhamhock"), Ok("1158201444"));
        // PHP-style underscores are not Meta's keys.
        let uri: axum::http::Uri =
            "/w?hub_mode=subscribe&hub_challenge=1&hub_verify_token=meatyhamhock"
                .parse()
                .unwrap();
        let axum::extract::Query(q) =
            axum::extract::Query::<HandshakeQuery>::try_from_uri(&uri).unwrap();
        assert_eq!(q.answer("meatyhamhock"), Err(HandshakeError::NotSubscribe));
    }

    #[test]
    fn the_handshake_echoes_the_challenge_only_for_our_token() {
        // Meta's documented example request.
        let q: HandshakeQuery = serde_json::from_value(serde_json::json!({
            "hub.mode": "subscribe",
            "hub.challenge": "1158201444",
            "hub.verify_token": "meatyhamhock"
        }))
        .unwrap();
        assert_eq!(q.answer("meatyhamhock"), Ok("1158201444"));
        assert_eq!(q.answer("meatyhamhocks"), Err(HandshakeError::BadToken));
        assert_eq!(q.answer("meatyhamhoc"), Err(HandshakeError::BadToken));
        assert_eq!(q.answer(""), Err(HandshakeError::NoToken));

        let mut other = q.clone();
        other.mode = Some("unsubscribe".into());
        assert_eq!(
            other.answer("meatyhamhock"),
            Err(HandshakeError::NotSubscribe)
        );
        other.mode = None;
        assert_eq!(
            other.answer("meatyhamhock"),
            Err(HandshakeError::NotSubscribe)
        );

        let mut no_token = q.clone();
        no_token.verify_token = None;
        assert_eq!(
            no_token.answer("meatyhamhock"),
            Err(HandshakeError::BadToken)
        );

        let mut no_challenge = q.clone();
        no_challenge.challenge = Some(String::new());
        assert_eq!(
            no_challenge.answer("meatyhamhock"),
            Err(HandshakeError::NoChallenge)
        );
    }
}
