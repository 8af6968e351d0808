//! The normalized shapes every messaging channel maps to: inbound events parsed from webhooks,
//! and the outcome of a send. Provider modules ([`crate::whatsapp`], [`crate::messenger`],
//! [`crate::zalo`]) only translate; storing, deduplicating and routing happen above them.

use jiff::Timestamp;
use serde_json::Value;

/// A messaging channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// WhatsApp Business Cloud API.
    WhatsApp,
    /// Facebook Messenger (Pages).
    Messenger,
    /// Instagram Messaging.
    Instagram,
    /// Zalo Official Account.
    Zalo,
}

impl Channel {
    /// A stable lowercase name (`whatsapp`, `messenger`, `instagram`, `zalo`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::WhatsApp => "whatsapp",
            Channel::Messenger => "messenger",
            Channel::Instagram => "instagram",
            Channel::Zalo => "zalo",
        }
    }
}

/// One thing a webhook told us. A payload may carry many.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundEvent {
    /// A message from a customer (or an echo of one we sent, see [`InboundMessage::echo`]).
    Message(InboundMessage),
    /// A delivery/read/failure report about a message we sent.
    Status(StatusUpdate),
    /// An account-level error not tied to one message (WhatsApp `value.errors`).
    Error {
        /// The channel.
        channel: Channel,
        /// The business account the error is about.
        account_id: String,
        /// The provider's error.
        error: ProviderError,
    },
    /// An event this layer does not interpret (follows, referrals, opt-ins…), kept whole.
    Other {
        /// The channel.
        channel: Channel,
        /// The business account, when it could be found.
        account_id: Option<String>,
        /// The event's name or field, as the provider spelled it.
        event: String,
        /// The event's JSON.
        raw: Value,
    },
}

/// A message.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// The channel.
    pub channel: Channel,
    /// The business account that received it (the routing key): WhatsApp `phone_number_id`,
    /// Messenger page id, Instagram account id, Zalo OA id.
    pub account_id: String,
    /// The customer: WhatsApp `wa_id`, PSID, IGSID, Zalo user id.
    pub from: String,
    /// The provider's message id (wamid, mid, msg_id): the deduplication key.
    pub provider_message_id: String,
    /// When the provider says it was sent.
    pub timestamp: Timestamp,
    /// What it is.
    pub kind: MessageKind,
    /// The customer's profile name, when the provider gives it.
    pub contact_name: Option<String>,
    /// The provider id of the message this one replies to.
    pub reply_to: Option<String>,
    /// An echo of a message the business sent (from another app or the provider's own app);
    /// `from` is then the customer it was sent to.
    pub echo: bool,
    /// The message's JSON as received.
    pub raw: Value,
}

/// Kinds of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A picture.
    Image,
    /// A sound or voice note.
    Audio,
    /// A video.
    Video,
    /// A file.
    Document,
    /// A sticker or GIF.
    Sticker,
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageKind {
    /// Text.
    Text {
        /// The text.
        body: String,
    },
    /// A media attachment, to be fetched through the provider.
    Media {
        /// Which kind.
        media: MediaKind,
        /// The provider's media id (WhatsApp).
        id: Option<String>,
        /// A direct URL (Messenger, Instagram, Zalo; newer WhatsApp payloads).
        url: Option<String>,
        /// MIME type, when given.
        mime_type: Option<String>,
        /// Caption or accompanying text.
        caption: Option<String>,
        /// File name (documents).
        filename: Option<String>,
    },
    /// A shared location.
    Location {
        /// Latitude.
        latitude: f64,
        /// Longitude.
        longitude: f64,
        /// Place name.
        name: Option<String>,
        /// Address.
        address: Option<String>,
    },
    /// A tap on an interactive reply button or list row we sent (WhatsApp `interactive`,
    /// Messenger quick replies).
    InteractiveReply {
        /// The id we gave the option.
        id: String,
        /// Its title as shown.
        title: String,
        /// The list row description.
        description: Option<String>,
    },
    /// A tap on a template quick-reply button (WhatsApp `button`) or a postback button
    /// (Messenger, Instagram).
    Button {
        /// The payload we attached.
        payload: String,
        /// The button's text.
        text: String,
    },
    /// A reaction to an earlier message (an empty emoji removes it).
    Reaction {
        /// The message reacted to.
        message_id: String,
        /// The emoji.
        emoji: String,
    },
    /// A type this layer does not interpret; [`InboundMessage::raw`] keeps everything.
    Unknown {
        /// The provider's type name.
        type_name: String,
    },
}

/// Delivery states of a message we sent. They only move forward: see [`DeliveryStatus::rank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Accepted by the provider and sent.
    Sent,
    /// Delivered to the device.
    Delivered,
    /// Read by the customer.
    Read,
    /// Failed (see the error).
    Failed,
}

impl DeliveryStatus {
    /// The provider's lowercase spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Order along the happy path: sent (1) < delivered (2) < read (3); failed is 4.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Sent => 1,
            DeliveryStatus::Delivered => 2,
            DeliveryStatus::Read => 3,
            DeliveryStatus::Failed => 4,
        }
    }

    /// The status to keep when `incoming` arrives while `current` is stored; `None` means
    /// ignore it. Statuses only move forward (a late `delivered` never overwrites `read`, a
    /// repeat changes nothing); `failed` is terminal; and a `failed` after `delivered` or
    /// `read` is ignored, because Meta can report both for one message (multi-device) and
    /// says to treat `delivered` as the final success.
    pub fn advance(current: Option<Self>, incoming: Self) -> Option<Self> {
        match current {
            None => Some(incoming),
            Some(DeliveryStatus::Failed) => None,
            Some(DeliveryStatus::Delivered | DeliveryStatus::Read)
                if incoming == DeliveryStatus::Failed =>
            {
                None
            }
            Some(cur) if incoming.rank() > cur.rank() => Some(incoming),
            Some(_) => None,
        }
    }

    /// Parses the provider's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sent" => Some(DeliveryStatus::Sent),
            "delivered" => Some(DeliveryStatus::Delivered),
            "read" => Some(DeliveryStatus::Read),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// A provider's error code and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    /// The numeric code (e.g. WhatsApp 131047).
    pub code: i64,
    /// Its title or message.
    pub title: String,
}

/// A status report about a message we sent.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    /// The channel.
    pub channel: Channel,
    /// The business account.
    pub account_id: String,
    /// The message the report is about; `None` for watermark-only reports (Messenger reads),
    /// which cover every message sent up to [`StatusUpdate::watermark`].
    pub provider_message_id: Option<String>,
    /// The new state.
    pub status: DeliveryStatus,
    /// The customer the message went to.
    pub recipient: String,
    /// When it happened.
    pub timestamp: Timestamp,
    /// Messenger: everything sent before this instant is delivered/read.
    pub watermark: Option<Timestamp>,
    /// Why it failed, for [`DeliveryStatus::Failed`].
    pub error: Option<ProviderError>,
}

/// Why a webhook body could not be parsed at all (individual unknown events never fail a
/// payload; they come back as [`InboundEvent::Other`] or [`MessageKind::Unknown`]).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not this provider's envelope.
    #[error("unexpected webhook envelope: {0}")]
    WrongEnvelope(String),
}

/// What a provider answered when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The provider's id of the sent message (wamid, mid, msg_id).
    pub provider_message_id: String,
    /// The recipient as the provider identified them (WhatsApp `wa_id`), when given.
    pub recipient: Option<String>,
    /// The provider's acceptance status (WhatsApp templates: `accepted`, `held_for_quality_assessment`,
    /// `paused`), when given.
    pub status: Option<String>,
}

/// Why sending failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SendError {
    /// Try again later (after `retry_after_secs` when the provider said): rate limits, 5xx,
    /// timeouts.
    #[error("temporary failure ({code}): {reason}")]
    Retry {
        /// The provider's error code, or the HTTP status.
        code: String,
        /// What happened.
        reason: String,
        /// Seconds to wait, from `Retry-After`.
        retry_after_secs: Option<u64>,
    },
    /// The access token was refused (expired, revoked): flag the channel and tell the owner.
    #[error("access token rejected ({code}): {reason}")]
    TokenRejected {
        /// The provider's error code.
        code: String,
        /// The provider's message.
        reason: String,
    },
    /// The provider refused the message for good (outside the window, bad recipient, bad
    /// template…): retrying the same request cannot help.
    #[error("rejected ({code}): {reason}")]
    Rejected {
        /// The provider's error code (e.g. `131047`).
        code: String,
        /// The provider's message.
        reason: String,
    },
}

impl SendError {
    /// The provider's code.
    pub fn code(&self) -> &str {
        match self {
            SendError::Retry { code, .. }
            | SendError::TokenRejected { code, .. }
            | SendError::Rejected { code, .. } => code,
        }
    }
}

/// Seconds to wait from a `Retry-After` header (delta-seconds form).
pub(crate) fn retry_after(res: &reqwest::Response) -> Option<u64> {
    res.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Refuses, before any call, a text the provider documents as too long (`max` counted by
/// `len`), so the error is ours and clear rather than a provider's parameter error.
pub(crate) fn check_length(
    text: &str,
    len: fn(&str) -> usize,
    max: usize,
) -> Result<(), SendError> {
    if text.is_empty() {
        return Err(SendError::Rejected {
            code: "empty".into(),
            reason: "the message is empty".into(),
        });
    }
    let n = len(text);
    if n > max {
        return Err(SendError::Rejected {
            code: "too_long".into(),
            reason: format!("the message is {n} long; the provider accepts at most {max}"),
        });
    }
    Ok(())
}

/// Characters, as WhatsApp and Messenger count them.
pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// UTF-8 bytes, as Instagram counts them.
pub(crate) fn utf8_bytes(s: &str) -> usize {
    s.len()
}

/// A failure to reach the provider (connect error, timeout): always worth retrying.
pub(crate) fn transport_error(e: &reqwest::Error) -> SendError {
    SendError::Retry {
        code: if e.is_timeout() { "timeout" } else { "network" }.into(),
        reason: format!("could not reach the provider: {e}"),
        retry_after_secs: None,
    }
}

/// A URL the outbound client refused: a configuration error, never retried.
pub(crate) fn blocked(e: &crate::http::BlockedError) -> SendError {
    SendError::Rejected {
        code: "config".into(),
        reason: e.to_string(),
    }
}

/// Graph API (WhatsApp, Messenger, Instagram) error classification from the HTTP status and the
/// body's `error.code`.
pub(crate) fn classify_graph_error(
    http_status: u16,
    body: &Value,
    retry_after_secs: Option<u64>,
) -> SendError {
    let err = body.get("error");
    let code = err.and_then(|e| e.get("code")).and_then(Value::as_i64);
    let message = err
        .and_then(|e| {
            let details = e
                .get("error_data")
                .and_then(|d| d.get("details"))
                .and_then(Value::as_str);
            let msg = e.get("message").and_then(Value::as_str);
            match (msg, details) {
                (Some(m), Some(d)) => Some(format!("{m}: {d}")),
                (Some(m), None) => Some(m.to_string()),
                (None, d) => d.map(str::to_string),
            }
        })
        .unwrap_or_else(|| format!("HTTP {http_status}"));
    let code_str = code.map_or_else(|| http_status.to_string(), |c| c.to_string());
    match code {
        Some(190) => SendError::TokenRejected {
            code: code_str,
            reason: message,
        },
        // Throughput, pair rate, app/page/WABA rate limits; temporary errors.
        Some(4 | 17 | 32 | 613 | 80007 | 130429 | 131056 | 1 | 2 | 131000) => SendError::Retry {
            code: code_str,
            reason: message,
            retry_after_secs,
        },
        _ if http_status == 429 || http_status >= 500 => SendError::Retry {
            code: code_str,
            reason: message,
            retry_after_secs,
        },
        _ => SendError::Rejected {
            code: code_str,
            reason: message,
        },
    }
}

/// Reads a field as a string whether it came as a string or a number.
pub(crate) fn str_or_num(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string field.
pub(crate) fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Seconds since the epoch (string or number) as an instant.
pub(crate) fn epoch_secs(v: Option<&Value>) -> Option<Timestamp> {
    let n: i64 = str_or_num(v)?.parse().ok()?;
    Timestamp::from_second(n).ok()
}

/// Milliseconds since the epoch (string or number) as an instant.
pub(crate) fn epoch_millis(v: Option<&Value>) -> Option<Timestamp> {
    let n: i64 = str_or_num(v)?.parse().ok()?;
    Timestamp::from_millisecond(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_only_move_forward() {
        use DeliveryStatus::{Delivered, Failed, Read, Sent};
        assert_eq!(DeliveryStatus::advance(None, Delivered), Some(Delivered));
        assert_eq!(
            DeliveryStatus::advance(Some(Sent), Delivered),
            Some(Delivered)
        );
        assert_eq!(DeliveryStatus::advance(Some(Sent), Read), Some(Read));
        assert_eq!(DeliveryStatus::advance(Some(Delivered), Read), Some(Read));
        assert_eq!(DeliveryStatus::advance(Some(Read), Delivered), None);
        assert_eq!(DeliveryStatus::advance(Some(Read), Sent), None);
        assert_eq!(DeliveryStatus::advance(Some(Delivered), Delivered), None);
        assert_eq!(DeliveryStatus::advance(Some(Sent), Failed), Some(Failed));
        assert_eq!(DeliveryStatus::advance(Some(Delivered), Failed), None);
        assert_eq!(DeliveryStatus::advance(Some(Read), Failed), None);
        for s in [Sent, Delivered, Read, Failed] {
            assert_eq!(DeliveryStatus::advance(Some(Failed), s), None);
            assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
        }
        // Any arrival order of sent/delivered/read ends at read.
        let orders = [
            [Sent, Delivered, Read],
            [Read, Delivered, Sent],
            [Delivered, Read, Sent],
            [Sent, Read, Delivered],
        ];
        for order in orders {
            let mut cur = None;
            for s in order {
                if let Some(next) = DeliveryStatus::advance(cur, s) {
                    cur = Some(next);
                }
            }
            assert_eq!(cur, Some(Read), "{order:?}");
        }
    }

    #[test]
    fn graph_errors_are_classified() {
        let body = |code: i64| json!({"error":{"message":"m","type":"OAuthException","code":code}});
        assert!(matches!(
            classify_graph_error(401, &body(190), None),
            SendError::TokenRejected { .. }
        ));
        for code in [4, 17, 32, 613, 130429, 131056, 80007] {
            assert!(
                matches!(
                    classify_graph_error(400, &body(code), Some(7)),
                    SendError::Retry {
                        retry_after_secs: Some(7),
                        ..
                    }
                ),
                "{code}"
            );
        }
        for code in [131047, 131026, 132000, 132001, 100, 10, 551] {
            assert_eq!(
                classify_graph_error(400, &body(code), None),
                SendError::Rejected {
                    code: code.to_string(),
                    reason: "m".into()
                }
            );
        }
        assert!(matches!(
            classify_graph_error(503, &json!("not graph"), None),
            SendError::Retry { code, .. } if code == "503"
        ));
        assert!(matches!(
            classify_graph_error(429, &json!({}), Some(3)),
            SendError::Retry {
                retry_after_secs: Some(3),
                ..
            }
        ));
    }
}
