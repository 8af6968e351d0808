//! Faithful fakes of the messaging providers' send APIs, for tests here and in the crates that
//! wire the inbox (enable the `testing` feature). Each is an axum server on 127.0.0.1:0 that
//! checks the path, the auth header and the body shape like the provider, records every request,
//! and answers with the documented success and error bodies. Some recipients are scripted to
//! fail (see the constants); everything else succeeds. A request with another token gets the
//! provider's token error.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::channel::Channel;
use crate::http::{AddressPolicy, ClientSettings, Outbound};

/// The access token every fake accepts.
pub const TOKEN: &str = "EAAGtest";

/// WhatsApp recipients answered with 130429 (throughput limit, no `Retry-After`).
pub const WA_RATE_LIMITED: &str = "+15550000429";
/// WhatsApp recipient answered with 131056 (pair rate limit) and `Retry-After: 6`.
pub const WA_PAIR_LIMITED: &str = "+15550001056";
/// WhatsApp recipient answered with 131047 (re-engagement: outside the 24-hour window).
pub const WA_OUTSIDE_WINDOW: &str = "+15550001047";
/// WhatsApp recipient answered with 503 and `Retry-After: 30`.
pub const WA_UNAVAILABLE: &str = "+15550000503";
/// A WhatsApp template name answered with 132001 (does not exist).
pub const WA_UNKNOWN_TEMPLATE: &str = "no_such_template";
/// The wamid the WhatsApp fake returns.
pub const WA_MESSAGE_ID: &str = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA";
/// The WhatsApp fake's phone number id and API version (others get Graph error 100).
pub const WA_PHONE_NUMBER_ID: &str = "106540352242922";
/// The Graph API version the WhatsApp fake serves.
pub const WA_VERSION: &str = "v23.0";

/// Messenger/Instagram recipient answered with code 10 / 2018278 (outside the window).
pub const PAGE_OUTSIDE_WINDOW: &str = "OUTSIDE_WINDOW";
/// Messenger/Instagram recipient answered with code 551 (person unavailable).
pub const PAGE_BLOCKED: &str = "BLOCKED";
/// Messenger/Instagram recipient answered with code 613 (rate limit).
pub const PAGE_RATE_LIMITED: &str = "BUSY";

/// Zalo user answered with -213 (outside the interaction window).
pub const ZALO_OUTSIDE_WINDOW: &str = "WINDOW";
/// Zalo user answered with -32 (request limit, transient).
pub const ZALO_RATE_LIMITED: &str = "BUSY";
/// Zalo user answered with HTTP 502.
pub const ZALO_DOWN: &str = "DOWN";

/// Requests a fake received: `(path, JSON body)` in arrival order.
pub type Requests = Arc<Mutex<Vec<(String, Value)>>>;

/// A running fake.
#[derive(Debug, Clone)]
pub struct FakeServer {
    /// `http://127.0.0.1:<port>`: the adapter's base URL.
    pub base_url: String,
    /// What it received.
    pub requests: Requests,
}

impl FakeServer {
    /// How many requests it received.
    pub fn count(&self) -> usize {
        self.requests.lock().expect("not poisoned").len()
    }

    /// The `i`-th request.
    pub fn request(&self, i: usize) -> (String, Value) {
        self.requests.lock().expect("not poisoned")[i].clone()
    }
}

/// An outbound client allowed to reach loopback, where the fakes listen (tests only).
pub fn outbound() -> Outbound {
    Outbound::new(ClientSettings {
        policy: AddressPolicy {
            allow_private: true,
        },
        ..Default::default()
    })
}

async fn start(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn graph_error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}})),
    )
        .into_response()
}

fn bearer_ok(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn record(seen: &Requests, path: String, body: &Value) {
    seen.lock()
        .expect("not poisoned")
        .push((path, body.clone()));
}

/// Starts the WhatsApp Cloud API fake: `POST /{version}/{phone_number_id}/messages`.
pub async fn whatsapp() -> FakeServer {
    let requests = Requests::default();
    let app = Router::new()
        .route("/{version}/{phone}/messages", post(wa_messages))
        .with_state(requests.clone());
    FakeServer {
        base_url: start(app).await,
        requests,
    }
}

/// Starts the Messenger (`Channel::Messenger`) or Instagram Send API fake:
/// `POST /{version}/{account}/messages`.
pub async fn pages(channel: Channel) -> FakeServer {
    let requests = Requests::default();
    let app = Router::new()
        .route("/{version}/{account}/messages", post(page_messages))
        .with_state((requests.clone(), channel));
    FakeServer {
        base_url: start(app).await,
        requests,
    }
}

/// Starts the Zalo OA customer-service message fake: `POST /v3.0/oa/message/cs`.
pub async fn zalo() -> FakeServer {
    let requests = Requests::default();
    let app = Router::new()
        .route("/v3.0/oa/message/cs", post(zalo_cs))
        .with_state(requests.clone());
    FakeServer {
        base_url: start(app).await,
        requests,
    }
}

// WhatsApp Cloud API: `POST /{version}/{phone_number_id}/messages`.
async fn wa_messages(
    State(seen): State<Requests>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    record(&seen, format!("/{version}/{phone}/messages"), &body);
    if !bearer_ok(&headers) {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            190,
            "Error validating access token: Session has expired",
        );
    }
    if version != WA_VERSION || phone != WA_PHONE_NUMBER_ID {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Unsupported post request");
    }
    let to = body["to"].as_str().unwrap_or_default();
    let shape_ok = body["messaging_product"] == "whatsapp"
        && body["recipient_type"] == "individual"
        && !to.is_empty()
        && match body["type"].as_str() {
            Some("text") => body["text"]["body"].is_string(),
            Some("template") => {
                body["template"]["name"].is_string()
                    && body["template"]["language"]["code"].is_string()
            }
            _ => false,
        };
    if !shape_ok {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter");
    }
    match to {
        WA_RATE_LIMITED => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}})),
        )
            .into_response(),
        WA_PAIR_LIMITED => (
            StatusCode::BAD_REQUEST,
            [("retry-after", "6")],
            Json(json!({"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},"fbtrace_id":"A"}})),
        )
            .into_response(),
        WA_OUTSIDE_WINDOW => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"B"}})),
        )
            .into_response(),
        WA_UNAVAILABLE => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "30")],
            "upstream unavailable",
        )
            .into_response(),
        _ if body["type"] == "template" && body["template"]["name"] == WA_UNKNOWN_TEMPLATE => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (no_such_template) does not exist in en"},"error_subcode":2494073,"fbtrace_id":"C"}})),
        )
            .into_response(),
        _ => {
            let mut message = json!({"id": WA_MESSAGE_ID});
            if body["type"] == "template" {
                message["message_status"] = json!("accepted");
            }
            Json(json!({
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to.trim_start_matches('+')}],
                "messages": [message],
            }))
            .into_response()
        }
    }
}

// Messenger / Instagram Send API: `POST /{version}/{account}/messages`.
async fn page_messages(
    State((seen, channel)): State<(Requests, Channel)>,
    Path((version, account)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    record(&seen, format!("/{version}/{account}/messages"), &body);
    if !bearer_ok(&headers) {
        return graph_error(
            StatusCode::BAD_REQUEST,
            190,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    let recipient = body["recipient"]["id"].as_str().unwrap_or_default();
    let text = body["message"]["text"].as_str();
    let type_ok = match (channel, body["messaging_type"].as_str()) {
        (Channel::Messenger, Some("RESPONSE")) | (Channel::Instagram, None) => {
            body.get("tag").is_none()
        }
        (_, Some("MESSAGE_TAG")) => body["tag"] == "HUMAN_AGENT",
        _ => false,
    };
    if recipient.is_empty() || text.is_none() || !type_ok {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter");
    }
    match recipient {
        PAGE_OUTSIDE_WINDOW => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"D"}})),
        )
            .into_response(),
        PAGE_BLOCKED => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"fbtrace_id":"E"}})),
        )
            .into_response(),
        PAGE_RATE_LIMITED => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"fbtrace_id":"F"}})),
        )
            .into_response(),
        _ => Json(json!({"recipient_id": recipient, "message_id": "AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"})).into_response(),
    }
}

// Zalo OA customer-service message: `POST /v3.0/oa/message/cs`, `access_token` header, errors
// with HTTP 200.
async fn zalo_cs(
    State(seen): State<Requests>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    record(&seen, "/v3.0/oa/message/cs".into(), &body);
    if headers.get("access_token").and_then(|v| v.to_str().ok()) != Some(TOKEN)
        || headers.get("authorization").is_some()
    {
        return Json(json!({"error": -216, "message": "Access token is invalid"})).into_response();
    }
    let user = body["recipient"]["user_id"].as_str().unwrap_or_default();
    if user.is_empty() || !body["message"]["text"].is_string() {
        return Json(json!({"error": -201, "message": "Parameters are invalid"})).into_response();
    }
    match user {
        ZALO_OUTSIDE_WINDOW => Json(json!({"error": -213, "message": "User has not interacted with the OA in the past 7 days"})).into_response(),
        ZALO_RATE_LIMITED => Json(json!({"error": -32, "message": "Exceed the limit request per minute"})).into_response(),
        ZALO_DOWN => (StatusCode::BAD_GATEWAY, "bad gateway").into_response(),
        _ => Json(json!({"error": 0, "message": "Success", "data": {"message_id": "a1b2c3d4e5", "user_id": user}})).into_response(),
    }
}
