//! Send adapters against the faithful fakes of `frontdesk_channels::fake` (axum on
//! 127.0.0.1:0), which check the path, the auth header and the body shape, and answer with the
//! documented success and error bodies.

use frontdesk_channels::channel::{Channel, SendError, SendReceipt};
use frontdesk_channels::fake::{self, TOKEN};
use frontdesk_channels::http::{ClientSettings, Outbound};
use frontdesk_channels::messenger::{self, MessagingType, PageConfig};
use frontdesk_channels::whatsapp::{
    self, Template, TemplateComponent, WhatsAppConfig, WhatsAppOutbound,
};
use frontdesk_channels::zalo::{self, ZaloConfig};
use secrecy::SecretString;
use serde_json::json;

fn outbound() -> Outbound {
    fake::outbound()
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
    let seen = fake::whatsapp().await;
    let base = seen.base_url.clone();
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
    let (path, body) = seen.request(0);
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
    let (_, body) = seen.request(1);
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
    let seen = fake::whatsapp().await;
    let base = seen.base_url.clone();
    let http = outbound();
    let config = wa_config(&base, TOKEN);
    let send = |to: &'static str, msg: WhatsAppOutbound| {
        let (http, config) = (http.clone(), config.clone());
        async move { whatsapp::send(&http, &config, to, &msg).await }
    };

    let e = send(fake::WA_OUTSIDE_WINDOW, text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Rejected { code, reason } if code == "131047" && reason.contains("24 hours")),
        "{e:?}"
    );
    let e = send(fake::WA_RATE_LIMITED, text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: None, .. } if code == "130429"),
        "{e:?}"
    );
    let e = send(fake::WA_PAIR_LIMITED, text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: Some(6), .. } if code == "131056"),
        "{e:?}"
    );
    let e = send(fake::WA_UNAVAILABLE, text("hi")).await.unwrap_err();
    assert!(
        matches!(&e, SendError::Retry { code, retry_after_secs: Some(30), .. } if code == "503"),
        "{e:?}"
    );
    let e = send(
        "+16505551234",
        WhatsAppOutbound::Template(Template {
            name: fake::WA_UNKNOWN_TEMPLATE.into(),
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
    let calls = seen.count();
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
    assert_eq!(seen.count(), calls);
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
        let seen = fake::pages(channel).await;
        let base = seen.base_url.clone();
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
        let (path, body) = seen.request(0);
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
        let (_, body) = seen.request(1);
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
            matches!(send(fake::PAGE_OUTSIDE_WINDOW).await, SendError::Rejected { code, .. } if code == "10")
        );
        assert!(
            matches!(send(fake::PAGE_BLOCKED).await, SendError::Rejected { code, .. } if code == "551")
        );
        assert!(
            matches!(send(fake::PAGE_RATE_LIMITED).await, SendError::Retry { code, .. } if code == "613")
        );
        let calls = seen.count();
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
        assert_eq!(seen.count(), calls, "refused before any call");

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

#[tokio::test]
async fn zalo_send() {
    let seen = fake::zalo().await;
    let base = seen.base_url.clone();
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
        seen.request(0).1,
        json!({"recipient":{"user_id":"5510185758261927916"},"message":{"text":"Xin chào!"}})
    );
    let send = |to: &'static str| {
        let (http, config) = (http.clone(), config.clone());
        async move { zalo::send_text(&http, &config, to, "x").await.unwrap_err() }
    };
    assert!(
        matches!(send(fake::ZALO_OUTSIDE_WINDOW).await, SendError::Rejected { code, .. } if code == "-213")
    );
    assert!(
        matches!(send(fake::ZALO_RATE_LIMITED).await, SendError::Retry { code, .. } if code == "-32")
    );
    assert!(matches!(send(fake::ZALO_DOWN).await, SendError::Retry { code, .. } if code == "502"));
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
