//! Live events for staff screens (promise N2) over server-sent events: a booking made, moved
//! or cancelled reaches every open screen of that business at once, and never another
//! business's (promise T1).

use std::time::Duration;

use axum::http::StatusCode;
use frontdesk_testkit::{Session, TestApp, seed};
use futures_util::StreamExt;
use serde_json::json;

async fn location_of(app: &TestApp, s: &Session) -> String {
    app.get("/api/v1/locations")
        .cookie(&s.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Reads the stream until an event named `name` arrives (or fails after 5 s).
async fn next_event(body: &mut axum::body::BodyDataStream, name: &str) -> String {
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let chunk = body.next().await.expect("stream open").expect("chunk");
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if let Some(at) = seen.find(&format!("event: {name}\n")) {
                return seen[at..].to_string();
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {name} event; saw {seen:?}"))
}

/// Whether anything but keep-alive comments arrives within `ms`.
async fn quiet_for(body: &mut axum::body::BodyDataStream, ms: u64) -> bool {
    match tokio::time::timeout(Duration::from_millis(ms), body.next()).await {
        Err(_) => true,
        Ok(Some(Ok(chunk))) => String::from_utf8_lossy(&chunk).starts_with(':'),
        Ok(_) => false,
    }
}

#[tokio::test]
async fn booking_changes_reach_open_screens_of_that_business_only() {
    let app = TestApp::new().await;
    let a = app.signup("Salon Live", "owner@live.example").await;
    let b = app.signup("Salon Other", "owner@other.example").await;
    let loc = location_of(&app, &a).await;
    let salon = seed::salon(&app.db.store, a.tenant, loc.parse().unwrap()).await;

    let (status, headers, mut a_stream) =
        app.get("/api/v1/events").cookie(&a.cookie).stream().await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let (_, _, mut b_stream) = app.get("/api/v1/events").cookie(&b.cookie).stream().await;
    // Without credentials there is no stream.
    let anon = app.get("/api/v1/events").send().await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);

    let r = app
        .post("/api/v1/bookings")
        .cookie(&a.cookie)
        .json(&json!({"location_id": loc, "services": [{"service_id": salon.cut}], "start": "2026-11-25T10:00"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_string();
    let ev = next_event(&mut a_stream, "bookings").await;
    assert!(ev.contains("\"kind\":\"bookings\""), "{ev}");
    assert!(
        !ev.contains("ten_"),
        "no ids of the business in the event: {ev}"
    );

    // Cancelling is news too.
    let r = app
        .post(&format!("/api/v1/bookings/{id}/cancel"))
        .cookie(&a.cookie)
        .json(&json!({"reason": "customer called"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    next_event(&mut a_stream, "bookings").await;

    // The other business heard nothing.
    assert!(
        quiet_for(&mut b_stream, 300).await,
        "another business's change leaked"
    );
}
