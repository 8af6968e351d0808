//! Clients (read-only until the customer use cases land: list, search, profile with bookings)
//! and the waitlist.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use frontdesk_app::AppError;
use frontdesk_core::{BookingId, CustomerId, LocationId, WaitlistId};
use frontdesk_store::{BookingFilter, Customer, CustomerFilter};
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::desk::{self, Names, Place, qs, sp};
use super::page::{Id, Layout, OrPage, Page, PageResult, done, has_layout, ok};
use crate::AppState;
use crate::extract::Staff;

const CLIENTS_PAGE: i64 = 50;

/// The clients list's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClientsQuery {
    q: String,
    after: String,
}

/// A row of the clients list.
pub struct ClientRow {
    id: CustomerId,
    name: String,
    phone: String,
    email: String,
    bookings: i64,
    no_shows: i64,
    last: String,
}

/// The clients list.
#[derive(Template)]
#[template(path = "clients.html")]
pub struct ClientsPage {
    layout: Layout,
    q: String,
    rows: Vec<ClientRow>,
    next: Option<String>,
    first_page: bool,
}

/// The zone client-wide dates are shown in: the business's first location's.
async fn business_zone(state: &AppState, ctx: &frontdesk_app::Ctx, layout: &Layout) -> TimeZone {
    match state.app.locations(ctx).await.or_page(layout) {
        Ok(l) => l
            .first()
            .and_then(|l| TimeZone::get(&l.time_zone).ok())
            .unwrap_or(TimeZone::UTC),
        Err(_) => TimeZone::UTC,
    }
}

/// GET /app/clients
pub async fn clients(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<ClientsQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let tz = business_zone(&state, &ctx, &layout).await;
    let after: Option<CustomerId> = q.after.trim().parse().ok();
    let list = sp(
        state
            .app
            .store
            .tenant(ctx.tenant)
            .customers(&CustomerFilter {
                search: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
                tag: None,
                limit: CLIENTS_PAGE,
                after,
            })
            .await,
        &layout,
    )?;
    let next = (list.len() as i64 == CLIENTS_PAGE)
        .then(|| list.last())
        .flatten()
        .map(|c| {
            format!(
                "/app/clients?{}",
                qs(&[("q", &q.q), ("after", &c.id.to_string())])
            )
        });
    let rows = list
        .into_iter()
        .map(|c| ClientRow {
            id: c.id,
            phone: c.phone.unwrap_or_default(),
            email: c.email.unwrap_or_default(),
            bookings: c.booking_count,
            no_shows: c.no_show_count,
            last: c
                .last_booking_at_ms
                .map(|m| desk::local_when(m, &tz))
                .unwrap_or_else(|| "—".into()),
            name: c.name,
        })
        .collect();
    ok(&ClientsPage {
        layout,
        q: q.q,
        rows,
        next,
        first_page: after.is_none(),
    })
}

/// A booking of a client.
pub struct ClientBooking {
    id: BookingId,
    when: String,
    location: String,
    what: String,
    status: String,
    status_label: String,
}

/// A client's page.
#[derive(Template)]
#[template(path = "client.html")]
pub struct ClientPage {
    layout: Layout,
    c: Customer,
    tags: Vec<String>,
    requirements: Vec<String>,
    first: String,
    last: String,
    upcoming: Vec<ClientBooking>,
    past: Vec<ClientBooking>,
}

/// GET /app/clients/{id}
pub async fn client(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<CustomerId>,
) -> PageResult {
    let t = state.app.store.tenant(ctx.tenant);
    let c = sp(t.customer(id).await, &layout)?
        .ok_or(AppError::NotFound)
        .or_page(&layout)?;
    let tz = business_zone(&state, &ctx, &layout).await;
    let bookings = sp(
        t.bookings(&BookingFilter {
            customer: Some(id),
            limit: Some(500),
            ..BookingFilter::default()
        })
        .await,
        &layout,
    )?;
    let locations: HashMap<LocationId, String> = state
        .app
        .locations(&ctx)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let mut names: HashMap<LocationId, Names> = HashMap::new();
    let now = state.app.now_ms();
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for b in bookings.iter().rev().take(100) {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(b.location_id) {
            e.insert(Names::of(&state, &ctx, &layout, b.location_id).await?);
        }
        let what = if b.kind == "reservation" {
            format!("Table for {}", b.party_size)
        } else {
            let n = &names[&b.location_id];
            sp(t.booking_items(b.id).await, &layout)?
                .iter()
                .map(|i| n.service(i.service_id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let btz = TimeZone::get(&b.time_zone).unwrap_or(TimeZone::UTC);
        let row = ClientBooking {
            id: b.id,
            when: desk::local_when(b.starts_at_ms, &btz),
            location: locations.get(&b.location_id).cloned().unwrap_or_default(),
            what,
            status: b.status.clone(),
            status_label: desk::status_label(&b.status),
        };
        let live = matches!(b.status.as_str(), "held" | "pending" | "confirmed");
        if b.starts_at_ms >= now && live {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    upcoming.reverse();
    ok(&ClientPage {
        layout,
        tags: serde_json::from_str(&c.tags).unwrap_or_default(),
        requirements: serde_json::from_str(&c.requirements).unwrap_or_default(),
        first: c
            .first_booking_at_ms
            .map(|m| desk::local_when(m, &tz))
            .unwrap_or_else(|| "—".into()),
        last: c
            .last_booking_at_ms
            .map(|m| desk::local_when(m, &tz))
            .unwrap_or_else(|| "—".into()),
        c,
        upcoming,
        past,
    })
}

/// The waitlist's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WaitlistQuery {
    location: String,
    status: String,
}

/// A waitlist entry as shown.
pub struct WaitRow {
    id: WaitlistId,
    customer_id: CustomerId,
    customer: String,
    what: String,
    window: String,
    status: String,
    offered: String,
    created: String,
    removable: bool,
}

/// The waitlist.
#[derive(Template)]
#[template(path = "waitlist.html")]
pub struct WaitlistPage {
    layout: Layout,
    location: String,
    locations: Vec<(String, String, bool)>,
    has_tables: bool,
    status: String,
    statuses: Vec<(String, String, bool)>,
    rows: Vec<WaitRow>,
    zone: String,
}

const WAIT_STATUSES: &[&str] = &["waiting", "offered", "booked", "cancelled", "expired"];

/// GET /app/waitlist
pub async fn waitlist(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<WaitlistQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let place = Place::pick(&state, &ctx, &layout, &q.location).await?;
    let mut names = Names::of(&state, &ctx, &layout, place.loc.id).await?;
    let status = Some(q.status.trim()).filter(|s| WAIT_STATUSES.contains(s));
    let entries = state
        .app
        .list_waitlist(&ctx, Some(place.loc.id), status)
        .await
        .or_page(&layout)?;
    names
        .load_customers(
            &state,
            &ctx,
            &layout,
            entries.iter().map(|e| e.customer_id).collect(),
        )
        .await?;
    let window = |a: i64, b: i64| {
        let (da, db) = (
            desk::local_date(a, &place.tz),
            desk::local_date(b, &place.tz),
        );
        if da == db {
            format!("{}–{}", desk::local_when(a, &place.tz), place.hm(b))
        } else {
            format!(
                "{} – {}",
                desk::local_when(a, &place.tz),
                desk::local_when(b, &place.tz)
            )
        }
    };
    let rows = entries
        .iter()
        .rev()
        .map(|e| WaitRow {
            id: e.id,
            customer_id: e.customer_id,
            customer: names.customer(Some(e.customer_id)),
            what: match e.service_id {
                Some(s) => {
                    let mut w = names.service(Some(s));
                    if let Some(st) = e.staff_id {
                        w = format!("{w} with {}", names.resource(st));
                    }
                    w
                }
                None => format!("Table for {}", e.party_size),
            },
            window: window(e.window_start_ms, e.window_end_ms),
            status: e.status.clone(),
            offered: e
                .offered_start_ms
                .map(|m| desk::local_when(m, &place.tz))
                .unwrap_or_default(),
            created: desk::local_when(e.created_at_ms, &place.tz),
            removable: matches!(e.status.as_str(), "waiting" | "offered"),
        })
        .collect();
    ok(&WaitlistPage {
        location: place.loc.id.to_string(),
        locations: place.choices(),
        has_tables: names.has_tables(),
        statuses: WAIT_STATUSES
            .iter()
            .map(|s| (s.to_string(), s.to_string(), status == Some(*s)))
            .collect(),
        status: status.unwrap_or_default().to_string(),
        rows,
        zone: place.loc.time_zone.clone(),
        layout,
    })
}

/// POST /app/waitlist/{id}/remove
pub async fn remove_waitlist(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<WaitlistId>,
) -> PageResult {
    let r = state.app.cancel_waitlist(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/waitlist",
        r,
        "Removed from the waitlist.",
    )
}

has_layout!(ClientsPage, ClientPage, WaitlistPage);
