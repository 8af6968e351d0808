//! Builders shared by the engine tests.
#![allow(dead_code)]

use frontdesk_core::engine::*;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

pub fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// Instant of a local wall-clock time (earlier in a fold, after the gap in a gap).
pub fn at(tz: &TimeZone, dt: DateTime) -> i64 {
    dt.to_zoned(tz.clone())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

pub fn every_day(start_min: u16, end_min: u16) -> Vec<WeeklyHours> {
    (1..=7)
        .map(|weekday| WeeklyHours {
            weekday,
            start_min,
            end_min,
        })
        .collect()
}

pub fn hours(h: u16, m: u16) -> u16 {
    h * 60 + m
}

pub fn staff(id: &str) -> Resource {
    Resource {
        id: id.into(),
        kind: ResourceKind::Staff,
        quantity: 1,
        hours: None,
        busy: vec![],
    }
}

pub fn room(id: &str, quantity: u32) -> Resource {
    Resource {
        id: id.into(),
        kind: ResourceKind::Room,
        quantity,
        hours: None,
        busy: vec![],
    }
}

pub fn busy(start_ms: i64, end_ms: i64) -> Busy {
    Busy {
        span: Span::new(start_ms, end_ms),
        unit: 0,
        session_key: None,
        seats: 1,
    }
}

pub fn service(id: &str, minutes: u32, staff: &[&str]) -> ServiceSpec {
    ServiceSpec {
        id: id.into(),
        segments: vec![Segment::Work(minutes)],
        buffer_before_min: 0,
        buffer_after_min: 0,
        staff: staff
            .iter()
            .map(|s| StaffOption {
                resource_id: (*s).into(),
                duration_override_min: None,
            })
            .collect(),
        requirements: vec![],
        capacity: 1,
    }
}

pub fn item(service: ServiceSpec) -> VisitItem {
    VisitItem {
        service,
        staff_pref: None,
    }
}

/// A query for one service on one date, open 09:00–18:00 every day, step 15, no notice,
/// window 60 days, "now" a week before.
pub fn query(
    tz: &TimeZone,
    date: Date,
    resources: Vec<Resource>,
    visit: Vec<VisitItem>,
) -> AvailabilityQuery {
    let now = at(
        tz,
        date.checked_sub(jiff::Span::new().days(7))
            .unwrap()
            .at(0, 0, 0, 0),
    );
    AvailabilityQuery {
        tz: tz.clone(),
        location_hours: Calendar {
            weekly: every_day(hours(9, 0), hours(18, 0)),
            exceptions: vec![],
        },
        resources,
        visit,
        same_staff: false,
        from: date,
        to: date,
        party_size: 1,
        rules: Rules {
            slot_step_min: 15,
            min_notice_min: 0,
            window_days: 60,
        },
        now_ms: now,
    }
}

/// Local wall-clock starts of the slots, as "HH:MM".
pub fn local_times(slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| format!("{:02}:{:02}", s.local.hour(), s.local.minute()))
        .collect()
}
