//! Cross-cutting layers: request ids, access log and metrics, per-route-class rate limits, and
//! security headers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, REQUEST_ID};

/// Route classes, each with its own rate limit and metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteClass {
    /// Sign-up, sign-in, links: strictest (promise S1).
    Auth,
    /// Public pages and the public API (booking page, later).
    Public,
    /// The authenticated JSON API.
    Api,
    /// Dashboard pages.
    Dashboard,
    /// Health, metrics, static assets, docs.
    System,
}

impl RouteClass {
    /// Classifies a request path.
    pub fn of(method: &axum::http::Method, path: &str) -> Self {
        let auth_paths = [
            "/api/v1/signup",
            "/api/v1/auth/",
            "/api/v1/invitations/accept",
            "/login",
            "/signup",
            "/auth/",
            "/invite/",
        ];
        if auth_paths.iter().any(|p| path.starts_with(p))
            && (method != axum::http::Method::GET
                || path.starts_with("/auth/")
                || path.starts_with("/invite/"))
        {
            RouteClass::Auth
        } else if path.starts_with("/api/v1/") {
            RouteClass::Api
        } else if path.starts_with("/app")
            || path == "/"
            || path.starts_with("/login")
            || path.starts_with("/signup")
        {
            RouteClass::Dashboard
        } else if path.starts_with("/assets/")
            || path.starts_with("/api/docs")
            || path == "/api/openapi.json"
            || path == "/healthz"
            || path == "/readyz"
            || path == "/metrics"
        {
            RouteClass::System
        } else {
            RouteClass::Public
        }
    }

    fn label(self) -> &'static str {
        match self {
            RouteClass::Auth => "auth",
            RouteClass::Public => "public",
            RouteClass::Api => "api",
            RouteClass::Dashboard => "dashboard",
            RouteClass::System => "system",
        }
    }
}

/// Requests allowed per minute per client IP, by class.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Sign-in and sign-up.
    pub auth_per_min: u32,
    /// Public pages.
    pub public_per_min: u32,
    /// JSON API and dashboard.
    pub api_per_min: u32,
    /// Requests to one booking page (slug) per minute, from everyone together.
    pub public_slug_per_min: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            auth_per_min: 30,
            public_per_min: 240,
            api_per_min: 1200,
            public_slug_per_min: 600,
        }
    }
}

/// An in-memory fixed-window limiter per (class, IP). Security limits that must survive a
/// restart (per account) live in the database instead.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<(RouteClass, String), (u64, u32)>>,
}

impl Limiter {
    /// Counts a hit; returns seconds to wait when over the limit.
    pub fn hit(&self, class: RouteClass, ip: &str, per_min: u32, now_s: u64) -> Option<u64> {
        let minute = now_s / 60;
        let mut w = self.windows.lock().expect("limiter lock");
        if w.len() > 100_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let e = w.entry((class, ip.to_string())).or_insert((minute, 0));
        if e.0 != minute {
            *e = (minute, 0);
        }
        e.1 += 1;
        (e.1 > per_min).then(|| 60 - now_s % 60)
    }
}

/// Prometheus counters and latency histograms for HTTP.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<HashMap<(&'static str, String, u16), u64>>,
    latency: Mutex<HashMap<&'static str, Histogram>>,
    rate_limited: Mutex<HashMap<&'static str, u64>>,
}

/// Bucket counts, total count and sum of seconds.
type Histogram = ([u64; BUCKETS.len()], u64, f64);

const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

impl Metrics {
    fn observe(&self, class: RouteClass, method: &str, status: u16, secs: f64) {
        *self
            .requests
            .lock()
            .expect("metrics")
            .entry((class.label(), method.to_string(), status))
            .or_default() += 1;
        let mut l = self.latency.lock().expect("metrics");
        let e = l
            .entry(class.label())
            .or_insert(([0; BUCKETS.len()], 0, 0.0));
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                e.0[i] += 1;
            }
        }
        e.1 += 1;
        e.2 += secs;
    }

    /// Renders the HTTP metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP frontdesk_http_requests_total HTTP requests by route class, method and status.\n# TYPE frontdesk_http_requests_total counter\n");
        let mut reqs: Vec<_> = self
            .requests
            .lock()
            .expect("metrics")
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        reqs.sort();
        for ((class, method, status), n) in reqs {
            out.push_str(&format!("frontdesk_http_requests_total{{class=\"{class}\",method=\"{method}\",status=\"{status}\"}} {n}\n"));
        }
        out.push_str("# HELP frontdesk_http_request_duration_seconds HTTP latency by route class.\n# TYPE frontdesk_http_request_duration_seconds histogram\n");
        let mut lat: Vec<_> = self
            .latency
            .lock()
            .expect("metrics")
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect();
        lat.sort_by_key(|x| x.0);
        for (class, (buckets, count, sum)) in lat {
            for (i, b) in BUCKETS.iter().enumerate() {
                out.push_str(&format!("frontdesk_http_request_duration_seconds_bucket{{class=\"{class}\",le=\"{b}\"}} {}\n", buckets[i]));
            }
            out.push_str(&format!("frontdesk_http_request_duration_seconds_bucket{{class=\"{class}\",le=\"+Inf\"}} {count}\n"));
            out.push_str(&format!(
                "frontdesk_http_request_duration_seconds_sum{{class=\"{class}\"}} {sum}\n"
            ));
            out.push_str(&format!(
                "frontdesk_http_request_duration_seconds_count{{class=\"{class}\"}} {count}\n"
            ));
        }
        out.push_str("# HELP frontdesk_http_rate_limited_total Requests refused by the rate limiter.\n# TYPE frontdesk_http_rate_limited_total counter\n");
        for (class, n) in self.rate_limited.lock().expect("metrics").iter() {
            out.push_str(&format!(
                "frontdesk_http_rate_limited_total{{class=\"{class}\"}} {n}\n"
            ));
        }
        out
    }
}

/// Assigns a request id (or keeps a sane incoming one), logs the request, records metrics, and
/// applies the rate limit of the route class.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let method = req.method().clone();
    let raw_path = req.uri().path().to_string();
    let class = RouteClass::of(&method, &raw_path);
    let path = redact_path(&raw_path);
    let (parts, body) = req.into_parts();
    let ip = crate::extract::client_info(&parts, &state)
        .ip
        .unwrap_or_else(|| "-".into());
    let req = Request::from_parts(parts, body);

    let limit = match class {
        RouteClass::Auth => Some(state.web.rate_limits.auth_per_min),
        RouteClass::Public => Some(state.web.rate_limits.public_per_min),
        RouteClass::Api | RouteClass::Dashboard => Some(state.web.rate_limits.api_per_min),
        RouteClass::System => None,
    };
    let now_s = (state.app.now_ms() / 1000).max(0) as u64;
    let limited = limit.and_then(|l| state.limiter.hit(class, &ip, l, now_s));

    let (log_ip, log_path) = (ip.clone(), path.clone());
    let mut res = REQUEST_ID
        .scope(id.clone(), async move {
            match limited {
                Some(wait) => {
                    *state.metrics.rate_limited.lock().expect("metrics").entry(class.label()).or_default() += 1;
                    tracing::warn!(target: "security", ip = log_ip, path = log_path, "rate limited");
                    let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Too many requests. Slow down and try again shortly.");
                    e.retry_after = Some(wait);
                    (e.into_response(), state)
                }
                None => (next.run(req).await, state),
            }
        })
        .await;
    let (ref mut response, state) = res;
    let status = response.status().as_u16();
    let secs = started.elapsed().as_secs_f64();
    state.metrics.observe(class, method.as_str(), status, secs);
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    if status >= 500 {
        tracing::error!(request_id = %id, %method, path, status, ms = secs * 1000.0, "request failed");
    } else {
        tracing::info!(request_id = %id, %method, path, status, ms = (secs * 1000.0).round(), "request");
    }
    res.0
}

/// A path as logged: the secret part of link tokens (manage-booking, sign-in, reset and
/// invitation links) never reaches the log.
pub fn redact_path(path: &str) -> String {
    for prefix in ["/manage/", "/auth/magic/", "/auth/reset/", "/invite/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
            return format!("{prefix}…{tail}");
        }
    }
    path.to_string()
}

/// Security headers on every response (promise S4).
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_docs = req.uri().path().starts_with("/api/docs");
    let mut res = next.run(req).await;
    // A customer page asked for in embed mode may be framed by the business's own site.
    let framable = res.extensions().get::<crate::public::Framable>().is_some();
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    if !framable {
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    let csp = if framable {
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'; object-src 'none'"
    } else if is_docs {
        // The vendored Swagger UI uses inline scripts and styles.
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    } else {
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    if state.web.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
