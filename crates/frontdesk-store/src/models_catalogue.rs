//! Catalogue rows: resources, areas, table combinations, hours, exceptions, services, booking
//! rules, service periods and customers (promises C2, C3, B3, B7). JSON lists are stored as text
//! and kept as text here; the app layer parses and validates them.

use frontdesk_core::*;

/// A restaurant area (indoor, terrace…).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Area {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: AreaId,
    /// Location.
    pub location_id: LocationId,
    /// Name.
    pub name: String,
    /// Display order.
    pub sort_order: i64,
    /// Created.
    pub created_at_ms: i64,
}

/// A bookable resource: a staff member, room, piece of equipment or restaurant table.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Resource {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ResourceId,
    /// Location.
    pub location_id: LocationId,
    /// `staff`, `room`, `equipment` or `table`.
    pub kind: String,
    /// Name, unique per location and kind.
    pub name: String,
    /// Description (staff profile, room notes…).
    pub description: Option<String>,
    /// The team member a staff resource belongs to.
    pub user_id: Option<UserId>,
    /// Units (equipment); 1 otherwise.
    pub quantity: i64,
    /// Area (tables).
    pub area_id: Option<AreaId>,
    /// Fewest seats (tables).
    pub min_seats: Option<i64>,
    /// Most seats (tables).
    pub max_seats: Option<i64>,
    /// `round`, `square`, `rect`, `booth`, `bar` (tables).
    pub shape: Option<String>,
    /// Floor-plan x, 0..=1000.
    pub pos_x: Option<i64>,
    /// Floor-plan y, 0..=1000.
    pub pos_y: Option<i64>,
    /// JSON array of requirement tags (accessible, pets, stroller…).
    pub tags: String,
    /// `online`, `in_house` or `walk_in` (tables).
    pub inventory: String,
    /// Whether the resource has its own weekly hours (else it follows the location's).
    pub own_hours: bool,
    /// `#rrggbb`.
    pub colour: Option<String>,
    /// Display order.
    pub sort_order: i64,
    /// Bookable.
    pub active: bool,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// An allowed combination of tables.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TableCombo {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ComboId,
    /// Location.
    pub location_id: LocationId,
    /// Name.
    pub name: String,
    /// Fewest seats.
    pub min_seats: i64,
    /// Most seats.
    pub max_seats: i64,
    /// Created.
    pub created_at_ms: i64,
    /// The tables combined (loaded separately).
    #[sqlx(skip)]
    pub members: Vec<ResourceId>,
}

/// One weekly interval of opening or working hours.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Hours {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: HoursId,
    /// Location.
    pub location_id: LocationId,
    /// None = the location's opening hours; else the resource's own hours.
    pub resource_id: Option<ResourceId>,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// Minutes from local midnight, 0..=1439.
    pub start_min: i64,
    /// Minutes from local midnight, 1..=1440, after start.
    pub end_min: i64,
}

/// One interval of a weekly schedule to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHoursRow {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// Start minute.
    pub start_min: i64,
    /// End minute.
    pub end_min: i64,
}

/// A schedule exception: closed (time off, holiday, maintenance) or open (extra hours).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScheduleException {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ExceptionId,
    /// Location.
    pub location_id: LocationId,
    /// None = the whole location.
    pub resource_id: Option<ResourceId>,
    /// `closed` or `open`.
    pub kind: String,
    /// Start instant.
    pub starts_at_ms: i64,
    /// End instant (after start).
    pub ends_at_ms: i64,
    /// Why.
    pub reason: Option<String>,
    /// Created.
    pub created_at_ms: i64,
}

/// A service or treatment.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Service {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ServiceId,
    /// Location.
    pub location_id: LocationId,
    /// Name, unique per location.
    pub name: String,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Total minutes (sum of the segments).
    pub duration_min: i64,
    /// JSON: `[{"work":30},{"gap":20},{"work":15}]`.
    pub segments: String,
    /// Price in minor units.
    pub price_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Buffer before, minutes.
    pub buffer_before_min: i64,
    /// Buffer after, minutes.
    pub buffer_after_min: i64,
    /// Places per session (group sessions > 1).
    pub capacity: i64,
    /// Bookable by customers online.
    pub online_bookable: bool,
    /// A service that must have been booked before.
    pub prerequisite_service_id: Option<ServiceId>,
    /// Promotional price.
    pub promo_price_minor: Option<i64>,
    /// Promotion start.
    pub promo_starts_at_ms: Option<i64>,
    /// Promotion end.
    pub promo_ends_at_ms: Option<i64>,
    /// `#rrggbb`.
    pub colour: Option<String>,
    /// Display order.
    pub sort_order: i64,
    /// Offered.
    pub active: bool,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A staff member who performs a service, with optional overrides.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceStaff {
    /// The service.
    pub service_id: ServiceId,
    /// The staff resource.
    pub resource_id: ResourceId,
    /// Duration override.
    pub duration_min: Option<i64>,
    /// Price override.
    pub price_minor: Option<i64>,
}

/// One resource of a requirement group: a booking needs one resource out of each group.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceRequirement {
    /// The service.
    pub service_id: ServiceId,
    /// The group.
    pub group_no: i64,
    /// A resource that satisfies the group.
    pub resource_id: ResourceId,
}

/// Booking rules of a location (defaults when never set).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BookingRules {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Location.
    pub location_id: LocationId,
    /// Slot step, minutes.
    pub slot_step_min: i64,
    /// Least notice before a booking, minutes.
    pub min_notice_min: i64,
    /// How far ahead customers may book, days.
    pub window_days: i64,
    /// Customers may cancel until this many minutes before.
    pub cancel_cutoff_min: i64,
    /// Customers may change until this many minutes before.
    pub edit_cutoff_min: i64,
    /// Bookings wait for the business to confirm.
    pub require_confirmation: bool,
    /// How long a slot is held during checkout, minutes.
    pub hold_minutes: i64,
    /// Last changed (0 = never set: defaults).
    pub updated_at_ms: i64,
}

impl BookingRules {
    /// The defaults of a location that never set its rules.
    pub fn defaults(tenant_id: TenantId, location_id: LocationId) -> Self {
        Self {
            tenant_id,
            location_id,
            slot_step_min: 15,
            min_notice_min: 60,
            window_days: 60,
            cancel_cutoff_min: 1440,
            edit_cutoff_min: 1440,
            require_confirmation: false,
            hold_minutes: 10,
            updated_at_ms: 0,
        }
    }
}

/// A restaurant service period (lunch, dinner).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ServicePeriod {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: PeriodId,
    /// Location.
    pub location_id: LocationId,
    /// Name.
    pub name: String,
    /// Comma-separated weekdays, e.g. `1,2,3,4,5,6`.
    pub weekdays: String,
    /// First seating, minutes from midnight.
    pub start_min: i64,
    /// Last seating, minutes from midnight.
    pub last_seating_min: i64,
    /// Slot step, minutes.
    pub slot_step_min: i64,
    /// JSON: `[{"max_party":2,"minutes":90},…]`.
    pub turn_times: String,
    /// Most covers starting in one slot.
    pub max_covers_per_slot: Option<i64>,
    /// Pacing window, minutes.
    pub pacing_interval_min: Option<i64>,
    /// Most covers per pacing window.
    pub pacing_max_covers: Option<i64>,
    /// Share of covers bookable online, percent.
    pub online_share_pct: Option<i64>,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A customer of the business (promise B7).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Customer {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    /// E-mail as given.
    pub email: Option<String>,
    /// Lower-cased e-mail for dedupe.
    pub email_key: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Staff notes.
    pub notes: Option<String>,
    /// JSON array of tags.
    pub tags: String,
    /// JSON array of standing requirements (accessible, high_chair…).
    pub requirements: String,
    /// Agreed to marketing.
    pub marketing_consent: bool,
    /// When consent was given or withdrawn.
    pub marketing_consent_at_ms: Option<i64>,
    /// Where consent was given (web, staff, chat…).
    pub marketing_consent_source: Option<String>,
    /// First booking.
    pub first_booking_at_ms: Option<i64>,
    /// Last booking.
    pub last_booking_at_ms: Option<i64>,
    /// Bookings made.
    pub booking_count: i64,
    /// No-shows.
    pub no_show_count: i64,
    /// Last time the phone was verified.
    pub last_verified_at_ms: Option<i64>,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A customer search.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Text in the name, phone or e-mail.
    pub search: Option<String>,
    /// A tag the customer carries.
    pub tag: Option<String>,
    /// Most rows (clamped to 1..=200).
    pub limit: i64,
    /// Cursor: rows after this id.
    pub after: Option<CustomerId>,
}
