//! Bookings on both databases (CI runs this file on SQLite and on PostgreSQL): no double booking
//! under concurrency (promise B2), group-session seats, holds, idempotency keys (B6), tenant scope.

use std::sync::Arc;

use frontdesk_core::*;
use frontdesk_store::*;
use frontdesk_testkit::TestDb;

const T0: i64 = 1_795_000_000_000;
const MIN: i64 = 60_000;

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
            address: String::new(),
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

async fn resource(store: &Store, t: TenantId, l: LocationId, name: &str) -> ResourceId {
    let id = ResourceId::new();
    let mut tx = store.begin().await.unwrap();
    tx.tenant(t)
        .insert_resource(&Resource {
            tenant_id: t,
            id,
            location_id: l,
            kind: "staff".into(),
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
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn booking(t: TenantId, l: LocationId, start: i64, end: i64, status: &str) -> Booking {
    Booking {
        tenant_id: t,
        id: BookingId::new(),
        location_id: l,
        customer_id: None,
        kind: "appointment".into(),
        status: status.into(),
        source: "staff".into(),
        starts_at_ms: start,
        ends_at_ms: end,
        time_zone: "Europe/Rome".into(),
        party_size: 1,
        notes: String::new(),
        requirements: "[]".into(),
        explanation: None,
        hold_expires_at_ms: None,
        series_id: None,
        idempotency_key: None,
        request_hash: None,
        manage_token_hash: None,
        created_by: None,
        cancel_reason: None,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

fn new_booking(b: Booking, r: ResourceId, session: Option<(&str, i64)>) -> NewBooking {
    let key = session
        .map(|s| s.0.to_string())
        .unwrap_or_else(|| b.id.to_string());
    NewBooking {
        allocations: vec![Allocation {
            booking_id: b.id,
            resource_id: r,
            unit: 0,
            starts_at_ms: b.starts_at_ms - 5 * MIN,
            ends_at_ms: b.ends_at_ms + 5 * MIN,
            session_key: key.clone(),
            seats: b.party_size,
        }],
        items: vec![BookingItem {
            booking_id: b.id,
            position: 0,
            service_id: None,
            staff_id: Some(r),
            starts_at_ms: b.starts_at_ms,
            ends_at_ms: b.ends_at_ms,
            price_minor: Some(3000),
            currency: Some("EUR".into()),
        }],
        sessions: session
            .map(|(k, cap)| vec![(r, k.to_string(), cap)])
            .unwrap_or_default(),
        booking: b,
        actor: "test".into(),
    }
}

async fn try_insert(store: &Store, t: TenantId, nb: &NewBooking, now: i64) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    tx.tenant(t).insert_booking(nb, now).await?;
    tx.commit().await
}

/// B2: 64 concurrent clients fight over 10 slots of one staff member (30-minute services with
/// 5-minute buffers on both sides, starting every 20 minutes, so neighbours overlap too). The
/// database lets through only non-overlapping bookings, every refusal is a clean conflict, and a
/// self-join afterwards finds no overlap.
#[tokio::test]
async fn b2_concurrent_bookings_never_overlap() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store.clone());
    let (t, l) = tenant_with_location(&store, "hot-salon").await;
    let staff = resource(&store, t, l, "Giulia").await;
    let base = T0 + 86_400_000;
    let mut tasks = Vec::new();
    for client in 0..64i64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            let mut conflicts = 0;
            for attempt in 0..5i64 {
                let slot = (client * 7 + attempt * 3) % 10;
                let start = base + slot * 20 * MIN;
                let nb = new_booking(
                    booking(t, l, start, start + 30 * MIN, "confirmed"),
                    staff,
                    None,
                );
                match try_insert(&store, t, &nb, T0).await {
                    Ok(()) => ok += 1,
                    Err(StoreError::Conflict("slot_taken")) => conflicts += 1,
                    Err(e) => {
                        panic!("a booking attempt failed with something other than a conflict: {e}")
                    }
                }
            }
            (ok, conflicts)
        }));
    }
    let mut ok = 0;
    let mut conflicts = 0;
    for t in tasks {
        let (a, b) = t.await.unwrap();
        ok += a;
        conflicts += b;
    }
    assert_eq!(ok + conflicts, 320);
    assert!(ok >= 1, "some booking must succeed");
    // With 40-minute blocks every 20 minutes at most every other slot fits.
    assert!(ok <= 5, "{ok} bookings succeeded on 10 overlapping slots");
    assert_eq!(store.count_overlapping_allocations().await.unwrap(), 0);
    let rows = store
        .tenant(t)
        .busy_between(l, base - 86_400_000, base + 86_400_000, T0)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, ok);
}

/// B2 with group sessions: a class with 3 seats accepts exactly 3 single seats from 12 concurrent
/// clients; the others get `session_full`, and a private booking cannot overlap the class.
#[tokio::test]
async fn group_session_seats_are_never_oversold() {
    let db = TestDb::new().await;
    let store = Arc::new(db.store.clone());
    let (t, l) = tenant_with_location(&store, "yoga").await;
    let teacher = resource(&store, t, l, "Teacher").await;
    let start = T0 + 86_400_000;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let nb = new_booking(
                booking(t, l, start, start + 60 * MIN, "confirmed"),
                teacher,
                Some(("svc_yoga@1", 3)),
            );
            try_insert(&store, t, &nb, T0).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict("session_full")) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(ok, 3);
    let private = new_booking(
        booking(t, l, start + 30 * MIN, start + 90 * MIN, "confirmed"),
        teacher,
        None,
    );
    assert!(matches!(
        try_insert(&store, t, &private, T0).await,
        Err(StoreError::Conflict("slot_taken"))
    ));
    assert_eq!(store.count_overlapping_allocations().await.unwrap(), 0);
}

/// Holds keep the slot until they expire; then the slot is free again, and cancelling frees it at
/// once. History records each change.
#[tokio::test]
async fn holds_expire_and_cancellations_free_the_slot() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let (t, l) = tenant_with_location(&store, "holds").await;
    let r = resource(&store, t, l, "Ana").await;
    let start = T0 + 86_400_000;
    let mut held = booking(t, l, start, start + 30 * MIN, "held");
    held.hold_expires_at_ms = Some(T0 + 10 * MIN);
    let held_id = held.id;
    try_insert(&store, t, &new_booking(held, r, None), T0)
        .await
        .unwrap();
    // While the hold lives, the slot is taken.
    let other = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    assert!(matches!(
        try_insert(&store, t, &other, T0 + MIN).await,
        Err(StoreError::Conflict("slot_taken"))
    ));
    assert_eq!(
        store
            .tenant(t)
            .busy_between(l, start - MIN * 60, start + MIN * 60, T0 + MIN)
            .await
            .unwrap()
            .len(),
        1
    );
    // After expiry it is not busy any more, and booking it releases the stale hold.
    assert!(
        store
            .tenant(t)
            .busy_between(l, start - MIN * 60, start + MIN * 60, T0 + 11 * MIN)
            .await
            .unwrap()
            .is_empty()
    );
    let other = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    let other_id = other.booking.id;
    try_insert(&store, t, &other, T0 + 11 * MIN).await.unwrap();
    assert_eq!(
        store
            .tenant(t)
            .booking(held_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "expired"
    );
    // Cancelling frees at once.
    let mut tx = store.begin().await.unwrap();
    let prev = tx
        .tenant(t)
        .set_booking_status(
            other_id,
            &["confirmed"],
            "cancelled",
            "test",
            "customer asked",
            Some("customer asked"),
            T0 + 12 * MIN,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(prev.as_deref(), Some("confirmed"));
    assert!(
        store
            .tenant(t)
            .booking_allocations(other_id)
            .await
            .unwrap()
            .is_empty()
    );
    let third = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    try_insert(&store, t, &third, T0 + 13 * MIN).await.unwrap();
    let history = store.tenant(t).booking_events(other_id).await.unwrap();
    let steps: Vec<_> = history.iter().map(|e| e.to_status.as_str()).collect();
    assert_eq!(steps, ["confirmed", "cancelled"]);
    // A transition from the wrong status changes nothing.
    let mut tx = store.begin().await.unwrap();
    let none = tx
        .tenant(t)
        .set_booking_status(
            other_id,
            &["confirmed"],
            "completed",
            "test",
            "",
            None,
            T0 + 14 * MIN,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(none.is_none());
}

/// B6: an idempotency key is unique within a business (a second use is a conflict and writes
/// nothing), but two businesses may use the same key.
#[tokio::test]
async fn idempotency_keys_are_unique_per_business() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let (t, l) = tenant_with_location(&store, "idem-a").await;
    let (t2, l2) = tenant_with_location(&store, "idem-b").await;
    let r = resource(&store, t, l, "Ana").await;
    let r2 = resource(&store, t2, l2, "Bea").await;
    let start = T0 + 86_400_000;
    let mut a = booking(t, l, start, start + 30 * MIN, "confirmed");
    a.idempotency_key = Some("order-1".into());
    try_insert(&store, t, &new_booking(a, r, None), T0)
        .await
        .unwrap();
    let mut again = booking(t, l, start + 120 * MIN, start + 150 * MIN, "confirmed");
    again.idempotency_key = Some("order-1".into());
    let again_id = again.id;
    assert!(matches!(
        try_insert(&store, t, &new_booking(again, r, None), T0).await,
        Err(StoreError::Conflict("idempotency_key"))
    ));
    assert!(store.tenant(t).booking(again_id).await.unwrap().is_none());
    let mut b = booking(t2, l2, start, start + 30 * MIN, "confirmed");
    b.idempotency_key = Some("order-1".into());
    try_insert(&store, t2, &new_booking(b, r2, None), T0)
        .await
        .unwrap();
    let found = store
        .tenant(t)
        .booking_by_idempotency_key("order-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.tenant_id, t);
}

/// T1: another business's booking is invisible through every read of the tenant scope, and its
/// resources do not collide with ours even at the same instant.
#[tokio::test]
async fn bookings_stay_inside_their_business() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let (a, la) = tenant_with_location(&store, "iso-a").await;
    let (b, lb) = tenant_with_location(&store, "iso-b").await;
    let ra = resource(&store, a, la, "Ana").await;
    let rb = resource(&store, b, lb, "Ana").await;
    let start = T0 + 86_400_000;
    let ba = booking(a, la, start, start + 30 * MIN, "confirmed");
    let ba_id = ba.id;
    try_insert(&store, a, &new_booking(ba, ra, None), T0)
        .await
        .unwrap();
    try_insert(
        &store,
        b,
        &new_booking(
            booking(b, lb, start, start + 30 * MIN, "confirmed"),
            rb,
            None,
        ),
        T0,
    )
    .await
    .unwrap();
    let sb = store.tenant(b);
    assert!(sb.booking(ba_id).await.unwrap().is_none());
    assert!(sb.booking_items(ba_id).await.unwrap().is_empty());
    assert!(sb.booking_allocations(ba_id).await.unwrap().is_empty());
    assert!(sb.booking_events(ba_id).await.unwrap().is_empty());
    assert!(
        sb.busy_between(la, start - MIN * 60, start + MIN * 60, T0)
            .await
            .unwrap()
            .is_empty()
    );
    let all_b = sb.bookings(&BookingFilter::default()).await.unwrap();
    assert_eq!(all_b.len(), 1);
    assert!(all_b.iter().all(|x| x.tenant_id == b));
    let mut tx = store.begin().await.unwrap();
    assert!(
        tx.tenant(b)
            .set_booking_status(ba_id, &["confirmed"], "cancelled", "x", "", None, T0)
            .await
            .unwrap()
            .is_none()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        store
            .tenant(a)
            .booking(ba_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "confirmed"
    );
}

/// B2: a refused booking leaves nothing behind in the transaction it was tried in, so the caller
/// may go on and commit other work (SQLite carries on after a refused statement; the store must
/// remove what its batch wrote before the refusal). Multi-unit bookings are refused as a whole.
#[tokio::test]
async fn a_refused_booking_writes_nothing_even_when_the_transaction_commits() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let (t, l) = tenant_with_location(&store, "refused").await;
    let r = resource(&store, t, l, "Ana").await;
    let r2 = resource(&store, t, l, "Bea").await;
    let start = T0 + 86_400_000;
    let first = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    try_insert(&store, t, &first, T0).await.unwrap();
    // Two allocations: Bea is free, Ana is not. Nothing of it may stay.
    let mut second = new_booking(
        booking(t, l, start, start + 30 * MIN, "confirmed"),
        r2,
        None,
    );
    let mut clash = second.allocations[0].clone();
    clash.resource_id = r;
    second.allocations.push(clash);
    let second_id = second.booking.id;
    if store.backend() == Backend::Sqlite {
        let mut tx = store.begin().await.unwrap();
        let res = tx.tenant(t).insert_booking(&second, T0).await;
        assert!(
            matches!(res, Err(StoreError::Conflict("slot_taken"))),
            "{res:?}"
        );
        tx.commit().await.unwrap();
    } else {
        assert!(matches!(
            try_insert(&store, t, &second, T0).await,
            Err(StoreError::Conflict("slot_taken"))
        ));
    }
    assert!(store.tenant(t).booking(second_id).await.unwrap().is_none());
    assert!(
        store
            .tenant(t)
            .booking_allocations(second_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .tenant(t)
            .booking_events(second_id)
            .await
            .unwrap()
            .is_empty()
    );
    // Bea is still free for the same time.
    let third = new_booking(
        booking(t, l, start, start + 30 * MIN, "confirmed"),
        r2,
        None,
    );
    try_insert(&store, t, &third, T0).await.unwrap();
    assert_eq!(store.count_overlapping_allocations().await.unwrap(), 0);
}

/// B2: overlap checks look back a bounded time, so the database refuses allocations longer than
/// that bound (three days) instead of letting a long one slip past the check.
#[tokio::test]
async fn allocations_longer_than_three_days_are_refused() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let (t, l) = tenant_with_location(&store, "long").await;
    let r = resource(&store, t, l, "Room").await;
    let start = T0 + 86_400_000;
    let mut nb = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    nb.allocations[0].ends_at_ms = nb.allocations[0].starts_at_ms + MAX_ALLOCATION_MS + MIN;
    assert!(try_insert(&store, t, &nb, T0).await.is_err());
    assert!(
        store
            .tenant(t)
            .booking(nb.booking.id)
            .await
            .unwrap()
            .is_none()
    );
    // Exactly three days is allowed, and a booking starting just under three days later on the
    // same resource is still seen as overlapping.
    let mut ok = new_booking(booking(t, l, start, start + 30 * MIN, "confirmed"), r, None);
    ok.allocations[0].ends_at_ms = ok.allocations[0].starts_at_ms + MAX_ALLOCATION_MS;
    try_insert(&store, t, &ok, T0).await.unwrap();
    let late = ok.allocations[0].ends_at_ms - 10 * MIN;
    let mut clash = new_booking(booking(t, l, late, late + 30 * MIN, "confirmed"), r, None);
    clash.allocations[0].starts_at_ms = late;
    assert!(matches!(
        try_insert(&store, t, &clash, T0).await,
        Err(StoreError::Conflict("slot_taken"))
    ));
}
