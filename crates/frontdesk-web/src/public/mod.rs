//! What customers see (promises O1–O3, B5, T3, S1): the booking page of a location (`/{slug}`),
//! the manage-booking page (`/manage/mb_…`, where the one-time code is entered too), their
//! stylesheet and script, the embed script (`/widget.js`), and the public JSON API
//! (`/api/public/{slug}/…`).
//!
//! - **Tenant from the slug only (T3):** the [`PublicTenant`] extractor resolves the slug of the
//!   path to a location; nothing in a query, form or body can name a business.
//! - **Rate limits (S1):** public paths are their own route class per IP (`middleware`), each
//!   slug has its own per-minute budget here, and holds and codes have database counters in
//!   the use cases.
//! - **Embedding:** with `?embed=1` a page may be framed by any site (`frame-ancestors *`, no
//!   `X-Frame-Options`); every other page keeps `frame-ancestors 'none'`. The state of a visit
//!   travels in the URL and forms, never in cookies, so it works in a third-party frame.
//! - **CORS** only on `/api/public/…`, which uses no cookies and is outside the CSRF layer.

pub mod api;
pub mod i18n;
pub mod pages;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use frontdesk_app::AppError;
use frontdesk_app::public::PublicSite;

use crate::AppState;
use crate::middleware::RouteClass;
use crate::routes::{Access, RouteSpec, Routes};
pub use i18n::Tr;

/// Name of the cookie that remembers a chosen language.
pub const LANG_COOKIE: &str = "fd_lang";

/// The stylesheet of the customer pages.
pub const CSS: &str = include_str!("../../assets/public.css");
/// Their script (progressive enhancement only: every page works without it).
pub const JS: &str = include_str!("../../assets/public.js");
/// The embed script a business puts on its own site.
pub const WIDGET_JS: &str = include_str!("../../assets/widget.js");

/// A response marker: this page may be framed by other sites (embed mode).
#[derive(Debug, Clone, Copy)]
pub struct Framable;

/// The customer pages (inside the CSRF layer: their forms post to this origin).
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::Public;
    use Method as M;
    Routes::new()
        .add(M::GET, "/{slug}", Public, pages::book)
        .add(M::POST, "/{slug}", Public, pages::create)
        .add(M::GET, "/{slug}/theme.css", Public, theme_css)
        .add(M::GET, "/manage/{token}", Public, pages::manage)
        .add(M::POST, "/manage/{token}/verify", Public, pages::verify)
        .add(M::POST, "/manage/{token}/resend", Public, pages::resend)
        .add(
            M::POST,
            "/manage/{token}/reschedule",
            Public,
            pages::reschedule,
        )
        .add(M::POST, "/manage/{token}/cancel", Public, pages::cancel)
        .add(M::GET, "/assets/public.css", Public, css)
        .add(M::GET, "/assets/public.js", Public, js)
        .add(M::GET, "/widget.js", Public, widget_js)
        .finish()
}

/// The public JSON API, with CORS for any origin (no credentials) and outside the CSRF layer.
pub fn api_routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::Public;
    use Method as M;
    let (router, table) = Routes::new()
        .add(M::GET, "/api/public/{slug}", Public, api::site)
        .add(
            M::GET,
            "/api/public/{slug}/availability",
            Public,
            api::availability,
        )
        .add(M::POST, "/api/public/{slug}/bookings", Public, api::book)
        .add(
            M::POST,
            "/api/public/{slug}/bookings/verify",
            Public,
            api::verify,
        )
        .add(
            M::POST,
            "/api/public/{slug}/bookings/resend",
            Public,
            api::resend,
        )
        .finish();
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600));
    (router.layer(cors), table)
}

/// The business behind the slug of the path (T3), with the slug's own rate limit applied.
/// Failures answer as the route does: problem+json under `/api/`, a page otherwise.
pub struct PublicTenant(pub PublicSite);

/// Why a public page could not be served.
pub struct PublicRejection {
    json: bool,
    err: AppError,
    lang: &'static str,
    embed: bool,
}

impl IntoResponse for PublicRejection {
    fn into_response(self) -> Response {
        if self.json {
            crate::ApiError::from(self.err).into_response()
        } else {
            pages::error_page(&Tr::new(self.lang), self.embed, None, self.err)
        }
    }
}

impl FromRequestParts<AppState> for PublicTenant {
    type Rejection = PublicRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let json = parts.uri.path().starts_with("/api/");
        let prefs = Prefs::of(parts);
        let reject = |err| PublicRejection {
            json,
            err,
            lang: prefs.lang("en", None),
            embed: prefs.embed,
        };
        let Path(slug) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| reject(AppError::NotFound))?;
        let slug = slug.trim().to_ascii_lowercase();
        let now_s = (state.app.now_ms() / 1000).max(0) as u64;
        if let Some(wait) = state.limiter.hit(
            RouteClass::Public,
            &format!("slug:{slug}"),
            state.web.rate_limits.public_slug_per_min,
            now_s,
        ) {
            return Err(reject(AppError::TooManyAttempts(wait)));
        }
        let site = state.app.public_site(&slug).await.map_err(reject)?;
        Ok(PublicTenant(site))
    }
}

/// What the visitor asked for: language choice, embed mode.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    /// `?lang=` of this request.
    pub lang_param: Option<&'static str>,
    /// The `fd_lang` cookie.
    pub lang_cookie: Option<&'static str>,
    /// The browser's preference.
    pub accept: Option<&'static str>,
    /// `?embed=1`.
    pub embed: bool,
}

impl Prefs {
    /// Reads the query string, cookie and headers.
    pub fn of(parts: &Parts) -> Self {
        let q = parts.uri.query().unwrap_or("");
        let param = |name: &str| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v)
        };
        let lang_param = param("lang").and_then(i18n::supported);
        let embed = param("embed").is_some_and(|v| v == "1");
        let lang_cookie = CookieJar::from_headers(&parts.headers)
            .get(LANG_COOKIE)
            .and_then(|c| i18n::supported(c.value()));
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(i18n::from_accept_language);
        Self {
            lang_param,
            lang_cookie,
            accept,
            embed,
        }
    }

    /// The language to show: the visitor's choice, then the customer's own, then the
    /// browser's, then the business's default.
    pub fn lang(&self, business_default: &str, customer: Option<&str>) -> &'static str {
        self.lang_param
            .or(self.lang_cookie)
            .or(customer.and_then(i18n::supported))
            .or(self.accept)
            .or(i18n::supported(business_default))
            .unwrap_or("en")
    }
}

impl FromRequestParts<AppState> for Prefs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Prefs::of(parts))
    }
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

/// GET /assets/public.css
pub async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

/// GET /assets/public.js
pub async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

/// GET /widget.js — loaded by other sites, so it may be read cross-origin.
pub async fn widget_js() -> Response {
    let mut res = asset(WIDGET_JS, "text/javascript; charset=utf-8");
    res.headers_mut().insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    res
}

/// The brand colours of a booking page, readable on white (WCAG AA contrast).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The brand colour (buttons, selected items).
    pub brand: String,
    /// Text on the brand colour: white or near-black, whichever contrasts more.
    pub on_brand: String,
    /// The brand colour darkened until it reads on white at 4.5:1 (links, accents).
    pub accent: String,
}

fn rgb(hex: &str) -> Option<[f64; 3]> {
    let h = hex.trim().strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(f64::from);
    Some([p(0)?, p(2)?, p(4)?])
}

fn luminance(c: [f64; 3]) -> f64 {
    let lin = |v: f64| {
        let s = v / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    (hi + 0.05) / (lo + 0.05)
}

fn hex_of(c: [f64; 3]) -> String {
    format!(
        "#{:02x}{:02x}{:02x}",
        c[0].round() as u8,
        c[1].round() as u8,
        c[2].round() as u8
    )
}

impl Theme {
    /// The theme of a brand colour (an unreadable one falls back to Frontdesk blue).
    pub fn of(colour: &str) -> Self {
        let brand = rgb(colour).unwrap_or([31.0, 111.0, 235.0]);
        let white = [255.0; 3];
        let ink = [0.0; 3];
        let on_brand = if contrast(brand, white) >= contrast(brand, ink) {
            "#ffffff"
        } else {
            "#000000"
        };
        let mut accent = brand;
        let mut steps = 0;
        while contrast(accent, white) < 4.5 && steps < 40 {
            accent = accent.map(|v| v * 0.9);
            steps += 1;
        }
        Self {
            brand: hex_of(brand),
            on_brand: on_brand.into(),
            accent: hex_of(accent),
        }
    }

    /// As CSS custom properties.
    pub fn css(&self) -> String {
        format!(
            ":root{{--brand:{};--on-brand:{};--accent:{};}}\n",
            self.brand, self.on_brand, self.accent
        )
    }
}

/// GET /{slug}/theme.css — the location's colours as CSS variables (the pages' CSP forbids
/// inline styles, so the colour comes as a stylesheet of its own).
pub async fn theme_css(PublicTenant(site): PublicTenant) -> Response {
    let mut res = asset_owned(
        Theme::of(&site.location.brand_colour).css(),
        "text/css; charset=utf-8",
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    res
}

fn asset_owned(body: String, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// A public page's HTTP status for an error (the same as the API's for it).
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound | AppError::MissingRef(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(..) => StatusCode::CONFLICT,
        AppError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::LinkInvalid => StatusCode::GONE,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_keep_text_readable() {
        for colour in [
            "#b5487a", "#ffff00", "#1f6feb", "#000000", "#ffffff", "#7fd3a8", "bogus",
        ] {
            let t = Theme::of(colour);
            let white = [255.0; 3];
            assert!(
                contrast(rgb(&t.accent).unwrap(), white) >= 4.5,
                "{colour}: accent {} on white",
                t.accent
            );
            assert!(
                contrast(rgb(&t.brand).unwrap(), rgb(&t.on_brand).unwrap()) >= 4.5,
                "{colour}: text {} on {}",
                t.on_brand,
                t.brand
            );
        }
        assert_eq!(Theme::of("#B5487A").brand, "#b5487a");
    }
}
