//! Sign-up, the sign-in pages (password, magic link, staff key), password reset, invitations and
//! sign-out.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use frontdesk_app::AppError;
use frontdesk_app::auth::{MAGIC_PREFIX, RESET_PREFIX, SignupIn};
use frontdesk_core::validate::{CURRENCIES, LANGUAGES};
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Layout, Page, PageError, PageResult, Public, has_layout, ok,
    redirect_flash, render, safe_next, see_other, signed_in_redirect,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Client, SignedIn};

const BAD_LOGIN: &str = "The e-mail or password is not right.";

fn too_many(retry_s: u64) -> String {
    let minutes = retry_s.div_ceil(60).max(1);
    format!(
        "Too many attempts. For your safety, wait about {minutes} minute{} and try again.",
        if minutes == 1 { "" } else { "s" }
    )
}

/// The landing page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
}

/// GET / — the dashboard when signed in, otherwise a short landing page.
pub async fn home(Public(layout): Public, signed_in: Result<SignedIn, ApiError>) -> PageResult {
    if signed_in.is_ok() {
        return Ok(see_other("/app"));
    }
    ok(&HomePage { layout })
}

/// Fields of the sign-up form.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    business_name: String,
    name: String,
    email: String,
    password: String,
    slug: String,
    time_zone: String,
    country: String,
    currency: String,
    language: String,
}

impl Default for SignupForm {
    fn default() -> Self {
        Self {
            business_name: String::new(),
            name: String::new(),
            email: String::new(),
            password: String::new(),
            slug: String::new(),
            time_zone: "Europe/Rome".into(),
            country: "IT".into(),
            currency: "EUR".into(),
            language: "en".into(),
        }
    }
}

/// The sign-up page.
#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignupPage {
    layout: Layout,
    form: SignupForm,
    errors: Errors,
    currencies: Vec<&'static str>,
    languages: &'static [&'static str],
}

fn signup_page(layout: Layout, mut form: SignupForm, errors: Errors) -> SignupPage {
    form.password.clear();
    SignupPage {
        layout,
        form,
        errors,
        currencies: CURRENCIES.iter().map(|c| c.0).collect(),
        languages: LANGUAGES,
    }
}

/// GET /signup
pub async fn signup_form(
    Public(layout): Public,
    signed_in: Result<SignedIn, ApiError>,
) -> PageResult {
    if signed_in.is_ok() {
        return Ok(see_other("/app"));
    }
    ok(&signup_page(layout, SignupForm::default(), Errors::none()))
}

/// POST /signup — creates the business and its owner, and signs the owner in.
pub async fn signup(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Form(f): Form<SignupForm>,
) -> PageResult {
    let input = SignupIn {
        business_name: f.business_name.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
        slug: Some(f.slug.clone()).filter(|s| !s.trim().is_empty()),
        time_zone: f.time_zone.clone(),
        country: f.country.clone(),
        currency: f.currency.clone(),
        language: Some(f.language.clone()),
    };
    match state.app.signup(input, &client).await {
        Ok((s, _)) => Ok(signed_in_redirect(
            &state,
            &s.token,
            "/app",
            Some(Flash::ok("Welcome to Frontdesk! Your business is ready.")),
        )),
        Err(e) => {
            let conflicts = [
                (
                    "email_taken",
                    "email",
                    "is already used by another account: sign in instead",
                ),
                (
                    "slug_taken",
                    "slug",
                    "is taken by another business; choose another",
                ),
            ];
            let errors = Errors::from_app(e, &conflicts, &layout)?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &signup_page(layout, f, errors),
            ))
        }
    }
}

/// `?next=` of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Fields of the sign-in form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

/// GET /login
pub async fn login_form(
    Public(layout): Public,
    signed_in: Result<SignedIn, ApiError>,
    q: Result<Query<NextQuery>, QueryRejection>,
) -> PageResult {
    let next = q.ok().and_then(|Query(q)| q.next).unwrap_or_default();
    let next = safe_next(Some(&next)).unwrap_or("").to_string();
    if signed_in.is_ok() {
        return Ok(see_other(if next.is_empty() { "/app" } else { &next }));
    }
    ok(&LoginPage {
        layout,
        email: String::new(),
        next,
        error: None,
    })
}

/// POST /login
pub async fn login(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(Some(&f.next)).unwrap_or("").to_string();
    let (status, error) = match state
        .app
        .login_password(&f.email, &f.password, &client)
        .await
    {
        Ok(s) => {
            return Ok(signed_in_redirect(
                &state,
                &s.token,
                if next.is_empty() { "/app" } else { &next },
                None,
            ));
        }
        Err(AppError::InvalidCredentials) => (StatusCode::UNAUTHORIZED, BAD_LOGIN.to_string()),
        Err(AppError::TooManyAttempts(s)) => (StatusCode::TOO_MANY_REQUESTS, too_many(s)),
        Err(AppError::Forbidden("no_active_membership")) => (
            StatusCode::FORBIDDEN,
            "This account does not belong to any business at the moment.".to_string(),
        ),
        Err(e) => return Err(PageError::app(e, &layout)),
    };
    Ok(render(
        status,
        &LoginPage {
            layout,
            email: f.email,
            next,
            error: Some(error),
        },
    ))
}

/// `?sent=1` after asking for a link.
#[derive(Debug, Default, Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

/// Fields of a form with only an e-mail address.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    email: String,
}

/// The page that asks for a sign-in or reset link.
#[derive(Template)]
#[template(path = "link_request.html")]
pub struct LinkRequestPage {
    layout: Layout,
    /// `magic` or `reset`.
    kind: &'static str,
    email: String,
    sent: bool,
    errors: Errors,
}

fn link_request(
    kind: &'static str,
    layout: Layout,
    q: Result<Query<SentQuery>, QueryRejection>,
) -> PageResult {
    let sent = q.ok().and_then(|Query(q)| q.sent).is_some();
    ok(&LinkRequestPage {
        layout,
        kind,
        email: String::new(),
        sent,
        errors: Errors::none(),
    })
}

fn link_requested(
    kind: &'static str,
    layout: Layout,
    r: Result<(), AppError>,
    email: String,
) -> PageResult {
    let path = if kind == "magic" {
        "/login/magic"
    } else {
        "/login/forgot"
    };
    let errors = match r {
        Ok(()) => return Ok(see_other(&format!("{path}?sent=1"))),
        Err(AppError::TooManyAttempts(s)) => Errors::general(too_many(s)),
        Err(e) => Errors::from_app(e, &[], &layout)?,
    };
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LinkRequestPage {
            layout,
            kind,
            email,
            sent: false,
            errors,
        },
    ))
}

/// GET /login/magic
pub async fn magic_form(
    Public(layout): Public,
    q: Result<Query<SentQuery>, QueryRejection>,
) -> PageResult {
    link_request("magic", layout, q)
}

/// POST /login/magic — sends a sign-in link if the account exists; the answer is the same either way.
pub async fn magic_request(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Form(f): Form<EmailForm>,
) -> PageResult {
    let r = state.app.request_magic_link(&f.email, &client).await;
    link_requested("magic", layout, r, f.email)
}

/// GET /login/forgot
pub async fn forgot_form(
    Public(layout): Public,
    q: Result<Query<SentQuery>, QueryRejection>,
) -> PageResult {
    link_request("reset", layout, q)
}

/// POST /login/forgot — sends a reset link if the account exists; the answer is the same either way.
pub async fn forgot_request(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Form(f): Form<EmailForm>,
) -> PageResult {
    let r = state.app.request_password_reset(&f.email, &client).await;
    link_requested("reset", layout, r, f.email)
}

/// The page behind a magic link: a button, so that mail scanners fetching the link do not use it.
#[derive(Template)]
#[template(path = "magic_confirm.html")]
pub struct MagicConfirmPage {
    layout: Layout,
    token: String,
}

fn link_invalid(layout: Layout) -> PageError {
    PageError::new(AppError::LinkInvalid.into(), layout)
}

/// GET /auth/magic/{token} — checks the link without using it.
pub async fn magic_confirm(
    State(state): State<AppState>,
    Public(layout): Public,
    Path(token): Path<String>,
) -> PageResult {
    if state.app.peek_link(&token, MAGIC_PREFIX).await.is_err() {
        return Err(link_invalid(layout));
    }
    ok(&MagicConfirmPage { layout, token })
}

/// POST /auth/magic/{token} — uses the link and signs in.
pub async fn magic_consume(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Path(token): Path<String>,
) -> PageResult {
    match state.app.consume_magic_link(&token, &client).await {
        Ok(s) => Ok(signed_in_redirect(&state, &s.token, "/app", None)),
        Err(e) => Err(PageError::app(e, &layout)),
    }
}

/// Fields of the new-password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    password: String,
}

/// The page behind a reset link.
#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    layout: Layout,
    token: String,
    errors: Errors,
}

/// GET /auth/reset/{token}
pub async fn reset_form(
    State(state): State<AppState>,
    Public(layout): Public,
    Path(token): Path<String>,
) -> PageResult {
    if state.app.peek_link(&token, RESET_PREFIX).await.is_err() {
        return Err(link_invalid(layout));
    }
    ok(&ResetPage {
        layout,
        token,
        errors: Errors::none(),
    })
}

/// POST /auth/reset/{token} — sets the new password (other sessions end) and signs in.
pub async fn reset(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Path(token): Path<String>,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    match state.app.reset_password(&token, &f.password, &client).await {
        Ok(s) => Ok(signed_in_redirect(
            &state,
            &s.token,
            "/app",
            Some(Flash::ok(
                "Your password is changed. Other sessions were signed out.",
            )),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    layout,
                    token,
                    errors,
                },
            ))
        }
    }
}

/// Fields of the staff-key form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffKeyForm {
    key: String,
}

/// The staff-key sign-in page.
#[derive(Template)]
#[template(path = "staff_key.html")]
pub struct StaffKeyPage {
    layout: Layout,
    error: Option<String>,
}

/// GET /login/staff-key
pub async fn staff_key_form(Public(layout): Public) -> PageResult {
    ok(&StaffKeyPage {
        layout,
        error: None,
    })
}

/// POST /login/staff-key
pub async fn staff_key_login(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Form(f): Form<StaffKeyForm>,
) -> PageResult {
    let (status, error) = match state.app.login_staff_key(&f.key, &client).await {
        Ok(s) => return Ok(signed_in_redirect(&state, &s.token, "/app", None)),
        Err(AppError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            "This key is not right, or it was revoked.".to_string(),
        ),
        Err(AppError::TooManyAttempts(s)) => (StatusCode::TOO_MANY_REQUESTS, too_many(s)),
        Err(e) => return Err(PageError::app(e, &layout)),
    };
    // The key is never echoed back.
    Ok(render(
        status,
        &StaffKeyPage {
            layout,
            error: Some(error),
        },
    ))
}

/// Fields of the invitation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    name: String,
    password: String,
}

/// The page behind an invitation link.
#[derive(Template)]
#[template(path = "invite.html")]
pub struct InvitePage {
    layout: Layout,
    token: String,
    business: String,
    role: String,
    email: String,
    existing_account: bool,
    name: String,
    errors: Errors,
}

async fn invite_page(
    state: &AppState,
    layout: Layout,
    token: String,
    name: String,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let v = match state.app.view_invitation(&token).await {
        Ok(v) => v,
        Err(e) => return Err(PageError::app(e, &layout)),
    };
    let page = InvitePage {
        layout,
        token,
        business: v.business,
        role: v.invitation.role,
        email: v.invitation.email,
        existing_account: v.existing_account,
        name,
        errors,
    };
    Ok(render(status, &page))
}

/// GET /invite/{token}
pub async fn invite_form(
    State(state): State<AppState>,
    Public(layout): Public,
    Path(token): Path<String>,
) -> PageResult {
    invite_page(
        &state,
        layout,
        token,
        String::new(),
        Errors::none(),
        StatusCode::OK,
    )
    .await
}

/// POST /invite/{token} — joins the business and signs in.
pub async fn invite_accept(
    State(state): State<AppState>,
    Public(layout): Public,
    Client(client): Client,
    Path(token): Path<String>,
    Form(f): Form<InviteForm>,
) -> PageResult {
    let name = Some(f.name.as_str()).filter(|n| !n.trim().is_empty());
    match state
        .app
        .accept_invitation(&token, name, &f.password, &client)
        .await
    {
        Ok(s) => Ok(signed_in_redirect(
            &state,
            &s.token,
            "/app",
            Some(Flash::ok("Welcome to the team!")),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            invite_page(
                &state,
                layout,
                token,
                f.name,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn signed_out(state: &AppState, message: String) -> Response {
    let mut res = redirect_flash(state, "/login", Flash::ok(message));
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::api::auth::clear_cookie_header(state),
    );
    res
}

/// POST /logout
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    Page(SignedIn(s), layout): Page<SignedIn>,
) -> PageResult {
    state
        .app
        .logout(&s, &client)
        .await
        .map_err(|e| PageError::app(e, &layout))?;
    Ok(signed_out(&state, "You are signed out.".into()))
}

/// POST /logout-everywhere
pub async fn logout_everywhere(
    State(state): State<AppState>,
    Page(SignedIn(s), layout): Page<SignedIn>,
) -> PageResult {
    let n = state
        .app
        .logout_everywhere(&s)
        .await
        .map_err(|e| PageError::app(e, &layout))?;
    Ok(signed_out(
        &state,
        format!(
            "You are signed out everywhere ({n} session{} ended).",
            if n == 1 { "" } else { "s" }
        ),
    ))
}

has_layout!(
    HomePage,
    SignupPage,
    LoginPage,
    LinkRequestPage,
    MagicConfirmPage,
    ResetPage,
    StaffKeyPage,
    InvitePage
);
