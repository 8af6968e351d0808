//! Provider secrets at rest (promise S3): encrypted with the active master key, the tenant and
//! the secret's name bound as associated data; never returned to dashboard users. Key rotation
//! re-encrypts everything under a new key while the service keeps running: old keys stay in the
//! keyring until nothing uses them, and a running server reloads the keyring file when it meets
//! a key id it does not know.

use frontdesk_core::crypto::{Keyring, KeyringFile};
use frontdesk_core::validate;
use frontdesk_store::SecretRow;
use serde_json::json;

use crate::{App, AppError, AppResult, Ctx};

fn check_name(name: &str) -> AppResult<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "name",
            "must be 1–64 of a-z, 0-9, '_' and '.'",
        ))
    }
}

impl App {
    fn field(name: &str) -> String {
        format!("secret:{name}")
    }

    /// Encrypts a value for a tenant and field under the active key.
    pub fn encrypt(
        &self,
        tenant: frontdesk_core::TenantId,
        field: &str,
        value: &[u8],
    ) -> (String, String) {
        let ring = self.keyring.read().expect("keyring lock");
        (
            ring.encrypt(&tenant.to_string(), field, value),
            ring.active_kid().to_string(),
        )
    }

    /// Decrypts a value; reloads the keyring file once if the key id is unknown (a rotation
    /// happened in another process).
    pub fn decrypt(
        &self,
        tenant: frontdesk_core::TenantId,
        field: &str,
        envelope: &str,
    ) -> anyhow::Result<Vec<u8>> {
        let kid = Keyring::kid_of(envelope)?.to_string();
        if !self.keyring.read().expect("keyring lock").has(&kid) {
            self.reload_keyring()?;
        }
        Ok(self.keyring.read().expect("keyring lock").decrypt(
            &tenant.to_string(),
            field,
            envelope,
        )?)
    }

    /// Re-reads the keyring file (no-op when keys come from the environment).
    pub fn reload_keyring(&self) -> anyhow::Result<()> {
        let Some(path) = &self.config.keyring_file else {
            return Ok(());
        };
        let file: KeyringFile = serde_json::from_slice(&std::fs::read(path)?)?;
        let fresh = Keyring::from_file(&file)?;
        self.keyring
            .write()
            .expect("keyring lock")
            .merge_from(fresh, true);
        Ok(())
    }

    /// The active key id.
    pub fn active_kid(&self) -> String {
        self.keyring
            .read()
            .expect("keyring lock")
            .active_kid()
            .to_string()
    }

    /// Replaces the in-memory keyring (after a rotation in this process).
    pub fn set_keyring(&self, ring: Keyring) {
        let mut k = self.keyring.write().expect("keyring lock");
        k.merge_from(ring, true);
    }

    /// Stores a secret (owners). The value is never shown again.
    pub async fn put_secret(&self, ctx: &Ctx, name: &str, value: &str) -> AppResult<()> {
        ctx.require_owner()?;
        check_name(name)?;
        if value.is_empty() || value.len() > 8192 {
            return Err(AppError::invalid("value", "must be 1–8192 bytes"));
        }
        validate::text("value", value, 1, 8192, true).map(|_| ())?;
        let (env, kid) = self.encrypt(ctx.tenant, &Self::field(name), value.as_bytes());
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant)
            .put_secret(name, &env, &kid, self.now_ms())
            .await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "secret.stored",
            Some(name.to_string()),
            json!({ "key_id": kid }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Secret names and metadata (owners); values stay encrypted.
    pub async fn list_secrets(&self, ctx: &Ctx) -> AppResult<Vec<SecretRow>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).secrets().await?)
    }

    /// Deletes a secret (owners).
    pub async fn delete_secret(&self, ctx: &Ctx, name: &str) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_secret(name).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "secret.deleted",
            Some(name.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reads a secret's value for internal use by adapters (never exposed over HTTP).
    pub async fn read_secret(
        &self,
        tenant: frontdesk_core::TenantId,
        name: &str,
    ) -> AppResult<Option<String>> {
        let Some(row) = self.store.tenant(tenant).secret(name).await? else {
            return Ok(None);
        };
        let bytes = self.decrypt(tenant, &Self::field(name), &row.ciphertext)?;
        Ok(Some(
            String::from_utf8(bytes).map_err(|e| anyhow::anyhow!(e))?,
        ))
    }

    /// Re-encrypts every secret not under the active key, in batches; returns how many changed.
    /// Safe to run while the service runs and to run again after an interruption.
    pub async fn reencrypt_secrets(&self) -> anyhow::Result<u64> {
        let active = self.active_kid();
        let mut done = 0;
        loop {
            let batch = self.store.secrets_needing_rotation(&active, 200).await?;
            if batch.is_empty() {
                break;
            }
            let mut progressed = false;
            for row in batch {
                let field = Self::field(&row.name);
                let plain = self.decrypt(row.tenant_id, &field, &row.ciphertext)?;
                let (env, kid) = self.encrypt(row.tenant_id, &field, &plain);
                if self
                    .store
                    .swap_secret_ciphertext(row.tenant_id, row.id, &row.ciphertext, &env, &kid)
                    .await?
                {
                    done += 1;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        Ok(done)
    }
}
