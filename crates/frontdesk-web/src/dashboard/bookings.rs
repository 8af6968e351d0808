//! Bookings at the front desk: the new-booking form with live availability, one booking's page
//! (status buttons, rescheduling, history) and the filtered list.
//!
//! The new-booking page is two forms: a GET form (location, date, services or party, staff,
//! client search) that re-renders the page with the free times, and the POST form that books
//! one of them. The POST form carries an idempotency key made when the page is rendered, so a
//! double submit books once (promise B6).

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use frontdesk_app::bookings::{
    AvailabilityIn, BookingIn, BookingOut, CustomerDetailsIn, RescheduleIn, SlotOut, StatusIn,
    VisitItemIn,
};
use frontdesk_app::{AppError, Ctx};
use frontdesk_core::{BookingId, CustomerId, ResourceId, ServiceId};
use frontdesk_store::{BookingFilter, Customer, CustomerFilter};
use jiff::ToSpan;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::desk::{self, Names, Place, get, get_all, qs, sp};
use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageError, PageResult, capitalize, done,
    has_layout, ok, redirect_flash, render,
};
use crate::AppState;
use crate::extract::Staff;

/// Requirements a table can meet, with their labels.
const REQUIREMENTS: &[(&str, &str)] = &[
    ("accessible", "Accessible"),
    ("pets", "Pets"),
    ("stroller", "Stroller"),
    ("high_chair", "High chair"),
    ("window", "Window"),
    ("quiet", "Quiet"),
    ("outdoor", "Outdoor"),
    ("booth", "Booth"),
];

/// Fields of the new-booking page, from its query string or its form (the same names).
#[derive(Debug, Clone, Default)]
pub struct NewForm {
    location: String,
    date: String,
    services: [String; 3],
    staff: String,
    party: String,
    requirements: Vec<String>,
    time: String,
    start: String,
    customer_id: String,
    find: String,
    name: String,
    phone: String,
    email: String,
    notes: String,
    key: String,
}

impl NewForm {
    fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            location: get(p, "location").into(),
            date: get(p, "date").into(),
            services: [
                get(p, "service1").into(),
                get(p, "service2").into(),
                get(p, "service3").into(),
            ],
            staff: get(p, "staff").into(),
            party: get(p, "party").into(),
            requirements: get_all(p, "requirements"),
            time: get(p, "time").into(),
            start: get(p, "start").into(),
            customer_id: get(p, "customer_id").into(),
            find: get(p, "find").into(),
            name: get(p, "name").into(),
            phone: get(p, "phone").into(),
            email: get(p, "email").into(),
            notes: get(p, "notes").into(),
            key: get(p, "key").into(),
        }
    }

    fn chosen_services(&self) -> Vec<&str> {
        self.services
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn party_size(&self, default: u32) -> u32 {
        self.party.trim().parse().unwrap_or(default)
    }
}

/// A free time to choose.
pub struct SlotChoice {
    value: String,
    label: String,
    detail: String,
    checked: bool,
}

/// An option of a select: `(value, label, selected)`.
type Opt = (String, String, bool);

/// The new-booking page.
#[derive(Template)]
#[template(path = "booking_new.html")]
pub struct NewBookingPage {
    layout: Layout,
    location: String,
    locations: Vec<Opt>,
    zone: String,
    form: NewForm,
    date: String,
    date_label: String,
    service_selects: Vec<Vec<Opt>>,
    staff: Vec<Opt>,
    has_services: bool,
    has_tables: bool,
    requirements: Vec<(&'static str, &'static str, bool)>,
    asked: bool,
    slots: Vec<SlotChoice>,
    chosen_customer: Option<Customer>,
    found: Vec<Customer>,
    errors: Errors,
    prev_day: String,
    next_day: String,
}

/// Maps the use case's field names onto the form's.
fn form_errors(e: AppError, layout: &Layout) -> Result<(StatusCode, Errors), PageError> {
    Ok(match e {
        AppError::Invalid(list) => {
            let mut errors = Errors::none();
            for i in list {
                let field = match i.field.as_str() {
                    "customer.name" => "name",
                    "customer.phone" | "customer" => "phone",
                    "customer.email" => "email",
                    "party_size" => "party",
                    "from" => "date",
                    f => {
                        errors.merge(Errors::general(capitalize(&format!(
                            "{} {}",
                            f.replace('_', " "),
                            i.message
                        ))));
                        continue;
                    }
                };
                errors.merge(Errors::field(field, i.message));
            }
            (StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        AppError::Conflict("idempotency_key_reused" | "idempotency_key", _) => (
            StatusCode::CONFLICT,
            Errors::general(
                "This form was already used to make a different booking. Start a new booking to book again.",
            ),
        ),
        AppError::Conflict(_, detail) => (
            StatusCode::CONFLICT,
            Errors::field(
                "start",
                format!("is no longer free ({detail}); choose another time"),
            ),
        ),
        e => return Err(PageError::app(e, layout)),
    })
}

fn new_key() -> String {
    // A fresh random id is a fine one-time key; it never leaves this business's bookings.
    format!("form-{}", BookingId::new())
}

async fn new_booking_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    mut form: NewForm,
    mut errors: Errors,
    status: StatusCode,
) -> PageResult {
    let place = Place::pick(state, ctx, &layout, &form.location).await?;
    let names = Names::of(state, ctx, &layout, place.loc.id).await?;
    form.location = place.loc.id.to_string();
    let date = place.date_or_today(state, &form.date);
    form.date = date.to_string();
    if form.key.is_empty() {
        form.key = new_key();
    }
    // After switching location, choices of the previous one no longer apply.
    for chosen in &mut form.services {
        if chosen
            .parse::<ServiceId>()
            .is_ok_and(|id| !names.services.contains_key(&id))
        {
            chosen.clear();
        }
    }
    if form
        .staff
        .parse::<ResourceId>()
        .is_ok_and(|id| !names.resources.contains_key(&id))
    {
        form.staff.clear();
    }
    let mut services: Vec<_> = names.services.values().filter(|s| s.active).collect();
    services.sort_by(|a, b| (a.sort_order, &a.name).cmp(&(b.sort_order, &b.name)));
    let service_selects = form
        .services
        .iter()
        .map(|chosen| {
            services
                .iter()
                .map(|s| {
                    (
                        s.id.to_string(),
                        s.name.clone(),
                        s.id.to_string() == *chosen,
                    )
                })
                .collect()
        })
        .collect();
    let staff = names
        .of_kinds(&["staff"])
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.name.clone(),
                r.id.to_string() == form.staff,
            )
        })
        .collect();
    let has_tables = names.has_tables();
    let chosen = form.chosen_services();
    let asked = !chosen.is_empty() || (has_tables && services.is_empty()) || !form.party.is_empty();
    let mut slots = Vec::new();
    if asked {
        let staff_id = form.staff.parse::<ResourceId>().ok();
        let mut items = Vec::new();
        for s in &chosen {
            match s.parse::<ServiceId>() {
                Ok(service_id) => items.push(VisitItemIn {
                    service_id,
                    staff_id,
                }),
                Err(_) => errors.merge(Errors::general("Choose services from the list.")),
            }
        }
        let q = AvailabilityIn {
            location_id: place.loc.id,
            services: items,
            same_staff: false,
            from: form.date.clone(),
            to: None,
            party_size: form.party_size(if chosen.is_empty() { 2 } else { 1 }),
            requirements: form.requirements.clone(),
            area_id: None,
        };
        match state.app.availability(ctx, &q).await {
            Ok(list) => slots = slot_choices(&list, &names, &form),
            Err(e) => errors.merge(form_errors(e, &layout)?.1),
        }
    }
    let t = state.app.store.tenant(ctx.tenant);
    let chosen_customer = match form.customer_id.parse::<CustomerId>() {
        Ok(id) => sp(t.customer(id).await, &layout)?,
        Err(_) => None,
    };
    let found = if chosen_customer.is_none() && !form.find.trim().is_empty() {
        sp(
            t.customers(&CustomerFilter {
                search: Some(form.find.trim().to_string()),
                limit: 10,
                ..CustomerFilter::default()
            })
            .await,
            &layout,
        )?
    } else {
        Vec::new()
    };
    let day = |d: jiff::civil::Date| {
        let mut f = form.clone();
        f.date = d.to_string();
        format!("/app/bookings/new?{}", query_of(&f))
    };
    let prev_day = day(date.checked_sub(1.day()).unwrap_or(date));
    let next_day = day(date.checked_add(1.day()).unwrap_or(date));
    let requirements = REQUIREMENTS
        .iter()
        .map(|(k, l)| (*k, *l, form.requirements.iter().any(|r| r == k)))
        .collect();
    let status = if errors.any() && status == StatusCode::OK {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    Ok(render(
        status,
        &NewBookingPage {
            layout,
            location: form.location.clone(),
            locations: place.choices(),
            zone: place.loc.time_zone.clone(),
            date: form.date.clone(),
            date_label: desk::long_date(date),
            service_selects,
            staff,
            has_services: !services.is_empty(),
            has_tables,
            requirements,
            asked,
            slots,
            chosen_customer,
            found,
            errors,
            prev_day,
            next_day,
            form,
        },
    ))
}

/// The query string that shows the same form again (without the client's details).
fn query_of(f: &NewForm) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("location", &f.location),
        ("date", &f.date),
        ("service1", &f.services[0]),
        ("service2", &f.services[1]),
        ("service3", &f.services[2]),
        ("staff", &f.staff),
        ("party", &f.party),
        ("customer_id", &f.customer_id),
    ];
    for r in &f.requirements {
        pairs.push(("requirements", r));
    }
    qs(&pairs)
}

fn slot_choices(list: &[SlotOut], names: &Names, form: &NewForm) -> Vec<SlotChoice> {
    list.iter()
        .map(|s| {
            let label = s
                .local_time
                .get(11..16)
                .unwrap_or(&s.local_time)
                .to_string();
            let detail = match &s.tables {
                Some(t) => t.names.join(" + "),
                None => s
                    .items
                    .iter()
                    .filter_map(|i| i.staff_name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let _ = names;
            SlotChoice {
                checked: s.local_time == form.start
                    || (form.start.is_empty() && label == form.time),
                value: s.local_time.clone(),
                label,
                detail,
            }
        })
        .collect()
}

/// GET /app/bookings/new
pub async fn new_booking(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> PageResult {
    let pairs = q.map(|Query(q)| q).unwrap_or_default();
    let form = NewForm::from_pairs(&pairs);
    new_booking_page(&state, &ctx, layout, form, Errors::none(), StatusCode::OK).await
}

/// POST /app/bookings/new — books the chosen time; a retry of the same form (same key) returns
/// the booking already made.
pub async fn create_booking(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = NewForm::from_pairs(&pairs);
    let place = Place::pick(&state, &ctx, &layout, &form.location).await?;
    let mut errors = Errors::none();
    let mut services = Vec::new();
    let staff_id = match form.staff.trim() {
        "" => None,
        s => match s.parse::<ResourceId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.merge(Errors::general("Choose the staff member from the list."));
                None
            }
        },
    };
    for s in form.chosen_services() {
        match s.parse::<ServiceId>() {
            Ok(service_id) => services.push(VisitItemIn {
                service_id,
                staff_id,
            }),
            Err(_) => errors.merge(Errors::general("Choose services from the list.")),
        }
    }
    let start = if !form.start.trim().is_empty() {
        form.start.trim().to_string()
    } else if !form.date.trim().is_empty() && !form.time.trim().is_empty() {
        format!("{}T{}", form.date.trim(), form.time.trim())
    } else {
        errors.merge(Errors::field("start", "must be chosen from the free times"));
        String::new()
    };
    let party_size = match form.party.trim() {
        "" => {
            if services.is_empty() {
                2
            } else {
                1
            }
        }
        p => p.parse().unwrap_or_else(|_| {
            errors.merge(Errors::field("party", "must be a whole number"));
            1
        }),
    };
    let (customer_id, customer) = match form.customer_id.trim() {
        "" => {
            if form.name.trim().is_empty() {
                errors.merge(Errors::field(
                    "name",
                    "must not be empty; or find an existing client",
                ));
            }
            let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            (
                None,
                Some(CustomerDetailsIn {
                    name: form.name.trim().to_string(),
                    phone: opt(&form.phone),
                    email: opt(&form.email),
                    language: None,
                }),
            )
        }
        c => match c.parse::<CustomerId>() {
            Ok(id) => (Some(id), None),
            Err(_) => {
                errors.merge(Errors::field("customer_id", "is not a client of yours"));
                (None, None)
            }
        },
    };
    if errors.any() {
        return new_booking_page(
            &state,
            &ctx,
            layout,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = BookingIn {
        location_id: place.loc.id,
        services,
        same_staff: false,
        start,
        party_size,
        customer_id,
        customer,
        notes: form.notes.clone(),
        requirements: form.requirements.clone(),
        area_id: None,
        hold: false,
        source: None,
        recurrence: None,
    };
    let key = Some(form.key.trim()).filter(|k| !k.is_empty());
    match state.app.create_booking(&ctx, &input, key).await {
        Ok(out) => {
            let msg = if out.replayed {
                "This booking was already made; the form was sent twice but booked once."
                    .to_string()
            } else {
                format!(
                    "Booked for {}.",
                    desk::local_when(ms(&out.booking.start), &place.tz)
                )
            };
            Ok(redirect_flash(
                &state,
                &format!("/app/bookings/{}", out.booking.id),
                Flash::ok(msg),
            ))
        }
        Err(e) => {
            let (status, errors) = form_errors(e, &layout)?;
            new_booking_page(&state, &ctx, layout, form, errors, status).await
        }
    }
}

fn ms(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .unwrap_or(0)
}

/// A service line of a booking.
pub struct ItemRow {
    service: String,
    staff: String,
    time: String,
    price: String,
}

/// A resource a booking holds.
pub struct HoldRow {
    name: String,
    kind: String,
    time: String,
}

/// A line of the history.
pub struct EventRow {
    when: String,
    change: String,
    note: String,
    actor: String,
}

/// One booking's page.
#[derive(Template)]
#[template(path = "booking.html")]
pub struct BookingPage {
    layout: Layout,
    id: BookingId,
    location: String,
    location_name: String,
    has_tables: bool,
    zone: String,
    when: String,
    end: String,
    status: String,
    status_label: String,
    kind: String,
    source: String,
    party: i64,
    notes: String,
    requirements: Vec<String>,
    explanation: Option<String>,
    cancel_reason: Option<String>,
    hold_expires: Option<String>,
    customer: Option<Customer>,
    items: Vec<ItemRow>,
    holds: Vec<HoldRow>,
    history: Vec<EventRow>,
    actions: Vec<(&'static str, &'static str)>,
    can_cancel: bool,
    movable: bool,
    move_date: String,
    move_slots: Vec<SlotChoice>,
    move_error: Option<String>,
    calendar: String,
}

/// Reschedule date from the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveQuery {
    date: String,
}

/// GET /app/bookings/{id}
pub async fn booking(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    q: Result<Query<MoveQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let out = state.app.booking_out(&ctx, id).await.or_page(&layout)?;
    let b = &out.booking;
    let loc = state
        .app
        .location(&ctx, b.location_id)
        .await
        .or_page(&layout)?;
    let tz = TimeZone::get(&b.time_zone).unwrap_or(TimeZone::UTC);
    let mut names = Names::of(&state, &ctx, &layout, loc.id).await?;
    names
        .load_customers(&state, &ctx, &layout, b.customer_id.into_iter().collect())
        .await?;
    let customer = b.customer_id.and_then(|c| names.customers.get(&c).cloned());
    let start_ms = ms(&b.start);
    let items = out
        .items
        .iter()
        .map(|i| ItemRow {
            service: if i.service_id.is_some() {
                names.service(i.service_id)
            } else {
                format!("Table for {}", b.party_size)
            },
            staff: i.staff_id.map(|s| names.resource(s)).unwrap_or_default(),
            time: format!(
                "{}–{}",
                desk::hm(i.starts_at_ms, &tz),
                desk::hm(i.ends_at_ms, &tz)
            ),
            price: match (i.price_minor, &i.currency) {
                (Some(p), Some(c)) => format!("{}.{:02} {c}", p / 100, p % 100),
                _ => String::new(),
            },
        })
        .collect();
    let holds = out
        .allocations
        .iter()
        .map(|a| HoldRow {
            name: names.resource(a.resource_id),
            kind: names
                .resources
                .get(&a.resource_id)
                .map(|r| r.kind.clone())
                .unwrap_or_default(),
            time: format!(
                "{}–{}",
                desk::hm(a.starts_at_ms, &tz),
                desk::hm(a.ends_at_ms, &tz)
            ),
        })
        .collect();
    // Who changed it: team members by name; customers, the system and API keys as they are.
    let members: HashMap<String, String> = state
        .app
        .list_members(&ctx)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|m| (m.user_id.to_string(), m.name))
        .collect();
    let history = out
        .history
        .iter()
        .rev()
        .map(|e| EventRow {
            when: desk::local_when(e.at_ms, &tz),
            change: match &e.from_status {
                Some(f) => format!(
                    "{} → {}",
                    desk::status_label(f),
                    desk::status_label(&e.to_status)
                ),
                None => desk::status_label(&e.to_status),
            },
            note: e.note.clone(),
            actor: members
                .get(&e.actor)
                .cloned()
                .unwrap_or_else(|| e.actor.clone()),
        })
        .collect();
    let status = b.status.as_str();
    let mut actions = Vec::new();
    if matches!(status, "held" | "pending") {
        actions.push(("confirm", "Confirm"));
    }
    if matches!(status, "pending" | "confirmed") {
        actions.push(("check-in", "Check in"));
    }
    if matches!(status, "confirmed" | "checked_in") {
        actions.push(("complete", "Complete"));
    }
    if matches!(status, "pending" | "confirmed") && state.app.now_ms() >= start_ms {
        actions.push(("no-show", "No-show"));
    }
    let movable = matches!(status, "held" | "pending" | "confirmed");
    let move_day = q
        .date
        .trim()
        .parse::<jiff::civil::Date>()
        .unwrap_or_else(|_| desk::local_date(start_ms, &tz));
    let mut move_slots = Vec::new();
    let mut move_error = None;
    if movable {
        let services: Vec<VisitItemIn> = out
            .items
            .iter()
            .filter_map(|i| {
                i.service_id.map(|s| VisitItemIn {
                    service_id: s,
                    staff_id: i.staff_id,
                })
            })
            .collect();
        let aq = AvailabilityIn {
            location_id: loc.id,
            services,
            same_staff: false,
            from: move_day.to_string(),
            to: None,
            party_size: b.party_size.clamp(1, 50) as u32,
            requirements: b.requirements.clone(),
            area_id: None,
        };
        match state.app.availability_for_move(&ctx, &aq, id).await {
            Ok(list) => {
                let form = NewForm::default();
                move_slots = slot_choices(&list, &names, &form);
            }
            Err(AppError::Invalid(list)) => {
                move_error = list
                    .first()
                    .map(|i| capitalize(&format!("{} {}", i.field, i.message)))
            }
            Err(e) => return Err(PageError::app(e, &layout)),
        }
    }
    let page = BookingPage {
        id,
        location: loc.id.to_string(),
        location_name: loc.name.clone(),
        has_tables: names.has_tables(),
        zone: b.time_zone.clone(),
        when: desk::local_when(start_ms, &tz),
        end: desk::hm(ms(&b.end), &tz),
        status: b.status.clone(),
        status_label: desk::status_label(&b.status),
        kind: b.kind.clone(),
        source: b.source.replace('_', " "),
        party: b.party_size,
        notes: b.notes.clone(),
        requirements: b.requirements.clone(),
        explanation: b.explanation.clone(),
        cancel_reason: b.cancel_reason.clone(),
        hold_expires: out
            .booking
            .hold_expires_at
            .as_deref()
            .map(|h| desk::local_when(ms(h), &tz)),
        customer,
        items,
        holds,
        history,
        actions,
        can_cancel: matches!(status, "held" | "pending" | "confirmed" | "checked_in"),
        movable,
        move_date: move_day.to_string(),
        move_slots,
        move_error,
        calendar: format!(
            "/app/calendar?{}",
            qs(&[
                ("location", &loc.id.to_string()),
                ("date", &desk::local_date(start_ms, &tz).to_string())
            ])
        ),
        layout,
    };
    ok(&page)
}

/// The reason given with a status change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

async fn act(
    state: &AppState,
    ctx: &Ctx,
    layout: &Layout,
    id: BookingId,
    action: &str,
    reason: String,
    done_msg: &str,
) -> PageResult {
    let input = StatusIn {
        reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
    };
    let r: Result<BookingOut, AppError> = state.app.booking_action(ctx, id, action, &input).await;
    done(
        state,
        layout,
        &format!("/app/bookings/{id}"),
        r.map(|_| ()),
        done_msg,
    )
}

/// POST /app/bookings/{id}/confirm
pub async fn confirm(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    act(
        &state,
        &ctx,
        &layout,
        id,
        "confirm",
        f.reason,
        "The booking is confirmed.",
    )
    .await
}

/// POST /app/bookings/{id}/check-in
pub async fn check_in(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    act(
        &state,
        &ctx,
        &layout,
        id,
        "check_in",
        f.reason,
        "Checked in.",
    )
    .await
}

/// POST /app/bookings/{id}/complete
pub async fn complete(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    act(
        &state,
        &ctx,
        &layout,
        id,
        "complete",
        f.reason,
        "The booking is completed.",
    )
    .await
}

/// POST /app/bookings/{id}/no-show
pub async fn no_show(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    act(
        &state,
        &ctx,
        &layout,
        id,
        "no_show",
        f.reason,
        "Marked as a no-show.",
    )
    .await
}

/// POST /app/bookings/{id}/cancel
pub async fn cancel(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    act(
        &state,
        &ctx,
        &layout,
        id,
        "cancel",
        f.reason,
        "The booking is cancelled; its time is free again.",
    )
    .await
}

/// Fields of the reschedule form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    start: String,
    date: String,
    time: String,
}

/// POST /app/bookings/{id}/reschedule
pub async fn reschedule(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<BookingId>,
    Form(f): Form<MoveForm>,
) -> PageResult {
    let start = if !f.start.trim().is_empty() {
        f.start.trim().to_string()
    } else {
        format!("{}T{}", f.date.trim(), f.time.trim())
    };
    let r = state
        .app
        .reschedule_booking(
            &ctx,
            id,
            &RescheduleIn {
                start,
                staff_id: None,
                party_size: None,
            },
        )
        .await;
    let msg = match &r {
        Ok(out) => {
            let tz = TimeZone::get(&out.booking.time_zone).unwrap_or(TimeZone::UTC);
            format!(
                "Moved to {}.",
                desk::local_when(ms(&out.booking.start), &tz)
            )
        }
        Err(_) => String::new(),
    };
    done(
        &state,
        &layout,
        &format!("/app/bookings/{id}"),
        r.map(|_| ()),
        msg,
    )
}

/// Filters of the bookings list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    location: String,
    from: String,
    to: String,
    status: String,
    resource: String,
    q: String,
    page: String,
}

/// A row of the bookings list.
pub struct ListRow {
    id: BookingId,
    when: String,
    customer: String,
    what: String,
    who: String,
    status: String,
    status_label: String,
    source: String,
}

/// The bookings list.
#[derive(Template)]
#[template(path = "bookings.html")]
pub struct BookingsPage {
    layout: Layout,
    location: String,
    locations: Vec<Opt>,
    has_tables: bool,
    q: ListQuery,
    statuses: Vec<Opt>,
    resources: Vec<Opt>,
    rows: Vec<ListRow>,
    errors: Errors,
    page: usize,
    prev: Option<String>,
    next: Option<String>,
    zone: String,
}

const PAGE_SIZE: usize = 25;
const STATUSES: &[&str] = &[
    "held",
    "pending",
    "confirmed",
    "checked_in",
    "completed",
    "cancelled",
    "no_show",
    "expired",
];

/// GET /app/bookings
pub async fn list(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult {
    let mut q = q.map(|Query(q)| q).unwrap_or_default();
    let place = Place::pick(&state, &ctx, &layout, &q.location).await?;
    q.location = place.loc.id.to_string();
    let mut names = Names::of(&state, &ctx, &layout, place.loc.id).await?;
    let mut errors = Errors::none();
    let from = if q.from.trim().is_empty() {
        place.today(&state)
    } else {
        q.from.trim().parse().unwrap_or_else(|_| {
            errors.merge(Errors::field("from", "must be a date like 2026-11-24"));
            place.today(&state)
        })
    };
    q.from = from.to_string();
    let to = match q.to.trim() {
        "" => None,
        t => match t.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.merge(Errors::field("to", "must be a date like 2026-11-30"));
                None
            }
        },
    };
    let resource = match q.resource.trim() {
        "" => None,
        r => r
            .parse::<ResourceId>()
            .ok()
            .filter(|r| names.resources.contains_key(r)),
    };
    let page: usize = q.page.trim().parse().unwrap_or(1).max(1);
    let filter = BookingFilter {
        location: Some(place.loc.id),
        from_ms: Some(place.day_bounds(from).0),
        to_ms: to.map(|d| place.day_bounds(d).1),
        status: Some(q.status.trim().to_string()).filter(|s| !s.is_empty()),
        customer: None,
        resource,
        limit: Some(1000),
    };
    let mut views = Vec::new();
    if !errors.any() {
        match state.app.list_bookings(&ctx, &filter).await {
            Ok(v) => views = v,
            Err(e) => errors.merge(Errors::from_app(e, &[], &layout)?),
        }
    }
    names
        .load_customers(
            &state,
            &ctx,
            &layout,
            views.iter().filter_map(|b| b.customer_id).collect(),
        )
        .await?;
    let needle = q.q.trim().to_lowercase();
    let views: Vec<_> = views
        .into_iter()
        .filter(|b| {
            needle.is_empty()
                || b.customer_id
                    .and_then(|c| names.customers.get(&c))
                    .is_some_and(|c| {
                        c.name.to_lowercase().contains(&needle)
                            || c.phone.as_deref().is_some_and(|p| p.contains(&needle))
                            || c.email_key.as_deref().is_some_and(|e| e.contains(&needle))
                    })
        })
        .collect();
    let total = views.len();
    let shown: Vec<_> = views
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    // Services and staff of the rows shown, in one query over their time span.
    let mut items: HashMap<BookingId, Vec<frontdesk_store::BookingItem>> = HashMap::new();
    if let (Some(first), Some(last)) = (shown.first(), shown.last()) {
        for i in sp(
            state
                .app
                .store
                .tenant(ctx.tenant)
                .items_between(place.loc.id, ms(&first.start), ms(&last.end) + 1)
                .await,
            &layout,
        )? {
            items.entry(i.booking_id).or_default().push(i);
        }
    }
    let rows = shown
        .iter()
        .map(|b| {
            let its = items.get(&b.id).map(Vec::as_slice).unwrap_or(&[]);
            let what = if b.kind == "reservation" {
                format!("{} guests", b.party_size)
            } else {
                its.iter()
                    .map(|i| names.service(i.service_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut who: Vec<String> = its
                .iter()
                .filter_map(|i| i.staff_id.map(|s| names.resource(s)))
                .collect();
            who.dedup();
            ListRow {
                id: b.id,
                when: desk::local_when(ms(&b.start), &place.tz),
                customer: names.customer(b.customer_id),
                what,
                who: who.join(", "),
                status: b.status.clone(),
                status_label: desk::status_label(&b.status),
                source: b.source.replace('_', " "),
            }
        })
        .collect();
    let link = |p: usize| {
        format!(
            "/app/bookings?{}",
            qs(&[
                ("location", &q.location),
                ("from", &q.from),
                ("to", &q.to),
                ("status", &q.status),
                ("resource", &q.resource),
                ("q", &q.q),
                ("page", &p.to_string()),
            ])
        )
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page * PAGE_SIZE < total).then(|| link(page + 1));
    let statuses = STATUSES
        .iter()
        .map(|s| (s.to_string(), desk::status_label(s), q.status == *s))
        .collect();
    let resources = names
        .of_kinds(&["staff", "room", "equipment", "table"])
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.name.clone(),
                r.id.to_string() == q.resource,
            )
        })
        .collect();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &BookingsPage {
            layout,
            location: q.location.clone(),
            locations: place.choices(),
            has_tables: names.has_tables(),
            statuses,
            resources,
            rows,
            errors,
            page,
            prev,
            next,
            zone: place.loc.time_zone.clone(),
            q,
        },
    ))
}

has_layout!(NewBookingPage, BookingPage, BookingsPage);
