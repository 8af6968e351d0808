//! Extractors. A handler's parameters state its policy: [`Staff`] needs any member of the business
//! (support is read-only), [`Owner`] needs an owner, [`SignedIn`] needs a session cookie; each
//! resolves the tenant and role before the handler body runs (promises T1, A2, A8).

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum_extra::extract::CookieJar;
use frontdesk_app::Ctx;
use frontdesk_app::auth::{ClientInfo, SessionCtx};
use frontdesk_core::Role;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// Name of the session cookie. The `__Host-` prefix pins it to this host, path `/`, and Secure.
pub const SESSION_COOKIE: &str = "__Host-fd_session";
/// Name of the session cookie when secure cookies are off (plain-HTTP development only).
pub const SESSION_COOKIE_INSECURE: &str = "fd_session";

/// The client's address and user agent.
#[derive(Debug, Clone)]
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Client(client_info(parts, state)))
    }
}

/// Reads the client IP (from the socket, or the proxy's `X-Forwarded-For` when trusted).
pub fn client_info(parts: &Parts, state: &AppState) -> ClientInfo {
    let socket = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = if state.web.trust_proxy {
        parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
            .map(|s| s.trim().to_string())
            .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
    } else {
        None
    };
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect());
    ClientInfo {
        ip: forwarded.or(socket),
        user_agent: ua,
    }
}

fn session_cookie(parts: &Parts, state: &AppState) -> Option<String> {
    let jar = CookieJar::from_headers(&parts.headers);
    jar.get(state.web.cookie_name())
        .map(|c| c.value().to_string())
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// A signed-in person (session cookie), whether or not they currently act in a business.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionCtx);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(s) = parts.extensions.get::<SessionCtx>() {
            return Ok(SignedIn(s.clone()));
        }
        let client = client_info(parts, state);
        let token = session_cookie(parts, state).ok_or_else(ApiError::unauthenticated)?;
        let s = state
            .app
            .resolve_session(&token, &client)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        parts.extensions.insert(s.clone());
        Ok(SignedIn(s))
    }
}

/// Any member of the business, by session cookie or API key. Support access is read-only: it
/// may only use safe methods, and each use is written to the audit log.
#[derive(Debug, Clone)]
pub struct Staff(pub Ctx);

async fn resolve_ctx(parts: &mut Parts, state: &AppState) -> Result<Ctx, ApiError> {
    if let Some(c) = parts.extensions.get::<Ctx>() {
        return Ok(c.clone());
    }
    let client = client_info(parts, state);
    let ctx = if let Some(key) = bearer(parts) {
        state.app.resolve_api_key(key, &client).await?
    } else {
        let SignedIn(s) = SignedIn::from_request_parts(parts, state).await?;
        s.ctx.ok_or_else(|| {
            ApiError::from(frontdesk_app::AppError::Forbidden("no_active_membership"))
        })?
    };
    if ctx.role == Role::Support {
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            return Err(frontdesk_app::AppError::Forbidden("read_only").into());
        }
        state.app.audit_support_read(&ctx, parts.uri.path()).await?;
    }
    parts.extensions.insert(ctx.clone());
    Ok(ctx)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        resolve_ctx(parts, state).await.map(Staff)
    }
}

/// An owner of the business (promise A2: settings, team, keys, support grants, audit…).
#[derive(Debug, Clone)]
pub struct Owner(pub Ctx);

impl FromRequestParts<AppState> for Owner {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = resolve_ctx(parts, state).await?;
        ctx.require_owner()?;
        Ok(Owner(ctx))
    }
}

/// JSON body that answers problem+json for every kind of bad input: wrong content type (415),
/// malformed or truncated JSON (400), unknown fields or wrong types (422), too large (413).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(rej) => Err(match rej {
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send the body as JSON with Content-Type: application/json.",
                ),
                JsonRejection::JsonSyntaxError(e) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    format!("The body is not valid JSON: {}", e.body_text()),
                ),
                JsonRejection::JsonDataError(e) => {
                    let mut err = ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        "The body does not match the expected fields; nothing was changed.",
                    );
                    err.errors.push(frontdesk_core::validate::Invalid::new(
                        "body",
                        e.body_text(),
                    ));
                    err
                }
                JsonRejection::BytesRejection(e) => {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "payload_too_large",
                            "The body is too large.",
                        )
                    } else {
                        ApiError::new(StatusCode::BAD_REQUEST, "bad_body", e.body_text())
                    }
                }
                other => ApiError::new(StatusCode::BAD_REQUEST, "bad_body", other.body_text()),
            }),
        }
    }
}

/// A JSON body that may be left out entirely (no body, no content type): then `T::default()`.
#[derive(Debug, Clone)]
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .is_some_and(|v| v == "0")
            || (req
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .is_none()
                && req
                    .headers()
                    .get(axum::http::header::CONTENT_LENGTH)
                    .is_none()
                && req
                    .headers()
                    .get(axum::http::header::TRANSFER_ENCODING)
                    .is_none());
        if empty {
            return Ok(OptionalJsonBody(T::default()));
        }
        JsonBody::<T>::from_request(req, state)
            .await
            .map(|JsonBody(v)| OptionalJsonBody(v))
    }
}

/// A typed id from the path. An id that does not parse is simply not found.
#[derive(Debug, Clone)]
pub struct IdPath<T>(pub T);

impl<T, S> FromRequestParts<S> for IdPath<T>
where
    T: std::str::FromStr + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        raw.parse::<T>()
            .map(IdPath)
            .map_err(|_| ApiError::not_found())
    }
}

/// A form body (dashboard) whose failures are reported like JSON ones.
#[derive(Debug, Clone)]
pub struct FormBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(FormBody(v)),
            Err(e) => {
                let status = e.status();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    Err(ApiError::new(
                        status,
                        "payload_too_large",
                        "The form is too large.",
                    ))
                } else if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
                    Err(ApiError::new(
                        status,
                        "unsupported_media_type",
                        "Send the form as application/x-www-form-urlencoded.",
                    ))
                } else {
                    Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        e.body_text(),
                    ))
                }
            }
        }
    }
}
