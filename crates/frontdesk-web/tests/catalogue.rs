//! The catalogue API: each kind created and read back, bad input refused with problem+json and
//! nothing written, another business's ids refused as not found, roles, customer dedupe and
//! phone normalisation (promises C2, C3, B3, B7, T1).

use axum::http::{Method, StatusCode};
use frontdesk_testkit::{Session, TestApp, TestResponse};
use serde_json::{Value, json};

async fn first_location(app: &TestApp, s: &Session) -> String {
    app.get("/api/v1/locations")
        .cookie(&s.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn send(app: &TestApp, s: &Session, method: Method, path: &str, body: Value) -> TestResponse {
    app.req(method, path)
        .cookie(&s.cookie)
        .json(&body)
        .send()
        .await
}

async fn created(app: &TestApp, s: &Session, path: &str, body: Value) -> Value {
    let r = send(app, s, Method::POST, path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
    r.json
}

async fn count(app: &TestApp, s: &Session, table: &str) -> i64 {
    app.db
        .store
        .count_tenant_rows(table, s.tenant)
        .await
        .unwrap()
}

#[tokio::test]
async fn owner_builds_a_salon_catalogue() {
    let app = TestApp::new().await;
    let o = app.signup("Salon Uno", "owner@uno.example").await;
    let loc = first_location(&app, &o).await;
    let ana = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "staff", "name": " Ana ", "user_id": o.user.to_string(), "own_hours": true}),
    )
    .await;
    assert_eq!(ana["name"], "Ana");
    assert_eq!(ana["user_id"], o.user.to_string());
    let ana_id = ana["id"].as_str().unwrap().to_string();
    let chair = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "room", "name": "Chair 1", "tags": ["accessible"]}),
    )
    .await;
    let laser = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "equipment", "name": "Dryer", "quantity": 3}),
    )
    .await;
    assert_eq!(laser["quantity"], 3);
    let list = app
        .get(&format!("/api/v1/locations/{loc}/resources?kind=staff"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(list.json.as_array().unwrap().len(), 1);
    let list = app
        .get(&format!("/api/v1/locations/{loc}/resources"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(list.json.as_array().unwrap().len(), 3);
    // Same kind and name: 409 name_taken.
    send(
        &app,
        &o,
        Method::POST,
        &format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "staff", "name": "Ana"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "name_taken");

    // Opening hours with a lunch break, and Ana's own hours.
    let r = send(&app, &o, Method::PUT, &format!("/api/v1/locations/{loc}/hours"), json!({"intervals": [
        {"weekday": 1, "start_min": 540, "end_min": 780}, {"weekday": 1, "start_min": 840, "end_min": 1140},
        {"weekday": 6, "start_min": 540, "end_min": 1020}]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["intervals"].as_array().unwrap().len(), 3);
    let r = send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/resources/{ana_id}/hours"),
        json!({"intervals": [{"weekday": 2, "start_min": 600, "end_min": 1080}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .get(&format!("/api/v1/resources/{ana_id}/hours"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json["intervals"][0]["weekday"], 2);
    let r = app
        .get(&format!("/api/v1/locations/{loc}/hours"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json["intervals"].as_array().unwrap().len(), 3);

    // A colour service with a processing gap, staff overrides and a room requirement.
    let consult = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/services"),
        json!({"name": "Consultation", "duration_min": 15, "price_minor": 0}),
    )
    .await;
    let colour = created(&app, &o, &format!("/api/v1/locations/{loc}/services"), json!({
        "name": "Colour", "category": "Colour", "duration_min": 65, "segments": [{"work": 30}, {"gap": 20}, {"work": 15}],
        "price_minor": 8500, "buffer_after_min": 10, "prerequisite_service_id": consult["id"]})).await;
    assert_eq!(
        colour["currency"], "EUR",
        "defaults to the location's currency"
    );
    assert_eq!(
        colour["segments"],
        json!([{"work": 30}, {"gap": 20}, {"work": 15}])
    );
    assert_eq!(consult["segments"], json!([{"work": 15}]));
    let cid = colour["id"].as_str().unwrap();
    let r = send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/services/{cid}/staff"),
        json!({"staff": [{"resource_id": ana_id, "duration_min": 75, "price_minor": 9000}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/services/{cid}/requirements"),
        json!({"groups": [[chair["id"]]]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = app
        .get(&format!("/api/v1/services/{cid}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(got.json["staff"][0]["duration_min"], 75);
    assert_eq!(got.json["requirements"], json!([[chair["id"]]]));
    // PATCH changes only what it names; a new duration without segments is one work segment.
    let r = send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/services/{cid}"),
        json!({"duration_min": 90}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["segments"], json!([{"work": 90}]));
    assert_eq!(r.json["price_minor"], 8500);
    // Staff must be staff; rooms must be rooms.
    send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/services/{cid}/staff"),
        json!({"staff": [{"resource_id": chair["id"]}]}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Booking rules: defaults, then set.
    let r = app
        .get(&format!("/api/v1/locations/{loc}/booking-rules"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json["slot_step_min"], 15);
    assert_eq!(r.json["updated_at"], Value::Null);
    let r = send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/locations/{loc}/booking-rules"),
        json!({"slot_step_min": 30, "require_confirmation": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["slot_step_min"], 30);
    assert_eq!(r.json["window_days"], 60);

    // Time off for Ana, listed by range and deleted.
    let e = created(&app, &o, &format!("/api/v1/locations/{loc}/exceptions"), json!({
        "resource_id": ana_id, "starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z", "reason": "Dentist"})).await;
    assert_eq!(e["kind"], "closed");
    let r = app
        .get(&format!(
            "/api/v1/locations/{loc}/exceptions?from=2030-03-01T00:00:00Z&to=2030-03-05T00:00:00Z"
        ))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1, "{}", r.text);
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/exceptions/{}", e["id"].as_str().unwrap()),
        )
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // Every change is audited.
    let audit = app
        .get("/api/v1/audit?action=service.")
        .cookie(&o.cookie)
        .send()
        .await;
    assert!(audit.json.as_array().unwrap().len() >= 4, "{}", audit.text);
    // Deleting a resource removes it; a second delete is 404.
    let rid = laser["id"].as_str().unwrap();
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/resources/{rid}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.req(Method::DELETE, &format!("/api/v1/resources/{rid}"))
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn owner_builds_a_restaurant_floor() {
    let app = TestApp::new().await;
    let o = app.signup("Trattoria Due", "owner@due.example").await;
    let loc = first_location(&app, &o).await;
    let terrace = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/areas"),
        json!({"name": "Terrace", "sort_order": 2}),
    )
    .await;
    let mut tables = Vec::new();
    for (i, shape) in ["round", "square"].iter().enumerate() {
        let t = created(&app, &o, &format!("/api/v1/locations/{loc}/resources"), json!({
            "kind": "table", "name": format!("T{i}"), "area_id": terrace["id"], "min_seats": 2, "max_seats": 4,
            "shape": shape, "pos_x": 100 * i, "pos_y": 500, "tags": ["window", "pets"], "inventory": "walk_in"})).await;
        assert_eq!(t["tags"], json!(["pets", "window"]));
        tables.push(t["id"].as_str().unwrap().to_string());
    }
    let combo = created(
        &app,
        &o,
        &format!("/api/v1/locations/{loc}/combos"),
        json!({"name": "T0+T1", "min_seats": 5, "max_seats": 8, "table_ids": tables}),
    )
    .await;
    assert_eq!(combo["table_ids"].as_array().unwrap().len(), 2);
    let r = send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/combos/{}", combo["id"].as_str().unwrap()),
        json!({"max_seats": 7}),
    )
    .await;
    assert_eq!(r.json["max_seats"], 7, "{}", r.text);
    let dinner = created(&app, &o, &format!("/api/v1/locations/{loc}/periods"), json!({
        "name": "Dinner", "weekdays": [2, 3, 4, 5, 6], "start_min": 1080, "last_seating_min": 1290, "slot_step_min": 15,
        "turn_times": [{"max_party": 2, "minutes": 90}, {"max_party": 4, "minutes": 120}, {"max_party": 50, "minutes": 150}],
        "max_covers_per_slot": 20, "pacing_interval_min": 30, "pacing_max_covers": 40, "online_share_pct": 70})).await;
    assert_eq!(dinner["weekdays"], json!([2, 3, 4, 5, 6]));
    let pid = dinner["id"].as_str().unwrap();
    let r = send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/periods/{pid}"),
        json!({"weekdays": [1, 2]}),
    )
    .await;
    assert_eq!(r.json["weekdays"], json!([1, 2]), "{}", r.text);
    assert_eq!(r.json["turn_times"][2]["minutes"], 150);
    let r = app
        .get(&format!("/api/v1/locations/{loc}/combos"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    // Deleting the area keeps its tables.
    let aid = terrace["id"].as_str().unwrap();
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/areas/{aid}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let t = app
        .get(&format!("/api/v1/resources/{}", tables[0]))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(t.json["area_id"], Value::Null);
    // Table-only fields on a room are refused.
    send(
        &app,
        &o,
        Method::POST,
        &format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "room", "name": "R", "max_seats": 4}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_written() {
    let app = TestApp::new().await;
    let o = app.signup("Salon Tre", "owner@tre.example").await;
    let loc = first_location(&app, &o).await;
    let svc = format!("/api/v1/locations/{loc}/services");
    let ok = json!({"name": "Cut", "duration_min": 30, "price_minor": 2500});
    let bad: Vec<(Value, &str)> = vec![
        (
            json!({"name": "Cut", "duration_min": 0, "price_minor": 100}),
            "duration_min",
        ),
        (
            json!({"name": "Cut", "duration_min": -30, "price_minor": 100}),
            "duration_min",
        ),
        (
            json!({"name": "Cut", "duration_min": 721, "price_minor": 100}),
            "duration_min",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": -1}),
            "price_minor",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 1_000_000_001i64}),
            "price_minor",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "currency": "EURO"}),
            "currency",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "currency": "XYZ"}),
            "currency",
        ),
        (
            json!({"name": "", "duration_min": 30, "price_minor": 100}),
            "name",
        ),
        (
            json!({"name": "x".repeat(121), "duration_min": 30, "price_minor": 100}),
            "name",
        ),
        (
            json!({"name": "Cut\u{200B}", "duration_min": 30, "price_minor": 100}),
            "name",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "buffer_after_min": 241}),
            "buffer_after_min",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "capacity": 0}),
            "capacity",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "segments": [{"work": 10}, {"gap": 10}]}),
            "segments",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "segments": [{"work": 10}, {"work": 10}]}),
            "segments",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "segments": [{"work": 30}, {"gap": 0}]}),
            "segments",
        ),
        (
            json!({"name": "Cut", "duration_min": 30, "price_minor": 100, "tenant_id": "ten_x"}),
            "body",
        ),
        (
            json!({"name": "Cut", "duration_min": "30", "price_minor": 100}),
            "body",
        ),
    ];
    for (b, field) in bad {
        let r = send(&app, &o, Method::POST, &svc, b.clone()).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(
            r.json["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{b}: expected an error on {field}: {}",
            r.text
        );
    }
    assert_eq!(count(&app, &o, "services").await, 0);
    created(&app, &o, &svc, ok).await;

    let hours = format!("/api/v1/locations/{loc}/hours");
    for b in [
        json!({"intervals": [{"weekday": 0, "start_min": 540, "end_min": 600}]}),
        json!({"intervals": [{"weekday": 8, "start_min": 540, "end_min": 600}]}),
        json!({"intervals": [{"weekday": 1, "start_min": 600, "end_min": 540}]}),
        json!({"intervals": [{"weekday": 1, "start_min": -1, "end_min": 540}]}),
        json!({"intervals": [{"weekday": 1, "start_min": 0, "end_min": 1441}]}),
        json!({"intervals": [{"weekday": 1, "start_min": 540, "end_min": 700}, {"weekday": 1, "start_min": 600, "end_min": 800}]}),
        json!({"intervals": [{"weekday": 1, "start_min": 540, "end_min": 700, "break": true}]}),
    ] {
        send(&app, &o, Method::PUT, &hours, b)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(count(&app, &o, "hours").await, 0);

    let exc = format!("/api/v1/locations/{loc}/exceptions");
    for b in [
        json!({"starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}),
        json!({"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}),
        json!({"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2031-06-01T00:00:00Z"}),
        json!({"starts_at": "tomorrow", "ends_at": "2030-01-01T00:00:00Z"}),
        json!({"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z", "kind": "maybe"}),
    ] {
        send(&app, &o, Method::POST, &exc, b)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(count(&app, &o, "schedule_exceptions").await, 0);
    app.get(&format!(
        "{exc}?from=2030-01-01T00:00:00Z&to=2032-01-01T00:00:00Z"
    ))
    .cookie(&o.cookie)
    .send()
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let res = format!("/api/v1/locations/{loc}/resources");
    for b in [
        json!({"kind": "chair", "name": "X"}),
        json!({"kind": "table", "name": "T", "min_seats": 0, "max_seats": 2}),
        json!({"kind": "table", "name": "T", "min_seats": 4, "max_seats": 2}),
        json!({"kind": "table", "name": "T", "min_seats": 2, "max_seats": 51}),
        json!({"kind": "table", "name": "T", "tags": ["dragons"]}),
        json!({"kind": "table", "name": "T", "shape": "hexagon"}),
        json!({"kind": "table", "name": "T", "pos_x": 1001}),
        json!({"kind": "equipment", "name": "E", "quantity": 0}),
        json!({"kind": "equipment", "name": "E", "quantity": 101}),
        json!({"kind": "room", "name": "R", "quantity": 2}),
    ] {
        send(&app, &o, Method::POST, &res, b)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(count(&app, &o, "resources").await, 0);

    let per = format!("/api/v1/locations/{loc}/periods");
    for b in [
        json!({"name": "D", "weekdays": [], "start_min": 1080, "last_seating_min": 1290, "turn_times": [{"max_party": 2, "minutes": 90}]}),
        json!({"name": "D", "weekdays": [9], "start_min": 1080, "last_seating_min": 1290, "turn_times": [{"max_party": 2, "minutes": 90}]}),
        json!({"name": "D", "weekdays": [1], "start_min": 1080, "last_seating_min": 1000, "turn_times": [{"max_party": 2, "minutes": 90}]}),
        json!({"name": "D", "weekdays": [1], "start_min": 1080, "last_seating_min": 1290, "turn_times": []}),
        json!({"name": "D", "weekdays": [1], "start_min": 1080, "last_seating_min": 1290, "turn_times": [{"max_party": 4, "minutes": 90}, {"max_party": 2, "minutes": 60}]}),
    ] {
        send(&app, &o, Method::POST, &per, b)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    send(
        &app,
        &o,
        Method::PUT,
        &format!("/api/v1/locations/{loc}/booking-rules"),
        json!({"slot_step_min": 0}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Malformed JSON and the wrong content type.
    let r = app
        .post(&svc)
        .cookie(&o.cookie)
        .raw("application/json", "{\"name\": ")
        .send()
        .await;
    r.assert_problem(StatusCode::BAD_REQUEST, "malformed_json");
    let r = app
        .post(&svc)
        .cookie(&o.cookie)
        .raw("text/plain", "name=Cut")
        .send()
        .await;
    r.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    // PATCH with an unknown field.
    let list = app.get(&svc).cookie(&o.cookie).send().await;
    let sid = list.json[0]["id"].as_str().unwrap();
    send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/services/{sid}"),
        json!({"nonsense": 1}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // SQL and HTML are stored literally.
    let r = created(
        &app,
        &o,
        &res,
        json!({"kind": "room", "name": "<b>Room</b>'; DROP TABLE resources;--"}),
    )
    .await;
    assert_eq!(r["name"], "<b>Room</b>'; DROP TABLE resources;--");
}

#[tokio::test]
async fn another_business_ids_in_a_body_are_not_found_and_nothing_is_written() {
    let app = TestApp::new().await;
    let a = app.signup("Alpha Spa", "owner@alphaspa.example").await;
    let b = app.signup("Beta Spa", "owner@betaspa.example").await;
    let la = first_location(&app, &a).await;
    let lb = first_location(&app, &b).await;
    let a_staff = created(
        &app,
        &a,
        &format!("/api/v1/locations/{la}/resources"),
        json!({"kind": "staff", "name": "A staff"}),
    )
    .await;
    let a_room = created(
        &app,
        &a,
        &format!("/api/v1/locations/{la}/resources"),
        json!({"kind": "room", "name": "A room"}),
    )
    .await;
    let a_area = created(
        &app,
        &a,
        &format!("/api/v1/locations/{la}/areas"),
        json!({"name": "A area"}),
    )
    .await;
    let a_svc = created(
        &app,
        &a,
        &format!("/api/v1/locations/{la}/services"),
        json!({"name": "A svc", "duration_min": 30, "price_minor": 1}),
    )
    .await;
    let b_svc = created(
        &app,
        &b,
        &format!("/api/v1/locations/{lb}/services"),
        json!({"name": "B svc", "duration_min": 30, "price_minor": 1}),
    )
    .await;
    let b_svc_id = b_svc["id"].as_str().unwrap();
    let before = (
        count(&app, &b, "resources").await,
        count(&app, &b, "services").await,
        count(&app, &b, "service_staff").await,
    );

    let cases: Vec<(Method, String, Value, &str)> = vec![
        (
            Method::POST,
            format!("/api/v1/locations/{lb}/services"),
            json!({"name": "X", "duration_min": 30, "price_minor": 1, "prerequisite_service_id": a_svc["id"]}),
            "prerequisite_service_id",
        ),
        (
            Method::PUT,
            format!("/api/v1/services/{b_svc_id}/staff"),
            json!({"staff": [{"resource_id": a_staff["id"]}]}),
            "staff.resource_id",
        ),
        (
            Method::PUT,
            format!("/api/v1/services/{b_svc_id}/requirements"),
            json!({"groups": [[a_room["id"]]]}),
            "groups",
        ),
        (
            Method::POST,
            format!("/api/v1/locations/{lb}/resources"),
            json!({"kind": "table", "name": "T", "area_id": a_area["id"]}),
            "area_id",
        ),
        (
            Method::POST,
            format!("/api/v1/locations/{lb}/resources"),
            json!({"kind": "staff", "name": "S", "user_id": a.user.to_string()}),
            "user_id",
        ),
        (
            Method::POST,
            format!("/api/v1/locations/{lb}/exceptions"),
            json!({"resource_id": a_staff["id"], "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z"}),
            "resource_id",
        ),
        (
            Method::POST,
            format!("/api/v1/locations/{lb}/combos"),
            json!({"name": "C", "min_seats": 2, "max_seats": 4, "table_ids": [a_room["id"], a_staff["id"]]}),
            "table_ids",
        ),
    ];
    for (m, path, body, field) in cases {
        let r = send(&app, &b, m.clone(), &path, body).await;
        r.assert_problem(StatusCode::NOT_FOUND, "not_found");
        assert!(
            r.json["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{m} {path}: {}",
            r.text
        );
        assert!(
            !r.text.contains("A staff") && !r.text.contains("A room"),
            "{}",
            r.text
        );
    }
    // A's location in B's path is simply not found.
    send(
        &app,
        &b,
        Method::POST,
        &format!("/api/v1/locations/{la}/resources"),
        json!({"kind": "room", "name": "X"}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let after = (
        count(&app, &b, "resources").await,
        count(&app, &b, "services").await,
        count(&app, &b, "service_staff").await,
    );
    assert_eq!(before, after, "nothing was written");
    assert_eq!(count(&app, &a, "resources").await, 2);
}

#[tokio::test]
async fn roles_decide_who_changes_the_catalogue() {
    let app = TestApp::new().await;
    let o = app.signup("Clinica Quattro", "owner@quattro.example").await;
    let loc = first_location(&app, &o).await;
    let admin = app.add_member(&o, "admin@quattro.example", "admin").await;
    let desk = app
        .add_member(&o, "desk@quattro.example", "receptionist")
        .await;
    let pro = app
        .add_member(&o, "pro@quattro.example", "professional")
        .await;
    let res = format!("/api/v1/locations/{loc}/resources");
    // Admin manages the catalogue; receptionist and professional cannot.
    let mine = created(
        &app,
        &admin,
        &res,
        json!({"kind": "staff", "name": "Dr Pro", "user_id": pro.user.to_string()}),
    )
    .await;
    let other = created(
        &app,
        &admin,
        &res,
        json!({"kind": "staff", "name": "Dr Other"}),
    )
    .await;
    for s in [&desk, &pro] {
        let r = send(
            &app,
            s,
            Method::POST,
            &res,
            json!({"kind": "room", "name": "Nope"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = send(
            &app,
            s,
            Method::PUT,
            &format!("/api/v1/locations/{loc}/hours"),
            json!({"intervals": []}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        // Everyone on the team reads.
        assert_eq!(
            app.get(&res).cookie(&s.cookie).send().await.status,
            StatusCode::OK
        );
    }
    let exc = format!("/api/v1/locations/{loc}/exceptions");
    let period = |r: &Value| json!({"resource_id": r["id"], "starts_at": "2030-05-01T08:00:00Z", "ends_at": "2030-05-01T12:00:00Z"});
    // The receptionist manages anyone's time off and closures.
    created(&app, &desk, &exc, period(&other)).await;
    created(&app, &desk, &exc, json!({"starts_at": "2030-12-25T00:00:00Z", "ends_at": "2030-12-26T00:00:00Z", "reason": "Christmas"})).await;
    // The professional only their own.
    let own = created(&app, &pro, &exc, period(&mine)).await;
    let r = send(&app, &pro, Method::POST, &exc, period(&other)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = send(
        &app,
        &pro,
        Method::POST,
        &exc,
        json!({"starts_at": "2030-12-25T00:00:00Z", "ends_at": "2030-12-26T00:00:00Z"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/exceptions/{}", own["id"].as_str().unwrap()),
        )
        .cookie(&pro.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // Customers: front desk yes, professional no.
    created(&app, &desk, "/api/v1/customers", json!({"name": "Walk In"})).await;
    let r = send(
        &app,
        &pro,
        Method::POST,
        "/api/v1/customers",
        json!({"name": "Nope"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // A staff resource can only link a member of this business.
    let stranger = app.signup("Elsewhere", "owner@elsewhere.example").await;
    send(
        &app,
        &o,
        Method::POST,
        &res,
        json!({"kind": "staff", "name": "Ghost", "user_id": stranger.user.to_string()}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
    // A read-only API key... is refused writes like support; the admin key may write.
    let key = app.api_key(&o, "admin").await;
    let r = app
        .post(&res)
        .bearer(&key)
        .json(&json!({"kind": "room", "name": "By key"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn customers_are_normalised_deduplicated_and_searchable() {
    let app = TestApp::new().await;
    let o = app.signup("Salon Cinque", "owner@cinque.example").await;
    let c = created(&app, &o, "/api/v1/customers", json!({
        "name": "Maria Rossi", "phone": "333 123 4567", "email": "Maria.Rossi@Example.COM", "language": "it",
        "tags": ["VIP", "regular"], "requirements": ["accessible"], "notes": "Prefers mornings",
        "marketing_consent": true, "marketing_consent_source": "web"})).await;
    assert_eq!(
        c["phone"], "+393331234567",
        "parsed with the business's country (IT)"
    );
    assert_eq!(c["email"], "Maria.Rossi@example.com");
    assert_eq!(c["tags"], json!(["regular", "vip"]));
    assert_eq!(c["marketing_consent"], true);
    assert_eq!(c["marketing_consent_source"], "web");
    assert!(c["marketing_consent_at"].is_string());
    let created_ms = jiff::Timestamp::from_str_ok(c["created_at"].as_str().unwrap());
    let exp = c["retention_expires_at_ms"].as_i64().unwrap();
    let days = (exp - created_ms) / 86_400_000;
    assert!(
        (729..=732).contains(&days),
        "24 months after creation: {days} days"
    );
    let id = c["id"].as_str().unwrap().to_string();
    // Same phone in another format, or same e-mail in other case: 409 naming the customer.
    for dup in [
        json!({"name": "M", "phone": "+39 333-123-4567"}),
        json!({"name": "M", "email": "maria.rossi@example.com"}),
    ] {
        let r = send(&app, &o, Method::POST, "/api/v1/customers", dup).await;
        r.assert_problem(StatusCode::CONFLICT, "customer_exists");
        assert!(
            r.json["detail"].as_str().unwrap().contains(&id),
            "{}",
            r.text
        );
    }
    for bad in [
        json!({"name": "M", "phone": "12"}),
        json!({"name": "M", "email": "not-an-email"}),
        json!({"name": "M", "requirements": ["unicorn"]}),
        json!({"name": "M", "language": "xx-nope"}),
        json!({"name": "M", "marketing_consent": true, "marketing_consent_source": "telepathy"}),
        json!({"name": "M", "booking_count": 99}),
    ] {
        send(&app, &o, Method::POST, "/api/v1/customers", bad)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(count(&app, &o, "customers").await, 1);
    let other = created(
        &app,
        &o,
        "/api/v1/customers",
        json!({"name": "Luca Bianchi", "phone": "+39 333 999 8888"}),
    )
    .await;
    // PATCH: withdraw consent (time and source recorded), and refuse taking another's phone.
    let r = send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/customers/{id}"),
        json!({"marketing_consent": false, "marketing_consent_source": "phone"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["marketing_consent"], false);
    assert_eq!(r.json["marketing_consent_source"], "phone");
    assert_eq!(r.json["notes"], "Prefers mornings");
    send(
        &app,
        &o,
        Method::PATCH,
        &format!("/api/v1/customers/{}", other["id"].as_str().unwrap()),
        json!({"phone": "+393331234567"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "customer_exists");
    // Search by name, phone digits, e-mail and tag; paging with a cursor.
    for (q, n) in [
        ("q=rossi", 1),
        ("q=3339998", 1),
        ("q=EXAMPLE.com", 1),
        ("tag=vip", 1),
        ("q=nobody", 0),
        ("limit=1", 1),
    ] {
        let r = app
            .get(&format!("/api/v1/customers?{q}"))
            .cookie(&o.cookie)
            .send()
            .await;
        assert_eq!(r.json.as_array().map(Vec::len), Some(n), "{q}: {}", r.text);
    }
    let r = app
        .get(&format!("/api/v1/customers?limit=1&after={id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.json[0]["id"], other["id"]);
    app.get("/api/v1/customers?limit=0")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.get("/api/v1/customers?bogus=1")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Another business with the same phone is a different customer.
    let b = app.signup("Salon Sei", "owner@sei.example").await;
    let r = created(
        &app,
        &b,
        "/api/v1/customers",
        json!({"name": "Maria", "phone": "+393331234567"}),
    )
    .await;
    assert_ne!(r["id"].as_str().unwrap(), id);
    app.get(&format!("/api/v1/customers/{id}"))
        .cookie(&b.cookie)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

trait FromStrOk {
    fn from_str_ok(s: &str) -> i64;
}

impl FromStrOk for jiff::Timestamp {
    fn from_str_ok(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }
}

#[tokio::test]
async fn demo_businesses_come_with_a_catalogue() {
    let app = TestApp::new().await;
    let seeded = app.app.seed_demo().await.unwrap();
    assert_eq!(seeded.len(), 3);
    let mut seen = 0;
    for d in &seeded {
        let cookie = app
            .login(&d.owner_email, frontdesk_app::demo::DEMO_PASSWORD)
            .await;
        let loc = app
            .get("/api/v1/locations")
            .cookie(&cookie)
            .send()
            .await
            .json[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let get = |what: &str| {
            let path = format!("/api/v1/locations/{loc}/{what}");
            let cookie = cookie.clone();
            let app = &app;
            async move { app.get(&path).cookie(&cookie).send().await.json }
        };
        let hours = get("hours").await;
        assert!(
            !hours["intervals"].as_array().unwrap().is_empty(),
            "{}",
            d.name
        );
        // A few bookings from live availability over the next days, so the calendar shows
        // something.
        let bookings = app.get("/api/v1/bookings").cookie(&cookie).send().await;
        assert!(
            bookings.json.as_array().unwrap().len() >= 4,
            "{}: {}",
            d.name,
            bookings.text
        );
        match d.slug.as_str() {
            "salon-lumiere" => {
                let services = get("services").await;
                let colour = services
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["name"] == "Colour")
                    .unwrap();
                assert!(
                    colour["segments"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s.get("gap").is_some())
                );
                assert_eq!(
                    get("resources?kind=staff").await.as_array().unwrap().len(),
                    2
                );
                assert_eq!(
                    get("resources?kind=room").await.as_array().unwrap().len(),
                    2
                );
                seen += 1;
            }
            "clinica-serena" => {
                let services = get("services").await;
                let laser = services
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["name"] == "Laser hair removal")
                    .unwrap();
                assert!(laser["prerequisite_service_id"].is_string());
                assert_eq!(
                    get("resources?kind=equipment")
                        .await
                        .as_array()
                        .unwrap()
                        .len(),
                    1
                );
                seen += 1;
            }
            "bep-nha-ha-noi" => {
                assert_eq!(get("areas").await.as_array().unwrap().len(), 2);
                assert_eq!(
                    get("resources?kind=table").await.as_array().unwrap().len(),
                    12
                );
                assert_eq!(get("combos").await.as_array().unwrap().len(), 3);
                assert_eq!(get("periods").await.as_array().unwrap().len(), 2);
                seen += 1;
            }
            other => panic!("unexpected demo business {other}"),
        }
    }
    assert_eq!(seen, 3);
    // Seeding again changes nothing.
    assert!(
        app.app
            .seed_demo()
            .await
            .unwrap()
            .iter()
            .all(|d| !d.created)
    );
}
