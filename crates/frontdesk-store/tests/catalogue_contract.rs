//! The catalogue part of the store contract, on SQLite by default and on PostgreSQL when
//! FRONTDESK_TEST_BACKEND=postgres: resources, hours, exceptions, services, rules, periods,
//! combinations and customers, each scoped to its tenant (promise T1).

use frontdesk_core::*;
use frontdesk_store::*;
use frontdesk_testkit::TestDb;

const T0: i64 = 1_795_000_000_000;

async fn tenant_with_location(store: &Store, slug: &str) -> (TenantId, LocationId) {
    let t = TenantId::new();
    let l = LocationId::new();
    let mut tx = store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        w.insert_tenant(slug, "en", T0).await.unwrap();
        w.insert_location(&Location {
            tenant_id: t,
            id: l,
            name: slug.into(),
            slug: slug.into(),
            address: "Via Roma 1".into(),
            phone: None,
            time_zone: "Europe/Rome".into(),
            country: "IT".into(),
            currency: "EUR".into(),
            brand_colour: "#112233".into(),
            booking_description: None,
            tax_id: None,
            image_url: None,
            created_at_ms: T0,
            updated_at_ms: T0,
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    (t, l)
}

fn resource(t: TenantId, l: LocationId, kind: &str, name: &str) -> Resource {
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
        sort_order: 0,
        active: true,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

fn service(t: TenantId, l: LocationId, name: &str) -> Service {
    Service {
        tenant_id: t,
        id: ServiceId::new(),
        location_id: l,
        name: name.into(),
        category: Some("Hair".into()),
        description: None,
        duration_min: 65,
        segments: r#"[{"work":30},{"gap":20},{"work":15}]"#.into(),
        price_minor: 8500,
        currency: "EUR".into(),
        buffer_before_min: 0,
        buffer_after_min: 10,
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

fn customer(t: TenantId, name: &str, phone: Option<&str>, email: Option<&str>) -> Customer {
    Customer {
        tenant_id: t,
        id: CustomerId::new(),
        name: name.into(),
        phone: phone.map(Into::into),
        email: email.map(Into::into),
        email_key: email.map(|e| e.to_lowercase()),
        language: None,
        notes: None,
        tags: r#"["vip"]"#.into(),
        requirements: "[]".into(),
        marketing_consent: false,
        marketing_consent_at_ms: None,
        marketing_consent_source: None,
        first_booking_at_ms: None,
        last_booking_at_ms: None,
        booking_count: 0,
        no_show_count: 0,
        last_verified_at_ms: None,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

#[tokio::test]
async fn resources_round_trip_and_names_are_unique_per_kind() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "res-biz").await;
    let mut chair = resource(t, l, "room", "Chair 1");
    chair.tags = r#"["accessible"]"#.into();
    let ana = resource(t, l, "staff", "Ana");
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t).insert_resource(&chair).await.unwrap();
    tx.tenant(t).insert_resource(&ana).await.unwrap();
    tx.commit().await.unwrap();
    let r = db.store.tenant(t);
    assert_eq!(r.resource(chair.id).await.unwrap().unwrap(), chair);
    assert_eq!(r.resources(l, None).await.unwrap().len(), 2);
    assert_eq!(
        r.resources(l, Some("staff")).await.unwrap(),
        vec![ana.clone()]
    );
    // Same name and kind: name_taken; nothing written.
    let mut tx = db.store.begin().await.unwrap();
    let e = tx
        .tenant(t)
        .insert_resource(&resource(t, l, "room", "Chair 1"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict("name_taken")), "{e:?}");
    drop(tx);
    // Same name, other kind: fine.
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t)
        .insert_resource(&resource(t, l, "staff", "Chair 1"))
        .await
        .unwrap();
    let mut changed = chair.clone();
    changed.name = "Chair A".into();
    changed.active = false;
    assert!(tx.tenant(t).update_resource(&changed).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(r.resource(chair.id).await.unwrap().unwrap(), changed);
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.tenant(t).delete_resource(chair.id).await.unwrap());
    assert!(!tx.tenant(t).delete_resource(chair.id).await.unwrap());
    tx.commit().await.unwrap();
    assert!(r.resource(chair.id).await.unwrap().is_none());
}

#[tokio::test]
async fn another_tenants_catalogue_is_not_found() {
    let db = TestDb::new().await;
    let (a, la) = tenant_with_location(&db.store, "cat-a").await;
    let (b, lb) = tenant_with_location(&db.store, "cat-b").await;
    let res = resource(a, la, "staff", "Ana");
    let svc = service(a, la, "Cut");
    let cus = customer(a, "Maria", Some("+393331234567"), Some("maria@example.com"));
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(a);
        w.insert_resource(&res).await.unwrap();
        w.insert_service(&svc).await.unwrap();
        w.insert_customer(&cus).await.unwrap();
        w.replace_hours(
            la,
            None,
            &[WeeklyHoursRow {
                weekday: 1,
                start_min: 540,
                end_min: 1080,
            }],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let rb = db.store.tenant(b);
    assert!(rb.resource(res.id).await.unwrap().is_none());
    assert!(rb.service(svc.id).await.unwrap().is_none());
    assert!(rb.customer(cus.id).await.unwrap().is_none());
    assert!(
        rb.customer_by_phone("+393331234567")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        rb.customer_by_email("maria@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(rb.resources(la, None).await.unwrap().is_empty());
    assert!(rb.services(la).await.unwrap().is_empty());
    assert!(rb.hours_for(la).await.unwrap().is_empty());
    assert!(
        rb.customers(&CustomerFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty()
    );
    // B's writes cannot touch A's rows.
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(b);
        let mut r2 = res.clone();
        r2.name = "Hijacked".into();
        assert!(!w.update_resource(&r2).await.unwrap());
        assert!(!w.delete_service(svc.id).await.unwrap());
        // A composite foreign key refuses a reference to A's resource from B.
        let bs = service(b, lb, "B cut");
        w.insert_service(&bs).await.unwrap();
        let e = w
            .set_service_staff(
                bs.id,
                &[ServiceStaff {
                    service_id: bs.id,
                    resource_id: res.id,
                    duration_min: None,
                    price_minor: None,
                }],
            )
            .await;
        assert!(e.is_err(), "B linked A's resource");
    }
    drop(tx);
    assert_eq!(
        db.store
            .tenant(a)
            .resource(res.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Ana"
    );
    assert!(db.store.tenant(a).service(svc.id).await.unwrap().is_some());
}

#[tokio::test]
async fn hours_are_replaced_as_a_whole_per_schedule() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "hours-biz").await;
    let ana = resource(t, l, "staff", "Ana");
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        w.insert_resource(&ana).await.unwrap();
        w.replace_hours(
            l,
            None,
            &[
                WeeklyHoursRow {
                    weekday: 1,
                    start_min: 540,
                    end_min: 780,
                },
                WeeklyHoursRow {
                    weekday: 1,
                    start_min: 840,
                    end_min: 1140,
                },
            ],
        )
        .await
        .unwrap();
        w.replace_hours(
            l,
            Some(ana.id),
            &[WeeklyHoursRow {
                weekday: 2,
                start_min: 600,
                end_min: 900,
            }],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let all = db.store.tenant(t).hours_for(l).await.unwrap();
    assert_eq!(all.len(), 3);
    // Replacing the location's schedule leaves Ana's alone.
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t)
        .replace_hours(
            l,
            None,
            &[WeeklyHoursRow {
                weekday: 7,
                start_min: 600,
                end_min: 720,
            }],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let all = db.store.tenant(t).hours_for(l).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        all.iter()
            .any(|h| h.resource_id == Some(ana.id) && h.weekday == 2)
    );
    assert!(
        all.iter()
            .any(|h| h.resource_id.is_none() && h.weekday == 7)
    );
    // The database refuses end before start.
    let mut tx = db.store.begin().await.unwrap();
    assert!(
        tx.tenant(t)
            .replace_hours(
                l,
                None,
                &[WeeklyHoursRow {
                    weekday: 1,
                    start_min: 600,
                    end_min: 500
                }]
            )
            .await
            .is_err()
    );
}

#[tokio::test]
async fn exceptions_are_found_by_overlap() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "exc-biz").await;
    let h = 3_600_000;
    let e = ScheduleException {
        tenant_id: t,
        id: ExceptionId::new(),
        location_id: l,
        resource_id: None,
        kind: "closed".into(),
        starts_at_ms: T0 + 10 * h,
        ends_at_ms: T0 + 20 * h,
        reason: Some("Holiday".into()),
        created_at_ms: T0,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t).insert_exception(&e).await.unwrap();
    tx.commit().await.unwrap();
    let r = db.store.tenant(t);
    assert_eq!(
        r.exceptions_between(l, T0, T0 + 11 * h).await.unwrap(),
        vec![e.clone()]
    );
    assert_eq!(
        r.exceptions_between(l, T0 + 19 * h, T0 + 30 * h)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        r.exceptions_between(l, T0, T0 + 10 * h)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        r.exceptions_between(l, T0 + 20 * h, T0 + 30 * h)
            .await
            .unwrap()
            .is_empty()
    );
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.tenant(t).delete_exception(e.id).await.unwrap());
    tx.commit().await.unwrap();
    assert!(r.exception(e.id).await.unwrap().is_none());
}

#[tokio::test]
async fn services_keep_staff_requirements_and_prerequisites() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "svc-biz").await;
    let ana = resource(t, l, "staff", "Ana");
    let room1 = resource(t, l, "room", "Room 1");
    let room2 = resource(t, l, "room", "Room 2");
    let consult = service(t, l, "Consultation");
    let mut laser = service(t, l, "Laser");
    laser.prerequisite_service_id = Some(consult.id);
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        for r in [&ana, &room1, &room2] {
            w.insert_resource(r).await.unwrap();
        }
        w.insert_service(&consult).await.unwrap();
        w.insert_service(&laser).await.unwrap();
        w.set_service_staff(
            laser.id,
            &[ServiceStaff {
                service_id: laser.id,
                resource_id: ana.id,
                duration_min: Some(50),
                price_minor: None,
            }],
        )
        .await
        .unwrap();
        w.set_service_requirements(
            laser.id,
            &[
                ServiceRequirement {
                    service_id: laser.id,
                    group_no: 1,
                    resource_id: room1.id,
                },
                ServiceRequirement {
                    service_id: laser.id,
                    group_no: 1,
                    resource_id: room2.id,
                },
            ],
        )
        .await
        .unwrap();
        let e = w.insert_service(&service(t, l, "Laser")).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict("name_taken")), "{e:?}");
    }
    drop(tx);
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        for r in [&ana, &room1, &room2] {
            w.insert_resource(r).await.unwrap();
        }
        w.insert_service(&consult).await.unwrap();
        w.insert_service(&laser).await.unwrap();
        w.set_service_staff(
            laser.id,
            &[ServiceStaff {
                service_id: laser.id,
                resource_id: ana.id,
                duration_min: Some(50),
                price_minor: None,
            }],
        )
        .await
        .unwrap();
        w.set_service_requirements(
            laser.id,
            &[
                ServiceRequirement {
                    service_id: laser.id,
                    group_no: 1,
                    resource_id: room1.id,
                },
                ServiceRequirement {
                    service_id: laser.id,
                    group_no: 1,
                    resource_id: room2.id,
                },
            ],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let r = db.store.tenant(t);
    assert_eq!(r.service(laser.id).await.unwrap().unwrap(), laser);
    assert_eq!(
        r.service_staff(laser.id).await.unwrap()[0].duration_min,
        Some(50)
    );
    assert_eq!(r.service_requirements(laser.id).await.unwrap().len(), 2);
    // Deleting a room removes it from the requirement; deleting the prerequisite clears it.
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.tenant(t).delete_resource(room2.id).await.unwrap());
    assert!(tx.tenant(t).delete_service(consult.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(r.service_requirements(laser.id).await.unwrap().len(), 1);
    assert_eq!(
        r.service(laser.id)
            .await
            .unwrap()
            .unwrap()
            .prerequisite_service_id,
        None
    );
}

#[tokio::test]
async fn booking_rules_default_until_set() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "rules-biz").await;
    let r = db.store.tenant(t);
    assert_eq!(r.rules(l).await.unwrap(), BookingRules::defaults(t, l));
    let mut rules = BookingRules::defaults(t, l);
    rules.slot_step_min = 30;
    rules.require_confirmation = true;
    rules.updated_at_ms = T0;
    for _ in 0..2 {
        let mut tx = db.store.begin().await.unwrap();
        tx.tenant(t).upsert_rules(&rules).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(r.rules(l).await.unwrap(), rules);
}

#[tokio::test]
async fn periods_and_combos_round_trip() {
    let db = TestDb::new().await;
    let (t, l) = tenant_with_location(&db.store, "rest-biz").await;
    let area = Area {
        tenant_id: t,
        id: AreaId::new(),
        location_id: l,
        name: "Terrace".into(),
        sort_order: 1,
        created_at_ms: T0,
    };
    let mut t1 = resource(t, l, "table", "T1");
    t1.area_id = Some(area.id);
    t1.min_seats = Some(1);
    t1.max_seats = Some(2);
    let mut t2 = resource(t, l, "table", "T2");
    t2.area_id = Some(area.id);
    let combo = TableCombo {
        tenant_id: t,
        id: ComboId::new(),
        location_id: l,
        name: "T1+T2".into(),
        min_seats: 3,
        max_seats: 4,
        created_at_ms: T0,
        members: vec![t1.id, t2.id],
    };
    let period = ServicePeriod {
        tenant_id: t,
        id: PeriodId::new(),
        location_id: l,
        name: "Dinner".into(),
        weekdays: "1,2,3,4,5,6".into(),
        start_min: 1080,
        last_seating_min: 1290,
        slot_step_min: 15,
        turn_times: r#"[{"max_party":2,"minutes":90}]"#.into(),
        max_covers_per_slot: Some(20),
        pacing_interval_min: None,
        pacing_max_covers: None,
        online_share_pct: Some(80),
        created_at_ms: T0,
        updated_at_ms: T0,
    };
    let mut tx = db.store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        w.insert_area(&area).await.unwrap();
        w.insert_resource(&t1).await.unwrap();
        w.insert_resource(&t2).await.unwrap();
        w.insert_combo(&combo).await.unwrap();
        w.insert_period(&period).await.unwrap();
    }
    tx.commit().await.unwrap();
    let r = db.store.tenant(t);
    let mut members = combo.members.clone();
    members.sort();
    let got = r.combo(combo.id).await.unwrap().unwrap();
    assert_eq!(got.members, members);
    assert_eq!(r.combos(l).await.unwrap().len(), 1);
    assert_eq!(r.periods(l).await.unwrap(), vec![period.clone()]);
    assert_eq!(r.areas(l).await.unwrap(), vec![area.clone()]);
    // Deleting an area keeps its tables; deleting a table drops it from the combination.
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.tenant(t).delete_area(area.id).await.unwrap());
    assert!(tx.tenant(t).delete_resource(t2.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(r.resource(t1.id).await.unwrap().unwrap().area_id, None);
    assert_eq!(
        r.combo(combo.id).await.unwrap().unwrap().members,
        vec![t1.id]
    );
}

#[tokio::test]
async fn customers_dedupe_by_phone_or_email_within_a_tenant() {
    let db = TestDb::new().await;
    let (t, _) = tenant_with_location(&db.store, "cus-biz").await;
    let (u, _) = tenant_with_location(&db.store, "cus-other").await;
    let maria = customer(
        t,
        "Maria Rossi",
        Some("+393331234567"),
        Some("Maria@Example.com"),
    );
    let mut tx = db.store.begin().await.unwrap();
    let (c, created) = tx.tenant(t).find_or_create_customer(&maria).await.unwrap();
    assert!(created);
    assert_eq!(c.id, maria.id);
    // Same phone, other e-mail: the same customer.
    let again = customer(t, "M. Rossi", Some("+393331234567"), None);
    let (c, created) = tx.tenant(t).find_or_create_customer(&again).await.unwrap();
    assert!(!created);
    assert_eq!(c.id, maria.id);
    // Same e-mail, different case: the same customer.
    let by_mail = customer(t, "Maria", None, Some("maria@example.com"));
    let (c, created) = tx
        .tenant(t)
        .find_or_create_customer(&by_mail)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(c.id, maria.id);
    // A plain insert of a duplicate is a conflict.
    let e = tx.tenant(t).insert_customer(&again).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict("customer_exists")),
        "{e:?}"
    );
    tx.rollback().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t).insert_customer(&maria).await.unwrap();
    let e = tx
        .tenant(t)
        .insert_customer(&customer(t, "X", None, Some("MARIA@example.com")))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict("customer_exists")),
        "{e:?}"
    );
    tx.rollback().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t).insert_customer(&maria).await.unwrap();
    tx.tenant(t)
        .insert_customer(&customer(t, "Luca Bianchi", Some("+393339999999"), None))
        .await
        .unwrap();
    // Another tenant may have a customer with the same phone.
    let (_, created) = tx
        .tenant(u)
        .find_or_create_customer(&customer(u, "Maria", Some("+393331234567"), None))
        .await
        .unwrap();
    assert!(created);
    assert!(
        tx.tenant(t)
            .note_customer_booking(maria.id, T0 + 5, T0)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let r = db.store.tenant(t);
    let f = |s: &str| CustomerFilter {
        search: Some(s.into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(r.customers(&f("rossi")).await.unwrap().len(), 1);
    assert_eq!(r.customers(&f("3339999")).await.unwrap().len(), 1);
    assert_eq!(r.customers(&f("EXAMPLE.COM")).await.unwrap().len(), 1);
    assert_eq!(r.customers(&f("%")).await.unwrap().len(), 0);
    let tagged = CustomerFilter {
        tag: Some("vip".into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(r.customers(&tagged).await.unwrap().len(), 2);
    let page1 = r
        .customers(&CustomerFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let page2 = r
        .customers(&CustomerFilter {
            limit: 1,
            after: Some(page1[0].id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page2.len(), 1);
    assert_ne!(page1[0].id, page2[0].id);
    let m = r.customer(maria.id).await.unwrap().unwrap();
    assert_eq!(
        (m.booking_count, m.first_booking_at_ms, m.last_booking_at_ms),
        (1, Some(T0 + 5), Some(T0 + 5))
    );
    assert_eq!(
        r.customer_by_email("MARIA@EXAMPLE.COM")
            .await
            .unwrap()
            .unwrap()
            .id,
        maria.id
    );
}

// The dashboard's Floor link: the first location (id order) with an active table, per tenant.
#[tokio::test]
async fn first_table_location_is_per_tenant_and_ignores_inactive_tables() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (t, l) = tenant_with_location(s, "floor-a").await;
    let (u, m) = tenant_with_location(s, "floor-b").await;
    assert_eq!(s.tenant(t).first_table_location().await.unwrap(), None);
    let mut tx = s.begin().await.unwrap();
    let mut off = resource(t, l, "table", "T1");
    off.active = false;
    tx.tenant(t).insert_resource(&off).await.unwrap();
    tx.tenant(t)
        .insert_resource(&resource(t, l, "room", "Room"))
        .await
        .unwrap();
    tx.tenant(u)
        .insert_resource(&resource(u, m, "table", "B1"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.tenant(t).first_table_location().await.unwrap(), None);
    assert_eq!(s.tenant(u).first_table_location().await.unwrap(), Some(m));
    let mut tx = s.begin().await.unwrap();
    tx.tenant(t)
        .insert_resource(&resource(t, l, "table", "T2"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.tenant(t).first_table_location().await.unwrap(), Some(l));
}
