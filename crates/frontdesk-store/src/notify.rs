//! Notifications: the SMS outbox and SMS credits, message templates, notification settings and
//! the ledger of booking notifications (migration `0004_notifications`).
//!
//! Every statement is tenant-scoped. The ledger's unique `(tenant_id, booking_id, key)` makes a
//! confirmation, reminder or review request exist at most once per booking; its `version`
//! changes on every reschedule so that only the dispatch job of the current version acts.

use frontdesk_core::*;

use crate::db::{Store, StoreResult, map_err};
use crate::tenant::{TenantRead, TenantWrite};

/// One text message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Sms {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id (also the provider idempotency key where the provider has one).
    pub id: SmsId,
    /// Recipient, E.164.
    pub to_phone: String,
    /// Text.
    pub body: String,
    /// Why it is sent (`verification_code`, `booking_reminder`…).
    pub purpose: String,
    /// Urgent messages ignore quiet hours (verification codes).
    pub urgent: bool,
    /// `queued`, `sending` (a provider call may be under way), `sent`, `failed`.
    pub status: String,
    /// `outbox`, `twilio`, `smsapi`.
    pub provider: Option<String>,
    /// The provider's id of the message.
    pub provider_id: Option<String>,
    /// Segments charged (reserved at queue time, settled with the provider's count).
    pub segments: i64,
    /// Last error.
    pub error: Option<String>,
    /// Provider calls started.
    pub attempts: i64,
    /// Created.
    pub created_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
    /// Accepted by the provider.
    pub sent_at_ms: Option<i64>,
}

const SMS_COLS: &str = "tenant_id, id, to_phone, body, purpose, urgent, status, provider, provider_id, segments, error, attempts, created_at_ms, updated_at_ms, sent_at_ms";

/// SMS credits of a business.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct SmsCredits {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Segments left.
    pub balance: i64,
    /// Below this the owner is alerted (once per crossing).
    pub low_threshold: i64,
    /// When the low-credit alert went out (cleared by a top-up above the threshold).
    pub low_alert_sent_at_ms: Option<i64>,
    /// Last change.
    pub updated_at_ms: i64,
}

/// The result of taking credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debit {
    /// Balance after the debit.
    pub balance: i64,
    /// This debit crossed the low threshold (the alert is due; it is marked sent already).
    pub crossed_low: bool,
}

/// An owner-edited template.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct MessageTemplate {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// What it is for (`booking_confirmation`…).
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    /// Language code.
    pub language: String,
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Body.
    pub body: String,
    /// Who saved it.
    pub updated_by: Option<UserId>,
    /// When.
    pub updated_at_ms: i64,
}

/// Notification settings of a business (absent row = [`NotificationSettings::defaults`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NotificationSettings {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Reminder this many hours before the start; `None` = no reminders.
    pub reminder_hours: Option<i64>,
    /// Review requests on.
    pub review_enabled: bool,
    /// Where review requests point.
    pub review_url: Option<String>,
    /// E-mails to owners and admins about new, changed and cancelled bookings.
    pub admin_enabled: bool,
    /// Quiet hours start (minute of the day, location time); both or neither.
    pub quiet_start_min: Option<i64>,
    /// Quiet hours end (minute of the day, location time).
    pub quiet_end_min: Option<i64>,
    /// Preferred channel for customers: `sms` or `email`.
    pub customer_channel: String,
    /// Last change.
    pub updated_at_ms: i64,
}

impl NotificationSettings {
    /// The defaults: reminder 24 h before, no review requests (they need a URL), admin e-mails
    /// on, no quiet hours, SMS first.
    pub fn defaults(tenant: TenantId) -> Self {
        Self {
            tenant_id: tenant,
            reminder_hours: Some(24),
            review_enabled: false,
            review_url: None,
            admin_enabled: true,
            quiet_start_min: None,
            quiet_end_min: None,
            customer_channel: "sms".into(),
            updated_at_ms: 0,
        }
    }
}

/// One booking notification in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Notification {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: NotificationId,
    /// The booking.
    pub booking_id: BookingId,
    /// Template kind.
    pub kind: String,
    /// Unique per booking.
    pub key: String,
    /// `customer` or `staff`.
    pub audience: String,
    /// `scheduled`, `sent`, `skipped`, `cancelled`, `off`.
    pub status: String,
    /// Ignores quiet hours.
    pub urgent: bool,
    /// When it is due.
    pub due_at_ms: i64,
    /// Changes with every reschedule; jobs carry the version they were made for.
    pub version: i64,
    /// `sms` or `email` once sent.
    pub channel: Option<String>,
    /// The SMS or e-mail id(s) once sent.
    pub message_id: Option<String>,
    /// Why skipped or cancelled.
    pub reason: Option<String>,
    /// JSON facts of the change (previous start, cancellation reason).
    pub context: String,
    /// Created.
    pub created_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
    /// When its message was queued.
    pub sent_at_ms: Option<i64>,
}

const NTF_COLS: &str = "tenant_id, id, booking_id, kind, key, audience, status, urgent, due_at_ms, version, channel, message_id, reason, context, created_at_ms, updated_at_ms, sent_at_ms";
const TPL_COLS: &str =
    "tenant_id, kind, channel, language, subject, body, updated_by, updated_at_ms";
const SETTINGS_COLS: &str = "tenant_id, reminder_hours, review_enabled, review_url, admin_enabled, quiet_start_min, quiet_end_min, customer_channel, updated_at_ms";
const CREDIT_COLS: &str = "tenant_id, balance, low_threshold, low_alert_sent_at_ms, updated_at_ms";

impl TenantRead<'_> {
    /// One text message.
    pub async fn sms(&self, id: SmsId) -> StoreResult<Option<Sms>> {
        let sql = format!("SELECT {SMS_COLS} FROM sms_outbox WHERE tenant_id = $1 AND id = $2");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// The newest text messages.
    pub async fn sms_outbox(&self, limit: i64) -> StoreResult<Vec<Sms>> {
        let sql = format!(
            "SELECT {SMS_COLS} FROM sms_outbox WHERE tenant_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT $2"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// The SMS credits row, if the business has used or been given any.
    pub async fn sms_credits(&self) -> StoreResult<Option<SmsCredits>> {
        let sql = format!("SELECT {CREDIT_COLS} FROM sms_credits WHERE tenant_id = $1");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// Every owner-edited template.
    pub async fn message_templates(&self) -> StoreResult<Vec<MessageTemplate>> {
        let sql = format!(
            "SELECT {TPL_COLS} FROM message_templates WHERE tenant_id = $1 ORDER BY kind, channel, language"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// One owner-edited template.
    pub async fn message_template(
        &self,
        kind: &str,
        channel: &str,
        language: &str,
    ) -> StoreResult<Option<MessageTemplate>> {
        let sql = format!(
            "SELECT {TPL_COLS} FROM message_templates WHERE tenant_id = $1 AND kind = $2 AND channel = $3 AND language = $4"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(kind)
        .bind(channel)
        .bind(language)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// The settings row, if saved.
    pub async fn notification_settings(&self) -> StoreResult<Option<NotificationSettings>> {
        let sql = format!("SELECT {SETTINGS_COLS} FROM notification_settings WHERE tenant_id = $1");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// A booking's notifications, by due time.
    pub async fn booking_notifications(
        &self,
        booking: BookingId,
    ) -> StoreResult<Vec<Notification>> {
        let sql = format!(
            "SELECT {NTF_COLS} FROM notifications WHERE tenant_id = $1 AND booking_id = $2 ORDER BY due_at_ms, id"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(booking)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// One notification.
    pub async fn notification(&self, id: NotificationId) -> StoreResult<Option<Notification>> {
        let sql = format!("SELECT {NTF_COLS} FROM notifications WHERE tenant_id = $1 AND id = $2");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }
}

impl TenantWrite<'_> {
    /// Records a text message (the caller enqueues its delivery in the same transaction).
    pub async fn insert_sms(&mut self, m: &Sms) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO sms_outbox (tenant_id, id, to_phone, body, purpose, urgent, status, segments, attempts, created_at_ms, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, 0, $8, $8)"
        )
        .bind(t)
        .bind(m.id)
        .bind(&m.to_phone)
        .bind(&m.body)
        .bind(&m.purpose)
        .bind(m.urgent)
        .bind(m.segments)
        .bind(m.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Takes `segments` credits if the balance allows (creating the row with `initial` credits
    /// and `threshold` on first use). `None` when the balance is too low: nothing is taken.
    pub async fn debit_sms_credits(
        &mut self,
        segments: i64,
        initial: i64,
        threshold: i64,
        now: i64,
    ) -> StoreResult<Option<Debit>> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO sms_credits (tenant_id, balance, low_threshold, updated_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id) DO NOTHING"
        )
        .bind(t)
        .bind(initial)
        .bind(threshold)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        let row: Option<(i64, i64, Option<i64>)> = on_tx!(self.tx, |c| {
            sqlx::query_as(
            "UPDATE sms_credits SET balance = balance - $2, updated_at_ms = $3 WHERE tenant_id = $1 AND balance >= $2
             RETURNING balance, low_threshold, low_alert_sent_at_ms"
        )
        .bind(t)
        .bind(segments)
        .bind(now)
        .fetch_optional(c)
        .await
        .map_err(map_err)
        })?;
        let Some((balance, low, alerted)) = row else {
            return Ok(None);
        };
        let crossed_low = balance < low && alerted.is_none();
        if crossed_low {
            on_tx!(self.tx, |c| sqlx::query(
                "UPDATE sms_credits SET low_alert_sent_at_ms = $2 WHERE tenant_id = $1"
            )
            .bind(t)
            .bind(now)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        }
        Ok(Some(Debit {
            balance,
            crossed_low,
        }))
    }

    /// Adds (or, negative, removes) credits; a balance back at or above the threshold re-arms
    /// the low-credit alert. Returns the new balance.
    pub async fn add_sms_credits(
        &mut self,
        delta: i64,
        initial: i64,
        threshold: i64,
        now: i64,
    ) -> StoreResult<i64> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO sms_credits (tenant_id, balance, low_threshold, updated_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id) DO NOTHING"
        )
        .bind(t)
        .bind(initial)
        .bind(threshold)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        let (balance,): (i64,) = on_tx!(self.tx, |c| {
            sqlx::query_as(
            "UPDATE sms_credits SET balance = balance + $2, updated_at_ms = $3,
                low_alert_sent_at_ms = CASE WHEN balance + $2 >= low_threshold THEN NULL ELSE low_alert_sent_at_ms END
             WHERE tenant_id = $1 RETURNING balance"
        )
        .bind(t)
        .bind(delta)
        .bind(now)
        .fetch_one(c)
        .await
        .map_err(map_err)
        })?;
        Ok(balance)
    }

    /// Sets the low-credit threshold.
    pub async fn set_sms_low_threshold(
        &mut self,
        threshold: i64,
        initial: i64,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO sms_credits (tenant_id, balance, low_threshold, updated_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id) DO UPDATE SET low_threshold = $3, updated_at_ms = $4"
        )
        .bind(t)
        .bind(initial)
        .bind(threshold)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Saves an owner-edited template.
    pub async fn put_message_template(&mut self, m: &MessageTemplate) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO message_templates (tenant_id, kind, channel, language, subject, body, updated_by, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, kind, channel, language) DO UPDATE SET subject = $5, body = $6, updated_by = $7, updated_at_ms = $8"
        )
        .bind(t)
        .bind(&m.kind)
        .bind(&m.channel)
        .bind(&m.language)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(m.updated_by)
        .bind(m.updated_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes an owner-edited template (back to the default). False if there was none.
    pub async fn delete_message_template(
        &mut self,
        kind: &str,
        channel: &str,
        language: &str,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "DELETE FROM message_templates WHERE tenant_id = $1 AND kind = $2 AND channel = $3 AND language = $4"
        )
        .bind(t)
        .bind(kind)
        .bind(channel)
        .bind(language)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// The settings row inside this transaction.
    pub async fn notification_settings(&mut self) -> StoreResult<Option<NotificationSettings>> {
        let t = self.tenant;
        let sql = format!("SELECT {SETTINGS_COLS} FROM notification_settings WHERE tenant_id = $1");
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .fetch_optional(c)
        .await
        .map_err(map_err))
    }

    /// Saves the settings.
    pub async fn put_notification_settings(&mut self, s: &NotificationSettings) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO notification_settings (tenant_id, reminder_hours, review_enabled, review_url, admin_enabled, quiet_start_min, quiet_end_min, customer_channel, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (tenant_id) DO UPDATE SET reminder_hours = $2, review_enabled = $3, review_url = $4, admin_enabled = $5,
                quiet_start_min = $6, quiet_end_min = $7, customer_channel = $8, updated_at_ms = $9"
        )
        .bind(t)
        .bind(s.reminder_hours)
        .bind(s.review_enabled)
        .bind(&s.review_url)
        .bind(s.admin_enabled)
        .bind(s.quiet_start_min)
        .bind(s.quiet_end_min)
        .bind(&s.customer_channel)
        .bind(s.updated_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Adds a notification unless the booking already has one with this key. True if added.
    pub async fn insert_notification(&mut self, n: &Notification) -> StoreResult<bool> {
        let t = self.tenant;
        let r = on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO notifications (tenant_id, id, booking_id, kind, key, audience, status, urgent, due_at_ms, version, channel, message_id, reason, context, created_at_ms, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
             ON CONFLICT (tenant_id, booking_id, key) DO NOTHING"
        )
        .bind(t)
        .bind(n.id)
        .bind(n.booking_id)
        .bind(&n.kind)
        .bind(&n.key)
        .bind(&n.audience)
        .bind(&n.status)
        .bind(n.urgent)
        .bind(n.due_at_ms)
        .bind(n.version)
        .bind(&n.channel)
        .bind(&n.message_id)
        .bind(&n.reason)
        .bind(&n.context)
        .bind(n.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// A booking's notification by key, inside this transaction.
    pub async fn notification_by_key(
        &mut self,
        booking: BookingId,
        key: &str,
    ) -> StoreResult<Option<Notification>> {
        let t = self.tenant;
        let sql = format!(
            "SELECT {NTF_COLS} FROM notifications WHERE tenant_id = $1 AND booking_id = $2 AND key = $3"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(booking)
        .bind(key)
        .fetch_optional(c)
        .await
        .map_err(map_err))
    }

    /// A booking's notifications still scheduled, inside this transaction.
    pub async fn scheduled_notifications(
        &mut self,
        booking: BookingId,
    ) -> StoreResult<Vec<Notification>> {
        let t = self.tenant;
        let sql = format!(
            "SELECT {NTF_COLS} FROM notifications WHERE tenant_id = $1 AND booking_id = $2 AND status = 'scheduled' ORDER BY id"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(booking)
        .fetch_all(c)
        .await
        .map_err(map_err))
    }

    /// The business's scheduled notifications of one kind (settings changes re-plan them).
    pub async fn scheduled_of_kind(&mut self, kind: &str) -> StoreResult<Vec<Notification>> {
        let t = self.tenant;
        let sql = format!(
            "SELECT {NTF_COLS} FROM notifications WHERE tenant_id = $1 AND status = 'scheduled' AND kind = $2 ORDER BY due_at_ms, id"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(kind)
        .fetch_all(c)
        .await
        .map_err(map_err))
    }

    /// Claims a scheduled notification of this version for dispatch: on PostgreSQL the row
    /// stays locked until the transaction ends, so a concurrent reschedule waits for it.
    /// `None` when it is no longer scheduled or was rescheduled (another version is current).
    pub async fn claim_notification(
        &mut self,
        id: NotificationId,
        version: i64,
        now: i64,
    ) -> StoreResult<Option<Notification>> {
        let t = self.tenant;
        let sql = format!(
            "UPDATE notifications SET updated_at_ms = $4 WHERE tenant_id = $1 AND id = $2 AND version = $3 AND status = 'scheduled' RETURNING {NTF_COLS}"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(id)
        .bind(version)
        .bind(now)
        .fetch_optional(c)
        .await
        .map_err(map_err))
    }

    /// Writes a notification's state (status, due time, version, channel, message, reason).
    pub async fn update_notification(&mut self, n: &Notification) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE notifications SET status = $3, due_at_ms = $4, version = $5, channel = $6, message_id = $7, reason = $8,
                context = $9, urgent = $10, updated_at_ms = $11, sent_at_ms = $12
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(n.id)
        .bind(&n.status)
        .bind(n.due_at_ms)
        .bind(n.version)
        .bind(&n.channel)
        .bind(&n.message_id)
        .bind(&n.reason)
        .bind(&n.context)
        .bind(n.urgent)
        .bind(n.updated_at_ms)
        .bind(n.sent_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes a notification (a per-booking switch turned back on).
    pub async fn delete_notification(&mut self, id: NotificationId) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM notifications WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// Marks a message as being handed to the provider (one more attempt). False when it is no
    /// longer queued or sending (sent or failed already: nothing to do).
    pub async fn mark_sms_sending(
        &self,
        tenant: TenantId,
        id: SmsId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = on_pool!(&self.db, |p| {
            sqlx::query(
            "UPDATE sms_outbox SET status = 'sending', attempts = attempts + 1, updated_at_ms = $3
             WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'sending')"
        )
        .bind(tenant)
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Records the provider's acceptance and settles the credits with the provider's segment
    /// count (in one transaction). Returns false if it was already recorded.
    pub async fn mark_sms_sent(
        &self,
        tenant: TenantId,
        id: SmsId,
        provider: &str,
        provider_id: &str,
        segments: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let reserved: Option<(i64,)> = on_tx!(tx, |c| {
            sqlx::query_as(
            "SELECT segments FROM sms_outbox WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'sending')"
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(c)
        .await
        .map_err(map_err)
        })?;
        let Some((before,)) = reserved else {
            return Ok(false);
        };
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE sms_outbox SET status = 'sent', provider = $3, provider_id = $4, segments = $5, error = NULL, sent_at_ms = $6, updated_at_ms = $6
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(tenant)
        .bind(id)
        .bind(provider)
        .bind(provider_id)
        .bind(segments)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        if before != segments {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE sms_credits SET balance = balance + $2, updated_at_ms = $3 WHERE tenant_id = $1"
            )
            .bind(tenant)
            .bind(before - segments)
            .bind(now)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected())
            })?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records a failed attempt: back to `queued` for a retry, or `failed` for good (then the
    /// reserved credits are given back).
    pub async fn mark_sms_failed(
        &self,
        tenant: TenantId,
        id: SmsId,
        error: &str,
        final_failure: bool,
        now: i64,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(1000).collect();
        let mut tx = self.begin().await?;
        let status = if final_failure { "failed" } else { "queued" };
        let seg: Option<(i64,)> = on_tx!(tx, |c| {
            sqlx::query_as(
            "UPDATE sms_outbox SET status = $3, error = $4, updated_at_ms = $5
             WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'sending') RETURNING segments"
        )
        .bind(tenant)
        .bind(id)
        .bind(status)
        .bind(&error)
        .bind(now)
        .fetch_optional(c)
        .await
        .map_err(map_err)
        })?;
        if final_failure && let Some((s,)) = seg {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE sms_credits SET balance = balance + $2, updated_at_ms = $3 WHERE tenant_id = $1"
            )
            .bind(tenant)
            .bind(s)
            .bind(now)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected())
            })?;
        }
        tx.commit().await?;
        Ok(())
    }
}
