//! `GET /api/v1/events`: the business's live events as server-sent events (promise N2). Staff
//! dashboards open it with `EventSource` (same-origin cookie); API clients with their key.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::Method;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::extract::Staff;
use crate::routes::{Access, RouteSpec, Routes};

/// The live-event route.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    Routes::new()
        .add(Method::GET, "/api/v1/events", Access::Staff, events)
        .finish()
}

#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, description = "`text/event-stream`: `event: bookings` with `data: {\"kind\":\"bookings\",\"at_ms\":…}` when a booking of this business is made, moved or changes status; `event: resync` when the client fell behind; a comment every 15 s", content_type = "text/event-stream", body = String)))]
/// Streams `bookings` events (and a `resync` when this client fell behind) for the signed-in
/// business only; a comment every 15 s keeps proxies from closing the connection.
pub async fn events(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.app.events.subscribe();
    let tenant = ctx.tenant;
    let stream = futures_util::stream::unfold(rx, move |mut rx| async move {
        loop {
            let event = match rx.recv().await {
                Ok(e) if e.tenant == tenant => {
                    let data = serde_json::to_string(&e).unwrap_or_else(|_| "{}".into());
                    Event::default().event(e.kind).data(data)
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(event), rx));
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
