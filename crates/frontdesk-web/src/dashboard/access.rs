//! API keys, staff keys and support access (owners only). A new key's secret is shown on the
//! page that answers the form, once, and never put in a cookie.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_app::{AppError, Ctx};
use frontdesk_core::{ApiKeyId, StaffKeyId, SupportGrantId, UserId};
use frontdesk_store::{ApiKey, Member};
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageResult, done, has_layout, redirect_flash,
    render, when, when_opt,
};
use crate::AppState;
use crate::extract::Owner;

/// A key just made: its secret text is shown this once.
pub struct CreatedKey {
    kind: &'static str,
    name: String,
    secret: String,
}

/// A staff key as listed.
pub struct StaffKeyRow {
    id: StaffKeyId,
    name: String,
    member: String,
    created: String,
    last_used: String,
    revoked: bool,
}

/// Fields of the API-key form.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct ApiKeyForm {
    name: String,
    role: String,
}

impl Default for ApiKeyForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            role: "admin".into(),
        }
    }
}

/// Fields of the staff-key form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffKeyForm {
    user_id: String,
    name: String,
}

/// The keys page.
#[derive(Template)]
#[template(path = "keys.html")]
pub struct KeysPage {
    layout: Layout,
    api_keys: Vec<ApiKey>,
    staff_keys: Vec<StaffKeyRow>,
    members: Vec<Member>,
    created: Option<CreatedKey>,
    api_form: ApiKeyForm,
    api_errors: Errors,
    staff_form: StaffKeyForm,
    staff_errors: Errors,
}

/// What the keys page shows besides the lists.
#[derive(Default)]
struct KeysState {
    created: Option<CreatedKey>,
    api_form: ApiKeyForm,
    api_errors: Errors,
    staff_form: StaffKeyForm,
    staff_errors: Errors,
}

async fn keys_page(state: &AppState, ctx: &Ctx, layout: Layout, s: KeysState) -> PageResult {
    let api_keys = state.app.list_api_keys(ctx).await.or_page(&layout)?;
    let members: Vec<Member> = state
        .app
        .list_members(ctx)
        .await
        .or_page(&layout)?
        .into_iter()
        .filter(|m| m.role != "support")
        .collect();
    let staff_keys = state
        .app
        .list_staff_keys(ctx)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|k| StaffKeyRow {
            id: k.id,
            member: members
                .iter()
                .find(|m| m.user_id == k.user_id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| "(no longer in the team)".into()),
            name: k.name,
            created: when(k.created_at_ms),
            last_used: when_opt(k.last_used_at_ms),
            revoked: k.revoked_at_ms.is_some(),
        })
        .collect();
    let status = if s.api_errors.any() || s.staff_errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = KeysPage {
        layout,
        api_keys,
        staff_keys,
        members,
        created: s.created,
        api_form: s.api_form,
        api_errors: s.api_errors,
        staff_form: s.staff_form,
        staff_errors: s.staff_errors,
    };
    Ok(render(status, &page))
}

/// GET /app/keys
pub async fn keys(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
) -> PageResult {
    keys_page(&state, &ctx, layout, KeysState::default()).await
}

/// POST /app/keys — makes an API key and shows it once, on this very answer.
pub async fn create_api_key(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<ApiKeyForm>,
) -> PageResult {
    let s = match state.app.create_api_key(&ctx, &f.name, &f.role).await {
        Ok((k, secret)) => KeysState {
            created: Some(CreatedKey {
                kind: "API key",
                name: k.name,
                secret,
            }),
            ..Default::default()
        },
        Err(e) => KeysState {
            api_errors: Errors::from_app(e, &[], &layout)?,
            api_form: f,
            ..Default::default()
        },
    };
    keys_page(&state, &ctx, layout, s).await
}

/// POST /app/staff-keys — makes a staff key for a member and shows it once.
pub async fn create_staff_key(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<StaffKeyForm>,
) -> PageResult {
    let not_member = || Errors::field("user_id", "must be a member of the team");
    let r = match f.user_id.parse::<UserId>() {
        Ok(user) => state.app.create_staff_key(&ctx, user, &f.name).await,
        Err(_) => Err(AppError::NotFound),
    };
    let s = match r {
        Ok((k, secret)) => KeysState {
            created: Some(CreatedKey {
                kind: "staff key",
                name: k.name,
                secret,
            }),
            ..Default::default()
        },
        Err(AppError::NotFound) => KeysState {
            staff_errors: not_member(),
            staff_form: f,
            ..Default::default()
        },
        Err(e) => {
            let conflicts = [(
                "support_access",
                "user_id",
                "has support access, which cannot have staff keys",
            )];
            KeysState {
                staff_errors: Errors::from_app(e, &conflicts, &layout)?,
                staff_form: f,
                ..Default::default()
            }
        }
    };
    keys_page(&state, &ctx, layout, s).await
}

/// POST /app/keys/{id}/revoke
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<ApiKeyId>,
) -> PageResult {
    let r = state.app.revoke_api_key(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/keys",
        r,
        "The API key is revoked; it stops working at once.",
    )
}

/// POST /app/staff-keys/{id}/revoke
pub async fn revoke_staff_key(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<StaffKeyId>,
) -> PageResult {
    let r = state.app.revoke_staff_key(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/keys",
        r,
        "The staff key is revoked; its session has ended.",
    )
}

/// A support grant as listed.
pub struct GrantRow {
    id: SupportGrantId,
    email: String,
    reason: String,
    created: String,
    expires: String,
    /// active, expired or revoked.
    status: &'static str,
}

/// Fields of the support-grant form.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    email: String,
    hours: String,
    reason: String,
}

impl Default for GrantForm {
    fn default() -> Self {
        Self {
            email: String::new(),
            hours: "24".into(),
            reason: String::new(),
        }
    }
}

/// The support-access page.
#[derive(Template)]
#[template(path = "support.html")]
pub struct SupportPage {
    layout: Layout,
    grants: Vec<GrantRow>,
    form: GrantForm,
    errors: Errors,
    max_hours: u64,
}

async fn support_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    form: GrantForm,
    errors: Errors,
) -> PageResult {
    let now = state.app.now_ms();
    let grants = state
        .app
        .list_support_grants(ctx)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|(g, email)| GrantRow {
            id: g.id,
            email,
            reason: g.reason.unwrap_or_default(),
            created: when(g.created_at_ms),
            expires: when(g.expires_at_ms),
            status: if g.revoked_at_ms.is_some() {
                "revoked"
            } else if g.expires_at_ms <= now {
                "expired"
            } else {
                "active"
            },
        })
        .collect();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let max_hours = state.app.config.max_support_grant.as_secs() / 3600;
    Ok(render(
        status,
        &SupportPage {
            layout,
            grants,
            form,
            errors,
            max_hours,
        },
    ))
}

/// GET /app/support
pub async fn support(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
) -> PageResult {
    support_page(&state, &ctx, layout, GrantForm::default(), Errors::none()).await
}

/// POST /app/support — grants time-boxed, read-only access; the support person gets a sign-in link.
pub async fn grant_support(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<GrantForm>,
) -> PageResult {
    let Ok(hours) = f.hours.trim().parse::<i64>() else {
        return support_page(
            &state,
            &ctx,
            layout,
            f,
            Errors::field("hours", "must be a whole number of hours"),
        )
        .await;
    };
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    match state.app.grant_support(&ctx, &f.email, hours, reason).await {
        Ok(g) => {
            let msg = format!(
                "Read-only support access granted to {} until {}. They received a sign-in link by e-mail.",
                f.email.trim(),
                when(g.expires_at_ms)
            );
            Ok(redirect_flash(&state, "/app/support", Flash::ok(msg)))
        }
        Err(e) => {
            let conflicts = [(
                "already_member",
                "email",
                "belongs to someone who is already in the team",
            )];
            let errors = Errors::from_app(e, &conflicts, &layout)?;
            support_page(&state, &ctx, layout, f, errors).await
        }
    }
}

/// POST /app/support/{id}/revoke
pub async fn revoke_support(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<SupportGrantId>,
) -> PageResult {
    let r = state.app.revoke_support(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/support",
        r,
        "Support access is revoked; it ended at once.",
    )
}

has_layout!(KeysPage, SupportPage);
