//! Availability, bookings and the waitlist.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use frontdesk_app::bookings::{
    AvailabilityIn, BookingIn, BookingOut, BookingView, RescheduleIn, SlotOut, StatusIn,
    VisitItemIn, WaitlistIn,
};
use frontdesk_core::*;
use frontdesk_store::{BookingFilter, WaitlistEntry};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdPath, JsonBody, OptionalJsonBody, Staff};

type Q<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

fn query<T>(q: Q<T>) -> ApiResult<T> {
    q.map(|Query(v)| v)
        .map_err(|e| ApiError::invalid("query", &e.body_text()))
}

/// Availability query string.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityQuery {
    /// Comma-separated service ids of the visit, in order (absent: restaurant tables).
    #[serde(default)]
    pub services: Option<String>,
    /// Comma-separated staff ids aligned with `services` (`any` or empty for anyone), or one id
    /// for the whole visit.
    #[serde(default)]
    pub staff: Option<String>,
    /// One staff member for the whole visit.
    #[serde(default)]
    pub same_staff: Option<bool>,
    /// First local date `YYYY-MM-DD`.
    pub from: String,
    /// Last local date (inclusive; default `from`; at most 62 days).
    #[serde(default)]
    pub to: Option<String>,
    /// Guests or seats (default 1).
    #[serde(default)]
    pub party_size: Option<u32>,
    /// Comma-separated table requirements.
    #[serde(default)]
    pub requirements: Option<String>,
    /// Preferred area.
    #[serde(default)]
    pub area_id: Option<String>,
}

fn split(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl AvailabilityQuery {
    fn into_input(self, location_id: LocationId) -> ApiResult<AvailabilityIn> {
        let services = split(&self.services);
        let staff_raw: Vec<String> = self
            .staff
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|x| x.trim().to_string())
            .collect();
        let mut items = Vec::new();
        for (i, s) in services.iter().enumerate() {
            let service_id: ServiceId = s
                .parse()
                .map_err(|_| ApiError::invalid("services", "must be service ids (svc_…)"))?;
            let raw = if staff_raw.len() == 1 {
                staff_raw[0].as_str()
            } else {
                staff_raw.get(i).map(String::as_str).unwrap_or("")
            };
            let staff_id =
                match raw {
                    "" | "any" | "anyone" => None,
                    s => Some(s.parse::<ResourceId>().map_err(|_| {
                        ApiError::invalid("staff", "must be staff ids (res_…) or any")
                    })?),
                };
            items.push(VisitItemIn {
                service_id,
                staff_id,
            });
        }
        let area_id = match self.area_id.as_deref().filter(|s| !s.is_empty()) {
            Some(a) => Some(
                a.parse::<AreaId>()
                    .map_err(|_| ApiError::invalid("area_id", "must be an area id"))?,
            ),
            None => None,
        };
        Ok(AvailabilityIn {
            location_id,
            services: items,
            same_staff: self.same_staff.unwrap_or(false),
            from: self.from,
            to: self.to,
            party_size: self.party_size.unwrap_or(1),
            requirements: split(&self.requirements),
            area_id,
        })
    }
}

/// Bookable slots at a location: for a visit of one or more services (with staff preferences),
/// or — without services — restaurant times with the tables the party would get.
#[utoipa::path(get, path = "/api/v1/locations/{id}/availability", tag = "bookings",
    params(("id" = String, Path, description = "loc_…"), AvailabilityQuery),
    responses((status = 200, body = [SlotOut]), (status = 404), (status = 422)))]
pub async fn availability(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    q: Q<AvailabilityQuery>,
) -> ApiResult<Json<Vec<SlotOut>>> {
    let input = query(q)?.into_input(id)?;
    Ok(Json(state.app.availability(&ctx, &input).await?))
}

fn idempotency_key(h: &HeaderMap) -> ApiResult<Option<String>> {
    match h.get("idempotency-key") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.to_string()))
            .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII")),
    }
}

/// Books: checks the start against live availability and holds every needed resource atomically
/// (409 `slot_taken` when it was just taken). Send an `Idempotency-Key` header so a retry returns
/// the original booking instead of a second one.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "bookings", request_body = BookingIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = BookingOut), (status = 200, description = "idempotent replay", body = BookingOut),
        (status = 409, description = "slot_taken, session_full, idempotency_key_reused"), (status = 422)))]
pub async fn create_booking(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    headers: HeaderMap,
    JsonBody(b): JsonBody<BookingIn>,
) -> ApiResult<(StatusCode, Json<BookingOut>)> {
    let key = idempotency_key(&headers)?;
    let out = state.app.create_booking(&ctx, &b, key.as_deref()).await?;
    let code = if out.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((code, Json(out)))
}

/// Booking list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BookingsQuery {
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Starting at or after (RFC 3339).
    #[serde(default)]
    pub from: Option<String>,
    /// Starting before (RFC 3339).
    #[serde(default)]
    pub to: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: Option<String>,
    /// Customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Staff member, room, equipment or table.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// At most (default 200, max 1000).
    #[serde(default)]
    pub limit: Option<i64>,
}

fn parse_opt<T: std::str::FromStr>(field: &str, v: &Option<String>) -> ApiResult<Option<T>> {
    match v.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ApiError::invalid(field, "is not a valid id")),
    }
}

fn parse_instant(field: &str, v: &Option<String>) -> ApiResult<Option<i64>> {
    match v.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_millisecond()))
            .or_else(|_| {
                s.parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .map(|z| Some(z.timestamp().as_millisecond()))
                    .ok_or(())
            })
            .map_err(|_| ApiError::invalid(field, "must be an RFC 3339 instant or a date")),
    }
}

/// Bookings, by start time.
#[utoipa::path(get, path = "/api/v1/bookings", tag = "bookings", params(BookingsQuery),
    responses((status = 200, body = [Object]), (status = 422)))]
pub async fn list_bookings(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    q: Q<BookingsQuery>,
) -> ApiResult<Json<Vec<BookingView>>> {
    let q = query(q)?;
    let f = BookingFilter {
        location: parse_opt("location_id", &q.location_id)?,
        from_ms: parse_instant("from", &q.from)?,
        to_ms: parse_instant("to", &q.to)?,
        status: q.status.clone().filter(|s| !s.is_empty()),
        customer: parse_opt("customer_id", &q.customer_id)?,
        resource: parse_opt("resource_id", &q.resource_id)?,
        limit: q.limit,
    };
    Ok(Json(state.app.list_bookings(&ctx, &f).await?))
}

/// One booking with its services, held resources and history.
#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "bookings", params(("id" = String, Path, description = "bk_…")),
    responses((status = 200, body = BookingOut), (status = 404)))]
pub async fn get_booking(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<BookingId>,
) -> ApiResult<Json<BookingOut>> {
    Ok(Json(state.app.booking_out(&ctx, id).await?))
}

/// Moves a booking to another start (and staff), checked against live availability.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/reschedule", tag = "bookings", params(("id" = String, Path, description = "bk_…")),
    request_body = RescheduleIn, responses((status = 200, body = BookingOut), (status = 404), (status = 409), (status = 422)))]
pub async fn reschedule(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<BookingId>,
    JsonBody(b): JsonBody<RescheduleIn>,
) -> ApiResult<Json<BookingOut>> {
    Ok(Json(state.app.reschedule_booking(&ctx, id, &b).await?))
}

macro_rules! action {
    ($name:ident, $path:literal, $action:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "bookings", params(("id" = String, Path, description = "bk_…")),
            request_body(content = Option<StatusIn>), responses((status = 200, body = BookingOut), (status = 404), (status = 409)))]
        pub async fn $name(
            State(state): State<AppState>,
            Staff(ctx): Staff,
            IdPath(id): IdPath<BookingId>,
            OptionalJsonBody(input): OptionalJsonBody<StatusIn>,
        ) -> ApiResult<Json<BookingOut>> {
            Ok(Json(state.app.booking_action(&ctx, id, $action, &input).await?))
        }
    };
}

action!(
    confirm,
    "/api/v1/bookings/{id}/confirm",
    "confirm",
    "Confirms a held or pending booking."
);
action!(
    check_in,
    "/api/v1/bookings/{id}/check-in",
    "check_in",
    "Marks the customer as arrived."
);
action!(
    complete,
    "/api/v1/bookings/{id}/complete",
    "complete",
    "Marks a booking as completed."
);
action!(
    no_show,
    "/api/v1/bookings/{id}/no-show",
    "no_show",
    "Marks a booking as a no-show (after its start)."
);
action!(
    cancel,
    "/api/v1/bookings/{id}/cancel",
    "cancel",
    "Cancels a booking and releases its resources; the waitlist is offered the freed slot."
);

/// Records a walk-in: a booking starting now, checked in at once (`start` is ignored).
#[utoipa::path(post, path = "/api/v1/walk-ins", tag = "bookings", request_body = BookingIn,
    responses((status = 201, body = BookingOut), (status = 409), (status = 422)))]
pub async fn walk_in(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    JsonBody(b): JsonBody<BookingIn>,
) -> ApiResult<(StatusCode, Json<BookingOut>)> {
    Ok((StatusCode::CREATED, Json(state.app.walk_in(&ctx, b).await?)))
}

/// Waitlist filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WaitlistQuery {
    /// Location.
    #[serde(default)]
    pub location_id: Option<String>,
    /// waiting, offered, booked, cancelled, expired.
    #[serde(default)]
    pub status: Option<String>,
}

/// The waitlist, oldest first.
#[utoipa::path(get, path = "/api/v1/waitlist", tag = "bookings", params(WaitlistQuery), responses((status = 200, body = [Object])))]
pub async fn list_waitlist(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    q: Q<WaitlistQuery>,
) -> ApiResult<Json<Vec<WaitlistEntry>>> {
    let q = query(q)?;
    let loc = parse_opt("location_id", &q.location_id)?;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = status
        && !["waiting", "offered", "booked", "cancelled", "expired"].contains(&s)
    {
        return Err(ApiError::invalid("status", "unknown status"));
    }
    Ok(Json(state.app.list_waitlist(&ctx, loc, status).await?))
}

/// Adds a customer to the waitlist for a service (or a table) within a time window.
#[utoipa::path(post, path = "/api/v1/waitlist", tag = "bookings", request_body = WaitlistIn,
    responses((status = 201, body = Object), (status = 404), (status = 422)))]
pub async fn join_waitlist(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    JsonBody(b): JsonBody<WaitlistIn>,
) -> ApiResult<(StatusCode, Json<WaitlistEntry>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.join_waitlist(&ctx, &b).await?),
    ))
}

/// Removes a waitlist entry.
#[utoipa::path(delete, path = "/api/v1/waitlist/{id}", tag = "bookings", params(("id" = String, Path, description = "wl_…")),
    responses((status = 204), (status = 404)))]
pub async fn cancel_waitlist(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<WaitlistId>,
) -> ApiResult<StatusCode> {
    state.app.cancel_waitlist(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
