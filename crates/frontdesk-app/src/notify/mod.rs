//! Booking notifications on the durable queue (promise N1): confirmation, reminder, modification
//! and cancellation notices, the review request, team e-mails, the welcome e-mail and the
//! low-credit alert; owner-editable templates ([`templates`]) and per-business settings.
//!
//! **Exactly once.** The booking code calls [`App::booking_changed`] inside its own transaction.
//! The hook writes rows of the `notifications` ledger (unique per booking and key) and, for each,
//! a `notify.dispatch` job whose dedupe key names the row and its `version`, all committed with
//! the booking change or not at all. The dispatch job, in one transaction, claims the row
//! (`status = 'scheduled' AND version = $v`; on PostgreSQL the row stays locked), renders the
//! message, records it in the SMS or e-mail outbox with its delivery job, and marks the row
//! `sent`. A crash before that commit leaves the row scheduled and the job's lease expires, so
//! another worker does it; a crash after it finds the row sent and does nothing. Rescheduling a
//! reminder bumps its version, deletes the waiting job and enqueues one for the new time; a job
//! of an old version that was already running finds its version gone and does nothing.
//! Cancelling marks rows `cancelled`. The one window left is the provider call itself (see
//! [`crate::sms`]): at-least-once there, narrowed to one HTTP call.
//!
//! **Quiet hours** (location time) delay non-urgent customer messages to the end of the window;
//! reminders are planned before the window instead (a reminder after the visit is useless).

pub mod defaults;
pub mod templates;

use frontdesk_core::validate::{self, LANGUAGES};
use frontdesk_core::*;
use frontdesk_jobs::{JobError, QUEUE_DEFAULT};
use frontdesk_store::jobs::NewJob;
use frontdesk_store::notify::{MessageTemplate, Notification, NotificationSettings};
use frontdesk_store::{Booking, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Validator;
use crate::mail::OutgoingMail;
use crate::{App, AppError, AppResult, Ctx};
use templates::{EffectiveTemplate, KINDS, Rendered, Vars};

/// Job kind of a notification's dispatch.
pub const JOB_DISPATCH: &str = "notify.dispatch";

/// Where manage-booking links point (`/manage/mb_…`).
pub use crate::links::MANAGE_PATH;

const HOUR_MS: i64 = 3_600_000;

/// What happened to a booking, for [`App::booking_changed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingChange {
    /// Just created (its status says whether it is held, pending or confirmed).
    Created,
    /// Held or pending → confirmed (after verification, or by staff).
    Confirmed,
    /// Moved; the start it had before.
    Rescheduled {
        /// Previous start (epoch ms).
        previous_start_ms: i64,
    },
    /// Checked in.
    CheckedIn,
    /// Completed (the review request follows the next day).
    Completed,
    /// Marked no-show.
    NoShow,
    /// Cancelled, with the reason given.
    Cancelled {
        /// Why.
        reason: Option<String>,
    },
    /// A hold expired unverified.
    Expired,
}

impl BookingChange {
    /// The change that brings a booking to `status` (the booking actions' target statuses).
    pub fn to_status(status: &str, reason: Option<&str>) -> Self {
        match status {
            "confirmed" => Self::Confirmed,
            "checked_in" => Self::CheckedIn,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            "expired" => Self::Expired,
            _ => Self::Cancelled {
                reason: reason.map(str::to_string),
            },
        }
    }
}

/// Notification settings as edited by an owner.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsIn {
    /// Reminder this many hours before the start (1–336); `null` turns reminders off.
    pub reminder_hours: Option<i64>,
    /// Review requests the day after a completed booking.
    #[serde(default)]
    pub review_enabled: bool,
    /// Where review requests point (required when they are on).
    #[serde(default)]
    pub review_url: Option<String>,
    /// E-mails to owners and admins about new, changed and cancelled bookings.
    #[serde(default = "yes")]
    pub admin_enabled: bool,
    /// Quiet hours start, `HH:MM` in each location's time zone (both or neither).
    #[serde(default)]
    pub quiet_start: Option<String>,
    /// Quiet hours end, `HH:MM`.
    #[serde(default)]
    pub quiet_end: Option<String>,
    /// `sms` (default; e-mail when the customer has no phone) or `email`.
    #[serde(default = "sms")]
    pub customer_channel: String,
    /// Balance (segments) below which owners get the low-credit e-mail.
    #[serde(default)]
    pub sms_low_credit_threshold: Option<i64>,
}

fn yes() -> bool {
    true
}
fn sms() -> String {
    "sms".into()
}

/// Notification settings with the SMS credits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationSettingsOut {
    /// Hours before the start; `null` = no reminders.
    pub reminder_hours: Option<i64>,
    /// Review requests on.
    pub review_enabled: bool,
    /// Review URL.
    pub review_url: Option<String>,
    /// Team e-mails on.
    pub admin_enabled: bool,
    /// Quiet hours start (`HH:MM`).
    pub quiet_start: Option<String>,
    /// Quiet hours end (`HH:MM`).
    pub quiet_end: Option<String>,
    /// `sms` or `email`.
    pub customer_channel: String,
    /// Low-credit threshold.
    pub sms_low_credit_threshold: i64,
    /// SMS credits left.
    pub sms_balance: i64,
}

/// A template as saved or previewed.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateIn {
    /// Kind (`booking_confirmation`, `booking_reminder`…).
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    /// `en`, `it`, `fr`, `es` or `vi`.
    pub language: String,
    /// Subject (e-mail only).
    #[serde(default)]
    pub subject: Option<String>,
    /// Body.
    pub body: String,
}

/// Which template (for a reset).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateKey {
    /// Kind.
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    /// Language.
    pub language: String,
}

fn hhmm(v: i64) -> String {
    format!("{:02}:{:02}", v / 60, v % 60)
}

fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// The quiet window containing `ms` in `zone`, if any: `(start_ms, end_ms)`.
pub fn quiet_window_at(ms: i64, zone: &str, start_min: i64, end_min: i64) -> Option<(i64, i64)> {
    if start_min == end_min {
        return None;
    }
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let z = jiff::Timestamp::from_millisecond(ms)
        .ok()?
        .to_zoned(tz.clone());
    let t = i64::from(z.hour()) * 60 + i64::from(z.minute());
    let day = z.date();
    let at = |d: jiff::civil::Date, min: i64| -> Option<i64> {
        let dt = d.at((min / 60) as i8, (min % 60) as i8, 0, 0);
        Some(tz.to_zoned(dt).ok()?.timestamp().as_millisecond())
    };
    if start_min < end_min {
        (start_min <= t && t < end_min).then(|| Some((at(day, start_min)?, at(day, end_min)?)))?
    } else if t >= start_min {
        Some((at(day, start_min)?, at(day.tomorrow().ok()?, end_min)?))
    } else if t < end_min {
        Some((at(day.yesterday().ok()?, start_min)?, at(day, end_min)?))
    } else {
        None
    }
}

/// When the reminder of a booking starting at `start_ms` is due, or `None` (off, or too late).
/// A due time inside quiet hours moves to the start of the quiet window.
pub fn reminder_due(s: &NotificationSettings, start_ms: i64, zone: &str, now: i64) -> Option<i64> {
    let hours = s.reminder_hours?;
    let mut due = start_ms - hours * HOUR_MS;
    if let (Some(a), Some(b)) = (s.quiet_start_min, s.quiet_end_min)
        && let Some((ws, _)) = quiet_window_at(due, zone, a, b)
    {
        due = ws;
    }
    (due > now).then_some(due)
}

/// The next day at 10:00 in the location's zone (review requests).
fn next_morning(ms: i64, zone: &str) -> i64 {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| {
            let d = t.to_zoned(tz.clone()).date().tomorrow().ok()?;
            tz.to_zoned(d.at(10, 0, 0, 0)).ok()
        })
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(ms + 24 * HOUR_MS)
}

fn dispatch_key(id: NotificationId, version: i64) -> String {
    format!("ntf:{id}:{version}")
}

impl App {
    pub(crate) async fn settings_of(&self, tenant: TenantId) -> AppResult<NotificationSettings> {
        Ok(self
            .store
            .tenant(tenant)
            .notification_settings()
            .await?
            .unwrap_or_else(|| NotificationSettings::defaults(tenant)))
    }

    async fn settings_in(&self, tx: &mut Tx, tenant: TenantId) -> AppResult<NotificationSettings> {
        Ok(tx
            .tenant(tenant)
            .notification_settings()
            .await?
            .unwrap_or_else(|| NotificationSettings::defaults(tenant)))
    }

    /// Adds a notification and its dispatch job, unless the booking already has one with `key`.
    #[expect(clippy::too_many_arguments, reason = "one row's fields")]
    async fn schedule(
        &self,
        tx: &mut Tx,
        b: &Booking,
        kind: &str,
        key: &str,
        audience: &str,
        due_at_ms: i64,
        urgent: bool,
        context: serde_json::Value,
    ) -> AppResult<bool> {
        let now = self.now_ms();
        let n = Notification {
            tenant_id: b.tenant_id,
            id: NotificationId::new(),
            booking_id: b.id,
            kind: kind.into(),
            key: key.into(),
            audience: audience.into(),
            status: "scheduled".into(),
            urgent,
            due_at_ms,
            version: 1,
            channel: None,
            message_id: None,
            reason: None,
            context: context.to_string(),
            created_at_ms: now,
            updated_at_ms: now,
            sent_at_ms: None,
        };
        if !tx.tenant(b.tenant_id).insert_notification(&n).await? {
            return Ok(false);
        }
        self.enqueue_dispatch(tx, &n, now).await?;
        Ok(true)
    }

    async fn enqueue_dispatch(&self, tx: &mut Tx, n: &Notification, now: i64) -> AppResult<()> {
        tx.enqueue(
            &NewJob {
                tenant_id: Some(n.tenant_id),
                queue: QUEUE_DEFAULT.into(),
                kind: JOB_DISPATCH.into(),
                payload: json!({"tenant_id": n.tenant_id, "notification_id": n.id, "version": n.version}),
                run_at_ms: n.due_at_ms.max(now),
                max_attempts: 8,
                dedupe_key: Some(dispatch_key(n.id, n.version)),
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// Moves a notification to a new due time (a new version, a new job; the old job goes).
    async fn reschedule_row(&self, tx: &mut Tx, mut n: Notification, due: i64) -> AppResult<()> {
        let now = self.now_ms();
        tx.delete_queued_job(&dispatch_key(n.id, n.version)).await?;
        n.version += 1;
        n.status = "scheduled".into();
        n.due_at_ms = due;
        n.reason = None;
        n.channel = None;
        n.message_id = None;
        n.sent_at_ms = None;
        n.updated_at_ms = now;
        tx.tenant(n.tenant_id).update_notification(&n).await?;
        self.enqueue_dispatch(tx, &n, now).await
    }

    /// Ends a scheduled notification without sending it (`cancelled` or `skipped`).
    async fn close_row(
        &self,
        tx: &mut Tx,
        mut n: Notification,
        status: &str,
        reason: &str,
    ) -> AppResult<()> {
        tx.delete_queued_job(&dispatch_key(n.id, n.version)).await?;
        n.status = status.into();
        n.reason = Some(reason.into());
        n.updated_at_ms = self.now_ms();
        tx.tenant(n.tenant_id).update_notification(&n).await?;
        Ok(())
    }

    /// Plans the booking's reminder from its start and the settings: scheduled, moved or
    /// cancelled. `again` allows a new reminder after one was sent (the booking moved).
    async fn reconcile_reminder(
        &self,
        tx: &mut Tx,
        b: &Booking,
        confirmed: bool,
        s: &NotificationSettings,
        again: bool,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let desired = if confirmed {
            reminder_due(s, b.starts_at_ms, &b.time_zone, now)
        } else {
            None
        };
        let existing = tx
            .tenant(b.tenant_id)
            .notification_by_key(b.id, "reminder")
            .await?;
        match (existing, desired) {
            (None, Some(due)) => {
                self.schedule(
                    tx,
                    b,
                    "booking_reminder",
                    "reminder",
                    "customer",
                    due,
                    false,
                    json!({}),
                )
                .await?;
            }
            (Some(n), Some(due)) => {
                let same = n.status == "scheduled" && n.due_at_ms == due;
                let may = n.status != "sent" || again;
                if !same && may && n.status != "off" {
                    self.reschedule_row(tx, n, due).await?;
                }
            }
            (Some(n), None) if n.status == "scheduled" => {
                let why = if confirmed {
                    "reminders are off or it is too late"
                } else {
                    "the booking is no longer confirmed"
                };
                self.close_row(tx, n, "cancelled", why).await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The hook the booking code calls inside its transaction whenever a booking is created or
    /// changes: it plans, moves or cancels the booking's notifications in that same transaction
    /// (promise N1). `b` is the booking as written (for status changes, as it was before is
    /// fine: the change says where it went).
    pub async fn booking_changed(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        b: &Booking,
        change: BookingChange,
    ) -> AppResult<()> {
        debug_assert_eq!(b.tenant_id, tenant);
        let now = self.now_ms();
        let customer_facing = matches!(b.source.as_str(), "web" | "chat" | "channel");
        match change {
            BookingChange::Created => match b.status.as_str() {
                "confirmed" => self.on_confirmed(tx, b, customer_facing).await?,
                "pending" => {
                    self.schedule(
                        tx,
                        b,
                        "admin_booking_new",
                        "admin_new",
                        "staff",
                        now,
                        false,
                        json!({}),
                    )
                    .await?;
                }
                _ => {}
            },
            BookingChange::Confirmed => self.on_confirmed(tx, b, customer_facing).await?,
            BookingChange::Rescheduled { previous_start_ms } => {
                let s = self.settings_in(tx, tenant).await?;
                let confirmed = b.status == "confirmed";
                self.reconcile_reminder(tx, b, confirmed, &s, true).await?;
                if matches!(b.status.as_str(), "confirmed" | "pending") {
                    let ctx = json!({"previous_start_ms": previous_start_ms});
                    let tag = NotificationId::new();
                    self.schedule(
                        tx,
                        b,
                        "booking_modified",
                        &format!("modified:{tag}"),
                        "customer",
                        now,
                        false,
                        ctx.clone(),
                    )
                    .await?;
                    self.schedule(
                        tx,
                        b,
                        "admin_booking_changed",
                        &format!("admin_changed:{tag}"),
                        "staff",
                        now,
                        false,
                        ctx,
                    )
                    .await?;
                }
            }
            BookingChange::CheckedIn | BookingChange::NoShow => {
                if let Some(n) = tx
                    .tenant(tenant)
                    .notification_by_key(b.id, "reminder")
                    .await?
                    && n.status == "scheduled"
                {
                    self.close_row(tx, n, "cancelled", "the visit has begun or was missed")
                        .await?;
                }
            }
            BookingChange::Completed => {
                if let Some(n) = tx
                    .tenant(tenant)
                    .notification_by_key(b.id, "reminder")
                    .await?
                    && n.status == "scheduled"
                {
                    self.close_row(tx, n, "cancelled", "the visit is over")
                        .await?;
                }
                // Whether review requests are on is decided when it is due (settings may change).
                self.schedule(
                    tx,
                    b,
                    "review_request",
                    "review_request",
                    "customer",
                    next_morning(now, &b.time_zone),
                    false,
                    json!({}),
                )
                .await?;
            }
            BookingChange::Cancelled { reason } => {
                let confirmation = tx
                    .tenant(tenant)
                    .notification_by_key(b.id, "confirmation")
                    .await?;
                let known = confirmation.is_some_and(|n| n.status == "sent")
                    || matches!(b.status.as_str(), "pending" | "confirmed" | "checked_in");
                for n in tx.tenant(tenant).scheduled_notifications(b.id).await? {
                    self.close_row(tx, n, "cancelled", "the booking was cancelled")
                        .await?;
                }
                if known {
                    let ctx = json!({"reason": reason});
                    self.schedule(
                        tx,
                        b,
                        "booking_cancelled",
                        "cancellation",
                        "customer",
                        now,
                        false,
                        ctx.clone(),
                    )
                    .await?;
                    self.schedule(
                        tx,
                        b,
                        "admin_booking_cancelled",
                        "admin_cancelled",
                        "staff",
                        now,
                        false,
                        ctx,
                    )
                    .await?;
                }
            }
            BookingChange::Expired => {
                for n in tx.tenant(tenant).scheduled_notifications(b.id).await? {
                    self.close_row(tx, n, "cancelled", "the hold expired")
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn on_confirmed(&self, tx: &mut Tx, b: &Booking, urgent: bool) -> AppResult<()> {
        let now = self.now_ms();
        // The team hears of every new booking (unless the business turned it off).
        self.schedule(
            tx,
            b,
            "admin_booking_new",
            "admin_new",
            "staff",
            now,
            false,
            json!({}),
        )
        .await?;
        // Without a customer there is nobody to confirm to or remind (a block the team put in
        // the calendar); nothing is scheduled, so the booking path stays short.
        if b.customer_id.is_none() {
            return Ok(());
        }
        let s = self.settings_in(tx, b.tenant_id).await?;
        // A customer who just booked online waits for this one: it ignores quiet hours.
        self.schedule(
            tx,
            b,
            "booking_confirmation",
            "confirmation",
            "customer",
            now,
            urgent,
            json!({}),
        )
        .await?;
        self.reconcile_reminder(tx, b, true, &s, false).await
    }

    // ------------------------------------------------------------------ dispatch

    /// Sends a due notification (the `notify.dispatch` job): exactly once, see the module docs.
    pub async fn dispatch_notification(
        &self,
        tenant: TenantId,
        id: NotificationId,
        version: i64,
    ) -> Result<(), JobError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let Some(mut n) = tx
            .tenant(tenant)
            .claim_notification(id, version, now)
            .await?
        else {
            return Ok(());
        };
        let outcome = self.dispatch_in(&mut tx, &mut n, now).await;
        match outcome {
            Ok(()) => {}
            Err(AppError::Internal(e)) => return Err(JobError::Retry(e, None)),
            Err(AppError::Unavailable) => {
                return Err(JobError::Retry(
                    anyhow::anyhow!("database unavailable"),
                    None,
                ));
            }
            Err(e) => {
                // A message that cannot be made (bad saved template, bad address) is recorded
                // as skipped with the reason rather than retried for ever.
                drop(tx);
                let mut tx = self.store.begin().await?;
                let Some(n) = tx
                    .tenant(tenant)
                    .claim_notification(id, version, now)
                    .await?
                else {
                    return Ok(());
                };
                self.close_row(&mut tx, n, "skipped", &format!("{e}"))
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
        }
        tx.commit().await?;
        self.waker.wake();
        Ok(())
    }

    async fn dispatch_in(&self, tx: &mut Tx, n: &mut Notification, now: i64) -> AppResult<()> {
        let tenant = n.tenant_id;
        let t = self.store.tenant(tenant);
        let Some(b) = t.booking(n.booking_id).await? else {
            return self
                .close_row(tx, n.clone(), "skipped", "the booking is gone")
                .await;
        };
        let s = self.settings_in(tx, tenant).await?;
        let skip = |why: &str| Some(why.to_string());
        let why_not = match n.kind.as_str() {
            "booking_reminder" if b.status != "confirmed" => {
                skip("the booking is no longer confirmed")
            }
            "booking_reminder" if b.starts_at_ms <= now => skip("the booking has started"),
            "booking_confirmation" if !matches!(b.status.as_str(), "confirmed" | "checked_in") => {
                skip("the booking is no longer confirmed")
            }
            "booking_modified" if b.status == "cancelled" => skip("the booking was cancelled"),
            "review_request" if !s.review_enabled => skip("review requests are off"),
            "review_request" if s.review_url.is_none() => skip("no review URL is set"),
            "review_request" if b.status != "completed" => skip("the booking is not completed"),
            k if k.starts_with("admin_") && !s.admin_enabled => skip("team notifications are off"),
            _ => None,
        };
        if let Some(why) = why_not {
            return self.close_row(tx, n.clone(), "skipped", &why).await;
        }
        if n.audience == "customer"
            && !n.urgent
            && let (Some(a), Some(z)) = (s.quiet_start_min, s.quiet_end_min)
            && let Some((_, end)) = quiet_window_at(now, &b.time_zone, a, z)
        {
            if n.kind == "booking_reminder" && end >= b.starts_at_ms {
                return self
                    .close_row(
                        tx,
                        n.clone(),
                        "skipped",
                        "quiet hours last until the booking starts",
                    )
                    .await;
            }
            return self.reschedule_row(tx, n.clone(), end).await;
        }
        let tenant_row = t.get().await?.ok_or(AppError::NotFound)?;
        let location = t.location(b.location_id).await?;
        let customer = match b.customer_id {
            Some(c) => t.customer(c).await?,
            None => None,
        };
        let mut vars = self
            .booking_vars(
                &b,
                &tenant_row.name,
                location.as_ref(),
                customer.as_ref(),
                &s,
            )
            .await?;
        let context: serde_json::Value = serde_json::from_str(&n.context).unwrap_or_default();
        if let Some(prev) = context["previous_start_ms"].as_i64() {
            vars.insert("previous_when", String::new());
            let lang = customer
                .as_ref()
                .and_then(|c| c.language.clone())
                .unwrap_or(tenant_row.default_language.clone());
            vars.insert(
                "previous_when",
                templates::local_when(prev, &b.time_zone, &lang).2,
            );
        }
        if let Some(r) = context["reason"].as_str() {
            vars.insert("reason", r.to_string());
        }
        let (channel, ids) = if n.audience == "staff" {
            let mut ids = Vec::new();
            let lang = tenant_row.default_language.clone();
            self.localize_when(&mut vars, &b, &lang);
            let r = self
                .render_kind(tenant, &n.kind, "email", &lang, &vars)
                .await?;
            for m in t
                .members()
                .await?
                .into_iter()
                .filter(|m| matches!(m.role.as_str(), "owner" | "admin"))
            {
                ids.push(
                    self.queue_rendered_mail(tx, tenant, &m.email, &r)
                        .await?
                        .to_string(),
                );
            }
            ("email", ids)
        } else {
            let Some(c) = customer else {
                return self
                    .close_row(tx, n.clone(), "skipped", "the booking has no customer")
                    .await;
            };
            let lang = c
                .language
                .clone()
                .filter(|l| LANGUAGES.contains(&l.as_str()))
                .unwrap_or(tenant_row.default_language.clone());
            self.localize_when(&mut vars, &b, &lang);
            let wants_sms = s.customer_channel == "sms" || c.email.is_none();
            let mut sent = None;
            if wants_sms && let Some(phone) = &c.phone {
                let src = self.template_source(tenant, &n.kind, "sms", &lang).await?;
                if src.body.contains("manage_url") {
                    vars.insert("manage_url", self.mint_manage_link(tx, &b).await?);
                }
                let r = templates::render("sms", None, &src.body, &vars)
                    .map_err(|p| AppError::invalid(p.field, &p.message))?;
                match self
                    .queue_sms(tx, tenant, phone, &r.text, &n.kind, n.urgent)
                    .await
                {
                    Ok(id) => sent = Some(("sms", vec![id.to_string()])),
                    Err(AppError::Conflict("sms_credits_exhausted", _)) if c.email.is_some() => {}
                    Err(AppError::Conflict("sms_credits_exhausted", _)) => {
                        return self
                            .close_row(
                                tx,
                                n.clone(),
                                "skipped",
                                "no SMS credits left and no e-mail",
                            )
                            .await;
                    }
                    Err(e) => return Err(e),
                }
            }
            match (sent, &c.email) {
                (Some(x), _) => x,
                (None, Some(email)) => {
                    let src = self
                        .template_source(tenant, &n.kind, "email", &lang)
                        .await?;
                    if src.body.contains("manage_url") && vars["manage_url"].is_empty() {
                        vars.insert("manage_url", self.mint_manage_link(tx, &b).await?);
                    }
                    let r = templates::render("email", src.subject.as_deref(), &src.body, &vars)
                        .map_err(|p| AppError::invalid(p.field, &p.message))?;
                    (
                        "email",
                        vec![
                            self.queue_rendered_mail(tx, tenant, email, &r)
                                .await?
                                .to_string(),
                        ],
                    )
                }
                (None, None) => {
                    return self
                        .close_row(
                            tx,
                            n.clone(),
                            "skipped",
                            "the customer has no phone or e-mail",
                        )
                        .await;
                }
            }
        };
        n.status = "sent".into();
        n.channel = Some(channel.into());
        n.message_id = Some(ids.join(","));
        n.sent_at_ms = Some(now);
        n.updated_at_ms = now;
        tx.tenant(tenant).update_notification(n).await?;
        Ok(())
    }

    fn localize_when(&self, vars: &mut Vars, b: &Booking, lang: &str) {
        let (date, time, when) = templates::local_when(b.starts_at_ms, &b.time_zone, lang);
        vars.insert("date", date);
        vars.insert("time", time);
        vars.insert("when", when);
    }

    /// A fresh manage-booking link (promise B5: only its salted hash is stored). Each message
    /// that carries the link replaces the previous one, so the newest message's link works.
    async fn booking_vars(
        &self,
        b: &Booking,
        business: &str,
        location: Option<&frontdesk_store::Location>,
        customer: Option<&frontdesk_store::Customer>,
        s: &NotificationSettings,
    ) -> AppResult<Vars> {
        let t = self.store.tenant(b.tenant_id);
        let mut services = Vec::new();
        let mut staff = Vec::new();
        for it in t.booking_items(b.id).await? {
            if let Some(sid) = it.service_id
                && let Some(sv) = t.service(sid).await?
            {
                services.push(sv.name);
            }
            if let Some(r) = it.staff_id
                && let Some(res) = t.resource(r).await?
                && !staff.contains(&res.name)
            {
                staff.push(res.name);
            }
        }
        let mut v = templates::sample_vars("en", business);
        for val in v.values_mut() {
            val.clear();
        }
        let base = &self.config.base_url;
        for (k, val) in [
            ("business", business.to_string()),
            (
                "location",
                location.map(|l| l.name.clone()).unwrap_or_default(),
            ),
            (
                "location_address",
                location.map(|l| l.address.clone()).unwrap_or_default(),
            ),
            (
                "location_phone",
                location.and_then(|l| l.phone.clone()).unwrap_or_default(),
            ),
            (
                "customer_name",
                customer.map(|c| c.name.clone()).unwrap_or_default(),
            ),
            (
                "customer_phone",
                customer.and_then(|c| c.phone.clone()).unwrap_or_default(),
            ),
            (
                "customer_email",
                customer.and_then(|c| c.email.clone()).unwrap_or_default(),
            ),
            ("services", services.join(", ")),
            ("staff", staff.join(", ")),
            (
                "party_size",
                if b.kind == "reservation" {
                    b.party_size.to_string()
                } else {
                    String::new()
                },
            ),
            ("notes", b.notes.clone()),
            ("source", b.source.clone()),
            (
                "booking_url",
                location
                    .map(|l| format!("{base}/{}", l.slug))
                    .unwrap_or_default(),
            ),
            ("review_url", s.review_url.clone().unwrap_or_default()),
            ("dashboard_url", format!("{base}/app/bookings/{}", b.id)),
        ] {
            v.insert(k, val);
        }
        Ok(v)
    }

    async fn queue_rendered_mail(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        to: &str,
        r: &Rendered,
    ) -> AppResult<MailId> {
        self.queue_mail(
            tx,
            OutgoingMail {
                tenant: Some(tenant),
                to: to.to_string(),
                subject: r.subject.clone().unwrap_or_default(),
                text: r.text.clone(),
                html: r.html.clone(),
            },
        )
        .await
    }

    /// The template a business uses for a kind, channel and language.
    async fn template_source(
        &self,
        tenant: TenantId,
        kind: &str,
        channel: &str,
        language: &str,
    ) -> AppResult<EffectiveTemplate> {
        let k = templates::kind(kind).ok_or(AppError::NotFound)?;
        if let Some(m) = self
            .store
            .tenant(tenant)
            .message_template(kind, channel, language)
            .await?
        {
            return Ok(EffectiveTemplate {
                kind: k.name,
                channel: m.channel,
                language: m.language,
                subject: m.subject,
                body: m.body,
                customized: true,
                updated_at_ms: Some(m.updated_at_ms),
            });
        }
        templates::builtin(k, channel, language).ok_or(AppError::NotFound)
    }

    /// Renders the business's template of a kind (falling back to the built-in text if a saved
    /// one no longer renders).
    pub(crate) async fn render_kind(
        &self,
        tenant: TenantId,
        kind: &str,
        channel: &str,
        language: &str,
        vars: &Vars,
    ) -> AppResult<Rendered> {
        let src = self
            .template_source(tenant, kind, channel, language)
            .await?;
        match templates::render(channel, src.subject.as_deref(), &src.body, vars) {
            Ok(r) => Ok(r),
            Err(p) if src.customized => {
                tracing::warn!(kind, channel, language, problem = %p.message, "saved template failed; using the default");
                let k = templates::kind(kind).ok_or(AppError::NotFound)?;
                let d = templates::builtin(k, channel, language).ok_or(AppError::NotFound)?;
                templates::render(channel, d.subject.as_deref(), &d.body, vars)
                    .map_err(|p| AppError::invalid(p.field, &p.message))
            }
            Err(p) => Err(AppError::invalid(p.field, &p.message)),
        }
    }

    /// The welcome e-mail to a new owner, in their language (queued in the sign-up transaction).
    #[expect(
        clippy::too_many_arguments,
        reason = "the facts of a sign-up, each a plain value"
    )]
    pub(crate) async fn queue_welcome(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        owner_name: &str,
        owner_email: &str,
        language: &str,
        business: &str,
        slug: &str,
    ) -> AppResult<MailId> {
        let mut v = templates::sample_vars(language, business);
        for val in v.values_mut() {
            val.clear();
        }
        v.insert("business", business.into());
        v.insert("owner_name", owner_name.into());
        v.insert("booking_url", format!("{}/{slug}", self.config.base_url));
        v.insert("dashboard_url", format!("{}/app", self.config.base_url));
        let k = templates::kind("welcome_owner").ok_or(AppError::NotFound)?;
        // The business does not exist for the store's template lookup yet in every path: use
        // the built-in text (an owner cannot have edited it before signing up).
        let d = templates::builtin(k, "email", language).ok_or(AppError::NotFound)?;
        let r = templates::render("email", d.subject.as_deref(), &d.body, &v)
            .map_err(|p| AppError::Internal(anyhow::anyhow!("welcome template: {}", p.message)))?;
        self.queue_rendered_mail(tx, tenant, owner_email, &r).await
    }

    /// The low-credit e-mail to each owner (in the business's language).
    pub(crate) async fn queue_low_credit_alert(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        balance: i64,
    ) -> AppResult<()> {
        let t = self.store.tenant(tenant);
        let Some(b) = t.get().await? else {
            return Ok(());
        };
        let threshold = self.credits_of(tenant).await?.low_threshold;
        for m in t.members().await?.into_iter().filter(|m| m.role == "owner") {
            let mut v = templates::sample_vars(&b.default_language, &b.name);
            for val in v.values_mut() {
                val.clear();
            }
            v.insert("business", b.name.clone());
            v.insert("owner_name", m.name.clone());
            v.insert("balance", balance.to_string());
            v.insert("threshold", threshold.to_string());
            v.insert(
                "dashboard_url",
                format!("{}/app/notifications", self.config.base_url),
            );
            let r = self
                .render_kind(tenant, "sms_credit_low", "email", &b.default_language, &v)
                .await?;
            self.queue_rendered_mail(tx, tenant, &m.email, &r).await?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------ settings (owners)

    /// The business's notification settings and SMS balance (owners).
    pub async fn notification_settings(&self, ctx: &Ctx) -> AppResult<NotificationSettingsOut> {
        ctx.require_owner()?;
        let s = self.settings_of(ctx.tenant).await?;
        let c = self.credits_of(ctx.tenant).await?;
        Ok(NotificationSettingsOut {
            reminder_hours: s.reminder_hours,
            review_enabled: s.review_enabled,
            review_url: s.review_url,
            admin_enabled: s.admin_enabled,
            quiet_start: s.quiet_start_min.map(hhmm),
            quiet_end: s.quiet_end_min.map(hhmm),
            customer_channel: s.customer_channel,
            sms_low_credit_threshold: c.low_threshold,
            sms_balance: c.balance,
        })
    }

    /// Saves the notification settings (owners). Scheduled reminders of future confirmed
    /// bookings follow the new settings in the same transaction.
    pub async fn update_notification_settings(
        &self,
        ctx: &Ctx,
        input: &NotificationSettingsIn,
    ) -> AppResult<NotificationSettingsOut> {
        ctx.require_owner()?;
        ctx.require_write()?;
        let mut v = Validator::default();
        if let Some(h) = input.reminder_hours
            && !(1..=336).contains(&h)
        {
            v.push(
                "reminder_hours",
                "must be between 1 and 336 hours, or empty for no reminders",
            );
        }
        let review_url = match input
            .review_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(u)
                if (u.starts_with("https://") || u.starts_with("http://"))
                    && u.len() <= 500
                    && !u.chars().any(char::is_whitespace) =>
            {
                Some(u.to_string())
            }
            Some(_) => {
                v.push(
                    "review_url",
                    "must be an http(s) link of at most 500 characters",
                );
                None
            }
            None => None,
        };
        if input.review_enabled
            && review_url.is_none()
            && !v.0.iter().any(|e| e.field == "review_url")
        {
            v.push("review_url", "is needed to send review requests");
        }
        let parse = |f: &str, s: &Option<String>, v: &mut Validator| match s
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(x) => {
                let r = parse_hhmm(x);
                if r.is_none() {
                    v.push(f, "must be a time like 21:00");
                }
                r
            }
        };
        let qs = parse("quiet_start", &input.quiet_start, &mut v);
        let qe = parse("quiet_end", &input.quiet_end, &mut v);
        if qs.is_some() != qe.is_some() && v.0.is_empty() {
            v.push("quiet_end", "give both a start and an end, or neither");
        }
        if qs.is_some() && qs == qe {
            v.push("quiet_end", "must differ from the start");
        }
        if !["sms", "email"].contains(&input.customer_channel.as_str()) {
            v.push("customer_channel", "must be sms or email");
        }
        if let Some(t) = input.sms_low_credit_threshold
            && !(0..=1_000_000).contains(&t)
        {
            v.push("sms_low_credit_threshold", "must be between 0 and 1000000");
        }
        v.finish()?;
        let now = self.now_ms();
        let s = NotificationSettings {
            tenant_id: ctx.tenant,
            reminder_hours: input.reminder_hours,
            review_enabled: input.review_enabled,
            review_url,
            admin_enabled: input.admin_enabled,
            quiet_start_min: qs,
            quiet_end_min: qe,
            customer_channel: input.customer_channel.clone(),
            updated_at_ms: now,
        };
        let upcoming = self
            .store
            .tenant(ctx.tenant)
            .bookings(&frontdesk_store::BookingFilter {
                from_ms: Some(now),
                status: Some("confirmed".into()),
                limit: Some(2000),
                ..Default::default()
            })
            .await?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).put_notification_settings(&s).await?;
        if let Some(t) = input.sms_low_credit_threshold {
            tx.tenant(ctx.tenant)
                .set_sms_low_threshold(t, self.config.sms.initial_credits, now)
                .await?;
        }
        for b in &upcoming {
            self.reconcile_reminder(&mut tx, b, true, &s, false).await?;
        }
        ctx.audit(
            &mut tx,
            now,
            "notifications.settings_changed",
            None,
            serde_json::to_value(input).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        self.notification_settings(ctx).await
    }

    // ------------------------------------------------------------------ templates (owners)

    fn check_key(kind: &str, channel: &str, language: &str) -> AppResult<&'static templates::Kind> {
        let mut v = Validator::default();
        let k = templates::kind(kind);
        if k.is_none() {
            v.push(
                "kind",
                &format!(
                    "must be one of {}",
                    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if let Some(k) = k
            && !k.channels.contains(&channel)
        {
            v.push(
                "channel",
                &format!("must be {} for this kind", k.channels.join(" or ")),
            );
        }
        v.check(validate::language("language", language));
        v.finish()?;
        k.ok_or(AppError::NotFound)
    }

    /// Every template of the business (its own or the default), optionally of one language.
    pub async fn list_templates(
        &self,
        ctx: &Ctx,
        language: Option<&str>,
    ) -> AppResult<Vec<EffectiveTemplate>> {
        ctx.require_owner()?;
        if let Some(l) = language {
            validate::language("language", l)?;
        }
        let saved = self.store.tenant(ctx.tenant).message_templates().await?;
        let mut out = Vec::new();
        for k in KINDS {
            for ch in k.channels {
                for lang in LANGUAGES
                    .iter()
                    .filter(|l| language.is_none_or(|x| x == **l))
                {
                    let own = saved
                        .iter()
                        .find(|m| m.kind == k.name && m.channel == *ch && m.language == *lang);
                    out.push(match own {
                        Some(m) => EffectiveTemplate {
                            kind: k.name,
                            channel: m.channel.clone(),
                            language: m.language.clone(),
                            subject: m.subject.clone(),
                            body: m.body.clone(),
                            customized: true,
                            updated_at_ms: Some(m.updated_at_ms),
                        },
                        None => templates::builtin(k, ch, lang).ok_or(AppError::NotFound)?,
                    });
                }
            }
        }
        Ok(out)
    }

    /// One template of the business.
    pub async fn get_template(
        &self,
        ctx: &Ctx,
        kind: &str,
        channel: &str,
        language: &str,
    ) -> AppResult<EffectiveTemplate> {
        ctx.require_owner()?;
        Self::check_key(kind, channel, language)?;
        self.template_source(ctx.tenant, kind, channel, language)
            .await
    }

    /// Renders a template with sample data. A template that does not parse or render is a
    /// validation error naming the field and the problem.
    pub async fn preview_template(&self, ctx: &Ctx, t: &TemplateIn) -> AppResult<Rendered> {
        ctx.require_owner()?;
        Self::check_key(&t.kind, &t.channel, &t.language)?;
        let business = self.business(ctx).await?.name;
        let vars = templates::sample_vars(&t.language, &business);
        templates::render(&t.channel, t.subject.as_deref(), &t.body, &vars)
            .map_err(|p| AppError::invalid(p.field, &p.message))
    }

    /// Saves an owner's template after checking it renders; nothing is saved otherwise.
    pub async fn save_template(&self, ctx: &Ctx, t: &TemplateIn) -> AppResult<EffectiveTemplate> {
        ctx.require_write()?;
        self.preview_template(ctx, t).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant)
            .put_message_template(&MessageTemplate {
                tenant_id: ctx.tenant,
                kind: t.kind.clone(),
                channel: t.channel.clone(),
                language: t.language.clone(),
                subject: if t.channel == "email" {
                    t.subject.clone().map(|s| s.trim().to_string())
                } else {
                    None
                },
                body: t.body.clone(),
                updated_by: ctx.user_id(),
                updated_at_ms: now,
            })
            .await?;
        ctx.audit(
            &mut tx,
            now,
            "notifications.template_saved",
            Some(format!("{}/{}/{}", t.kind, t.channel, t.language)),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        self.get_template(ctx, &t.kind, &t.channel, &t.language)
            .await
    }

    /// Puts a template back to the default text.
    pub async fn reset_template(&self, ctx: &Ctx, k: &TemplateKey) -> AppResult<EffectiveTemplate> {
        ctx.require_owner()?;
        ctx.require_write()?;
        Self::check_key(&k.kind, &k.channel, &k.language)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant)
            .delete_message_template(&k.kind, &k.channel, &k.language)
            .await?;
        ctx.audit(
            &mut tx,
            now,
            "notifications.template_reset",
            Some(format!("{}/{}/{}", k.kind, k.channel, k.language)),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        self.get_template(ctx, &k.kind, &k.channel, &k.language)
            .await
    }

    // ------------------------------------------------------------------ per booking (staff)

    /// A booking's notifications (any member of the business).
    pub async fn booking_notifications(
        &self,
        ctx: &Ctx,
        booking: BookingId,
    ) -> AppResult<Vec<Notification>> {
        let t = self.store.tenant(ctx.tenant);
        t.booking(booking).await?.ok_or(AppError::NotFound)?;
        Ok(t.booking_notifications(booking).await?)
    }

    /// Turns the review request of one booking off (or back on).
    pub async fn set_review_request(
        &self,
        ctx: &Ctx,
        booking: BookingId,
        enabled: bool,
    ) -> AppResult<Vec<Notification>> {
        ctx.require_write()?;
        let b = self
            .store
            .tenant(ctx.tenant)
            .booking(booking)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let existing = tx
            .tenant(ctx.tenant)
            .notification_by_key(b.id, "review_request")
            .await?;
        match (enabled, existing) {
            (false, None) => {
                let n = Notification {
                    tenant_id: ctx.tenant,
                    id: NotificationId::new(),
                    booking_id: b.id,
                    kind: "review_request".into(),
                    key: "review_request".into(),
                    audience: "customer".into(),
                    status: "off".into(),
                    urgent: false,
                    due_at_ms: now,
                    version: 1,
                    channel: None,
                    message_id: None,
                    reason: Some("turned off for this booking".into()),
                    context: "{}".into(),
                    created_at_ms: now,
                    updated_at_ms: now,
                    sent_at_ms: None,
                };
                tx.tenant(ctx.tenant).insert_notification(&n).await?;
            }
            (false, Some(n)) if n.status == "scheduled" => {
                self.close_row(&mut tx, n, "off", "turned off for this booking")
                    .await?;
            }
            (true, Some(n)) if n.status == "off" => {
                tx.tenant(ctx.tenant).delete_notification(n.id).await?;
                if b.status == "completed" {
                    self.schedule(
                        &mut tx,
                        &b,
                        "review_request",
                        "review_request",
                        "customer",
                        next_morning(now, &b.time_zone).max(now),
                        false,
                        json!({}),
                    )
                    .await?;
                }
            }
            _ => {}
        }
        ctx.audit(
            &mut tx,
            now,
            "booking.review_request",
            Some(b.id.to_string()),
            json!({"enabled": enabled}),
        )
        .await?;
        tx.commit().await?;
        self.booking_notifications(ctx, booking).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_windows_across_midnight_in_local_time() {
        // 2026-11-23 22:30 in Rome (21:30Z): inside 21:00–08:00; the window ends 07:00Z next day.
        let ms = 1_795_424_400_000 + 12 * HOUR_MS + 30 * 60_000; // 21:30Z
        let (s, e) = quiet_window_at(ms, "Europe/Rome", 21 * 60, 8 * 60).unwrap();
        assert_eq!(s, 1_795_424_400_000 + 11 * HOUR_MS); // 20:00Z = 21:00 Rome
        assert_eq!(e, 1_795_424_400_000 + 22 * HOUR_MS); // 07:00Z next day = 08:00 Rome
        // 09:00Z = 10:00 Rome: not quiet.
        assert!(quiet_window_at(1_795_424_400_000, "Europe/Rome", 21 * 60, 8 * 60).is_none());
        // Daytime window 12:00–14:00.
        let noon = 1_795_424_400_000 + 3 * HOUR_MS + 30 * 60_000; // 12:30Z = 13:30 Rome
        assert!(quiet_window_at(noon, "Europe/Rome", 12 * 60, 14 * 60).is_some());
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_hhmm("21:00"), Some(1260));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(hhmm(485), "08:05");
    }
}
