//! The customer's side through the real router, without JavaScript (promises O1–O3, B5, T3,
//! S1, N1): the booking page per slug, holds confirmed by a 6-digit SMS code, the rules and
//! limits of codes, hold expiry, the manage link (move, cancel, cut-offs), the public JSON API,
//! tenant resolution by slug only, escaping, translations, embedding and CORS.

use axum::http::StatusCode;
use frontdesk_core::token::Credential;
use frontdesk_core::{BookingId, Clock, TenantId};
use frontdesk_store::Booking;
use frontdesk_testkit::seed::{self, Salon};
use frontdesk_testkit::{Session, TestApp, TestResponse};
use serde_json::json;

const MIN_MS: i64 = 60_000;

struct Fx {
    app: TestApp,
    owner: Session,
    salon: Salon,
    slug: &'static str,
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

async fn fixture(app: TestApp) -> Fx {
    let owner = app.signup("Salon Uno", "owner@uno.example").await;
    let l = location_of(&app, &owner).await;
    let salon = seed::salon(&app.db.store, owner.tenant, l).await;
    Fx {
        app,
        owner,
        salon,
        slug: "salon-uno",
    }
}

async fn salon() -> Fx {
    fixture(TestApp::new().await).await
}

/// The HTML-escaped `&` of askama, undone in links read from a page.
fn unescape(s: &str) -> String {
    s.replace("&#38;", "&").replace("&amp;", "&")
}

/// The `href`s of the links with class `class` in a page.
fn links(html: &str, class: &str) -> Vec<String> {
    let needle = format!("class=\"{class}\" href=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            unescape(&rest[..rest.find('"').unwrap()])
        })
        .collect()
}

/// The values of the radio buttons named `name`.
fn radio_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("type=\"radio\" name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn location(r: &TestResponse) -> String {
    r.headers
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {} {}", r.status, r.text))
        .to_str()
        .unwrap()
        .to_string()
}

/// The token of a `/manage/mb_…?…` location.
fn token_in(loc: &str) -> String {
    let t = loc.split("/manage/").nth(1).expect("a manage link");
    t.split(['?', '#', '/']).next().unwrap().to_string()
}

fn booking_id(token: &str) -> BookingId {
    BookingId::from(Credential::parse("mb", token).expect("token").id)
}

async fn booking(fx: &Fx, token: &str) -> Booking {
    fx.app
        .db
        .store
        .tenant(fx.owner.tenant)
        .booking(booking_id(token))
        .await
        .unwrap()
        .expect("booking")
}

/// The verification codes texted so far, newest first: `(phone, code)`.
async fn codes_of(app: &TestApp, tenant: TenantId) -> Vec<(String, String)> {
    app.db
        .store
        .tenant(tenant)
        .sms_outbox(500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.purpose == "verification_code")
        .map(|m| {
            let code: String = m
                .body
                .split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                .expect("a 6-digit code in the text")
                .into();
            (m.to_phone, code)
        })
        .collect()
}

async fn last_code(fx: &Fx) -> String {
    codes_of(&fx.app, fx.owner.tenant).await[0].1.clone()
}

/// Posts the details form of the booking page (no JavaScript) for `start` with `service`.
async fn hold_from(
    fx: &Fx,
    ip: &str,
    start: &str,
    phone: &str,
    extra: &[(&str, &str)],
) -> TestResponse {
    let svc = fx.salon.cut.to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("service", &svc),
        ("start", start),
        ("name", "Carla Rossi"),
        ("phone", phone),
        ("phone_country", "IT"),
    ];
    form.extend_from_slice(extra);
    fx.app
        .post(&format!("/{}", fx.slug))
        .from_ip(ip)
        .form(&form)
        .send()
        .await
}

/// A hold made through the form; returns its token.
async fn hold(fx: &Fx, start: &str, phone: &str) -> String {
    let r = hold_from(fx, "203.0.113.7", start, phone, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    token_in(&location(&r))
}

async fn verify(fx: &Fx, token: &str, code: &str) -> TestResponse {
    verify_from(fx, token, code, "203.0.113.7").await
}

async fn verify_from(fx: &Fx, token: &str, code: &str, ip: &str) -> TestResponse {
    fx.app
        .post(&format!("/manage/{token}/verify"))
        .from_ip(ip)
        .form(&[("code", code)])
        .send()
        .await
}

async fn resend(fx: &Fx, token: &str) -> TestResponse {
    fx.app
        .post(&format!("/manage/{token}/resend"))
        .from_ip("203.0.113.7")
        .send()
        .await
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

/// Promises O1, B5, N1 — the whole journey over HTTP without JavaScript: choose a service, a day
/// and a time from live availability, give details, get the code by SMS, confirm; the
/// confirmation and the reminder are scheduled in the same transaction; the link in the
/// confirmation opens the booking; move it to another free time; cancel it.
#[tokio::test]
async fn o1_b5_a_customer_books_confirms_moves_and_cancels_without_javascript() {
    let fx = salon().await;
    let app = &fx.app;
    // Step 1: the services of this location, in the business's language (English here).
    let p1 = app.get("/salon-uno").send().await;
    assert_eq!(p1.status, StatusCode::OK);
    assert!(
        p1.text.contains("Salon Uno") && p1.text.contains("Cut") && p1.text.contains("Fringe trim")
    );
    assert!(p1.text.contains("name=\"service\""));
    // Step 2: choosing a service (the GET form) lists days and free times.
    let p2 = app
        .get(&format!(
            "/salon-uno?service={}&staff=&from=2026-11-26",
            fx.salon.cut
        ))
        .send()
        .await;
    assert_eq!(p2.status, StatusCode::OK, "{}", p2.text);
    let times = links(&p2.text, "time");
    assert!(!times.is_empty(), "free times are listed: {}", p2.text);
    assert!(
        times[0].contains("start=2026-11-26T09%3A00"),
        "{}",
        times[0]
    );
    let days = links(&p2.text, "day");
    assert!(days.iter().any(|d| d.contains("date=2026-11-27")));
    // Step 3: a time opens the details form with a summary.
    let ten = times.iter().find(|h| h.contains("T10%3A00")).unwrap();
    let p3 = app.get(ten).send().await;
    assert_eq!(p3.status, StatusCode::OK);
    assert!(
        p3.text.contains("Thursday 26 November 2026 at 10:00"),
        "{}",
        p3.text
    );
    assert!(p3.text.contains("35.00 EUR"));
    let key = p3.text.split("name=\"key\" value=\"").nth(1).unwrap();
    let key = &key[..key.find('"').unwrap()];
    // The post holds the time and sends the code.
    let r = app
        .post("/salon-uno")
        .form(&[
            ("service", &fx.salon.cut.to_string()),
            ("start", "2026-11-26T10:00"),
            ("key", key),
            ("name", "Carla Rossi"),
            ("phone", "347 123 4567"),
            ("phone_country", "IT"),
            ("email", "carla@example.com"),
            ("notes", "First visit"),
        ])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token = token_in(&location(&r));
    let b = booking(&fx, &token).await;
    assert_eq!((b.status.as_str(), b.source.as_str()), ("held", "web"));
    assert!(b.hold_expires_at_ms.unwrap() >= app.clock.now_ms() + 5 * MIN_MS);
    // The code went by SMS to the phone given, on the urgent queue.
    let sms = app
        .db
        .store
        .tenant(fx.owner.tenant)
        .sms_outbox(10)
        .await
        .unwrap();
    assert_eq!(sms[0].to_phone, "+393471234567");
    assert!(sms[0].urgent && sms[0].purpose == "verification_code");
    assert!(
        sms[0].body.contains("Salon Uno") && sms[0].body.contains("5 minutes"),
        "{}",
        sms[0].body
    );
    let code = last_code(&fx).await;
    // The page asks for it; nothing is confirmed yet.
    let page = app.get(&location(&r)).send().await;
    assert!(
        page.text.contains("Enter your code") && page.text.contains("+39 ••• •••567"),
        "{}",
        page.text
    );
    assert!(!page.text.contains(&code));
    // A wrong code says so; the right one confirms.
    let w = verify(&fx, &token, &wrong(&code)).await;
    assert_eq!(w.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        w.text.contains("That code is not right") && w.text.contains("Tries left for this code: 2"),
        "{}",
        w.text
    );
    assert_eq!(booking(&fx, &token).await.status, "held");
    let ok = verify(&fx, &token, &code).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert!(location(&ok).contains("msg=confirmed"));
    let b = booking(&fx, &token).await;
    assert_eq!(b.status, "confirmed");
    assert_eq!(b.hold_expires_at_ms, None);
    let cust = app
        .db
        .store
        .tenant(fx.owner.tenant)
        .customer(b.customer_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cust.last_verified_at_ms, Some(app.clock.now_ms()));
    assert_eq!(
        cust.email.as_deref(),
        Some("carla@example.com"),
        "the e-mail is attached once the phone is proven"
    );
    // N1: confirmation and reminder were planned with the confirmation.
    let ntf = app
        .db
        .store
        .tenant(fx.owner.tenant)
        .booking_notifications(b.id)
        .await
        .unwrap();
    assert!(ntf.iter().any(|n| n.key == "confirmation"));
    let reminder = ntf
        .iter()
        .find(|n| n.key == "reminder")
        .expect("a reminder");
    assert_eq!(reminder.status, "scheduled");
    let page = app.get(&location(&ok)).send().await;
    assert!(page.text.contains("Your booking is confirmed"));
    assert!(
        page.text
            .contains("We will send you a reminder on Wednesday 25 November 2026 at 10:00"),
        "{}",
        page.text
    );
    // The confirmation text carries a link of its own, which opens the same booking.
    app.drain_jobs().await;
    let confirmation = app
        .db
        .store
        .tenant(fx.owner.tenant)
        .sms_outbox(10)
        .await
        .unwrap();
    let text = &confirmation
        .iter()
        .find(|m| m.purpose == "booking_confirmation")
        .unwrap()
        .body;
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/manage/mb_"))
        .unwrap();
    let token2 = token_in(link);
    assert_ne!(token2, token, "each message carries a fresh link");
    let mp = app.get(&format!("/manage/{token2}")).send().await;
    assert_eq!(mp.status, StatusCode::OK);
    assert!(mp.text.contains("Carla") || mp.text.contains("Thursday 26 November 2026 at 10:00"));
    // The earlier link still works too (links already sent keep working).
    assert_eq!(
        app.get(&format!("/manage/{token}")).send().await.status,
        StatusCode::OK
    );
    // Move it: the page offers free times of its day; pick 15:00.
    let slots = radio_values(&mp.text, "start");
    assert!(slots.contains(&"2026-11-26T15:00".to_string()), "{slots:?}");
    assert!(
        !slots.contains(&"2026-11-26T10:00".to_string()),
        "its own time is not offered"
    );
    let mv = app
        .post(&format!("/manage/{token2}/reschedule"))
        .form(&[("start", "2026-11-26T15:00")])
        .send()
        .await;
    assert_eq!(mv.status, StatusCode::SEE_OTHER, "{}", mv.text);
    let b = booking(&fx, &token).await;
    assert_eq!(
        b.starts_at_ms,
        "2026-11-26T14:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond()
    );
    assert_eq!(b.status, "confirmed");
    // Another day through the date form (GET), without JavaScript.
    let other = app
        .get(&format!("/manage/{token2}?date=2026-11-27"))
        .send()
        .await;
    assert!(
        radio_values(&other.text, "start")
            .iter()
            .all(|s| s.starts_with("2026-11-27"))
    );
    // Cancel it.
    let c = app.post(&format!("/manage/{token2}/cancel")).send().await;
    assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.text);
    let b = booking(&fx, &token).await;
    assert_eq!(b.status, "cancelled");
    let page = app
        .get(&format!("/manage/{token2}?msg=cancelled"))
        .send()
        .await;
    assert!(page.text.contains("This booking is cancelled"));
    assert!(
        page.text.contains("href=\"/salon-uno\"") && page.text.contains("Book again"),
        "{}",
        page.text
    );
    // The slot is free again.
    let p2 = app
        .get(&format!(
            "/salon-uno?service={}&staff=&from=2026-11-26&date=2026-11-26",
            fx.salon.cut
        ))
        .send()
        .await;
    assert!(
        links(&p2.text, "time")
            .iter()
            .any(|h| h.contains("T15%3A00"))
    );
}

/// O3: only a keyed hash of the code is stored; it is marked used and deleted once the booking
/// is confirmed.
#[tokio::test]
async fn o3_codes_are_stored_hashed_then_deleted() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    let t = fx.app.db.store.tenant(fx.owner.tenant);
    let v = t
        .verification(booking_id(&token))
        .await
        .unwrap()
        .expect("a code row");
    assert!(v.code_hash.starts_with("m1."), "{}", v.code_hash);
    assert!(!v.code_hash.contains(&code));
    assert_eq!((v.attempts, v.sends, v.used_at_ms), (0, 1, None));
    assert_eq!(
        verify(&fx, &token, &code).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        t.verification(booking_id(&token)).await.unwrap().is_none(),
        "used, then deleted"
    );
    // A second use of the same code changes nothing and confirms nothing twice.
    let again = verify(&fx, &token, &code).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let ntf = t.booking_notifications(booking_id(&token)).await.unwrap();
    assert_eq!(ntf.iter().filter(|n| n.key == "confirmation").count(), 1);
}

/// O2: three guesses per code, then the code is locked (a fourth guess is not even compared —
/// not even the right code); a new code starts again.
#[tokio::test]
async fn o2_three_attempts_then_locked() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    let r1 = verify(&fx, &token, &wrong(&code)).await;
    assert!(r1.text.contains("Tries left for this code: 2"));
    let r2 = verify(&fx, &token, &wrong(&wrong(&code))).await;
    assert!(r2.text.contains("Tries left for this code: 1"));
    let r3 = verify(&fx, &token, &wrong(&wrong(&wrong(&code)))).await;
    assert_eq!(r3.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r3.text.contains("Tries left for this code: 0"),
        "{}",
        r3.text
    );
    let r4 = verify(&fx, &token, &code).await;
    assert_eq!(
        r4.status,
        StatusCode::CONFLICT,
        "the right code after three wrong ones is refused"
    );
    assert!(
        r4.text.contains("Too many wrong tries for this code"),
        "{}",
        r4.text
    );
    assert_eq!(booking(&fx, &token).await.status, "held");
    // A new code (after the 30-second spacing) can be tried again.
    fx.app.clock.advance_ms(31_000);
    assert_eq!(resend(&fx, &token).await.status, StatusCode::SEE_OTHER);
    let fresh = last_code(&fx).await;
    assert_eq!(
        verify(&fx, &token, &fresh).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(booking(&fx, &token).await.status, "confirmed");
}

/// O2: a code is valid 5 minutes by default (per business); an expired one is refused and the
/// booking stays held; the business can set another validity, and the hold lasts as long.
#[tokio::test]
async fn o2_expired_codes_are_refused_and_validity_is_per_business() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    fx.app.clock.advance_ms(5 * MIN_MS + 1_000);
    let r = verify(&fx, &token, &code).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("This code has expired"), "{}", r.text);
    assert_eq!(booking(&fx, &token).await.status, "held");
    // The owner makes codes last 20 minutes: the next hold lasts at least that long.
    let s = fx
        .app
        .req(axum::http::Method::PUT, "/api/v1/booking-page")
        .cookie(&fx.owner.cookie)
        .json(&json!({"code_minutes": 20}))
        .send()
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let t2 = hold(&fx, "2026-11-27T10:00", "+39 347 999 1111").await;
    let b = booking(&fx, &t2).await;
    let now = fx.app.clock.now_ms();
    assert!(
        b.hold_expires_at_ms.unwrap() >= now + 20 * MIN_MS,
        "the hold lasts as long as the code"
    );
    let sms = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .sms_outbox(1)
        .await
        .unwrap();
    assert!(sms[0].body.contains("20 minutes"), "{}", sms[0].body);
    fx.app.clock.advance_ms(19 * MIN_MS);
    let code = last_code(&fx).await;
    assert_eq!(verify(&fx, &t2, &code).await.status, StatusCode::SEE_OTHER);
    // Bad settings are refused.
    let bad = fx
        .app
        .req(axum::http::Method::PUT, "/api/v1/booking-page")
        .cookie(&fx.owner.cookie)
        .json(&json!({"code_minutes": 600}))
        .send()
        .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

/// O2: at most three new codes per booking, at least 30 seconds apart; each replaces the last.
#[tokio::test]
async fn o2_resends_are_limited_and_spaced() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let first = last_code(&fx).await;
    let soon = resend(&fx, &token).await;
    assert_eq!(soon.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(soon.headers.get("retry-after").is_some());
    for n in 1..=3 {
        fx.app.clock.advance_ms(31_000);
        let r = resend(&fx, &token).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "resend {n}: {}", r.text);
    }
    assert_eq!(codes_of(&fx.app, fx.owner.tenant).await.len(), 4);
    fx.app.clock.advance_ms(31_000);
    let r = resend(&fx, &token).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("No more new codes"), "{}", r.text);
    assert_eq!(
        codes_of(&fx.app, fx.owner.tenant).await.len(),
        4,
        "nothing more was sent"
    );
    // An older code no longer works; the newest does.
    let newest = last_code(&fx).await;
    if newest != first {
        assert_eq!(
            verify(&fx, &token, &first).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        verify(&fx, &token, &newest).await.status,
        StatusCode::SEE_OTHER
    );
}

/// A distinct free start for the n-th hold of a test: every 30 minutes from 09:00 to 17:30
/// (the two stylists take turns: a cut and its clean-up last 55 minutes), from Wednesday on.
fn start_n(n: usize) -> String {
    let day = 25 + n / 18;
    let slot = n % 18;
    format!("2026-11-{day}T{:02}:{:02}", 9 + slot / 2, (slot % 2) * 30)
}

/// O2, S1: a daily limit of codes per phone number and per IP; refused before any slot is held.
#[tokio::test]
async fn o2_daily_limits_per_phone_and_ip() {
    let fx = fixture(
        TestApp::builder()
            .config(|c| c.public.holds_per_ip_per_hour = 1000)
            .build()
            .await,
    )
    .await;
    // One phone: six codes a day, whatever the IP.
    let mut sent = 0;
    for n in 0..10 {
        let ip = format!("198.51.100.{n}");
        let r = hold_from(&fx, &ip, &start_n(n), "+39 347 123 4567", &[]).await;
        if r.status == StatusCode::SEE_OTHER {
            sent += 1;
        } else {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
            assert!(
                r.text.contains("too many attempts") || r.text.contains("Please wait"),
                "{}",
                r.text
            );
        }
    }
    assert_eq!(sent, 6);
    let bookings_before = count_bookings(&fx).await;
    // One IP: twenty codes a day, whatever the phones.
    let mut from_ip = 0;
    for n in 0..24 {
        let phone = format!("+39 347 555 {:04}", 1000 + n);
        let r = hold_from(&fx, "192.0.2.50", &start_n(10 + n), &phone, &[]).await;
        if r.status == StatusCode::SEE_OTHER {
            from_ip += 1;
        } else {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        }
    }
    assert_eq!(from_ip, 20);
    assert_eq!(
        count_bookings(&fx).await,
        bookings_before + 20,
        "refused requests hold nothing"
    );
    // The next day the budget is back.
    fx.app.clock.advance_ms(24 * 3_600_000);
    let r = hold_from(
        &fx,
        "192.0.2.50",
        "2026-11-28T10:00",
        "+39 347 123 4567",
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

async fn count_bookings(fx: &Fx) -> i64 {
    fx.app
        .db
        .store
        .count_tenant_rows("bookings", fx.owner.tenant)
        .await
        .unwrap()
}

/// O1–O3, the brute-force bound: all 10^6 codes must be infeasible to try. An attacker who
/// books in a victim's name from as many IPs as they like, resends and guesses until refused,
/// gets at most 6 codes × 3 guesses = 18 guesses at that phone's codes a day; one IP gets at most
/// 30 wrong guesses a day whatever the phones. Covering 10^6 codes at that rate takes over 150
/// years.
#[tokio::test]
async fn o1_o3_brute_force_is_bounded() {
    let fx = fixture(
        TestApp::builder()
            .config(|c| c.public.holds_per_ip_per_hour = 1000)
            .build()
            .await,
    )
    .await;
    let victim = "+39 347 123 4567";
    let mut evaluated = 0; // guesses the server actually compared
    let mut guess = 0u32;
    let mut next_guess = |code: &str| loop {
        guess += 1;
        let g = format!("{guess:06}");
        if g != code {
            return g;
        }
    };
    for n in 0..12 {
        let ip = format!("198.51.100.{n}");
        let r = hold_from(&fx, &ip, &start_n(n), victim, &[]).await;
        if r.status != StatusCode::SEE_OTHER {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
            continue;
        }
        let token = token_in(&location(&r));
        loop {
            let code = last_code(&fx).await;
            // Guess until the server stops comparing: a compared guess is a 422 with the tries
            // left, anything else (locked, expired, too many) compares nothing.
            for _ in 0..5 {
                let g = next_guess(&code);
                let v = verify_from(&fx, &token, &g, &ip).await;
                if v.status == StatusCode::UNPROCESSABLE_ENTITY {
                    evaluated += 1;
                } else {
                    assert!(
                        v.status == StatusCode::CONFLICT
                            || v.status == StatusCode::TOO_MANY_REQUESTS,
                        "{}",
                        v.text
                    );
                    break;
                }
            }
            fx.app.clock.advance_ms(31_000);
            let r = resend(&fx, &token).await;
            if r.status != StatusCode::SEE_OTHER {
                break;
            }
        }
        assert_eq!(
            booking(&fx, &token).await.status,
            "held",
            "never confirmed by guessing"
        );
    }
    let codes_sent = codes_of(&fx.app, fx.owner.tenant).await.len() as i64;
    assert_eq!(codes_sent, 6, "six codes a day for one phone");
    assert_eq!(
        evaluated, 18,
        "at most 18 guesses at one phone's codes a day"
    );
    let years = 1_000_000.0 / evaluated as f64 / 365.0;
    assert!(
        years > 150.0,
        "trying every code would take {years:.0} years"
    );
    // One IP guessing at many phones is stopped after 30 wrong codes a day.
    let fx2 = fixture(
        TestApp::builder()
            .config(|c| c.public.holds_per_ip_per_hour = 1000)
            .build()
            .await,
    )
    .await;
    let mut wrong_answers = 0;
    let mut refused = false;
    'outer: for n in 0..20 {
        let phone = format!("+39 347 600 {:04}", 1000 + n);
        let r = hold_from(&fx2, "192.0.2.99", &start_n(n), &phone, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let token = token_in(&location(&r));
        let code = last_code(&fx2).await;
        for k in 0..3 {
            let g = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + k) % 1_000_000);
            let v = verify_from(&fx2, &token, &g, "192.0.2.99").await;
            if v.status == StatusCode::TOO_MANY_REQUESTS {
                refused = true;
                break 'outer;
            }
            wrong_answers += 1;
        }
    }
    assert!(refused, "the IP was stopped");
    assert_eq!(wrong_answers, 30);
}

/// O3: a hold that is not verified in time is released by the hold sweep job: the booking is
/// `expired` (never confirmed), its slot is free again, its code is purged and its link no
/// longer opens anything.
#[tokio::test]
async fn o3_an_unverified_hold_expires_and_its_slot_is_released() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    let b = booking(&fx, &token).await;
    let held_by_ana = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .booking_items(b.id)
        .await
        .unwrap()[0]
        .staff_id
        == Some(fx.salon.ana);
    if held_by_ana {
        assert!(!ten_is_free(&fx).await, "held for the customer meanwhile");
    }
    // Past the hold (10 minutes by default), the periodic job runs.
    fx.app.clock.advance_ms(11 * MIN_MS);
    let now = fx.app.clock.now_ms();
    fx.app
        .db
        .store
        .enqueue(
            &frontdesk_store::jobs::NewJob {
                tenant_id: None,
                queue: "maintenance".into(),
                kind: frontdesk_app::jobs::JOB_RELEASE_HOLDS.into(),
                payload: json!({}),
                run_at_ms: now,
                max_attempts: 3,
                dedupe_key: Some("test-release".into()),
            },
            now,
        )
        .await
        .unwrap();
    fx.app.drain_jobs().await;
    let b = booking(&fx, &token).await;
    assert_eq!(b.status, "expired");
    assert!(ten_is_free(&fx).await, "the slot is released");
    assert!(
        fx.app
            .db
            .store
            .tenant(fx.owner.tenant)
            .verification(b.id)
            .await
            .unwrap()
            .is_none(),
        "its code is purged"
    );
    let late = verify(&fx, &token, &code).await;
    assert_eq!(
        late.status,
        StatusCode::NOT_FOUND,
        "a used-up link opens nothing"
    );
    assert!(late.text.contains("This link doesn’t work"));
    assert_eq!(
        booking(&fx, &token).await.status,
        "expired",
        "never confirmed"
    );
    let ntf = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .booking_notifications(b.id)
        .await
        .unwrap();
    assert!(
        ntf.is_empty(),
        "no confirmation or reminder for an unverified hold"
    );
}

async fn ten_is_free(fx: &Fx) -> bool {
    let r = fx
        .app
        .get(&format!(
            "/api/public/salon-uno/availability?services={}&staff={}&date=2026-11-26",
            fx.salon.cut, fx.salon.ana
        ))
        .send()
        .await;
    r.json
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["local_time"] == "2026-11-26T10:00")
}

/// O3: a code entered after the hold lapsed but before the sweep ran confirms nothing.
#[tokio::test]
async fn o3_a_lapsed_hold_cannot_be_confirmed_before_the_sweep() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    // Resends keep the hold alive as long as their code; then the customer waits too long.
    let code = last_code(&fx).await;
    fx.app.clock.advance_ms(10 * MIN_MS + 1);
    let r = verify(&fx, &token, &code).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text.contains("nothing was booked") || r.text.contains("released"),
        "{}",
        r.text
    );
    assert_eq!(booking(&fx, &token).await.status, "held");
}

/// B5: the location's cut-offs bind the customer: too close to the visit, the link shows the
/// booking but moving and cancelling are refused with a clear message.
#[tokio::test]
async fn b5_cutoffs_are_enforced_on_the_manage_link() {
    let fx = salon().await;
    // Tomorrow 09:30 is within the default 24-hour cut-offs.
    let token = hold(&fx, "2026-11-24T09:30", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    assert_eq!(
        verify(&fx, &token, &code).await.status,
        StatusCode::SEE_OTHER
    );
    let page = fx.app.get(&format!("/manage/{token}")).send().await;
    assert!(
        page.text.contains("too late to change this booking online"),
        "{}",
        page.text
    );
    assert!(page.text.contains("too late to cancel online"));
    assert!(!page.text.contains("/cancel\""), "no cancel form");
    let c = fx.app.post(&format!("/manage/{token}/cancel")).send().await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    assert!(c.text.contains("too late to cancel online"));
    let m = fx
        .app
        .post(&format!("/manage/{token}/reschedule"))
        .form(&[("start", "2026-11-24T15:00")])
        .send()
        .await;
    assert_eq!(m.status, StatusCode::CONFLICT);
    assert_eq!(booking(&fx, &token).await.status, "confirmed");
    // With a 2-hour cut-off the same booking can be cancelled.
    let r = fx
        .app
        .req(
            axum::http::Method::PUT,
            &format!("/api/v1/locations/{}/booking-rules", fx.salon.location),
        )
        .cookie(&fx.owner.cookie)
        .json(&json!({"cancel_cutoff_min": 120, "edit_cutoff_min": 120}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = fx.app.post(&format!("/manage/{token}/cancel")).send().await;
    assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.text);
    assert_eq!(booking(&fx, &token).await.status, "cancelled");
}

/// B5: forged, unknown or malformed tokens get the same friendly 404 page, which names nobody.
#[tokio::test]
async fn b5_forged_and_unknown_links_are_a_friendly_404() {
    let fx = salon().await;
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let other =
        Credential::generate(fx.owner.tenant.uuid(), booking_id(&token).uuid()).render("mb");
    for t in [forged.as_str(), other.as_str(), "mb_nope", "anything"] {
        for path in [format!("/manage/{t}"), format!("/manage/{t}/cancel")] {
            let r = if path.ends_with("cancel") {
                fx.app.post(&path).send().await
            } else {
                fx.app.get(&path).send().await
            };
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(r.text.contains("This link doesn’t work"));
            assert!(
                !r.text.contains("Salon Uno") && !r.text.contains("Carla"),
                "reveals nothing"
            );
        }
    }
    assert_eq!(booking(&fx, &token).await.status, "held");
}

/// A time taken between choosing it and sending the form: a clear 409 page offering another
/// time, and nothing booked.
#[tokio::test]
async fn a_slot_taken_meanwhile_is_a_clear_409_page() {
    let fx = salon().await;
    let ana = fx.salon.ana.to_string();
    // The front desk books Ana at 10:00 while the customer fills in the form.
    let staff = fx
        .app
        .post("/api/v1/bookings")
        .cookie(&fx.owner.cookie)
        .json(&json!({"location_id": fx.salon.location, "services": [{"service_id": fx.salon.cut, "staff_id": ana}],
            "start": "2026-11-26T10:00", "customer": {"name": "Walk In", "phone": "+39 347 000 1111"}}))
        .send()
        .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{}", staff.text);
    let before = count_bookings(&fx).await;
    let r = hold_from(
        &fx,
        "203.0.113.7",
        "2026-11-26T10:00",
        "+39 347 123 4567",
        &[("staff", &ana)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("Sorry, this time was just taken"));
    assert!(r.text.contains("Choose another time"));
    assert_eq!(count_bookings(&fx).await, before, "nothing booked");
    assert!(
        codes_of(&fx.app, fx.owner.tenant).await.is_empty(),
        "no code sent"
    );
}

/// Protected fields in a public request are never applied: the form ignores them (only its own
/// fields are read) and the JSON API refuses them (422, nothing written).
#[tokio::test]
async fn protected_fields_are_never_applied() {
    let fx = salon().await;
    let other = fx.app.signup("Other Place", "owner@other.example").await;
    let r = hold_from(
        &fx,
        "203.0.113.7",
        "2026-11-26T10:00",
        "+39 347 123 4567",
        &[
            ("status", "confirmed"),
            ("source", "staff"),
            ("price", "0"),
            ("price_minor", "0"),
            ("tenant_id", &other.tenant.to_string()),
            ("hold", "false"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token = token_in(&location(&r));
    let b = booking(&fx, &token).await;
    assert_eq!((b.status.as_str(), b.source.as_str()), ("held", "web"));
    assert_eq!(b.tenant_id, fx.owner.tenant);
    let items = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .booking_items(b.id)
        .await
        .unwrap();
    assert_eq!(items[0].price_minor, Some(3500), "the catalogue's price");
    assert_eq!(
        fx.app
            .db
            .store
            .count_tenant_rows("bookings", other.tenant)
            .await
            .unwrap(),
        0
    );
    let before = count_bookings(&fx).await;
    for (field, value) in [
        ("status", json!("confirmed")),
        ("tenant_id", json!(other.tenant.to_string())),
        ("price", json!(0)),
        ("source", json!("staff")),
    ] {
        let mut body = json!({"services": [fx.salon.cut], "start": "2026-11-26T11:00", "name": "Api", "phone": "+39 347 555 1234"});
        body[field] = value;
        let r = fx
            .app
            .post("/api/public/salon-uno/bookings")
            .json(&body)
            .send()
            .await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(count_bookings(&fx).await, before, "nothing written");
}

/// HTML and script in names, notes and the business's own texts are escaped on every page.
#[tokio::test]
async fn html_in_names_is_escaped() {
    let fx = salon().await;
    let evil = "<script>alert('x')</script>";
    let p = fx
        .app
        .req(axum::http::Method::PATCH, "/api/v1/business")
        .cookie(&fx.owner.cookie)
        .json(&json!({"name": format!("Uno {evil}"), "default_language": "en"}))
        .send()
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let page = fx.app.get("/salon-uno").send().await;
    assert!(!page.text.contains("<script>alert"), "{}", page.text);
    assert!(page.text.contains("&#60;script&#62;") || page.text.contains("&lt;script&gt;"));
    let r = fx
        .app
        .post("/salon-uno")
        .form(&[
            ("service", &fx.salon.cut.to_string()),
            ("start", "2026-11-26T10:00"),
            ("name", evil),
            ("notes", evil),
            ("phone", "+39 347 123 4567"),
        ])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let b = booking(&fx, &token_in(&location(&r))).await;
    assert_eq!(b.notes, evil, "stored literally");
    let m = fx.app.get(&location(&r)).send().await;
    assert!(!m.text.contains("<script>alert"));
    // A refused form shows the typed values back, escaped.
    let bad = hold_from(&fx, "203.0.113.7", "2026-11-26T11:00", "not a phone", &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = fx
        .app
        .post("/salon-uno")
        .form(&[
            ("service", &fx.salon.cut.to_string()),
            ("start", "2026-11-26T11:00"),
            ("name", evil),
            ("phone", "12"),
        ])
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(!bad.text.contains("<script>alert"));
    assert!(
        bad.text.contains("Please enter a valid mobile number"),
        "{}",
        bad.text
    );
    assert!(bad.text.contains("data-error-summary") && bad.text.contains("href=\"#f-phone\""));
}

/// Every key the customer pages use exists in all five languages, and each language renders.
#[test]
fn translations_exist_for_every_key_in_five_languages() {
    use frontdesk_web::public::i18n::{LANGS, MESSAGES};
    assert_eq!(LANGS, ["en", "it", "fr", "es", "vi"]);
    let known: std::collections::HashSet<&str> = MESSAGES.iter().map(|(k, _)| *k).collect();
    for (k, texts) in MESSAGES {
        for (i, t) in texts.iter().enumerate() {
            assert!(!t.trim().is_empty(), "{k} is empty in {}", LANGS[i]);
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let mut used = Vec::new();
    for file in [
        "templates/public/base.html",
        "templates/public/book.html",
        "templates/public/manage.html",
        "src/public/pages.rs",
        "src/public/mod.rs",
    ] {
        let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
        for pat in ["get(\"", ".f(\""] {
            for (i, _) in text.match_indices(pat) {
                let rest = &text[i + pat.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                        && !key.is_empty()
                    {
                        used.push((file, key.to_string()));
                    }
                }
            }
        }
    }
    assert!(used.len() > 60, "the scan found the keys ({})", used.len());
    for (file, key) in &used {
        // Query-string names read with get("…") are not translation keys.
        if [
            "msg",
            "date",
            "code",
            "start",
            "staff",
            "party",
            "from",
            "step",
            "name",
            "phone",
            "phone_country",
            "email",
            "notes",
            "accessible",
            "marketing",
            "messaging",
            "key",
            "lang",
            "embed",
        ]
        .contains(&key.as_str())
        {
            continue;
        }
        assert!(
            known.contains(key.as_str()),
            "{file} uses {key:?}, which has no translations"
        );
    }
}

#[tokio::test]
async fn the_page_speaks_five_languages_chosen_by_link_cookie_or_browser() {
    let fx = salon().await;
    for (lang, word) in [
        ("en", "What would you like to book?"),
        ("it", "Cosa vuoi prenotare?"),
        ("fr", "Que souhaitez-vous réserver ?"),
        ("es", "¿Qué quieres reservar?"),
        ("vi", "Bạn muốn đặt dịch vụ nào?"),
    ] {
        let r = fx.app.get(&format!("/salon-uno?lang={lang}")).send().await;
        assert!(
            r.text.contains(&format!("<html lang=\"{lang}\">")),
            "{lang}"
        );
        assert!(r.text.contains(word), "{lang}: {word}");
        let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap();
        assert!(cookie.starts_with(&format!("fd_lang={lang}")), "{cookie}");
    }
    // The cookie, then the browser, then the business's default (English for Salon Uno).
    let c = fx.app.get("/salon-uno").cookie("fd_lang=fr").send().await;
    assert!(c.text.contains("<html lang=\"fr\">"));
    let a = fx
        .app
        .get("/salon-uno")
        .header("accept-language", "de-DE,es;q=0.8,en;q=0.5")
        .send()
        .await;
    assert!(a.text.contains("<html lang=\"es\">"));
    let d = fx.app.get("/salon-uno").send().await;
    assert!(d.text.contains("<html lang=\"en\">"));
    // The SMS code goes in the page's language.
    let r = fx
        .app
        .post("/salon-uno?lang=it")
        .form(&[
            ("service", &fx.salon.cut.to_string()),
            ("start", "2026-11-26T10:00"),
            ("name", "Carla"),
            ("phone", "347 123 4567"),
        ])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("?lang=it"));
    let sms = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .sms_outbox(1)
        .await
        .unwrap();
    assert!(sms[0].body.contains("è il tuo codice"), "{}", sms[0].body);
}

/// T3: the tenant comes from the slug only. Another business's service, staff or booking token
/// under this slug is not found; unknown slugs are not found; nothing is written.
#[tokio::test]
async fn t3_the_tenant_is_resolved_from_the_slug_only() {
    let fx = salon().await;
    let b_owner = fx.app.signup("Beta Bar", "owner@beta.example").await;
    let bl = location_of(&fx.app, &b_owner).await;
    let beta = seed::salon(&fx.app.db.store, b_owner.tenant, bl).await;
    // Beta's service in Uno's form and API.
    let r = fx
        .app
        .post("/salon-uno")
        .form(&[
            ("service", &beta.cut.to_string()),
            ("start", "2026-11-26T10:00"),
            ("name", "X"),
            ("phone", "+39 347 123 4567"),
        ])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = fx
        .app
        .get(&format!("/salon-uno?service={}", beta.cut))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = fx
        .app
        .get(&format!(
            "/api/public/salon-uno/availability?services={}&date=2026-11-26",
            beta.cut
        ))
        .send()
        .await;
    r.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let r = fx
        .app
        .get(&format!(
            "/api/public/salon-uno/availability?services={}&staff={}&date=2026-11-26",
            fx.salon.cut, beta.ana
        ))
        .send()
        .await;
    r.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let r = fx
        .app
        .post("/api/public/salon-uno/bookings")
        .json(&json!({"services": [beta.cut], "start": "2026-11-26T10:00", "name": "X", "phone": "+39 347 123 4567"}))
        .send()
        .await;
    r.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        fx.app
            .db
            .store
            .count_tenant_rows("bookings", b_owner.tenant)
            .await
            .unwrap(),
        0
    );
    assert_eq!(count_bookings(&fx).await, 0);
    // A token of Uno's booking under Beta's slug is not found.
    let token = hold(&fx, "2026-11-26T10:00", "+39 347 123 4567").await;
    let code = last_code(&fx).await;
    let r = fx
        .app
        .post("/api/public/beta-bar/bookings/verify")
        .json(&json!({"token": token, "code": code}))
        .send()
        .await;
    r.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert!(!r.text.contains("Salon Uno"));
    assert_eq!(booking(&fx, &token).await.status, "held");
    // Unknown slugs.
    assert_eq!(
        fx.app.get("/no-such-place").send().await.status,
        StatusCode::NOT_FOUND
    );
    fx.app
        .get("/api/public/no-such-place")
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}

/// The public JSON API: the page as data, free times, a hold, its code, confirmation; other
/// customers' data never shows.
#[tokio::test]
async fn the_public_api_books_and_verifies() {
    let fx = salon().await;
    let site = fx.app.get("/api/public/salon-uno").send().await;
    assert_eq!(site.status, StatusCode::OK);
    assert_eq!(site.json["business"], "Salon Uno");
    assert_eq!(site.json["kind"], "services");
    assert!(
        site.json["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Cut")
    );
    assert_eq!(site.json["code_minutes"], 5);
    // Someone else's booking on Thursday 10:00 with Ana.
    let other = hold(&fx, "2026-11-26T10:00", "+39 347 999 8888").await;
    let slots = fx
        .app
        .get(&format!(
            "/api/public/salon-uno/availability?services={}&date=2026-11-26&days=2",
            fx.salon.cut
        ))
        .send()
        .await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.text);
    let list = slots.json.as_array().unwrap();
    assert!(list.iter().any(|s| s["local_time"] == "2026-11-27T09:00"));
    assert!(
        !slots.text.contains("+39") && !slots.text.contains("Carla") && !slots.text.contains("bk_"),
        "no customer data"
    );
    let r = fx
        .app
        .post("/api/public/salon-uno/bookings")
        .header("idempotency-key", "site-order-1")
        .json(&json!({"services": [fx.salon.cut], "start": "2026-11-27T09:00", "name": "Api Customer",
            "phone": "347 555 1234", "phone_country": "IT", "language": "es", "email": "api@example.com"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["status"], "held");
    assert_eq!(r.json["local_time"], "2026-11-27T09:00");
    assert_eq!(r.json["phone_hint"], "+39 ••• •••234");
    assert_eq!(r.json["resends_left"], 3);
    let token = r.json["token"].as_str().unwrap().to_string();
    assert!(
        r.json["manage_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/manage/{token}"))
    );
    let code = last_code(&fx).await;
    let sms = fx
        .app
        .db
        .store
        .tenant(fx.owner.tenant)
        .sms_outbox(1)
        .await
        .unwrap();
    assert!(sms[0].body.contains("es tu código"), "{}", sms[0].body);
    // The same request again holds once.
    let again = fx
        .app
        .post("/api/public/salon-uno/bookings")
        .header("idempotency-key", "site-order-1")
        .json(&json!({"services": [fx.salon.cut], "start": "2026-11-27T09:00", "name": "Api Customer",
            "phone": "347 555 1234", "phone_country": "IT", "language": "es", "email": "api@example.com"}))
        .send()
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(
        booking_id(again.json["token"].as_str().unwrap()),
        booking_id(&token)
    );
    assert_eq!(
        codes_of(&fx.app, fx.owner.tenant).await.len(),
        2,
        "one code per hold"
    );
    let w = fx
        .app
        .post("/api/public/salon-uno/bookings/verify")
        .json(&json!({"token": token, "code": wrong(&code)}))
        .send()
        .await;
    w.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(w.text.contains("2 tries left"), "{}", w.text);
    let ok = fx
        .app
        .post("/api/public/salon-uno/bookings/verify")
        .json(&json!({"token": token, "code": code}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json["status"], "confirmed");
    assert_eq!(
        booking(&fx, &other).await.status,
        "held",
        "the other customer's hold is untouched"
    );
    let resend = fx
        .app
        .post("/api/public/salon-uno/bookings/resend")
        .json(&json!({"token": token}))
        .send()
        .await;
    resend.assert_problem(StatusCode::CONFLICT, "not_held");
}

/// Where the location confirms bookings itself, a verified booking is pending and the team is
/// told; consents ticked on the form are recorded with the verification, never before.
#[tokio::test]
async fn verified_bookings_wait_for_the_business_where_it_confirms_and_consents_are_recorded() {
    let fx = salon().await;
    let r = fx
        .app
        .req(
            axum::http::Method::PUT,
            &format!("/api/v1/locations/{}/booking-rules", fx.salon.location),
        )
        .cookie(&fx.owner.cookie)
        .json(&json!({"require_confirmation": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = fx
        .app
        .req(axum::http::Method::PUT, "/api/v1/booking-page")
        .cookie(&fx.owner.cookie)
        .json(&json!({"code_minutes": 5, "ask_marketing_consent": true, "ask_messaging_consent": true}))
        .send()
        .await;
    assert_eq!(s.status, StatusCode::OK);
    let p3 = fx
        .app
        .get(&format!(
            "/salon-uno?service={}&start=2026-11-26T10%3A00",
            fx.salon.cut
        ))
        .send()
        .await;
    assert!(p3.text.contains("name=\"marketing\"") && p3.text.contains("name=\"messaging\""));
    let r = hold_from(
        &fx,
        "203.0.113.7",
        "2026-11-26T10:00",
        "+39 347 123 4567",
        &[("marketing", "1"), ("messaging", "1")],
    )
    .await;
    let token = token_in(&location(&r));
    let b = booking(&fx, &token).await;
    let t = fx.app.db.store.tenant(fx.owner.tenant);
    let c = t.customer(b.customer_id.unwrap()).await.unwrap().unwrap();
    assert!(!c.marketing_consent, "not before the phone is verified");
    let code = last_code(&fx).await;
    assert_eq!(
        verify(&fx, &token, &code).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(booking(&fx, &token).await.status, "pending");
    let c = t.customer(b.customer_id.unwrap()).await.unwrap().unwrap();
    assert!(c.marketing_consent);
    assert_eq!(c.marketing_consent_source.as_deref(), Some("web"));
    let (m, at, src) = t.customer_messaging_consent(c.id).await.unwrap().unwrap();
    assert!(m && at.is_some() && src.as_deref() == Some("web"));
    let ntf = t.booking_notifications(b.id).await.unwrap();
    assert!(ntf.iter().any(|n| n.key == "admin_new"), "the team is told");
    assert!(
        !ntf.iter().any(|n| n.key == "confirmation"),
        "no confirmation before the business confirms"
    );
    let page = fx
        .app
        .get(&format!("/manage/{token}?msg=confirmed"))
        .send()
        .await;
    assert!(page.text.contains("Booking request received"));
    // Where the business does not ask, a ticked box is ignored.
    let fx2 = salon().await;
    let r = hold_from(
        &fx2,
        "203.0.113.7",
        "2026-11-26T10:00",
        "+39 347 123 4567",
        &[("marketing", "1")],
    )
    .await;
    let token = token_in(&location(&r));
    let code = last_code(&fx2).await;
    verify(&fx2, &token, &code).await;
    let b = booking(&fx2, &token).await;
    let c = fx2
        .app
        .db
        .store
        .tenant(fx2.owner.tenant)
        .customer(b.customer_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!c.marketing_consent);
}

/// Embedding: only a page asked for with `?embed=1` may be framed; CORS only on the public API.
#[tokio::test]
async fn embed_mode_frames_only_public_pages_and_cors_only_on_the_public_api() {
    let fx = salon().await;
    let normal = fx.app.get("/salon-uno").send().await;
    assert_eq!(normal.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(
        normal
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let embed = fx.app.get("/salon-uno?embed=1").send().await;
    assert!(embed.headers.get("x-frame-options").is_none());
    assert!(
        embed
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors *")
    );
    assert!(embed.text.contains("class=\"public is-embed\""));
    let dash = fx.app.get("/login?embed=1").send().await;
    assert_eq!(
        dash.headers.get("x-frame-options").unwrap(),
        "DENY",
        "the dashboard is never framable"
    );
    // The embed script.
    let w = fx.app.get("/widget.js").send().await;
    assert_eq!(w.status, StatusCode::OK);
    assert!(w.text.contains("embed=1"));
    // CORS preflight and answers on the public API, not on the private one.
    let pre = fx
        .app
        .req(
            axum::http::Method::OPTIONS,
            "/api/public/salon-uno/bookings",
        )
        .header("origin", "https://salon-uno.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await;
    assert!(pre.status.is_success(), "{}", pre.status);
    assert_eq!(pre.headers.get("access-control-allow-origin").unwrap(), "*");
    let get = fx
        .app
        .get("/api/public/salon-uno")
        .header("origin", "https://salon-uno.example")
        .send()
        .await;
    assert_eq!(get.headers.get("access-control-allow-origin").unwrap(), "*");
    let private = fx
        .app
        .get("/api/v1/business")
        .header("origin", "https://salon-uno.example")
        .cookie(&fx.owner.cookie)
        .send()
        .await;
    assert!(private.headers.get("access-control-allow-origin").is_none());
    // A cross-site POST to the public API works (no cookies, no CSRF), to the pages it does not.
    let api = fx
        .app
        .post("/api/public/salon-uno/bookings")
        .header("origin", "https://salon-uno.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"services": [fx.salon.cut], "start": "2026-11-26T10:00", "name": "X", "phone": "+39 347 123 4567"}))
        .send()
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.text);
    let page = fx
        .app
        .post("/salon-uno")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("service", &fx.salon.cut.to_string()),
            ("start", "2026-11-26T11:00"),
            ("name", "X"),
            ("phone", "+39 347 123 4568"),
        ])
        .send()
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

/// S1: each booking page has its own rate limit, stricter than the API's; holds per IP too.
#[tokio::test]
async fn s1_public_pages_have_their_own_limits() {
    let fx = fixture(
        TestApp::builder()
            .web(|w| w.rate_limits.public_slug_per_min = 5)
            .build()
            .await,
    )
    .await;
    for _ in 0..5 {
        assert_eq!(fx.app.get("/salon-uno").send().await.status, StatusCode::OK);
    }
    let r = fx.app.get("/salon-uno").from_ip("192.0.2.1").send().await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    fx.app
        .get("/api/public/salon-uno")
        .send()
        .await
        .assert_problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    // Another business's page is not affected.
    assert_eq!(
        fx.app.get("/api/public/other").send().await.status,
        StatusCode::NOT_FOUND
    );
    // Holds per IP and hour.
    let fx = salon().await;
    let mut made = 0;
    for n in 0..12 {
        let phone = format!("+39 347 700 {:04}", 1000 + n);
        let r = hold_from(&fx, "192.0.2.77", &start_n(n), &phone, &[]).await;
        if r.status == StatusCode::SEE_OTHER {
            made += 1;
        }
    }
    assert_eq!(made, 10);
}

/// The owner's dashboard page for the booking page: links, embed snippet, settings.
#[tokio::test]
async fn owners_edit_the_booking_page_settings_in_the_dashboard() {
    let fx = salon().await;
    let page = fx
        .app
        .get("/app/booking-page")
        .cookie(&fx.owner.cookie)
        .send()
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("/salon-uno"));
    assert!(
        page.text.contains("widget.js") && page.text.contains("data-slug=&#34;salon-uno&#34;"),
        "{}",
        page.text
    );
    let r = fx
        .app
        .post("/app/booking-page")
        .cookie(&fx.owner.cookie)
        .form(&[("code_minutes", "7"), ("ask_marketing_consent", "1")])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let s = fx
        .app
        .get("/api/v1/booking-page")
        .cookie(&fx.owner.cookie)
        .send()
        .await;
    assert_eq!(
        s.json,
        json!({"code_minutes": 7, "ask_marketing_consent": true, "ask_messaging_consent": false})
    );
    let bad = fx
        .app
        .post("/app/booking-page")
        .cookie(&fx.owner.cookie)
        .form(&[("code_minutes", "0")])
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rec = fx
        .app
        .add_member(&fx.owner, "desk@uno.example", "receptionist")
        .await;
    let r = fx
        .app
        .post("/app/booking-page")
        .cookie(&rec.cookie)
        .form(&[("code_minutes", "9")])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Restaurants book by party size and requirements; the tables are chosen by the engine.
#[tokio::test]
async fn a_restaurant_is_booked_by_party_size() {
    let app = TestApp::new().await;
    let owner = app.signup("Trattoria Due", "owner@due.example").await;
    let l = location_of(&app, &owner).await;
    seed::restaurant(&app.db.store, owner.tenant, l).await;
    let p1 = app.get("/trattoria-due").send().await;
    assert!(p1.text.contains("How many guests?") && p1.text.contains("name=\"party\""));
    let p2 = app
        .get("/trattoria-due?party=4&req=accessible&from=2026-11-26")
        .send()
        .await;
    let times = links(&p2.text, "time");
    assert!(times.iter().any(|t| t.contains("T18%3A00")), "{}", p2.text);
    let r = app
        .post("/trattoria-due")
        .form(&[
            ("party", "4"),
            ("req", "accessible"),
            ("start", "2026-11-26T18:00"),
            ("name", "Luca"),
            ("phone", "+39 347 123 4567"),
        ])
        .send()
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let token = token_in(&location(&r));
    let code = codes_of(&app, owner.tenant).await[0].1.clone();
    let v = app
        .post(&format!("/manage/{token}/verify"))
        .form(&[("code", &code)])
        .send()
        .await;
    assert_eq!(v.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/manage/{token}")).send().await;
    assert!(
        page.text.contains("T3"),
        "the accessible table: {}",
        page.text
    );
    assert!(page.text.contains("Guests</dt><dd>4"));
}
