//! Owners' notification page: settings, SMS credits, and the template editor with preview.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use frontdesk_app::notify::templates::{KINDS, Rendered, VARIABLES};
use frontdesk_app::notify::{
    NotificationSettingsIn, NotificationSettingsOut, TemplateIn, TemplateKey,
};
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Layout, OrPage, Page, PageResult, has_layout, redirect_flash, render,
};
use crate::AppState;
use crate::extract::Owner;
use crate::routes::{Access, RouteSpec, Routes};

/// The notification pages.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    Routes::new()
        .add(Method::GET, "/app/notifications", Access::Owner, page)
        .add(
            Method::POST,
            "/app/notifications",
            Access::Owner,
            save_settings,
        )
        .add(
            Method::POST,
            "/app/notifications/template",
            Access::Owner,
            template_action,
        )
        .finish()
}

/// Which template the editor shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pick {
    kind: String,
    channel: String,
    language: String,
}

/// The settings form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    reminder_hours: String,
    review_enabled: Option<String>,
    review_url: String,
    admin_enabled: Option<String>,
    quiet_start: String,
    quiet_end: String,
    customer_channel: String,
    sms_low_credit_threshold: String,
}

/// The template form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    kind: String,
    channel: String,
    language: String,
    subject: String,
    body: String,
    action: String,
}

/// The page.
#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    layout: Layout,
    s: NotificationSettingsOut,
    kinds: Vec<(&'static str, &'static str, &'static [&'static str])>,
    variables: &'static [(&'static str, &'static str)],
    languages: &'static [&'static str],
    kind: String,
    channel: String,
    language: String,
    subject: String,
    body: String,
    customized: bool,
    preview: Option<Rendered>,
    errors: Errors,
}
has_layout!(NotificationsPage);

async fn build(
    state: &AppState,
    ctx: &frontdesk_app::Ctx,
    layout: Layout,
    pick: Pick,
) -> Result<NotificationsPage, super::page::PageError> {
    let s = state
        .app
        .notification_settings(ctx)
        .await
        .or_page(&layout)?;
    let kind = if KINDS.iter().any(|k| k.name == pick.kind) {
        pick.kind
    } else {
        "booking_confirmation".into()
    };
    let k = KINDS.iter().find(|k| k.name == kind).expect("known kind");
    let channel = if k.channels.contains(&pick.channel.as_str()) {
        pick.channel
    } else {
        k.channels[0].to_string()
    };
    let language = if frontdesk_core::validate::LANGUAGES.contains(&pick.language.as_str()) {
        pick.language
    } else {
        "en".into()
    };
    let t = state
        .app
        .get_template(ctx, &kind, &channel, &language)
        .await
        .or_page(&layout)?;
    Ok(NotificationsPage {
        layout,
        s,
        kinds: KINDS
            .iter()
            .map(|k| (k.name, k.label, k.channels))
            .collect(),
        variables: VARIABLES,
        languages: frontdesk_core::validate::LANGUAGES,
        kind,
        channel,
        language,
        subject: t.subject.unwrap_or_default(),
        body: t.body,
        customized: t.customized,
        preview: None,
        errors: Errors::none(),
    })
}

/// GET /app/notifications
pub async fn page(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    q: Result<Query<Pick>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let pick = q.map(|Query(p)| p).unwrap_or_default();
    let p = build(&state, &ctx, layout, pick).await?;
    Ok(render(StatusCode::OK, &p))
}

/// POST /app/notifications (settings)
pub async fn save_settings(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = NotificationSettingsIn {
        reminder_hours: f.reminder_hours.trim().parse().ok(),
        review_enabled: f.review_enabled.is_some(),
        review_url: opt(&f.review_url),
        admin_enabled: f.admin_enabled.is_some(),
        quiet_start: opt(&f.quiet_start),
        quiet_end: opt(&f.quiet_end),
        customer_channel: if f.customer_channel == "email" {
            "email".into()
        } else {
            "sms".into()
        },
        sms_low_credit_threshold: f.sms_low_credit_threshold.trim().parse().ok(),
    };
    match state.app.update_notification_settings(&ctx, &input).await {
        Ok(_) => Ok(redirect_flash(
            &state,
            "/app/notifications",
            Flash::ok("Notification settings saved."),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            let mut p = build(&state, &ctx, layout, Pick::default()).await?;
            p.errors = errors;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}

/// POST /app/notifications/template (preview, save or reset)
pub async fn template_action(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<TemplateForm>,
) -> PageResult {
    let t = TemplateIn {
        kind: f.kind.clone(),
        channel: f.channel.clone(),
        language: f.language.clone(),
        subject: Some(f.subject.clone()).filter(|s| !s.trim().is_empty()),
        body: f.body.clone(),
    };
    let back = format!(
        "/app/notifications?kind={}&channel={}&language={}",
        super::page::pct_encode(&f.kind),
        super::page::pct_encode(&f.channel),
        super::page::pct_encode(&f.language)
    );
    let pick = Pick {
        kind: f.kind.clone(),
        channel: f.channel.clone(),
        language: f.language.clone(),
    };
    let result = match f.action.as_str() {
        "reset" => state
            .app
            .reset_template(
                &ctx,
                &TemplateKey {
                    kind: f.kind.clone(),
                    channel: f.channel.clone(),
                    language: f.language.clone(),
                },
            )
            .await
            .map(|_| None),
        "save" => state.app.save_template(&ctx, &t).await.map(|_| None),
        _ => state.app.preview_template(&ctx, &t).await.map(Some),
    };
    match result {
        Ok(None) => Ok(redirect_flash(
            &state,
            &back,
            Flash::ok(if f.action == "reset" {
                "The default text is back."
            } else {
                "Template saved."
            }),
        )),
        Ok(Some(preview)) => {
            let mut p = build(&state, &ctx, layout, pick).await?;
            p.subject = f.subject;
            p.body = f.body;
            p.preview = Some(preview);
            Ok(render(StatusCode::OK, &p))
        }
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            let mut p = build(&state, &ctx, layout, pick).await?;
            p.subject = f.subject;
            p.body = f.body;
            p.errors = errors;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}
