//! The route table: every route is registered with its access class, so tests can walk all of
//! them (the cross-tenant walk, promise T1) and the OpenAPI document can be checked against it.

use axum::Router;
use axum::extract::State;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};

use crate::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, sign-up, public pages, health).
    Public,
    /// A session cookie, in any business or none.
    SignedIn,
    /// Any member of the business (support read-only).
    Staff,
    /// Owners only.
    Owner,
}

/// One route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// Method.
    pub method: Method,
    /// Path with `{param}` placeholders.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
}

/// Builds a router and its table together.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteSpec>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    /// An empty set.
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Adds a route.
    pub fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("standard method");
        self.router = self.router.route(path, on(filter, handler));
        self.table.push(RouteSpec {
            method,
            path,
            access,
        });
        self
    }

    /// The router and its table.
    pub fn finish(self) -> (Router<AppState>, Vec<RouteSpec>) {
        (self.router, self.table)
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics(
    State(state): State<AppState>,
    crate::extract::Client(client): crate::extract::Client,
    headers: axum::http::HeaderMap,
) -> Response {
    // Metrics are for the operator: loopback callers, or a bearer token when one is configured.
    let loopback = client
        .ip
        .as_deref()
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback());
    let token_ok = state.web.metrics_token.as_deref().is_some_and(|t| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| frontdesk_core::token::ct_eq(given.as_bytes(), t.as_bytes()))
    });
    if !loopback && !token_ok {
        return crate::ApiError::not_found().into_response();
    }
    let mut body = state.metrics.render();
    body.push_str("# HELP frontdesk_jobs Jobs by queue and status.\n# TYPE frontdesk_jobs gauge\n");
    if let Ok(counts) = state.app.store.job_counts().await {
        for (queue, status, n) in counts {
            body.push_str(&format!(
                "frontdesk_jobs{{queue=\"{queue}\",status=\"{status}\"}} {n}\n"
            ));
        }
    }
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    res
}

/// Health, readiness and metrics.
pub fn system_routes() -> (Router<AppState>, Vec<RouteSpec>) {
    Routes::new()
        .add(Method::GET, "/healthz", Access::Public, healthz)
        .add(Method::GET, "/readyz", Access::Public, readyz)
        .add(Method::GET, "/metrics", Access::Public, metrics)
        .finish()
}
