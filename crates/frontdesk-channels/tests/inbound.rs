//! Webhook payloads into normalized events, using the sample payloads of protocols.md
//! (copied verbatim into `fixtures/`) and envelopes around its documented fragments.

use frontdesk_channels::channel::{
    Channel, DeliveryStatus, InboundEvent, InboundMessage, MediaKind, MessageKind, ParseError,
    ProviderError, StatusUpdate,
};
use frontdesk_channels::{messenger, meta, whatsapp, zalo};
use jiff::Timestamp;

fn message(e: &InboundEvent) -> &InboundMessage {
    match e {
        InboundEvent::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

fn status(e: &InboundEvent) -> &StatusUpdate {
    match e {
        InboundEvent::Status(s) => s,
        other => panic!("not a status: {other:?}"),
    }
}

fn secs(n: i64) -> Timestamp {
    Timestamp::from_second(n).unwrap()
}

fn millis(n: i64) -> Timestamp {
    Timestamp::from_millisecond(n).unwrap()
}

const WAMID: &str = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";
const CONTEXT_ID: &str = "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=";

/// A WhatsApp envelope around a documented `value` fragment (`"messages":[…]`, `"errors":[…]`).
fn wa_envelope(fragment: &str) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{{"value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"contacts":[{{"profile":{{"name":"Sheena Nelson"}},"wa_id":"16505551234"}}],{fragment}}},"field":"messages"}}]}}]}}"#
    )
}

#[test]
fn whatsapp_text_from_the_signed_vector() {
    let raw = include_bytes!("fixtures/wa_signed_text.json");
    // It is the body of the §1.2 signature vector: verify, then parse the same bytes.
    meta::verify_signature(
        b"test_app_secret",
        raw,
        Some(b"sha256=b31d2dfc17653c5370a9b41e2e558f29d11d8c84502653035c1710abbf03cd95"),
    )
    .unwrap();
    let events = whatsapp::parse_webhook(raw).unwrap();
    assert_eq!(events.len(), 1);
    let m = message(&events[0]);
    assert_eq!(m.channel, Channel::WhatsApp);
    assert_eq!(m.account_id, "106540352242922");
    assert_eq!(m.from, "16505551234");
    assert_eq!(m.provider_message_id, WAMID);
    assert_eq!(m.timestamp, secs(1739321024));
    assert_eq!(m.contact_name.as_deref(), Some("Sheena Nelson"));
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "Does it come in another color?".into()
        }
    );
    assert!(!m.echo);
    assert_eq!(m.raw["type"], "text");
}

#[test]
fn whatsapp_test_console_sample() {
    let events =
        whatsapp::parse_webhook(include_bytes!("fixtures/wa_test_console_text.json")).unwrap();
    let m = message(&events[0]);
    assert_eq!(m.account_id, "123456123");
    assert_eq!(m.from, "16315551181");
    assert_eq!(m.provider_message_id, "ABGGFlA5Fpa");
    assert_eq!(m.contact_name.as_deref(), Some("test user name"));
    assert_eq!(m.timestamp, secs(1504902988));
}

#[test]
fn whatsapp_image() {
    let events = whatsapp::parse_webhook(include_bytes!("fixtures/wa_image.json")).unwrap();
    assert_eq!(
        message(&events[0]).kind,
        MessageKind::Media {
            media: MediaKind::Image,
            id: Some("2754859441498128".into()),
            url: None,
            mime_type: Some("image/jpeg".into()),
            caption: Some("This is a caption".into()),
            filename: None,
        }
    );
}

#[test]
fn whatsapp_interactive_button_reaction_location_and_unknown_types() {
    let interactive = include_str!("fixtures/wa_interactive_messages.fragment");
    let events = whatsapp::parse_webhook(wa_envelope(interactive).as_bytes()).unwrap();
    let m = message(&events[0]);
    assert_eq!(
        m.kind,
        MessageKind::InteractiveReply {
            id: "cancel-button".into(),
            title: "Cancel".into(),
            description: None
        }
    );
    assert_eq!(m.reply_to.as_deref(), Some(CONTEXT_ID));

    let button = include_str!("fixtures/wa_button_messages.fragment");
    let events = whatsapp::parse_webhook(wa_envelope(button).as_bytes()).unwrap();
    assert_eq!(
        message(&events[0]).kind,
        MessageKind::Button {
            payload: "Unsubscribe".into(),
            text: "Unsubscribe".into()
        }
    );

    // Several messages in one change: a list reply, a reaction, a location, and types this
    // layer does not interpret (kept, with their JSON).
    let many = r#""messages":[
        {"from":"16505551234","id":"wamid.1","timestamp":"1739321024","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"priority_express","title":"Priority Mail Express","description":"Next Day to 2 Days"}}},
        {"from":"16505551234","id":"wamid.2","timestamp":"1739321025","type":"reaction","reaction":{"message_id":"wamid.sent","emoji":"👍"}},
        {"from":"16505551234","id":"wamid.3","timestamp":"1739321026","type":"location","location":{"latitude":10.7769,"longitude":106.7009,"name":"Salon","address":"1 Lê Lợi"}},
        {"from":"16505551234","id":"wamid.4","timestamp":"1739321027","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown"}]},
        {"from":"16505551234","id":"wamid.5","timestamp":"1739321028","type":"order","order":{"catalog_id":"1"}},
        {"from":"16505551234","id":"wamid.6","timestamp":"1739321029","type":"document","document":{"id":"9","filename":"price list.pdf","mime_type":"application/pdf","sha256":"x"}}
    ]"#;
    let events = whatsapp::parse_webhook(wa_envelope(many).as_bytes()).unwrap();
    assert_eq!(events.len(), 6);
    assert_eq!(
        message(&events[0]).kind,
        MessageKind::InteractiveReply {
            id: "priority_express".into(),
            title: "Priority Mail Express".into(),
            description: Some("Next Day to 2 Days".into())
        }
    );
    assert_eq!(
        message(&events[1]).kind,
        MessageKind::Reaction {
            message_id: "wamid.sent".into(),
            emoji: "👍".into()
        }
    );
    assert!(matches!(
        message(&events[2]).kind,
        MessageKind::Location { latitude, .. } if (latitude - 10.7769).abs() < 1e-9
    ));
    assert_eq!(
        message(&events[3]).kind,
        MessageKind::Unknown {
            type_name: "unsupported".into()
        }
    );
    assert_eq!(message(&events[3]).raw["errors"][0]["code"], 131051);
    assert_eq!(
        message(&events[4]).kind,
        MessageKind::Unknown {
            type_name: "order".into()
        }
    );
    assert_eq!(message(&events[4]).raw["order"]["catalog_id"], "1");
    assert!(matches!(
        &message(&events[5]).kind,
        MessageKind::Media { media: MediaKind::Document, filename: Some(f), .. } if f == "price list.pdf"
    ));
    let ids: Vec<_> = events
        .iter()
        .map(|e| message(e).provider_message_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "wamid.1", "wamid.2", "wamid.3", "wamid.4", "wamid.5", "wamid.6"
        ]
    );
}

#[test]
fn whatsapp_statuses() {
    let id = "wamid.HBgNNTUxNjk5MjMxODIyMhUCABEYEjgxQkVFRDVBQTVDODFDOTg3MQA=";
    for (raw, expected) in [
        (
            &include_bytes!("fixtures/wa_status_sent.json")[..],
            DeliveryStatus::Sent,
        ),
        (
            &include_bytes!("fixtures/wa_status_delivered.json")[..],
            DeliveryStatus::Delivered,
        ),
    ] {
        let events = whatsapp::parse_webhook(raw).unwrap();
        assert_eq!(
            events,
            [InboundEvent::Status(StatusUpdate {
                channel: Channel::WhatsApp,
                account_id: "590968830767958".into(),
                provider_message_id: Some(id.into()),
                status: expected,
                recipient: "16505551234".into(),
                timestamp: secs(1750857384),
                watermark: None,
                error: None,
            })]
        );
    }
    // read is synthetic: the delivered shape without conversation/pricing.
    let read = r#"{"object":"whatsapp_business_account","entry":[{"id":"1314702302917944","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15556459128","phone_number_id":"590968830767958"},"statuses":[{"id":"wamid.X","status":"read","timestamp":"1750857390","recipient_id":"16505551234"}]},"field":"messages"}]}]}"#;
    let events = whatsapp::parse_webhook(read.as_bytes()).unwrap();
    assert_eq!(status(&events[0]).status, DeliveryStatus::Read);

    let events =
        whatsapp::parse_webhook(include_bytes!("fixtures/wa_status_failed_131047.json")).unwrap();
    let s = status(&events[0]);
    assert_eq!(s.status, DeliveryStatus::Failed);
    assert_eq!(s.account_id, "106540352242922");
    assert_eq!(
        s.error,
        Some(ProviderError {
            code: 131047,
            title: "Re-engagement message".into()
        })
    );
}

#[test]
fn whatsapp_errors_webhook_and_other_fields() {
    let raw = wa_envelope(include_str!("fixtures/wa_errors.fragment"));
    let events = whatsapp::parse_webhook(raw.as_bytes()).unwrap();
    assert_eq!(
        events,
        [InboundEvent::Error {
            channel: Channel::WhatsApp,
            account_id: "106540352242922".into(),
            error: ProviderError {
                code: 130429,
                title: "Rate limit hit".into()
            }
        }]
    );
    let template_update = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":7}}]}]}"#;
    let events = whatsapp::parse_webhook(template_update.as_bytes()).unwrap();
    assert!(matches!(
        &events[0],
        InboundEvent::Other { event, raw, .. } if event == "message_template_status_update" && raw["value"]["event"] == "APPROVED"
    ));
}

#[test]
fn whatsapp_several_entries_and_changes_are_handled_whole() {
    let sent = include_str!("fixtures/wa_status_sent.json");
    let text = include_str!("fixtures/wa_signed_text.json");
    let entry = |doc: &str| {
        let v: serde_json::Value = serde_json::from_str(doc).unwrap();
        v["entry"][0].clone()
    };
    let mut second_change = entry(text);
    let change = second_change["changes"][0].clone();
    second_change["changes"]
        .as_array_mut()
        .unwrap()
        .push(change);
    let body = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [entry(sent), second_change],
    });
    let events = whatsapp::parse_webhook(body.to_string().as_bytes()).unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(status(&events[0]).account_id, "590968830767958");
    assert_eq!(message(&events[1]).account_id, "106540352242922");
    assert_eq!(
        message(&events[1]).provider_message_id,
        message(&events[2]).provider_message_id,
        "duplicates are reported; deduplication happens above"
    );
}

#[test]
fn whatsapp_rejects_other_envelopes() {
    assert!(matches!(
        whatsapp::parse_webhook(b"not json"),
        Err(ParseError::NotJson(_))
    ));
    assert!(matches!(
        whatsapp::parse_webhook(include_bytes!("fixtures/ms_text.json")),
        Err(ParseError::WrongEnvelope(_))
    ));
}

#[test]
fn messenger_text_attachment_postback_and_receipts() {
    let events = messenger::parse_webhook(include_bytes!("fixtures/ms_text.json")).unwrap();
    let m = message(&events[0]);
    assert_eq!(m.channel, Channel::Messenger);
    assert_eq!(m.account_id, "111111");
    assert_eq!(m.from, "USER_ID");
    assert_eq!(
        m.provider_message_id,
        "mid.1457764197618:41d102a3e1ae206a38"
    );
    assert_eq!(m.timestamp, millis(1457764197627));
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "hello, world!".into()
        }
    );

    let events = messenger::parse_webhook(include_bytes!("fixtures/ms_image.json")).unwrap();
    let m = message(&events[0]);
    assert_eq!(m.account_id, "682498302938465");
    assert!(matches!(
        &m.kind,
        MessageKind::Media { media: MediaKind::Image, url: Some(u), .. } if u == "<ATTACHMENT_URL>"
    ));

    let wrap = |event: &str| {
        format!(
            r#"{{"object":"page","entry":[{{"id":"<PAGE_ID>","time":1458668856500,"messaging":[{event}]}}]}}"#
        )
    };
    let events =
        messenger::parse_webhook(wrap(include_str!("fixtures/ms_postback.fragment")).as_bytes())
            .unwrap();
    let m = message(&events[0]);
    assert_eq!(m.provider_message_id, "m_MESSAGE-ID");
    assert_eq!(
        m.kind,
        MessageKind::Button {
            payload: "<USER_DEFINED_PAYLOAD>".into(),
            text: "<TITLE_FOR_THE_CTA>".into()
        }
    );

    // Delivery and read receipts in one entry.
    let both = format!(
        "{},{}",
        include_str!("fixtures/ms_delivery.fragment"),
        include_str!("fixtures/ms_read.fragment")
    );
    let events = messenger::parse_webhook(wrap(&both).as_bytes()).unwrap();
    assert_eq!(events.len(), 2);
    let d = status(&events[0]);
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(
        d.provider_message_id.as_deref(),
        Some("mid.1458668856218:ed81099e15d3f4f233")
    );
    assert_eq!(d.recipient, "<PSID>");
    assert_eq!(d.watermark, Some(millis(1458668856253)));
    assert_eq!(
        d.timestamp,
        millis(1458668856500),
        "falls back to entry.time"
    );
    let r = status(&events[1]);
    assert_eq!(r.status, DeliveryStatus::Read);
    assert_eq!(r.provider_message_id, None);
    assert_eq!(r.watermark, Some(millis(1458668856253)));
    assert_eq!(r.timestamp, millis(1458668856463));
}

#[test]
fn messenger_echoes_quick_replies_and_unknown_events() {
    let body = r#"{"object":"page","entry":[
        {"id":"P1","time":1,"messaging":[
            {"sender":{"id":"P1"},"recipient":{"id":"U1"},"timestamp":1700000000000,"message":{"mid":"m1","text":"Sent from the Page inbox","is_echo":true,"app_id":123}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"timestamp":1700000001000,"message":{"mid":"m2","text":"Yes","quick_reply":{"payload":"YES"}}},
            {"sender":{"id":"U1"},"recipient":{"id":"P1"},"timestamp":1700000002000,"optin":{"ref":"x"}}
        ]},
        {"id":"P2","time":1,"standby":[{"sender":{"id":"U2"},"recipient":{"id":"P2"},"timestamp":1,"message":{"mid":"m3","text":"hi"}}]}
    ]}"#;
    let events = messenger::parse_webhook(body.as_bytes()).unwrap();
    assert_eq!(events.len(), 4);
    let echo = message(&events[0]);
    assert!(echo.echo);
    assert_eq!(echo.from, "U1", "the customer of an echo is its recipient");
    assert_eq!(echo.account_id, "P1");
    assert_eq!(
        message(&events[1]).kind,
        MessageKind::InteractiveReply {
            id: "YES".into(),
            title: "Yes".into(),
            description: None
        }
    );
    assert!(matches!(&events[2], InboundEvent::Other { event, .. } if event == "optin"));
    assert!(
        matches!(&events[3], InboundEvent::Other { event, account_id: Some(a), .. } if event == "standby" && a == "P2")
    );
}

#[test]
fn instagram_text_seen_reaction_and_attachment() {
    let events = messenger::parse_webhook(include_bytes!("fixtures/ig_text.json")).unwrap();
    let m = message(&events[0]);
    assert_eq!(m.channel, Channel::Instagram);
    assert_eq!(m.account_id, "17841400000000000");
    assert_eq!(m.from, "17841400000000001");
    assert_eq!(m.timestamp, millis(1718000000000));
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "hello".into()
        }
    );

    let body = r#"{"object":"instagram","entry":[{"id":"IG","time":1718000000000,"messaging":[
        {"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":1718000000001,"read":{"mid":"MID1"}},
        {"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":1718000000002,"reaction":{"mid":"MID1","action":"react","reaction":"love","emoji":"❤"}},
        {"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":1718000000003,"message":{"mid":"MID2","attachments":[{"type":"ig_reel","payload":{"url":"https://lookaside.fbsbx.com/r"}}]}},
        {"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":1718000000004,"message":{"mid":"MID3","attachments":[{"type":"story_mention","payload":{"url":"https://x"}}]}},
        {"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":1718000000005,"message":{"mid":"MID1","is_deleted":true}}
    ]}]}"#;
    let events = messenger::parse_webhook(body.as_bytes()).unwrap();
    assert_eq!(events.len(), 5);
    let seen = status(&events[0]);
    assert_eq!(seen.status, DeliveryStatus::Read);
    assert_eq!(seen.provider_message_id.as_deref(), Some("MID1"));
    assert_eq!(
        message(&events[1]).kind,
        MessageKind::Reaction {
            message_id: "MID1".into(),
            emoji: "❤".into()
        }
    );
    assert!(matches!(
        message(&events[2]).kind,
        MessageKind::Media {
            media: MediaKind::Video,
            ..
        }
    ));
    assert_eq!(
        message(&events[3]).kind,
        MessageKind::Unknown {
            type_name: "story_mention".into()
        }
    );
    assert!(matches!(&events[4], InboundEvent::Other { event, .. } if event == "message_deleted"));
}

const ZALO_APP: &str = "50554360515256678";
const ZALO_KEY: &str = "test_oa_secret_key";
const ZALO_MAC: &str = "mac=9a595270742ec754a9d256b530d2ddc424c5f0716bd1a3d32e46b0fbe84e2423";

#[test]
fn zalo_signature_follows_the_documented_vector() {
    let raw = include_bytes!("fixtures/zalo_user_send_text.json");
    assert_eq!(
        zalo::sign(ZALO_APP, ZALO_KEY, raw).as_deref(),
        Some(ZALO_MAC)
    );
    assert_eq!(
        zalo::verify_signature(ZALO_APP, ZALO_KEY, raw, Some(ZALO_MAC.as_bytes())),
        Ok(())
    );
    // Forged, wrong key, wrong app, re-serialised body, and malformed headers.
    let forged = ZALO_MAC.replace("9a59", "9a58");
    assert_eq!(
        zalo::verify_signature(ZALO_APP, ZALO_KEY, raw, Some(forged.as_bytes())),
        Err(meta::SignatureError::Mismatch)
    );
    assert_eq!(
        zalo::verify_signature(ZALO_APP, "other", raw, Some(ZALO_MAC.as_bytes())),
        Err(meta::SignatureError::Mismatch)
    );
    assert_eq!(
        zalo::verify_signature("1", ZALO_KEY, raw, Some(ZALO_MAC.as_bytes())),
        Err(meta::SignatureError::Mismatch)
    );
    let v: serde_json::Value = serde_json::from_slice(raw).unwrap();
    let reserialised = serde_json::to_vec_pretty(&v).unwrap();
    assert_eq!(
        zalo::verify_signature(ZALO_APP, ZALO_KEY, &reserialised, Some(ZALO_MAC.as_bytes())),
        Err(meta::SignatureError::Mismatch)
    );
    assert_eq!(
        zalo::verify_signature(ZALO_APP, ZALO_KEY, raw, None),
        Err(meta::SignatureError::Missing)
    );
    let long = format!("{ZALO_MAC}{}", "a".repeat(5000));
    for bad in [&ZALO_MAC[4..], "mac=xyz", long.as_str()] {
        assert_eq!(
            zalo::verify_signature(ZALO_APP, ZALO_KEY, raw, Some(bad.as_bytes())),
            Err(meta::SignatureError::Malformed),
            "{bad:.60}"
        );
    }
    // A Meta-style HMAC of the same body is not Zalo's scheme.
    let hmac_hex = &meta::sign(ZALO_KEY.as_bytes(), raw)[7..];
    assert_eq!(
        zalo::verify_signature(
            ZALO_APP,
            ZALO_KEY,
            raw,
            Some(format!("mac={hmac_hex}").as_bytes())
        ),
        Err(meta::SignatureError::Mismatch)
    );
}

#[test]
fn zalo_events() {
    let events = zalo::parse_webhook(include_bytes!("fixtures/zalo_user_send_text.json")).unwrap();
    let m = message(&events[0]);
    assert_eq!(m.channel, Channel::Zalo);
    assert_eq!(
        m.account_id, "1646843870823903717",
        "the OA is the recipient"
    );
    assert_eq!(m.from, "5510185758261927916");
    assert_eq!(m.provider_message_id, "e2a641af6661713b2874");
    assert_eq!(m.timestamp, millis(1717061839659));
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "Helo".into()
        }
    );

    let events = zalo::parse_webhook(include_bytes!("fixtures/zalo_user_send_image.json")).unwrap();
    assert!(matches!(
        &message(&events[0]).kind,
        MessageKind::Media { media: MediaKind::Image, url: Some(u), caption: Some(_), .. } if u == "https://..."
    ));

    let echo = r#"{"event_name":"oa_send_text","app_id":"1","sender":{"id":"OA"},"recipient":{"id":"U"},"message":{"text":"Xin chào!","msg_id":"m9"},"timestamp":"1717061839700"}"#;
    let m = zalo::parse_webhook(echo.as_bytes()).unwrap().remove(0);
    let m = message(&m);
    assert!(m.echo);
    assert_eq!((m.account_id.as_str(), m.from.as_str()), ("OA", "U"));

    let seen = r#"{"event_name":"user_seen_message","app_id":"1","sender":{"id":"U"},"recipient":{"id":"OA"},"message":{"msg_ids":["m9","m10"]},"timestamp":"1717061839800"}"#;
    let events = zalo::parse_webhook(seen.as_bytes()).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(status(&events[1]).status, DeliveryStatus::Read);
    assert_eq!(
        status(&events[1]).provider_message_id.as_deref(),
        Some("m10")
    );

    let sticker = r#"{"event_name":"user_send_location","app_id":"1","sender":{"id":"U"},"recipient":{"id":"OA"},"message":{"msg_id":"m11","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"10.7","longitude":"106.7"}}}]},"timestamp":"1717061839900"}"#;
    let events = zalo::parse_webhook(sticker.as_bytes()).unwrap();
    assert_eq!(
        message(&events[0]).kind,
        MessageKind::Unknown {
            type_name: "location".into()
        }
    );

    let follow = r#"{"event_name":"follow","app_id":"1","oa_id":"OA","follower":{"id":"U"},"timestamp":"1717061839900"}"#;
    let events = zalo::parse_webhook(follow.as_bytes()).unwrap();
    assert!(matches!(&events[0], InboundEvent::Other { event, .. } if event == "follow"));

    assert!(matches!(
        zalo::parse_webhook(b"{}"),
        Err(ParseError::WrongEnvelope(_))
    ));
}

#[test]
fn odd_shapes_never_fail_a_well_addressed_payload() {
    for body in [
        r#"{"object":"whatsapp_business_account"}"#,
        r#"{"object":"whatsapp_business_account","entry":{}}"#,
        r#"{"object":"whatsapp_business_account","entry":[{"changes":null}]}"#,
        r#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":{"id":"x"},"statuses":[{"id":"s","status":"warning","timestamp":"1"}]}}]}]}"#,
        r#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[{"id":"x","type":"text"}]}}]}]}"#,
    ] {
        let events = whatsapp::parse_webhook(body.as_bytes()).unwrap();
        assert!(
            events
                .iter()
                .all(|e| matches!(e, InboundEvent::Other { .. })),
            "{body}: {events:?}"
        );
    }
    for body in [
        r#"{"object":"page","entry":[{"id":"P","messaging":[{}]}]}"#,
        r#"{"object":"instagram","entry":[{"id":"IG","messaging":[{"sender":{"id":"U"},"recipient":{"id":"IG"},"timestamp":"soon","message":{"mid":"m"}}]}]}"#,
        r#"{"object":"page","entry":[{"id":"P","changes":[{"field":"feed"}]}]}"#,
    ] {
        let events = messenger::parse_webhook(body.as_bytes()).unwrap();
        assert!(
            events
                .iter()
                .all(|e| matches!(e, InboundEvent::Other { .. })),
            "{body}: {events:?}"
        );
        assert_eq!(events.len(), 1, "{body}");
    }
    let events =
        zalo::parse_webhook(br#"{"event_name":"user_send_text","sender":{"id":"U"}}"#).unwrap();
    assert!(matches!(
        &events[0],
        InboundEvent::Other {
            account_id: None,
            ..
        }
    ));
}
