//! Facebook Messenger (`object: page`) and Instagram Messaging (`object: instagram`): webhook
//! payloads into [`InboundEvent`]s, and the Send API (`POST /{version}/{account id}/messages`).
//!
//! Both share one event shape (`entry[].messaging[]` with `sender`, `recipient`, `timestamp`
//! and one of `message`, `postback`, `delivery`, `read`, `reaction`…). Verify the body with
//! [`crate::meta::verify_signature`] first: the Meta app secret for Messenger, the Instagram app
//! secret for Instagram Login.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::channel::{
    Channel, DeliveryStatus, InboundEvent, InboundMessage, MediaKind, MessageKind, ParseError,
    SendError, SendReceipt, StatusUpdate, blocked, chars, check_length, classify_graph_error,
    epoch_millis, retry_after, s, transport_error, utf8_bytes,
};
use crate::http::Outbound;

/// Parses a Messenger or Instagram webhook body (the channel follows `object`). Every entry and
/// every event in `messaging[]` (and `standby[]`, as [`InboundEvent::Other`]) becomes an event.
pub fn parse_webhook(raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let v: Value = serde_json::from_slice(raw).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let channel = match v.get("object").and_then(Value::as_str) {
        Some("page") => Channel::Messenger,
        Some("instagram") => Channel::Instagram,
        other => return Err(ParseError::WrongEnvelope(format!("object {other:?}"))),
    };
    let mut out = Vec::new();
    for entry in v
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let account = s(entry, "id");
        for ev in entry
            .get("messaging")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            parse_event(channel, account.as_deref(), entry, ev, &mut out);
        }
        for ev in entry
            .get("standby")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(InboundEvent::Other {
                channel,
                account_id: account.clone(),
                event: "standby".into(),
                raw: ev.clone(),
            });
        }
        if entry.get("messaging").is_none() && entry.get("standby").is_none() {
            out.push(InboundEvent::Other {
                channel,
                account_id: account.clone(),
                event: "entry".into(),
                raw: entry.clone(),
            });
        }
    }
    Ok(out)
}

fn parse_event(
    channel: Channel,
    account: Option<&str>,
    entry: &Value,
    ev: &Value,
    out: &mut Vec<InboundEvent>,
) {
    let sender = ev.get("sender").and_then(|x| s(x, "id"));
    let recipient = ev.get("recipient").and_then(|x| s(x, "id"));
    let timestamp = epoch_millis(ev.get("timestamp")).or_else(|| epoch_millis(entry.get("time")));
    let event_name = ["message", "postback", "delivery", "read", "reaction"]
        .into_iter()
        .find(|k| ev.get(k).is_some())
        .or_else(|| {
            ev.as_object()?
                .keys()
                .map(String::as_str)
                .find(|k| !matches!(*k, "sender" | "recipient" | "timestamp"))
        })
        .unwrap_or("unknown");
    let other = || InboundEvent::Other {
        channel,
        account_id: account.map(str::to_string),
        event: event_name.to_string(),
        raw: ev.clone(),
    };
    let (Some(account_id), Some(sender), Some(recipient), Some(timestamp)) =
        (account, sender, recipient, timestamp)
    else {
        out.push(other());
        return;
    };
    let account_id = account_id.to_string();
    let body = ev.get(event_name).unwrap_or(&Value::Null);
    let message = |from: String, id: String, kind: MessageKind, echo: bool, reply_to| {
        InboundEvent::Message(InboundMessage {
            channel,
            account_id: account_id.clone(),
            from,
            provider_message_id: id,
            timestamp,
            kind,
            contact_name: None,
            reply_to,
            echo,
            raw: ev.clone(),
        })
    };
    match event_name {
        "message" => {
            let Some(mid) = s(body, "mid") else {
                out.push(other());
                return;
            };
            if body.get("is_deleted").and_then(Value::as_bool) == Some(true) {
                out.push(InboundEvent::Other {
                    channel,
                    account_id: Some(account_id),
                    event: "message_deleted".into(),
                    raw: ev.clone(),
                });
                return;
            }
            let echo = body.get("is_echo").and_then(Value::as_bool) == Some(true);
            // Echoes reverse sender and recipient: the customer is the recipient.
            let customer = if echo { recipient } else { sender };
            let reply_to = body.get("reply_to").and_then(|r| s(r, "mid"));
            out.push(message(customer, mid, message_kind(body), echo, reply_to));
        }
        "postback" => {
            let id = s(body, "mid").unwrap_or_else(|| format!("postback:{sender}:{timestamp}"));
            let kind = MessageKind::Button {
                payload: s(body, "payload").unwrap_or_default(),
                text: s(body, "title").unwrap_or_default(),
            };
            out.push(message(sender, id, kind, false, None));
        }
        "reaction" => {
            let Some(target) = s(body, "mid") else {
                out.push(other());
                return;
            };
            let emoji = if body.get("action").and_then(Value::as_str) == Some("unreact") {
                String::new()
            } else {
                s(body, "emoji")
                    .or_else(|| s(body, "reaction"))
                    .unwrap_or_default()
            };
            let id = format!("reaction:{target}:{sender}:{}", timestamp.as_millisecond());
            let kind = MessageKind::Reaction {
                message_id: target,
                emoji,
            };
            out.push(message(sender, id, kind, false, None));
        }
        "delivery" | "read" => {
            let status = if event_name == "delivery" {
                DeliveryStatus::Delivered
            } else {
                DeliveryStatus::Read
            };
            let watermark = epoch_millis(body.get("watermark"));
            let mut ids: Vec<Option<String>> = body
                .get("mids")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(|m| Some(m.to_string())))
                .collect();
            if let Some(mid) = s(body, "mid") {
                ids.push(Some(mid));
            }
            if ids.is_empty() {
                ids.push(None);
            }
            for id in ids {
                out.push(InboundEvent::Status(StatusUpdate {
                    channel,
                    account_id: account_id.clone(),
                    provider_message_id: id,
                    status,
                    recipient: sender.clone(),
                    timestamp,
                    watermark,
                    error: None,
                }));
            }
        }
        _ => out.push(other()),
    }
}

fn message_kind(m: &Value) -> MessageKind {
    let text = s(m, "text");
    if let Some(payload) = m.get("quick_reply").and_then(|q| s(q, "payload")) {
        return MessageKind::InteractiveReply {
            id: payload,
            title: text.unwrap_or_default(),
            description: None,
        };
    }
    if let Some(att) = m
        .get("attachments")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        let type_name = att.get("type").and_then(Value::as_str).unwrap_or("");
        let media = match type_name {
            "image" => MediaKind::Image,
            "video" | "reel" | "ig_reel" => MediaKind::Video,
            "audio" => MediaKind::Audio,
            "file" => MediaKind::Document,
            _ => {
                return MessageKind::Unknown {
                    type_name: type_name.to_string(),
                };
            }
        };
        return MessageKind::Media {
            media,
            id: None,
            url: att.get("payload").and_then(|p| s(p, "url")),
            mime_type: None,
            caption: text,
            filename: None,
        };
    }
    match text {
        Some(body) => MessageKind::Text { body },
        None => MessageKind::Unknown {
            type_name: "message".into(),
        },
    }
}

/// The longest Messenger text, in characters.
pub const MAX_MESSENGER_TEXT_CHARS: usize = 2000;
/// The longest Instagram text, in UTF-8 bytes.
pub const MAX_INSTAGRAM_TEXT_BYTES: usize = 1000;

/// A Facebook Page or Instagram professional account to send from.
#[derive(Debug, Clone)]
pub struct PageConfig {
    /// [`Channel::Messenger`] or [`Channel::Instagram`].
    pub channel: Channel,
    /// API base: `https://graph.facebook.com` (Messenger) or `https://graph.instagram.com`
    /// (Instagram Login); a fake's URL in tests.
    pub base_url: String,
    /// Pinned API version, e.g. `v24.0`.
    pub version: String,
    /// The Page id or IG account id.
    pub account_id: String,
    /// The Page access token or Instagram user token.
    pub access_token: SecretString,
}

/// How a message relates to the messaging window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagingType {
    /// A reply inside the 24-hour standard window.
    Response,
    /// A human agent's reply, allowed for 7 days (`MESSAGE_TAG` + `HUMAN_AGENT`; needs the
    /// Human Agent permission).
    HumanAgent,
}

/// The Send API body for a text to `recipient` (PSID or IGSID).
pub fn text_body(channel: Channel, recipient: &str, text: &str, kind: MessagingType) -> Value {
    let mut body = json!({"recipient": {"id": recipient}, "message": {"text": text}});
    match kind {
        MessagingType::HumanAgent => {
            body["messaging_type"] = json!("MESSAGE_TAG");
            body["tag"] = json!("HUMAN_AGENT");
        }
        // Instagram's documented body has no messaging_type for standard replies.
        MessagingType::Response if channel == Channel::Messenger => {
            body["messaging_type"] = json!("RESPONSE");
        }
        MessagingType::Response => {}
    }
    body
}

/// Sends a text. Errors: Graph code 190 is [`SendError::TokenRejected`]; 4, 17, 32, 613, 2,
/// 429 and 5xx are [`SendError::Retry`]; the rest (10 outside the window, 551 unavailable
/// person, 100 bad id…) are [`SendError::Rejected`].
pub async fn send_text(
    http: &Outbound,
    config: &PageConfig,
    recipient: &str,
    text: &str,
    kind: MessagingType,
) -> Result<SendReceipt, SendError> {
    if config.channel == Channel::Instagram {
        check_length(text, utf8_bytes, MAX_INSTAGRAM_TEXT_BYTES)?;
    } else {
        check_length(text, chars, MAX_MESSENGER_TEXT_CHARS)?;
    }
    let url = format!(
        "{}/{}/{}/messages",
        config.base_url.trim_end_matches('/'),
        config.version,
        config.account_id
    );
    let res = http
        .post(&url)
        .map_err(|e| blocked(&e))?
        .bearer_auth(config.access_token.expose_secret())
        .json(&text_body(config.channel, recipient, text, kind))
        .send()
        .await
        .map_err(|e| transport_error(&e))?;
    let status = res.status().as_u16();
    let wait = retry_after(&res);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !(200..300).contains(&status) || body.get("error").is_some() {
        return Err(classify_graph_error(status, &body, wait));
    }
    match s(&body, "message_id") {
        Some(id) => Ok(SendReceipt {
            provider_message_id: id,
            recipient: s(&body, "recipient_id"),
            status: None,
        }),
        None => Err(SendError::Rejected {
            code: "unexpected_response".into(),
            reason: format!("HTTP {status} without a message id"),
        }),
    }
}
