//! The JSON API end to end through the real router: sign-up, sign-in, sessions, links, keys,
//! team, support access, secrets, audit, jobs, bad input. Promise ids are cited per test.

use axum::http::{Method, StatusCode};
use frontdesk_testkit::{Session, TestApp};
use serde_json::json;

const HOUR_MS: i64 = 3600 * 1000;

async fn owner(app: &TestApp) -> Session {
    app.signup("Salon Uno", "owner@uno.example").await
}

fn signup_body(email: &str, slug: &str) -> serde_json::Value {
    json!({
        "business_name": "Salon Due", "name": "Ana", "email": email, "password": "correct horse battery",
        "slug": slug, "time_zone": "Europe/Rome", "country": "IT", "currency": "EUR"
    })
}

// ---------- sign-up and bad input (S2) ----------

#[tokio::test]
async fn signup_creates_business_owner_and_first_location() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let me = app.get("/api/v1/me").cookie(&o.cookie).send().await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["role"], "owner");
    assert_eq!(me.json["business_id"], o.tenant.to_string());
    let locs = app.get("/api/v1/locations").cookie(&o.cookie).send().await;
    assert_eq!(locs.json.as_array().unwrap().len(), 1);
    assert_eq!(locs.json[0]["slug"], "salon-uno");
    assert_eq!(locs.json[0]["time_zone"], "Europe/Rome");
    // Promise A1: the password hash is never returned.
    assert!(!me.text.contains("argon2"));
    // A6: sign-up and login are in the audit log.
    let audit = app.get("/api/v1/audit").cookie(&o.cookie).send().await;
    let actions: Vec<&str> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"signup") && actions.contains(&"login"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn signup_rejects_each_invalid_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let cases = [
        ("email", json!("not-an-email")),
        ("time_zone", json!("Mars/Olympus")),
        ("country", json!("XX")),
        ("currency", json!("ABC")),
        ("slug", json!("Bad Slug!")),
        ("password", json!("short")),
        ("password", json!("x".repeat(100_000))),
        ("business_name", json!("   ")),
        ("name", json!("zero\u{200b}width")),
    ];
    for (field, value) in cases {
        let mut body = signup_body("ana@due.example", "salon-due");
        body[field] = value;
        let res = app.post("/api/v1/signup").json(&body).send().await;
        res.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(
            res.json["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{field}: {}",
            res.text
        );
        assert!(res.json["request_id"].is_string());
    }
    // Nothing was created: the e-mail is still free.
    let ok = app
        .post("/api/v1/signup")
        .json(&signup_body("ana@due.example", "salon-due"))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
}

#[tokio::test]
async fn signup_conflicts_on_taken_email_or_slug() {
    let app = TestApp::new().await;
    owner(&app).await;
    let res = app
        .post("/api/v1/signup")
        .json(&signup_body("OWNER@uno.example", "other-slug"))
        .send()
        .await;
    res.assert_problem(StatusCode::CONFLICT, "email_taken");
    let res = app
        .post("/api/v1/signup")
        .json(&signup_body("new@uno.example", "salon-uno"))
        .send()
        .await;
    res.assert_problem(StatusCode::CONFLICT, "slug_taken");
    // The failed sign-up left no account behind.
    let res = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": "new@uno.example", "password": "correct horse battery"}))
        .send()
        .await;
    res.assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
}

#[tokio::test]
async fn malformed_bodies_get_clear_problems() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let path = "/api/v1/locations";
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .raw("application/json", "{\"name\": ")
        .send()
        .await;
    r.assert_problem(StatusCode::BAD_REQUEST, "malformed_json");
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .raw("text/plain", "hello")
        .send()
        .await;
    r.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .raw("application/json", vec![0xff, 0xfe, 0x7b])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let mut deep = String::new();
    for _ in 0..5000 {
        deep.push('[');
    }
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .raw("application/json", deep)
        .send()
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .json(&json!({"name": "X", "slug": "x-loc", "time_zone": "UTC", "country": "IT", "currency": "EUR", "tenant_id": "ten_x"}))
        .send()
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(
        r.text.contains("tenant_id"),
        "unknown protected field is named: {}",
        r.text
    );
    let big = "x".repeat(2 * 1024 * 1024);
    let r = app
        .post(path)
        .cookie(&o.cookie)
        .raw("application/json", format!("{{\"name\":\"{big}\"}}"))
        .send()
        .await;
    r.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Still exactly one location.
    let locs = app.get(path).cookie(&o.cookie).send().await;
    assert_eq!(locs.json.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn locations_validate_and_store_text_literally() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let body = json!({
        "name": "<script>alert(1)</script> & 'quotes'", "slug": "second-site", "address": "'; DROP TABLE locations; --",
        "phone": "02 1234 5678", "time_zone": "Europe/Rome", "country": "IT", "currency": "EUR", "brand_colour": "#AABBCC"
    });
    let r = app
        .post("/api/v1/locations")
        .cookie(&o.cookie)
        .json(&body)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["name"], "<script>alert(1)</script> & 'quotes'");
    assert_eq!(r.json["phone"], "+390212345678");
    assert_eq!(r.json["brand_colour"], "#aabbcc");
    let id = r.json["id"].as_str().unwrap().to_string();
    for (field, value) in [
        ("phone", json!("12")),
        ("time_zone", json!("Europe/Atlantis")),
        ("brand_colour", json!("blue")),
        ("image_url", json!("javascript:alert(1)")),
    ] {
        let mut b = body.clone();
        b["slug"] = json!("third-site");
        b[field] = value;
        let r = app
            .req(Method::PUT, &format!("/api/v1/locations/{id}"))
            .cookie(&o.cookie)
            .json(&b)
            .send()
            .await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let r = app
        .get(&format!("/api/v1/locations/{id}"))
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(
        r.json["slug"], "second-site",
        "failed updates changed nothing"
    );
    // The last location cannot be deleted; this one can.
    let first = app
        .get("/api/v1/locations")
        .cookie(&o.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/locations/{id}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.req(Method::DELETE, &format!("/api/v1/locations/{first}"))
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::CONFLICT, "last_location");
    // A malformed id is simply not found.
    app.get("/api/v1/locations/not-an-id")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

// ---------- sign-in (A1, A5, S1) ----------

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::new().await;
    owner(&app).await;
    let wrong = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": "owner@uno.example", "password": "wrong password!"}))
        .send()
        .await;
    let unknown = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": "nobody@uno.example", "password": "wrong password!"}))
        .send()
        .await;
    wrong.assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    unknown.assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(wrong.json["detail"], unknown.json["detail"]);
    assert!(wrong.session_cookie().is_none() && unknown.session_cookie().is_none());
    let big = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": "owner@uno.example", "password": "x".repeat(1_000_000)}))
        .send()
        .await;
    assert!(
        big.status.is_client_error(),
        "a 1 MB password is refused without hashing: {}",
        big.status
    );
}

#[tokio::test]
async fn unknown_accounts_take_as_long_as_known_ones() {
    let app = TestApp::new().await;
    owner(&app).await;
    let time = |email: &'static str| {
        let app = &app;
        async move {
            let t = std::time::Instant::now();
            for _ in 0..3 {
                app.post("/api/v1/auth/login")
                    .from_ip("10.1.1.1")
                    .json(&json!({"email": email, "password": "wrong password!"}))
                    .send()
                    .await;
            }
            t.elapsed().as_secs_f64()
        }
    };
    let known = time("owner@uno.example").await;
    let unknown = time("ghost@uno.example").await;
    // Both run one argon2id verification; the unknown path must not be an early return.
    assert!(
        unknown > known * 0.4,
        "unknown {unknown:.3}s vs known {known:.3}s"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    for i in 0..10 {
        let r = app
            .post("/api/v1/auth/login")
            .from_ip(&format!("10.0.0.{i}"))
            .json(&json!({"email": o.email, "password": "wrong password!"}))
            .send()
            .await;
        r.assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let r = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": o.email, "password": "correct horse battery"}))
        .send()
        .await;
    r.assert_problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert!(r.headers.get("retry-after").is_some());
    app.clock.advance_ms(16 * 60 * 1000);
    app.login(&o.email, "correct horse battery").await;
    let audit = app
        .get("/api/v1/audit?action=login.failed")
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(
        audit.json.as_array().unwrap().len(),
        10,
        "each failure is in the security log (A6)"
    );
}

#[tokio::test]
async fn auth_routes_have_a_stricter_rate_limit() {
    let app = TestApp::builder()
        .web(|w| w.rate_limits.auth_per_min = 5)
        .build()
        .await;
    for i in 0..5 {
        let r = app
            .post("/api/v1/auth/magic-link")
            .from_ip("192.0.2.7")
            .json(&json!({"email": format!("x{i}@y.example")}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    let r = app
        .post("/api/v1/auth/magic-link")
        .from_ip("192.0.2.7")
        .json(&json!({"email": "x9@y.example"}))
        .send()
        .await;
    r.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(r.headers.get("retry-after").is_some());
    // Another client is not affected.
    let other = app
        .post("/api/v1/auth/magic-link")
        .from_ip("192.0.2.8")
        .json(&json!({"email": "x@y.example"}))
        .send()
        .await;
    assert_eq!(other.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn sessions_expire_after_their_lifetime_and_logout_ends_them() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let second = app.login(&o.email, "correct horse battery").await;
    assert_eq!(
        app.get("/api/v1/me").cookie(&second).send().await.status,
        StatusCode::OK
    );
    // A5: logout ends the session server-side: the same cookie no longer works.
    assert_eq!(
        app.post("/api/v1/auth/logout")
            .cookie(&second)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.get("/api/v1/me")
        .cookie(&second)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // The other session lives until 24 h have passed.
    app.clock.advance_ms(23 * HOUR_MS);
    assert_eq!(
        app.get("/api/v1/me").cookie(&o.cookie).send().await.status,
        StatusCode::OK
    );
    app.clock.advance_ms(HOUR_MS + 1);
    app.get("/api/v1/me")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn session_lifetime_is_configurable() {
    let app = TestApp::builder()
        .config(|c| c.session_ttl = std::time::Duration::from_secs(3600))
        .build()
        .await;
    let o = owner(&app).await;
    app.clock.advance_ms(HOUR_MS + 1);
    app.get("/api/v1/me")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session_at_once() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let other = app.login(&o.email, "correct horse battery").await;
    let r = app
        .post("/api/v1/auth/logout-everywhere")
        .cookie(&other)
        .send()
        .await;
    assert_eq!(r.json["sessions_ended"], 2);
    for c in [&o.cookie, &other] {
        app.get("/api/v1/me")
            .cookie(c)
            .send()
            .await
            .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}

#[tokio::test]
async fn session_cookie_is_host_only_httponly_secure_lax() {
    let app = TestApp::new().await;
    owner(&app).await;
    let r = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": "owner@uno.example", "password": "correct horse battery"}))
        .send()
        .await;
    let set = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set.starts_with("__Host-fd_session="), "{set}");
    for attr in [
        "Path=/",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Max-Age=86400",
    ] {
        assert!(set.contains(attr), "{attr} missing in {set}");
    }
}

#[tokio::test]
async fn imported_bcrypt_hash_is_accepted_and_upgraded() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    // Simulate an import: replace the owner's hash with a bcrypt one.
    let legacy = bcrypt_hash("imported secret 1");
    let mut tx = app.db.store.begin().await.unwrap();
    tx.set_password_hash(o.user, &legacy, 0).await.unwrap();
    tx.commit().await.unwrap();
    app.login(&o.email, "imported secret 1").await;
    let stored = app
        .db
        .store
        .user(o.user)
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "upgraded at login: {stored}"
    );
    app.login(&o.email, "imported secret 1").await;
}

fn bcrypt_hash(pw: &str) -> String {
    frontdesk_testkit::bcrypt_for_tests(pw)
}

// ---------- magic links and password reset (A7) ----------

#[tokio::test]
async fn magic_link_signs_in_once_and_expires() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    assert_eq!(
        app.post("/api/v1/auth/magic-link")
            .json(&json!({"email": o.email}))
            .send()
            .await
            .status,
        StatusCode::ACCEPTED
    );
    app.drain_jobs().await;
    let link = app
        .link_in_mail(&o.email, "/auth/magic/")
        .await
        .expect("a sign-in link was mailed");
    let token = link.rsplit('/').next().unwrap();
    let r = app
        .post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": token}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.session_cookie().is_some());
    app.post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": token}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
    // A fresh link expires after 15 minutes.
    app.post("/api/v1/auth/magic-link")
        .json(&json!({"email": o.email}))
        .send()
        .await;
    app.drain_jobs().await;
    let link2 = app.link_in_mail(&o.email, "/auth/magic/").await.unwrap();
    assert_ne!(link, link2);
    app.clock.advance_ms(15 * 60 * 1000 + 1);
    let t2 = link2.rsplit('/').next().unwrap();
    app.post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": t2}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
    // A forged token (right shape, wrong secret) is refused the same way.
    let mut forged = t2.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    app.post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": forged}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
}

#[tokio::test]
async fn magic_link_for_unknown_address_sends_nothing_and_looks_the_same() {
    let app = TestApp::new().await;
    let r = app
        .post("/api/v1/auth/magic-link")
        .json(&json!({"email": "nobody@nowhere.example"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    app.drain_jobs().await;
    assert!(app.mail_to("nobody@nowhere.example").await.is_empty());
    app.post("/api/v1/auth/magic-link")
        .json(&json!({"email": "bad"}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn password_reset_is_single_use_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    app.post("/api/v1/auth/password-reset")
        .json(&json!({"email": o.email}))
        .send()
        .await;
    app.drain_jobs().await;
    let link = app.link_in_mail(&o.email, "/auth/reset/").await.unwrap();
    let token = link.rsplit('/').next().unwrap();
    app.post("/api/v1/auth/password-reset/complete")
        .json(&json!({"token": token, "password": "short"}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = app
        .post("/api/v1/auth/password-reset/complete")
        .json(&json!({"token": token, "password": "a brand new password"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.get("/api/v1/me")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.post("/api/v1/auth/password-reset/complete")
        .json(&json!({"token": token, "password": "another new password"}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
    app.login(&o.email, "a brand new password").await;
    let old = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": o.email, "password": "correct horse battery"}))
        .send()
        .await;
    old.assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
}

// ---------- keys (A3, A4) ----------

#[tokio::test]
async fn api_keys_are_shown_once_stored_salted_and_revocable() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let key = app.api_key(&o, "admin").await;
    assert!(key.starts_with("ak_"));
    let list = app.get("/api/v1/api-keys").cookie(&o.cookie).send().await;
    assert!(
        !list.text.contains(&key[3..20]),
        "the key is never shown again"
    );
    assert!(list.json[0]["key"].is_null());
    assert!(list.json[0]["last_used_at"].is_null());
    let r = app.get("/api/v1/business").bearer(&key).send().await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["name"], "Salon Uno");
    let list = app.get("/api/v1/api-keys").cookie(&o.cookie).send().await;
    assert!(list.json[0]["last_used_at"].is_string(), "last use is kept");
    let row = &app.db.store.tenant(o.tenant).api_keys().await.unwrap()[0];
    let (salt, hash) = row.secret_hash.split_once('$').unwrap();
    assert_eq!((salt.len(), hash.len()), (32, 64), "salted SHA-256");
    assert!(!key.contains(hash));
    // An admin-role key cannot do owner-only things (A2).
    app.get("/api/v1/audit")
        .bearer(&key)
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "owner_only");
    let id = list.json[0]["id"].as_str().unwrap();
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/api-keys/{id}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.get("/api/v1/business")
        .bearer(&key)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.get("/api/v1/business")
        .bearer("ak_garbage")
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let audit = app
        .get("/api/v1/audit?action=api_key.")
        .cookie(&o.cookie)
        .send()
        .await;
    assert_eq!(
        audit.json.as_array().unwrap().len(),
        2,
        "created and revoked are audited"
    );
}

#[tokio::test]
async fn a_staff_key_holds_one_session_at_a_time() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let desk = app.add_member(&o, "desk@uno.example", "receptionist").await;
    let r = app
        .post("/api/v1/staff-keys")
        .cookie(&o.cookie)
        .json(&json!({"user_id": desk.user.to_string(), "name": "Front tablet"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let key = r.json["key"].as_str().unwrap().to_string();
    let key_id = r.json["id"].as_str().unwrap().to_string();
    assert!(key.starts_with("sk_"));
    let first = app
        .post("/api/v1/auth/staff-key")
        .json(&json!({"key": key}))
        .send()
        .await
        .session_cookie()
        .unwrap();
    let me = app.get("/api/v1/me").cookie(&first).send().await;
    assert_eq!(me.json["role"], "receptionist");
    // A4: a new login with the same key ends the previous session.
    let second = app
        .post("/api/v1/auth/staff-key")
        .json(&json!({"key": key}))
        .send()
        .await
        .session_cookie()
        .unwrap();
    app.get("/api/v1/me")
        .cookie(&first)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(
        app.get("/api/v1/me").cookie(&second).send().await.status,
        StatusCode::OK
    );
    // The member's own password session is not affected.
    assert_eq!(
        app.get("/api/v1/me")
            .cookie(&desk.cookie)
            .send()
            .await
            .status,
        StatusCode::OK
    );
    // Revoking ends its session and it can no longer sign in.
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/staff-keys/{key_id}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.get("/api/v1/me")
        .cookie(&second)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.post("/api/v1/auth/staff-key")
        .json(&json!({"key": key}))
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
}

// ---------- team and roles (A2) ----------

#[tokio::test]
async fn invitations_roles_and_removal() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let desk = app.add_member(&o, "desk@uno.example", "receptionist").await;
    let team = app.get("/api/v1/team").cookie(&desk.cookie).send().await;
    assert_eq!(team.json.as_array().unwrap().len(), 2);
    // Owner-only actions are refused to a receptionist.
    for (m, p, body) in [
        (
            Method::POST,
            "/api/v1/team/invitations",
            json!({"email": "x@uno.example", "role": "admin"}),
        ),
        (
            Method::PATCH,
            "/api/v1/business",
            json!({"name": "Mine now", "default_language": "en"}),
        ),
        (Method::POST, "/api/v1/api-keys", json!({"name": "k"})),
        (Method::GET, "/api/v1/audit", json!(null)),
    ] {
        let mut req = app.req(m, p).cookie(&desk.cookie);
        if !body.is_null() {
            req = req.json(&body);
        }
        req.send()
            .await
            .assert_problem(StatusCode::FORBIDDEN, "owner_only");
    }
    // Inviting an existing member or with a bad role fails clearly.
    app.post("/api/v1/team/invitations")
        .cookie(&o.cookie)
        .json(&json!({"email": "desk@uno.example", "role": "admin"}))
        .send()
        .await
        .assert_problem(StatusCode::CONFLICT, "already_member");
    app.post("/api/v1/team/invitations")
        .cookie(&o.cookie)
        .json(&json!({"email": "x@uno.example", "role": "owner"}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Role change, then removal ends their session at once.
    let p = format!("/api/v1/team/{}", desk.user);
    assert_eq!(
        app.req(Method::PATCH, &p)
            .cookie(&o.cookie)
            .json(&json!({"role": "admin"}))
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/me").cookie(&desk.cookie).send().await.json["role"],
        "admin"
    );
    // The last owner can be neither demoted nor removed.
    let op = format!("/api/v1/team/{}", o.user);
    app.req(Method::PATCH, &op)
        .cookie(&o.cookie)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .assert_problem(StatusCode::CONFLICT, "last_owner");
    app.req(Method::DELETE, &op)
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::CONFLICT, "last_owner");
    assert_eq!(
        app.req(Method::DELETE, &p)
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Removal ended their session in this business at once.
    app.get("/api/v1/business")
        .cookie(&desk.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let audit = app
        .get("/api/v1/audit?action=team.")
        .cookie(&o.cookie)
        .send()
        .await;
    let actions: Vec<&str> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "team.invited",
        "team.joined",
        "team.role_changed",
        "team.removed",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn invitation_links_are_single_use_revocable_and_expire() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let r = app
        .post("/api/v1/team/invitations")
        .cookie(&o.cookie)
        .json(&json!({"email": "pro@uno.example", "role": "professional"}))
        .send()
        .await;
    let token = r.json["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let id = r.json["id"].as_str().unwrap().to_string();
    app.drain_jobs().await;
    assert!(
        app.link_in_mail("pro@uno.example", "/invite/")
            .await
            .is_some(),
        "the invitation is e-mailed"
    );
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/team/invitations/{id}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.post("/api/v1/invitations/accept")
        .json(&json!({"token": token, "name": "Pro", "password": "pro password 12"}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
    let r = app
        .post("/api/v1/team/invitations")
        .cookie(&o.cookie)
        .json(&json!({"email": "pro@uno.example", "role": "professional"}))
        .send()
        .await;
    let token = r.json["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    app.clock.advance_ms(7 * 24 * HOUR_MS + 1);
    app.post("/api/v1/invitations/accept")
        .json(&json!({"token": token, "name": "Pro", "password": "pro password 12"}))
        .send()
        .await
        .assert_problem(StatusCode::GONE, "link_invalid");
}

// ---------- support access (A8) ----------

#[tokio::test]
async fn support_access_is_read_only_audited_time_boxed_and_revocable() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let r = app
        .post("/api/v1/support-grants")
        .cookie(&o.cookie)
        .json(&json!({"email": "help@vendor.example", "hours": 2, "reason": "ticket 42"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let grant = r.json["id"].as_str().unwrap().to_string();
    app.drain_jobs().await;
    let link = app
        .link_in_mail("help@vendor.example", "/auth/magic/")
        .await
        .expect("support gets a sign-in link");
    let token = link.rsplit('/').next().unwrap();
    let cookie = app
        .post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": token}))
        .send()
        .await
        .session_cookie()
        .unwrap();
    let me = app.get("/api/v1/me").cookie(&cookie).send().await;
    assert_eq!(me.json["role"], "support");
    assert_eq!(
        app.get("/api/v1/locations")
            .cookie(&cookie)
            .send()
            .await
            .status,
        StatusCode::OK
    );
    app.req(Method::PATCH, "/api/v1/business")
        .cookie(&cookie)
        .json(&json!({"name": "x", "default_language": "en"}))
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "read_only");
    app.post("/api/v1/locations").cookie(&cookie).json(&json!({"name": "X", "slug": "x-site", "time_zone": "UTC", "country": "IT", "currency": "EUR"})).send().await.assert_problem(StatusCode::FORBIDDEN, "read_only");
    let audit = app
        .get("/api/v1/audit?action=support.")
        .cookie(&o.cookie)
        .send()
        .await;
    let reads: Vec<_> = audit
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "support.read")
        .collect();
    assert!(
        reads.iter().any(|e| e["target"] == "/api/v1/locations"),
        "every support read is audited: {}",
        audit.text
    );
    assert!(reads.iter().all(|e| e["actor_kind"] == "support"));
    // Revocation ends it at once.
    assert_eq!(
        app.req(Method::DELETE, &format!("/api/v1/support-grants/{grant}"))
            .cookie(&o.cookie)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let after = app.get("/api/v1/locations").cookie(&cookie).send().await;
    assert!(
        after.status == StatusCode::UNAUTHORIZED || after.status == StatusCode::FORBIDDEN,
        "{}",
        after.status
    );
    // A new grant expires by itself.
    app.post("/api/v1/support-grants")
        .cookie(&o.cookie)
        .json(&json!({"email": "help@vendor.example", "hours": 1}))
        .send()
        .await;
    app.drain_jobs().await;
    let link = app
        .link_in_mail("help@vendor.example", "/auth/magic/")
        .await
        .unwrap();
    let cookie = app
        .post("/api/v1/auth/magic-link/consume")
        .json(&json!({"token": link.rsplit('/').next().unwrap()}))
        .send()
        .await
        .session_cookie()
        .unwrap();
    assert_eq!(
        app.get("/api/v1/locations")
            .cookie(&cookie)
            .send()
            .await
            .status,
        StatusCode::OK
    );
    app.clock.advance_ms(HOUR_MS + 1);
    assert!(
        app.get("/api/v1/locations")
            .cookie(&cookie)
            .send()
            .await
            .status
            .is_client_error()
    );
    app.post("/api/v1/support-grants")
        .cookie(&o.cookie)
        .json(&json!({"email": "help@vendor.example", "hours": 10_000}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

// ---------- secrets at rest (S3) ----------

#[tokio::test]
async fn secrets_are_encrypted_never_returned_and_survive_key_rotation() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let r = app
        .req(Method::PUT, "/api/v1/secrets/smtp_password")
        .cookie(&o.cookie)
        .json(&json!({"value": "hunter2-very-secret"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let list = app.get("/api/v1/secrets").cookie(&o.cookie).send().await;
    assert_eq!(list.json[0]["name"], "smtp_password");
    assert!(!list.text.contains("hunter2"));
    let row = app
        .db
        .store
        .tenant(o.tenant)
        .secret("smtp_password")
        .await
        .unwrap()
        .unwrap();
    assert!(row.ciphertext.starts_with("v1."));
    assert!(!row.ciphertext.contains("hunter2"));
    let old_kid = row.key_id.clone();
    assert_eq!(
        app.app
            .read_secret(o.tenant, "smtp_password")
            .await
            .unwrap()
            .as_deref(),
        Some("hunter2-very-secret")
    );
    // Rotate: a new active key, then re-encrypt everything.
    let mut file = frontdesk_core::crypto::KeyringFile::generate();
    let _ = &mut file;
    app.app
        .set_keyring(frontdesk_core::crypto::Keyring::from_file(&file).unwrap());
    assert_eq!(app.app.reencrypt_secrets().await.unwrap(), 1);
    assert_eq!(app.app.reencrypt_secrets().await.unwrap(), 0, "idempotent");
    let row = app
        .db
        .store
        .tenant(o.tenant)
        .secret("smtp_password")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.key_id, old_kid);
    assert_eq!(row.key_id, app.app.active_kid());
    assert_eq!(
        app.app
            .read_secret(o.tenant, "smtp_password")
            .await
            .unwrap()
            .as_deref(),
        Some("hunter2-very-secret")
    );
    app.req(Method::PUT, "/api/v1/secrets/Bad%20Name")
        .cookie(&o.cookie)
        .json(&json!({"value": "x"}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

// ---------- jobs, outbox, surface ----------

#[tokio::test]
async fn owners_see_their_jobs_and_outbox() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let jobs = app.get("/api/v1/jobs").cookie(&o.cookie).send().await;
    assert!(
        jobs.json
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["kind"] == "mail.send" && j["status"] == "queued"),
        "{}",
        jobs.text
    );
    app.drain_jobs().await;
    let jobs = app
        .get("/api/v1/jobs?status=done")
        .cookie(&o.cookie)
        .send()
        .await;
    assert!(!jobs.json.as_array().unwrap().is_empty());
    app.get("/api/v1/jobs?status=weird")
        .cookie(&o.cookie)
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let outbox = app.get("/api/v1/outbox").cookie(&o.cookie).send().await;
    assert_eq!(outbox.json[0]["status"], "sent");
    assert_eq!(outbox.json[0]["transport"], "outbox");
    assert!(
        outbox.json[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Welcome")
    );
    let dir = app.app.outbox_dir().unwrap();
    assert!(
        std::fs::read_dir(dir).unwrap().count() >= 1,
        "the .eml file is in the outbox folder"
    );
}

#[tokio::test]
async fn health_readiness_metrics_and_headers() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz").send().await.text, "ok");
    assert_eq!(app.get("/readyz").send().await.status, StatusCode::OK);
    app.get("/api/v1/nothing")
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let m = app.get("/metrics").send().await;
    assert!(
        m.text.contains("frontdesk_http_requests_total"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains("frontdesk_http_request_duration_seconds_bucket")
    );
    assert_eq!(
        app.get("/metrics")
            .from_ip("203.0.113.9")
            .send()
            .await
            .status,
        StatusCode::NOT_FOUND,
        "metrics are not public"
    );
    let r = app.get("/healthz").send().await;
    for h in [
        "x-request-id",
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert!(r.headers.get(h).is_some(), "{h} missing");
    }
}

#[tokio::test]
async fn cross_site_posts_with_a_cookie_are_refused() {
    let app = TestApp::new().await;
    let o = owner(&app).await;
    let r = app
        .post("/api/v1/locations")
        .cookie(&o.cookie)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .json(&json!({"name": "X", "slug": "evil-site", "time_zone": "UTC", "country": "IT", "currency": "EUR"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/locations")
            .cookie(&o.cookie)
            .send()
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").send().await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.json["paths"].as_object().unwrap();
    for r in app.routes.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let m = r.method.as_str().to_lowercase();
        assert!(
            paths.get(r.path).and_then(|p| p.get(&m)).is_some(),
            "{} {} is not in the OpenAPI document",
            r.method,
            r.path
        );
    }
    let docs = app.get("/api/docs/").send().await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(
        docs.text.contains("swagger"),
        "the viewer is served from the binary"
    );
}

// ---------- e-mail over SMTP (real adapter against the faithful fake) ----------

#[tokio::test]
async fn mail_goes_out_over_smtp_and_retries_temporary_failures() {
    let smtp = frontdesk_testkit::smtp::FakeSmtp::start().await;
    let url = smtp.url();
    let app = TestApp::builder()
        .config(move |c| {
            c.mail = frontdesk_app::mail::MailConfig::Smtp {
                url,
                from: "Frontdesk <desk@frontdesk.example>".into(),
            }
        })
        .build()
        .await;
    smtp.fail_next(1);
    let o = owner(&app).await;
    app.drain_jobs().await;
    assert!(smtp.received().is_empty(), "the first attempt got a 451");
    let jobs = app
        .get("/api/v1/jobs?status=queued")
        .cookie(&o.cookie)
        .send()
        .await;
    let job = &jobs
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "mail.send")
        .expect("the delivery is queued for retry")
        .clone();
    assert!(job["last_error"].as_str().unwrap().contains("451"), "{job}");
    app.clock.advance_ms(60_000);
    app.drain_jobs().await;
    let got = smtp.received();
    assert_eq!(got.len(), 1, "delivered once after the retry");
    assert_eq!(got[0].to, vec!["owner@uno.example".to_string()]);
    assert_eq!(got[0].from, "desk@frontdesk.example");
    assert!(
        got[0].data.contains("Subject: Welcome to Frontdesk"),
        "{}",
        got[0].data
    );
    let outbox = app.get("/api/v1/outbox").cookie(&o.cookie).send().await;
    assert_eq!(
        (
            outbox.json[0]["status"].as_str(),
            outbox.json[0]["transport"].as_str()
        ),
        (Some("sent"), Some("smtp"))
    );
    // Running the queue again sends nothing twice.
    app.clock.advance_ms(3_600_000);
    app.drain_jobs().await;
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test]
async fn a_slug_made_from_the_name_is_valid_and_free() {
    let app = TestApp::new().await;
    let mut slugs = Vec::new();
    for (i, name) in ["Login", "Salon Uno", "Salon Uno", "X"].iter().enumerate() {
        let mut body = signup_body(&format!("o{i}@slugs.example"), "");
        body["business_name"] = json!(name);
        body.as_object_mut().unwrap().remove("slug");
        let r = app.post("/api/v1/signup").json(&body).send().await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text);
        let cookie = r.session_cookie().unwrap();
        let locs = app.get("/api/v1/locations").cookie(&cookie).send().await;
        slugs.push(locs.json[0]["slug"].as_str().unwrap().to_string());
    }
    assert_eq!(slugs, ["login-biz", "salon-uno", "salon-uno-2", "x-biz"]);
    for s in &slugs {
        assert!(frontdesk_core::validate::slug("slug", s).is_ok(), "{s}");
    }
}

#[tokio::test]
async fn unknown_pages_are_html_and_unknown_api_paths_are_problems() {
    let app = TestApp::new().await;
    let page = app
        .get("/no/such/page")
        .header("accept", "text/html")
        .send()
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.text.contains("<!doctype html>") && page.text.contains("Page not found"),
        "{}",
        page.text
    );
    app.get("/api/v1/no/such")
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}
