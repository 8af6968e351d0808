//! Sign-up, sign-in, sessions and the signed-in person.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_app::auth::{NewSession, SignupIn};
use frontdesk_core::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::ts;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Client, JsonBody, SignedIn};

/// Builds the `Set-Cookie` header for a new session.
pub fn session_cookie_header(state: &AppState, token: &str) -> HeaderValue {
    let max_age = state.app.config.session_ttl.as_secs();
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        state.web.cookie_name()
    ))
    .expect("cookie is ASCII")
}

/// Builds the `Set-Cookie` header that clears the session cookie.
pub fn clear_cookie_header(state: &AppState) -> HeaderValue {
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        state.web.cookie_name()
    ))
    .expect("cookie is ASCII")
}

/// The result of signing in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInOut {
    /// `usr_…`
    pub user_id: String,
    /// The business the session acts in.
    pub business_id: Option<String>,
    /// Session expiry.
    pub expires_at: String,
}

fn signed_in(state: &AppState, s: NewSession, status: StatusCode) -> Response {
    let body = SignedInOut {
        user_id: s.session.user_id.to_string(),
        business_id: s.session.tenant_id.map(|t| t.to_string()),
        expires_at: ts(s.session.expires_at_ms),
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie_header(state, &s.token));
    res
}

/// A new business and its owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    /// Business name.
    pub business_name: String,
    /// Owner's name.
    pub name: String,
    /// Owner's e-mail.
    pub email: String,
    /// Password (10–128 characters).
    pub password: String,
    /// URL slug of the first location (suggested from the name if absent).
    #[serde(default)]
    pub slug: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 3166 country.
    pub country: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// en, it, fr, es or vi.
    #[serde(default)]
    pub language: Option<String>,
}

/// Creates a business with its owner and signs the owner in.
#[utoipa::path(post, path = "/api/v1/signup", tag = "auth", request_body = SignupBody,
    responses((status = 201, body = SignedInOut), (status = 409, description = "e-mail or slug taken"), (status = 422, description = "invalid fields")))]
pub async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<SignupBody>,
) -> ApiResult<Response> {
    let input = SignupIn {
        business_name: b.business_name,
        name: b.name,
        email: b.email,
        password: b.password,
        slug: b.slug,
        time_zone: b.time_zone,
        country: b.country,
        currency: b.currency,
        language: b.language,
    };
    let (s, _) = state.app.signup(input, &client).await?;
    Ok(signed_in(&state, s, StatusCode::CREATED))
}

/// E-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// Signs in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = SignedInOut), (status = 401, description = "invalid credentials"), (status = 429, description = "too many attempts")))]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<LoginBody>,
) -> ApiResult<Response> {
    let s = state
        .app
        .login_password(&b.email, &b.password, &client)
        .await?;
    Ok(signed_in(&state, s, StatusCode::OK))
}

/// Ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    state.app.logout(&s, &client).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie_header(&state));
    Ok(res)
}

/// How many sessions ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndedOut {
    /// Sessions ended.
    pub sessions_ended: u64,
}

/// Ends every session of the signed-in person.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "auth", responses((status = 200, body = EndedOut)))]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let n = state.app.logout_everywhere(&s).await?;
    let mut res = axum::Json(EndedOut { sessions_ended: n }).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie_header(&state));
    Ok(res)
}

/// An e-mail address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    /// E-mail.
    pub email: String,
}

/// Sends a single-use sign-in link if the account exists (the answer is the same either way).
#[utoipa::path(post, path = "/api/v1/auth/magic-link", tag = "auth", request_body = EmailBody, responses((status = 202)))]
pub async fn magic_link(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<EmailBody>,
) -> ApiResult<StatusCode> {
    state.app.request_magic_link(&b.email, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A link token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// The token from the link.
    pub token: String,
}

/// Signs in with a magic-link token (single use).
#[utoipa::path(post, path = "/api/v1/auth/magic-link/consume", tag = "auth", request_body = TokenBody,
    responses((status = 200, body = SignedInOut), (status = 410, description = "expired or used")))]
pub async fn magic_link_consume(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<TokenBody>,
) -> ApiResult<Response> {
    let s = state.app.consume_magic_link(&b.token, &client).await?;
    Ok(signed_in(&state, s, StatusCode::OK))
}

/// Sends a password-reset link if the account exists (the answer is the same either way).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = EmailBody, responses((status = 202)))]
pub async fn password_reset(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<EmailBody>,
) -> ApiResult<StatusCode> {
    state.app.request_password_reset(&b.email, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A reset token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// The token from the link.
    pub token: String,
    /// New password.
    pub password: String,
}

/// Sets a new password with a reset token; every other session ends; signs in.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/complete", tag = "auth", request_body = ResetBody,
    responses((status = 200, body = SignedInOut), (status = 410, description = "expired or used")))]
pub async fn password_reset_complete(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<ResetBody>,
) -> ApiResult<Response> {
    let s = state
        .app
        .reset_password(&b.token, &b.password, &client)
        .await?;
    Ok(signed_in(&state, s, StatusCode::OK))
}

/// A staff access key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffKeyBody {
    /// `sk_…`
    pub key: String,
}

/// Signs in with a staff access key; the key's previous session ends.
#[utoipa::path(post, path = "/api/v1/auth/staff-key", tag = "auth", request_body = StaffKeyBody,
    responses((status = 200, body = SignedInOut), (status = 401, description = "invalid key")))]
pub async fn staff_key_login(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<StaffKeyBody>,
) -> ApiResult<Response> {
    let s = state.app.login_staff_key(&b.key, &client).await?;
    Ok(signed_in(&state, s, StatusCode::OK))
}

/// Accepts a team invitation and signs in.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "team", request_body = super::dto::AcceptInvitationIn,
    responses((status = 200, body = SignedInOut), (status = 410, description = "expired, used or revoked")))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    Client(client): Client,
    JsonBody(b): JsonBody<super::dto::AcceptInvitationIn>,
) -> ApiResult<Response> {
    let s = state
        .app
        .accept_invitation(&b.token, b.name.as_deref(), &b.password, &client)
        .await?;
    Ok(signed_in(&state, s, StatusCode::OK))
}

/// A business the person belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyBusinessOut {
    /// `ten_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// Role there.
    pub role: String,
}

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// `usr_…`
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Language.
    pub language: String,
    /// The business this session acts in.
    pub business_id: Option<String>,
    /// Role there.
    pub role: Option<String>,
    /// Every business the person can act in.
    pub businesses: Vec<MyBusinessOut>,
    /// Session expiry.
    pub session_expires_at: String,
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", responses((status = 200, body = MeOut)))]
pub async fn me(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<axum::Json<MeOut>> {
    let businesses = state
        .app
        .my_businesses(s.user.id)
        .await?
        .into_iter()
        .map(|m| MyBusinessOut {
            id: m.tenant_id.to_string(),
            name: m.tenant_name,
            role: m.role,
        })
        .collect();
    Ok(axum::Json(MeOut {
        id: s.user.id.to_string(),
        email: s.user.email.clone(),
        name: s.user.name.clone(),
        phone: s.user.phone.clone(),
        language: s.user.language.clone(),
        business_id: s.ctx.as_ref().map(|c| c.tenant.to_string()),
        role: s.ctx.as_ref().map(|c| c.role.to_string()),
        businesses,
        session_expires_at: ts(s.session.expires_at_ms),
    }))
}

/// Profile changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileIn {
    /// Name.
    pub name: String,
    /// Phone (international format, or national in the business's country).
    #[serde(default)]
    pub phone: Option<String>,
    /// en, it, fr, es or vi.
    pub language: String,
}

/// Updates one's own profile.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = ProfileIn, responses((status = 204)))]
pub async fn update_me(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    JsonBody(b): JsonBody<ProfileIn>,
) -> ApiResult<StatusCode> {
    let country = match &s.ctx {
        Some(ctx) => state
            .app
            .locations(ctx)
            .await?
            .first()
            .map(|l| l.country.clone())
            .unwrap_or_else(|| "US".into()),
        None => "US".into(),
    };
    state
        .app
        .update_profile(&s, &b.name, b.phone.as_deref(), &b.language, &country)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    /// Current password.
    pub current_password: String,
    /// New password.
    pub new_password: String,
}

/// Changes one's password; other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = PasswordIn, responses((status = 204), (status = 422)))]
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    JsonBody(b): JsonBody<PasswordIn>,
) -> ApiResult<StatusCode> {
    state
        .app
        .change_password(&s, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The business to act in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchIn {
    /// `ten_…`
    pub business_id: String,
}

/// Switches this session to another business the person belongs to.
#[utoipa::path(post, path = "/api/v1/me/business", tag = "me", request_body = SwitchIn, responses((status = 204), (status = 404)))]
pub async fn switch_business(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    JsonBody(b): JsonBody<SwitchIn>,
) -> ApiResult<StatusCode> {
    let t: TenantId = b.business_id.parse().map_err(|_| ApiError::not_found())?;
    state.app.switch_business(&s, t).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// `ses_…`
    pub id: String,
    /// Whether this is the session making the request.
    pub current: bool,
    /// Opened.
    pub created_at: String,
    /// Last seen.
    pub last_seen_at: String,
    /// Expiry.
    pub expires_at: String,
    /// IP at sign-in.
    pub ip: Option<String>,
    /// Browser.
    pub user_agent: Option<String>,
    /// Opened with a staff key.
    pub staff_key: bool,
}

/// One's open sessions.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "me", responses((status = 200, body = [SessionOut])))]
pub async fn my_sessions(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<axum::Json<Vec<SessionOut>>> {
    let now = state.app.now_ms();
    let list = state
        .app
        .sessions(s.user.id)
        .await?
        .into_iter()
        .filter(|x| x.expires_at_ms > now)
        .map(|x| SessionOut {
            current: x.id == s.session.id,
            id: x.id.to_string(),
            created_at: ts(x.created_at_ms),
            last_seen_at: ts(x.last_seen_at_ms),
            expires_at: ts(x.expires_at_ms),
            ip: x.ip,
            user_agent: x.user_agent,
            staff_key: x.staff_key_id.is_some(),
        })
        .collect();
    Ok(axum::Json(list))
}
