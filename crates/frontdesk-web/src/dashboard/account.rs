//! One's own account: profile, password, sessions and the business switcher.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_app::auth::SessionCtx;
use frontdesk_core::TenantId;
use frontdesk_core::validate::LANGUAGES;
use frontdesk_store::MembershipOf;
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Layout, OrPage, Page, PageResult, has_layout, redirect_flash, render, when,
};
use crate::AppState;
use crate::extract::SignedIn;

/// One of the person's sessions.
pub struct SessionRow {
    current: bool,
    created: String,
    last_seen: String,
    expires: String,
    ip: String,
    user_agent: String,
    staff_key: bool,
}

/// Fields of the profile form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    name: String,
    phone: String,
    language: String,
}

/// Fields of the password form (never shown again).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// Fields of the business switcher.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SwitchForm {
    business_id: String,
}

/// The account page.
#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    layout: Layout,
    email: String,
    profile: ProfileForm,
    profile_errors: Errors,
    password_errors: Errors,
    sessions: Vec<SessionRow>,
    businesses: Vec<MembershipOf>,
    current_business: String,
    languages: &'static [&'static str],
}

async fn account_page(
    state: &AppState,
    s: &SessionCtx,
    layout: Layout,
    profile: Option<ProfileForm>,
    profile_errors: Errors,
    password_errors: Errors,
) -> PageResult {
    let now = state.app.now_ms();
    let sessions = state
        .app
        .sessions(s.user.id)
        .await
        .or_page(&layout)?
        .into_iter()
        .filter(|x| x.expires_at_ms > now)
        .map(|x| SessionRow {
            current: x.id == s.session.id,
            created: when(x.created_at_ms),
            last_seen: when(x.last_seen_at_ms),
            expires: when(x.expires_at_ms),
            ip: x.ip.unwrap_or_default(),
            user_agent: x.user_agent.unwrap_or_default(),
            staff_key: x.staff_key_id.is_some(),
        })
        .collect();
    let businesses = state.app.my_businesses(s.user.id).await.or_page(&layout)?;
    let profile = profile.unwrap_or_else(|| ProfileForm {
        name: s.user.name.clone(),
        phone: s.user.phone.clone().unwrap_or_default(),
        language: s.user.language.clone(),
    });
    let status = if profile_errors.any() || password_errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        layout,
        email: s.user.email.clone(),
        profile,
        profile_errors,
        password_errors,
        sessions,
        businesses,
        current_business: s
            .ctx
            .as_ref()
            .map(|c| c.tenant.to_string())
            .unwrap_or_default(),
        languages: LANGUAGES,
    };
    Ok(render(status, &page))
}

/// GET /app/account
pub async fn account(
    State(state): State<AppState>,
    Page(SignedIn(s), layout): Page<SignedIn>,
) -> PageResult {
    account_page(&state, &s, layout, None, Errors::none(), Errors::none()).await
}

/// POST /app/account/profile
pub async fn update_profile(
    State(state): State<AppState>,
    Page(SignedIn(s), layout): Page<SignedIn>,
    Form(f): Form<ProfileForm>,
) -> PageResult {
    // Phone numbers without a country code are read in the business's country.
    let country = match &s.ctx {
        Some(ctx) => state
            .app
            .locations(ctx)
            .await
            .or_page(&layout)?
            .first()
            .map(|l| l.country.clone()),
        None => None,
    };
    let phone = Some(f.phone.as_str()).filter(|p| !p.trim().is_empty());
    match state
        .app
        .update_profile(
            &s,
            &f.name,
            phone,
            &f.language,
            country.as_deref().unwrap_or("US"),
        )
        .await
    {
        Ok(()) => Ok(redirect_flash(
            &state,
            "/app/account",
            Flash::ok("Your profile is saved."),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            account_page(&state, &s, layout, Some(f), errors, Errors::none()).await
        }
    }
}

/// POST /app/account/password
pub async fn change_password(
    State(state): State<AppState>,
    Page(SignedIn(s), layout): Page<SignedIn>,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    match state
        .app
        .change_password(&s, &f.current_password, &f.new_password)
        .await
    {
        Ok(()) => Ok(redirect_flash(
            &state,
            "/app/account",
            Flash::ok("Your password is changed. Your other sessions were signed out."),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            account_page(&state, &s, layout, None, Errors::none(), errors).await
        }
    }
}

/// POST /app/account/business — acts in another business the person belongs to.
pub async fn switch_business(
    State(state): State<AppState>,
    Page(SignedIn(s), layout): Page<SignedIn>,
    Form(f): Form<SwitchForm>,
) -> PageResult {
    let tenant: TenantId = f
        .business_id
        .parse()
        .map_err(|_| frontdesk_app::AppError::NotFound)
        .or_page(&layout)?;
    state
        .app
        .switch_business(&s, tenant)
        .await
        .or_page(&layout)?;
    let name = state
        .app
        .my_businesses(s.user.id)
        .await
        .ok()
        .and_then(|bs| bs.into_iter().find(|b| b.tenant_id == tenant))
        .map(|b| b.tenant_name);
    let msg = match name {
        Some(n) => format!("You now work in {n}."),
        None => "You switched business.".into(),
    };
    Ok(redirect_flash(&state, "/app", Flash::ok(msg)))
}

has_layout!(AccountPage);
