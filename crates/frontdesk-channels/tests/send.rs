//! Send adapters against faithful fakes (axum on 127.0.0.1:0) that check the path, the auth
//! header and the body shape, and answer with the documented success and error bodies.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use frontdesk_channels::channel::{Channel, SendError, SendReceipt};
use frontdesk_channels::http::{AddressPolicy, ClientSettings, Outbound};
use frontdesk_channels::messenger::{self, MessagingType, PageConfig};
use frontdesk_channels::whatsapp::{
    self, Template, TemplateComponent, WhatsAppConfig, WhatsAppOutbound,
};
use frontdesk_channels::zalo::{self, ZaloConfig};
use secrecy::SecretString;
use serde_json::{Value, json};

const TOKEN: &str = "EAAGtest";

type Seen = Arc<Mutex<Vec<(String, Value)>>>;

fn seen_len(seen: &Seen) -> usize {
    seen.lock().unwrap().len()
}

async fn start(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The test-only allowance: fakes listen on loopback.
fn outbound() -> Outbound {
    Outbound::new(ClientSettings {
        policy: AddressPolicy {
            allow_private: true,
        },
        ..Default::default()
    })
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

/// WhatsApp Cloud API: `POST /{version}/{phone_number_id}/messages`.
async fn wa_messages(
    State(seen): State<Seen>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    seen.lock()
        .unwrap()
        .push((format!("/{version}/{phone}/messages"), body.clone()));
    if !bearer_ok(&headers) {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            190,
            "Error validating access token: Session has expired",
        );
    }
    if version != "v23.0" || phone != "106540352242922" {
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
        "+15550000429" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}})),
        )
            .into_response(),
        "+15550001056" => (
            StatusCode::BAD_REQUEST,
            [("retry-after", "6")],
            Json(json!({"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},"fbtrace_id":"A"}})),
        )
            .into_response(),
        "+15550001047" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"B"}})),
        )
            .into_response(),
        "+15550000503" => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "30")],
            "upstream unavailable",
        )
            .into_response(),
        _ if body["type"] == "template" && body["template"]["name"] == "no_such_template" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (no_such_template) does not exist in en"},"error_subcode":2494073,"fbtrace_id":"C"}})),
        )
            .into_response(),
        _ => {
            let mut message = json!({"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"});
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

async fn whatsapp_fake() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/{version}/{phone}/messages", post(wa_messages))
        .with_state(seen.clone());
    (start(app).await, seen)
}

fn wa_config(base_url: &str, token: &str) -> WhatsAppConfig {
    WhatsAppConfig {
        base_url: format!("{base_url}/"),
        version: "v23.0".into(),
        phone_number_id: "106540352242922".into(),
        access_token: SecretString::from(token),
    }
}

fn text(body: &str) -> WhatsAppOutbound {
    WhatsAppOutbound::Text {
        body: body.into(),
        preview_url: false,
        reply_to: None,
    }
}

#[tokio::test]
async fn whatsapp_text_and_template_are_sent() {
    let (base, seen) = whatsapp_fake().await;
    let http = outbound();
    let config = wa_config(&base, TOKEN);
    let receipt = whatsapp::send(
        &http,
        &config,
        "+16505551234",
        &WhatsAppOutbound::Text {
            body: "Your appointment is confirmed for Fri 10:00.".into(),
            preview_url: false,
            reply_to: Some("wamid.IN".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        receipt,
        SendReceipt {
            provider_message_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"
                .into(),
            recipient: Some("16505551234".into()),
            status: None,
        }
    );
    let (path, body) = seen.lock().unwrap()[0].clone();
    assert_eq!(path, "/v23.0/106540352242922/messages");
    assert_eq!(
        body,
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"text","text":{"preview_url":false,"body":"Your appointment is confirmed for Fri 10:00."},"context":{"message_id":"wamid.IN"}})
    );

    let template = Template {
        name: "order_confirmation".into(),
        language: "en".into(),
        components: vec![
            TemplateComponent::HeaderImage {
                link: "https://example.com/header.jpg".into(),
            },
            TemplateComponent::Body(vec!["Asha".into(), "ORD-9271".into()]),
            TemplateComponent::QuickReply {
                index: 0,
                payload: "CONFIRM_ORD-9271".into(),
            },
        ],
    };
    let receipt = whatsapp::send(
        &http,
        &config,
        "+16505551234",
        &WhatsAppOutbound::Template(template),
    )
    .await
    .unwrap();
    assert_eq!(receipt.status.as_deref(), Some("accepted"));
    // The documented template body of protocols.md §2.4, exactly.
    let (_, body) = seen.lock().unwrap()[1].clone();
    assert_eq!(
        body,
        json!({
          "messaging_product": "whatsapp",
          "recipient_type": "individual",
          "to": "+16505551234",
          "type": "template",
          "template": {
            "name": "order_confirmation",
            "language": {"code": "en"},
            "components": [
              {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/header.jpg"}}]},
              {"type": "body", "parameters": [{"type": "text", "text": "Asha"}, {"type": "text", "text": "ORD-9271"}]},
              {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "CONFIRM_ORD-9271"}]}
            ]
          }
        })
    );
}

#[tokio::test]
async fn whatsapp_errors_are_classified() {
    let (base, seen) = whatsapp_fake().await;
    let http = outbound();
    let config = wa_config(&base, TOKEN);
    let send = |to: &'static str, msg: WhatsAppOutbound| {
        let (http, config) = (http.clone(), config.clone());
        async move { whatsapp::send(&http, &config, to, &msg).await }
    };

    let e = send("+15550001047", text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, reason } if code == "131047" && reason.contains("24 hours")),
        "{e:?}"
    );
    let e = send("+15550000429", text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: None, .. } if code == "130429"),
        "{e:?}"
    );
    let e = send("+15550001056", text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: Some(6), .. } if code == "131056"),
        "{e:?}"
    );
    let e = send("+15550000503", text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: Some(30), .. } if code == "503"),
        "{e:?}"
    );
    let e = send(
        "+16505551234",
        WhatsAppOutbound::Template(Template {
            name: "no_such_template".into(),
            language: "en".into(),
            components: vec![],
        }),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, .. } if code == "132001"),
        "{e:?}"
    );

    // Too long or empty: refused here, before any call.
    let calls = seen_len(&seen);
    let e = send("+16505551234", text(&"é".repeat(4097)))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, .. } if code == "too_long"),
        "{e:?}"
    );
    let e = send("+16505551234", text("")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, .. } if code == "empty"),
        "{e:?}"
    );
    assert_eq!(seen_len(&seen), calls);
    send("+16505551234", text(&"é".repeat(4096))).await.unwrap();

    let expired = wa_config(&base, "expired");
    let e = whatsapp::send(&http, &expired, "+16505551234", &text("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SendError::TokenRejected { code, .. } if code == "190"),
        "{e:?}"
    );
}

#[tokio::test]
async fn unreachable_and_refused_destinations() {
    // Nothing listens: a transport failure is retried.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = wa_config(&format!("http://127.0.0.1:{port}"), TOKEN);
    let e = whatsapp::send(&outbound(), &config, "+16505551234", &text("hi"))
        .await
        .unwrap_err();
    assert!(matches!(e, SendError::Retry { .. }), "{e:?}");
    // The production client refuses loopback before any call: a configuration error.
    let e = whatsapp::send(
        &Outbound::new(ClientSettings::default()),
        &config,
        "+16505551234",
        &text("hi"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, .. } if code == "config"),
        "{e:?}"
    );
}

/// Messenger / Instagram Send API: `POST /{version}/{account}/messages`.
async fn page_messages(
    State((seen, channel)): State<(Seen, Channel)>,
    Path((version, account)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    seen.lock()
        .unwrap()
        .push((format!("/{version}/{account}/messages"), body.clone()));
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
        "OUTSIDE_WINDOW" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"D"}})),
        )
            .into_response(),
        "BLOCKED" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"fbtrace_id":"E"}})),
        )
            .into_response(),
        "BUSY" => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"fbtrace_id":"F"}})),
        )
            .into_response(),
        _ => Json(json!({"recipient_id": recipient, "message_id": "AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"})).into_response(),
    }
}

async fn page_fake(channel: Channel) -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/{version}/{account}/messages", post(page_messages))
        .with_state((seen.clone(), channel));
    (start(app).await, seen)
}

fn page_config(channel: Channel, base_url: &str, token: &str) -> PageConfig {
    PageConfig {
        channel,
        base_url: base_url.into(),
        version: "v24.0".into(),
        account_id: "682498302938465".into(),
        access_token: SecretString::from(token),
    }
}

#[tokio::test]
async fn messenger_and_instagram_send() {
    for channel in [Channel::Messenger, Channel::Instagram] {
        let (base, seen) = page_fake(channel).await;
        let http = outbound();
        let config = page_config(channel, &base, TOKEN);
        let receipt = messenger::send_text(
            &http,
            &config,
            "PSID1",
            "hello, world!",
            MessagingType::Response,
        )
        .await
        .unwrap();
        assert_eq!(receipt.recipient.as_deref(), Some("PSID1"));
        assert!(receipt.provider_message_id.starts_with("AG5Hz2U"));
        let (path, body) = seen.lock().unwrap()[0].clone();
        assert_eq!(path, "/v24.0/682498302938465/messages");
        let expected = if channel == Channel::Messenger {
            json!({"recipient":{"id":"PSID1"},"messaging_type":"RESPONSE","message":{"text":"hello, world!"}})
        } else {
            json!({"recipient":{"id":"PSID1"},"message":{"text":"hello, world!"}})
        };
        assert_eq!(body, expected);

        messenger::send_text(&http, &config, "PSID1", "late", MessagingType::HumanAgent)
            .await
            .unwrap();
        let (_, body) = seen.lock().unwrap()[1].clone();
        assert_eq!(body["messaging_type"], "MESSAGE_TAG");
        assert_eq!(body["tag"], "HUMAN_AGENT");

        let send = |to: &'static str| {
            let (http, config) = (http.clone(), config.clone());
            async move {
                messenger::send_text(&http, &config, to, "x", MessagingType::Response)
                    .await
                    .unwrap_err()
            }
        };
        assert!(
            matches!(send("OUTSIDE_WINDOW").await, SendError::Rejected { code, .. } if code == "10")
        );
        assert!(matches!(send("BLOCKED").await, SendError::Rejected { code, .. } if code == "551"));
        assert!(matches!(send("BUSY").await, SendError::Retry { code, .. } if code == "613"));
        let calls = seen_len(&seen);
        let limit = if channel == Channel::Instagram {
            "é".repeat(501) // 1002 bytes
        } else {
            "é".repeat(2001)
        };
        let e = messenger::send_text(&http, &config, "PSID1", &limit, MessagingType::Response)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, SendError::Rejected { code, .. } if code == "too_long"),
            "{e:?}"
        );
        assert_eq!(seen_len(&seen), calls, "refused before any call");

        let bad = page_config(channel, &base, "revoked");
        let e = messenger::send_text(&http, &bad, "PSID1", "x", MessagingType::Response)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, SendError::TokenRejected { code, .. } if code == "190"),
            "{e:?}"
        );
    }
}

/// Zalo OA customer-service message: `POST /v3.0/oa/message/cs`, `access_token` header, errors
/// with HTTP 200.
async fn zalo_cs(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    seen.lock()
        .unwrap()
        .push(("/v3.0/oa/message/cs".into(), body.clone()));
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
        "WINDOW" => Json(json!({"error": -213, "message": "User has not interacted with the OA in the past 7 days"})).into_response(),
        "BUSY" => Json(json!({"error": -32, "message": "Exceed the limit request per minute"})).into_response(),
        "DOWN" => (StatusCode::BAD_GATEWAY, "bad gateway").into_response(),
        _ => Json(json!({"error": 0, "message": "Success", "data": {"message_id": "a1b2c3d4e5", "user_id": user}})).into_response(),
    }
}

#[tokio::test]
async fn zalo_send() {
    let seen = Seen::default();
    let base = start(
        Router::new()
            .route("/v3.0/oa/message/cs", post(zalo_cs))
            .with_state(seen.clone()),
    )
    .await;
    let http = outbound();
    let config = ZaloConfig {
        base_url: base.clone(),
        access_token: SecretString::from(TOKEN),
    };
    let receipt = zalo::send_text(&http, &config, "5510185758261927916", "Xin chào!")
        .await
        .unwrap();
    assert_eq!(receipt.provider_message_id, "a1b2c3d4e5");
    assert_eq!(
        seen.lock().unwrap()[0].1,
        json!({"recipient":{"user_id":"5510185758261927916"},"message":{"text":"Xin chào!"}})
    );
    let send = |to: &'static str| {
        let (http, config) = (http.clone(), config.clone());
        async move { zalo::send_text(&http, &config, to, "x").await.unwrap_err() }
    };
    assert!(matches!(send("WINDOW").await, SendError::Rejected { code, .. } if code == "-213"));
    assert!(matches!(send("BUSY").await, SendError::Retry { code, .. } if code == "-32"));
    assert!(matches!(send("DOWN").await, SendError::Retry { code, .. } if code == "502"));
    let bad = ZaloConfig {
        base_url: base,
        access_token: SecretString::from("stale"),
    };
    let e = zalo::send_text(&http, &bad, "U", "x").await.unwrap_err();
    assert!(
        matches!(&e, SendError::TokenRejected { code, .. } if code == "-216"),
        "{e:?}"
    );
}
