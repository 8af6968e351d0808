//! The team: members, roles and invitations.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_app::Ctx;
use frontdesk_core::{InvitationId, UserId};
use frontdesk_store::{Invitation, Member};
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageResult, done, has_layout, redirect_flash,
    render, when,
};
use crate::AppState;
use crate::extract::{Owner, Staff};

/// An invitation as listed.
pub struct InvitationRow {
    id: InvitationId,
    email: String,
    role: String,
    /// open, accepted, revoked or expired.
    status: &'static str,
    created: String,
    expires: String,
}

impl InvitationRow {
    fn new(i: Invitation, now: i64) -> Self {
        let status = if i.accepted_at_ms.is_some() {
            "accepted"
        } else if i.revoked_at_ms.is_some() {
            "revoked"
        } else if i.expires_at_ms <= now {
            "expired"
        } else {
            "open"
        };
        Self {
            id: i.id,
            email: i.email,
            role: i.role,
            status,
            created: when(i.created_at_ms),
            expires: when(i.expires_at_ms),
        }
    }
}

/// Fields of the invitation form.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    role: String,
}

impl Default for InviteForm {
    fn default() -> Self {
        Self {
            email: String::new(),
            role: "receptionist".into(),
        }
    }
}

/// The team page.
#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage {
    layout: Layout,
    members: Vec<Member>,
    me: String,
    invitations: Vec<InvitationRow>,
    form: InviteForm,
    errors: Errors,
}

async fn team_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    form: InviteForm,
    errors: Errors,
) -> PageResult {
    let members = state.app.list_members(ctx).await.or_page(&layout)?;
    let invitations = if layout.is_owner() {
        let now = state.app.now_ms();
        state
            .app
            .list_invitations(ctx)
            .await
            .or_page(&layout)?
            .into_iter()
            .map(|i| InvitationRow::new(i, now))
            .collect()
    } else {
        Vec::new()
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let me = ctx.user_id().map(|u| u.to_string()).unwrap_or_default();
    Ok(render(
        status,
        &TeamPage {
            layout,
            members,
            me,
            invitations,
            form,
            errors,
        },
    ))
}

/// GET /app/team
pub async fn team(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    team_page(&state, &ctx, layout, InviteForm::default(), Errors::none()).await
}

/// POST /app/team — invites someone; the link is shown once on the next page (and e-mailed).
pub async fn invite(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<InviteForm>,
) -> PageResult {
    match state.app.invite(&ctx, &f.email, &f.role).await {
        Ok(c) => {
            let days = state.app.config.invitation_ttl.as_secs() / 86_400;
            let mut flash = Flash::ok(format!(
                "Invitation sent to {}. You can also give them this link; it works once and expires in {days} days.",
                c.invitation.email
            ));
            flash.link = Some(c.link);
            Ok(redirect_flash(&state, "/app/team", flash))
        }
        Err(e) => {
            let conflicts = [(
                "already_member",
                "email",
                "belongs to someone who is already in the team",
            )];
            let errors = Errors::from_app(e, &conflicts, &layout)?;
            team_page(&state, &ctx, layout, f, errors).await
        }
    }
}

/// Fields of the role form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// POST /app/team/{id}/role
pub async fn change_role(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(user): Id<UserId>,
    Form(f): Form<RoleForm>,
) -> PageResult {
    let r = state.app.change_role(&ctx, user, &f.role).await;
    done(
        &state,
        &layout,
        "/app/team",
        r,
        format!("The role is now {}.", f.role),
    )
}

/// POST /app/team/{id}/remove
pub async fn remove_member(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(user): Id<UserId>,
) -> PageResult {
    let r = state.app.remove_member(&ctx, user).await;
    done(
        &state,
        &layout,
        "/app/team",
        r,
        "The person is removed from the team; their sessions here have ended.",
    )
}

/// POST /app/team/invitations/{id}/revoke
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<InvitationId>,
) -> PageResult {
    let r = state.app.revoke_invitation(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/team",
        r,
        "The invitation is revoked; its link no longer works.",
    )
}

has_layout!(TeamPage);
