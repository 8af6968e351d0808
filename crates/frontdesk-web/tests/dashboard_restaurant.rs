//! The restaurant screens of the catalogue through the real router (promise B3; C3 for slot
//! steps and pacing): areas, tables grouped by area, table combinations and service periods are
//! edited with plain forms and the change shows in the JSON API; bad input comes back beside
//! the field and writes nothing; a receptionist may look but not change (A2); another
//! business's ids are a 404 (T1). Also the restaurant tabs and the Floor link of the main nav.

use axum::http::{StatusCode, header};
use frontdesk_testkit::seed::{self, Restaurant};
use frontdesk_testkit::{Session, TestApp, TestResponse};
use serde_json::{Value, json};

fn location(res: &TestResponse) -> &str {
    res.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The flash cookie set by a response, as `name=value`.
fn flash_cookie(res: &TestResponse) -> String {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?;
            first.starts_with("fd_flash=").then(|| first.to_string())
        })
        .expect("flash cookie")
}

#[track_caller]
fn assert_html(res: &TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "body: {}", res.text);
    assert!(res.text.starts_with("<!doctype html>"), "{}", res.text);
    assert!(!res.text.contains("style="), "inline style: {}", res.text);
    assert!(
        !res.text.contains("<script>"),
        "inline script: {}",
        res.text
    );
}

#[track_caller]
fn assert_saved(res: &TestResponse, to: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(location(res).starts_with(to), "{} vs {to}", location(res));
}

/// The text between two markers of a page.
#[track_caller]
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let s = html
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in {html}"));
    let rest = &html[s..];
    let e = rest.find(to).unwrap_or(rest.len());
    &rest[..e]
}

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

async fn restaurant_app() -> (TestApp, Session, Restaurant) {
    let app = TestApp::new().await;
    let o = app.signup("Trattoria Due", "owner@due.example").await;
    let l = first_location(&app, &o).await.parse().unwrap();
    let r = seed::restaurant(&app.db.store, o.tenant, l).await;
    (app, o, r)
}

async fn page(app: &TestApp, s: &Session, path: &str) -> TestResponse {
    let r = app.get(path).cookie(&s.cookie).send().await;
    assert_html(&r, StatusCode::OK);
    r
}

async fn post(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> TestResponse {
    app.post(path).cookie(&s.cookie).form(form).send().await
}

async fn api(app: &TestApp, s: &Session, path: &str) -> Value {
    let r = app.get(path).cookie(&s.cookie).send().await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json
}

async fn tables_json(app: &TestApp, o: &Session, loc: &str) -> Vec<Value> {
    api(
        app,
        o,
        &format!("/api/v1/locations/{loc}/resources?kind=table"),
    )
    .await
    .as_array()
    .cloned()
    .unwrap_or_default()
}

fn by_name<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {list:?}"))
}

async fn areas_json(app: &TestApp, o: &Session, loc: &str) -> Vec<Value> {
    api(app, o, &format!("/api/v1/locations/{loc}/areas"))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn combos_json(app: &TestApp, o: &Session, loc: &str) -> Vec<Value> {
    api(app, o, &format!("/api/v1/locations/{loc}/combos"))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn periods_json(app: &TestApp, o: &Session, loc: &str) -> Vec<Value> {
    api(app, o, &format!("/api/v1/locations/{loc}/periods"))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

// promise B3: tables with capacity, shape, position and requirements, listed by area.
#[tokio::test]
async fn tables_are_listed_by_area_created_edited_and_deleted() {
    let (app, o, r) = restaurant_app().await;
    let loc = r.location.to_string();
    let list_path = format!("/app/catalogue/tables?location={loc}");
    let list = page(&app, &o, &list_path).await;
    assert!(
        list.text.contains("href=\"/app/catalogue/tables?location=")
            && list.text.contains("aria-current=\"page\">Tables</a>"),
        "the Tables tab is current: {}",
        list.text
    );
    // Grouped: T1–T4 under Indoor, T5 under Terrace.
    let indoor = between(&list.text, ">Indoor</a>", ">Terrace</a>");
    for t in ["T1", "T2", "T3", "T4"] {
        assert!(indoor.contains(&format!(">{t}</a>")), "{t} in {indoor}");
    }
    assert!(!indoor.contains(">T5</a>"));
    let terrace = between(&list.text, ">Terrace</a>", "</table>");
    assert!(terrace.contains(">T5</a>") && terrace.contains("4–6") && terrace.contains("Pets"));
    assert!(indoor.contains("Accessible"), "T3's tag: {indoor}");
    let before = tables_json(&app, &o, &loc).await.len();
    let terrace_id = by_name(&areas_json(&app, &o, &loc).await, "Terrace")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // More seats at least than at most: the message beside the field, the input kept, nothing
    // written.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "T6"),
            ("area_id", &terrace_id),
            ("min_seats", "6"),
            ("max_seats", "2"),
            ("inventory", "online"),
            ("active", "1"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-max_seats\""), "{}", bad.text);
    assert!(
        bad.text
            .contains("Most seats must not be less than the fewest.")
    );
    assert!(bad.text.contains("value=\"T6\""));
    assert!(
        bad.text
            .contains(&format!("value=\"{terrace_id}\" selected"))
    );
    assert_eq!(tables_json(&app, &o, &loc).await.len(), before);
    // A taken name and a position off the plan: the same.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "T1"),
            ("min_seats", "1"),
            ("max_seats", "2"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-name\""), "{}", bad.text);
    let bad = post(
        &app,
        &o,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "T6"),
            ("min_seats", "1"),
            ("max_seats", "2"),
            ("pos_x", "1001"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-pos_x\""), "{}", bad.text);
    assert_eq!(tables_json(&app, &o, &loc).await.len(), before);

    // A good one: every field reaches the API.
    let ok = post(
        &app,
        &o,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "T6"),
            ("area_id", &terrace_id),
            ("min_seats", "2"),
            ("max_seats", "4"),
            ("shape", "round"),
            ("pos_x", "100"),
            ("pos_y", "250"),
            ("tags", "stroller"),
            ("tags", "high_chair"),
            ("inventory", "in_house"),
            ("active", "1"),
        ],
    )
    .await;
    assert_saved(&ok, "/app/catalogue/tables?location=");
    let tables = tables_json(&app, &o, &loc).await;
    assert_eq!(tables.len(), before + 1);
    let t6 = by_name(&tables, "T6");
    assert_eq!(t6["area_id"], terrace_id.as_str());
    assert_eq!(
        (t6["min_seats"].as_i64(), t6["max_seats"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(t6["shape"], "round");
    assert_eq!(
        (t6["pos_x"].as_i64(), t6["pos_y"].as_i64()),
        (Some(100), Some(250))
    );
    assert_eq!(t6["tags"], json!(["high_chair", "stroller"]));
    assert_eq!(t6["inventory"], "in_house");
    let t6_id = t6["id"].as_str().unwrap().to_string();
    let list = page(&app, &o, &list_path).await;
    let terrace = between(&list.text, ">Terrace</a>", "</table>");
    assert!(
        terrace.contains(">T6</a>") && terrace.contains("High chair, Stroller"),
        "{terrace}"
    );
    assert!(terrace.contains("By staff only") && terrace.contains("x 100, y 250"));

    // Its page shows what is stored; edits round-trip.
    let edit_path = format!("/app/catalogue/tables/{t6_id}");
    let edit = page(&app, &o, &edit_path).await;
    assert!(
        edit.text.contains("value=\"round\" selected"),
        "{}",
        edit.text
    );
    assert!(edit.text.contains("value=\"stroller\" checked"));
    assert!(edit.text.contains("value=\"in_house\" selected"));
    let bad = post(
        &app,
        &o,
        &edit_path,
        &[("name", "T6"), ("min_seats", "9"), ("max_seats", "8")],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-max_seats\""));
    assert_eq!(
        by_name(&tables_json(&app, &o, &loc).await, "T6")["max_seats"],
        4
    );
    let saved = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "T6 window"),
            ("area_id", ""),
            ("min_seats", "2"),
            ("max_seats", "8"),
            ("shape", "rect"),
            ("tags", "window"),
            ("inventory", "walk_in"),
        ],
    )
    .await;
    assert_saved(&saved, &edit_path);
    let t6 = by_name(&tables_json(&app, &o, &loc).await, "T6 window").clone();
    assert_eq!(t6["area_id"], Value::Null);
    assert_eq!(t6["max_seats"], 8);
    assert_eq!(t6["tags"], json!(["window"]));
    assert_eq!(t6["inventory"], "walk_in");
    assert_eq!(t6["active"], false);
    assert_eq!(t6["pos_x"], Value::Null);
    let list = page(&app, &o, &list_path).await;
    let loose = between(&list.text, ">No area <", "</table>");
    assert!(
        loose.contains(">T6 window</a> <span class=\"badge\">not in use</span>"),
        "{loose}"
    );
    // The team's resource page of a table leads here.
    let res = app
        .get(&format!("/app/catalogue/resources/{t6_id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_saved(&res, &edit_path);

    // Delete.
    let del = post(&app, &o, &format!("{edit_path}/delete"), &[]).await;
    assert_saved(&del, "/app/catalogue/tables?location=");
    assert_eq!(tables_json(&app, &o, &loc).await.len(), before);
    let gone = app.get(&edit_path).cookie(&o.cookie).send().await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    // A staff member is not a table.
    let staff = app
        .post(&format!("/api/v1/locations/{loc}/resources"))
        .cookie(&o.cookie)
        .json(&json!({"kind": "staff", "name": "Gino"}))
        .send()
        .await;
    let gino = staff.json["id"].as_str().unwrap();
    let r = app
        .get(&format!("/app/catalogue/tables/{gino}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// promise B3: restaurant areas.
#[tokio::test]
async fn areas_are_added_renamed_and_deleted() {
    let (app, o, r) = restaurant_app().await;
    let loc = r.location.to_string();
    let before = areas_json(&app, &o, &loc).await.len();
    let bad = post(
        &app,
        &o,
        "/app/catalogue/areas",
        &[("location", &loc), ("area_name", "  ")],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-area_name\""), "{}", bad.text);
    let taken = post(
        &app,
        &o,
        "/app/catalogue/areas",
        &[("location", &loc), ("area_name", "Indoor")],
    )
    .await;
    assert_html(&taken, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .text
            .contains("is already the name of another area here")
    );
    assert_eq!(areas_json(&app, &o, &loc).await.len(), before);

    let ok = post(
        &app,
        &o,
        "/app/catalogue/areas",
        &[("location", &loc), ("area_name", "Garden")],
    )
    .await;
    assert_saved(&ok, "/app/catalogue/tables?location=");
    let areas = areas_json(&app, &o, &loc).await;
    assert_eq!(areas.len(), before + 1);
    let garden = by_name(&areas, "Garden")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // New areas go last.
    assert_eq!(areas.last().unwrap()["name"], "Garden");
    let list = page(&app, &o, &format!("/app/catalogue/tables?location={loc}")).await;
    assert!(list.text.contains(&format!(
        "<a href=\"/app/catalogue/areas/{garden}\">Garden</a>"
    )));
    assert!(list.text.contains("No tables in this area."));

    let area_path = format!("/app/catalogue/areas/{garden}");
    page(&app, &o, &area_path).await;
    let bad = post(&app, &o, &area_path, &[("name", ""), ("sort_order", "3")]).await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-name\""));
    let saved = post(
        &app,
        &o,
        &area_path,
        &[("name", "Winter garden"), ("sort_order", "0")],
    )
    .await;
    assert_saved(&saved, &area_path);
    let areas = areas_json(&app, &o, &loc).await;
    assert_eq!(areas[0]["name"], "Winter garden", "order 0 comes first");

    // Deleting Terrace keeps T5, without an area.
    let terrace = by_name(&areas, "Terrace")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t_page = page(&app, &o, &format!("/app/catalogue/areas/{terrace}")).await;
    assert!(t_page.text.contains(">T5</a>"));
    let del = post(
        &app,
        &o,
        &format!("/app/catalogue/areas/{terrace}/delete"),
        &[],
    )
    .await;
    assert_saved(&del, "/app/catalogue/tables?location=");
    assert!(
        !areas_json(&app, &o, &loc)
            .await
            .iter()
            .any(|a| a["name"] == "Terrace")
    );
    assert_eq!(
        by_name(&tables_json(&app, &o, &loc).await, "T5")["area_id"],
        Value::Null
    );
    let list = page(&app, &o, &format!("/app/catalogue/tables?location={loc}")).await;
    assert!(between(&list.text, ">No area <", "</table>").contains(">T5</a>"));
}

// promises B3, B4: combinations of two or more tables of the location only.
#[tokio::test]
async fn combinations_are_checked_and_round_trip() {
    let (app, o, r) = restaurant_app().await;
    let loc = r.location.to_string();
    let [t1, t2, t3, t4, t5] = [0, 1, 2, 3, 4].map(|i| r.tables[i].to_string());
    let list_path = format!("/app/catalogue/combos?location={loc}");
    let list = page(&app, &o, &list_path).await;
    assert!(
        list.text.contains(">T1+T2</a>")
            && list.text.contains("T1 + T2")
            && list.text.contains("3–4"),
        "{}",
        list.text
    );
    let before = combos_json(&app, &o, &loc).await.len();

    // One table is not a combination.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T5 alone"),
            ("min_seats", "5"),
            ("max_seats", "6"),
            ("table", &t5),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-table_ids\""), "{}", bad.text);
    assert!(
        bad.text
            .contains("Tables must be 2 to 10 different tables.")
    );
    assert!(bad.text.contains(&format!("value=\"{t5}\" checked")));
    // Fewest above most.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T4+T5"),
            ("min_seats", "9"),
            ("max_seats", "8"),
            ("table", &t4),
            ("table", &t5),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-max_seats\""));
    // A table of another location of the business.
    let other_loc = app
        .post("/api/v1/locations")
        .cookie(&o.cookie)
        .json(&json!({"name": "Due Mare", "slug": "due-mare", "time_zone": "Europe/Rome", "country": "IT", "currency": "EUR"}))
        .send()
        .await;
    assert_eq!(other_loc.status, StatusCode::CREATED, "{}", other_loc.text);
    let other_loc = other_loc.json["id"].as_str().unwrap().to_string();
    let far = app
        .post(&format!("/api/v1/locations/{other_loc}/resources"))
        .cookie(&o.cookie)
        .json(&json!({"kind": "table", "name": "M1", "min_seats": 1, "max_seats": 2}))
        .send()
        .await;
    let far = far.json["id"].as_str().unwrap().to_string();
    let bad = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T1+M1"),
            ("min_seats", "3"),
            ("max_seats", "4"),
            ("table", &t1),
            ("table", &far),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Tables must be tables of this location."),
        "{}",
        bad.text
    );
    // A table of another business (promise T1): the same answer, and nothing of it shown.
    let b = app.signup("Osteria Tre", "owner@tre.example").await;
    let b_loc = first_location(&app, &b).await;
    let foreign = app
        .post(&format!("/api/v1/locations/{b_loc}/resources"))
        .cookie(&b.cookie)
        .json(&json!({"kind": "table", "name": "Tre secret table", "min_seats": 1, "max_seats": 2}))
        .send()
        .await;
    let foreign = foreign.json["id"].as_str().unwrap().to_string();
    let bad = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T1+foreign"),
            ("min_seats", "3"),
            ("max_seats", "4"),
            ("table", &t1),
            ("table", &foreign),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Tables must be tables of this location."));
    assert!(!bad.text.contains("Tre secret table"));
    // A mangled id.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T1+?"),
            ("min_seats", "3"),
            ("max_seats", "4"),
            ("table", &t1),
            ("table", "res_nope"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(combos_json(&app, &o, &loc).await.len(), before);

    // A good one, then edited and deleted.
    let ok = post(
        &app,
        &o,
        "/app/catalogue/combos",
        &[
            ("location", &loc),
            ("name", "T4+T5"),
            ("min_seats", "7"),
            ("max_seats", "10"),
            ("table", &t4),
            ("table", &t5),
        ],
    )
    .await;
    assert_saved(&ok, "/app/catalogue/combos?location=");
    let combos = combos_json(&app, &o, &loc).await;
    assert_eq!(combos.len(), before + 1);
    let c = by_name(&combos, "T4+T5");
    let mut members: Vec<&str> = c["table_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    members.sort_unstable();
    let mut want = vec![t4.as_str(), t5.as_str()];
    want.sort_unstable();
    assert_eq!(members, want);
    assert_eq!(
        (c["min_seats"].as_i64(), c["max_seats"].as_i64()),
        (Some(7), Some(10))
    );
    let edit_path = format!("/app/catalogue/combos/{}", c["id"].as_str().unwrap());
    let edit = page(&app, &o, &edit_path).await;
    assert!(edit.text.contains(&format!("value=\"{t4}\" checked")));
    assert!(!edit.text.contains(&format!("value=\"{t1}\" checked")));
    let bad = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "T4+T5"),
            ("min_seats", "7"),
            ("max_seats", "10"),
            ("table", &t4),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        by_name(&combos_json(&app, &o, &loc).await, "T4+T5")["table_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let saved = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "T3+T4+T5"),
            ("min_seats", "9"),
            ("max_seats", "14"),
            ("table", &t3),
            ("table", &t4),
            ("table", &t5),
        ],
    )
    .await;
    assert_saved(&saved, &edit_path);
    let c = by_name(&combos_json(&app, &o, &loc).await, "T3+T4+T5").clone();
    assert_eq!(c["table_ids"].as_array().unwrap().len(), 3);
    assert_eq!(c["max_seats"], 14);
    let list = page(&app, &o, &list_path).await;
    assert!(list.text.contains("9–14"));
    let del = post(&app, &o, &format!("{edit_path}/delete"), &[]).await;
    assert_saved(&del, "/app/catalogue/combos?location=");
    assert_eq!(combos_json(&app, &o, &loc).await.len(), before);
    // T2's page names the combination it belongs to.
    let t2_page = page(&app, &o, &format!("/app/catalogue/tables/{t2}")).await;
    assert!(t2_page.text.contains("Part of: T1+T2"), "{}", t2_page.text);
}

// promise C3: service periods with slot steps, turn times and pacing (max covers).
#[tokio::test]
async fn service_periods_round_trip_and_refuse_bad_turn_times() {
    let (app, o, r) = restaurant_app().await;
    let loc = r.location.to_string();
    let list_path = format!("/app/catalogue/periods?location={loc}");
    let list = page(&app, &o, &list_path).await;
    let dinner_row = between(&list.text, ">Dinner</a>", "</tr>");
    for want in [
        "Mon–Sat",
        "18:00–21:30",
        "30 min",
        "up to 2: 90 min; up to 4: 120 min; up to 50: 150 min",
        "20 covers per slot",
    ] {
        assert!(dinner_row.contains(want), "{want} in {dinner_row}");
    }
    let before = periods_json(&app, &o, &loc).await.len();
    let lunch = |tt1_min: &'static str| {
        vec![
            ("location", loc.clone()),
            ("name", "Lunch".to_string()),
            ("weekday", "1".into()),
            ("weekday", "2".into()),
            ("weekday", "3".into()),
            ("weekday", "4".into()),
            ("weekday", "5".into()),
            ("start", "12:00".into()),
            ("last_seating", "14:30".into()),
            ("slot_step_min", "15".into()),
            ("tt1_party", "2".into()),
            ("tt1_min", tt1_min.into()),
            ("tt2_party", "6".into()),
            ("tt2_min", "105".into()),
            ("max_covers_per_slot", "30".into()),
            ("pacing_interval_min", "30".into()),
            ("pacing_max_covers", "40".into()),
        ]
    };
    let refs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let send = |v: Vec<(&'static str, String)>| {
        let cookie = o.cookie.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/app/catalogue/periods")
                .cookie(&cookie)
                .form(&pairs)
                .send()
                .await
        }
    };

    // A negative turn time: the message beside that row, the rows kept, nothing written.
    let bad = send(lunch("-30")).await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-tt1_min\""), "{}", bad.text);
    assert!(bad.text.contains("must be between 15 and 480"));
    assert!(
        bad.text
            .contains("name=\"tt2_min\" type=\"number\" value=\"105\"")
    );
    assert!(bad.text.contains("name=\"weekday\" value=\"5\" checked"));
    // Party sizes that do not grow, last seating before the first, no days, half a pacing.
    let mut v = refs(&lunch("75"));
    v.retain(|(k, _)| *k != "weekday" && *k != "pacing_max_covers");
    for (k, val) in v.iter_mut() {
        match *k {
            "tt2_party" => *val = "2".into(),
            "last_seating" => *val = "11:00".into(),
            _ => {}
        }
    }
    let bad = send(v).await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["weekdays", "tt2_party", "last_seating", "pacing_max_covers"] {
        assert!(
            bad.text.contains(&format!("id=\"e-{field}\"")),
            "{field}: {}",
            bad.text
        );
    }
    assert!(bad.text.contains("must not be before the first seating"));
    assert_eq!(periods_json(&app, &o, &loc).await.len(), before);

    // A good one reaches the API.
    let ok = send(lunch("75")).await;
    assert_saved(&ok, "/app/catalogue/periods?location=");
    let periods = periods_json(&app, &o, &loc).await;
    assert_eq!(periods.len(), before + 1);
    let p = by_name(&periods, "Lunch");
    assert_eq!(p["weekdays"], json!([1, 2, 3, 4, 5]));
    assert_eq!(
        (p["start_min"].as_i64(), p["last_seating_min"].as_i64()),
        (Some(720), Some(870))
    );
    assert_eq!(p["slot_step_min"], 15);
    assert_eq!(
        p["turn_times"],
        json!([{"max_party": 2, "minutes": 75}, {"max_party": 6, "minutes": 105}])
    );
    assert_eq!(p["max_covers_per_slot"], 30);
    assert_eq!(
        (
            p["pacing_interval_min"].as_i64(),
            p["pacing_max_covers"].as_i64()
        ),
        (Some(30), Some(40))
    );
    let list = page(&app, &o, &list_path).await;
    let row = between(&list.text, ">Lunch</a>", "</tr>");
    assert!(
        row.contains("Mon–Fri") && row.contains("40 covers per 30 min"),
        "{row}"
    );

    // Dinner's page shows what is stored; an edit round-trips.
    let dinner = by_name(&periods, "Dinner")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edit_path = format!("/app/catalogue/periods/{dinner}");
    let edit = page(&app, &o, &edit_path).await;
    for v in [
        "name=\"start\" type=\"time\" value=\"18:00\"",
        "name=\"last_seating\" type=\"time\" value=\"21:30\"",
        "name=\"tt3_party\" type=\"number\" value=\"50\"",
        "name=\"tt3_min\" type=\"number\" value=\"150\"",
        "name=\"weekday\" value=\"6\" checked",
        "name=\"max_covers_per_slot\" type=\"number\" value=\"20\"",
    ] {
        assert!(edit.text.contains(v), "{v} in {}", edit.text);
    }
    assert!(!edit.text.contains("name=\"weekday\" value=\"7\" checked"));
    let saved = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "Dinner"),
            ("weekday", "5"),
            ("weekday", "6"),
            ("weekday", "7"),
            ("start", "19:00"),
            ("last_seating", "22:00"),
            ("slot_step_min", "15"),
            ("tt1_party", "4"),
            ("tt1_min", "120"),
            ("tt4_party", "12"),
            ("tt4_min", "180"),
            ("online_share_pct", "50"),
        ],
    )
    .await;
    assert_saved(&saved, &edit_path);
    let p = api(&app, &o, &format!("/api/v1/periods/{dinner}")).await;
    assert_eq!(p["weekdays"], json!([5, 6, 7]));
    assert_eq!(p["start_min"], 19 * 60);
    assert_eq!(
        p["turn_times"],
        json!([{"max_party": 4, "minutes": 120}, {"max_party": 12, "minutes": 180}])
    );
    assert_eq!(p["max_covers_per_slot"], Value::Null);
    assert_eq!(p["online_share_pct"], 50);
    // Turn time below the least: refused, stored value kept.
    let bad = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "Dinner"),
            ("weekday", "5"),
            ("start", "19:00"),
            ("last_seating", "22:00"),
            ("slot_step_min", "15"),
            ("tt1_party", "4"),
            ("tt1_min", "5"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-tt1_min\""));
    assert_eq!(
        api(&app, &o, &format!("/api/v1/periods/{dinner}")).await["weekdays"],
        json!([5, 6, 7])
    );
    let del = post(&app, &o, &format!("{edit_path}/delete"), &[]).await;
    assert_saved(&del, "/app/catalogue/periods?location=");
    assert_eq!(periods_json(&app, &o, &loc).await.len(), before);
}

// promise A2: receptionists see the restaurant catalogue; only owners and admins change it.
#[tokio::test]
async fn a_receptionist_reads_the_restaurant_screens_but_cannot_change_them() {
    let (app, o, r) = restaurant_app().await;
    let desk = app.add_member(&o, "desk@due.example", "receptionist").await;
    let loc = r.location.to_string();
    let tables = page(&app, &desk, "/app/catalogue/tables").await;
    assert!(tables.text.contains(">T5</a>"));
    assert!(!tables.text.contains("Add a table") && !tables.text.contains("Add an area"));
    assert!(
        tables
            .text
            .contains("Only owners and admins can change the catalogue")
    );
    let t1 = page(
        &app,
        &desk,
        &format!("/app/catalogue/tables/{}", r.tables[0]),
    )
    .await;
    assert!(t1.text.contains("<fieldset disabled>") && !t1.text.contains("Delete table"));
    let combos = page(&app, &desk, "/app/catalogue/combos").await;
    assert!(combos.text.contains(">T1+T2</a>") && !combos.text.contains("Add a combination"));
    let periods = page(&app, &desk, "/app/catalogue/periods").await;
    assert!(periods.text.contains(">Dinner</a>") && !periods.text.contains("Add a service period"));

    let before = (
        tables_json(&app, &o, &loc).await,
        areas_json(&app, &o, &loc).await,
        combos_json(&app, &o, &loc).await,
        periods_json(&app, &o, &loc).await,
    );
    let r1 = post(
        &app,
        &desk,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "Sneaky"),
            ("min_seats", "1"),
            ("max_seats", "2"),
        ],
    )
    .await;
    assert_saved(&r1, "/app/catalogue/tables?location=");
    let shown = app
        .get(location(&r1))
        .cookie(&format!("{}; {}", desk.cookie, flash_cookie(&r1)))
        .send()
        .await;
    assert!(
        shown
            .text
            .contains("Only owners and admins can change the catalogue."),
        "{}",
        shown.text
    );
    let t1_path = format!("/app/catalogue/tables/{}", r.tables[0]);
    let combo_path = format!("/app/catalogue/combos/{}", r.combos[0]);
    let period_id = before.3[0]["id"].as_str().unwrap().to_string();
    let area_id = before.1[0]["id"].as_str().unwrap().to_string();
    for (path, form) in [
        (
            t1_path.clone(),
            vec![("name", "Renamed"), ("min_seats", "1"), ("max_seats", "2")],
        ),
        (format!("{t1_path}/delete"), vec![]),
        (
            "/app/catalogue/areas".into(),
            vec![("location", loc.as_str()), ("area_name", "Sneaky area")],
        ),
        (
            format!("/app/catalogue/areas/{area_id}"),
            vec![("name", "Renamed")],
        ),
        (format!("/app/catalogue/areas/{area_id}/delete"), vec![]),
        (
            combo_path.clone(),
            vec![
                ("name", "Renamed"),
                ("min_seats", "3"),
                ("max_seats", "4"),
                ("table", "x"),
            ],
        ),
        (format!("{combo_path}/delete"), vec![]),
        (format!("/app/catalogue/periods/{period_id}/delete"), vec![]),
    ] {
        let res = post(&app, &desk, &path, &form).await;
        // Refused with a message (or, for a form it could not even read, the form again); never
        // written.
        assert!(
            res.status == StatusCode::SEE_OTHER || res.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {} {}",
            res.status,
            res.text
        );
    }
    let after = (
        tables_json(&app, &o, &loc).await,
        areas_json(&app, &o, &loc).await,
        combos_json(&app, &o, &loc).await,
        periods_json(&app, &o, &loc).await,
    );
    assert_eq!(before, after, "a receptionist changed the restaurant");
}

// promise T1: another business's ids in the path are a 404 and change nothing.
#[tokio::test]
async fn another_business_gets_404_for_the_restaurant_ids() {
    let (app, o, r) = restaurant_app().await;
    let loc = r.location.to_string();
    let b = app.signup("Osteria Tre", "owner@tre.example").await;
    let area = areas_json(&app, &o, &loc).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let period = periods_json(&app, &o, &loc).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = (
        tables_json(&app, &o, &loc).await,
        areas_json(&app, &o, &loc).await,
        combos_json(&app, &o, &loc).await,
        periods_json(&app, &o, &loc).await,
    );
    let table = format!("/app/catalogue/tables/{}", r.tables[0]);
    let area = format!("/app/catalogue/areas/{area}");
    let combo = format!("/app/catalogue/combos/{}", r.combos[0]);
    let period = format!("/app/catalogue/periods/{period}");
    for path in [&table, &area, &combo, &period] {
        let g = app.get(path).cookie(&b.cookie).send().await;
        assert_html(&g, StatusCode::NOT_FOUND);
        assert!(!g.text.contains("T1") && !g.text.contains("Indoor"));
        for p in [path.to_string(), format!("{path}/delete")] {
            let res = post(
                &app,
                &b,
                &p,
                &[
                    ("name", "Taken over"),
                    ("min_seats", "1"),
                    ("max_seats", "2"),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{p}: {}", res.text);
        }
    }
    for path in [
        "/app/catalogue/tables",
        "/app/catalogue/combos",
        "/app/catalogue/periods",
        "/app/catalogue/areas",
    ] {
        let res = post(
            &app,
            &b,
            path,
            &[("location", &loc), ("name", "B's"), ("area_name", "B's")],
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.text);
        if path != "/app/catalogue/areas" {
            let g = app
                .get(&format!("{path}?location={loc}"))
                .cookie(&b.cookie)
                .send()
                .await;
            assert_eq!(g.status, StatusCode::NOT_FOUND, "{path}: {}", g.text);
        }
    }
    let after = (
        tables_json(&app, &o, &loc).await,
        areas_json(&app, &o, &loc).await,
        combos_json(&app, &o, &loc).await,
        periods_json(&app, &o, &loc).await,
    );
    assert_eq!(before, after);
}

/// The restaurant tabs show for a location with tables, areas or periods; the Floor link of the
/// main nav for a business with an active table, on every page.
#[tokio::test]
async fn restaurant_tabs_and_the_floor_link_follow_the_tables() {
    // A salon: no restaurant tabs, no Floor, but the way to the first table.
    let app = TestApp::new().await;
    let o = app.signup("Salon Uno", "owner@uno.example").await;
    let loc = first_location(&app, &o).await;
    seed::salon(&app.db.store, o.tenant, loc.parse().unwrap()).await;
    let team = page(&app, &o, "/app/catalogue/team").await;
    assert!(!team.text.contains(">Service periods</a>"));
    assert!(team.text.contains(&format!(
        "under <a href=\"/app/catalogue/tables?location={loc}\">Tables</a>"
    )));
    for p in [
        "/app",
        "/app/business",
        "/app/catalogue/services",
        "/app/calendar",
    ] {
        assert!(!page(&app, &o, p).await.text.contains(">Floor</a>"), "{p}");
    }
    // Its first table: the tabs and the Floor link appear.
    let added = post(
        &app,
        &o,
        "/app/catalogue/tables",
        &[
            ("location", &loc),
            ("name", "Bar 1"),
            ("min_seats", "1"),
            ("max_seats", "2"),
            ("inventory", "online"),
            ("active", "1"),
        ],
    )
    .await;
    assert_saved(&added, "/app/catalogue/tables");
    let floor = format!("<a href=\"/app/floor?location={loc}\">Floor</a>");
    for p in [
        "/app",
        "/app/business",
        "/app/team",
        "/app/catalogue/services",
        "/app/calendar",
        "/app/clients",
    ] {
        let r = page(&app, &o, p).await;
        assert!(r.text.contains(&floor), "{p}: {}", r.text);
        assert_eq!(
            r.text.matches(">Floor</a>").count(),
            1,
            "{p}: one Floor link"
        );
    }
    let svc = page(&app, &o, "/app/catalogue/services").await;
    for tab in ["Tables", "Combinations", "Service periods"] {
        assert!(svc.text.contains(&format!(">{tab}</a>")), "{tab}");
    }
    // A table taken out of use: no Floor link, the tabs stay (it is still set up).
    let tables = tables_json(&app, &o, &loc).await;
    let id = tables[0]["id"].as_str().unwrap();
    let off = post(
        &app,
        &o,
        &format!("/app/catalogue/tables/{id}"),
        &[("name", "Bar 1"), ("min_seats", "1"), ("max_seats", "2")],
    )
    .await;
    assert_saved(&off, "/app/catalogue/tables/");
    let r = page(&app, &o, "/app/catalogue/services").await;
    assert!(!r.text.contains(">Floor</a>"));
    assert!(r.text.contains(">Service periods</a>"));
}
