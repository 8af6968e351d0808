//! The security and audit log (promise A6): sensitive actions with actor, time, IP, user agent
//! and what changed, written in the same transaction as the action.

use frontdesk_store::{AuditEntry, AuditFilter, NewAudit, Tx};
use serde_json::Value;

use crate::{Actor, App, AppResult, Ctx};

impl Ctx {
    /// The audit entry for `action` on `target` by this context's actor.
    pub fn audit_entry(
        &self,
        now: i64,
        action: &str,
        target: Option<String>,
        details: Value,
    ) -> NewAudit {
        let (kind, id, label) = match &self.actor {
            Actor::User { user_id, email, .. } => {
                let kind = if self.role == frontdesk_core::Role::Support {
                    "support"
                } else {
                    "user"
                };
                (kind, Some(user_id.to_string()), email.clone())
            }
            Actor::ApiKey { key_id, name } => (
                "api_key",
                Some(key_id.to_string()),
                format!("API key {name}"),
            ),
            Actor::System => ("system", None, "Frontdesk".to_string()),
            Actor::Customer => ("customer", None, "Customer (online)".to_string()),
        };
        NewAudit {
            at_ms: now,
            actor_kind: kind.into(),
            actor_id: id,
            actor_label: label,
            action: action.into(),
            target,
            details,
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    /// Writes an audit entry in `tx`.
    pub async fn audit(
        &self,
        tx: &mut Tx,
        now: i64,
        action: &str,
        target: Option<String>,
        details: Value,
    ) -> AppResult<()> {
        let e = self.audit_entry(now, action, target, details);
        tx.tenant(self.tenant).audit(&e).await?;
        Ok(())
    }
}

impl App {
    /// Lists the audit log (owners only).
    pub async fn list_audit(&self, ctx: &Ctx, filter: &AuditFilter) -> AppResult<Vec<AuditEntry>> {
        ctx.require_owner()?;
        Ok(self.store.tenant(ctx.tenant).audit(filter).await?)
    }

    /// Records a read made under restricted support access (promise A8: every action audited).
    pub async fn audit_support_read(&self, ctx: &Ctx, what: &str) -> AppResult<()> {
        if ctx.role != frontdesk_core::Role::Support {
            return Ok(());
        }
        let mut tx = self.store.begin().await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "support.read",
            Some(what.to_string()),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
