//! Catalogue fixtures written straight through the store: a salon (staff, a colour room, services
//! with buffers, a processing gap and a group class) and a restaurant (areas, tables,
//! combinations, a dinner period). Used by the booking tests, the isolation walk and benchmarks.

use frontdesk_core::*;
use frontdesk_store::*;

/// Ids of the salon fixture.
#[derive(Debug, Clone)]
pub struct Salon {
    /// Location.
    pub location: LocationId,
    /// Staff: Ana, Bea.
    pub ana: ResourceId,
    /// Second stylist.
    pub bea: ResourceId,
    /// The colour room (one unit).
    pub room: ResourceId,
    /// Cut: 45 min, 10 min clean-up after, Ana or Bea, 35.00.
    pub cut: ServiceId,
    /// Colour: work 30, processing 30, work 15 (75 min), needs the colour room, Ana only.
    pub colour: ServiceId,
    /// Fringe trim: 20 min, Ana or Bea.
    pub fringe: ServiceId,
    /// Yoga class: 60 min, 3 seats, Bea.
    pub class: ServiceId,
}

/// Ids of the restaurant fixture.
#[derive(Debug, Clone)]
pub struct Restaurant {
    /// Location.
    pub location: LocationId,
    /// Tables in creation order: T1 (2), T2 (2), T3 (4, accessible), T4 (4), T5 (6, terrace).
    pub tables: Vec<ResourceId>,
    /// T1+T2 (4 seats) and T3+T4 (8 seats).
    pub combos: Vec<ComboId>,
}

fn now() -> i64 {
    1_795_000_000_000
}

#[allow(clippy::too_many_arguments)]
fn resource(
    t: TenantId,
    l: LocationId,
    kind: &str,
    name: &str,
    sort: i64,
    seats: Option<(i64, i64)>,
    tags: &str,
    area: Option<AreaId>,
) -> Resource {
    Resource {
        tenant_id: t,
        id: ResourceId::new(),
        location_id: l,
        kind: kind.into(),
        name: name.into(),
        description: None,
        user_id: None,
        quantity: 1,
        area_id: area,
        min_seats: seats.map(|s| s.0),
        max_seats: seats.map(|s| s.1),
        shape: None,
        pos_x: None,
        pos_y: None,
        tags: tags.into(),
        inventory: "online".into(),
        own_hours: false,
        colour: None,
        sort_order: sort,
        active: true,
        created_at_ms: now(),
        updated_at_ms: now(),
    }
}

#[allow(clippy::too_many_arguments)]
fn service(
    t: TenantId,
    l: LocationId,
    name: &str,
    duration: i64,
    segments: &str,
    price: i64,
    after: i64,
    capacity: i64,
) -> Service {
    Service {
        tenant_id: t,
        id: ServiceId::new(),
        location_id: l,
        name: name.into(),
        category: Some("Hair".into()),
        description: None,
        duration_min: duration,
        segments: segments.into(),
        price_minor: price,
        currency: "EUR".into(),
        buffer_before_min: 0,
        buffer_after_min: after,
        capacity,
        online_bookable: true,
        prerequisite_service_id: None,
        promo_price_minor: None,
        promo_starts_at_ms: None,
        promo_ends_at_ms: None,
        colour: None,
        sort_order: 0,
        active: true,
        created_at_ms: now(),
        updated_at_ms: now(),
    }
}

fn staff_link(s: ServiceId, r: ResourceId) -> ServiceStaff {
    ServiceStaff {
        service_id: s,
        resource_id: r,
        duration_min: None,
        price_minor: None,
    }
}

/// Opening hours Monday–Saturday 09:00–19:00 for a location.
pub async fn open_mon_sat(w: &mut TenantWrite<'_>, l: LocationId) {
    let rows: Vec<WeeklyHoursRow> = (1..=6)
        .map(|d| WeeklyHoursRow {
            weekday: d,
            start_min: 9 * 60,
            end_min: 19 * 60,
        })
        .collect();
    w.replace_hours(l, None, &rows).await.unwrap();
}

/// Seeds the salon in an existing location.
pub async fn salon(store: &Store, t: TenantId, l: LocationId) -> Salon {
    let mut tx = store.begin().await.unwrap();
    let mut w = tx.tenant(t);
    open_mon_sat(&mut w, l).await;
    let ana = resource(t, l, "staff", "Ana", 1, None, "[]", None);
    let bea = resource(t, l, "staff", "Bea", 2, None, "[]", None);
    let room = resource(t, l, "room", "Colour room", 1, None, "[]", None);
    for r in [&ana, &bea, &room] {
        w.insert_resource(r).await.unwrap();
    }
    let cut = service(t, l, "Cut", 45, r#"[{"work":45}]"#, 3500, 10, 1);
    let colour = service(
        t,
        l,
        "Colour",
        75,
        r#"[{"work":30},{"gap":30},{"work":15}]"#,
        6000,
        0,
        1,
    );
    let fringe = service(t, l, "Fringe trim", 20, r#"[{"work":20}]"#, 1000, 0, 1);
    let class = service(t, l, "Yoga class", 60, r#"[{"work":60}]"#, 1500, 0, 3);
    for s in [&cut, &colour, &fringe, &class] {
        w.insert_service(s).await.unwrap();
    }
    w.set_service_staff(
        cut.id,
        &[staff_link(cut.id, ana.id), staff_link(cut.id, bea.id)],
    )
    .await
    .unwrap();
    w.set_service_staff(colour.id, &[staff_link(colour.id, ana.id)])
        .await
        .unwrap();
    w.set_service_staff(
        fringe.id,
        &[staff_link(fringe.id, ana.id), staff_link(fringe.id, bea.id)],
    )
    .await
    .unwrap();
    w.set_service_staff(class.id, &[staff_link(class.id, bea.id)])
        .await
        .unwrap();
    w.set_service_requirements(
        colour.id,
        &[ServiceRequirement {
            service_id: colour.id,
            group_no: 0,
            resource_id: room.id,
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Salon {
        location: l,
        ana: ana.id,
        bea: bea.id,
        room: room.id,
        cut: cut.id,
        colour: colour.id,
        fringe: fringe.id,
        class: class.id,
    }
}

/// Seeds the restaurant in an existing location: dinner Mon–Sat 18:00–21:30 (last seating),
/// 30-minute steps, 90 minutes for up to 2, 120 for up to 4, 150 beyond.
pub async fn restaurant(store: &Store, t: TenantId, l: LocationId) -> Restaurant {
    let mut tx = store.begin().await.unwrap();
    let mut w = tx.tenant(t);
    let indoor = Area {
        tenant_id: t,
        id: AreaId::new(),
        location_id: l,
        name: "Indoor".into(),
        sort_order: 1,
        created_at_ms: now(),
    };
    let terrace = Area {
        id: AreaId::new(),
        name: "Terrace".into(),
        sort_order: 2,
        ..indoor.clone()
    };
    w.insert_area(&indoor).await.unwrap();
    w.insert_area(&terrace).await.unwrap();
    let specs = [
        ("T1", (1, 2), "[]", indoor.id),
        ("T2", (1, 2), "[]", indoor.id),
        ("T3", (2, 4), r#"["accessible"]"#, indoor.id),
        ("T4", (2, 4), "[]", indoor.id),
        ("T5", (4, 6), r#"["pets"]"#, terrace.id),
    ];
    let mut tables = Vec::new();
    for (i, (name, seats, tags, area)) in specs.iter().enumerate() {
        let r = resource(
            t,
            l,
            "table",
            name,
            i as i64,
            Some(*seats),
            tags,
            Some(*area),
        );
        w.insert_resource(&r).await.unwrap();
        tables.push(r.id);
    }
    let mut combos = Vec::new();
    for (name, members, (min, max)) in [
        ("T1+T2", vec![tables[0], tables[1]], (3, 4)),
        ("T3+T4", vec![tables[2], tables[3]], (5, 8)),
    ] {
        let c = TableCombo {
            tenant_id: t,
            id: ComboId::new(),
            location_id: l,
            name: name.into(),
            min_seats: min,
            max_seats: max,
            created_at_ms: now(),
            members,
        };
        w.insert_combo(&c).await.unwrap();
        combos.push(c.id);
    }
    w.insert_period(&ServicePeriod {
        tenant_id: t,
        id: PeriodId::new(),
        location_id: l,
        name: "Dinner".into(),
        weekdays: "1,2,3,4,5,6".into(),
        start_min: 18 * 60,
        last_seating_min: 21 * 60 + 30,
        slot_step_min: 30,
        turn_times: r#"[{"max_party":2,"minutes":90},{"max_party":4,"minutes":120},{"max_party":50,"minutes":150}]"#.into(),
        max_covers_per_slot: Some(20),
        pacing_interval_min: None,
        pacing_max_covers: None,
        online_share_pct: None,
        created_at_ms: now(),
        updated_at_ms: now(),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Restaurant {
        location: l,
        tables,
        combos,
    }
}
