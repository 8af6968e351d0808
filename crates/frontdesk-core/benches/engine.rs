//! Benchmarks of the booking engine's hot paths.
//!
//! - `p1_salon_14_days`: 20 staff with lunch breaks, 4 rooms, equipment, ~1,500 busy entries
//!   over 14 days; one 14-day query for a 60-minute service with buffers and "anyone".
//!   Target: at most 1 ms. `p1_salon_14_days_two_services` adds a second service (with a
//!   processing gap) back to back.
//! - `p2_restaurant_evening`: 30 tables, 15 combinations, ~60 reservations on one evening;
//!   one query per party size 2..=10. Target: p95 well under 25 ms.
//!
//! Run: `cargo bench -p frontdesk-core --bench engine`.

use divan::{Bencher, black_box};
use frontdesk_core::engine::tables::{
    Combo, Period, Seated, Table, TableQuery, TurnTime, assign, table_availability,
};
use frontdesk_core::engine::*;
use jiff::civil::date;
use jiff::tz::TimeZone;

fn main() {
    divan::main();
}

const MIN: i64 = 60_000;

/// The 95th percentile of 200 timed runs (divan reports fastest/slowest/median/mean only).
fn p95(mut f: impl FnMut()) -> std::time::Duration {
    let mut times: Vec<std::time::Duration> = (0..200)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[189]
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn at(tz: &TimeZone, d: jiff::civil::Date, h: i8, m: i8) -> i64 {
    d.at(h, m, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn svc(
    id: &str,
    segments: Vec<Segment>,
    bb: u32,
    ba: u32,
    staff: &[usize],
    reqs: Vec<Vec<String>>,
) -> ServiceSpec {
    ServiceSpec {
        id: id.into(),
        segments,
        buffer_before_min: bb,
        buffer_after_min: ba,
        staff: staff
            .iter()
            .map(|i| StaffOption {
                resource_id: format!("staff-{i:02}"),
                duration_override_min: (i % 7 == 3).then_some(75),
            })
            .collect(),
        requirements: reqs,
        capacity: 1,
    }
}

/// The salon: returns the query (for the massage) and the six services.
fn salon() -> (AvailabilityQuery, Vec<ServiceSpec>, usize) {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let from = date(2026, 6, 1); // Monday
    let to = date(2026, 6, 14);
    let location = Calendar {
        weekly: (1..=6)
            .map(|weekday| WeeklyHours {
                weekday,
                start_min: 8 * 60,
                end_min: 20 * 60,
            })
            .collect(),
        exceptions: vec![],
    };
    let rooms: Vec<String> = (0..4).map(|i| format!("room-{i}")).collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut resources = Vec::new();
    let mut busy_count = 0;
    for i in 0..20u16 {
        let day_off = (i % 6) as u8 + 1;
        let start = 8 * 60 + (i % 3) * 60;
        let lunch = start + 4 * 60;
        let weekly: Vec<WeeklyHours> = (1..=6u8)
            .filter(|d| *d != day_off)
            .flat_map(|weekday| {
                [
                    WeeklyHours {
                        weekday,
                        start_min: start,
                        end_min: lunch,
                    },
                    WeeklyHours {
                        weekday,
                        start_min: lunch + 60,
                        end_min: lunch + 60 + 4 * 60,
                    },
                ]
            })
            .collect();
        let mut busy = Vec::new();
        let mut d = from;
        while d <= to {
            let wd = d.weekday().to_monday_one_offset() as u8;
            if wd != 7 && wd != day_off {
                // Ten bookings of 30–45 minutes at random quarter hours of the shift,
                // dropping the ones that would overlap.
                let day0 = at(&tz, d, 0, 0) + i64::from(start) * MIN;
                let mut today: Vec<Span> = Vec::new();
                for _ in 0..10 {
                    let t = day0 + rng.below(32) as i64 * 15 * MIN;
                    let len = (2 + rng.below(2) as i64) * 15 * MIN;
                    let s = Span::new(t, t + len);
                    if !today.iter().any(|x| x.overlaps(&s)) {
                        today.push(s);
                    }
                }
                busy.extend(today.into_iter().map(|span| Busy {
                    span,
                    unit: 0,
                    session_key: None,
                    seats: 1,
                }));
            }
            d = d.tomorrow().unwrap();
        }
        busy_count += busy.len();
        resources.push(Resource {
            id: format!("staff-{i:02}"),
            kind: ResourceKind::Staff,
            quantity: 1,
            hours: Some(Calendar {
                weekly,
                exceptions: vec![],
            }),
            busy,
        });
    }
    for (i, id) in rooms.iter().enumerate() {
        let mut busy = Vec::new();
        let mut d = from;
        while d <= to {
            for _ in 0..4 {
                let h = 8 + rng.below(11) as i64;
                let t = at(&tz, d, 0, 0) + h * 60 * MIN;
                busy.push(Busy {
                    span: Span::new(t, t + 75 * MIN),
                    unit: 0,
                    session_key: None,
                    seats: 1,
                });
            }
            d = d.tomorrow().unwrap();
        }
        busy_count += busy.len();
        resources.push(Resource {
            id: id.clone(),
            kind: ResourceKind::Room,
            quantity: 1 + (i as u32 % 2),
            hours: None,
            busy,
        });
    }
    resources.push(Resource {
        id: "laser".into(),
        kind: ResourceKind::Equipment,
        quantity: 2,
        hours: None,
        busy: vec![],
    });
    resources.push(Resource {
        id: "steamer".into(),
        kind: ResourceKind::Equipment,
        quantity: 1,
        hours: None,
        busy: vec![],
    });

    let all: Vec<usize> = (0..20).collect();
    let services = vec![
        svc(
            "massage",
            vec![Segment::Work(60)],
            5,
            10,
            &all[..12],
            vec![rooms.clone()],
        ),
        svc(
            "colour",
            vec![Segment::Work(30), Segment::Gap(30), Segment::Work(20)],
            0,
            10,
            &all[4..16],
            vec![vec!["room-0".into(), "room-1".into()]],
        ),
        svc("cut", vec![Segment::Work(45)], 0, 5, &all, vec![]),
        svc(
            "facial",
            vec![Segment::Work(60)],
            5,
            10,
            &all[8..],
            vec![rooms.clone(), vec!["steamer".into()]],
        ),
        svc(
            "laser",
            vec![Segment::Work(30)],
            5,
            5,
            &all[..6],
            vec![vec!["laser".into()]],
        ),
        svc(
            "manicure",
            vec![Segment::Work(40)],
            0,
            5,
            &all[10..],
            vec![],
        ),
    ];
    let q = AvailabilityQuery {
        tz: tz.clone(),
        location_hours: location,
        resources,
        visit: vec![VisitItem {
            service: services[0].clone(),
            staff_pref: None,
        }],
        same_staff: false,
        from,
        to,
        party_size: 1,
        rules: Rules {
            slot_step_min: 15,
            min_notice_min: 60,
            window_days: 60,
        },
        now_ms: at(&tz, date(2026, 5, 31), 20, 0),
    };
    (q, services, busy_count)
}

#[divan::bench]
fn p1_salon_14_days(bencher: Bencher) {
    let (q, _, busy) = salon();
    let n = availability(&q).unwrap().len();
    assert!(n > 100, "only {n} slots");
    let p = p95(|| {
        black_box(availability(black_box(&q)).unwrap());
    });
    eprintln!("p1: {busy} busy entries, {n} slots, p95 {p:?}");
    bencher.bench(|| availability(black_box(&q)).unwrap());
}

#[divan::bench]
fn p1_salon_14_days_two_services(bencher: Bencher) {
    let (mut q, services, _) = salon();
    q.visit = vec![
        VisitItem {
            service: services[2].clone(),
            staff_pref: None,
        },
        VisitItem {
            service: services[1].clone(),
            staff_pref: None,
        },
    ];
    let n = availability(&q).unwrap().len();
    assert!(n > 50, "only {n} slots");
    let p = p95(|| {
        black_box(availability(black_box(&q)).unwrap());
    });
    eprintln!("p1 two services: {n} slots, p95 {p:?}");
    bencher.bench(|| availability(black_box(&q)).unwrap());
}

#[divan::bench]
fn p1_plan_at_one_start(bencher: Bencher) {
    let (q, _, _) = salon();
    let slots = availability(&q).unwrap();
    let start = slots[slots.len() / 2].start_ms;
    bencher.bench(|| plan_at(black_box(&q), black_box(start)).unwrap());
}

/// 30 tables, 15 combinations, ~60 reservations between 17:00 and 22:00.
fn restaurant(party: u32) -> TableQuery {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let d = date(2026, 6, 5); // Friday
    let mut tables: Vec<Table> = (0..30)
        .map(|i| {
            let (min, max) = match i % 5 {
                0 => (1, 2),
                1 | 2 => (2, 4),
                3 => (4, 6),
                _ => (6, 8),
            };
            Table {
                id: format!("T{i:02}"),
                area: Some(if i < 20 { "main" } else { "terrace" }.into()),
                min_seats: min,
                max_seats: max,
                tags: if i % 4 == 0 {
                    vec!["accessible".into()]
                } else {
                    vec![]
                },
                sort: i,
                online: i % 10 != 9,
                busy: vec![],
            }
        })
        .collect();
    let combos: Vec<Combo> = (0..15)
        .map(|i| {
            let a = (i * 2) % 30;
            let b = (i * 2 + 1) % 30;
            let members = if i % 3 == 0 {
                vec![a, b, (a + 5) % 30]
            } else {
                vec![a, b]
            };
            let seats: u32 = members.iter().map(|m| tables[*m].max_seats).sum();
            Combo {
                id: format!("C{i:02}"),
                tables: members.iter().map(|m| format!("T{m:02}")).collect(),
                min_seats: 6,
                max_seats: seats,
            }
        })
        .collect();
    let period = Period {
        name: "dinner".into(),
        weekdays: vec![1, 2, 3, 4, 5, 6],
        start_min: 17 * 60,
        last_seating_min: 22 * 60,
        slot_step_min: 15,
        turn_times: vec![
            TurnTime {
                max_party: 2,
                minutes: 90,
            },
            TurnTime {
                max_party: 4,
                minutes: 105,
            },
            TurnTime {
                max_party: 6,
                minutes: 120,
            },
            TurnTime {
                max_party: 50,
                minutes: 150,
            },
        ],
        max_covers_per_slot: Some(30),
        pacing: Some((30, 50)),
    };
    // Seat ~60 reservations greedily with the engine's own assignment.
    let mut rng = Rng(0xdead_beef_0042);
    let mut seated = Vec::new();
    for _ in 0..200 {
        if seated.len() >= 60 {
            break;
        }
        let slot = rng.below(21) as i8;
        let start = at(&tz, d, 17, 0) + i64::from(slot) * 15 * MIN;
        let p = 1 + rng.below(6) as u32;
        let len = if p <= 2 {
            90
        } else if p <= 4 {
            105
        } else {
            120
        };
        let span = Span::new(start, start + len * MIN);
        if let Some(a) = assign(&tables, &combos, p, &[], None, span) {
            for id in &a.tables {
                tables
                    .iter_mut()
                    .find(|t| &t.id == id)
                    .unwrap()
                    .busy
                    .push(span);
            }
            seated.push(Seated {
                start_ms: start,
                covers: p,
            });
        }
    }
    TableQuery {
        tz: tz.clone(),
        periods: vec![period],
        tables,
        combos,
        seated,
        closures: vec![],
        date: d,
        party_size: party,
        requirements: vec![],
        area: None,
        online_only: true,
        rules: Rules {
            slot_step_min: 15,
            min_notice_min: 60,
            window_days: 60,
        },
        now_ms: at(&tz, date(2026, 6, 1), 12, 0),
    }
}

#[divan::bench(args = [2, 3, 4, 5, 6, 7, 8, 9, 10])]
fn p2_restaurant_evening(bencher: Bencher, party: u32) {
    let q = restaurant(party);
    let n = table_availability(&q).unwrap().len();
    let p = p95(|| {
        black_box(table_availability(black_box(&q)).unwrap());
    });
    eprintln!(
        "p2 party {party}: {} reservations seated, {n} slots, p95 {p:?}",
        q.seated.len()
    );
    bencher.bench(|| table_availability(black_box(&q)).unwrap());
}
