//! Sign-up, sign-in (password, magic link, staff key), sessions, password reset and API keys
//! (promises A1, A3, A4, A5, A7).

use frontdesk_core::token::{
    Credential, new_session_token, salted_hash, sha256_hex, verify_salted,
};
use frontdesk_core::validate::{self, Invalid};
use frontdesk_core::*;
use frontdesk_store::{AuthToken, Location, Session, User};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::Validator;
use crate::mail::{OutgoingMail, link_mail};
use crate::passwords::Verified;
use crate::{Actor, App, AppError, AppResult, Ctx};

/// Prefix of magic-link tokens.
pub const MAGIC_PREFIX: &str = "ml";
/// Prefix of password-reset tokens.
pub const RESET_PREFIX: &str = "pr";
/// Prefix of staff access keys.
pub const STAFF_KEY_PREFIX: &str = "sk";
/// Prefix of integration API keys.
pub const API_KEY_PREFIX: &str = "ak";

const FIFTEEN_MIN_MS: i64 = 15 * 60 * 1000;
const HOUR_MS: i64 = 3600 * 1000;

/// A new business and its owner.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupIn {
    /// Business name.
    pub business_name: String,
    /// Owner's name.
    pub name: String,
    /// Owner's e-mail.
    pub email: String,
    /// Owner's password.
    pub password: String,
    /// URL slug of the first location (suggested from the name when empty).
    #[serde(default)]
    pub slug: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO country.
    pub country: String,
    /// ISO currency.
    pub currency: String,
    /// Language of the owner and default of the business.
    #[serde(default)]
    pub language: Option<String>,
}

/// Where a request comes from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// IP address.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
}

/// A session just opened: the cookie value is shown once.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Cookie value (only its hash is stored).
    pub token: String,
    /// The session row.
    pub session: Session,
}

/// A resolved, valid session.
#[derive(Debug, Clone)]
pub struct SessionCtx {
    /// The session.
    pub session: Session,
    /// The person.
    pub user: User,
    /// The context to act in, if the session is in a business the person still belongs to.
    pub ctx: Option<Ctx>,
}

impl App {
    fn client_ctx(
        &self,
        tenant: TenantId,
        role: Role,
        user: &User,
        session: SessionId,
        client: &ClientInfo,
    ) -> Ctx {
        Ctx {
            tenant,
            role,
            actor: Actor::User {
                user_id: user.id,
                email: user.email.clone(),
                session_id: session,
            },
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        }
    }

    /// Creates a business, its first location and its owner, and signs the owner in.
    pub async fn signup(
        &self,
        input: SignupIn,
        client: &ClientInfo,
    ) -> AppResult<(NewSession, TenantId)> {
        let mut v = Validator::default();
        let business = v.check(validate::text(
            "business_name",
            &input.business_name,
            1,
            120,
            false,
        ));
        let name = v.check(validate::text("name", &input.name, 1, 120, false));
        let email = v.check(validate::email("email", &input.email));
        v.check(validate::password("password", &input.password));
        let tz = v.check(validate::time_zone("time_zone", &input.time_zone));
        let country = v.check(validate::country("country", &input.country));
        let currency = v.check(validate::currency("currency", &input.currency));
        let language = v.check(validate::language(
            "language",
            input.language.as_deref().unwrap_or("en"),
        ));
        let chosen_slug = match input
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => v.check(validate::slug("slug", s)).map(Some),
            None => Some(None),
        };
        v.finish()?;
        let slug = match chosen_slug.flatten() {
            Some(s) => Some(s),
            None => Some(
                self.free_slug(business.as_deref().unwrap_or("business"))
                    .await?,
            ),
        };
        let (business, name, email, tz, country, currency, language, slug) = (
            business.unwrap(),
            name.unwrap(),
            email.unwrap(),
            tz.unwrap(),
            country.unwrap(),
            currency.unwrap(),
            language.unwrap(),
            slug.unwrap(),
        );
        let hash = self.hasher.hash(&input.password).await?;
        let now = self.now_ms();
        let tenant = TenantId::new();
        let user = User {
            id: UserId::new(),
            email_key: validate::email_key(&email),
            email: email.clone(),
            name,
            phone: None,
            language: language.clone(),
            password_hash: Some(hash),
            created_at_ms: now,
            updated_at_ms: now,
        };
        let location = Location {
            tenant_id: tenant,
            id: LocationId::new(),
            name: business.clone(),
            slug,
            address: String::new(),
            phone: None,
            time_zone: tz,
            country,
            currency,
            brand_colour: "#1f6feb".into(),
            booking_description: None,
            tax_id: None,
            image_url: None,
            created_at_ms: now,
            updated_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_user(&user).await?;
        {
            let mut t = tx.tenant(tenant);
            t.insert_tenant(&business, &language, now).await?;
            t.upsert_membership(user.id, Role::Owner, now, None).await?;
            t.insert_location(&location).await?;
        }
        let session = self
            .open_session(&mut tx, &user, Some(tenant), None, client)
            .await?;
        let ctx = self.client_ctx(tenant, Role::Owner, &user, session.session.id, client);
        ctx.audit(
            &mut tx,
            now,
            "signup",
            Some(tenant.to_string()),
            json!({ "business": business, "slug": location.slug }),
        )
        .await?;
        ctx.audit(
            &mut tx,
            now,
            "login",
            Some(user.id.to_string()),
            json!({ "method": "signup" }),
        )
        .await?;
        self.queue_welcome(
            &mut tx,
            tenant,
            &user.name,
            &user.email,
            &language,
            &business,
            &location.slug,
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok((session, tenant))
    }

    /// A valid slug made from a name that no location uses yet ("salon-uno", "salon-uno-2", …).
    pub async fn free_slug(&self, name: &str) -> AppResult<String> {
        let mut base = validate::slugify(name);
        if validate::slug("slug", &base).is_err() {
            base = format!("{}-biz", base.trim_matches('-'));
            base = base.trim_start_matches('-').to_string();
            if validate::slug("slug", &base).is_err() {
                base = "my-business".into();
            }
        }
        for n in 1..50 {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if validate::slug("slug", &candidate).is_ok()
                && self.store.location_by_slug(&candidate).await?.is_none()
            {
                return Ok(candidate);
            }
        }
        Ok(format!(
            "{base}-{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        ))
    }

    async fn open_session(
        &self,
        tx: &mut frontdesk_store::Tx,
        user: &User,
        tenant: Option<TenantId>,
        staff_key: Option<StaffKeyId>,
        client: &ClientInfo,
    ) -> AppResult<NewSession> {
        let now = self.now_ms();
        let token = new_session_token();
        let session = Session {
            id: SessionId::new(),
            token_hash: sha256_hex(token.as_bytes()),
            user_id: user.id,
            tenant_id: tenant,
            staff_key_id: staff_key,
            created_at_ms: now,
            expires_at_ms: now + self.config.session_ttl.as_millis() as i64,
            last_seen_at_ms: now,
            ip: client.ip.clone(),
            user_agent: client
                .user_agent
                .as_deref()
                .map(|u| u.chars().take(300).collect()),
        };
        tx.insert_session(&session).await?;
        Ok(NewSession { token, session })
    }

    /// The business a person acts in after signing in: their first active membership.
    async fn default_tenant(&self, user: UserId) -> AppResult<Option<(TenantId, Role)>> {
        let now = self.now_ms();
        let ms = self.store.memberships_of(user).await?;
        Ok(ms
            .into_iter()
            .filter(|m| m.expires_at_ms.is_none_or(|e| e > now))
            .find_map(|m| m.role.parse::<Role>().ok().map(|r| (m.tenant_id, r))))
    }

    async fn check_login_limits(&self, email_key: &str, client: &ClientInfo) -> AppResult<()> {
        let now = self.now_ms();
        let acct = self
            .store
            .read_counter(&format!("login:acct:{email_key}"), FIFTEEN_MIN_MS, now)
            .await?;
        let ip = match &client.ip {
            Some(ip) => {
                self.store
                    .read_counter(&format!("login:ip:{ip}"), FIFTEEN_MIN_MS, now)
                    .await?
            }
            None => 0,
        };
        if acct >= self.config.login_failures_per_account || ip >= self.config.login_failures_per_ip
        {
            let retry = (FIFTEEN_MIN_MS - now.rem_euclid(FIFTEEN_MIN_MS)) / 1000 + 1;
            return Err(AppError::TooManyAttempts(retry as u64));
        }
        Ok(())
    }

    async fn record_login_failure(
        &self,
        email_key: &str,
        user: Option<&User>,
        client: &ClientInfo,
        method: &str,
    ) -> AppResult<()> {
        let now = self.now_ms();
        self.store
            .hit_counter(&format!("login:acct:{email_key}"), FIFTEEN_MIN_MS, now)
            .await?;
        if let Some(ip) = &client.ip {
            self.store
                .hit_counter(&format!("login:ip:{ip}"), FIFTEEN_MIN_MS, now)
                .await?;
        }
        if let Some(user) = user {
            let ms = self.store.memberships_of(user.id).await?;
            let mut tx = self.store.begin().await?;
            for m in ms {
                let ctx = Ctx {
                    tenant: m.tenant_id,
                    role: m.role.parse().unwrap_or(Role::Support),
                    actor: Actor::User {
                        user_id: user.id,
                        email: user.email.clone(),
                        session_id: SessionId(Uuid::nil()),
                    },
                    ip: client.ip.clone(),
                    user_agent: client.user_agent.clone(),
                };
                ctx.audit(
                    &mut tx,
                    now,
                    "login.failed",
                    Some(user.id.to_string()),
                    json!({ "method": method }),
                )
                .await?;
            }
            tx.commit().await?;
        }
        tracing::info!(target: "security", ip = client.ip.as_deref().unwrap_or("-"), known = user.is_some(), method, "failed sign-in");
        Ok(())
    }

    /// Signs in with e-mail and password. Unknown accounts and wrong passwords get the same answer
    /// after the same work.
    pub async fn login_password(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
    ) -> AppResult<NewSession> {
        let email_key = validate::email_key(email);
        if email_key.is_empty()
            || email_key.len() > 254
            || password.len() > validate::PASSWORD_MAX_CHARS * 4
        {
            return Err(AppError::InvalidCredentials);
        }
        self.check_login_limits(&email_key, client).await?;
        let user = self.store.user_by_email(&email_key).await?;
        let verdict = self
            .hasher
            .verify(
                password,
                user.as_ref().and_then(|u| u.password_hash.as_deref()),
            )
            .await?;
        let user = match (user, verdict) {
            (Some(u), Verified::Yes) => u,
            (Some(u), Verified::YesRehash(new_hash)) => {
                let mut tx = self.store.begin().await?;
                tx.set_password_hash(u.id, &new_hash, self.now_ms()).await?;
                tx.commit().await?;
                u
            }
            (user, _) => {
                self.record_login_failure(&email_key, user.as_ref(), client, "password")
                    .await?;
                return Err(AppError::InvalidCredentials);
            }
        };
        self.finish_login(&user, client, "password").await
    }

    async fn finish_login(
        &self,
        user: &User,
        client: &ClientInfo,
        method: &str,
    ) -> AppResult<NewSession> {
        let Some((tenant, role)) = self.default_tenant(user.id).await? else {
            return Err(AppError::Forbidden("no_active_membership"));
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let s = self
            .open_session(&mut tx, user, Some(tenant), None, client)
            .await?;
        let ctx = self.client_ctx(tenant, role, user, s.session.id, client);
        ctx.audit(
            &mut tx,
            now,
            "login",
            Some(user.id.to_string()),
            json!({ "method": method }),
        )
        .await?;
        tx.commit().await?;
        self.store
            .reset_counter(&format!("login:acct:{}", user.email_key))
            .await?;
        Ok(s)
    }

    /// Resolves a session cookie. Expired sessions, and sessions in a business the person no
    /// longer belongs to, resolve to nothing.
    pub async fn resolve_session(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> AppResult<Option<SessionCtx>> {
        if token.is_empty() || token.len() > 100 {
            return Ok(None);
        }
        let Some(session) = self
            .store
            .session_by_hash(&sha256_hex(token.as_bytes()))
            .await?
        else {
            return Ok(None);
        };
        let now = self.now_ms();
        if session.expires_at_ms <= now {
            let mut tx = self.store.begin().await?;
            tx.delete_session(session.id).await?;
            tx.commit().await?;
            return Ok(None);
        }
        let Some(user) = self.store.user(session.user_id).await? else {
            return Ok(None);
        };
        let ctx = match session.tenant_id {
            Some(t) => match self.store.tenant(t).member(user.id).await? {
                Some(m) if m.expires_at_ms.is_none_or(|e| e > now) => m
                    .role
                    .parse::<Role>()
                    .ok()
                    .map(|role| self.client_ctx(t, role, &user, session.id, client)),
                _ => None,
            },
            None => None,
        };
        if now - session.last_seen_at_ms > 60_000 {
            self.store.touch_session(session.id, now).await?;
        }
        Ok(Some(SessionCtx { session, user, ctx }))
    }

    /// Ends one session (logout).
    pub async fn logout(&self, s: &SessionCtx, client: &ClientInfo) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        tx.delete_session(s.session.id).await?;
        if let Some(ctx) = &s.ctx {
            let mut c = ctx.clone();
            c.ip = client.ip.clone();
            c.audit(
                &mut tx,
                self.now_ms(),
                "logout",
                Some(s.user.id.to_string()),
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of the person ("log out everywhere").
    pub async fn logout_everywhere(&self, s: &SessionCtx) -> AppResult<u64> {
        let mut tx = self.store.begin().await?;
        let n = tx.delete_user_sessions(s.user.id).await?;
        if let Some(ctx) = &s.ctx {
            ctx.audit(
                &mut tx,
                self.now_ms(),
                "logout.everywhere",
                Some(s.user.id.to_string()),
                json!({ "sessions": n }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Moves a session to another business the person belongs to.
    pub async fn switch_business(&self, s: &SessionCtx, tenant: TenantId) -> AppResult<()> {
        let now = self.now_ms();
        match self.store.tenant(tenant).member(s.user.id).await? {
            Some(m) if m.expires_at_ms.is_none_or(|e| e > now) => {}
            _ => return Err(AppError::NotFound),
        }
        let mut tx = self.store.begin().await?;
        tx.switch_session_tenant(s.session.id, tenant).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A person's sessions, newest first.
    pub async fn sessions(&self, user: UserId) -> AppResult<Vec<Session>> {
        Ok(self.store.sessions_of(user).await?)
    }

    /// The businesses a person can act in.
    pub async fn my_businesses(
        &self,
        user: UserId,
    ) -> AppResult<Vec<frontdesk_store::MembershipOf>> {
        let now = self.now_ms();
        Ok(self
            .store
            .memberships_of(user)
            .await?
            .into_iter()
            .filter(|m| m.expires_at_ms.is_none_or(|e| e > now))
            .collect())
    }

    async fn issue_link(
        &self,
        user: &User,
        purpose: &str,
        prefix: &str,
    ) -> AppResult<(String, AuthToken)> {
        let now = self.now_ms();
        let id = AuthTokenId::new();
        let cred = Credential::generate(user.id.0, id.0);
        let t = AuthToken {
            id,
            user_id: user.id,
            purpose: purpose.into(),
            secret_hash: salted_hash(&cred.secret),
            created_at_ms: now,
            expires_at_ms: now + self.config.link_ttl.as_millis() as i64,
            used_at_ms: None,
        };
        Ok((cred.render(prefix), t))
    }

    async fn link_rate_ok(
        &self,
        kind: &str,
        email_key: &str,
        client: &ClientInfo,
    ) -> AppResult<bool> {
        let now = self.now_ms();
        let a = self
            .store
            .hit_counter(&format!("{kind}:acct:{email_key}"), HOUR_MS, now)
            .await?;
        let b = match &client.ip {
            Some(ip) => {
                self.store
                    .hit_counter(&format!("{kind}:ip:{ip}"), HOUR_MS, now)
                    .await?
            }
            None => 0,
        };
        Ok(a <= 5 && b <= 30)
    }

    /// Sends a magic sign-in link if the account exists. Always answers the same way.
    pub async fn request_magic_link(&self, email: &str, client: &ClientInfo) -> AppResult<()> {
        let Ok(email) = validate::email("email", email) else {
            return Err(AppError::invalid("email", "is not a valid e-mail address"));
        };
        let key = validate::email_key(&email);
        if !self.link_rate_ok("magic", &key, client).await? {
            return Err(AppError::TooManyAttempts(3600));
        }
        let Some(user) = self.store.user_by_email(&key).await? else {
            tracing::info!(target: "security", "magic link requested for an unknown address");
            return Ok(());
        };
        let (token, row) = self.issue_link(&user, "magic_link", MAGIC_PREFIX).await?;
        let link = format!("{}/auth/magic/{token}", self.config.base_url);
        let minutes = self.config.link_ttl.as_secs() / 60;
        let (text, html) = link_mail(
            &format!("Hello {},", user.name),
            &[&format!(
                "Use this link to sign in to Frontdesk. It works once and expires in {minutes} minutes."
            )],
            "Sign in",
            &link,
            "If you did not ask for this, ignore this e-mail: nobody can sign in without the link.",
        );
        let mut tx = self.store.begin().await?;
        tx.insert_auth_token(&row).await?;
        self.queue_mail(
            &mut tx,
            OutgoingMail {
                tenant: None,
                to: user.email.clone(),
                subject: "Your Frontdesk sign-in link".into(),
                text,
                html: Some(html),
            },
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok(())
    }

    async fn take_link(&self, token: &str, prefix: &str, purpose: &str) -> AppResult<User> {
        let cred = Credential::parse(prefix, token.trim()).ok_or(AppError::LinkInvalid)?;
        let row = self
            .store
            .auth_token(AuthTokenId(cred.id))
            .await?
            .ok_or(AppError::LinkInvalid)?;
        if row.user_id.0 != cred.scope
            || row.purpose != purpose
            || !verify_salted(&row.secret_hash, &cred.secret)
        {
            return Err(AppError::LinkInvalid);
        }
        let mut tx = self.store.begin().await?;
        if !tx.use_auth_token(row.id, self.now_ms()).await? {
            return Err(AppError::LinkInvalid);
        }
        tx.commit().await?;
        self.store
            .user(row.user_id)
            .await?
            .ok_or(AppError::LinkInvalid)
    }

    /// Checks a link without using it (to show the confirmation page).
    pub async fn peek_link(&self, token: &str, prefix: &str) -> AppResult<()> {
        let cred = Credential::parse(prefix, token.trim()).ok_or(AppError::LinkInvalid)?;
        let row = self
            .store
            .auth_token(AuthTokenId(cred.id))
            .await?
            .ok_or(AppError::LinkInvalid)?;
        if row.user_id.0 != cred.scope
            || !verify_salted(&row.secret_hash, &cred.secret)
            || row.used_at_ms.is_some()
            || row.expires_at_ms <= self.now_ms()
        {
            return Err(AppError::LinkInvalid);
        }
        Ok(())
    }

    /// Signs in with a magic link: single use, short-lived (promise A7).
    pub async fn consume_magic_link(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> AppResult<NewSession> {
        let user = self.take_link(token, MAGIC_PREFIX, "magic_link").await?;
        self.finish_login(&user, client, "magic_link").await
    }

    /// Sends a password-reset link if the account exists. Always answers the same way.
    pub async fn request_password_reset(&self, email: &str, client: &ClientInfo) -> AppResult<()> {
        let Ok(email) = validate::email("email", email) else {
            return Err(AppError::invalid("email", "is not a valid e-mail address"));
        };
        let key = validate::email_key(&email);
        if !self.link_rate_ok("reset", &key, client).await? {
            return Err(AppError::TooManyAttempts(3600));
        }
        let Some(user) = self.store.user_by_email(&key).await? else {
            return Ok(());
        };
        let (token, row) = self
            .issue_link(&user, "password_reset", RESET_PREFIX)
            .await?;
        let link = format!("{}/auth/reset/{token}", self.config.base_url);
        let minutes = self.config.link_ttl.as_secs() / 60;
        let (text, html) = link_mail(
            &format!("Hello {},", user.name),
            &[&format!(
                "Someone asked to reset your Frontdesk password. This link works once and expires in {minutes} minutes."
            )],
            "Choose a new password",
            &link,
            "If it was not you, ignore this e-mail; your password stays as it is.",
        );
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tx.void_auth_tokens(user.id, "password_reset", now).await?;
        tx.insert_auth_token(&row).await?;
        self.queue_mail(
            &mut tx,
            OutgoingMail {
                tenant: None,
                to: user.email.clone(),
                subject: "Reset your Frontdesk password".into(),
                text,
                html: Some(html),
            },
        )
        .await?;
        tx.commit().await?;
        self.waker.wake();
        Ok(())
    }

    /// Sets a new password with a reset link; every other session of the person ends.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &str,
        client: &ClientInfo,
    ) -> AppResult<NewSession> {
        validate::password("password", new_password)?;
        let user = self
            .take_link(token, RESET_PREFIX, "password_reset")
            .await?;
        let hash = self.hasher.hash(new_password).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, &hash, now).await?;
        tx.delete_user_sessions(user.id).await?;
        for m in self.store.memberships_of(user.id).await? {
            let ctx = Ctx {
                tenant: m.tenant_id,
                role: m.role.parse().unwrap_or(Role::Support),
                actor: Actor::User {
                    user_id: user.id,
                    email: user.email.clone(),
                    session_id: SessionId(Uuid::nil()),
                },
                ip: client.ip.clone(),
                user_agent: client.user_agent.clone(),
            };
            ctx.audit(
                &mut tx,
                now,
                "password.reset",
                Some(user.id.to_string()),
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        self.finish_login(&user, client, "password_reset").await
    }

    /// Changes one's own password (knowing the current one); other sessions end.
    pub async fn change_password(
        &self,
        s: &SessionCtx,
        current: &str,
        new_password: &str,
    ) -> AppResult<()> {
        validate::password("new_password", new_password)?;
        if self
            .hasher
            .verify(current, s.user.password_hash.as_deref())
            .await?
            == Verified::No
        {
            return Err(AppError::invalid(
                "current_password",
                "is not your current password",
            ));
        }
        let hash = self.hasher.hash(new_password).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(s.user.id, &hash, now).await?;
        let others: Vec<_> = self
            .store
            .sessions_of(s.user.id)
            .await?
            .into_iter()
            .filter(|x| x.id != s.session.id)
            .collect();
        for o in &others {
            tx.delete_session(o.id).await?;
        }
        if let Some(ctx) = &s.ctx {
            ctx.audit(
                &mut tx,
                now,
                "password.changed",
                Some(s.user.id.to_string()),
                json!({ "other_sessions_ended": others.len() }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Signs in with a staff access key; the key's previous session ends (promise A4).
    pub async fn login_staff_key(&self, key: &str, client: &ClientInfo) -> AppResult<NewSession> {
        let cred =
            Credential::parse(STAFF_KEY_PREFIX, key.trim()).ok_or(AppError::InvalidCredentials)?;
        let tenant = TenantId(cred.scope);
        let found = self
            .store
            .tenant(tenant)
            .staff_key(StaffKeyId(cred.id))
            .await?;
        let Some(k) = found
            .filter(|k| k.revoked_at_ms.is_none() && verify_salted(&k.secret_hash, &cred.secret))
        else {
            tracing::info!(target: "security", ip = client.ip.as_deref().unwrap_or("-"), "failed staff key sign-in");
            return Err(AppError::InvalidCredentials);
        };
        let now = self.now_ms();
        let member = self
            .store
            .tenant(tenant)
            .member(k.user_id)
            .await?
            .ok_or(AppError::InvalidCredentials)?;
        if member.expires_at_ms.is_some_and(|e| e <= now) {
            return Err(AppError::InvalidCredentials);
        }
        let role: Role = member
            .role
            .parse()
            .map_err(|_| AppError::InvalidCredentials)?;
        let user = self
            .store
            .user(k.user_id)
            .await?
            .ok_or(AppError::InvalidCredentials)?;
        let mut tx = self.store.begin().await?;
        let ended = tx.tenant(tenant).staff_key_login(k.id, now).await?;
        let s = self
            .open_session(&mut tx, &user, Some(tenant), Some(k.id), client)
            .await?;
        let ctx = self.client_ctx(tenant, role, &user, s.session.id, client);
        ctx.audit(
            &mut tx,
            now,
            "login",
            Some(user.id.to_string()),
            json!({ "method": "staff_key", "key": k.id, "previous_sessions_ended": ended }),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Resolves an integration API key (`Authorization: Bearer ak_…`).
    pub async fn resolve_api_key(&self, key: &str, client: &ClientInfo) -> AppResult<Ctx> {
        let cred =
            Credential::parse(API_KEY_PREFIX, key.trim()).ok_or(AppError::Unauthenticated)?;
        let tenant = TenantId(cred.scope);
        let k = self
            .store
            .api_key_for_credential(tenant, ApiKeyId(cred.id))
            .await?
            .filter(|k| k.revoked_at_ms.is_none() && verify_salted(&k.secret_hash, &cred.secret))
            .ok_or(AppError::Unauthenticated)?;
        let now = self.now_ms();
        if k.last_used_at_ms.is_none_or(|t| now - t > 30_000) {
            self.store.touch_api_key(tenant, k.id, now).await?;
        }
        let role: Role = k.role.parse().map_err(|_| AppError::Unauthenticated)?;
        Ok(Ctx {
            tenant,
            role,
            actor: Actor::ApiKey {
                key_id: k.id,
                name: k.name.clone(),
            },
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        })
    }

    /// Updates one's own profile.
    pub async fn update_profile(
        &self,
        s: &SessionCtx,
        name: &str,
        phone: Option<&str>,
        language: &str,
        country_hint: &str,
    ) -> AppResult<()> {
        let mut v = Validator::default();
        let name = v.check(validate::text("name", name, 1, 120, false));
        let phone = match phone.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => v.check(validate::phone("phone", p, country_hint)).map(Some),
            None => Some(None),
        };
        let language = v.check(validate::language("language", language));
        v.finish()?;
        let mut tx = self.store.begin().await?;
        tx.update_profile(
            s.user.id,
            &name.unwrap(),
            phone.flatten().as_deref(),
            &language.unwrap(),
            self.now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Rejects unknown fields the same way serde does, for forms.
pub fn unknown_field(field: &str) -> Invalid {
    Invalid::new(field, "is not a known field")
}
