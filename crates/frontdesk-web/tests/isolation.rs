//! Promise T1/T2: a second business's credentials get nothing of the first, on every route.
//!
//! The walk iterates the router's own route table, so a new route is covered the day it is
//! added; a route with a path parameter this test does not know makes it fail until the test
//! learns which of A's ids to try there.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use frontdesk_testkit::{Session, TestApp, TestResponse};
use frontdesk_web::Access;
use serde_json::{Value, json};

struct TenantA {
    owner: Session,
    location: String,
    member: String,
    invitation: String,
    api_key: String,
    staff_key: String,
    grant: String,
    secret: &'static str,
    job: String,
    mail: String,
    salon: frontdesk_testkit::seed::Salon,
    booking: String,
    booking_customer: String,
    manage_token: String,
    waitlist: String,
    resource: String,
    table: String,
    area: String,
    combo: String,
    exception: String,
    service: String,
    period: String,
    customer: String,
    markers: Vec<String>,
}

/// A's catalogue: a stylist, two tables in an area, a combination, time off, a service, a
/// service period and a customer.
async fn seed_catalogue(app: &TestApp, owner: &Session, loc: &str) -> [String; 8] {
    let post = |path: String, body: Value| {
        let cookie = owner.cookie.clone();
        async move {
            let r = app.post(&path).cookie(&cookie).json(&body).send().await;
            assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
            r.json["id"].as_str().unwrap().to_string()
        }
    };
    let resource = post(
        format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "staff", "name": "Alpha Stylist"}),
    )
    .await;
    let area = post(
        format!("/api/v1/locations/{loc}/areas"),
        json!({"name": "Alpha Terrace"}),
    )
    .await;
    let t1 = post(
        format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "table", "name": "Alpha T1", "area_id": area, "min_seats": 1, "max_seats": 2}),
    )
    .await;
    let t2 = post(
        format!("/api/v1/locations/{loc}/resources"),
        json!({"kind": "table", "name": "Alpha T2", "area_id": area, "min_seats": 1, "max_seats": 2}),
    )
    .await;
    let combo = post(
        format!("/api/v1/locations/{loc}/combos"),
        json!({"name": "Alpha T1+T2", "min_seats": 3, "max_seats": 4, "table_ids": [t1, t2]}),
    )
    .await;
    let exception = post(
        format!("/api/v1/locations/{loc}/exceptions"),
        json!({"resource_id": resource, "starts_at": "2030-01-01T09:00:00Z", "ends_at": "2030-01-02T09:00:00Z", "reason": "Alpha holiday"}),
    )
    .await;
    let service = post(
        format!("/api/v1/locations/{loc}/services"),
        json!({"name": "Alpha Colour", "duration_min": 60, "price_minor": 5000}),
    )
    .await;
    let period = post(
        format!("/api/v1/locations/{loc}/periods"),
        json!({"name": "Alpha Dinner", "weekdays": [1, 2], "start_min": 1080, "last_seating_min": 1260,
               "turn_times": [{"max_party": 4, "minutes": 120}]}),
    )
    .await;
    let customer = post(
        "/api/v1/customers".into(),
        json!({"name": "Alpha Customer", "phone": "+39 333 111 2222", "email": "guest@alpha.example"}),
    )
    .await;
    [
        resource, t1, area, combo, exception, service, period, customer,
    ]
}

async fn seed_a(app: &TestApp) -> TenantA {
    let owner = app.signup("Alpha Salon", "owner@alpha.example").await;
    let loc = app
        .get("/api/v1/locations")
        .cookie(&owner.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let member = app
        .add_member(&owner, "desk@alpha.example", "receptionist")
        .await;
    let inv = app
        .post("/api/v1/team/invitations")
        .cookie(&owner.cookie)
        .json(&json!({"email": "pending@alpha.example", "role": "admin"}))
        .send()
        .await;
    let key = app
        .post("/api/v1/api-keys")
        .cookie(&owner.cookie)
        .json(&json!({"name": "alpha-zapier"}))
        .send()
        .await;
    let skey = app
        .post("/api/v1/staff-keys")
        .cookie(&owner.cookie)
        .json(&json!({"user_id": member.user.to_string(), "name": "alpha-tablet"}))
        .send()
        .await;
    let grant = app
        .post("/api/v1/support-grants")
        .cookie(&owner.cookie)
        .json(&json!({"email": "help@alpha-vendor.example", "hours": 4}))
        .send()
        .await;
    let put = app
        .req(Method::PUT, "/api/v1/secrets/alpha_smtp")
        .cookie(&owner.cookie)
        .json(&json!({"value": "alpha-secret-value"}))
        .send()
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let loc_id: frontdesk_core::LocationId = loc.parse().unwrap();
    let salon = frontdesk_testkit::seed::salon(&app.db.store, owner.tenant, loc_id).await;
    let booking = app
        .post("/api/v1/bookings")
        .cookie(&owner.cookie)
        .json(&json!({"location_id": loc, "services": [{"service_id": salon.cut}], "start": "2026-11-24T10:00",
            "customer": {"name": "Alpha Customer", "phone": "+39 347 765 4321"}, "notes": "alpha-booking-note"}))
        .send()
        .await;
    assert_eq!(booking.status, StatusCode::CREATED, "{}", booking.text);
    let waitlist = app
        .post("/api/v1/waitlist")
        .cookie(&owner.cookie)
        .json(&json!({"location_id": loc, "service_id": salon.colour, "customer": {"name": "Alpha Waiter", "email": "waiter@alpha.example"},
            "window_start": "2026-11-24T09:00", "window_end": "2026-11-24T18:00"}))
        .send()
        .await;
    assert_eq!(waitlist.status, StatusCode::CREATED, "{}", waitlist.text);
    let jobs = app.get("/api/v1/jobs").cookie(&owner.cookie).send().await;
    app.drain_jobs().await;
    let mail = app.get("/api/v1/outbox").cookie(&owner.cookie).send().await;
    let [
        resource,
        table,
        area,
        combo,
        exception,
        service,
        period,
        customer,
    ] = seed_catalogue(app, &owner, &loc).await;
    let a = TenantA {
        resource,
        table,
        area,
        combo,
        exception,
        service,
        period,
        customer,
        location: loc,
        member: member.user.to_string(),
        invitation: inv.json["id"].as_str().unwrap().into(),
        api_key: key.json["id"].as_str().unwrap().into(),
        staff_key: skey.json["id"].as_str().unwrap().into(),
        grant: grant.json["id"].as_str().unwrap().into(),
        secret: "alpha_smtp",
        job: jobs.json[0]["id"].as_str().unwrap().into(),
        mail: mail.json[0]["id"].as_str().unwrap().into(),
        salon,
        booking: booking.json["id"].as_str().unwrap().into(),
        booking_customer: booking.json["customer_id"].as_str().unwrap().into(),
        manage_token: booking.json["manage_token"].as_str().unwrap().into(),
        waitlist: waitlist.json["id"].as_str().unwrap().into(),
        markers: Vec::new(),
        owner,
    };
    let mut markers = vec![
        a.owner.tenant.to_string(),
        a.owner.user.to_string(),
        "Alpha Salon".into(),
        "alpha-salon".into(),
        "owner@alpha.example".into(),
        "desk@alpha.example".into(),
        "pending@alpha.example".into(),
        "alpha-zapier".into(),
        "alpha-tablet".into(),
        "help@alpha-vendor.example".into(),
        // Not the secret's name: the walk itself makes B a secret of that name.
        "alpha-secret-value".into(),
        "Alpha Customer".into(),
        "+393477654321".into(),
        "alpha-booking-note".into(),
        "Alpha Waiter".into(),
        "Alpha Stylist".into(),
        "Alpha Terrace".into(),
        "Alpha T1".into(),
        "Alpha Colour".into(),
        "Alpha Dinner".into(),
        "Alpha Customer".into(),
        "Alpha holiday".into(),
        "+393331112222".into(),
        "guest@alpha.example".into(),
    ];
    markers.extend([
        a.location.clone(),
        a.member.clone(),
        a.invitation.clone(),
        a.api_key.clone(),
        a.staff_key.clone(),
        a.grant.clone(),
        a.job.clone(),
        a.mail.clone(),
        a.booking.clone(),
        a.booking_customer.clone(),
        a.waitlist.clone(),
        a.resource.clone(),
        a.table.clone(),
        a.area.clone(),
        a.combo.clone(),
        a.exception.clone(),
        a.service.clone(),
        a.period.clone(),
        a.customer.clone(),
    ]);
    TenantA { markers, ..a }
}

/// Which of A's ids goes into a path parameter.
fn fill(path: &str, a: &TenantA) -> Option<String> {
    if !path.contains('{') {
        return Some(path.to_string());
    }
    if path.ends_with("/locations/{id}/availability") {
        return Some(format!(
            "{}?services={}&from=2026-11-24",
            path.replace("{id}", &a.location),
            a.salon.cut
        ));
    }
    let id = if path.contains("/locations/{id}") {
        &a.location
    } else if path.contains("/invitations/{id}") {
        &a.invitation
    } else if path.contains("/team/{id}") {
        &a.member
    } else if path.contains("/api-keys/{id}") || path.contains("/app/keys/{id}") {
        &a.api_key
    } else if path.contains("/staff-keys/{id}") {
        &a.staff_key
    } else if path.contains("/support-grants/{id}") || path.contains("/app/support/{id}") {
        &a.grant
    } else if path.contains("/secrets/{id}") {
        return Some(path.replace("{id}", a.secret));
    } else if path.contains("/jobs/{id}") {
        &a.job
    } else if path.contains("/outbox/{id}") {
        &a.mail
    } else if path.contains("/bookings/{id}") {
        &a.booking
    } else if path.contains("/waitlist/{id}") {
        &a.waitlist
    } else if path.contains("/resources/{id}") {
        &a.resource
    } else if path.contains("/tables/{id}") {
        &a.table
    } else if path.contains("/areas/{id}") {
        &a.area
    } else if path.contains("/combos/{id}") {
        &a.combo
    } else if path.contains("/exceptions/{id}") {
        &a.exception
    } else if path.contains("/services/{id}") {
        &a.service
    } else if path.contains("/periods/{id}") {
        &a.period
    } else if path.contains("/customers/{id}") || path.contains("/clients/{id}") {
        &a.customer
    } else {
        return None;
    };
    Some(path.replace("{id}", id))
}

/// A valid body for each writing route, so the answer reflects the lookup, not validation.
fn json_body(method: &Method, path: &str, a: &TenantA) -> Option<Value> {
    Some(match (method.as_str(), path) {
        ("PATCH", "/api/v1/business") => json!({"name": "B renamed", "default_language": "en"}),
        ("PUT", "/api/v1/booking-page") => json!({"code_minutes": 7}),
        ("POST", "/api/v1/locations") | ("PUT", "/api/v1/locations/{id}") => {
            json!({"name": "B site", "slug": "b-walk-site", "time_zone": "Europe/Rome", "country": "IT", "currency": "EUR"})
        }
        ("PATCH", "/api/v1/team/{id}") => json!({"role": "admin"}),
        ("POST", "/api/v1/team/invitations") => {
            json!({"email": "walk@beta.example", "role": "receptionist"})
        }
        ("POST", "/api/v1/api-keys") => json!({"name": "walk"}),
        ("POST", "/api/v1/staff-keys") => json!({"user_id": a.member, "name": "walk"}),
        ("POST", "/api/v1/support-grants") => {
            json!({"email": "walk-support@beta.example", "hours": 1})
        }
        ("PUT", "/api/v1/secrets/{id}") => json!({"value": "b-value"}),
        ("PATCH", "/api/v1/me") => json!({"name": "B Owner", "language": "en"}),
        ("POST", "/api/v1/me/password") => {
            json!({"current_password": "wrong one here", "new_password": "another password 1"})
        }
        ("POST", "/api/v1/me/business") => json!({"business_id": a.owner.tenant.to_string()}),
        ("POST", "/api/v1/bookings") | ("POST", "/api/v1/walk-ins") => {
            json!({"location_id": a.location,
            "services": [{"service_id": a.salon.cut}], "start": "2026-11-24T16:00"})
        }
        ("POST", "/api/v1/bookings/{id}/reschedule") => json!({"start": "2026-11-24T16:00"}),
        ("PUT", "/api/v1/bookings/{id}/review-request") => json!({"enabled": false}),
        ("PUT", "/api/v1/notification-settings") => {
            json!({"reminder_hours": 2, "admin_enabled": false, "customer_channel": "email"})
        }
        ("PUT", "/api/v1/notification-templates")
        | ("POST", "/api/v1/notification-templates/preview") => {
            json!({"kind": "booking_reminder", "channel": "sms", "language": "en", "body": "B walk {{ when }}"})
        }
        ("POST", "/api/v1/notification-templates/reset") => {
            json!({"kind": "booking_reminder", "channel": "sms", "language": "en"})
        }
        ("POST", p) if p.starts_with("/api/v1/bookings/{id}/") => json!({"reason": "walk"}),
        ("POST", "/api/v1/waitlist") => {
            json!({"location_id": a.location, "service_id": a.salon.cut,
            "customer": {"name": "B", "email": "b@beta.example"}, "window_start": "2026-11-24T09:00", "window_end": "2026-11-24T18:00"})
        }
        ("POST", "/api/v1/locations/{id}/resources") => json!({"kind": "room", "name": "B room"}),
        ("PATCH", "/api/v1/resources/{id}") => json!({"name": "B renamed"}),
        ("PUT", "/api/v1/resources/{id}/hours") | ("PUT", "/api/v1/locations/{id}/hours") => {
            json!({"intervals": [{"weekday": 1, "start_min": 540, "end_min": 1020}]})
        }
        ("POST", "/api/v1/locations/{id}/areas") | ("PATCH", "/api/v1/areas/{id}") => {
            json!({"name": "B area"})
        }
        ("POST", "/api/v1/locations/{id}/combos") => {
            json!({"name": "B combo", "min_seats": 2, "max_seats": 4, "table_ids": []})
        }
        ("PATCH", "/api/v1/combos/{id}") => json!({"name": "B combo"}),
        ("POST", "/api/v1/locations/{id}/exceptions") => {
            json!({"starts_at": "2031-01-01T00:00:00Z", "ends_at": "2031-01-02T00:00:00Z"})
        }
        ("POST", "/api/v1/locations/{id}/services") => {
            json!({"name": "B service", "duration_min": 30, "price_minor": 100})
        }
        ("PATCH", "/api/v1/services/{id}") => json!({"name": "B service"}),
        ("PUT", "/api/v1/services/{id}/staff") => json!({"staff": []}),
        ("PUT", "/api/v1/services/{id}/requirements") => json!({"groups": []}),
        ("PUT", "/api/v1/locations/{id}/booking-rules") => json!({"slot_step_min": 30}),
        ("POST", "/api/v1/locations/{id}/periods") => {
            json!({"name": "B period", "weekdays": [1], "start_min": 600, "last_seating_min": 700, "turn_times": [{"max_party": 2, "minutes": 60}]})
        }
        ("PATCH", "/api/v1/periods/{id}") => json!({"name": "B period"}),
        ("POST", "/api/v1/customers") => json!({"name": "B walk customer"}),
        ("PATCH", "/api/v1/customers/{id}") => json!({"name": "B renamed"}),
        _ if method == Method::GET || method == Method::DELETE => return None,
        ("POST", p) if p.ends_with("/retry") => return None,
        _ => panic!("no body known for {method} {path}: teach the isolation walk about this route"),
    })
}

fn form_body(path: &str, a: &TenantA) -> Vec<(&'static str, String)> {
    let loc = vec![
        ("name", "B site".to_string()),
        ("slug", "b-walk-form".into()),
        ("address", "".into()),
        ("time_zone", "Europe/Rome".into()),
        ("country", "IT".into()),
        ("currency", "EUR".into()),
        ("brand_colour", "#123456".into()),
    ];
    match path {
        "/app/business" => vec![
            ("name", "B renamed".into()),
            ("default_language", "en".into()),
        ],
        "/app/locations" | "/app/locations/{id}" => loc,
        "/app/team" => vec![
            ("email", "walkform@beta.example".into()),
            ("role", "receptionist".into()),
        ],
        "/app/team/{id}/role" => vec![("role", "admin".into())],
        "/app/keys" => vec![("name", "walk".into()), ("role", "admin".into())],
        "/app/staff-keys" => vec![("user_id", a.member.clone()), ("name", "walk".into())],
        "/app/support" => vec![
            ("email", "walkform-support@beta.example".into()),
            ("hours", "1".into()),
            ("reason", "".into()),
        ],
        "/app/account/profile" => vec![
            ("name", "B Owner".into()),
            ("phone", "".into()),
            ("language", "en".into()),
        ],
        "/app/account/password" => vec![
            ("current_password", "wrong one here".into()),
            ("new_password", "another password 1".into()),
        ],
        "/app/account/business" => vec![("business_id", a.owner.tenant.to_string())],
        "/app/bookings/new" => vec![
            ("key", "walk-form".into()),
            ("service1", a.salon.cut.to_string()),
            ("start", "2026-11-24T16:00".into()),
            ("name", "B Walker".into()),
            ("phone", "+39 347 000 0000".into()),
        ],
        "/app/bookings/{id}/reschedule" => vec![("start", "2026-11-24T16:00".into())],
        p if p.starts_with("/app/bookings/{id}/") => vec![("reason", "walk".into())],
        // A's location: the lookup must refuse it before anything is seated.
        "/app/floor/walk-in" => vec![("location", a.location.clone()), ("party", "2".into())],
        // Catalogue: A's location or A's ids; the lookup must refuse them before any write.
        "/app/catalogue/services" | "/app/catalogue/services/{id}" => vec![
            ("location", a.location.clone()),
            ("name", "B walk service".into()),
            ("duration_min", "30".into()),
            ("price_minor", "10.00".into()),
            ("segments", "none".into()),
        ],
        "/app/catalogue/services/{id}/staff" => vec![("staff", a.resource.clone())],
        "/app/catalogue/team" | "/app/catalogue/resources/{id}" => vec![
            ("location", a.location.clone()),
            ("kind", "room".into()),
            ("name", "B walk room".into()),
        ],
        "/app/catalogue/hours" | "/app/catalogue/resources/{id}/hours" => vec![
            ("location", a.location.clone()),
            ("d1a_start", "09:00".into()),
            ("d1a_end", "17:00".into()),
        ],
        "/app/catalogue/closures" | "/app/catalogue/resources/{id}/time-off" => vec![
            ("location", a.location.clone()),
            ("starts_at", "2026-12-25T00:00".into()),
            ("ends_at", "2026-12-26T00:00".into()),
        ],
        // Restaurant screens: A's location, A's tables and ids; refused before any write.
        "/app/catalogue/tables" | "/app/catalogue/tables/{id}" => vec![
            ("location", a.location.clone()),
            ("name", "B walk table".into()),
            ("min_seats", "1".into()),
            ("max_seats", "2".into()),
        ],
        "/app/catalogue/areas" | "/app/catalogue/areas/{id}" => vec![
            ("location", a.location.clone()),
            ("area_name", "B walk area".into()),
            ("name", "B walk area".into()),
        ],
        "/app/catalogue/combos" | "/app/catalogue/combos/{id}" => vec![
            ("location", a.location.clone()),
            ("name", "B walk combo".into()),
            ("min_seats", "2".into()),
            ("max_seats", "4".into()),
            ("table", a.table.clone()),
            ("table", a.table.clone()),
        ],
        "/app/catalogue/periods" | "/app/catalogue/periods/{id}" => vec![
            ("location", a.location.clone()),
            ("name", "B walk period".into()),
            ("weekday", "1".into()),
            ("start", "18:00".into()),
            ("last_seating", "21:00".into()),
            ("slot_step_min", "15".into()),
            ("tt1_party", "4".into()),
            ("tt1_min", "120".into()),
        ],
        "/app/catalogue/services/{id}/requirements" => vec![("group1", a.resource.clone())],
        "/app/catalogue/rules" => vec![
            ("location", a.location.clone()),
            ("slot_step_min", "15".into()),
            ("min_notice_min", "60".into()),
            ("window_days", "60".into()),
            ("cancel_cutoff_h", "24".into()),
            ("edit_cutoff_h", "24".into()),
            ("hold_minutes", "10".into()),
        ],
        _ => vec![],
    }
}

/// Routes that only end the caller's own sessions; walking them would sign B out mid-walk.
const SELF_ONLY: &[&str] = &[
    // A never-ending stream of the caller's own business; tests/events.rs proves another
    // business's changes never reach it.
    "/api/v1/events",
    "/api/v1/auth/logout",
    "/api/v1/auth/logout-everywhere",
    "/logout",
    "/logout-everywhere",
];

async fn snapshot(app: &TestApp, a: &TenantA) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for t in app.db.store.describe_schema().await.unwrap() {
        if t.columns.iter().any(|c| c == "tenant_id") {
            out.insert(
                t.name.clone(),
                app.db
                    .store
                    .count_tenant_rows(&t.name, a.owner.tenant)
                    .await
                    .unwrap(),
            );
        }
    }
    out
}

fn assert_nothing_of_a(res: &TestResponse, a: &TenantA, what: &str) {
    for m in &a.markers {
        assert!(
            !res.text.contains(m.as_str()),
            "{what}: the response reveals tenant A's {m:?}: {}",
            res.text
        );
    }
}

enum Cred {
    Cookie(String),
    Bearer(String),
}

async fn walk(app: &TestApp, a: &TenantA, cred: &Cred, api_only: bool) -> usize {
    let mut walked = 0;
    for r in &app.routes {
        if r.access == Access::Public || SELF_ONLY.contains(&r.path) {
            continue;
        }
        if api_only && !r.path.starts_with("/api/") {
            continue;
        }
        let Some(path) = fill(r.path, a) else {
            panic!(
                "{} {} has a path parameter the isolation walk does not know: add it to fill()",
                r.method, r.path
            );
        };
        let mut req = match cred {
            Cred::Cookie(c) => app.req(r.method.clone(), &path).cookie(c),
            Cred::Bearer(k) => app.req(r.method.clone(), &path).bearer(k),
        };
        if r.path.starts_with("/api/") {
            if let Some(b) = json_body(&r.method, r.path, a) {
                req = req.json(&b);
            }
        } else if r.method == Method::POST {
            let pairs = form_body(r.path, a);
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            req = req.form(&refs);
        }
        let res = req.send().await;
        let what = format!("{} {}", r.method, r.path);
        assert!(
            res.status != StatusCode::INTERNAL_SERVER_ERROR,
            "{what}: 500: {}",
            res.text
        );
        if matches!(cred, Cred::Bearer(_)) && r.access == Access::SignedIn {
            // Personal routes need a session cookie; an API key is not a person.
            assert_eq!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "{what} with an API key: {}",
                res.text
            );
            walked += 1;
            continue;
        }
        if matches!(cred, Cred::Bearer(_)) && r.access == Access::Owner {
            // API keys never act as owners (promise A2): refused before any lookup.
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{what} with an admin API key: {}",
                res.text
            );
            assert_nothing_of_a(&res, a, &what);
            walked += 1;
            continue;
        }
        let targets_a = r.path.contains('{')
            || r.path.ends_with("/me/business")
            || r.path.ends_with("/account/business");
        if targets_a {
            // Secrets are named per business: B writing or deleting "alpha_smtp" acts on B's
            // own secret of that name; A's is checked intact after the walk.
            let own_namespace = r.path.contains("/secrets/{id}");
            if !own_namespace {
                assert_eq!(
                    res.status,
                    StatusCode::NOT_FOUND,
                    "{what} with A's id must be 404 for B: {}",
                    res.text
                );
            }
        }
        assert_nothing_of_a(&res, a, &what);
        walked += 1;
    }
    walked
}

#[tokio::test]
async fn a_second_business_gets_nothing_on_any_route() {
    let app = TestApp::new().await;
    let a = seed_a(&app).await;
    let b = app.signup("Beta Clinic", "owner@beta.example").await;
    let b_key = app.api_key(&b, "admin").await;
    let before = snapshot(&app, &a).await;

    let n = walk(&app, &a, &Cred::Cookie(b.cookie.clone()), false).await;
    let m = walk(&app, &a, &Cred::Bearer(b_key.clone()), true).await;

    let protected = app
        .routes
        .iter()
        .filter(|r| r.access != Access::Public && !SELF_ONLY.contains(&r.path))
        .count();
    assert_eq!(
        n, protected,
        "every protected route was walked with B's session"
    );
    assert!(
        m >= 30,
        "the API routes were walked with B's API key too ({m})"
    );

    // A is untouched: the same number of rows in every tenant table, its secret intact, its
    // owner and keys still working.
    let after = snapshot(&app, &a).await;
    assert_eq!(before, after, "B's walk changed tenant A's data");
    assert_eq!(
        app.app
            .read_secret(a.owner.tenant, "alpha_smtp")
            .await
            .unwrap()
            .as_deref(),
        Some("alpha-secret-value")
    );
    let r = app
        .get("/api/v1/locations")
        .cookie(&a.owner.cookie)
        .send()
        .await;
    assert_eq!(r.json[0]["id"], a.location.as_str());
    assert_eq!(r.json[0]["name"], "Alpha Salon");
    let team = app.get("/api/v1/team").cookie(&a.owner.cookie).send().await;
    assert!(
        team.json
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == a.member.as_str() && m["role"] == "receptionist")
    );
}

#[tokio::test]
async fn credentials_naming_another_tenant_are_refused() {
    let app = TestApp::new().await;
    let a = seed_a(&app).await;
    let b = app.signup("Beta Clinic", "owner@beta.example").await;
    // An API key of B with A's tenant spliced in is just an invalid key.
    let b_key = app.api_key(&b, "admin").await;
    let _ = &a;
    let mut forged = b_key.clone();
    forged.replace_range(3..10, "AAAAAAA");
    app.get("/api/v1/business")
        .bearer(&forged)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // B cannot switch its session into A.
    let r = app
        .post("/api/v1/me/business")
        .cookie(&b.cookie)
        .json(&json!({"business_id": a.owner.tenant.to_string()}))
        .send()
        .await;
    r.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        app.get("/api/v1/business")
            .cookie(&b.cookie)
            .send()
            .await
            .json["name"],
        "Beta Clinic"
    );
}

/// T3: the public routes resolve the business from the slug (or the manage token) only. B's
/// booking page given A's service, staff or booking token — in the path, query or body — finds
/// nothing of A, answers no 5xx, and writes nothing in A; a token naming A's booking with a
/// wrong secret opens nothing.
#[tokio::test]
async fn public_routes_never_reach_another_business() {
    let app = TestApp::new().await;
    let a = seed_a(&app).await;
    let b = app.signup("Beta Clinic", "owner@beta.example").await;
    let b_slug = "beta-clinic";
    let before = snapshot(&app, &a).await;
    let a_booking: frontdesk_core::BookingId = a.booking.parse().unwrap();
    let forged =
        frontdesk_core::token::Credential::generate(a.owner.tenant.uuid(), a_booking.uuid())
            .render("mb");
    let mut walked = 0;
    for r in app.routes.iter().filter(|r| r.access == Access::Public) {
        let customer_side = r.path.starts_with("/{slug}")
            || r.path.starts_with("/api/public/")
            || r.path.starts_with("/manage/");
        if !customer_side {
            continue;
        }
        let path = r.path.replace("{slug}", b_slug).replace("{token}", &forged);
        let what = format!("{} {}", r.method, r.path);
        let cut = a.salon.cut.to_string();
        let ana = a.salon.ana.to_string();
        let req = match (r.method.as_str(), r.path) {
            ("GET", "/{slug}") => app.get(&format!("{path}?service={cut}&staff={ana}&start=2026-11-24T10%3A00")),
            ("GET", "/api/public/{slug}/availability") => {
                app.get(&format!("{path}?services={cut}&staff={ana}&date=2026-11-24"))
            }
            ("GET", _) => app.get(&path),
            ("POST", "/{slug}") => app.post(&path).form(&[
                ("service", cut.as_str()),
                ("staff", ana.as_str()),
                ("start", "2026-11-24T16:00"),
                ("name", "B walker"),
                ("phone", "+39 347 000 0000"),
            ]),
            ("POST", "/api/public/{slug}/bookings") => app.post(&path).json(&json!({
                "services": [cut], "staff_id": ana, "start": "2026-11-24T16:00", "name": "B walker", "phone": "+39 347 000 0000"})),
            ("POST", "/api/public/{slug}/bookings/verify") => {
                app.post(&path).json(&json!({"token": a.manage_token, "code": "123456"}))
            }
            ("POST", "/api/public/{slug}/bookings/resend") => {
                app.post(&path).json(&json!({"token": a.manage_token}))
            }
            ("POST", p) if p.starts_with("/manage/{token}") => {
                app.post(&path).form(&[("code", "123456"), ("start", "2026-11-24T16:00")])
            }
            (m, p) => panic!("the public walk does not know {m} {p}: teach it"),
        };
        let res = req.send().await;
        assert!(
            res.status != StatusCode::INTERNAL_SERVER_ERROR,
            "{what}: {}",
            res.text
        );
        let reaches_a = r.path == "/{slug}"
            || r.path.contains("/availability")
            || r.path.contains("{token}")
            || (r.method == axum::http::Method::POST && r.path.starts_with("/api/public/"));
        if reaches_a {
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{what}: {}", res.text);
        }
        assert_nothing_of_a(&res, &a, &what);
        walked += 1;
    }
    assert!(
        walked >= 12,
        "every customer-side route was walked ({walked})"
    );
    assert_eq!(
        before,
        snapshot(&app, &a).await,
        "the walk changed tenant A's data"
    );
    assert_eq!(
        app.db
            .store
            .count_tenant_rows("bookings", b.tenant)
            .await
            .unwrap(),
        0
    );
}
