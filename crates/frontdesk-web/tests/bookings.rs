//! Availability and bookings through the real router (promises B1, B2, B4–B7, C3): live slots,
//! collisions refused as 409 problem+json, idempotency keys, holds, processing gaps, group seats,
//! recurrence, restaurant tables with explanations, the waitlist, bad input, tenant isolation.

use axum::http::StatusCode;
use frontdesk_testkit::seed::{self, Restaurant, Salon};
use frontdesk_testkit::{Session, TestApp};
use serde_json::{Value, json};

const MIN_MS: i64 = 60_000;

async fn location_of(app: &TestApp, s: &Session) -> frontdesk_core::LocationId {
    app.get("/api/v1/locations")
        .cookie(&s.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn salon_app() -> (TestApp, Session, Salon) {
    let app = TestApp::new().await;
    let o = app.signup("Salon Uno", "owner@uno.example").await;
    let l = location_of(&app, &o).await;
    let s = seed::salon(&app.db.store, o.tenant, l).await;
    (app, o, s)
}

async fn slots(app: &TestApp, o: &Session, loc: impl std::fmt::Display, query: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/locations/{loc}/availability?{query}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json.as_array().unwrap().clone()
}

fn locals(slots: &[Value]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s["local_time"].as_str().unwrap()[11..].to_string())
        .collect()
}

async fn book(app: &TestApp, o: &Session, body: Value) -> frontdesk_testkit::TestResponse {
    app.post("/api/v1/bookings")
        .cookie(&o.cookie)
        .json(&body)
        .send()
        .await
}

/// C3: slots follow the location's local hours (09:00–19:00 in Rome, UTC+1 in November), every
/// 15 minutes, leaving room for the 10-minute clean-up before closing.
#[tokio::test]
async fn c3_availability_follows_local_hours_and_buffers() {
    let (app, o, s) = salon_app().await;
    let got = slots(
        &app,
        &o,
        s.location,
        &format!("services={}&from=2026-11-24", s.cut),
    )
    .await;
    let times = locals(&got);
    assert_eq!(times.first().unwrap(), "09:00");
    // 45 min + 10 min clean-up must end by 19:00: the last start is 18:05 → 18:00 on the grid.
    assert_eq!(times.last().unwrap(), "18:00");
    assert_eq!(got[0]["start"], "2026-11-24T08:00:00Z");
    assert_eq!(got[0]["utc_offset"], "+01:00");
    assert_eq!(got[0]["items"][0]["staff_name"], "Ana");
    // Sunday is closed.
    assert!(
        slots(
            &app,
            &o,
            s.location,
            &format!("services={}&from=2026-11-29", s.cut)
        )
        .await
        .is_empty()
    );
}

/// B2 + B1: a booked start is refused for the same staff member with a 409 problem+json, the
/// "anyone" search moves to the next free stylist, and the slot disappears from availability.
#[tokio::test]
async fn b2_booked_slots_are_refused_and_anyone_moves_on() {
    let (app, o, s) = salon_app().await;
    let body = json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}],
        "start": "2026-11-24T10:00", "customer": {"name": "Carla Rossi", "phone": "+39 347 123 4567"}});
    let r = book(&app, &o, body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["status"], "confirmed");
    assert_eq!(r.json["start"], "2026-11-24T09:00:00Z");
    assert_eq!(r.json["local_time"], "2026-11-24T10:00");
    assert!(r.json["manage_token"].as_str().unwrap().starts_with("mb_"));
    assert!(!r.text.contains("manage_token_hash"));
    assert_eq!(r.json["items"][0]["price_minor"], 3500);
    // Same staff, same time: refused, nothing written.
    let again = book(&app, &o, body).await;
    again.assert_problem(StatusCode::CONFLICT, "slot_taken");
    // Anyone: Bea gets it.
    let any = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.cut}],
        "start": "2026-11-24T10:00", "customer": {"name": "Dora", "email": "dora@example.com"}}),
    )
    .await;
    assert_eq!(any.status, StatusCode::CREATED, "{}", any.text);
    assert_eq!(any.json["items"][0]["staff_id"], s.bea.to_string());
    // Both stylists are busy 10:00–10:55: neither 10:00 nor 10:30 is offered any more.
    let times = locals(
        &slots(
            &app,
            &o,
            s.location,
            &format!("services={}&from=2026-11-24", s.cut),
        )
        .await,
    );
    assert!(
        !times.contains(&"10:00".to_string()) && !times.contains(&"10:30".to_string()),
        "{times:?}"
    );
    assert!(times.contains(&"11:00".to_string()));
    // The customer was created once, E.164, and counts the booking (B7).
    let cust = app
        .db
        .store
        .tenant(o.tenant)
        .customer_by_phone("+393471234567")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cust.booking_count, 1);
}

/// B6: the same Idempotency-Key and body returns the original booking (200, replayed); the same
/// key with another body is a 409; neither writes a second booking.
#[tokio::test]
async fn b6_idempotency_keys_make_retries_safe() {
    let (app, o, s) = salon_app().await;
    let body = json!({"location_id": s.location, "services": [{"service_id": s.fringe}], "start": "2026-11-24T12:00"});
    let first = app
        .post("/api/v1/bookings")
        .cookie(&o.cookie)
        .header("Idempotency-Key", "req-42")
        .json(&body)
        .send()
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let retry = app
        .post("/api/v1/bookings")
        .cookie(&o.cookie)
        .header("Idempotency-Key", "req-42")
        .json(&body)
        .send()
        .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json["id"], first.json["id"]);
    assert_eq!(retry.json["replayed"], true);
    assert!(
        retry.json.get("manage_token").is_none(),
        "the token is shown once"
    );
    let other = app
        .post("/api/v1/bookings")
        .cookie(&o.cookie)
        .header("Idempotency-Key", "req-42")
        .json(&json!({"location_id": s.location, "services": [{"service_id": s.fringe}], "start": "2026-11-24T13:00"}))
        .send()
        .await;
    other.assert_problem(StatusCode::CONFLICT, "idempotency_key_reused");
    let all = app.get("/api/v1/bookings").cookie(&o.cookie).send().await;
    assert_eq!(all.json.as_array().unwrap().len(), 1);
}

/// A processing gap frees the stylist but keeps the colour room: Ana can do a fringe trim while
/// the colour develops, but a second colour cannot start until the room is free.
#[tokio::test]
async fn processing_gaps_free_the_staff_but_not_the_room() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T10:00"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let allocs = r.json["allocations"].as_array().unwrap();
    assert_eq!(
        allocs.len(),
        3,
        "Ana twice (around the gap) and the room once: {allocs:?}"
    );
    let fringe = locals(
        &slots(
            &app,
            &o,
            s.location,
            &format!("services={}&staff={}&from=2026-11-24", s.fringe, s.ana),
        )
        .await,
    );
    assert!(fringe.contains(&"10:30".to_string()), "{fringe:?}");
    assert!(!fringe.contains(&"10:15".to_string()) && !fringe.contains(&"11:00".to_string()));
    let colour = locals(
        &slots(
            &app,
            &o,
            s.location,
            &format!("services={}&from=2026-11-24", s.colour),
        )
        .await,
    );
    assert!(
        !colour.contains(&"10:30".to_string()) && colour.contains(&"11:15".to_string()),
        "{colour:?}"
    );
    let trim = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.fringe, "staff_id": s.ana}], "start": "2026-11-24T10:30"})).await;
    assert_eq!(trim.status, StatusCode::CREATED, "{}", trim.text);
}

/// A visit of two services back to back, with the same stylist.
#[tokio::test]
async fn multi_service_visits_run_back_to_back() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut}, {"service_id": s.fringe}],
        "same_staff": true, "start": "2026-11-24T15:00"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["ends_at_ms"], items[1]["starts_at_ms"]);
    assert_eq!(items[0]["staff_id"], items[1]["staff_id"]);
    assert_eq!(r.json["end"], "2026-11-24T15:05:00Z");
}

/// Group sessions sell seats up to capacity, then refuse with `session_full`.
#[tokio::test]
async fn group_classes_sell_seats_up_to_capacity() {
    let (app, o, s) = salon_app().await;
    let body = |n: u32| json!({"location_id": s.location, "services": [{"service_id": s.class}], "start": "2026-11-25T18:00", "party_size": n});
    let a = book(&app, &o, body(2)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let full = book(&app, &o, body(2)).await;
    assert_eq!(full.status, StatusCode::CONFLICT, "{}", full.text);
    let b = book(&app, &o, body(1)).await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
    let c = book(&app, &o, body(1)).await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    assert!(["session_full", "slot_taken"].contains(&c.json["code"].as_str().unwrap()));
}

/// Holds keep a slot for the location's hold time; an expired hold cannot be confirmed and its
/// slot is free again.
#[tokio::test]
async fn holds_lapse_and_release_their_slot() {
    let (app, o, s) = salon_app().await;
    let body = json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T14:00", "hold": true});
    let h = book(&app, &o, body.clone()).await;
    assert_eq!(h.status, StatusCode::CREATED, "{}", h.text);
    assert_eq!(h.json["status"], "held");
    assert!(h.json["hold_expires_at"].is_string());
    book(&app, &o, body.clone())
        .await
        .assert_problem(StatusCode::CONFLICT, "slot_taken");
    app.clock.advance_ms(11 * MIN_MS);
    let id = h.json["id"].as_str().unwrap();
    let c = app
        .post(&format!("/api/v1/bookings/{id}/confirm"))
        .cookie(&o.cookie)
        .send()
        .await;
    c.assert_problem(StatusCode::CONFLICT, "hold_expired");
    let again = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T14:00"})).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    let held = app
        .get(&format!("/api/v1/bookings/{id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(held.json["status"], "expired");
}

/// B1: the life of a booking — move, check in, complete; cancel frees the slot; wrong
/// transitions are 409s; every step is in the history.
#[tokio::test]
async fn b1_reschedule_cancel_and_status_history() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}], "start": "2026-11-24T09:00"})).await;
    let id = r.json["id"].as_str().unwrap().to_string();
    let blocker = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}], "start": "2026-11-24T12:00"})).await;
    assert_eq!(blocker.status, StatusCode::CREATED);
    let onto_taken = app
        .post(&format!("/api/v1/bookings/{id}/reschedule"))
        .cookie(&o.cookie)
        .json(&json!({"start": "2026-11-24T12:30"}))
        .send()
        .await;
    onto_taken.assert_problem(StatusCode::CONFLICT, "slot_taken");
    // Moving by 15 minutes overlaps its own old time: allowed.
    let moved = app
        .post(&format!("/api/v1/bookings/{id}/reschedule"))
        .cookie(&o.cookie)
        .json(&json!({"start": "2026-11-24T09:15"}))
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.json["local_time"], "2026-11-24T09:15");
    let early = app
        .post(&format!("/api/v1/bookings/{id}/no-show"))
        .cookie(&o.cookie)
        .send()
        .await;
    early.assert_problem(StatusCode::CONFLICT, "too_early");
    let cancelled = app
        .post(&format!("/api/v1/bookings/{id}/cancel"))
        .cookie(&o.cookie)
        .json(&json!({"reason": "customer is ill"}))
        .send()
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(cancelled.json["status"], "cancelled");
    assert_eq!(cancelled.json["cancel_reason"], "customer is ill");
    assert!(cancelled.json["allocations"].as_array().unwrap().is_empty());
    let twice = app
        .post(&format!("/api/v1/bookings/{id}/cancel"))
        .cookie(&o.cookie)
        .send()
        .await;
    twice.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    let steps: Vec<&str> = cancelled.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["confirmed", "confirmed", "cancelled"]);
    // The freed slot can be booked again.
    let rebook = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}], "start": "2026-11-24T09:15"})).await;
    assert_eq!(rebook.status, StatusCode::CREATED, "{}", rebook.text);
    let bid = rebook.json["id"].as_str().unwrap();
    app.clock.advance_ms((23 * 60 + 30) * MIN_MS); // 09:30 in Rome the next day; the session (24 h) still lives
    for (action, status) in [("check-in", "checked_in"), ("complete", "completed")] {
        let r = app
            .post(&format!("/api/v1/bookings/{bid}/{action}"))
            .cookie(&o.cookie)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.text);
        assert_eq!(r.json["status"], status);
    }
    // Filters.
    let done = app
        .get("/api/v1/bookings?status=completed")
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(done.json.as_array().unwrap().len(), 1);
    let by_staff = app
        .get(&format!(
            "/api/v1/bookings?resource_id={}&from=2026-11-24&to=2026-11-25",
            s.ana
        ))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(by_staff.json.as_array().unwrap().len(), 3);
}

/// A weekly series books every occurrence or none: one taken week makes the whole series a 409
/// naming that date, and nothing is written.
#[tokio::test]
async fn recurring_series_are_all_or_nothing() {
    let (app, o, s) = salon_app().await;
    let blocker = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-12-08T10:00"})).await;
    assert_eq!(blocker.status, StatusCode::CREATED);
    let series = json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T10:00", "recurrence": "FREQ=WEEKLY;COUNT=4"});
    let r = book(&app, &o, series).await;
    r.assert_problem(StatusCode::CONFLICT, "slot_taken");
    assert!(r.text.contains("2026-12-08"), "{}", r.text);
    assert_eq!(
        app.get("/api/v1/bookings")
            .cookie(&o.cookie)
            .send()
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let ok = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T15:00", "recurrence": "FREQ=WEEKLY;COUNT=4"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json["series_bookings"].as_array().unwrap().len(), 3);
    assert!(ok.json["series_id"].is_string());
}

/// Restaurants: times at which the party fits with the tables it would get and why (B4), the
/// reservation holds those tables, requirements are respected, combinations only when needed.
#[tokio::test]
async fn b4_restaurant_tables_are_assigned_with_an_explanation() {
    let app = TestApp::new().await;
    let o = app.signup("Trattoria", "owner@trattoria.example").await;
    let l = location_of(&app, &o).await;
    let r: Restaurant = seed::restaurant(&app.db.store, o.tenant, l).await;
    let got = slots(&app, &o, l, "from=2026-11-24&party_size=2").await;
    assert_eq!(got.first().unwrap()["local_time"], "2026-11-24T18:00");
    assert_eq!(got.last().unwrap()["local_time"], "2026-11-24T21:30");
    assert_eq!(got[0]["tables"]["names"], json!(["T1"]));
    assert!(
        got[0]["tables"]["explanation"]
            .as_str()
            .unwrap()
            .contains("T1")
    );
    let acc = slots(
        &app,
        &o,
        l,
        "from=2026-11-24&party_size=2&requirements=accessible",
    )
    .await;
    assert_eq!(acc[0]["tables"]["names"], json!(["T3"]));
    let eight = slots(&app, &o, l, "from=2026-11-24&party_size=8").await;
    assert_eq!(eight[0]["tables"]["names"], json!(["T3", "T4"]));
    let res = book(&app, &o, json!({"location_id": l, "start": "2026-11-24T19:00", "party_size": 2, "customer": {"name": "Lia", "phone": "+39 333 000 1111"}})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.json["kind"], "reservation");
    assert_eq!(
        res.json["allocations"][0]["resource_id"],
        r.tables[0].to_string()
    );
    assert!(res.json["explanation"].as_str().unwrap().contains("T1"));
    // The next couple at 19:00 gets T2 (T1 is taken).
    let next = slots(&app, &o, l, "from=2026-11-24&party_size=2").await;
    let at19 = next
        .iter()
        .find(|s| s["local_time"] == "2026-11-24T19:00")
        .unwrap();
    assert_eq!(at19["tables"]["names"], json!(["T2"]));
}

/// Bad input: each a clear 4xx problem+json, nothing written.
#[tokio::test]
async fn bad_booking_input_is_refused_and_writes_nothing() {
    let (app, o, s) = salon_app().await;
    let base = json!({"location_id": s.location, "services": [{"service_id": s.cut}], "start": "2026-11-24T10:00"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases = [
        ("past", with("start", json!("2026-11-20T10:00"))),
        ("dst gap", with("start", json!("2027-03-28T02:30"))),
        ("nonsense start", with("start", json!("tomorrow-ish"))),
        ("party 0", with("party_size", json!(0))),
        ("party 10000", with("party_size", json!(10000))),
        ("negative party", with("party_size", json!(-1))),
        (
            "unknown field",
            with("tenant_id", json!(o.tenant.to_string())),
        ),
        ("status field", with("status", json!("completed"))),
        ("outside hours", with("start", json!("2026-11-24T20:00"))),
        ("sunday", with("start", json!("2026-11-29T10:00"))),
        ("bad recurrence", with("recurrence", json!("FREQ=SECONDLY"))),
        (
            "unbounded recurrence",
            with("recurrence", json!("FREQ=DAILY")),
        ),
        ("bad source", with("source", json!("telepathy"))),
    ];
    for (what, body) in cases {
        let r = book(&app, &o, body).await;
        assert!(
            r.status.is_client_error(),
            "{what}: {} {}",
            r.status,
            r.text
        );
        assert_eq!(
            r.headers["content-type"], "application/problem+json",
            "{what}"
        );
    }
    let range = app
        .get(&format!(
            "/api/v1/locations/{}/availability?services={}&from=2026-11-24&to=2027-02-01",
            s.location, s.cut
        ))
        .cookie(&o.cookie)
        .send()
        .await;
    range.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let back = app
        .get(&format!(
            "/api/v1/locations/{}/availability?services={}&from=2026-11-24&to=2026-11-20",
            s.location, s.cut
        ))
        .cookie(&o.cookie)
        .send()
        .await;
    back.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let tz_fold = book(&app, &o, with("start", json!("2027-10-31T02:30"))).await;
    assert_eq!(tz_fold.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(tz_fold.text.contains("offset"), "{}", tz_fold.text);
    assert!(
        app.get("/api/v1/bookings")
            .cookie(&o.cookie)
            .send()
            .await
            .json
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// T1: another business cannot read, book into, or change anything of ours; our ids in its body
/// are unknown to it.
#[tokio::test]
async fn t1_another_business_gets_nothing() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut}], "start": "2026-11-24T10:00"})).await;
    let id = r.json["id"].as_str().unwrap();
    let b = app.signup("Other Salon", "owner@other.example").await;
    let bl = location_of(&app, &b).await;
    let _ = seed::salon(&app.db.store, b.tenant, bl).await;
    assert_eq!(
        app.get(&format!("/api/v1/bookings/{id}"))
            .cookie(&b.cookie)
            .send()
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(&format!("/api/v1/bookings/{id}/cancel"))
            .cookie(&b.cookie)
            .send()
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!(
            "/api/v1/locations/{}/availability?services={}&from=2026-11-24",
            s.location, s.cut
        ))
        .cookie(&b.cookie)
        .send()
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let into_a = book(&app, &b, json!({"location_id": s.location, "services": [{"service_id": s.cut}], "start": "2026-11-24T11:00"})).await;
    assert_eq!(into_a.status, StatusCode::NOT_FOUND);
    // A's service id at B's location: unknown there.
    let mixed = book(&app, &b, json!({"location_id": bl, "services": [{"service_id": s.cut}], "start": "2026-11-24T11:00"})).await;
    assert_eq!(
        mixed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        mixed.text
    );
    assert!(
        app.get("/api/v1/bookings")
            .cookie(&b.cookie)
            .send()
            .await
            .json
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mine = app
        .get(&format!("/api/v1/bookings/{id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(mine.json["status"], "confirmed");
}

/// The waitlist: a customer waits for a window; when a matching booking is cancelled the entry
/// is offered the freed slot.
#[tokio::test]
async fn cancelled_slots_are_offered_to_the_waitlist() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.colour}], "start": "2026-11-24T10:00"})).await;
    let id = r.json["id"].as_str().unwrap();
    let w = app.post("/api/v1/waitlist").cookie(&o.cookie).json(&json!({"location_id": s.location, "service_id": s.colour,
        "customer": {"name": "Eva", "phone": "+39 320 555 0000"}, "window_start": "2026-11-24T09:00", "window_end": "2026-11-24T13:00"})).send().await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    assert_eq!(w.json["status"], "waiting");
    app.post(&format!("/api/v1/bookings/{id}/cancel"))
        .cookie(&o.cookie)
        .send()
        .await;
    let list = app
        .get("/api/v1/waitlist?status=offered")
        .cookie(&o.cookie)
        .send()
        .await;
    let entries = list.json.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", list.text);
    assert_eq!(
        entries[0]["offered_start_ms"],
        r.json["items"][0]["starts_at_ms"]
    );
}

/// Walk-ins start now and are checked in at once.
#[tokio::test]
async fn walk_ins_start_now_checked_in() {
    let (app, o, s) = salon_app().await;
    app.clock.advance_ms(60 * MIN_MS); // 11:00 in Rome
    let r = app.post("/api/v1/walk-ins").cookie(&o.cookie).json(&json!({"location_id": s.location, "services": [{"service_id": s.fringe}], "start": "now"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["status"], "checked_in");
    assert_eq!(r.json["source"], "walk_in");
    assert_eq!(r.json["start"], "2026-11-23T10:00:00Z");
}

/// C2: a service with a prerequisite (a consultation first) cannot be booked online by a customer
/// who never had it; once they have, or when the visit includes it, it can; staff may book it.
#[tokio::test]
async fn prerequisites_bind_online_bookings() {
    let (app, o, s) = salon_app().await;
    let mut colour = app
        .db
        .store
        .tenant(o.tenant)
        .service(s.colour)
        .await
        .unwrap()
        .unwrap();
    colour.prerequisite_service_id = Some(s.fringe);
    let mut tx = app.db.store.begin().await.unwrap();
    tx.tenant(o.tenant).update_service(&colour).await.unwrap();
    tx.commit().await.unwrap();
    let who = json!({"name": "Nina", "email": "nina@example.com"});
    let online = |start: &str| {
        json!({"location_id": s.location, "services": [{"service_id": s.colour}],
        "start": start, "source": "web", "customer": who.clone()})
    };
    let refused = book(&app, &o, online("2026-11-25T10:00")).await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(
        refused.text.contains("needs a Fringe trim first"),
        "{}",
        refused.text
    );
    // Both in one visit, in order: fine.
    let both = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.fringe}, {"service_id": s.colour}],
        "same_staff": true, "start": "2026-11-25T12:00", "source": "web", "customer": who.clone()})).await;
    assert_eq!(both.status, StatusCode::CREATED, "{}", both.text);
    // Now the customer has had it: a later colour on its own is fine.
    let later = book(&app, &o, online("2026-11-26T10:00")).await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text);
    // Staff may book it for someone new.
    let staff = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.colour}],
        "start": "2026-11-27T10:00", "customer": {"name": "Olga", "email": "olga@example.com"}}),
    )
    .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{}", staff.text);
}

/// Moving a booking: its own time counts as free for itself (so it can shift by 15 minutes), and
/// stays taken for everyone else.
#[tokio::test]
async fn a_booking_can_move_into_its_own_time() {
    let (app, o, s) = salon_app().await;
    let r = book(&app, &o, json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}], "start": "2026-11-24T10:00"})).await;
    let id: frontdesk_core::BookingId = r.json["id"].as_str().unwrap().parse().unwrap();
    let ctx = frontdesk_app::Ctx::system(o.tenant);
    let q = frontdesk_app::bookings::AvailabilityIn {
        location_id: s.location,
        services: vec![frontdesk_app::bookings::VisitItemIn {
            service_id: s.cut,
            staff_id: Some(s.ana),
        }],
        same_staff: false,
        from: "2026-11-24".into(),
        to: None,
        party_size: 1,
        requirements: vec![],
        area_id: None,
    };
    let others: Vec<String> = app
        .app
        .availability(&ctx, &q)
        .await
        .unwrap()
        .iter()
        .map(|s| s.local_time.clone())
        .collect();
    let mine: Vec<String> = app
        .app
        .availability_for_move(&ctx, &q, id)
        .await
        .unwrap()
        .iter()
        .map(|s| s.local_time.clone())
        .collect();
    assert!(!others.contains(&"2026-11-24T10:15".to_string()));
    assert!(
        mine.contains(&"2026-11-24T10:00".to_string())
            && mine.contains(&"2026-11-24T10:15".to_string()),
        "{mine:?}"
    );
}
