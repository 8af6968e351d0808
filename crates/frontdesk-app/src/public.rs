//! The customer's side (promises O1–O3, B5, T3, S1): the public booking page's data, bookings
//! made there as holds confirmed by a one-time code sent by SMS, and the manage-booking link.
//!
//! **Tenant from the slug only (T3).** Every public use case starts from a location slug or a
//! manage-booking token; the token carries its tenant and booking ids and is checked against
//! the stored salted hashes inside that tenant. Ids in a request (services, staff) are looked up
//! inside the slug's location; another business's id is simply not found.
//!
//! **One-time codes (O1–O3).** A public booking is created as a hold (`held`, source `web`) and
//! a 6-digit code goes by SMS to the phone given (urgent queue, the business's
//! `verification_code` template). Only a keyed hash of the code is stored
//! ([`frontdesk_core::crypto::Keyring::mac`]); guesses are counted before they are compared, in
//! one conditional statement, so at most [`PublicLimits::attempts_per_code`] guesses are ever
//! evaluated per code; at most [`PublicLimits::resends_per_booking`] new codes per booking;
//! every code sent counts against a daily limit per phone number and per IP, and every wrong
//! guess against a daily limit per IP. The right code marks the row used, confirms the hold
//! (`confirmed`, or `pending` where the location confirms bookings itself) only while it has not
//! lapsed, records the customer's verification and consents, and calls
//! [`App::booking_changed`] — all in one transaction — then deletes the row. A hold lasts at
//! least as long as its code; when it lapses unverified, the hold sweep releases the slot and the
//! booking is `expired`, never confirmed.
//!
//! The bound: per phone number and day at most `codes_per_phone_per_day` codes, each with
//! `attempts_per_code` guesses, so at most 6 × 3 = 18 guesses at one person's codes a day —
//! a chance of 1.8 × 10⁻⁵ per day of guessing one (all 10⁶ codes would take 150 years of
//! guessing); per IP at most `failed_codes_per_ip_per_day` wrong guesses a day, whatever the
//! phone numbers.
//!
//! **Manage links (B5).** The `mb_…` token returned when the hold is made is the customer's
//! link (`/manage/mb_…`): while held it is where the code is entered; afterwards the booking is
//! shown, moved or cancelled there within the location's edit and cancel cut-offs. Messages carry
//! fresh links (see [`crate::notify`]); earlier ones keep working (`booking_links`). A token that
//! does not verify, or whose booking expired unconfirmed or ended more than
//! [`PublicLimits::link_days_after_visit`] days ago, is not found.

use std::time::Duration;

use frontdesk_core::token::{Credential, verify_salted};
use frontdesk_core::validate::{self, LANGUAGES};
use frontdesk_core::*;
use frontdesk_store::public::{BookingPageSettings, Verification};
use frontdesk_store::{Booking, BookingRules, Location};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::ClientInfo;
use crate::bookings::{
    AvailabilityIn, BookingIn, CustomerDetailsIn, RescheduleIn, SlotOut, StatusIn, TABLE_TAGS,
    VisitItemIn, rfc3339,
};
use crate::error::Validator;
use crate::{Actor, App, AppError, AppResult, Ctx};

const MIN_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Purpose of the keyed hash of one-time codes.
const OTP_MAC: &str = "otp";
/// Purpose of the keyed hash that names a phone number in rate counters.
const PHONE_MAC: &str = "rate-phone";

/// The limits of the public side (promises O2, S1). Defaults are the documented ones.
#[derive(Debug, Clone)]
pub struct PublicLimits {
    /// Guesses evaluated per code (O2: 3).
    pub attempts_per_code: i64,
    /// New codes per booking after the first (O2: 3).
    pub resends_per_booking: i64,
    /// Codes sent to one phone number per day (O2).
    pub codes_per_phone_per_day: i64,
    /// Codes sent for requests from one IP per day.
    pub codes_per_ip_per_day: i64,
    /// Wrong codes from one IP per day.
    pub failed_codes_per_ip_per_day: i64,
    /// Holds made from one IP per hour.
    pub holds_per_ip_per_hour: i64,
    /// Holds made on one location's page per hour (all visitors).
    pub holds_per_location_per_hour: i64,
    /// Least time between two codes of a booking.
    pub resend_after: Duration,
    /// How long after the visit a manage link still opens.
    pub link_days_after_visit: i64,
}

impl Default for PublicLimits {
    fn default() -> Self {
        Self {
            attempts_per_code: 3,
            resends_per_booking: 3,
            codes_per_phone_per_day: 6,
            codes_per_ip_per_day: 20,
            failed_codes_per_ip_per_day: 30,
            holds_per_ip_per_hour: 10,
            holds_per_location_per_hour: 300,
            resend_after: Duration::from_secs(30),
            link_days_after_visit: 30,
        }
    }
}

/// A service as the booking page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicService {
    /// Id.
    #[schema(value_type = String)]
    pub id: ServiceId,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Minutes.
    pub duration_min: i64,
    /// Price now (the promotional price while a promotion runs), minor units.
    pub price_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Who performs it.
    #[schema(value_type = Vec<String>)]
    pub staff: Vec<ResourceId>,
}

/// A staff member as the booking page shows them (a name only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStaff {
    /// Id.
    #[schema(value_type = String)]
    pub id: ResourceId,
    /// Name.
    pub name: String,
}

/// One location's public booking page: the business, its look and what can be booked.
#[derive(Debug, Clone)]
pub struct PublicSite {
    /// The business (from the slug, never from the request).
    pub tenant: TenantId,
    /// Its name.
    pub business: String,
    /// Its default language.
    pub default_language: String,
    /// The location.
    pub location: Location,
    /// Its booking rules.
    pub rules: BookingRules,
    /// The business's booking page settings.
    pub settings: BookingPageSettings,
    /// Tables are booked by party size (no online services).
    pub restaurant: bool,
    /// Online-bookable services, in display order.
    pub services: Vec<PublicService>,
    /// Staff who perform them.
    pub staff: Vec<PublicStaff>,
}

impl PublicSite {
    /// The service with this id, if the page offers it.
    pub fn service(&self, id: ServiceId) -> Option<&PublicService> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The staff member with this id, if the page shows them.
    pub fn staff_member(&self, id: ResourceId) -> Option<&PublicStaff> {
        self.staff.iter().find(|s| s.id == id)
    }
}

fn one() -> u32 {
    1
}

fn one_day() -> u32 {
    1
}

/// A question about free times on the booking page.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// Services of the visit (empty for a restaurant table).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub services: Vec<ServiceId>,
    /// One staff member for the visit; absent: anyone.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
    /// First local date `YYYY-MM-DD`.
    pub date: String,
    /// Days from `date` (1–14).
    #[serde(default = "one_day")]
    pub days: u32,
    /// Guests.
    #[serde(default = "one")]
    pub party_size: u32,
    /// Table requirements (restaurants).
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// A booking request from the public page or API. Only these fields exist: a request naming a
/// business, status, price or source is refused before anything is read.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicBookingIn {
    /// Services of the visit (empty for a restaurant table).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub services: Vec<ServiceId>,
    /// One staff member for the visit; absent: anyone.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<ResourceId>,
    /// Guests.
    #[serde(default = "one")]
    pub party_size: u32,
    /// Local wall-clock start in the location's zone (`2026-11-24T10:00`), as availability
    /// gives it.
    pub start: String,
    /// Requirements (tables: accessible, pets, stroller, high_chair…).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Name.
    pub name: String,
    /// Mobile phone: international (`+39 347…`) or national in `phone_country`.
    pub phone: String,
    /// ISO country of a national phone number (default: the location's).
    #[serde(default)]
    pub phone_country: Option<String>,
    /// E-mail (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// Notes for the business.
    #[serde(default)]
    pub notes: String,
    /// Language of the messages (en, it, fr, es, vi).
    #[serde(default)]
    pub language: Option<String>,
    /// Agrees to marketing (only where the business asks).
    #[serde(default)]
    pub marketing_consent: bool,
    /// Agrees to other messages (only where the business asks).
    #[serde(default)]
    pub messaging_consent: bool,
}

/// A hold made on the public page, waiting for its code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicHoldOut {
    /// The booking's manage token (`mb_…`): enter the code with it, and later see, move or
    /// cancel the booking. Keep it secret.
    pub token: String,
    /// The customer's page for this booking.
    pub manage_url: String,
    /// `held` until the code is entered.
    pub status: String,
    /// Start, RFC 3339 UTC.
    pub start: String,
    /// Local start, `YYYY-MM-DDTHH:MM`.
    pub local_time: String,
    /// The location's zone.
    pub time_zone: String,
    /// The slot is released at this instant unless the code is entered.
    pub hold_expires_at: String,
    /// The code sent is refused from this instant.
    pub code_expires_at: String,
    /// Where the code went, mostly masked.
    pub phone_hint: String,
    /// New codes that may still be asked for.
    pub resends_left: i64,
}

/// What the customer may see of a booking through its link.
#[derive(Debug, Clone)]
pub struct ManageView {
    /// The business.
    pub tenant: TenantId,
    /// Its name.
    pub business: String,
    /// Its default language.
    pub default_language: String,
    /// The customer's language, if known.
    pub customer_language: Option<String>,
    /// The location.
    pub location: Location,
    /// The booking.
    pub booking: Booking,
    /// Its services and who performs them.
    pub items: Vec<ManageItem>,
    /// Restaurant tables.
    pub tables: Vec<String>,
    /// Whether the customer may cancel now.
    pub can_cancel: bool,
    /// Until when cancelling is allowed.
    pub cancel_until_ms: i64,
    /// Whether the customer may move it now.
    pub can_edit: bool,
    /// Until when moving is allowed.
    pub edit_until_ms: i64,
    /// While held: the code's state.
    pub pending: Option<PendingCode>,
    /// When the reminder is due, if one is scheduled.
    pub reminder_at_ms: Option<i64>,
    /// The visit is over.
    pub past: bool,
}

/// One service of a booking.
#[derive(Debug, Clone)]
pub struct ManageItem {
    /// Service name.
    pub service: Option<String>,
    /// Staff name.
    pub staff: Option<String>,
    /// Start.
    pub start_ms: i64,
    /// End.
    pub end_ms: i64,
}

/// A held booking's code, as its customer may know it.
#[derive(Debug, Clone)]
pub struct PendingCode {
    /// Where it went, mostly masked.
    pub phone_hint: String,
    /// When the current code stops working.
    pub code_expires_at_ms: i64,
    /// When the hold lapses.
    pub hold_expires_at_ms: i64,
    /// Guesses left for the current code.
    pub attempts_left: i64,
    /// New codes that may still be asked for.
    pub resends_left: i64,
    /// When a new code may be asked for.
    pub resend_at_ms: i64,
}

/// Booking page settings as an owner edits them.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingPageSettingsIn {
    /// Minutes a one-time code is valid (2–30; 5 by default).
    pub code_minutes: i64,
    /// Show the marketing consent checkbox.
    #[serde(default)]
    pub ask_marketing_consent: bool,
    /// Show the messaging opt-in checkbox.
    #[serde(default)]
    pub ask_messaging_consent: bool,
}

/// `+39 ••• ••• •567`: enough for the customer to recognise their number, little for anyone
/// else.
pub fn phone_hint(e164: &str) -> String {
    let digits: Vec<char> = e164.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 6 {
        return "•••".into();
    }
    let tail: String = digits[digits.len() - 3..].iter().collect();
    let head: String = digits[..2].iter().collect();
    format!("+{head} ••• •••{tail}")
}

/// A fresh 6-digit code, uniform over 000000–999999.
fn new_code() -> String {
    loop {
        let x = u32::from_le_bytes(token::random_bytes::<4>());
        // Reject the top sliver so every code is equally likely.
        if x < 4_294_000_000 {
            return format!("{:06}", x % 1_000_000);
        }
    }
}

/// Seconds until the next UTC day starts (daily limits are per UTC day).
fn until_tomorrow_s(now: i64) -> u64 {
    ((DAY_MS - now.rem_euclid(DAY_MS)) / 1000 + 1) as u64
}

fn public_ctx(tenant: TenantId, client: &ClientInfo) -> Ctx {
    Ctx {
        tenant,
        // A customer may book and change their own booking, nothing else; the public use cases
        // below are the only way this context is used.
        role: Role::Receptionist,
        actor: Actor::Customer,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    }
}

impl App {
    // ------------------------------------------------------------------ the page

    /// The booking page of a location slug (T3: the only way in). Unknown slugs are not found.
    pub async fn public_site(&self, slug: &str) -> AppResult<PublicSite> {
        let slug = slug.trim();
        if validate::slug("slug", slug).is_err() {
            return Err(AppError::NotFound);
        }
        let location = self
            .store
            .location_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let tenant = location.tenant_id;
        let t = self.store.tenant(tenant);
        let biz = t.get().await?.ok_or(AppError::NotFound)?;
        let rules = t.rules(location.id).await?;
        let settings = t
            .booking_page_settings()
            .await?
            .unwrap_or_else(|| BookingPageSettings::defaults(tenant));
        let resources = t.resources(location.id, None).await?;
        let links = t.service_staff_at(location.id).await?;
        let now = self.now_ms();
        let mut services: Vec<_> = t
            .services(location.id)
            .await?
            .into_iter()
            .filter(|s| s.active && s.online_bookable)
            .collect();
        services.sort_by(|a, b| (a.sort_order, &a.name).cmp(&(b.sort_order, &b.name)));
        let live_staff = |id: ResourceId| {
            resources
                .iter()
                .any(|r| r.id == id && r.active && r.kind == "staff" && r.inventory != "walk_in")
        };
        let services: Vec<PublicService> = services
            .into_iter()
            .map(|s| {
                let promo = match (
                    s.promo_price_minor,
                    s.promo_starts_at_ms,
                    s.promo_ends_at_ms,
                ) {
                    (Some(p), a, b) if a.is_none_or(|a| a <= now) && b.is_none_or(|b| now < b) => {
                        Some(p)
                    }
                    _ => None,
                };
                PublicService {
                    id: s.id,
                    staff: links
                        .iter()
                        .filter(|l| l.service_id == s.id && live_staff(l.resource_id))
                        .map(|l| l.resource_id)
                        .collect(),
                    name: s.name,
                    category: s.category,
                    description: s.description,
                    duration_min: s.duration_min,
                    price_minor: promo.unwrap_or(s.price_minor),
                    currency: s.currency,
                }
            })
            .collect();
        let staff = resources
            .iter()
            .filter(|r| services.iter().any(|s| s.staff.contains(&r.id)))
            .map(|r| PublicStaff {
                id: r.id,
                name: r.name.clone(),
            })
            .collect();
        let restaurant =
            services.is_empty() && resources.iter().any(|r| r.kind == "table" && r.active);
        Ok(PublicSite {
            tenant,
            business: biz.name,
            default_language: biz.default_language,
            location,
            rules,
            settings,
            restaurant,
            services,
            staff,
        })
    }

    /// Checks the services and staff of a public request against the page's own offer.
    fn public_items(
        site: &PublicSite,
        services: &[ServiceId],
        staff: Option<ResourceId>,
    ) -> AppResult<Vec<VisitItemIn>> {
        if services.len() > 5 {
            return Err(AppError::invalid(
                "services",
                "at most 5 services in one visit",
            ));
        }
        for s in services {
            if site.service(*s).is_none() {
                return Err(AppError::MissingRef("services"));
            }
        }
        if let Some(st) = staff {
            if site.staff_member(st).is_none() {
                return Err(AppError::MissingRef("staff_id"));
            }
            if services.iter().any(|s| {
                site.service(*s)
                    .is_some_and(|s| !s.staff.is_empty() && !s.staff.contains(&st))
            }) {
                return Err(AppError::invalid(
                    "staff_id",
                    "does not perform every service chosen",
                ));
            }
        }
        if services.is_empty() && !site.restaurant {
            return Err(AppError::invalid("services", "choose a service"));
        }
        // A service nobody in particular performs takes no staff preference.
        Ok(services
            .iter()
            .map(|s| VisitItemIn {
                service_id: *s,
                staff_id: staff.filter(|_| site.service(*s).is_some_and(|x| !x.staff.is_empty())),
            })
            .collect())
    }

    /// Free times on the booking page, as customers see them (notice, window, online-bookable
    /// services and tables only).
    pub async fn public_availability(
        &self,
        site: &PublicSite,
        q: &PublicQuery,
        client: &ClientInfo,
    ) -> AppResult<Vec<SlotOut>> {
        let items = Self::public_items(site, &q.services, q.staff_id)?;
        if !(1..=14).contains(&q.days) {
            return Err(AppError::invalid("days", "must be between 1 and 14"));
        }
        let from = crate::bookings::parse_date("date", &q.date)?;
        let to = from
            .checked_add(jiff::Span::new().days(i64::from(q.days) - 1))
            .map_err(|_| AppError::invalid("date", "out of range"))?;
        let input = AvailabilityIn {
            location_id: site.location.id,
            services: items,
            same_staff: false,
            from: from.to_string(),
            to: Some(to.to_string()),
            party_size: q.party_size,
            requirements: q.requirements.clone(),
            area_id: None,
        };
        self.availability_for(&public_ctx(site.tenant, client), &input, "web")
            .await
    }

    // ------------------------------------------------------------------ holds and codes

    /// Makes a public booking: a hold on the chosen time, and a code by SMS to the phone given
    /// (O1). `idempotency_key` (namespaced by the caller) makes a retried form hold once.
    pub async fn public_book(
        &self,
        site: &PublicSite,
        input: &PublicBookingIn,
        client: &ClientInfo,
        idempotency_key: Option<&str>,
    ) -> AppResult<PublicHoldOut> {
        let now = self.now_ms();
        let limits = &self.config.public;
        let ctx = public_ctx(site.tenant, client);
        let mut v = Validator::default();
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let country = input
            .phone_country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(&site.location.country)
            .to_ascii_uppercase();
        let phone = if input.phone.trim().is_empty() {
            v.push(
                "phone",
                "is needed: the code to confirm the booking goes there",
            );
            None
        } else {
            v.check(validate::phone("phone", &input.phone, &country))
        };
        let email = match input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => v.check(validate::email("email", e)),
            None => None,
        };
        let language = input
            .language
            .as_deref()
            .filter(|l| LANGUAGES.contains(l))
            .unwrap_or(&site.default_language)
            .to_string();
        for r in &input.requirements {
            if !TABLE_TAGS.contains(&r.as_str()) {
                v.push("requirements", &format!("unknown requirement {r:?}"));
            }
        }
        let items = match Self::public_items(site, &input.services, input.staff_id) {
            Ok(i) => Some(i),
            Err(AppError::Invalid(list)) => {
                v.0.extend(list);
                None
            }
            Err(e) => return Err(e),
        };
        v.finish()?;
        let (name, phone, items) = (
            name.expect("valid"),
            phone.expect("valid"),
            items.expect("valid"),
        );
        // Coarse limits on holds (S1): a visitor cannot block a calendar with holds.
        let ip_key = client.ip.as_deref().map(|ip| format!("pub:hold:ip:{ip}"));
        if let Some(k) = &ip_key
            && self.store.read_counter(k, HOUR_MS, now).await? >= limits.holds_per_ip_per_hour
        {
            return Err(AppError::TooManyAttempts(
                ((HOUR_MS - now.rem_euclid(HOUR_MS)) / 1000 + 1) as u64,
            ));
        }
        let loc_key = format!("pub:hold:loc:{}", site.location.id);
        if self.store.read_counter(&loc_key, HOUR_MS, now).await?
            >= limits.holds_per_location_per_hour
        {
            return Err(AppError::TooManyAttempts(
                ((HOUR_MS - now.rem_euclid(HOUR_MS)) / 1000 + 1) as u64,
            ));
        }
        // The phone's and the IP's daily code budget is checked before the slot is held.
        self.check_code_budget(&phone, client).await?;
        let booking_in = BookingIn {
            location_id: site.location.id,
            services: items,
            same_staff: false,
            start: input.start.trim().to_string(),
            party_size: input.party_size,
            customer_id: None,
            // Found again by phone only: the phone is what the code proves. An e-mail typed on
            // the form is attached once the phone is verified, if no other customer has it.
            customer: Some(CustomerDetailsIn {
                name,
                phone: Some(phone.clone()),
                email: None,
                language: Some(language.clone()),
            }),
            notes: input.notes.clone(),
            requirements: input.requirements.clone(),
            area_id: None,
            hold: true,
            source: Some("web".into()),
            recurrence: None,
        };
        let out = self
            .create_booking(&ctx, &booking_in, idempotency_key)
            .await?;
        let id = out.booking.id;
        if let Some(k) = &ip_key {
            self.store.hit_counter(k, HOUR_MS, now).await?;
        }
        self.store.hit_counter(&loc_key, HOUR_MS, now).await?;
        let token = match out.manage_token {
            Some(t) => t,
            None => {
                // A retried form (same key, same details): the hold exists and its code was
                // sent; the retry gets a link of its own to the same hold.
                if out.booking.status != "held" || out.booking.source != "web" {
                    return Err(AppError::Conflict(
                        "already_booked",
                        "this form was already used".into(),
                    ));
                }
                let cred = Credential::generate(site.tenant.uuid(), id.uuid());
                let mut tx = self.store.begin().await?;
                tx.tenant(site.tenant)
                    .set_manage_token(id, &token::salted_hash(&cred.secret))
                    .await?;
                tx.commit().await?;
                let b = self
                    .store
                    .tenant(site.tenant)
                    .booking(id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let ver = self
                    .store
                    .tenant(site.tenant)
                    .verification(id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                return Ok(self.hold_out(&b, &ver, cred.render("mb")));
            }
        };
        let marketing = input.marketing_consent && site.settings.ask_marketing_consent;
        let messaging = input.messaging_consent && site.settings.ask_messaging_consent;
        let code = new_code();
        let ttl = site.settings.code_minutes.clamp(2, 30) * MIN_MS;
        let ver = Verification {
            tenant_id: site.tenant,
            booking_id: id,
            phone: phone.clone(),
            code_hash: self.code_mac(site.tenant, id, &code),
            expires_at_ms: now + ttl,
            attempts: 0,
            sends: 1,
            last_sent_at_ms: now,
            used_at_ms: None,
            email,
            marketing_consent: marketing,
            messaging_consent: messaging,
            created_at_ms: now,
        };
        let sent = async {
            self.count_code_sent(&phone, client).await?;
            let mut tx = self.store.begin().await?;
            tx.tenant(site.tenant).insert_verification(&ver).await?;
            self.queue_code_sms(
                &mut tx,
                site.tenant,
                &site.business,
                &phone,
                &code,
                &language,
                ttl,
            )
            .await?;
            // The hold lasts at least as long as the code.
            tx.tenant(site.tenant)
                .extend_hold(id, ver.expires_at_ms, now)
                .await?;
            ctx.audit(
                &mut tx,
                now,
                "booking.code_sent",
                Some(id.to_string()),
                json!({"phone": phone_hint(&phone), "send": 1}),
            )
            .await?;
            tx.commit().await?;
            AppResult::Ok(())
        }
        .await;
        if let Err(e) = sent {
            // No code, no booking: the hold goes at once instead of blocking the slot.
            let _ = self
                .booking_action(
                    &ctx,
                    id,
                    "cancel",
                    &StatusIn {
                        reason: Some("the confirmation code could not be sent".into()),
                    },
                )
                .await;
            return Err(match e {
                AppError::Conflict("sms_credits_exhausted", _) => AppError::Conflict(
                    "code_unavailable",
                    "this business cannot send confirmation codes right now; please call them to book".into(),
                ),
                e => e,
            });
        }
        self.waker.wake();
        let b = self
            .store
            .tenant(site.tenant)
            .booking(id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(self.hold_out(&b, &ver, token))
    }

    fn hold_out(&self, b: &Booking, ver: &Verification, token: String) -> PublicHoldOut {
        let tz = jiff::tz::TimeZone::get(&b.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let local = jiff::Timestamp::from_millisecond(b.starts_at_ms)
            .map(|t| t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default();
        PublicHoldOut {
            manage_url: format!(
                "{}{}{token}",
                self.config.base_url,
                crate::notify::MANAGE_PATH
            ),
            token,
            status: b.status.clone(),
            start: rfc3339(b.starts_at_ms),
            local_time: local,
            time_zone: b.time_zone.clone(),
            hold_expires_at: b.hold_expires_at_ms.map(rfc3339).unwrap_or_default(),
            code_expires_at: rfc3339(ver.expires_at_ms),
            phone_hint: phone_hint(&ver.phone),
            resends_left: (1 + self.config.public.resends_per_booking - ver.sends).max(0),
        }
    }

    fn code_mac(&self, tenant: TenantId, booking: BookingId, code: &str) -> String {
        self.keyring
            .read()
            .expect("keyring lock")
            .mac(OTP_MAC, format!("{tenant}|{booking}|{code}").as_bytes())
    }

    fn code_matches(&self, v: &Verification, code: &str) -> bool {
        self.keyring.read().expect("keyring lock").verify_mac(
            &v.code_hash,
            OTP_MAC,
            format!("{}|{}|{code}", v.tenant_id, v.booking_id).as_bytes(),
        )
    }

    fn phone_key(&self, phone: &str) -> String {
        // Keyed, so the counters table does not list customers' numbers.
        let m = self
            .keyring
            .read()
            .expect("keyring lock")
            .mac(PHONE_MAC, phone.as_bytes());
        format!("otp:phone:{}", m.rsplit('.').next().unwrap_or_default())
    }

    /// Refuses when the phone or the IP used its daily code budget.
    async fn check_code_budget(&self, phone: &str, client: &ClientInfo) -> AppResult<()> {
        let now = self.now_ms();
        let l = &self.config.public;
        let by_phone = self
            .store
            .read_counter(&self.phone_key(phone), DAY_MS, now)
            .await?;
        let by_ip = match &client.ip {
            Some(ip) => {
                self.store
                    .read_counter(&format!("otp:ip:{ip}"), DAY_MS, now)
                    .await?
            }
            None => 0,
        };
        if by_phone >= l.codes_per_phone_per_day || by_ip >= l.codes_per_ip_per_day {
            return Err(AppError::TooManyAttempts(until_tomorrow_s(now)));
        }
        Ok(())
    }

    /// Counts a code about to be sent; refuses (counting nothing more) past the daily budget.
    /// Counting first makes the budget exact however many requests race.
    async fn count_code_sent(&self, phone: &str, client: &ClientInfo) -> AppResult<()> {
        let now = self.now_ms();
        let l = &self.config.public;
        let by_phone = self
            .store
            .hit_counter(&self.phone_key(phone), DAY_MS, now)
            .await?;
        let by_ip = match &client.ip {
            Some(ip) => {
                self.store
                    .hit_counter(&format!("otp:ip:{ip}"), DAY_MS, now)
                    .await?
            }
            None => 0,
        };
        if by_phone > l.codes_per_phone_per_day || by_ip > l.codes_per_ip_per_day {
            return Err(AppError::TooManyAttempts(until_tomorrow_s(now)));
        }
        Ok(())
    }

    #[expect(clippy::too_many_arguments, reason = "one message's parts")]
    async fn queue_code_sms(
        &self,
        tx: &mut frontdesk_store::Tx,
        tenant: TenantId,
        business: &str,
        phone: &str,
        code: &str,
        language: &str,
        ttl_ms: i64,
    ) -> AppResult<SmsId> {
        let mut vars = crate::notify::templates::sample_vars(language, business);
        for val in vars.values_mut() {
            val.clear();
        }
        vars.insert("business", business.to_string());
        vars.insert("code", code.to_string());
        vars.insert("minutes", (ttl_ms / MIN_MS).to_string());
        let text = self
            .render_kind(tenant, "verification_code", "sms", language, &vars)
            .await?
            .text;
        self.queue_sms(tx, tenant, phone, &text, "verification_code", true)
            .await
    }

    /// The booking behind a manage token, checked against its stored hashes (B5). Forged,
    /// unknown and used-up tokens (an expired hold, a visit long over) are all simply not found.
    async fn booking_by_token(&self, token: &str) -> AppResult<Booking> {
        let b = match self.booking_for_manage_token(token).await? {
            Some(b) => b,
            None => {
                // A link whose hash was replaced on the booking (kept in `booking_links`).
                let cred = Credential::parse("mb", token.trim()).ok_or(AppError::NotFound)?;
                let t = self.store.tenant(TenantId::from(cred.scope));
                let id = BookingId::from(cred.id);
                let b = t.booking(id).await?.ok_or(AppError::NotFound)?;
                let known = t
                    .booking_link_hashes(id)
                    .await?
                    .iter()
                    .any(|h| verify_salted(h, &cred.secret));
                if !known {
                    return Err(AppError::NotFound);
                }
                b
            }
        };
        if b.status == "expired" {
            return Err(AppError::NotFound);
        }
        if b.ends_at_ms + self.config.public.link_days_after_visit * DAY_MS < self.now_ms() {
            return Err(AppError::NotFound);
        }
        Ok(b)
    }

    /// The verification of a held booking, checking the hold is still live.
    async fn live_hold(&self, b: &Booking) -> AppResult<Verification> {
        let now = self.now_ms();
        if b.status != "held" {
            return Err(AppError::Conflict(
                "not_held",
                "this booking is not waiting for a code".into(),
            ));
        }
        if b.hold_expires_at_ms.is_none_or(|e| e <= now) {
            return Err(AppError::Conflict(
                "hold_expired",
                "the time was held for you too long without the code and was released; please book again".into(),
            ));
        }
        self.store
            .tenant(b.tenant_id)
            .verification(b.id)
            .await?
            .ok_or(AppError::Conflict(
                "no_code",
                "this booking was not made on the booking page".into(),
            ))
    }

    /// Checks a code (O1–O3). The right one confirms the booking (or makes it pending where the
    /// location confirms bookings itself) and returns its new status; a retry after success
    /// returns the status again.
    pub async fn public_verify(
        &self,
        token: &str,
        code: &str,
        client: &ClientInfo,
    ) -> AppResult<String> {
        let b = self.booking_by_token(token).await?;
        if matches!(b.status.as_str(), "confirmed" | "pending") && b.source == "web" {
            // A double submit, or the back button: already done.
            return Ok(b.status);
        }
        let v = self.live_hold(&b).await?;
        let tenant = b.tenant_id;
        let now = self.now_ms();
        let l = &self.config.public;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|c| c.is_ascii_digit()) {
            return Err(AppError::invalid(
                "code",
                "must be the 6 digits from the text message",
            ));
        }
        let ip_key = client.ip.as_deref().map(|ip| format!("otp:fail:ip:{ip}"));
        if let Some(k) = &ip_key
            && self.store.read_counter(k, DAY_MS, now).await? >= l.failed_codes_per_ip_per_day
        {
            return Err(AppError::TooManyAttempts(until_tomorrow_s(now)));
        }
        if v.expires_at_ms <= now {
            return Err(AppError::Conflict(
                "code_expired",
                "this code has expired; ask for a new one".into(),
            ));
        }
        // Count the guess first, in one conditional statement: a guess past the limit is never
        // compared, however many arrive at once.
        let mut tx = self.store.begin().await?;
        let counted = tx
            .tenant(tenant)
            .take_attempt(b.id, l.attempts_per_code)
            .await?;
        tx.commit().await?;
        let Some(v) = counted else {
            return Err(AppError::Conflict(
                "code_locked",
                "too many wrong tries for this code; ask for a new one".into(),
            ));
        };
        let ctx = public_ctx(tenant, client);
        if !self.code_matches(&v, &code) {
            if let Some(k) = &ip_key {
                self.store.hit_counter(k, DAY_MS, now).await?;
            }
            let left = (l.attempts_per_code - v.attempts).max(0);
            let mut tx = self.store.begin().await?;
            ctx.audit(
                &mut tx,
                now,
                "booking.code_failed",
                Some(b.id.to_string()),
                json!({"attempt": v.attempts}),
            )
            .await?;
            tx.commit().await?;
            // Every guess that was compared answers the same way, with the tries left (0:
            // ask for a new code); only guesses past the limit are `code_locked`.
            return Err(AppError::invalid(
                "code",
                &format!(
                    "is not right ({left} {} left)",
                    if left == 1 { "try" } else { "tries" }
                ),
            ));
        }
        let rules = self.store.tenant(tenant).rules(b.location_id).await?;
        let to = if rules.require_confirmation {
            "pending"
        } else {
            "confirmed"
        };
        let mut tx = self.store.begin().await?;
        if !tx.tenant(tenant).use_verification(b.id, now).await? {
            // Someone else's request with the right code won the race.
            drop(tx);
            let b = self
                .store
                .tenant(tenant)
                .booking(b.id)
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(b.status);
        }
        if !tx
            .tenant(tenant)
            .confirm_hold(
                b.id,
                to,
                "customer",
                "phone verified with a one-time code",
                now,
            )
            .await?
        {
            return Err(AppError::Conflict(
                "hold_expired",
                "the time was held for you too long without the code and was released; please book again".into(),
            ));
        }
        let confirmed = Booking {
            status: to.into(),
            hold_expires_at_ms: None,
            updated_at_ms: now,
            ..b.clone()
        };
        // Confirmation, reminder and team notices are planned in this same transaction (N1).
        let change = if to == "confirmed" {
            crate::notify::BookingChange::Confirmed
        } else {
            crate::notify::BookingChange::Created
        };
        self.booking_changed(&mut tx, tenant, &confirmed, change)
            .await?;
        if let Some(c) = b.customer_id {
            let mut w = tx.tenant(tenant);
            w.mark_customer_verified(c, now).await?;
            w.record_customer_consents(c, v.marketing_consent, v.messaging_consent, "web", now)
                .await?;
            if let Some(e) = &v.email {
                w.set_customer_email_if_free(c, e, &validate::email_key(e), now)
                    .await?;
            }
            w.refresh_customer_stats(c, now).await?;
        }
        ctx.audit(
            &mut tx,
            now,
            "booking.verified",
            Some(b.id.to_string()),
            json!({"status": to, "marketing_consent": v.marketing_consent, "messaging_consent": v.messaging_consent}),
        )
        .await?;
        // Used, then deleted: the code is worth nothing once the booking is confirmed.
        tx.tenant(tenant).delete_verification(b.id).await?;
        tx.commit().await?;
        self.bookings_touched(tenant);
        self.waker.wake();
        Ok(to.to_string())
    }

    /// Sends a new code for a held booking (at most [`PublicLimits::resends_per_booking`]).
    pub async fn public_resend(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> AppResult<PublicHoldOut> {
        let b = self.booking_by_token(token).await?;
        let v = self.live_hold(&b).await?;
        let tenant = b.tenant_id;
        let now = self.now_ms();
        let l = &self.config.public;
        if v.sends > l.resends_per_booking {
            return Err(AppError::Conflict(
                "resend_limit",
                "no more codes can be sent for this booking; please book again or call the business".into(),
            ));
        }
        let wait = v.last_sent_at_ms + l.resend_after.as_millis() as i64 - now;
        if wait > 0 {
            return Err(AppError::TooManyAttempts((wait / 1000 + 1) as u64));
        }
        self.count_code_sent(&v.phone, client).await?;
        let t = self.store.tenant(tenant);
        let biz = t.get().await?.ok_or(AppError::NotFound)?;
        let settings = t
            .booking_page_settings()
            .await?
            .unwrap_or_else(|| BookingPageSettings::defaults(tenant));
        let language = match b.customer_id {
            Some(c) => t.customer(c).await?.and_then(|c| c.language),
            None => None,
        }
        .filter(|l| LANGUAGES.contains(&l.as_str()))
        .unwrap_or(biz.default_language);
        let ttl = settings.code_minutes.clamp(2, 30) * MIN_MS;
        let code = new_code();
        let ctx = public_ctx(tenant, client);
        let mut tx = self.store.begin().await?;
        if !tx
            .tenant(tenant)
            .replace_code(
                b.id,
                &self.code_mac(tenant, b.id, &code),
                now + ttl,
                1 + l.resends_per_booking,
                now,
            )
            .await?
        {
            return Err(AppError::Conflict(
                "resend_limit",
                "no more codes can be sent for this booking; please book again or call the business".into(),
            ));
        }
        self.queue_code_sms(&mut tx, tenant, &biz.name, &v.phone, &code, &language, ttl)
            .await
            .map_err(|e| match e {
                AppError::Conflict("sms_credits_exhausted", _) => AppError::Conflict(
                    "code_unavailable",
                    "this business cannot send confirmation codes right now; please call them"
                        .into(),
                ),
                e => e,
            })?;
        if !tx.tenant(tenant).extend_hold(b.id, now + ttl, now).await? {
            return Err(AppError::Conflict(
                "hold_expired",
                "the time was held for you too long without the code and was released; please book again".into(),
            ));
        }
        ctx.audit(
            &mut tx,
            now,
            "booking.code_sent",
            Some(b.id.to_string()),
            json!({"phone": phone_hint(&v.phone), "send": v.sends + 1}),
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        let b = t.booking(b.id).await?.ok_or(AppError::NotFound)?;
        let v = t.verification(b.id).await?.ok_or(AppError::NotFound)?;
        Ok(self.hold_out(&b, &v, token.trim().to_string()))
    }

    // ------------------------------------------------------------------ manage links

    /// What the customer sees through a manage link.
    pub async fn manage_view(&self, token: &str) -> AppResult<ManageView> {
        let b = self.booking_by_token(token).await?;
        let now = self.now_ms();
        let tenant = b.tenant_id;
        let t = self.store.tenant(tenant);
        let biz = t.get().await?.ok_or(AppError::NotFound)?;
        let location = t.location(b.location_id).await?.ok_or(AppError::NotFound)?;
        let rules = t.rules(b.location_id).await?;
        let customer_language = match b.customer_id {
            Some(c) => t.customer(c).await?.and_then(|c| c.language),
            None => None,
        };
        let mut items = Vec::new();
        for it in t.booking_items(b.id).await? {
            let service = match it.service_id {
                Some(s) => t.service(s).await?.map(|s| s.name),
                None => None,
            };
            let staff = match it.staff_id {
                Some(r) => t.resource(r).await?.map(|r| r.name),
                None => None,
            };
            items.push(ManageItem {
                service,
                staff,
                start_ms: it.starts_at_ms,
                end_ms: it.ends_at_ms,
            });
        }
        let mut tables = Vec::new();
        if b.kind == "reservation" {
            for a in t.booking_allocations(b.id).await? {
                if let Some(r) = t.resource(a.resource_id).await?
                    && r.kind == "table"
                {
                    tables.push(r.name);
                }
            }
        }
        let cancel_until_ms = b.starts_at_ms - rules.cancel_cutoff_min * MIN_MS;
        let edit_until_ms = b.starts_at_ms - rules.edit_cutoff_min * MIN_MS;
        let live = matches!(b.status.as_str(), "pending" | "confirmed");
        let pending = if b.status == "held" {
            t.verification(b.id).await?.map(|v| PendingCode {
                phone_hint: phone_hint(&v.phone),
                code_expires_at_ms: v.expires_at_ms,
                hold_expires_at_ms: b.hold_expires_at_ms.unwrap_or(0),
                attempts_left: (self.config.public.attempts_per_code - v.attempts).max(0),
                resends_left: (1 + self.config.public.resends_per_booking - v.sends).max(0),
                resend_at_ms: v.last_sent_at_ms
                    + self.config.public.resend_after.as_millis() as i64,
            })
        } else {
            None
        };
        let reminder_at_ms = t
            .booking_notifications(b.id)
            .await?
            .into_iter()
            .find(|n| n.key == "reminder" && n.status == "scheduled")
            .map(|n| n.due_at_ms);
        Ok(ManageView {
            tenant,
            business: biz.name,
            default_language: biz.default_language,
            customer_language,
            location,
            can_cancel: (live && now <= cancel_until_ms) || b.status == "held",
            cancel_until_ms,
            can_edit: live && now <= edit_until_ms,
            edit_until_ms,
            pending,
            reminder_at_ms,
            past: b.ends_at_ms <= now,
            items,
            tables,
            booking: b,
        })
    }

    /// Free times a customer could move their booking to (customer rules: notice, window,
    /// online only; the booking's own resources count as free). Same services and staff.
    pub async fn manage_availability(
        &self,
        token: &str,
        date: &str,
        client: &ClientInfo,
    ) -> AppResult<Vec<SlotOut>> {
        let b = self.booking_by_token(token).await?;
        self.move_slots(&b, date, client).await
    }

    async fn move_slots(
        &self,
        b: &Booking,
        date: &str,
        client: &ClientInfo,
    ) -> AppResult<Vec<SlotOut>> {
        let items = self.store.tenant(b.tenant_id).booking_items(b.id).await?;
        let q = AvailabilityIn {
            location_id: b.location_id,
            services: items
                .iter()
                .filter_map(|i| {
                    i.service_id.map(|s| VisitItemIn {
                        service_id: s,
                        staff_id: i.staff_id,
                    })
                })
                .collect(),
            same_staff: false,
            from: date.to_string(),
            to: None,
            party_size: b.party_size.clamp(1, 50) as u32,
            requirements: serde_json::from_str(&b.requirements).unwrap_or_default(),
            area_id: None,
        };
        self.availability_for_customer_move(&public_ctx(b.tenant_id, client), &q, b.id)
            .await
    }

    /// Moves a booking through its link: to one of the free times the customer was offered,
    /// before the location's edit cut-off.
    pub async fn manage_reschedule(
        &self,
        token: &str,
        start: &str,
        client: &ClientInfo,
    ) -> AppResult<Booking> {
        let b = self.booking_by_token(token).await?;
        let now = self.now_ms();
        if !matches!(b.status.as_str(), "pending" | "confirmed") {
            return Err(AppError::Conflict(
                "not_movable",
                format!("a {} booking cannot be moved", b.status),
            ));
        }
        let rules = self.store.tenant(b.tenant_id).rules(b.location_id).await?;
        if now > b.starts_at_ms - rules.edit_cutoff_min * MIN_MS {
            return Err(AppError::Conflict(
                "past_edit_cutoff",
                "it is too late to change this booking online; please call the business".into(),
            ));
        }
        let start = start.trim();
        let date = start.get(..10).unwrap_or_default();
        crate::bookings::parse_date("start", date)?;
        let free = self.move_slots(&b, date, client).await?;
        if !free
            .iter()
            .any(|s| s.local_time == start || s.start == start)
        {
            return Err(AppError::Conflict(
                "slot_taken",
                "this time is not free; choose another".into(),
            ));
        }
        let ctx = public_ctx(b.tenant_id, client);
        self.reschedule_booking(
            &ctx,
            b.id,
            &RescheduleIn {
                start: start.to_string(),
                staff_id: None,
                party_size: None,
            },
        )
        .await?;
        self.store
            .tenant(b.tenant_id)
            .booking(b.id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Cancels a booking through its link, before the location's cancel cut-off (a hold that
    /// was never confirmed can always be let go).
    pub async fn manage_cancel(&self, token: &str, client: &ClientInfo) -> AppResult<Booking> {
        let b = self.booking_by_token(token).await?;
        let now = self.now_ms();
        if !matches!(b.status.as_str(), "held" | "pending" | "confirmed") {
            return Err(AppError::Conflict(
                "not_cancellable",
                format!("a {} booking cannot be cancelled", b.status),
            ));
        }
        let rules = self.store.tenant(b.tenant_id).rules(b.location_id).await?;
        if b.status != "held" && now > b.starts_at_ms - rules.cancel_cutoff_min * MIN_MS {
            return Err(AppError::Conflict(
                "past_cancel_cutoff",
                "it is too late to cancel this booking online; please call the business".into(),
            ));
        }
        let ctx = public_ctx(b.tenant_id, client);
        self.booking_action(
            &ctx,
            b.id,
            "cancel",
            &StatusIn {
                reason: Some("cancelled by the customer online".into()),
            },
        )
        .await?;
        if b.status == "held" {
            let mut tx = self.store.begin().await?;
            tx.tenant(b.tenant_id).delete_verification(b.id).await?;
            tx.commit().await?;
        }
        self.store
            .tenant(b.tenant_id)
            .booking(b.id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Deletes the codes of bookings that are no longer held (part of the hold sweep; R4:
    /// codes are kept for minutes).
    pub async fn purge_stale_codes(&self) -> AppResult<u64> {
        Ok(self.store.purge_verifications().await?)
    }

    // ------------------------------------------------------------------ settings (owners)

    /// The business's booking page settings (any member).
    pub async fn booking_page_settings(&self, ctx: &Ctx) -> AppResult<BookingPageSettings> {
        Ok(self
            .store
            .tenant(ctx.tenant)
            .booking_page_settings()
            .await?
            .unwrap_or_else(|| BookingPageSettings::defaults(ctx.tenant)))
    }

    /// Changes the booking page settings (owners).
    pub async fn update_booking_page_settings(
        &self,
        ctx: &Ctx,
        input: &BookingPageSettingsIn,
    ) -> AppResult<BookingPageSettings> {
        ctx.require_owner()?;
        if !(2..=30).contains(&input.code_minutes) {
            return Err(AppError::invalid(
                "code_minutes",
                "must be between 2 and 30 minutes",
            ));
        }
        let now = self.now_ms();
        let old = self.booking_page_settings(ctx).await?;
        let s = BookingPageSettings {
            tenant_id: ctx.tenant,
            code_minutes: input.code_minutes,
            ask_marketing_consent: input.ask_marketing_consent,
            ask_messaging_consent: input.ask_messaging_consent,
            updated_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        tx.tenant(ctx.tenant).put_booking_page_settings(&s).await?;
        ctx.audit(
            &mut tx,
            now,
            "booking_page.updated",
            None,
            json!({
                "code_minutes": [old.code_minutes, s.code_minutes],
                "ask_marketing_consent": [old.ask_marketing_consent, s.ask_marketing_consent],
                "ask_messaging_consent": [old.ask_messaging_consent, s.ask_messaging_consent],
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..1000 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn phone_hints_hide_most_digits() {
        assert_eq!(phone_hint("+393471234567"), "+39 ••• •••567");
        assert_eq!(phone_hint("+1"), "•••");
    }
}
