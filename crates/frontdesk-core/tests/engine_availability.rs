//! Unit tests for each availability rule (promises B2 no overlap, C3 hours).

mod engine_common;

use engine_common::*;
use frontdesk_core::engine::*;
use jiff::civil::date;

const MIN: i64 = 60_000;

fn utc() -> jiff::tz::TimeZone {
    tz("UTC")
}

#[test]
fn c3_grid_starts_at_opening_and_ends_when_the_service_no_longer_fits() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut q = query(
        &tz,
        d,
        vec![staff("ann")],
        vec![item(service("cut", 60, &["ann"]))],
    );
    q.location_hours.weekly = every_day(hours(9, 0), hours(12, 0));
    q.rules.slot_step_min = 30;
    let slots = availability(&q).unwrap();
    assert_eq!(
        local_times(&slots),
        ["09:00", "09:30", "10:00", "10:30", "11:00"]
    );
    let s = &slots[0];
    assert_eq!(s.start_ms, at(&tz, d.at(9, 0, 0, 0)));
    assert_eq!(s.end_ms, s.start_ms + 60 * MIN);
    assert_eq!(s.offset_seconds, 0);
    assert_eq!(s.items[0].staff.as_deref(), Some("ann"));
    assert_eq!(s.items[0].blocks.len(), 1);
}

#[test]
fn c3_lunch_break_in_staff_hours_is_respected() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut ann = staff("ann");
    ann.hours = Some(Calendar {
        weekly: (1..=7)
            .flat_map(|weekday| {
                [
                    WeeklyHours {
                        weekday,
                        start_min: hours(9, 0),
                        end_min: hours(12, 0),
                    },
                    WeeklyHours {
                        weekday,
                        start_min: hours(13, 0),
                        end_min: hours(14, 0),
                    },
                ]
            })
            .collect(),
        exceptions: vec![],
    });
    let mut q = query(&tz, d, vec![ann], vec![item(service("cut", 60, &["ann"]))]);
    q.rules.slot_step_min = 30;
    let slots = availability(&q).unwrap();
    assert_eq!(
        local_times(&slots),
        ["09:00", "09:30", "10:00", "10:30", "11:00", "13:00"]
    );
}

#[test]
fn b2_buffers_are_reserved_and_kept_clear_of_other_bookings() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut ann = staff("ann");
    ann.busy.push(busy(
        at(&tz, d.at(10, 0, 0, 0)),
        at(&tz, d.at(10, 30, 0, 0)),
    ));
    let mut s = service("cut", 30, &["ann"]);
    s.buffer_before_min = 10;
    s.buffer_after_min = 10;
    let mut q = query(&tz, d, vec![ann], vec![item(s)]);
    q.location_hours.weekly = every_day(hours(9, 0), hours(12, 0));
    let slots = availability(&q).unwrap();
    // 09:00 would need the buffer from 08:50; 09:30–10:30 would touch the booking.
    assert_eq!(local_times(&slots), ["09:15", "10:45", "11:00", "11:15"]);
    let first = &slots[0].items[0];
    assert_eq!(first.start_ms, at(&tz, d.at(9, 15, 0, 0)));
    assert_eq!(first.end_ms, at(&tz, d.at(9, 45, 0, 0)));
    assert_eq!(
        first.blocks[0].span,
        Span::new(at(&tz, d.at(9, 5, 0, 0)), at(&tz, d.at(9, 55, 0, 0)))
    );
}

#[test]
fn b2_processing_gap_frees_the_staff_but_not_the_room() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut colour = service("colour", 0, &["ann"]);
    colour.segments = vec![Segment::Work(30), Segment::Gap(30), Segment::Work(15)];
    colour.requirements = vec![vec!["basin".into()]];
    let q = query(
        &tz,
        d,
        vec![staff("ann"), room("basin", 1)],
        vec![item(colour.clone())],
    );
    let start = at(&tz, d.at(10, 0, 0, 0));
    let plan = plan_at(&q, start).unwrap();
    let it = &plan.items[0];
    assert_eq!(it.end_ms, start + 75 * MIN);
    let spans = |rid: &str| -> Vec<Span> {
        it.blocks
            .iter()
            .filter(|b| b.resource_id == rid)
            .map(|b| b.span)
            .collect()
    };
    assert_eq!(
        spans("ann"),
        [
            Span::new(start, start + 30 * MIN),
            Span::new(start + 60 * MIN, start + 75 * MIN)
        ]
    );
    assert_eq!(spans("basin"), [Span::new(start, start + 75 * MIN)]);

    // Book it, then ask for another client.
    let mut resources = vec![staff("ann"), room("basin", 1)];
    for b in &it.blocks {
        let r = resources
            .iter_mut()
            .find(|r| r.id == b.resource_id)
            .unwrap();
        r.busy.push(Busy {
            span: b.span,
            unit: b.unit,
            session_key: None,
            seats: 1,
        });
    }
    // A 30-minute cut by Ann fits in the processing gap …
    let cut = query(
        &tz,
        d,
        resources.clone(),
        vec![item(service("cut", 30, &["ann"]))],
    );
    let gap_start = start + 30 * MIN;
    assert!(plan_at(&cut, gap_start).is_ok());
    assert!(
        availability(&cut)
            .unwrap()
            .iter()
            .any(|s| s.start_ms == gap_start)
    );
    // … but not a 30-minute wash that needs the basin.
    let mut wash = service("wash", 30, &["ann"]);
    wash.requirements = vec![vec!["basin".into()]];
    let wash_q = query(&tz, d, resources, vec![item(wash)]);
    let err = plan_at(&wash_q, gap_start).unwrap_err();
    assert_eq!(err.reason, UnavailableReason::Taken);
}

#[test]
fn multi_service_visit_runs_back_to_back_with_different_staff() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let cut = service("cut", 30, &["ann", "bob"]);
    let colour = service("colour", 60, &["bob"]);
    let q = query(
        &tz,
        d,
        vec![staff("ann"), staff("bob")],
        vec![item(cut), item(colour)],
    );
    let start = at(&tz, d.at(9, 0, 0, 0));
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.items[0].staff.as_deref(), Some("ann"));
    assert_eq!(plan.items[1].staff.as_deref(), Some("bob"));
    assert_eq!(plan.items[1].start_ms, plan.items[0].end_ms);
    assert_eq!(plan.end_ms, start + 90 * MIN);
    // The last start that still fits before 18:00 is 16:30.
    let slots = availability(&q).unwrap();
    assert_eq!(local_times(&slots).last().unwrap(), "16:30");
}

#[test]
fn multi_service_visit_with_same_staff_uses_one_person() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let cut = service("cut", 30, &["ann", "bob"]);
    let colour = service("colour", 60, &["bob", "ann"]);
    let mut q = query(
        &tz,
        d,
        vec![staff("ann"), staff("bob")],
        vec![item(cut), item(colour)],
    );
    q.same_staff = true;
    let start = at(&tz, d.at(9, 0, 0, 0));
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.items[0].staff.as_deref(), Some("ann"));
    assert_eq!(plan.items[1].staff.as_deref(), Some("ann"));

    // Ann busy during the colour: Bob does both.
    q.resources[0]
        .busy
        .push(busy(start + 40 * MIN, start + 50 * MIN));
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.items[0].staff.as_deref(), Some("bob"));
    assert_eq!(plan.items[1].staff.as_deref(), Some("bob"));

    // Conflicting preferences are refused.
    q.visit[0].staff_pref = Some("ann".into());
    q.visit[1].staff_pref = Some("bob".into());
    assert_eq!(
        availability(&q).unwrap_err(),
        EngineError::ConflictingStaffPreference
    );
}

#[test]
fn b2_visit_items_sharing_a_room_get_touching_blocks() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut a = service("facial", 30, &["ann"]);
    a.buffer_after_min = 15;
    a.requirements = vec![vec!["suite".into()]];
    let mut b = service("massage", 30, &["ann"]);
    b.buffer_before_min = 10;
    b.requirements = vec![vec!["suite".into()]];
    let q = query(
        &tz,
        d,
        vec![staff("ann"), room("suite", 1)],
        vec![item(a), item(b)],
    );
    let plan = plan_at(&q, at(&tz, d.at(10, 0, 0, 0))).unwrap();
    let mut all: Vec<(String, u32, Span)> = plan
        .items
        .iter()
        .flat_map(|i| {
            i.blocks
                .iter()
                .map(|b| (b.resource_id.clone(), b.unit, b.span))
        })
        .collect();
    all.sort();
    for w in all.windows(2) {
        if w[0].0 == w[1].0 && w[0].1 == w[1].1 {
            assert!(w[0].2.end_ms <= w[1].2.start_ms, "{all:?}");
        }
    }
}

#[test]
fn group_session_counts_seats() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut yoga = service("yoga", 60, &["ann"]);
    yoga.capacity = 5;
    yoga.requirements = vec![vec!["studio".into()]];
    let start = at(&tz, d.at(10, 0, 0, 0));
    let key = format!("yoga@{start}");
    let seat = |seats| Busy {
        span: Span::new(start, start + 60 * MIN),
        unit: 0,
        session_key: Some(key.clone()),
        seats,
    };
    let mut ann = staff("ann");
    ann.busy.push(seat(3));
    let mut studio = room("studio", 1);
    studio.busy.push(seat(3));
    let mut q = query(&tz, d, vec![ann, studio], vec![item(yoga)]);
    q.party_size = 2;
    let plan = plan_at(&q, start).unwrap();
    let b = &plan.items[0].blocks[0];
    assert_eq!(b.session_key.as_deref(), Some(key.as_str()));
    assert_eq!(b.seats, 2);
    q.party_size = 3;
    assert_eq!(
        plan_at(&q, start).unwrap_err().reason,
        UnavailableReason::SessionFull
    );
    // A different start overlapping the session is a conflict, not a seat.
    assert_eq!(
        plan_at(&q, start + 30 * MIN).unwrap_err().reason,
        UnavailableReason::Taken
    );
    assert!(
        !availability(&q)
            .unwrap()
            .iter()
            .any(|s| s.start_ms == start)
    );
}

#[test]
fn equipment_with_quantity_two_gives_two_units() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut laser = Resource {
        kind: ResourceKind::Equipment,
        ..room("laser", 2)
    };
    let start = at(&tz, d.at(10, 0, 0, 0));
    laser.busy.push(busy(start, start + 30 * MIN));
    let mut s = service("hair-removal", 30, &["ann", "bob"]);
    s.requirements = vec![vec!["laser".into()]];
    let mut q = query(
        &tz,
        d,
        vec![staff("ann"), staff("bob"), laser],
        vec![item(s)],
    );
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.items[0].resources, [("laser".to_string(), 1)]);
    q.resources[2].busy.push(Busy {
        unit: 1,
        ..busy(start, start + 30 * MIN)
    });
    assert_eq!(
        plan_at(&q, start).unwrap_err().reason,
        UnavailableReason::Taken
    );
}

#[test]
fn two_requirements_on_one_resource_take_two_units() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut s = service("duo", 30, &[]);
    s.requirements = vec![vec!["chair".into()], vec!["chair".into()]];
    let q = query(&tz, d, vec![room("chair", 2)], vec![item(s)]);
    let plan = plan_at(&q, at(&tz, d.at(10, 0, 0, 0))).unwrap();
    assert_eq!(
        plan.items[0].resources,
        [("chair".to_string(), 0), ("chair".to_string(), 1)]
    );
    assert_eq!(plan.items[0].staff, None);
}

#[test]
fn anyone_picks_the_first_free_staff_in_service_order() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let start = at(&tz, d.at(10, 0, 0, 0));
    let mut q = query(
        &tz,
        d,
        vec![staff("ann"), staff("bob"), staff("cat")],
        vec![item(service("cut", 30, &["cat", "bob", "ann"]))],
    );
    assert_eq!(
        plan_at(&q, start).unwrap().items[0].staff.as_deref(),
        Some("cat")
    );
    q.resources[2].busy.push(busy(start, start + 30 * MIN));
    assert_eq!(
        plan_at(&q, start).unwrap().items[0].staff.as_deref(),
        Some("bob")
    );
    q.visit[0].staff_pref = Some("cat".into());
    assert_eq!(
        plan_at(&q, start).unwrap_err().reason,
        UnavailableReason::Taken
    );
    q.visit[0].staff_pref = Some("dan".into());
    assert_eq!(
        plan_at(&q, start).unwrap_err().reason,
        UnavailableReason::StaffCannotPerform
    );
}

#[test]
fn duration_override_stretches_the_last_work_segment() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut s = service("colour", 0, &["ann", "bob"]);
    s.segments = vec![Segment::Work(20), Segment::Gap(20), Segment::Work(20)];
    s.staff[1].duration_override_min = Some(90);
    let mut q = query(&tz, d, vec![staff("ann"), staff("bob")], vec![item(s)]);
    q.visit[0].staff_pref = Some("bob".into());
    let start = at(&tz, d.at(10, 0, 0, 0));
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.end_ms, start + 90 * MIN);
    let spans: Vec<Span> = plan.items[0].blocks.iter().map(|b| b.span).collect();
    assert_eq!(
        spans,
        [
            Span::new(start, start + 20 * MIN),
            Span::new(start + 40 * MIN, start + 90 * MIN)
        ]
    );
}

#[test]
fn notice_and_window() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut q = query(
        &tz,
        d,
        vec![staff("ann")],
        vec![item(service("cut", 30, &["ann"]))],
    );
    q.to = date(2026, 6, 3);
    q.now_ms = at(&tz, d.at(9, 20, 0, 0));
    q.rules.min_notice_min = 120;
    q.rules.window_days = 1;
    let slots = availability(&q).unwrap();
    assert_eq!(slots.first().unwrap().start_ms, at(&tz, d.at(11, 30, 0, 0)));
    // Window: before 09:20 tomorrow.
    assert_eq!(
        slots.last().unwrap().start_ms,
        at(&tz, date(2026, 6, 2).at(9, 15, 0, 0))
    );
    assert!(slots.iter().all(|s| s.start_ms >= q.now_ms + 120 * MIN));
    assert_eq!(
        plan_at(&q, at(&tz, d.at(10, 0, 0, 0))).unwrap_err().reason,
        UnavailableReason::TooSoon
    );
    assert_eq!(
        plan_at(&q, at(&tz, date(2026, 6, 2).at(10, 0, 0, 0)))
            .unwrap_err()
            .reason,
        UnavailableReason::BeyondWindow
    );
    // The past is never bookable, even with zero notice.
    q.rules.min_notice_min = 0;
    assert_eq!(
        plan_at(&q, at(&tz, d.at(9, 0, 0, 0))).unwrap_err().reason,
        UnavailableReason::TooSoon
    );
}

#[test]
fn c3_location_closure_closes_everything() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut ann = staff("ann");
    // Ann's own extra hours cannot open a closed location.
    ann.hours = Some(Calendar {
        weekly: every_day(hours(9, 0), hours(18, 0)),
        exceptions: vec![Exception {
            kind: ExceptionKind::Open,
            span: Span::new(at(&tz, d.at(12, 0, 0, 0)), at(&tz, d.at(14, 0, 0, 0))),
        }],
    });
    let mut q = query(&tz, d, vec![ann], vec![item(service("cut", 30, &["ann"]))]);
    q.to = date(2026, 6, 2);
    q.location_hours.exceptions.push(Exception {
        kind: ExceptionKind::Closed,
        span: Span::new(
            at(&tz, d.at(0, 0, 0, 0)),
            at(&tz, date(2026, 6, 2).at(0, 0, 0, 0)),
        ),
    });
    let slots = availability(&q).unwrap();
    assert!(slots.iter().all(|s| s.local.date() == date(2026, 6, 2)));
    assert_eq!(slots.len(), 35);
    assert_eq!(
        plan_at(&q, at(&tz, d.at(12, 0, 0, 0))).unwrap_err().reason,
        UnavailableReason::OutsideHours
    );
}

#[test]
fn c3_staff_time_off_hands_the_client_to_someone_else() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let mut ann = staff("ann");
    ann.hours = Some(Calendar {
        weekly: vec![],
        exceptions: vec![Exception {
            kind: ExceptionKind::Closed,
            span: Span::new(at(&tz, d.at(10, 0, 0, 0)), at(&tz, d.at(12, 0, 0, 0))),
        }],
    });
    let mut q = query(
        &tz,
        d,
        vec![ann, staff("bob")],
        vec![item(service("cut", 30, &["ann", "bob"]))],
    );
    let at10 = at(&tz, d.at(10, 0, 0, 0));
    assert_eq!(
        plan_at(&q, at10).unwrap().items[0].staff.as_deref(),
        Some("bob")
    );
    assert_eq!(
        plan_at(&q, at(&tz, d.at(9, 0, 0, 0))).unwrap().items[0]
            .staff
            .as_deref(),
        Some("ann")
    );
    q.visit[0].staff_pref = Some("ann".into());
    assert_eq!(
        plan_at(&q, at10).unwrap_err().reason,
        UnavailableReason::OutsideHours
    );
    let slots = availability(&q).unwrap();
    assert!(
        slots
            .iter()
            .all(|s| s.start_ms + 30 * MIN <= at10 || s.start_ms >= at(&tz, d.at(12, 0, 0, 0)))
    );
    assert_eq!(slots.len(), 35 - 9); // 09:45–11:45 would overlap the time off
}

#[test]
fn c3_open_exception_adds_hours() {
    let tz = utc();
    let d = date(2026, 6, 7); // a Sunday
    let mut q = query(
        &tz,
        d,
        vec![staff("ann")],
        vec![item(service("cut", 60, &["ann"]))],
    );
    q.location_hours.weekly = (1..=6)
        .map(|weekday| WeeklyHours {
            weekday,
            start_min: hours(9, 0),
            end_min: hours(18, 0),
        })
        .collect();
    assert!(availability(&q).unwrap().is_empty());
    q.location_hours.exceptions.push(Exception {
        kind: ExceptionKind::Open,
        span: Span::new(at(&tz, d.at(10, 0, 0, 0)), at(&tz, d.at(12, 0, 0, 0))),
    });
    assert_eq!(
        local_times(&availability(&q).unwrap()),
        ["10:00", "10:15", "10:30", "10:45", "11:00"]
    );
}

#[test]
fn queries_are_validated() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let base = query(
        &tz,
        d,
        vec![staff("ann")],
        vec![item(service("cut", 30, &["ann"]))],
    );
    let mut q = base.clone();
    q.to = date(2026, 8, 2); // 63 days
    assert_eq!(
        availability(&q).unwrap_err(),
        EngineError::RangeTooLong { max_days: 62 }
    );
    q.to = date(2026, 8, 1); // 62 days
    assert!(availability(&q).is_ok());
    q.to = date(2026, 5, 31);
    assert_eq!(availability(&q).unwrap_err(), EngineError::EndBeforeStart);
    let mut q = base.clone();
    q.visit.clear();
    assert_eq!(availability(&q).unwrap_err(), EngineError::EmptyVisit);
    let mut q = base.clone();
    q.visit = vec![q.visit[0].clone(); 6];
    assert_eq!(availability(&q).unwrap_err(), EngineError::TooManyServices);
    assert_eq!(
        EngineError::TooManyServices.to_string(),
        "a visit may hold at most 5 services"
    );
    assert_eq!(
        EngineError::BadPartySize.to_string(),
        "the party size must be between 1 and 50"
    );
    let mut q = base.clone();
    q.party_size = 51;
    assert_eq!(availability(&q).unwrap_err(), EngineError::BadPartySize);
    q.party_size = 0;
    assert_eq!(availability(&q).unwrap_err(), EngineError::BadPartySize);
    let mut q = base.clone();
    q.visit[0].service.segments = vec![Segment::Gap(30)];
    assert_eq!(
        availability(&q).unwrap_err(),
        EngineError::BadDuration("cut".into())
    );
    let mut q = base.clone();
    q.visit[0].service.staff[0].resource_id = "zed".into();
    assert_eq!(
        availability(&q).unwrap_err(),
        EngineError::UnknownResource("zed".into())
    );
    let mut q = base.clone();
    q.rules.slot_step_min = 0;
    assert_eq!(availability(&q).unwrap_err(), EngineError::BadStep);
    let mut q = base;
    q.visit[0].staff_pref = Some("bob".into());
    let e = availability(&q).unwrap_err();
    assert!(matches!(e, EngineError::StaffCannotPerform { .. }));
    assert_eq!(e.to_string(), "\"bob\" does not perform service \"cut\"");
}

#[test]
fn service_without_staff_or_rooms_only_needs_the_location() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let q = query(&tz, d, vec![], vec![item(service("self-tan", 30, &[]))]);
    assert_eq!(availability(&q).unwrap().len(), 35);
}

#[test]
fn later_item_can_change_the_staff_choice_of_an_earlier_one() {
    let tz = utc();
    let d = date(2026, 6, 1);
    let start = at(&tz, d.at(10, 0, 0, 0));
    let mut cut = service("cut", 30, &["ann", "bob"]);
    cut.staff[0].duration_override_min = Some(45);
    let finish = service("finish", 15, &["cat"]);
    let mut cat = staff("cat");
    cat.busy.push(busy(start + 45 * MIN, start + 50 * MIN));
    let q = query(
        &tz,
        d,
        vec![staff("ann"), staff("bob"), cat],
        vec![item(cut), item(finish)],
    );
    // Ann is first, but her 45 minutes would push the finish into Cat's booking.
    let plan = plan_at(&q, start).unwrap();
    assert_eq!(plan.items[0].staff.as_deref(), Some("bob"));
    assert_eq!(plan.items[1].start_ms, start + 30 * MIN);
    assert_eq!(plan.end_ms, start + 45 * MIN);
}
