//! Request and response shapes of the JSON API. Ids are rendered as prefixed strings, instants
//! as RFC 3339 UTC strings. Secrets and hashes never appear in a response (promise A1, A3).

use frontdesk_store::jobs::Job;
use frontdesk_store::mail::Mail;
use frontdesk_store::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Epoch ms → RFC 3339.
pub fn ts(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Optional epoch ms → RFC 3339.
pub fn ots(ms: Option<i64>) -> Option<String> {
    ms.map(ts)
}

/// The business.
#[derive(Debug, Serialize, ToSchema)]
pub struct BusinessOut {
    /// `ten_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// Default language of customer-facing text.
    pub default_language: String,
    /// Created.
    pub created_at: String,
}

impl From<Tenant> for BusinessOut {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.tenant_id.to_string(),
            name: t.name,
            default_language: t.default_language,
            created_at: ts(t.created_at_ms),
        }
    }
}

/// Changes to the business.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessIn {
    /// Name.
    pub name: String,
    /// Default language (en, it, fr, es, vi).
    pub default_language: String,
}

/// A location.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationOut {
    /// `loc_…`
    pub id: String,
    /// Name.
    pub name: String,
    /// Public URL slug.
    pub slug: String,
    /// Address.
    pub address: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO country.
    pub country: String,
    /// ISO currency.
    pub currency: String,
    /// Brand colour.
    pub brand_colour: String,
    /// Booking page text.
    pub booking_description: Option<String>,
    /// Tax id.
    pub tax_id: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<Location> for LocationOut {
    fn from(l: Location) -> Self {
        Self {
            id: l.id.to_string(),
            name: l.name,
            slug: l.slug,
            address: l.address,
            phone: l.phone,
            time_zone: l.time_zone,
            country: l.country,
            currency: l.currency,
            brand_colour: l.brand_colour,
            booking_description: l.booking_description,
            tax_id: l.tax_id,
            image_url: l.image_url,
            created_at: ts(l.created_at_ms),
            updated_at: ts(l.updated_at_ms),
        }
    }
}

/// A location to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationIn {
    /// Name.
    pub name: String,
    /// Public URL slug (3–63 of a-z, 0-9, -).
    pub slug: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Phone (national or international format).
    #[serde(default)]
    pub phone: Option<String>,
    /// IANA time zone, e.g. Europe/Rome.
    pub time_zone: String,
    /// ISO 3166 country, e.g. IT.
    pub country: String,
    /// ISO 4217 currency, e.g. EUR.
    pub currency: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub brand_colour: Option<String>,
    /// Booking page text.
    #[serde(default)]
    pub booking_description: Option<String>,
    /// Tax id.
    #[serde(default)]
    pub tax_id: Option<String>,
    /// Image URL.
    #[serde(default)]
    pub image_url: Option<String>,
}

impl From<LocationIn> for frontdesk_app::business::LocationIn {
    fn from(l: LocationIn) -> Self {
        Self {
            name: l.name,
            slug: l.slug,
            address: l.address,
            phone: l.phone,
            time_zone: l.time_zone,
            country: l.country,
            currency: l.currency,
            brand_colour: l.brand_colour,
            booking_description: l.booking_description,
            tax_id: l.tax_id,
            image_url: l.image_url,
        }
    }
}

/// A team member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    /// `usr_…`
    pub user_id: String,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Joined.
    pub joined_at: String,
    /// End of support access.
    pub expires_at: Option<String>,
}

impl From<Member> for MemberOut {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.user_id.to_string(),
            email: m.email,
            name: m.name,
            role: m.role,
            joined_at: ts(m.created_at_ms),
            expires_at: ots(m.expires_at_ms),
        }
    }
}

/// A role change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    /// owner, admin, professional or receptionist.
    pub role: String,
}

/// An invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOut {
    /// `inv_…`
    pub id: String,
    /// Invitee.
    pub email: String,
    /// Role.
    pub role: String,
    /// `open`, `accepted`, `revoked`, `expired`.
    pub status: String,
    /// Created.
    pub created_at: String,
    /// Expiry.
    pub expires_at: String,
    /// The link to accept: only in the response that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl InvitationOut {
    /// From a row, with the status computed at `now`.
    pub fn from_row(i: Invitation, now: i64, link: Option<String>) -> Self {
        let status = if i.accepted_at_ms.is_some() {
            "accepted"
        } else if i.revoked_at_ms.is_some() {
            "revoked"
        } else if i.expires_at_ms <= now {
            "expired"
        } else {
            "open"
        };
        Self {
            id: i.id.to_string(),
            email: i.email,
            role: i.role,
            status: status.into(),
            created_at: ts(i.created_at_ms),
            expires_at: ts(i.expires_at_ms),
            link,
        }
    }
}

/// An invitation to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteIn {
    /// E-mail.
    pub email: String,
    /// admin, professional or receptionist.
    pub role: String,
}

/// Accepting an invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationIn {
    /// The token from the link.
    pub token: String,
    /// Name (new accounts).
    #[serde(default)]
    pub name: Option<String>,
    /// New password, or the existing account's password.
    pub password: String,
}

/// An API key (the secret only in the creating response).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyOut {
    /// `key_…`
    pub id: String,
    /// Label.
    pub name: String,
    /// Role it acts with.
    pub role: String,
    /// Created.
    pub created_at: String,
    /// Last use.
    pub last_used_at: Option<String>,
    /// Revoked.
    pub revoked_at: Option<String>,
    /// `ak_…`: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl ApiKeyOut {
    /// From a row (and the secret text when just created).
    pub fn from_row(k: ApiKey, key: Option<String>) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name,
            role: k.role,
            created_at: ts(k.created_at_ms),
            last_used_at: ots(k.last_used_at_ms),
            revoked_at: ots(k.revoked_at_ms),
            key,
        }
    }
}

/// A new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyIn {
    /// Label.
    pub name: String,
    /// Role (default admin).
    #[serde(default)]
    pub role: Option<String>,
}

/// A staff key (the secret only in the creating response).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffKeyOut {
    /// `skey_…`
    pub id: String,
    /// Member who signs in with it.
    pub user_id: String,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: String,
    /// Last use.
    pub last_used_at: Option<String>,
    /// Revoked.
    pub revoked_at: Option<String>,
    /// `sk_…`: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl StaffKeyOut {
    /// From a row.
    pub fn from_row(k: StaffKey, key: Option<String>) -> Self {
        Self {
            id: k.id.to_string(),
            user_id: k.user_id.to_string(),
            name: k.name,
            created_at: ts(k.created_at_ms),
            last_used_at: ots(k.last_used_at_ms),
            revoked_at: ots(k.revoked_at_ms),
            key,
        }
    }
}

/// A new staff key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffKeyIn {
    /// `usr_…` of a member.
    pub user_id: String,
    /// Label, e.g. "Front desk tablet".
    pub name: String,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// `aud_…`
    pub id: String,
    /// When.
    pub at: String,
    /// user, api_key, support, system.
    pub actor_kind: String,
    /// Actor id.
    pub actor_id: Option<String>,
    /// Actor label.
    pub actor: String,
    /// Action, e.g. `login.failed`.
    pub action: String,
    /// Target.
    pub target: Option<String>,
    /// What changed.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// IP.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
}

impl From<AuditEntry> for AuditOut {
    fn from(a: AuditEntry) -> Self {
        Self {
            id: a.id.to_string(),
            at: ts(a.at_ms),
            actor_kind: a.actor_kind,
            actor_id: a.actor_id,
            actor: a.actor_label,
            action: a.action,
            target: a.target,
            details: serde_json::from_str(&a.details).unwrap_or(serde_json::Value::Null),
            ip: a.ip,
            user_agent: a.user_agent,
        }
    }
}

/// A support grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportGrantOut {
    /// `sup_…`
    pub id: String,
    /// Support person's e-mail.
    pub email: String,
    /// Why.
    pub reason: Option<String>,
    /// Created.
    pub created_at: String,
    /// End of access.
    pub expires_at: String,
    /// Revoked.
    pub revoked_at: Option<String>,
    /// Whether access is live now.
    pub active: bool,
    /// Always true: support access is read-only.
    pub read_only: bool,
}

impl SupportGrantOut {
    /// From a row.
    pub fn from_row(g: SupportGrant, email: String, now: i64) -> Self {
        Self {
            id: g.id.to_string(),
            email,
            reason: g.reason,
            created_at: ts(g.created_at_ms),
            expires_at: ts(g.expires_at_ms),
            revoked_at: ots(g.revoked_at_ms),
            active: g.revoked_at_ms.is_none() && g.expires_at_ms > now,
            read_only: true,
        }
    }
}

/// A support grant to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportGrantIn {
    /// Support person's e-mail.
    pub email: String,
    /// Duration in hours.
    pub hours: i64,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    /// `job_…`
    pub id: String,
    /// Queue.
    pub queue: String,
    /// Kind.
    pub kind: String,
    /// queued, running, done, dead.
    pub status: String,
    /// Attempts.
    pub attempts: i64,
    /// Max attempts.
    pub max_attempts: i64,
    /// Next run.
    pub run_at: String,
    /// Last error.
    pub last_error: Option<String>,
    /// Created.
    pub created_at: String,
    /// Finished.
    pub finished_at: Option<String>,
}

impl From<Job> for JobOut {
    fn from(j: Job) -> Self {
        Self {
            id: j.id.to_string(),
            queue: j.queue,
            kind: j.kind,
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: ts(j.run_at_ms),
            last_error: j.last_error,
            created_at: ts(j.created_at_ms),
            finished_at: ots(j.finished_at_ms),
        }
    }
}

/// A stored secret (the value is never returned).
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretOut {
    /// Name.
    pub name: String,
    /// Key id it is encrypted under.
    pub key_id: String,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl From<SecretRow> for SecretOut {
    fn from(s: SecretRow) -> Self {
        Self {
            name: s.name,
            key_id: s.key_id,
            created_at: ts(s.created_at_ms),
            updated_at: ts(s.updated_at_ms),
        }
    }
}

/// A secret value to store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretIn {
    /// The value (write-only).
    pub value: String,
}

/// An e-mail in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailOut {
    /// `mail_…`
    pub id: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Text body.
    pub text: String,
    /// queued, sent, failed.
    pub status: String,
    /// outbox or smtp.
    pub transport: Option<String>,
    /// Last error.
    pub error: Option<String>,
    /// Created.
    pub created_at: String,
    /// Sent.
    pub sent_at: Option<String>,
}

impl From<Mail> for MailOut {
    fn from(m: Mail) -> Self {
        Self {
            id: m.id.to_string(),
            to: m.to_addr,
            subject: m.subject,
            text: m.body_text,
            status: m.status,
            transport: m.transport,
            error: m.error,
            created_at: ts(m.created_at_ms),
            sent_at: ots(m.sent_at_ms),
        }
    }
}
