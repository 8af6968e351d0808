//! The audit log, jobs and the outbox.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use frontdesk_core::JobId;
use frontdesk_store::AuditFilter;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::dto::*;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdPath, Owner, Staff};

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Exact action, or a prefix ending in '.', e.g. `login.`
    pub action: Option<String>,
    /// Actor id (`usr_…`, `key_…`).
    pub actor: Option<String>,
    /// From (RFC 3339).
    pub from: Option<String>,
    /// Until (RFC 3339, exclusive).
    pub until: Option<String>,
    /// Page size (1–500, default 100).
    pub limit: Option<i64>,
}

fn parse_ts(field: &str, v: &Option<String>) -> Result<Option<i64>, ApiError> {
    match v {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_millisecond()))
            .map_err(|_| {
                ApiError::invalid(
                    field,
                    "must be an RFC 3339 instant, e.g. 2026-11-23T10:00:00Z",
                )
            }),
    }
}

/// The security and audit log, newest first (owners).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = [AuditOut])))]
pub async fn list_audit(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<AuditOut>>> {
    let Query(q) = q.map_err(|e| ApiError::invalid("query", &e.body_text()))?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 500"));
    }
    let filter = AuditFilter {
        action: q.action.filter(|a| !a.is_empty()),
        actor_id: q.actor.filter(|a| !a.is_empty()),
        from_ms: parse_ts("from", &q.from)?,
        until_ms: parse_ts("until", &q.until)?,
        before_ms: None,
        limit,
    };
    Ok(Json(
        state
            .app
            .list_audit(&ctx, &filter)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Filter of the job list.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobsQuery {
    /// queued, running, done or dead.
    pub status: Option<String>,
}

/// The business's jobs, newest first (owners).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobsQuery), responses((status = 200, body = [JobOut])))]
pub async fn list_jobs(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    q: Result<Query<JobsQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<JobOut>>> {
    let Query(q) = q.map_err(|e| ApiError::invalid("query", &e.body_text()))?;
    if let Some(s) = &q.status
        && !["queued", "running", "done", "dead"].contains(&s.as_str())
    {
        return Err(ApiError::invalid(
            "status",
            "must be queued, running, done or dead",
        ));
    }
    Ok(Json(
        state
            .app
            .list_jobs(&ctx, q.status.as_deref())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Puts a dead job back in the queue (owners).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", params(("id" = String, Path, description = "job_…")), responses((status = 204), (status = 404)))]
pub async fn retry_job(
    State(state): State<AppState>,
    Owner(ctx): Owner,
    IdPath(id): IdPath<JobId>,
) -> ApiResult<StatusCode> {
    state.app.retry_job(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// E-mails sent for the business, newest first (owners and admins).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", responses((status = 200, body = [MailOut])))]
pub async fn list_outbox(
    State(state): State<AppState>,
    Staff(ctx): Staff,
) -> ApiResult<Json<Vec<MailOut>>> {
    Ok(Json(
        state
            .app
            .list_mail(&ctx, 200)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}
