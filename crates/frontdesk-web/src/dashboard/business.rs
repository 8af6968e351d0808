//! The overview, the business settings and its locations.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use frontdesk_app::Ctx;
use frontdesk_core::LocationId;
use frontdesk_core::validate::{CURRENCIES, LANGUAGES};
use frontdesk_store::Location;
use serde::Deserialize;

use super::page::{
    Errors, Flash, Form, Id, Layout, OrPage, Page, PageResult, done, has_layout, ok,
    redirect_flash, render, when,
};
use crate::AppState;
use crate::extract::{Owner, Staff};

/// The overview.
#[derive(Template)]
#[template(path = "overview.html")]
pub struct OverviewPage {
    layout: Layout,
    locations: Vec<Location>,
    team_size: usize,
    base_url: String,
}

/// GET /app
pub async fn overview(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    let locations = state.app.locations(&ctx).await.or_page(&layout)?;
    let team_size = state.app.list_members(&ctx).await.or_page(&layout)?.len();
    ok(&OverviewPage {
        layout,
        locations,
        team_size,
        base_url: state.app.config.base_url.clone(),
    })
}

/// Fields of the business form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BusinessForm {
    name: String,
    default_language: String,
}

/// The business settings.
#[derive(Template)]
#[template(path = "business.html")]
pub struct BusinessPage {
    layout: Layout,
    form: BusinessForm,
    created: String,
    errors: Errors,
    languages: &'static [&'static str],
}

/// GET /app/business
pub async fn business(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    let t = state.app.business(&ctx).await.or_page(&layout)?;
    let form = BusinessForm {
        name: t.name,
        default_language: t.default_language,
    };
    ok(&BusinessPage {
        layout,
        form,
        created: when(t.created_at_ms),
        errors: Errors::none(),
        languages: LANGUAGES,
    })
}

/// POST /app/business
pub async fn update_business(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<BusinessForm>,
) -> PageResult {
    match state
        .app
        .update_business(&ctx, &f.name, &f.default_language)
        .await
    {
        Ok(_) => Ok(redirect_flash(
            &state,
            "/app/business",
            Flash::ok("The business is saved."),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, &[], &layout)?;
            let created = state
                .app
                .business(&ctx)
                .await
                .map(|t| when(t.created_at_ms))
                .unwrap_or_default();
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &BusinessPage {
                    layout,
                    form: f,
                    created,
                    errors,
                    languages: LANGUAGES,
                },
            ))
        }
    }
}

/// Fields of a location form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LocationForm {
    name: String,
    slug: String,
    address: String,
    phone: String,
    time_zone: String,
    country: String,
    currency: String,
    brand_colour: String,
    booking_description: String,
    tax_id: String,
    image_url: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.to_string()).filter(|s| !s.trim().is_empty())
}

impl LocationForm {
    fn input(&self) -> frontdesk_app::business::LocationIn {
        frontdesk_app::business::LocationIn {
            name: self.name.clone(),
            slug: self.slug.clone(),
            address: self.address.clone(),
            phone: opt(&self.phone),
            time_zone: self.time_zone.clone(),
            country: self.country.clone(),
            currency: self.currency.clone(),
            brand_colour: opt(&self.brand_colour),
            booking_description: opt(&self.booking_description),
            tax_id: opt(&self.tax_id),
            image_url: opt(&self.image_url),
        }
    }

    /// A new location's defaults, from the first existing one.
    fn new_from(first: Option<&Location>) -> Self {
        Self {
            time_zone: first
                .map(|l| l.time_zone.clone())
                .unwrap_or_else(|| "Europe/Rome".into()),
            country: first
                .map(|l| l.country.clone())
                .unwrap_or_else(|| "IT".into()),
            currency: first
                .map(|l| l.currency.clone())
                .unwrap_or_else(|| "EUR".into()),
            brand_colour: "#1f6feb".into(),
            ..Self::default()
        }
    }
}

impl From<Location> for LocationForm {
    fn from(l: Location) -> Self {
        Self {
            name: l.name,
            slug: l.slug,
            address: l.address,
            phone: l.phone.unwrap_or_default(),
            time_zone: l.time_zone,
            country: l.country,
            currency: l.currency,
            brand_colour: l.brand_colour,
            booking_description: l.booking_description.unwrap_or_default(),
            tax_id: l.tax_id.unwrap_or_default(),
            image_url: l.image_url.unwrap_or_default(),
        }
    }
}

const LOCATION_CONFLICTS: &[(&str, &str, &str)] = &[(
    "slug_taken",
    "slug",
    "is taken by another business or location; choose another",
)];

/// The list of locations, with the form to add one (owners).
#[derive(Template)]
#[template(path = "locations.html")]
pub struct LocationsPage {
    layout: Layout,
    locations: Vec<Location>,
    form: LocationForm,
    errors: Errors,
    currencies: Vec<&'static str>,
}

async fn locations_page(
    state: &AppState,
    ctx: &Ctx,
    layout: Layout,
    form: Option<LocationForm>,
    errors: Errors,
) -> PageResult {
    let locations = state.app.locations(ctx).await.or_page(&layout)?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = form.unwrap_or_else(|| LocationForm::new_from(locations.first()));
    Ok(render(
        status,
        &LocationsPage {
            layout,
            locations,
            form,
            errors,
            currencies: currencies(),
        },
    ))
}

fn currencies() -> Vec<&'static str> {
    CURRENCIES.iter().map(|c| c.0).collect()
}

/// GET /app/locations
pub async fn locations(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
) -> PageResult {
    locations_page(&state, &ctx, layout, None, Errors::none()).await
}

/// POST /app/locations
pub async fn create_location(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Form(f): Form<LocationForm>,
) -> PageResult {
    match state.app.create_location(&ctx, &f.input()).await {
        Ok(l) => Ok(redirect_flash(
            &state,
            "/app/locations",
            Flash::ok(format!("Location “{}” added.", l.name)),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, LOCATION_CONFLICTS, &layout)?;
            locations_page(&state, &ctx, layout, Some(f), errors).await
        }
    }
}

/// One location's form (read-only unless owner).
#[derive(Template)]
#[template(path = "location.html")]
pub struct LocationPage {
    layout: Layout,
    id: LocationId,
    title: String,
    form: LocationForm,
    errors: Errors,
    currencies: Vec<&'static str>,
    updated: String,
}

/// GET /app/locations/{id}
pub async fn location(
    State(state): State<AppState>,
    Page(Staff(ctx), layout): Page<Staff>,
    Id(id): Id<LocationId>,
) -> PageResult {
    let l = state.app.location(&ctx, id).await.or_page(&layout)?;
    let (title, updated) = (l.name.clone(), when(l.updated_at_ms));
    ok(&LocationPage {
        layout,
        id,
        title,
        form: l.into(),
        errors: Errors::none(),
        currencies: currencies(),
        updated,
    })
}

/// POST /app/locations/{id}
pub async fn update_location(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<LocationId>,
    Form(f): Form<LocationForm>,
) -> PageResult {
    match state.app.update_location(&ctx, id, &f.input()).await {
        Ok(l) => Ok(redirect_flash(
            &state,
            &format!("/app/locations/{id}"),
            Flash::ok(format!("Location “{}” saved.", l.name)),
        )),
        Err(e) => {
            let errors = Errors::from_app(e, LOCATION_CONFLICTS, &layout)?;
            let old = state.app.location(&ctx, id).await.or_page(&layout)?;
            let page = LocationPage {
                layout,
                id,
                title: old.name,
                form: f,
                errors,
                currencies: currencies(),
                updated: when(old.updated_at_ms),
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// POST /app/locations/{id}/delete
pub async fn delete_location(
    State(state): State<AppState>,
    Page(Owner(ctx), layout): Page<Owner>,
    Id(id): Id<LocationId>,
) -> PageResult {
    let r = state.app.delete_location(&ctx, id).await;
    let back = if r.is_ok() {
        "/app/locations".to_string()
    } else {
        format!("/app/locations/{id}")
    };
    done(&state, &layout, &back, r, "The location is deleted.")
}

has_layout!(OverviewPage, BusinessPage, LocationsPage, LocationPage);
