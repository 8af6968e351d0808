//! The catalogue (promises C2, C3, B3): resources (staff, rooms, equipment, tables), restaurant
//! areas and table combinations, weekly hours, schedule exceptions, services with staff overrides
//! and resource requirements, booking rules and restaurant service periods.
//!
//! Owners and admins manage the catalogue; receptionists also manage exceptions (time off,
//! closures); professionals manage their own time off; support is read-only. Every id in a body
//! must name something of this business and of the same location, else nothing is written and
//! the answer names the field ([`AppError::MissingRef`]).

use std::collections::BTreeSet;

use frontdesk_core::validate::{self, Invalid};
use frontdesk_core::*;
use frontdesk_store::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::error::Validator;
use crate::{App, AppError, AppResult, Ctx};

/// Requirement tags a table (or a customer) may carry.
pub const REQUIREMENT_TAGS: &[&str] = &[
    "accessible",
    "pets",
    "stroller",
    "high_chair",
    "window",
    "quiet",
    "outdoor",
    "private",
    "bar",
    "smoking",
];

/// Resource kinds.
pub const RESOURCE_KINDS: &[&str] = &["staff", "room", "equipment", "table"];
/// Table shapes.
pub const TABLE_SHAPES: &[&str] = &["round", "square", "rect", "booth", "bar"];
/// Table inventory classes.
pub const INVENTORIES: &[&str] = &["online", "in_house", "walk_in"];

/// Longest schedule exception.
pub const MAX_EXCEPTION_MS: i64 = 366 * 24 * 3600 * 1000;

pub(crate) fn range(v: &mut Validator, field: &str, value: i64, lo: i64, hi: i64) -> Option<i64> {
    v.check(if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("must be between {lo} and {hi}"),
        ))
    })
}

pub(crate) fn opt_range(
    v: &mut Validator,
    field: &str,
    value: Option<i64>,
    lo: i64,
    hi: i64,
) -> Option<Option<i64>> {
    match value {
        None => Some(None),
        Some(x) => range(v, field, x, lo, hi).map(Some),
    }
}

pub(crate) fn one_of(
    v: &mut Validator,
    field: &str,
    value: &str,
    allowed: &[&str],
) -> Option<String> {
    v.check(if allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(Invalid::new(
            field,
            format!("must be one of: {}", allowed.join(", ")),
        ))
    })
}

/// Checks tags against the fixed vocabulary; returns them sorted, deduplicated, as JSON.
pub(crate) fn vocab_tags(v: &mut Validator, field: &str, tags: &[String]) -> Option<String> {
    let mut out = BTreeSet::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if !REQUIREMENT_TAGS.contains(&t.as_str()) {
            v.0.push(Invalid::new(
                field,
                format!("unknown tag {t:?}: use {}", REQUIREMENT_TAGS.join(", ")),
            ));
            return None;
        }
        out.insert(t);
    }
    Some(serde_json::to_string(&out.into_iter().collect::<Vec<_>>()).expect("json"))
}

pub(crate) fn parse_instant(v: &mut Validator, field: &str, s: &str) -> Option<i64> {
    v.check(
        s.trim()
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .map_err(|_| {
                Invalid::new(
                    field,
                    "must be an RFC 3339 instant such as 2026-05-01T09:00:00Z",
                )
            }),
    )
}

/// Epoch ms → RFC 3339.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

impl Ctx {
    /// Fails unless the role manages the catalogue (owner, admin).
    pub fn require_manage(&self) -> AppResult<()> {
        if self.role.can_manage() {
            Ok(())
        } else if !self.role.can_write() {
            Err(AppError::Forbidden("read_only"))
        } else {
            Err(AppError::Forbidden("manager_only"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// A resource to create or replace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceIn {
    /// `staff`, `room`, `equipment` or `table` (cannot change later).
    pub kind: String,
    /// Name, unique per location and kind.
    pub name: String,
    /// Description or staff profile.
    #[serde(default)]
    pub description: Option<String>,
    /// Team member this staff resource belongs to (`usr_…`, staff only).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<UserId>,
    /// Units (equipment only; 1..=100).
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Area (`area_…`, tables only).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub area_id: Option<AreaId>,
    /// Fewest seats (tables, 1..=50).
    #[serde(default)]
    pub min_seats: Option<i64>,
    /// Most seats (tables, 1..=50).
    #[serde(default)]
    pub max_seats: Option<i64>,
    /// `round`, `square`, `rect`, `booth`, `bar` (tables).
    #[serde(default)]
    pub shape: Option<String>,
    /// Floor-plan x, 0..=1000 (tables).
    #[serde(default)]
    pub pos_x: Option<i64>,
    /// Floor-plan y, 0..=1000 (tables).
    #[serde(default)]
    pub pos_y: Option<i64>,
    /// Requirement tags (accessible, pets, stroller, high_chair, window, quiet…).
    #[serde(default)]
    pub tags: Vec<String>,
    /// `online`, `in_house` or `walk_in` (tables; default online).
    #[serde(default)]
    pub inventory: Option<String>,
    /// Has its own weekly hours (else follows the location's).
    #[serde(default)]
    pub own_hours: bool,
    /// `#rrggbb`.
    #[serde(default)]
    pub colour: Option<String>,
    /// Display order.
    #[serde(default)]
    pub sort_order: i64,
    /// Bookable (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl ResourceIn {
    /// The input that recreates a stored resource (base for partial updates).
    pub fn from_row(r: &Resource) -> Self {
        Self {
            kind: r.kind.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            user_id: r.user_id,
            quantity: Some(r.quantity),
            area_id: r.area_id,
            min_seats: r.min_seats,
            max_seats: r.max_seats,
            shape: r.shape.clone(),
            pos_x: r.pos_x,
            pos_y: r.pos_y,
            tags: json_list(&r.tags),
            inventory: Some(r.inventory.clone()),
            own_hours: r.own_hours,
            colour: r.colour.clone(),
            sort_order: r.sort_order,
            active: r.active,
        }
    }
}

/// An area to create or replace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaIn {
    /// Name (Indoor, Terrace…).
    pub name: String,
    /// Display order.
    #[serde(default)]
    pub sort_order: i64,
}

/// A table combination to create or replace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComboIn {
    /// Name.
    pub name: String,
    /// Fewest seats.
    pub min_seats: i64,
    /// Most seats.
    pub max_seats: i64,
    /// The tables combined (2..=10, `res_…` of kind table, same location).
    #[schema(value_type = Vec<String>)]
    pub table_ids: Vec<ResourceId>,
}

/// One weekly interval.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntervalIn {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// Minutes from midnight, 0..=1439.
    pub start_min: i64,
    /// Minutes from midnight, 1..=1440, after start.
    pub end_min: i64,
}

/// A whole weekly schedule. Breaks are the gaps between a day's intervals.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHoursIn {
    /// The intervals (at most 70, not overlapping).
    pub intervals: Vec<IntervalIn>,
}

/// A schedule exception to create.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionIn {
    /// The resource (`res_…`); absent = the whole location (holiday, closure).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub resource_id: Option<ResourceId>,
    /// `closed` (time off, break, holiday, maintenance) or `open` (extra hours). Default closed.
    #[serde(default)]
    pub kind: Option<String>,
    /// Start, RFC 3339.
    pub starts_at: String,
    /// End, RFC 3339, after start, at most 366 days later.
    pub ends_at: String,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One segment of a service: work or a processing gap (others can be served meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Segment {
    /// Minutes of work.
    Work(i64),
    /// Minutes of processing gap.
    Gap(i64),
}

/// A service to create or replace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceIn {
    /// Name, unique per location.
    pub name: String,
    /// Category.
    #[serde(default)]
    pub category: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Total minutes, 5..=720.
    pub duration_min: i64,
    /// Work and gap segments summing to the duration; default one work segment.
    #[serde(default)]
    pub segments: Option<Vec<Segment>>,
    /// Price in minor units, 0..=10^9.
    pub price_minor: i64,
    /// ISO 4217; default the location's currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Buffer before, 0..=240.
    #[serde(default)]
    pub buffer_before_min: i64,
    /// Buffer after, 0..=240.
    #[serde(default)]
    pub buffer_after_min: i64,
    /// Places per session, 1..=100.
    #[serde(default = "one")]
    pub capacity: i64,
    /// Bookable online (default true).
    #[serde(default = "yes")]
    pub online_bookable: bool,
    /// A service that must be booked first (`svc_…`, same location).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub prerequisite_service_id: Option<ServiceId>,
    /// Promotional price in minor units.
    #[serde(default)]
    pub promo_price_minor: Option<i64>,
    /// Promotion start, RFC 3339.
    #[serde(default)]
    pub promo_starts_at: Option<String>,
    /// Promotion end, RFC 3339.
    #[serde(default)]
    pub promo_ends_at: Option<String>,
    /// `#rrggbb`.
    #[serde(default)]
    pub colour: Option<String>,
    /// Display order.
    #[serde(default)]
    pub sort_order: i64,
    /// Offered (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

fn one() -> i64 {
    1
}

impl ServiceIn {
    /// The input that recreates a stored service (base for partial updates).
    pub fn from_row(s: &Service) -> Self {
        Self {
            name: s.name.clone(),
            category: s.category.clone(),
            description: s.description.clone(),
            duration_min: s.duration_min,
            segments: serde_json::from_str(&s.segments).ok(),
            price_minor: s.price_minor,
            currency: Some(s.currency.clone()),
            buffer_before_min: s.buffer_before_min,
            buffer_after_min: s.buffer_after_min,
            capacity: s.capacity,
            online_bookable: s.online_bookable,
            prerequisite_service_id: s.prerequisite_service_id,
            promo_price_minor: s.promo_price_minor,
            promo_starts_at: s.promo_starts_at_ms.map(rfc3339),
            promo_ends_at: s.promo_ends_at_ms.map(rfc3339),
            colour: s.colour.clone(),
            sort_order: s.sort_order,
            active: s.active,
        }
    }
}

/// One staff member of a service with optional overrides.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffLinkIn {
    /// Staff resource (`res_…`, kind staff, same location).
    #[schema(value_type = String)]
    pub resource_id: ResourceId,
    /// Duration override, 5..=720.
    #[serde(default)]
    pub duration_min: Option<i64>,
    /// Price override, 0..=10^9.
    #[serde(default)]
    pub price_minor: Option<i64>,
}

/// The staff who perform a service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceStaffIn {
    /// Staff links (at most 200).
    pub staff: Vec<StaffLinkIn>,
}

/// The resources a service needs: one resource out of each group.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementsIn {
    /// Groups of rooms/equipment (`res_…`), at most 10 groups of at most 50.
    #[schema(value_type = Vec<Vec<String>>)]
    pub groups: Vec<Vec<ResourceId>>,
}

/// Booking rules of a location; absent fields take the defaults.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRulesIn {
    /// Slot step, 5..=240 (default 15).
    #[serde(default = "d_step")]
    pub slot_step_min: i64,
    /// Least notice, 0..=43200 (default 60).
    #[serde(default = "d_notice")]
    pub min_notice_min: i64,
    /// Booking window, 1..=730 days (default 60).
    #[serde(default = "d_window")]
    pub window_days: i64,
    /// Cancel until, 0..=43200 minutes before (default 1440).
    #[serde(default = "d_cutoff")]
    pub cancel_cutoff_min: i64,
    /// Change until, 0..=43200 minutes before (default 1440).
    #[serde(default = "d_cutoff")]
    pub edit_cutoff_min: i64,
    /// Bookings wait for confirmation (default false).
    #[serde(default)]
    pub require_confirmation: bool,
    /// Checkout hold, 1..=60 minutes (default 10).
    #[serde(default = "d_hold")]
    pub hold_minutes: i64,
}

fn d_step() -> i64 {
    15
}
fn d_notice() -> i64 {
    60
}
fn d_window() -> i64 {
    60
}
fn d_cutoff() -> i64 {
    1440
}
fn d_hold() -> i64 {
    10
}

/// Turn time for parties up to a size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnTime {
    /// Largest party this applies to.
    pub max_party: i64,
    /// Minutes the table is held.
    pub minutes: i64,
}

/// A restaurant service period to create or replace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodIn {
    /// Name (Lunch, Dinner).
    pub name: String,
    /// Weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<i64>,
    /// First seating, minutes from midnight.
    pub start_min: i64,
    /// Last seating, minutes from midnight (not before the first).
    pub last_seating_min: i64,
    /// Slot step, 5..=120 (default 15).
    #[serde(default = "d_step")]
    pub slot_step_min: i64,
    /// Turn times by party size, ascending.
    pub turn_times: Vec<TurnTime>,
    /// Most covers starting in one slot.
    #[serde(default)]
    pub max_covers_per_slot: Option<i64>,
    /// Pacing window, minutes.
    #[serde(default)]
    pub pacing_interval_min: Option<i64>,
    /// Most covers per pacing window.
    #[serde(default)]
    pub pacing_max_covers: Option<i64>,
    /// Share of covers bookable online, 0..=100.
    #[serde(default)]
    pub online_share_pct: Option<i64>,
}

impl PeriodIn {
    /// The input that recreates a stored period (base for partial updates).
    pub fn from_row(p: &ServicePeriod) -> Self {
        Self {
            name: p.name.clone(),
            weekdays: weekdays_of(&p.weekdays),
            start_min: p.start_min,
            last_seating_min: p.last_seating_min,
            slot_step_min: p.slot_step_min,
            turn_times: serde_json::from_str(&p.turn_times).unwrap_or_default(),
            max_covers_per_slot: p.max_covers_per_slot,
            pacing_interval_min: p.pacing_interval_min,
            pacing_max_covers: p.pacing_max_covers,
            online_share_pct: p.online_share_pct,
        }
    }
}

/// Weekdays stored as `1,2,3`.
pub fn weekdays_of(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|d| d.trim().parse().ok()).collect()
}

// ---------------------------------------------------------------------------------------------
// Use cases

impl App {
    async fn own_location(&self, ctx: &Ctx, id: LocationId) -> AppResult<Location> {
        self.store
            .tenant(ctx.tenant)
            .location(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// A resource of this business and location, else `MissingRef(field)`.
    async fn ref_resource(
        &self,
        ctx: &Ctx,
        field: &'static str,
        id: ResourceId,
        location: LocationId,
        kinds: &[&str],
    ) -> AppResult<Resource> {
        match self.store.tenant(ctx.tenant).resource(id).await? {
            Some(r) if r.location_id == location => {
                if kinds.contains(&r.kind.as_str()) {
                    Ok(r)
                } else {
                    Err(AppError::invalid(
                        field,
                        &format!("must be a resource of kind {}", kinds.join(" or ")),
                    ))
                }
            }
            _ => Err(AppError::MissingRef(field)),
        }
    }

    // ----- resources -----

    /// Resources of a location, optionally of one kind.
    pub async fn resources(
        &self,
        ctx: &Ctx,
        location: LocationId,
        kind: Option<&str>,
    ) -> AppResult<Vec<Resource>> {
        self.own_location(ctx, location).await?;
        if let Some(k) = kind
            && !RESOURCE_KINDS.contains(&k)
        {
            return Err(AppError::invalid(
                "kind",
                "must be one of: staff, room, equipment, table",
            ));
        }
        Ok(self
            .store
            .tenant(ctx.tenant)
            .resources(location, kind)
            .await?)
    }

    /// One resource.
    pub async fn resource(&self, ctx: &Ctx, id: ResourceId) -> AppResult<Resource> {
        self.store
            .tenant(ctx.tenant)
            .resource(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn validate_resource(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ResourceIn,
        id: ResourceId,
        created: i64,
    ) -> AppResult<Resource> {
        let now = self.now_ms();
        let mut v = Validator::default();
        let kind = one_of(&mut v, "kind", input.kind.trim(), RESOURCE_KINDS);
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let desc = v.check(validate::opt_text(
            "description",
            input.description.as_deref(),
            2000,
            true,
        ));
        let is = |k: &str| kind.as_deref() == Some(k);
        let quantity = match input.quantity {
            Some(q) if is("equipment") => range(&mut v, "quantity", q, 1, 100),
            Some(1) | None => Some(1),
            Some(_) => {
                v.0.push(Invalid::new("quantity", "is only for equipment"));
                None
            }
        };
        if input.user_id.is_some() && kind.is_some() && !is("staff") {
            v.0.push(Invalid::new("user_id", "is only for staff"));
        }
        let table = is("table");
        let table_only: [(&str, bool); 6] = [
            ("area_id", input.area_id.is_some()),
            ("min_seats", input.min_seats.is_some()),
            ("max_seats", input.max_seats.is_some()),
            ("shape", input.shape.is_some()),
            ("pos_x", input.pos_x.is_some()),
            ("pos_y", input.pos_y.is_some()),
        ];
        if kind.is_some() && !table {
            for (f, set) in table_only {
                if set {
                    v.0.push(Invalid::new(f, "is only for tables"));
                }
            }
        }
        let (min_seats, max_seats) = if table {
            let min = input.min_seats.unwrap_or(1);
            let max = input.max_seats.unwrap_or(min.max(2));
            let a = range(&mut v, "min_seats", min, 1, 50);
            let b = range(&mut v, "max_seats", max, 1, 50);
            if let (Some(a), Some(b)) = (a, b)
                && a > b
            {
                v.0.push(Invalid::new("max_seats", "must not be less than min_seats"));
            }
            (Some(min), Some(max))
        } else {
            (None, None)
        };
        let shape = match input.shape.as_deref() {
            Some(s) if table => one_of(&mut v, "shape", s, TABLE_SHAPES).map(Some),
            _ => Some(None),
        };
        let pos_x = opt_range(&mut v, "pos_x", input.pos_x, 0, 1000);
        let pos_y = opt_range(&mut v, "pos_y", input.pos_y, 0, 1000);
        let tags = vocab_tags(&mut v, "tags", &input.tags);
        let inventory = match input.inventory.as_deref() {
            Some(i) if table => one_of(&mut v, "inventory", i, INVENTORIES),
            Some(i) if i != "online" => {
                v.0.push(Invalid::new("inventory", "is only for tables"));
                None
            }
            _ => Some("online".to_string()),
        };
        let colour = match input
            .colour
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => v.check(validate::colour("colour", c)).map(Some),
            None => Some(None),
        };
        let sort_order = range(&mut v, "sort_order", input.sort_order, -100_000, 100_000);
        v.finish()?;
        // References: the team member, the area.
        if let Some(u) = input.user_id
            && self.store.tenant(ctx.tenant).member(u).await?.is_none()
        {
            return Err(AppError::MissingRef("user_id"));
        }
        if let Some(a) = input.area_id {
            match self.store.tenant(ctx.tenant).area(a).await? {
                Some(area) if area.location_id == location => {}
                _ => return Err(AppError::MissingRef("area_id")),
            }
        }
        Ok(Resource {
            tenant_id: ctx.tenant,
            id,
            location_id: location,
            kind: kind.expect("valid"),
            name: name.expect("valid"),
            description: desc.expect("valid"),
            user_id: input.user_id,
            quantity: quantity.expect("valid"),
            area_id: input.area_id,
            min_seats,
            max_seats,
            shape: shape.expect("valid"),
            pos_x: pos_x.expect("valid"),
            pos_y: pos_y.expect("valid"),
            tags: tags.expect("valid"),
            inventory: inventory.expect("valid"),
            own_hours: input.own_hours,
            colour: colour.expect("valid"),
            sort_order: sort_order.expect("valid"),
            active: input.active,
            created_at_ms: created,
            updated_at_ms: now,
        })
    }

    /// Adds a resource to a location (owners, admins).
    pub async fn create_resource(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ResourceIn,
    ) -> AppResult<Resource> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let now = self.now_ms();
        let r = self
            .validate_resource(ctx, location, input, ResourceId::new(), now)
            .await?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_resource(&r).await?;
        ctx.audit(
            &mut tx,
            now,
            "resource.created",
            Some(r.id.to_string()),
            json!({ "kind": r.kind, "name": r.name, "location_id": location.to_string() }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(r)
    }

    /// Replaces a resource's fields (owners, admins). The kind cannot change.
    pub async fn update_resource(
        &self,
        ctx: &Ctx,
        id: ResourceId,
        input: &ResourceIn,
    ) -> AppResult<Resource> {
        ctx.require_manage()?;
        let old = self.resource(ctx, id).await?;
        if input.kind.trim() != old.kind {
            return Err(AppError::invalid(
                "kind",
                "cannot change; create a new resource",
            ));
        }
        let r = self
            .validate_resource(ctx, old.location_id, input, id, old.created_at_ms)
            .await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_resource(&r).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            now,
            "resource.updated",
            Some(id.to_string()),
            json!({ "name": [old.name, r.name], "active": [old.active, r.active] }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(r)
    }

    /// Deletes a resource with its hours, exceptions and links (owners, admins).
    pub async fn delete_resource(&self, ctx: &Ctx, id: ResourceId) -> AppResult<()> {
        ctx.require_manage()?;
        let old = self.resource(ctx, id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_resource(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "resource.deleted",
            Some(id.to_string()),
            json!({ "kind": old.kind, "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }

    // ----- restaurant set-up -----

    /// Whether a location is set up as a restaurant: it has a table, an area or a service
    /// period. The dashboard shows its restaurant screens (tables, combinations, service
    /// periods) in the catalogue tabs only then.
    pub async fn is_restaurant(&self, ctx: &Ctx, location: LocationId) -> AppResult<bool> {
        self.own_location(ctx, location).await?;
        let r = self.store.tenant(ctx.tenant);
        Ok(!r.resources(location, Some("table")).await?.is_empty()
            || !r.areas(location).await?.is_empty()
            || !r.periods(location).await?.is_empty())
    }

    /// The first location with an active table (where the dashboard's Floor link points), if
    /// the business has one.
    pub async fn floor_location(&self, ctx: &Ctx) -> AppResult<Option<LocationId>> {
        Ok(self.store.tenant(ctx.tenant).first_table_location().await?)
    }

    // ----- areas -----

    /// Areas of a location.
    pub async fn areas(&self, ctx: &Ctx, location: LocationId) -> AppResult<Vec<Area>> {
        self.own_location(ctx, location).await?;
        Ok(self.store.tenant(ctx.tenant).areas(location).await?)
    }

    /// One area.
    pub async fn area(&self, ctx: &Ctx, id: AreaId) -> AppResult<Area> {
        self.store
            .tenant(ctx.tenant)
            .area(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    fn validate_area(input: &AreaIn) -> AppResult<(String, i64)> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let order = range(&mut v, "sort_order", input.sort_order, -100_000, 100_000);
        v.finish()?;
        Ok((name.expect("valid"), order.expect("valid")))
    }

    /// Adds an area (owners, admins).
    pub async fn create_area(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &AreaIn,
    ) -> AppResult<Area> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let (name, sort_order) = Self::validate_area(input)?;
        let now = self.now_ms();
        let a = Area {
            tenant_id: ctx.tenant,
            id: AreaId::new(),
            location_id: location,
            name,
            sort_order,
            created_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_area(&a).await?;
        ctx.audit(
            &mut tx,
            now,
            "area.created",
            Some(a.id.to_string()),
            json!({ "name": a.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(a)
    }

    /// Renames or reorders an area (owners, admins).
    pub async fn update_area(&self, ctx: &Ctx, id: AreaId, input: &AreaIn) -> AppResult<Area> {
        ctx.require_manage()?;
        let old = self.area(ctx, id).await?;
        let (name, sort_order) = Self::validate_area(input)?;
        let a = Area {
            name,
            sort_order,
            ..old.clone()
        };
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_area(&a).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "area.updated",
            Some(id.to_string()),
            json!({ "name": [old.name, a.name] }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(a)
    }

    /// Deletes an area; its tables stay without an area (owners, admins).
    pub async fn delete_area(&self, ctx: &Ctx, id: AreaId) -> AppResult<()> {
        ctx.require_manage()?;
        let old = self.area(ctx, id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_area(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "area.deleted",
            Some(id.to_string()),
            json!({ "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }

    // ----- table combinations -----

    /// Table combinations of a location.
    pub async fn combos(&self, ctx: &Ctx, location: LocationId) -> AppResult<Vec<TableCombo>> {
        self.own_location(ctx, location).await?;
        Ok(self.store.tenant(ctx.tenant).combos(location).await?)
    }

    /// One table combination.
    pub async fn combo(&self, ctx: &Ctx, id: ComboId) -> AppResult<TableCombo> {
        self.store
            .tenant(ctx.tenant)
            .combo(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn validate_combo(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ComboIn,
        id: ComboId,
        created: i64,
    ) -> AppResult<TableCombo> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let min = range(&mut v, "min_seats", input.min_seats, 1, 50);
        let max = range(&mut v, "max_seats", input.max_seats, 1, 50);
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            v.0.push(Invalid::new("max_seats", "must not be less than min_seats"));
        }
        let distinct: BTreeSet<ResourceId> = input.table_ids.iter().copied().collect();
        if distinct.len() != input.table_ids.len() {
            v.0.push(Invalid::new("table_ids", "must not repeat a table"));
        } else if !(2..=10).contains(&distinct.len()) {
            v.0.push(Invalid::new("table_ids", "must name 2 to 10 tables"));
        }
        v.finish()?;
        for t in &distinct {
            self.ref_resource(ctx, "table_ids", *t, location, &["table"])
                .await?;
        }
        Ok(TableCombo {
            tenant_id: ctx.tenant,
            id,
            location_id: location,
            name: name.expect("valid"),
            min_seats: input.min_seats,
            max_seats: input.max_seats,
            created_at_ms: created,
            members: distinct.into_iter().collect(),
        })
    }

    /// Adds a table combination (owners, admins).
    pub async fn create_combo(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ComboIn,
    ) -> AppResult<TableCombo> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let now = self.now_ms();
        let c = self
            .validate_combo(ctx, location, input, ComboId::new(), now)
            .await?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_combo(&c).await?;
        ctx.audit(
            &mut tx,
            now,
            "combo.created",
            Some(c.id.to_string()),
            json!({ "name": c.name, "tables": c.members.len() }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(c)
    }

    /// Replaces a table combination (owners, admins).
    pub async fn update_combo(
        &self,
        ctx: &Ctx,
        id: ComboId,
        input: &ComboIn,
    ) -> AppResult<TableCombo> {
        ctx.require_manage()?;
        let old = self.combo(ctx, id).await?;
        let c = self
            .validate_combo(ctx, old.location_id, input, id, old.created_at_ms)
            .await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_combo(&c).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "combo.updated",
            Some(id.to_string()),
            json!({ "name": [old.name, c.name] }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(c)
    }

    /// Deletes a table combination (owners, admins).
    pub async fn delete_combo(&self, ctx: &Ctx, id: ComboId) -> AppResult<()> {
        ctx.require_manage()?;
        let old = self.combo(ctx, id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_combo(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "combo.deleted",
            Some(id.to_string()),
            json!({ "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }

    // ----- hours -----

    /// The weekly schedule of a location (`resource` None) or of one of its resources.
    pub async fn weekly_hours(
        &self,
        ctx: &Ctx,
        location: LocationId,
        resource: Option<ResourceId>,
    ) -> AppResult<Vec<Hours>> {
        self.own_location(ctx, location).await?;
        Ok(self
            .store
            .tenant(ctx.tenant)
            .hours_for(location)
            .await?
            .into_iter()
            .filter(|h| h.resource_id == resource)
            .collect())
    }

    /// Checks a weekly schedule: weekdays, minute ranges, end after start, no overlaps.
    pub fn validate_intervals(intervals: &[IntervalIn]) -> AppResult<Vec<WeeklyHoursRow>> {
        let mut v = Validator::default();
        if intervals.len() > 70 {
            v.0.push(Invalid::new("intervals", "must have at most 70 intervals"));
        }
        let mut rows = Vec::new();
        for (i, iv) in intervals.iter().enumerate() {
            let f = |n: &str| format!("intervals[{i}].{n}");
            let wd = range(&mut v, &f("weekday"), iv.weekday, 1, 7);
            let s = range(&mut v, &f("start_min"), iv.start_min, 0, 1439);
            let e = range(&mut v, &f("end_min"), iv.end_min, 1, 1440);
            if let (Some(s), Some(e)) = (s, e)
                && e <= s
            {
                v.0.push(Invalid::new(f("end_min"), "must be after start_min"));
            }
            if let (Some(weekday), Some(start_min), Some(end_min)) = (wd, s, e) {
                rows.push(WeeklyHoursRow {
                    weekday,
                    start_min,
                    end_min,
                });
            }
        }
        v.finish()?;
        rows.sort_by_key(|r| (r.weekday, r.start_min));
        for w in rows.windows(2) {
            if w[0].weekday == w[1].weekday && w[1].start_min < w[0].end_min {
                return Err(AppError::invalid(
                    "intervals",
                    &format!("intervals overlap on weekday {}", w[0].weekday),
                ));
            }
        }
        Ok(rows)
    }

    /// Replaces a whole weekly schedule (owners, admins). For a resource, it also marks whether
    /// the resource has its own hours (an empty schedule: it follows the location again).
    pub async fn replace_weekly_hours(
        &self,
        ctx: &Ctx,
        location: LocationId,
        resource: Option<ResourceId>,
        input: &WeeklyHoursIn,
    ) -> AppResult<Vec<Hours>> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let res = match resource {
            Some(r) => Some(self.resource(ctx, r).await?).filter(|r| r.location_id == location),
            None => None,
        };
        if resource.is_some() && res.is_none() {
            return Err(AppError::NotFound);
        }
        let rows = Self::validate_intervals(&input.intervals)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let out = tx
            .tenant(ctx.tenant)
            .replace_hours(location, resource, &rows)
            .await?;
        if let Some(mut r) = res {
            r.own_hours = !rows.is_empty();
            r.updated_at_ms = now;
            tx.tenant(ctx.tenant).update_resource(&r).await?;
        }
        ctx.audit(
            &mut tx,
            now,
            "hours.replaced",
            Some(
                resource
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| location.to_string()),
            ),
            json!({ "intervals": rows.len() }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(out)
    }

    // ----- exceptions -----

    /// Exceptions of a location overlapping `[from_ms, to_ms)` (at most 366 days).
    pub async fn exceptions(
        &self,
        ctx: &Ctx,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> AppResult<Vec<ScheduleException>> {
        self.own_location(ctx, location).await?;
        if to_ms <= from_ms {
            return Err(AppError::invalid("to", "must be after from"));
        }
        if to_ms - from_ms > MAX_EXCEPTION_MS {
            return Err(AppError::invalid(
                "to",
                "the range must be at most 366 days",
            ));
        }
        Ok(self
            .store
            .tenant(ctx.tenant)
            .exceptions_between(location, from_ms, to_ms)
            .await?)
    }

    /// May this actor manage exceptions of this resource (None = whole location)?
    async fn may_manage_exception(&self, ctx: &Ctx, resource: Option<&Resource>) -> AppResult<()> {
        ctx.require_write()?;
        match ctx.role {
            Role::Owner | Role::Admin | Role::Receptionist => Ok(()),
            Role::Professional => match (resource, ctx.user_id()) {
                (Some(r), Some(u)) if r.user_id == Some(u) => Ok(()),
                _ => Err(AppError::Forbidden("own_time_off_only")),
            },
            Role::Support => Err(AppError::Forbidden("read_only")),
        }
    }

    /// Adds a schedule exception: time off, a break, a holiday, maintenance, extra hours
    /// (owners, admins, receptionists; professionals for their own resource).
    pub async fn create_exception(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ExceptionIn,
    ) -> AppResult<ScheduleException> {
        ctx.require_write()?;
        self.own_location(ctx, location).await?;
        let mut v = Validator::default();
        let kind = one_of(
            &mut v,
            "kind",
            input.kind.as_deref().unwrap_or("closed"),
            &["closed", "open"],
        );
        let starts = parse_instant(&mut v, "starts_at", &input.starts_at);
        let ends = parse_instant(&mut v, "ends_at", &input.ends_at);
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                v.0.push(Invalid::new("ends_at", "must be after starts_at"));
            } else if e - s > MAX_EXCEPTION_MS {
                v.0.push(Invalid::new(
                    "ends_at",
                    "must be at most 366 days after starts_at",
                ));
            }
        }
        let reason = v.check(validate::opt_text(
            "reason",
            input.reason.as_deref(),
            500,
            true,
        ));
        v.finish()?;
        let res = match input.resource_id {
            Some(r) => Some(
                self.ref_resource(ctx, "resource_id", r, location, RESOURCE_KINDS)
                    .await?,
            ),
            None => None,
        };
        self.may_manage_exception(ctx, res.as_ref()).await?;
        let now = self.now_ms();
        let e = ScheduleException {
            tenant_id: ctx.tenant,
            id: ExceptionId::new(),
            location_id: location,
            resource_id: input.resource_id,
            kind: kind.expect("valid"),
            starts_at_ms: starts.expect("valid"),
            ends_at_ms: ends.expect("valid"),
            reason: reason.expect("valid"),
            created_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_exception(&e).await?;
        ctx.audit(
            &mut tx,
            now,
            "exception.created",
            Some(e.id.to_string()),
            json!({ "kind": e.kind, "resource_id": e.resource_id.map(|r| r.to_string()),
                    "starts_at": rfc3339(e.starts_at_ms), "ends_at": rfc3339(e.ends_at_ms) }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(e)
    }

    /// Deletes a schedule exception (same roles as creating it).
    pub async fn delete_exception(&self, ctx: &Ctx, id: ExceptionId) -> AppResult<()> {
        ctx.require_write()?;
        let e = self
            .store
            .tenant(ctx.tenant)
            .exception(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let res = match e.resource_id {
            Some(r) => self.store.tenant(ctx.tenant).resource(r).await?,
            None => None,
        };
        self.may_manage_exception(ctx, res.as_ref()).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_exception(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "exception.deleted",
            Some(id.to_string()),
            json!({ "kind": e.kind }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }

    // ----- services -----

    /// Services of a location.
    pub async fn services(&self, ctx: &Ctx, location: LocationId) -> AppResult<Vec<Service>> {
        self.own_location(ctx, location).await?;
        Ok(self.store.tenant(ctx.tenant).services(location).await?)
    }

    /// One service with its staff and requirements.
    pub async fn service(
        &self,
        ctx: &Ctx,
        id: ServiceId,
    ) -> AppResult<(Service, Vec<ServiceStaff>, Vec<ServiceRequirement>)> {
        let r = self.store.tenant(ctx.tenant);
        let s = r.service(id).await?.ok_or(AppError::NotFound)?;
        Ok((
            s,
            r.service_staff(id).await?,
            r.service_requirements(id).await?,
        ))
    }

    /// Checks segments: each at least 1 minute, first and last are work, sum = duration.
    pub fn validate_segments(
        v: &mut Validator,
        segments: Option<&[Segment]>,
        duration: i64,
    ) -> Option<String> {
        let segs: Vec<Segment> = match segments {
            None | Some([]) => vec![Segment::Work(duration)],
            Some(s) => s.to_vec(),
        };
        let mut ok = segs.len() <= 20;
        let mut sum: i64 = 0;
        for s in &segs {
            let (Segment::Work(m) | Segment::Gap(m)) = *s;
            if !(1..=720).contains(&m) {
                ok = false;
            }
            sum = sum.saturating_add(m);
        }
        if !ok {
            v.0.push(Invalid::new(
                "segments",
                "each segment must be 1 to 720 minutes, at most 20 segments",
            ));
            return None;
        }
        if !matches!(segs.first(), Some(Segment::Work(_)))
            || !matches!(segs.last(), Some(Segment::Work(_)))
        {
            v.0.push(Invalid::new("segments", "must start and end with work"));
            return None;
        }
        if sum != duration {
            v.0.push(Invalid::new(
                "segments",
                format!("must add up to duration_min ({duration}), not {sum}"),
            ));
            return None;
        }
        Some(serde_json::to_string(&segs).expect("json"))
    }

    async fn validate_service(
        &self,
        ctx: &Ctx,
        loc: &Location,
        input: &ServiceIn,
        id: ServiceId,
        created: i64,
    ) -> AppResult<Service> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let category = v.check(validate::opt_text(
            "category",
            input.category.as_deref(),
            120,
            false,
        ));
        let description = v.check(validate::opt_text(
            "description",
            input.description.as_deref(),
            4000,
            true,
        ));
        let duration = range(&mut v, "duration_min", input.duration_min, 5, 720);
        let segments =
            duration.and_then(|d| Self::validate_segments(&mut v, input.segments.as_deref(), d));
        let price = range(&mut v, "price_minor", input.price_minor, 0, 1_000_000_000);
        let currency = v.check(validate::currency(
            "currency",
            input.currency.as_deref().unwrap_or(&loc.currency),
        ));
        let bb = range(&mut v, "buffer_before_min", input.buffer_before_min, 0, 240);
        let ba = range(&mut v, "buffer_after_min", input.buffer_after_min, 0, 240);
        let capacity = range(&mut v, "capacity", input.capacity, 1, 100);
        let promo = opt_range(
            &mut v,
            "promo_price_minor",
            input.promo_price_minor,
            0,
            1_000_000_000,
        );
        let ps = match input.promo_starts_at.as_deref() {
            Some(s) => parse_instant(&mut v, "promo_starts_at", s).map(Some),
            None => Some(None),
        };
        let pe = match input.promo_ends_at.as_deref() {
            Some(s) => parse_instant(&mut v, "promo_ends_at", s).map(Some),
            None => Some(None),
        };
        if let (Some(Some(s)), Some(Some(e))) = (ps, pe)
            && e <= s
        {
            v.0.push(Invalid::new(
                "promo_ends_at",
                "must be after promo_starts_at",
            ));
        }
        if input.promo_price_minor.is_none()
            && (input.promo_starts_at.is_some() || input.promo_ends_at.is_some())
        {
            v.0.push(Invalid::new(
                "promo_price_minor",
                "is needed when a promotion has dates",
            ));
        }
        let colour = match input
            .colour
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => v.check(validate::colour("colour", c)).map(Some),
            None => Some(None),
        };
        let sort_order = range(&mut v, "sort_order", input.sort_order, -100_000, 100_000);
        if input.prerequisite_service_id == Some(id) {
            v.0.push(Invalid::new(
                "prerequisite_service_id",
                "cannot be the service itself",
            ));
        }
        v.finish()?;
        if let Some(p) = input.prerequisite_service_id {
            match self.store.tenant(ctx.tenant).service(p).await? {
                Some(s) if s.location_id == loc.id => {}
                _ => return Err(AppError::MissingRef("prerequisite_service_id")),
            }
        }
        Ok(Service {
            tenant_id: ctx.tenant,
            id,
            location_id: loc.id,
            name: name.expect("valid"),
            category: category.expect("valid"),
            description: description.expect("valid"),
            duration_min: input.duration_min,
            segments: segments.expect("valid"),
            price_minor: price.expect("valid"),
            currency: currency.expect("valid"),
            buffer_before_min: bb.expect("valid"),
            buffer_after_min: ba.expect("valid"),
            capacity: capacity.expect("valid"),
            online_bookable: input.online_bookable,
            prerequisite_service_id: input.prerequisite_service_id,
            promo_price_minor: promo.expect("valid"),
            promo_starts_at_ms: ps.expect("valid"),
            promo_ends_at_ms: pe.expect("valid"),
            colour: colour.expect("valid"),
            sort_order: sort_order.expect("valid"),
            active: input.active,
            created_at_ms: created,
            updated_at_ms: self.now_ms(),
        })
    }

    /// Adds a service (owners, admins).
    pub async fn create_service(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &ServiceIn,
    ) -> AppResult<Service> {
        ctx.require_manage()?;
        let loc = self.own_location(ctx, location).await?;
        let now = self.now_ms();
        let s = self
            .validate_service(ctx, &loc, input, ServiceId::new(), now)
            .await?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_service(&s).await?;
        ctx.audit(
            &mut tx,
            now,
            "service.created",
            Some(s.id.to_string()),
            json!({ "name": s.name, "duration_min": s.duration_min, "price_minor": s.price_minor, "currency": s.currency }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(s)
    }

    /// Replaces a service's fields (owners, admins).
    pub async fn update_service(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        input: &ServiceIn,
    ) -> AppResult<Service> {
        ctx.require_manage()?;
        let (old, _, _) = self.service(ctx, id).await?;
        let loc = self.own_location(ctx, old.location_id).await?;
        let s = self
            .validate_service(ctx, &loc, input, id, old.created_at_ms)
            .await?;
        let mut changes = serde_json::Map::new();
        macro_rules! diff {
            ($($f:ident),*) => {$(
                if old.$f != s.$f { changes.insert(stringify!($f).into(), json!([old.$f, s.$f])); }
            )*};
        }
        diff!(
            name,
            duration_min,
            segments,
            price_minor,
            currency,
            buffer_before_min,
            buffer_after_min,
            capacity,
            online_bookable,
            active
        );
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_service(&s).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "service.updated",
            Some(id.to_string()),
            serde_json::Value::Object(changes),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(s)
    }

    /// Deletes a service (owners, admins).
    pub async fn delete_service(&self, ctx: &Ctx, id: ServiceId) -> AppResult<()> {
        ctx.require_manage()?;
        let (old, _, _) = self.service(ctx, id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_service(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "service.deleted",
            Some(id.to_string()),
            json!({ "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }

    /// Replaces the staff who perform a service, with overrides (owners, admins).
    pub async fn set_service_staff(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        input: &ServiceStaffIn,
    ) -> AppResult<Vec<ServiceStaff>> {
        ctx.require_manage()?;
        let (svc, _, _) = self.service(ctx, id).await?;
        let mut v = Validator::default();
        if input.staff.len() > 200 {
            v.0.push(Invalid::new("staff", "must have at most 200 entries"));
        }
        let mut seen = BTreeSet::new();
        for (i, s) in input.staff.iter().enumerate() {
            if !seen.insert(s.resource_id) {
                v.0.push(Invalid::new(
                    format!("staff[{i}].resource_id"),
                    "is repeated",
                ));
            }
            opt_range(
                &mut v,
                &format!("staff[{i}].duration_min"),
                s.duration_min,
                5,
                720,
            );
            opt_range(
                &mut v,
                &format!("staff[{i}].price_minor"),
                s.price_minor,
                0,
                1_000_000_000,
            );
        }
        v.finish()?;
        for s in &input.staff {
            self.ref_resource(
                ctx,
                "staff.resource_id",
                s.resource_id,
                svc.location_id,
                &["staff"],
            )
            .await?;
        }
        let rows: Vec<ServiceStaff> = input
            .staff
            .iter()
            .map(|s| ServiceStaff {
                service_id: id,
                resource_id: s.resource_id,
                duration_min: s.duration_min,
                price_minor: s.price_minor,
            })
            .collect();
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).set_service_staff(id, &rows).await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "service.staff_set",
            Some(id.to_string()),
            json!({ "staff": rows.len() }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(self.store.tenant(ctx.tenant).service_staff(id).await?)
    }

    /// Replaces the rooms/equipment a service needs: one out of each group (owners, admins).
    pub async fn set_service_requirements(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        input: &RequirementsIn,
    ) -> AppResult<Vec<ServiceRequirement>> {
        ctx.require_manage()?;
        let (svc, _, _) = self.service(ctx, id).await?;
        let mut v = Validator::default();
        if input.groups.len() > 10 {
            v.0.push(Invalid::new("groups", "must have at most 10 groups"));
        }
        for (i, g) in input.groups.iter().enumerate() {
            let distinct: BTreeSet<_> = g.iter().collect();
            if g.is_empty() || g.len() > 50 || distinct.len() != g.len() {
                v.0.push(Invalid::new(
                    format!("groups[{i}]"),
                    "must name 1 to 50 distinct resources",
                ));
            }
        }
        v.finish()?;
        let mut rows = Vec::new();
        for (i, g) in input.groups.iter().enumerate() {
            for r in g {
                self.ref_resource(ctx, "groups", *r, svc.location_id, &["room", "equipment"])
                    .await?;
                rows.push(ServiceRequirement {
                    service_id: id,
                    group_no: i as i64 + 1,
                    resource_id: *r,
                });
            }
        }
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant)
            .set_service_requirements(id, &rows)
            .await?;
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "service.requirements_set",
            Some(id.to_string()),
            json!({ "groups": input.groups.len() }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(self
            .store
            .tenant(ctx.tenant)
            .service_requirements(id)
            .await?)
    }

    // ----- booking rules -----

    /// A location's booking rules (defaults if never set).
    pub async fn booking_rules(&self, ctx: &Ctx, location: LocationId) -> AppResult<BookingRules> {
        self.own_location(ctx, location).await?;
        Ok(self.store.tenant(ctx.tenant).rules(location).await?)
    }

    /// Sets a location's booking rules (owners, admins).
    pub async fn set_booking_rules(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &BookingRulesIn,
    ) -> AppResult<BookingRules> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let mut v = Validator::default();
        range(&mut v, "slot_step_min", input.slot_step_min, 5, 240);
        range(&mut v, "min_notice_min", input.min_notice_min, 0, 43_200);
        range(&mut v, "window_days", input.window_days, 1, 730);
        range(
            &mut v,
            "cancel_cutoff_min",
            input.cancel_cutoff_min,
            0,
            43_200,
        );
        range(&mut v, "edit_cutoff_min", input.edit_cutoff_min, 0, 43_200);
        range(&mut v, "hold_minutes", input.hold_minutes, 1, 60);
        v.finish()?;
        let old = self.store.tenant(ctx.tenant).rules(location).await?;
        let now = self.now_ms();
        let r = BookingRules {
            tenant_id: ctx.tenant,
            location_id: location,
            slot_step_min: input.slot_step_min,
            min_notice_min: input.min_notice_min,
            window_days: input.window_days,
            cancel_cutoff_min: input.cancel_cutoff_min,
            edit_cutoff_min: input.edit_cutoff_min,
            require_confirmation: input.require_confirmation,
            hold_minutes: input.hold_minutes,
            updated_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).upsert_rules(&r).await?;
        ctx.audit(
            &mut tx,
            now,
            "booking_rules.updated",
            Some(location.to_string()),
            json!({ "slot_step_min": [old.slot_step_min, r.slot_step_min], "min_notice_min": [old.min_notice_min, r.min_notice_min],
                    "window_days": [old.window_days, r.window_days], "cancel_cutoff_min": [old.cancel_cutoff_min, r.cancel_cutoff_min],
                    "edit_cutoff_min": [old.edit_cutoff_min, r.edit_cutoff_min],
                    "require_confirmation": [old.require_confirmation, r.require_confirmation],
                    "hold_minutes": [old.hold_minutes, r.hold_minutes] }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(r)
    }

    // ----- service periods -----

    /// Service periods of a location.
    pub async fn periods(&self, ctx: &Ctx, location: LocationId) -> AppResult<Vec<ServicePeriod>> {
        self.own_location(ctx, location).await?;
        Ok(self.store.tenant(ctx.tenant).periods(location).await?)
    }

    /// One service period.
    pub async fn period(&self, ctx: &Ctx, id: PeriodId) -> AppResult<ServicePeriod> {
        self.store
            .tenant(ctx.tenant)
            .period(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    fn validate_period(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &PeriodIn,
        id: PeriodId,
        created: i64,
    ) -> AppResult<ServicePeriod> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let days: BTreeSet<i64> = input.weekdays.iter().copied().collect();
        if days.is_empty()
            || days.len() != input.weekdays.len()
            || days.iter().any(|d| !(1..=7).contains(d))
        {
            v.0.push(Invalid::new(
                "weekdays",
                "must list distinct weekdays 1 (Monday) to 7 (Sunday)",
            ));
        }
        let s = range(&mut v, "start_min", input.start_min, 0, 1439);
        let l = range(&mut v, "last_seating_min", input.last_seating_min, 0, 1440);
        if let (Some(s), Some(l)) = (s, l)
            && l < s
        {
            v.0.push(Invalid::new(
                "last_seating_min",
                "must not be before start_min",
            ));
        }
        range(&mut v, "slot_step_min", input.slot_step_min, 5, 120);
        if input.turn_times.is_empty() || input.turn_times.len() > 20 {
            v.0.push(Invalid::new("turn_times", "must have 1 to 20 entries"));
        }
        let mut prev = 0;
        for (i, t) in input.turn_times.iter().enumerate() {
            range(
                &mut v,
                &format!("turn_times[{i}].max_party"),
                t.max_party,
                1,
                50,
            );
            range(
                &mut v,
                &format!("turn_times[{i}].minutes"),
                t.minutes,
                15,
                480,
            );
            if t.max_party <= prev {
                v.0.push(Invalid::new(
                    format!("turn_times[{i}].max_party"),
                    "must increase",
                ));
            }
            prev = t.max_party;
        }
        opt_range(
            &mut v,
            "max_covers_per_slot",
            input.max_covers_per_slot,
            1,
            1000,
        );
        opt_range(
            &mut v,
            "pacing_interval_min",
            input.pacing_interval_min,
            5,
            240,
        );
        opt_range(
            &mut v,
            "pacing_max_covers",
            input.pacing_max_covers,
            1,
            1000,
        );
        if input.pacing_interval_min.is_some() != input.pacing_max_covers.is_some() {
            v.0.push(Invalid::new(
                "pacing_max_covers",
                "pacing needs both pacing_interval_min and pacing_max_covers",
            ));
        }
        opt_range(&mut v, "online_share_pct", input.online_share_pct, 0, 100);
        v.finish()?;
        let now = self.now_ms();
        Ok(ServicePeriod {
            tenant_id: ctx.tenant,
            id,
            location_id: location,
            name: name.expect("valid"),
            weekdays: days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(","),
            start_min: input.start_min,
            last_seating_min: input.last_seating_min,
            slot_step_min: input.slot_step_min,
            turn_times: serde_json::to_string(&input.turn_times).expect("json"),
            max_covers_per_slot: input.max_covers_per_slot,
            pacing_interval_min: input.pacing_interval_min,
            pacing_max_covers: input.pacing_max_covers,
            online_share_pct: input.online_share_pct,
            created_at_ms: created,
            updated_at_ms: now,
        })
    }

    /// Adds a service period (owners, admins).
    pub async fn create_period(
        &self,
        ctx: &Ctx,
        location: LocationId,
        input: &PeriodIn,
    ) -> AppResult<ServicePeriod> {
        ctx.require_manage()?;
        self.own_location(ctx, location).await?;
        let now = self.now_ms();
        let p = self.validate_period(ctx, location, input, PeriodId::new(), now)?;
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).insert_period(&p).await?;
        ctx.audit(
            &mut tx,
            now,
            "period.created",
            Some(p.id.to_string()),
            json!({ "name": p.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(p)
    }

    /// Replaces a service period (owners, admins).
    pub async fn update_period(
        &self,
        ctx: &Ctx,
        id: PeriodId,
        input: &PeriodIn,
    ) -> AppResult<ServicePeriod> {
        ctx.require_manage()?;
        let old = self.period(ctx, id).await?;
        let p = self.validate_period(ctx, old.location_id, input, id, old.created_at_ms)?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).update_period(&p).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "period.updated",
            Some(id.to_string()),
            json!({ "name": [old.name, p.name] }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(p)
    }

    /// Deletes a service period (owners, admins).
    pub async fn delete_period(&self, ctx: &Ctx, id: PeriodId) -> AppResult<()> {
        ctx.require_manage()?;
        let old = self.period(ctx, id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.tenant(ctx.tenant).delete_period(id).await? {
            return Err(AppError::NotFound);
        }
        ctx.audit(
            &mut tx,
            self.now_ms(),
            "period.deleted",
            Some(id.to_string()),
            json!({ "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        self.views.invalidate(ctx.tenant);
        Ok(())
    }
}
