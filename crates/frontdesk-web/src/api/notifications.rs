//! Notifications over the API: the SMS outbox and credits.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::Method;
use frontdesk_store::notify::{Sms, SmsCredits};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::{ots, ts};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Staff;
use crate::routes::{Access, RouteSpec, Routes};

/// The notification routes of the API.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::*;
    use Method as M;
    Routes::new()
        .add(M::GET, "/api/v1/sms-outbox", Staff, list_sms)
        .add(M::GET, "/api/v1/sms-credits", Staff, get_sms_credits)
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
