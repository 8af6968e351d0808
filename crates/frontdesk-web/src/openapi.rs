//! The OpenAPI document, generated from the handlers' annotations, and its offline viewer.

use axum::Router;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::api::{access, auth, bookings, business, catalogue, dto, notifications, ops, team};
use crate::public::api as public;

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Frontdesk API", description = "The JSON API of Frontdesk. Authenticate with the session cookie (dashboard) or `Authorization: Bearer ak_…` (integration API keys). Errors are application/problem+json with a stable `code`."),
    paths(
        auth::signup, auth::login, auth::logout, auth::logout_everywhere, auth::magic_link, auth::magic_link_consume,
        auth::password_reset, auth::password_reset_complete, auth::staff_key_login, auth::accept_invitation,
        auth::me, auth::update_me, auth::change_password, auth::switch_business, auth::my_sessions,
        business::get_business, business::update_business, business::list_locations, business::create_location,
        business::get_location, business::update_location, business::delete_location,
        business::get_booking_page, business::put_booking_page,
        team::list_members, team::change_role, team::remove_member, team::list_invitations, team::invite, team::revoke_invitation,
        access::list_api_keys, access::create_api_key, access::revoke_api_key,
        access::list_staff_keys, access::create_staff_key, access::revoke_staff_key,
        access::list_support_grants, access::grant_support, access::revoke_support,
        access::list_secrets, access::put_secret, access::delete_secret,
        ops::list_audit, ops::list_jobs, ops::retry_job, ops::list_outbox,
        catalogue::list_resources, catalogue::create_resource, catalogue::get_resource, catalogue::update_resource, catalogue::delete_resource, catalogue::get_resource_hours, catalogue::put_resource_hours, catalogue::list_areas, catalogue::create_area, catalogue::get_area, catalogue::update_area, catalogue::delete_area, catalogue::list_combos, catalogue::create_combo, catalogue::get_combo, catalogue::update_combo, catalogue::delete_combo, catalogue::get_location_hours, catalogue::put_location_hours, catalogue::list_exceptions, catalogue::create_exception, catalogue::delete_exception, catalogue::list_services, catalogue::create_service, catalogue::get_service, catalogue::update_service, catalogue::delete_service, catalogue::put_service_staff, catalogue::put_service_requirements, catalogue::get_booking_rules, catalogue::put_booking_rules, catalogue::list_periods, catalogue::create_period, catalogue::get_period, catalogue::update_period, catalogue::delete_period, catalogue::list_customers, catalogue::create_customer, catalogue::get_customer, catalogue::update_customer,
    ),
    components(schemas(dto::BusinessOut, dto::LocationOut, dto::MemberOut, dto::InvitationOut, dto::ApiKeyOut, dto::StaffKeyOut,
        dto::AuditOut, dto::SupportGrantOut, dto::JobOut, dto::SecretOut, dto::MailOut,
        business::BookingPageOut, frontdesk_app::public::BookingPageSettingsIn,
        catalogue::ResourceOut, catalogue::AreaOut, catalogue::ComboOut, catalogue::WeeklyHoursOut, catalogue::IntervalOut,
        catalogue::ExceptionOut, catalogue::ServiceOut, catalogue::ServiceStaffOut, catalogue::BookingRulesOut, catalogue::PeriodOut, catalogue::CustomerOut,
        frontdesk_app::catalogue::ResourceIn, frontdesk_app::catalogue::AreaIn, frontdesk_app::catalogue::ComboIn, frontdesk_app::catalogue::WeeklyHoursIn,
        frontdesk_app::catalogue::IntervalIn, frontdesk_app::catalogue::ExceptionIn, frontdesk_app::catalogue::ServiceIn, frontdesk_app::catalogue::Segment,
        frontdesk_app::catalogue::ServiceStaffIn, frontdesk_app::catalogue::StaffLinkIn, frontdesk_app::catalogue::RequirementsIn,
        frontdesk_app::catalogue::BookingRulesIn, frontdesk_app::catalogue::PeriodIn, frontdesk_app::catalogue::TurnTime, frontdesk_app::customers::CustomerIn)),
    modifiers(&Security),
    tags((name = "auth"), (name = "me"), (name = "business"), (name = "team"), (name = "keys"), (name = "support"), (name = "secrets"), (name = "audit"), (name = "jobs"), (name = "outbox"), (name = "catalogue"), (name = "customers"))
)]
pub struct ApiDoc;

/// Availability, bookings and the waitlist.
#[derive(OpenApi)]
#[openapi(
    paths(
        bookings::availability, bookings::create_booking, bookings::list_bookings, bookings::get_booking,
        bookings::reschedule, bookings::confirm, bookings::check_in, bookings::complete, bookings::no_show,
        bookings::cancel, bookings::walk_in, bookings::list_waitlist, bookings::join_waitlist, bookings::cancel_waitlist,
    ),
    components(schemas(frontdesk_app::bookings::BookingIn, frontdesk_app::bookings::VisitItemIn,
        frontdesk_app::bookings::CustomerDetailsIn, frontdesk_app::bookings::RescheduleIn, frontdesk_app::bookings::StatusIn,
        frontdesk_app::bookings::WaitlistIn, frontdesk_app::bookings::SlotOut, frontdesk_app::bookings::SlotItemOut,
        frontdesk_app::bookings::TablesOut, frontdesk_app::bookings::BookingOut)),
    tags((name = "bookings", description = "Availability, bookings (never double-booked), holds, idempotency, walk-ins, recurrence and the waitlist"))
)]
pub struct BookingsDoc;

/// Notifications: SMS outbox and credits, settings, templates, a booking's notifications.
#[derive(OpenApi)]
#[openapi(
    paths(notifications::list_sms, notifications::get_sms_credits, notifications::get_settings, notifications::put_settings,
        notifications::list_templates, notifications::put_template, notifications::preview_template, notifications::reset_template,
        notifications::booking_notifications, notifications::set_review_request),
    components(schemas(notifications::SmsOut, notifications::SmsCreditsOut, notifications::TemplateOut, notifications::PreviewOut,
        notifications::NotificationOut, notifications::ReviewRequestIn, frontdesk_app::notify::NotificationSettingsIn,
        frontdesk_app::notify::NotificationSettingsOut, frontdesk_app::notify::TemplateIn, frontdesk_app::notify::TemplateKey)),
    tags((name = "notifications", description = "SMS outbox and credits, notification settings, owner-editable message templates with preview, and the notifications of each booking"))
)]
pub struct NotificationsDoc;

/// Live events for staff screens.
#[derive(OpenApi)]
#[openapi(
    paths(crate::api::events::events),
    tags((name = "events", description = "Server-sent events of the signed-in business: open screens learn of booking changes at once"))
)]
pub struct EventsDoc;

/// The public booking API (no credentials: the slug names the business).
#[derive(OpenApi)]
#[openapi(
    paths(public::site, public::availability, public::book, public::verify, public::resend),
    components(schemas(public::SiteOut, public::PublicSlot, public::VerifyIn, public::TokenIn, public::VerifiedOut,
        frontdesk_app::public::PublicService, frontdesk_app::public::PublicStaff,
        frontdesk_app::public::PublicBookingIn, frontdesk_app::public::PublicHoldOut)),
    tags((name = "public", description = "The public booking page as an API for a business's own site: services, free times, a held booking confirmed by a 6-digit code sent by SMS. No credentials; CORS open; rate-limited per IP and per slug"))
)]
pub struct PublicDoc;

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(EventsDoc::openapi());
    doc.merge(BookingsDoc::openapi());
    doc.merge(NotificationsDoc::openapi());
    doc.merge(PublicDoc::openapi());
    doc
}

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ak_…")
                    .build(),
            ),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// `/api/openapi.json` and the Swagger UI at `/api/docs` (served from the binary; works offline).
pub fn docs_router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", document()))
}
