//! Rows as stored. Conversions to API shapes happen in the app and web layers.

use frontdesk_core::*;
use uuid::Uuid;

/// A business.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenant {
    /// The tenant's id.
    pub tenant_id: TenantId,
    /// Business name.
    pub name: String,
    /// Language used when a customer's is unknown.
    pub default_language: String,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A location of a business (promise C1).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Location {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: LocationId,
    /// Display name.
    pub name: String,
    /// Public URL slug, unique across the deployment.
    pub slug: String,
    /// Postal address.
    pub address: String,
    /// Phone in E.164.
    pub phone: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 3166 country.
    pub country: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// `#rrggbb`.
    pub brand_colour: String,
    /// Shown on the booking page.
    pub booking_description: Option<String>,
    /// Tax / VAT id.
    pub tax_id: Option<String>,
    /// Logo or photo URL.
    pub image_url: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A person who can sign in (global).
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// E-mail as given.
    pub email: String,
    /// Lower-cased e-mail used for uniqueness.
    pub email_key: String,
    /// Name.
    pub name: String,
    /// Phone in E.164.
    pub phone: Option<String>,
    /// Preferred language.
    pub language: String,
    /// argon2id PHC string, or an imported bcrypt hash; never logged or returned (promise A1).
    pub password_hash: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A member of a business as listed to its team.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    /// The person.
    pub user_id: UserId,
    /// Their e-mail.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Role in this business.
    pub role: String,
    /// Joined.
    pub created_at_ms: i64,
    /// For support access: when it ends.
    pub expires_at_ms: Option<i64>,
}

/// One business a person belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipOf {
    /// The business.
    pub tenant_id: TenantId,
    /// Its name.
    pub tenant_name: String,
    /// The role there.
    pub role: String,
    /// For support access: when it ends.
    pub expires_at_ms: Option<i64>,
}

/// A server-side session (global).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    /// Id.
    pub id: SessionId,
    /// SHA-256 of the cookie value.
    pub token_hash: String,
    /// The person.
    pub user_id: UserId,
    /// The business this session acts in.
    pub tenant_id: Option<TenantId>,
    /// Set when the session was opened with a staff key (promise A4).
    pub staff_key_id: Option<StaffKeyId>,
    /// Created.
    pub created_at_ms: i64,
    /// Hard expiry (promise A5).
    pub expires_at_ms: i64,
    /// Last request.
    pub last_seen_at_ms: i64,
    /// IP at sign-in.
    pub ip: Option<String>,
    /// User agent at sign-in.
    pub user_agent: Option<String>,
}

/// A single-use link token (global).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthToken {
    /// Id.
    pub id: AuthTokenId,
    /// The person.
    pub user_id: UserId,
    /// `magic_link` or `password_reset`.
    pub purpose: String,
    /// Salted hash of the secret.
    pub secret_hash: String,
    /// Created.
    pub created_at_ms: i64,
    /// Expiry.
    pub expires_at_ms: i64,
    /// Set once used.
    pub used_at_ms: Option<i64>,
}

/// An invitation to join a business.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: InvitationId,
    /// Invitee's e-mail.
    pub email: String,
    /// Lower-cased e-mail.
    pub email_key: String,
    /// Role they will get.
    pub role: String,
    /// Who invited.
    pub invited_by: Option<UserId>,
    /// Salted hash of the link secret.
    pub secret_hash: String,
    /// Created.
    pub created_at_ms: i64,
    /// Expiry.
    pub expires_at_ms: i64,
    /// When accepted.
    pub accepted_at_ms: Option<i64>,
    /// When revoked.
    pub revoked_at_ms: Option<i64>,
}

/// An integration API key (`ak_…`, promise A3).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ApiKeyId,
    /// Label.
    pub name: String,
    /// The role the key acts with.
    pub role: String,
    /// Salted SHA-256 of the secret.
    pub secret_hash: String,
    /// Creator.
    pub created_by: Option<UserId>,
    /// Created.
    pub created_at_ms: i64,
    /// Last use.
    pub last_used_at_ms: Option<i64>,
    /// Revoked.
    pub revoked_at_ms: Option<i64>,
}

/// A staff access key (`sk_…`, promises A3, A4).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffKey {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: StaffKeyId,
    /// The member who signs in with it.
    pub user_id: UserId,
    /// Label.
    pub name: String,
    /// Salted SHA-256 of the secret.
    pub secret_hash: String,
    /// Creator.
    pub created_by: Option<UserId>,
    /// Created.
    pub created_at_ms: i64,
    /// Last use.
    pub last_used_at_ms: Option<i64>,
    /// Revoked.
    pub revoked_at_ms: Option<i64>,
}

/// An audit log entry (promise A6).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: AuditId,
    /// When.
    pub at_ms: i64,
    /// `user`, `api_key`, `support`, `system`, `anonymous`.
    pub actor_kind: String,
    /// The actor's id when known.
    pub actor_id: Option<String>,
    /// A readable name for the actor.
    pub actor_label: String,
    /// What happened, e.g. `login.failed`.
    pub action: String,
    /// The object acted on.
    pub target: Option<String>,
    /// JSON of what changed.
    pub details: String,
    /// Client IP.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

/// A new audit entry.
#[derive(Debug, Clone)]
pub struct NewAudit {
    /// When.
    pub at_ms: i64,
    /// Actor kind.
    pub actor_kind: String,
    /// Actor id.
    pub actor_id: Option<String>,
    /// Actor label.
    pub actor_label: String,
    /// Action.
    pub action: String,
    /// Target.
    pub target: Option<String>,
    /// Details (JSON).
    pub details: serde_json::Value,
    /// IP.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
}

/// Filter for listing the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this action (exact) or prefix ending in `.` (e.g. `login.`).
    pub action: Option<String>,
    /// Only this actor id.
    pub actor_id: Option<String>,
    /// From (inclusive).
    pub from_ms: Option<i64>,
    /// Until (exclusive).
    pub until_ms: Option<i64>,
    /// Entries older than this id's time (paging).
    pub before_ms: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// A restricted support grant (promise A8).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupportGrant {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: SupportGrantId,
    /// The support person.
    pub user_id: UserId,
    /// The owner who granted it.
    pub granted_by: Option<UserId>,
    /// Why.
    pub reason: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// End of access.
    pub expires_at_ms: i64,
    /// Revoked early.
    pub revoked_at_ms: Option<i64>,
}

/// An encrypted secret.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecretRow {
    /// Tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: SecretId,
    /// Name, e.g. `smtp_password`.
    pub name: String,
    /// Envelope `v1.<kid>.<…>`.
    pub ciphertext: String,
    /// Key id (also inside the envelope; kept as a column so rotation can find old rows).
    pub key_id: String,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// Helper to read a raw UUID column.
pub type RawId = Uuid;
