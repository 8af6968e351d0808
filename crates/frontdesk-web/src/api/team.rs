//! The team and invitations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_core::{InvitationId, UserId};

use super::dto::*;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{IdPath, JsonBody, Owner, Staff};

/// The team.
#[utoipa::path(get, path = "/api/v1/team", tag = "team", responses((status = 200, body = [MemberOut])))]
pub async fn list_members(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<Vec<MemberOut>>> {
    Ok(Json(
        state
            .app
            .list_members(&ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Changes a member's role (owners).
#[utoipa::path(patch, path = "/api/v1/team/{id}", tag = "team", params(("id" = String, Path, description = "usr_…")), request_body = RoleIn,
    responses((status = 204), (status = 404), (status = 409, description = "last owner")))]
pub async fn change_role(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<UserId>,
    JsonBody(b): JsonBody<RoleIn>,
) -> ApiResult<StatusCode> {
    state.app.change_role(&ctx, id, &b.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (owners); their sessions end at once.
#[utoipa::path(delete, path = "/api/v1/team/{id}", tag = "team", params(("id" = String, Path, description = "usr_…")),
    responses((status = 204), (status = 404), (status = 409, description = "last owner")))]
pub async fn remove_member(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<StatusCode> {
    state.app.remove_member(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invitations (owners).
#[utoipa::path(get, path = "/api/v1/team/invitations", tag = "team", responses((status = 200, body = [InvitationOut])))]
pub async fn list_invitations(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<Vec<InvitationOut>>> {
    let now = state.app.now_ms();
    Ok(Json(
        state
            .app
            .list_invitations(&ctx)
            .await?
            .into_iter()
            .map(|i| InvitationOut::from_row(i, now, None))
            .collect(),
    ))
}

/// Invites someone by e-mail (owners). The response carries the link once.
#[utoipa::path(post, path = "/api/v1/team/invitations", tag = "team", request_body = InviteIn,
    responses((status = 201, body = InvitationOut), (status = 409, description = "already a member"), (status = 422)))]
pub async fn invite(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<InviteIn>,
) -> ApiResult<(StatusCode, Json<InvitationOut>)> {
    let c = state.app.invite(&ctx, &b.email, &b.role).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationOut::from_row(
            c.invitation,
            state.app.now_ms(),
            Some(c.link),
        )),
    ))
}

/// Revokes an open invitation (owners).
#[utoipa::path(delete, path = "/api/v1/team/invitations/{id}", tag = "team", params(("id" = String, Path, description = "inv_…")),
    responses((status = 204), (status = 404)))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<InvitationId>,
) -> ApiResult<StatusCode> {
    state.app.revoke_invitation(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
