//! The catalogue screens of a location: services (with the staff who perform them, their own
//! durations and prices, and the rooms/equipment each needs), the team's staff, rooms and
//! equipment (with their weekly hours and time off), and the location's opening hours, closures
//! and booking rules. The restaurant screens (tables, areas, combinations, service periods) are
//! in [`super::restaurant`] and share the helpers and the tabs ([`Head`]) of this module.
//!
//! Handlers call the catalogue use cases only. Owners and admins edit; other roles see the same
//! pages read-only, and a form the use case refuses to them comes back as a flash message.
//! Forms are read as name/value pairs ([`Vals`]) so that a refused form is shown again exactly as
//! typed, checkboxes included; field names follow the use cases' where they can, so their
//! messages land beside the right field.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use frontdesk_app::catalogue::{
    BookingRulesIn, ExceptionIn, IntervalIn, RequirementsIn, ResourceIn, Segment, ServiceIn,
    ServiceStaffIn, StaffLinkIn, WeeklyHoursIn,
};
use frontdesk_app::{AppError, Ctx};
use frontdesk_core::validate::Invalid;
use frontdesk_core::{ExceptionId, LocationId, ResourceId, ServiceId};
use frontdesk_store::{
    Hours, Location, Resource, ScheduleException, Service, ServiceRequirement, ServiceStaff,
};
use jiff::tz::TimeZone;

use super::desk::{Place, get, get_all, local_when};
use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageResult, capitalize, has_layout,
    redirect_flash, render, safe_next, see_other,
};
use crate::extract::Staff;
use crate::{ApiError, AppState};

type Pairs = Vec<(String, String)>;

/// Form values by name: as submitted, or made from what is stored.
#[derive(Debug, Clone, Default)]
pub struct Vals(pub(super) Pairs);

impl Vals {
    /// The first value named `k`, or "".
    pub fn get(&self, k: &str) -> &str {
        get(&self.0, k)
    }

    /// Whether a checkbox named `k` is ticked.
    pub fn on(&self, k: &str) -> bool {
        !self.get(k).is_empty()
    }

    /// Whether one of the values named `k` is `v` (checkbox lists).
    pub fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(n, x)| n == k && x == v)
    }

    /// Whether the form has a field named `k` at all (an emptied input still counts).
    pub fn present(&self, k: &str) -> bool {
        self.0.iter().any(|(n, _)| n == k)
    }

    pub(super) fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.push((k.into(), v.into()));
    }
}

pub(super) fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// What a refused form becomes: field errors to show, or (as `Err`) the whole answer — a flash
/// message back on `back` for a role that may not edit, or the error page.
pub(super) fn refused(
    state: &AppState,
    layout: &Layout,
    back: &str,
    e: AppError,
) -> Result<Errors, Box<PageResult>> {
    refused_with(state, layout, back, e, &[])
}

/// [`refused`], with conflicts (`code`, field, message) shown beside a field.
pub(super) fn refused_with(
    state: &AppState,
    layout: &Layout,
    back: &str,
    e: AppError,
    conflicts: &[(&str, &str, &str)],
) -> Result<Errors, Box<PageResult>> {
    match e {
        AppError::Forbidden(code) => Err(Box::new(Ok(redirect_flash(
            state,
            back,
            Flash::err(forbidden_text(code)),
        )))),
        e => Errors::from_app(e, conflicts, layout).map_err(|p| Box::new(Err(p))),
    }
}

fn forbidden_text(code: &'static str) -> String {
    match code {
        "manager_only" => "Only owners and admins can change the catalogue.".into(),
        "own_time_off_only" => "You can only change your own time off.".into(),
        other => capitalize(&ApiError::from(AppError::Forbidden(other)).detail),
    }
}

/// The answer to an action button (delete): `ok_to` with a message, or back to `err_to` with
/// what stopped it.
pub(super) fn act(
    state: &AppState,
    layout: &Layout,
    ok_to: &str,
    err_to: &str,
    r: Result<(), AppError>,
    msg: &str,
) -> PageResult {
    match r {
        Ok(()) => Ok(redirect_flash(state, ok_to, Flash::ok(msg))),
        Err(AppError::Forbidden(code)) => Ok(redirect_flash(
            state,
            err_to,
            Flash::err(forbidden_text(code)),
        )),
        Err(e) => super::page::done(state, layout, err_to, Err(e), ""),
    }
}

/// Renames the fields of a use case's validation failure (`None`: about the whole form).
pub(super) fn rename(
    e: AppError,
    f: impl Fn(&str) -> Option<(String, Option<String>)>,
) -> AppError {
    match e {
        AppError::Invalid(list) => AppError::Invalid(
            list.into_iter()
                .map(|i| match f(&i.field) {
                    Some((field, msg)) => Invalid::new(field, msg.unwrap_or(i.message)),
                    None => i,
                })
                .collect(),
        ),
        e => e,
    }
}

// ----- parsing --------------------------------------------------------------------------------

pub(super) fn num(f: &Vals, field: &str, default: Option<i64>, errs: &mut Errors) -> i64 {
    let s = f.get(field).trim();
    match (s.parse::<i64>(), default) {
        (Ok(n), _) => n,
        (Err(_), Some(d)) if s.is_empty() => d,
        (Err(_), _) => {
            errs.merge(Errors::field(
                field,
                if s.is_empty() {
                    "is required"
                } else {
                    "must be a whole number"
                },
            ));
            0
        }
    }
}

/// An amount such as `35`, `35.5` or `35,50` in minor units (two decimals).
fn minor_units(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let f: i64 = format!("{frac:0<2}").parse().ok()?;
    w.checked_mul(100)?.checked_add(f)
}

pub(super) fn money(f: &Vals, field: &str, errs: &mut Errors) -> Option<i64> {
    let s = f.get(field).trim();
    if s.is_empty() {
        return None;
    }
    let m = minor_units(s);
    if m.is_none() {
        errs.merge(Errors::field(field, "must be an amount such as 35.00"));
    }
    m
}

/// Minor units → `35.00`.
pub fn amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Epoch ms → the value of a `datetime-local` input in a zone.
fn local_input(ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A `datetime-local` value (or an RFC 3339 instant) in a zone → RFC 3339; None if empty.
fn instant(f: &Vals, field: &str, tz: &TimeZone, errs: &mut Errors) -> Option<String> {
    let s = f.get(field).trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.to_string());
    }
    match s
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(tz.clone()).ok())
    {
        Some(z) => Some(z.timestamp().to_string()),
        None => {
            errs.merge(Errors::field(
                field,
                "must be a date and time such as 2026-12-24T09:00",
            ));
            None
        }
    }
}

/// `HH:MM` → minutes from midnight (`24:00` is the end of the day).
pub(super) fn minutes(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    ((0..=23).contains(&h) && (0..=59).contains(&m) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

pub(super) fn hm(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

// ----- pieces shared by the pages -------------------------------------------------------------

/// The location picker and the tabs of the catalogue pages.
pub struct Head {
    /// Location id.
    pub location: String,
    /// Location name.
    pub location_name: String,
    /// Picker choices.
    pub locations: Vec<(String, String, bool)>,
    /// Current tab (`services`, `team`, `hours`, `tables`, `combos`, `periods`).
    pub tab: &'static str,
    /// Label of the price field, with the currency.
    pub price_label: String,
    /// Label of the promotional price field.
    pub promo_label: String,
    /// Whether the restaurant tabs show (tables, combinations, service periods).
    pub restaurant: bool,
}

/// The tabs of the restaurant screens.
const RESTAURANT_TABS: [&str; 3] = ["tables", "combos", "periods"];

impl Head {
    /// The head of a list page (with the location picker).
    pub(super) async fn of(
        state: &AppState,
        ctx: &Ctx,
        layout: &Layout,
        place: &Place,
        tab: &'static str,
    ) -> Result<Self, super::page::PageError> {
        let mut h = Self::of_loc(state, ctx, layout, &place.loc, tab).await?;
        h.locations = place.choices();
        Ok(h)
    }

    /// The head of a page about one thing of a location (no picker). The restaurant tabs show
    /// on a location with tables, areas or service periods, and always on those tabs.
    pub(super) async fn of_loc(
        state: &AppState,
        ctx: &Ctx,
        layout: &Layout,
        loc: &Location,
        tab: &'static str,
    ) -> Result<Self, super::page::PageError> {
        let restaurant = RESTAURANT_TABS.contains(&tab)
            || state.app.is_restaurant(ctx, loc.id).await.or_page(layout)?;
        Ok(Head {
            location: loc.id.to_string(),
            location_name: loc.name.clone(),
            locations: Vec::new(),
            tab,
            price_label: format!("Price ({})", loc.currency),
            promo_label: format!("Promotional price ({})", loc.currency),
            restaurant,
        })
    }
}

pub(super) fn status(errors: &Errors) -> StatusCode {
    if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

pub(super) async fn location_of(
    state: &AppState,
    ctx: &Ctx,
    layout: &Layout,
    id: LocationId,
) -> Result<(Location, TimeZone), super::page::PageError> {
    let loc = state.app.location(ctx, id).await.or_page(layout)?;
    let tz = TimeZone::get(&loc.time_zone).unwrap_or(TimeZone::UTC);
    Ok((loc, tz))
}

pub(super) const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One input of the weekly editor.
pub struct Cell {
    /// Field name (`d1a_start`…).
    pub name: String,
    /// Label.
    pub label: &'static str,
    /// Value (`HH:MM` or empty).
    pub value: String,
}

/// One weekday of the weekly editor: up to two intervals.
pub struct DayRow {
    /// Weekday name.
    pub label: &'static str,
    /// From, to, from, to.
    pub cells: Vec<Cell>,
}

fn week_rows(f: &Vals) -> Vec<DayRow> {
    (1..=7)
        .map(|d| DayRow {
            label: WEEKDAYS[d - 1],
            cells: [
                ("a_start", "Opens"),
                ("a_end", "Closes"),
                ("b_start", "Opens again"),
                ("b_end", "Closes"),
            ]
            .into_iter()
            .map(|(k, label)| {
                let name = format!("d{d}{k}");
                Cell {
                    value: f.get(&name).to_string(),
                    name,
                    label,
                }
            })
            .collect(),
        })
        .collect()
}

fn week_vals(hours: &[Hours]) -> Vals {
    let mut v = Vals::default();
    let mut hours: Vec<&Hours> = hours.iter().collect();
    hours.sort_by_key(|h| (h.weekday, h.start_min));
    for d in 1..=7 {
        for (h, slot) in hours.iter().filter(|h| h.weekday == d).zip(["a", "b"]) {
            v.set(&format!("d{d}{slot}_start"), hm(h.start_min));
            v.set(&format!("d{d}{slot}_end"), hm(h.end_min));
        }
    }
    v
}

/// The weekly schedule of the editor, and the field prefix of each interval.
fn week_in(f: &Vals, errs: &mut Errors) -> (WeeklyHoursIn, Vec<String>) {
    let mut intervals = Vec::new();
    let mut prefixes = Vec::new();
    for d in 1..=7i64 {
        for slot in ["a", "b"] {
            let p = format!("d{d}{slot}");
            let (s, e) = (f.get(&format!("{p}_start")), f.get(&format!("{p}_end")));
            if s.trim().is_empty() && e.trim().is_empty() {
                continue;
            }
            let mut parse = |k: &str, v: &str| {
                let m = minutes(v);
                if m.is_none() {
                    errs.merge(Errors::field(
                        &format!("{p}_{k}"),
                        if v.trim().is_empty() {
                            "is needed with the other time"
                        } else {
                            "must be a time such as 09:00"
                        },
                    ));
                }
                m
            };
            let (s, e) = (parse("start", s), parse("end", e));
            if let (Some(start_min), Some(end_min)) = (s, e) {
                intervals.push(IntervalIn {
                    weekday: d,
                    start_min,
                    end_min,
                });
                prefixes.push(p);
            }
        }
    }
    (WeeklyHoursIn { intervals }, prefixes)
}

/// `intervals[3].end_min` → `d2b_end`, with words for people.
fn week_rename(e: AppError, prefixes: &[String]) -> AppError {
    rename(e, |field| {
        let rest = field.strip_prefix("intervals[")?;
        let (i, k) = rest.split_once("].")?;
        let p = prefixes.get(i.parse::<usize>().ok()?)?;
        match k {
            "start_min" => Some((format!("{p}_start"), None)),
            "end_min" => Some((
                format!("{p}_end"),
                Some("must be after the opening time".into()),
            )),
            _ => None,
        }
    })
}

// ----- services -------------------------------------------------------------------------------

/// A service row of the list.
pub struct ServiceRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// `45 min`.
    pub duration: String,
    /// `35.00 EUR`.
    pub price: String,
    /// Bookable online.
    pub online: bool,
    /// Offered.
    pub active: bool,
}

fn service_row(s: &Service) -> ServiceRow {
    ServiceRow {
        id: s.id.to_string(),
        name: s.name.clone(),
        category: s.category.clone().unwrap_or_default(),
        duration: format!("{} min", s.duration_min),
        price: format!("{} {}", amount(s.price_minor), s.currency),
        online: s.online_bookable,
        active: s.active,
    }
}

/// Segments as `30/30/15`, or `none` for one piece of work.
fn segments_text(json: &str) -> String {
    let segs: Vec<Segment> = serde_json::from_str(json).unwrap_or_default();
    if segs.len() <= 1 {
        return "none".into();
    }
    segs.iter()
        .map(|s| {
            let (Segment::Work(m) | Segment::Gap(m)) = *s;
            m.to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn segments_in(s: &str, errs: &mut Errors) -> Option<Vec<Segment>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return None;
    }
    let parts: Option<Vec<i64>> = s
        .split(['/', ',', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect();
    match parts {
        Some(p) if p.len() >= 3 && p.len() % 2 == 1 => Some(
            p.into_iter()
                .enumerate()
                .map(|(i, m)| {
                    if i % 2 == 0 {
                        Segment::Work(m)
                    } else {
                        Segment::Gap(m)
                    }
                })
                .collect(),
        ),
        _ => {
            errs.merge(Errors::field(
                "segments",
                "must be three numbers work/gap/work such as 30/30/15, or none",
            ));
            None
        }
    }
}

fn service_vals(s: &Service, tz: &TimeZone) -> Vals {
    let mut v = Vals::default();
    v.set("name", s.name.clone());
    v.set("category", s.category.clone().unwrap_or_default());
    v.set("description", s.description.clone().unwrap_or_default());
    v.set("duration_min", s.duration_min.to_string());
    v.set("price_minor", amount(s.price_minor));
    v.set("buffer_before_min", s.buffer_before_min.to_string());
    v.set("buffer_after_min", s.buffer_after_min.to_string());
    v.set("segments", segments_text(&s.segments));
    v.set("capacity", s.capacity.to_string());
    if s.online_bookable {
        v.set("online_bookable", "1");
    }
    if s.active {
        v.set("active", "1");
    }
    v.set(
        "prerequisite_service_id",
        s.prerequisite_service_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    v.set(
        "promo_price_minor",
        s.promo_price_minor.map(amount).unwrap_or_default(),
    );
    v.set(
        "promo_starts_at",
        s.promo_starts_at_ms
            .map(|m| local_input(m, tz))
            .unwrap_or_default(),
    );
    v.set(
        "promo_ends_at",
        s.promo_ends_at_ms
            .map(|m| local_input(m, tz))
            .unwrap_or_default(),
    );
    v
}

fn new_service_vals() -> Vals {
    let mut v = Vals::default();
    for (k, x) in [
        ("duration_min", "30"),
        ("buffer_before_min", "0"),
        ("buffer_after_min", "0"),
        ("segments", "none"),
        ("capacity", "1"),
        ("online_bookable", "1"),
        ("active", "1"),
    ] {
        v.set(k, x);
    }
    v
}

/// The service the form describes, on top of `base` (what is stored, or the defaults).
fn service_in(f: &Vals, mut base: ServiceIn, tz: &TimeZone, errs: &mut Errors) -> ServiceIn {
    base.name = f.get("name").to_string();
    base.category = opt(f.get("category"));
    base.description = opt(f.get("description"));
    base.duration_min = num(f, "duration_min", None, errs);
    base.segments = segments_in(f.get("segments"), errs);
    base.price_minor = match money(f, "price_minor", errs) {
        Some(p) => p,
        None if f.get("price_minor").trim().is_empty() => {
            errs.merge(Errors::field("price_minor", "is required"));
            0
        }
        None => 0,
    };
    base.buffer_before_min = num(f, "buffer_before_min", Some(0), errs);
    base.buffer_after_min = num(f, "buffer_after_min", Some(0), errs);
    base.capacity = num(f, "capacity", Some(1), errs);
    base.online_bookable = f.on("online_bookable");
    base.active = f.on("active");
    base.prerequisite_service_id = match f.get("prerequisite_service_id").trim() {
        "" => None,
        s => match s.parse::<ServiceId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errs.merge(Errors::field(
                    "prerequisite_service_id",
                    "is not a service of this location",
                ));
                None
            }
        },
    };
    base.promo_price_minor = money(f, "promo_price_minor", errs);
    base.promo_starts_at = instant(f, "promo_starts_at", tz, errs);
    base.promo_ends_at = instant(f, "promo_ends_at", tz, errs);
    base
}

fn blank_service() -> ServiceIn {
    ServiceIn {
        name: String::new(),
        category: None,
        description: None,
        duration_min: 30,
        segments: None,
        price_minor: 0,
        currency: None,
        buffer_before_min: 0,
        buffer_after_min: 0,
        capacity: 1,
        online_bookable: true,
        prerequisite_service_id: None,
        promo_price_minor: None,
        promo_starts_at: None,
        promo_ends_at: None,
        colour: None,
        sort_order: 0,
        active: true,
    }
}

fn service_refused(e: AppError) -> AppError {
    match e {
        AppError::MissingRef("prerequisite_service_id") => AppError::Invalid(vec![Invalid::new(
            "prerequisite_service_id",
            "is not a service of this location",
        )]),
        e => e,
    }
}

/// The services of a location, with the form to add one.
#[derive(Template)]
#[template(path = "catalogue_services.html")]
pub struct ServicesPage {
    layout: Layout,
    head: Head,
    services: Vec<ServiceRow>,
    prerequisites: Vec<(String, String)>,
    form: Vals,
    errors: Errors,
}

/// Query of the catalogue list pages.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LocQuery {
    location: String,
}

pub(super) fn loc_q(q: Result<Query<LocQuery>, QueryRejection>) -> String {
    q.map(|Query(q)| q.location).unwrap_or_default()
}

async fn services_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let services = state
        .app
        .services(ctx, place.loc.id)
        .await
        .or_page(&layout)?;
    let page = ServicesPage {
        head: Head::of(state, ctx, &layout, &place, "services").await?,
        prerequisites: services
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
        services: services.iter().map(service_row).collect(),
        form: form.unwrap_or_else(new_service_vals),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue
pub async fn index(Page(Staff(_), _): Page<Staff>) -> PageResult {
    Ok(see_other("/app/catalogue/services"))
}

/// GET /app/catalogue/services
pub async fn services(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    services_page(&state, &ctx, layout, place, None, Errors::none()).await
}

/// POST /app/catalogue/services
pub async fn create_service(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/services?location={}", place.loc.id);
    let mut errors = Errors::none();
    let input = service_in(&f, blank_service(), &place.tz, &mut errors);
    if !errors.any() {
        match state.app.create_service(&ctx, place.loc.id, &input).await {
            Ok(s) => {
                return Ok(redirect_flash(
                    &state,
                    &format!("/app/catalogue/services/{}", s.id),
                    Flash::ok(format!(
                        "Service “{}” added. Choose who performs it below.",
                        s.name
                    )),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, service_refused(e)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    services_page(&state, &ctx, layout, place, Some(f), errors).await
}

/// One service's form, the staff who perform it (with their own duration and price), the rooms
/// and equipment it needs, and its deletion.
#[derive(Template)]
#[template(path = "catalogue_service.html")]
pub struct ServicePage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    prerequisites: Vec<(String, String)>,
    staff: Vec<StaffRow>,
    default_duration: String,
    default_price: String,
    groups: Vec<GroupRow>,
    has_rooms: bool,
    form: Vals,
    /// The form that was refused (`details`, `staff`, `groups`), whose errors show.
    failed: &'static str,
    errors: Errors,
}

impl ServicePage {
    /// The fields of the staff form, whose messages show beside them.
    pub fn staff_shown(&self) -> Vec<&str> {
        let mut v = vec!["staff"];
        for s in &self.staff {
            v.push(&s.duration_field);
            v.push(&s.price_field);
        }
        v
    }
}

/// A staff member of the location on a service's page.
pub struct StaffRow {
    /// Resource id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Performs the service.
    pub on: bool,
    /// Field of the duration override (`duration_res_…`).
    pub duration_field: String,
    /// Duration override as typed or stored ("" = the service's).
    pub duration: String,
    /// Field of the price override (`price_res_…`).
    pub price_field: String,
    /// Price override as typed or stored ("" = the service's).
    pub price: String,
}

/// A "one of these" group of rooms and equipment a service needs.
pub struct GroupRow {
    /// Field name (`group1`…).
    pub field: String,
    /// Heading.
    pub label: String,
    /// Rooms and equipment: id, name, kind in words, ticked.
    pub options: Vec<(String, String, &'static str, bool)>,
}

/// At most this many requirement groups (the use case's limit).
const MAX_GROUPS: usize = 10;

/// What a service page shows instead of the stored values.
#[derive(Default)]
struct ServiceTyped {
    form: Option<Vals>,
    staff: Option<Vals>,
    groups: Option<Vals>,
}

fn staff_vals(links: &[ServiceStaff]) -> Vals {
    let mut v = Vals::default();
    for l in links {
        v.set("staff", l.resource_id.to_string());
        v.set(
            &format!("duration_{}", l.resource_id),
            l.duration_min.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set(
            &format!("price_{}", l.resource_id),
            l.price_minor.map(amount).unwrap_or_default(),
        );
    }
    v
}

/// Stored requirements as `group1`… values (groups renumbered from 1 in their order).
fn group_vals(reqs: &[ServiceRequirement]) -> Vals {
    let mut nos: Vec<i64> = reqs.iter().map(|r| r.group_no).collect();
    nos.sort_unstable();
    nos.dedup();
    let mut v = Vals::default();
    for (i, no) in nos.iter().enumerate() {
        for r in reqs.iter().filter(|r| r.group_no == *no) {
            v.set(&format!("group{}", i + 1), r.resource_id.to_string());
        }
    }
    v
}

async fn service_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: ServiceId,
    typed: ServiceTyped,
    errors: Errors,
) -> PageResult {
    let (s, links, reqs) = state.app.service(ctx, id).await.or_page(&layout)?;
    let (loc, tz) = location_of(state, ctx, &layout, s.location_id).await?;
    let others = state.app.services(ctx, loc.id).await.or_page(&layout)?;
    let resources = state
        .app
        .resources(ctx, loc.id, None)
        .await
        .or_page(&layout)?;
    let failed = if typed.staff.is_some() {
        "staff"
    } else if typed.groups.is_some() {
        "groups"
    } else {
        "details"
    };
    let staff_v = typed.staff.unwrap_or_else(|| staff_vals(&links));
    let group_v = typed.groups.unwrap_or_else(|| group_vals(&reqs));
    let rooms: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.kind == "room" || r.kind == "equipment")
        .collect();
    // The groups in use and one empty group to start another.
    let used = (1..=MAX_GROUPS)
        .rev()
        .find(|i| !group_v.get(&format!("group{i}")).is_empty())
        .unwrap_or(0);
    let groups = (1..=(used + 1).min(MAX_GROUPS))
        .map(|i| {
            let field = format!("group{i}");
            GroupRow {
                label: if i > used {
                    "Another group".into()
                } else {
                    format!("Group {i}")
                },
                options: rooms
                    .iter()
                    .map(|r| {
                        let rid = r.id.to_string();
                        let on = group_v.has(&field, &rid);
                        (rid, r.name.clone(), kind_label(&r.kind), on)
                    })
                    .collect(),
                field,
            }
        })
        .collect();
    let page = ServicePage {
        head: Head::of_loc(state, ctx, &layout, &loc, "services").await?,
        id: id.to_string(),
        title: s.name.clone(),
        prerequisites: others
            .iter()
            .filter(|o| o.id != id)
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
        staff: resources
            .iter()
            .filter(|r| r.kind == "staff")
            .map(|r| {
                let rid = r.id.to_string();
                let duration_field = format!("duration_{rid}");
                let price_field = format!("price_{rid}");
                StaffRow {
                    on: staff_v.has("staff", &rid),
                    duration: staff_v.get(&duration_field).to_string(),
                    price: staff_v.get(&price_field).to_string(),
                    duration_field,
                    price_field,
                    name: r.name.clone(),
                    id: rid,
                }
            })
            .collect(),
        default_duration: s.duration_min.to_string(),
        default_price: amount(s.price_minor),
        has_rooms: !rooms.is_empty(),
        groups,
        form: typed.form.unwrap_or_else(|| service_vals(&s, &tz)),
        failed,
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/services/{id}
pub async fn service(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ServiceId>,
) -> PageResult {
    service_page(
        &state,
        &ctx,
        layout,
        id,
        ServiceTyped::default(),
        Errors::none(),
    )
    .await
}

/// POST /app/catalogue/services/{id}
pub async fn update_service(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ServiceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let (old, _, _) = state.app.service(&ctx, id).await.or_page(&layout)?;
    let (_, tz) = location_of(&state, &ctx, &layout, old.location_id).await?;
    let back = format!("/app/catalogue/services/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let input = service_in(&f, ServiceIn::from_row(&old), &tz, &mut errors);
    if !errors.any() {
        match state.app.update_service(&ctx, id, &input).await {
            Ok(s) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Service “{}” saved.", s.name)),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, service_refused(e)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = ServiceTyped {
        form: Some(f),
        ..ServiceTyped::default()
    };
    service_page(&state, &ctx, layout, id, typed, errors).await
}

/// POST /app/catalogue/services/{id}/staff — who performs the service, each with an optional
/// duration (`duration_res_…`) and price (`price_res_…`) of their own. An override field left
/// out of the form keeps what is stored; one sent empty clears it.
pub async fn set_service_staff(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ServiceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let (_, links, _) = state.app.service(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/services/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let mut staff: Vec<StaffLinkIn> = Vec::new();
    for v in get_all(&f.0, "staff") {
        let Ok(rid) = v.parse::<ResourceId>() else {
            errors.merge(Errors::field("staff", "must be staff of this location"));
            continue;
        };
        if staff.iter().any(|s| s.resource_id == rid) {
            continue;
        }
        let old = links.iter().find(|l| l.resource_id == rid);
        let (dk, pk) = (format!("duration_{rid}"), format!("price_{rid}"));
        let duration_min = if !f.present(&dk) {
            old.and_then(|l| l.duration_min)
        } else if f.get(&dk).trim().is_empty() {
            None
        } else {
            Some(num(&f, &dk, None, &mut errors))
        };
        let price_minor = if f.present(&pk) {
            money(&f, &pk, &mut errors)
        } else {
            old.and_then(|l| l.price_minor)
        };
        staff.push(StaffLinkIn {
            resource_id: rid,
            duration_min,
            price_minor,
        });
    }
    if !errors.any() {
        let ids: Vec<ResourceId> = staff.iter().map(|s| s.resource_id).collect();
        let r = state
            .app
            .set_service_staff(&ctx, id, &ServiceStaffIn { staff })
            .await;
        match r {
            Ok(_) => return Ok(redirect_flash(&state, &back, Flash::ok("Staff saved."))),
            Err(e) => {
                let e = match e {
                    AppError::MissingRef(_) => {
                        AppError::invalid("staff", "must be staff of this location")
                    }
                    e => rename(e, |field| {
                        let rest = field.strip_prefix("staff[")?;
                        let (i, k) = rest.split_once("].")?;
                        let rid = ids.get(i.parse::<usize>().ok()?)?;
                        match k {
                            "duration_min" => Some((
                                format!("duration_{rid}"),
                                Some("must be between 5 and 720 minutes".into()),
                            )),
                            "price_minor" => Some((format!("price_{rid}"), None)),
                            _ => Some(("staff".into(), None)),
                        }
                    }),
                };
                let e = rename(e, |field| {
                    (field == "staff.resource_id").then(|| {
                        (
                            "staff".into(),
                            Some("must be staff of this location".into()),
                        )
                    })
                });
                match refused(&state, &layout, &back, e) {
                    Ok(e) => errors = e,
                    Err(r) => return *r,
                }
            }
        }
    }
    let typed = ServiceTyped {
        staff: Some(f),
        ..ServiceTyped::default()
    };
    service_page(&state, &ctx, layout, id, typed, errors).await
}

/// POST /app/catalogue/services/{id}/requirements — the rooms and equipment the service needs:
/// `group1`…`group10`, each the ids ticked in one "one of these" group; empty groups drop.
pub async fn set_service_requirements(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ServiceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    state.app.service(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/services/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let mut groups: Vec<Vec<ResourceId>> = Vec::new();
    for i in 1..=MAX_GROUPS {
        let mut g: Vec<ResourceId> = Vec::new();
        for v in get_all(&f.0, &format!("group{i}")) {
            match v.parse::<ResourceId>() {
                Ok(r) if !g.contains(&r) => g.push(r),
                Ok(_) => {}
                Err(_) => errors.merge(Errors::field(
                    "groups",
                    "must be rooms or equipment of this location",
                )),
            }
        }
        if !g.is_empty() {
            groups.push(g);
        }
    }
    if !errors.any() {
        let n = groups.len();
        match state
            .app
            .set_service_requirements(&ctx, id, &RequirementsIn { groups })
            .await
        {
            Ok(_) => {
                let msg = if n == 0 {
                    "The service needs no room or equipment now.".to_string()
                } else {
                    "Rooms and equipment saved.".to_string()
                };
                return Ok(redirect_flash(&state, &back, Flash::ok(msg)));
            }
            Err(e) => {
                let e = match e {
                    AppError::MissingRef(_) => {
                        AppError::invalid("groups", "must be rooms or equipment of this location")
                    }
                    e => rename(e, |field| {
                        field.starts_with("groups").then(|| {
                            (
                                "groups".to_string(),
                                Some("must be rooms or equipment of this location".into()),
                            )
                        })
                    }),
                };
                match refused(&state, &layout, &back, e) {
                    Ok(e) => errors = e,
                    Err(r) => return *r,
                }
            }
        }
    }
    let typed = ServiceTyped {
        groups: Some(f),
        ..ServiceTyped::default()
    };
    service_page(&state, &ctx, layout, id, typed, errors).await
}

/// POST /app/catalogue/services/{id}/delete
pub async fn delete_service(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ServiceId>,
) -> PageResult {
    let (old, _, _) = state.app.service(&ctx, id).await.or_page(&layout)?;
    let r = state.app.delete_service(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/services?location={}", old.location_id),
        &format!("/app/catalogue/services/{id}"),
        r,
        &format!("Service “{}” deleted.", old.name),
    )
}

// ----- team: staff, rooms, equipment ----------------------------------------------------------

/// A resource row of the team list.
pub struct ResourceRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind, in words.
    pub kind: &'static str,
    /// Units (equipment).
    pub quantity: i64,
    /// Own hours or the location's.
    pub hours: &'static str,
    /// Bookable.
    pub active: bool,
}

fn kind_label(k: &str) -> &'static str {
    match k {
        "staff" => "Staff",
        "room" => "Room",
        "equipment" => "Equipment",
        "table" => "Table",
        _ => "Other",
    }
}

/// The staff, rooms and equipment of a location, with the form to add one.
#[derive(Template)]
#[template(path = "catalogue_team.html")]
pub struct TeamPage {
    layout: Layout,
    head: Head,
    resources: Vec<ResourceRow>,
    form: Vals,
    errors: Errors,
}

async fn team_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    form: Option<Vals>,
    errors: Errors,
) -> PageResult {
    let rs = state
        .app
        .resources(ctx, place.loc.id, None)
        .await
        .or_page(&layout)?;
    let mut rows: Vec<&Resource> = rs.iter().filter(|r| r.kind != "table").collect();
    rows.sort_by_key(|r| {
        (
            ["staff", "room", "equipment"]
                .iter()
                .position(|k| *k == r.kind),
            r.sort_order,
            r.name.clone(),
        )
    });
    let page = TeamPage {
        head: Head::of(state, ctx, &layout, &place, "team").await?,
        resources: rows
            .into_iter()
            .map(|r| ResourceRow {
                id: r.id.to_string(),
                name: r.name.clone(),
                kind: kind_label(&r.kind),
                quantity: r.quantity,
                hours: if r.own_hours {
                    "Own hours"
                } else {
                    "Location hours"
                },
                active: r.active,
            })
            .collect(),
        form: form.unwrap_or_else(|| {
            let mut v = Vals::default();
            v.set("kind", "staff");
            v.set("quantity", "1");
            v
        }),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/team
pub async fn team(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    team_page(&state, &ctx, layout, place, None, Errors::none()).await
}

/// POST /app/catalogue/team
pub async fn create_resource(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/team?location={}", place.loc.id);
    let mut errors = Errors::none();
    let kind = f.get("kind").trim().to_string();
    let quantity = (kind == "equipment").then(|| num(&f, "quantity", Some(1), &mut errors));
    let input = ResourceIn {
        kind,
        name: f.get("name").to_string(),
        description: opt(f.get("description")),
        user_id: None,
        quantity,
        area_id: None,
        min_seats: None,
        max_seats: None,
        shape: None,
        pos_x: None,
        pos_y: None,
        tags: Vec::new(),
        inventory: None,
        own_hours: false,
        colour: None,
        sort_order: 0,
        active: true,
    };
    if !errors.any() {
        match state.app.create_resource(&ctx, place.loc.id, &input).await {
            Ok(r) => {
                return Ok(redirect_flash(
                    &state,
                    &format!("/app/catalogue/resources/{}", r.id),
                    Flash::ok(format!("“{}” added.", r.name)),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, e) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    team_page(&state, &ctx, layout, place, Some(f), errors).await
}

/// A time-off (or closure) row.
pub struct ExceptionRow {
    /// Id.
    pub id: String,
    /// From, local.
    pub from: String,
    /// Until, local.
    pub to: String,
    /// Closed or extra opening.
    pub open: bool,
    /// Why.
    pub reason: String,
}

fn exception_rows(list: &[ScheduleException], tz: &TimeZone) -> Vec<ExceptionRow> {
    list.iter()
        .map(|e| ExceptionRow {
            id: e.id.to_string(),
            from: local_when(e.starts_at_ms, tz),
            to: local_when(e.ends_at_ms, tz),
            open: e.kind == "open",
            reason: e.reason.clone().unwrap_or_default(),
        })
        .collect()
}

/// Exceptions from a day ago to a year ahead.
async fn upcoming_exceptions(
    state: &AppState,
    ctx: &Ctx,
    layout: &Layout,
    loc: LocationId,
    resource: Option<ResourceId>,
) -> Result<Vec<ScheduleException>, super::page::PageError> {
    let now = state.app.now_ms();
    let day = 86_400_000;
    let mut list = state
        .app
        .exceptions(ctx, loc, now - day, now + 365 * day)
        .await
        .or_page(layout)?;
    list.retain(|e| e.resource_id == resource);
    list.sort_by_key(|e| e.starts_at_ms);
    Ok(list)
}

/// One resource: its details, weekly hours and time off.
#[derive(Template)]
#[template(path = "catalogue_resource.html")]
pub struct ResourcePage {
    layout: Layout,
    head: Head,
    id: String,
    title: String,
    kind: &'static str,
    equipment: bool,
    form: Vals,
    week: Vec<DayRow>,
    follow: bool,
    time_off: Vec<ExceptionRow>,
    off: Vals,
    back: String,
    errors: Errors,
}

/// What a resource page shows instead of the stored values.
#[derive(Default)]
struct Typed {
    form: Option<Vals>,
    week: Option<Vals>,
    off: Option<Vals>,
}

async fn resource_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    id: ResourceId,
    typed: Typed,
    errors: Errors,
) -> PageResult {
    let r = state.app.resource(ctx, id).await.or_page(&layout)?;
    let (loc, tz) = location_of(state, ctx, &layout, r.location_id).await?;
    let hours = state
        .app
        .weekly_hours(ctx, loc.id, Some(id))
        .await
        .or_page(&layout)?;
    let off = upcoming_exceptions(state, ctx, &layout, loc.id, Some(id)).await?;
    let week = typed.week.unwrap_or_else(|| {
        let mut v = week_vals(&hours);
        if !r.own_hours {
            v.set("follow", "1");
        }
        v
    });
    let form = typed.form.unwrap_or_else(|| {
        let mut v = Vals::default();
        v.set("name", r.name.clone());
        v.set("description", r.description.clone().unwrap_or_default());
        v.set("quantity", r.quantity.to_string());
        if r.active {
            v.set("active", "1");
        }
        v
    });
    let page = ResourcePage {
        head: Head::of_loc(state, ctx, &layout, &loc, "team").await?,
        id: id.to_string(),
        title: r.name.clone(),
        kind: kind_label(&r.kind),
        equipment: r.kind == "equipment",
        form,
        follow: week.on("follow"),
        week: week_rows(&week),
        time_off: exception_rows(&off, &tz),
        off: typed.off.unwrap_or_default(),
        back: format!("/app/catalogue/resources/{id}"),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// GET /app/catalogue/resources/{id} (a table's page is under Tables).
pub async fn resource(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
) -> PageResult {
    if state.app.resource(&ctx, id).await.or_page(&layout)?.kind == "table" {
        return Ok(see_other(&format!("/app/catalogue/tables/{id}")));
    }
    resource_page(&state, &ctx, layout, id, Typed::default(), Errors::none()).await
}

/// POST /app/catalogue/resources/{id}
pub async fn update_resource(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let old = state.app.resource(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/resources/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let mut input = ResourceIn::from_row(&old);
    input.name = f.get("name").to_string();
    input.description = opt(f.get("description"));
    input.active = f.on("active");
    if old.kind == "equipment" {
        input.quantity = Some(num(&f, "quantity", Some(1), &mut errors));
    }
    if !errors.any() {
        match state.app.update_resource(&ctx, id, &input).await {
            Ok(r) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("“{}” saved.", r.name)),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, e) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = Typed {
        form: Some(f),
        ..Typed::default()
    };
    resource_page(&state, &ctx, layout, id, typed, errors).await
}

/// POST /app/catalogue/resources/{id}/hours
pub async fn resource_hours(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let r = state.app.resource(&ctx, id).await.or_page(&layout)?;
    let back = format!("/app/catalogue/resources/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let (input, prefixes) = if f.on("follow") {
        (
            WeeklyHoursIn {
                intervals: Vec::new(),
            },
            Vec::new(),
        )
    } else {
        week_in(&f, &mut errors)
    };
    if !errors.any() {
        match state
            .app
            .replace_weekly_hours(&ctx, r.location_id, Some(id), &input)
            .await
        {
            Ok(_) => {
                let msg = if input.intervals.is_empty() {
                    format!("{} follows the location's opening hours.", r.name)
                } else {
                    format!("Weekly hours of {} saved.", r.name)
                };
                return Ok(redirect_flash(&state, &back, Flash::ok(msg)));
            }
            Err(e) => match refused(&state, &layout, &back, week_rename(e, &prefixes)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = Typed {
        week: Some(f),
        ..Typed::default()
    };
    resource_page(&state, &ctx, layout, id, typed, errors).await
}

fn exception_in(
    f: &Vals,
    resource: Option<ResourceId>,
    tz: &TimeZone,
    errs: &mut Errors,
) -> ExceptionIn {
    let mut need = |k: &str| {
        let v = instant(f, k, tz, errs);
        if v.is_none() && f.get(k).trim().is_empty() {
            errs.merge(Errors::field(k, "is required"));
        }
        v.unwrap_or_default()
    };
    let starts_at = need("starts_at");
    let ends_at = need("ends_at");
    ExceptionIn {
        resource_id: resource,
        kind: Some(if f.get("kind") == "open" {
            "open".into()
        } else {
            "closed".into()
        }),
        starts_at,
        ends_at,
        reason: opt(f.get("reason")),
    }
}

fn exception_rename(e: AppError) -> AppError {
    rename(e, |field| match field {
        "ends_at" => Some(("ends_at".into(), None)),
        _ => None,
    })
}

/// POST /app/catalogue/resources/{id}/time-off
pub async fn add_time_off(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let r = state.app.resource(&ctx, id).await.or_page(&layout)?;
    let (_, tz) = location_of(&state, &ctx, &layout, r.location_id).await?;
    let back = format!("/app/catalogue/resources/{id}");
    let f = Vals(pairs);
    let mut errors = Errors::none();
    let input = exception_in(&f, Some(id), &tz, &mut errors);
    if !errors.any() {
        match state
            .app
            .create_exception(&ctx, r.location_id, &input)
            .await
        {
            Ok(_) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok(format!("Time off of {} added.", r.name)),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, exception_rename(e)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = Typed {
        off: Some(f),
        ..Typed::default()
    };
    resource_page(&state, &ctx, layout, id, typed, errors).await
}

/// POST /app/catalogue/resources/{id}/delete
pub async fn delete_resource(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ResourceId>,
) -> PageResult {
    let old = state.app.resource(&ctx, id).await.or_page(&layout)?;
    let r = state.app.delete_resource(&ctx, id).await;
    act(
        &state,
        &layout,
        &format!("/app/catalogue/team?location={}", old.location_id),
        &format!("/app/catalogue/resources/{id}"),
        r,
        &format!("“{}” deleted.", old.name),
    )
}

/// POST /app/catalogue/exceptions/{id}/delete (time off or a closure; back to `back`).
pub async fn delete_exception(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<ExceptionId>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let r = state.app.delete_exception(&ctx, id).await;
    let back = safe_next(Some(get(&pairs, "back")))
        .filter(|b| b.starts_with("/app/catalogue/"))
        .unwrap_or("/app/catalogue/hours")
        .to_string();
    act(&state, &layout, &back, &back, r, "Removed.")
}

// ----- opening hours, closures, booking rules -------------------------------------------------

/// The location's opening hours, closures and booking rules.
#[derive(Template)]
#[template(path = "catalogue_hours.html")]
pub struct HoursPage {
    layout: Layout,
    head: Head,
    week: Vec<DayRow>,
    closures: Vec<ExceptionRow>,
    closure: Vals,
    rules: Vals,
    back: String,
    errors: Errors,
}

async fn hours_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    place: Place,
    typed: Typed,
    errors: Errors,
) -> PageResult {
    let loc = place.loc.id;
    let week = match typed.week {
        Some(w) => w,
        None => week_vals(
            &state
                .app
                .weekly_hours(ctx, loc, None)
                .await
                .or_page(&layout)?,
        ),
    };
    let rules = match typed.form {
        Some(r) => r,
        None => {
            let r = state.app.booking_rules(ctx, loc).await.or_page(&layout)?;
            let mut v = Vals::default();
            v.set("slot_step_min", r.slot_step_min.to_string());
            v.set("min_notice_min", r.min_notice_min.to_string());
            v.set("window_days", r.window_days.to_string());
            v.set("cancel_cutoff_h", hours_text(r.cancel_cutoff_min));
            v.set("edit_cutoff_h", hours_text(r.edit_cutoff_min));
            if r.require_confirmation {
                v.set("require_confirmation", "1");
            }
            v.set("hold_minutes", r.hold_minutes.to_string());
            v
        }
    };
    let closures = upcoming_exceptions(state, ctx, &layout, loc, None).await?;
    let page = HoursPage {
        head: Head::of(state, ctx, &layout, &place, "hours").await?,
        week: week_rows(&week),
        closures: exception_rows(&closures, &place.tz),
        closure: typed.off.unwrap_or_default(),
        rules,
        back: format!("/app/catalogue/hours?location={loc}"),
        layout,
        errors,
    };
    Ok(render(status(&page.errors), &page))
}

/// Minutes as hours for the cut-off fields (`24`, or `1.5`).
fn hours_text(min: i64) -> String {
    if min % 60 == 0 {
        (min / 60).to_string()
    } else {
        format!("{}", min as f64 / 60.0)
    }
}

/// GET /app/catalogue/hours
pub async fn hours(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<LocQuery>, QueryRejection>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &loc_q(q)).await?;
    hours_page(
        &state,
        &ctx,
        layout,
        place,
        Typed::default(),
        Errors::none(),
    )
    .await
}

/// POST /app/catalogue/hours
pub async fn location_hours(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/hours?location={}", place.loc.id);
    let mut errors = Errors::none();
    let (input, prefixes) = week_in(&f, &mut errors);
    if !errors.any() {
        match state
            .app
            .replace_weekly_hours(&ctx, place.loc.id, None, &input)
            .await
        {
            Ok(_) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok("Opening hours saved."),
                ));
            }
            Err(e) => match refused(&state, &layout, &back, week_rename(e, &prefixes)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = Typed {
        week: Some(f),
        ..Typed::default()
    };
    hours_page(&state, &ctx, layout, place, typed, errors).await
}

/// POST /app/catalogue/closures
pub async fn add_closure(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/hours?location={}", place.loc.id);
    let mut errors = Errors::none();
    let input = exception_in(&f, None, &place.tz, &mut errors);
    if !errors.any() {
        match state.app.create_exception(&ctx, place.loc.id, &input).await {
            Ok(e) => {
                let msg = if e.kind == "open" {
                    "Extra opening added."
                } else {
                    "Closure added."
                };
                return Ok(redirect_flash(&state, &back, Flash::ok(msg)));
            }
            Err(e) => match refused(&state, &layout, &back, exception_rename(e)) {
                Ok(e) => errors = e,
                Err(r) => return *r,
            },
        }
    }
    let typed = Typed {
        off: Some(f),
        ..Typed::default()
    };
    hours_page(&state, &ctx, layout, place, typed, errors).await
}

/// Hours (`24`, `1.5`) → minutes.
fn hours_num(f: &Vals, field: &str, errs: &mut Errors) -> i64 {
    let s = f.get(field).trim().replace(',', ".");
    match s.parse::<f64>() {
        Ok(h) if h.is_finite() => (h * 60.0).round() as i64,
        _ => {
            errs.merge(Errors::field(
                field,
                if s.is_empty() {
                    "is required"
                } else {
                    "must be a number of hours"
                },
            ));
            0
        }
    }
}

/// POST /app/catalogue/rules
pub async fn set_rules(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Pairs>,
) -> PageResult {
    let f = Vals(pairs);
    let place = Place::pick(&state, &ctx, &layout, f.get("location")).await?;
    let back = format!("/app/catalogue/hours?location={}", place.loc.id);
    let mut errors = Errors::none();
    let input = BookingRulesIn {
        slot_step_min: num(&f, "slot_step_min", None, &mut errors),
        min_notice_min: num(&f, "min_notice_min", None, &mut errors),
        window_days: num(&f, "window_days", None, &mut errors),
        cancel_cutoff_min: hours_num(&f, "cancel_cutoff_h", &mut errors),
        edit_cutoff_min: hours_num(&f, "edit_cutoff_h", &mut errors),
        require_confirmation: f.on("require_confirmation"),
        hold_minutes: num(&f, "hold_minutes", None, &mut errors),
    };
    if !errors.any() {
        match state
            .app
            .set_booking_rules(&ctx, place.loc.id, &input)
            .await
        {
            Ok(_) => {
                return Ok(redirect_flash(
                    &state,
                    &back,
                    Flash::ok("Booking rules saved."),
                ));
            }
            Err(e) => {
                let e = rename(e, |field| match field {
                    "cancel_cutoff_min" | "edit_cutoff_min" => Some((
                        field.replace("_min", "_h"),
                        Some("must be between 0 and 720 hours".into()),
                    )),
                    _ => None,
                });
                match refused(&state, &layout, &back, e) {
                    Ok(e) => errors = e,
                    Err(r) => return *r,
                }
            }
        }
    }
    let typed = Typed {
        form: Some(f),
        ..Typed::default()
    };
    hours_page(&state, &ctx, layout, place, typed, errors).await
}

has_layout!(ServicesPage, ServicePage, TeamPage, ResourcePage, HoursPage);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_times_parse() {
        assert_eq!(minor_units("35"), Some(3500));
        assert_eq!(minor_units("35.5"), Some(3550));
        assert_eq!(minor_units("35,05"), Some(3505));
        assert_eq!(minor_units("3.555"), None);
        assert_eq!(minor_units("abc"), None);
        assert_eq!(amount(3505), "35.05");
        assert_eq!(minutes("09:30"), Some(570));
        assert_eq!(minutes("24:00"), Some(1440));
        assert_eq!(minutes("25:00"), None);
        assert_eq!(
            segments_text(r#"[{"work":30},{"gap":30},{"work":15}]"#),
            "30/30/15"
        );
        let mut e = Errors::none();
        assert_eq!(
            segments_in("30/30/15", &mut e),
            Some(vec![Segment::Work(30), Segment::Gap(30), Segment::Work(15)])
        );
        assert_eq!(segments_in("none", &mut e), None);
        assert!(!e.any());
        segments_in("30/30", &mut e);
        assert!(e.has("segments"));
    }
}
