//! Integration API keys (`ak_…`) and staff access keys (`sk_…`): shown once, stored as salted
//! SHA-256, revocable, last use kept (promises A3, A4).

use frontdesk_core::token::{Credential, salted_hash};
use frontdesk_core::validate;
use frontdesk_core::*;
use frontdesk_store::{ApiKey, StaffKey};
use serde_json::json;

use crate::auth::{API_KEY_PREFIX, STAFF_KEY_PREFIX};
use crate::{App, AppError, AppResult, Ctx};

impl App {
    /// API keys of the business (owners).
    pub async fn list_api_keys(&self, ctx: &Ctx) -> AppResult<Vec<ApiKey>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).api_keys().await?)
    }

    /// Creates an API key acting with `role` (not owner); returns the key and its secret text,
    /// which is shown this once.
    pub async fn create_api_key(
        &self,
        ctx: &Ctx,
        name: &str,
        role: &str,
    ) -> AppResult<(ApiKey, String)> {
        ctx.require_owner()?;
        let mut v = crate::error::Validator::default();
        let name = v.check(validate::text("name", name, 1, 80, false));
        let role = v.check(
            role.parse::<Role>()
                .ok()
                .filter(|r| *r != Role::Owner)
                .ok_or_else(|| {
                    validate::Invalid::new(
                        "role",
                        "must be admin, professional, receptionist or support",
                    )
                }),
        );
        v.finish()?;
        let now = self.now_ms();
        let id = ApiKeyId::new();
        let cred = Credential::generate(ctx.tenant.0, id.0);
        let key = ApiKey {
            tenant_id: ctx.tenant,
            id,
            name: name.unwrap(),
            role: role.unwrap().as_str().into(),
            secret_hash: salted_hash(&cred.secret),
            created_by: ctx.user_id(),
            created_at_ms: now,
            last_used_at_ms: None,
            revoked_at_ms: None,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_api_key(&key).await?;
        ctx.audit(
            &mut tx,
            now,
            "api_key.created",
            Some(id.to_string()),
            json!({ "name": key.name, "role": key.role }),
        )
        .await?;
        tx.commit().await?;
        Ok((key, cred.render(API_KEY_PREFIX)))
    }

    /// Revokes an API key at once.
    pub async fn revoke_api_key(&self, ctx: &Ctx, id: ApiKeyId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        if !tx
            .tenant(ctx.tenant)
            .revoke_api_key(id, self.now_ms())
            .await?
        {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "api_key.revoked",
            Some(id.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Staff keys of the business (owners).
    pub async fn list_staff_keys(&self, ctx: &Ctx) -> AppResult<Vec<StaffKey>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).staff_keys().await?)
    }

    /// Creates a staff key for a member; the secret text is shown this once.
    pub async fn create_staff_key(
        &self,
        ctx: &Ctx,
        user: UserId,
        name: &str,
    ) -> AppResult<(StaffKey, String)> {
        ctx.require_owner()?;
        let name = validate::text("name", name, 1, 80, false)?;
        let member = self
            .store
            .tenant(ctx.tenant)
            .member(user)
            .await?
            .ok_or(AppError::NotFound)?;
        if member.role == "support" {
            return Err(AppError::Conflict(
                "support_access",
                "support access cannot have staff keys".into(),
            ));
        }
        let now = self.now_ms();
        let id = StaffKeyId::new();
        let cred = Credential::generate(ctx.tenant.0, id.0);
        let key = StaffKey {
            tenant_id: ctx.tenant,
            id,
            user_id: user,
            name,
            secret_hash: salted_hash(&cred.secret),
            created_by: ctx.user_id(),
            created_at_ms: now,
            last_used_at_ms: None,
            revoked_at_ms: None,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_staff_key(&key).await?;
        ctx.audit(
            &mut tx,
            now,
            "staff_key.created",
            Some(id.to_string()),
            json!({ "name": key.name, "user": user }),
        )
        .await?;
        tx.commit().await?;
        Ok((key, cred.render(STAFF_KEY_PREFIX)))
    }

    /// Revokes a staff key; the session it opened ends at once.
    pub async fn revoke_staff_key(&self, ctx: &Ctx, id: StaffKeyId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        if !tx
            .tenant(ctx.tenant)
            .revoke_staff_key(id, self.now_ms())
            .await?
        {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "staff_key.revoked",
            Some(id.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
