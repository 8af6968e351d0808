//! The server-rendered dashboard and sign-in pages (askama templates in `templates/`, one
//! first-party stylesheet and script in `assets/`).
//!
//! Conventions, so every handler stays a few lines:
//! - The guard is a parameter, as in the API: `Page<Staff>`, `Page<Owner>` or `Page<SignedIn>`
//!   wraps the extractor of [`crate::extract`] and adds the page frame ([`page::Layout`]).
//!   Without a session it redirects to `/login?next=…`; a refusal (a receptionist on an owner
//!   page, any POST under read-only support access) is the friendly 403 page, never JSON.
//! - [`page::Form`] and [`page::Id`] wrap `FormBody` and `IdPath` the same way.
//! - Handlers call `state.app.<use case>` only. A form the use case refuses with
//!   `AppError::Invalid` (or a known conflict) is shown again with messages beside the fields
//!   and the input kept, passwords excepted; other failures are error pages.
//! - A form that succeeds answers 303 with a one-time flash message (cookie `fd_flash`), except
//!   forms that make a secret (API and staff keys), whose answer is the page showing it once.

pub mod access;
pub mod account;
pub mod assets;
pub mod auth;
pub mod booking_page;
pub mod bookings;
pub mod business;
pub mod calendar;
pub mod catalogue;
pub mod clients;
pub mod desk;
pub mod floor;
pub mod notifications;
pub mod ops;
pub mod page;
pub mod restaurant;
pub mod team;

use axum::Router;
use axum::http::Method;

use crate::AppState;
use crate::routes::{Access, RouteSpec, Routes};

/// Every page route with its access class.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::*;
    use Method as M;
    Routes::new()
        .add(M::GET, "/", Public, auth::home)
        .add(M::GET, "/signup", Public, auth::signup_form)
        .add(M::POST, "/signup", Public, auth::signup)
        .add(M::GET, "/login", Public, auth::login_form)
        .add(M::POST, "/login", Public, auth::login)
        .add(M::GET, "/login/magic", Public, auth::magic_form)
        .add(M::POST, "/login/magic", Public, auth::magic_request)
        .add(M::GET, "/auth/magic/{token}", Public, auth::magic_confirm)
        .add(M::POST, "/auth/magic/{token}", Public, auth::magic_consume)
        .add(M::GET, "/login/forgot", Public, auth::forgot_form)
        .add(M::POST, "/login/forgot", Public, auth::forgot_request)
        .add(M::GET, "/auth/reset/{token}", Public, auth::reset_form)
        .add(M::POST, "/auth/reset/{token}", Public, auth::reset)
        .add(M::GET, "/login/staff-key", Public, auth::staff_key_form)
        .add(M::POST, "/login/staff-key", Public, auth::staff_key_login)
        .add(M::GET, "/invite/{token}", Public, auth::invite_form)
        .add(M::POST, "/invite/{token}", Public, auth::invite_accept)
        .add(M::POST, "/logout", SignedIn, auth::logout)
        .add(
            M::POST,
            "/logout-everywhere",
            SignedIn,
            auth::logout_everywhere,
        )
        .add(M::GET, "/app", Staff, business::overview)
        .add(M::GET, "/app/calendar", Staff, calendar::calendar)
        .add(M::GET, "/app/bookings", Staff, bookings::list)
        .add(M::GET, "/app/bookings/new", Staff, bookings::new_booking)
        .add(
            M::POST,
            "/app/bookings/new",
            Staff,
            bookings::create_booking,
        )
        .add(M::GET, "/app/bookings/{id}", Staff, bookings::booking)
        .add(
            M::POST,
            "/app/bookings/{id}/confirm",
            Staff,
            bookings::confirm,
        )
        .add(
            M::POST,
            "/app/bookings/{id}/check-in",
            Staff,
            bookings::check_in,
        )
        .add(
            M::POST,
            "/app/bookings/{id}/complete",
            Staff,
            bookings::complete,
        )
        .add(
            M::POST,
            "/app/bookings/{id}/no-show",
            Staff,
            bookings::no_show,
        )
        .add(
            M::POST,
            "/app/bookings/{id}/cancel",
            Staff,
            bookings::cancel,
        )
        .add(
            M::POST,
            "/app/bookings/{id}/reschedule",
            Staff,
            bookings::reschedule,
        )
        .add(M::GET, "/app/floor", Staff, floor::floor)
        .add(M::POST, "/app/floor/walk-in", Staff, floor::walk_in)
        .add(M::GET, "/app/clients", Staff, clients::clients)
        .add(M::GET, "/app/clients/{id}", Staff, clients::client)
        .add(M::GET, "/app/waitlist", Staff, clients::waitlist)
        .add(
            M::POST,
            "/app/waitlist/{id}/remove",
            Staff,
            clients::remove_waitlist,
        )
        .add(M::GET, "/app/business", Staff, business::business)
        .add(M::POST, "/app/business", Owner, business::update_business)
        .add(M::GET, "/app/booking-page", Staff, booking_page::settings)
        .add(M::POST, "/app/booking-page", Owner, booking_page::update)
        .add(M::GET, "/app/locations", Staff, business::locations)
        .add(M::POST, "/app/locations", Owner, business::create_location)
        .add(M::GET, "/app/locations/{id}", Staff, business::location)
        .add(
            M::POST,
            "/app/locations/{id}",
            Owner,
            business::update_location,
        )
        .add(
            M::POST,
            "/app/locations/{id}/delete",
            Owner,
            business::delete_location,
        )
        .add(M::GET, "/app/catalogue", Staff, catalogue::index)
        .add(
            M::GET,
            "/app/catalogue/services",
            Staff,
            catalogue::services,
        )
        .add(
            M::POST,
            "/app/catalogue/services",
            Staff,
            catalogue::create_service,
        )
        .add(
            M::GET,
            "/app/catalogue/services/{id}",
            Staff,
            catalogue::service,
        )
        .add(
            M::POST,
            "/app/catalogue/services/{id}",
            Staff,
            catalogue::update_service,
        )
        .add(
            M::POST,
            "/app/catalogue/services/{id}/staff",
            Staff,
            catalogue::set_service_staff,
        )
        .add(
            M::POST,
            "/app/catalogue/services/{id}/requirements",
            Staff,
            catalogue::set_service_requirements,
        )
        .add(
            M::POST,
            "/app/catalogue/services/{id}/delete",
            Staff,
            catalogue::delete_service,
        )
        .add(M::GET, "/app/catalogue/team", Staff, catalogue::team)
        .add(
            M::POST,
            "/app/catalogue/team",
            Staff,
            catalogue::create_resource,
        )
        .add(
            M::GET,
            "/app/catalogue/resources/{id}",
            Staff,
            catalogue::resource,
        )
        .add(
            M::POST,
            "/app/catalogue/resources/{id}",
            Staff,
            catalogue::update_resource,
        )
        .add(
            M::POST,
            "/app/catalogue/resources/{id}/hours",
            Staff,
            catalogue::resource_hours,
        )
        .add(
            M::POST,
            "/app/catalogue/resources/{id}/time-off",
            Staff,
            catalogue::add_time_off,
        )
        .add(
            M::POST,
            "/app/catalogue/resources/{id}/delete",
            Staff,
            catalogue::delete_resource,
        )
        .add(M::GET, "/app/catalogue/hours", Staff, catalogue::hours)
        .add(
            M::POST,
            "/app/catalogue/hours",
            Staff,
            catalogue::location_hours,
        )
        .add(
            M::POST,
            "/app/catalogue/closures",
            Staff,
            catalogue::add_closure,
        )
        .add(M::POST, "/app/catalogue/rules", Staff, catalogue::set_rules)
        .add(
            M::POST,
            "/app/catalogue/exceptions/{id}/delete",
            Staff,
            catalogue::delete_exception,
        )
        .add(M::GET, "/app/catalogue/tables", Staff, restaurant::tables)
        .add(
            M::POST,
            "/app/catalogue/tables",
            Staff,
            restaurant::create_table,
        )
        .add(
            M::GET,
            "/app/catalogue/tables/{id}",
            Staff,
            restaurant::table,
        )
        .add(
            M::POST,
            "/app/catalogue/tables/{id}",
            Staff,
            restaurant::update_table,
        )
        .add(
            M::POST,
            "/app/catalogue/tables/{id}/delete",
            Staff,
            restaurant::delete_table,
        )
        .add(
            M::POST,
            "/app/catalogue/areas",
            Staff,
            restaurant::create_area,
        )
        .add(M::GET, "/app/catalogue/areas/{id}", Staff, restaurant::area)
        .add(
            M::POST,
            "/app/catalogue/areas/{id}",
            Staff,
            restaurant::update_area,
        )
        .add(
            M::POST,
            "/app/catalogue/areas/{id}/delete",
            Staff,
            restaurant::delete_area,
        )
        .add(M::GET, "/app/catalogue/combos", Staff, restaurant::combos)
        .add(
            M::POST,
            "/app/catalogue/combos",
            Staff,
            restaurant::create_combo,
        )
        .add(
            M::GET,
            "/app/catalogue/combos/{id}",
            Staff,
            restaurant::combo,
        )
        .add(
            M::POST,
            "/app/catalogue/combos/{id}",
            Staff,
            restaurant::update_combo,
        )
        .add(
            M::POST,
            "/app/catalogue/combos/{id}/delete",
            Staff,
            restaurant::delete_combo,
        )
        .add(M::GET, "/app/catalogue/periods", Staff, restaurant::periods)
        .add(
            M::POST,
            "/app/catalogue/periods",
            Staff,
            restaurant::create_period,
        )
        .add(
            M::GET,
            "/app/catalogue/periods/{id}",
            Staff,
            restaurant::period,
        )
        .add(
            M::POST,
            "/app/catalogue/periods/{id}",
            Staff,
            restaurant::update_period,
        )
        .add(
            M::POST,
            "/app/catalogue/periods/{id}/delete",
            Staff,
            restaurant::delete_period,
        )
        .add(M::GET, "/app/team", Staff, team::team)
        .add(M::POST, "/app/team", Owner, team::invite)
        .add(M::POST, "/app/team/{id}/role", Owner, team::change_role)
        .add(M::POST, "/app/team/{id}/remove", Owner, team::remove_member)
        .add(
            M::POST,
            "/app/team/invitations/{id}/revoke",
            Owner,
            team::revoke_invitation,
        )
        .add(M::GET, "/app/keys", Owner, access::keys)
        .add(M::POST, "/app/keys", Owner, access::create_api_key)
        .add(
            M::POST,
            "/app/keys/{id}/revoke",
            Owner,
            access::revoke_api_key,
        )
        .add(M::POST, "/app/staff-keys", Owner, access::create_staff_key)
        .add(
            M::POST,
            "/app/staff-keys/{id}/revoke",
            Owner,
            access::revoke_staff_key,
        )
        .add(M::GET, "/app/support", Owner, access::support)
        .add(M::POST, "/app/support", Owner, access::grant_support)
        .add(
            M::POST,
            "/app/support/{id}/revoke",
            Owner,
            access::revoke_support,
        )
        .add(M::GET, "/app/audit", Owner, ops::audit)
        .add(M::GET, "/app/jobs", Owner, ops::jobs)
        .add(M::POST, "/app/jobs/{id}/retry", Owner, ops::retry_job)
        .add(M::GET, "/app/outbox", Staff, ops::outbox)
        .add(M::GET, "/app/outbox/{id}", Staff, ops::mail)
        .add(M::GET, "/app/account", SignedIn, account::account)
        .add(
            M::POST,
            "/app/account/profile",
            SignedIn,
            account::update_profile,
        )
        .add(
            M::POST,
            "/app/account/password",
            SignedIn,
            account::change_password,
        )
        .add(
            M::POST,
            "/app/account/business",
            SignedIn,
            account::switch_business,
        )
        .add(M::GET, "/assets/app.css", Public, assets::css)
        .add(M::GET, "/assets/app.js", Public, assets::js)
        .finish()
}

/// The answer for a path no route serves: problem+json under `/api/` and for clients asking
/// for JSON, the HTML "page not found" otherwise.
pub async fn fallback(req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    let wants_json = req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("json") && !a.contains("html"));
    if wants_json {
        return crate::ApiError::not_found().into_response();
    }
    page::PageError::new(crate::ApiError::not_found(), page::Layout::bare()).into_response()
}
