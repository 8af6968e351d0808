//! Faithful fakes of the SMS providers, small axum servers on 127.0.0.1 that speak the
//! documented wire formats (`shared/design/protocols.md` §10–11) and record what they received.
//!
//! * [`FakeTwilio`]: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form body, HTTP
//!   Basic auth (account SID + auth token, or API key SID + secret); `201` with the Message
//!   resource as JSON (string `num_segments`, RFC 2822 dates); errors as
//!   `{"code","message","more_info","status"}` (20003 auth, 21211 invalid `To`, 21602 no body,
//!   21603 no sender, 20429 with `Retry-After`).
//! * [`FakeSmsapi`]: `POST /sms.do`, form body, `Authorization: Bearer`; with `format=json` a
//!   `{"count","list":[…]}` answer, and errors as JSON **with HTTP 200** (`error: 13` for no
//!   valid number); without `format=json` the legacy plain text `OK:<id>:<points>` /
//!   `ERROR:<code>`.
//!
//! Both can be scripted to answer the next requests with 429 (and `Retry-After`) or a 5xx.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use serde_json::{Value, json};

/// A scripted failure for the next request.
#[derive(Debug, Clone, Copy)]
pub enum Scripted {
    /// 429 Too Many Requests with `Retry-After: secs`.
    RateLimited {
        /// Seconds in `Retry-After`.
        retry_after: u64,
    },
    /// A server error with this status (500, 502, 503…).
    ServerError(u16),
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field(f: &[(String, String)], k: &str) -> Option<String> {
    f.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone())
}

fn random_hex(n: usize) -> String {
    let mut out = String::new();
    while out.len() < n {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(n);
    out
}

/// Segments the way a carrier counts them, written independently of the code under test:
/// ASCII-only text is GSM-7 (160, or 153 per part), anything else UCS-2 (70, or 67 per part).
fn carrier_segments(body: &str) -> usize {
    if body.is_ascii() {
        let n = body.chars().count();
        if n <= 160 { 1 } else { n.div_ceil(153) }
    } else {
        let n = body.encode_utf16().count();
        if n <= 70 { 1 } else { n.div_ceil(67) }
    }
}

fn e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

async fn serve(router: Router) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a fake provider");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (addr, task)
}

// ---------------------------------------------------------------- Twilio

/// One request the Twilio fake received (accepted or not).
#[derive(Debug, Clone)]
pub struct TwilioRequest {
    /// Account SID in the URL.
    pub account_sid: String,
    /// Basic auth user (account SID or API key SID), if any.
    pub user: Option<String>,
    /// `To`.
    pub to: Option<String>,
    /// `From`.
    pub from: Option<String>,
    /// `MessagingServiceSid`.
    pub messaging_service_sid: Option<String>,
    /// `Body`.
    pub body: Option<String>,
    /// `StatusCallback`.
    pub status_callback: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The message SID given, when accepted.
    pub sid: Option<String>,
}

struct TwilioState {
    account_sid: String,
    auth_token: String,
    api_keys: Vec<(String, String)>,
    received: Vec<TwilioRequest>,
    script: VecDeque<Scripted>,
}

/// A fake Twilio Messages API.
pub struct FakeTwilio {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<TwilioState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn twilio_error(status: u16, code: i64, message: &str) -> Response {
    let body = json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn basic_auth(h: &HeaderMap) -> Option<(String, String)> {
    let v = h.get(header::AUTHORIZATION)?.to_str().ok()?;
    let b = v.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD.decode(b).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

fn rfc2822_now() -> String {
    jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

async fn twilio_messages(
    State(st): State<Arc<Mutex<TwilioState>>>,
    Path(sid_json): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (account, file) = sid_json;
    let f = form(&body);
    let mut req = TwilioRequest {
        account_sid: account.clone(),
        user: basic_auth(&headers).map(|(u, _)| u),
        to: field(&f, "To"),
        from: field(&f, "From"),
        messaging_service_sid: field(&f, "MessagingServiceSid"),
        body: field(&f, "Body"),
        status_callback: field(&f, "StatusCallback"),
        status: 0,
        sid: None,
    };
    let mut st = st.lock().expect("fake state");
    let res = (|| {
        if file != "Messages.json" {
            // The 2010 API answers XML without the .json suffix; the fake only speaks JSON.
            return twilio_error(404, 20404, "The requested resource was not found");
        }
        let authed = match basic_auth(&headers) {
            Some((u, p)) => {
                (u == st.account_sid && p == st.auth_token)
                    || st.api_keys.iter().any(|(k, s)| *k == u && *s == p)
            }
            None => false,
        };
        if !authed {
            return twilio_error(401, 20003, "Authenticate");
        }
        if account != st.account_sid {
            return twilio_error(
                404,
                20404,
                &format!(
                    "The requested resource /2010-04-01/Accounts/{account}/Messages.json was not found"
                ),
            );
        }
        if let Some(s) = st.script.pop_front() {
            return match s {
                Scripted::RateLimited { retry_after } => {
                    let mut r = twilio_error(429, 20429, "Too Many Requests");
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                    r
                }
                Scripted::ServerError(code) => {
                    twilio_error(code, 20500, "An internal server error has occurred")
                }
            };
        }
        let to = req.to.clone().unwrap_or_default();
        if to.is_empty() {
            return twilio_error(400, 21604, "A 'To' phone number is required.");
        }
        if !e164(&to) {
            return twilio_error(
                400,
                21211,
                &format!("The 'To' number {to} is not a valid phone number."),
            );
        }
        if req.from.is_none() && req.messaging_service_sid.is_none() {
            return twilio_error(400, 21603, "A 'From' phone number is required.");
        }
        let text = req.body.clone().unwrap_or_default();
        if text.is_empty() {
            return twilio_error(400, 21602, "Message body is required.");
        }
        if text.chars().count() > 1600 {
            return twilio_error(
                400,
                21617,
                "The concatenated message body exceeds the 1600 character limit.",
            );
        }
        let sid = format!("SM{}", random_hex(32));
        req.sid = Some(sid.clone());
        let now = rfc2822_now();
        let via_service = req.messaging_service_sid.is_some();
        let msg = json!({
            "account_sid": st.account_sid,
            "api_version": "2010-04-01",
            "body": text,
            "date_created": now,
            "date_sent": Value::Null,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": Value::Null,
            "error_message": Value::Null,
            "from": req.from,
            "messaging_service_sid": req.messaging_service_sid,
            "num_media": "0",
            "num_segments": carrier_segments(&text).to_string(),
            "price": Value::Null,
            "price_unit": "USD",
            "sid": sid,
            "status": if via_service { "accepted" } else { "queued" },
            "subresource_uris": {"media": format!("/2010-04-01/Accounts/{}/Messages/{sid}/Media.json", st.account_sid)},
            "to": to,
            "uri": format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", st.account_sid),
        });
        (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            msg.to_string(),
        )
            .into_response()
    })();
    req.status = res.status().as_u16();
    st.received.push(req);
    res
}

impl FakeTwilio {
    /// Starts a fake for one account.
    pub async fn start(account_sid: &str, auth_token: &str) -> Self {
        let state = Arc::new(Mutex::new(TwilioState {
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            api_keys: Vec::new(),
            received: Vec::new(),
            script: VecDeque::new(),
        }));
        let router = Router::new()
            .route("/2010-04-01/Accounts/{sid}/{file}", post(twilio_messages))
            .with_state(state.clone());
        let (addr, task) = serve(router).await;
        Self { addr, state, task }
    }

    /// Also accepts an API key (`SK…` + secret) for Basic auth.
    pub fn add_api_key(&self, sid: &str, secret: &str) {
        self.state
            .lock()
            .expect("state")
            .api_keys
            .push((sid.into(), secret.into()));
    }

    /// The base URL to configure the adapter with.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<TwilioRequest> {
        self.state.lock().expect("state").received.clone()
    }

    /// The accepted messages so far.
    pub fn accepted(&self) -> Vec<TwilioRequest> {
        self.received()
            .into_iter()
            .filter(|r| r.status == 201)
            .collect()
    }

    /// Answers the next request with a scripted failure.
    pub fn fail_next(&self, s: Scripted) {
        self.state.lock().expect("state").script.push_back(s);
    }
}

// ---------------------------------------------------------------- SMSAPI

/// One request the SMSAPI fake received.
#[derive(Debug, Clone)]
pub struct SmsapiRequest {
    /// Bearer token, if any.
    pub token: Option<String>,
    /// `to` (comma-separated MSISDNs, no `+`).
    pub to: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `from`.
    pub from: Option<String>,
    /// `format`.
    pub format: Option<String>,
    /// `encoding`.
    pub encoding: Option<String>,
    /// `idx`.
    pub idx: Option<String>,
    /// `check_idx`.
    pub check_idx: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Ids given, when accepted.
    pub ids: Vec<String>,
}

struct SmsapiState {
    token: String,
    received: Vec<SmsapiRequest>,
    script: VecDeque<Scripted>,
    next_id: u64,
}

/// A fake SMSAPI `sms.do`.
pub struct FakeSmsapi {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<SmsapiState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSmsapi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn smsapi_json(status: StatusCode, v: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

async fn smsapi_send(
    State(st): State<Arc<Mutex<SmsapiState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let mut req = SmsapiRequest {
        token: token.clone(),
        to: field(&f, "to"),
        message: field(&f, "message"),
        from: field(&f, "from"),
        format: field(&f, "format"),
        encoding: field(&f, "encoding"),
        idx: field(&f, "idx"),
        check_idx: field(&f, "check_idx"),
        status: 0,
        ids: Vec::new(),
    };
    let json_mode = req.format.as_deref() == Some("json");
    let details = field(&f, "details").as_deref() == Some("1");
    let mut st = st.lock().expect("state");
    let res = (|| {
        if let Some(s) = st.script.pop_front() {
            return match s {
                Scripted::RateLimited { retry_after } => {
                    let mut r =
                        (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                    r
                }
                Scripted::ServerError(code) => (
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    "Internal Server Error",
                )
                    .into_response(),
            };
        }
        let error = |code: i64, message: &str, extra: Option<Value>| -> Response {
            if !json_mode {
                return (StatusCode::OK, format!("ERROR:{code}")).into_response();
            }
            let mut v = json!({"error": code, "message": message});
            if let Some(Value::Object(m)) = extra {
                for (k, x) in m {
                    v[k] = x;
                }
            }
            // SMSAPI reports errors with HTTP 200 and an `error` field.
            smsapi_json(StatusCode::OK, v)
        };
        if token.as_deref() != Some(st.token.as_str()) {
            return error(101, "Authorization failed", None);
        }
        let numbers: Vec<String> = req
            .to
            .clone()
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let (valid, invalid): (Vec<String>, Vec<String>) = numbers.into_iter().partition(|n| {
            (8..=15).contains(&n.len())
                && n.bytes().all(|b| b.is_ascii_digit())
                && !n.starts_with('0')
        });
        if valid.is_empty() {
            let inv: Vec<Value> = invalid
                .iter()
                .map(|n| json!({"number": n, "submitted_number": n, "message": "Invalid phone number"}))
                .collect();
            return error(
                13,
                "No correct phone numbers",
                Some(json!({"invalid_numbers": inv})),
            );
        }
        let text = req.message.clone().unwrap_or_default();
        if text.is_empty() {
            return error(11, "Message too long or there is no message", None);
        }
        let parts = carrier_segments(&text);
        let now_s = jiff::Timestamp::now().as_second();
        let mut list = Vec::new();
        for n in &valid {
            st.next_id += 1;
            let id = format!("{:024X}", st.next_id + 0x5f00_0000);
            req.ids.push(id.clone());
            let mut item = json!({
                "id": id, "points": 0.16 * parts as f64, "number": n, "date_sent": now_s,
                "submitted_number": n, "status": "QUEUE",
            });
            if details {
                item["parts"] = json!(parts);
                item["idx"] = json!(req.idx);
            }
            list.push(item);
        }
        if !json_mode {
            return (
                StatusCode::OK,
                format!("OK:{}:{:.2}", req.ids[0], 0.16 * parts as f64),
            )
                .into_response();
        }
        smsapi_json(StatusCode::OK, json!({"count": list.len(), "list": list}))
    })();
    req.status = res.status().as_u16();
    st.received.push(req);
    res
}

impl FakeSmsapi {
    /// Starts a fake that accepts this OAuth token.
    pub async fn start(token: &str) -> Self {
        let state = Arc::new(Mutex::new(SmsapiState {
            token: token.into(),
            received: Vec::new(),
            script: VecDeque::new(),
            next_id: 0,
        }));
        let router = Router::new()
            .route("/sms.do", post(smsapi_send))
            .with_state(state.clone());
        let (addr, task) = serve(router).await;
        Self { addr, state, task }
    }

    /// The base URL to configure the adapter with.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<SmsapiRequest> {
        self.state.lock().expect("state").received.clone()
    }

    /// The accepted messages so far.
    pub fn accepted(&self) -> Vec<SmsapiRequest> {
        self.received()
            .into_iter()
            .filter(|r| !r.ids.is_empty())
            .collect()
    }

    /// Answers the next request with a scripted failure.
    pub fn fail_next(&self, s: Scripted) {
        self.state.lock().expect("state").script.push_back(s);
    }
}
