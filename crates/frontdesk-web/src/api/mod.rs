//! The JSON API under `/api/v1`.

pub mod access;
pub mod auth;
pub mod bookings;
pub mod business;
pub mod catalogue;
pub mod dto;
pub mod events;
pub mod notifications;
pub mod ops;
pub mod team;

use axum::Router;
use axum::http::Method;

use crate::AppState;
use crate::routes::{Access, RouteSpec, Routes};

/// Every API route with its access class.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::*;
    use Method as M;
    Routes::new()
        .add(M::POST, "/api/v1/signup", Public, auth::signup)
        .add(M::POST, "/api/v1/auth/login", Public, auth::login)
        .add(M::POST, "/api/v1/auth/logout", SignedIn, auth::logout)
        .add(
            M::POST,
            "/api/v1/auth/logout-everywhere",
            SignedIn,
            auth::logout_everywhere,
        )
        .add(M::POST, "/api/v1/auth/magic-link", Public, auth::magic_link)
        .add(
            M::POST,
            "/api/v1/auth/magic-link/consume",
            Public,
            auth::magic_link_consume,
        )
        .add(
            M::POST,
            "/api/v1/auth/password-reset",
            Public,
            auth::password_reset,
        )
        .add(
            M::POST,
            "/api/v1/auth/password-reset/complete",
            Public,
            auth::password_reset_complete,
        )
        .add(
            M::POST,
            "/api/v1/auth/staff-key",
            Public,
            auth::staff_key_login,
        )
        .add(
            M::POST,
            "/api/v1/invitations/accept",
            Public,
            auth::accept_invitation,
        )
        .add(M::GET, "/api/v1/me", SignedIn, auth::me)
        .add(M::PATCH, "/api/v1/me", SignedIn, auth::update_me)
        .add(
            M::POST,
            "/api/v1/me/password",
            SignedIn,
            auth::change_password,
        )
        .add(
            M::POST,
            "/api/v1/me/business",
            SignedIn,
            auth::switch_business,
        )
        .add(M::GET, "/api/v1/me/sessions", SignedIn, auth::my_sessions)
        .add(M::GET, "/api/v1/business", Staff, business::get_business)
        .add(
            M::PATCH,
            "/api/v1/business",
            Owner,
            business::update_business,
        )
        .add(
            M::GET,
            "/api/v1/booking-page",
            Staff,
            business::get_booking_page,
        )
        .add(
            M::PUT,
            "/api/v1/booking-page",
            Owner,
            business::put_booking_page,
        )
        .add(M::GET, "/api/v1/locations", Staff, business::list_locations)
        .add(
            M::POST,
            "/api/v1/locations",
            Owner,
            business::create_location,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}",
            Staff,
            business::get_location,
        )
        .add(
            M::PUT,
            "/api/v1/locations/{id}",
            Owner,
            business::update_location,
        )
        .add(
            M::DELETE,
            "/api/v1/locations/{id}",
            Owner,
            business::delete_location,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/resources",
            Staff,
            catalogue::list_resources,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/resources",
            Staff,
            catalogue::create_resource,
        )
        .add(
            M::GET,
            "/api/v1/resources/{id}",
            Staff,
            catalogue::get_resource,
        )
        .add(
            M::PATCH,
            "/api/v1/resources/{id}",
            Staff,
            catalogue::update_resource,
        )
        .add(
            M::DELETE,
            "/api/v1/resources/{id}",
            Staff,
            catalogue::delete_resource,
        )
        .add(
            M::GET,
            "/api/v1/resources/{id}/hours",
            Staff,
            catalogue::get_resource_hours,
        )
        .add(
            M::PUT,
            "/api/v1/resources/{id}/hours",
            Staff,
            catalogue::put_resource_hours,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/areas",
            Staff,
            catalogue::list_areas,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/areas",
            Staff,
            catalogue::create_area,
        )
        .add(M::GET, "/api/v1/areas/{id}", Staff, catalogue::get_area)
        .add(
            M::PATCH,
            "/api/v1/areas/{id}",
            Staff,
            catalogue::update_area,
        )
        .add(
            M::DELETE,
            "/api/v1/areas/{id}",
            Staff,
            catalogue::delete_area,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/combos",
            Staff,
            catalogue::list_combos,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/combos",
            Staff,
            catalogue::create_combo,
        )
        .add(M::GET, "/api/v1/combos/{id}", Staff, catalogue::get_combo)
        .add(
            M::PATCH,
            "/api/v1/combos/{id}",
            Staff,
            catalogue::update_combo,
        )
        .add(
            M::DELETE,
            "/api/v1/combos/{id}",
            Staff,
            catalogue::delete_combo,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/hours",
            Staff,
            catalogue::get_location_hours,
        )
        .add(
            M::PUT,
            "/api/v1/locations/{id}/hours",
            Staff,
            catalogue::put_location_hours,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/exceptions",
            Staff,
            catalogue::list_exceptions,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/exceptions",
            Staff,
            catalogue::create_exception,
        )
        .add(
            M::DELETE,
            "/api/v1/exceptions/{id}",
            Staff,
            catalogue::delete_exception,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/services",
            Staff,
            catalogue::list_services,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/services",
            Staff,
            catalogue::create_service,
        )
        .add(
            M::GET,
            "/api/v1/services/{id}",
            Staff,
            catalogue::get_service,
        )
        .add(
            M::PATCH,
            "/api/v1/services/{id}",
            Staff,
            catalogue::update_service,
        )
        .add(
            M::DELETE,
            "/api/v1/services/{id}",
            Staff,
            catalogue::delete_service,
        )
        .add(
            M::PUT,
            "/api/v1/services/{id}/staff",
            Staff,
            catalogue::put_service_staff,
        )
        .add(
            M::PUT,
            "/api/v1/services/{id}/requirements",
            Staff,
            catalogue::put_service_requirements,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/booking-rules",
            Staff,
            catalogue::get_booking_rules,
        )
        .add(
            M::PUT,
            "/api/v1/locations/{id}/booking-rules",
            Staff,
            catalogue::put_booking_rules,
        )
        .add(
            M::GET,
            "/api/v1/locations/{id}/periods",
            Staff,
            catalogue::list_periods,
        )
        .add(
            M::POST,
            "/api/v1/locations/{id}/periods",
            Staff,
            catalogue::create_period,
        )
        .add(M::GET, "/api/v1/periods/{id}", Staff, catalogue::get_period)
        .add(
            M::PATCH,
            "/api/v1/periods/{id}",
            Staff,
            catalogue::update_period,
        )
        .add(
            M::DELETE,
            "/api/v1/periods/{id}",
            Staff,
            catalogue::delete_period,
        )
        .add(
            M::GET,
            "/api/v1/customers",
            Staff,
            catalogue::list_customers,
        )
        .add(
            M::POST,
            "/api/v1/customers",
            Staff,
            catalogue::create_customer,
        )
        .add(
            M::GET,
            "/api/v1/customers/{id}",
            Staff,
            catalogue::get_customer,
        )
        .add(
            M::PATCH,
            "/api/v1/customers/{id}",
            Staff,
            catalogue::update_customer,
        )
        .add(M::GET, "/api/v1/team", Staff, team::list_members)
        .add(M::PATCH, "/api/v1/team/{id}", Owner, team::change_role)
        .add(M::DELETE, "/api/v1/team/{id}", Owner, team::remove_member)
        .add(
            M::GET,
            "/api/v1/team/invitations",
            Owner,
            team::list_invitations,
        )
        .add(M::POST, "/api/v1/team/invitations", Owner, team::invite)
        .add(
            M::DELETE,
            "/api/v1/team/invitations/{id}",
            Owner,
            team::revoke_invitation,
        )
        .add(M::GET, "/api/v1/api-keys", Owner, access::list_api_keys)
        .add(M::POST, "/api/v1/api-keys", Owner, access::create_api_key)
        .add(
            M::DELETE,
            "/api/v1/api-keys/{id}",
            Owner,
            access::revoke_api_key,
        )
        .add(M::GET, "/api/v1/staff-keys", Owner, access::list_staff_keys)
        .add(
            M::POST,
            "/api/v1/staff-keys",
            Owner,
            access::create_staff_key,
        )
        .add(
            M::DELETE,
            "/api/v1/staff-keys/{id}",
            Owner,
            access::revoke_staff_key,
        )
        .add(
            M::GET,
            "/api/v1/support-grants",
            Owner,
            access::list_support_grants,
        )
        .add(
            M::POST,
            "/api/v1/support-grants",
            Owner,
            access::grant_support,
        )
        .add(
            M::DELETE,
            "/api/v1/support-grants/{id}",
            Owner,
            access::revoke_support,
        )
        .add(M::GET, "/api/v1/secrets", Owner, access::list_secrets)
        .add(M::PUT, "/api/v1/secrets/{id}", Owner, access::put_secret)
        .add(
            M::DELETE,
            "/api/v1/secrets/{id}",
            Owner,
            access::delete_secret,
        )
        .add(M::GET, "/api/v1/audit", Owner, ops::list_audit)
        .add(M::GET, "/api/v1/jobs", Owner, ops::list_jobs)
        .add(M::POST, "/api/v1/jobs/{id}/retry", Owner, ops::retry_job)
        .add(M::GET, "/api/v1/outbox", Staff, ops::list_outbox)
        .add(
            M::GET,
            "/api/v1/locations/{id}/availability",
            Staff,
            bookings::availability,
        )
        .add(M::GET, "/api/v1/bookings", Staff, bookings::list_bookings)
        .add(M::POST, "/api/v1/bookings", Staff, bookings::create_booking)
        .add(
            M::GET,
            "/api/v1/bookings/{id}",
            Staff,
            bookings::get_booking,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/reschedule",
            Staff,
            bookings::reschedule,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/confirm",
            Staff,
            bookings::confirm,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/check-in",
            Staff,
            bookings::check_in,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/complete",
            Staff,
            bookings::complete,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/no-show",
            Staff,
            bookings::no_show,
        )
        .add(
            M::POST,
            "/api/v1/bookings/{id}/cancel",
            Staff,
            bookings::cancel,
        )
        .add(M::POST, "/api/v1/walk-ins", Staff, bookings::walk_in)
        .add(M::GET, "/api/v1/waitlist", Staff, bookings::list_waitlist)
        .add(M::POST, "/api/v1/waitlist", Staff, bookings::join_waitlist)
        .add(
            M::DELETE,
            "/api/v1/waitlist/{id}",
            Staff,
            bookings::cancel_waitlist,
        )
        .finish()
}
