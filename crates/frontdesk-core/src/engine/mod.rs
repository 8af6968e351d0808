//! The booking and availability engine: pure functions from a snapshot of hours, resources and
//! existing allocations to bookable slots.
//!
//! Instants are `i64` epoch milliseconds (UTC). Opening hours are local wall-clock times in the
//! location's IANA zone and are converted to instants per day, so a 09:00 opening stays 09:00
//! across a daylight-saving change, a local time in a spring-forward gap yields no slot, and a
//! repeated local time in an autumn fold yields two.
//!
//! Ids are plain strings so the engine does not depend on storage; the app maps its typed ids.
//!
//! - [`availability`] lists every bookable start; [`plan_at`] verifies one start and returns the
//!   concrete staff, rooms and units to reserve.
//! - [`tables`] assigns restaurant tables and lists reservation times.
//! - [`recurrence`] parses and expands a small RRULE subset.

mod availability;
pub mod calendar;
pub mod recurrence;
pub mod tables;

pub use availability::{availability, plan_at, plan_at_local};

use std::fmt;

/// Minutes to milliseconds.
pub(crate) const MIN_MS: i64 = 60_000;
/// One day in milliseconds (used for the booking window).
pub(crate) const DAY_MS: i64 = 86_400_000;
/// The longest date range one availability query may cover, in days (inclusive).
pub const MAX_RANGE_DAYS: u32 = 62;
/// The most services one visit may hold.
pub const MAX_VISIT_ITEMS: usize = 5;
/// The largest party size.
pub const MAX_PARTY: u32 = 50;

/// A half-open interval of instants `[start_ms, end_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First millisecond inside the span (epoch ms, UTC).
    pub start_ms: i64,
    /// First millisecond after the span (epoch ms, UTC).
    pub end_ms: i64,
}

impl Span {
    /// A span from `start_ms` to `end_ms`.
    pub const fn new(start_ms: i64, end_ms: i64) -> Self {
        Self { start_ms, end_ms }
    }

    /// Whether the two half-open spans share at least one millisecond.
    pub const fn overlaps(&self, other: &Span) -> bool {
        self.start_ms < other.end_ms && other.start_ms < self.end_ms
    }

    /// Whether `other` lies entirely inside this span.
    pub const fn contains(&self, other: &Span) -> bool {
        self.start_ms <= other.start_ms && other.end_ms <= self.end_ms
    }

    /// Length in milliseconds (0 for an empty or inverted span).
    pub const fn len_ms(&self) -> i64 {
        if self.end_ms > self.start_ms {
            self.end_ms - self.start_ms
        } else {
            0
        }
    }
}

/// Weekly opening hours for one weekday, in local wall-clock minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Start, minutes after local midnight.
    pub start_min: u16,
    /// End, minutes after local midnight, at most 1440 (midnight of the next day).
    pub end_min: u16,
}

/// Whether an exception closes or opens time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionKind {
    /// Time off, holiday, closure, maintenance, break.
    Closed,
    /// Extra hours.
    Open,
}

/// A dated change to the weekly hours, in UTC instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exception {
    /// Closed or open.
    pub kind: ExceptionKind,
    /// When it applies.
    pub span: Span,
}

/// Weekly hours plus dated exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Repeating weekly hours; several entries per weekday make breaks (09:00–12:00, 13:00–18:00).
    pub weekly: Vec<WeeklyHours>,
    /// Dated closures and extra hours.
    pub exceptions: Vec<Exception>,
}

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// A person who performs services.
    Staff,
    /// A room or chair.
    Room,
    /// A machine or tool.
    Equipment,
    /// A restaurant table.
    Table,
}

/// An existing allocation of one unit of a resource: a booking or a live hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The reserved time (buffers included).
    pub span: Span,
    /// Which unit of the resource (0-based, below `quantity`).
    pub unit: u32,
    /// `Some` for a seat in a group session (`"{service_id}@{start_ms}"`).
    pub session_key: Option<String>,
    /// Seats taken in that session (1 for a private booking).
    pub seats: u32,
}

/// A bookable resource: staff member, room, equipment, table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Stable id (the app's typed id rendered as a string).
    pub id: String,
    /// What it is.
    pub kind: ResourceKind,
    /// Interchangeable units (two identical lasers = 2); at least 1.
    pub quantity: u32,
    /// Own hours. `None` follows the location's hours. `Some` with an empty `weekly` list also
    /// follows the location's hours but applies the resource's own exceptions (time off).
    /// Own weekly hours are cut to the location's weekly hours; own `Open` exceptions add
    /// time but never beyond the location's open time; own `Closed` exceptions remove time.
    pub hours: Option<Calendar>,
    /// Existing allocations.
    pub busy: Vec<Busy>,
}

/// One step of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Minutes of hands-on work: staff, rooms, equipment and client all busy.
    Work(u32),
    /// Minutes of processing: the staff is free; rooms, equipment and the client stay busy.
    Gap(u32),
}

/// A staff member who can perform a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffOption {
    /// The staff resource id.
    pub resource_id: String,
    /// When set, the service lasts this many minutes with this person: the last `Work`
    /// segment is stretched or shrunk (to at least 1 minute) so the total equals it.
    pub duration_override_min: Option<u32>,
}

/// A bookable service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Stable id.
    pub id: String,
    /// Work and processing steps, in order.
    pub segments: Vec<Segment>,
    /// Preparation before the service; the staff and resources are reserved, the client is not.
    pub buffer_before_min: u32,
    /// Clean-up after the service; the staff and resources are reserved, the client is not.
    pub buffer_after_min: u32,
    /// Who can perform it, in preference order; empty = no staff needed.
    pub staff: Vec<StaffOption>,
    /// Each inner list: one unit of one of these rooms/equipment is needed (first listed first).
    pub requirements: Vec<Vec<String>>,
    /// 1 = private; more = a group session with this many seats.
    pub capacity: u32,
}

/// Booking policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Minutes between candidate starts (at least 1).
    pub slot_step_min: u32,
    /// A start must be at least this many minutes after now.
    pub min_notice_min: u32,
    /// A start must be less than this many days after now.
    pub window_days: u32,
}

/// One service of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitItem {
    /// The service.
    pub service: ServiceSpec,
    /// A chosen staff member; `None` = anyone.
    pub staff_pref: Option<String>,
}

/// Everything [`availability`] and [`plan_at`] need: a snapshot, no IO.
#[derive(Debug, Clone)]
pub struct AvailabilityQuery {
    /// The location's time zone.
    pub tz: jiff::tz::TimeZone,
    /// The location's hours; nothing is bookable outside them.
    pub location_hours: Calendar,
    /// Every resource the visit may use (others are ignored).
    pub resources: Vec<Resource>,
    /// 1..=5 services done back to back, in order.
    pub visit: Vec<VisitItem>,
    /// One staff member for every item that needs staff.
    pub same_staff: bool,
    /// First local date.
    pub from: jiff::civil::Date,
    /// Last local date (inclusive).
    pub to: jiff::civil::Date,
    /// Guests (seats needed in a group session), 1..=50.
    pub party_size: u32,
    /// Policy.
    pub rules: Rules,
    /// The current instant (epoch ms).
    pub now_ms: i64,
}

/// What one unit of one resource must reserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The resource.
    pub resource_id: String,
    /// The unit.
    pub unit: u32,
    /// The time to reserve, buffers included.
    pub span: Span,
    /// `Some("{service_id}@{start_ms}")` for a group session.
    pub session_key: Option<String>,
    /// Seats taken (party size in a group session, otherwise 1).
    pub seats: u32,
}

/// The plan for one service of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPlan {
    /// The service.
    pub service_id: String,
    /// The staff member, if the service needs one.
    pub staff: Option<String>,
    /// Rooms/equipment with their units, one per requirement, in requirement order.
    pub resources: Vec<(String, u32)>,
    /// Service start (without buffers).
    pub start_ms: i64,
    /// Service end (without buffers).
    pub end_ms: i64,
    /// What must be reserved (staff blocks skip processing gaps).
    pub blocks: Vec<Allocation>,
}

/// One bookable start of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Start of the first service.
    pub start_ms: i64,
    /// End of the last service.
    pub end_ms: i64,
    /// Local wall-clock start.
    pub local: jiff::civil::DateTime,
    /// UTC offset at the start, in seconds.
    pub offset_seconds: i32,
    /// The concrete plan per service.
    pub items: Vec<ItemPlan>,
}

/// A query the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The date range is longer than allowed.
    #[error("the date range may cover at most {max_days} days")]
    RangeTooLong {
        /// The limit.
        max_days: u32,
    },
    /// `to` is before `from`.
    #[error("the end date is before the start date")]
    EndBeforeStart,
    /// The visit has no services.
    #[error("the visit has no services")]
    EmptyVisit,
    /// The visit has more services than allowed.
    #[error("a visit may hold at most {MAX_VISIT_ITEMS} services")]
    TooManyServices,
    /// A service has no work, or a duration out of range.
    #[error("service {0:?} has no work time or a duration longer than a day")]
    BadDuration(String),
    /// Party size outside 1..=50.
    #[error("the party size must be between 1 and {MAX_PARTY}")]
    BadPartySize,
    /// The slot step is zero.
    #[error("the slot step must be at least one minute")]
    BadStep,
    /// A service or table refers to a resource that is not in the query.
    #[error("unknown resource {0:?}")]
    UnknownResource(String),
    /// A resource has quantity 0.
    #[error("resource {0:?} has quantity 0")]
    BadQuantity(String),
    /// A service has capacity 0.
    #[error("service {0:?} has capacity 0")]
    BadCapacity(String),
    /// The chosen staff member does not perform the service.
    #[error("{staff:?} does not perform service {service:?}")]
    StaffCannotPerform {
        /// The staff member.
        staff: String,
        /// The service.
        service: String,
    },
    /// `same_staff` with different chosen staff members.
    #[error("one staff member was requested for the whole visit, but different ones were chosen")]
    ConflictingStaffPreference,
    /// Weekly hours out of range (weekday not 1..=7, end beyond 1440 or before start).
    #[error("invalid weekly hours: {0}")]
    BadHours(String),
    /// A restaurant period is invalid.
    #[error("invalid period {0:?}")]
    BadPeriod(String),
    /// A recurrence rule is invalid or cannot be parsed.
    #[error("invalid recurrence rule: {0}")]
    BadRule(String),
    /// A date or time computation went out of range.
    #[error("date or time out of range: {0}")]
    Time(String),
}

impl From<jiff::Error> for EngineError {
    fn from(e: jiff::Error) -> Self {
        EngineError::Time(e.to_string())
    }
}

/// Why one start cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnavailableReason {
    /// Outside the opening hours of the location or of a needed resource.
    OutsideHours,
    /// A needed resource is already allocated.
    Taken,
    /// The group session has no seats left for the party.
    SessionFull,
    /// Earlier than the minimum notice (or in the past).
    TooSoon,
    /// Beyond the booking window.
    BeyondWindow,
    /// The chosen staff member does not perform the service.
    StaffCannotPerform,
    /// The local time does not exist (spring-forward gap).
    InDstGap,
    /// The query itself is invalid.
    InvalidQuery,
}

/// A refusal from [`plan_at`]: a machine-readable reason and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// Machine-readable reason.
    pub reason: UnavailableReason,
    /// Human-readable explanation.
    pub message: String,
}

impl Unavailable {
    pub(crate) fn new(reason: UnavailableReason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Unavailable {}

impl From<EngineError> for Unavailable {
    fn from(e: EngineError) -> Self {
        let reason = match e {
            EngineError::StaffCannotPerform { .. } => UnavailableReason::StaffCannotPerform,
            _ => UnavailableReason::InvalidQuery,
        };
        Unavailable::new(reason, e.to_string())
    }
}
