//! Password hashing (promise A1): argon2id with OWASP parameters (19 MiB, t=2, p=1), run on the
//! blocking pool behind a semaphore so a login storm cannot exhaust memory or starve the async
//! threads (quality bar P6). bcrypt hashes from an import are accepted and re-hashed with argon2id
//! at the next successful sign-in.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// The outcome of checking a password.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or no password set).
    No,
    /// Right password, hash is current.
    Yes,
    /// Right password, but the stored hash is bcrypt or weaker argon2: store this new hash.
    YesRehash(String),
}

/// Bounded password hasher.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

fn argon() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid OWASP argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash that no password matches, verified against when the account does not exist so the
/// answer takes as long as for a real account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Ww2mMWj3N5ZlXbjZEjTkJ1y1rf0vXfR1ma7jEpe1k4c";

impl Hasher {
    /// A hasher running at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let pw = password.to_owned();
        let h = tokio::task::spawn_blocking(move || {
            argon().hash_password(pw.as_bytes()).map(|h| h.to_string())
        })
        .await?
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
        Ok(h)
    }

    /// Checks a password against a stored hash (argon2id or bcrypt). With `None`, checks against a
    /// dummy hash and answers `No`, taking the same time.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> anyhow::Result<Verified> {
        let _permit = self.permits.acquire().await?;
        let pw = password.to_owned();
        let stored = stored.map(str::to_owned);
        let result = tokio::task::spawn_blocking(move || -> anyhow::Result<Verified> {
            let Some(stored) = stored else {
                let parsed = PasswordHash::new(DUMMY_HASH).map_err(|e| anyhow::anyhow!("{e}"))?;
                let _ = argon().verify_password(pw.as_bytes(), &parsed);
                return Ok(Verified::No);
            };
            if stored.starts_with("$2a$")
                || stored.starts_with("$2b$")
                || stored.starts_with("$2y$")
            {
                // bcrypt only reads 72 bytes; refuse longer passwords rather than truncate.
                if pw.len() > 72 {
                    return Ok(Verified::No);
                }
                return Ok(match bcrypt::verify(pw.as_bytes(), &stored) {
                    Ok(true) => Verified::YesRehash(
                        argon()
                            .hash_password(pw.as_bytes())
                            .map_err(|e| anyhow::anyhow!("{e}"))?
                            .to_string(),
                    ),
                    _ => Verified::No,
                });
            }
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return Ok(Verified::No);
            };
            if argon().verify_password(pw.as_bytes(), &parsed).is_err() {
                return Ok(Verified::No);
            }
            let current = stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$");
            Ok(if current {
                Verified::Yes
            } else {
                Verified::YesRehash(
                    argon()
                        .hash_password(pw.as_bytes())
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                        .to_string(),
                )
            })
        })
        .await??;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_round_trip_with_owasp_parameters() {
        let h = Hasher::new(2);
        let hash = h.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            h.verify("correct horse battery", Some(&hash))
                .await
                .unwrap(),
            Verified::Yes
        );
        assert_eq!(h.verify("wrong", Some(&hash)).await.unwrap(), Verified::No);
        assert_eq!(h.verify("anything", None).await.unwrap(), Verified::No);
        assert_eq!(
            h.verify("anything", Some("garbage")).await.unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn bcrypt_is_accepted_and_upgraded() {
        let h = Hasher::new(2);
        let legacy = bcrypt::hash("imported password", 4).unwrap();
        match h.verify("imported password", Some(&legacy)).await.unwrap() {
            Verified::YesRehash(new) => {
                assert!(new.starts_with("$argon2id$"));
                assert_eq!(
                    h.verify("imported password", Some(&new)).await.unwrap(),
                    Verified::Yes
                );
            }
            other => panic!("expected a rehash, got {other:?}"),
        }
        assert_eq!(
            h.verify("wrong", Some(&legacy)).await.unwrap(),
            Verified::No
        );
    }
}
