//! The use cases of Frontdesk. HTTP handlers, jobs, the CLI and (later) the assistant all act
//! through [`App`], so a change made from any of them takes the same path: validation, tenant
//! scope, permission, audit and jobs in one transaction.

pub mod audit;
pub mod auth;
pub mod bookings;
pub mod business;
mod catalog_view;
pub mod catalogue;
pub mod customers;
pub mod demo;
pub mod error;
pub mod events;
pub mod jobs;
pub mod keys;
pub mod links;
pub mod mail;
pub mod notify;
pub mod passwords;
pub mod public;
pub mod secrets;
pub mod sms;
pub mod support;
pub mod team;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use frontdesk_core::crypto::Keyring;
use frontdesk_core::{Clock, Role, TenantId, UserId};
use frontdesk_jobs::Waker;
use frontdesk_store::Store;

pub use error::{AppError, AppResult};

/// Settings the use cases need (built from the binary's config, or directly by tests).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Public base URL used in links in e-mails, without a trailing slash.
    pub base_url: String,
    /// Session lifetime (promise A5: 24 h by default).
    pub session_ttl: Duration,
    /// Lifetime of magic-link and password-reset links (promise A7).
    pub link_ttl: Duration,
    /// Lifetime of team invitations.
    pub invitation_ttl: Duration,
    /// Most concurrent password hashes (quality bar P6).
    pub hash_concurrency: usize,
    /// Failed sign-ins per account in 15 minutes before further tries are refused.
    pub login_failures_per_account: i64,
    /// Failed sign-ins per IP in 15 minutes before further tries are refused.
    pub login_failures_per_ip: i64,
    /// Where the keyring lives when keys come from a file (reloaded after a rotation).
    pub keyring_file: Option<PathBuf>,
    /// How e-mail leaves.
    pub mail: mail::MailConfig,
    /// How SMS leaves and how credits are counted.
    pub sms: sms::SmsConfig,
    /// Longest support grant an owner can give.
    pub max_support_grant: Duration,
    /// How long an availability snapshot of a location may be reused by reads (0 = never).
    /// This process drops a business's snapshots as soon as it commits a booking or catalogue
    /// change; other processes sharing the database see changes after at most this long. Writes
    /// always read fresh data and the database refuses overlaps, so staleness never books twice.
    pub availability_cache: Duration,
    /// Limits of the public booking page: one-time codes, resends, holds (promises O2, S1).
    pub public: public::PublicLimits,
}

impl AppConfig {
    /// Settings for tests and development: outbox mail in `dir`.
    pub fn for_dir(dir: &std::path::Path) -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".into(),
            session_ttl: Duration::from_secs(24 * 3600),
            link_ttl: Duration::from_secs(15 * 60),
            invitation_ttl: Duration::from_secs(7 * 24 * 3600),
            hash_concurrency: 2,
            login_failures_per_account: 10,
            login_failures_per_ip: 50,
            keyring_file: None,
            mail: mail::MailConfig::Outbox {
                dir: dir.join("outbox"),
            },
            sms: sms::SmsConfig::outbox(dir.join("outbox")),
            max_support_grant: Duration::from_secs(14 * 24 * 3600),
            availability_cache: Duration::from_millis(1500),
            public: public::PublicLimits::default(),
        }
    }
}

/// Who is acting, in which business, with which role, from where. Built by the web layer's
/// extractors (or by the CLI/jobs as `system`) and passed to every use case.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The business acted in.
    pub tenant: TenantId,
    /// The role acted with.
    pub role: Role,
    /// Who acts.
    pub actor: Actor,
    /// Client IP, if any.
    pub ip: Option<String>,
    /// Client user agent, if any.
    pub user_agent: Option<String>,
}

/// The kinds of actor.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A signed-in person.
    User {
        /// Who.
        user_id: UserId,
        /// Their e-mail (for the audit label).
        email: String,
        /// The session used.
        session_id: frontdesk_core::SessionId,
    },
    /// An integration API key.
    ApiKey {
        /// Which key.
        key_id: frontdesk_core::ApiKeyId,
        /// Its label.
        name: String,
    },
    /// Frontdesk itself (jobs, CLI).
    System,
    /// A customer on the public booking page or through their manage-booking link.
    Customer,
}

impl Ctx {
    /// The acting person, if a person acts.
    pub fn user_id(&self) -> Option<UserId> {
        match &self.actor {
            Actor::User { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }

    /// Fails unless the role is owner (promise A2).
    pub fn require_owner(&self) -> AppResult<()> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(AppError::Forbidden("owner_only"))
        }
    }

    /// Fails for read-only roles (support, promise A8).
    pub fn require_write(&self) -> AppResult<()> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(AppError::Forbidden("read_only"))
        }
    }

    /// A system context for a tenant (jobs, CLI).
    pub fn system(tenant: TenantId) -> Self {
        Self {
            tenant,
            role: Role::Owner,
            actor: Actor::System,
            ip: None,
            user_agent: None,
        }
    }
}

/// The application: everything a use case needs.
#[derive(Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Arc<AppConfig>,
    keyring: Arc<RwLock<Keyring>>,
    hasher: passwords::Hasher,
    /// Wakes job workers after an enqueue.
    pub waker: Waker,
    mailer: mail::Mailer,
    sms: sms::SmsSender,
    pub(crate) views: catalog_view::ViewCache,
    /// Live events for staff screens.
    pub events: events::EventBus,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the application.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: AppConfig,
        keyring: Keyring,
    ) -> anyhow::Result<Self> {
        let mailer = mail::Mailer::new(&config.mail)?;
        let sms = sms::SmsSender::new(&config.sms);
        Ok(Self {
            sms,
            store,
            clock,
            hasher: passwords::Hasher::new(config.hash_concurrency),
            config: Arc::new(config),
            keyring: Arc::new(RwLock::new(keyring)),
            waker: Waker::default(),
            mailer,
            views: catalog_view::ViewCache::default(),
            events: events::EventBus::default(),
        })
    }

    /// Current time in epoch ms.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The job handlers of the application.
    pub fn job_registry(&self) -> frontdesk_jobs::Registry {
        jobs::registry(self.clone())
    }

    /// The periodic jobs of the application.
    pub fn periodic_jobs() -> Vec<frontdesk_jobs::Periodic> {
        jobs::periodic()
    }
}
