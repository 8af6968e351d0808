//! The job handlers and periodic jobs of the application.

use std::time::Duration;

use frontdesk_core::MailId;
use frontdesk_jobs::{JobError, Periodic, Registry};

use crate::App;
use crate::mail::JOB_SEND_MAIL;

/// Periodic clean-up of expired sessions, used links and old counters.
pub const JOB_PURGE_EXPIRED: &str = "maintenance.purge_expired";
/// Periodic pick-up of a rotated master key: reload the keyring file, re-encrypt what is left.
pub const JOB_REENCRYPT: &str = "maintenance.reencrypt_secrets";
/// Periodic release of booking holds that were not confirmed in time.
pub const JOB_RELEASE_HOLDS: &str = "bookings.release_expired_holds";

pub(crate) fn registry(app: App) -> Registry {
    let mut r = Registry::new();
    let a = app.clone();
    r.register(JOB_SEND_MAIL, move |job| {
        let a = a.clone();
        async move {
            let v: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Fatal(e.into()))?;
            let id: MailId = serde_json::from_value(v["mail_id"].clone())
                .map_err(|e| JobError::Fatal(e.into()))?;
            let final_attempt = job.attempts >= job.max_attempts;
            match a.deliver_mail(id).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    if final_attempt {
                        let _ = a.store.mark_mail_failed(id, &format!("{e:#}"), true).await;
                    }
                    Err(JobError::Retry(e, None))
                }
            }
        }
    });
    let a = app.clone();
    r.register(crate::sms::JOB_SEND_SMS, move |job| {
        let a = a.clone();
        async move {
            let v: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Fatal(e.into()))?;
            let tenant: frontdesk_core::TenantId = serde_json::from_value(v["tenant_id"].clone())
                .map_err(|e| JobError::Fatal(e.into()))?;
            let id: frontdesk_core::SmsId = serde_json::from_value(v["sms_id"].clone())
                .map_err(|e| JobError::Fatal(e.into()))?;
            a.deliver_sms(tenant, id, job.attempts >= job.max_attempts)
                .await
        }
    });
    let a = app.clone();
    r.register(crate::notify::JOB_DISPATCH, move |job| {
        let a = a.clone();
        async move {
            let v: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Fatal(e.into()))?;
            let tenant: frontdesk_core::TenantId = serde_json::from_value(v["tenant_id"].clone())
                .map_err(|e| JobError::Fatal(e.into()))?;
            let id: frontdesk_core::NotificationId =
                serde_json::from_value(v["notification_id"].clone())
                    .map_err(|e| JobError::Fatal(e.into()))?;
            let version = v["version"]
                .as_i64()
                .ok_or_else(|| JobError::Fatal(anyhow::anyhow!("no version")))?;
            a.dispatch_notification(tenant, id, version).await
        }
    });
    let a = app.clone();
    r.register(JOB_REENCRYPT, move |_job| {
        let a = a.clone();
        async move {
            a.reload_keyring()?;
            let n = a.reencrypt_secrets().await?;
            if n > 0 {
                tracing::info!(secrets = n, key = %a.active_kid(), "re-encrypted secrets under the active key");
            }
            Ok(())
        }
    });
    let a = app.clone();
    r.register(JOB_RELEASE_HOLDS, move |_job| {
        let a = a.clone();
        async move {
            let n = a.release_expired_holds().await?;
            if n > 0 {
                tracing::info!(holds = n, "released expired booking holds");
            }
            // One-time codes live no longer than their hold (R4).
            a.purge_stale_codes().await?;
            Ok(())
        }
    });
    let a = app;
    r.register(JOB_PURGE_EXPIRED, move |_job| {
        let a = a.clone();
        async move {
            let now = a.now_ms();
            let n = a.store.purge_expired_auth(now).await?;
            let j = a.store.purge_done_jobs(now - 7 * 86_400_000).await?;
            tracing::info!(
                rows = n,
                jobs = j,
                "purged expired sessions, links and finished jobs"
            );
            Ok(())
        }
    });
    r
}

pub(crate) fn periodic() -> Vec<Periodic> {
    vec![
        Periodic {
            kind: JOB_PURGE_EXPIRED.into(),
            every: Duration::from_secs(15 * 60),
        },
        Periodic {
            kind: JOB_RELEASE_HOLDS.into(),
            every: Duration::from_secs(60),
        },
        Periodic {
            kind: JOB_REENCRYPT.into(),
            every: Duration::from_secs(10 * 60),
        },
    ]
}

impl App {
    /// The business's jobs (owners: promise "visible to owners").
    pub async fn list_jobs(
        &self,
        ctx: &crate::Ctx,
        status: Option<&str>,
    ) -> crate::AppResult<Vec<frontdesk_store::jobs::Job>> {
        ctx.require_owner()?;
        Ok(self.store.tenant_jobs(ctx.tenant, status, 200).await?)
    }

    /// Puts a dead job of the business back in the queue (owners).
    pub async fn retry_job(
        &self,
        ctx: &crate::Ctx,
        id: frontdesk_core::JobId,
    ) -> crate::AppResult<()> {
        ctx.require_owner()?;
        if !self
            .store
            .retry_dead_job(ctx.tenant, id, self.now_ms())
            .await?
        {
            return Err(crate::AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "job.retried",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok(())
    }
}
