//! Booking notifications (promise N1) on the durable queue: exactly once across a crash,
//! reminders that move and disappear, quiet hours, review requests, templates (escaping and the
//! sandbox), all through the real router and job handlers, on the configured backend.

use axum::http::{Method, StatusCode};
use frontdesk_testkit::{Session, TestApp};
use serde_json::{Value, json};

struct Desk {
    app: TestApp,
    owner: Session,
    loc: String,
    cut: String,
}

async fn desk() -> Desk {
    let app = TestApp::builder()
        .config(|c| c.session_ttl = std::time::Duration::from_secs(30 * 86_400))
        .build()
        .await;
    let owner = app.signup("Salon Notify", "owner@notify.example").await;
    let loc = app
        .get("/api/v1/locations")
        .cookie(&owner.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let salon =
        frontdesk_testkit::seed::salon(&app.db.store, owner.tenant, loc.parse().unwrap()).await;
    app.drain_jobs().await;
    Desk {
        app,
        owner,
        loc,
        cut: salon.cut.to_string(),
    }
}

impl Desk {
    async fn book(&self, start: &str, customer: Value) -> String {
        let r = self
            .app
            .post("/api/v1/bookings")
            .cookie(&self.owner.cookie)
            .json(&json!({"location_id": self.loc, "services": [{"service_id": self.cut}], "start": start, "customer": customer}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["id"].as_str().unwrap().to_string()
    }

    async fn notifications(&self, booking: &str) -> Vec<Value> {
        let r = self
            .app
            .get(&format!("/api/v1/bookings/{booking}/notifications"))
            .cookie(&self.owner.cookie)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json.as_array().unwrap().clone()
    }

    async fn of_kind(&self, booking: &str, kind: &str) -> Vec<Value> {
        self.notifications(booking)
            .await
            .into_iter()
            .filter(|n| n["kind"] == kind)
            .collect()
    }

    async fn texts(&self, purpose: &str) -> Vec<frontdesk_store::notify::Sms> {
        self.app
            .db
            .store
            .tenant(self.owner.tenant)
            .sms_outbox(500)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.purpose == purpose)
            .collect()
    }

    async fn settings(&self, body: Value) {
        let r = self
            .app
            .req(Method::PUT, "/api/v1/notification-settings")
            .cookie(&self.owner.cookie)
            .json(&body)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }

    /// Moves the clock to an RFC 3339 instant.
    fn at(&self, t: &str) {
        let target = t.parse::<jiff::Timestamp>().unwrap().as_millisecond();
        let now = self.app.app.now_ms();
        assert!(target >= now);
        self.app.clock.advance_ms(target - now);
    }
}

const GIULIA: fn() -> Value = || json!({"name": "Giulia Rossi", "phone": "+39 347 123 4567"});

#[tokio::test]
async fn confirmation_and_reminder_go_out_exactly_once_even_across_a_crash() {
    // Promise N1: confirmation after booking, reminder N hours before, never twice, never lost.
    let d = desk().await;
    let bk = d.book("2026-11-25T10:00", GIULIA()).await; // 09:00Z
    d.app.drain_jobs().await;
    let conf = d.texts("booking_confirmation").await;
    assert_eq!(conf.len(), 1);
    assert!(
        conf[0].body.contains("Salon Notify")
            && conf[0].body.contains("Wednesday 25 November 2026 at 10:00"),
        "{}",
        conf[0].body
    );
    assert!(
        conf[0].body.contains("/manage/mb_"),
        "the confirmation carries a manage link: {}",
        conf[0].body
    );
    assert_eq!(conf[0].to_phone, "+393471234567");
    let admin = d.app.mail_to("owner@notify.example").await;
    assert!(
        admin
            .iter()
            .any(|m| m.subject.starts_with("New booking: Giulia Rossi")),
        "team e-mail"
    );
    let rem = d.of_kind(&bk, "booking_reminder").await;
    assert_eq!(
        (rem[0]["status"].as_str(), rem[0]["due_at"].as_str()),
        (Some("scheduled"), Some("2026-11-24T09:00:00Z"))
    );

    // The reminder becomes due; a worker claims its job and dies before finishing.
    d.at("2026-11-24T09:00:01Z");
    let claimed = d
        .app
        .db
        .store
        .claim_jobs("default", "crashed-worker", d.app.app.now_ms(), 60_000, 10)
        .await
        .unwrap();
    let job = claimed
        .iter()
        .find(|j| j.kind == "notify.dispatch")
        .expect("the reminder job was claimed");
    // It even did the work (dispatch committed) but never recorded the job as done.
    let p: Value = serde_json::from_str(&job.payload).unwrap();
    d.app
        .app
        .dispatch_notification(
            d.owner.tenant,
            p["notification_id"].as_str().unwrap().parse().unwrap(),
            p["version"].as_i64().unwrap(),
        )
        .await
        .unwrap();
    // Restart: a new worker, after the dead worker's lease expired, runs the job again.
    d.app.drain_jobs().await;
    assert_eq!(
        d.texts("booking_reminder").await.len(),
        1,
        "nothing while the lease holds"
    );
    d.app.clock.advance_ms(61_000);
    let w = d.app.worker("after-restart");
    for _ in 0..5 {
        w.run_once("default").await.unwrap();
    }
    let rem = d.texts("booking_reminder").await;
    assert_eq!(rem.len(), 1, "exactly one reminder");
    assert_eq!(rem[0].status, "sent");
    assert!(
        rem[0].body.starts_with("Reminder from Salon Notify"),
        "{}",
        rem[0].body
    );
    // Much later, nothing more.
    d.app.clock.advance_ms(86_400_000);
    d.app.drain_jobs().await;
    assert_eq!(d.texts("booking_reminder").await.len(), 1);
    assert_eq!(d.texts("booking_confirmation").await.len(), 1);
    assert_eq!(
        d.of_kind(&bk, "booking_reminder").await[0]["status"],
        "sent"
    );
}

#[tokio::test]
async fn a_crash_between_claim_and_dispatch_loses_nothing() {
    let d = desk().await;
    let bk = d.book("2026-11-25T10:00", GIULIA()).await;
    // The worker that claimed the confirmation died before doing anything.
    let claimed = d
        .app
        .db
        .store
        .claim_jobs("default", "crashed", d.app.app.now_ms(), 60_000, 50)
        .await
        .unwrap();
    assert!(claimed.iter().any(|j| j.kind == "notify.dispatch"));
    d.app.clock.advance_ms(61_000);
    d.app.drain_jobs().await;
    assert_eq!(
        d.texts("booking_confirmation").await.len(),
        1,
        "taken over after the lease"
    );
    assert_eq!(
        d.of_kind(&bk, "booking_confirmation").await[0]["status"],
        "sent"
    );
}

#[tokio::test]
async fn the_reminder_moves_with_the_booking_and_disappears_when_it_is_cancelled() {
    let d = desk().await;
    let bk = d.book("2026-11-25T10:00", GIULIA()).await;
    d.app.drain_jobs().await;
    let r = d
        .app
        .post(&format!("/api/v1/bookings/{bk}/reschedule"))
        .cookie(&d.owner.cookie)
        .json(&json!({"start": "2026-11-26T11:00"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    d.app.drain_jobs().await;
    let rem = d.of_kind(&bk, "booking_reminder").await;
    assert_eq!(rem.len(), 1, "still one reminder");
    assert_eq!(
        rem[0]["due_at"], "2026-11-25T10:00:00Z",
        "moved with the booking"
    );
    let moved = d.texts("booking_modified").await;
    assert_eq!(moved.len(), 1);
    assert!(
        moved[0].body.contains("Thursday 26 November 2026 at 11:00"),
        "{}",
        moved[0].body
    );
    // Nothing at the old time…
    d.at("2026-11-24T09:00:30Z");
    d.app.drain_jobs().await;
    assert!(
        d.texts("booking_reminder").await.is_empty(),
        "no reminder at the old time"
    );
    // …one at the new time.
    d.at("2026-11-25T10:00:30Z");
    d.app.drain_jobs().await;
    assert_eq!(d.texts("booking_reminder").await.len(), 1);

    // Another booking, cancelled: its reminder disappears, the customer is told.
    let bk2 = d
        .book(
            "2026-11-27T10:00",
            json!({"name": "Luca", "phone": "+39 347 765 0000"}),
        )
        .await;
    d.app.drain_jobs().await;
    let r = d
        .app
        .post(&format!("/api/v1/bookings/{bk2}/cancel"))
        .cookie(&d.owner.cookie)
        .json(&json!({"reason": "Stylist ill"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    d.app.drain_jobs().await;
    assert_eq!(
        d.of_kind(&bk2, "booking_reminder").await[0]["status"],
        "cancelled"
    );
    let c = d.texts("booking_cancelled").await;
    assert_eq!(c.len(), 1);
    assert!(c[0].body.contains("Stylist ill"), "{}", c[0].body);
    assert!(
        d.app
            .mail_to("owner@notify.example")
            .await
            .iter()
            .any(|m| m.subject.starts_with("Booking cancelled: Luca"))
    );
    d.at("2026-11-27T09:30:00Z");
    d.app.drain_jobs().await;
    assert_eq!(
        d.texts("booking_reminder").await.len(),
        1,
        "no reminder for the cancelled booking"
    );
}

#[tokio::test]
async fn quiet_hours_delay_non_urgent_messages_and_reminders_come_before_them() {
    let d = desk().await;
    d.settings(json!({"reminder_hours": 24, "quiet_start": "21:00", "quiet_end": "09:30"}))
        .await;
    // 22:30 in Rome: a staff booking's confirmation waits for 09:30.
    d.at("2026-11-23T21:30:00Z");
    let bk = d.book("2026-11-26T09:00", GIULIA()).await;
    d.app.drain_jobs().await;
    assert!(
        d.texts("booking_confirmation").await.is_empty(),
        "nothing during quiet hours"
    );
    let conf = d.of_kind(&bk, "booking_confirmation").await;
    assert_eq!(
        (conf[0]["status"].as_str(), conf[0]["due_at"].as_str()),
        (Some("scheduled"), Some("2026-11-24T08:30:00Z"))
    );
    // The team e-mail is not held back.
    assert!(
        d.app
            .mail_to("owner@notify.example")
            .await
            .iter()
            .any(|m| m.subject.starts_with("New booking"))
    );
    // The reminder (24 h before 09:00 = inside quiet hours) is planned before they begin.
    let rem = d.of_kind(&bk, "booking_reminder").await;
    assert_eq!(rem[0]["due_at"], "2026-11-24T20:00:00Z");
    d.at("2026-11-24T08:30:10Z");
    d.app.drain_jobs().await;
    assert_eq!(
        d.texts("booking_confirmation").await.len(),
        1,
        "sent when the quiet hours end"
    );
}

#[tokio::test]
async fn review_requests_follow_completed_bookings_unless_turned_off() {
    let d = desk().await;
    d.settings(json!({"reminder_hours": null, "review_enabled": true, "review_url": "https://g.page/r/salon-notify/review"})).await;
    let a = d.book("2026-11-23T11:00", GIULIA()).await;
    let b = d
        .book(
            "2026-11-23T12:00",
            json!({"name": "Luca", "phone": "+39 347 765 0000"}),
        )
        .await;
    assert!(
        d.of_kind(&a, "booking_reminder").await.is_empty(),
        "reminders are off"
    );
    let off = d
        .app
        .req(Method::PUT, &format!("/api/v1/bookings/{b}/review-request"))
        .cookie(&d.owner.cookie)
        .json(&json!({"enabled": false}))
        .send()
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    d.at("2026-11-23T12:00:00Z");
    for bk in [&a, &b] {
        let r = d
            .app
            .post(&format!("/api/v1/bookings/{bk}/complete"))
            .cookie(&d.owner.cookie)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    d.app.drain_jobs().await;
    assert!(
        d.texts("review_request").await.is_empty(),
        "not before the next day"
    );
    assert_eq!(
        d.of_kind(&a, "review_request").await[0]["due_at"],
        "2026-11-24T09:00:00Z",
        "the next morning, 10:00 local"
    );
    assert_eq!(d.of_kind(&b, "review_request").await[0]["status"], "off");
    d.at("2026-11-24T09:00:05Z");
    d.app.drain_jobs().await;
    let rv = d.texts("review_request").await;
    assert_eq!(rv.len(), 1, "only the booking that did not opt out");
    assert!(rv[0].body.contains("https://g.page/r/salon-notify/review"));
}

#[tokio::test]
async fn names_are_escaped_in_html_mail_and_bad_templates_are_refused() {
    let d = desk().await;
    d.settings(json!({"reminder_hours": 24, "customer_channel": "email"}))
        .await;
    let bk = d.book("2026-11-25T10:00", json!({"name": "<script>alert(1)</script>", "email": "x@guest.example", "language": "fr"})).await;
    d.app.drain_jobs().await;
    let mails = d.app.mail_to("x@guest.example").await;
    assert_eq!(mails.len(), 1);
    let html = mails[0].body_html.as_deref().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    assert!(
        mails[0].subject.contains("confirmée"),
        "in the customer's language: {}",
        mails[0].subject
    );
    assert!(
        mails[0].body_text.contains("<script>"),
        "the text part is plain text"
    );
    assert_eq!(
        d.of_kind(&bk, "booking_confirmation").await[0]["channel"],
        "email"
    );

    // The sandbox refuses, with a clear problem, and saves nothing.
    let put = |body: &str| {
        let v =
            json!({"kind": "booking_reminder", "channel": "sms", "language": "en", "body": body});
        let app = &d.app;
        let cookie = d.owner.cookie.clone();
        async move {
            app.req(Method::PUT, "/api/v1/notification-templates")
                .cookie(&cookie)
                .json(&v)
                .send()
                .await
        }
    };
    for (bad, why) in [
        ("{% include 'secrets.txt' %}", "not allowed"),
        ("{{ 'x' * 100000000 }}", "`*` is not allowed"),
        ("Hi {{ nme }}", "variable that does not exist"),
        ("Hi {% if when %}", "line 1"),
        (
            "{% for x in services %}{% endfor %}{{ when | safe }}",
            "line 1",
        ),
    ] {
        let r = put(bad).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(r.text.contains(why), "{bad}: {}", r.text);
    }
    let list = d
        .app
        .get("/api/v1/notification-templates?language=en")
        .cookie(&d.owner.cookie)
        .send()
        .await;
    assert!(
        list.json
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["customized"] == false),
        "nothing was saved"
    );
    // A good one saves, previews and is used; a reset brings the default back.
    let r = put("{{ business | upper }}: see you {{ when }}, {{ customer_name }}!").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["customized"], true);
    let p = d
        .app
        .post("/api/v1/notification-templates/preview")
        .cookie(&d.owner.cookie)
        .json(&json!({"kind": "booking_confirmation", "channel": "email", "language": "it", "subject": "Ciao {{ customer_name }}", "body": "Ciao <b>{{ customer_name }}</b>, {{ manage_url }}"}))
        .send()
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(p.json["subject"], "Ciao Giulia Rossi");
    let html = p.json["html"].as_str().unwrap();
    assert!(
        html.contains("&lt;b&gt;Giulia Rossi&lt;/b&gt;")
            && html.contains("<a href=\"https://desk.example.com/manage/mb_SAMPLE\">"),
        "{html}"
    );
    let reset = d
        .app
        .post("/api/v1/notification-templates/reset")
        .cookie(&d.owner.cookie)
        .json(&json!({"kind": "booking_reminder", "channel": "sms", "language": "en"}))
        .send()
        .await;
    assert_eq!(reset.json["customized"], false);
    // Settings and templates are owner-only (promise A2).
    let rec = d
        .app
        .add_member(&d.owner, "desk@notify.example", "receptionist")
        .await;
    d.app
        .get("/api/v1/notification-templates")
        .cookie(&rec.cookie)
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "owner_only");
}

#[tokio::test]
async fn owners_edit_preview_and_reset_templates_in_the_dashboard() {
    let d = desk().await;
    let page = d
        .app
        .get("/app/notifications?kind=booking_reminder&channel=sms&language=it")
        .cookie(&d.owner.cookie)
        .send()
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("Promemoria da {{ business }}"),
        "the Italian default is shown"
    );
    let prev = d
        .app
        .post("/app/notifications/template")
        .cookie(&d.owner.cookie)
        .form(&[
            ("kind", "booking_reminder"),
            ("channel", "sms"),
            ("language", "it"),
            ("body", "Ciao {{ customer_name }}, {{ when }}"),
            ("action", "preview"),
        ])
        .send()
        .await;
    assert_eq!(prev.status, StatusCode::OK, "{}", prev.text);
    assert!(
        prev.text
            .contains("Ciao Giulia Rossi, martedì 24 novembre 2026 alle 10:00"),
        "{}",
        prev.text
    );
    let bad = d
        .app
        .post("/app/notifications/template")
        .cookie(&d.owner.cookie)
        .form(&[
            ("kind", "booking_reminder"),
            ("channel", "sms"),
            ("language", "it"),
            ("body", "{{ oops"),
            ("action", "save"),
        ])
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = d
        .app
        .post("/app/notifications")
        .cookie(&d.owner.cookie)
        .form(&[
            ("reminder_hours", "2"),
            ("customer_channel", "sms"),
            ("admin_enabled", "on"),
        ])
        .send()
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let s = d
        .app
        .get("/api/v1/notification-settings")
        .cookie(&d.owner.cookie)
        .send()
        .await;
    assert_eq!(s.json["reminder_hours"], 2);
}

/// Promise B5: every manage link a customer was sent keeps working (the one handed out at
/// booking time, the confirmation's, the reminder's); forged or altered tokens open nothing.
#[tokio::test]
async fn every_manage_link_sent_keeps_working_and_forged_ones_open_nothing() {
    let d = desk().await;
    let r = d
        .app
        .post("/api/v1/bookings")
        .cookie(&d.owner.cookie)
        .json(&json!({"location_id": d.loc, "services": [{"service_id": d.cut}], "start": "2026-11-25T10:00", "customer": GIULIA()}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let bk = r.json["id"].as_str().unwrap().to_string();
    let first = r.json["manage_token"].as_str().unwrap().to_string();
    d.app.drain_jobs().await;
    d.at("2026-11-24T09:00:01Z");
    d.app.drain_jobs().await;
    let token_in = |body: &str| {
        let at = body.find("/manage/mb_").expect("a manage link") + 8;
        body[at..]
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap()
            .to_string()
    };
    let conf = token_in(&d.texts("booking_confirmation").await[0].body);
    let rem = token_in(&d.texts("booking_reminder").await[0].body);
    assert_ne!(conf, rem, "each message carries its own token");
    for t in [&first, &conf, &rem] {
        let b = d.app.app.booking_for_manage_token(t).await.unwrap();
        assert_eq!(b.map(|b| b.id.to_string()), Some(bk.clone()), "{t}");
    }
    // Change one character of the secret: nothing.
    let mut forged = rem.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert!(
        d.app
            .app
            .booking_for_manage_token(&forged)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        d.app
            .app
            .booking_for_manage_token("mb_nope")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        d.app
            .app
            .booking_for_manage_token("")
            .await
            .unwrap()
            .is_none()
    );
    // Nothing is stored in the clear.
    let stored = d
        .app
        .db
        .store
        .tenant(d.owner.tenant)
        .booking(bk.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored
            .manage_token_hash
            .unwrap_or_default()
            .contains(&first[3..])
    );
}
