//! The restaurant floor: every table with its seats, shape and tags, what it is doing at a
//! chosen time (free, reserved by whom, seated) and its next reservation, with a walk-in form on
//! the free ones.
//!
//! Tables with floor-plan positions (`pos_x`, `pos_y`, 0..=1000) are drawn on a 20 × 20 grid
//! by class names (`fx-N`, `fy-N`, see [`super::desk`]); the list grouped by area below the
//! plan (the only view when positions are missing) carries the details and forms.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use frontdesk_app::bookings::BookingIn;
use frontdesk_core::{AreaId, BookingId, ResourceId};
use frontdesk_store::{Booking, BookingFilter};
use jiff::ToSpan;
use jiff::civil::{Date, Time};
use serde::Deserialize;

use super::desk::{self, Names, Place, qs, sp};
use super::page::{Flash, Form, Layout, Page, PageResult, done, has_layout, ok, redirect_flash};
use crate::AppState;
use crate::extract::Staff;

/// The floor's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FloorQuery {
    location: String,
    date: String,
    period: String,
    time: String,
}

/// A table as shown.
pub struct TableCard {
    id: ResourceId,
    name: String,
    seats: String,
    max_seats: i64,
    shape: String,
    tags: Vec<String>,
    area: Option<AreaId>,
    /// free, reserved or seated.
    state: &'static str,
    now_who: Option<(BookingId, String)>,
    next: Option<(BookingId, String)>,
    x: i64,
    y: i64,
}

/// An area with its tables.
pub struct AreaGroup {
    name: String,
    tables: Vec<TableCard>,
}

/// A table on the floor plan.
pub struct Tile {
    id: ResourceId,
    name: String,
    state: &'static str,
    shape: String,
    x: i64,
    y: i64,
}

/// The floor page.
#[derive(Template)]
#[template(path = "floor.html")]
pub struct FloorPage {
    layout: Layout,
    location: String,
    locations: Vec<(String, String, bool)>,
    has_tables: bool,
    date: String,
    date_label: String,
    time: String,
    periods: Vec<(String, String, bool)>,
    tiles: Vec<Tile>,
    areas: Vec<AreaGroup>,
    plan: bool,
    is_today: bool,
    prev: String,
    next: String,
    today: String,
    zone: String,
}

/// GET /app/floor
pub async fn floor(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<FloorQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let place = Place::pick(&state, &ctx, &layout, &q.location).await?;
    let mut names = Names::of(&state, &ctx, &layout, place.loc.id).await?;
    let date = place.date_or_today(&state, &q.date);
    let is_today = date == place.today(&state);
    let t = state.app.store.tenant(ctx.tenant);
    let weekday = i64::from(date.weekday().to_monday_one_offset());
    let periods: Vec<_> = sp(t.periods(place.loc.id).await, &layout)?
        .into_iter()
        .filter(|p| {
            p.weekdays
                .split(',')
                .any(|d| d.trim().parse::<i64>() == Ok(weekday))
        })
        .collect();
    let period = periods
        .iter()
        .find(|p| p.id.to_string() == q.period)
        .or(periods.first());
    // The time shown: the one asked for, else now (today), else the period's first seating.
    let now = state.app.now_ms();
    let time = match q.time.trim().parse::<Time>() {
        Ok(t) => t,
        Err(_) if is_today && q.period.is_empty() => {
            let m = place.minute_of_day(now, date);
            Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or_default()
        }
        Err(_) => {
            let m = period.map_or(19 * 60, |p| p.start_min);
            Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or_default()
        }
    };
    let at = date
        .to_datetime(time)
        .to_zoned(place.tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(now);
    let (ds, de) = place.day_bounds(date);
    let bookings: HashMap<BookingId, Booking> = sp(
        t.bookings(&BookingFilter {
            location: Some(place.loc.id),
            from_ms: Some(ds - 86_400_000),
            to_ms: Some(de),
            limit: Some(1000),
            ..BookingFilter::default()
        })
        .await,
        &layout,
    )?
    .into_iter()
    .filter(|b| {
        matches!(
            b.status.as_str(),
            "held" | "pending" | "confirmed" | "checked_in"
        )
    })
    .map(|b| (b.id, b))
    .collect();
    names
        .load_customers(
            &state,
            &ctx,
            &layout,
            bookings.values().filter_map(|b| b.customer_id).collect(),
        )
        .await?;
    let mut allocs = sp(t.busy_between(place.loc.id, ds, de, now).await, &layout)?;
    allocs.retain(|a| bookings.contains_key(&a.booking_id));
    allocs.sort_by_key(|a| a.starts_at_ms);
    let tables_raw = names.of_kinds(&["table"]);
    let plan = !tables_raw.is_empty()
        && tables_raw
            .iter()
            .all(|r| r.pos_x.is_some() && r.pos_y.is_some());
    let label = |b: &Booking| {
        format!(
            "{} {} ({})",
            place.hm(b.starts_at_ms),
            names.customer(b.customer_id),
            b.party_size
        )
    };
    let tables: Vec<TableCard> = tables_raw
        .iter()
        .map(|r| {
            let mine = allocs.iter().filter(|a| a.resource_id == r.id);
            let mut current = None;
            let mut next = None;
            for a in mine {
                if a.starts_at_ms <= at && at < a.ends_at_ms && current.is_none() {
                    current = Some(&bookings[&a.booking_id]);
                } else if a.starts_at_ms > at && next.is_none() {
                    next = Some(&bookings[&a.booking_id]);
                }
            }
            let state = match current {
                Some(b) if b.status == "checked_in" => "seated",
                Some(_) => "reserved",
                None => "free",
            };
            let seats = match (r.min_seats, r.max_seats) {
                (Some(a), Some(b)) if a != b => format!("{a}–{b} seats"),
                (_, Some(b)) => format!("{b} seats"),
                _ => String::new(),
            };
            TableCard {
                id: r.id,
                name: r.name.clone(),
                seats,
                max_seats: r.max_seats.unwrap_or(2),
                shape: r.shape.clone().unwrap_or_default(),
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                area: r.area_id,
                state,
                now_who: current.map(|b| (b.id, label(b))),
                next: next.map(|b| (b.id, label(b))),
                x: r.pos_x.unwrap_or(0).clamp(0, 1000) * 17 / 1000,
                y: r.pos_y.unwrap_or(0).clamp(0, 1000) * 18 / 1000,
            }
        })
        .collect();
    let tiles: Vec<Tile> = tables
        .iter()
        .map(|c| Tile {
            id: c.id,
            name: c.name.clone(),
            state: c.state,
            shape: c.shape.clone(),
            x: c.x,
            y: c.y,
        })
        .collect();
    let has_tables = !tables.is_empty();
    let area_rows = sp(t.areas(place.loc.id).await, &layout)?;
    let area_ids: Vec<AreaId> = area_rows.iter().map(|a| a.id).collect();
    let mut areas: Vec<AreaGroup> = area_rows
        .into_iter()
        .map(|a| AreaGroup {
            tables: Vec::new(),
            name: a.name,
        })
        .collect();
    let mut loose = Vec::new();
    for c in tables {
        match c.area.and_then(|a| area_ids.iter().position(|x| *x == a)) {
            Some(i) => areas[i].tables.push(c),
            None => loose.push(c),
        }
    }
    areas.retain(|g| !g.tables.is_empty());
    if !loose.is_empty() {
        areas.push(AreaGroup {
            name: if areas.is_empty() {
                "Tables".into()
            } else {
                "Other tables".into()
            },
            tables: loose,
        });
    }
    let loc_s = place.loc.id.to_string();
    let link = |d: Date| {
        format!(
            "/app/floor?{}",
            qs(&[("location", &loc_s), ("date", &d.to_string())])
        )
    };
    // Each service period links to its first seating.
    let period_opts = periods
        .iter()
        .map(|p| {
            (
                format!(
                    "/app/floor?{}",
                    qs(&[
                        ("location", &loc_s),
                        ("date", &date.to_string()),
                        ("period", &p.id.to_string()),
                        ("time", &desk::hm_of_min(p.start_min)),
                    ])
                ),
                format!(
                    "{} {}–{}",
                    p.name,
                    desk::hm_of_min(p.start_min),
                    desk::hm_of_min(p.last_seating_min)
                ),
                period.is_some_and(|x| x.id == p.id),
            )
        })
        .collect();
    ok(&FloorPage {
        location: loc_s.clone(),
        locations: place.choices(),
        has_tables,
        date: date.to_string(),
        date_label: desk::long_date(date),
        time: time.strftime("%H:%M").to_string(),
        periods: period_opts,
        plan,
        is_today,
        prev: link(date.checked_sub(1.day()).unwrap_or(date)),
        next: link(date.checked_add(1.day()).unwrap_or(date)),
        today: link(place.today(&state)),
        zone: place.loc.time_zone.clone(),
        tiles,
        areas,
        layout,
    })
}

/// Fields of the walk-in form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WalkInForm {
    location: String,
    party: String,
    area: String,
}

/// POST /app/floor/walk-in — seats a party now; the engine picks the table (preferring the
/// area of the table the form was on) and the message says which.
pub async fn walk_in(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Form(f): Form<WalkInForm>,
) -> PageResult {
    let place = Place::pick(&state, &ctx, &layout, &f.location).await?;
    let back = format!("/app/floor?location={}", place.loc.id);
    let party = match f.party.trim().parse::<u32>() {
        Ok(p) => p,
        Err(_) => {
            return Ok(redirect_flash(
                &state,
                &back,
                Flash::err("Party size must be a whole number."),
            ));
        }
    };
    let input = BookingIn {
        location_id: place.loc.id,
        services: Vec::new(),
        same_staff: false,
        start: String::new(),
        party_size: party,
        customer_id: None,
        customer: None,
        notes: String::new(),
        requirements: Vec::new(),
        area_id: f.area.trim().parse().ok(),
        hold: false,
        source: None,
        recurrence: None,
    };
    let r = state.app.walk_in(&ctx, input).await;
    let msg = match &r {
        Ok(out) => {
            let names = Names::of(&state, &ctx, &layout, place.loc.id).await?;
            let tables: Vec<String> = out
                .allocations
                .iter()
                .map(|a| names.resource(a.resource_id))
                .collect();
            format!(
                "Walk-in of {party} seated at {}.",
                if tables.is_empty() {
                    "a table".to_string()
                } else {
                    tables.join(" + ")
                }
            )
        }
        Err(_) => String::new(),
    };
    done(&state, &layout, &back, r.map(|_| ()), msg)
}

has_layout!(FloorPage);
