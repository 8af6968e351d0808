//! The customer pages, server-rendered and complete without JavaScript.
//!
//! **Booking (`/{slug}`)** is one URL whose query string carries the visit so far, so every step
//! is a plain link or GET form and the back button works: (1) services and staff, or party size
//! and requirements for a restaurant; (2) a day among the next two weeks with free times, then a
//! time; (3) the customer's details and a summary, posted to the same URL. The post makes a hold
//! and sends the code, then redirects to the booking's own page.
//!
//! **The booking's page (`/manage/mb_…`)** asks for the code while the booking is held; once
//! confirmed it shows the booking, moves it to a free time or cancels it within the location's
//! cut-offs. Its forms answer with a redirect carrying `?msg=` (no cookies: the page may be in a
//! third-party frame).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_app::AppError;
use frontdesk_app::auth::ClientInfo;
use frontdesk_app::bookings::SlotOut;
use frontdesk_app::notify::templates::local_when;
use frontdesk_app::public::{ManageView, PublicBookingIn, PublicQuery, PublicSite};
use frontdesk_core::{BookingId, ResourceId, ServiceId};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::i18n::{LANG_NAMES, LANGS};
use super::{Framable, LANG_COOKIE, Prefs, PublicTenant, Theme, Tr, status_of};
use crate::AppState;
use crate::dashboard::desk::{get, get_all, qs};
use crate::dashboard::page::{ASSET_VERSION, pct_encode};
use crate::error::ApiError;
use crate::extract::{Client, FormBody};

type Pairs = Vec<(String, String)>;

/// Requirements a restaurant guest can ask for, with their translation keys.
const REQUIREMENTS: &[(&str, &str)] = &[
    ("accessible", "req_accessible"),
    ("pets", "req_pets"),
    ("stroller", "req_stroller"),
    ("high_chair", "req_high_chair"),
    ("window", "req_window"),
    ("quiet", "req_quiet"),
    ("outdoor", "req_outdoor"),
    ("booth", "req_booth"),
];

/// Phone countries offered first, with their calling codes (any other number can be typed
/// with its `+` prefix).
const COUNTRIES: &[(&str, &str)] = &[
    ("IT", "+39"),
    ("FR", "+33"),
    ("ES", "+34"),
    ("VN", "+84"),
    ("GB", "+44"),
    ("IE", "+353"),
    ("DE", "+49"),
    ("AT", "+43"),
    ("CH", "+41"),
    ("BE", "+32"),
    ("NL", "+31"),
    ("LU", "+352"),
    ("PT", "+351"),
    ("MC", "+377"),
    ("SM", "+378"),
    ("US", "+1"),
    ("CA", "+1"),
    ("AU", "+61"),
    ("SG", "+65"),
    ("TH", "+66"),
];

/// A language link of the footer.
pub struct LangLink {
    code: &'static str,
    name: &'static str,
    href: String,
    current: bool,
}

/// What every customer page shows around its content.
pub struct Frame {
    t: Tr,
    embed: bool,
    title: String,
    business: String,
    location: String,
    slug: String,
    image_url: Option<String>,
    theme_v: String,
    asset_v: &'static str,
    langs: Vec<LangLink>,
}

impl Frame {
    fn new(
        t: Tr,
        embed: bool,
        title: &str,
        site: Option<(&str, &frontdesk_store::Location)>,
        here: &str,
    ) -> Self {
        let langs = LANGS
            .iter()
            .zip(LANG_NAMES)
            .map(|(code, name)| LangLink {
                code,
                name,
                href: with_param(here, "lang", code),
                current: *code == t.lang(),
            })
            .collect();
        Self {
            t,
            embed,
            title: title.to_string(),
            business: site.map(|s| s.0.to_string()).unwrap_or_default(),
            location: site.map(|s| s.1.name.clone()).unwrap_or_default(),
            slug: site.map(|s| s.1.slug.clone()).unwrap_or_default(),
            image_url: site.and_then(|s| s.1.image_url.clone()),
            theme_v: site
                .map(|s| {
                    Theme::of(&s.1.brand_colour)
                        .brand
                        .trim_start_matches('#')
                        .to_string()
                })
                .unwrap_or_default(),
            asset_v: ASSET_VERSION.as_str(),
            langs,
        }
    }
}

/// `url` with `name=value` set (replacing it if present).
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some(name))
        .map(str::to_string)
        .collect();
    parts.push(format!("{name}={}", pct_encode(value)));
    format!("{path}?{}", parts.join("&"))
}

/// Field errors of a customer form, in the page's language.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    fn push(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_string(), message.into()));
        }
    }

    /// The message of a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether a field has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether there is any.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// `(anchor, message)` for the summary at the top of the form.
    pub fn list(&self) -> &[(String, String)] {
        &self.0
    }

    /// The errors of a refused booking, in the page's words (the use case's messages are for
    /// developers; customers get one clear sentence per field).
    fn of_booking(list: &[frontdesk_core::validate::Invalid], t: &Tr) -> Self {
        let mut e = Self::default();
        for i in list {
            let (field, key) = match i.field.as_str() {
                "name" | "customer.name" => ("name", "err_name"),
                "phone" | "customer.phone" | "customer" => ("phone", "err_phone"),
                "email" | "customer.email" => ("email", "err_email"),
                "notes" => ("notes", "err_notes"),
                "start" => ("start", "err_start"),
                "services" => ("services", "err_services"),
                "staff_id" => ("staff", "err_staff"),
                "party_size" => ("party", "err_party"),
                _ => ("form", "err_general"),
            };
            e.push(field, t.get(key));
        }
        e
    }
}

/// The state of a booking visit, carried in the URL (and in the final form).
#[derive(Debug, Clone, Default)]
struct Visit {
    services: Vec<String>,
    staff: String,
    party: String,
    reqs: Vec<String>,
    from: String,
    date: String,
    start: String,
    lang: Option<&'static str>,
    embed: bool,
    step1: bool,
    submitted: bool,
}

impl Visit {
    fn of(p: &[(String, String)], prefs: &Prefs) -> Self {
        Self {
            services: get_all(p, "service")
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            staff: get(p, "staff").trim().to_string(),
            party: get(p, "party").trim().to_string(),
            reqs: get_all(p, "req"),
            from: get(p, "from").trim().to_string(),
            date: get(p, "date").trim().to_string(),
            start: get(p, "start").trim().to_string(),
            lang: prefs.lang_param,
            embed: prefs.embed,
            step1: get(p, "step") == "1",
            submitted: p.iter().any(|(k, _)| k == "staff"),
        }
    }

    /// The query of this visit, with `extra` pairs.
    fn query(&self, extra: &[(&str, &str)]) -> String {
        let mut p: Vec<(&str, &str)> = Vec::new();
        for s in &self.services {
            p.push(("service", s));
        }
        p.push(("staff", &self.staff));
        p.push(("party", &self.party));
        for r in &self.reqs {
            p.push(("req", r));
        }
        p.extend_from_slice(extra);
        if let Some(l) = self.lang {
            p.push(("lang", l));
        }
        if self.embed {
            p.push(("embed", "1"));
        }
        qs(&p)
    }

    fn href(&self, slug: &str, extra: &[(&str, &str)]) -> String {
        let q = self.query(extra);
        if q.is_empty() {
            format!("/{slug}")
        } else {
            format!("/{slug}?{q}")
        }
    }

    /// `?lang=…&embed=1` for links and form actions that leave the visit.
    fn suffix(&self) -> String {
        suffix(self.lang, self.embed)
    }

    fn service_ids(&self) -> Result<Vec<ServiceId>, AppError> {
        self.services
            .iter()
            .map(|s| s.parse().map_err(|_| AppError::MissingRef("services")))
            .collect()
    }

    fn staff_id(&self) -> Result<Option<ResourceId>, AppError> {
        match self.staff.as_str() {
            "" | "any" => Ok(None),
            s => s
                .parse()
                .map(Some)
                .map_err(|_| AppError::MissingRef("staff_id")),
        }
    }

    fn party_size(&self, restaurant: bool) -> u32 {
        self.party.parse().unwrap_or(if restaurant { 2 } else { 1 })
    }
}

fn suffix(lang: Option<&str>, embed: bool) -> String {
    let mut p = Vec::new();
    if let Some(l) = lang {
        p.push(format!("lang={l}"));
    }
    if embed {
        p.push("embed=1".into());
    }
    if p.is_empty() {
        String::new()
    } else {
        format!("?{}", p.join("&"))
    }
}

/// A service to tick.
pub struct ServiceChoice {
    id: String,
    name: String,
    detail: String,
    description: String,
    checked: bool,
}

/// A day button of the time step.
pub struct DayChip {
    date: String,
    weekday: String,
    day: String,
    label: String,
    href: String,
    current: bool,
}

/// A free time.
pub struct TimeLink {
    label: String,
    href: String,
}

/// The fields of the details form.
#[derive(Debug, Clone, Default)]
pub struct Details {
    name: String,
    phone: String,
    phone_country: String,
    email: String,
    notes: String,
    accessible: bool,
    marketing: bool,
    messaging: bool,
    key: String,
}

/// The booking page, at any of its three steps.
#[derive(Template)]
#[template(path = "public/book.html")]
pub struct BookPage {
    f: Frame,
    step: u8,
    step_text: String,
    restaurant: bool,
    description: String,
    // Step 1.
    services: Vec<ServiceChoice>,
    staff: Vec<(String, String, bool)>,
    parties: Vec<(u32, bool)>,
    reqs: Vec<(&'static str, &'static str, bool)>,
    carry: Vec<(&'static str, String)>,
    // Steps 2 and 3.
    summary: Vec<(&'static str, String)>,
    change_href: String,
    days: Vec<DayChip>,
    earlier_href: Option<String>,
    later_href: String,
    times_heading: String,
    times: Vec<TimeLink>,
    zone_note: String,
    api_url: String,
    link_base: String,
    // Step 3.
    back_href: String,
    action: String,
    hidden: Vec<(&'static str, String)>,
    d: Details,
    countries: Vec<(String, String, bool)>,
    ask_marketing: bool,
    ask_messaging: bool,
    marketing_label: String,
    messaging_label: String,
    errors: FieldErrors,
}

/// A message page (not found, taken, too many attempts…).
#[derive(Template)]
#[template(path = "public/message.html")]
pub struct MessagePage {
    f: Frame,
    heading: String,
    text: String,
    link: Option<(String, String)>,
}

/// Renders a customer page: framable in embed mode, remembering a language chosen by link.
fn render<T: Template>(
    status: StatusCode,
    page: &T,
    embed: bool,
    lang_chosen: Option<&str>,
) -> Response {
    let mut res = match page.render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "public template failed to render");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response();
        }
    };
    if embed {
        res.extensions_mut().insert(Framable);
    }
    if let Some(l) = lang_chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={l}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The page for a failure on the customer side. `site` gives the business's frame when known;
/// a link that does not work never says whose it was.
pub fn error_page(
    t: &Tr,
    embed: bool,
    site: Option<(&PublicSite, String)>,
    e: AppError,
) -> Response {
    let status = status_of(&e);
    let (heading, text, link) = match &e {
        AppError::NotFound | AppError::MissingRef(_) => (
            t.get("notfound_title"),
            if site.is_some() {
                t.get("err_general").to_string()
            } else {
                t.get("notfound_text").to_string()
            },
            None,
        ),
        AppError::TooManyAttempts(_) => (t.get("slow_title"), t.get("slow_text").to_string(), None),
        AppError::Conflict("code_unavailable", _) => (
            t.get("unavailable_title"),
            t.get("unavailable_text").to_string(),
            None,
        ),
        AppError::Conflict("slot_taken" | "session_full", _) => (
            t.get("taken_title"),
            t.get("taken_text").to_string(),
            site.as_ref()
                .map(|(_, back)| (back.clone(), t.get("choose_another").to_string())),
        ),
        AppError::Internal(err) => {
            tracing::error!(error = %format!("{err:#}"), "internal error on a public page");
            (t.get("err_general"), String::new(), None)
        }
        _ => (t.get("err_general"), String::new(), None),
    };
    let f = Frame::new(
        *t,
        embed,
        heading,
        site.as_ref()
            .map(|(s, _)| (s.business.as_str(), &s.location)),
        "",
    );
    let mut res = render(
        status,
        &MessagePage {
            f,
            heading: heading.to_string(),
            text,
            link,
        },
        embed,
        None,
    );
    if let AppError::TooManyAttempts(s) = e {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    res
}

fn money(minor: i64, currency: &str, lang: &str) -> String {
    let exp = match currency {
        "VND" | "JPY" | "KRW" | "CLP" | "ISK" | "XAF" | "XOF" => 0,
        _ => 2,
    };
    let sep = if lang == "en" { "." } else { "," };
    if exp == 0 {
        format!("{minor} {currency}")
    } else {
        format!("{}{sep}{:02} {currency}", minor / 100, (minor % 100).abs())
    }
}

fn local_date_of(ms: i64, tz: &TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(tz.clone()).date())
        .unwrap_or_default()
}

fn hm(ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// Noon of a local date, as epoch ms (for naming the day).
fn noon_ms(d: Date, tz: &TimeZone) -> i64 {
    tz.to_zoned(d.at(12, 0, 0, 0))
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

fn local_ms(local: &str, tz: &TimeZone) -> Option<i64> {
    let dt: DateTime = local.parse().ok()?;
    tz.to_zoned(dt).ok().map(|z| z.timestamp().as_millisecond())
}

/// The lines of the summary of a visit.
fn summary(
    site: &PublicSite,
    v: &Visit,
    t: &Tr,
    start_ms: Option<i64>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let chosen: Vec<_> = v
        .service_ids()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| site.service(id))
        .collect();
    if !chosen.is_empty() {
        out.push((
            "summary_what",
            chosen
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ));
        let staff = v
            .staff_id()
            .ok()
            .flatten()
            .and_then(|id| site.staff_member(id))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| t.get("anyone").to_string());
        out.push(("summary_with", staff));
    }
    if site.restaurant {
        out.push(("summary_guests", v.party_size(true).to_string()));
    }
    if let Some(ms) = start_ms {
        out.push((
            "summary_when",
            local_when(ms, &site.location.time_zone, t.lang()).2,
        ));
    }
    let mut place = site.location.name.clone();
    if !site.location.address.is_empty() {
        place.push_str(", ");
        place.push_str(&site.location.address);
    }
    out.push(("summary_where", place));
    if !chosen.is_empty() {
        let total: i64 = chosen.iter().map(|s| s.price_minor).sum();
        let minutes: i64 = chosen.iter().map(|s| s.duration_min).sum();
        if total > 0 {
            out.push((
                "summary_price",
                format!(
                    "{} · {}",
                    money(total, &chosen[0].currency, t.lang()),
                    t.f("minutes", &[("n", &minutes.to_string())])
                ),
            ));
        }
    }
    out
}

fn empty_page(f: Frame, step: u8, site: &PublicSite) -> BookPage {
    BookPage {
        step_text: f.t.f("step_of", &[("n", &step.to_string())]),
        f,
        step,
        restaurant: site.restaurant,
        description: site
            .location
            .booking_description
            .clone()
            .unwrap_or_default(),
        services: Vec::new(),
        staff: Vec::new(),
        parties: Vec::new(),
        reqs: Vec::new(),
        carry: Vec::new(),
        summary: Vec::new(),
        change_href: String::new(),
        days: Vec::new(),
        earlier_href: None,
        later_href: String::new(),
        times_heading: String::new(),
        times: Vec::new(),
        zone_note: String::new(),
        api_url: String::new(),
        link_base: String::new(),
        back_href: String::new(),
        action: String::new(),
        hidden: Vec::new(),
        d: Details::default(),
        countries: Vec::new(),
        ask_marketing: false,
        ask_messaging: false,
        marketing_label: String::new(),
        messaging_label: String::new(),
        errors: FieldErrors::default(),
    }
}

/// GET /{slug} — the booking page, at the step the query string reaches.
pub async fn book(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    prefs: Prefs,
    Client(client): Client,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(q)| q).unwrap_or_default();
    let v = Visit::of(&pairs, &prefs);
    let t = Tr::new(prefs.lang(&site.default_language, None));
    match book_page(
        &state,
        &site,
        &v,
        t,
        &client,
        Details::default(),
        FieldErrors::default(),
    )
    .await
    {
        Ok((status, page)) => render(status, &page, v.embed, prefs.lang_param),
        Err(e) => error_page(
            &t,
            v.embed,
            Some((&site, v.href(&site.location.slug, &[]))),
            e,
        ),
    }
}

async fn book_page(
    state: &AppState,
    site: &PublicSite,
    v: &Visit,
    t: Tr,
    client: &ClientInfo,
    mut d: Details,
    mut errors: FieldErrors,
) -> Result<(StatusCode, BookPage), AppError> {
    let slug = site.location.slug.as_str();
    let services = v.service_ids()?;
    let staff_id = v.staff_id()?;
    // Only this page's own services and staff, at every step (T3).
    if services.iter().any(|s| site.service(*s).is_none()) {
        return Err(AppError::MissingRef("services"));
    }
    if staff_id.is_some_and(|s| site.staff_member(s).is_none()) {
        return Err(AppError::MissingRef("staff_id"));
    }
    let tz = TimeZone::get(&site.location.time_zone).unwrap_or(TimeZone::UTC);
    let here = v.href(
        slug,
        &[("from", &v.from), ("date", &v.date), ("start", &v.start)],
    );
    let site_pair = Some((site.business.as_str(), &site.location));
    let step1 = v.step1
        || if site.restaurant {
            v.party.is_empty()
        } else {
            services.is_empty()
        };
    let mut status = StatusCode::OK;
    if !step1 && v.start.is_empty() {
        // Step 2: days and times.
        let today = local_date_of(state.app.now_ms(), &tz);
        let from = v
            .from
            .parse::<Date>()
            .ok()
            .filter(|d| *d >= today)
            .unwrap_or(today);
        let q = PublicQuery {
            services: services.clone(),
            staff_id,
            date: from.to_string(),
            days: 14,
            party_size: v.party_size(site.restaurant),
            requirements: v.reqs.clone(),
        };
        let slots = match state.app.public_availability(site, &q, client).await {
            Ok(s) => s,
            Err(AppError::Invalid(list)) => {
                // Back to the first step with the reason (e.g. this stylist does not do that).
                let mut e = FieldErrors::of_booking(&list, &t);
                e.0.retain(|(f, _)| f != "start");
                let mut back = v.clone();
                back.start.clear();
                return step_one(site, &back, t, here, e, StatusCode::UNPROCESSABLE_ENTITY);
            }
            Err(e) => return Err(e),
        };
        let mut by_day: BTreeMap<String, Vec<&SlotOut>> = BTreeMap::new();
        for s in &slots {
            by_day
                .entry(s.local_time.get(..10).unwrap_or_default().to_string())
                .or_default()
                .push(s);
        }
        let selected = if by_day.contains_key(&v.date) {
            v.date.clone()
        } else {
            by_day.keys().next().cloned().unwrap_or_default()
        };
        let from_s = from.to_string();
        let days = by_day
            .keys()
            .filter_map(|k| k.parse::<Date>().ok())
            .map(|day| {
                let date = day.to_string();
                DayChip {
                    weekday: t.weekday(day.weekday().to_monday_one_offset()).to_string(),
                    day: format!("{}", day.day()),
                    label: local_when(noon_ms(day, &tz), &site.location.time_zone, t.lang()).0,
                    href: v.href(slug, &[("from", &from_s), ("date", &date)]),
                    current: date == selected,
                    date,
                }
            })
            .collect();
        let times = by_day
            .get(&selected)
            .map(|list| {
                list.iter()
                    .map(|s| TimeLink {
                        label: s.local_time.get(11..16).unwrap_or_default().to_string(),
                        href: v.href(
                            slug,
                            &[
                                ("from", &from_s),
                                ("date", &selected),
                                ("start", &s.local_time),
                            ],
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let earlier = (from > today).then(|| {
            let e = from
                .checked_sub(jiff::Span::new().days(14))
                .unwrap_or(today)
                .max(today)
                .to_string();
            v.href(slug, &[("from", &e)])
        });
        let later = from
            .checked_add(jiff::Span::new().days(14))
            .unwrap_or(from)
            .to_string();
        let times_heading = selected
            .parse::<Date>()
            .map(|d| {
                t.f(
                    "times_on",
                    &[(
                        "date",
                        &local_when(noon_ms(d, &tz), &site.location.time_zone, t.lang()).0,
                    )],
                )
            })
            .unwrap_or_default();
        let mut api = vec![
            (
                "services",
                services
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("staff", v.staff.clone()),
            ("party_size", v.party_size(site.restaurant).to_string()),
            ("requirements", v.reqs.join(",")),
        ];
        api.retain(|(_, x)| !x.is_empty());
        let api_pairs: Vec<(&str, &str)> = api.iter().map(|(k, x)| (*k, x.as_str())).collect();
        let mut page = empty_page(
            Frame::new(t, v.embed, t.get("when_title"), site_pair, &here),
            2,
            site,
        );
        page.summary = summary(site, v, &t, None);
        page.change_href = step_one_href(v, slug);
        page.days = days;
        page.earlier_href = earlier;
        page.later_href = v.href(slug, &[("from", &later)]);
        page.times_heading = times_heading;
        page.times = times;
        page.zone_note = t.f("zone_note", &[("zone", &site.location.time_zone)]);
        page.api_url = format!("/api/public/{slug}/availability?{}", qs(&api_pairs));
        page.link_base = v.href(slug, &[("from", &from_s)]);
        return Ok((status, page));
    }
    if step1 {
        if v.submitted && !v.step1 && !site.restaurant && services.is_empty() {
            errors.push("services", t.get("err_services"));
            return step_one(site, v, t, here, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        return step_one(site, v, t, here, errors, StatusCode::OK);
    }
    // Step 3: details.
    let Some(start_ms) = local_ms(&v.start, &tz) else {
        return Err(AppError::Conflict(
            "slot_taken",
            "choose a time from the list".into(),
        ));
    };
    if d.key.is_empty() {
        d.key = BookingId::new().to_string();
    }
    if d.phone_country.is_empty() {
        d.phone_country = site.location.country.clone();
    }
    let mut hidden: Vec<(&'static str, String)> = Vec::new();
    for s in &v.services {
        hidden.push(("service", s.clone()));
    }
    hidden.push(("staff", v.staff.clone()));
    hidden.push(("party", v.party.clone()));
    for r in &v.reqs {
        hidden.push(("req", r.clone()));
    }
    hidden.push(("from", v.from.clone()));
    hidden.push(("date", v.date.clone()));
    hidden.push(("start", v.start.clone()));
    hidden.push(("key", d.key.clone()));
    hidden.retain(|(_, x)| !x.is_empty());
    let mut countries: Vec<(String, String, bool)> = COUNTRIES
        .iter()
        .map(|(c, dial)| (c.to_string(), format!("{c} {dial}"), *c == d.phone_country))
        .collect();
    if !COUNTRIES.iter().any(|(c, _)| *c == site.location.country) {
        countries.insert(
            0,
            (
                site.location.country.clone(),
                site.location.country.clone(),
                d.phone_country == site.location.country,
            ),
        );
    }
    if errors.any() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let back_href = v.href(slug, &[("from", &v.from), ("date", &v.date)]);
    let mut page = empty_page(
        Frame::new(t, v.embed, t.get("details_title"), site_pair, &here),
        3,
        site,
    );
    page.summary = summary(site, v, &t, Some(start_ms));
    page.change_href = step_one_href(v, slug);
    page.back_href = back_href;
    page.action = format!("/{slug}{}", v.suffix());
    page.hidden = hidden;
    page.countries = countries;
    page.ask_marketing = site.settings.ask_marketing_consent;
    page.ask_messaging = site.settings.ask_messaging_consent;
    page.marketing_label = t.f("marketing_label", &[("business", &site.business)]);
    page.messaging_label = t.f("messaging_label", &[("business", &site.business)]);
    page.errors = errors;
    page.d = d;
    Ok((status, page))
}

/// The first step again, with the choices made so far ticked.
fn step_one_href(v: &Visit, slug: &str) -> String {
    v.href(slug, &[("step", "1")])
}

fn step_one(
    site: &PublicSite,
    v: &Visit,
    t: Tr,
    here: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<(StatusCode, BookPage), AppError> {
    let site_pair = Some((site.business.as_str(), &site.location));
    let title = if site.restaurant {
        t.get("party_title")
    } else {
        t.get("what_title")
    };
    let mut page = empty_page(Frame::new(t, v.embed, title, site_pair, &here), 1, site);
    let chosen: Vec<&str> = v.services.iter().map(String::as_str).collect();
    page.services = site
        .services
        .iter()
        .map(|s| {
            let id = s.id.to_string();
            let mut detail = t.f("minutes", &[("n", &s.duration_min.to_string())]);
            if s.price_minor > 0 {
                detail.push_str(" · ");
                detail.push_str(&money(s.price_minor, &s.currency, t.lang()));
            }
            ServiceChoice {
                checked: chosen.contains(&id.as_str()),
                id,
                name: s.name.clone(),
                detail,
                description: s.description.clone().unwrap_or_default(),
            }
        })
        .collect();
    page.staff = site
        .staff
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                s.name.clone(),
                s.id.to_string() == v.staff,
            )
        })
        .collect();
    let party = v.party_size(site.restaurant);
    page.parties = (1..=12).map(|n| (n, n == party)).collect();
    page.reqs = REQUIREMENTS
        .iter()
        .map(|(k, key)| (*k, t.get(key), v.reqs.iter().any(|r| r == k)))
        .collect();
    let mut carry = Vec::new();
    if let Some(l) = v.lang {
        carry.push(("lang", l.to_string()));
    }
    if v.embed {
        carry.push(("embed", "1".to_string()));
    }
    page.carry = carry;
    page.errors = errors;
    Ok((status, page))
}

/// POST /{slug} — holds the chosen time and sends the code; then the booking's own page.
pub async fn create(
    State(state): State<AppState>,
    PublicTenant(site): PublicTenant,
    prefs: Prefs,
    Client(client): Client,
    form: Result<FormBody<Pairs>, ApiError>,
) -> Response {
    let t = Tr::new(prefs.lang(&site.default_language, None));
    let Ok(FormBody(pairs)) = form else {
        return error_page(
            &t,
            prefs.embed,
            None,
            AppError::invalid("form", "unreadable"),
        );
    };
    let v = Visit::of(&pairs, &prefs);
    let slug = site.location.slug.clone();
    let back = v.href(&slug, &[("from", &v.from), ("date", &v.date)]);
    let d = Details {
        name: get(&pairs, "name").to_string(),
        phone: get(&pairs, "phone").to_string(),
        phone_country: get(&pairs, "phone_country").trim().to_string(),
        email: get(&pairs, "email").to_string(),
        notes: get(&pairs, "notes").to_string(),
        accessible: !get(&pairs, "accessible").is_empty(),
        marketing: !get(&pairs, "marketing").is_empty(),
        messaging: !get(&pairs, "messaging").is_empty(),
        key: get(&pairs, "key").trim().to_string(),
    };
    let (services, staff_id) = match (v.service_ids(), v.staff_id()) {
        (Ok(s), Ok(st)) => (s, st),
        (Err(e), _) | (_, Err(e)) => return error_page(&t, v.embed, Some((&site, back)), e),
    };
    let mut requirements = v.reqs.clone();
    if d.accessible && !requirements.iter().any(|r| r == "accessible") {
        requirements.push("accessible".into());
    }
    let input = PublicBookingIn {
        services,
        staff_id,
        party_size: v.party_size(site.restaurant),
        start: v.start.clone(),
        requirements,
        name: d.name.clone(),
        phone: d.phone.clone(),
        phone_country: Some(d.phone_country.clone()).filter(|c| !c.is_empty()),
        email: Some(d.email.clone()),
        notes: d.notes.clone(),
        language: Some(t.lang().to_string()),
        marketing_consent: d.marketing,
        messaging_consent: d.messaging,
    };
    // A key made when the form was shown: sending the form twice holds the time once.
    let key = (!d.key.is_empty()
        && d.key.len() <= 64
        && d.key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then(|| format!("web-form:{}", d.key));
    match state
        .app
        .public_book(&site, &input, &client, key.as_deref())
        .await
    {
        Ok(hold) => see_other(&format!(
            "{}{}{}",
            frontdesk_app::notify::MANAGE_PATH,
            hold.token,
            v.suffix()
        )),
        Err(AppError::Invalid(list)) => {
            let errors = FieldErrors::of_booking(&list, &t);
            match book_page(&state, &site, &v, t, &client, d, errors).await {
                Ok((_, page)) => render(StatusCode::UNPROCESSABLE_ENTITY, &page, v.embed, None),
                Err(e) => error_page(&t, v.embed, Some((&site, back)), e),
            }
        }
        Err(e) => error_page(&t, v.embed, Some((&site, back)), e),
    }
}

// ---------------------------------------------------------------------- the booking's page

/// The pending code of a held booking, as shown.
pub struct CodeBox {
    text: String,
    held_until: String,
    code_until: String,
    can_resend: bool,
    resend_text: String,
}

/// The booking's own page.
#[derive(Template)]
#[template(path = "public/manage.html")]
pub struct ManagePage {
    f: Frame,
    base: String,
    suffix: String,
    heading: String,
    status: String,
    carry: Vec<(&'static str, String)>,
    move_legend: String,
    notice: Option<String>,
    problem: Option<String>,
    intro: Option<String>,
    summary: Vec<(&'static str, String)>,
    code: Option<CodeBox>,
    code_error: Option<String>,
    can_edit: bool,
    edit_text: String,
    can_cancel: bool,
    cancel_text: String,
    move_date: String,
    move_slots: Vec<(String, String)>,
    move_error: Option<String>,
    move_prev: String,
    move_next: String,
    reminder: Option<String>,
    book_again: Option<String>,
    phone: Option<String>,
}

fn status_key(s: &str) -> &'static str {
    match s {
        "held" => "st_held",
        "pending" => "st_pending",
        "confirmed" => "st_confirmed",
        "checked_in" => "st_checked_in",
        "completed" => "st_completed",
        "cancelled" => "st_cancelled",
        "no_show" => "st_no_show",
        _ => "st_expired",
    }
}

/// What a form on the booking's page went wrong with.
enum Problem {
    None,
    Code(String),
    General(String),
    Move(String),
}

/// What the booking's page shows besides the booking: the message after a form, the day whose
/// free times are offered for a move, a problem with a form, and the status to answer with.
struct Shown<'a> {
    msg: &'a str,
    date: &'a str,
    problem: Problem,
    status: Option<StatusCode>,
}

impl Shown<'_> {
    fn problem(problem: Problem, status: StatusCode) -> Self {
        Shown {
            msg: "",
            date: "",
            problem,
            status: Some(status),
        }
    }
}

async fn manage_page(
    state: &AppState,
    token: &str,
    view: ManageView,
    prefs: &Prefs,
    client: &ClientInfo,
    shown: Shown<'_>,
) -> (StatusCode, ManagePage) {
    let (msg, move_date, problem) = (shown.msg, shown.date, shown.problem);
    let b = &view.booking;
    let t = Tr::new(prefs.lang(&view.default_language, view.customer_language.as_deref()));
    let zone = view.location.time_zone.as_str();
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let now = state.app.now_ms();
    let when = |ms: i64| local_when(ms, zone, t.lang()).2;
    let lang_param = prefs.lang_param;
    let sfx = suffix(lang_param, prefs.embed);
    let base = format!("{}{token}", frontdesk_app::notify::MANAGE_PATH);
    let here = format!("{base}{sfx}");
    let heading = match b.status.as_str() {
        "held" => t.get("verify_title"),
        "pending" => t.get("pending_title"),
        "confirmed" => t.get("confirmed_title"),
        "cancelled" => t.get("cancelled_title"),
        _ => t.get("booking_title"),
    };
    let mut summary = Vec::new();
    let services: Vec<String> = view
        .items
        .iter()
        .filter_map(|i| i.service.clone())
        .collect();
    if !services.is_empty() {
        summary.push(("summary_what", services.join(", ")));
    }
    let mut staff: Vec<String> = Vec::new();
    for s in view.items.iter().filter_map(|i| i.staff.clone()) {
        if !staff.contains(&s) {
            staff.push(s);
        }
    }
    if !staff.is_empty() {
        summary.push(("summary_with", staff.join(", ")));
    }
    if b.kind == "reservation" {
        summary.push(("summary_guests", b.party_size.to_string()));
        if !view.tables.is_empty() {
            summary.push(("summary_tables", view.tables.join(" + ")));
        }
    }
    summary.push(("summary_when", when(b.starts_at_ms)));
    let mut place = view.location.name.clone();
    if !view.location.address.is_empty() {
        place.push_str(", ");
        place.push_str(&view.location.address);
    }
    summary.push(("summary_where", place));
    summary.push(("status", t.get(status_key(&b.status)).to_string()));
    let code = view.pending.as_ref().map(|p| CodeBox {
        text: t.f("verify_text", &[("phone", &p.phone_hint)]),
        held_until: t.f("held_until", &[("time", &hm(p.hold_expires_at_ms, &tz))]),
        code_until: t.f("code_until", &[("time", &hm(p.code_expires_at_ms, &tz))]),
        can_resend: p.resends_left > 0 && now >= p.resend_at_ms,
        resend_text: if p.resends_left == 0 {
            t.get("no_resends").to_string()
        } else if now < p.resend_at_ms {
            // Rounded up to the minute: "from 10:41" must not come before the time itself.
            t.f(
                "resend_wait",
                &[("time", &hm(p.resend_at_ms + 59_999, &tz))],
            )
        } else {
            t.f("resends_left", &[("n", &p.resends_left.to_string())])
        },
    });
    let notice = match msg {
        "confirmed" if b.status == "confirmed" => Some(t.get("confirmed_msg").to_string()),
        "confirmed" if b.status == "pending" => {
            Some(t.f("pending_text", &[("business", &view.business)]))
        }
        "resent" => Some(t.get("code_sent").to_string()),
        "moved" => Some(t.get("moved_msg").to_string()),
        "cancelled" => Some(t.get("cancelled_msg").to_string()),
        _ => None,
    };
    let intro = match b.status.as_str() {
        "pending" if msg != "confirmed" => {
            Some(t.f("pending_text", &[("business", &view.business)]))
        }
        _ if view.past && b.status != "cancelled" => Some(t.get("past_visit").to_string()),
        _ => None,
    };
    let edit_text = if view.can_edit {
        t.f("edit_until", &[("when", &when(view.edit_until_ms))])
    } else {
        t.f("edit_closed", &[("business", &view.business)])
    };
    let cancel_text = if b.status == "held" {
        String::new()
    } else if view.can_cancel {
        t.f("cancel_until", &[("when", &when(view.cancel_until_ms))])
    } else {
        t.f("cancel_closed", &[("business", &view.business)])
    };
    let booking_day = local_date_of(b.starts_at_ms, &tz);
    let move_day = move_date
        .parse::<Date>()
        .ok()
        .filter(|d| *d >= local_date_of(now, &tz))
        .unwrap_or(booking_day);
    let (mut move_slots, mut move_error) = (Vec::new(), None);
    if view.can_edit {
        match state
            .app
            .manage_availability(token, &move_day.to_string(), client)
            .await
        {
            Ok(slots) => {
                move_slots = slots
                    .iter()
                    .filter(|s| s.start_ms != b.starts_at_ms)
                    .map(|s| {
                        (
                            s.local_time.clone(),
                            s.local_time.get(11..16).unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                if move_slots.is_empty() {
                    move_error = Some(t.get("no_times_day").to_string());
                }
            }
            Err(_) => move_error = Some(t.get("no_times_day").to_string()),
        }
    }
    let day_href = |d: Option<Date>| {
        d.map(|d| format!("{}#move", with_param(&here, "date", &d.to_string())))
            .unwrap_or_default()
    };
    let move_prev = day_href(
        move_day
            .yesterday()
            .ok()
            .filter(|d| *d >= local_date_of(now, &tz)),
    );
    let move_next = day_href(move_day.tomorrow().ok());
    let (mut code_error, mut problem_text) = (None, None);
    match problem {
        Problem::None => {}
        Problem::Code(s) => code_error = Some(s),
        Problem::General(s) => problem_text = Some(s),
        Problem::Move(s) => move_error = Some(s),
    }
    let status = if code_error.is_some() || problem_text.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let reminder = view
        .reminder_at_ms
        .filter(|_| b.status == "confirmed")
        .map(|ms| t.f("reminder_at", &[("when", &when(ms))]));
    let book_again = (matches!(b.status.as_str(), "cancelled" | "completed" | "no_show")
        || view.past)
        .then(|| format!("/{}{sfx}", view.location.slug));
    let mut carry = Vec::new();
    if let Some(l) = lang_param {
        carry.push(("lang", l.to_string()));
    }
    if prefs.embed {
        carry.push(("embed", "1".to_string()));
    }
    let frame = Frame::new(
        t,
        prefs.embed,
        heading,
        Some((view.business.as_str(), &view.location)),
        &here,
    );
    let page = ManagePage {
        f: frame,
        base,
        suffix: sfx,
        heading: heading.to_string(),
        status: b.status.clone(),
        carry,
        move_legend: t.f(
            "times_on",
            &[(
                "date",
                &local_when(noon_ms(move_day, &tz), zone, t.lang()).0,
            )],
        ),
        notice,
        problem: problem_text,
        intro,
        summary,
        code,
        code_error,
        can_edit: view.can_edit,
        edit_text,
        can_cancel: view.can_cancel,
        cancel_text,
        move_date: move_day.to_string(),
        move_slots,
        move_error,
        move_prev,
        move_next,
        reminder,
        book_again,
        phone: view.location.phone.clone(),
    };
    (status, page)
}

async fn show_manage(
    state: &AppState,
    token: &str,
    prefs: &Prefs,
    client: &ClientInfo,
    shown: Shown<'_>,
) -> Response {
    let t_default = Tr::new(prefs.lang("en", None));
    let status = shown.status;
    match state.app.manage_view(token).await {
        Ok(view) => {
            let (s, page) = manage_page(state, token, view, prefs, client, shown).await;
            render(status.unwrap_or(s), &page, prefs.embed, prefs.lang_param)
        }
        Err(e) => error_page(&t_default, prefs.embed, None, e),
    }
}

/// GET /manage/{token} — the booking's own page (enter the code while it is held).
pub async fn manage(
    State(state): State<AppState>,
    Path(token): Path<String>,
    prefs: Prefs,
    Client(client): Client,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(q)| q).unwrap_or_default();
    let shown = Shown {
        msg: get(&pairs, "msg"),
        date: get(&pairs, "date"),
        problem: Problem::None,
        status: None,
    };
    show_manage(&state, &token, &prefs, &client, shown).await
}

fn back_to(token: &str, prefs: &Prefs, msg: &str) -> Response {
    let mut to = format!("{}{token}", frontdesk_app::notify::MANAGE_PATH);
    to = with_param(&to, "msg", msg);
    if let Some(l) = prefs.lang_param {
        to = with_param(&to, "lang", l);
    }
    if prefs.embed {
        to = with_param(&to, "embed", "1");
    }
    see_other(&to)
}

/// The page's words for a refusal of the use cases.
fn problem_of(e: &AppError, t: &Tr) -> Option<String> {
    Some(
        match e {
            AppError::Conflict("code_expired", _) => t.get("code_expired"),
            AppError::Conflict("code_locked", _) => t.get("code_locked"),
            AppError::Conflict("resend_limit", _) => t.get("no_resends"),
            AppError::Conflict("hold_expired", _) => t.get("hold_expired_text"),
            AppError::Conflict("code_unavailable", _) => t.get("unavailable_text"),
            AppError::Conflict("slot_taken" | "session_full", _) => t.get("taken_text"),
            AppError::Conflict("past_edit_cutoff" | "not_movable", _) => t.get("err_general"),
            AppError::Conflict("past_cancel_cutoff" | "not_cancellable", _) => t.get("err_general"),
            AppError::Conflict("not_held" | "no_code", _) => t.get("err_general"),
            AppError::TooManyAttempts(_) => t.get("slow_text"),
            _ => return None,
        }
        .to_string(),
    )
}

async fn lang_of(state: &AppState, token: &str, prefs: &Prefs) -> Tr {
    match state.app.manage_view(token).await {
        Ok(v) => Tr::new(prefs.lang(&v.default_language, v.customer_language.as_deref())),
        Err(_) => Tr::new(prefs.lang("en", None)),
    }
}

/// POST /manage/{token}/verify — checks the code (O1).
pub async fn verify(
    State(state): State<AppState>,
    Path(token): Path<String>,
    prefs: Prefs,
    Client(client): Client,
    form: Result<FormBody<Pairs>, ApiError>,
) -> Response {
    let pairs = form.map(|FormBody(p)| p).unwrap_or_default();
    let code = get(&pairs, "code").to_string();
    match state.app.public_verify(&token, &code, &client).await {
        Ok(_) => back_to(&token, &prefs, "confirmed"),
        Err(AppError::NotFound) => error_page(
            &Tr::new(prefs.lang("en", None)),
            prefs.embed,
            None,
            AppError::NotFound,
        ),
        Err(e) => {
            let t = lang_of(&state, &token, &prefs).await;
            let (problem, status) = match &e {
                AppError::Invalid(list) => {
                    let msg = list.first().map(|i| i.message.as_str()).unwrap_or("");
                    let text = if msg.starts_with("must be") {
                        t.get("err_code_format").to_string()
                    } else {
                        let left: String = msg.chars().filter(|c| c.is_ascii_digit()).collect();
                        format!(
                            "{} {}",
                            t.get("err_code"),
                            t.f("tries_left", &[("n", &left)])
                        )
                    };
                    (Problem::Code(text), StatusCode::UNPROCESSABLE_ENTITY)
                }
                e => match problem_of(e, &t) {
                    Some(p) => (Problem::Code(p), super::status_of(e)),
                    None => return error_page(&t, prefs.embed, None, e_owned(e)),
                },
            };
            show_manage(
                &state,
                &token,
                &prefs,
                &client,
                Shown::problem(problem, status),
            )
            .await
        }
    }
}

fn e_owned(e: &AppError) -> AppError {
    match e {
        AppError::NotFound => AppError::NotFound,
        AppError::TooManyAttempts(s) => AppError::TooManyAttempts(*s),
        AppError::Conflict(c, d) => AppError::Conflict(c, d.clone()),
        AppError::Unavailable => AppError::Unavailable,
        _ => AppError::Internal(anyhow::anyhow!("{e}")),
    }
}

/// POST /manage/{token}/resend — a new code (O2: at most three).
pub async fn resend(
    State(state): State<AppState>,
    Path(token): Path<String>,
    prefs: Prefs,
    Client(client): Client,
) -> Response {
    match state.app.public_resend(&token, &client).await {
        Ok(_) => back_to(&token, &prefs, "resent"),
        Err(AppError::NotFound) => error_page(
            &Tr::new(prefs.lang("en", None)),
            prefs.embed,
            None,
            AppError::NotFound,
        ),
        Err(e) => {
            let t = lang_of(&state, &token, &prefs).await;
            let status = super::status_of(&e);
            match problem_of(&e, &t) {
                Some(p) => {
                    let shown = Shown::problem(Problem::General(p), status);
                    let mut res = show_manage(&state, &token, &prefs, &client, shown).await;
                    if let AppError::TooManyAttempts(s) = e {
                        res.headers_mut()
                            .insert(header::RETRY_AFTER, HeaderValue::from(s));
                    }
                    res
                }
                None => error_page(&t, prefs.embed, None, e),
            }
        }
    }
}

/// POST /manage/{token}/reschedule — moves the booking to a free time (B5, within the edit
/// cut-off).
pub async fn reschedule(
    State(state): State<AppState>,
    Path(token): Path<String>,
    prefs: Prefs,
    Client(client): Client,
    form: Result<FormBody<Pairs>, ApiError>,
) -> Response {
    let pairs = form.map(|FormBody(p)| p).unwrap_or_default();
    let start = get(&pairs, "start").to_string();
    let date = start.get(..10).unwrap_or_default().to_string();
    match state.app.manage_reschedule(&token, &start, &client).await {
        Ok(_) => back_to(&token, &prefs, "moved"),
        Err(AppError::NotFound) => error_page(
            &Tr::new(prefs.lang("en", None)),
            prefs.embed,
            None,
            AppError::NotFound,
        ),
        Err(e) => {
            let t = lang_of(&state, &token, &prefs).await;
            let status = super::status_of(&e);
            let text = match &e {
                AppError::Invalid(_) => t.get("err_start").to_string(),
                AppError::Conflict("past_edit_cutoff", _) => {
                    match state.app.manage_view(&token).await {
                        Ok(v) => t.f("edit_closed", &[("business", &v.business)]),
                        Err(_) => t.get("err_general").to_string(),
                    }
                }
                e => problem_of(e, &t).unwrap_or_else(|| t.get("err_general").to_string()),
            };
            show_manage(
                &state,
                &token,
                &prefs,
                &client,
                Shown {
                    msg: "",
                    date: &date,
                    problem: Problem::Move(text),
                    status: Some(status),
                },
            )
            .await
        }
    }
}

/// POST /manage/{token}/cancel — cancels the booking (B5, within the cancel cut-off).
pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    prefs: Prefs,
    Client(client): Client,
) -> Response {
    match state.app.manage_cancel(&token, &client).await {
        Ok(_) => back_to(&token, &prefs, "cancelled"),
        Err(AppError::NotFound) => error_page(
            &Tr::new(prefs.lang("en", None)),
            prefs.embed,
            None,
            AppError::NotFound,
        ),
        Err(e) => {
            let t = lang_of(&state, &token, &prefs).await;
            let status = super::status_of(&e);
            let text = match &e {
                AppError::Conflict("past_cancel_cutoff", _) => {
                    match state.app.manage_view(&token).await {
                        Ok(v) => t.f("cancel_closed", &[("business", &v.business)]),
                        Err(_) => t.get("err_general").to_string(),
                    }
                }
                e => problem_of(e, &t).unwrap_or_else(|| t.get("err_general").to_string()),
            };
            show_manage(
                &state,
                &token,
                &prefs,
                &client,
                Shown::problem(Problem::General(text), status),
            )
            .await
        }
    }
}
