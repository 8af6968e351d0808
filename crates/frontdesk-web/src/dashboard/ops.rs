//! The audit log, the job queue and the outbox.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use frontdesk_app::AppError;
use frontdesk_core::{JobId, MailId};
use frontdesk_store::jobs::Job;
use frontdesk_store::mail::Mail;
use frontdesk_store::{AuditEntry, AuditFilter};
use serde::Deserialize;

use super::page::{Errors, Id, Layout, OrPage, Page, PageResult, done, has_layout, ok, render};
use crate::AppState;
use crate::extract::{Owner, Staff};

/// Filters of the audit log, from the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    from: String,
    until: String,
}

/// `YYYY-MM-DD` (a UTC day; `end` means the day is included) or an RFC 3339 instant → epoch ms.
fn parse_day(field: &str, v: &str, end: bool, errors: &mut Errors) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if let Ok(t) = v.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    let day = v
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| if end { d.tomorrow().ok() } else { Some(d) });
    match day.and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok()) {
        Some(z) => Some(z.timestamp().as_millisecond()),
        None => {
            errors.merge(Errors::field(field, "must be a date like 2026-11-23"));
            None
        }
    }
}

/// The audit log.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    layout: Layout,
    q: AuditQuery,
    entries: Vec<AuditEntry>,
    errors: Errors,
}

/// GET /app/audit
pub async fn audit(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let mut errors = Errors::none();
    let from_ms = parse_day("from", &q.from, false, &mut errors);
    let until_ms = parse_day("until", &q.until, true, &mut errors);
    if errors.any() {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AuditPage {
                layout,
                q,
                entries: Vec::new(),
                errors,
            },
        ));
    }
    let filter = AuditFilter {
        action: Some(q.action.trim().to_string()).filter(|a| !a.is_empty()),
        actor_id: Some(q.actor.trim().to_string()).filter(|a| !a.is_empty()),
        from_ms,
        until_ms,
        before_ms: None,
        limit: 200,
    };
    let entries = state.app.list_audit(&ctx, &filter).await.or_page(&layout)?;
    ok(&AuditPage {
        layout,
        q,
        entries,
        errors,
    })
}

/// Filter of the job list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobsQuery {
    status: String,
}

/// The job list.
#[derive(Template)]
#[template(path = "jobs.html")]
pub struct JobsPage {
    layout: Layout,
    status: String,
    jobs: Vec<Job>,
}

const JOB_STATUSES: [&str; 4] = ["queued", "running", "done", "dead"];

/// GET /app/jobs
pub async fn jobs(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    q: Result<Query<JobsQuery>, QueryRejection>,
) -> PageResult {
    let status = q.map(|Query(q)| q.status).unwrap_or_default();
    let status = if JOB_STATUSES.contains(&status.as_str()) {
        status
    } else {
        String::new()
    };
    let jobs = state
        .app
        .list_jobs(&ctx, Some(status.as_str()).filter(|s| !s.is_empty()))
        .await
        .or_page(&layout)?;
    ok(&JobsPage {
        layout,
        status,
        jobs,
    })
}

/// POST /app/jobs/{id}/retry
pub async fn retry_job(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<JobId>,
) -> PageResult {
    let r = state.app.retry_job(&ctx, id).await;
    done(
        &state,
        &layout,
        "/app/jobs?status=dead",
        r,
        "The job is back in the queue.",
    )
}

/// The outbox.
#[derive(Template)]
#[template(path = "outbox.html")]
pub struct OutboxPage {
    layout: Layout,
    mails: Vec<Mail>,
    texts: Vec<frontdesk_store::notify::Sms>,
    sms_provider: &'static str,
}

/// GET /app/outbox: e-mail and SMS (owners and admins; others get the 403 page)
pub async fn outbox(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    let mails = state.app.list_mail(&ctx, 200).await.or_page(&layout)?;
    let texts = state.app.list_sms(&ctx, 200).await.or_page(&layout)?;
    ok(&OutboxPage {
        layout,
        mails,
        texts,
        sms_provider: state.app.sms_provider(),
    })
}

/// One e-mail.
#[derive(Template)]
#[template(path = "mail.html")]
pub struct MailPage {
    layout: Layout,
    mail: Mail,
}

/// GET /app/outbox/{id}
pub async fn mail(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<MailId>,
) -> PageResult {
    let mails = state.app.list_mail(&ctx, 200).await.or_page(&layout)?;
    let mail = mails
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)
        .or_page(&layout)?;
    ok(&MailPage { layout, mail })
}

has_layout!(AuditPage, JobsPage, OutboxPage, MailPage);
