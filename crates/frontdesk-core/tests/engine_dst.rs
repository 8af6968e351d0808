//! Daylight-saving behaviour of availability (promise C3 hours): no slot in a gap, both
//! instants in a fold, slot counts follow real time, openings keep their local time.

mod engine_common;

use engine_common::*;
use frontdesk_core::engine::calendar::{LocalTime, resolve_local};
use frontdesk_core::engine::*;
use jiff::civil::{Date, date};

const MIN: i64 = 60_000;

/// No staff, no rooms: open 00:00–06:00 and 09:00–12:00 every day, 30-minute service, step 30.
fn night_query(zone: &str, d: Date) -> AvailabilityQuery {
    let tz = tz(zone);
    let mut q = query(&tz, d, vec![], vec![item(service("s", 30, &[]))]);
    q.location_hours.weekly = (1..=7)
        .flat_map(|weekday| {
            [
                WeeklyHours {
                    weekday,
                    start_min: 0,
                    end_min: hours(6, 0),
                },
                WeeklyHours {
                    weekday,
                    start_min: hours(9, 0),
                    end_min: hours(12, 0),
                },
            ]
        })
        .collect();
    q.rules.slot_step_min = 30;
    q
}

fn night_slots(q: &AvailabilityQuery) -> Vec<Slot> {
    let tz = &q.tz;
    let six = at(tz, q.from.at(6, 0, 0, 0));
    availability(q)
        .unwrap()
        .into_iter()
        .filter(|s| s.start_ms < six)
        .collect()
}

/// Real minutes between local midnight and 06:00.
fn real_night_minutes(q: &AvailabilityQuery) -> i64 {
    (at(&q.tz, q.from.at(6, 0, 0, 0)) - at(&q.tz, q.from.at(0, 0, 0, 0))) / MIN
}

fn assert_no_gap_slots(q: &AvailabilityQuery, slots: &[Slot]) {
    for s in slots {
        assert!(
            !matches!(resolve_local(&q.tz, s.local), LocalTime::Gap { .. }),
            "slot in a gap: {}",
            s.local
        );
        // The reported local time and offset agree with the instant.
        let ts = jiff::Timestamp::from_millisecond(s.start_ms).unwrap();
        assert_eq!(q.tz.to_datetime(ts), s.local);
        assert_eq!(q.tz.to_offset(ts).seconds(), s.offset_seconds);
    }
}

#[test]
fn c3_berlin_spring_forward_has_no_slot_in_the_gap() {
    let q = night_query("Europe/Berlin", date(2026, 3, 29));
    let slots = night_slots(&q);
    assert_no_gap_slots(&q, &slots);
    assert!(slots.iter().all(|s| s.local.hour() != 2));
    assert_eq!(real_night_minutes(&q), 300);
    assert_eq!(slots.len() as i64, 300 / 30);
    assert_eq!(
        local_times(&slots),
        [
            "00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00",
            "05:30"
        ]
    );
    // plan_at_local says why 02:30 is refused.
    let e = plan_at_local(&q, date(2026, 3, 29).at(2, 30, 0, 0)).unwrap_err();
    assert_eq!(e.reason, UnavailableReason::InDstGap);
}

#[test]
fn c3_berlin_autumn_fold_yields_both_instants() {
    let q = night_query("Europe/Berlin", date(2026, 10, 25));
    let slots = night_slots(&q);
    assert_no_gap_slots(&q, &slots);
    assert_eq!(real_night_minutes(&q), 420);
    assert_eq!(slots.len() as i64, 420 / 30);
    let two: Vec<&Slot> = slots.iter().filter(|s| s.local.hour() == 2).collect();
    assert_eq!(two.len(), 4);
    assert_eq!(two.iter().filter(|s| s.offset_seconds == 7200).count(), 2);
    assert_eq!(two.iter().filter(|s| s.offset_seconds == 3600).count(), 2);
    // Sorted by instant: the first 02:00 is an hour before the second.
    let at_two: Vec<i64> = two
        .iter()
        .filter(|s| s.local.minute() == 0)
        .map(|s| s.start_ms)
        .collect();
    assert_eq!(at_two[1] - at_two[0], 60 * MIN);
    assert!(slots.windows(2).all(|w| w[0].start_ms < w[1].start_ms));
}

#[test]
fn c3_new_york_spring_and_autumn() {
    let spring = night_query("America/New_York", date(2026, 3, 8));
    let slots = night_slots(&spring);
    assert_no_gap_slots(&spring, &slots);
    assert!(slots.iter().all(|s| s.local.hour() != 2));
    assert_eq!(slots.len() as i64, real_night_minutes(&spring) / 30);
    assert_eq!(slots.len(), 10);

    let autumn = night_query("America/New_York", date(2026, 11, 1));
    let slots = night_slots(&autumn);
    assert_eq!(slots.len() as i64, real_night_minutes(&autumn) / 30);
    assert_eq!(slots.len(), 14);
    assert_eq!(slots.iter().filter(|s| s.local.hour() == 1).count(), 4);
}

#[test]
fn c3_ho_chi_minh_every_day_is_identical() {
    let mut q = night_query("Asia/Ho_Chi_Minh", date(2026, 3, 1));
    q.to = date(2026, 5, 1); // 62 days, the longest range
    q.rules.window_days = 90;
    let slots = availability(&q).unwrap();
    let days = (q.to - q.from).get_days() as usize + 1;
    assert_eq!(slots.len(), days * 18);
    let first_day: Vec<String> = local_times(&slots[..18]);
    for chunk in slots.chunks(18) {
        assert_eq!(local_times(chunk), first_day);
        assert!(chunk.iter().all(|s| s.offset_seconds == 7 * 3600));
    }
}

#[test]
fn c3_lord_howe_half_hour_fold_and_gap() {
    // 2026-04-05: 02:00 goes back to 01:30, so 01:30–02:00 happens twice.
    let q = night_query("Australia/Lord_Howe", date(2026, 4, 5));
    let slots = night_slots(&q);
    assert_no_gap_slots(&q, &slots);
    assert_eq!(real_night_minutes(&q), 390);
    assert_eq!(slots.len(), 13);
    assert_eq!(
        local_times(&slots).iter().filter(|t| *t == "01:30").count(),
        2
    );

    // 2026-10-04: 02:00 jumps to 02:30.
    let q = night_query("Australia/Lord_Howe", date(2026, 10, 4));
    let slots = night_slots(&q);
    assert_no_gap_slots(&q, &slots);
    assert_eq!(real_night_minutes(&q), 330);
    assert_eq!(slots.len(), 11);
    assert!(!local_times(&slots).contains(&"02:00".to_string()));
    assert!(local_times(&slots).contains(&"02:30".to_string()));
}

#[test]
fn c3_nine_o_clock_stays_nine_o_clock_across_the_change() {
    for (zone, from, to) in [
        ("Europe/Berlin", date(2026, 3, 26), date(2026, 4, 1)),
        ("Europe/Berlin", date(2026, 10, 22), date(2026, 10, 28)),
        ("America/New_York", date(2026, 3, 5), date(2026, 3, 11)),
        ("America/New_York", date(2026, 10, 29), date(2026, 11, 4)),
        ("Australia/Lord_Howe", date(2026, 4, 2), date(2026, 4, 8)),
        ("Australia/Lord_Howe", date(2026, 10, 1), date(2026, 10, 7)),
    ] {
        let tz = tz(zone);
        let mut q = query(
            &tz,
            from,
            vec![staff("ann")],
            vec![item(service("cut", 60, &["ann"]))],
        );
        q.to = to;
        let slots = availability(&q).unwrap();
        let mut d = from;
        while d <= to {
            let day: Vec<&Slot> = slots.iter().filter(|s| s.local.date() == d).collect();
            assert_eq!(day.len(), 33, "{zone} {d}");
            assert_eq!(
                (day[0].local.hour(), day[0].local.minute()),
                (9, 0),
                "{zone} {d}"
            );
            assert_eq!(day[0].start_ms, at(&tz, d.at(9, 0, 0, 0)));
            d = d.tomorrow().unwrap();
        }
        // The UTC start of the 09:00 slot moves with the offset.
        let firsts: std::collections::BTreeSet<i32> =
            slots.iter().map(|s| s.offset_seconds).collect();
        assert_eq!(firsts.len(), 2, "{zone}");
    }
}

#[test]
fn c3_staff_hours_starting_in_a_gap_start_when_the_gap_ends() {
    let tz = tz("Europe/Berlin");
    let d = date(2026, 3, 29); // Sunday
    let mut ann = staff("ann");
    ann.hours = Some(Calendar {
        weekly: vec![WeeklyHours {
            weekday: 7,
            start_min: hours(2, 30),
            end_min: hours(5, 0),
        }],
        exceptions: vec![],
    });
    let mut q = query(&tz, d, vec![ann], vec![item(service("cut", 30, &["ann"]))]);
    q.location_hours.weekly = every_day(0, hours(6, 0));
    let slots = availability(&q).unwrap();
    assert_eq!(local_times(&slots).first().unwrap(), "03:00");
    assert_eq!(local_times(&slots).last().unwrap(), "04:30");
    assert_eq!(slots.len(), 7);
}

#[test]
fn c3_havana_gap_at_midnight() {
    // Cuba springs forward at 00:00 (to 01:00): the day itself starts in the gap.
    let d = date(2026, 3, 8);
    let q = night_query("America/Havana", d);
    let midnight = resolve_local(&q.tz, d.at(0, 0, 0, 0));
    assert!(matches!(midnight, LocalTime::Gap { .. }), "{midnight:?}");
    let slots = night_slots(&q);
    assert_no_gap_slots(&q, &slots);
    assert_eq!(slots.len() as i64, real_night_minutes(&q) / 30);
    assert_eq!(local_times(&slots)[0], "01:00");
}

#[test]
fn c3_open_spans_of_a_calendar() {
    use frontdesk_core::engine::calendar::open_spans;
    let tz = tz("Europe/Berlin");
    let d = date(2026, 3, 29);
    let cal = Calendar {
        weekly: every_day(hours(1, 0), hours(4, 0)),
        exceptions: vec![Exception {
            kind: ExceptionKind::Closed,
            span: Span::new(at(&tz, d.at(3, 0, 0, 0)), at(&tz, d.at(3, 30, 0, 0))),
        }],
    };
    let spans = open_spans(&cal, &tz, d, d).unwrap();
    // 01:00–02:00 CET then the gap, 03:00–03:30 closed, 03:30–04:00 CEST.
    assert_eq!(
        spans,
        [
            Span::new(at(&tz, d.at(1, 0, 0, 0)), at(&tz, d.at(3, 0, 0, 0))),
            Span::new(at(&tz, d.at(3, 30, 0, 0)), at(&tz, d.at(4, 0, 0, 0))),
        ]
    );
    assert_eq!(spans[0].len_ms(), 60 * MIN);
}
