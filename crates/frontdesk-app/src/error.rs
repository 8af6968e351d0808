//! Errors of the use cases. The web layer turns each into a problem+json response with a stable
//! `code`; nothing here knows HTTP.

use frontdesk_core::validate::Invalid;
use frontdesk_store::StoreError;

/// A use case's failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or belonging to another business (the two are indistinguishable, promise T1).
    #[error("not found")]
    NotFound,
    /// The actor's role does not allow this (the code says why: `owner_only`, `read_only`…).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// No valid credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong e-mail/password or key; the same answer whether or not the account exists.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Input failed validation; nothing was changed.
    #[error("validation failed")]
    Invalid(Vec<Invalid>),
    /// An id given in the body (the field named) is missing, belongs to another business, or
    /// to another location; nothing was changed.
    #[error("not found: {0}")]
    MissingRef(&'static str),
    /// The change conflicts with existing data (code names what).
    #[error("conflict: {0}")]
    Conflict(&'static str, String),
    /// A link that is expired, used or revoked.
    #[error("link no longer valid")]
    LinkInvalid,
    /// Too many attempts; retry after the given seconds.
    #[error("too many attempts")]
    TooManyAttempts(u64),
    /// The database is unreachable.
    #[error("service unavailable")]
    Unavailable,
    /// A bug or an unexpected failure; details go to the log, never to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: &str, message: &str) -> Self {
        AppError::Invalid(vec![Invalid::new(field, message)])
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(code) => AppError::Conflict(
                code,
                match code {
                    "email_taken" => "an account with this e-mail already exists".into(),
                    "slug_taken" => "this URL slug is taken".into(),
                    "name_taken" => "this name is taken".into(),
                    "customer_exists" => {
                        "a customer with this phone or e-mail already exists".into()
                    }
                    "in_use" => "this is still in use (for example by bookings)".into(),
                    _ => "this already exists".into(),
                },
            ),
            e if e.is_unavailable() => AppError::Unavailable,
            e => AppError::Internal(e.into()),
        }
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

/// Collects validation results so all field errors are reported together.
#[derive(Debug, Default)]
pub struct Validator(pub Vec<Invalid>);

impl Validator {
    /// Keeps the value or records the error.
    pub fn check<T>(&mut self, r: Result<T, Invalid>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Records an error on a field.
    pub fn push(&mut self, field: &str, message: &str) {
        self.0.push(Invalid::new(field, message));
    }

    /// Fails with every recorded error, if any.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}
