//! Frontdesk's outside providers, each behind a small interface with a real adapter that speaks
//! the provider's documented HTTP API (and a faithful fake: SMS in `frontdesk-testkit`, the
//! messaging channels in this crate's tests):
//!
//! * [`http`] — the outbound HTTP client every adapter uses: timeouts on every call, no proxy,
//!   and it refuses private, loopback and link-local addresses (SSRF), also after DNS resolution
//!   and on redirects, unless the deployment allows them.
//! * [`sms`] — SMS through Twilio or SMSAPI, or into the outbox folder (the development default).
//! * [`meta`] — Meta's webhook mechanics (verification handshake, `X-Hub-Signature-256`) shared by
//!   WhatsApp, Messenger and Instagram.
//! * [`channel`] — the normalized inbound events and send outcomes every messaging channel maps
//!   to.
//! * [`whatsapp`], [`messenger`] (Messenger and Instagram), [`zalo`] — each provider's webhook
//!   payloads parsed into those events, and its send API over [`http::Outbound`].
//! * `fake` (feature `testing`) — faithful fakes of those send APIs for tests.

pub mod channel;
#[cfg(feature = "testing")]
pub mod fake;
pub mod http;
pub mod messenger;
pub mod meta;
pub mod sms;
pub mod whatsapp;
pub mod zalo;
