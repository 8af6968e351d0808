//! The catalogue screens through the real router: services, staff hours and time off, opening
//! hours, closures and booking rules are edited with plain forms; bad input comes back with
//! the field's message and writes nothing; a receptionist may look but not change.

use axum::http::{StatusCode, header};
use frontdesk_testkit::seed::{self, Salon};
use frontdesk_testkit::{Session, TestApp, TestResponse};

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

async fn salon_app() -> (TestApp, Session, Salon) {
    let app = TestApp::new().await;
    let o = app.signup("Salon Uno", "owner@uno.example").await;
    let l = app
        .get("/api/v1/locations")
        .cookie(&o.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let s = seed::salon(&app.db.store, o.tenant, l).await;
    (app, o, s)
}

async fn page(app: &TestApp, s: &Session, path: &str) -> TestResponse {
    let r = app.get(path).cookie(&s.cookie).send().await;
    assert_html(&r, StatusCode::OK);
    r
}

async fn post(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> TestResponse {
    app.post(path).cookie(&s.cookie).form(form).send().await
}

#[track_caller]
fn assert_saved(res: &TestResponse, to: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(location(res).starts_with(to), "{} vs {to}", location(res));
}

async fn service_count(app: &TestApp, o: &Session, loc: &str) -> usize {
    app.get(&format!("/api/v1/locations/{loc}/services"))
        .cookie(&o.cookie)
        .send()
        .await
        .json
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn services_are_created_listed_edited_and_staffed() {
    let (app, o, s) = salon_app().await;
    let loc = s.location.to_string();
    let list = page(&app, &o, "/app/catalogue/services").await;
    assert!(
        list.text.contains("Cut") && list.text.contains("35.00 EUR"),
        "{}",
        list.text
    );
    assert!(
        list.text
            .contains("href=\"/app/catalogue\" aria-current=\"page\"")
    );
    assert!(list.text.contains("class=\"table-wrap\""));
    let before = service_count(&app, &o, &loc).await;

    // Bad input: the field's message, the input kept, nothing written.
    let bad = post(
        &app,
        &o,
        "/app/catalogue/services",
        &[
            ("location", &loc),
            ("name", "Balayage"),
            ("duration_min", "0"),
            ("price_minor", "80"),
            ("segments", "none"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-duration_min\""), "{}", bad.text);
    assert!(bad.text.contains("value=\"Balayage\""));
    assert_eq!(service_count(&app, &o, &loc).await, before);
    let bad = post(
        &app,
        &o,
        "/app/catalogue/services",
        &[
            ("location", &loc),
            ("name", "Balayage"),
            ("duration_min", "60"),
            ("price_minor", "8x"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("must be an amount such as 35.00"));
    assert_eq!(service_count(&app, &o, &loc).await, before);

    // A good one is listed, with its processing gap.
    let ok = post(
        &app,
        &o,
        "/app/catalogue/services",
        &[
            ("location", &loc),
            ("name", "Balayage"),
            ("category", "Colour"),
            ("duration_min", "90"),
            ("segments", "30/45/15"),
            ("price_minor", "80.50"),
            ("buffer_after_min", "10"),
            ("capacity", "1"),
            ("online_bookable", "1"),
            ("active", "1"),
        ],
    )
    .await;
    assert_saved(&ok, "/app/catalogue/services/svc_");
    let edit_path = location(&ok).to_string();
    let list = page(&app, &o, &format!("/app/catalogue/services?location={loc}")).await;
    assert!(list.text.contains("Balayage") && list.text.contains("80.50 EUR"));
    let edit = page(&app, &o, &edit_path).await;
    assert!(edit.text.contains("value=\"30/45/15\""), "{}", edit.text);
    assert!(edit.text.contains("Price (EUR)"));

    // Edit the duration (one piece of work now).
    let saved = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "Balayage"),
            ("duration_min", "120"),
            ("segments", "none"),
            ("price_minor", "80.50"),
            ("online_bookable", "1"),
            ("active", "1"),
        ],
    )
    .await;
    assert_saved(&saved, &edit_path);
    let edit = page(&app, &o, &edit_path).await;
    assert!(
        edit.text
            .contains("name=\"duration_min\" type=\"number\" value=\"120\""),
        "{}",
        edit.text
    );
    // Segments that do not add up are refused beside the field.
    let bad = post(
        &app,
        &o,
        &edit_path,
        &[
            ("name", "Balayage"),
            ("duration_min", "60"),
            ("segments", "30/45/15"),
            ("price_minor", "1"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-segments\""), "{}", bad.text);
    assert!(
        page(&app, &o, &edit_path)
            .await
            .text
            .contains("value=\"120\"")
    );

    // Staff who perform it.
    let staff = post(
        &app,
        &o,
        &format!("{edit_path}/staff"),
        &[("staff", &s.bea.to_string())],
    )
    .await;
    assert_saved(&staff, &edit_path);
    let edit = page(&app, &o, &edit_path).await;
    assert!(
        edit.text.contains(&format!("value=\"{}\" checked", s.bea)),
        "{}",
        edit.text
    );
    assert!(!edit.text.contains(&format!("value=\"{}\" checked", s.ana)));

    // Delete.
    let del = post(&app, &o, &format!("{edit_path}/delete"), &[]).await;
    assert_saved(&del, "/app/catalogue/services?location=");
    assert_eq!(service_count(&app, &o, &loc).await, before);
    let gone = app.get(&edit_path).cookie(&o.cookie).send().await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_hours_and_time_off_are_set_and_shown() {
    let (app, o, s) = salon_app().await;
    let loc = s.location.to_string();
    let team = page(&app, &o, &format!("/app/catalogue/team?location={loc}")).await;
    assert!(team.text.contains("Ana") && team.text.contains("Colour room"));

    let added = post(
        &app,
        &o,
        "/app/catalogue/team",
        &[
            ("location", &loc),
            ("kind", "equipment"),
            ("name", "Steamer"),
            ("quantity", "2"),
        ],
    )
    .await;
    assert_saved(&added, "/app/catalogue/resources/res_");
    let team = page(&app, &o, &format!("/app/catalogue/team?location={loc}")).await;
    assert!(team.text.contains("Steamer") && team.text.contains("Equipment × 2"));

    let ana = format!("/app/catalogue/resources/{}", s.ana);
    // End before start: the field's message, nothing written.
    let bad = post(
        &app,
        &o,
        &format!("{ana}/hours"),
        &[("d1a_start", "17:00"), ("d1a_end", "09:00")],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-d1a_end\""), "{}", bad.text);
    assert!(bad.text.contains("must be after the opening time"));
    let hours = post(
        &app,
        &o,
        &format!("{ana}/hours"),
        &[
            ("d2a_start", "09:00"),
            ("d2a_end", "13:00"),
            ("d2b_start", "14:00"),
            ("d2b_end", "18:30"),
            ("d3a_start", "10:00"),
            ("d3a_end", "16:00"),
        ],
    )
    .await;
    assert_saved(&hours, &ana);
    let p = page(&app, &o, &ana).await;
    for v in [
        "name=\"d2a_start\" type=\"time\" value=\"09:00\"",
        "name=\"d2b_end\" type=\"time\" value=\"18:30\"",
        "name=\"d3a_end\" type=\"time\" value=\"16:00\"",
        "name=\"d1a_start\" type=\"time\" value=\"\"",
    ] {
        assert!(p.text.contains(v), "{v} in {}", p.text);
    }
    assert!(!p.text.contains("name=\"follow\" value=\"1\" checked"));
    let team = page(&app, &o, &format!("/app/catalogue/team?location={loc}")).await;
    assert!(team.text.contains("Own hours"));
    // Back to the location's hours.
    let follow = post(
        &app,
        &o,
        &format!("{ana}/hours"),
        &[
            ("follow", "1"),
            ("d2a_start", "09:00"),
            ("d2a_end", "13:00"),
        ],
    )
    .await;
    assert_saved(&follow, &ana);
    let p = page(&app, &o, &ana).await;
    assert!(p.text.contains("name=\"follow\" value=\"1\" checked"));
    assert!(
        p.text
            .contains("name=\"d2a_start\" type=\"time\" value=\"\"")
    );

    // Time off: end before start is refused; a good one is listed in local time.
    let bad = post(
        &app,
        &o,
        &format!("{ana}/time-off"),
        &[
            ("starts_at", "2026-12-02T12:00"),
            ("ends_at", "2026-12-02T09:00"),
            ("reason", "Dentist"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-ends_at\""), "{}", bad.text);
    assert!(!page(&app, &o, &ana).await.text.contains("Dentist"));
    let off = post(
        &app,
        &o,
        &format!("{ana}/time-off"),
        &[
            ("starts_at", "2026-12-02T09:00"),
            ("ends_at", "2026-12-02T12:00"),
            ("reason", "Dentist"),
        ],
    )
    .await;
    assert_saved(&off, &ana);
    let p = page(&app, &o, &ana).await;
    assert!(
        p.text.contains("Wed 2 Dec 2026, 09:00") && p.text.contains("Dentist"),
        "{}",
        p.text
    );
    // Remove it again.
    let id_at = p.text.find("/app/catalogue/exceptions/").unwrap();
    let path = &p.text[id_at..id_at + p.text[id_at..].find('"').unwrap()];
    let rm = post(&app, &o, path, &[("back", &ana)]).await;
    assert_saved(&rm, &ana);
    assert!(!page(&app, &o, &ana).await.text.contains("Dentist"));
}

#[tokio::test]
async fn opening_hours_closures_and_booking_rules() {
    let (app, o, s) = salon_app().await;
    let loc = s.location.to_string();
    let h = format!("/app/catalogue/hours?location={loc}");
    page(&app, &o, &h).await;
    let saved = post(
        &app,
        &o,
        "/app/catalogue/hours",
        &[
            ("location", &loc),
            ("d6a_start", "08:30"),
            ("d6a_end", "12:30"),
        ],
    )
    .await;
    assert_saved(&saved, "/app/catalogue/hours");
    let p = page(&app, &o, &h).await;
    assert!(
        p.text
            .contains("name=\"d6a_start\" type=\"time\" value=\"08:30\""),
        "{}",
        p.text
    );

    let closure = post(
        &app,
        &o,
        "/app/catalogue/closures",
        &[
            ("location", &loc),
            ("starts_at", "2026-12-25T00:00"),
            ("ends_at", "2026-12-26T00:00"),
            ("reason", "Christmas"),
        ],
    )
    .await;
    assert_saved(&closure, "/app/catalogue/hours");
    assert!(page(&app, &o, &h).await.text.contains("Christmas"));

    let bad = post(
        &app,
        &o,
        "/app/catalogue/rules",
        &[
            ("location", &loc),
            ("slot_step_min", "1"),
            ("min_notice_min", "60"),
            ("window_days", "30"),
            ("cancel_cutoff_h", "24"),
            ("edit_cutoff_h", "12"),
            ("hold_minutes", "10"),
        ],
    )
    .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"e-slot_step_min\""), "{}", bad.text);
    let rules = post(
        &app,
        &o,
        "/app/catalogue/rules",
        &[
            ("location", &loc),
            ("slot_step_min", "30"),
            ("min_notice_min", "120"),
            ("window_days", "30"),
            ("cancel_cutoff_h", "48"),
            ("edit_cutoff_h", "12"),
            ("require_confirmation", "1"),
            ("hold_minutes", "15"),
        ],
    )
    .await;
    assert_saved(&rules, "/app/catalogue/hours");
    let api = app
        .get(&format!("/api/v1/locations/{loc}/booking-rules"))
        .cookie(&o.cookie)
        .send()
        .await;
    let p = page(&app, &o, &h).await;
    assert!(
        p.text
            .contains("name=\"slot_step_min\" type=\"number\" value=\"30\""),
        "{}",
        p.text
    );
    assert!(
        p.text
            .contains("name=\"cancel_cutoff_h\" type=\"text\" value=\"48\"")
    );
    assert!(
        p.text
            .contains("name=\"require_confirmation\" value=\"1\" checked")
    );
    if api.status == StatusCode::OK {
        assert_eq!(api.json["cancel_cutoff_min"], 2880);
        assert_eq!(api.json["require_confirmation"], true);
    }
}

#[tokio::test]
async fn a_receptionist_sees_the_catalogue_but_cannot_change_it() {
    let (app, o, s) = salon_app().await;
    let desk = app.add_member(&o, "desk@uno.example", "receptionist").await;
    let loc = s.location.to_string();
    let list = page(&app, &desk, "/app/catalogue/services").await;
    assert!(list.text.contains("Cut"));
    assert!(!list.text.contains("Add a service"));
    let svc = page(&app, &desk, &format!("/app/catalogue/services/{}", s.cut)).await;
    assert!(svc.text.contains("<fieldset disabled>"));
    let before = service_count(&app, &o, &loc).await;
    let r = post(
        &app,
        &desk,
        "/app/catalogue/services",
        &[
            ("location", &loc),
            ("name", "Sneaky"),
            ("duration_min", "30"),
            ("price_minor", "1"),
        ],
    )
    .await;
    assert_saved(&r, "/app/catalogue/services");
    let shown = app
        .get(location(&r))
        .cookie(&format!("{}; {}", desk.cookie, flash_cookie(&r)))
        .send()
        .await;
    assert!(
        shown
            .text
            .contains("Only owners and admins can change the catalogue."),
        "{}",
        shown.text
    );
    assert_eq!(service_count(&app, &o, &loc).await, before);
    let r = post(
        &app,
        &desk,
        &format!("/app/catalogue/services/{}", s.cut),
        &[
            ("name", "Renamed"),
            ("duration_min", "30"),
            ("price_minor", "1"),
        ],
    )
    .await;
    assert_saved(&r, &format!("/app/catalogue/services/{}", s.cut));
    assert!(
        !page(&app, &o, "/app/catalogue/services")
            .await
            .text
            .contains("Renamed")
    );
    let r = post(
        &app,
        &desk,
        &format!("/app/catalogue/resources/{}/hours", s.ana),
        &[("d1a_start", "09:00"), ("d1a_end", "10:00")],
    )
    .await;
    assert_saved(&r, "/app/catalogue/resources/");
    let r = post(
        &app,
        &desk,
        &format!("/app/catalogue/resources/{}/delete", s.ana),
        &[],
    )
    .await;
    assert_saved(&r, "/app/catalogue/resources/");
    assert!(
        page(&app, &o, "/app/catalogue/team")
            .await
            .text
            .contains("Ana")
    );
}

async fn service_json(app: &TestApp, o: &Session, id: &str) -> serde_json::Value {
    let r = app
        .get(&format!("/api/v1/services/{id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

// promise C2: a service's staff with their own duration and price, and the rooms/equipment it
// needs ("one of these" groups), edited on the service page and visible in the API.
#[tokio::test]
async fn service_staff_overrides_and_room_groups() {
    let (app, o, s) = salon_app().await;
    let loc = s.location.to_string();
    let (ana, bea, room) = (s.ana.to_string(), s.bea.to_string(), s.room.to_string());
    let path = format!("/app/catalogue/services/{}", s.cut);
    let p = page(&app, &o, &path).await;
    assert!(
        p.text.contains(&format!(
            "name=\"duration_{ana}\" type=\"number\" value=\"\" placeholder=\"45\""
        )),
        "{}",
        p.text
    );
    let cut = s.cut.to_string();

    // Overrides for Ana, none for Bea.
    let saved = post(
        &app,
        &o,
        &format!("{path}/staff"),
        &[
            ("staff", &ana),
            (&format!("duration_{ana}"), "60"),
            (&format!("price_{ana}"), "42.50"),
            ("staff", &bea),
            (&format!("duration_{bea}"), ""),
            (&format!("price_{bea}"), ""),
        ],
    )
    .await;
    assert_saved(&saved, &path);
    let j = service_json(&app, &o, &cut).await;
    let link = |who: &str| {
        j["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["resource_id"] == who)
            .cloned()
            .unwrap_or_else(|| panic!("{who} in {j}"))
    };
    assert_eq!(link(&ana)["duration_min"], 60);
    assert_eq!(link(&ana)["price_minor"], 4250);
    assert_eq!(link(&bea)["duration_min"], serde_json::Value::Null);
    let p = page(&app, &o, &path).await;
    assert!(p.text.contains(&format!(
        "name=\"duration_{ana}\" type=\"number\" value=\"60\""
    )));
    assert!(p.text.contains(&format!(
        "name=\"price_{ana}\" type=\"text\" inputmode=\"decimal\" value=\"42.50\""
    )));

    // Out of range or not an amount: beside the field, nothing written.
    for (field, value, shown) in [
        (
            format!("duration_{ana}"),
            "2",
            "must be between 5 and 720 minutes",
        ),
        (
            format!("price_{ana}"),
            "4x",
            "must be an amount such as 35.00",
        ),
    ] {
        let bad = post(
            &app,
            &o,
            &format!("{path}/staff"),
            &[("staff", &ana), (&field, value)],
        )
        .await;
        assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.text.contains(&format!("id=\"e-{field}\"")),
            "{}",
            bad.text
        );
        assert!(bad.text.contains(shown), "{shown}: {}", bad.text);
        assert!(bad.text.contains(&format!("value=\"{ana}\" checked")));
        assert!(
            !bad.text.contains(&format!("value=\"{bea}\" checked")),
            "as typed"
        );
    }
    let j2 = service_json(&app, &o, &cut).await;
    assert_eq!(j2["staff"], j["staff"], "refused forms change nothing");
    // A form without the override fields keeps them (the older staff-only form).
    let kept = post(&app, &o, &format!("{path}/staff"), &[("staff", &ana)]).await;
    assert_saved(&kept, &path);
    let j = service_json(&app, &o, &cut).await;
    assert_eq!(j["staff"].as_array().unwrap().len(), 1);
    assert_eq!(j["staff"][0]["duration_min"], 60);

    // Room groups: the colour room, or one of two basins in a second group.
    let basin = app
        .post(&format!("/api/v1/locations/{loc}/resources"))
        .cookie(&o.cookie)
        .json(&serde_json::json!({"kind": "equipment", "name": "Basin", "quantity": 2}))
        .send()
        .await;
    let basin = basin.json["id"].as_str().unwrap().to_string();
    let p = page(&app, &o, &path).await;
    assert!(p.text.contains("Another group: one of"), "{}", p.text);
    assert!(p.text.contains("name=\"group1\""));
    let saved = post(
        &app,
        &o,
        &format!("{path}/requirements"),
        &[("group1", &room), ("group2", &basin)],
    )
    .await;
    assert_saved(&saved, &path);
    assert_eq!(
        service_json(&app, &o, &cut).await["requirements"],
        serde_json::json!([[room], [basin]])
    );
    let p = page(&app, &o, &path).await;
    assert!(
        p.text
            .contains(&format!("name=\"group2\" value=\"{basin}\" checked"))
    );
    assert!(p.text.contains("Group 2: one of") && p.text.contains("name=\"group3\""));
    // One group of either.
    let saved = post(
        &app,
        &o,
        &format!("{path}/requirements"),
        &[("group1", &room), ("group1", &basin)],
    )
    .await;
    assert_saved(&saved, &path);
    let req = &service_json(&app, &o, &cut).await["requirements"];
    assert_eq!(req.as_array().unwrap().len(), 1);
    assert_eq!(req[0].as_array().unwrap().len(), 2);
    // A staff member is not a room; another business's room is not ours (T1): refused.
    let b = app.signup("Other Salon", "owner@other.example").await;
    let b_loc = app
        .get("/api/v1/locations")
        .cookie(&b.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let foreign = app
        .post(&format!("/api/v1/locations/{b_loc}/resources"))
        .cookie(&b.cookie)
        .json(&serde_json::json!({"kind": "room", "name": "Other secret room"}))
        .send()
        .await;
    let foreign = foreign.json["id"].as_str().unwrap().to_string();
    for bad_id in [&ana, &foreign] {
        let bad = post(
            &app,
            &o,
            &format!("{path}/requirements"),
            &[("group1", &room), ("group2", bad_id)],
        )
        .await;
        assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("id=\"e-groups\""), "{}", bad.text);
        assert!(!bad.text.contains("Other secret room"));
    }
    assert_eq!(
        service_json(&app, &o, &cut).await["requirements"][0]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Nothing ticked: no requirement.
    let none = post(&app, &o, &format!("{path}/requirements"), &[]).await;
    assert_saved(&none, &path);
    assert_eq!(
        service_json(&app, &o, &cut).await["requirements"],
        serde_json::json!([])
    );

    // A receptionist cannot change either (promise A2).
    let desk = app.add_member(&o, "desk@uno.example", "receptionist").await;
    let before = service_json(&app, &o, &cut).await;
    let r = post(
        &app,
        &desk,
        &format!("{path}/staff"),
        &[("staff", &bea), (&format!("duration_{bea}"), "30")],
    )
    .await;
    assert_saved(&r, &path);
    let r = post(
        &app,
        &desk,
        &format!("{path}/requirements"),
        &[("group1", &room)],
    )
    .await;
    assert_saved(&r, &path);
    let after = service_json(&app, &o, &cut).await;
    assert_eq!(
        (&before["staff"], &before["requirements"]),
        (&after["staff"], &after["requirements"])
    );
}
