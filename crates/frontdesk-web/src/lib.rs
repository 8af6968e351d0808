//! Frontdesk's HTTP surface: the JSON API under `/api/v1` (documented at `/api/openapi.json`,
//! viewer at `/api/docs`), the server-rendered dashboard under `/app`, sign-in pages, health and
//! metrics. Handlers are thin: extract (the extractor is the permission), call `frontdesk-app`,
//! map the result. This crate has no SQL.

pub mod api;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod public;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use frontdesk_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::{ApiError, ApiResult};
pub use routes::{Access, RouteSpec};

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and use the `__Host-` prefix (on unless serving plain HTTP to a
    /// non-localhost address for development).
    pub secure_cookies: bool,
    /// Send HSTS (only behind TLS).
    pub hsts: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy.
    pub trust_proxy: bool,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Per-IP limits by route class.
    pub rate_limits: middleware::RateLimits,
    /// Token that lets non-loopback clients read `/metrics`.
    pub metrics_token: Option<String>,
    /// Extra origins allowed to POST (e.g. the public URL when behind a proxy that rewrites Host).
    pub trusted_origins: Vec<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            hsts: false,
            trust_proxy: false,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            rate_limits: middleware::RateLimits::default(),
            trusted_origins: Vec::new(),
            metrics_token: None,
        }
    }
}

impl WebConfig {
    /// The session cookie's name for these settings.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            extract::SESSION_COOKIE
        } else {
            extract::SESSION_COOKIE_INSECURE
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: App,
    /// HTTP settings.
    pub web: Arc<WebConfig>,
    /// HTTP metrics.
    pub metrics: Arc<middleware::Metrics>,
    /// Per-IP limiter.
    pub limiter: Arc<middleware::Limiter>,
}

impl AppState {
    /// State for an app and settings.
    pub fn new(app: App, web: WebConfig) -> Self {
        Self {
            app,
            web: Arc::new(web),
            metrics: Arc::new(middleware::Metrics::default()),
            limiter: Arc::new(middleware::Limiter::default()),
        }
    }
}

/// Builds the whole application router and the table of its routes.
pub fn router(state: AppState) -> (Router, Vec<RouteSpec>) {
    let (api, mut table) = api::routes();
    let (pages, page_table) = dashboard::routes();
    table.extend(page_table);
    let (sys, sys_table) = routes::system_routes();
    table.extend(sys_table);
    let (ntf_api, ntf_api_table) = api::notifications::routes();
    table.extend(ntf_api_table);
    let (ntf_pages, ntf_pages_table) = dashboard::notifications::routes();
    table.extend(ntf_pages_table);
    let (live, live_table) = api::events::routes();
    table.extend(live_table);
    let (public_pages, public_table) = public::routes();
    table.extend(public_table);
    let (public_api, public_api_table) = public::api_routes();
    table.extend(public_api_table);

    let mut csrf = CsrfLayer::new();
    for o in &state.web.trusted_origins {
        csrf = csrf
            .add_trusted_origin(o)
            .expect("trusted origins are validated at start-up");
    }
    let app = Router::new()
        .merge(api)
        .merge(pages)
        .merge(sys)
        .merge(ntf_api)
        .merge(ntf_pages)
        .merge(live)
        .merge(openapi::docs_router())
        .merge(public_pages)
        .fallback(dashboard::fallback)
        .layer(csrf)
        // The public JSON API is called from other sites' pages: it uses no cookies, so there
        // is nothing to forge, and it answers CORS itself.
        .merge(public_api)
        .layer(DefaultBodyLimit::max(state.web.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.web.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side.",
            )
            .into_response_owned()
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe,
        ))
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::COOKIE,
            HeaderName::from_static("x-api-key"),
        ]))
        .with_state(state);
    (app, table)
}

impl ApiError {
    fn into_response_owned(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}
