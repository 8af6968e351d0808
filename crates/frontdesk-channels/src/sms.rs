//! SMS: Twilio's Messages API, SMSAPI's `sms.do`, or the outbox folder (development default).
//!
//! Adapters classify every failure as [`SmsError::Retry`] (rate limits, 5xx, timeouts: the job
//! queue tries again, honouring `Retry-After`) or [`SmsError::Rejected`] (bad number, unsubscribed
//! recipient, bad credentials, no credit: retrying cannot help).

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::http::Outbound;

/// A text message to send.
#[derive(Debug, Clone)]
pub struct SmsMessage {
    /// Our id for the message (also the provider idempotency key where supported).
    pub id: String,
    /// Recipient in E.164.
    pub to: String,
    /// Text.
    pub body: String,
}

/// What the provider said when it accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsReceipt {
    /// `twilio`, `smsapi` or `outbox`.
    pub provider: &'static str,
    /// The provider's id of the message.
    pub provider_id: String,
    /// Billable segments.
    pub segments: u32,
    /// The provider's status (`queued`, `QUEUE`, `written`…).
    pub status: String,
}

/// Why sending failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SmsError {
    /// Try again later (after `retry_after_secs` when the provider said).
    #[error("temporary failure: {reason}")]
    Retry {
        /// What happened.
        reason: String,
        /// Seconds to wait, from `Retry-After`.
        retry_after_secs: Option<u64>,
    },
    /// The provider refused the message for good.
    #[error("rejected ({code}): {reason}")]
    Rejected {
        /// The provider's error code.
        code: String,
        /// The provider's message.
        reason: String,
    },
}

/// Billable segments of a text: GSM-7 fits 160 characters in one part (153 per part when split),
/// anything else is UCS-2 with 70 (67 per part).
pub fn segments(body: &str) -> u32 {
    const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM7_EXT: &str = "^{}\\[~]|€";
    let mut units = 0u32;
    let mut gsm = true;
    for c in body.chars() {
        if GSM7.contains(c) {
            units += 1;
        } else if GSM7_EXT.contains(c) {
            units += 2;
        } else {
            gsm = false;
            break;
        }
    }
    if gsm {
        if units <= 160 { 1 } else { units.div_ceil(153) }
    } else {
        let n = body.encode_utf16().count() as u32;
        if n <= 70 { 1 } else { n.div_ceil(67) }
    }
}

/// Twilio settings.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// API base, `https://api.twilio.com` (a fake's URL in tests).
    pub base_url: String,
    /// Account SID (`AC…`), also the user of Basic auth unless an API key is given.
    pub account_sid: String,
    /// Auth token, or the API key secret.
    pub auth_token: SecretString,
    /// API key SID (`SK…`) to authenticate with instead of the account SID.
    pub api_key_sid: Option<String>,
    /// Sender number or alphanumeric id.
    pub from: Option<String>,
    /// Messaging service (`MG…`) to send through instead of `from`.
    pub messaging_service_sid: Option<String>,
    /// Where Twilio posts status callbacks.
    pub status_callback: Option<String>,
}

/// SMSAPI settings.
#[derive(Debug, Clone)]
pub struct SmsapiConfig {
    /// API base: `https://api.smsapi.com` (international) or `https://api.smsapi.pl`.
    pub base_url: String,
    /// OAuth token from the customer panel.
    pub token: SecretString,
    /// Registered sender name (≤ 11 characters).
    pub from: Option<String>,
}

/// Where SMS goes.
#[derive(Debug, Clone)]
pub enum SmsTransport {
    /// Text files in a folder (development default); nothing leaves the machine.
    Outbox {
        /// The folder.
        dir: PathBuf,
    },
    /// Twilio.
    Twilio(TwilioConfig),
    /// SMSAPI.
    Smsapi(SmsapiConfig),
}

#[derive(Deserialize)]
struct TwilioMessage {
    sid: String,
    status: String,
    #[serde(default)]
    num_segments: Option<String>,
}

#[derive(Deserialize)]
struct TwilioError {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct SmsapiResponse {
    #[serde(default)]
    error: Option<i64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    list: Vec<SmsapiItem>,
}

#[derive(Deserialize)]
struct SmsapiItem {
    id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    parts: Option<u32>,
}

fn retry_after(res: &reqwest::Response) -> Option<u64> {
    res.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn transport_error(e: reqwest::Error) -> SmsError {
    SmsError::Retry {
        reason: format!("could not reach the provider: {e}"),
        retry_after_secs: None,
    }
}

impl SmsTransport {
    /// The transport's name.
    pub fn name(&self) -> &'static str {
        match self {
            SmsTransport::Outbox { .. } => "outbox",
            SmsTransport::Twilio(_) => "twilio",
            SmsTransport::Smsapi(_) => "smsapi",
        }
    }

    /// Sends one message through `http` (see [`crate::http::client`]).
    pub async fn send(&self, http: &Outbound, msg: &SmsMessage) -> Result<SmsReceipt, SmsError> {
        match self {
            SmsTransport::Outbox { dir } => {
                let text = format!(
                    "To: {}\nId: {}\nSegments: {}\n\n{}\n",
                    msg.to,
                    msg.id,
                    segments(&msg.body),
                    msg.body
                );
                let name: String = msg
                    .id
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                let path = dir.join(format!("sms-{name}.txt"));
                let write = async {
                    tokio::fs::create_dir_all(dir).await?;
                    tokio::fs::write(&path, text).await
                };
                write.await.map_err(|e| SmsError::Retry {
                    reason: format!("outbox folder: {e}"),
                    retry_after_secs: None,
                })?;
                tracing::info!(to = %msg.to, path = %path.display(), "SMS written to the outbox folder");
                Ok(SmsReceipt {
                    provider: "outbox",
                    provider_id: msg.id.clone(),
                    segments: segments(&msg.body),
                    status: "written".into(),
                })
            }
            SmsTransport::Twilio(c) => send_twilio(http, c, msg).await,
            SmsTransport::Smsapi(c) => send_smsapi(http, c, msg).await,
        }
    }
}

fn post(http: &Outbound, base: &str, path: &str) -> Result<reqwest::RequestBuilder, SmsError> {
    http.post(&format!("{}{}", base.trim_end_matches('/'), path))
        .map_err(|e| SmsError::Rejected {
            code: "config".into(),
            reason: e.to_string(),
        })
}

async fn send_twilio(
    http: &Outbound,
    c: &TwilioConfig,
    msg: &SmsMessage,
) -> Result<SmsReceipt, SmsError> {
    let req = post(
        http,
        &c.base_url,
        &format!("/2010-04-01/Accounts/{}/Messages.json", c.account_sid),
    )?;
    let mut form: Vec<(&str, &str)> = vec![("To", &msg.to), ("Body", &msg.body)];
    match (&c.messaging_service_sid, &c.from) {
        (Some(mg), _) => form.push(("MessagingServiceSid", mg)),
        (None, Some(from)) => form.push(("From", from)),
        (None, None) => {
            return Err(SmsError::Rejected {
                code: "config".into(),
                reason: "Twilio needs a From number or a messaging service".into(),
            });
        }
    }
    if let Some(cb) = &c.status_callback {
        form.push(("StatusCallback", cb));
    }
    let user = c.api_key_sid.as_deref().unwrap_or(&c.account_sid);
    let res = req
        .basic_auth(user, Some(c.auth_token.expose_secret()))
        .form(&form)
        .send()
        .await
        .map_err(transport_error)?;
    let status = res.status();
    let wait = retry_after(&res);
    let body = res.text().await.map_err(transport_error)?;
    if status.is_success() {
        let m: TwilioMessage = serde_json::from_str(&body).map_err(|e| SmsError::Retry {
            reason: format!("unexpected Twilio answer: {e}"),
            retry_after_secs: None,
        })?;
        return Ok(SmsReceipt {
            provider: "twilio",
            provider_id: m.sid,
            segments: m
                .num_segments
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| segments(&msg.body)),
            status: m.status,
        });
    }
    let e: TwilioError = serde_json::from_str(&body).unwrap_or(TwilioError {
        code: None,
        message: None,
    });
    let code = e
        .code
        .map(|c| c.to_string())
        .unwrap_or_else(|| status.as_u16().to_string());
    let reason = e.message.unwrap_or_else(|| format!("HTTP {status}"));
    if status.as_u16() == 429 || status.is_server_error() || e.code == Some(20429) {
        Err(SmsError::Retry {
            reason: format!("Twilio {code}: {reason}"),
            retry_after_secs: wait,
        })
    } else {
        Err(SmsError::Rejected { code, reason })
    }
}

async fn send_smsapi(
    http: &Outbound,
    c: &SmsapiConfig,
    msg: &SmsMessage,
) -> Result<SmsReceipt, SmsError> {
    let req = post(http, &c.base_url, "/sms.do")?;
    let to = msg.to.trim_start_matches('+');
    let mut form: Vec<(&str, &str)> = vec![
        ("to", to),
        ("message", &msg.body),
        ("format", "json"),
        ("encoding", "utf-8"),
        ("details", "1"),
        ("idx", &msg.id),
        ("check_idx", "1"),
    ];
    if let Some(from) = &c.from {
        form.push(("from", from));
    }
    let res = req
        .bearer_auth(c.token.expose_secret())
        .form(&form)
        .send()
        .await
        .map_err(transport_error)?;
    let status = res.status();
    let wait = retry_after(&res);
    let body = res.text().await.map_err(transport_error)?;
    if status.as_u16() == 429 || status.is_server_error() {
        return Err(SmsError::Retry {
            reason: format!("SMSAPI HTTP {status}"),
            retry_after_secs: wait,
        });
    }
    let r: SmsapiResponse = serde_json::from_str(&body).map_err(|_| {
        // Without format=json the API answers `ERROR:<code>`; treat anything unparsable by status.
        if status.is_success() {
            SmsError::Retry {
                reason: format!(
                    "unexpected SMSAPI answer: {}",
                    body.chars().take(200).collect::<String>()
                ),
                retry_after_secs: None,
            }
        } else {
            SmsError::Rejected {
                code: status.as_u16().to_string(),
                reason: body.chars().take(200).collect(),
            }
        }
    })?;
    // SMSAPI reports most errors with HTTP 200 and an `error` field.
    if let Some(code) = r.error {
        let reason = r.message.unwrap_or_default();
        return Err(match code {
            // Authorisation, IP filter, credit and number errors cannot be fixed by retrying.
            11..=14 | 101..=105 => SmsError::Rejected {
                code: code.to_string(),
                reason,
            },
            _ => SmsError::Retry {
                reason: format!("SMSAPI error {code}: {reason}"),
                retry_after_secs: wait,
            },
        });
    }
    let item = r.list.into_iter().next().ok_or_else(|| SmsError::Retry {
        reason: "SMSAPI accepted nothing".into(),
        retry_after_secs: None,
    })?;
    Ok(SmsReceipt {
        provider: "smsapi",
        provider_id: item.id,
        segments: item.parts.unwrap_or_else(|| segments(&msg.body)),
        status: item.status.unwrap_or_else(|| "QUEUE".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn segments_follow_gsm7_and_ucs2_rules() {
        assert_eq!(segments("Your code is 123456"), 1);
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        assert_eq!(
            segments(&"€".repeat(80)),
            1,
            "extension characters count twice"
        );
        assert_eq!(segments(&"€".repeat(81)), 2);
        assert_eq!(
            segments("Mã xác nhận của bạn là 123456"),
            1,
            "Vietnamese needs UCS-2"
        );
        assert_eq!(segments(&"ệ".repeat(71)), 2);
    }
}
