//! Notifications over the API: the SMS outbox and credits, settings, templates (with preview),
//! and each booking's notifications.

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::Method;
use frontdesk_app::notify::templates::{EffectiveTemplate, Rendered};
use frontdesk_app::notify::{
    NotificationSettingsIn, NotificationSettingsOut, TemplateIn, TemplateKey,
};
use frontdesk_core::BookingId;
use frontdesk_store::notify::{Notification, Sms, SmsCredits};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{ots, ts};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdPath, JsonBody, Owner, Staff};
use crate::routes::{Access, RouteSpec, Routes};

/// The notification routes of the API.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::*;
    use Method as M;
    Routes::new()
        .add(M::GET, "/api/v1/sms-outbox", Staff, list_sms)
        .add(M::GET, "/api/v1/sms-credits", Staff, get_sms_credits)
        .add(M::GET, "/api/v1/notification-settings", Owner, get_settings)
        .add(M::PUT, "/api/v1/notification-settings", Owner, put_settings)
        .add(
            M::GET,
            "/api/v1/notification-templates",
            Owner,
            list_templates,
        )
        .add(
            M::PUT,
            "/api/v1/notification-templates",
            Owner,
            put_template,
        )
        .add(
            M::POST,
            "/api/v1/notification-templates/preview",
            Owner,
            preview_template,
        )
        .add(
            M::POST,
            "/api/v1/notification-templates/reset",
            Owner,
            reset_template,
        )
        .add(
            M::GET,
            "/api/v1/bookings/{id}/notifications",
            Staff,
            booking_notifications,
        )
        .add(
            M::PUT,
            "/api/v1/bookings/{id}/review-request",
            Staff,
            set_review_request,
        )
        .finish()
}

/// A text message in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsOut {
    /// `sms_…`
    pub id: String,
    /// Recipient (E.164).
    pub to: String,
    /// Text.
    pub body: String,
    /// Why it was sent (`verification_code`, `booking_reminder`…).
    pub purpose: String,
    /// Sent ahead of everything else and regardless of quiet hours.
    pub urgent: bool,
    /// queued, sending, sent, failed.
    pub status: String,
    /// outbox, twilio or smsapi.
    pub provider: Option<String>,
    /// The provider's message id.
    pub provider_id: Option<String>,
    /// Segments charged.
    pub segments: i64,
    /// Last error.
    pub error: Option<String>,
    /// Created.
    pub created_at: String,
    /// Accepted by the provider.
    pub sent_at: Option<String>,
}

impl From<Sms> for SmsOut {
    fn from(m: Sms) -> Self {
        Self {
            id: m.id.to_string(),
            to: m.to_phone,
            body: m.body,
            purpose: m.purpose,
            urgent: m.urgent,
            status: m.status,
            provider: m.provider,
            provider_id: m.provider_id,
            segments: m.segments,
            error: m.error,
            created_at: ts(m.created_at_ms),
            sent_at: ots(m.sent_at_ms),
        }
    }
}

/// SMS credits of the business.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsCreditsOut {
    /// Segments left.
    pub balance: i64,
    /// Owners are e-mailed once when the balance falls below this.
    pub low_threshold: i64,
    /// When that alert last went out (cleared by a top-up).
    pub low_alert_sent_at: Option<String>,
}

impl From<SmsCredits> for SmsCreditsOut {
    fn from(c: SmsCredits) -> Self {
        Self {
            balance: c.balance,
            low_threshold: c.low_threshold,
            low_alert_sent_at: ots(c.low_alert_sent_at_ms),
        }
    }
}

/// Text messages sent for the business, newest first (owners and admins).
#[utoipa::path(get, path = "/api/v1/sms-outbox", tag = "notifications", responses((status = 200, body = [SmsOut])))]
pub async fn list_sms(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<Vec<SmsOut>>> {
    Ok(Json(
        state
            .app
            .list_sms(&ctx, 200)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The business's SMS credits (owners and admins).
#[utoipa::path(get, path = "/api/v1/sms-credits", tag = "notifications", responses((status = 200, body = SmsCreditsOut)))]
pub async fn get_sms_credits(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<SmsCreditsOut>> {
    Ok(Json(state.app.sms_credits(&ctx).await?.into()))
}

/// The business's notification settings and SMS balance (owners).
#[utoipa::path(get, path = "/api/v1/notification-settings", tag = "notifications", responses((status = 200, body = NotificationSettingsOut)))]
pub async fn get_settings(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<NotificationSettingsOut>> {
    Ok(Json(state.app.notification_settings(&ctx).await?))
}

/// Saves the notification settings; scheduled reminders follow them (owners).
#[utoipa::path(put, path = "/api/v1/notification-settings", tag = "notifications", request_body = NotificationSettingsIn, responses((status = 200, body = NotificationSettingsOut), (status = 422)))]
pub async fn put_settings(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(input): JsonBody<NotificationSettingsIn>,
) -> ApiResult<Json<NotificationSettingsOut>> {
    Ok(Json(
        state.app.update_notification_settings(&ctx, &input).await?,
    ))
}

/// A template as the business uses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateOut {
    /// Kind.
    pub kind: String,
    /// `sms` or `email`.
    pub channel: String,
    /// Language.
    pub language: String,
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Body (minijinja syntax: `{{ variable }}`, `{% if %}`, `{% for %}`).
    pub body: String,
    /// The owner changed it (false: the built-in default).
    pub customized: bool,
    /// When the owner saved it.
    pub updated_at: Option<String>,
}

impl From<EffectiveTemplate> for TemplateOut {
    fn from(t: EffectiveTemplate) -> Self {
        Self {
            kind: t.kind.into(),
            channel: t.channel,
            language: t.language,
            subject: t.subject,
            body: t.body,
            customized: t.customized,
            updated_at: ots(t.updated_at_ms),
        }
    }
}

/// A rendered preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Plain text (the SMS, or the e-mail's text part).
    pub text: String,
    /// The e-mail's HTML part.
    pub html: Option<String>,
    /// SMS segments the text costs.
    pub segments: Option<u32>,
}

impl PreviewOut {
    fn of(r: Rendered, channel: &str) -> Self {
        Self {
            segments: (channel == "sms").then(|| frontdesk_channels_segments(&r.text)),
            subject: r.subject,
            text: r.text,
            html: r.html,
        }
    }
}

fn frontdesk_channels_segments(text: &str) -> u32 {
    frontdesk_app::sms::segments_of(text)
}

/// Filter of the template list.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplatesQuery {
    /// One language (`en`, `it`, `fr`, `es`, `vi`).
    pub language: Option<String>,
}

/// Every template of the business: its own or the default (owners).
#[utoipa::path(get, path = "/api/v1/notification-templates", tag = "notifications", params(TemplatesQuery), responses((status = 200, body = [TemplateOut])))]
pub async fn list_templates(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    q: Result<Query<TemplatesQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<TemplateOut>>> {
    let Query(q) = q.map_err(|e| ApiError::invalid("query", &e.body_text()))?;
    Ok(Json(
        state
            .app
            .list_templates(&ctx, q.language.as_deref())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Saves a template; one that does not parse or render is refused with the problem and
/// nothing is saved (owners).
#[utoipa::path(put, path = "/api/v1/notification-templates", tag = "notifications", request_body = TemplateIn, responses((status = 200, body = TemplateOut), (status = 422)))]
pub async fn put_template(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(t): JsonBody<TemplateIn>,
) -> ApiResult<Json<TemplateOut>> {
    Ok(Json(state.app.save_template(&ctx, &t).await?.into()))
}

/// Renders a template with sample data, without saving it (owners).
#[utoipa::path(post, path = "/api/v1/notification-templates/preview", tag = "notifications", request_body = TemplateIn, responses((status = 200, body = PreviewOut), (status = 422)))]
pub async fn preview_template(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(t): JsonBody<TemplateIn>,
) -> ApiResult<Json<PreviewOut>> {
    let r = state.app.preview_template(&ctx, &t).await?;
    Ok(Json(PreviewOut::of(r, &t.channel)))
}

/// Puts a template back to the default text (owners).
#[utoipa::path(post, path = "/api/v1/notification-templates/reset", tag = "notifications", request_body = TemplateKey, responses((status = 200, body = TemplateOut)))]
pub async fn reset_template(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(k): JsonBody<TemplateKey>,
) -> ApiResult<Json<TemplateOut>> {
    Ok(Json(state.app.reset_template(&ctx, &k).await?.into()))
}

/// A booking notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    /// `ntf_…`
    pub id: String,
    /// Template kind.
    pub kind: String,
    /// `customer` or `staff`.
    pub audience: String,
    /// scheduled, sent, skipped, cancelled, off.
    pub status: String,
    /// When it is (or was) due.
    pub due_at: String,
    /// `sms` or `email` once sent.
    pub channel: Option<String>,
    /// Why it was skipped or cancelled.
    pub reason: Option<String>,
    /// When its message was queued.
    pub sent_at: Option<String>,
}

impl From<Notification> for NotificationOut {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id.to_string(),
            kind: n.kind,
            audience: n.audience,
            status: n.status,
            due_at: ts(n.due_at_ms),
            channel: n.channel,
            reason: n.reason,
            sent_at: ots(n.sent_at_ms),
        }
    }
}

/// A booking's notifications: sent, scheduled (the reminder), skipped or cancelled.
#[utoipa::path(get, path = "/api/v1/bookings/{id}/notifications", tag = "notifications", params(("id" = String, Path, description = "bk_…")), responses((status = 200, body = [NotificationOut]), (status = 404)))]
pub async fn booking_notifications(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<BookingId>,
) -> ApiResult<Json<Vec<NotificationOut>>> {
    Ok(Json(
        state
            .app
            .booking_notifications(&ctx, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Whether a booking gets a review request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequestIn {
    /// False turns the review request off for this booking.
    pub enabled: bool,
}

/// Turns the review request of one booking off or back on.
#[utoipa::path(put, path = "/api/v1/bookings/{id}/review-request", tag = "notifications", params(("id" = String, Path, description = "bk_…")), request_body = ReviewRequestIn, responses((status = 200, body = [NotificationOut]), (status = 404)))]
pub async fn set_review_request(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<BookingId>,
    JsonBody(input): JsonBody<ReviewRequestIn>,
) -> ApiResult<Json<Vec<NotificationOut>>> {
    Ok(Json(
        state
            .app
            .set_review_request(&ctx, id, input.enabled)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}
