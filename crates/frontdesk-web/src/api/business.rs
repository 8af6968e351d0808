//! The business and its locations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_core::LocationId;

use super::dto::*;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{IdPath, JsonBody, Owner, Staff};

/// The business.
#[utoipa::path(get, path = "/api/v1/business", tag = "business", responses((status = 200, body = BusinessOut)))]
pub async fn get_business(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<BusinessOut>> {
    Ok(Json(state.app.business(&ctx).await?.into()))
}

/// Renames the business or changes its default language (owners).
#[utoipa::path(patch, path = "/api/v1/business", tag = "business", request_body = BusinessIn, responses((status = 200, body = BusinessOut)))]
pub async fn update_business(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<BusinessIn>,
) -> ApiResult<Json<BusinessOut>> {
    Ok(Json(
        state
            .app
            .update_business(&ctx, &b.name, &b.default_language)
            .await?
            .into(),
    ))
}

/// All locations.
#[utoipa::path(get, path = "/api/v1/locations", tag = "business", responses((status = 200, body = [LocationOut])))]
pub async fn list_locations(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<Vec<LocationOut>>> {
    Ok(Json(
        state
            .app
            .locations(&ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Adds a location (owners).
#[utoipa::path(post, path = "/api/v1/locations", tag = "business", request_body = LocationIn,
    responses((status = 201, body = LocationOut), (status = 409, description = "slug taken"), (status = 422)))]
pub async fn create_location(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<LocationIn>,
) -> ApiResult<(StatusCode, Json<LocationOut>)> {
    let l = state.app.create_location(&ctx, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(l.into())))
}

/// One location.
#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "business", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = LocationOut), (status = 404)))]
pub async fn get_location(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<LocationOut>> {
    Ok(Json(state.app.location(&ctx, id).await?.into()))
}

/// Replaces a location (owners).
#[utoipa::path(put, path = "/api/v1/locations/{id}", tag = "business", params(("id" = String, Path, description = "loc_…")), request_body = LocationIn,
    responses((status = 200, body = LocationOut), (status = 404), (status = 409), (status = 422)))]
pub async fn update_location(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<LocationIn>,
) -> ApiResult<Json<LocationOut>> {
    Ok(Json(
        state.app.update_location(&ctx, id, &b.into()).await?.into(),
    ))
}

/// Deletes a location (owners; not the last one).
#[utoipa::path(delete, path = "/api/v1/locations/{id}", tag = "business", params(("id" = String, Path, description = "loc_…")),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_location(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<StatusCode> {
    state.app.delete_location(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The public booking page's settings.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BookingPageOut {
    /// Minutes a one-time code is valid (2–30).
    pub code_minutes: i64,
    /// The booking form asks for marketing consent.
    pub ask_marketing_consent: bool,
    /// The booking form asks for the messaging opt-in.
    pub ask_messaging_consent: bool,
}

impl From<frontdesk_store::public::BookingPageSettings> for BookingPageOut {
    fn from(s: frontdesk_store::public::BookingPageSettings) -> Self {
        Self {
            code_minutes: s.code_minutes,
            ask_marketing_consent: s.ask_marketing_consent,
            ask_messaging_consent: s.ask_messaging_consent,
        }
    }
}

/// The public booking page's settings (codes, consent checkboxes).
#[utoipa::path(get, path = "/api/v1/booking-page", tag = "business", responses((status = 200, body = BookingPageOut)))]
pub async fn get_booking_page(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<BookingPageOut>> {
    Ok(Json(state.app.booking_page_settings(&ctx).await?.into()))
}

/// Changes the public booking page's settings (owners).
#[utoipa::path(put, path = "/api/v1/booking-page", tag = "business",
    request_body = frontdesk_app::public::BookingPageSettingsIn,
    responses((status = 200, body = BookingPageOut), (status = 422)))]
pub async fn put_booking_page(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<frontdesk_app::public::BookingPageSettingsIn>,
) -> ApiResult<Json<BookingPageOut>> {
    Ok(Json(
        state
            .app
            .update_booking_page_settings(&ctx, &b)
            .await?
            .into(),
    ))
}
