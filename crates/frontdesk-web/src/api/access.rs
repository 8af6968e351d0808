//! API keys, staff keys, support grants and secrets (owners only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use frontdesk_core::{ApiKeyId, StaffKeyId, SupportGrantId, UserId};

use super::dto::*;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdPath, JsonBody, Owner};

/// API keys.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "keys", responses((status = 200, body = [ApiKeyOut])))]
pub async fn list_api_keys(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<Vec<ApiKeyOut>>> {
    Ok(Json(
        state
            .app
            .list_api_keys(&ctx)
            .await?
            .into_iter()
            .map(|k| ApiKeyOut::from_row(k, None))
            .collect(),
    ))
}

/// Creates an API key; the `key` field is shown only in this response.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "keys", request_body = ApiKeyIn, responses((status = 201, body = ApiKeyOut), (status = 422)))]
pub async fn create_api_key(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<ApiKeyIn>,
) -> ApiResult<(StatusCode, Json<ApiKeyOut>)> {
    let (k, secret) = state
        .app
        .create_api_key(&ctx, &b.name, b.role.as_deref().unwrap_or("admin"))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyOut::from_row(k, Some(secret))),
    ))
}

/// Revokes an API key at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "keys", params(("id" = String, Path, description = "key_…")), responses((status = 204), (status = 404)))]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<ApiKeyId>,
) -> ApiResult<StatusCode> {
    state.app.revoke_api_key(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff keys.
#[utoipa::path(get, path = "/api/v1/staff-keys", tag = "keys", responses((status = 200, body = [StaffKeyOut])))]
pub async fn list_staff_keys(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<Vec<StaffKeyOut>>> {
    Ok(Json(
        state
            .app
            .list_staff_keys(&ctx)
            .await?
            .into_iter()
            .map(|k| StaffKeyOut::from_row(k, None))
            .collect(),
    ))
}

/// Creates a staff key for a member; the `key` field is shown only in this response.
#[utoipa::path(post, path = "/api/v1/staff-keys", tag = "keys", request_body = StaffKeyIn, responses((status = 201, body = StaffKeyOut), (status = 404), (status = 422)))]
pub async fn create_staff_key(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<StaffKeyIn>,
) -> ApiResult<(StatusCode, Json<StaffKeyOut>)> {
    let user: UserId = b.user_id.parse().map_err(|_| ApiError::not_found())?;
    let (k, secret) = state.app.create_staff_key(&ctx, user, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(StaffKeyOut::from_row(k, Some(secret))),
    ))
}

/// Revokes a staff key; its session ends at once.
#[utoipa::path(delete, path = "/api/v1/staff-keys/{id}", tag = "keys", params(("id" = String, Path, description = "skey_…")), responses((status = 204), (status = 404)))]
pub async fn revoke_staff_key(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<StaffKeyId>,
) -> ApiResult<StatusCode> {
    state.app.revoke_staff_key(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Support grants.
#[utoipa::path(get, path = "/api/v1/support-grants", tag = "support", responses((status = 200, body = [SupportGrantOut])))]
pub async fn list_support_grants(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<Vec<SupportGrantOut>>> {
    let now = state.app.now_ms();
    Ok(Json(
        state
            .app
            .list_support_grants(&ctx)
            .await?
            .into_iter()
            .map(|(g, e)| SupportGrantOut::from_row(g, e, now))
            .collect(),
    ))
}

/// Grants time-boxed, read-only support access; the support person receives a sign-in link.
#[utoipa::path(post, path = "/api/v1/support-grants", tag = "support", request_body = SupportGrantIn, responses((status = 201, body = SupportGrantOut), (status = 422)))]
pub async fn grant_support(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    JsonBody(b): JsonBody<SupportGrantIn>,
) -> ApiResult<(StatusCode, Json<SupportGrantOut>)> {
    let g = state
        .app
        .grant_support(&ctx, &b.email, b.hours, b.reason.as_deref())
        .await?;
    let email = b.email.trim().to_string();
    Ok((
        StatusCode::CREATED,
        Json(SupportGrantOut::from_row(g, email, state.app.now_ms())),
    ))
}

/// Ends a support grant at once.
#[utoipa::path(delete, path = "/api/v1/support-grants/{id}", tag = "support", params(("id" = String, Path, description = "sup_…")), responses((status = 204), (status = 404)))]
pub async fn revoke_support(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<SupportGrantId>,
) -> ApiResult<StatusCode> {
    state.app.revoke_support(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stored provider secrets (names only; values never leave the server).
#[utoipa::path(get, path = "/api/v1/secrets", tag = "secrets", responses((status = 200, body = [SecretOut])))]
pub async fn list_secrets(
    State(state): State<AppState>,
    Owner(ctx): Owner,
) -> ApiResult<Json<Vec<SecretOut>>> {
    Ok(Json(
        state
            .app
            .list_secrets(&ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Stores (or replaces) a secret, encrypted at rest.
#[utoipa::path(put, path = "/api/v1/secrets/{id}", tag = "secrets", params(("id" = String, Path, description = "secret name")), request_body = SecretIn,
    responses((status = 204), (status = 422)))]
pub async fn put_secret(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    Path(name): Path<String>,
    JsonBody(b): JsonBody<SecretIn>,
) -> ApiResult<StatusCode> {
    state.app.put_secret(&ctx, &name, &b.value).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a secret.
#[utoipa::path(delete, path = "/api/v1/secrets/{id}", tag = "secrets", params(("id" = String, Path, description = "secret name")), responses((status = 204), (status = 404)))]
pub async fn delete_secret(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.delete_secret(&ctx, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
