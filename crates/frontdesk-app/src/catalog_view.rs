//! A snapshot of one location for the availability engine: catalogue, hours, exceptions and busy
//! allocations for a date range, fetched once (a fixed number of date-bounded queries, never one
//! per staff member or day), then mapped to the engine's pure input types.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use frontdesk_core::engine::{self, tables};
use frontdesk_core::*;
use frontdesk_store::{
    Allocation, Area, BookingItem, BookingRules, Hours, Location, Resource, ScheduleException,
    Service, ServicePeriod, ServiceRequirement, ServiceStaff, TableCombo,
};
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::bookings::{SlotItemOut, SlotOut, TablesOut, VisitItemIn, rfc3339};
use crate::{App, AppError, AppResult};

/// A location's catalogue: what changes only when someone edits it.
#[derive(Debug)]
pub(crate) struct Catalogue {
    #[allow(dead_code)]
    pub location: Location,
    tz: TimeZone,
    rules: RulesView,
    resources: Vec<Resource>,
    services: HashMap<ServiceId, Service>,
    staff: HashMap<ServiceId, Vec<ServiceStaff>>,
    reqs: HashMap<ServiceId, Vec<ServiceRequirement>>,
    hours: Vec<Hours>,
    periods: Vec<ServicePeriod>,
    combos: Vec<TableCombo>,
    #[allow(dead_code)]
    areas: Vec<Area>,
}

/// Everything about one location the engine needs for a date range: the catalogue plus the
/// exceptions, allocations and seated reservations of the range.
#[derive(Debug, Clone)]
pub(crate) struct LocationView {
    cat: Arc<Catalogue>,
    pub tz: TimeZone,
    pub rules: RulesView,
    exceptions: Vec<ScheduleException>,
    busy: Vec<Allocation>,
    seated: Vec<(BookingId, i64, i64)>,
}

/// A location's booking rules.
#[derive(Debug, Clone)]
pub(crate) struct RulesView {
    pub slot_step_min: u32,
    pub min_notice_min: u32,
    pub window_days: u32,
    pub require_confirmation: bool,
    pub hold_minutes: i64,
}

impl From<&BookingRules> for RulesView {
    fn from(r: &BookingRules) -> Self {
        Self {
            slot_step_min: r.slot_step_min.clamp(1, 1440) as u32,
            min_notice_min: r.min_notice_min.clamp(0, 525_600) as u32,
            window_days: r.window_days.clamp(1, 730) as u32,
            require_confirmation: r.require_confirmation,
            hold_minutes: r.hold_minutes.clamp(1, 1440),
        }
    }
}

/// Recent snapshots per (business, location, range), reused by availability reads for at most
/// `AppConfig::availability_cache` and dropped when this process changes the business.
#[derive(Debug, Default, Clone)]
pub(crate) struct ViewCache {
    inner: Arc<Mutex<HashMap<ViewKey, Entry>>>,
    catalogues: Arc<Mutex<HashMap<(TenantId, LocationId), CatalogueEntry>>>,
}

type Entry = (Instant, Arc<LocationView>);
type CatalogueEntry = (Instant, Arc<Catalogue>);

type ViewKey = (TenantId, LocationId, Date, Date);

/// At most this many snapshots are kept.
const VIEW_CACHE_ENTRIES: usize = 128;

impl ViewCache {
    fn get(&self, k: &ViewKey, ttl: Duration) -> Option<Arc<LocationView>> {
        let map = self.inner.lock().ok()?;
        map.get(k)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, k: ViewKey, v: Arc<LocationView>, ttl: Duration) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            if map.len() >= VIEW_CACHE_ENTRIES
                && let Some(oldest) = map.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| *k)
            {
                map.remove(&oldest);
            }
            map.insert(k, (Instant::now(), v));
        }
    }

    /// Drops a business's availability snapshots but keeps its catalogue (after a booking
    /// changed: the catalogue did not).
    pub(crate) fn invalidate_bookings(&self, tenant: TenantId) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|k, _| k.0 != tenant);
        }
    }

    /// Drops every snapshot of a business (after its catalogue changed).
    pub(crate) fn invalidate(&self, tenant: TenantId) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|k, _| k.0 != tenant);
        }
        if let Ok(mut map) = self.catalogues.lock() {
            map.retain(|k, _| k.0 != tenant);
        }
    }

    fn catalogue(&self, k: (TenantId, LocationId), ttl: Duration) -> Option<Arc<Catalogue>> {
        let map = self.catalogues.lock().ok()?;
        map.get(&k)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    fn put_catalogue(&self, k: (TenantId, LocationId), v: Arc<Catalogue>, ttl: Duration) {
        if let Ok(mut map) = self.catalogues.lock() {
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            if map.len() >= VIEW_CACHE_ENTRIES {
                map.clear();
            }
            map.insert(k, (Instant::now(), v));
        }
    }
}

/// A snapshot for reads: reused for a short while (see [`ViewCache`]).
pub(crate) async fn cached_view(
    app: &App,
    tenant: TenantId,
    location: LocationId,
    from: Date,
    to: Date,
    now: i64,
) -> AppResult<Arc<LocationView>> {
    let ttl = app.config.availability_cache;
    let key = (tenant, location, from, to);
    if !ttl.is_zero()
        && let Some(v) = app.views.get(&key, ttl)
    {
        return Ok(v);
    }
    let v = Arc::new(load_view(app, tenant, location, from, to, now, None).await?);
    if !ttl.is_zero() {
        app.views.put(key, v.clone(), ttl);
    }
    Ok(v)
}

/// A location's catalogue, reused for at most `AppConfig::availability_cache` and dropped as soon
/// as this process changes the business. (Bookings re-read allocations fresh every time; the
/// catalogue changes rarely and a stale one can at worst offer a time the database then refuses.)
pub(crate) async fn catalogue(
    app: &App,
    tenant: TenantId,
    location: LocationId,
) -> AppResult<Arc<Catalogue>> {
    let ttl = app.config.availability_cache;
    if !ttl.is_zero()
        && let Some(c) = app.views.catalogue((tenant, location), ttl)
    {
        return Ok(c);
    }
    let t = app.store.tenant(tenant);
    let loc = t.location(location).await?.ok_or(AppError::NotFound)?;
    let tz = TimeZone::get(&loc.time_zone)
        .map_err(|_| AppError::invalid("location_id", "the location's time zone is invalid"))?;
    let rules = t.rules(location).await?;
    let resources: Vec<Resource> = t
        .resources(location, None)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .collect();
    let services: HashMap<ServiceId, Service> = t
        .services(location)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id, s))
        .collect();
    let mut staff: HashMap<ServiceId, Vec<ServiceStaff>> = HashMap::new();
    for s in t.service_staff_at(location).await? {
        staff.entry(s.service_id).or_default().push(s);
    }
    let mut reqs: HashMap<ServiceId, Vec<ServiceRequirement>> = HashMap::new();
    for r in t.service_requirements_at(location).await? {
        reqs.entry(r.service_id).or_default().push(r);
    }
    let hours = t.hours_for(location).await?;
    let has_tables = resources.iter().any(|r| r.kind == "table");
    let (periods, combos, areas) = if has_tables {
        (
            t.periods(location).await?,
            t.combos(location).await?,
            t.areas(location).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let c = Arc::new(Catalogue {
        location: loc,
        tz,
        rules: RulesView::from(&rules),
        resources,
        services,
        staff,
        reqs,
        hours,
        periods,
        combos,
        areas,
    });
    if !ttl.is_zero() {
        app.views.put_catalogue((tenant, location), c.clone(), ttl);
    }
    Ok(c)
}

/// Loads a location's snapshot for the local dates `[from, to]` (with a day of margin each side
/// for buffers and services crossing midnight): the catalogue, and fresh from the database the
/// exceptions, allocations and seated reservations of the range. With a `focus` (the services of
/// a booking), only the allocations of the staff, rooms and equipment it could use are read.
pub(crate) async fn load_view(
    app: &App,
    tenant: TenantId,
    location: LocationId,
    from: Date,
    to: Date,
    now: i64,
    focus: Option<&[VisitItemIn]>,
) -> AppResult<LocationView> {
    let cat = catalogue(app, tenant, location).await?;
    let t = app.store.tenant(tenant);
    let tz = cat.tz.clone();
    let day = |d: Date, shift: i64| -> AppResult<i64> {
        let d = d
            .checked_add(jiff::Span::new().days(shift))
            .map_err(|_| AppError::invalid("from", "date out of range"))?;
        Ok(d.to_zoned(tz.clone())
            .map_err(|_| AppError::invalid("from", "date out of range"))?
            .timestamp()
            .as_millisecond())
    };
    let from_ms = day(from, -1)?;
    let to_ms = day(to, 2)?;
    let exceptions = t.exceptions_between(location, from_ms, to_ms).await?;
    let busy = match focus.filter(|f| !f.is_empty()) {
        Some(items) => {
            let mut wanted: Vec<ResourceId> = Vec::new();
            for it in items {
                match it.staff_id {
                    Some(st) => wanted.push(st),
                    None => wanted.extend(
                        cat.staff
                            .get(&it.service_id)
                            .into_iter()
                            .flatten()
                            .map(|x| x.resource_id),
                    ),
                }
                wanted.extend(
                    cat.reqs
                        .get(&it.service_id)
                        .into_iter()
                        .flatten()
                        .map(|x| x.resource_id),
                );
            }
            wanted.sort_by_key(|r| r.uuid());
            wanted.dedup();
            t.busy_of(location, &wanted, from_ms, to_ms, now).await?
        }
        None => t.busy_between(location, from_ms, to_ms, now).await?,
    };
    let seated = if cat.periods.is_empty() {
        Vec::new()
    } else {
        t.reservation_starts(location, from_ms, to_ms, now).await?
    };
    Ok(LocationView {
        tz,
        rules: cat.rules.clone(),
        cat,
        exceptions,
        busy,
        seated,
    })
}

fn weekly(rows: &[&Hours]) -> Vec<engine::WeeklyHours> {
    rows.iter()
        .map(|h| engine::WeeklyHours {
            weekday: h.weekday as u8,
            start_min: h.start_min as u16,
            end_min: h.end_min as u16,
        })
        .collect()
}

fn exception(e: &ScheduleException) -> engine::Exception {
    engine::Exception {
        kind: if e.kind == "open" {
            engine::ExceptionKind::Open
        } else {
            engine::ExceptionKind::Closed
        },
        span: engine::Span {
            start_ms: e.starts_at_ms,
            end_ms: e.ends_at_ms,
        },
    }
}

/// Parses a service's segments (`[{"work":30},{"gap":20},{"work":15}]`).
pub(crate) fn segments(s: &Service) -> Vec<engine::Segment> {
    let parsed: Vec<HashMap<String, u32>> = serde_json::from_str(&s.segments).unwrap_or_default();
    let mut out: Vec<engine::Segment> = parsed
        .iter()
        .filter_map(|m| {
            if let Some(w) = m.get("work") {
                Some(engine::Segment::Work(*w))
            } else {
                m.get("gap").map(|g| engine::Segment::Gap(*g))
            }
        })
        .collect();
    if out.is_empty() {
        out.push(engine::Segment::Work(s.duration_min.max(1) as u32));
    }
    out
}

impl LocationView {
    /// The prerequisite of a service, with both names: `(prerequisite, service name, its name)`.
    pub fn prerequisite_of(&self, service: ServiceId) -> Option<(ServiceId, String, String)> {
        let s = self.cat.services.get(&service)?;
        let p = s.prerequisite_service_id?;
        let name = self
            .cat
            .services
            .get(&p)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| "another service".into());
        Some((p, s.name.clone(), name))
    }

    /// The same snapshot without one booking's allocations (to move that booking).
    pub fn without_booking(mut self, id: BookingId) -> Self {
        self.busy.retain(|a| a.booking_id != id);
        self.seated.retain(|s| s.0 != id);
        self
    }

    /// Engine rules: customer-facing sources get the location's notice and window; staff may book
    /// at short notice and up to a year ahead.
    pub fn engine_rules(&self, customer_facing: bool) -> engine::Rules {
        if customer_facing {
            engine::Rules {
                slot_step_min: self.rules.slot_step_min,
                min_notice_min: self.rules.min_notice_min,
                window_days: self.rules.window_days,
            }
        } else {
            engine::Rules {
                slot_step_min: self.rules.slot_step_min,
                min_notice_min: 0,
                window_days: 366,
            }
        }
    }

    fn location_calendar(&self) -> engine::Calendar {
        let rows: Vec<&Hours> = self
            .cat
            .hours
            .iter()
            .filter(|h| h.resource_id.is_none())
            .collect();
        engine::Calendar {
            weekly: weekly(&rows),
            exceptions: self
                .exceptions
                .iter()
                .filter(|e| e.resource_id.is_none())
                .map(exception)
                .collect(),
        }
    }

    fn resource_calendar(&self, r: &Resource) -> Option<engine::Calendar> {
        let excs: Vec<engine::Exception> = self
            .exceptions
            .iter()
            .filter(|e| e.resource_id == Some(r.id))
            .map(exception)
            .collect();
        if r.own_hours {
            let rows: Vec<&Hours> = self
                .cat
                .hours
                .iter()
                .filter(|h| h.resource_id == Some(r.id))
                .collect();
            Some(engine::Calendar {
                weekly: weekly(&rows),
                exceptions: excs,
            })
        } else if excs.is_empty() {
            None
        } else {
            // No weekly hours of its own: the engine follows the location's, plus these.
            Some(engine::Calendar {
                weekly: Vec::new(),
                exceptions: excs,
            })
        }
    }

    fn busy_of(&self, r: ResourceId) -> Vec<engine::Busy> {
        self.busy
            .iter()
            .filter(|a| a.resource_id == r)
            .map(|a| engine::Busy {
                span: engine::Span {
                    start_ms: a.starts_at_ms,
                    end_ms: a.ends_at_ms,
                },
                unit: a.unit.max(0) as u32,
                session_key: Some(a.session_key.clone()),
                seats: a.seats.max(1) as u32,
            })
            .collect()
    }

    fn service(&self, id: ServiceId, facing: bool) -> AppResult<&Service> {
        let s = self.cat.services.get(&id).ok_or_else(|| {
            AppError::invalid("services", &format!("no service {id} at this location"))
        })?;
        if facing && !s.online_bookable {
            return Err(AppError::invalid(
                "services",
                &format!("{} cannot be booked online", s.name),
            ));
        }
        Ok(s)
    }

    fn spec(&self, s: &Service) -> engine::ServiceSpec {
        let mut groups: Vec<(i64, Vec<String>)> = Vec::new();
        for r in self.cat.reqs.get(&s.id).map(Vec::as_slice).unwrap_or(&[]) {
            match groups.iter_mut().find(|g| g.0 == r.group_no) {
                Some(g) => g.1.push(r.resource_id.to_string()),
                None => groups.push((r.group_no, vec![r.resource_id.to_string()])),
            }
        }
        groups.sort_by_key(|g| g.0);
        let active: std::collections::HashSet<ResourceId> =
            self.cat.resources.iter().map(|r| r.id).collect();
        engine::ServiceSpec {
            id: s.id.to_string(),
            segments: segments(s),
            buffer_before_min: s.buffer_before_min.max(0) as u32,
            buffer_after_min: s.buffer_after_min.max(0) as u32,
            staff: self
                .cat
                .staff
                .get(&s.id)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter(|x| active.contains(&x.resource_id))
                .map(|x| engine::StaffOption {
                    resource_id: x.resource_id.to_string(),
                    duration_override_min: x.duration_min.map(|d| d.max(1) as u32),
                })
                .collect(),
            requirements: groups
                .into_iter()
                .map(|g| {
                    g.1.into_iter()
                        .filter(|id| active.iter().any(|a| a.to_string() == *id))
                        .collect()
                })
                .collect(),
            capacity: s.capacity.max(1) as u32,
        }
    }

    /// The engine query for a visit.
    #[allow(clippy::too_many_arguments)]
    pub fn availability_query(
        &self,
        items: &[VisitItemIn],
        same_staff: bool,
        from: Date,
        to: Date,
        party_size: u32,
        rules: engine::Rules,
        now: i64,
        facing: bool,
    ) -> AppResult<engine::AvailabilityQuery> {
        let mut visit = Vec::new();
        for it in items {
            let s = self.service(it.service_id, facing)?;
            if let Some(st) = it.staff_id {
                let ok = self
                    .cat
                    .staff
                    .get(&s.id)
                    .is_some_and(|v| v.iter().any(|x| x.resource_id == st));
                if !ok {
                    return Err(AppError::invalid(
                        "staff_id",
                        &format!("this staff member does not perform {}", s.name),
                    ));
                }
            }
            visit.push(engine::VisitItem {
                service: self.spec(s),
                staff_pref: it.staff_id.map(|x| x.to_string()),
            });
        }
        let resources = self
            .cat
            .resources
            .iter()
            .filter(|r| r.kind != "table")
            .map(|r| engine::Resource {
                id: r.id.to_string(),
                kind: match r.kind.as_str() {
                    "staff" => engine::ResourceKind::Staff,
                    "room" => engine::ResourceKind::Room,
                    _ => engine::ResourceKind::Equipment,
                },
                quantity: r.quantity.max(1) as u32,
                hours: self.resource_calendar(r),
                busy: self.busy_of(r.id),
            })
            .collect();
        Ok(engine::AvailabilityQuery {
            tz: self.tz.clone(),
            location_hours: self.location_calendar(),
            resources,
            visit,
            same_staff,
            from,
            to,
            party_size,
            rules,
            now_ms: now,
        })
    }

    /// The restaurant query for one local date.
    #[allow(clippy::too_many_arguments)]
    pub fn table_query(
        &self,
        date: Date,
        party_size: u32,
        requirements: &[String],
        area: Option<AreaId>,
        online_only: bool,
        rules: engine::Rules,
        now: i64,
    ) -> AppResult<tables::TableQuery> {
        let tables_ = self
            .cat
            .resources
            .iter()
            .filter(|r| r.kind == "table")
            .filter(|r| r.inventory != "walk_in" || !online_only)
            .map(|r| tables::Table {
                id: r.id.to_string(),
                area: r.area_id.map(|a| a.to_string()),
                min_seats: r.min_seats.unwrap_or(1).max(1) as u32,
                max_seats: r.max_seats.unwrap_or(1).max(1) as u32,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                sort: r.sort_order as i32,
                online: r.inventory == "online",
                busy: self
                    .busy
                    .iter()
                    .filter(|a| a.resource_id == r.id)
                    .map(|a| engine::Span {
                        start_ms: a.starts_at_ms,
                        end_ms: a.ends_at_ms,
                    })
                    .collect(),
            })
            .collect();
        let combos = self
            .cat
            .combos
            .iter()
            .map(|c| tables::Combo {
                id: c.id.to_string(),
                tables: c.members.iter().map(|m| m.to_string()).collect(),
                min_seats: c.min_seats.max(1) as u32,
                max_seats: c.max_seats.max(1) as u32,
            })
            .collect();
        let periods = self
            .cat
            .periods
            .iter()
            .map(|p| tables::Period {
                name: p.name.clone(),
                weekdays: p
                    .weekdays
                    .split(',')
                    .filter_map(|d| d.trim().parse().ok())
                    .collect(),
                start_min: p.start_min as u16,
                last_seating_min: p.last_seating_min as u16,
                slot_step_min: p.slot_step_min.max(1) as u32,
                turn_times: serde_json::from_str::<Vec<TurnTimeIn>>(&p.turn_times)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| tables::TurnTime {
                        max_party: t.max_party,
                        minutes: t.minutes,
                    })
                    .collect(),
                max_covers_per_slot: p.max_covers_per_slot.map(|v| v.max(0) as u32),
                pacing: match (p.pacing_interval_min, p.pacing_max_covers) {
                    (Some(i), Some(m)) => Some((i.max(1) as u32, m.max(0) as u32)),
                    _ => None,
                },
            })
            .collect();
        Ok(tables::TableQuery {
            tz: self.tz.clone(),
            periods,
            tables: tables_,
            combos,
            seated: self
                .seated
                .iter()
                .map(|s| tables::Seated {
                    start_ms: s.1,
                    covers: s.2.max(0) as u32,
                })
                .collect(),
            closures: self
                .exceptions
                .iter()
                .filter(|e| e.resource_id.is_none() && e.kind != "open")
                .map(|e| engine::Span {
                    start_ms: e.starts_at_ms,
                    end_ms: e.ends_at_ms,
                })
                .collect(),
            date,
            party_size,
            requirements: requirements.to_vec(),
            area: area.map(|a| a.to_string()),
            online_only,
            rules,
            now_ms: now,
        })
    }

    fn name_of(&self, id: &str) -> Option<String> {
        self.cat
            .resources
            .iter()
            .find(|r| r.id.to_string() == id)
            .map(|r| r.name.clone())
    }

    /// A slot as shown.
    pub fn slot_out(&self, s: &engine::Slot) -> SlotOut {
        SlotOut {
            start: rfc3339(s.start_ms),
            end: rfc3339(s.end_ms),
            start_ms: s.start_ms,
            local_time: s.local.strftime("%Y-%m-%dT%H:%M").to_string(),
            utc_offset: offset_text(s.offset_seconds),
            items: s
                .items
                .iter()
                .filter_map(|i| Some((i, i.service_id.parse().ok()?)))
                .map(|(i, service_id)| SlotItemOut {
                    service_id,
                    staff_id: i.staff.as_ref().and_then(|x| x.parse().ok()),
                    staff_name: i.staff.as_ref().and_then(|x| self.name_of(x)),
                    resources: i
                        .resources
                        .iter()
                        .filter_map(|r| r.0.parse().ok())
                        .collect(),
                    start: rfc3339(i.start_ms),
                    end: rfc3339(i.end_ms),
                })
                .collect(),
            tables: None,
            period: None,
        }
    }

    /// A restaurant slot as shown.
    pub fn table_slot_out(&self, s: &tables::TableSlot) -> SlotOut {
        let off = jiff::Timestamp::from_millisecond(s.start_ms)
            .map(|t| self.tz.to_offset(t).seconds())
            .unwrap_or(0);
        SlotOut {
            start: rfc3339(s.start_ms),
            end: rfc3339(s.end_ms),
            start_ms: s.start_ms,
            local_time: s.local.strftime("%Y-%m-%dT%H:%M").to_string(),
            utc_offset: offset_text(off),
            items: Vec::new(),
            tables: Some(TablesOut {
                table_ids: s
                    .assignment
                    .tables
                    .iter()
                    .filter_map(|t| t.parse().ok())
                    .collect(),
                names: s
                    .assignment
                    .tables
                    .iter()
                    .filter_map(|t| self.name_of(t))
                    .collect(),
                seats: s.assignment.seats,
                explanation: self.explain(&s.assignment),
            }),
            period: Some(s.period.clone()),
        }
    }

    /// The engine's explanation with table names instead of ids.
    fn explain(&self, a: &tables::TableAssignment) -> String {
        let mut text = a.explanation.clone();
        for r in &self.cat.resources {
            let id = r.id.to_string();
            if text.contains(&id) {
                text = text.replace(&id, &r.name);
            }
        }
        for c in &self.cat.combos {
            let id = c.id.to_string();
            if text.contains(&id) {
                text = text.replace(&id, &c.name);
            }
        }
        text
    }

    fn price_of(&self, service: &Service, staff: Option<ResourceId>, at_ms: i64) -> i64 {
        let promo = match (
            service.promo_price_minor,
            service.promo_starts_at_ms,
            service.promo_ends_at_ms,
        ) {
            (Some(p), from, to)
                if from.is_none_or(|f| f <= at_ms) && to.is_none_or(|t| at_ms < t) =>
            {
                Some(p)
            }
            _ => None,
        };
        let staff_price = staff.and_then(|st| {
            self.cat
                .staff
                .get(&service.id)
                .and_then(|v| v.iter().find(|x| x.resource_id == st))
                .and_then(|x| x.price_minor)
        });
        promo.or(staff_price).unwrap_or(service.price_minor)
    }

    /// What to store for an engine plan.
    pub(crate) fn plan_of(&self, slot: &engine::Slot) -> AppResult<crate::bookings::PlanRows> {
        let placeholder = BookingId::new();
        let mut items = Vec::new();
        let mut allocations = Vec::new();
        let mut sessions = Vec::new();
        for (pos, it) in slot.items.iter().enumerate() {
            let sid: ServiceId = it.service_id.parse().map_err(|_| unknown_id())?;
            let staff: Option<ResourceId> = it.staff.as_ref().and_then(|x| x.parse().ok());
            let svc = self.cat.services.get(&sid);
            items.push(BookingItem {
                booking_id: placeholder,
                position: pos as i64,
                service_id: Some(sid),
                staff_id: staff,
                starts_at_ms: it.start_ms,
                ends_at_ms: it.end_ms,
                price_minor: svc.map(|s| self.price_of(s, staff, it.start_ms)),
                currency: svc.map(|s| s.currency.clone()),
            });
            for b in &it.blocks {
                let rid: ResourceId = b.resource_id.parse().map_err(|_| unknown_id())?;
                if let (Some(key), Some(s)) = (&b.session_key, svc)
                    && !sessions
                        .iter()
                        .any(|x: &(ResourceId, String, i64)| x.0 == rid && &x.1 == key)
                {
                    sessions.push((rid, key.clone(), s.capacity));
                }
                allocations.push(Allocation {
                    booking_id: placeholder,
                    resource_id: rid,
                    unit: b.unit as i64,
                    starts_at_ms: b.span.start_ms,
                    ends_at_ms: b.span.end_ms,
                    session_key: b.session_key.clone().unwrap_or_default(),
                    seats: b.seats as i64,
                });
            }
        }
        Ok(crate::bookings::PlanRows {
            start_ms: slot.start_ms,
            end_ms: slot.end_ms,
            items,
            allocations,
            sessions,
            explanation: None,
        })
    }

    /// What to store for a table assignment.
    pub(crate) fn table_plan(&self, s: &tables::TableSlot) -> crate::bookings::PlanRows {
        let placeholder = BookingId::new();
        let allocations = s
            .assignment
            .tables
            .iter()
            .filter_map(|t| t.parse::<ResourceId>().ok())
            .map(|rid| Allocation {
                booking_id: placeholder,
                resource_id: rid,
                unit: 0,
                starts_at_ms: s.start_ms,
                ends_at_ms: s.end_ms,
                session_key: String::new(),
                seats: 1,
            })
            .collect();
        crate::bookings::PlanRows {
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            items: vec![BookingItem {
                booking_id: placeholder,
                position: 0,
                service_id: None,
                staff_id: None,
                starts_at_ms: s.start_ms,
                ends_at_ms: s.end_ms,
                price_minor: None,
                currency: None,
            }],
            allocations,
            sessions: Vec::new(),
            explanation: Some(self.explain(&s.assignment)),
        }
    }
}

#[derive(serde::Deserialize)]
struct TurnTimeIn {
    max_party: u32,
    minutes: u32,
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

fn unknown_id() -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "the engine returned an id it was not given"
    ))
}
