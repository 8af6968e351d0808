//! Availability and bookings (promises B1, B2, B4–B7, C3): the one path every booking takes,
//! whether staff make it in the dashboard, a customer on the booking page, an integration over the
//! API or the assistant in a chat.
//!
//! Reads are fetched once per query, date-bounded (catalogue, hours, exceptions, busy
//! allocations), then the pure engine in `frontdesk_core::engine` computes slots or checks one
//! start. Writes go through one transaction in which the store checks and inserts atomically; the
//! database itself refuses overlaps.

use frontdesk_core::engine::{self, tables};
use frontdesk_core::token::{Credential, salted_hash};
use frontdesk_core::{validate, *};
use frontdesk_store::{
    Allocation, Booking, BookingEvent, BookingFilter, BookingItem, NewBooking, WaitlistEntry,
};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::catalog_view::{LocationView, cached_view, catalogue, load_view};
use crate::error::Validator;
use crate::{App, AppError, AppResult, Ctx};

/// Longest date range of one availability query.
pub const MAX_RANGE_DAYS: i64 = 62;
/// Largest party.
pub const MAX_PARTY: u32 = 50;
/// Requirements a table can meet.
pub const TABLE_TAGS: &[&str] = &[
    "accessible",
    "pets",
    "stroller",
    "high_chair",
    "window",
    "quiet",
    "outdoor",
    "booth",
];

fn one() -> u32 {
    1
}

/// One service of a visit, optionally with a chosen staff member.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitItemIn {
    /// The service.
    #[schema(value_type = String)]
    pub service_id: ServiceId,
    /// Who should perform it; absent means anyone.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
}

/// An availability question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityIn {
    /// Where.
    pub location_id: LocationId,
    /// The services of the visit, in order (empty for a restaurant table).
    #[serde(default)]
    pub services: Vec<VisitItemIn>,
    /// One staff member for every service of the visit.
    #[serde(default)]
    pub same_staff: bool,
    /// First local date, `YYYY-MM-DD`.
    pub from: String,
    /// Last local date (inclusive); defaults to `from`.
    #[serde(default)]
    pub to: Option<String>,
    /// Guests or seats.
    #[serde(default = "one")]
    pub party_size: u32,
    /// Table requirements (restaurants): accessible, pets, stroller, high_chair…
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Preferred area (restaurants).
    #[serde(default)]
    pub area_id: Option<AreaId>,
}

/// A bookable start.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlotOut {
    /// Start instant, RFC 3339 UTC.
    pub start: String,
    /// End instant (without buffers), RFC 3339 UTC.
    pub end: String,
    /// Start as epoch milliseconds.
    pub start_ms: i64,
    /// Local wall-clock start in the location's zone, `YYYY-MM-DDTHH:MM`.
    pub local_time: String,
    /// The zone's UTC offset at that instant, `+01:00`.
    pub utc_offset: String,
    /// Who and what each service would get.
    pub items: Vec<SlotItemOut>,
    /// Restaurants: the tables the party would get and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables: Option<TablesOut>,
    /// Restaurants: the service period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// One service within a slot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlotItemOut {
    /// The service.
    #[schema(value_type = String)]
    pub service_id: ServiceId,
    /// The staff member (the first free one when anyone was asked).
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
    /// Staff member's name.
    pub staff_name: Option<String>,
    /// Rooms and equipment it would use.
    #[schema(value_type = Vec<String>)]
    pub resources: Vec<ResourceId>,
    /// Start, RFC 3339 UTC.
    pub start: String,
    /// End, RFC 3339 UTC.
    pub end: String,
}

/// A table assignment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TablesOut {
    /// The tables.
    #[schema(value_type = Vec<String>)]
    pub table_ids: Vec<ResourceId>,
    /// Their names.
    pub names: Vec<String>,
    /// Seats they give.
    pub seats: u32,
    /// Why these tables (promise B4).
    pub explanation: String,
}

/// A customer given inline when booking.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerDetailsIn {
    /// Name.
    pub name: String,
    /// Phone (parsed with the location's country).
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Preferred language.
    #[serde(default)]
    pub language: Option<String>,
}

/// A booking request.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingIn {
    /// Where.
    #[schema(value_type = String)]
    pub location_id: LocationId,
    /// Services of the visit in order; empty for a restaurant reservation.
    #[serde(default)]
    pub services: Vec<VisitItemIn>,
    /// One staff member for the whole visit.
    #[serde(default)]
    pub same_staff: bool,
    /// Start: an RFC 3339 instant (`2026-11-24T09:00:00Z`, `…+01:00`) or a local wall-clock time
    /// in the location's zone (`2026-11-24T10:00`).
    pub start: String,
    /// Guests or seats.
    #[serde(default = "one")]
    pub party_size: u32,
    /// An existing customer.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub customer_id: Option<CustomerId>,
    /// Or a customer to find (by phone/e-mail) or create.
    #[serde(default)]
    pub customer: Option<CustomerDetailsIn>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// Requirements (for tables: accessible, pets, stroller, high_chair…).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Preferred area (restaurants).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub area_id: Option<AreaId>,
    /// Hold the slot for the location's hold time instead of confirming.
    #[serde(default)]
    pub hold: bool,
    /// web, chat, manual, staff, walk_in, channel, api (defaults by who calls).
    #[serde(default)]
    pub source: Option<String>,
    /// A bounded recurrence (`FREQ=WEEKLY;INTERVAL=1;COUNT=6`): every occurrence is checked and
    /// all are booked, or none.
    #[serde(default)]
    pub recurrence: Option<String>,
}

/// Moving a booking.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleIn {
    /// New start (same formats as when booking).
    pub start: String,
    /// New staff for every service (absent: the same staff as now).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
    /// New party size.
    #[serde(default)]
    pub party_size: Option<u32>,
}

/// A status change with an optional reason.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// Why (kept in the history).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A booking as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingOut {
    /// The booking.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub booking: BookingView,
    /// Its services.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<BookingItem>,
    /// The resources it holds.
    #[schema(value_type = Vec<Object>)]
    pub allocations: Vec<Allocation>,
    /// History.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<BookingEvent>,
    /// The customer's manage-booking link token, shown once at creation (promise B5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
    /// Other occurrences of a series created together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub series_bookings: Vec<BookingId>,
    /// True when an idempotent retry returned the original booking.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
}

/// The public fields of a booking (never its token hashes).
#[derive(Debug, Clone, Serialize)]
pub struct BookingView {
    /// Id.
    pub id: BookingId,
    /// Location.
    pub location_id: LocationId,
    /// Customer.
    pub customer_id: Option<CustomerId>,
    /// appointment or reservation.
    pub kind: String,
    /// Status.
    pub status: String,
    /// Source.
    pub source: String,
    /// Start, RFC 3339 UTC.
    pub start: String,
    /// End, RFC 3339 UTC.
    pub end: String,
    /// Local start in the booking's zone.
    pub local_time: String,
    /// The zone.
    pub time_zone: String,
    /// Party size.
    pub party_size: i64,
    /// Notes.
    pub notes: String,
    /// Requirements.
    pub requirements: Vec<String>,
    /// Why these tables.
    pub explanation: Option<String>,
    /// When an unconfirmed hold lapses.
    pub hold_expires_at: Option<String>,
    /// Series.
    pub series_id: Option<SeriesId>,
    /// Cancellation reason.
    pub cancel_reason: Option<String>,
    /// Created.
    pub created_at: String,
    /// Changed.
    pub updated_at: String,
}

/// Joining the waitlist.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistIn {
    /// Where.
    #[schema(value_type = String)]
    pub location_id: LocationId,
    /// Existing customer.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub customer_id: Option<CustomerId>,
    /// Or inline details.
    #[serde(default)]
    pub customer: Option<CustomerDetailsIn>,
    /// For a service (absent: a table).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub service_id: Option<ServiceId>,
    /// With someone.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
    /// Guests.
    #[serde(default = "one")]
    pub party_size: u32,
    /// Earliest acceptable start (RFC 3339 or local).
    pub window_start: String,
    /// Latest acceptable end (RFC 3339 or local).
    pub window_end: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn local_of(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .datetime()
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

impl BookingView {
    fn of(b: &Booking) -> Self {
        let tz = TimeZone::get(&b.time_zone).unwrap_or(TimeZone::UTC);
        Self {
            id: b.id,
            location_id: b.location_id,
            customer_id: b.customer_id,
            kind: b.kind.clone(),
            status: b.status.clone(),
            source: b.source.clone(),
            start: rfc3339(b.starts_at_ms),
            end: rfc3339(b.ends_at_ms),
            local_time: local_of(b.starts_at_ms, &tz),
            time_zone: b.time_zone.clone(),
            party_size: b.party_size,
            notes: b.notes.clone(),
            requirements: serde_json::from_str(&b.requirements).unwrap_or_default(),
            explanation: b.explanation.clone(),
            hold_expires_at: b.hold_expires_at_ms.map(rfc3339),
            series_id: b.series_id,
            cancel_reason: b.cancel_reason.clone(),
            created_at: rfc3339(b.created_at_ms),
            updated_at: rfc3339(b.updated_at_ms),
        }
    }
}

/// Parses a local date.
pub fn parse_date(field: &str, s: &str) -> AppResult<Date> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| AppError::invalid(field, "must be a date YYYY-MM-DD"))
}

/// Parses a start: an RFC 3339 instant, or a local wall-clock time in `tz` that must exist and be
/// unambiguous (a time in a spring-forward gap, or a repeated autumn time without an offset, is
/// refused with a clear message).
pub fn parse_start(field: &str, s: &str, tz: &TimeZone) -> AppResult<i64> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    let dt: DateTime = s.parse().map_err(|_| {
        AppError::invalid(
            field,
            "must be an RFC 3339 instant (2026-11-24T09:00:00Z) or a local time (2026-11-24T10:00)",
        )
    })?;
    let amb = tz.to_ambiguous_zoned(dt);
    match amb.offset() {
        AmbiguousOffset::Unambiguous { .. } => Ok(amb
            .unambiguous()
            .map_err(|_| AppError::invalid(field, "is not a valid local time"))?
            .timestamp()
            .as_millisecond()),
        AmbiguousOffset::Gap { .. } => Err(AppError::invalid(
            field,
            "does not exist in the location's time zone (the clocks skip it for daylight saving)",
        )),
        AmbiguousOffset::Fold { .. } => Err(AppError::invalid(
            field,
            "happens twice in the location's time zone (clocks go back); give it with its UTC offset",
        )),
    }
}

fn check_party(v: &mut Validator, party: u32) {
    if !(1..=MAX_PARTY).contains(&party) {
        v.push("party_size", &format!("must be between 1 and {MAX_PARTY}"));
    }
}

const SOURCES: &[&str] = &[
    "web", "chat", "manual", "staff", "walk_in", "channel", "api",
];

/// Whether customer-facing rules (notice, window, online-bookable only) apply to a source.
fn customer_facing(source: &str) -> bool {
    matches!(source, "web" | "chat" | "channel")
}

fn default_source(ctx: &Ctx) -> &'static str {
    match ctx.actor {
        crate::Actor::ApiKey { .. } => "api",
        _ => "staff",
    }
}

fn actor_label(ctx: &Ctx) -> String {
    match &ctx.actor {
        crate::Actor::User { user_id, .. } => user_id.to_string(),
        crate::Actor::ApiKey { key_id, .. } => key_id.to_string(),
        crate::Actor::Customer => "customer".into(),
        _ => "system".into(),
    }
}

/// What the engine planned for one start, as rows to store.
#[derive(Debug, Clone)]
pub(crate) struct PlanRows {
    pub start_ms: i64,
    pub end_ms: i64,
    pub items: Vec<BookingItem>,
    pub allocations: Vec<Allocation>,
    pub sessions: Vec<(ResourceId, String, i64)>,
    pub explanation: Option<String>,
}

impl PlanRows {
    /// The rows for `booking`: items and allocations take its id; a private allocation's
    /// session key is the booking's own id (only group seats share one).
    fn into_new_booking(self, booking: Booking, actor: String) -> NewBooking {
        let id = booking.id;
        NewBooking {
            items: self
                .items
                .into_iter()
                .map(|it| BookingItem {
                    booking_id: id,
                    ..it
                })
                .collect(),
            allocations: self
                .allocations
                .into_iter()
                .map(|a| Allocation {
                    booking_id: id,
                    session_key: if a.session_key.is_empty() {
                        id.to_string()
                    } else {
                        a.session_key.clone()
                    },
                    ..a
                })
                .collect(),
            sessions: self.sessions,
            booking,
            actor,
        }
    }
}

impl App {
    /// Bookable slots (promise C3): for services, every start honouring hours, exceptions,
    /// buffers, processing gaps, resources, capacity, notice and window; for a restaurant (no
    /// services), the times at which the party fits, with the tables it would get.
    pub async fn availability(&self, ctx: &Ctx, q: &AvailabilityIn) -> AppResult<Vec<SlotOut>> {
        self.availability_for(ctx, q, "staff").await
    }

    /// Availability as a given source sees it (customer-facing sources get the location's notice
    /// and window and only online-bookable services).
    pub async fn availability_for(
        &self,
        ctx: &Ctx,
        q: &AvailabilityIn,
        source: &str,
    ) -> AppResult<Vec<SlotOut>> {
        self.availability_inner(ctx, q, source, None).await
    }

    /// Where a booking could move to: availability as staff see it, with the booking's own
    /// resources counted as free.
    pub async fn availability_for_move(
        &self,
        ctx: &Ctx,
        q: &AvailabilityIn,
        booking: BookingId,
    ) -> AppResult<Vec<SlotOut>> {
        self.availability_inner(ctx, q, "staff", Some(booking))
            .await
    }

    /// Where a customer could move their booking: availability as customers see it (notice,
    /// window, online only), with the booking's own resources counted as free.
    pub async fn availability_for_customer_move(
        &self,
        ctx: &Ctx,
        q: &AvailabilityIn,
        booking: BookingId,
    ) -> AppResult<Vec<SlotOut>> {
        self.availability_inner(ctx, q, "web", Some(booking)).await
    }

    async fn availability_inner(
        &self,
        ctx: &Ctx,
        q: &AvailabilityIn,
        source: &str,
        ignore: Option<BookingId>,
    ) -> AppResult<Vec<SlotOut>> {
        let mut v = Validator::default();
        let from = parse_date("from", &q.from);
        let to = q.to.as_deref().map(|t| parse_date("to", t)).transpose();
        check_party(&mut v, q.party_size);
        if q.services.len() > 5 {
            v.push("services", "at most 5 services in one visit");
        }
        for r in &q.requirements {
            if !TABLE_TAGS.contains(&r.as_str()) {
                v.push("requirements", &format!("unknown requirement {r:?}"));
            }
        }
        v.finish()?;
        let from = from?;
        let to = to?.unwrap_or(from);
        if to < from {
            return Err(AppError::invalid("to", "must not be before from"));
        }
        let days = from
            .until(to)
            .map(|s| s.get_days() as i64)
            .unwrap_or(i64::MAX)
            + 1;
        if days > MAX_RANGE_DAYS {
            return Err(AppError::invalid(
                "to",
                &format!("the range may cover at most {MAX_RANGE_DAYS} days"),
            ));
        }
        let now = self.now_ms();
        let view = match ignore {
            None => cached_view(self, ctx.tenant, q.location_id, from, to, now).await?,
            Some(id) => std::sync::Arc::new(
                load_view(self, ctx.tenant, q.location_id, from, to, now, None)
                    .await?
                    .without_booking(id),
            ),
        };
        let rules = view.engine_rules(customer_facing(source));
        if q.services.is_empty() {
            let mut out = Vec::new();
            let mut d = from;
            while d <= to {
                let tq = view.table_query(
                    d,
                    q.party_size,
                    &q.requirements,
                    q.area_id,
                    customer_facing(source),
                    rules,
                    now,
                )?;
                for s in tables::table_availability(&tq).map_err(engine_err)? {
                    out.push(view.table_slot_out(&s));
                }
                d = d
                    .tomorrow()
                    .map_err(|_| AppError::invalid("to", "out of range"))?;
            }
            return Ok(out);
        }
        let aq = view.availability_query(
            &q.services,
            q.same_staff,
            from,
            to,
            q.party_size,
            rules,
            now,
            customer_facing(source),
        )?;
        let slots = engine::availability(&aq).map_err(engine_err)?;
        Ok(slots.iter().map(|s| view.slot_out(s)).collect())
    }

    /// Creates a booking (or, with a recurrence, a series). With an idempotency key, a retry with
    /// the same body returns the original booking and a different body is a conflict (B6).
    pub async fn create_booking(
        &self,
        ctx: &Ctx,
        input: &BookingIn,
        idempotency_key: Option<&str>,
    ) -> AppResult<BookingOut> {
        ctx.require_write()?;
        let source = input
            .source
            .clone()
            .unwrap_or_else(|| default_source(ctx).to_string());
        let mut v = Validator::default();
        if !SOURCES.contains(&source.as_str()) {
            v.push(
                "source",
                "must be one of web, chat, manual, staff, walk_in, channel, api",
            );
        }
        check_party(&mut v, input.party_size);
        if input.services.len() > 5 {
            v.push("services", "at most 5 services in one visit");
        }
        let notes = v.check(validate::text("notes", &input.notes, 0, 2000, true));
        if input.requirements.len() > 20 {
            v.push("requirements", "at most 20 requirements");
        }
        for r in &input.requirements {
            if r.trim().is_empty() || r.chars().count() > 60 {
                v.push("requirements", "each requirement must be 1–60 characters");
            }
        }
        if input.customer_id.is_some() && input.customer.is_some() {
            v.push("customer", "give customer_id or customer, not both");
        }
        let key = match idempotency_key {
            Some(k) if k.is_empty() || k.len() > 200 || k.chars().any(|c| c.is_control()) => {
                v.push("Idempotency-Key", "must be 1–200 visible characters");
                None
            }
            k => k.map(str::to_string),
        };
        v.finish()?;
        let notes = notes.unwrap_or_default();
        let request_hash =
            token::sha256_hex(serde_json::to_string(input).unwrap_or_default().as_bytes());
        if let Some(k) = &key
            && let Some(existing) = self
                .store
                .tenant(ctx.tenant)
                .booking_by_idempotency_key(k)
                .await?
        {
            return self.replay(ctx, existing, &request_hash).await;
        }
        let now = self.now_ms();
        let cat = catalogue(self, ctx.tenant, input.location_id).await?;
        let loc = &cat.location;
        let tz = TimeZone::get(&loc.time_zone)
            .map_err(|_| AppError::invalid("location_id", "the location's time zone is invalid"))?;
        let start_ms = parse_start("start", &input.start, &tz)?;
        if start_ms < now - 60_000 && source != "walk_in" {
            return Err(AppError::invalid("start", "is in the past"));
        }
        let mut starts = vec![start_ms];
        let mut rule_text = None;
        if let Some(r) = &input.recurrence {
            let rule = engine::recurrence::RecurrenceRule::parse(r)
                .map_err(|e| AppError::invalid("recurrence", &e.to_string()))?;
            let first = Timestamp::from_millisecond(start_ms)
                .map_err(|_| AppError::invalid("start", "out of range"))?
                .to_zoned(tz.clone())
                .datetime();
            starts = engine::recurrence::expand(&rule, first, &tz)
                .map_err(|e| AppError::invalid("recurrence", &e.to_string()))?
                .into_iter()
                .collect();
            rule_text = Some(rule.to_string());
        }
        let last = *starts.iter().max().unwrap_or(&start_ms);
        let d0 = local_date(starts[0], &tz)?;
        let d1 = local_date(last, &tz)?;
        let view = load_view(
            self,
            ctx.tenant,
            input.location_id,
            d0,
            d1,
            now,
            Some(&input.services),
        )
        .await?;
        let facing = customer_facing(&source);
        let rules = view.engine_rules(facing);
        let mut plans = Vec::new();
        let mut conflicts = Vec::new();
        for &s in &starts {
            match self.plan(&view, input, s, rules, now, facing) {
                Ok(p) => plans.push(p),
                Err(AppError::Conflict(_, why)) => {
                    conflicts.push(format!("{}: {why}", local_of(s, &tz)))
                }
                Err(e) => return Err(e),
            }
        }
        if !conflicts.is_empty() {
            return Err(AppError::Conflict(
                "slot_taken",
                if starts.len() == 1 {
                    conflicts.remove(0)
                } else {
                    format!("not every occurrence is free: {}", conflicts.join("; "))
                },
            ));
        }
        let hold_ms = view.rules.hold_minutes * 60_000;
        let status = if input.hold {
            "held"
        } else if source == "walk_in" {
            "checked_in"
        } else if facing && view.rules.require_confirmation {
            "pending"
        } else {
            "confirmed"
        };
        let mut tx = self.store.begin().await?;
        let customer_id = match (&input.customer_id, &input.customer) {
            (Some(id), _) => {
                if self.store.tenant(ctx.tenant).customer(*id).await?.is_none() {
                    return Err(AppError::invalid("customer_id", "no such customer"));
                }
                Some(*id)
            }
            (None, Some(c)) => Some(
                self.find_or_create_customer_in(&mut tx, ctx, loc, c)
                    .await?,
            ),
            (None, None) => None,
        };
        // Prerequisites (a consultation or patch test first) bind customers booking online;
        // staff may book past them knowingly.
        if facing {
            for (k, it) in input.services.iter().enumerate() {
                let Some((pre, name, pre_name)) = view.prerequisite_of(it.service_id) else {
                    continue;
                };
                let in_visit = input.services[..k].iter().any(|x| x.service_id == pre);
                let before = match customer_id {
                    Some(c) => {
                        self.store
                            .tenant(ctx.tenant)
                            .customer_had_service(c, pre, starts[0])
                            .await?
                    }
                    None => false,
                };
                if !in_visit && !before {
                    return Err(AppError::invalid(
                        "services",
                        &format!("{name} needs a {pre_name} first"),
                    ));
                }
            }
        }
        let series_id = if rule_text.is_some() {
            Some(SeriesId::new())
        } else {
            None
        };
        if let (Some(sid), Some(rt)) = (series_id, &rule_text) {
            tx.tenant(ctx.tenant).insert_series(sid, rt, now).await?;
        }
        let occurrences = plans.len();
        let mut created = Vec::new();
        let mut first_token = None;
        let mut first: Option<(NewBooking, BookingEvent)> = None;
        for (i, p) in plans.into_iter().enumerate() {
            let id = BookingId::new();
            let cred = Credential::generate(ctx.tenant.uuid(), id.uuid());
            let b = Booking {
                tenant_id: ctx.tenant,
                id,
                location_id: input.location_id,
                customer_id,
                kind: if input.services.is_empty() {
                    "reservation"
                } else {
                    "appointment"
                }
                .into(),
                status: status.into(),
                source: source.clone(),
                starts_at_ms: p.start_ms,
                ends_at_ms: p.end_ms,
                time_zone: loc.time_zone.clone(),
                party_size: input.party_size as i64,
                notes: notes.clone(),
                requirements: serde_json::to_string(&input.requirements)
                    .unwrap_or_else(|_| "[]".into()),
                explanation: p.explanation.clone(),
                hold_expires_at_ms: input.hold.then_some(now + hold_ms),
                series_id,
                idempotency_key: if i == 0 { key.clone() } else { None },
                request_hash: if i == 0 {
                    Some(request_hash.clone())
                } else {
                    None
                },
                manage_token_hash: Some(salted_hash(&cred.secret)),
                created_by: ctx.user_id(),
                cancel_reason: None,
                created_at_ms: now,
                updated_at_ms: now,
            };
            let nb = p.into_new_booking(b, actor_label(ctx));
            // The audit entry for the whole visit or series goes with the first booking's rows.
            let audit = (i == 0).then(|| {
                ctx.audit_entry(
                    now,
                    "booking.created",
                    Some(id.to_string()),
                    json!({"status": status, "source": source, "start": rfc3339(starts[0]), "occurrences": occurrences}),
                )
            });
            match tx
                .tenant(ctx.tenant)
                .insert_booking_audited(&nb, now, audit.as_ref())
                .await
            {
                Ok(ev) => {
                    if i == 0 {
                        first = Some((nb.clone(), ev));
                    }
                }
                Err(frontdesk_store::StoreError::Conflict("idempotency_key")) => {
                    drop(tx);
                    let existing = self
                        .store
                        .tenant(ctx.tenant)
                        .booking_by_idempotency_key(key.as_deref().unwrap_or_default())
                        .await?
                        .ok_or(AppError::Conflict(
                            "idempotency_key",
                            "this idempotency key is in use".into(),
                        ))?;
                    return self.replay(ctx, existing, &request_hash).await;
                }
                Err(frontdesk_store::StoreError::Conflict(code)) => {
                    return Err(AppError::Conflict(code, conflict_text(code).into()));
                }
                Err(e) => return Err(e.into()),
            }
            self.booking_changed(
                &mut tx,
                ctx.tenant,
                &nb.booking,
                crate::notify::BookingChange::Created,
            )
            .await?;
            if i == 0 {
                first_token = Some(cred.render("mb"));
            }
            created.push(id);
        }
        if let Some(c) = customer_id {
            tx.tenant(ctx.tenant).refresh_customer_stats(c, now).await?;
        }
        tx.commit().await?;
        self.bookings_touched(ctx.tenant);
        // What was just written, without reading it back.
        let (nb, ev) =
            first.ok_or_else(|| AppError::Internal(anyhow::anyhow!("no booking written")))?;
        let mut out = BookingOut {
            booking: BookingView::of(&nb.booking),
            items: nb.items,
            allocations: nb.allocations,
            history: vec![ev],
            manage_token: None,
            series_bookings: Vec::new(),
            replayed: false,
        };
        out.manage_token = first_token;
        out.series_bookings = created[1..].to_vec();
        Ok(out)
    }

    async fn replay(
        &self,
        ctx: &Ctx,
        existing: Booking,
        request_hash: &str,
    ) -> AppResult<BookingOut> {
        if existing.request_hash.as_deref() != Some(request_hash) {
            return Err(AppError::Conflict(
                "idempotency_key_reused",
                "this idempotency key was used with a different request".into(),
            ));
        }
        let mut out = self.booking_out(ctx, existing.id).await?;
        out.replayed = true;
        Ok(out)
    }

    fn plan(
        &self,
        view: &LocationView,
        input: &BookingIn,
        start_ms: i64,
        rules: engine::Rules,
        now: i64,
        facing: bool,
    ) -> AppResult<PlanRows> {
        if input.services.is_empty() {
            let d = local_date(start_ms, &view.tz)?;
            let tq = view.table_query(
                d,
                input.party_size,
                &input.requirements,
                input.area_id,
                facing,
                rules,
                now,
            )?;
            let slots = tables::table_availability(&tq).map_err(engine_err)?;
            let s = slots
                .into_iter()
                .find(|s| s.start_ms == start_ms)
                .ok_or_else(|| {
                    AppError::Conflict(
                        "slot_taken",
                        "no table is free for this party at this time".into(),
                    )
                })?;
            return Ok(view.table_plan(&s));
        }
        let d0 = local_date(start_ms, &view.tz)?;
        let aq = view.availability_query(
            &input.services,
            input.same_staff,
            d0,
            d0,
            input.party_size,
            rules,
            now,
            facing,
        )?;
        match engine::plan_at(&aq, start_ms) {
            Ok(slot) => view.plan_of(&slot),
            Err(u) => Err(match u.reason {
                engine::UnavailableReason::Taken => AppError::Conflict("slot_taken", u.message),
                engine::UnavailableReason::SessionFull => {
                    AppError::Conflict("session_full", u.message)
                }
                _ => AppError::invalid("start", &u.message),
            }),
        }
    }

    /// One booking with its items, allocations and history.
    pub async fn booking_out(&self, ctx: &Ctx, id: BookingId) -> AppResult<BookingOut> {
        let t = self.store.tenant(ctx.tenant);
        let b = t.booking(id).await?.ok_or(AppError::NotFound)?;
        Ok(BookingOut {
            booking: BookingView::of(&b),
            items: t.booking_items(id).await?,
            allocations: t.booking_allocations(id).await?,
            history: t.booking_events(id).await?,
            manage_token: None,
            series_bookings: Vec::new(),
            replayed: false,
        })
    }

    /// Lists bookings.
    pub async fn list_bookings(&self, ctx: &Ctx, f: &BookingFilter) -> AppResult<Vec<BookingView>> {
        if let Some(s) = &f.status
            && ![
                "held",
                "pending",
                "confirmed",
                "checked_in",
                "completed",
                "cancelled",
                "no_show",
                "expired",
            ]
            .contains(&s.as_str())
        {
            return Err(AppError::invalid("status", "unknown status"));
        }
        if let (Some(a), Some(b)) = (f.from_ms, f.to_ms)
            && b < a
        {
            return Err(AppError::invalid("to", "must not be before from"));
        }
        Ok(self
            .store
            .tenant(ctx.tenant)
            .bookings(f)
            .await?
            .iter()
            .map(BookingView::of)
            .collect())
    }

    /// Moves a booking to a new start (and staff), checked like a new booking.
    pub async fn reschedule_booking(
        &self,
        ctx: &Ctx,
        id: BookingId,
        r: &RescheduleIn,
    ) -> AppResult<BookingOut> {
        ctx.require_write()?;
        let now = self.now_ms();
        let t = self.store.tenant(ctx.tenant);
        let b = t.booking(id).await?.ok_or(AppError::NotFound)?;
        if !["held", "pending", "confirmed"].contains(&b.status.as_str()) {
            return Err(AppError::Conflict(
                "not_movable",
                format!("a {} booking cannot be moved", b.status),
            ));
        }
        let party = r.party_size.unwrap_or(b.party_size as u32);
        let mut v = Validator::default();
        check_party(&mut v, party);
        v.finish()?;
        let items = t.booking_items(id).await?;
        let tz = TimeZone::get(&b.time_zone).unwrap_or(TimeZone::UTC);
        let start_ms = parse_start("start", &r.start, &tz)?;
        if start_ms < now {
            return Err(AppError::invalid("start", "is in the past"));
        }
        let services: Vec<VisitItemIn> = items
            .iter()
            .filter_map(|i| {
                i.service_id.map(|s| VisitItemIn {
                    service_id: s,
                    staff_id: r.staff_id.or(i.staff_id),
                })
            })
            .collect();
        let d = local_date(start_ms, &tz)?;
        let view = load_view(self, ctx.tenant, b.location_id, d, d, now, Some(&services)).await?;
        // The booking's own allocations must not block its move.
        let view = view.without_booking(id);
        let input = BookingIn {
            location_id: b.location_id,
            services,
            same_staff: false,
            start: rfc3339(start_ms),
            party_size: party,
            customer_id: None,
            customer: None,
            notes: String::new(),
            requirements: serde_json::from_str(&b.requirements).unwrap_or_default(),
            area_id: None,
            hold: false,
            source: None,
            recurrence: None,
        };
        let p = self.plan(
            &view,
            &input,
            start_ms,
            view.engine_rules(false),
            now,
            false,
        )?;
        let mut nb_b = b.clone();
        nb_b.starts_at_ms = p.start_ms;
        nb_b.ends_at_ms = p.end_ms;
        nb_b.party_size = party as i64;
        nb_b.explanation = p.explanation.clone();
        let nb = p.into_new_booking(nb_b, actor_label(ctx));
        let mut tx = self.store.begin().await?;
        let note = format!(
            "moved from {} to {}",
            local_of(b.starts_at_ms, &tz),
            local_of(start_ms, &tz)
        );
        match tx
            .tenant(ctx.tenant)
            .reschedule_booking(&nb, now, &note)
            .await
        {
            Ok(true) => {}
            Ok(false) => return Err(AppError::NotFound),
            Err(frontdesk_store::StoreError::Conflict(code)) => {
                return Err(AppError::Conflict(code, conflict_text(code).into()));
            }
            Err(e) => return Err(e.into()),
        }
        self.booking_changed(
            &mut tx,
            ctx.tenant,
            &nb.booking,
            crate::notify::BookingChange::Rescheduled {
                previous_start_ms: b.starts_at_ms,
            },
        )
        .await?;
        if let Some(c) = b.customer_id {
            tx.tenant(ctx.tenant).refresh_customer_stats(c, now).await?;
        }
        self.offer_freed(&mut tx, ctx, &b, now).await?;
        ctx.audit(
            &mut tx,
            now,
            "booking.rescheduled",
            Some(id.to_string()),
            json!({"from": rfc3339(b.starts_at_ms), "to": rfc3339(start_ms)}),
        )
        .await?;
        tx.commit().await?;
        self.bookings_touched(ctx.tenant);
        self.booking_out(ctx, id).await
    }

    /// Changes a booking's status: `confirm`, `check_in`, `complete`, `no_show` or `cancel`.
    pub async fn booking_action(
        &self,
        ctx: &Ctx,
        id: BookingId,
        action: &str,
        input: &StatusIn,
    ) -> AppResult<BookingOut> {
        ctx.require_write()?;
        let now = self.now_ms();
        let (from, to): (&[&str], &str) = match action {
            "confirm" => (&["held", "pending"], "confirmed"),
            "check_in" => (&["pending", "confirmed"], "checked_in"),
            "complete" => (&["confirmed", "checked_in"], "completed"),
            "no_show" => (&["pending", "confirmed"], "no_show"),
            "cancel" => (&["held", "pending", "confirmed", "checked_in"], "cancelled"),
            _ => return Err(AppError::NotFound),
        };
        let reason = match &input.reason {
            Some(r) => Some(validate::text("reason", r, 0, 500, true).map_err(AppError::from)?),
            None => None,
        };
        let t = self.store.tenant(ctx.tenant);
        let b = t.booking(id).await?.ok_or(AppError::NotFound)?;
        if to == "no_show" && now < b.starts_at_ms {
            return Err(AppError::Conflict(
                "too_early",
                "a booking can be marked no-show only after it starts".into(),
            ));
        }
        if b.status == "held" && b.hold_expires_at_ms.is_some_and(|e| e <= now) {
            return Err(AppError::Conflict(
                "hold_expired",
                "this hold has expired and its slot was released".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        let note = reason.clone().unwrap_or_else(|| action.replace('_', " "));
        let prev = tx
            .tenant(ctx.tenant)
            .set_booking_status(
                id,
                from,
                to,
                &actor_label(ctx),
                &note,
                if to == "cancelled" {
                    reason.as_deref()
                } else {
                    None
                },
                now,
            )
            .await?;
        if prev.is_none() {
            return Err(AppError::Conflict(
                "invalid_transition",
                format!("a {} booking cannot be {}", b.status, past_tense(action)),
            ));
        }
        self.booking_changed(
            &mut tx,
            ctx.tenant,
            &b,
            crate::notify::BookingChange::to_status(to, reason.as_deref()),
        )
        .await?;
        if let Some(c) = b.customer_id {
            tx.tenant(ctx.tenant).refresh_customer_stats(c, now).await?;
        }
        if to == "cancelled" {
            self.offer_freed(&mut tx, ctx, &b, now).await?;
        }
        ctx.audit(
            &mut tx,
            now,
            &format!("booking.{}", to),
            Some(id.to_string()),
            json!({"from": b.status, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        self.bookings_touched(ctx.tenant);
        self.booking_out(ctx, id).await
    }

    /// A walk-in: a booking that starts now and is checked in at once.
    pub async fn walk_in(&self, ctx: &Ctx, mut input: BookingIn) -> AppResult<BookingOut> {
        let now = self.now_ms();
        input.start = rfc3339(now - now % 60_000);
        input.source = Some("walk_in".into());
        input.hold = false;
        input.recurrence = None;
        self.create_booking(ctx, &input, None).await
    }

    /// When a slot frees up, the oldest matching waitlist entry is offered it (recorded and
    /// visible; the message goes out once the notification channels exist).
    async fn offer_freed(
        &self,
        tx: &mut frontdesk_store::Tx,
        ctx: &Ctx,
        b: &Booking,
        now: i64,
    ) -> AppResult<()> {
        let items = self.store.tenant(ctx.tenant).booking_items(b.id).await?;
        let service = items.first().and_then(|i| i.service_id);
        let cands = tx
            .tenant(ctx.tenant)
            .waitlist_candidates(b.location_id, service, b.starts_at_ms, b.ends_at_ms)
            .await?;
        if let Some(w) = cands
            .into_iter()
            .find(|w| w.party_size <= b.party_size.max(1) || service.is_some())
        {
            tx.tenant(ctx.tenant)
                .set_waitlist_status(w.id, "offered", Some(b.starts_at_ms), now)
                .await?;
            ctx.audit(
                tx,
                now,
                "waitlist.offered",
                Some(w.id.to_string()),
                json!({"start": rfc3339(b.starts_at_ms)}),
            )
            .await?;
        }
        Ok(())
    }

    /// Adds a customer to the waitlist.
    pub async fn join_waitlist(&self, ctx: &Ctx, w: &WaitlistIn) -> AppResult<WaitlistEntry> {
        ctx.require_write()?;
        let now = self.now_ms();
        let loc = self
            .store
            .tenant(ctx.tenant)
            .location(w.location_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let tz = TimeZone::get(&loc.time_zone).unwrap_or(TimeZone::UTC);
        let mut v = Validator::default();
        check_party(&mut v, w.party_size);
        let notes = v.check(validate::text("notes", &w.notes, 0, 1000, true));
        let ws = parse_start("window_start", &w.window_start, &tz);
        let we = parse_start("window_end", &w.window_end, &tz);
        if w.customer_id.is_none() && w.customer.is_none() {
            v.push("customer", "give customer_id or customer");
        }
        v.finish()?;
        let (ws, we) = (ws?, we?);
        if we <= ws {
            return Err(AppError::invalid(
                "window_end",
                "must be after window_start",
            ));
        }
        if we - ws > MAX_RANGE_DAYS * 86_400_000 {
            return Err(AppError::invalid(
                "window_end",
                &format!("the window may cover at most {MAX_RANGE_DAYS} days"),
            ));
        }
        if we <= now {
            return Err(AppError::invalid("window_end", "is in the past"));
        }
        let t = self.store.tenant(ctx.tenant);
        if let Some(s) = w.service_id
            && t.service(s)
                .await?
                .is_none_or(|s| s.location_id != w.location_id)
        {
            return Err(AppError::invalid(
                "service_id",
                "no such service at this location",
            ));
        }
        if let Some(s) = w.staff_id
            && t.resource(s)
                .await?
                .is_none_or(|r| r.location_id != w.location_id || r.kind != "staff")
        {
            return Err(AppError::invalid(
                "staff_id",
                "no such staff member at this location",
            ));
        }
        let mut tx = self.store.begin().await?;
        let customer_id = match (&w.customer_id, &w.customer) {
            (Some(id), _) => {
                if t.customer(*id).await?.is_none() {
                    return Err(AppError::invalid("customer_id", "no such customer"));
                }
                *id
            }
            (None, Some(c)) => {
                self.find_or_create_customer_in(&mut tx, ctx, &loc, c)
                    .await?
            }
            _ => unreachable!(),
        };
        let e = WaitlistEntry {
            tenant_id: ctx.tenant,
            id: WaitlistId::new(),
            location_id: w.location_id,
            customer_id,
            service_id: w.service_id,
            staff_id: w.staff_id,
            party_size: w.party_size as i64,
            window_start_ms: ws,
            window_end_ms: we,
            status: "waiting".into(),
            offered_start_ms: None,
            offered_at_ms: None,
            notes: notes.unwrap_or_default(),
            created_at_ms: now,
            updated_at_ms: now,
        };
        tx.tenant(ctx.tenant).insert_waitlist(&e).await?;
        ctx.audit(
            &mut tx,
            now,
            "waitlist.joined",
            Some(e.id.to_string()),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        self.bookings_touched(ctx.tenant);
        Ok(e)
    }

    /// Waitlist entries.
    pub async fn list_waitlist(
        &self,
        ctx: &Ctx,
        location: Option<LocationId>,
        status: Option<&str>,
    ) -> AppResult<Vec<WaitlistEntry>> {
        Ok(self
            .store
            .tenant(ctx.tenant)
            .waitlist(location, status)
            .await?)
    }

    /// Removes someone from the waitlist.
    pub async fn cancel_waitlist(&self, ctx: &Ctx, id: WaitlistId) -> AppResult<()> {
        ctx.require_write()?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if !tx
            .tenant(ctx.tenant)
            .set_waitlist_status(id, "cancelled", None, now)
            .await?
        {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        self.bookings_touched(ctx.tenant);
        Ok(())
    }

    /// Releases every expired hold (the periodic job).
    pub async fn release_expired_holds(&self) -> AppResult<u64> {
        let now = self.now_ms();
        let mut n = 0;
        for t in self.store.tenants_with_expired_holds(now, 500).await? {
            let mut tx = self.store.begin().await?;
            n += tx.tenant(t).release_expired_holds(now).await?;
            tx.commit().await?;
            self.bookings_touched(t);
        }
        Ok(n)
    }
}

fn past_tense(action: &str) -> &'static str {
    match action {
        "confirm" => "confirmed",
        "check_in" => "checked in",
        "complete" => "completed",
        "no_show" => "marked no-show",
        _ => "cancelled",
    }
}

pub(crate) fn conflict_text(code: &str) -> &'static str {
    match code {
        "slot_taken" => "this time was just taken; choose another",
        "session_full" => "this session has no seats left",
        "idempotency_key" | "idempotency_key_reused" => {
            "this idempotency key was used with a different request"
        }
        _ => "this conflicts with existing data",
    }
}

fn local_date(ms: i64, tz: &TimeZone) -> AppResult<Date> {
    Ok(Timestamp::from_millisecond(ms)
        .map_err(|_| AppError::invalid("start", "out of range"))?
        .to_zoned(tz.clone())
        .date())
}

pub(crate) fn engine_err(e: engine::EngineError) -> AppError {
    AppError::invalid("query", &e.to_string())
}

impl App {
    /// Finds a customer by phone or e-mail within this business, or creates one (promise B7:
    /// deduplicated within the business, never across businesses). Fields are checked like the
    /// customers' own API, with the phone parsed in the location's country.
    pub(crate) async fn find_or_create_customer_in(
        &self,
        tx: &mut frontdesk_store::Tx,
        ctx: &Ctx,
        loc: &frontdesk_store::Location,
        c: &CustomerDetailsIn,
    ) -> AppResult<CustomerId> {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|x| x.trim().is_empty());
        if blank(&c.phone) && blank(&c.email) {
            return Err(AppError::invalid(
                "customer",
                "give a phone number or an e-mail",
            ));
        }
        let input = crate::customers::CustomerIn {
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            language: c.language.clone(),
            ..Default::default()
        };
        let cust = self
            .validate_customer_for(ctx, &input, None, &loc.country)
            .map_err(|e| match e {
                // Name the fields as the booking request has them.
                AppError::Invalid(list) => AppError::Invalid(
                    list.into_iter()
                        .map(|i| validate::Invalid::new(format!("customer.{}", i.field), i.message))
                        .collect(),
                ),
                e => e,
            })?;
        let (found, _created) = tx.tenant(ctx.tenant).find_or_create_customer(&cust).await?;
        Ok(found.id)
    }
}
