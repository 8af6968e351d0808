//! The public JSON API: what the booking page does, for a business's own site or app
//! (`/api/public/{slug}/…`). No cookies or keys: the slug names the business (T3) and a
//! booking's `mb_…` token names the booking. Readable from any origin (CORS), rate-limited per IP
//! and per slug, and it never shows anything of other customers.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use frontdesk_app::bookings::SlotOut;
use frontdesk_app::public::{
    PublicBookingIn, PublicHoldOut, PublicQuery, PublicService, PublicStaff,
};
use frontdesk_core::token::Credential;
use frontdesk_core::{ResourceId, ServiceId, TenantId};
use serde::{Deserialize, Serialize};

use super::PublicTenant;
use super::i18n::LANGS;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Client, JsonBody};

/// A location's public booking page, as data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteOut {
    /// Business name.
    pub business: String,
    /// Location name.
    pub location: String,
    /// Address.
    pub address: String,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// IANA zone of every local time.
    pub time_zone: String,
    /// ISO country (national phone numbers are read in it).
    pub country: String,
    /// `#rrggbb`.
    pub brand_colour: String,
    /// Picture.
    pub image_url: Option<String>,
    /// Booking page text.
    pub description: Option<String>,
    /// `services` (choose services and staff) or `tables` (choose a party size).
    pub kind: String,
    /// Services offered online.
    pub services: Vec<PublicService>,
    /// Staff who perform them.
    pub staff: Vec<PublicStaff>,
    /// Languages of the page and messages.
    pub languages: Vec<String>,
    /// The business's default language.
    pub default_language: String,
    /// Minutes a confirmation code is valid.
    pub code_minutes: i64,
    /// Whether to ask for marketing consent.
    pub ask_marketing_consent: bool,
    /// Whether to ask for the messaging opt-in.
    pub ask_messaging_consent: bool,
}

/// GET /api/public/{slug} — the page's business, services and staff.
#[utoipa::path(get, path = "/api/public/{slug}", tag = "public",
    params(("slug" = String, Path, description = "The location's booking page slug")),
    responses((status = 200, body = SiteOut), (status = 404), (status = 429)))]
pub async fn site(PublicTenant(site): PublicTenant) -> Json<SiteOut> {
    let l = &site.location;
    Json(SiteOut {
        business: site.business.clone(),
        location: l.name.clone(),
        address: l.address.clone(),
        phone: l.phone.clone(),
        time_zone: l.time_zone.clone(),
        country: l.country.clone(),
        brand_colour: l.brand_colour.clone(),
        image_url: l.image_url.clone(),
        description: l.booking_description.clone(),
        kind: if site.restaurant {
            "tables"
        } else {
            "services"
        }
        .into(),
        services: site.services.clone(),
        staff: site.staff.clone(),
        languages: LANGS.iter().map(|l| l.to_string()).collect(),
        default_language: site.default_language.clone(),
        code_minutes: site.settings.code_minutes,
        ask_marketing_consent: site.settings.ask_marketing_consent,
        ask_messaging_consent: site.settings.ask_messaging_consent,
    })
}

/// Availability query string of the public API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PublicAvailabilityQuery {
    /// Comma-separated service ids (absent: a restaurant table).
    #[serde(default)]
    pub services: Option<String>,
    /// One staff id for the visit; absent or `any`: anyone.
    #[serde(default)]
    pub staff: Option<String>,
    /// First local date `YYYY-MM-DD`.
    pub date: String,
    /// Days from `date` (1–14, default 1).
    #[serde(default)]
    pub days: Option<u32>,
    /// Guests (default 1; restaurants 2).
    #[serde(default)]
    pub party_size: Option<u32>,
    /// Comma-separated table requirements.
    #[serde(default)]
    pub requirements: Option<String>,
}

/// A free time, as customers see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicSlot {
    /// Start, RFC 3339 UTC.
    pub start: String,
    /// End, RFC 3339 UTC.
    pub end: String,
    /// Local start, `YYYY-MM-DDTHH:MM` (send this back as `start` to book it).
    pub local_time: String,
    /// UTC offset at that instant.
    pub utc_offset: String,
    /// Who would serve (names).
    pub staff: Vec<String>,
}

impl From<&SlotOut> for PublicSlot {
    fn from(s: &SlotOut) -> Self {
        let mut staff: Vec<String> = Vec::new();
        for n in s.items.iter().filter_map(|i| i.staff_name.clone()) {
            if !staff.contains(&n) {
                staff.push(n);
            }
        }
        Self {
            start: s.start.clone(),
            end: s.end.clone(),
            local_time: s.local_time.clone(),
            utc_offset: s.utc_offset.clone(),
            staff,
        }
    }
}

fn split(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// GET /api/public/{slug}/availability — free times (customer rules: notice, window, online).
#[utoipa::path(get, path = "/api/public/{slug}/availability", tag = "public",
    params(("slug" = String, Path, description = "The location's booking page slug"), PublicAvailabilityQuery),
    responses((status = 200, body = [PublicSlot]), (status = 404), (status = 422), (status = 429)))]
pub async fn availability(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    Client(client): Client,
    q: Result<Query<PublicAvailabilityQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<PublicSlot>>> {
    let Query(q) = q.map_err(|e| ApiError::invalid("query", &e.body_text()))?;
    let services = split(&q.services)
        .iter()
        .map(|s| s.parse::<ServiceId>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::from(frontdesk_app::AppError::MissingRef("services")))?;
    let staff_id = match q.staff.as_deref().map(str::trim) {
        None | Some("") | Some("any") => None,
        Some(s) => Some(
            s.parse::<ResourceId>()
                .map_err(|_| ApiError::from(frontdesk_app::AppError::MissingRef("staff")))?,
        ),
    };
    let input = PublicQuery {
        services,
        staff_id,
        date: q.date,
        days: q.days.unwrap_or(1),
        party_size: q.party_size.unwrap_or(if site.restaurant { 2 } else { 1 }),
        requirements: split(&q.requirements),
    };
    let slots = state
        .app
        .public_availability(&site, &input, &client)
        .await?;
    Ok(Json(slots.iter().map(PublicSlot::from).collect()))
}

/// POST /api/public/{slug}/bookings — holds a time and texts a 6-digit code to the phone
/// (promise O1). Protected fields (`tenant_id`, `status`, `price`, `source`…) do not exist here:
/// a body naming one is refused with 422 and nothing is written.
#[utoipa::path(post, path = "/api/public/{slug}/bookings", tag = "public",
    params(("slug" = String, Path, description = "The location's booking page slug"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key and body holds once")),
    request_body = PublicBookingIn,
    responses((status = 201, body = PublicHoldOut), (status = 404), (status = 409), (status = 422), (status = 429)))]
pub async fn book(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PublicBookingIn>,
) -> ApiResult<(StatusCode, Json<PublicHoldOut>)> {
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 100 && !k.chars().any(char::is_control) => {
            Some(format!("web-api:{k}"))
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                "must be 1–100 visible characters",
            ));
        }
    };
    let out = state
        .app
        .public_book(&site, &input, &client, key.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// A code for a held booking.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyIn {
    /// The booking's token (`mb_…`), from the hold.
    pub token: String,
    /// The 6 digits received by SMS.
    pub code: String,
}

/// A held booking, by its token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// The booking's token (`mb_…`), from the hold.
    pub token: String,
}

/// The outcome of a right code.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifiedOut {
    /// `confirmed`, or `pending` where the business confirms bookings itself.
    pub status: String,
    /// The customer's page for this booking.
    pub manage_url: String,
}

/// The token must belong to the slug's business (T3): anything else is simply not found.
fn same_tenant(token: &str, tenant: TenantId) -> ApiResult<()> {
    match Credential::parse("mb", token.trim()) {
        Some(c) if TenantId::from(c.scope) == tenant => Ok(()),
        _ => Err(ApiError::not_found()),
    }
}

/// POST /api/public/{slug}/bookings/verify — confirms a held booking with its code (O1–O3):
/// wrong codes are 422 with the tries left, the fourth guess at a code 409 `code_locked`, an old
/// code 409 `code_expired`, a lapsed hold 409 `hold_expired`.
#[utoipa::path(post, path = "/api/public/{slug}/bookings/verify", tag = "public",
    params(("slug" = String, Path, description = "The location's booking page slug")),
    request_body = VerifyIn,
    responses((status = 200, body = VerifiedOut), (status = 404), (status = 409), (status = 422), (status = 429)))]
pub async fn verify(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    Client(client): Client,
    JsonBody(input): JsonBody<VerifyIn>,
) -> ApiResult<Json<VerifiedOut>> {
    same_tenant(&input.token, site.tenant)?;
    let status = state
        .app
        .public_verify(&input.token, &input.code, &client)
        .await?;
    Ok(Json(VerifiedOut {
        status,
        manage_url: format!(
            "{}{}{}",
            state.app.config.base_url,
            frontdesk_app::notify::MANAGE_PATH,
            input.token.trim()
        ),
    }))
}

/// POST /api/public/{slug}/bookings/resend — a new code (at most 3 per booking, not more than
/// one every 30 seconds, within the daily limits per phone and IP).
#[utoipa::path(post, path = "/api/public/{slug}/bookings/resend", tag = "public",
    params(("slug" = String, Path, description = "The location's booking page slug")),
    request_body = TokenIn,
    responses((status = 200, body = PublicHoldOut), (status = 404), (status = 409), (status = 429)))]
pub async fn resend(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    Client(client): Client,
    JsonBody(input): JsonBody<TokenIn>,
) -> ApiResult<Json<PublicHoldOut>> {
    same_tenant(&input.token, site.tenant)?;
    Ok(Json(state.app.public_resend(&input.token, &client).await?))
}
