//! WhatsApp Business Cloud API: webhook payloads into [`InboundEvent`]s, and the send API
//! (`POST /{version}/{phone_number_id}/messages`) for text and template messages.
//!
//! Verify the body with [`crate::meta::verify_signature`] (the Meta app secret) before parsing.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::channel::{
    Channel, DeliveryStatus, InboundEvent, InboundMessage, MediaKind, MessageKind, ParseError,
    ProviderError, SendError, SendReceipt, StatusUpdate, blocked, chars, check_length,
    classify_graph_error, epoch_secs, retry_after, s, str_or_num, transport_error,
};
use crate::http::Outbound;

/// The envelope's `object`.
pub const OBJECT: &str = "whatsapp_business_account";

/// Parses a webhook body. Every entry, change, message, status and error becomes an event, in
/// payload order; messages of unknown types are kept as [`MessageKind::Unknown`], and changes
/// of other fields as [`InboundEvent::Other`].
pub fn parse_webhook(raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let v: Value = serde_json::from_slice(raw).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let object = v.get("object").and_then(Value::as_str).unwrap_or("");
    if object != OBJECT {
        return Err(ParseError::WrongEnvelope(format!("object {object:?}")));
    }
    let mut out = Vec::new();
    for entry in v
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for change in entry
            .get("changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            parse_change(change, &mut out);
        }
    }
    Ok(out)
}

fn parse_change(change: &Value, out: &mut Vec<InboundEvent>) {
    let field = change.get("field").and_then(Value::as_str).unwrap_or("");
    let value = change.get("value").unwrap_or(&Value::Null);
    let account = value.get("metadata").and_then(|m| s(m, "phone_number_id"));
    let Some(account_id) = account.clone().filter(|_| field == "messages") else {
        out.push(InboundEvent::Other {
            channel: Channel::WhatsApp,
            account_id: account,
            event: field.to_string(),
            raw: change.clone(),
        });
        return;
    };
    let contacts = value.get("contacts").and_then(Value::as_array);
    let name_of = |wa_id: &str| {
        let contacts = contacts?;
        contacts
            .iter()
            .find(|c| c.get("wa_id").and_then(Value::as_str) == Some(wa_id))
            .or_else(|| contacts.first().filter(|_| contacts.len() == 1))
            .and_then(|c| c.get("profile"))
            .and_then(|p| s(p, "name"))
    };
    for m in value
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(from), Some(id), Some(timestamp)) =
            (s(m, "from"), s(m, "id"), epoch_secs(m.get("timestamp")))
        else {
            out.push(other(&account_id, "message", m));
            continue;
        };
        out.push(InboundEvent::Message(InboundMessage {
            channel: Channel::WhatsApp,
            account_id: account_id.clone(),
            contact_name: name_of(&from),
            from,
            provider_message_id: id,
            timestamp,
            kind: message_kind(m),
            reply_to: m.get("context").and_then(|c| s(c, "id")),
            echo: false,
            raw: m.clone(),
        }));
    }
    for st in value
        .get("statuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let status = st
            .get("status")
            .and_then(Value::as_str)
            .and_then(DeliveryStatus::parse);
        let (Some(id), Some(status), Some(timestamp)) =
            (s(st, "id"), status, epoch_secs(st.get("timestamp")))
        else {
            out.push(other(&account_id, "status", st));
            continue;
        };
        out.push(InboundEvent::Status(StatusUpdate {
            channel: Channel::WhatsApp,
            account_id: account_id.clone(),
            provider_message_id: Some(id),
            status,
            recipient: s(st, "recipient_id").unwrap_or_default(),
            timestamp,
            watermark: None,
            error: st
                .get("errors")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .and_then(provider_error),
        }));
    }
    for e in value
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match provider_error(e) {
            Some(error) => out.push(InboundEvent::Error {
                channel: Channel::WhatsApp,
                account_id: account_id.clone(),
                error,
            }),
            None => out.push(other(&account_id, "error", e)),
        }
    }
}

fn other(account_id: &str, event: &str, raw: &Value) -> InboundEvent {
    InboundEvent::Other {
        channel: Channel::WhatsApp,
        account_id: Some(account_id.to_string()),
        event: event.to_string(),
        raw: raw.clone(),
    }
}

fn provider_error(e: &Value) -> Option<ProviderError> {
    Some(ProviderError {
        code: e.get("code").and_then(Value::as_i64)?,
        title: s(e, "title")
            .or_else(|| s(e, "message"))
            .unwrap_or_default(),
    })
}

fn message_kind(m: &Value) -> MessageKind {
    let type_name = m.get("type").and_then(Value::as_str).unwrap_or("");
    let body = m.get(type_name).unwrap_or(&Value::Null);
    let unknown = || MessageKind::Unknown {
        type_name: type_name.to_string(),
    };
    let media = |media: MediaKind| MessageKind::Media {
        media,
        id: s(body, "id"),
        url: s(body, "url"),
        mime_type: s(body, "mime_type"),
        caption: s(body, "caption"),
        filename: s(body, "filename"),
    };
    match type_name {
        "text" => match s(body, "body") {
            Some(body) => MessageKind::Text { body },
            None => unknown(),
        },
        "image" => media(MediaKind::Image),
        "audio" => media(MediaKind::Audio),
        "video" => media(MediaKind::Video),
        "document" => media(MediaKind::Document),
        "sticker" => media(MediaKind::Sticker),
        "location" => match (
            body.get("latitude").and_then(Value::as_f64),
            body.get("longitude").and_then(Value::as_f64),
        ) {
            (Some(latitude), Some(longitude)) => MessageKind::Location {
                latitude,
                longitude,
                name: s(body, "name"),
                address: s(body, "address"),
            },
            _ => unknown(),
        },
        "interactive" => {
            let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
            let reply = body.get(kind).unwrap_or(&Value::Null);
            match (s(reply, "id"), s(reply, "title")) {
                (Some(id), Some(title)) => MessageKind::InteractiveReply {
                    id,
                    title,
                    description: s(reply, "description"),
                },
                _ => unknown(),
            }
        }
        "button" => match (s(body, "payload"), s(body, "text")) {
            (Some(payload), Some(text)) => MessageKind::Button { payload, text },
            _ => unknown(),
        },
        "reaction" => match s(body, "message_id") {
            Some(message_id) => MessageKind::Reaction {
                message_id,
                emoji: s(body, "emoji").unwrap_or_default(),
            },
            None => unknown(),
        },
        _ => unknown(),
    }
}

/// How long after the customer's last message free-form messages may be sent.
pub const CUSTOMER_SERVICE_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// The 24-hour customer-service window of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceWindow {
    /// Free-form messages are allowed until `closes_at`.
    Open {
        /// When the window closes.
        closes_at: jiff::Timestamp,
    },
    /// Only approved templates may be sent.
    Closed {
        /// When it closed; `None` when the customer never wrote.
        closed_at: Option<jiff::Timestamp>,
    },
}

impl ServiceWindow {
    /// Whether free-form messages are allowed.
    pub fn is_open(self) -> bool {
        matches!(self, ServiceWindow::Open { .. })
    }
}

/// The window at `now`, given when the customer last wrote (their last inbound message, not
/// a status or an echo). It is open for 24 hours from that instant, the closing instant itself
/// excluded.
pub fn service_window(
    last_customer_message: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
) -> ServiceWindow {
    let Some(last) = last_customer_message else {
        return ServiceWindow::Closed { closed_at: None };
    };
    let closes_at = last
        .checked_add(CUSTOMER_SERVICE_WINDOW)
        .unwrap_or(jiff::Timestamp::MAX);
    if now < closes_at {
        ServiceWindow::Open { closes_at }
    } else {
        ServiceWindow::Closed {
            closed_at: Some(closes_at),
        }
    }
}

/// A WhatsApp business phone number to send from.
#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    /// Graph API base, `https://graph.facebook.com` (a fake's URL in tests).
    pub base_url: String,
    /// Pinned Graph API version, e.g. `v23.0`.
    pub version: String,
    /// The business phone number id (also the webhook routing key).
    pub phone_number_id: String,
    /// The access token (system-user or business token).
    pub access_token: SecretString,
}

/// One component's parameters of a template message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateComponent {
    /// Body text variables `{{1}}`, `{{2}}`… in order.
    Body(Vec<String>),
    /// A text header variable.
    HeaderText(String),
    /// An image header from a link.
    HeaderImage {
        /// The image URL.
        link: String,
    },
    /// A quick-reply button's payload.
    QuickReply {
        /// Button position.
        index: u8,
        /// The payload returned when tapped.
        payload: String,
    },
    /// A URL button's dynamic suffix.
    UrlButton {
        /// Button position.
        index: u8,
        /// The suffix.
        text: String,
    },
}

/// An approved template with its variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's name.
    pub name: String,
    /// The exact language code of the approved translation (`en`, `en_US`, `vi`…).
    pub language: String,
    /// Parameters by component.
    pub components: Vec<TemplateComponent>,
}

impl Template {
    fn to_json(&self) -> Value {
        let text = |t: &str| json!({"type": "text", "text": t});
        let components: Vec<Value> = self
            .components
            .iter()
            .map(|c| match c {
                TemplateComponent::Body(vars) => json!({
                    "type": "body",
                    "parameters": vars.iter().map(|v| text(v)).collect::<Vec<_>>(),
                }),
                TemplateComponent::HeaderText(t) => {
                    json!({"type": "header", "parameters": [text(t)]})
                }
                TemplateComponent::HeaderImage { link } => json!({
                    "type": "header",
                    "parameters": [{"type": "image", "image": {"link": link}}],
                }),
                TemplateComponent::QuickReply { index, payload } => json!({
                    "type": "button", "sub_type": "quick_reply", "index": index.to_string(),
                    "parameters": [{"type": "payload", "payload": payload}],
                }),
                TemplateComponent::UrlButton { index, text: t } => json!({
                    "type": "button", "sub_type": "url", "index": index.to_string(),
                    "parameters": [text(t)],
                }),
            })
            .collect();
        let mut t = json!({"name": self.name, "language": {"code": self.language}});
        if !components.is_empty() {
            t["components"] = Value::Array(components);
        }
        t
    }
}

/// The longest text body WhatsApp accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 4096;

/// What to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatsAppOutbound {
    /// Free text (only inside the 24-hour customer-service window).
    Text {
        /// At most 4096 characters.
        body: String,
        /// Render a preview of the first URL.
        preview_url: bool,
        /// Reply to this inbound wamid.
        reply_to: Option<String>,
    },
    /// An approved template (allowed at any time).
    Template(Template),
}

impl WhatsAppOutbound {
    /// The request body for recipient `to` (E.164 or wa_id).
    pub fn to_json(&self, to: &str) -> Value {
        let mut body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
        });
        match self {
            WhatsAppOutbound::Text {
                body: text,
                preview_url,
                reply_to,
            } => {
                body["type"] = json!("text");
                body["text"] = json!({"preview_url": preview_url, "body": text});
                if let Some(id) = reply_to {
                    body["context"] = json!({"message_id": id});
                }
            }
            WhatsAppOutbound::Template(t) => {
                body["type"] = json!("template");
                body["template"] = t.to_json();
            }
        }
        body
    }
}

/// Sends one message to `to`. Errors: 131047 (re-engagement, outside the 24-hour window) and
/// other permanent codes are [`SendError::Rejected`]; rate limits (130429, 131056, 4, 80007…),
/// 429 and 5xx are [`SendError::Retry`]; 190 is [`SendError::TokenRejected`].
pub async fn send(
    http: &Outbound,
    config: &WhatsAppConfig,
    to: &str,
    message: &WhatsAppOutbound,
) -> Result<SendReceipt, SendError> {
    if let WhatsAppOutbound::Text { body, .. } = message {
        check_length(body, chars, MAX_TEXT_CHARS)?;
    }
    let url = format!(
        "{}/{}/{}/messages",
        config.base_url.trim_end_matches('/'),
        config.version,
        config.phone_number_id
    );
    let res = http
        .post(&url)
        .map_err(|e| blocked(&e))?
        .bearer_auth(config.access_token.expose_secret())
        .json(&message.to_json(to))
        .send()
        .await
        .map_err(|e| transport_error(&e))?;
    let status = res.status().as_u16();
    let wait = retry_after(&res);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !(200..300).contains(&status) {
        return Err(classify_graph_error(status, &body, wait));
    }
    let first = body
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|m| m.first());
    let Some(id) = first.and_then(|m| str_or_num(m.get("id"))) else {
        // Not retried: the message may well have gone out, and a retry could send it twice.
        return Err(SendError::Rejected {
            code: "unexpected_response".into(),
            reason: format!("HTTP {status} without a message id"),
        });
    };
    Ok(SendReceipt {
        provider_message_id: id,
        recipient: body
            .get("contacts")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(|c| s(c, "wa_id")),
        status: first.and_then(|m| s(m, "message_status")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};

    #[test]
    fn the_window_is_open_for_24_hours_after_the_customer_wrote() {
        let last: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        let closes_at: Timestamp = "2026-03-02T10:00:00Z".parse().unwrap();
        assert_eq!(
            service_window(None, last),
            ServiceWindow::Closed { closed_at: None }
        );
        for now in [
            last,
            last + SignedDuration::from_hours(23),
            closes_at - SignedDuration::from_secs(1),
        ] {
            assert_eq!(
                service_window(Some(last), now),
                ServiceWindow::Open { closes_at }
            );
        }
        for now in [closes_at, closes_at + SignedDuration::from_hours(100)] {
            let w = service_window(Some(last), now);
            assert_eq!(
                w,
                ServiceWindow::Closed {
                    closed_at: Some(closes_at)
                }
            );
            assert!(!w.is_open());
        }
        // A customer clock ahead of ours still opens the window from their instant.
        let early = last - SignedDuration::from_mins(5);
        assert!(service_window(Some(last), early).is_open());
    }
}
