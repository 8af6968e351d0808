//! The calendar: a day with one column per staff member, room or table, or a week of one
//! resource; bookings are blocks on a 15-minute grid, free cells link to a new booking.
//!
//! The grid is CSS grid placed by class names (see [`super::desk`]): each column is a grid
//! whose rows are the 15-minute steps from the location's earliest opening to its latest
//! closing; a block carries `r-<first row> s-<rows>`. Overlapping blocks (a processing gap
//! filled by another client) flow into a second track of the same column (`grid-auto-flow:
//! dense`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use frontdesk_core::{BookingId, ResourceId};
use frontdesk_store::{Booking, BookingFilter};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

use super::desk::{self, Names, Place, ROW_MIN, qs, sp};
use super::page::{Layout, Page, PageResult, has_layout, ok};
use crate::AppState;
use crate::extract::Staff;

/// The calendar's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    location: String,
    date: String,
    view: String,
    by: String,
    resource: String,
}

/// An hour label of the time column.
pub struct HourLabel {
    row: i64,
    span: i64,
    label: String,
}

/// A booking block.
pub struct Block {
    id: BookingId,
    row: i64,
    span: i64,
    time: String,
    customer: String,
    what: String,
    status: String,
    status_label: String,
    /// 0: the column's full width; else the lane (1…4) among blocks that overlap it.
    lane: usize,
}

/// An empty 15-minute cell, linking to a new booking there.
pub struct Free {
    row: i64,
    time: String,
    href: String,
}

/// One column: a resource (day view) or a day (week view).
pub struct Column {
    title: String,
    sub: String,
    /// Side-by-side lanes needed by overlapping blocks (1…4).
    lanes: usize,
    blocks: Vec<Block>,
    free: Vec<Free>,
}

/// A switch link (view, resource kind).
pub struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

/// The calendar page.
#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    layout: Layout,
    location: String,
    locations: Vec<(String, String, bool)>,
    date: String,
    heading: String,
    view: &'static str,
    by: &'static str,
    resources: Vec<(String, String, bool)>,
    views: Vec<Tab>,
    kinds: Vec<Tab>,
    prev: String,
    next: String,
    today: String,
    hours: Vec<HourLabel>,
    rows: i64,
    columns: Vec<Column>,
    has_tables: bool,
    empty: bool,
}

/// One thing held on the calendar: a booking's service for a staff member, or its hold of a
/// room or table.
struct Entry {
    resource: ResourceId,
    start: i64,
    end: i64,
    booking: BookingId,
    what: String,
}

const KINDS: &[(&str, &str, &[&str])] = &[
    ("staff", "Staff", &["staff"]),
    ("room", "Rooms", &["room", "equipment"]),
    ("table", "Tables", &["table"]),
];

/// GET /app/calendar
pub async fn calendar(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    q: Result<Query<CalendarQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let place = Place::pick(&state, &ctx, &layout, &q.location).await?;
    let mut names = Names::of(&state, &ctx, &layout, place.loc.id).await?;
    let date = place.date_or_today(&state, &q.date);
    let week = q.view == "week";

    // Which kind of resource makes the columns: the one asked for, else the first there is.
    let present: Vec<&(&str, &str, &[&str])> = KINDS
        .iter()
        .filter(|k| !names.of_kinds(k.2).is_empty())
        .collect();
    let kind = present
        .iter()
        .find(|k| k.0 == q.by)
        .or(present.first())
        .copied()
        .unwrap_or(&KINDS[0]);
    let resources: Vec<frontdesk_store::Resource> =
        names.of_kinds(kind.2).into_iter().cloned().collect();
    let chosen: Option<ResourceId> = resources
        .iter()
        .find(|r| r.id.to_string() == q.resource)
        .or(resources.first())
        .map(|r| r.id);

    let days: Vec<Date> = if week {
        let monday = date
            .checked_sub((i64::from(date.weekday().to_monday_one_offset()) - 1).days())
            .unwrap_or(date);
        (0..7)
            .filter_map(|i| monday.checked_add(i.days()).ok())
            .collect()
    } else {
        vec![date]
    };
    let (from_ms, _) = place.day_bounds(days[0]);
    let (_, to_ms) = place.day_bounds(*days.last().unwrap_or(&date));

    // Live bookings that touch the days shown (one query each for bookings, items, holds).
    let t = state.app.store.tenant(ctx.tenant);
    let bookings: HashMap<BookingId, Booking> = sp(
        t.bookings(&BookingFilter {
            location: Some(place.loc.id),
            from_ms: Some(from_ms - 86_400_000),
            to_ms: Some(to_ms),
            limit: Some(1000),
            ..BookingFilter::default()
        })
        .await,
        &layout,
    )?
    .into_iter()
    .filter(|b| !matches!(b.status.as_str(), "cancelled" | "expired"))
    .filter(|b| b.ends_at_ms > from_ms)
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
    let entries: Vec<Entry> = if kind.0 == "staff" {
        sp(t.items_between(place.loc.id, from_ms, to_ms).await, &layout)?
            .into_iter()
            .filter(|i| bookings.contains_key(&i.booking_id))
            .filter_map(|i| {
                Some(Entry {
                    resource: i.staff_id?,
                    start: i.starts_at_ms,
                    end: i.ends_at_ms,
                    booking: i.booking_id,
                    what: names.service(i.service_id),
                })
            })
            .collect()
    } else {
        let now = state.app.now_ms();
        let items = sp(t.items_between(place.loc.id, from_ms, to_ms).await, &layout)?;
        sp(
            t.busy_between(place.loc.id, from_ms, to_ms, now).await,
            &layout,
        )?
        .into_iter()
        .filter(|a| bookings.contains_key(&a.booking_id))
        .map(|a| {
            let b = &bookings[&a.booking_id];
            let what = if b.kind == "reservation" {
                format!("{} guests", b.party_size)
            } else {
                items
                    .iter()
                    .find(|i| {
                        i.booking_id == a.booking_id
                            && i.starts_at_ms < a.ends_at_ms
                            && i.ends_at_ms > a.starts_at_ms
                    })
                    .map(|i| names.service(i.service_id))
                    .unwrap_or_default()
            };
            Entry {
                resource: a.resource_id,
                start: a.starts_at_ms,
                end: a.ends_at_ms,
                booking: a.booking_id,
                what,
            }
        })
        .collect()
    };

    // Rows: earliest opening to latest closing of any weekday, widened to what is booked.
    let (mut lo, mut hi) = opening_span(&state, &ctx, &layout, &place).await?;
    for e in &entries {
        for d in &days {
            let (s, en) = place.day_bounds(*d);
            if e.start < en && e.end > s {
                lo = lo.min(place.minute_of_day(e.start, *d));
                hi = hi.max(place.minute_of_day(e.end, *d));
            }
        }
    }
    lo = (lo / 60) * 60;
    hi = (hi + 59) / 60 * 60;
    hi = hi.clamp(lo + 60, 1440);
    let rows = (hi - lo) / ROW_MIN;

    let loc_s = place.loc.id.to_string();
    let cell = |d: Date, r: &ResourceId, entries: &mut dyn Iterator<Item = &Entry>| -> Column {
        let (ds, de) = place.day_bounds(d);
        let mut blocks = Vec::new();
        let mut taken = vec![false; rows as usize + 1];
        for e in entries.filter(|e| e.resource == *r && e.start < de && e.end > ds) {
            let b = &bookings[&e.booking];
            let s = place.minute_of_day(e.start, d);
            let en = place.minute_of_day(e.end, d).max(s + 1);
            let row = ((s - lo) / ROW_MIN + 1).clamp(1, rows);
            let end_row = ((en - lo + ROW_MIN - 1) / ROW_MIN + 1).clamp(row + 1, rows + 1);
            for x in row..end_row {
                taken[x as usize] = true;
            }
            blocks.push(Block {
                id: e.booking,
                row,
                span: end_row - row,
                time: format!("{}–{}", place.hm(e.start), place.hm(e.end)),
                customer: names.customer(b.customer_id),
                what: e.what.clone(),
                status: b.status.clone(),
                status_label: desk::status_label(&b.status),
                lane: 0,
            });
        }
        let lanes = assign_lanes(&mut blocks);
        let res_param = match kind.0 {
            "staff" => "staff",
            _ => "resource",
        };
        let free = (1..=rows)
            .filter(|x| !taken[*x as usize])
            .map(|x| {
                let time = desk::hm_of_min(lo + (x - 1) * ROW_MIN);
                let href = format!(
                    "/app/bookings/new?{}",
                    qs(&[
                        ("location", &loc_s),
                        ("date", &d.to_string()),
                        ("time", &time),
                        (res_param, &r.to_string()),
                    ])
                );
                Free { row: x, time, href }
            })
            .collect();
        Column {
            title: String::new(),
            sub: String::new(),
            lanes,
            blocks,
            free,
        }
    };
    let columns: Vec<Column> = if week {
        match chosen {
            Some(r) => days
                .iter()
                .map(|d| {
                    let mut c = cell(*d, &r, &mut entries.iter());
                    c.title = d.strftime("%a %-d").to_string();
                    c.sub = if *d == date {
                        "selected".into()
                    } else {
                        String::new()
                    };
                    c
                })
                .collect(),
            None => Vec::new(),
        }
    } else {
        resources
            .iter()
            .map(|r| {
                let mut c = cell(date, &r.id, &mut entries.iter());
                c.title = r.name.clone();
                c.sub = if r.kind == "table" {
                    r.max_seats
                        .map(|s| format!("{s} seats"))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                c
            })
            .collect()
    };

    let mut hours = Vec::new();
    let mut m = lo;
    while m < hi {
        let next = ((m / 60) + 1) * 60;
        let row = (m - lo) / ROW_MIN + 1;
        hours.push(HourLabel {
            row,
            span: (next.min(hi) - m) / ROW_MIN,
            label: desk::hm_of_min(m),
        });
        m = next;
    }

    let view = if week { "week" } else { "day" };
    let res_s = if week {
        chosen.map(|r| r.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    let link = |d: Date, view: &str, by: &str| {
        format!(
            "/app/calendar?{}",
            qs(&[
                ("location", &loc_s),
                ("date", &d.to_string()),
                ("view", view),
                ("by", by),
                ("resource", &res_s),
            ])
        )
    };
    let step = if week { 7 } else { 1 };
    let prev = link(date.checked_sub(step.days()).unwrap_or(date), view, kind.0);
    let next = link(date.checked_add(step.days()).unwrap_or(date), view, kind.0);
    let today = link(place.today(&state), view, kind.0);
    let views = vec![
        Tab {
            label: "Day",
            href: link(date, "day", kind.0),
            current: !week,
        },
        Tab {
            label: "Week",
            href: link(date, "week", kind.0),
            current: week,
        },
    ];
    let kinds = present
        .iter()
        .map(|k| Tab {
            label: k.1,
            href: format!(
                "/app/calendar?{}",
                qs(&[
                    ("location", &loc_s),
                    ("date", &date.to_string()),
                    ("view", view),
                    ("by", k.0),
                ])
            ),
            current: k.0 == kind.0,
        })
        .collect();
    let heading = if week {
        format!(
            "Week of {} – {}",
            desk::long_date(days[0]),
            chosen.map(|r| names.resource(r)).unwrap_or_default()
        )
    } else {
        desk::long_date(date)
    };
    let empty = columns.is_empty();
    ok(&CalendarPage {
        layout,
        location: loc_s,
        locations: place.choices(),
        date: date.to_string(),
        heading,
        view,
        by: kind.0,
        resources: resources
            .iter()
            .map(|r| (r.id.to_string(), r.name.clone(), Some(r.id) == chosen))
            .collect(),
        views,
        kinds,
        prev,
        next,
        today,
        hours,
        rows,
        columns,
        has_tables: names.has_tables(),
        empty,
    })
}

/// Most lanes a column is split into; more overlapping blocks share the last one.
const MAX_LANES: usize = 4;

/// Sorts blocks by start and gives blocks that overlap others lanes side by side (a block that
/// overlaps nothing keeps the full width); answers how many lanes the column needs.
fn assign_lanes(blocks: &mut [Block]) -> usize {
    blocks.sort_by_key(|b| (b.row, -b.span));
    let mut most = 1;
    let mut i = 0;
    while i < blocks.len() {
        let mut end = blocks[i].row + blocks[i].span;
        let mut j = i + 1;
        while j < blocks.len() && blocks[j].row < end {
            end = end.max(blocks[j].row + blocks[j].span);
            j += 1;
        }
        if j - i > 1 {
            let mut lane_ends: Vec<i64> = Vec::new();
            for b in &mut blocks[i..j] {
                let lane = match lane_ends.iter().position(|e| *e <= b.row) {
                    Some(l) => {
                        lane_ends[l] = b.row + b.span;
                        l
                    }
                    None => {
                        lane_ends.push(b.row + b.span);
                        lane_ends.len() - 1
                    }
                };
                b.lane = (lane + 1).min(MAX_LANES);
            }
            most = most.max(lane_ends.len().min(MAX_LANES));
        }
        i = j;
    }
    most
}

/// Earliest opening and latest closing (minutes) over the week: the location's hours, else its
/// restaurant service periods (last seating plus the longest turn), else 09:00–18:00.
async fn opening_span(
    state: &AppState,
    ctx: &frontdesk_app::Ctx,
    layout: &Layout,
    place: &Place,
) -> Result<(i64, i64), super::page::PageError> {
    let t = state.app.store.tenant(ctx.tenant);
    let hours = sp(t.hours_for(place.loc.id).await, layout)?;
    let loc_hours: Vec<_> = hours.iter().filter(|h| h.resource_id.is_none()).collect();
    let mut lo = loc_hours.iter().map(|h| h.start_min).min();
    let mut hi = loc_hours.iter().map(|h| h.end_min).max();
    let periods = sp(t.periods(place.loc.id).await, layout)?;
    for p in &periods {
        let turn = serde_json::from_str::<Vec<serde_json::Value>>(&p.turn_times)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v["minutes"].as_i64())
            .max()
            .unwrap_or(120);
        lo = Some(lo.map_or(p.start_min, |l| l.min(p.start_min)));
        let end = (p.last_seating_min + turn).min(1440);
        hi = Some(hi.map_or(end, |h| h.max(end)));
    }
    Ok((lo.unwrap_or(9 * 60), hi.unwrap_or(18 * 60)))
}

has_layout!(CalendarPage);

#[cfg(test)]
mod tests {
    use super::*;

    fn block(row: i64, span: i64) -> Block {
        Block {
            id: BookingId::new(),
            row,
            span,
            time: String::new(),
            customer: String::new(),
            what: String::new(),
            status: String::new(),
            status_label: String::new(),
            lane: 0,
        }
    }

    #[test]
    fn only_overlapping_blocks_share_the_width() {
        // 11:00–12:15 with 11:30–11:50 inside it, and 14:00 alone.
        let mut b = vec![block(21, 2), block(9, 5), block(11, 2)];
        assert_eq!(assign_lanes(&mut b), 2);
        let got: Vec<(i64, usize)> = b.iter().map(|b| (b.row, b.lane)).collect();
        assert_eq!(got, [(9, 1), (11, 2), (21, 0)]);
        let mut none: Vec<Block> = Vec::new();
        assert_eq!(assign_lanes(&mut none), 1);
    }
}
