//! `ApiError`: every failure becomes `application/problem+json` (RFC 9457) with a stable
//! snake_case `code` and the request id. 5xx bodies are opaque; the detail is in the log under
//! the same request id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_app::AppError;
use frontdesk_core::validate::Invalid;
use serde::Serialize;

/// An HTTP error.
#[derive(Debug)]
pub struct ApiError {
    /// Status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Human-readable detail.
    pub detail: String,
    /// Field errors, for validation failures.
    pub errors: Vec<Invalid>,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 404 `not_found`.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is nothing here, or it belongs to another business.",
        )
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign in, or send an API key as a Bearer token.",
        )
    }

    /// 422 `validation_failed` for one field.
    pub fn invalid(field: &str, message: &str) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are invalid; nothing was changed.",
        );
        e.errors.push(Invalid::new(field, message));
        e
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::not_found(),
            AppError::MissingRef(field) => {
                let mut e = ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!(
                        "`{field}` names nothing in this business and location; nothing was changed."
                    ),
                );
                e.errors.push(Invalid::new(field, "not found"));
                e
            }
            AppError::Forbidden(code) => ApiError::new(
                StatusCode::FORBIDDEN,
                code,
                match code {
                    "owner_only" => "Only an owner of the business can do this.",
                    "read_only" => "This access is read-only.",
                    "no_active_membership" => {
                        "This account does not belong to any business at the moment."
                    }
                    _ => "Your role does not allow this.",
                },
            ),
            AppError::Unauthenticated => ApiError::unauthenticated(),
            AppError::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "The e-mail, password or key is not right.",
            ),
            AppError::Invalid(errors) => {
                let mut e = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    "Some fields are invalid; nothing was changed.",
                );
                e.errors = errors;
                e
            }
            AppError::Conflict(code, detail) => ApiError::new(StatusCode::CONFLICT, code, detail),
            AppError::LinkInvalid => ApiError::new(
                StatusCode::GONE,
                "link_invalid",
                "This link has expired, was already used, or was revoked. Ask for a new one.",
            ),
            AppError::TooManyAttempts(s) => {
                let mut e = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    "Too many attempts. Wait a little and try again.",
                );
                e.retry_after = Some(s);
                e
            }
            AppError::Unavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is briefly unavailable. Try again shortly.",
            ),
            AppError::Internal(err) => {
                tracing::error!(error = %format!("{err:#}"), "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side. Quote the request id if you contact support.",
                )
            }
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    code: &'a str,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [Invalid],
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

tokio::task_local! {
    /// The id of the request being served (set by the request-id middleware).
    pub static REQUEST_ID: String;
}

/// The current request id, if inside a request.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("https://frontdesk.invalid/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            code: self.code,
            detail: &self.detail,
            errors: &self.errors,
            request_id: current_request_id(),
        };
        let mut res = (
            self.status,
            serde_json::to_string(&body).unwrap_or_default(),
        )
            .into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}
