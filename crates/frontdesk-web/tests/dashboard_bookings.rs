//! The front-desk screens (calendar, bookings, floor, clients, waitlist) through the real
//! router: they show what the booking engine holds in the location's time zone, their forms
//! book, move and change bookings with Post/Redirect/Get, and nothing uses inline styles.

use axum::http::{StatusCode, header};
use frontdesk_testkit::seed::{self, Restaurant, Salon};
use frontdesk_testkit::{Session, TestApp, TestResponse};
use serde_json::{Value, json};

fn location(res: &TestResponse) -> &str {
    res.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[track_caller]
fn assert_html(res: &TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "body: {}", res.text);
    assert!(res.text.starts_with("<!doctype html>"), "{}", res.text);
    assert!(
        !res.text.contains("style="),
        "inline style in: {}",
        res.text
    );
    assert!(
        !res.text.contains("<script>"),
        "inline script in: {}",
        res.text
    );
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

async fn restaurant_app() -> (TestApp, Session, Restaurant) {
    let app = TestApp::new().await;
    let o = app.signup("Trattoria Due", "owner@due.example").await;
    let l = location_of(&app, &o).await;
    let r = seed::restaurant(&app.db.store, o.tenant, l).await;
    (app, o, r)
}

async fn book(app: &TestApp, o: &Session, body: Value) -> Value {
    let r = app
        .post("/api/v1/bookings")
        .cookie(&o.cookie)
        .json(&body)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json
}

async fn page(app: &TestApp, o: &Session, path: &str) -> TestResponse {
    let r = app.get(path).cookie(&o.cookie).send().await;
    assert_html(&r, StatusCode::OK);
    r
}

#[tokio::test]
async fn the_calendar_shows_a_booking_in_its_column_and_row() {
    let (app, o, s) = salon_app().await;
    let b = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.bea}],
            "start": "2026-11-24T10:00", "customer": {"name": "Carla Calendar", "phone": "+39 333 111 2222"}}),
    )
    .await;
    let id = b["id"].as_str().unwrap();
    let cal = page(
        &app,
        &o,
        &format!("/app/calendar?location={}&date=2026-11-24", s.location),
    )
    .await;
    // Rows start at 09:00 (opening), 15 minutes each: 10:00 is row 5, 45 minutes span 3 rows.
    let bea = between(&cal.text, "<strong>Bea</strong>", "</section>");
    let block = format!("cal-block bk-confirmed lane-all r-5 s-3\" href=\"/app/bookings/{id}\"");
    assert!(bea.contains(&block), "{}", cal.text);
    assert!(bea.contains("Carla Calendar") && bea.contains("10:00–10:45"));
    let ana = between(&cal.text, "<strong>Ana</strong>", "<strong>Bea</strong>");
    assert!(!ana.contains("Carla Calendar"), "not in Ana's column");
    // Free cells link to a new booking there, prefilled.
    assert!(
        ana.contains(&format!(
            "/app/bookings/new?location={}&#38;date=2026-11-24&#38;time=10%3A00&#38;staff={}",
            s.location, s.ana
        )),
        "{}",
        ana
    );
    assert!(cal.text.contains("Tuesday 24 November 2026"));
    assert!(
        cal.text
            .contains("href=\"/app/calendar\" aria-current=\"page\"")
    );

    // The week view of Bea shows it on Tuesday; the room view does not (a cut needs no room).
    let week = page(
        &app,
        &o,
        &format!(
            "/app/calendar?location={}&date=2026-11-24&view=week&resource={}",
            s.location, s.bea
        ),
    )
    .await;
    let tue = between(
        &week.text,
        "<strong>Tue 24</strong>",
        "<strong>Wed 25</strong>",
    );
    assert!(tue.contains(&block), "{}", week.text);
    let rooms = page(
        &app,
        &o,
        &format!(
            "/app/calendar?location={}&date=2026-11-24&by=room",
            s.location
        ),
    )
    .await;
    assert!(rooms.text.contains("<strong>Colour room</strong>"));
    assert!(!rooms.text.contains("Carla Calendar"));
    // Bad input falls back to today; another business's location is not found.
    page(&app, &o, "/app/calendar?date=nonsense&view=zzz").await;
    let other = app.signup("Other", "owner@other.example").await;
    let r = app
        .get(&format!("/app/calendar?location={}", s.location))
        .cookie(&other.cookie)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The value of the first `name="…" value="…"` input.
fn input_value(html: &str, name: &str) -> String {
    let s = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("input {name} in {html}"))
        + format!("name=\"{name}\" value=\"").len();
    html[s..s + html[s..].find('"').unwrap()].to_string()
}

async fn count_bookings(app: &TestApp, o: &Session) -> usize {
    app.get("/api/v1/bookings?from=2026-11-01&to=2026-12-31")
        .cookie(&o.cookie)
        .send()
        .await
        .json
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn the_new_booking_form_lists_free_times_and_books_once() {
    let (app, o, s) = salon_app().await;
    let (loc, cut, ana) = (s.location.to_string(), s.cut.to_string(), s.ana.to_string());
    let form = page(
        &app,
        &o,
        &format!(
            "/app/bookings/new?location={loc}&date=2026-11-24&service1={cut}&staff={ana}&time=10:00"
        ),
    )
    .await;
    assert!(form.text.contains("Free times on Tuesday 24 November 2026"));
    assert!(
        form.text.contains("value=\"2026-11-24T09:00\""),
        "{}",
        form.text
    );
    // The time picked in the calendar is preselected.
    assert!(form.text.contains("value=\"2026-11-24T10:00\" checked"));
    let key = input_value(&form.text, "key");
    assert!(key.starts_with("form-"), "{key}");

    let body = |key: &str, name: &str, start: &str| {
        vec![
            ("key".to_string(), key.to_string()),
            ("location".into(), loc.clone()),
            ("date".into(), "2026-11-24".into()),
            ("service1".into(), cut.clone()),
            ("staff".into(), ana.clone()),
            ("start".into(), start.into()),
            ("name".into(), name.into()),
            ("phone".into(), "+39 333 444 5555".into()),
            ("email".into(), "".into()),
            ("notes".into(), "first visit".into()),
        ]
    };
    let post = |b: Vec<(String, String)>| {
        let app = &app;
        let o = &o;
        async move {
            let refs: Vec<(&str, &str)> = b.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post("/app/bookings/new")
                .cookie(&o.cookie)
                .form(&refs)
                .send()
                .await
        }
    };
    let first = post(body(&key, "Nina New", "2026-11-24T10:00")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let to = location(&first).to_string();
    assert!(to.starts_with("/app/bookings/bk_"), "{to}");
    // The same form sent twice books once.
    let again = post(body(&key, "Nina New", "2026-11-24T10:00")).await;
    assert_eq!(location(&again), to);
    assert_eq!(count_bookings(&app, &o).await, 1);
    let shown = page(&app, &o, &to).await;
    assert!(shown.text.contains("Nina New") && shown.text.contains("Tue 24 Nov 2026, 10:00"));
    assert!(shown.text.contains("first visit"));

    // The same time with Ana from a fresh form is taken: 409, the form again with a message.
    let taken = post(body("form-other", "Otto Other", "2026-11-24T10:00")).await;
    assert_html(&taken, StatusCode::CONFLICT);
    assert!(taken.text.contains("is no longer free"), "{}", taken.text);
    assert!(taken.text.contains("value=\"Otto Other\""));
    assert!(
        !taken.text.contains("value=\"2026-11-24T10:00\""),
        "the taken time is gone"
    );
    // Missing name: 422 with the field message.
    let bad = post(body("form-third", "", "2026-11-24T12:00")).await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Client name must not be empty"),
        "{}",
        bad.text
    );
    assert_eq!(count_bookings(&app, &o).await, 1);

    // An existing client is found by the search and booked by id.
    let found = page(
        &app,
        &o,
        &format!("/app/bookings/new?location={loc}&date=2026-11-24&service1={cut}&find=Nina"),
    )
    .await;
    assert!(found.text.contains("Clients found") && found.text.contains("Nina New"));
    let cid = input_value(
        &found.text[found.text.find("Clients found").unwrap()..],
        "customer_id",
    );
    // Two services in order: the booking form carries both, in their places.
    let two = page(
        &app,
        &o,
        &format!(
            "/app/bookings/new?location={loc}&date=2026-11-24&service1={}&service2={cut}",
            s.fringe
        ),
    )
    .await;
    let post_form = &two.text[two.text.find("method=\"post\"").unwrap()..];
    assert_eq!(input_value(post_form, "service1"), s.fringe.to_string());
    assert_eq!(input_value(post_form, "service2"), cut);
    let mut b = body("form-fourth", "", "2026-11-24T12:00");
    b.push(("customer_id".into(), cid.clone()));
    let r = post(b).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(count_bookings(&app, &o).await, 2);
}

#[tokio::test]
async fn the_booking_page_changes_status_and_moves_the_booking() {
    let (app, o, s) = salon_app().await;
    let b = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.cut, "staff_id": s.ana}],
            "start": "2026-11-24T10:00", "customer": {"name": "Paola Page", "email": "paola@example.com"}}),
    )
    .await;
    let path = format!("/app/bookings/{}", b["id"].as_str().unwrap());
    let p = page(&app, &o, &path).await;
    assert!(p.text.contains("Paola Page") && p.text.contains("Cut") && p.text.contains("Ana"));
    assert!(p.text.contains("10:00–10:45"), "{}", p.text);
    assert!(p.text.contains(&format!("action=\"{path}/check-in\"")));
    assert!(
        !p.text.contains(&format!("action=\"{path}/no-show\"")),
        "not before it starts"
    );

    let post = |to: String, pairs: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let o = &o;
        async move { app.post(&to).cookie(&o.cookie).form(&pairs).send().await }
    };
    // Move it to Wednesday noon (the free times of that day are listed).
    let moving = page(&app, &o, &format!("{path}?date=2026-11-25")).await;
    assert!(moving.text.contains("value=\"2026-11-25T12:00\""));
    let r = post(
        format!("{path}/reschedule"),
        vec![("start", "2026-11-25T12:00")],
    )
    .await;
    assert_eq!(location(&r), path);
    let p = page(&app, &o, &path).await;
    assert!(p.text.contains("Wed 25 Nov 2026, 12:00"), "{}", p.text);
    assert!(
        p.text
            .contains("moved from 2026-11-24T10:00 to 2026-11-25T12:00")
    );

    let r = post(format!("{path}/check-in"), vec![]).await;
    assert_eq!(location(&r), path);
    assert!(
        page(&app, &o, &path)
            .await
            .text
            .contains("status-checked_in")
    );
    let r = post(format!("{path}/complete"), vec![]).await;
    assert_eq!(location(&r), path);
    let p = page(&app, &o, &path).await;
    assert!(p.text.contains("status-completed"));
    assert!(!p.text.contains("Cancel booking"));
    // An impossible change comes back with a message, not an error page.
    let r = post(format!("{path}/confirm"), vec![]).await;
    assert_eq!(location(&r), path);
    let flash = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fd_flash=err"));
    assert!(
        flash.is_some_and(|f| f.contains("cannot%20be%20confirmed")),
        "{flash:?}"
    );

    // Cancelling keeps the reason.
    let b2 = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.fringe}],
            "start": "2026-11-24T15:00", "customer": {"name": "Cora Cancel", "phone": "+39 333 999 0000"}}),
    )
    .await;
    let path2 = format!("/app/bookings/{}", b2["id"].as_str().unwrap());
    let r = post(format!("{path2}/cancel"), vec![("reason", "client called")]).await;
    assert_eq!(location(&r), path2);
    let p = page(&app, &o, &path2).await;
    assert!(p.text.contains("status-cancelled") && p.text.contains("client called"));

    // The list shows both, filters by status and by client.
    let list = page(
        &app,
        &o,
        &format!("/app/bookings?location={}&from=2026-11-24", s.location),
    )
    .await;
    assert!(list.text.contains("Paola Page") && list.text.contains("Cora Cancel"));
    let list = page(&app, &o, "/app/bookings?from=2026-11-24&status=cancelled").await;
    assert!(!list.text.contains("Paola Page") && list.text.contains("Cora Cancel"));
    let list = page(&app, &o, "/app/bookings?from=2026-11-24&q=paola").await;
    assert!(list.text.contains("Paola Page") && !list.text.contains("Cora Cancel"));
    let bad = app
        .get("/app/bookings?from=yesterday")
        .cookie(&o.cookie)
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn every_front_desk_page_renders_for_a_new_business() {
    let app = TestApp::new().await;
    let o = app.signup("Empty Spa", "owner@empty.example").await;
    for (path, expected) in [
        ("/app/calendar", "nothing to show"),
        ("/app/calendar?view=week", "nothing to show"),
        ("/app/bookings", "No bookings match"),
        ("/app/bookings/new", "New booking"),
        ("/app/floor", "no tables"),
        ("/app/clients", "No clients yet"),
        ("/app/waitlist", "Nobody is waiting"),
    ] {
        let r = page(&app, &o, path).await;
        assert!(r.text.contains(expected), "{path}: {}", r.text);
        for link in [
            "/app/calendar",
            "/app/bookings",
            "/app/clients",
            "/app/waitlist",
        ] {
            assert!(
                r.text.contains(&format!("href=\"{link}\"")),
                "{path} links {link}"
            );
        }
        if path != "/app/floor" {
            assert!(
                !r.text.contains(">Floor</a>"),
                "{path}: no tables, no Floor link"
            );
        }
    }
    let r = page(&app, &o, "/app/business").await;
    assert!(
        r.text.contains("href=\"/app/calendar\">Calendar"),
        "the nav on other pages too"
    );
}

#[tokio::test]
async fn the_floor_shows_who_holds_each_table() {
    let (app, o, r) = restaurant_app().await;
    let b = book(
        &app,
        &o,
        json!({"location_id": r.location, "start": "2026-11-24T19:00", "party_size": 2,
            "customer": {"name": "Lia Tavolo", "phone": "+39 333 000 1111"}}),
    )
    .await;
    let id = b["id"].as_str().unwrap();
    let (t1, t2) = (r.tables[0], r.tables[1]);
    let card = |html: &str, t: frontdesk_core::ResourceId| {
        between(html, &format!("id=\"t-{t}\""), "</li>").to_string()
    };
    let at7 = page(
        &app,
        &o,
        &format!(
            "/app/floor?location={}&date=2026-11-24&time=19:00",
            r.location
        ),
    )
    .await;
    let c1 = card(&at7.text, t1);
    assert!(
        c1.contains("tstate tstate-reserved") && c1.contains("Lia Tavolo"),
        "{c1}"
    );
    assert!(c1.contains(&format!("/app/bookings/{id}")));
    assert!(card(&at7.text, t2).contains("tstate tstate-free"));
    assert!(at7.text.contains("Indoor") && at7.text.contains("Terrace"));
    assert!(at7.text.contains("Floor</a>") && at7.text.contains("aria-current=\"page\">Floor"));
    let clients = page(&app, &o, "/app/clients").await;
    assert!(clients.text.contains(&format!(
        "href=\"/app/floor?location={}\">Floor",
        r.location
    )));
    // Before, T1 is free and shows what comes next.
    let at6 = page(
        &app,
        &o,
        &format!(
            "/app/floor?location={}&date=2026-11-24&time=18:00",
            r.location
        ),
    )
    .await;
    let c1 = card(&at6.text, t1);
    assert!(
        c1.contains("tstate tstate-free") && c1.contains("Next:"),
        "{c1}"
    );
    assert!(c1.contains("19:00 Lia Tavolo (2)"), "{c1}");
    // Walk-in forms only for today; the dinner period answers for the default time.
    assert!(!c1.contains("/app/floor/walk-in"));
    let dinner = page(
        &app,
        &o,
        &format!("/app/floor?location={}&date=2026-11-24", r.location),
    )
    .await;
    assert!(
        dinner.text.contains("value=\"18:00\""),
        "first seating by default"
    );

    // Once seated, it says so; the calendar by table shows the reservation on T1.
    let res = app
        .post(&format!("/app/bookings/{id}/check-in"))
        .cookie(&o.cookie)
        .form(&[])
        .send()
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let at7 = page(
        &app,
        &o,
        &format!(
            "/app/floor?location={}&date=2026-11-24&time=19:30",
            r.location
        ),
    )
    .await;
    assert!(card(&at7.text, t1).contains("tstate tstate-seated"));
    let cal = page(
        &app,
        &o,
        &format!("/app/calendar?location={}&date=2026-11-24", r.location),
    )
    .await;
    let t1col = between(&cal.text, "<strong>T1</strong>", "<strong>T2</strong>");
    // Dinner: rows from 18:00; 19:00 is row 5, 90 minutes span 6 rows.
    assert!(
        t1col.contains("cal-block bk-checked_in lane-all r-5 s-6"),
        "{}",
        cal.text
    );

    // With positions, the tables are drawn on the plan.
    let mut tx = app.db.store.begin().await.unwrap();
    let rows = app
        .db
        .store
        .tenant(o.tenant)
        .resources(r.location, Some("table"))
        .await
        .unwrap();
    for (i, mut t) in rows.into_iter().enumerate() {
        t.pos_x = Some(i as i64 * 200);
        t.pos_y = Some(500);
        t.shape = Some("round".into());
        tx.tenant(o.tenant).update_resource(&t).await.unwrap();
    }
    tx.commit().await.unwrap();
    let plan = page(
        &app,
        &o,
        &format!("/app/floor?location={}&date=2026-11-23", r.location),
    )
    .await;
    assert!(
        plan.text
            .contains("floor-tile tstate-free fx-0 fy-9 shape-round"),
        "{}",
        plan.text
    );
    assert!(plan.text.contains("fx-13 fy-9"), "{}", plan.text);
    // Today, free tables offer a walk-in; outside the dinner period it is refused with a message.
    assert!(plan.text.contains("action=\"/app/floor/walk-in\""));
    let loc = r.location.to_string();
    let w = app
        .post("/app/floor/walk-in")
        .cookie(&o.cookie)
        .form(&[("location", loc.as_str()), ("party", "2")])
        .send()
        .await;
    assert_eq!(w.status, StatusCode::SEE_OTHER, "{}", w.text);
    assert_eq!(location(&w), format!("/app/floor?location={loc}"));
}

#[tokio::test]
async fn clients_and_the_waitlist() {
    let (app, o, s) = salon_app().await;
    let b = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.cut}],
            "start": "2026-11-24T10:00", "customer": {"name": "Carla Cliente", "phone": "+39 333 111 2222", "email": "carla@example.com"}}),
    )
    .await;
    let cid = b["customer_id"].as_str().unwrap();
    let list = page(&app, &o, "/app/clients").await;
    assert!(
        list.text
            .contains(&format!("href=\"/app/clients/{cid}\">Carla Cliente"))
    );
    assert!(list.text.contains("+393331112222"));
    assert!(
        page(&app, &o, "/app/clients?q=carla")
            .await
            .text
            .contains("Carla Cliente")
    );
    assert!(
        !page(&app, &o, "/app/clients?q=nobody")
            .await
            .text
            .contains("Carla Cliente")
    );
    let profile = page(&app, &o, &format!("/app/clients/{cid}")).await;
    let upcoming = between(&profile.text, "<h2>Upcoming</h2>", "<h2>History</h2>");
    assert!(upcoming.contains(b["id"].as_str().unwrap()) && upcoming.contains("Cut"));
    assert!(
        profile
            .text
            .contains(&format!("/app/bookings/new?customer_id={cid}"))
    );
    // The new-booking link names the client.
    let form = page(&app, &o, &format!("/app/bookings/new?customer_id={cid}")).await;
    assert!(form.text.contains("Client: <a href=\"/app/clients/"));

    let w = app
        .post("/api/v1/waitlist")
        .cookie(&o.cookie)
        .json(&json!({"location_id": s.location, "service_id": s.colour, "customer": {"name": "Walter Wait", "email": "walter@example.com"},
            "window_start": "2026-11-24T09:00", "window_end": "2026-11-24T18:00"}))
        .send()
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    let wid = w.json["id"].as_str().unwrap();
    let wl = page(&app, &o, "/app/waitlist").await;
    assert!(wl.text.contains("Walter Wait") && wl.text.contains("Colour"));
    assert!(
        wl.text.contains("Tue 24 Nov 2026, 09:00–18:00"),
        "{}",
        wl.text
    );
    let r = app
        .post(&format!("/app/waitlist/{wid}/remove"))
        .cookie(&o.cookie)
        .form(&[])
        .send()
        .await;
    assert_eq!(location(&r), "/app/waitlist");
    let wl = page(&app, &o, "/app/waitlist?status=cancelled").await;
    assert!(wl.text.contains("Walter Wait") && !wl.text.contains("/remove\""));

    // Another business finds none of these.
    let other = app.signup("Other", "owner@other.example").await;
    for path in [
        format!("/app/clients/{cid}"),
        format!("/app/bookings/{}", b["id"].as_str().unwrap()),
        format!("/app/floor?location={}", s.location),
        format!("/app/bookings/new?location={}", s.location),
    ] {
        let r = app.get(&path).cookie(&other.cookie).send().await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text.contains("Carla"));
    }
}

#[tokio::test]
async fn a_receptionist_runs_the_desk() {
    let (app, o, s) = salon_app().await;
    let desk = app.add_member(&o, "desk@uno.example", "receptionist").await;
    let b = book(
        &app,
        &o,
        json!({"location_id": s.location, "services": [{"service_id": s.cut}],
            "start": "2026-11-24T10:00", "customer": {"name": "Rita Reception", "phone": "+39 333 222 3333"}}),
    )
    .await;
    let path = format!("/app/bookings/{}", b["id"].as_str().unwrap());
    for p in [
        "/app/calendar?date=2026-11-24",
        "/app/bookings",
        "/app/clients",
        "/app/waitlist",
    ] {
        assert!(
            page(&app, &desk, p).await.text.contains("receptionist"),
            "{p}"
        );
    }
    let r = app
        .post(&format!("{path}/check-in"))
        .cookie(&desk.cookie)
        .form(&[])
        .send()
        .await;
    assert_eq!(location(&r), path);
    let p = page(&app, &desk, &path).await;
    assert!(p.text.contains("status-checked_in"));
    // The history names who did it, not their user id.
    let history = between(&p.text, "<h2>History</h2>", "</section>");
    assert!(
        history.contains("checked in") && history.contains("by "),
        "{history}"
    );
    assert!(!history.contains("usr_"), "{history}");
}
