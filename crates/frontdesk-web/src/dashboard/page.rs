//! What every page shares: the layout data (who, which business, the sidebar, the flash
//! message), the extractors that turn failures into HTML instead of problem+json, form errors,
//! redirects with a flash cookie, and rendering.

use std::borrow::Borrow;
use std::str::FromStr;
use std::sync::LazyLock;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use frontdesk_app::auth::SessionCtx;
use frontdesk_app::{Actor, AppError, Ctx};
use frontdesk_core::Role;
use frontdesk_core::validate::Invalid;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, current_request_id};
use crate::extract::{FormBody, IdPath, Owner, SignedIn, Staff};

/// Name of the short-lived cookie that carries a message to the next page.
pub const FLASH_COOKIE: &str = "fd_flash";

/// A short version of the assets, so their URLs change when they do and can be cached for long.
pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(super::assets::CSS.as_bytes());
    h.update(super::assets::JS.as_bytes());
    hex::encode(h.finalize())[..12].to_string()
});

/// An instant in epoch ms, however many references templates wrap it in.
pub trait Millis {
    /// The value.
    fn millis(&self) -> i64;
}

impl Millis for i64 {
    fn millis(&self) -> i64 {
        *self
    }
}

impl<T: Millis + ?Sized> Millis for &T {
    fn millis(&self) -> i64 {
        (**self).millis()
    }
}

/// Epoch ms → `YYYY-MM-DD HH:MM UTC`.
pub fn when(ms: impl Millis) -> String {
    jiff::Timestamp::from_millisecond(ms.millis())
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Optional epoch ms → `YYYY-MM-DD HH:MM UTC`, or a dash.
pub fn when_opt(ms: impl Borrow<Option<i64>>) -> String {
    (*ms.borrow()).map(when).unwrap_or_else(|| "—".into())
}

/// A language's own name, for the language selects.
pub fn language_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "it" => "Italiano",
        "fr" => "Français",
        "es" => "Español",
        "vi" => "Tiếng Việt",
        other => other,
    }
}

/// A message shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// Success (true) or problem (false).
    pub ok: bool,
    /// The text.
    pub message: String,
    /// A link to show with a copy button (an invitation link).
    pub link: Option<String>,
}

impl Flash {
    /// A success message.
    pub fn ok(message: impl Into<String>) -> Self {
        Self {
            ok: true,
            message: message.into(),
            link: None,
        }
    }

    /// A problem message.
    pub fn err(message: impl Into<String>) -> Self {
        Self {
            ok: false,
            message: message.into(),
            link: None,
        }
    }

    fn encode(&self) -> String {
        let mut v = format!(
            "{}|{}",
            if self.ok { "ok" } else { "err" },
            pct_encode(&self.message)
        );
        if let Some(l) = &self.link {
            v.push('|');
            v.push_str(&pct_encode(l));
        }
        v
    }

    fn decode(v: &str) -> Option<Self> {
        let mut parts = v.split('|');
        let ok = match parts.next()? {
            "ok" => true,
            "err" => false,
            _ => return None,
        };
        let message = pct_decode(parts.next()?)?;
        let link = match parts.next() {
            Some(l) => Some(pct_decode(l)?),
            None => None,
        };
        Some(Self { ok, message, link })
    }
}

/// Percent-encodes everything but unreserved characters (for cookies and query strings).
pub fn pct_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pct_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One link of the sidebar.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Text.
    pub label: &'static str,
    /// Whether it is the page being shown.
    pub current: bool,
}

fn nav_for(role: Option<Role>, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, &'static str)> = Vec::new();
    if let Some(role) = role {
        items.extend([
            ("/app", "Overview"),
            ("/app/business", "Business"),
            ("/app/locations", "Locations"),
            ("/app/team", "Team"),
            ("/app/catalogue", "Catalogue"),
        ]);
        if role.can_manage() {
            items.push(("/app/outbox", "Outbox"));
        }
        if role == Role::Owner {
            items.extend([
                ("/app/keys", "Keys"),
                ("/app/support", "Support access"),
                ("/app/audit", "Audit log"),
                ("/app/jobs", "Jobs"),
            ]);
        }
    }
    items.push(("/app/account", "Your account"));
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: path == href
                || (href != "/app"
                    && path
                        .strip_prefix(href)
                        .is_some_and(|rest| rest.starts_with('/'))),
        })
        .collect()
}

/// What the frame of every page shows: who is signed in, in which business and role, the
/// sidebar, the flash message and the development-mode banner.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Someone is signed in (the sidebar and account menu show).
    pub signed_in: bool,
    /// Display name of the person (or the API key).
    pub user_name: String,
    /// The business acted in.
    pub business: Option<String>,
    /// The role acted with.
    pub role: Option<Role>,
    /// The sidebar links the role can use.
    pub nav: Vec<NavItem>,
    /// The location the sidebar's Floor link opens: the first with an active table (pages
    /// of one location point it at theirs). None: no Floor link.
    pub floor: Option<String>,
    /// A message from the previous request.
    pub flash: Option<Flash>,
    /// The outbox folder, when e-mail is written there instead of sent.
    pub outbox: Option<String>,
    /// Version of the assets, for their URLs.
    pub asset_v: &'static str,
    secure_cookies: bool,
}

impl Layout {
    /// A frame with nobody signed in and nothing read from the request.
    pub fn bare() -> Self {
        Self {
            signed_in: false,
            user_name: String::new(),
            business: None,
            role: None,
            nav: Vec::new(),
            floor: None,
            flash: None,
            outbox: None,
            asset_v: ASSET_VERSION.as_str(),
            secure_cookies: true,
        }
    }

    /// A frame for pages anyone can see (sign-in, sign-up).
    pub fn public(parts: &Parts, state: &AppState) -> Self {
        Self {
            flash: read_flash(parts),
            outbox: state.app.outbox_dir().map(|d| d.display().to_string()),
            secure_cookies: state.web.secure_cookies,
            ..Self::bare()
        }
    }

    /// A frame for a signed-in person acting (or not) in a business.
    pub async fn signed_in(parts: &Parts, state: &AppState, ctx: Option<&Ctx>) -> Self {
        let session = parts.extensions.get::<SessionCtx>();
        let user_name = match (session, ctx.map(|c| &c.actor)) {
            (Some(s), _) => s.user.name.clone(),
            (None, Some(Actor::ApiKey { name, .. })) => format!("API key “{name}”"),
            _ => String::new(),
        };
        let business = match ctx {
            Some(c) => state.app.business(c).await.ok().map(|t| t.name),
            None => None,
        };
        let floor = match ctx {
            Some(c) => state.app.floor_location(c).await.ok().flatten(),
            None => None,
        };
        let role = ctx.map(|c| c.role);
        Self {
            signed_in: true,
            user_name,
            business,
            role,
            nav: nav_for(role, parts.uri.path()),
            floor: floor.map(|l| l.to_string()),
            ..Self::public(parts, state)
        }
    }

    /// Whether the person acts as an owner.
    pub fn is_owner(&self) -> bool {
        self.role == Some(Role::Owner)
    }

    /// Whether the person acts as an owner or admin.
    pub fn can_manage(&self) -> bool {
        self.role.is_some_and(Role::can_manage)
    }

    /// Whether this is read-only support access.
    pub fn is_support(&self) -> bool {
        self.role == Some(Role::Support)
    }

    /// The role's name, for display.
    pub fn role_name(&self) -> &'static str {
        self.role.map(Role::as_str).unwrap_or("")
    }
}

fn read_flash(parts: &Parts) -> Option<Flash> {
    CookieJar::from_headers(&parts.headers)
        .get(FLASH_COOKIE)
        .and_then(|c| Flash::decode(c.value()))
}

fn flash_cookie(value: &str, max_age: u32, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("flash cookie is ASCII")
}

/// Templates that embed the [`Layout`].
pub trait HasLayout {
    /// The frame data.
    fn layout(&self) -> &Layout;
}

/// Implements [`HasLayout`] for page templates that have a `layout` field.
macro_rules! has_layout {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::dashboard::page::HasLayout for $t {
            fn layout(&self) -> &$crate::dashboard::page::Layout {
                &self.layout
            }
        }
    )*};
}
pub(crate) use has_layout;

/// Renders a page with a status; a flash message shown on it is cleared.
pub fn render<T: Template + HasLayout>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => {
            let mut res = (status, axum::response::Html(html)).into_response();
            let l = page.layout();
            if l.flash.is_some() {
                res.headers_mut()
                    .append(header::SET_COOKIE, flash_cookie("", 0, l.secure_cookies));
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response()
        }
    }
}

/// Renders a page with 200 OK.
pub fn ok<T: Template + HasLayout>(page: &T) -> PageResult {
    Ok(render(StatusCode::OK, page))
}

/// A 303 redirect (Post/Redirect/Get).
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/app")),
    );
    res
}

/// A 303 redirect that shows `flash` on the next page.
pub fn redirect_flash(state: &AppState, to: &str, flash: Flash) -> Response {
    let mut res = see_other(to);
    res.headers_mut().append(
        header::SET_COOKIE,
        flash_cookie(&flash.encode(), 60, state.web.secure_cookies),
    );
    res
}

/// A 303 redirect that also sets the session cookie of a new sign-in.
pub fn signed_in_redirect(
    state: &AppState,
    token: &str,
    to: &str,
    flash: Option<Flash>,
) -> Response {
    let mut res = match flash {
        Some(f) => redirect_flash(state, to, f),
        None => see_other(to),
    };
    res.headers_mut().append(
        header::SET_COOKIE,
        crate::api::auth::session_cookie_header(state, token),
    );
    res
}

/// `next` only when it is a path on this site (`/…`, not `//…` or `/\…`).
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/\\")
            && n.len() <= 2000
            && !n.chars().any(|c| c.is_control())
    })
}

/// A page's response, or the page that says why not.
pub type PageResult = Result<Response, PageError>;

/// A failure shown as HTML: a redirect to sign in, or an error page (boxed: a `Response` is
/// large, and it travels through every `?`).
#[derive(Debug)]
pub struct PageError(pub Box<Response>);

impl PageError {
    fn of(res: Response) -> Self {
        PageError(Box::new(res))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::new(ApiError::from(e), Layout::bare())
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::new(e, Layout::bare())
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Frame.
    pub layout: Layout,
    /// HTTP status code.
    pub status: u16,
    /// Heading.
    pub title: &'static str,
    /// What happened and what to do.
    pub message: String,
    /// Request id, for 5xx.
    pub request_id: Option<String>,
    /// Offer a link to request a new sign-in link.
    pub link_expired: bool,
}
has_layout!(ErrorPage);

impl PageError {
    /// The error page for `e`, in `layout` (401 becomes a redirect to the sign-in page).
    pub fn new(e: ApiError, layout: Layout) -> Self {
        if e.status == StatusCode::UNAUTHORIZED {
            return PageError::of(see_other("/login"));
        }
        let (title, message) = match e.status {
            StatusCode::FORBIDDEN => (
                "You can’t do this here",
                match e.code {
                    "read_only" => "Support access is read-only: you can look around, but not change anything.".to_string(),
                    "owner_only" => "Only an owner of the business can do this. Ask an owner if you need it done.".to_string(),
                    "owner_or_admin_only" => "Only owners and admins of the business can see this.".to_string(),
                    _ => e.detail.clone(),
                },
            ),
            StatusCode::NOT_FOUND => ("Page not found", "There is nothing here, or it belongs to another business.".to_string()),
            StatusCode::GONE => ("This link is no longer valid", e.detail.clone()),
            StatusCode::TOO_MANY_REQUESTS => ("Too many attempts", e.detail.clone()),
            StatusCode::CONFLICT => ("That did not work", capitalize(&e.detail)),
            s if s.is_server_error() => ("Something went wrong", e.detail.clone()),
            _ => ("Something is not right", e.detail.clone()),
        };
        let page = ErrorPage {
            layout,
            status: e.status.as_u16(),
            title,
            message,
            request_id: if e.status.is_server_error() {
                current_request_id()
            } else {
                None
            },
            link_expired: e.status == StatusCode::GONE,
        };
        let mut res = render(e.status, &page);
        if let Some(s) = e.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        PageError::of(res)
    }

    /// The error page for a use case's failure, in a known frame.
    pub fn app(e: AppError, layout: &Layout) -> Self {
        PageError::new(ApiError::from(e), layout.clone())
    }

    /// Turns an extractor's rejection into a redirect to sign in (keeping where the person was
    /// going) or an error page in the best frame the request allows.
    async fn rejected(parts: &Parts, state: &AppState, e: ApiError) -> Self {
        if e.status == StatusCode::UNAUTHORIZED {
            let to = if matches!(parts.method, Method::GET | Method::HEAD) {
                let target = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/app");
                format!("/login?next={}", pct_encode(target))
            } else {
                "/login".to_string()
            };
            return PageError::of(see_other(&to));
        }
        let layout = if parts.extensions.get::<SessionCtx>().is_some()
            || parts.extensions.get::<Ctx>().is_some()
        {
            let ctx = parts.extensions.get::<Ctx>().cloned().or_else(|| {
                parts
                    .extensions
                    .get::<SessionCtx>()
                    .and_then(|s| s.ctx.clone())
            });
            Layout::signed_in(parts, state, ctx.as_ref()).await
        } else {
            Layout::public(parts, state)
        };
        PageError::new(e, layout)
    }
}

/// Turns a use case's failure into an error page in a known frame.
pub trait OrPage<T> {
    /// The value, or the error page.
    fn or_page(self, layout: &Layout) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, layout: &Layout) -> Result<T, PageError> {
        self.map_err(|e| PageError::app(e, layout))
    }
}

/// Capitalises the first letter and ends with a full stop.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    let mut out = match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Extractors a page can be guarded by: they say in which business the person acts, if any.
pub trait Acting {
    /// The context acted in.
    fn ctx(&self) -> Option<&Ctx>;
}

impl Acting for Staff {
    fn ctx(&self) -> Option<&Ctx> {
        Some(&self.0)
    }
}

impl Acting for Owner {
    fn ctx(&self) -> Option<&Ctx> {
        Some(&self.0)
    }
}

impl Acting for SignedIn {
    fn ctx(&self) -> Option<&Ctx> {
        self.0.ctx.as_ref()
    }
}

/// A page guarded by `E` (one of [`Staff`], [`Owner`], [`SignedIn`]), with its frame. Without a
/// session it redirects to the sign-in page; a refusal is the friendly 403 page.
#[derive(Debug)]
pub struct Page<E>(pub E, pub Layout);

impl<E> FromRequestParts<AppState> for Page<E>
where
    E: FromRequestParts<AppState, Rejection = ApiError> + Acting + Send,
{
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match E::from_request_parts(parts, state).await {
            Ok(e) => {
                let layout = Layout::signed_in(parts, state, e.ctx()).await;
                Ok(Page(e, layout))
            }
            Err(err) => Err(PageError::rejected(parts, state, err).await),
        }
    }
}

/// The frame of a public page.
pub struct Public(pub Layout);

impl FromRequestParts<AppState> for Public {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Public(Layout::public(parts, state)))
    }
}

/// A form body ([`FormBody`]) whose failures are an HTML page.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        FormBody::<T>::from_request(req, state)
            .await
            .map(|FormBody(v)| Form(v))
            .map_err(PageError::from)
    }
}

/// A typed id from the path ([`IdPath`]); one that does not parse is the 404 page, in the
/// dashboard's frame when the guard before it has signed the person in.
#[derive(Debug)]
pub struct Id<T>(pub T);

impl<T: FromStr + Send> FromRequestParts<AppState> for Id<T> {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match IdPath::<T>::from_request_parts(parts, state).await {
            Ok(IdPath(v)) => Ok(Id(v)),
            Err(e) => Err(PageError::rejected(parts, state, e).await),
        }
    }
}

/// Field errors of a form, and errors about the form as a whole.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    fields: Vec<Invalid>,
    general: Vec<String>,
}

impl Errors {
    /// No errors.
    pub fn none() -> Self {
        Self::default()
    }

    /// One error about the whole form.
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            fields: Vec::new(),
            general: vec![message.into()],
        }
    }

    /// One field error (the message follows the field's label: "is not…", "must…").
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            fields: vec![Invalid::new(field, message)],
            general: Vec::new(),
        }
    }

    /// Adds the errors of `other`.
    pub fn merge(&mut self, other: Errors) {
        self.fields.extend(other.fields);
        self.general.extend(other.general);
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether a field has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Errors about the whole form, and field errors for fields the form does not show.
    pub fn messages<'s>(&self, shown: impl AsRef<[&'s str]>) -> Vec<String> {
        let shown = shown.as_ref();
        let mut out = self.general.clone();
        out.extend(
            self.fields
                .iter()
                .filter(|e| !shown.contains(&e.field.as_str()))
                .map(|e| capitalize(&format!("{} {}", e.field, e.message))),
        );
        out
    }

    /// Whether there is any error.
    pub fn any(&self) -> bool {
        !self.fields.is_empty() || !self.general.is_empty()
    }

    /// The errors of a form that a use case refused: validation failures and the conflicts named
    /// in `conflicts` (`code`, field, message) stay on the form; anything else is an error page.
    pub fn from_app(
        e: AppError,
        conflicts: &[(&str, &str, &str)],
        layout: &Layout,
    ) -> Result<Self, PageError> {
        match e {
            AppError::Invalid(fields) => Ok(Self {
                fields,
                general: Vec::new(),
            }),
            AppError::Conflict(code, detail) => Ok(match conflicts.iter().find(|c| c.0 == code) {
                Some((_, field, message)) => Self::field(field, *message),
                None => Self::general(capitalize(&detail)),
            }),
            e => Err(PageError::app(e, layout)),
        }
    }
}

/// The answer to an action form (revoke, remove, retry…): back to `to` with a flash message
/// saying it is done, or what stopped it; refusals and missing things are error pages.
pub fn done(
    state: &AppState,
    layout: &Layout,
    to: &str,
    r: Result<(), AppError>,
    ok: impl Into<String>,
) -> PageResult {
    match r {
        Ok(()) => Ok(redirect_flash(state, to, Flash::ok(ok))),
        Err(AppError::Conflict(_, detail)) => {
            Ok(redirect_flash(state, to, Flash::err(capitalize(&detail))))
        }
        Err(AppError::Invalid(list)) => {
            let text = list
                .iter()
                .map(|e| capitalize(&format!("{} {}", e.field.replace('_', " "), e.message)))
                .collect::<Vec<_>>()
                .join(" ");
            Ok(redirect_flash(state, to, Flash::err(text)))
        }
        Err(e) => Err(PageError::app(e, layout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_round_trips() {
        let f = Flash {
            ok: true,
            message: "Invitation sent to a@b.example | 100% done".into(),
            link: Some("https://x/invite/iv_1?a=b".into()),
        };
        assert_eq!(Flash::decode(&f.encode()), Some(f));
        assert_eq!(Flash::decode("bogus"), None);
        assert_eq!(Flash::decode("ok|%zz"), None);
    }

    #[test]
    fn next_must_be_local() {
        assert_eq!(safe_next(Some("/app/team")), Some("/app/team"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn times_are_utc_minutes() {
        assert_eq!(when(1_795_424_400_000), "2026-11-23 09:00 UTC");
        assert_eq!(when_opt(None), "—");
    }

    #[test]
    fn nav_follows_role() {
        let owner: Vec<_> = nav_for(Some(Role::Owner), "/app/keys")
            .into_iter()
            .filter(|n| n.current)
            .map(|n| n.href)
            .collect();
        assert_eq!(owner, ["/app/keys"]);
        let rec = nav_for(Some(Role::Receptionist), "/app");
        assert!(
            rec.iter()
                .all(|n| n.href != "/app/keys" && n.href != "/app/outbox")
        );
        assert!(rec.iter().any(|n| n.href == "/app" && n.current));
    }
}
