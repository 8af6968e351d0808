//! Outbound SMS, wired like e-mail: every message is an `sms_outbox` row plus an `sms.send` job
//! enqueued in the caller's transaction, delivered by the transport chosen at start-up (the
//! outbox folder by default; Twilio or SMSAPI through the careful HTTP client).
//!
//! **Credits.** Each business has a balance counted in segments. [`App::queue_sms`] takes the
//! message's segments in the same transaction that records it and **refuses** when the balance
//! is too low (`409 sms_credits_exhausted`): a held message would be useless by the time credits
//! arrive (codes expire in minutes, reminders have a time), so the caller decides at once
//! (booking notifications fall back to e-mail). The provider's own segment count settles the
//! reservation; a message that fails for good gives its credits back. Crossing the low-credit
//! threshold e-mails the owners once; a top-up above the threshold re-arms the alert.
//!
//! **The one window.** Delivery marks the row `sending` (committed) before calling the provider
//! and `sent` right after. If the process dies between the provider's answer and that commit,
//! the retried job sends again: at-least-once at that boundary, narrowed to the milliseconds
//! around one HTTP call. SMSAPI gets our message id as `idx` with `check_idx=1`, which lets the
//! provider itself refuse the duplicate; Twilio has no idempotency key. The outbox folder
//! transport names files by message id, so a retry overwrites instead of duplicating.

use std::path::PathBuf;

use frontdesk_channels::http::{AddressPolicy, ClientSettings, Outbound};
use frontdesk_channels::sms::{SmsError, SmsMessage, SmsTransport, segments};
use frontdesk_core::{SmsId, TenantId};
use frontdesk_jobs::{JobError, QUEUE_DEFAULT, QUEUE_URGENT};
use frontdesk_store::Tx;
use frontdesk_store::jobs::NewJob;
use frontdesk_store::notify::{Sms, SmsCredits};

use crate::{App, AppError, AppResult, Ctx};

/// Job kind of an SMS delivery.
pub const JOB_SEND_SMS: &str = "sms.send";

/// Urgent messages (one-time codes) older than this are not sent any more: the code has
/// expired by then and a late text only confuses.
pub const URGENT_TTL_MS: i64 = 15 * 60 * 1000;

/// Longest text accepted (Twilio's limit; about ten segments).
pub const MAX_SMS_CHARS: usize = 1600;

/// How SMS leaves and how credits are counted.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// Transport: outbox folder, Twilio or SMSAPI.
    pub transport: SmsTransport,
    /// Credits (segments) a business starts with.
    pub initial_credits: i64,
    /// Default low-credit threshold (owners can change theirs).
    pub low_credit_threshold: i64,
    /// Let the HTTP client reach loopback and private addresses. Only tests (fakes on
    /// 127.0.0.1) and on-premises gateways set this; the default refuses them (SSRF).
    pub allow_private_network: bool,
}

impl SmsConfig {
    /// The development default: text files in `dir`.
    pub fn outbox(dir: PathBuf) -> Self {
        Self {
            transport: SmsTransport::Outbox { dir },
            initial_credits: 100,
            low_credit_threshold: 20,
            allow_private_network: false,
        }
    }
}

#[derive(Clone)]
pub(crate) struct SmsSender {
    transport: SmsTransport,
    http: Outbound,
}

impl SmsSender {
    pub(crate) fn new(cfg: &SmsConfig) -> Self {
        Self {
            transport: cfg.transport.clone(),
            http: Outbound::new(ClientSettings {
                policy: AddressPolicy {
                    allow_private: cfg.allow_private_network,
                },
                ..ClientSettings::default()
            }),
        }
    }
}

/// Billable segments of a text (GSM-7 or UCS-2).
pub fn segments_of(text: &str) -> u32 {
    segments(text)
}

/// Whether `s` looks like an E.164 number: `+`, then 8 to 15 digits, not starting with 0.
pub fn is_e164(s: &str) -> bool {
    let Some(d) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
}

impl App {
    /// Records a text message to `to_e164` and enqueues its delivery inside `tx`, taking its
    /// segments from the business's SMS credits. Urgent messages (one-time codes) go through
    /// their own queue, ahead of any backlog, and are dropped if not sent within 15 minutes.
    /// Fails with `Conflict("sms_credits_exhausted")` when the balance is too low (nothing is
    /// recorded), and with a validation error for a bad number or text.
    pub async fn queue_sms(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        to_e164: &str,
        body: &str,
        purpose: &str,
        urgent: bool,
    ) -> AppResult<SmsId> {
        if !is_e164(to_e164) {
            return Err(AppError::invalid(
                "phone",
                "must be an international number like +393471234567",
            ));
        }
        let body = body.trim();
        if body.is_empty() || body.chars().count() > MAX_SMS_CHARS {
            return Err(AppError::invalid(
                "body",
                "must be 1–1600 characters (about ten SMS segments)",
            ));
        }
        let now = self.now_ms();
        let segs = i64::from(segments(body));
        let cfg = &self.config.sms;
        let debit = tx
            .tenant(tenant)
            .debit_sms_credits(segs, cfg.initial_credits, cfg.low_credit_threshold, now)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "sms_credits_exhausted",
                    "this business has no SMS credits left".into(),
                )
            })?;
        let id = SmsId::new();
        tx.tenant(tenant)
            .insert_sms(&Sms {
                tenant_id: tenant,
                id,
                to_phone: to_e164.to_string(),
                body: body.to_string(),
                purpose: purpose.to_string(),
                urgent,
                status: "queued".into(),
                provider: None,
                provider_id: None,
                segments: segs,
                error: None,
                attempts: 0,
                created_at_ms: now,
                updated_at_ms: now,
                sent_at_ms: None,
            })
            .await?;
        tx.enqueue(
            &NewJob {
                tenant_id: Some(tenant),
                queue: if urgent { QUEUE_URGENT } else { QUEUE_DEFAULT }.into(),
                kind: JOB_SEND_SMS.into(),
                payload: serde_json::json!({ "tenant_id": tenant, "sms_id": id }),
                run_at_ms: now,
                max_attempts: if urgent { 5 } else { 8 },
                dedupe_key: Some(format!("sms:{id}")),
            },
            now,
        )
        .await?;
        if debit.crossed_low {
            self.queue_low_credit_alert(tx, tenant, debit.balance)
                .await?;
        }
        Ok(id)
    }

    /// Delivers a recorded text (the `sms.send` job). Idempotent: a sent or failed message is
    /// not sent again. `final_attempt` makes a temporary failure final (credits returned).
    pub async fn deliver_sms(
        &self,
        tenant: TenantId,
        id: SmsId,
        final_attempt: bool,
    ) -> Result<(), JobError> {
        let store = &self.store;
        let Some(m) = store.tenant(tenant).sms(id).await? else {
            return Ok(());
        };
        if !matches!(m.status.as_str(), "queued" | "sending") {
            return Ok(());
        }
        let now = self.now_ms();
        if m.urgent && now - m.created_at_ms > URGENT_TTL_MS {
            store
                .mark_sms_failed(tenant, id, "expired before it could be sent", true, now)
                .await?;
            return Ok(());
        }
        if !store.mark_sms_sending(tenant, id, now).await? {
            return Ok(());
        }
        let msg = SmsMessage {
            id: id.to_string(),
            to: m.to_phone.clone(),
            body: m.body.clone(),
        };
        match self.sms.transport.send(&self.sms.http, &msg).await {
            Ok(r) => {
                store
                    .mark_sms_sent(
                        tenant,
                        id,
                        r.provider,
                        &r.provider_id,
                        i64::from(r.segments),
                        self.now_ms(),
                    )
                    .await?;
                Ok(())
            }
            Err(SmsError::Rejected { code, reason }) => {
                tracing::warn!(sms = %id, code, reason, "SMS rejected by the provider");
                store
                    .mark_sms_failed(
                        tenant,
                        id,
                        &format!("rejected ({code}): {reason}"),
                        true,
                        self.now_ms(),
                    )
                    .await?;
                Ok(())
            }
            Err(SmsError::Retry {
                reason,
                retry_after_secs,
            }) => {
                let now = self.now_ms();
                store
                    .mark_sms_failed(tenant, id, &reason, final_attempt, now)
                    .await?;
                Err(JobError::Retry(
                    anyhow::anyhow!(reason),
                    retry_after_secs.map(|s| now + (s.min(86_400) as i64) * 1000),
                ))
            }
        }
    }

    /// The business's text messages, newest first (owners and admins).
    pub async fn list_sms(&self, ctx: &Ctx, limit: i64) -> AppResult<Vec<Sms>> {
        if !ctx.role.can_manage() {
            return Err(AppError::Forbidden("owner_or_admin_only"));
        }
        Ok(self.store.tenant(ctx.tenant).sms_outbox(limit).await?)
    }

    /// The business's SMS credits (owners and admins); a business that never used any shows
    /// the initial grant.
    pub async fn sms_credits(&self, ctx: &Ctx) -> AppResult<SmsCredits> {
        if !ctx.role.can_manage() {
            return Err(AppError::Forbidden("owner_or_admin_only"));
        }
        Ok(self.credits_of(ctx.tenant).await?)
    }

    pub(crate) async fn credits_of(
        &self,
        tenant: TenantId,
    ) -> frontdesk_store::StoreResult<SmsCredits> {
        Ok(self
            .store
            .tenant(tenant)
            .sms_credits()
            .await?
            .unwrap_or(SmsCredits {
                tenant_id: tenant,
                balance: self.config.sms.initial_credits,
                low_threshold: self.config.sms.low_credit_threshold,
                low_alert_sent_at_ms: None,
                updated_at_ms: 0,
            }))
    }

    /// Adds (or with a negative number removes) SMS credits of a business: the billing
    /// provider's webhook and the operator's CLI call this. Returns the new balance.
    pub async fn add_sms_credits(&self, tenant: TenantId, delta: i64) -> AppResult<i64> {
        if self.store.tenant(tenant).get().await?.is_none() {
            return Err(AppError::NotFound);
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let cfg = &self.config.sms;
        let balance = tx
            .tenant(tenant)
            .add_sms_credits(delta, cfg.initial_credits, cfg.low_credit_threshold, now)
            .await?;
        Ctx::system(tenant)
            .audit(
                &mut tx,
                now,
                "sms_credits.changed",
                None,
                serde_json::json!({ "delta": delta, "balance": balance }),
            )
            .await?;
        tx.commit().await?;
        Ok(balance)
    }

    /// The name of the configured SMS transport.
    pub fn sms_provider(&self) -> &'static str {
        self.sms.transport.name()
    }

    /// Where SMS text files go, if SMS is in outbox mode.
    pub fn sms_outbox_dir(&self) -> Option<&std::path::Path> {
        match &self.sms.transport {
            SmsTransport::Outbox { dir } => Some(dir),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_e164;

    #[test]
    fn e164_shape() {
        assert!(is_e164("+393471234567"));
        assert!(is_e164("+84912345678"));
        assert!(!is_e164("393471234567"));
        assert!(!is_e164("+39 347 123"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+1234567"));
    }
}
