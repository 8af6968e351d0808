//! HTTP benchmarks of the booking engine (quality bars P1–P3), against the real router served on
//! a loopback socket, with a fresh database.
//!
//! ```text
//! cargo run --release -p frontdesk-testkit --example loadtest -- [p1|p2|p3|all]
//! FRONTDESK_TEST_BACKEND=postgres FRONTDESK_TEST_PG_URL=postgres://… cargo run --release -p frontdesk-testkit --example loadtest -- p3
//! ```
//!
//! - P1: availability of a salon with 20 staff, 4 rooms, 2 devices, 6 services with buffers and a
//!   processing gap, ~1,500 existing bookings, 14-day queries; p50/p95/p99 and throughput.
//! - P2: a restaurant with 30 tables and 15 combinations, ~60 reservations in the evening,
//!   availability for parties of 2–10.
//! - P3: 64 concurrent clients making 10,000 booking attempts, hot (1 staff, 10 slots) and wide
//!   (40 staff over 14 days): successes per second, 409s, anything else, and a self-join that
//!   must find 0 overlapping allocations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use frontdesk_core::*;
use frontdesk_store::*;
use frontdesk_testkit::TestApp;
use serde_json::{Value, json};

const T0: i64 = 1_795_000_000_000;

struct Served {
    t: TestApp,
    base: String,
    key: String,
    tenant: TenantId,
    location: LocationId,
    client: reqwest::Client,
}

async fn serve() -> Served {
    serve_with(Duration::from_millis(1500)).await
}

async fn serve_with(cache: Duration) -> Served {
    let t = TestApp::builder()
        .config(move |c| c.availability_cache = cache)
        .build()
        .await;
    let owner = t.signup("Bench Salon", "owner@bench.example").await;
    let key = t.api_key(&owner, "admin").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = t.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let locs = t
        .get("/api/v1/locations")
        .cookie(&owner.cookie)
        .send()
        .await;
    let location = locs.json[0]["id"].as_str().unwrap().parse().unwrap();
    Served {
        base: format!("http://{addr}"),
        key,
        tenant: owner.tenant,
        location,
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(128)
            .build()
            .unwrap(),
        t,
    }
}

fn resource(t: TenantId, l: LocationId, kind: &str, name: &str, sort: i64) -> Resource {
    Resource {
        tenant_id: t,
        id: ResourceId::new(),
        location_id: l,
        kind: kind.into(),
        name: name.into(),
        description: None,
        user_id: None,
        quantity: 1,
        area_id: None,
        min_seats: None,
        max_seats: None,
        shape: None,
        pos_x: None,
        pos_y: None,
        tags: "[]".into(),
        inventory: "online".into(),
        own_hours: false,
        colour: None,
        sort_order: sort,
        active: true,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

fn service(
    t: TenantId,
    l: LocationId,
    name: &str,
    segs: &str,
    dur: i64,
    before: i64,
    after: i64,
) -> Service {
    Service {
        tenant_id: t,
        id: ServiceId::new(),
        location_id: l,
        name: name.into(),
        category: None,
        description: None,
        duration_min: dur,
        segments: segs.into(),
        price_minor: 4000,
        currency: "EUR".into(),
        buffer_before_min: before,
        buffer_after_min: after,
        capacity: 1,
        online_bookable: true,
        prerequisite_service_id: None,
        promo_price_minor: None,
        promo_starts_at_ms: None,
        promo_ends_at_ms: None,
        colour: None,
        sort_order: 0,
        active: true,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

fn link(s: ServiceId, r: ResourceId) -> ServiceStaff {
    ServiceStaff {
        service_id: s,
        resource_id: r,
        duration_min: None,
        price_minor: None,
    }
}

/// A salon: `staff` stylists with their own hours (some with lunch breaks), `rooms` rooms, 2
/// devices, 6 services. Returns the staff ids and the services.
async fn seed_salon(
    s: &Served,
    staff_n: usize,
    rooms_n: usize,
    open: (i64, i64),
    varied: bool,
) -> (Vec<ResourceId>, Vec<ServiceId>) {
    let (t, l) = (s.tenant, s.location);
    let mut tx = s.t.db.store.begin().await.unwrap();
    let mut w = tx.tenant(t);
    let rows: Vec<WeeklyHoursRow> = (1..=7)
        .map(|d| WeeklyHoursRow {
            weekday: d,
            start_min: open.0,
            end_min: open.1,
        })
        .collect();
    w.replace_hours(l, None, &rows).await.unwrap();
    let mut staff = Vec::new();
    for i in 0..staff_n {
        let mut r = resource(t, l, "staff", &format!("Stylist {i:02}"), i as i64);
        r.own_hours = varied && i % 3 != 0;
        w.insert_resource(&r).await.unwrap();
        if r.own_hours {
            let mut rows = Vec::new();
            for d in 1..=7 {
                if (d + i as i64) % 7 == 0 {
                    continue; // a day off
                }
                if i % 2 == 0 {
                    rows.push(WeeklyHoursRow {
                        weekday: d,
                        start_min: open.0,
                        end_min: 13 * 60,
                    });
                    rows.push(WeeklyHoursRow {
                        weekday: d,
                        start_min: 14 * 60,
                        end_min: open.1,
                    });
                } else {
                    rows.push(WeeklyHoursRow {
                        weekday: d,
                        start_min: open.0 + 60,
                        end_min: open.1,
                    });
                }
            }
            w.replace_hours(l, Some(r.id), &rows).await.unwrap();
        }
        staff.push(r.id);
    }
    let mut rooms = Vec::new();
    for i in 0..rooms_n {
        let r = resource(t, l, "room", &format!("Room {i}"), i as i64);
        w.insert_resource(&r).await.unwrap();
        rooms.push(r.id);
    }
    let mut device = resource(t, l, "equipment", "Steamer", 0);
    device.quantity = 2;
    w.insert_resource(&device).await.unwrap();
    let specs = [
        ("Cut", r#"[{"work":45}]"#, 45, 0, 10),
        (
            "Colour",
            r#"[{"work":30},{"gap":30},{"work":15}]"#,
            75,
            5,
            10,
        ),
        ("Blow-dry", r#"[{"work":30}]"#, 30, 0, 5),
        ("Treatment", r#"[{"work":60}]"#, 60, 10, 10),
        ("Beard", r#"[{"work":20}]"#, 20, 0, 5),
        ("Steam facial", r#"[{"work":40}]"#, 40, 0, 10),
    ];
    let mut services = Vec::new();
    for (i, (name, segs, dur, before, after)) in specs.iter().enumerate() {
        let svc = service(t, l, name, segs, *dur, *before, *after);
        w.insert_service(&svc).await.unwrap();
        let links: Vec<ServiceStaff> = staff
            .iter()
            .enumerate()
            .filter(|(j, _)| !varied || (j + i) % 4 != 0)
            .map(|(_, r)| link(svc.id, *r))
            .collect();
        w.set_service_staff(svc.id, &links).await.unwrap();
        let reqs: Vec<ServiceRequirement> = match i {
            1 | 3 => rooms
                .iter()
                .map(|r| ServiceRequirement {
                    service_id: svc.id,
                    group_no: 0,
                    resource_id: *r,
                })
                .collect(),
            5 => vec![ServiceRequirement {
                service_id: svc.id,
                group_no: 0,
                resource_id: device.id,
            }],
            _ => Vec::new(),
        };
        if !reqs.is_empty() {
            w.set_service_requirements(svc.id, &reqs).await.unwrap();
        }
        services.push(svc.id);
    }
    tx.commit().await.unwrap();
    (staff, services)
}

fn day(offset: i64) -> String {
    let d: jiff::civil::Date = "2026-11-24".parse().unwrap();
    d.checked_add(jiff::Span::new().days(offset))
        .unwrap()
        .to_string()
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn post(s: &Served, path: &str, body: &Value) -> (u16, Value) {
    let r = s
        .client
        .post(format!("{}{path}", s.base))
        .bearer_auth(&s.key)
        .json(body)
        .send()
        .await
        .unwrap();
    let code = r.status().as_u16();
    (code, r.json().await.unwrap_or(Value::Null))
}

/// Fires `total` GETs from `concurrency` clients; returns sorted latencies and wall time.
async fn load(
    s: &Arc<Served>,
    paths: Vec<String>,
    total: usize,
    concurrency: usize,
) -> (Vec<Duration>, Duration) {
    let next = Arc::new(AtomicU64::new(0));
    let paths = Arc::new(paths);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (s, next, paths) = (s.clone(), next.clone(), paths.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                if i >= total {
                    break;
                }
                let path = &paths[i % paths.len()];
                let t = Instant::now();
                let r = s
                    .client
                    .get(format!("{}{path}", s.base))
                    .bearer_auth(&s.key)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status().as_u16(),
                    200,
                    "{path}: {}",
                    r.text().await.unwrap_or_default()
                );
                let _ = r.bytes().await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let wall = started.elapsed();
    all.sort();
    (all, wall)
}

fn report(name: &str, lat: &[Duration], wall: Duration) {
    println!(
        "{name}: {} requests in {:.2} s = {:.0} req/s; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        pct(lat, 0.50),
        pct(lat, 0.95),
        pct(lat, 0.99)
    );
}

async fn p1() {
    for cache in [Duration::ZERO, Duration::from_millis(1500)] {
        p1_with(cache).await;
    }
}

async fn p1_with(cache: Duration) {
    let s = Arc::new(serve_with(cache).await);
    let label = if cache.is_zero() {
        "no snapshot cache"
    } else {
        "snapshot cache 1.5 s"
    };
    let (staff, services) = seed_salon(&s, 20, 4, (9 * 60, 19 * 60), true).await;
    // ~1,500 bookings over 14 days, made through the API like any other.
    let mut made = 0;
    let mut i: u64 = 0;
    let started = Instant::now();
    while made < 1_500 && i < 20_000 {
        i += 1;
        let h = i.wrapping_mul(2_654_435_761);
        let svc = services[(h % 6) as usize];
        let st = staff[((h >> 8) % 20) as usize];
        let d = day(((h >> 16) % 14) as i64);
        let minute = 9 * 60 + ((h >> 24) % 36) as i64 * 15;
        let body = json!({"location_id": s.location, "services": [{"service_id": svc, "staff_id": st}],
            "start": format!("{d}T{:02}:{:02}", minute / 60, minute % 60)});
        let (code, _) = post(&s, "/api/v1/bookings", &body).await;
        if code == 201 {
            made += 1;
        }
    }
    println!(
        "P1 seed: {made} bookings in {:.1} s ({i} attempts)",
        started.elapsed().as_secs_f64()
    );
    let mut paths = Vec::new();
    for (k, svc) in services.iter().enumerate() {
        paths.push(format!(
            "/api/v1/locations/{}/availability?services={svc}&from={}&to={}",
            s.location,
            day(k as i64 % 3),
            day(k as i64 % 3 + 13)
        ));
    }
    let _ = load(&s, paths.clone(), 50, 2).await; // warm up
    for c in [1, 4, 8] {
        let (lat, wall) = load(&s, paths.clone(), 1_200, c).await;
        report(
            &format!("P1 availability, 14 days, {label}, {c} concurrent"),
            &lat,
            wall,
        );
    }
}

async fn p2() {
    let s = Arc::new(serve_with(Duration::ZERO).await);
    let (t, l) = (s.tenant, s.location);
    let mut tx = s.t.db.store.begin().await.unwrap();
    let mut w = tx.tenant(t);
    let mut tables = Vec::new();
    for i in 0..30 {
        let mut r = resource(t, l, "table", &format!("T{:02}", i + 1), i);
        let (min, max) = match i % 5 {
            0 | 1 => (1, 2),
            2 | 3 => (2, 4),
            _ => (4, 6),
        };
        r.min_seats = Some(min);
        r.max_seats = Some(max);
        if i % 7 == 0 {
            r.tags = r#"["accessible"]"#.into();
        }
        w.insert_resource(&r).await.unwrap();
        tables.push((r.id, max));
    }
    for c in 0..15 {
        let a = tables[(c * 2) % 30];
        let b = tables[(c * 2 + 1) % 30];
        w.insert_combo(&TableCombo {
            tenant_id: t,
            id: ComboId::new(),
            location_id: l,
            name: format!("C{c}"),
            min_seats: 3,
            max_seats: a.1 + b.1,
            created_at_ms: T0,
            members: vec![a.0, b.0],
        })
        .await
        .unwrap();
    }
    w.insert_period(&ServicePeriod {
        tenant_id: t,
        id: PeriodId::new(),
        location_id: l,
        name: "Dinner".into(),
        weekdays: "1,2,3,4,5,6,7".into(),
        start_min: 18 * 60,
        last_seating_min: 22 * 60,
        slot_step_min: 15,
        turn_times: r#"[{"max_party":2,"minutes":90},{"max_party":4,"minutes":120},{"max_party":50,"minutes":150}]"#.into(),
        max_covers_per_slot: Some(40),
        pacing_interval_min: Some(30),
        pacing_max_covers: Some(60),
        online_share_pct: None,
        created_at_ms: T0,
        updated_at_ms: T0,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut made = 0;
    for i in 0..200u64 {
        if made >= 60 {
            break;
        }
        let party = 2 + (i * 7 % 5);
        let minute = 18 * 60 + (i * 37 % 17) as i64 * 15;
        let body = json!({"location_id": l, "party_size": party, "start": format!("{}T{:02}:{:02}", day(0), minute / 60, minute % 60)});
        if post(&s, "/api/v1/bookings", &body).await.0 == 201 {
            made += 1;
        }
    }
    println!("P2 seed: {made} reservations on the evening of {}", day(0));
    let paths: Vec<String> = (2..=10)
        .map(|p| {
            format!(
                "/api/v1/locations/{l}/availability?from={}&party_size={p}",
                day(0)
            )
        })
        .collect();
    let _ = load(&s, paths.clone(), 30, 2).await;
    let (lat, wall) = load(&s, paths, 900, 4).await;
    report(
        "P2 restaurant evening, parties 2-10, 4 concurrent",
        &lat,
        wall,
    );
}

async fn p3_case(name: &str, staff_n: usize, days: i64, open: (i64, i64)) {
    p3_run(name, staff_n, days, open, false).await;
}

/// The same attempts made by calling the use case directly (no HTTP, no JSON): what the
/// database and the booking path cost on their own.
async fn p3_app_case(name: &str, staff_n: usize, days: i64, open: (i64, i64)) {
    p3_run(name, staff_n, days, open, true).await;
}

async fn p3_run(name: &str, staff_n: usize, days: i64, open: (i64, i64), direct: bool) {
    let s = Arc::new(serve().await);
    let (staff, services) = seed_salon(&s, staff_n, 0, open, false).await;
    let beard = services[4]; // 20 minutes + 5 clean-up, done by most staff
    let slots_per_day = ((open.1 - open.0) / 30) as u64;
    let attempts = 10_000u64;
    let next = Arc::new(AtomicU64::new(0));
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let staff = Arc::new(staff);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (s, next, counts, staff) = (s.clone(), next.clone(), counts.clone(), staff.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= attempts {
                    break;
                }
                let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let slot = (h >> 7) % slots_per_day;
                let minute = open.0 + slot as i64 * 30;
                let d = day(((h >> 20) % days as u64) as i64);
                let st = staff[((h >> 33) % staff.len() as u64) as usize];
                let body = json!({"location_id": s.location, "services": [{"service_id": beard, "staff_id": st}],
                    "start": format!("{d}T{:02}:{:02}", minute / 60, minute % 60)});
                let code = if direct {
                    let input: frontdesk_app::bookings::BookingIn = serde_json::from_value(body).unwrap();
                    let ctx = frontdesk_app::Ctx::system(s.tenant);
                    match s.t.app.create_booking(&ctx, &input, None).await {
                        Ok(_) => 201,
                        Err(frontdesk_app::AppError::Conflict(..)) => 409,
                        Err(frontdesk_app::AppError::Invalid(_)) => 422,
                        Err(e) => {
                            eprintln!("{e:#}");
                            500
                        }
                    }
                } else {
                    post(&s, "/api/v1/bookings", &body).await.0
                };
                let k = match code {
                    201 => 0,
                    409 | 422 => 1,
                    _ => 2,
                };
                counts[k].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let wall = started.elapsed().as_secs_f64();
    let ok = counts[0].load(Ordering::Relaxed);
    let refused = counts[1].load(Ordering::Relaxed);
    let other = counts[2].load(Ordering::Relaxed);
    let overlaps = s.t.db.store.count_overlapping_allocations().await.unwrap();
    println!(
        "P3 {name}{} on {:?}: {attempts} attempts by 64 clients in {wall:.2} s = {:.0} attempts/s; {ok} booked ({:.0} bookings/s), {refused} refused (409/422), {other} other; overlapping allocations: {overlaps}",
        if direct { " (use case, no HTTP)" } else { "" },
        s.t.db.store.backend(),
        attempts as f64 / wall,
        ok as f64 / wall
    );
    assert_eq!(overlaps, 0, "double booking");
    assert_eq!(other, 0, "every refusal must be a 4xx");
}

async fn p3() {
    // Hot: one stylist, 10 half-hour slots in one day.
    p3_case("hot (1 staff, 10 slots)", 1, 1, (9 * 60, 14 * 60)).await;
    // Wide: 40 staff over 14 days, 20 slots a day each.
    p3_case("wide (40 staff, 14 days)", 40, 14, (9 * 60, 19 * 60)).await;
    p3_app_case("wide (40 staff, 14 days)", 40, 14, (9 * 60, 19 * 60)).await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    if what == "p1" || what == "all" {
        p1().await;
    }
    if what == "p2" || what == "all" {
        p2().await;
    }
    if what == "p3" || what == "all" {
        p3().await;
    }
    if what == "p3-use-case" {
        // Only the wide case through the use case (for profiling the write path).
        p3_app_case("wide (40 staff, 14 days)", 40, 14, (9 * 60, 19 * 60)).await;
    }
}
