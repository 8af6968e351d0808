//! The dashboard's first-party stylesheet and script, served from the binary.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::page::ASSET_VERSION;

/// The stylesheet.
pub const CSS: &str = include_str!("../../assets/app.css");
/// The script (progressive enhancement only).
pub const JS: &str = include_str!("../../assets/app.js");

/// `?v=` of an asset URL.
#[derive(Debug, Deserialize)]
pub struct AssetQuery {
    v: Option<String>,
}

fn asset(
    body: &'static str,
    content_type: &'static str,
    q: Result<Query<AssetQuery>, QueryRejection>,
) -> Response {
    // A URL with the current version never changes; one without may, so it is cached briefly.
    let current = q
        .ok()
        .and_then(|Query(q)| q.v)
        .is_some_and(|v| v == *ASSET_VERSION);
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// GET /assets/app.css
pub async fn css(q: Result<Query<AssetQuery>, QueryRejection>) -> Response {
    asset(CSS, "text/css; charset=utf-8", q)
}

/// GET /assets/app.js
pub async fn js(q: Result<Query<AssetQuery>, QueryRejection>) -> Response {
    asset(JS, "text/javascript; charset=utf-8", q)
}
