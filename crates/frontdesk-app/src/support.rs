//! Restricted support access (promise A8): an owner grants a support person time-boxed,
//! read-only access; every request they make is audited; revocation ends it at once.

use std::time::Duration;

use frontdesk_core::token::{Credential, salted_hash};
use frontdesk_core::validate;
use frontdesk_core::*;
use frontdesk_store::{AuthToken, SupportGrant, User};
use serde_json::json;

use crate::auth::MAGIC_PREFIX;
use crate::mail::{OutgoingMail, link_mail};
use crate::{App, AppError, AppResult, Ctx};

impl App {
    /// Support grants of the business (owners).
    pub async fn list_support_grants(&self, ctx: &Ctx) -> AppResult<Vec<(SupportGrant, String)>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).support_grants().await?)
    }

    /// Grants read-only access to `email` for `hours`. The support person gets a sign-in link.
    pub async fn grant_support(
        &self,
        ctx: &Ctx,
        email: &str,
        hours: i64,
        reason: Option<&str>,
    ) -> AppResult<SupportGrant> {
        ctx.require_owner()?;
        let mut v = crate::error::Validator::default();
        let email = v.check(validate::email("email", email));
        let max_hours = (self.config.max_support_grant.as_secs() / 3600) as i64;
        if !(1..=max_hours).contains(&hours) {
            v.0.push(validate::Invalid::new(
                "hours",
                format!("must be between 1 and {max_hours}"),
            ));
        }
        let reason = v.check(validate::opt_text("reason", reason, 500, true));
        v.finish()?;
        let (email, reason) = (email.unwrap(), reason.unwrap());
        let key = validate::email_key(&email);
        let now = self.now_ms();
        let expires = now + Duration::from_secs(hours as u64 * 3600).as_millis() as i64;
        let existing = self.store.user_by_email(&key).await?;
        if let Some(u) = &existing
            && let Some(m) = self.store.tenant(ctx.tenant).member(u.id).await?
            && m.role != "support"
        {
            return Err(AppError::Conflict(
                "already_member",
                "this person is already in the team".into(),
            ));
        }
        let user = existing.clone().unwrap_or_else(|| User {
            id: UserId::new(),
            email: email.clone(),
            email_key: key.clone(),
            name: email.clone(),
            phone: None,
            language: "en".into(),
            password_hash: None,
            created_at_ms: now,
            updated_at_ms: now,
        });
        let grant = SupportGrant {
            tenant_id: ctx.tenant,
            id: SupportGrantId::new(),
            user_id: user.id,
            granted_by: ctx.user_id(),
            reason,
            created_at_ms: now,
            expires_at_ms: expires,
            revoked_at_ms: None,
        };
        // A sign-in link valid as long as the grant, so a support person needs no password.
        let token_id = AuthTokenId::new();
        let cred = Credential::generate(user.id.0, token_id.0);
        let link_row = AuthToken {
            id: token_id,
            user_id: user.id,
            purpose: "magic_link".into(),
            secret_hash: salted_hash(&cred.secret),
            created_at_ms: now,
            expires_at_ms: expires.min(now + 24 * 3600 * 1000),
            used_at_ms: None,
        };
        let business = self.business(ctx).await?.name;
        let link = format!(
            "{}/auth/magic/{}",
            self.config.base_url,
            cred.render(MAGIC_PREFIX)
        );
        let (text, html) = link_mail(
            "Hello,",
            &[&format!(
                "{business} has given you read-only support access to its Frontdesk for {hours} hours. Everything you view is recorded in the business's audit log."
            )],
            "Sign in",
            &link,
            "The access ends by itself, and the owner can end it at any time.",
        );
        let mut tx = self.store.begin().await?;
        if existing.is_none() {
            tx.insert_user(&user).await?;
        }
        tx.tenant(ctx.tenant).insert_support_grant(&grant).await?;
        tx.tenant(ctx.tenant)
            .upsert_membership(user.id, Role::Support, now, Some(expires))
            .await?;
        tx.insert_auth_token(&link_row).await?;
        ctx.audit(
            &mut tx,
            now,
            "support.granted",
            Some(email.clone()),
            json!({ "grant": grant.id, "hours": hours, "read_only": true }),
        )
        .await?;
        self.queue_mail(
            &mut tx,
            OutgoingMail {
                tenant: Some(ctx.tenant),
                to: email,
                subject: format!("Support access to {business}"),
                text,
                html: Some(html),
            },
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok(grant)
    }

    /// Ends a support grant at once: the membership and every session under it go.
    pub async fn revoke_support(&self, ctx: &Ctx, id: SupportGrantId) -> AppResult<()> {
        ctx.require_owner()?;
        let mut tx = self.store.begin().await?;
        let user = tx
            .tenant(ctx.tenant)
            .revoke_support_grant(id, self.now_ms())
            .await?
            .ok_or(AppError::NotFound)?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "support.revoked",
            Some(id.to_string()),
            json!({ "user": user }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
