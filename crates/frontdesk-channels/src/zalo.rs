//! Zalo Official Account: the `X-ZEvent-Signature` check, webhook events into
//! [`InboundEvent`]s, and the customer-service send API (`POST /v3.0/oa/message/cs`).
//!
//! Zalo has no verification handshake (the domain is verified in its console). Its signature
//! is a plain SHA-256 (not an HMAC) of `app_id + raw body + timestamp + OA secret key`, where
//! `timestamp` is the body's own `timestamp` field, so the body is read once to find it; the
//! digest still covers the raw bytes.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::channel::{
    Channel, DeliveryStatus, InboundEvent, InboundMessage, MediaKind, MessageKind, ParseError,
    SendError, SendReceipt, StatusUpdate, blocked, epoch_millis, retry_after, s, str_or_num,
    transport_error,
};
use crate::http::Outbound;
use crate::meta::SignatureError;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-zevent-signature";

const PREFIX: &str = "mac=";

/// The header value Zalo would send (`mac=<hex>`) for this body; used by fakes and tests.
/// `None` when the body has no `timestamp`.
pub fn sign(app_id: &str, oa_secret_key: &str, raw_body: &[u8]) -> Option<String> {
    Some(format!(
        "{PREFIX}{}",
        hex::encode(digest(app_id, oa_secret_key, raw_body)?)
    ))
}

fn digest(app_id: &str, oa_secret_key: &str, raw_body: &[u8]) -> Option<Vec<u8>> {
    let v: Value = serde_json::from_slice(raw_body).ok()?;
    let timestamp = str_or_num(v.get("timestamp"))?;
    let mut h = Sha256::new();
    h.update(app_id.as_bytes());
    h.update(raw_body);
    h.update(timestamp.as_bytes());
    h.update(oa_secret_key.as_bytes());
    Some(h.finalize().to_vec())
}

/// Checks `X-ZEvent-Signature: mac=<hex>` against
/// `SHA-256(app_id + raw_body + body.timestamp + oa_secret_key)`, in constant time.
/// `app_id` is our configured Zalo app id; `oa_secret_key` is the OA's webhook secret key
/// (not the OAuth app secret).
pub fn verify_signature(
    app_id: &str,
    oa_secret_key: &str,
    raw_body: &[u8],
    header: Option<&[u8]>,
) -> Result<(), SignatureError> {
    if app_id.is_empty() || oa_secret_key.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::Missing)?.trim_ascii();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    if header.len() != PREFIX.len() + 64
        || !header[..PREFIX.len()].eq_ignore_ascii_case(PREFIX.as_bytes())
    {
        return Err(SignatureError::Malformed);
    }
    let given = hex::decode(&header[PREFIX.len()..]).map_err(|_| SignatureError::Malformed)?;
    // A body without a timestamp cannot carry a valid signature.
    let expected = digest(app_id, oa_secret_key, raw_body).ok_or(SignatureError::Mismatch)?;
    if bool::from(given.ct_eq(&expected)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Parses one webhook event (Zalo sends one per request). `user_send_*` are messages,
/// `oa_send_*` echoes of the OA's own messages, `user_received_message` / `user_seen_message`
/// statuses; anything else (follow, unfollow, user_submit_info…) is [`InboundEvent::Other`].
pub fn parse_webhook(raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let v: Value = serde_json::from_slice(raw).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let Some(event) = s(&v, "event_name") else {
        return Err(ParseError::WrongEnvelope("no event_name".into()));
    };
    let sender = v.get("sender").and_then(|x| s(x, "id"));
    let recipient = v.get("recipient").and_then(|x| s(x, "id"));
    let oa_event = event.starts_with("oa_");
    // User events are addressed to the OA; OA events come from it.
    let (account, customer) = if oa_event {
        (sender, recipient)
    } else {
        (recipient, sender)
    };
    let timestamp = epoch_millis(v.get("timestamp"));
    let msg = v.get("message").unwrap_or(&Value::Null);
    let other = |account: Option<String>| {
        Ok(vec![InboundEvent::Other {
            channel: Channel::Zalo,
            account_id: account,
            event: event.clone(),
            raw: v.clone(),
        }])
    };
    let (Some(account_id), Some(customer), Some(timestamp)) =
        (account.clone(), customer, timestamp)
    else {
        return other(account);
    };
    if event.starts_with("user_send_") || (oa_event && event.starts_with("oa_send_")) {
        let Some(msg_id) = s(msg, "msg_id") else {
            return other(Some(account_id));
        };
        let kind_name = event
            .trim_start_matches("user_send_")
            .trim_start_matches("oa_send_");
        return Ok(vec![InboundEvent::Message(InboundMessage {
            channel: Channel::Zalo,
            account_id,
            from: customer,
            provider_message_id: msg_id,
            timestamp,
            kind: message_kind(kind_name, msg),
            contact_name: None,
            reply_to: None,
            echo: oa_event,
            raw: v.clone(),
        })]);
    }
    let status = match event.as_str() {
        "user_received_message" => DeliveryStatus::Delivered,
        "user_seen_message" => DeliveryStatus::Read,
        _ => return other(Some(account_id)),
    };
    let mut ids: Vec<String> = msg
        .get("msg_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect();
    ids.extend(s(msg, "msg_id"));
    if ids.is_empty() {
        return other(Some(account_id));
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            InboundEvent::Status(StatusUpdate {
                channel: Channel::Zalo,
                account_id: account_id.clone(),
                provider_message_id: Some(id),
                status,
                recipient: customer.clone(),
                timestamp,
                watermark: None,
                error: None,
            })
        })
        .collect())
}

fn message_kind(kind: &str, msg: &Value) -> MessageKind {
    let text = s(msg, "text");
    let att = msg
        .get("attachments")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .unwrap_or(&Value::Null);
    let payload = att.get("payload").unwrap_or(&Value::Null);
    let media = |media: MediaKind| MessageKind::Media {
        media,
        id: None,
        url: s(payload, "url"),
        mime_type: None,
        caption: text.clone(),
        filename: s(payload, "name"),
    };
    match kind {
        "text" => match text.clone() {
            Some(body) => MessageKind::Text { body },
            None => MessageKind::Unknown {
                type_name: kind.into(),
            },
        },
        "image" => media(MediaKind::Image),
        "audio" => media(MediaKind::Audio),
        "video" => media(MediaKind::Video),
        "file" => media(MediaKind::Document),
        "sticker" | "gif" => media(MediaKind::Sticker),
        _ => MessageKind::Unknown {
            type_name: kind.into(),
        },
    }
}

/// A Zalo Official Account to send from.
#[derive(Debug, Clone)]
pub struct ZaloConfig {
    /// API base, `https://openapi.zalo.me` (a fake's URL in tests).
    pub base_url: String,
    /// The OA access token (sent in the `access_token` header, not as a Bearer token).
    pub access_token: SecretString,
}

/// The customer-service message body for a text to `user_id`.
pub fn text_body(user_id: &str, text: &str) -> Value {
    json!({"recipient": {"user_id": user_id}, "message": {"text": text}})
}

/// Sends a customer-service text. Zalo answers errors with HTTP 200 and a non-zero `error`:
/// -216 (invalid token) is [`SendError::TokenRejected`]; -32 and -100, 429 and 5xx are
/// [`SendError::Retry`]; window, quota, quiet-hours and parameter errors are
/// [`SendError::Rejected`].
pub async fn send_text(
    http: &Outbound,
    config: &ZaloConfig,
    user_id: &str,
    text: &str,
) -> Result<SendReceipt, SendError> {
    let url = format!(
        "{}/v3.0/oa/message/cs",
        config.base_url.trim_end_matches('/')
    );
    let res = http
        .post(&url)
        .map_err(|e| blocked(&e))?
        .header("access_token", config.access_token.expose_secret())
        .json(&text_body(user_id, text))
        .send()
        .await
        .map_err(|e| transport_error(&e))?;
    let status = res.status().as_u16();
    let wait = retry_after(&res);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    let code = body.get("error").and_then(Value::as_i64);
    let reason = s(&body, "message").unwrap_or_else(|| format!("HTTP {status}"));
    if status == 429 || status >= 500 {
        return Err(SendError::Retry {
            code: code.map_or_else(|| status.to_string(), |c| c.to_string()),
            reason,
            retry_after_secs: wait,
        });
    }
    match code {
        Some(0) if (200..300).contains(&status) => {
            match body
                .get("data")
                .and_then(|d| str_or_num(d.get("message_id")))
            {
                Some(id) => Ok(SendReceipt {
                    provider_message_id: id,
                    recipient: body.get("data").and_then(|d| s(d, "user_id")),
                    status: None,
                }),
                None => Err(SendError::Rejected {
                    code: "unexpected_response".into(),
                    reason: format!("HTTP {status} without a message id"),
                }),
            }
        }
        Some(-216) => Err(SendError::TokenRejected {
            code: "-216".into(),
            reason,
        }),
        Some(c @ (-32 | -100)) => Err(SendError::Retry {
            code: c.to_string(),
            reason,
            retry_after_secs: wait,
        }),
        Some(c) => Err(SendError::Rejected {
            code: c.to_string(),
            reason,
        }),
        None => Err(SendError::Rejected {
            code: status.to_string(),
            reason,
        }),
    }
}
