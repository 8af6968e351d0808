//! The catalogue API: resources, areas, table combinations, weekly hours, schedule exceptions,
//! services (with staff and requirements), booking rules, service periods and customers.
//! Every route is `Staff`: the use case checks the role (owners/admins manage the catalogue,
//! receptionists also exceptions and customers, professionals their own time off, support reads).
//! PATCH takes any subset of the fields of the matching create body.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use frontdesk_app::catalogue::*;
use frontdesk_app::customers::{CustomerIn, retention_expires_at_ms};
use frontdesk_core::*;
use frontdesk_store::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::dto::{ots, ts};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdPath, JsonBody, Staff};

fn list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

/// Applies a partial update (a JSON object of fields) onto the current input.
fn merge<T: Serialize + DeserializeOwned>(base: &T, patch: Value) -> ApiResult<T> {
    let Value::Object(p) = patch else {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    };
    let mut b = serde_json::to_value(base).map_err(|e| {
        frontdesk_app::AppError::Internal(anyhow::anyhow!("serialising an input: {e}"))
    })?;
    if let Value::Object(m) = &mut b {
        for (k, v) in p {
            m.insert(k, v);
        }
    }
    serde_json::from_value(b).map_err(|e| {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "The body does not match the expected fields; nothing was changed.",
        );
        err.errors.push(frontdesk_core::validate::Invalid::new(
            "body",
            e.to_string(),
        ));
        err
    })
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::invalid("query", &e.body_text()))
}

// ---------------------------------------------------------------------------------------------
// Shapes

/// A bookable resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceOut {
    /// `res_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// staff, room, equipment, table.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Team member (`usr_…`).
    pub user_id: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Area (`area_…`).
    pub area_id: Option<String>,
    /// Fewest seats.
    pub min_seats: Option<i64>,
    /// Most seats.
    pub max_seats: Option<i64>,
    /// Table shape.
    pub shape: Option<String>,
    /// Floor-plan x.
    pub pos_x: Option<i64>,
    /// Floor-plan y.
    pub pos_y: Option<i64>,
    /// Requirement tags.
    pub tags: Vec<String>,
    /// online, in_house, walk_in.
    pub inventory: String,
    /// Has its own hours.
    pub own_hours: bool,
    /// Colour.
    pub colour: Option<String>,
    /// Display order.
    pub sort_order: i64,
    /// Bookable.
    pub active: bool,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<Resource> for ResourceOut {
    fn from(r: Resource) -> Self {
        Self {
            id: r.id.to_string(),
            location_id: r.location_id.to_string(),
            kind: r.kind,
            name: r.name,
            description: r.description,
            user_id: r.user_id.map(|u| u.to_string()),
            quantity: r.quantity,
            area_id: r.area_id.map(|a| a.to_string()),
            min_seats: r.min_seats,
            max_seats: r.max_seats,
            shape: r.shape,
            pos_x: r.pos_x,
            pos_y: r.pos_y,
            tags: list(&r.tags),
            inventory: r.inventory,
            own_hours: r.own_hours,
            colour: r.colour,
            sort_order: r.sort_order,
            active: r.active,
            created_at: ts(r.created_at_ms),
            updated_at: ts(r.updated_at_ms),
        }
    }
}

/// A restaurant area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaOut {
    /// `area_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// Name.
    pub name: String,
    /// Display order.
    pub sort_order: i64,
    /// Created.
    pub created_at: String,
}

impl From<Area> for AreaOut {
    fn from(a: Area) -> Self {
        Self {
            id: a.id.to_string(),
            location_id: a.location_id.to_string(),
            name: a.name,
            sort_order: a.sort_order,
            created_at: ts(a.created_at_ms),
        }
    }
}

/// A table combination.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComboOut {
    /// `cmb_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// Name.
    pub name: String,
    /// Fewest seats.
    pub min_seats: i64,
    /// Most seats.
    pub max_seats: i64,
    /// Tables (`res_…`).
    pub table_ids: Vec<String>,
    /// Created.
    pub created_at: String,
}

impl From<TableCombo> for ComboOut {
    fn from(c: TableCombo) -> Self {
        Self {
            id: c.id.to_string(),
            location_id: c.location_id.to_string(),
            name: c.name,
            min_seats: c.min_seats,
            max_seats: c.max_seats,
            table_ids: c.members.iter().map(|m| m.to_string()).collect(),
            created_at: ts(c.created_at_ms),
        }
    }
}

/// One weekly interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalOut {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// Minutes from midnight.
    pub start_min: i64,
    /// Minutes from midnight.
    pub end_min: i64,
}

/// A weekly schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyHoursOut {
    /// `loc_…`
    pub location_id: String,
    /// `res_…`, or null for the location's opening hours.
    pub resource_id: Option<String>,
    /// Intervals by weekday and start.
    pub intervals: Vec<IntervalOut>,
}

fn hours_out(
    location: LocationId,
    resource: Option<ResourceId>,
    rows: Vec<Hours>,
) -> WeeklyHoursOut {
    let mut intervals: Vec<IntervalOut> = rows
        .into_iter()
        .map(|h| IntervalOut {
            weekday: h.weekday,
            start_min: h.start_min,
            end_min: h.end_min,
        })
        .collect();
    intervals.sort_by_key(|i| (i.weekday, i.start_min));
    WeeklyHoursOut {
        location_id: location.to_string(),
        resource_id: resource.map(|r| r.to_string()),
        intervals,
    }
}

/// A schedule exception.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionOut {
    /// `exc_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// `res_…`, or null for the whole location.
    pub resource_id: Option<String>,
    /// closed or open.
    pub kind: String,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Why.
    pub reason: Option<String>,
    /// Created.
    pub created_at: String,
}

impl From<ScheduleException> for ExceptionOut {
    fn from(e: ScheduleException) -> Self {
        Self {
            id: e.id.to_string(),
            location_id: e.location_id.to_string(),
            resource_id: e.resource_id.map(|r| r.to_string()),
            kind: e.kind,
            starts_at: ts(e.starts_at_ms),
            ends_at: ts(e.ends_at_ms),
            reason: e.reason,
            created_at: ts(e.created_at_ms),
        }
    }
}

/// A staff member of a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStaffOut {
    /// `res_…`
    pub resource_id: String,
    /// Duration override.
    pub duration_min: Option<i64>,
    /// Price override.
    pub price_minor: Option<i64>,
}

/// A service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceOut {
    /// `svc_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Minutes.
    pub duration_min: i64,
    /// Work/gap segments, e.g. `[{"work":30},{"gap":20},{"work":15}]`.
    #[schema(value_type = Object)]
    pub segments: Value,
    /// Price in minor units.
    pub price_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Buffer before.
    pub buffer_before_min: i64,
    /// Buffer after.
    pub buffer_after_min: i64,
    /// Places per session.
    pub capacity: i64,
    /// Bookable online.
    pub online_bookable: bool,
    /// `svc_…` that must be booked first.
    pub prerequisite_service_id: Option<String>,
    /// Promotional price.
    pub promo_price_minor: Option<i64>,
    /// Promotion start.
    pub promo_starts_at: Option<String>,
    /// Promotion end.
    pub promo_ends_at: Option<String>,
    /// Colour.
    pub colour: Option<String>,
    /// Display order.
    pub sort_order: i64,
    /// Offered.
    pub active: bool,
    /// Staff who perform it (in the single-service answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<Vec<ServiceStaffOut>>,
    /// Requirement groups of `res_…` (in the single-service answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Vec<Vec<String>>>,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<Service> for ServiceOut {
    fn from(s: Service) -> Self {
        Self {
            id: s.id.to_string(),
            location_id: s.location_id.to_string(),
            name: s.name,
            category: s.category,
            description: s.description,
            duration_min: s.duration_min,
            segments: serde_json::from_str(&s.segments).unwrap_or(Value::Null),
            price_minor: s.price_minor,
            currency: s.currency,
            buffer_before_min: s.buffer_before_min,
            buffer_after_min: s.buffer_after_min,
            capacity: s.capacity,
            online_bookable: s.online_bookable,
            prerequisite_service_id: s.prerequisite_service_id.map(|p| p.to_string()),
            promo_price_minor: s.promo_price_minor,
            promo_starts_at: ots(s.promo_starts_at_ms),
            promo_ends_at: ots(s.promo_ends_at_ms),
            colour: s.colour,
            sort_order: s.sort_order,
            active: s.active,
            staff: None,
            requirements: None,
            created_at: ts(s.created_at_ms),
            updated_at: ts(s.updated_at_ms),
        }
    }
}

fn staff_out(rows: Vec<ServiceStaff>) -> Vec<ServiceStaffOut> {
    rows.into_iter()
        .map(|s| ServiceStaffOut {
            resource_id: s.resource_id.to_string(),
            duration_min: s.duration_min,
            price_minor: s.price_minor,
        })
        .collect()
}

fn groups_out(rows: Vec<ServiceRequirement>) -> Vec<Vec<String>> {
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some((g, v)) if *g == r.group_no => v.push(r.resource_id.to_string()),
            _ => out.push((r.group_no, vec![r.resource_id.to_string()])),
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// Booking rules of a location.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingRulesOut {
    /// `loc_…`
    pub location_id: String,
    /// Slot step, minutes.
    pub slot_step_min: i64,
    /// Least notice, minutes.
    pub min_notice_min: i64,
    /// Booking window, days.
    pub window_days: i64,
    /// Cancel until, minutes before.
    pub cancel_cutoff_min: i64,
    /// Change until, minutes before.
    pub edit_cutoff_min: i64,
    /// Bookings wait for confirmation.
    pub require_confirmation: bool,
    /// Checkout hold, minutes.
    pub hold_minutes: i64,
    /// Last change; null = defaults.
    pub updated_at: Option<String>,
}

impl From<BookingRules> for BookingRulesOut {
    fn from(r: BookingRules) -> Self {
        Self {
            location_id: r.location_id.to_string(),
            slot_step_min: r.slot_step_min,
            min_notice_min: r.min_notice_min,
            window_days: r.window_days,
            cancel_cutoff_min: r.cancel_cutoff_min,
            edit_cutoff_min: r.edit_cutoff_min,
            require_confirmation: r.require_confirmation,
            hold_minutes: r.hold_minutes,
            updated_at: (r.updated_at_ms > 0).then(|| ts(r.updated_at_ms)),
        }
    }
}

/// A restaurant service period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    /// `per_…`
    pub id: String,
    /// `loc_…`
    pub location_id: String,
    /// Name.
    pub name: String,
    /// Weekdays, 1 = Monday.
    pub weekdays: Vec<i64>,
    /// First seating.
    pub start_min: i64,
    /// Last seating.
    pub last_seating_min: i64,
    /// Slot step.
    pub slot_step_min: i64,
    /// Turn times by party size.
    pub turn_times: Vec<TurnTime>,
    /// Most covers per slot.
    pub max_covers_per_slot: Option<i64>,
    /// Pacing window.
    pub pacing_interval_min: Option<i64>,
    /// Most covers per pacing window.
    pub pacing_max_covers: Option<i64>,
    /// Share bookable online.
    pub online_share_pct: Option<i64>,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<ServicePeriod> for PeriodOut {
    fn from(p: ServicePeriod) -> Self {
        Self {
            id: p.id.to_string(),
            location_id: p.location_id.to_string(),
            name: p.name,
            weekdays: weekdays_of(&p.weekdays),
            start_min: p.start_min,
            last_seating_min: p.last_seating_min,
            slot_step_min: p.slot_step_min,
            turn_times: serde_json::from_str(&p.turn_times).unwrap_or_default(),
            max_covers_per_slot: p.max_covers_per_slot,
            pacing_interval_min: p.pacing_interval_min,
            pacing_max_covers: p.pacing_max_covers,
            online_share_pct: p.online_share_pct,
            created_at: ts(p.created_at_ms),
            updated_at: ts(p.updated_at_ms),
        }
    }
}

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOut {
    /// `cus_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Language.
    pub language: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Standing requirements.
    pub requirements: Vec<String>,
    /// Agreed to marketing.
    pub marketing_consent: bool,
    /// When consent was given or withdrawn.
    pub marketing_consent_at: Option<String>,
    /// Where.
    pub marketing_consent_source: Option<String>,
    /// First booking.
    pub first_booking_at: Option<String>,
    /// Last booking.
    pub last_booking_at: Option<String>,
    /// Bookings.
    pub booking_count: i64,
    /// No-shows.
    pub no_show_count: i64,
    /// Last phone verification.
    pub last_verified_at: Option<String>,
    /// When the data expires (24 months after the last booking, or creation).
    pub retention_expires_at: String,
    /// Same, epoch ms.
    pub retention_expires_at_ms: i64,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<Customer> for CustomerOut {
    fn from(c: Customer) -> Self {
        let exp = retention_expires_at_ms(&c);
        Self {
            id: c.id.to_string(),
            name: c.name,
            phone: c.phone,
            email: c.email,
            language: c.language,
            notes: c.notes,
            tags: list(&c.tags),
            requirements: list(&c.requirements),
            marketing_consent: c.marketing_consent,
            marketing_consent_at: ots(c.marketing_consent_at_ms),
            marketing_consent_source: c.marketing_consent_source,
            first_booking_at: ots(c.first_booking_at_ms),
            last_booking_at: ots(c.last_booking_at_ms),
            booking_count: c.booking_count,
            no_show_count: c.no_show_count,
            last_verified_at: ots(c.last_verified_at_ms),
            retention_expires_at: ts(exp),
            retention_expires_at_ms: exp,
            created_at: ts(c.created_at_ms),
            updated_at: ts(c.updated_at_ms),
        }
    }
}

fn many<T, O: From<T>>(v: Vec<T>) -> Json<Vec<O>> {
    Json(v.into_iter().map(Into::into).collect())
}

// ---------------------------------------------------------------------------------------------
// Resources

/// Filter of the resource list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct KindQuery {
    /// staff, room, equipment or table.
    pub kind: Option<String>,
}

/// Resources of a location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/resources", tag = "catalogue", params(("id" = String, Path, description = "loc_…"), KindQuery),
    responses((status = 200, body = [ResourceOut]), (status = 404)))]
pub async fn list_resources(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    q: Result<Query<KindQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<ResourceOut>>> {
    let q = query(q)?;
    Ok(many(
        state.app.resources(&ctx, id, q.kind.as_deref()).await?,
    ))
}

/// Adds a resource (owners, admins).
#[utoipa::path(post, path = "/api/v1/locations/{id}/resources", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = ResourceIn,
    responses((status = 201, body = ResourceOut), (status = 404), (status = 409, description = "name_taken"), (status = 422)))]
pub async fn create_resource(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<ResourceIn>,
) -> ApiResult<(StatusCode, Json<ResourceOut>)> {
    let r = state.app.create_resource(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// One resource.
#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "catalogue", params(("id" = String, Path, description = "res_…")),
    responses((status = 200, body = ResourceOut), (status = 404)))]
pub async fn get_resource(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ResourceId>,
) -> ApiResult<Json<ResourceOut>> {
    Ok(Json(state.app.resource(&ctx, id).await?.into()))
}

/// Changes some fields of a resource (owners, admins).
#[utoipa::path(patch, path = "/api/v1/resources/{id}", tag = "catalogue", params(("id" = String, Path, description = "res_…")), request_body = ResourceIn,
    responses((status = 200, body = ResourceOut), (status = 404), (status = 409), (status = 422)))]
pub async fn update_resource(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ResourceId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<ResourceOut>> {
    let old = state.app.resource(&ctx, id).await?;
    let input = merge(&ResourceIn::from_row(&old), b)?;
    Ok(Json(
        state.app.update_resource(&ctx, id, &input).await?.into(),
    ))
}

/// Deletes a resource (owners, admins).
#[utoipa::path(delete, path = "/api/v1/resources/{id}", tag = "catalogue", params(("id" = String, Path, description = "res_…")),
    responses((status = 204), (status = 404), (status = 409, description = "in_use")))]
pub async fn delete_resource(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ResourceId>,
) -> ApiResult<StatusCode> {
    state.app.delete_resource(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A resource's own weekly hours.
#[utoipa::path(get, path = "/api/v1/resources/{id}/hours", tag = "catalogue", params(("id" = String, Path, description = "res_…")),
    responses((status = 200, body = WeeklyHoursOut), (status = 404)))]
pub async fn get_resource_hours(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ResourceId>,
) -> ApiResult<Json<WeeklyHoursOut>> {
    let r = state.app.resource(&ctx, id).await?;
    let rows = state
        .app
        .weekly_hours(&ctx, r.location_id, Some(id))
        .await?;
    Ok(Json(hours_out(r.location_id, Some(id), rows)))
}

/// Replaces a resource's whole weekly schedule (owners, admins); empty = follow the location.
#[utoipa::path(put, path = "/api/v1/resources/{id}/hours", tag = "catalogue", params(("id" = String, Path, description = "res_…")), request_body = WeeklyHoursIn,
    responses((status = 200, body = WeeklyHoursOut), (status = 404), (status = 422)))]
pub async fn put_resource_hours(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ResourceId>,
    JsonBody(b): JsonBody<WeeklyHoursIn>,
) -> ApiResult<Json<WeeklyHoursOut>> {
    let r = state.app.resource(&ctx, id).await?;
    let rows = state
        .app
        .replace_weekly_hours(&ctx, r.location_id, Some(id), &b)
        .await?;
    Ok(Json(hours_out(r.location_id, Some(id), rows)))
}

// ---------------------------------------------------------------------------------------------
// Areas

/// Areas of a location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/areas", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = [AreaOut]), (status = 404)))]
pub async fn list_areas(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<Vec<AreaOut>>> {
    Ok(many(state.app.areas(&ctx, id).await?))
}

/// Adds an area (owners, admins).
#[utoipa::path(post, path = "/api/v1/locations/{id}/areas", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = AreaIn,
    responses((status = 201, body = AreaOut), (status = 404), (status = 409), (status = 422)))]
pub async fn create_area(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<AreaIn>,
) -> ApiResult<(StatusCode, Json<AreaOut>)> {
    let a = state.app.create_area(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One area.
#[utoipa::path(get, path = "/api/v1/areas/{id}", tag = "catalogue", params(("id" = String, Path, description = "area_…")),
    responses((status = 200, body = AreaOut), (status = 404)))]
pub async fn get_area(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<AreaId>,
) -> ApiResult<Json<AreaOut>> {
    Ok(Json(state.app.area(&ctx, id).await?.into()))
}

/// Changes an area (owners, admins).
#[utoipa::path(patch, path = "/api/v1/areas/{id}", tag = "catalogue", params(("id" = String, Path, description = "area_…")), request_body = AreaIn,
    responses((status = 200, body = AreaOut), (status = 404), (status = 422)))]
pub async fn update_area(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<AreaId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<AreaOut>> {
    let old = state.app.area(&ctx, id).await?;
    let input = merge(
        &AreaIn {
            name: old.name,
            sort_order: old.sort_order,
        },
        b,
    )?;
    Ok(Json(state.app.update_area(&ctx, id, &input).await?.into()))
}

/// Deletes an area; its tables stay (owners, admins).
#[utoipa::path(delete, path = "/api/v1/areas/{id}", tag = "catalogue", params(("id" = String, Path, description = "area_…")),
    responses((status = 204), (status = 404)))]
pub async fn delete_area(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<AreaId>,
) -> ApiResult<StatusCode> {
    state.app.delete_area(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Table combinations

/// Table combinations of a location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/combos", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = [ComboOut]), (status = 404)))]
pub async fn list_combos(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<Vec<ComboOut>>> {
    Ok(many(state.app.combos(&ctx, id).await?))
}

/// Adds a table combination (owners, admins).
#[utoipa::path(post, path = "/api/v1/locations/{id}/combos", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = ComboIn,
    responses((status = 201, body = ComboOut), (status = 404), (status = 422)))]
pub async fn create_combo(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<ComboIn>,
) -> ApiResult<(StatusCode, Json<ComboOut>)> {
    let c = state.app.create_combo(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One table combination.
#[utoipa::path(get, path = "/api/v1/combos/{id}", tag = "catalogue", params(("id" = String, Path, description = "cmb_…")),
    responses((status = 200, body = ComboOut), (status = 404)))]
pub async fn get_combo(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ComboId>,
) -> ApiResult<Json<ComboOut>> {
    Ok(Json(state.app.combo(&ctx, id).await?.into()))
}

/// Changes a table combination (owners, admins).
#[utoipa::path(patch, path = "/api/v1/combos/{id}", tag = "catalogue", params(("id" = String, Path, description = "cmb_…")), request_body = ComboIn,
    responses((status = 200, body = ComboOut), (status = 404), (status = 422)))]
pub async fn update_combo(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ComboId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<ComboOut>> {
    let old = state.app.combo(&ctx, id).await?;
    let input = merge(
        &ComboIn {
            name: old.name,
            min_seats: old.min_seats,
            max_seats: old.max_seats,
            table_ids: old.members,
        },
        b,
    )?;
    Ok(Json(state.app.update_combo(&ctx, id, &input).await?.into()))
}

/// Deletes a table combination (owners, admins).
#[utoipa::path(delete, path = "/api/v1/combos/{id}", tag = "catalogue", params(("id" = String, Path, description = "cmb_…")),
    responses((status = 204), (status = 404)))]
pub async fn delete_combo(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ComboId>,
) -> ApiResult<StatusCode> {
    state.app.delete_combo(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Location hours and exceptions

/// The location's weekly opening hours.
#[utoipa::path(get, path = "/api/v1/locations/{id}/hours", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = WeeklyHoursOut), (status = 404)))]
pub async fn get_location_hours(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<WeeklyHoursOut>> {
    let rows = state.app.weekly_hours(&ctx, id, None).await?;
    Ok(Json(hours_out(id, None, rows)))
}

/// Replaces the location's whole weekly opening hours (owners, admins).
#[utoipa::path(put, path = "/api/v1/locations/{id}/hours", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = WeeklyHoursIn,
    responses((status = 200, body = WeeklyHoursOut), (status = 404), (status = 422)))]
pub async fn put_location_hours(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<WeeklyHoursIn>,
) -> ApiResult<Json<WeeklyHoursOut>> {
    let rows = state.app.replace_weekly_hours(&ctx, id, None, &b).await?;
    Ok(Json(hours_out(id, None, rows)))
}

/// Range of the exception list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// From (RFC 3339; default now).
    pub from: Option<String>,
    /// To (RFC 3339, exclusive; default 90 days after from; at most 366 days after).
    pub to: Option<String>,
}

fn parse_q_ts(field: &str, v: Option<&str>) -> ApiResult<Option<i64>> {
    match v {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_millisecond()))
            .map_err(|_| {
                ApiError::invalid(
                    field,
                    "must be an RFC 3339 instant, e.g. 2026-11-23T10:00:00Z",
                )
            }),
    }
}

/// Schedule exceptions of a location and its resources overlapping a range.
#[utoipa::path(get, path = "/api/v1/locations/{id}/exceptions", tag = "catalogue", params(("id" = String, Path, description = "loc_…"), RangeQuery),
    responses((status = 200, body = [ExceptionOut]), (status = 404), (status = 422)))]
pub async fn list_exceptions(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    q: Result<Query<RangeQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<ExceptionOut>>> {
    let q = query(q)?;
    let from = parse_q_ts("from", q.from.as_deref())?.unwrap_or_else(|| state.app.now_ms());
    let to = parse_q_ts("to", q.to.as_deref())?.unwrap_or(from + 90 * 24 * 3600 * 1000);
    Ok(many(state.app.exceptions(&ctx, id, from, to).await?))
}

/// Adds a schedule exception: time off, break, holiday, maintenance or extra hours (owners,
/// admins, receptionists; professionals for their own resource).
#[utoipa::path(post, path = "/api/v1/locations/{id}/exceptions", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = ExceptionIn,
    responses((status = 201, body = ExceptionOut), (status = 403), (status = 404), (status = 422)))]
pub async fn create_exception(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<ExceptionIn>,
) -> ApiResult<(StatusCode, Json<ExceptionOut>)> {
    let e = state.app.create_exception(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// Deletes a schedule exception.
#[utoipa::path(delete, path = "/api/v1/exceptions/{id}", tag = "catalogue", params(("id" = String, Path, description = "exc_…")),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_exception(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ExceptionId>,
) -> ApiResult<StatusCode> {
    state.app.delete_exception(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Services

/// Services of a location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/services", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = [ServiceOut]), (status = 404)))]
pub async fn list_services(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<Vec<ServiceOut>>> {
    Ok(many(state.app.services(&ctx, id).await?))
}

/// Adds a service (owners, admins).
#[utoipa::path(post, path = "/api/v1/locations/{id}/services", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = ServiceIn,
    responses((status = 201, body = ServiceOut), (status = 404), (status = 409, description = "name_taken"), (status = 422)))]
pub async fn create_service(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<ServiceIn>,
) -> ApiResult<(StatusCode, Json<ServiceOut>)> {
    let s = state.app.create_service(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// One service with its staff and requirement groups.
#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "catalogue", params(("id" = String, Path, description = "svc_…")),
    responses((status = 200, body = ServiceOut), (status = 404)))]
pub async fn get_service(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ServiceId>,
) -> ApiResult<Json<ServiceOut>> {
    let (s, staff, req) = state.app.service(&ctx, id).await?;
    let mut out = ServiceOut::from(s);
    out.staff = Some(staff_out(staff));
    out.requirements = Some(groups_out(req));
    Ok(Json(out))
}

/// Changes some fields of a service (owners, admins).
#[utoipa::path(patch, path = "/api/v1/services/{id}", tag = "catalogue", params(("id" = String, Path, description = "svc_…")), request_body = ServiceIn,
    responses((status = 200, body = ServiceOut), (status = 404), (status = 409), (status = 422)))]
pub async fn update_service(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ServiceId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<ServiceOut>> {
    let (old, _, _) = state.app.service(&ctx, id).await?;
    let mut base = ServiceIn::from_row(&old);
    // A new duration without new segments means one work segment of that length.
    if b.get("duration_min").is_some() && b.get("segments").is_none() {
        base.segments = None;
    }
    let input = merge(&base, b)?;
    Ok(Json(
        state.app.update_service(&ctx, id, &input).await?.into(),
    ))
}

/// Deletes a service (owners, admins).
#[utoipa::path(delete, path = "/api/v1/services/{id}", tag = "catalogue", params(("id" = String, Path, description = "svc_…")),
    responses((status = 204), (status = 404), (status = 409, description = "in_use")))]
pub async fn delete_service(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ServiceId>,
) -> ApiResult<StatusCode> {
    state.app.delete_service(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the staff who perform a service, with overrides (owners, admins).
#[utoipa::path(put, path = "/api/v1/services/{id}/staff", tag = "catalogue", params(("id" = String, Path, description = "svc_…")), request_body = ServiceStaffIn,
    responses((status = 200, body = [ServiceStaffOut]), (status = 404), (status = 422)))]
pub async fn put_service_staff(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ServiceId>,
    JsonBody(b): JsonBody<ServiceStaffIn>,
) -> ApiResult<Json<Vec<ServiceStaffOut>>> {
    Ok(Json(staff_out(
        state.app.set_service_staff(&ctx, id, &b).await?,
    )))
}

/// Replaces the rooms/equipment a service needs (one of each group; owners, admins).
#[utoipa::path(put, path = "/api/v1/services/{id}/requirements", tag = "catalogue", params(("id" = String, Path, description = "svc_…")), request_body = RequirementsIn,
    responses((status = 200, body = Vec<Vec<String>>), (status = 404), (status = 422)))]
pub async fn put_service_requirements(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<ServiceId>,
    JsonBody(b): JsonBody<RequirementsIn>,
) -> ApiResult<Json<Vec<Vec<String>>>> {
    Ok(Json(groups_out(
        state.app.set_service_requirements(&ctx, id, &b).await?,
    )))
}

// ---------------------------------------------------------------------------------------------
// Booking rules and service periods

/// A location's booking rules (defaults if never set).
#[utoipa::path(get, path = "/api/v1/locations/{id}/booking-rules", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = BookingRulesOut), (status = 404)))]
pub async fn get_booking_rules(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<BookingRulesOut>> {
    Ok(Json(state.app.booking_rules(&ctx, id).await?.into()))
}

/// Sets a location's booking rules; absent fields take the defaults (owners, admins).
#[utoipa::path(put, path = "/api/v1/locations/{id}/booking-rules", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = BookingRulesIn,
    responses((status = 200, body = BookingRulesOut), (status = 404), (status = 422)))]
pub async fn put_booking_rules(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<BookingRulesIn>,
) -> ApiResult<Json<BookingRulesOut>> {
    Ok(Json(
        state.app.set_booking_rules(&ctx, id, &b).await?.into(),
    ))
}

/// Service periods of a location.
#[utoipa::path(get, path = "/api/v1/locations/{id}/periods", tag = "catalogue", params(("id" = String, Path, description = "loc_…")),
    responses((status = 200, body = [PeriodOut]), (status = 404)))]
pub async fn list_periods(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
) -> ApiResult<Json<Vec<PeriodOut>>> {
    Ok(many(state.app.periods(&ctx, id).await?))
}

/// Adds a service period (owners, admins).
#[utoipa::path(post, path = "/api/v1/locations/{id}/periods", tag = "catalogue", params(("id" = String, Path, description = "loc_…")), request_body = PeriodIn,
    responses((status = 201, body = PeriodOut), (status = 404), (status = 422)))]
pub async fn create_period(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<LocationId>,
    JsonBody(b): JsonBody<PeriodIn>,
) -> ApiResult<(StatusCode, Json<PeriodOut>)> {
    let p = state.app.create_period(&ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// One service period.
#[utoipa::path(get, path = "/api/v1/periods/{id}", tag = "catalogue", params(("id" = String, Path, description = "per_…")),
    responses((status = 200, body = PeriodOut), (status = 404)))]
pub async fn get_period(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<PeriodId>,
) -> ApiResult<Json<PeriodOut>> {
    Ok(Json(state.app.period(&ctx, id).await?.into()))
}

/// Changes some fields of a service period (owners, admins).
#[utoipa::path(patch, path = "/api/v1/periods/{id}", tag = "catalogue", params(("id" = String, Path, description = "per_…")), request_body = PeriodIn,
    responses((status = 200, body = PeriodOut), (status = 404), (status = 422)))]
pub async fn update_period(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<PeriodId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<PeriodOut>> {
    let old = state.app.period(&ctx, id).await?;
    let input = merge(&PeriodIn::from_row(&old), b)?;
    Ok(Json(
        state.app.update_period(&ctx, id, &input).await?.into(),
    ))
}

/// Deletes a service period (owners, admins).
#[utoipa::path(delete, path = "/api/v1/periods/{id}", tag = "catalogue", params(("id" = String, Path, description = "per_…")),
    responses((status = 204), (status = 404)))]
pub async fn delete_period(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<PeriodId>,
) -> ApiResult<StatusCode> {
    state.app.delete_period(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Customers

/// Customer search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Text in the name, phone or e-mail.
    pub q: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// Page size, 1..=200 (default 50).
    pub limit: Option<i64>,
    /// Cursor: the last `cus_…` of the previous page.
    pub after: Option<String>,
}

/// Customers, oldest first, searched and paged.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = [CustomerOut]), (status = 422)))]
pub async fn list_customers(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    q: Result<Query<CustomerQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<CustomerOut>>> {
    let q = query(q)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 200"));
    }
    let after = match q.after.as_deref() {
        Some(a) => Some(
            a.parse::<CustomerId>()
                .map_err(|_| ApiError::invalid("after", "must be a customer id (cus_…)"))?,
        ),
        None => None,
    };
    let f = CustomerFilter {
        search: q.q.filter(|s| !s.trim().is_empty()),
        tag: q.tag.filter(|s| !s.trim().is_empty()),
        limit,
        after,
    };
    Ok(many(state.app.customers(&ctx, &f).await?))
}

/// Adds a customer (owners, admins, receptionists); 409 `customer_exists` if the phone or
/// e-mail is already a customer's.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerIn,
    responses((status = 201, body = CustomerOut), (status = 403), (status = 409, description = "customer_exists"), (status = 422)))]
pub async fn create_customer(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    JsonBody(b): JsonBody<CustomerIn>,
) -> ApiResult<(StatusCode, Json<CustomerOut>)> {
    let c = state.app.create_customer(&ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path, description = "cus_…")),
    responses((status = 200, body = CustomerOut), (status = 404)))]
pub async fn get_customer(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<CustomerId>,
) -> ApiResult<Json<CustomerOut>> {
    Ok(Json(state.app.customer(&ctx, id).await?.into()))
}

/// Changes some fields of a customer (owners, admins, receptionists).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path, description = "cus_…")), request_body = CustomerIn,
    responses((status = 200, body = CustomerOut), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_customer(
    State(state): State<AppState>,
    Staff(ctx): Staff,
    IdPath(id): IdPath<CustomerId>,
    JsonBody(b): JsonBody<Value>,
) -> ApiResult<Json<CustomerOut>> {
    let old = state.app.customer(&ctx, id).await?;
    let input = merge(&CustomerIn::from_row(&old), b)?;
    Ok(Json(
        state.app.update_customer(&ctx, id, &input).await?.into(),
    ))
}
