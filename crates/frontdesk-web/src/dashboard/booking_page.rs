//! The public booking page in the dashboard: where each location's page is, the snippet that
//! embeds it on the business's own site, and its settings (owners): how long one-time codes
//! last and which consent checkboxes customers see. Colours, picture and text are per location
//! (the location page).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_app::Ctx;
use frontdesk_app::public::BookingPageSettingsIn;
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Layout, OrPage, Page, PageResult, has_layout, ok, redirect_flash, render,
};
use crate::AppState;
use crate::extract::{Owner, Staff};

/// Fields of the settings form (checkboxes are absent when unticked).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    code_minutes: String,
    ask_marketing_consent: Option<String>,
    ask_messaging_consent: Option<String>,
}

/// One location's page.
pub struct PageLink {
    name: String,
    url: String,
    snippet: String,
}

/// The booking page settings.
#[derive(Template)]
#[template(path = "booking_page.html")]
pub struct BookingPageSettingsPage {
    layout: Layout,
    code_minutes: String,
    ask_marketing: bool,
    ask_messaging: bool,
    pages: Vec<PageLink>,
    errors: Errors,
}
has_layout!(BookingPageSettingsPage);

async fn links(
    state: &AppState,
    ctx: &Ctx,
    layout: &Layout,
) -> Result<Vec<PageLink>, super::page::PageError> {
    let base = state.app.config.base_url.clone();
    Ok(state
        .app
        .locations(ctx)
        .await
        .or_page(layout)?
        .into_iter()
        .map(|l| PageLink {
            name: l.name,
            url: format!("{base}/{}", l.slug),
            snippet: format!(
                "<script src=\"{base}/widget.js\" data-slug=\"{}\" async></script>",
                l.slug
            ),
        })
        .collect())
}

/// GET /app/booking-page
pub async fn settings(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    let s = state
        .app
        .booking_page_settings(&ctx)
        .await
        .or_page(&layout)?;
    let pages = links(&state, &ctx, &layout).await?;
    ok(&BookingPageSettingsPage {
        layout,
        code_minutes: s.code_minutes.to_string(),
        ask_marketing: s.ask_marketing_consent,
        ask_messaging: s.ask_messaging_consent,
        pages,
        errors: Errors::none(),
    })
}

/// POST /app/booking-page (owners)
pub async fn update(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let input = BookingPageSettingsIn {
        code_minutes: f.code_minutes.trim().parse().unwrap_or(0),
        ask_marketing_consent: f.ask_marketing_consent.is_some(),
        ask_messaging_consent: f.ask_messaging_consent.is_some(),
    };
    match state.app.update_booking_page_settings(&ctx, &input).await {
        Ok(_) => Ok(redirect_flash(
            &state,
            "/app/booking-page",
            Flash::ok("The booking page settings are saved."),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            let pages = links(&state, &ctx, &layout).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &BookingPageSettingsPage {
                    layout,
                    code_minutes: f.code_minutes,
                    ask_marketing: input.ask_marketing_consent,
                    ask_messaging: input.ask_messaging_consent,
                    pages,
                    errors,
                },
            ))
        }
    }
}
